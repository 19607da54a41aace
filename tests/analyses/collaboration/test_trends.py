"""Trend tests, the segmented regression and the XmR chart on series with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pymannkendall
import pytest

from tfanalysis.analyses.collaboration import trends


def quarters(values: list[float] | np.ndarray, start: str = "2022Q1") -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=pd.period_range(start, periods=len(values), freq="Q"))


def its(n: int, change_at: int, b0: float, b1: float, b2: float, b3: float, noise: float = 0.0, seed: int = 0) -> pd.Series:
    t = np.arange(n, dtype=float)
    post = t >= change_at
    y = b0 + b1 * t + b2 * post + b3 * (t - change_at) * post
    y = y + np.random.default_rng(seed).normal(0, noise, n)
    return quarters(y)


# --------------------------------------------------------------------------- segmented regression


def test_recovers_an_exact_level_and_slope_change() -> None:
    y = its(16, 8, b0=12.0, b1=0.25, b2=-6.0, b3=-0.5)  # change at 2024Q1
    fit = trends.segmented_regression(y, "2024-01-01")
    assert list(fit.index) == ["intercept", "pre_slope", "level_change", "slope_change"]
    assert list(fit.columns) == ["estimate", "ci_low", "ci_high", "p_value"]
    np.testing.assert_allclose(fit["estimate"], [12.0, 0.25, -6.0, -0.5], atol=1e-9)
    assert fit.attrs["n_pre"] == 8 and fit.attrs["n_post"] == 8 and fit.attrs["first_post"] == "2024Q1"


def test_recovers_a_known_change_through_noise_and_its_interval_covers_it() -> None:
    y = its(24, 12, b0=20.0, b1=0.1, b2=-7.0, b3=0.3, noise=0.5, seed=42)
    fit = trends.segmented_regression(y, "2025-01-01")
    level, slope = fit.loc["level_change"], fit.loc["slope_change"]
    assert level["ci_low"] < -7.0 < level["ci_high"]
    assert slope["ci_low"] < 0.3 < slope["ci_high"]
    assert abs(level["estimate"] + 7.0) < 1.0 and level["p_value"] < 0.001
    assert fit.attrs["df_resid"] == 20 and fit.attrs["change_p"] < 0.001


def test_no_change_is_not_found_where_there_is_none() -> None:
    y = its(20, 10, b0=5.0, b1=0.2, b2=0.0, b3=0.0, noise=0.3, seed=7)
    fit = trends.segmented_regression(y, "2024-07-01")
    assert fit.loc["level_change", "ci_low"] < 0 < fit.loc["level_change", "ci_high"]
    assert fit.loc["level_change", "p_value"] > 0.05


def test_the_first_post_period_is_the_first_starting_on_or_after_the_change() -> None:
    y = its(12, 6, b0=10.0, b1=0.0, b2=-5.0, b3=0.0)
    mid_quarter = trends.segmented_regression(y, "2023-08-15")  # 2023Q3 straddles it: still "before"
    assert mid_quarter.attrs["first_post"] == "2023Q4" and mid_quarter.attrs["n_pre"] == 7
    assert trends.segmented_regression(y, "2023Q3").attrs["first_post"] == "2023Q3"
    assert trends.segmented_regression(y, pd.Period("2023Q3", "Q")).attrs["first_post"] == "2023Q3"


def test_missing_values_keep_their_place_in_time() -> None:
    y = its(14, 7, b0=10.0, b1=0.5, b2=-4.0, b3=0.0)
    y.iloc[[2, 10]] = np.nan
    fit = trends.segmented_regression(y, "2023-10-01")
    np.testing.assert_allclose(fit["estimate"], [10.0, 0.5, -4.0, 0.0], atol=1e-9)
    assert fit.attrs["n_pre"] == 6 and fit.attrs["n_post"] == 6


def test_timestamps_are_consecutive_steps_and_integers_are_time() -> None:
    y = its(12, 6, b0=3.0, b1=1.0, b2=2.0, b3=-1.0)
    stamped = y.copy()
    stamped.index = y.index.start_time
    by_date = trends.segmented_regression(stamped, "2023-07-01")
    np.testing.assert_allclose(by_date["estimate"], [3.0, 1.0, 2.0, -1.0], atol=1e-9)
    integer = pd.Series(y.to_numpy(), index=np.arange(12) * 2)  # t = 0, 2, 4 ...: slopes per unit of t
    by_int = trends.segmented_regression(integer, 12)
    np.testing.assert_allclose(by_int["estimate"], [3.0, 0.5, 2.0, -0.5], atol=1e-9)


@pytest.mark.parametrize(("n", "change", "pre", "post"), [(5, "2022-10-01", 3, 2), (5, "2022-07-01", 2, 3), (8, "2030-01-01", 8, 0)])
def test_too_short_to_conclude_gives_nan_and_says_so(n: int, change: str, pre: int, post: int) -> None:
    fit = trends.segmented_regression(quarters(np.arange(n)), change)
    assert fit["estimate"].isna().all() and fit["p_value"].isna().all()
    assert fit.attrs["note"].startswith("too short to conclude") and f"{pre} value" in fit.attrs["note"]
    assert fit.attrs["n_pre"] == pre and fit.attrs["n_post"] == post


def test_three_values_on_each_side_are_enough() -> None:
    fit = trends.segmented_regression(quarters([10, 11, 10, 4, 3, 4.5]), "2022-10-01")
    assert not fit["estimate"].isna().any()
    assert fit.attrs["note"] == ""


def test_wrong_inputs_are_refused_with_a_clear_message() -> None:
    with pytest.raises(TypeError, match="PeriodIndex"):
        trends.segmented_regression(pd.Series([1.0, 2.0], index=["a", "b"]), "2024-01-01")
    with pytest.raises(TypeError, match="pandas Series"):
        trends.segmented_regression([1.0, 2.0], "2024-01-01")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="change date"):
        trends.segmented_regression(quarters(np.arange(8)), "next spring")


def test_segmented_fit_draws_the_segments_and_the_counterfactual() -> None:
    y = its(8, 4, b0=1.0, b1=1.0, b2=3.0, b3=1.0)
    fit = trends.segmented_fit(y, "2023-01-01")
    np.testing.assert_allclose(fit["fitted"], y.to_numpy(), atol=1e-9)
    np.testing.assert_allclose(fit["counterfactual"].iloc[4:], [5.0, 6.0, 7.0, 8.0], atol=1e-9)
    assert fit["counterfactual"].iloc[:4].isna().all()
    short = trends.segmented_fit(y.iloc[:5], "2023-01-01")
    assert short["fitted"].isna().all()


def test_intervals_and_p_values_match_statsmodels_ols() -> None:
    # the oracle: statsmodels' OLS, classical covariance, t on n - 4 degrees of freedom, and its F test
    import statsmodels.api as sm

    y = its(14, 7, b0=3.0, b1=0.2, b2=1.5, b3=-0.1, noise=0.8, seed=3)
    y.iloc[4] = np.nan
    fit = trends.segmented_regression(y, "2023-10-01")
    keep = y.notna().to_numpy()
    t = np.arange(14.0)[keep]
    post = (np.arange(14) >= 7)[keep].astype(float)
    ref = sm.OLS(y.to_numpy()[keep], np.column_stack([np.ones_like(t), t, post, (t - 7) * post])).fit()
    np.testing.assert_allclose(fit["estimate"], ref.params, rtol=1e-9)
    np.testing.assert_allclose(fit[["ci_low", "ci_high"]], ref.conf_int(0.05), rtol=1e-9)
    np.testing.assert_allclose(fit["p_value"], ref.pvalues, rtol=1e-7)
    joint = ref.f_test(np.eye(4)[2:])
    assert fit.attrs["change_F"] == pytest.approx(float(np.squeeze(joint.fvalue)), rel=1e-9)
    assert fit.attrs["change_p"] == pytest.approx(float(joint.pvalue), rel=1e-7)
    assert fit.attrs["df_resid"] == ref.df_resid == 9


def test_an_exact_fit_has_estimates_but_no_interval_and_is_inconclusive() -> None:
    """A statistician: medians rounded to whole days, [4, 4, 4 | 3, 3, 3], gave "p < 0.001, a change the data support"."""
    fit = trends.segmented_regression(quarters([4.0] * 3 + [3.0] * 3), "2022-10-01")
    assert fit.loc["level_change", "estimate"] == pytest.approx(-1.0)
    assert fit[["ci_low", "ci_high", "p_value"]].isna().all(axis=None) and np.isnan(fit.attrs["change_p"])
    assert fit.attrs["note"].startswith("the fit is exact")
    flat = trends.segmented_regression(quarters([4.0] * 8), "2023-01-01")
    assert np.isnan(flat.attrs["change_p"]) and flat.attrs["note"].startswith("the fit is exact")
    tests = trends.change_tests(pd.DataFrame({"exact": quarters([4.0] * 3 + [3.0] * 3), "noisy": quarters([4.0, 5, 4, 3, 2, 3])}), "2022-10-01")
    verdicts = trends.change_verdicts(tests)
    assert verdicts["verdict"].tolist() == ["inconclusive", "inconclusive"]
    assert np.isnan(verdicts.loc["exact", "change_p_holm"]) and verdicts.attrs["family_size"] == 1  # the exact fit is not tested


def test_the_level_change_is_the_jump_at_the_change_even_when_the_first_value_after_it_is_missing() -> None:
    """A statistician: with 2024Q3 missing, the jump was measured at 2024Q4 and held a quarter of the slope change.

    Before the change (2023Q1-2024Q2, t = 0..5) y = t; from it y = t - 3 + 2 (t - 6): at 2024Q3 (t = 6) the
    line drops by 3 and its slope rises by 2. 2024Q3's value is missing.
    """
    t = np.arange(12.0)
    y = pd.Series(np.where(t < 6, t, t - 3 + 2 * (t - 6)), index=pd.period_range("2023Q1", periods=12, freq="Q"))
    y.iloc[6] = np.nan
    fit = trends.segmented_regression(y, "2024-07-01")
    assert fit["estimate"].round(9).tolist() == [0.0, 1.0, -3.0, 2.0]  # anchored at 2024Q4 it read -3 + 2 = -1
    assert fit.attrs["first_post"] == "2024Q4"
    drawn = trends.segmented_fit(y, "2024-07-01")
    np.testing.assert_allclose(drawn["fitted"][y.notna()], y.dropna(), atol=1e-9)  # the drawn line goes through the values


def test_change_tests_fit_each_column_on_its_own_values() -> None:
    a = its(12, 6, b0=10.0, b1=0.0, b2=-6.0, b3=0.0, noise=0.5, seed=1)
    b = its(12, 6, b0=1.0, b1=0.1, b2=0.0, b3=0.0, noise=0.5, seed=2)
    b.iloc[[0, 9]] = np.nan
    c = its(12, 6, b0=1.0, b1=0.0, b2=0.0, b3=0.0, noise=0.5, seed=3)
    c.iloc[:4] = np.nan  # 2 values before the change: too short
    tests = trends.change_tests(pd.DataFrame({"a": a, "b": b, "c": c}), "2023-07-01")
    for name, series in (("a", a), ("b", b)):
        alone = trends.segmented_regression(series, "2023-07-01")
        np.testing.assert_allclose(tests.loc[name, list(trends.TERMS)].to_numpy(dtype=float), alone["estimate"], rtol=1e-9)
        assert tests.loc[name, "change_p"] == pytest.approx(alone.attrs["change_p"], rel=1e-9)
    assert tests.loc["b", ["n_pre", "n_post", "df_resid"]].tolist() == [5, 5, 6.0]
    assert tests.loc["c", "n_pre"] == 2 and np.isnan(tests.loc["c", "change_p"]) and tests.loc["c", "note"].startswith("too short")
    verdicts = trends.change_verdicts(tests)
    assert verdicts["verdict"].tolist() == ["change", "inconclusive", "too short"]
    assert verdicts.attrs["family_size"] == 2
    assert verdicts.loc["a", "change_p_holm"] == pytest.approx(2 * tests.loc["a", "change_p"])  # the smaller of two: times 2


def noise_table(rng: np.random.Generator, side: int, series: int, *, sd: float = 2.0) -> pd.DataFrame:
    """``series`` columns of ``side`` + ``side`` quarters: a level, a trend that carries on, normal noise."""
    values = rng.normal(10.0, sd, (2 * side, series)) + 0.3 * np.arange(2 * side)[:, None]
    return pd.DataFrame(values, index=pd.period_range("2022Q1", periods=2 * side, freq="Q"))


@pytest.mark.parametrize("side", [6, 12])
def test_noise_is_called_a_change_five_percent_of_the_time(side: int) -> None:
    # 4,000 series with no change (SE of a 5% rate: 0.34 points); nominal 5%
    table = noise_table(np.random.default_rng(20261202 + side), side, 4000)
    tests = trends.change_tests(table, table.index[side])
    assert 0.03 <= (tests["change_p"] < 0.05).mean() <= 0.07
    for term in trends.CHANGE_TERMS:  # each term alone too
        assert 0.03 <= (tests[f"{term}_p"] < 0.05).mean() <= 0.07
        inside = (tests[f"{term}_low"] < 0) & (tests[f"{term}_high"] > 0)
        assert 0.93 <= inside.mean() <= 0.97  # 95% intervals cover the true 0


@pytest.mark.parametrize("side", [6, 12])
def test_six_indicators_tested_together_keep_the_family_wise_rate(side: int) -> None:
    # 1,500 task forces, 6 indicators each, none changed: "a change" anywhere in 5% of them
    table = noise_table(np.random.default_rng(7 + side), side, 1500 * 6)
    tests = trends.change_tests(table, table.index[side]).assign(task_force=np.repeat(np.arange(1500), 6))
    verdicts = trends.change_verdicts(tests, family="task_force")
    assert verdicts.attrs["family_size"] == 6
    any_change = (verdicts["verdict"] == "change").groupby(verdicts["task_force"]).any()
    assert 0.03 <= any_change.mean() <= 0.07
    uncorrected = (verdicts["change_p"] < 0.05).groupby(verdicts["task_force"]).any()
    assert uncorrected.mean() > 0.2  # without the correction, a "change" in about 26% of them


@pytest.mark.parametrize("side", [6, 12])
def test_a_change_of_the_demos_size_is_still_found(side: int) -> None:
    from tfanalysis.demo import PLANTED

    # the demo's response time drops from 10 to 3 days; its quarters vary by about 0.4 day: here 1 day
    drop = PLANTED["response_days_median"]["after"] - PLANTED["response_days_median"]["before"]
    table = noise_table(np.random.default_rng(99 + side), side, 1500 * 6, sd=1.0)
    table.iloc[side:, ::6] += drop  # the first indicator of each family of six changes
    tests = trends.change_tests(table, table.index[side]).assign(task_force=np.repeat(np.arange(1500), 6))
    verdicts = trends.change_verdicts(tests, family="task_force")["verdict"].to_numpy().reshape(1500, 6)
    assert (verdicts[:, 0] == "change").mean() >= 0.85
    assert (verdicts[:, 1:] == "change").any(axis=1).mean() <= 0.07


def test_holm_matches_statsmodels_in_every_family() -> None:
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(5)
    p = rng.uniform(0, 0.2, 40) ** 2
    p[[3, 17]] = np.nan  # too short: outside their family
    tests = pd.DataFrame({"change_p": p, "task_force": np.repeat(np.arange(5), 8)})
    ours = trends.change_verdicts(tests, family="task_force")
    for _, family in ours.groupby("task_force"):
        kept = family["change_p"].notna()
        reference = multipletests(family.loc[kept, "change_p"], alpha=0.05, method="holm")
        np.testing.assert_allclose(family.loc[kept, "change_p_holm"], reference[1], rtol=1e-12)
        assert ((family.loc[kept, "verdict"] == "change").to_numpy() == reference[0]).all()
        assert (family.loc[~kept, "verdict"] == "too short").all()


# --------------------------------------------------------------------------- Mann–Kendall


def test_mann_kendall_matches_pymannkendall() -> None:
    values = [3.1, 2.9, 3.5, 3.8, 3.6, 4.2, 4.4, 4.1, 4.9, 5.2]
    ours = trends.mann_kendall(quarters(values))
    ref = pymannkendall.original_test(values)
    assert ours["trend"] == ref.trend == "increasing"
    assert ours["p_value"] == pytest.approx(ref.p) and ours["sen_slope"] == pytest.approx(ref.slope) and ours["tau"] == pytest.approx(ref.Tau)
    assert ours["n"] == 10


def test_mann_kendall_calls_four_values_too_short_not_no_trend() -> None:
    # 4 values can never reach p < 0.05 (best p ~ 0.089): "no trend" would say nothing
    assert trends.min_points_trend(0.05) == trends.MIN_POINTS_TREND == 5 and trends.min_points_trend(0.01) == 6
    four = trends.mann_kendall(quarters([1.0, 2, 3, 4]))
    assert four["trend"] == "too short" and four["n"] == 4 and math.isnan(four["p_value"])
    five = trends.mann_kendall(quarters([1.0, 2, 3, 4, 5]))
    assert five["trend"] == "increasing" and five["p_value"] < 0.05
    assert trends.mann_kendall(quarters([1.0, 2, 3, 4, 5]), alpha=0.01)["trend"] == "too short"


def test_sens_slope_uses_the_real_time_between_values() -> None:
    # 0, 2, 4, (2022Q4 missing), 8, 10: two a quarter; over positions (as if consecutive) it would read about 2.6
    y = quarters([0.0, 2, 4, np.nan, 8, 10])
    result = trends.mann_kendall(y)
    assert result["sen_slope"] == pytest.approx(2.0) and result["n"] == 5
    assert "1 period missing" in result["note"]
    dropped = quarters([0.0, 2, 4, 6, 8, 10, 12])
    dropped = dropped.drop(dropped.index[3])  # the quarter is absent from the index altogether
    assert trends.mann_kendall(dropped)["sen_slope"] == pytest.approx(2.0)
    dates = y.copy()
    dates.index = y.index.start_time  # timestamps: consecutive steps, the missing value kept in place
    assert trends.mann_kendall(dates)["sen_slope"] == pytest.approx(2.0)


def test_mann_kendall_directions_and_short_series() -> None:
    assert trends.mann_kendall(quarters([9, 8, 8.5, 7, 6, 6.5, 5, 4]))["trend"] == "decreasing"
    assert trends.mann_kendall(quarters([5, 6, 5, 6, 5, 6, 5, 6]))["trend"] == "no trend"
    short = trends.mann_kendall(quarters([1, 2, np.nan, 3]))  # three values once the gap is dropped
    assert short["trend"] == "too short" and math.isnan(short["p_value"]) and short["n"] == 3
    assert "at least 5" in short["note"]


# --------------------------------------------------------------------------- XmR chart


def test_xmr_limits_worked_by_hand() -> None:
    y = quarters([10, 12, 11, 13, 9, 11])
    chart = trends.control_chart(y)
    # mean 11; moving ranges 2 1 2 4 2 -> mean 2.2; limits 11 ± 2.66 * 2.2 = 11 ± 5.852
    assert chart["center"].iloc[0] == pytest.approx(11.0)
    assert chart.attrs["mr_bar"] == pytest.approx(2.2)
    assert chart["lcl"].iloc[0] == pytest.approx(11 - 5.852) and chart["ucl"].iloc[0] == pytest.approx(11 + 5.852)
    assert chart.attrs["mr_ucl"] == pytest.approx(3.268 * 2.2)
    assert not chart["special_cause"].any()
    assert chart["moving_range"].tolist()[1:] == [2.0, 1.0, 2.0, 4.0, 2.0]
    assert "provisional" in chart.attrs["note"]


def test_xmr_flags_a_point_beyond_the_limits_and_a_run_of_eight() -> None:
    base = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11]
    spike = trends.control_chart(quarters(base + [30]))
    assert spike["beyond_limits"].tolist() == [False] * 12 + [True]
    run = trends.control_chart(quarters([10, 12] * 6 + [11.5] * 8), change="2025-01-01")  # baseline mean 11
    assert run["in_run"].tolist() == [False] * 12 + [True] * 8
    assert not run["beyond_limits"].any()
    assert run.attrs["note"] == ""  # 12 baseline values: firm limits


def test_xmr_with_a_change_uses_the_baseline_and_runs_do_not_cross_it() -> None:
    y = quarters([10, 11, 10, 10, 10, 10, 3, 3, 4, 3])  # like the demo's response days
    chart = trends.control_chart(y, change="2023-07-01")
    assert chart["center"].iloc[0] == pytest.approx(61 / 6)
    assert chart["special_cause"].tolist() == [False] * 6 + [True] * 4
    assert chart.attrs["baseline_n"] == 6


def test_xmr_without_a_baseline_has_no_limits() -> None:
    chart = trends.control_chart(quarters([5.0, np.nan, 7.0]), change="2022-04-01")
    assert chart["center"].isna().all() and not chart["special_cause"].any()
    assert chart.attrs["note"].startswith("no limits")


def test_limits_from_fewer_than_12_baseline_values_are_provisional() -> None:
    eleven = [10, 11, 10, 12, 11, 10, 11, 10, 12, 11, 10]
    assert trends.FIRM_LIMITS == 12  # docs/collaboration.md
    assert trends.provisional_limits(trends.control_chart(quarters(eleven)))
    assert not trends.provisional_limits(trends.control_chart(quarters(eleven + [11])))
    assert not trends.provisional_limits(trends.control_chart(quarters([5.0, np.nan, 7.0]), change="2022-04-01"))  # no limits
