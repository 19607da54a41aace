"""Counts of small groups of victims (publication/small_groups.py) and the layer withholding them.

The attack (a second task force, 2026-12-04): one minor was identified in El Paso, TX. Report
02 listed that county, "a hidden number of needs", under exactly six services: zeros are shown
and 1..k-1 hidden, so which of the county's counts were above 0 was public, and beside a county
of one victim that is her whole list of needs.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tfanalysis.publication import Interval, Release
from tfanalysis.publication.cells import matches, predicate_from_key
from tfanalysis.publication.small_groups import in_small_group, parents, persons
from tfanalysis.reports.gaps.structural import county_needs

K = 11
NEEDS = ["food", "legal", "housing", "medical", "interpreter", "case_management", "repatriation"]
HER_NEEDS = ["food", "legal", "housing", "medical", "interpreter", "case_management"]


def _her_county() -> pd.DataFrame:
    """Needs of 40 clients in county 48201 (each with food and legal), and one in 48141 with six needs."""
    many = [(f"c{i}", "48201", need) for i in range(40) for need in ("food", "legal")]
    many += [(f"c{i}", "48201", "repatriation") for i in range(12)]
    her = [("her", "48141", need) for need in HER_NEEDS]
    frame = pd.DataFrame(many + her, columns=["client_id", "county_fips", "need"])
    return frame.assign(identified_on=pd.Timestamp("2025-03-01"))


# ----------------------------------------------------------------------------- the groups


def test_persons_count_distinct_clients_and_nobody_without_an_id():
    units = pd.DataFrame({"client_id": ["a", "a", "b", None, "<NA>"], "need": ["food", "legal", "food", "food", "food"],
                          "identified_on": pd.to_datetime(["2025-01-05", "2025-02-01", "2025-03-01", "2025-01-01", "2025-01-01"])})
    preds = [(("need", frozenset({"food"})),),
             (("need", frozenset({"food", "legal"})),),
             (("identified_on", Interval("2025-01-01", "2025-01-31")), ("need", frozenset({"food"}))),
             (("need", frozenset({"medical"})),),
             ()]
    # food: a and b (the two without an id are nobody's); a's two needs are one person
    assert persons(units, preds).tolist() == [2, 2, 1, 0, 2]


def test_a_unit_is_its_own_person_where_the_frame_has_no_client_id():
    units = pd.DataFrame({"need": ["food", "food", "legal"]})
    assert persons(units, [(("need", frozenset({"food"})),)]).tolist() == [2]


def test_parents_drop_one_categorical_column_at_a_time_and_keep_the_days():
    pred = (("a", frozenset({"1"})), ("b", frozenset({"2"})), ("c", frozenset({"3"})))
    assert [tuple(c for c, _ in p) for p in parents(pred)] == [("b", "c"), ("a", "c"), ("a", "b")]
    dated = (("a", frozenset({"1"})), ("day", Interval("2025-01-01", "2025-03-31")))
    assert [tuple(c for c, _ in p) for p in parents(dated)] == [("day",)]
    assert parents(()) == []


def test_a_rare_need_per_month_is_no_small_group_but_a_county_of_few_in_the_month_is():
    """The group is taken within the count's days: few victims ever needing repatriation do not make
    its months a small group's; two victims of a county in January do make its January needs one."""
    units = pd.DataFrame({"client_id": [f"c{i}" for i in range(20)] + ["r1", "r2"],
                          "county_fips": ["1"] * 18 + ["2"] * 2 + ["1", "1"],
                          "need": ["food"] * 20 + ["repatriation"] * 2,
                          "identified_on": pd.to_datetime(["2025-01-10"] * 22)})
    january = Interval("2025-01-01", "2025-01-31")
    february = Interval("2025-02-01", "2025-02-28")
    preds = [(("identified_on", january), ("need", frozenset({"repatriation"}))),
             (("identified_on", february), ("need", frozenset({"repatriation"}))),
             (("county_fips", frozenset({"2"})), ("identified_on", january), ("need", frozenset({"repatriation"})))]
    # a month of one need: its only group is the month's needs (22 people in January; nobody in
    # February, so February's 0 is nobody's); county 2 in January is two people
    assert in_small_group(units, preds, K).tolist() == [False, False, True]


