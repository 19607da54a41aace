"""The baseline against a scenario on the tiny Delaware task force, worked out by hand.

2024 holds all five needs of the tiny data (conftest.TINY_TABLES):

====  ======  ====================  ============  ===========================================
need  client  need                  county        an eligible member serving the county?
====  ======  ====================  ============  ===========================================
0     c1      housing_emergency     Kent          m2's shelter (10001;10003, adult women): yes
1     c1      case_management       Kent          m2, statewide, everyone: yes
2     c2      housing_emergency     New Castle    m2 takes women only, c2 is a man: no, anywhere
3     c2      legal_representation  New Castle    m3 serves in English only, c2 speaks Spanish: no
4     c3      case_management       Sussex        m2, statewide: yes
====  ======  ====================  ============  ===========================================
"""

from __future__ import annotations

import pandas as pd
import pytest

import tfanalysis as tf
from tfanalysis.analyses.gaps import needs as gaps
from tfanalysis.analyses.capacity_in_force import DAYS_PER_MONTH
from tfanalysis.analyses.scenarios import compare, read_scenarios

from shared_tables import SCENARIOS

@pytest.fixture(scope="module")
def tiny(tiny_data) -> tf.TaskForceData:
    return tiny_data


@pytest.fixture(scope="module")
def whatif(tiny) -> compare.WhatIf:
    return compare.compare(tiny, read_scenarios(text=SCENARIOS), "2024")


def by_name(whatif: compare.WhatIf, name: str) -> compare.Comparison:
    return next(c for c in whatif.comparisons if c.scenario.name == name)


def test_need_reach_by_hand(tiny) -> None:
    reach = compare.need_reach(tiny, "2024")
    assert reach.index.tolist() == [0, 1, 2, 3, 4]  # the needs' own labels, for the publication layer
    assert reach["reached"].tolist() == [True, True, False, False, True]
    assert reach["segment"].tolist()[2:4] == [
        "housing_emergency | eligibility | any | male | any | any | any",
        "legal_representation | eligibility | any | any | any | es | any",
    ]
    assert reach["segment"].isna().tolist() == [True, True, False, False, True]


@pytest.mark.parametrize("period", ["2024", "2024Q1", None])
def test_structural_gaps_from_reach_are_those_of_gaps(tiny, demo_dir, period) -> None:
    for data in (tiny, tf.load_dataset(demo_dir)):
        pd.testing.assert_frame_equal(compare.structural_gaps(compare.need_reach(data, period)), gaps.structural_gaps(data, period))


def test_touched_services(whatif) -> None:
    assert by_name(whatif, "Beds for men").services == ["housing", "housing_emergency"]  # emergency beds meet "housing" too
    assert by_name(whatif, "Beds for men").named_services == ["housing_emergency"]
    assert by_name(whatif, "Shelter closes").named_services == ["case_management", "housing_emergency"]
    assert by_name(whatif, "Spanish legal aid in Lewes").services == ["legal_representation"]


def test_beds_for_men_reach_the_mans_need_and_close_his_gap(whatif) -> None:
    c = by_name(whatif, "Beds for men")
    assert c.reach.to_dict() == {0: "same", 1: "same", 2: "reached", 3: "same", 4: "same"}
    table = c.gaps.set_index("service")
    assert table.loc["housing_emergency", ["needs_before", "needs_after"]].tolist() == [1, 0]
    assert table.loc["legal_representation", ["needs_before", "needs_after"]].tolist() == [1, 1]


def test_places_and_utilization_by_hand(whatif) -> None:
    row = by_name(whatif, "Beds for men").utilization.set_index("service").loc["housing_emergency"]
    months = 366 / DAYS_PER_MONTH  # 2024, the shelter's row valid all year
    assert row["needs"] == 2
    assert (row["places_per_month_before"], row["places_per_month_after"]) == pytest.approx((6.0, 9.0))
    assert row["utilization_before"] == pytest.approx(2 / (6 * months))
    assert row["utilization_after"] == pytest.approx(2 / (9 * months))


def test_access_grows_with_the_only_providers_capacity(whatif) -> None:
    # one provider: its ratio (capacity ÷ weighted demand) scales with its capacity, and so does every county's access
    access = by_name(whatif, "Beds for men").access.set_index(["service", "county"])
    emergency = access.loc["housing_emergency"]
    assert emergency["access_after"].tolist() == pytest.approx((emergency["access_before"] * 9 / 6).tolist())
    assert emergency.loc["Sussex", "access_before"] == 0.0  # 65 miles from the shelter's county: out of reach
    assert emergency["changed"].tolist() == [True, True, False]


