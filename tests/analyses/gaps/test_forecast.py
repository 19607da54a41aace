"""Demand forecast: quarterly counts, intervals and the backtest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tfanalysis import demo, load_dataset
from tfanalysis.analyses.gaps.forecast import (
    _predict_mean,
    backtest,
    demand_forecast,
    forecast_counts,
    quarterly_needs,
    trend_estimable,
)
from tfanalysis.reports.forecast import backtest_markdown

from conftest import TINY_TABLES, write_tiny_dataset

# The tiny task force over eight complete quarters (2023Q1-2024Q4): case management every quarter but
# 2024Q3; legal representation twice in 2023Q4 and once in 2024Q1; emergency housing twice in 2024Q1.
SMALL_CLIENTS = TINY_TABLES["clients.csv"] + "".join(
    f"c{i},{day},10001,25-34,female,sex,us_citizen,en,law_enforcement\n"
    for i, day in [(5, "2023-02-01"), (6, "2023-05-01"), (7, "2023-08-01"), (8, "2023-11-01"), (9, "2023-12-01"), (10, "2024-12-31")]
)


SMALL_NEEDS = TINY_TABLES["needs.csv"] + (
    "c5,case_management,2023-02-01,met,2023-02-10,m2\n"
    "c6,case_management,2023-05-01,met,2023-05-10,m2\n"
    "c7,case_management,2023-08-01,met,2023-08-10,m2\n"
    "c8,case_management,2023-11-01,met,2023-11-10,m2\n"
    "c8,legal_representation,2023-11-01,unmet,,\n"
    "c9,legal_representation,2023-12-01,unmet,,\n"
    "c10,case_management,2024-12-31,in_progress,,\n"
)


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


def test_a_trend_is_estimable_only_with_needs_inside_the_quarters() -> None:
    # the Poisson trend needs the needs' mean quarter strictly between the first and the last
    assert trend_estimable([0, 0, 0, 5]) is False  # all in the last quarter: the slope runs to +infinity
    assert trend_estimable([3, 0, 0, 0]) is False and trend_estimable([0, 0, 0, 0]) is False
    assert trend_estimable([0, 5, 0, 0]) is True and trend_estimable([1, 1, 1, 1]) is True


def test_a_trend_without_a_fit_falls_back_to_the_mean() -> None:
    # seven empty quarters, then 5 needs: the old fit forecast 85,920 needs for the next quarter
    ahead, model = forecast_counts(np.array([0.0] * 7 + [5.0]), 4, 0.8, "trend")
    assert model == "mean" and ahead["forecast"].tolist() == [1.25] * 4  # 5 needs over the last four quarters
    ahead, model = forecast_counts(np.zeros(8), 4, 0.8, "trend")  # no need at all: statsmodels raised here
    assert model == "mean" and ahead["forecast"].tolist() == [0.0] * 4
    ahead, model = forecast_counts(np.array([2.0, 3, 3, 4, 5, 5, 6, 7]), 2, 0.8, "trend")
    assert model == "trend" and (np.diff(ahead["forecast"]) > 0).all()


def test_backtest_on_small_data_falls_back_and_says_so(tmp_path: Path) -> None:
    data = load_dataset(write_tiny_dataset(tmp_path / "small", clients__csv=SMALL_CLIENTS, needs__csv=SMALL_NEEDS))
    assert quarterly_needs(data)["legal_representation"].tolist() == [0, 0, 0, 2, 1, 0, 0, 0]
    b = backtest(data)
    assert b["trend_fallback"].to_dict() == {"case_management": False, "housing_emergency": True, "legal_representation": True}
    # legal representation: trained on 0, 0, 0, 2 (no trend fits) -> the mean 0.5; held out 1, 0, 0, 0 -> misses by 0.5
    legal = b.loc["legal_representation"]
    assert legal["mae_trend"] == legal["mae_mean"] == pytest.approx(0.5)
    assert b.loc["housing_emergency", "mae_trend"] == pytest.approx(0.5)  # trained on zeros; held out 2, 0, 0, 0
    assert b["mae_trend"].max() < 2  # nothing diverges
    text = backtest_markdown(b)
    assert f"a trend model by {b['mae_trend'].mean():.1f}; for 2 of 3 services the trend could not be fitted on so few needs" in text
    f = demand_forecast(data, method="trend")
    ahead = f[f["kind"] == "forecast"].groupby("service")["model"].first()
    assert ahead.to_dict() == {"case_management": "trend", "housing_emergency": "trend", "legal_representation": "trend"}  # on all 8 quarters
    assert f.loc[(f["service"] == "legal_representation") & (f["kind"] == "forecast"), "places"].iloc[0] == 12  # 4 a month in force on 2024-12-31


def test_backtest_with_no_quarter_left_to_fit_on_says_so(ct_dir: Path) -> None:
    """Four complete quarters or fewer: nothing to fit on once four are held out (it divided by zero)."""
    data = load_dataset(ct_dir)
    assert len(quarterly_needs(data)) == 3  # 2025Q1–Q3 complete; the data end on 2025-11-04
    result = backtest(data)
    assert result.empty
    assert backtest_markdown(result).startswith("Too few complete quarters of data to backtest")
