"""What a count covers: the period and region of the report, as release predicates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tfanalysis.analyses.gaps import needs as gaps
from tfanalysis.publication import Interval


@dataclass(frozen=True)
class Scope:
    """The period and region a report counts, as release predicates.

    Attributes
    ----------
    start, end : pandas.Timestamp
        First and last day of the period.
    region_column : str or None
        ``county_fips`` or ``state`` (client columns), None for every client.
    region_values : tuple of str
        The region's county or state FIPS codes.

    Examples
    --------
    >>> s = Scope(pd.Timestamp("2025-07-01"), pd.Timestamp("2025-09-30"), "state", ("39",))
    >>> s.where("referred_on", outcome="accepted")
    {'referred_on': Interval(start=Timestamp('2025-07-01 00:00:00'), end=Timestamp('2025-09-30 00:00:00')), 'state': ['39'], 'outcome': 'accepted'}
    >>> s.label
    '2025-07-01..2025-09-30|state=39'
    """

    start: pd.Timestamp
    end: pd.Timestamp
    region_column: str | None = None
    region_values: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Names the scope in the names of derived columns (a name means one thing per release)."""
        text = f"{self.start:%Y-%m-%d}..{self.end:%Y-%m-%d}"
        return text + (f"|{self.region_column}={';'.join(self.region_values)}" if self.region_column else "")

    def region(self) -> dict[str, Any]:
        """The region as a predicate (empty for every client)."""
        return {self.region_column: list(self.region_values)} if self.region_column else {}

    def where(self, date: str | None = "identified_on", *, region: bool = True, **more: Any) -> dict[str, Any]:
        """The period on ``date`` (None: no period), the region, and ``more``."""
        out: dict[str, Any] = {date: Interval(self.start, self.end)} if date else {}
        if region:
            out.update(self.region())
        out.update(more)
        return out

    def counties(self, counties: Iterable[str]) -> list[str]:
        """The counties of the region among ``counties`` (all of them without a region)."""
        codes = [str(c) for c in counties]
        if self.region_column == "county_fips":
            return [c for c in codes if c in self.region_values]
        if self.region_column == "state":
            return [c for c in codes if c[:2] in self.region_values]
        return codes


def report_scope(data: Any, period: Any = None, region: str = "") -> Scope:
    """The scope of a report on ``data`` (already restricted to ``region`` by :func:`gaps.in_region`).

    The period's days are those the analysis uses (:func:`tfanalysis.gaps.demand_capacity`
    and the rest): "all" runs from the first need identified to the data's last date.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> report_scope(tf.load_dataset(DEMO_DIR), "2025Q3", "39105;39053").label
    '2025-07-01..2025-09-30|county_fips=39105;39053'
    """
    start, end, _ = gaps._window(data, period)
    found = gaps.region_filter(region)
    if found is None:
        return Scope(pd.Timestamp(start), pd.Timestamp(end))
    column, values = found
    return Scope(pd.Timestamp(start), pd.Timestamp(end), column, tuple(values))
