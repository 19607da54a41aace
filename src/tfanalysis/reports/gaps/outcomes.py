"""Needs identified by status and by time to met, released; the demand and rate tables read from them.

Examples
--------
>>> import tfanalysis as tf
>>> from tfanalysis.analyses.gaps import needs as gaps
>>> from tfanalysis.publication import Release
>>> from tfanalysis.reports.gaps.scope import report_scope
>>> data = tf.load_dataset(DEMO_DIR)
>>> rel = Release(data)
>>> scope = report_scope(data, "2025")
>>> outcomes = release_outcomes(rel, scope, "need", name="needs identified per service")
>>> demand = publish_demand(gaps.demand_capacity(data, "2025", by=None), outcomes)
>>> demand.loc["legal_representation", ["needs", "unmet"]].tolist()
[86, 36]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.analyses.gaps.outcomes import (  # noqa: F401 - the report's names for the outcomes
    DECLINED, IN_PROGRESS, MET_30, MET_90, MET_LATER, MET_UNDATED, UNMET, need_outcomes,
)
from tfanalysis.publication import ByGroups, Released
from tfanalysis.publication.units import NEED_OUTCOME
from tfanalysis.reports.gaps.scope import Scope
from tfanalysis.reports.gaps.shown import MARGIN


OUTCOME = NEED_OUTCOME
"""Column of the needs: the status, with met needs split by time to met (:func:`need_outcomes`).

Every count of needs by status or time to met this report releases is a set of its values,
so that the bounds see how statuses, time bands and "not met" add up (they would not see
it between two columns). The units carry it from the start; the layer writes a count on
``status`` as a count on it."""

STATUS: dict[str, tuple[str, ...]] = {
    "met": (MET_30, MET_90, MET_LATER, MET_UNDATED), "in_progress": (IN_PROGRESS,), "unmet": (UNMET,), "declined_by_client": (DECLINED,),
}
"""The statuses of the needs identified, as groups of outcomes.

