"""Eligibility-aware matching, worked by hand on small frames and the tiny Delaware task force."""

from __future__ import annotations

import pandas as pd
import pytest

from tfanalysis import load_dataset
from tfanalysis.eligibility import age_band, client_needs, eligibility_flags, match_needs


def _pair(**client_and_row: object) -> pd.DataFrame:
    base = {"age": "adult", "gender": "female", "nationality": "us_citizen", "primary_language": "en",
            "serves_minors": True, "serves_adults": True, "serves_foreign_nationals": True,
            "genders": ";all;", "languages": ";any;"}
    return pd.DataFrame([{**base, **client_and_row}])


@pytest.mark.parametrize(
    ("change", "criterion", "expected"),
    [
        ({"age": "minor", "serves_minors": False}, "age", False),
        ({"age": "minor", "serves_adults": False}, "age", True),
        ({"age": "adult", "serves_adults": False}, "age", False),
        ({"age": "unknown", "serves_adults": False}, "age", True),  # unknown age: either flag
        ({"age": "unknown", "serves_adults": False, "serves_minors": False}, "age", False),
        ({"gender": "male", "genders": ";female;nonbinary;"}, "gender", False),
        ({"gender": "nonbinary", "genders": ";female;nonbinary;"}, "gender", True),
        ({"gender": "unknown", "genders": ";female;male;nonbinary;"}, "gender", False),  # unknown: only "all"
        ({"gender": "unknown"}, "gender", True),
        ({"nationality": "foreign_national", "serves_foreign_nationals": False}, "nationality", False),
        ({"nationality": "unknown", "serves_foreign_nationals": False}, "nationality", True),
        ({"primary_language": "es", "languages": ";en;"}, "language", False),
        ({"primary_language": "es", "languages": ";en;es;"}, "language", True),
        ({"primary_language": "e", "languages": ";en;"}, "language", False),  # whole items, not substrings
        ({"primary_language": "unknown", "languages": ";en;"}, "language", True),
    ],
)
def test_each_criterion(change: dict, criterion: str, expected: bool) -> None:
    flags = eligibility_flags(_pair(**change)).iloc[0]
    assert bool(flags[criterion]) is expected
    assert bool(flags["eligible"]) is expected


def test_age_band() -> None:
    assert age_band(pd.Series(["minor", "18-24", "50+", "unknown"])).tolist() == ["minor", "adult", "adult", "unknown"]


def test_tiny_matching_by_hand(tiny_dir) -> None:
    # c1 (Kent, adult woman, en): housing_emergency at m2 (Kent listed, female) and case management (statewide)
    # c2 (New Castle, adult man, foreign national, es): m2's shelter takes women only -> gender;
    #    m3's legal representation serves New Castle (its own county) but only in English -> language
    # c3 (Sussex, minor): case management is statewide and takes minors
    data = load_dataset(tiny_dir)
    matched = match_needs(client_needs(data.needs, data.clients), data.capacity, data.members)
    got = matched.set_index(["client_id", "need"])
    assert got["eligible_in_county"].to_dict() == {
        ("c1", "housing_emergency"): True,
        ("c1", "case_management"): True,
        ("c2", "housing_emergency"): False,
        ("c2", "legal_representation"): False,
        ("c3", "case_management"): True,
    }
    assert bool(got.loc[("c2", "housing_emergency"), "offered_in_county"])
    assert not got.loc[("c2", "housing_emergency"), "eligible_anywhere"]
    assert got.loc[("c2", "housing_emergency"), ["blocked_age", "blocked_gender", "blocked_nationality", "blocked_language"]].tolist() == [False, True, False, False]
    assert got.loc[("c2", "legal_representation"), ["blocked_age", "blocked_gender", "blocked_nationality", "blocked_language"]].tolist() == [False, False, False, True]
    assert got.loc[("c1", "housing_emergency"), "eligible_places"] == 6
    assert got.loc[("c3", "case_management"), "eligible_places"] == 10


def test_generic_housing_capacity_meets_a_subtype_need() -> None:
    members = pd.DataFrame({"member_id": ["m1"], "county_fips": ["10001"], "lat": [39.16], "lon": [-75.5], "confidential_location": [False]})
    capacity = pd.DataFrame({"member_id": ["m1"], "service": ["housing"], "capacity_per_month": [2], "service_area": ["10001"],
                             "serves_minors": [True], "serves_adults": [True], "genders": ["all"], "serves_foreign_nationals": [True], "languages": ["any"]})
    needs = pd.DataFrame({"need": ["housing_emergency", "food"], "county_fips": ["10001", "10001"], "age": ["adult"] * 2,
                          "gender": ["male"] * 2, "nationality": ["us_citizen"] * 2, "primary_language": ["en"] * 2})
    assert match_needs(needs, capacity, members)["eligible_in_county"].tolist() == [True, False]
