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


def test_outcome_rates_call_a_service_whose_needs_were_all_met_100_percent(tiny) -> None:
    # legal representation: one need (c2), met after 27 days. The curve is 0 from day 27: 100% met within 30 and 90
    legal = gaps.outcome_rates(tiny).set_index("need").loc["legal_representation"]
    assert legal["met_30d"] == 100.0 and legal["met_90d"] == 100.0 and legal["median_days_to_met"] == 27.0
    # housing: the last need followed (c2's, 77 days) is still unmet: within 90 days is unknown, not 100%
    assert np.isnan(gaps.outcome_rates(tiny).set_index("need").loc["housing_emergency", "met_90d"])


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


def test_a_region_counts_the_places_that_reach_it(tiny) -> None:
    # housing serves Kent and New Castle, case management the state, legal aid 40 miles around Wilmington (New Castle)
    services = {region: gaps.in_region(tiny, region).capacity["service"].tolist()
                for region in ("10001", "10003", "10005", "DE", "10005;10003")}
    assert services == {
        "10001": ["housing_emergency", "case_management"],
        "10003": ["housing_emergency", "case_management", "legal_representation"],
        "10005": ["case_management"],
        "DE": ["housing_emergency", "case_management", "legal_representation"],
        "10005;10003": ["housing_emergency", "case_management", "legal_representation"],
    }


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
    deserts = table[table["gap"] == "no eligible provider in county"]
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


def test_a_need_of_a_client_identified_before_the_period_keeps_its_clients_attributes(tmp_path) -> None:
    # c1 (Kent 10001, 18-24, female; identified 2024-01-10) has one more need in 2024Q2, unmet;
    # c3 (Sussex 10005, minor, female; identified in Q2) declined hers. The period's clients are
    # c3 and c4 only: joining them called c1's need "unknown", with no county.
    from conftest import TINY_TABLES, write_tiny_dataset

    needs = TINY_TABLES["needs.csv"] + "c1,case_management,2024-04-15,unmet,,\n"
    data = load_dataset(write_tiny_dataset(tmp_path / "tiny", needs__csv=needs))
    by_gender = gaps.outcome_rates(data, "2024Q2", by=("gender",)).set_index("gender")
    assert by_gender["needs"].to_dict() == {"female": 2}
    assert by_gender.loc["female", "unmet_need_rate"] == pytest.approx(100.0)  # c1's unmet of 1 not declined
    per_county = gaps.demand_capacity(data, "2024Q2").set_index(["service", "county_fips"])
    assert per_county.loc[("case_management", "10001"), ["needs", "unmet"]].tolist() == [1, 1]
    assert per_county.loc[("case_management", "10005"), ["needs", "declined_by_client"]].tolist() == [1, 1]
    assert int(per_county["needs"].sum()) == 2
