"""The capacity in force over a reporting period: one definition for coverage, gaps and the forecast.

A capacity row offers ``capacity_per_month`` places from ``valid_from`` to ``valid_to``
(empty: still open). A member whose capacity changes writes successive rows (6 a month
until 2024-12-31, then 8 from 2025-01-01): they follow each other, they are not
concurrent. Over a period, each row counts for the part of the period it is in force:

- :func:`capacity_places`: the places a row offers in the period,
  ``capacity_per_month`` × the months (days ÷ 30.44) it is valid within it;
- :func:`places_per_month`: those places averaged over the whole period, the capacity
  per month *in force on average*. Summed over a member's successive rows it gives 7 a
  month over 2024–2025 in the example above, not 6 + 8 = 14.

:func:`tfanalysis.analyses.gaps.needs.demand_capacity` compares needs with :func:`capacity_places`;
:func:`tfanalysis.analyses.coverage.county_service_coverage` and the access scores use
:func:`places_per_month`; :func:`tfanalysis.analyses.gaps.forecast.demand_forecast` the capacity in
force on the data's last day. :func:`period_window` turns a period into the days they
average over ("all data": from the first need identified to the last date seen).

Examples
--------
>>> cap = pd.DataFrame({"capacity_per_month": [6, 8], "valid_from": pd.to_datetime(["2024-01-01", "2025-01-01"]),
...                     "valid_to": pd.to_datetime(["2024-12-31", None])})
>>> float(places_per_month(cap, pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-31")).sum().round(2))
7.0
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tfanalysis.data.periods import Period, PeriodLike, parse_period

__all__ = ["DAYS_PER_MONTH", "as_of_date", "capacity_places", "period_months", "period_window", "places_per_month"]

DAYS_PER_MONTH = 365.25 / 12
"""Days in an average month: capacity per month × days valid ÷ this = places."""


def as_of_date(data: Any) -> pd.Timestamp:
    """The last date seen in the needs and referrals: where follow-up ends (censoring date).

    Never after the data's ``export_date``: loaded data hold no such date, and the data as
    they stood at a period's end (:meth:`~tfanalysis.data.dataset.TaskForceData.up_to`)
    are as of that end, though a need of theirs was met after it.

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> data = load_dataset(DEMO_DIR)
    >>> str(as_of_date(data).date()), str(as_of_date(data.up_to("2025Q1")).date())
    ('2025-12-31', '2025-03-31')
    """
    dates = [data.needs[c] for c in ("identified_on", "met_on") if c in data.needs]
    dates += [data.referrals[c] for c in ("referred_on", "responded_on") if c in data.referrals]
    stamps = pd.concat([pd.Series(d, dtype="datetime64[ns]") for d in dates], ignore_index=True).dropna()
    export = getattr(data, "export_date", None)
    export = None if export is None or pd.isna(export) else pd.Timestamp(export)
    if len(stamps):
        return stamps.max() if export is None else min(stamps.max(), export)
    return pd.NaT if export is None else export  # nothing happened: as of the export


def period_window(data: Any, period: PeriodLike) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """First and last day of a period, and its label; "all data": the data's own extent.

    The extent of all data runs from the first need identified to :func:`as_of_date`
    (without dated needs or referrals: from the first to the last capacity date).

    Examples
    --------
    >>> period_window(None, "2025Q1")[:2]
    (Timestamp('2025-01-01 00:00:00'), Timestamp('2025-03-31 00:00:00'))
    """
    p: Period = parse_period(period)
    if p.start is not None:
        return pd.Timestamp(p.start), pd.Timestamp(p.end), p.label
    first = pd.Timestamp(data.needs["identified_on"].min()) if len(data.needs) else pd.NaT
    last = as_of_date(data)
    if pd.isna(first) or pd.isna(last):  # nothing dated in needs or referrals: the capacity rows' own extent
        starts, ends = pd.to_datetime(data.capacity["valid_from"]), pd.to_datetime(data.capacity["valid_to"])
        first = starts.min() if pd.isna(first) else first
        last = pd.Series([starts.max(), ends.max()], dtype="datetime64[ns]").max() if pd.isna(last) else last
    return pd.Timestamp(first), pd.Timestamp(last), p.label


def period_months(start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Months (days ÷ :data:`DAYS_PER_MONTH`) from ``start`` to ``end``, both days included.

    Examples
    --------
    >>> round(period_months(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31")), 3)
    11.992
    """
    return ((pd.Timestamp(end) - pd.Timestamp(start)).days + 1) / DAYS_PER_MONTH


def capacity_places(capacity: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Places each capacity row offers in [start, end]: per month × months valid in it.

    Examples
    --------
    >>> cap = pd.DataFrame({"capacity_per_month": [3, 2], "valid_from": pd.to_datetime(["2024-01-01", "2024-07-01"]),
    ...                     "valid_to": pd.to_datetime([None, None])})
    >>> capacity_places(cap, pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31")).round(1).tolist()
    [36.1, 12.1]
    """
    return (_per_month(capacity) * _days_valid(capacity, start, end) / DAYS_PER_MONTH).rename("places")


def _per_month(capacity: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(capacity["capacity_per_month"], errors="coerce").fillna(0).astype(float)


def _days_valid(capacity: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Days of [start, end] (both included) in each row's validity window (open ends: the period's)."""
    valid_from = pd.to_datetime(capacity["valid_from"]).fillna(start).clip(lower=start)
    valid_to = pd.to_datetime(capacity["valid_to"]).fillna(end).clip(upper=end)
    return ((valid_to - valid_from).dt.days + 1).clip(lower=0).astype(float)


def places_per_month(capacity: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Each row's capacity per month in force over [start, end], averaged over the period.

    :func:`capacity_places` ÷ the period's months: a row valid the whole period keeps
    its ``capacity_per_month``, a row valid for a third of it counts a third. Sums over
    rows (a member's successive rows, or every row serving a county) are then the
    capacity per month in force on average. A one-day period gives the rows in force
    that day.

    Examples
    --------
    >>> cap = pd.DataFrame({"capacity_per_month": [6, 8], "valid_from": pd.to_datetime(["2024-01-01", "2025-01-01"]),
    ...                     "valid_to": pd.to_datetime(["2024-12-31", None])})
    >>> float(places_per_month(cap, pd.Timestamp("2024-07-01"), pd.Timestamp("2025-06-30")).sum().round(2))
    6.99
    >>> places_per_month(cap, pd.Timestamp("2025-03-31"), pd.Timestamp("2025-03-31")).tolist()
    [0.0, 8.0]
    """
    # per month × the share of the period's days the row is valid: capacity_places ÷ the period's
    # months, without the round trip through days per month (a row valid throughout stays exact)
    days = (pd.Timestamp(end) - pd.Timestamp(start)).days + 1
    return (_per_month(capacity) * _days_valid(capacity, start, end) / days).rename("capacity_per_month")
