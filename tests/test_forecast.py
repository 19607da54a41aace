"""Demand forecast: quarterly counts, intervals and the backtest."""

from __future__ import annotations

import numpy as np
import pytest

from tfanalysis import demo, load_dataset
from tfanalysis.forecast import _predict_mean, backtest, demand_forecast, quarterly_needs


def test_mean_model_by_hand() -> None:
    out = _predict_mean(np.array([0.0, 8.0, 10.0, 12.0, 14.0]), 2, 0.8)
    assert out["forecast"].tolist() == [11.0, 11.0]  # mean of the last four quarters
    assert (out["low"] < 11).all() and (out["high"] > 11).all()


def test_demo_quarters_are_complete(demo_dir) -> None:
    q = quarterly_needs(load_dataset(demo_dir))
    assert q.index.astype(str).tolist()[0] == "2023Q1" and len(q) == 12
    assert int(q.to_numpy().sum()) == 3775


def test_demo_shortfall_service_forecast_exceeds_capacity(demo_dir) -> None:
    data = load_dataset(demo_dir)
    f = demand_forecast(data, services=[demo.PLANTED["shortfall_service"]])
    ahead = f[f["kind"] == "forecast"]
    assert ahead["places"].iloc[0] == 12  # 4 places a month from 2025
    assert (ahead["low"] <= ahead["forecast"]).all() and (ahead["forecast"] <= ahead["high"]).all()
    assert (ahead["forecast"] > ahead["places"]).all()


def test_demo_backtest_mean_model_is_calibrated(demo_dir) -> None:
    b = backtest(load_dataset(demo_dir))
    assert b["coverage_mean"].mean() >= 70
    with pytest.raises(ValueError, match="method"):
        demand_forecast(load_dataset(demo_dir), services=["food"], method="arima")


def test_backtest_with_no_quarter_left_to_fit_on_says_so() -> None:
    """Four complete quarters or fewer: nothing to fit on once four are held out (it divided by zero)."""
    from pathlib import Path

    from tfanalysis.forecast import backtest_markdown

    data = load_dataset(Path(__file__).parent / "data" / "connecticut")
    assert len(quarterly_needs(data)) == 3  # 2025Q1–Q3 complete; the data end on 2025-11-04
    result = backtest(data)
    assert result.empty
    assert backtest_markdown(result).startswith("Too few complete quarters of data to backtest")
