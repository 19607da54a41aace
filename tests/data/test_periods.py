"""Reporting periods, worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from tfanalysis.data.periods import ALL_DATA, parse_period


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2025", "2025-01-01", "2025-12-31", "2025"),
        ("2025H1", "2025-01-01", "2025-06-30", "2025H1"),
        ("2024h2", "2024-07-01", "2024-12-31", "2024H2"),
        ("2025Q3", "2025-07-01", "2025-09-30", "2025Q3"),
        ("2024-Q1", "2024-01-01", "2024-03-31", "2024Q1"),
        ("2024-02", "2024-02-01", "2024-02-29", "2024-02"),
    ],
)
def test_named_periods(text: str, start: str, end: str, label: str) -> None:
    p = parse_period(text)
    assert (p.start, p.end, p.label) == (pd.Timestamp(start), pd.Timestamp(end), label)


@pytest.mark.parametrize(
    ("text", "today", "label"),
    [
        ("last-quarter", "2026-11-23", "2026Q3"),
        ("last-quarter", "2026-01-05", "2025Q4"),
        ("last-month", "2026-01-05", "2025-12"),
        ("last-half", "2026-11-23", "2026H1"),
        ("last-year", "2026-11-23", "2025"),
        ("this-quarter", "2026-11-23", "2026Q4"),
    ],
)
def test_relative_periods(text: str, today: str, label: str) -> None:
    assert parse_period(text, today=today).label == label


def test_range_contains_both_ends() -> None:
    p = parse_period(("2025-01-10", "2025-01-20"))
    days = pd.Series(pd.to_datetime(["2025-01-09", "2025-01-10", "2025-01-20 23:00", "2025-01-21"], format="ISO8601"))
    assert p.contains(days).tolist() == [False, True, True, False]
    assert p.months == pytest.approx(11 / 30.4375)


def test_all_data() -> None:
    assert parse_period(None) is ALL_DATA
    assert ALL_DATA.contains(pd.Series(pd.to_datetime(["1990-01-01", None]))).tolist() == [True, False]


def test_previous_period() -> None:
    assert parse_period("2025H1").previous().label == "2024H2"
    assert parse_period("2025-01").previous().label == "2024-12"
    assert parse_period("2025").previous().label == "2024"
    prev = parse_period(("2025-01-11", "2025-01-20")).previous()
    assert (prev.start, prev.end) == (pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-10"))
    # whole months step by months, not by days: 365 days before 2024-10-01 is 2023-10-02 (29 February)
    assert parse_period(("2024-10-01", "2025-09-30")).previous().label == "2023-10-01 to 2024-09-30"
    assert parse_period(("2025-02-01", "2025-03-31")).previous().label == "2024-12-01 to 2025-01-31"


def test_year_before() -> None:
    assert parse_period("2025Q3").year_before().label == "2024Q3"
    assert parse_period(("2024-10-01", "2025-09-30")).year_before().label == "2023-10-01 to 2024-09-30"
    assert parse_period(("2024-02-10", "2024-02-29")).year_before().label == "2023-02-10 to 2023-02-28"  # no 29 February in 2023


def test_a_label_reads_back_as_its_period() -> None:
    for written in ["2025Q3", "2025", ("2024-10-01", "2025-09-30"), "2025-02-10..2025-03-05"]:
        p = parse_period(written)
        assert parse_period(p.label) == p


@pytest.mark.parametrize("bad", ["2025Q5", "Q3 2025", "2025-13", "yesterday"])
def test_unreadable_period_says_what_is_accepted(bad: str) -> None:
    with pytest.raises(ValueError, match="cannot read the period|does not exist"):
        parse_period(bad)


def test_reversed_range() -> None:
    with pytest.raises(ValueError, match="ends .* before it starts"):
        parse_period(("2025-02-01", "2025-01-01"))


def test_range_written_as_one_string() -> None:
    p = parse_period("2025-02-10..2025-03-05")
    assert (p.start, p.end, p.label) == (pd.Timestamp("2025-02-10"), pd.Timestamp("2025-03-05"), "2025-02-10 to 2025-03-05")
    with pytest.raises(ValueError, match="cannot read the period range"):
        parse_period("2025-02-10..soon")