def test_a_constraint_the_others_imply_makes_no_group():
    """A referral's sector link is a function of its pair of members: every reader knows it of a tie's referrals.

    A county's one need is no such thing: her county's one unit being her food need is chance, not
    structure, and her food count is in the small group of her county."""
    units = pd.DataFrame({"client_id": [f"c{i}" for i in range(30)] + ["x"] + [f"d{i}" for i in range(12)],
                          "tie": ["m1-m2"] * 30 + ["m3-m4"] + ["m5-m6"] * 12, "link": ["le_vs"] * 31 + ["other"] * 12})
    pred = (("link", frozenset({"le_vs"})), ("tie", frozenset({"m3-m4"})))
    # dropping the tie: 31 people on the link; the link, declared a function of the tie, is not dropped
    assert in_small_group(units, [pred], K, known_of={"link": "tie"}).tolist() == [False]
    # undeclared, a function in these units is read as chance: the tie's one person is a small group
    assert in_small_group(units, [pred], K).tolist() == [True]
    her = pd.DataFrame({"client_id": ["her"] + [f"c{i}" for i in range(30)] * 2, "county_fips": ["48141"] + ["48201"] * 60,
                        "need": ["food"] * 31 + ["legal"] * 30})
    assert in_small_group(her, [(("county_fips", frozenset({"48141"})), ("need", frozenset({"food"})))], K).tolist() == [True]


def test_a_count_is_in_a_small_group_when_one_of_its_parents_holds_1_to_k_minus_1_people():
    units = _her_county()
    preds = [
        (("county_fips", frozenset({"48141"})), ("need", frozenset({"food"}))),      # her county: 1 person
        (("county_fips", frozenset({"48141"})), ("need", frozenset({"repatriation"}))),  # 0, still her county
        (("county_fips", frozenset({"48201"})), ("need", frozenset({"food"}))),      # 40 people, food 41
        (("county_fips", frozenset({"48201"})), ("need", frozenset({"medical"}))),   # medical: her alone
        (("county_fips", frozenset({"48201"})), ("need", frozenset({"repatriation"}))),  # 12 and 40
        (("need", frozenset({"food"})),),                                             # all people: 41
        (("county_fips", frozenset()),),                                               # no unit can meet it
    ]
    assert in_small_group(units, preds, K).tolist() == [True, True, False, True, False, False, False]
    # at k = 2 only a group of one person is small: her county, and the medical need only she has
    assert in_small_group(units, preds, 2).tolist() == [True, True, False, True, False, False, False]
    # at k = 13 the twelve with repatriation are a small group too; at k = 42 the county's 40 people are one
    assert in_small_group(units, preds, 13).tolist() == [True, True, False, True, True, False, False]
    assert in_small_group(units, preds, 42).tolist() == [True, True, True, True, True, True, False]


# ----------------------------------------------------------------------------- the attack


def test_a_county_of_one_victim_gives_none_of_her_needs_away():
    units = _her_county()
    rel = Release(None, K, units={"needs": units})
    grid = rel.table("needs", rows="county_fips", columns="need", levels={"need": NEEDS}, name="01 needs per county")
    her = grid.shown.loc["48141"]
    # before: her six needs read "hidden" (at least 1) and the seventh 0, her list of needs
    assert (her == "hidden").all()
    assert grid.is_withheld().loc["48141"].all()
    assert not grid.at_least_one().loc["48141"].any()
    # nor does a column's total less its shown counts give one back (her 0 of repatriation either):
    # each of her columns hides a second count, or its total
    for need in NEEDS:
        column = grid.shown[need]
        assert (column.drop("Total") == "hidden").sum() >= 2 or column["Total"] == "hidden", need


def test_the_county_gap_list_lists_none_of_her_needs():
    units = _her_county()
    rel = Release(None, K, units={"needs": units})
    pairs = pd.DataFrame({"county_fips": ["48141"] * len(NEEDS), "need": NEEDS})
    listed = county_needs(rel, {"identified_on": Interval("2025-01-01", "2025-12-31")}, pairs, name="02 gaps")
    assert not listed["listed"].any()
    assert (listed["needs"] == "hidden").all()


