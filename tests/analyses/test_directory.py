"""The member capacity directory, on a hand-made Delaware task force with contacts and confidential locations.

The tiny dataset of ``conftest.py``, extended: members carry ``phone`` and ``email``; Sussex
Youth Refuge (m4, ZIP 19947, Georgetown) is a second confidential location; Old Coalition
(m5) left in 2022; m4 changed its crisis-intervention terms on 2025-01-01.

Distances used below (county centroids of ``geo.county_centroids("DE")``): from Georgetown
(19947) Kent's centroid is 29.2 miles, from Sussex's centroid 30.9 miles, so m4's
``radius:30`` reaches Kent only if measured from the shelter's address; from Wilmington
(19801) Kent's centroid is 45.0 miles and New Castle's 12.4.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tfanalysis as tf
from tfanalysis.analyses import directory
from tfanalysis.data import taxonomy
from tfanalysis.reports import directory as directory_report

from conftest import TINY_TABLES, write_tiny_dataset
from shared_tables import DIRECTORY_CAPACITY as CAPACITY
from shared_tables import DIRECTORY_MEMBERS as MEMBERS

COLUMNS = list(directory.COLUMNS)

NA = pd.NA

LEGAL = taxonomy.VICTIM_NEEDS["legal_representation"]


# Period "all", worked out by hand from the two tables above.
EXPECTED_ALL = [
    # member, sector, county, county FIPS, town, ZIP, service, capacity per month, service area, counties served,
    # ages served, genders, foreign nationals, languages, 24/7, contact, notes
    ["Dover Police Department", "Law enforcement", "Kent County", "10001", "Dover", "19901", "none listed", NA, NA, NA,
     NA, NA, NA, NA, NA, "302-555-0101", NA],
    ["Legal Aid of Delaware", "Legal services", "New Castle County", "10003", "Wilmington", "19801", LEGAL, 4.0,
     "within 40 miles", "New Castle County", "adults only", "all", "yes", "English; Haitian Creole; qu", "no",
     "intake@legalaid.example", "member until 2025-06-30; service listed until 2025-06-30"],
    ["Old Coalition", "Community", "Sussex County", "10005", "Lewes", "19958", "none listed", NA, NA, NA,
     NA, NA, NA, NA, NA, NA, "member until 2022-12-31"],
    ["Safe Harbor Shelter", "Victim services", "New Castle County", "10003", NA, NA, "Case management", 10.0,
     "statewide", "Kent County; New Castle County; Sussex County", "minors and adults", "all", "yes",
     "any (interpreters)", "no", "302-555-0102; help@safeharbor.example", NA],
    ["Safe Harbor Shelter", "Victim services", "New Castle County", "10003", NA, NA, "Housing: emergency", 6.0,
     "Kent County; New Castle County", "Kent County; New Castle County", "adults only", "female", "yes",
     "English; Spanish", "yes", "302-555-0102; help@safeharbor.example", NA],
    ["Sussex Youth Refuge", "Victim services", "Sussex County", "10005", NA, NA, "Crisis intervention", 8.0,
     "Sussex County", "Sussex County", "minors and adults", "all", "yes", "any (interpreters)", "yes",
     "302-555-0104", "these terms from 2025-01-01, 5 a month before"],
    ["Sussex Youth Refuge", "Victim services", "Sussex County", "10005", NA, NA, "Housing: emergency", 3.0,
     "within 30 miles", "Sussex County", "minors only", "all", "no", "English", "yes", "302-555-0104", NA],
]


def expected(rows: list[list[object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({c: ("Float64" if c == "capacity per month" else "string") for c in COLUMNS})


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tf.TaskForceData:
    folder = write_tiny_dataset(tmp_path_factory.mktemp("directory") / "tiny", members__csv=MEMBERS, capacity__csv=CAPACITY)
    return tf.load_dataset(folder)


@pytest.fixture(scope="module")
def table(data: tf.TaskForceData) -> pd.DataFrame:
    return directory.member_directory(data, "all")


def test_directory_for_all_data_is_the_hand_made_table(table: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(table, expected(EXPECTED_ALL))


def test_members_who_left_before_the_period_are_not_listed(data: tf.TaskForceData) -> None:
    later = directory.member_directory(data, "2025H2")
    assert later["member"].unique().tolist() == ["Dover Police Department", "Safe Harbor Shelter", "Sussex Youth Refuge"]
    assert len(later) == 5
    assert LEGAL not in set(later["service"])


def test_a_member_leaving_after_the_period_gets_no_note(data: tf.TaskForceData) -> None:
    in_2024 = directory.member_directory(data, "2024")
    assert "Old Coalition" not in set(in_2024["member"])
    legal = in_2024[in_2024["member"] == "Legal Aid of Delaware"]
    assert legal["notes"].isna().all()


def test_the_terms_valid_in_the_period_are_listed_latest_first(data: tf.TaskForceData) -> None:
    def crisis(period: str) -> list[object]:
        t = directory.member_directory(data, period)
        row = t[(t["member"] == "Sussex Youth Refuge") & (t["service"] == "Crisis intervention")]
        assert len(row) == 1
        return row[["capacity per month", "ages served", "genders", "foreign nationals", "languages", "notes"]].iloc[0].tolist()

    assert crisis("2024") == [5.0, "minors only", "female; male", "no", "English; Spanish", "service listed until 2024-12-31"]
    assert crisis("2025") == [8.0, "minors and adults", "all", "yes", "any (interpreters)", NA]
    assert crisis("all") == [8.0, "minors and adults", "all", "yes", "any (interpreters)", "these terms from 2025-01-01, 5 a month before"]
    # a fiscal year from July: the terms changed in its seventh month, and the places before are said
    assert crisis("2024-07-01..2025-06-30")[-1] == "these terms from 2025-01-01, 5 a month before"


def test_a_member_or_service_starting_inside_the_period_is_noted(data: tf.TaskForceData) -> None:
    """A statistician read a fiscal year's legal clinic at 1 a month, listed from its tenth month, with no note.

    In 2023 Safe Harbor (m2) joined on 1 February, with its two services; Dover police (m1) on 15 January,
    with none. In 2024 every one of them was there from the first day: no note.
    """
    t = directory.member_directory(data, "2023").set_index(["member", "service"])["notes"]
    assert t[("Safe Harbor Shelter", "Case management")] == "member from 2023-02-01; service listed from 2023-02-01"
    assert t[("Dover Police Department", "none listed")] == "member from 2023-01-15"
    assert t[("Sussex Youth Refuge", "Crisis intervention")] == "member from 2023-05-01; service listed from 2023-05-01"  # until 2024: after 2023
    assert directory.member_directory(data, "2024").set_index(["member", "service"])["notes"][("Safe Harbor Shelter", "Case management")] is NA


def test_a_confidential_radius_starts_from_the_county_centroid(table: pd.DataFrame) -> None:
    # From the Georgetown address Kent (29.2 mi) would be within 30 miles; from Sussex's centroid (30.9 mi) it is not.
    refuge = table[(table["member"] == "Sussex Youth Refuge") & (table["service"] == "Housing: emergency")]
    assert refuge["counties served"].tolist() == ["Sussex County"]
    # A public location's radius starts from its address: Wilmington reaches New Castle, not Kent (45 mi).
    legal = table[table["service"] == LEGAL]
    assert legal["counties served"].tolist() == ["New Castle County"]


def test_confidential_locations_show_their_county_only(table: pd.DataFrame) -> None:
    confidential = table[table["member"].isin(["Safe Harbor Shelter", "Sussex Youth Refuge"])]
    assert confidential["town"].isna().all() and confidential["ZIP"].isna().all()
    assert confidential["county"].notna().all()
    assert not {"lat", "lon", "latitude", "longitude"} & set(table.columns)


def test_no_contact_column_when_the_members_table_has_none(tmp_path: Path) -> None:
    plain = tf.load_dataset(write_tiny_dataset(tmp_path / "plain"))
    t = directory.member_directory(plain, "all")
    assert "contact" not in t.columns
    assert t.columns.tolist() == [c for c in COLUMNS if c != "contact"]
    assert t["member"].tolist() == ["Dover Police Department", "Legal Aid of Delaware", "Safe Harbor Shelter", "Safe Harbor Shelter"]


def test_county_names_carry_the_state_when_the_directory_spans_states(tmp_path: Path) -> None:
    members = TINY_TABLES["members.csv"].replace("m1,Dover Police Department,law_enforcement,2023-01-15,,19901,,,,false",
                                                  "m1,Elkton Police Department,law_enforcement,2023-01-15,,21921,,,,false")
    t = directory.member_directory(tf.load_dataset(write_tiny_dataset(tmp_path / "two", members__csv=members)), "all")
    assert t.loc[t["member"] == "Elkton Police Department", "county"].tolist() == ["Cecil County, MD"]
    assert set(t.loc[t["member"] == "Safe Harbor Shelter", "county"]) == {"New Castle County, DE"}


def test_a_directory_without_any_radius_row(tmp_path: Path) -> None:
    """No capacity row uses radius:N: the service areas still read (it raised under pandas 3)."""
    capacity = CAPACITY.replace("radius:40", "10003").replace("radius:30", "10005")
    t = directory.member_directory(tf.load_dataset(write_tiny_dataset(tmp_path / "norad", members__csv=MEMBERS, capacity__csv=capacity)), "all")
    areas = t.set_index(["member", "service"])["service area"]
    assert areas[("Legal Aid of Delaware", LEGAL)] == "New Castle County"
    assert areas[("Sussex Youth Refuge", "Housing: emergency")] == "Sussex County"
    assert not t["service area"].str.startswith("within").fillna(False).any()


def test_statewide_in_connecticut_lists_the_planning_regions(ct_dir: Path) -> None:
    """The hand-made Connecticut task force (current county-equivalents): statewide = the 9 planning regions."""
    ct = tf.load_dataset(ct_dir)
    t = directory.member_directory(ct, "2025").set_index(["member", "service"])
    served = t.loc[("Connecticut Office of Victim Services", "Crisis intervention"), "counties served"].split("; ")
    assert served == [
        "Capitol Planning Region", "Greater Bridgeport Planning Region", "Lower Connecticut River Valley Planning Region",
        "Naugatuck Valley Planning Region", "Northeastern Connecticut Planning Region", "Northwest Hills Planning Region",
        "South Central Connecticut Planning Region", "Southeastern Connecticut Planning Region",
        "Western Connecticut Planning Region",
    ]
    # The coalition's area was written as Fairfield County (09001): read as the regions it became.
    assert t.loc[("Bridgeport Community Coalition", "Food"), "service area"] == (
        "Greater Bridgeport Planning Region; Western Connecticut Planning Region")
    assert t.loc[("Hartford Police Department", "none listed"), "county"] == "Capitol Planning Region"


def test_coverage_matrix_counts_members_by_sector(data: tf.TaskForceData) -> None:
    matrix = directory.coverage_matrix(data, "all")
    assert matrix.index.tolist() == list(taxonomy.VICTIM_NEEDS.values())
    assert matrix.columns.tolist() == ["Law enforcement", "Victim services", "Legal services", "Community", "all members"]
    offered = matrix[matrix["all members"] > 0]
    assert offered.to_dict("index") == {
        "Case management": {"Law enforcement": 0, "Victim services": 1, "Legal services": 0, "Community": 0, "all members": 1},
        "Crisis intervention": {"Law enforcement": 0, "Victim services": 1, "Legal services": 0, "Community": 0, "all members": 1},
        taxonomy.VICTIM_NEEDS["housing"]: {"Law enforcement": 0, "Victim services": 2, "Legal services": 0, "Community": 0, "all members": 2},
        LEGAL: {"Law enforcement": 0, "Victim services": 0, "Legal services": 1, "Community": 0, "all members": 1},
    }
    assert (matrix.drop(index=offered.index) == 0).all().all()


def test_coverage_matrix_of_a_later_period_drops_the_member_who_left(data: tf.TaskForceData) -> None:
    matrix = directory.coverage_matrix(data, "2025H2")
    assert matrix.columns.tolist() == ["Law enforcement", "Victim services", "all members"]
    assert matrix.loc[LEGAL, "all members"] == 0


def test_services_not_offered(data: tf.TaskForceData) -> None:
    everything = directory.services_not_offered(data, "all")
    assert len(everything) == 27
    assert {"case_management", "crisis_intervention", "housing", "legal_representation"}.isdisjoint(everything["code"])
    later = directory.services_not_offered(data, "2025H2")
    assert len(later) == 28
    assert later.loc[later["code"] == "legal_representation", ["service", "group"]].values.tolist() == [[LEGAL, "Legal"]]


def test_facts_and_summary(data: tf.TaskForceData) -> None:
    facts = directory.directory_facts(data, "2025H2")
    assert facts == {
        "members": 3,
        "members_without_services": 1,
        "confidential_locations": 2,
        "categories": 31,
        "services_offered": 3,
        "services_not_offered": directory.services_not_offered(data, "2025H2")["service"].tolist(),
        "single_provider": ["Case management", "Crisis intervention"],
    }
    text = directory_report.summary_markdown(facts, "2025H2")
    assert text.startswith("In 2025H2 the task force had **3 member organizations**; 1 of them listed no service.")
    assert "**3 of the e-Guide's 31 victim-service categories**" in text
    assert "Only one member offered: Case management; Crisis intervention." in text
    assert text.endswith("2 members have a confidential location, listed by county only.")


def test_demo_directory_has_one_row_per_member_and_service(demo_dir: Path) -> None:
    data = tf.load_dataset(demo_dir)
    t = directory.member_directory(data, "all")
    current = data.capacity.drop_duplicates(["member_id", "service"])
    no_services = set(data.members["member_id"]) - set(data.capacity["member_id"])
    assert len(t) == len(current) + len(no_services)
    assert t["member"].nunique() == len(data.members)
    confidential = data.members.loc[data.members["confidential_location"].fillna(False).astype(bool), "name"]
    shown = t[t["member"].isin(confidential)]
    assert len(shown) and shown["ZIP"].isna().all() and shown["town"].isna().all()
    assert np.all(t["capacity per month"].dropna().to_numpy() > 0)