def test_a_closing_shelter_loses_its_needs_and_opens_deserts_and_gaps(whatif) -> None:
    c = by_name(whatif, "Shelter closes")
    assert c.reach.to_dict() == {0: "lost", 1: "lost", 2: "same", 3: "same", 4: "lost"}
    gaps_after = c.gaps.set_index("segment")["needs_after"]
    # no row of either service anywhere: nothing to name, every criterion "any"; the man's need joins the woman's
    assert gaps_after["housing_emergency | eligibility | any | any | any | any | any"] == 2
    assert gaps_after["case_management | eligibility | any | any | any | any | any"] == 2
    assert gaps_after["housing_emergency | eligibility | any | male | any | any | any"] == 0
    access = c.access.set_index(["service", "county"])
    opened = access[~access["desert_before"] & access["desert_after"]].index.tolist()
    # deserts: need identified, nobody serving or near. Case management needed in Kent and Sussex, housing in Kent and New Castle.
    assert sorted(opened) == [("case_management", "Kent"), ("case_management", "Sussex"), ("housing", "Kent"), ("housing", "New Castle"),
                              ("housing_emergency", "Kent"), ("housing_emergency", "New Castle")]
    assert access["access_after"].eq(0).all() and access["nearest_miles_after"].isna().all()
    assert c.utilization.set_index("service")["places_per_month_after"].tolist() == [0.0, 0.0]


def test_a_new_member_serves_every_county_and_reaches_the_spanish_speaker(whatif) -> None:
    c = by_name(whatif, "Spanish legal aid in Lewes")
    assert c.reach.to_dict() == {0: "same", 1: "same", 2: "same", 3: "reached", 4: "same"}
    serving = c.access.set_index("county")[["members_serving_before", "members_serving_after"]]
    # m3's radius of 40 miles from Wilmington serves New Castle only; the clinic serves the state
    assert serving.values.tolist() == [[0, 1], [1, 2], [0, 1]]
    assert c.access.set_index("county").loc["Sussex", "nearest_miles_after"] < 15  # Lewes is in Sussex


def test_expected_needs_count_reached_needs_as_met_and_lost_ones_as_unmet(tiny, whatif) -> None:
    closes = compare.expected_needs(tiny, by_name(whatif, "Shelter closes").reach)
    assert closes.needs["status"].tolist() == ["unmet", "unmet", "unmet", "met", "declined_by_client"]
    beds = compare.expected_needs(tiny, by_name(whatif, "Beds for men").reach)
    assert beds.needs["status"].tolist() == ["met", "in_progress", "met", "met", "declined_by_client"]
    assert tiny.needs["status"].tolist() == ["met", "in_progress", "unmet", "met", "declined_by_client"]  # untouched


def test_sites_before_and_after(whatif) -> None:
    # the man's emergency-housing need in New Castle is the only one not met: Kent's centroid (the lowest FIPS)
    # reaches it within 60 miles; with beds for men it is reached, nothing is left to place a site for
    sites = by_name(whatif, "Beds for men").sites
    assert sites[["service", "rank", "site_before"]].values.tolist() == [["housing_emergency", 1, "Kent"]]
    assert sites["site_after"].isna().all()
    assert by_name(whatif, "Spanish legal aid in Lewes").sites.empty  # the legal need was met: no site now or after


def test_a_member_without_capacity_leaving_changes_no_service(whatif) -> None:
    c = by_name(whatif, "Police leave")
    assert c.services == [] and c.access.empty and c.utilization.empty and c.sites.empty
    assert c.reach.eq("same").all()
    assert c.version.data.members.set_index("member_id").loc["m1", "left_on"] == pd.Timestamp("2024-05-31")
    assert c.changes["what"].tolist() == ["leaves on 2024-06-01: 0 capacity row(s) end 2024-05-31, 0 later row(s) removed"]


def test_no_scenario_compares_nothing(tiny) -> None:
    empty = compare.compare(tiny, [], "2024")
    assert empty.comparisons == [] and empty.baseline.coverage.empty
    assert (empty.start, empty.end) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
