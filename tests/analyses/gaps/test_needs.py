"""Needs and gaps: rates worked by hand on the tiny Delaware task force, the planted demo gaps found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tfanalysis import demo, load_dataset
from tfanalysis.analyses.gaps import needs as gaps


@pytest.fixture(scope="module")
def demo_data(demo_dir):
    return load_dataset(demo_dir)


@pytest.fixture
def tiny(tiny_dir):
    return load_dataset(tiny_dir)


# --- Kaplan–Meier -----------------------------------------------------------------------


def test_kaplan_meier_by_hand() -> None:
    # times 1 (met), 2 (met), 2 (censored), 4 (met), 5 (censored), 7 (met)
    # t=1: 6 at risk, 1 met -> 5/6; t=2: 5 at risk, 1 met -> 5/6*4/5 = 2/3; t=4: 3 at risk -> 2/3*2/3 = 4/9;
    # t=5: censored only; t=7: 1 at risk, 1 met -> 0
    km = gaps.kaplan_meier([1, 2, 2, 4, 5, 7], [True, True, False, True, False, True])
    assert km["at_risk"].tolist() == [6, 5, 3, 2, 1]
    assert km["events"].tolist() == [1, 1, 1, 0, 1]
    assert km["censored"].tolist() == [0, 1, 0, 1, 0]
    assert km["survival"].tolist() == pytest.approx([5 / 6, 2 / 3, 4 / 9, 4 / 9, 0.0])
    assert gaps.km_median(km) == 4.0
    assert gaps.km_survival_at(km, 3) == pytest.approx(2 / 3)
    assert gaps.km_survival_at(km, 0.5) == 1.0


def test_kaplan_meier_agrees_with_statsmodels() -> None:
    from statsmodels.duration.survfunc import SurvfuncRight

    rng = np.random.default_rng(7)
    times = rng.integers(0, 60, 200).astype(float)
    observed = rng.random(200) < 0.7
    ours = gaps.kaplan_meier(times, observed)
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
    km = gaps.kaplan_meier(times, observed)
    for day in (0, 5, 17, 30, 39, 40, 90, 365):
        ours, ref = gaps.km_survival_at(km, day), _reference_survival_at(times, observed, day)
        assert (np.isnan(ours) and np.isnan(ref)) or ours == pytest.approx(ref), (seed, day)
    if seed % 2 == 0:
        assert gaps.km_survival_at(km, 90) == 0.0  # every need met within 40 days: 100% within 90


def test_past_the_last_time_all_met_is_zero_and_censored_is_unknown() -> None:
    all_met = gaps.kaplan_meier([2, 5, 5, 9], [True, True, True, True])
    assert gaps.km_survival_at(all_met, 30) == 0.0 and gaps.km_survival_at(all_met, 9) == 0.0
    still_open = gaps.kaplan_meier([2, 5, 9], [True, True, False])  # the last need followed 9 days, not met
    assert gaps.km_survival_at(still_open, 8) == pytest.approx(1 / 3) and np.isnan(gaps.km_survival_at(still_open, 30))


def _km_group_by_group(durations: pd.DataFrame, keys: list[str], days: tuple[float, ...]) -> pd.DataFrame:
    """The definition: one product-limit table per group."""
    rows = {}
    for key, group in durations.groupby(keys, dropna=False):
        km = gaps.kaplan_meier(group["days"], group["met"])
        if km.empty:
            continue
        rows[key[0] if len(keys) == 1 else key] = {**{f"survival_{d:g}": gaps.km_survival_at(km, d) for d in days}, "median": gaps.km_median(km)}
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
        got = gaps.kaplan_meier_by(filled, keys, days=(0, 30, 90, 119, 500))
        expected = _km_group_by_group(filled, keys, (0, 30, 90, 119, 500))
        pd.testing.assert_frame_equal(got, expected.loc[got.index], check_exact=True, check_index_type=False)
        assert len(got) == len(expected) and got["median"].notna().any()
        if "county" in keys:
            assert got["median"].isna().any()  # c1: never met
        with_missing = gaps.kaplan_meier_by(durations, keys, days=(0, 30, 90, 119, 500))
        pd.testing.assert_frame_equal(with_missing.reset_index(drop=True), got.reset_index(drop=True), check_exact=True)
    assert (gaps.kaplan_meier_by(filled, ["county"], days=(500,)).loc["c0", "survival_500"]) == 0.0


def test_outcome_rates_call_a_service_whose_needs_were_all_met_100_percent(tiny) -> None:
    # legal representation: one need (c2), met after 27 days. The curve is 0 from day 27: 100% met within 30 and 90
    legal = gaps.outcome_rates(tiny).set_index("need").loc["legal_representation"]
    assert legal["met_30d"] == 100.0 and legal["met_90d"] == 100.0 and legal["median_days_to_met"] == 27.0
    # housing: the last need followed (c2's, 77 days) is still unmet: within 90 days is unknown, not 100%
    assert np.isnan(gaps.outcome_rates(tiny).set_index("need").loc["housing_emergency", "met_90d"])


def test_median_not_reached_is_missing_not_the_longest_time() -> None:
    assert np.isnan(gaps.km_median(gaps.kaplan_meier([3, 10, 10, 10], [True, False, False, False])))


# --- rates and demand on the tiny task force ----------------------------------------------


def test_outcome_rates_by_hand(tiny) -> None:
    # 5 needs, c3's case management declined by the client -> 4 in the rates. Follow-up ends on
    # the last date in the data, 2024-04-20. Met: c1 housing after 2 days, c2 legal after 27 days;
    # censored: c1 case management (in progress, 101 days), c2 housing (unmet, 77 days).
    # KM: S(2) = 3/4, S(27) = 3/4 * 2/3 = 1/2 -> median 27 days; met within 30 and 90 days: 50%.
    overall = gaps.outcome_rates(tiny, by=()).iloc[0]
    assert (overall["needs"], overall["declined_by_client"], overall["unmet"], overall["met"]) == (5, 1, 1, 2)
    assert overall["unmet_need_rate"] == pytest.approx(25.0)  # 1 unmet of 4 not declined
    assert overall["met_30d"] == pytest.approx(50.0)
    assert overall["met_90d"] == pytest.approx(50.0)
    assert overall["median_days_to_met"] == 27.0
    housing = gaps.outcome_rates(tiny).set_index("need").loc["housing_emergency"]
    assert housing["unmet_need_rate"] == pytest.approx(50.0)
    assert housing["met_30d"] == pytest.approx(50.0)  # met at day 2; the other censored at 77 days
    assert housing["median_days_to_met"] == 2.0


def test_outcome_rates_per_segment(tiny) -> None:
    by_gender = gaps.outcome_rates(tiny, by=("gender",)).set_index("gender")
    assert by_gender["needs"].to_dict() == {"female": 3, "male": 2}
    assert by_gender.loc["male", "unmet_need_rate"] == pytest.approx(50.0)
    # women: met at day 2 of 2 followed -> S(2) = 1/2, the median (first time S <= 1/2); men: met at day 27
    assert by_gender["median_days_to_met"].to_dict() == {"female": 2.0, "male": 27.0}


def test_demand_capacity_by_hand(tiny) -> None:
    table = gaps.demand_capacity(tiny, "2024", by=None).set_index("service")
    months = 366 / (365.25 / 12)  # 2024 is a leap year
    housing = table.loc["housing_emergency"]
    assert (housing["needs"], housing["met"], housing["unmet"], housing["needs_with_eligible_member"]) == (2, 1, 1, 1)
    assert housing["capacity_places"] == pytest.approx(6 * months)
    assert housing["utilization"] == pytest.approx(2 / (6 * months))
    legal = table.loc["legal_representation"]
    assert legal["capacity_places"] == pytest.approx(4 * months)
    assert legal["needs_with_eligible_member"] == 0  # c2 speaks Spanish, m3 serves English only


def test_demand_capacity_per_county_counts_rows_serving_the_county(tiny) -> None:
    table = gaps.demand_capacity(tiny, "2024").set_index(["service", "county_fips"])
    months = 366 / (365.25 / 12)
    # Kent's housing need: m2's shelter lists Kent; its 6 places a month count as reachable there
    assert table.loc[("housing_emergency", "10001"), "capacity_places"] == pytest.approx(6 * months)
    # Sussex's case management: statewide, 10 a month
    assert table.loc[("case_management", "10005"), "capacity_places"] == pytest.approx(10 * months)
    assert table.loc[("case_management", "10005"), "declined_by_client"] == 1


def test_capacity_places_clip_to_the_period() -> None:
    capacity = pd.DataFrame({"capacity_per_month": [2], "valid_from": pd.to_datetime(["2023-06-01"]), "valid_to": pd.to_datetime(["2024-01-31"])})
    places = gaps.capacity_places(capacity, pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    assert places.iloc[0] == pytest.approx(2 * 31 / (365.25 / 12))


def test_structural_gaps_by_hand(tiny) -> None:
    table = gaps.structural_gaps(tiny)
    rows = table.set_index("service")[["gap", "age", "gender", "nationality", "language", "county_fips", "clients", "needs", "met"]]
    assert rows.loc["housing_emergency"].tolist() == ["eligibility", "any", "male", "any", "any", "any", 1, 1, 0]
    # met all the same (by m3, in the data): the gap is in the capacity table, not in the outcome
    assert rows.loc["legal_representation"].tolist() == ["eligibility", "any", "any", "any", "es", "any", 1, 1, 1]
    assert len(table) == 2


def test_one_structural_gap_is_reported_once_not_as_fragments(tmp_path) -> None:
    # Nobody takes minors for emergency housing: one row takes adults of any gender, the other
    # adult women who are US citizens speaking English. Three minors with different other
    # attributes are one gap, "minor" (the old reading listed minor/male/foreign_national/es,
    # minor/foreign_national/es and minor/male: every criterion some row fails).
    from conftest import write_tiny_dataset

    folder = write_tiny_dataset(
        tmp_path / "minors",
        capacity__csv="""member_id,service,capacity_per_month,service_area,serves_minors,serves_adults,genders,serves_foreign_nationals,languages,available_24_7,valid_from,valid_to