Declined needs are a status of their own, so that a table's ``Total`` is the needs
identified: the same count the other reports show per service, period or county. A count of
needs *followed* (identified less declined) beside them would give the declined ones back."""

TIME_TO_MET: dict[str, tuple[str, ...]] = {
    "within 30 days": (MET_30,), "31 to 90 days": (MET_90,), "later or not yet": (MET_LATER, MET_UNDATED, IN_PROGRESS, UNMET),
    "declined by the client": (DECLINED,),
}
"""When the needs identified were met, as groups of outcomes (what the Kaplan–Meier shares rest on)."""

FOLLOWED: tuple[str, ...] = (MET_30, MET_90, MET_LATER, MET_UNDATED, IN_PROGRESS, UNMET)
"""Outcomes of the needs the task force followed: every need but those the client declined."""

NOT_MET: tuple[str, ...] = (IN_PROGRESS, UNMET)
"""Outcomes of the needs not (yet) met."""


@dataclass
class Outcomes:
    """Needs identified per group, released twice: by status and by time to met.

    Both tables count the same needs per row: their ``Total`` column is the same count.
    """

    status: Released
    time_to_met: Released


def release_outcomes(rel: Any, scope: Scope, by: str | Sequence[str] = "need", *, name: str, totals: bool = True) -> Outcomes:
    """Release the needs identified per group (``by``): by status, and by time to met (declined ones apart).

    Parameters
    ----------
    rel : Release
        The run's publication layer.
    scope : Scope
        Needs identified in the period, of clients of the region.
    by : str or sequence of str
        Needs columns (``need``; ``age`` and ``gender``...).
    name : str
        The tables' name in the ledger (``: by status``, ``: by time to met`` added).
    totals : bool
        Release the task force's own totals per status and time to met first (the same
        counts as the tables' ``Total`` row): they are the headline, and each group's
        counts are then protected around them rather than the other way round.
    """
    where = scope.where()
    if totals:
        rel.table("needs", rows=ByGroups(OUTCOME, STATUS), where=where, name=f"{name}: all, by status")
        rel.table("needs", rows=ByGroups(OUTCOME, TIME_TO_MET), where=where, name=f"{name}: all, by time to met")
    # the needs unmet per group before the split by status: few needs are still in progress,
    # so each group's in-progress count is small, and it is the unmet count (the rates rest
    # on it) that should stay shown rather than be hidden beside it
    rel.table("needs", rows=by, where={**where, OUTCOME: [UNMET]}, name=f"{name}: unmet")
    status = rel.table("needs", rows=by, columns=ByGroups(OUTCOME, STATUS), where=where, name=f"{name}: by status")
    bands = rel.table("needs", rows=by, columns=ByGroups(OUTCOME, TIME_TO_MET), where=where, name=f"{name}: by time to met")
    return Outcomes(status, bands)


DAY_BANDS: tuple[str, ...] = ("within 30 days", "31 to 90 days", "later or not yet")
"""The bands of days a median of days to met rests on: a median of n needs followed says fewer
than half were met the day before it and at least half by its day, which bounds the bands."""


def bands_all_shown(bands: Released) -> pd.Series:
    """Per row of a table of needs by time to met (:data:`TIME_TO_MET`): whether every band of days is shown.

    A median of days to met is shown only where this holds, in every report (the rates
    table of report 02, the leadership summary).

    >>> from tfanalysis.publication import Released
    >>> shown = pd.DataFrame({"within 30 days": [20, "hidden"], "31 to 90 days": [12, 15], "later or not yet": [14, 13]}, index=["a", "b"])
    >>> bands_all_shown(Released("needs", shown, shown.eq("hidden"), shown.astype(str), 11)).tolist()
    [True, False]
    """
    numbers = bands.numbers(margins=True)
    return pd.concat([_column(numbers, band) for band in DAY_BANDS], axis=1).notna().all(axis=1)


def _numbers(released: Released) -> pd.DataFrame:
    """Shown counts as floats with their margins, NaN where hidden."""
    return released.numbers(margins=True)


def _column(numbers: pd.DataFrame, column: str) -> pd.Series:
    """A column of shown counts; NaN throughout when the table has no such column (nothing released)."""
    return numbers[column] if column in numbers else pd.Series(np.nan, index=numbers.index)


def publish_demand(demand: pd.DataFrame, outcomes: Outcomes) -> pd.DataFrame:
    """Needs followed against places, per service and in all: what the demand table shows.

    Parameters
    ----------
    demand : DataFrame
        :func:`tfanalysis.gaps.demand_capacity` with ``by=None`` (its places; its counts
        are not shown).
    outcomes : Outcomes
        :func:`release_outcomes` by ``need``.

    Returns
    -------
    pandas.DataFrame
        Index ``service`` and ``Total``: ``needs`` (identified), ``met``, ``in_progress``,
        ``unmet``, ``declined_by_client`` (released: ints or ``hidden``), ``places_per_month``
        (capacity, shown as it is), ``needs_per_month`` and ``utilization`` (needs
        identified ÷ places; inf without places), NaN where the needs identified are hidden.
    """
    status = outcomes.status
    numbers = _numbers(status)
    out = status.shown[[MARGIN, *[c for c in STATUS if c in status.shown]]].rename(columns={MARGIN: "needs"}).astype(object)
    out.index.name = "service"
    table = demand.set_index("service")
    months = float(table["months"].iloc[0]) if len(table) else np.nan
    places = table["capacity_places"].reindex(out.index).astype(float)
    places[MARGIN] = float(table["capacity_places"].sum())
    places = places.fillna(0.0)
    needs = numbers[MARGIN]
    out["places_per_month"] = (places / months).round(2)
    out["needs_per_month"] = (needs / months).round(2)
    with np.errstate(divide="ignore", invalid="ignore"):
        utilization = np.where(places > 0, needs / places.where(places > 0, 1.0), np.where(needs > 0, np.inf, np.nan))
    out["utilization"] = pd.Series(utilization, index=out.index).where(needs.notna()).round(2)
    out.attrs["release"] = status.name  # its counts are that table's: `tfanalysis audit` reads them back
    return out


def followed_long_enough(start: Any, end: Any, as_of: Any, days: int) -> bool:
    """Whether most of a period's days lie ``days`` or more before the data end: a share met within ``days`` is measurable.

    A Kaplan–Meier share at day ``days`` of needs identified late in the period rests on
    the few followed that long, the rest carried flat: for the latest quarter the share
    met within 90 days would read off two or three needs. Dates only, no count: whether
    it is shown says nothing about the needs. A period without a start (all the data) is
    long enough.

    Examples
    --------
    >>> q4, end, data_end = pd.Timestamp("2025-10-01"), pd.Timestamp("2025-12-31"), pd.Timestamp("2025-12-31")
    >>> followed_long_enough(q4, end, data_end, 30), followed_long_enough(q4, end, data_end, 90)
    (True, False)
    """
    if start is None or as_of is None or pd.isna(start):
        return True
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    last = min(end, pd.Timestamp(as_of) - pd.Timedelta(days=days))
    return (last - start).days + 1 >= ((end - start).days + 1) / 2


def publish_rates(rates: pd.DataFrame, outcomes: Outcomes, *, by: Sequence[str] = ("need",), overall: pd.DataFrame | None = None,
                  scope: Any = None, as_of: Any = None) -> pd.DataFrame:
    """Outcome rates per group, each shown only where every count it rests on is shown.

    Parameters
    ----------
    rates : DataFrame
        :func:`tfanalysis.gaps.outcome_rates` by ``by`` (its estimates; its counts are not shown).
    outcomes : Outcomes
        :func:`release_outcomes` by the same columns.
    overall : DataFrame, optional
        :func:`tfanalysis.gaps.outcome_rates` with ``by=()``: the ``Total`` row's estimates.
    scope, as_of : optional
        The period (:class:`Scope`) and the data's last date: the shares met within 30 and
        90 days are left empty where most of the period's needs cannot yet have been
        followed that long (:func:`followed_long_enough`).

    Returns
    -------
    pandas.DataFrame
        Indexed like the released tables (``Total`` last): ``needs`` (identified) and
        ``unmet`` (released). The rates are of the needs followed (identified less those
        declined by the client), so each rests on the needs identified and those declined
        being shown too: ``unmet_need_rate`` (%, and unmet shown), ``met_30d`` (%, and those
        met within 30 days shown), ``met_90d`` (%, and those met later or not yet shown),
        ``median_days_to_met`` (and every band of days shown: a median is a floor on the needs met by its day).
    """
    status, bands = _numbers(outcomes.status), _numbers(outcomes.time_to_met)
    shown = outcomes.status.shown
    columns = ["unmet_need_rate", "met_30d", "met_90d", "median_days_to_met"]
    estimates = rates.set_index(list(by))[columns].reindex(shown.index)  # the Total row (last) is not a group
    if overall is not None and len(overall):
        estimates.loc[shown.index[-1], columns] = overall[columns].iloc[0].to_numpy(float)
    followed = status[MARGIN] - _column(status, DECLINED)  # NaN unless both are shown
    out = pd.DataFrame({"needs": shown[MARGIN], "unmet": shown["unmet"]}, index=shown.index).astype(object)
    rests = {
        "unmet_need_rate": _column(status, "unmet"),
        "met_30d": _column(bands, "within 30 days").reindex(shown.index),
        "met_90d": _column(bands, "later or not yet").reindex(shown.index),
        # a median of n followed is a floor on the needs met by that day (about n / 2), which
        # may fall in any band of days: every band must be shown
        "median_days_to_met": bands_all_shown(outcomes.time_to_met).reindex(shown.index, fill_value=False).map({True: 1.0, False: np.nan}),
    }
    for column, count in rests.items():
        out[column] = estimates[column].where(followed.notna() & (followed > 0) & count.notna()).round(1)
    for column, days in (("met_30d", 30), ("met_90d", 90)):
        if scope is not None and not followed_long_enough(scope.start, scope.end, as_of, days):
            out[column] = np.nan
    out.attrs["release"] = outcomes.status.name
    return out
