"""Kaplan–Meier estimates of time to met: by hand, against statsmodels, every group at once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tfanalysis.analyses.gaps import survival


# --- Kaplan–Meier -----------------------------------------------------------------------


def test_kaplan_meier_by_hand() -> None:
    # times 1 (met), 2 (met), 2 (censored), 4 (met), 5 (censored), 7 (met)
    # t=1: 6 at risk, 1 met -> 5/6; t=2: 5 at risk, 1 met -> 5/6*4/5 = 2/3; t=4: 3 at risk -> 2/3*2/3 = 4/9;
    # t=5: censored only; t=7: 1 at risk, 1 met -> 0
    km = survival.kaplan_meier([1, 2, 2, 4, 5, 7], [True, True, False, True, False, True])
    assert km["at_risk"].tolist() == [6, 5, 3, 2, 1]
    assert km["events"].tolist() == [1, 1, 1, 0, 1]
    assert km["censored"].tolist() == [0, 1, 0, 1, 0]
    assert km["survival"].tolist() == pytest.approx([5 / 6, 2 / 3, 4 / 9, 4 / 9, 0.0])
    assert survival.km_median(km) == 4.0
    assert survival.km_survival_at(km, 3) == pytest.approx(2 / 3)
    assert survival.km_survival_at(km, 0.5) == 1.0


def test_kaplan_meier_agrees_with_statsmodels() -> None:
    from statsmodels.duration.survfunc import SurvfuncRight

    rng = np.random.default_rng(7)
    times = rng.integers(0, 60, 200).astype(float)
    observed = rng.random(200) < 0.7
    ours = survival.kaplan_meier(times, observed)
    reference = SurvfuncRight(times, observed.astype(int))
    at_events = ours[ours["events"] > 0]
    assert at_events["time"].tolist() == list(reference.surv_times)
    assert at_events["survival"].to_numpy() == pytest.approx(reference.surv_prob)


def _reference_survival_at(times: np.ndarray, observed: np.ndarray, day: float) -> float:
    """S(day) read off statsmodels' SurvfuncRight: its step function up to the last time seen; past it
    defined only when the curve already reached 0 (nobody left to wait)."""
    from statsmodels.duration.survfunc import SurvfuncRight

    reference = SurvfuncRight(times, observed.astype(int))
    if day > times.max():
        return 0.0 if len(reference.surv_prob) and reference.surv_prob[-1] == 0 else float("nan")
    steps = reference.surv_prob[reference.surv_times <= day]
    return float(steps[-1]) if len(steps) else 1.0


@pytest.mark.parametrize("seed", range(6))
def test_survival_at_a_day_agrees_with_statsmodels_also_past_the_last_time(seed: int) -> None:
    rng = np.random.default_rng(seed)
    times = rng.integers(0, 40, 25).astype(float)
    observed = rng.random(25) < (1.0 if seed % 2 == 0 else 0.7)  # even seeds: every need met, the curve reaches 0
    km = survival.kaplan_meier(times, observed)
    for day in (0, 5, 17, 30, 39, 40, 90, 365):
        ours, ref = survival.km_survival_at(km, day), _reference_survival_at(times, observed, day)
        assert (np.isnan(ours) and np.isnan(ref)) or ours == pytest.approx(ref), (seed, day)
    if seed % 2 == 0:
        assert survival.km_survival_at(km, 90) == 0.0  # every need met within 40 days: 100% within 90


def test_past_the_last_time_all_met_is_zero_and_censored_is_unknown() -> None:
    all_met = survival.kaplan_meier([2, 5, 5, 9], [True, True, True, True])
    assert survival.km_survival_at(all_met, 30) == 0.0 and survival.km_survival_at(all_met, 9) == 0.0
    still_open = survival.kaplan_meier([2, 5, 9], [True, True, False])  # the last need followed 9 days, not met
    assert survival.km_survival_at(still_open, 8) == pytest.approx(1 / 3) and np.isnan(survival.km_survival_at(still_open, 30))


def _km_group_by_group(durations: pd.DataFrame, keys: list[str], days: tuple[float, ...]) -> pd.DataFrame:
    """The definition: one product-limit table per group."""
    rows = {}
    for key, group in durations.groupby(keys, dropna=False):
        km = survival.kaplan_meier(group["days"], group["met"])
        if km.empty:
            continue
        rows[key[0] if len(keys) == 1 else key] = {**{f"survival_{d:g}": survival.km_survival_at(km, d) for d in days}, "median": survival.km_median(km)}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index = pd.MultiIndex.from_tuples(frame.index, names=keys) if len(keys) > 1 else pd.Index(frame.index, name=keys[0])
    return frame


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_groups_curve_at_once_equals_each_groups_curve(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 3000
    durations = pd.DataFrame({
        "need": rng.choice(["food", "legal", "housing", None], n, p=[0.5, 0.3, 0.15, 0.05]),
        "county": rng.choice([f"c{i}" for i in range(40)], n),
        "days": rng.integers(0, 120, n).astype(float),  # ties on purpose
        "met": rng.random(n) < 0.6,
    }).astype({"need": "string", "county": "string"})
    durations.loc[durations["county"] == "c0", "met"] = True  # groups whose every need was met: S reaches 0
    durations.loc[durations["county"] == "c1", "met"] = False  # never met: no median
    durations.loc[rng.random(n) < 0.01, "days"] = np.nan  # left out, as in kaplan_meier
    filled = durations.fillna({"need": "~none"})  # a need left empty: a group of its own, sorted last
    for keys in (["need"], ["need", "county"], ["county"]):
        got = survival.kaplan_meier_by(filled, keys, days=(0, 30, 90, 119, 500))
        expected = _km_group_by_group(filled, keys, (0, 30, 90, 119, 500))
        pd.testing.assert_frame_equal(got, expected.loc[got.index], check_exact=True, check_index_type=False)
        assert len(got) == len(expected) and got["median"].notna().any()
        if "county" in keys:
            assert got["median"].isna().any()  # c1: never met
        with_missing = survival.kaplan_meier_by(durations, keys, days=(0, 30, 90, 119, 500))
        pd.testing.assert_frame_equal(with_missing.reset_index(drop=True), got.reset_index(drop=True), check_exact=True)
    assert (survival.kaplan_meier_by(filled, ["county"], days=(500,)).loc["c0", "survival_500"]) == 0.0




def test_median_not_reached_is_missing_not_the_longest_time() -> None:
    assert np.isnan(survival.km_median(survival.kaplan_meier([3, 10, 10, 10], [True, False, False, False])))


# --- rates and demand on the tiny task force ----------------------------------------------