m2,housing_emergency,6,statewide,false,true,all,true,any,true,2023-02-01,
m3,housing_emergency,4,statewide,false,true,female,false,en,true,2023-03-01,2025-06-30
""",
        clients__csv="""client_id,identified_on,county_fips,age_group,gender,trafficking_type,nationality,primary_language,referral_source_sector
c1,2024-01-10,10001,minor,male,labor,foreign_national,es,law_enforcement
c2,2024-02-03,10003,minor,female,sex,foreign_national,es,community
c3,2024-04-20,10005,minor,male,sex,us_citizen,en,unknown
c4,2024-05-02,10003,35-49,female,sex,us_citizen,en,
""",
        needs__csv="""client_id,need,identified_on,status,met_on,met_by
c1,housing_emergency,2024-01-10,unmet,,
c2,housing_emergency,2024-02-03,unmet,,
c3,housing_emergency,2024-04-20,unmet,,
c4,housing_emergency,2024-05-02,met,2024-05-04,m2
""",
        referrals__csv=None,
    )
    table = gaps.structural_gaps(load_dataset(folder))
    assert table[["service", "gap", "age", "gender", "nationality", "language", "county_fips", "clients", "needs", "met"]].values.tolist() == [
        ["housing_emergency", "eligibility", "minor", "any", "any", "any", "any", 3, 3, 0]
    ]


def test_referral_outcomes_by_hand(tiny) -> None:
    table = gaps.referral_outcomes(tiny)
    assert table.loc["housing_emergency", ["accepted", "declined_eligibility", "referrals"]].tolist() == [1, 1, 2]
    assert table.loc["legal_representation", ["no_response", "referrals"]].tolist() == [1, 1]
    assert table["share_of_declined_capacity"].isna().all()  # no capacity declines at all


def test_region_keeps_its_clients(tiny) -> None:
    kent = gaps.in_region(tiny, "10001")
    assert kent.clients["client_id"].tolist() == ["c1"]
    assert set(kent.needs["client_id"]) == {"c1"}
    assert len(kent.capacity) == len(tiny.capacity)


# --- the planted demo gaps ------------------------------------------------------------------


def test_demo_eligibility_hole_adult_men_emergency_housing(demo_data) -> None:
    table = gaps.structural_gaps(demo_data)
    hole = table[(table["service"] == "housing_emergency") & (table["age"] == "adult") & (table["gender"] == "male")]
    assert len(hole) == 1
    assert hole["gap"].iloc[0] == "eligibility"
    assert hole["needs"].iloc[0] >= 45  # 51 planted; one of unknown age could go to the youth shelter
    assert hole["met"].iloc[0] == 0
    outcomes = gaps.referral_outcomes(demo_data)
    assert outcomes["declined_eligibility"].idxmax() == "housing_emergency"


def test_demo_rural_deserts_are_exactly_the_planted_counties(demo_data) -> None:
    table = gaps.structural_gaps(demo_data)
    deserts = table[table["gap"] == "no provider in county"]
    planted = set(demo.PLANTED["desert_counties"])
    for service in demo.PLANTED["desert_services"]:
        assert set(deserts.loc[deserts["service"] == service, "county_fips"]) == planted
    assert set(deserts["service"]) == set(demo.PLANTED["desert_services"])


def test_demo_capacity_shortfall(demo_data) -> None:
    table = gaps.demand_capacity(demo_data, by=None).set_index("service")
    shortfall = demo.PLANTED["shortfall_service"]
    assert table.loc[shortfall, "utilization"] > 1
    assert 6.0 < table.loc[shortfall, "needs_per_month"] < 7.0
    assert (table.drop(index=shortfall)["utilization"] < 0.5).all()
    outcomes = gaps.referral_outcomes(demo_data)
    assert outcomes.loc[shortfall, "share_of_declined_capacity"] > 60
    # the headline through the release: tests/reports/gaps/test_gaps_report.py


def test_demo_sites_for_the_deserts_reach_them(demo_data) -> None:
    sites = gaps.recommend_sites(demo_data, "mental_health_care", k=2, max_miles=60)
    assert sites["unmet_covered"].is_monotonic_decreasing
    assert sites["share_of_unmet"].iloc[-1] <= 100
    from tfanalysis import geo
    from tfanalysis.geo import great_circle_miles

    first = sites.iloc[0]
    centroids = geo.county_centroids("OH").loc[list(demo.PLANTED["desert_counties"])]
    miles = great_circle_miles(centroids["lat"], centroids["lon"], [first["lat"]] * 5, [first["lon"]] * 5)
    assert (miles <= 60).sum() >= 4  # the first site reaches most of the desert counties


def test_demo_first_site_is_the_exact_best_single_site(demo_data) -> None:
    # with one site greedy is exact: check it against every county
    from tfanalysis import geo
    from tfanalysis.analyses.gaps.eligibility import client_needs
    from tfanalysis.analyses.gaps.sites import coverage_matrix, unmet_demand

    demand = unmet_demand(client_needs(demo_data.needs, demo_data.clients), "legal_representation")
    centroids = geo.county_centroids("OH")
    cover = coverage_matrix(centroids.loc[demand.index], centroids, 60).toarray().astype(bool)
    best_value = (demand.to_numpy()[:, None] * cover).sum(axis=0).max()
    sites = gaps.recommend_sites(demo_data, "legal_representation", k=1, max_miles=60)
    assert sites["unmet_covered"].iloc[0] == best_value
