"""A validated task force dataset: one typed DataFrame per table of the data contract.

:func:`tfanalysis.data.io.load_dataset` builds it; analyses take it whole and cut it to a
period or region themselves (:meth:`TaskForceData.for_period`).

Examples
--------
>>> import tfanalysis as tf
>>> data = tf.load_dataset(DEMO_DIR)
>>> sorted(data.fingerprint())[:2]
['activities', 'attendance']
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tfanalysis.data import contract, schema
from tfanalysis.data.periods import PeriodLike

__all__ = ["TaskForceData", "UNDATED_TABLES"]

UNDATED_TABLES: tuple[str, ...] = ("survey",)
"""Tables whose rows carry no date: :meth:`TaskForceData.in_period` keeps them whole, and a report says so."""


@dataclass(frozen=True)
class TaskForceData:
    """A validated task force dataset: one DataFrame per contract table.

    Dates are ``datetime64[ns]``, flags ``boolean``, ids, codes, FIPS and ZIP codes
    ``string``, counts ``Int64`` and measures ``Float64``. Optional tables absent from
    the folder are empty frames with the contract's columns.

    Attributes
    ----------
    members, capacity, clients, needs, referrals, cj_events, activities, attendance, survey : pandas.DataFrame
        The tables (see ``docs/data-contract.md``).
    source : pathlib.Path or None
        The folder the data came from.
    files : dict
        Table name → file read.
    warnings : pandas.DataFrame
        Problems of severity ``warning`` (the data loaded, but look at these).
    vocabulary : dict
        The term → code mapping applied.
    export_date : Timestamp or None
        The day the data were exported (given, or the day the newest file was written):
        no date of the data is later, except the ends and planned starts of windows.
    digests : dict
        Table name → SHA-256 of the file read, as it was when read (see :meth:`fingerprint`).
    """

    members: pd.DataFrame
    capacity: pd.DataFrame
    clients: pd.DataFrame
    needs: pd.DataFrame
    referrals: pd.DataFrame
    cj_events: pd.DataFrame
    activities: pd.DataFrame
    attendance: pd.DataFrame
    survey: pd.DataFrame
    source: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)
    warnings: pd.DataFrame = field(default_factory=schema.empty_problems)
    vocabulary: dict[str, str] = field(default_factory=dict)
    export_date: pd.Timestamp | None = None
    digests: dict[str, str] = field(default_factory=dict, repr=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the contract tables by name."""
        return {name: getattr(self, name) for name in contract.TABLES}

    def replace(self, **tables: pd.DataFrame) -> "TaskForceData":
        """Return a copy with some tables replaced (e.g. filtered to a period)."""
        return dataclasses.replace(self, **tables)

    def in_period(self, period: PeriodLike, *, today: str | None = None) -> "TaskForceData":
        """Return the dataset restricted to a reporting period.

        Clients, needs, referrals, criminal-justice events and activities (with their
        attendance) are kept when their own date (``identified_on``, ``referred_on``,
        ``occurred_on``, ``date``) falls in the period; members active at any time in it;
        capacity rows valid at any time in it. Survey waves are kept whole.

        Parameters
        ----------
        period : str, (start, end) pair or None
            See :mod:`tfanalysis.data.periods`.
        today : str, optional
            The date relative periods count from.

        Examples
        --------
        >>> import tfanalysis as tf
        >>> data = tf.load_dataset(DEMO_DIR)
        >>> len(data.in_period("2024Q1").clients) < len(data.clients)
        True
        """
        from tfanalysis.data.periods import parse_period

        p = parse_period(period, today=today)
        if p.start is None:
            return self
        activities = self.activities[p.contains(self.activities["date"])]
        return self.replace(
            members=self.members[_overlaps(self.members["joined_on"], self.members["left_on"], p.start, p.end)],
            capacity=self.capacity[_overlaps(self.capacity["valid_from"], self.capacity["valid_to"], p.start, p.end)],
            clients=self.clients[p.contains(self.clients["identified_on"])],
            needs=self.needs[p.contains(self.needs["identified_on"])],
            referrals=self.referrals[p.contains(self.referrals["referred_on"])],
            cj_events=self.cj_events[p.contains(self.cj_events["occurred_on"])],
            activities=activities,
            attendance=self.attendance[self.attendance["activity_id"].isin(activities["activity_id"])],
        )

    def up_to(self, period: PeriodLike, *, today: str | None = None) -> "TaskForceData":
        """Return the dataset as it stood at the end of a reporting period: nothing dated after it.

        What a report on a past period reads its history, trends and forecasts from, so that
        none of them shows a later quarter. ``"all"`` keeps everything. Rows keep their
        later follow-up dates (a need met after the period's end); the export date becomes
        the period's last day, so that what is read "as of the data end"
        (:func:`tfanalysis.gaps.as_of_date`: the capacity in force, the complete quarters)
        is read as of the period's end, not of a follow-up after it.

        Examples
        --------
        >>> import tfanalysis as tf
        >>> data = tf.load_dataset(DEMO_DIR)
        >>> str(data.up_to("2025Q1").needs["identified_on"].max().date()) <= "2025-03-31"
        True
        >>> str(data.up_to("2025Q1").export_date.date())
        '2025-03-31'
        """
        from tfanalysis.data.periods import parse_period

        p = parse_period(period, today=today)
        if p.end is None:
            return self
        export = p.end if self.export_date is None else min(pd.Timestamp(self.export_date), p.end)
        return dataclasses.replace(self.in_period(("1900-01-01", str(p.end.date()))), export_date=export)

    def fingerprint(self) -> dict[str, str]:
        """Return the SHA-256 of every file read, by table name.

        The digests of the files as they were read, when the loader recorded them (a
        dataset loaded from a snapshot keeps those of the files it was validated from);
        otherwise the files are hashed now.
        """
        if self.digests and set(self.digests) == set(self.files):
            return dict(sorted(self.digests.items()))
        return {name: _sha256(path) for name, path in sorted(self.files.items())}


def _overlaps(first: pd.Series, last: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Rows whose [first, last] window (last empty: still open) meets [start, end]."""
    began = (first <= end).fillna(False)
    not_over = (last.isna() | (last >= start)).fillna(False)
    return (began & not_over).astype(bool)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
