"""Reporting periods: a year, a half, a quarter, a month, a date range, or a relative period.

A period is written ``"2025"``, ``"2025H1"``, ``"2025Q3"``, ``"2025-07"``, a
``(start, end)`` pair of dates (both inclusive, also written ``"2025-02-10..2025-03-05"``),
``None`` (all data), or relative to
today: ``"last-quarter"``, ``"last-half"``, ``"last-year"``, ``"last-month"``,
``"this-quarter"``, ``"this-year"``. Scheduled runs use the relative forms.

Examples
--------
>>> parse_period("2025Q3")
Period(start=Timestamp('2025-07-01 00:00:00'), end=Timestamp('2025-09-30 00:00:00'), label='2025Q3')
>>> parse_period("last-quarter", today="2026-11-23").label
'2026Q3'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

@dataclass(frozen=True)
class Period:
    """A closed range of days.

    Attributes
    ----------
    start, end : pandas.Timestamp or None
        First and last day, inclusive; ``None`` for an open end (all data).
    label : str
        How reports name the period.
    """

    start: pd.Timestamp | None
    end: pd.Timestamp | None
    label: str

    def contains(self, dates: pd.Series) -> pd.Series:
        """Tell which dates fall inside the period (missing dates never do).

        Examples
        --------
        >>> p = parse_period("2025H1")
        >>> p.contains(pd.Series(pd.to_datetime(["2025-06-30", "2025-07-01", None]))).tolist()
        [True, False, False]
        """
        dates = pd.to_datetime(dates)
        inside = dates.notna()
        if self.start is not None:
            inside &= dates >= self.start
        if self.end is not None:
            inside &= dates < self.end + pd.Timedelta(days=1)
        return inside.fillna(False).astype(bool)

    @property
    def months(self) -> float:
        """Length of the period in months; NaN when open-ended.

        Whole calendar months count exactly; other ranges as days / 30.4375.

        Examples
        --------
        >>> round(parse_period("2025").months, 2)
        12.0
        """
        if self.start is None or self.end is None:
            return float("nan")
        after = self.end + pd.Timedelta(days=1)
        if self.start.day == 1 and after.day == 1:
            return float((after.year - self.start.year) * 12 + after.month - self.start.month)
        return ((self.end - self.start).days + 1) / 30.4375

    def previous(self) -> "Period":
        """The period of the same length just before this one.

        Examples
        --------
        >>> parse_period("2025Q1").previous().label
        '2024Q4'
        """
        if self.start is None or self.end is None:
            raise ValueError("an open-ended period has no previous period")
        after = self.end + pd.Timedelta(days=1)
        if self.start.day == 1 and after.day == 1:  # whole months (a quarter, a fiscal year): the months before
            start = self.start - pd.DateOffset(months=int(self.months))
        else:
            start = self.start - (after - self.start)
        return _named(start, self.start - pd.Timedelta(days=1))

    def year_before(self) -> "Period":
        """The same days a year earlier.

        Examples
        --------
        >>> parse_period("2025Q3").year_before().label
        '2024Q3'
        >>> parse_period("2024-10-01..2025-09-30").year_before().label  # a fiscal year
        '2023-10-01 to 2024-09-30'
        """
        if self.start is None or self.end is None:
            raise ValueError("an open-ended period has no year before")
        after = self.end + pd.Timedelta(days=1)
        year = pd.DateOffset(years=1)
        return _named(self.start - year, after - year - pd.Timedelta(days=1))


def _named(start: pd.Timestamp, end: pd.Timestamp) -> Period:
    """The period from ``start`` to ``end``, under its name where it is a year, half, quarter or month."""
    return parse_period(named_label(parse_period((start, end))))


def _label_for(start: pd.Timestamp, freq: str) -> str:
    if freq == "Q":
        return f"{start.year}Q{(start.month - 1) // 3 + 1}"
    if freq == "2Q":
        return f"{start.year}H{1 if start.month <= 6 else 2}"
    if freq == "M":
        return f"{start.year}-{start.month:02d}"
    return f"{start.year}"


ALL_DATA = Period(None, None, "all data")

_RANGE_IN_WORDS = re.compile(r"\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}")
"""A range as :class:`Period` labels it (``2025-02-10 to 2025-03-05``): read back as written."""

PeriodLike = str | tuple[object, object] | list[object] | Period | None
"""Anything :func:`parse_period` reads."""


def parse_period(period: PeriodLike, *, today: str | date | pd.Timestamp | None = None) -> Period:
    """Turn a period as written by a user into a :class:`Period`.

    Parameters
    ----------
    period : str, (start, end) pair, or None
        See the module docstring for the accepted forms.
    today : date-like, optional
        The date relative periods count from; today by default.

    Returns
    -------
    Period

    Raises
    ------
    ValueError
        If the period cannot be read; the message shows the accepted forms.

    Examples
    --------
    >>> parse_period(("2025-02-10", "2025-03-05")).label
    '2025-02-10 to 2025-03-05'
    >>> parse_period("2025H2").start
    Timestamp('2025-07-01 00:00:00')
    >>> parse_period(None).label
    'all data'
    >>> parse_period(parse_period("2024-10-01..2025-09-30").label).end  # a label reads back
    Timestamp('2025-09-30 00:00:00')
    """
    if isinstance(period, Period):
        return period
    if period is None or (isinstance(period, str) and period.strip().lower() in {"", "all", "none"}):
        return ALL_DATA
    if isinstance(period, (tuple, list)):
        if len(period) != 2:
            raise ValueError(f"a period range is a (start, end) pair of dates, not {len(period)} values")
        start, end = (pd.Timestamp(str(v)).normalize() for v in period)
        if end < start:
            raise ValueError(f"the period ends ({end.date()}) before it starts ({start.date()})")
        return Period(start, end, f"{start.date()} to {end.date()}")
    text = str(period).strip()
    if ".." in text or _RANGE_IN_WORDS.fullmatch(text):  # "2025-02-10..2025-03-05" (papermill, YAML) or a label
        start_text, _, end_text = text.partition("..") if ".." in text else text.partition(" to ")
        try:
            return parse_period((start_text.strip(), end_text.strip()))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"cannot read the period range {text!r}: {exc}") from None
    upper = text.upper()
    if m := re.fullmatch(r"(\d{4})", upper):
        year = int(m[1])
        return Period(pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31), f"{year}")
    if m := re.fullmatch(r"(\d{4})-?H([12])", upper):
        year, half = int(m[1]), int(m[2])
        start = pd.Timestamp(year, 1 if half == 1 else 7, 1)
        return Period(start, start + pd.DateOffset(months=6) - pd.Timedelta(days=1), f"{year}H{half}")
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", upper):
        year, quarter = int(m[1]), int(m[2])
        start = pd.Timestamp(year, 3 * quarter - 2, 1)
        return Period(start, start + pd.DateOffset(months=3) - pd.Timedelta(days=1), f"{year}Q{quarter}")
    if m := re.fullmatch(r"(\d{4})-(\d{2})", upper):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r}: month {month} does not exist")
        start = pd.Timestamp(year, month, 1)
        return Period(start, start + pd.DateOffset(months=1) - pd.Timedelta(days=1), f"{year}-{month:02d}")
    if m := re.fullmatch(r"(last|this)[-_ ](month|quarter|half|year)", text.lower()):
        ref = pd.Timestamp(today if today is not None else date.today()).normalize()
        unit = m[2]
        step = {"month": 1, "quarter": 3, "half": 6, "year": 12}[unit]
        current_start = pd.Timestamp(ref.year, ((ref.month - 1) // step) * step + 1, 1)
        start = current_start - pd.DateOffset(months=step) if m[1] == "last" else current_start
        freq = {"month": "M", "quarter": "Q", "half": "2Q", "year": "Y"}[unit]
        return parse_period(_label_for(start, freq))
    raise ValueError(
        f"cannot read the period {text!r}; write a year (2025), a half (2025H1), a quarter "
        "(2025Q3), a month (2025-07), a (start, end) pair of dates, last-quarter / last-month / "
        "last-half / last-year, or nothing for all data"
    )


def named_label(period: Period) -> str:
    """The shortest name of a period: a range that is a whole year, half, quarter or month gets
    that name (``2025-07-01 to 2025-09-30`` → ``2025Q3``); other ranges keep theirs.

    The runner passes periods to notebooks as date ranges; reports and the metrics history
    name them this way, so runs given ``2025Q3`` or ``--start 2025-07-01 --end 2025-09-30``
    are recognised as the same period.

    Examples
    --------
    >>> named_label(parse_period(("2025-07-01", "2025-09-30")))
    '2025Q3'
    >>> named_label(parse_period(("2025-07-01", "2025-09-29")))
    '2025-07-01 to 2025-09-29'
    """
    if period.start is None or period.end is None:
        return period.label
    s = period.start
    for label in (f"{s.year}", f"{s.year}H{1 if s.month <= 6 else 2}", f"{s.year}Q{(s.month - 1) // 3 + 1}", f"{s.year}-{s.month:02d}"):
        candidate = parse_period(label)
        if (candidate.start, candidate.end) == (period.start, period.end):
            return candidate.label
    return period.label


def days_most_take(earlier: pd.Series, later: pd.Series, share: float) -> int:
    """Days within which ``share`` of the rows went from ``earlier`` to ``later``, rounded up (0 without a dated pair).

    The window a period needs before what follows from its rows is mostly in: needs met
    (:func:`tfanalysis.analyses.gaps.outcomes.met_window`), referrals answered
    (:func:`tfanalysis.analyses.collaboration.referrals.answer_window`). Pairs out of order
    (``later`` before ``earlier``) are left out.

    >>> first = pd.to_datetime(pd.Series(["2025-01-01"] * 3 + ["2025-02-01"]))
    >>> then = pd.to_datetime(pd.Series(["2025-01-03", "2025-01-11", None, "2025-03-03"]))
    >>> days_most_take(first, then, 0.95)  # 2, 10 and 30 days: the 95th percentile 28 days, rounded up
    28
    """
    days = ((later - earlier) / pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan)
    days = days[np.isfinite(days) & (days >= 0)]
    return int(np.ceil(np.quantile(days, share))) if days.size else 0


def window_passed(last_day: object, days: int, as_of: object) -> bool:
    """Whether ``days`` have passed after ``last_day`` by ``as_of`` (the data end).

    ``as_of`` None (no dated row): nothing is still to come, True. ``last_day`` None: the
    data end itself, so only a window of no days has passed.

    >>> window_passed("2025-09-30", 21, "2025-12-31"), window_passed("2025-12-31", 21, "2025-12-31")
    (True, False)
    >>> window_passed(None, 0, "2025-12-31"), window_passed("2025-12-31", 21, None)
    (True, True)
    """
    if as_of is None:
        return True
    stamp = pd.Timestamp(as_of).normalize()
    last = stamp if last_day is None else pd.Timestamp(last_day).normalize()
    return bool(last + pd.Timedelta(days=int(days)) <= stamp)
