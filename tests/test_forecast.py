"""Demand forecast: quarterly counts, intervals and the backtest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import TINY_TABLES, write_tiny_dataset

from tfanalysis import demo, load_dataset
from tfanalysis.forecast import _forecast, _predict_mean, backtest, backtest_markdown, demand_forecast, quarterly_needs, trend_estimable

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
    ahead, model = _forecast(np.array([0.0] * 7 + [5.0]), 4, 0.8, "trend")
    assert model == "mean" and ahead["forecast"].tolist() == [1.25] * 4  # 5 needs over the last four quarters
    ahead, model = _forecast(np.zeros(8), 4, 0.8, "trend")  # no need at all: statsmodels raised here
    assert model == "mean" and ahead["forecast"].tolist() == [0.0] * 4
    ahead, model = _forecast(np.array([2.0, 3, 3, 4, 5, 5, 6, 7]), 2, 0.8, "trend")
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


def test_backtest_with_no_quarter_left_to_fit_on_says_so() -> None:
    """Four complete quarters or fewer: nothing to fit on once four are held out (it divided by zero)."""
    from pathlib import Path

    from tfanalysis.forecast import backtest_markdown

    data = load_dataset(Path(__file__).parent / "fixtures" / "connecticut")
    assert len(quarterly_needs(data)) == 3  # 2025Q1–Q3 complete; the data end on 2025-11-04
    result = backtest(data)
    assert result.empty
    assert backtest_markdown(result).startswith("Too few complete quarters of data to backtest")


# --- released quarters (report 02 through the publication layer) -------------------------


def _released_quarters(counts: dict[str, list[int]]):
    """Needs followed per quarter from 2024Q1, released per quarter x service (threshold 11)."""
    import pandas as pd

    from tfanalysis.publication import ByPeriod, Release

    days = pd.period_range("2024Q1", periods=len(next(iter(counts.values()))), freq="Q").start_time + pd.Timedelta(days=30)
    rows = [(day, need) for need, per in counts.items() for day, n in zip(days, per) for _ in range(n)]
    units = pd.DataFrame(rows, columns=["identified_on", "need"]).assign(**{"gaps.outcome": "unmet"})
    rel = Release(None, 11, units={"needs": units})
    quarters = pd.period_range("2024Q1", periods=len(days), freq="Q")
    return rel.table("needs", rows=ByPeriod("identified_on", quarters), columns="need", name="needs per quarter")


def test_a_forecast_of_released_quarters_is_the_mean_of_the_last_four_shown() -> None:
    from tfanalysis.forecast import publish_forecast

    f = publish_forecast(None, _released_quarters({"a": [12, 14, 16, 18, 20]}), horizon=2)
    seen, ahead = f[f["kind"] == "observed"], f[f["kind"] == "forecast"]
    assert seen["needs"].tolist() == [12.0, 14.0, 16.0, 18.0, 20.0]
    assert ahead["quarter"].tolist() == ["2025Q2", "2025Q3"]
    assert ahead["forecast"].tolist() == [17.0, 17.0]  # (14 + 16 + 18 + 20) / 4
    assert (ahead["low"] < 17).all() and (ahead["high"] > 17).all()


def test_no_forecast_rests_on_a_hidden_quarter() -> None:
    """Fits drawn from true counts gave hidden points back: a hidden quarter means no forecast."""
    from tfanalysis.forecast import publish_forecast

    f = publish_forecast(None, _released_quarters({"a": [12, 14, 4, 16, 20]}), horizon=1)
    seen, ahead = f[f["kind"] == "observed"], f[f["kind"] == "forecast"]
    assert np.isnan(seen["needs"].iloc[2])  # 4: hidden, drawn as a gap
    assert ahead[["forecast", "low", "high"]].isna().all().all()
    shown = seen["needs"].dropna()
    assert set(shown.tolist()) <= {12.0, 14.0, 16.0, 20.0}


def test_the_backtest_leaves_out_services_with_a_hidden_quarter() -> None:
    import pandas as pd

    from tfanalysis.forecast import backtest_counts, publish_backtest

    c = [40, 44, 38, 41, 42, 45]
    quarters = _released_quarters({"a": [30, 32, 28, 31, 29, 33], "b": [20, 3, 25, 22, 24, 21], "c": c})
    # b's 3 is hidden; a's first two quarters with it (complementary suppression): only c is whole
    assert quarters.numbers().notna().all().tolist() == [False, False, True]
    results, left_out = publish_backtest(quarters)
    assert results.index.tolist() == ["c"] and left_out == 2
    truth = backtest_counts(pd.DataFrame({"c": c}, index=pd.period_range("2024Q1", periods=6, freq="Q")))
    assert results.loc["c", "mae_mean"] == truth.loc["c", "mae_mean"] == 2.0  # mean of 40, 44 = 42 against 38, 41, 42, 45
