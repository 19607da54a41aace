"""Demand forecast: quarterly counts, intervals and the backtest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tfanalysis import demo, load_dataset
from tfanalysis.analyses.gaps.forecast import (
    backtest,
    backtest_counts,
    demand_forecast,
    dispersion,
    forecast_counts,
    pearson_dispersion,
    predictive_interval,
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


def test_dispersion_by_hand() -> None:
    # about a level of 10: (36 + 36 + 0 + 16 + 16 + 0) / 10 = 10.4 on 6 - 1 = 5 df
    assert pearson_dispersion([4, 16, 10, 6, 14, 10], [10.0] * 6, 1) == pytest.approx(2.08)
    # symmetric in time, so the Poisson trend is flat at the mean 10: 4 × 36 / 10 = 14.4 on 6 - 2 df
    assert dispersion([16, 4, 10, 10, 4, 16]) == (pytest.approx(3.6), 4)
    # all in the last quarter: no trend fits, a level of 1: (5 × 1 + 25) / 1 = 30 on 6 - 1 df
    assert dispersion([0, 0, 0, 0, 0, 6]) == (pytest.approx(6.0), 5)
    # a hidden quarter (NaN) is left out, the others kept in place: the same six counts
    assert dispersion([np.nan, 16, 4, 10, 10, 4, 16]) == (pytest.approx(3.6), 4)
    assert pearson_dispersion([1, 2], [1.5, 1.5], 2) != pearson_dispersion([1, 2], [1.5, 1.5], 2)  # no df: NaN


def test_mean_model_by_hand() -> None:
    ahead, model = forecast_counts(np.array([16.0, 4, 10, 10, 4, 16]), 2, 0.8, "mean")
    assert model == "mean" and ahead["forecast"].tolist() == [10.0, 10.0]  # the last four: (10 + 10 + 4 + 16) / 4
    # the count varies 3.6 × 10 about a mean of four counts that varies 3.6 × 10 / 4: 45, widened by
    # (t_4 / z)² at the 90th percentile, (1.5332 / 1.2816)² = 1.4312, to 64.4: the negative binomial
    # of mean 10 and variance 64.4 has size 10² / 54.4 = 1.838 and p = 10 / 64.4 = 0.1553
    from scipy import stats

    assert ahead["dispersion"].tolist() == [pytest.approx(3.6)] * 2
    variance = 3.6 * 10 * 1.25 * (stats.t.ppf(0.9, 4) / stats.norm.ppf(0.9)) ** 2
    assert variance == pytest.approx(64.4, abs=0.05)
    law = stats.nbinom(100 / (variance - 10), 10 / variance)
    assert ahead["low"].tolist() == [law.ppf(0.1)] * 2 == [2.0] * 2
    assert ahead["high"].tolist() == [law.ppf(0.9)] * 2 == [21.0] * 2


def test_a_short_series_has_no_interval() -> None:
    """Five quarters leave 3 degrees of freedom about a trend: too few to tell Poisson from three times it."""
    ahead, _ = forecast_counts(np.array([16.0, 4, 10, 10, 4]), 1, 0.8, "mean")
    assert ahead["forecast"].tolist() == [7.0] and ahead[["low", "high", "dispersion"]].isna().all().all()
    ahead, _ = forecast_counts(np.array([16.0, 4, 10, 10, 4, 16]), 1, 0.8, "mean")
    assert ahead[["low", "high"]].notna().all().all()


def test_predictive_interval_is_negative_binomial_widened_for_an_estimated_dispersion() -> None:
    from scipy import stats

    low, high = predictive_interval([20.0], [50.0], [np.inf], 0.8)  # known variance: the negative binomial's own quantiles
    law = stats.nbinom(400 / 30, 20 / 50)
    assert (low[0], high[0]) == (law.ppf(0.1), law.ppf(0.9))
    low4, high4 = predictive_interval([20.0], [50.0], [4.0], 0.8)
    assert low4[0] <= low[0] and high4[0] > high[0]
    low, high = predictive_interval([20.0, 20.0], [np.nan, 10.0], [4.0, np.inf], 0.8)
    assert np.isnan(low[0]) and (low[1], high[1]) == (16.0, 24.0)  # 20 ± 1.2816 × √10, rounded


def test_the_interval_covers_80_percent_of_overdispersed_counts() -> None:
    """A small version of benchmarks/bench_forecast_coverage.py, fixed seed.

    400 series of 12 quarters, negative binomial with variance 2.5 × a mean of 20: the
    next quarter's count falls in the true law's own 10th–90th percentiles 83.1% of the
    time (whole counts), and the benchmark's 1,000 series give 80–83% for the forecast.
    The standard error of a share near 82% over 400 series is 1.9 points: 74–90% is
    about ±4 SE, so a correct interval fails by chance about once in 10,000 seeds. The
    Poisson interval it replaced held 75–78% at 2.5 × Poisson and 68–72% at 3.2 ×.
    """
    rng = np.random.default_rng(7)
    counts = rng.negative_binomial(20 / 1.5, 1 / 2.5, size=(400, 12)).astype(float)
    inside = []
    for y in counts:
        ahead, _ = forecast_counts(y[:-1], 1, 0.8, "mean")
        inside.append(ahead["low"].iloc[0] <= y[-1] <= ahead["high"].iloc[0])
    assert 74 <= 100 * np.mean(inside) <= 90
    dispersions = [dispersion(y)[0] for y in counts[:100]]
    assert 2.0 < np.median(dispersions) < 3.0  # it measures the 2.5 simulated


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
    # 33 services, 4 held-out quarters each: 90% (95.5% with the Poisson interval); many are small counts, which whole counts over-cover
    assert 75 <= b["coverage_mean"].mean() <= 95
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
    # four quarters before the held-out ones: too few to measure how counts vary, so no interval and no coverage
    assert b["coverage_mean"].isna().all() and "so there is no interval to check" in text
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


def test_the_places_and_complete_quarters_of_a_past_period_are_those_of_its_end(tmp_path: Path) -> None:
    """A report on 2024Q1 forecasts from the data as they stood on 31 March 2024.

    c1's emergency housing, identified in January, was met on 2024-06-01, and a second shelter row
    (20 a month) began on 2024-05-01. Read as of the follow-up (the latest date the data up to 2024Q1
    still hold), the places line showed 3 x 26 = 78 and 2024Q2 could be counted as complete; as of
    the period's end it is 3 x 6 = 18 (m2's 6 a month), and the last complete quarter is 2024Q1.
    """
    from tfanalysis.analyses.capacity_in_force import as_of_date
    from tfanalysis.analyses.gaps.forecast import places_per_quarter

    needs = TINY_TABLES["needs.csv"].replace("housing_emergency,2024-01-10,met,2024-01-12,m2", "housing_emergency,2024-01-10,met,2024-06-01,m2")
    capacity = TINY_TABLES["capacity.csv"] + "m2,housing_emergency,20,10001;10003,false,true,female,true,en;es,true,2024-05-01,\n"
    history = load_dataset(write_tiny_dataset(tmp_path / "tiny", needs__csv=needs, capacity__csv=capacity)).up_to("2024Q1")
    assert str(history.needs["met_on"].max().date()) == "2024-06-01"  # the follow-up is kept
    assert str(as_of_date(history).date()) == "2024-03-31"
    assert places_per_quarter(history)["housing_emergency"] == 18.0
    assert list(quarterly_needs(history).index.astype(str)) == ["2024Q1"]