def test_a_count_withheld_for_a_small_group_is_withheld_in_every_table_that_shows_it():
    """Released first in a table whose lines are large (counties of one need), then in her county's row."""
    units = _her_county()
    rel = Release(None, K, units={"needs": units})
    food = rel.table("needs", rows="county_fips", where={"need": "food"}, name="counties with food needs")
    assert food.shown.loc["48141", "count"] == "hidden"
    assert food.is_withheld().loc["48141"]
    grid = rel.table("needs", rows="county_fips", columns="need", levels={"need": NEEDS}, name="01 needs per county")
    assert grid.is_withheld().loc["48141", "food"]
    assert not grid.at_least_one().loc["48141"].any()


# ----------------------------------------------------------------------------- any data


def _naive_small(units: pd.DataFrame, pred: tuple, k: int) -> bool:
    """The oracle: each group above the count (one or more categorical constraints dropped) by :func:`matches`, its distinct clients counted one at a time."""
    if any(isinstance(c, frozenset) and not c for _, c in pred):
        return False
    for column, c in pred:
        if isinstance(c, Interval) and (c.end < units[column].min() or c.start > units[column].max()):
            return False
    droppable = [i for i, (_, c) in enumerate(pred) if isinstance(c, frozenset)]
    dropped = [set(d) for n in range(1, len(droppable) + 1) for d in itertools.combinations(droppable, n)]
    groups = [units[matches(units, tuple(p for i, p in enumerate(pred) if i not in d))] for d in dropped]
    return any(1 <= g["client_id"].nunique() < k for g in groups)


