"""How a released table splits its counts (groupings.py): rows listed, periods, groups of values."""

import pandas as pd

from tfanalysis.publication import Release

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
