"""Eligibility-aware matching, worked by hand on small frames and the tiny Delaware task force."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tfanalysis import load_dataset
from tfanalysis.analyses.gaps.eligibility import age_band, client_needs, eligibility_flags, match_needs


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


# --- the segment-wise matching against the definition, pair by pair ------------------------

CRITERIA = ("age", "gender", "nationality", "language")
CLIENT_VALUE = {"age": "age", "gender": "gender", "nationality": "nationality", "language": "primary_language"}


def reference_match(needs: pd.DataFrame, capacity: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """The definition applied to every client-need x capacity-row pair (the former implementation).

    Builds all pairs of a need with the rows whose service meets it, evaluates the criteria
    on each pair, joins the pairs to the counties each row serves; the smallest excluding
    set is found by trying every set of criteria on each excluded need.
    """
    from tfanalysis.data import taxonomy
    from tfanalysis.analyses.gaps.eligibility import _capacity_rules
    from tfanalysis.analyses.service_areas import served_counties

    frame = needs.reset_index(drop=True).copy()
    frame["_row"] = np.arange(len(frame))
    rules = _capacity_rules(capacity)
    grid = pd.MultiIndex.from_product(
        [pd.unique(frame["need"].dropna().astype(str)), pd.unique(rules["service"].dropna().astype(str))], names=["need", "service"]
    ).to_frame(index=False)
    grid = grid[taxonomy.service_covers_need(grid["service"], grid["need"]).to_numpy(bool)].astype("string")
    served = served_counties(capacity, members)[["capacity_row", "county_fips"]]
    client_cols = ["_row", "need", "county_fips", "age", "gender", "nationality", "primary_language"]
    candidates = frame[client_cols].astype({"need": "string"}).merge(grid, on="need").merge(rules, on="service")
    flags = eligibility_flags(candidates)
    candidates = pd.concat([candidates[["_row", "capacity_row", "county_fips", "capacity_per_month"]], flags], axis=1)
    here = candidates.merge(served.dropna(subset=["county_fips"]), on=["capacity_row", "county_fips"])

    def hit(rows: pd.DataFrame, column: str | None) -> np.ndarray:
        out = np.zeros(len(frame), dtype=bool)
        out[(rows["_row"] if column is None else rows.loc[rows[column], "_row"]).to_numpy(int)] = True
        return out

    frame["offered_in_county"] = hit(here, None)
    frame["eligible_in_county"] = hit(here, "eligible")
    frame["eligible_anywhere"] = hit(candidates, "eligible")
    for c in CRITERIA:
        frame[f"blocked_{c}"] = hit(candidates.assign(_fail=~candidates[c]), "_fail")
    places = here.loc[here["eligible"]].drop_duplicates(["_row", "capacity_row"]).groupby("_row")["capacity_per_month"].sum()
    frame["eligible_places"] = places.reindex(frame["_row"]).fillna(0.0).to_numpy()

    sets = sorted(itertools.chain.from_iterable(itertools.combinations(range(4), r) for r in range(5)), key=lambda s: (len(s), s))
    values = frame[[CLIENT_VALUE[c] for c in CRITERIA]].astype(object).to_numpy()
    excluded = np.zeros((len(frame), 4), dtype=bool)
    for i in np.flatnonzero(~frame["eligible_anywhere"].to_numpy(bool) & frame["need"].notna().to_numpy(bool)):
        fails = candidates.loc[candidates["_row"] == i, list(CRITERIA)].to_numpy(bool) == False  # noqa: E712
        same_need = (frame["need"] == frame.at[i, "need"]).fillna(False).to_numpy(bool)
        best = None
        for s in sets:  # smallest first; among equals the one holding most needs, then the criteria order
            if not all(fail[list(s)].any() for fail in fails):
                continue
            held = (same_need & np.all([pd.Series(values[:, k]).eq(values[i, k]).fillna(pd.isna(values[i, k])).to_numpy(bool) for k in s] or [np.ones(len(frame), bool)], axis=0)).sum()
            if best is None or (len(s), -held) < (len(best[0]), -best[1]):
                best = (s, held)
        if best is not None and fails.size:
            excluded[i, list(best[0])] = True
    for k, c in enumerate(CRITERIA):
        frame[f"excluded_by_{c}"] = excluded[:, k]
    return frame.drop(columns="_row")


def test_matching_equals_the_pairwise_definition_on_the_demo(demo_dir) -> None:
    data = load_dataset(demo_dir)
    for period in (None, "2025Q3"):
        scoped = data.in_period(period) if period else data
        needs = client_needs(scoped.needs, scoped.clients)
        got = match_needs(needs, scoped.capacity, scoped.members)
        want = reference_match(needs, scoped.capacity, scoped.members)
        pd.testing.assert_frame_equal(got, want[got.columns])
        assert got["excluded_by_gender"].sum() > 0  # the planted hole is there to be found


def test_the_smallest_excluding_set_merges_fragments_and_prefers_the_larger_segment() -> None:
    # Row 1 takes adults only; row 2 takes minors but only girls, US citizens, English.
    # a (minor boy, foreign national, es) fails row 1 on age and row 2 on gender, nationality
    # and language: {age, gender}, {age, nationality} and {age, language} all exclude him.
    # Three minors are foreign nationals (a, b, b2), two are boys (a, c): a joins the
    # foreign-national minors; c (a US-born boy) is excluded as a boy.
    members = pd.DataFrame({"member_id": ["m1"], "county_fips": ["10001"], "lat": [39.16], "lon": [-75.5], "confidential_location": [False]})
    capacity = pd.DataFrame({
        "member_id": ["m1", "m1"], "service": ["housing_emergency"] * 2, "capacity_per_month": [3, 2], "service_area": ["statewide"] * 2,
        "serves_minors": [False, True], "serves_adults": [True, False], "genders": ["all", "female"],
        "serves_foreign_nationals": [True, False], "languages": ["any", "en"],
    })
    needs = pd.DataFrame({
        "client_id": ["a", "b", "b2", "c", "d"], "need": ["housing_emergency"] * 5, "county_fips": ["10001"] * 5,
        "age": ["minor", "minor", "minor", "minor", "minor"], "gender": ["male", "female", "female", "male", "female"],
        "nationality": ["foreign_national", "foreign_national", "foreign_national", "us_citizen", "us_citizen"],
        "primary_language": ["es", "es", "es", "en", "en"],
    })
    got = match_needs(needs, capacity, members).set_index("client_id")
    excluded = got[[f"excluded_by_{c}" for c in CRITERIA]].astype(int).astype(str).agg("".join, axis=1).to_dict()
    assert excluded == {"a": "1010", "b": "1010", "b2": "1010", "c": "1100", "d": "0000"}
    assert got["blocked_language"].tolist() == [True, True, True, False, False]  # blocked_ keeps its meaning
    assert got.loc["d", "eligible_places"] == 2
    pd.testing.assert_frame_equal(got.reset_index(), reference_match(needs, capacity, members)[got.reset_index().columns])


@st.composite
def small_task_forces(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    counties = ["10001", "10003", "10005"]
    members = pd.DataFrame({
        "member_id": ["m1", "m2"], "county_fips": ["10001", "10005"], "lat": [39.16, 38.69], "lon": [-75.52, -75.39],
        "confidential_location": [False, True],
    })
    n_rows = draw(st.integers(0, 6))
    row = st.fixed_dictionaries({
        "member_id": st.sampled_from(["m1", "m2"]),
        "service": st.sampled_from(["housing", "housing_emergency", "food", "legal_representation"]),
        "capacity_per_month": st.integers(0, 9),
        "service_area": st.sampled_from(["10001", "10003;10005", "statewide", "radius:30", "10001;10003;10005"]),
        "serves_minors": st.booleans(), "serves_adults": st.booleans(),
        "genders": st.sampled_from(["all", "female", "male", "female;nonbinary", "male;female"]),
        "serves_foreign_nationals": st.booleans(),
        "languages": st.sampled_from(["any", "en", "en;es", "es", "fr;es"]),
    })
    capacity = pd.DataFrame(draw(st.lists(row, min_size=n_rows, max_size=n_rows)),
                            columns=["member_id", "service", "capacity_per_month", "service_area", "serves_minors", "serves_adults",
                                     "genders", "serves_foreign_nationals", "languages"])
    need = st.fixed_dictionaries({
        "client_id": st.sampled_from(["c1", "c2", "c3", "c4", "c5"]),
        "need": st.sampled_from(["housing_emergency", "housing_transitional", "food", "legal_representation", "dental_care"]),
        "county_fips": st.sampled_from([*counties, None]),
        "age": st.sampled_from(["minor", "adult", "unknown"]),
        "gender": st.sampled_from(["female", "male", "nonbinary", "unknown"]),
        "nationality": st.sampled_from(["us_citizen", "foreign_national", "unknown"]),
        "primary_language": st.sampled_from(["en", "es", "fr", "unknown"]),
    })
    needs = pd.DataFrame(draw(st.lists(need, max_size=25)),
                         columns=["client_id", "need", "county_fips", "age", "gender", "nationality", "primary_language"])
    return needs.astype("string"), capacity, members


@settings(max_examples=25, deadline=None)
@given(small_task_forces())
def test_matching_equals_the_pairwise_definition_on_generated_task_forces(task_force) -> None:
    needs, capacity, members = task_force
    got = match_needs(needs, capacity, members)
    want = reference_match(needs, capacity, members)
    pd.testing.assert_frame_equal(got, want[got.columns])
