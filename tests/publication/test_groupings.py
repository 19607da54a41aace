"""How a released table splits its counts (groupings.py): rows listed, periods, groups of values."""

import pandas as pd

from tfanalysis.publication import Interval, Release

K = 3


def test_a_table_of_no_listed_rows_counts_nothing_and_says_so():
    """An empty list of rows is a table of no rows: its total counts none of the units, as its predicate says.

    (It was read as "no list": every value became a row while the total's predicate kept none,
    a count of 5 for a predicate no unit meets.)
    """
    units = pd.DataFrame({"segment": [pd.NA] * 5, "status": ["met", "met", "unmet", "met", "unmet"]})
    rel = Release(None, K, units={"needs": units})
    table = rel.table("needs", rows="segment", columns="status", levels={"segment": []}, name="profiles")
    assert list(table.shown.index) == ["Total"]
    assert table.shown.loc["Total"].tolist() == [0, 0, 0]


def test_listed_rows_keep_their_order_and_the_total_counts_only_them():
    units = pd.DataFrame({"need": ["food"] * 4 + ["legal"] * 6 + ["esl"] * 7})
    rel = Release(None, K, units={"needs": units})
    table = rel.table("needs", rows="need", levels={"need": ["legal", "food"]}, name="two services")
    assert table.shown["count"].tolist() == [6, 4, 10]
    assert list(table.shown.index) == ["legal", "food", "Total"]


def test_the_rows_listed_do_not_depend_on_the_units_the_table_keeps():
    """Review of stop 56: rows were the values present after ``where``.

    A table of a quarter listed an age band × gender row only where the quarter had one,
    so a row shown "hidden", withheld because it may be 0, still told that someone was
    there. The rows are now every combination of the values the columns take in all the
    data (what ``where`` allows of them), whatever the quarter holds.
    """
    units = pd.DataFrame({
        "client_id": [f"c{i}" for i in range(8)],
        "age": ["adult"] * 6 + ["minor"] * 2,
        "gender": ["woman"] * 3 + ["man"] * 3 + ["nonbinary", "woman"],
        "need": ["food"] * 8,
        "identified_on": pd.to_datetime(["2025-02-01"] * 6 + ["2025-05-01", "2025-05-01"]),
    })
    rel = Release(None, K, units={"needs": units})
    q1 = rel.table("needs", rows=["age", "gender"], where={"identified_on": Interval("2025-01-01", "2025-03-31")}, name="Q1")
    assert [label for label in q1.shown.index[:-1]] == [
        ("adult", "man"), ("adult", "nonbinary"), ("adult", "woman"),
        ("minor", "man"), ("minor", "nonbinary"), ("minor", "woman")]
    # Q1 holds no minor: her rows are there all the same, as are the adults' nonbinary
    assert q1._true["count"].tolist() == [3, 0, 3, 0, 0, 0, 6]
    # what `where` rules out is not listed; the rows of one column are its values in all the data
    women = rel.table("needs", rows="gender", where={"gender": ["woman", "man"]}, name="two genders")
    assert list(women.shown.index) == ["man", "woman", "Total"]


def test_a_column_known_of_another_lists_only_the_combinations_readers_know_are_possible():
    """A referral's sector link is a function of its pair of members (units.KNOWN_OF): no row for a pair under another link."""
    from tfanalysis.publication.units import SECTOR_LINK, TIE

    units = pd.DataFrame({TIE: ["a|b", "a|b", "a|c", "b|c"], SECTOR_LINK: ["LE-VS", "LE-VS", "LE-HC", "VS-HC"],
                          "referred_on": pd.to_datetime(["2025-01-02"] * 4)})
    rel = Release(None, K, units={"referrals": units})
    table = rel.table("referrals", rows=[SECTOR_LINK, TIE], name="per tie")
    assert list(table.shown.index[:-1]) == [("LE-HC", "a|c"), ("LE-VS", "a|b"), ("VS-HC", "b|c")]
    assert table._true["count"].tolist() == [1, 2, 1, 4]