@st.composite
def _clients_and_needs(draw):
    n_clients = draw(st.integers(1, 30))
    county = draw(st.lists(st.sampled_from(["1", "2", "3"]), min_size=n_clients, max_size=n_clients))
    rows = []
    for c in range(n_clients):
        needs = draw(st.lists(st.sampled_from(["food", "legal", "housing", "medical"]), min_size=1, max_size=3, unique=True))
        month = draw(st.sampled_from(["2025-01-15", "2025-02-15", "2025-05-15"]))
        rows += [(f"c{c}", county[c], need, month) for need in needs]
    frame = pd.DataFrame(rows, columns=["client_id", "county_fips", "need", "identified_on"])
    return frame.assign(identified_on=pd.to_datetime(frame["identified_on"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_clients_and_needs(), st.sampled_from([3, 5, 11]))
def test_no_released_count_tells_what_a_small_group_has(units, k):
    """Whatever the data: every count of the ledger shown as 0, or hidden and not withheld (so at least 1),
    below k, has no parent of 1..k-1 clients, by the oracle; and the layer's groups are the oracle's."""
    rel = Release(None, k, units={"needs": units})
    quarters = pd.period_range("2025Q1", periods=2, freq="Q")
    from tfanalysis.publication import ByPeriod

    rel.table("needs", rows="need", name="demand")
    rel.table("needs", rows="county_fips", columns="need", name="county x need")
    rel.table("needs", rows=ByPeriod("identified_on", quarters), columns="county_fips", name="quarter x county")
    cells = rel.ledger.cells
    frame = rel.units("needs")
    for key, true, hidden, withheld in cells[["key", "true", "hidden", "withheld"]].itertuples(index=False):
        pred = predicate_from_key(key)[1]
        small = _naive_small(frame, pred, k)
        assert in_small_group(frame, [pred], k)[0] == small
        if small:
            assert hidden and withheld, f"{key} tells what a small group has"


def test_the_groups_of_a_whole_table_cost_a_few_passes_not_one_each():
    """Many counts on the same columns are counted by one grouping: the answer matches the oracle's, count by count."""
    rng = np.random.default_rng(3)
    units = pd.DataFrame({"client_id": [f"c{i}" for i in rng.integers(0, 300, 2000)],
                          "county_fips": rng.choice([str(c) for c in range(40)], 2000, p=np.r_[[0.2] * 4, [0.2 / 36] * 36]),
                          "need": rng.choice(NEEDS, 2000)})
    preds = [(("county_fips", frozenset({c})), ("need", frozenset({n}))) for c in map(str, range(40)) for n in NEEDS]
    got = in_small_group(units, preds, K)
    assert got.tolist() == [_naive_small(units, p, K) for p in preds]
    assert 0 < got.sum() < len(preds)


# ----------------------------------------------------------------------------- an outside review's cases (2026-12-07)


def _forty_and_her(**her) -> pd.DataFrame:
    """Forty clients in county Y (food, legal, medical among them), and her in county X."""
    rows = [{"client_id": f"c{i}", "county_fips": "Y", "gender": ["female", "male"][i % 2], "need": need,
             "nationality": ["US", "MX"][i % 2], "primary_language": ["english", "spanish"][i % 2]}
            for i in range(40) for need in ("food", "legal", "medical")]
    rows += [{"client_id": "her", "county_fips": "X", "gender": "female", "nationality": "CN", "primary_language": "mandarin", **her}]
    return pd.DataFrame(rows)


def test_a_zero_whose_other_group_is_empty_still_says_what_she_has():
    """Her county × medical is empty because she has no medical need: that emptiness is hers, no exemption."""
    units = pd.concat([_forty_and_her(need="food"), _forty_and_her(need="legal").tail(1)], ignore_index=True)
    rel = Release(None, K, units={"needs": units})
    grid = rel.table("needs", rows="gender", columns="need", where={"county_fips": "X"},
                     levels={"gender": ["female", "male"], "need": ["food", "legal", "medical"]}, name="her county by gender")
    # before, her row read hidden, hidden, 0 and the male row 0, 0, 0: her needs and her gender. Now every count
    # of her county's one person is withheld; the male × medical 0 is nobody's (no man in X, no one in X with
    # medical needs) and tells nothing of her
    assert (grid.inner().loc["female"] == "hidden").all() and (grid.inner().loc["male", ["food", "legal"]] == "hidden").all()
    assert not grid.at_least_one().any(axis=None)


def test_a_count_of_k_or_more_in_a_small_group_is_withheld_too():
    """One victim with 12 legal needs: her row's 12 shown would give her zeros (food, medical) away."""
    units = pd.concat([_forty_and_her(need="legal")] + [_forty_and_her(need="legal").tail(1)] * 11, ignore_index=True)
    rel = Release(None, K, units={"needs": units})
    grid = rel.table("needs", rows="county_fips", columns="need", levels={"need": ["food", "legal", "medical"]}, name="needs per county")
    assert grid._true.loc["X", "legal"] == 12
    assert (grid.shown.loc["X", ["food", "legal", "medical"]] == "hidden").all()
    assert grid.is_withheld().loc["X"].all()


def test_a_column_that_is_a_function_of_another_by_chance_is_still_dropped():
    """Each nationality happens to speak one language: her nationality's row would still list her language."""
    units = _forty_and_her(need="food")
    rel = Release(None, K, units={"needs": units})
    grid = rel.table("needs", rows="nationality", columns="primary_language", name="nationality x language")
    assert (grid.shown.loc["CN"].drop("Total") == "hidden").all() and not grid.at_least_one().loc["CN"].any()


def test_a_segment_label_of_a_few_victims_is_withheld():
    """A label of several attributes (service | nationality) is a group of its own: her segment's row is withheld."""
    units = _forty_and_her(need="legal")
    rel = Release(None, K, units={"needs": units})
    label = units["need"] + "|any|" + units["nationality"]
    rel.derive("needs", "segment", label, components=("need", None, "nationality"))
    released = rel.table("needs", rows="segment", name="gaps by segment")
    # her segment: legal needs of CN clients, a group of one (dropping legal leaves CN's one person)
    assert released.shown.loc["legal|any|CN", "count"] == "hidden" and not released.at_least_one().loc["legal|any|CN"]
    assert released.shown.loc["legal|any|US", "count"] == 20
    # a later notebook (a Release on the same ledger) reads the label the same way
    assert rel.ledger.composite == {("needs", "segment"): ("|", ("need", None, "nationality"))}


def test_a_zero_tells_of_every_group_above_it_not_only_of_its_parents():
    """An outsider on a small task force's report 02 (2026-12-07), rebuilt.

    Three nonbinary victims, all minors, none with a need not met; forty adults, women and men.
    The adults' nonbinary unmet needs: 0. Its parents hold nobody (adult nonbinary victims;
    nonbinary victims with unmet needs) or many (adults with unmet needs), so drop-one read no
    small group and the 0 was shown. Beside a table that bounds the nonbinary victims to 1–10,
    that 0 said none of them is an adult who waits. Two constraints up, the nonbinary victims
    are three people: the count is withheld.
    """
    from tfanalysis.publication.small_groups import ancestors

    rows = [(f"a{i}", "adult", ["female", "male"][i % 2], ["met", "unmet"][i % 3 == 0]) for i in range(40)]
    rows += [(f"n{i}", "minor", "nonbinary", "met") for i in range(3)]
    units = pd.DataFrame(rows, columns=["client_id", "age", "gender", "outcome"])
    pred = (("age", frozenset({"adult"})), ("gender", frozenset({"nonbinary"})), ("outcome", frozenset({"unmet"})))
    assert sorted(int(n) for n in persons(units, parents(pred))) == [0, 0, 14]  # no parent of 1..10
    assert in_small_group(units, [pred], K).tolist() == [True]
    assert len(ancestors(pred)) == 7
    # a count whose groups are all empty or large is still shown: the men's unmet needs
    men = (("gender", frozenset({"male"})), ("outcome", frozenset({"unmet"})))
    assert in_small_group(units, [men], K).tolist() == [False]


def test_no_two_tables_tell_whether_a_small_group_has_a_need():
    """Rule 3 across tables (stop 58). Minors' and adults' needs by outcome, then by gender; nonbinary and
    unknown-gender victims are three people. Shown as they were, the age x gender table's adult women and men (30
    and 30) beside the adults' 60 needs left 0 for adults of nonbinary or unknown gender (none of those three is
    an adult), and its minor girls beside the minors' 120 bounded the nonbinary and unknown-gender minors' needs.
    The layer now hides more, so that no withheld count of the group, nor a sum of a line's, is pinned at 0 or
    above 0 by what the two tables show together."""
    from tfanalysis.publication import bounds
    from tfanalysis.publication.privacy import MARGIN

    rows = [("minor", "female", "unmet")] * 77 + [("minor", "male", "unmet")] * 40 + [("minor", "nonbinary", "unmet")] * 2
    rows += [("minor", "unknown", "unmet")] + [("adult", "female", "met")] * 30 + [("adult", "male", "met")] * 30
    units = pd.DataFrame(rows, columns=["age", "gender", "outcome"])
    units["client_id"] = [f"c{i}" for i in range(len(units))]
    rel = Release(None, K, units={"needs": units})
    by_outcome = rel.table("needs", rows="age", columns="outcome", name="age x outcome")
    by_gender = rel.table("needs", rows="age", columns="gender", name="age x gender")
    assert by_outcome.shown.loc["adult", MARGIN] == 60 and by_outcome.shown.loc["minor", MARGIN] == 120
    assert by_gender.is_withheld()[["nonbinary", "unknown"]].all().all()
    # the adults' line: 60 less women and men shown would leave the withheld 0s: one of them is hidden
    assert (by_gender.shown.loc["adult", ["female", "male"]] == "hidden").any()
    cells = rel.ledger.universe_cells("needs").set_index("key", drop=False)
    told = [leak for leak in bounds.find_leaks(cells, rel.units("needs"), K, small=rel._small_of("needs", labels=False))
            if leak.kind.startswith("withheld")]
    assert told == []


def test_a_table_of_zeros_beside_a_small_group_is_released():
    """A reviewer's case (stop 58): minors' food needs by gender are all 0, nonbinary victims (two adults) a small
    group. Every combination is known empty, and the bounds once failed the release on a program of nothing."""
    rows = [("minor", "female", "legal")] * 77 + [("adult", "nonbinary", "legal")] * 2
    rows += [("adult", "male", "food")] * 30 + [("adult", "female", "food")] * 20
    units = pd.DataFrame(rows, columns=["age", "gender", "need"])
    units["client_id"] = [f"c{i}" for i in range(len(units))]
    rel = Release(None, K, units={"needs": units})
    table = rel.table("needs", rows="gender", where={"age": "minor", "need": "food"}, name="minors' food needs")
    assert table.shown["count"].tolist() == [0, 0, 0, 0]


def test_a_finding_told_by_earlier_counts_alone_is_not_held_against_the_table():
    from tfanalysis.publication.bounds import Leak
    from tfanalysis.publication.release import _not_told_before

    told = Leak("withheld group", None, ("age", "gender"), 1.0, 3, binding=["earlier a", "earlier b"])
    mine = Leak("withheld count", "x", ("age", "gender"), 1.0, 2, binding=["earlier a"], floors=["this table's"])
    small = Leak("hidden count", "y", ("age",), 4.0, 4, binding=["earlier a"])  # inside 1..k-1: held always
    assert _not_told_before([told, mine, small], {"this table's", "another of this table's"}) == [mine, small]
