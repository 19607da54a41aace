"""What the needs-and-gaps report shows: every victim count through the publication layer.

:mod:`tfanalysis.gaps` computes true counts, rates and estimates. This module releases
the counts the report shows through the run's :class:`~tfanalysis.publication.Release`
(built once on the whole dataset; :class:`Scope` says which period and region a count
covers), and shows a rate, share, median or Kaplan–Meier estimate only where every count
it rests on is shown:

========================== ===================================================================
shown                      rests on (released counts)
========================== ===================================================================
needs a month, utilization needs identified
unmet-need rate            needs unmet, needs identified, needs declined by the client
met within 30 days (KM)    needs met within 30 days, needs identified, needs declined
met within 90 days (KM)    needs met later than 90 days or not yet, needs identified, declined
median days to met (KM)    needs identified, needs declined by the client
share of referrals         the service's referrals declined for capacity, all of them
share of needs not met     needs not met within reach of the sites, all needs not met
========================== ===================================================================

Sentences quote released values only and rank among shown values only ("of the services
whose counts are shown"). Places (capacity) are not victim counts and are shown as they are.

Examples
--------
>>> import tfanalysis as tf
>>> from tfanalysis.publication import Release
>>> data = tf.load_dataset(DEMO_DIR)
>>> rel = Release(data)
>>> scope = report_scope(data, "2025")
>>> outcomes = release_outcomes(rel, scope, "need", name="needs identified per service")
>>> demand = publish_demand(gaps.demand_capacity(data, "2025", by=None), outcomes)
>>> demand.loc["legal_representation", ["needs", "unmet"]].tolist()
[86, 36]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.analyses.gaps import needs as gaps
from tfanalysis.publication import ByGroups, Interval, Released
from tfanalysis.publication.cells import MISSING

__all__ = [
    "FOLLOWED",
    "NO_NEED",
    "NOT_MET",
    "OUTCOME",
    "STATUS",
    "TIME_TO_MET",
    "Outcomes",
    "Scope",
    "default_site_service",
    "gaps_markdown",
    "headline_metrics",
    "pressed_services",
    "ranked",
    "publish_demand",
    "publish_gap_matrix",
    "publish_gaps",
    "publish_rates",
    "publish_referrals",
    "publish_sites",
    "referral_markdown",
    "release_outcomes",
    "report_scope",
    "sites_markdown",
    "structural_gaps_markdown",
    "derive_outcomes",
    "need_outcomes",
]

OUTCOME = "gaps.outcome"
"""Derived column of the needs: the status, with met needs split by time to met (:func:`need_outcomes`).

Every count of needs by status or time to met this report releases is a set of its values,
so that the bounds see how statuses, time bands and "not met" add up (they would not see
it between two columns)."""

MET_30, MET_90, MET_LATER, MET_UNDATED = "met within 30 days", "met in 31 to 90 days", "met after 90 days", "met, date missing"
IN_PROGRESS, UNMET, DECLINED = "in_progress", "unmet", "declined_by_client"

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

OTHER_COUNTIES = "other counties"
ALL_COUNTIES = "all counties"

REFERRAL_RESULTS: dict[str, tuple[str, ...]] = {
    "accepted or completed": ("accepted", "completed"),
    "declined for capacity": ("declined_capacity",),
    "declined for eligibility": ("declined_eligibility",),
    "declined otherwise, no response or open": ("declined_other", "no_response", "open"),
}
"""Referral outcomes as the report groups them (each a set of values of ``outcome``)."""

MARGIN = "Total"

NO_NEED = "No need was identified in this period: there is no demand to set against the members' capacity."
"""What the report says when the period (and region) holds no need."""


# --- what a count covers -------------------------------------------------------------------


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


# --- needs followed: status and time to met ------------------------------------------------


def need_outcomes(needs: pd.DataFrame) -> pd.Series:
    """Each need's outcome: its status, a met need split by the days from identification to ``met_on``.

    ``met within 30 days``, ``met in 31 to 90 days``, ``met after 90 days``, ``met, date
    missing``, and the other statuses as they are (``in_progress``, ``unmet``,
    ``declined_by_client``). The days are read as the Kaplan–Meier estimates of
    :func:`tfanalysis.gaps.outcome_rates` read them.

    Examples
    --------
    >>> needs = pd.DataFrame({"status": ["met", "met", "met", "met", "unmet", "declined_by_client"],
    ...     "identified_on": pd.to_datetime(["2025-01-01"] * 6),
    ...     "met_on": pd.to_datetime(["2025-01-31", "2025-02-01", "2025-06-01", None, None, None])})
    >>> need_outcomes(needs).tolist()
    ['met within 30 days', 'met in 31 to 90 days', 'met after 90 days', 'met, date missing', 'unmet', 'declined_by_client']
    """
    status = needs["status"].astype("string")
    days = (pd.to_datetime(needs["met_on"]) - pd.to_datetime(needs["identified_on"])).dt.days.clip(lower=0)
    met = (status == "met").fillna(False).to_numpy(bool)
    band = np.select([days.isna().to_numpy(bool), (days <= 30).fillna(False).to_numpy(bool), (days <= 90).fillna(False).to_numpy(bool)],
                     [MET_UNDATED, MET_30, MET_90], MET_LATER)
    return pd.Series(np.where(met, band, status.fillna(MISSING).to_numpy(dtype=object)), index=needs.index, dtype="string")


def derive_outcomes(rel: Any) -> None:
    """Give the release's needs their :data:`OUTCOME` (from the needs' own columns: the same in every run)."""
    rel.derive("needs", OUTCOME, need_outcomes(rel.units("needs")))


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
    derive_outcomes(rel)
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
        ``unmet``, ``declined_by_client`` (released: ints or ``<k``), ``places_per_month``
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


def publish_rates(rates: pd.DataFrame, outcomes: Outcomes, *, by: Sequence[str] = ("need",), overall: pd.DataFrame | None = None) -> pd.DataFrame:
    """Outcome rates per group, each shown only where every count it rests on is shown.

    Parameters
    ----------
    rates : DataFrame
        :func:`tfanalysis.gaps.outcome_rates` by ``by`` (its estimates; its counts are not shown).
    outcomes : Outcomes
        :func:`release_outcomes` by the same columns.
    overall : DataFrame, optional
        :func:`tfanalysis.gaps.outcome_rates` with ``by=()``: the ``Total`` row's estimates.

    Returns
    -------
    pandas.DataFrame
        Indexed like the released tables (``Total`` last): ``needs`` (identified) and
        ``unmet`` (released). The rates are of the needs followed (identified less those
        declined by the client), so each rests on the needs identified and those declined
        being shown too: ``unmet_need_rate`` (%, and unmet shown), ``met_30d`` (%, and those
        met within 30 days shown), ``met_90d`` (%, and those met later or not yet shown),
        ``median_days_to_met``.
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
        "median_days_to_met": followed,
    }
    for column, count in rests.items():
        out[column] = estimates[column].where(followed.notna() & (followed > 0) & count.notna()).round(1)
    out.attrs["release"] = outcomes.status.name
    return out


# --- needs not met, per group of services and county -------------------------------------


def _need_groups(codes: Iterable[str]) -> dict[str, list[str]]:
    """The e-Guide groups of these need codes (in the taxonomy's order), each with its codes."""
    from tfanalysis.data.taxonomy import GROUP_LABELS, NEED_GROUPS

    groups: dict[str, list[str]] = {}
    order = list(GROUP_LABELS)
    for code in sorted({str(c) for c in codes if str(c) != MISSING}):
        groups.setdefault(NEED_GROUPS.get(code, "other"), []).append(code)
    ranked = sorted(groups, key=lambda g: order.index(g) if g in order else len(order))
    return {GROUP_LABELS.get(g, "Other needs"): groups[g] for g in ranked}


def publish_gap_matrix(rel: Any, scope: Scope, *, counties: int = 5, name: str) -> pd.DataFrame:
    """Needs not met per group of services × county: the counties whose own count is shown, then the rest.

    The counties are those with the most needs not met among the counties whose count is
    shown (a per-county table is released first); the others are one column, and a last
    column holds every county. Rows are the e-Guide's groups of needs: a group is a set of
    need codes, so every count stays a predicate on the ``need`` column.

    When no suppression pattern of the table can protect it against what the run already
    released (:class:`~tfanalysis.publication.DisclosureError`), it is released coarser:
    with one county of its own fewer at a time, down to the groups in all counties. A table
    that cannot be protected even then is not shown (an empty frame).

    Returns
    -------
    pandas.DataFrame
        Rows: group labels; columns: county FIPS codes, ``other counties`` (when any),
        ``all counties``; released counts (ints or ``<k``).
    """
    from tfanalysis.publication import DisclosureError

    derive_outcomes(rel)
    not_met = {OUTCOME: list(NOT_MET)}
    per_county = rel.table("needs", rows="county_fips", where=scope.where(**not_met), name=f"{name}: per county")
    numbers = per_county.numbers()
    numbers = numbers[(numbers > 0) & (numbers.index != MISSING)]
    ranked = sorted(numbers.index, key=lambda c: (-numbers[c], c))[: max(counties, 0)]
    units = rel.units("needs")
    present = scope.counties(pd.unique(units["county_fips"].to_numpy(dtype=object)))
    groups = ByGroups("need", _need_groups(pd.unique(units["need"].to_numpy(dtype=object))))
    where = scope.where(region=scope.region_column != "county_fips", **not_met)
    for n in range(len(ranked), -1, -1):  # the finest table the release can protect
        own = ranked[:n]
        others = [c for c in present if c not in own]
        try:
            if not own:
                in_region = {"county_fips": others} if scope.region_column == "county_fips" else {}
                table = rel.table("needs", rows=groups, where={**where, **in_region}, name=name)
                return table.shown.drop(index=MARGIN).set_axis([ALL_COUNTIES], axis=1)
            columns = {c: [c] for c in own}
            if others:
                columns[OTHER_COUNTIES] = others
            table = rel.table("needs", rows=groups, columns=ByGroups("county_fips", columns), where=where, name=name)
            return table.shown.drop(index=MARGIN).rename(columns={MARGIN: ALL_COUNTIES})
        except DisclosureError:  # nothing was released: try one county fewer
            continue
    return pd.DataFrame(index=pd.Index([], name="need"), columns=[ALL_COUNTIES])


# --- structural gaps ---------------------------------------------------------------------


_SEGMENT = ["service", "gap", "seg_age", "seg_gender", "seg_nationality", "seg_language", "seg_county"]


def publish_gaps(rel: Any, data: Any, period: Any, scope: Scope, *, name: str) -> pd.DataFrame:
    """Structural gaps with their needs released: one row per gap (service × segment).

    Each need in a gap is labelled with its gap (a column derived for the needs, named by
    the scope: which rows can serve whom depends on the period) and the needs per gap are
    released. Rows are sorted by the released counts (hidden ones last), then by service.

    Returns
    -------
    pandas.DataFrame
        ``service``, ``gap``, ``age``, ``gender``, ``nationality``, ``language``,
        ``county_fips`` (``any`` where the segment does not depend on it), ``needs``
        (released).
    """
    found = gaps.gap_needs(data, period)
    # as structural_gaps counts them: a need whose client's county is unknown is no desert's
    found = found[found[_SEGMENT].notna().all(axis=1).to_numpy(bool)]
    columns = ["service", "gap", "age", "gender", "nationality", "language", "county_fips", "needs"]
    if found.empty:
        return pd.DataFrame(columns=columns)
    segments = found[_SEGMENT].astype("string")
    label = segments["service"].str.cat([segments[c] for c in _SEGMENT[1:]], sep="|")
    derived = f"gaps.structural_gap[{scope.label}]"
    rel.derive("needs", derived, label)
    released = rel.table("needs", rows=derived, where=scope.where(**{derived: sorted(set(label))}), name=name)
    needs = released.shown.drop(index=MARGIN).iloc[:, 0]
    table = segments.assign(label=label).drop_duplicates("label").set_index("label")
    table = table.reindex(needs.index).set_axis(columns[:-1], axis=1).assign(needs=needs.to_numpy())
    table["_n"] = pd.to_numeric(table["needs"], errors="coerce").fillna(-1)
    table = table.sort_values(["gap", "_n", "service", "county_fips"], ascending=[True, False, True, True], kind="stable")
    return table.drop(columns="_n").reset_index(drop=True)


def _count_text(value: Any, noun: str) -> str:
    """A released count as a sentence quotes it: ``26 needs``, or ``a hidden number of needs``.

    Not "fewer than 11": a count may be hidden to protect another one, whatever its size.
    """
    return f"a hidden number of {noun}" if isinstance(value, str) else f"{int(value):,} {noun}"


def structural_gaps_markdown(published: pd.DataFrame, *, county_names: dict[str, str] | None = None) -> str:
    """Plain words for the structural gaps (:func:`publish_gaps`), quoting released counts.

    Examples
    --------
    >>> g = pd.DataFrame({"service": ["housing_emergency", "mental_health_care", "mental_health_care"],
    ...     "gap": ["eligibility", "no provider in county", "no provider in county"], "age": ["adult", "any", "any"],
    ...     "gender": ["male", "any", "any"], "nationality": ["any"] * 3, "language": ["any"] * 3,
    ...     "county_fips": ["any", "39053", "39115"], "needs": [50, "<11", 12]})
    >>> print(structural_gaps_markdown(g, county_names={"39053": "Gallia"}))
    - **Housing: emergency** — no member serves adult, male clients: 50 needs.
    - **Mental health care (emergency and long-term)** — no eligible member serves clients in Gallia (39053), a hidden number of needs; 39115, 12 needs.
    """
    from tfanalysis.analyses.gaps.eligibility import CRITERIA
    from tfanalysis.data.taxonomy import SERVICE_CODES

    if published.empty:
        return "No structural gap: every identified need had at least one member able to serve it."
    names = county_names or {}
    lines = []
    for row in published[published["gap"] == "eligibility"].itertuples(index=False):  # one sentence per gap (a handful)
        label = SERVICE_CODES.get(row.service, row.service)
        who = ", ".join(str(getattr(row, c)) for c in CRITERIA if getattr(row, c) != gaps.ANY) or "any"
        lines.append(f"- **{label}** — no member serves {who} clients: {_count_text(row.needs, 'needs')}.")
    deserts = published[published["gap"] != "eligibility"]
    for service, rows in deserts.groupby("service", sort=False):  # one sentence per service
        label = SERVICE_CODES.get(service, service)
        where = "; ".join(
            f"{names[c]} ({c}), {_count_text(n, 'needs')}" if c in names else f"{c}, {_count_text(n, 'needs')}"
            for c, n in zip(rows["county_fips"], rows["needs"])
        )
        lines.append(f"- **{label}** — no eligible member serves clients in {where}.")
    return "\n".join(lines)


# --- referrals ---------------------------------------------------------------------------


def publish_referrals(rel: Any, scope: Scope, *, name: str) -> pd.DataFrame:
    """Referral outcomes per service (:data:`REFERRAL_RESULTS`), released with their totals.

    Rows: the services with any referral declined for capacity or for eligibility, as
    released (a hidden count is one or more), then ``Total`` (every service).
    """
    groups = ByGroups("outcome", REFERRAL_RESULTS)
    table = rel.table("referrals", rows="service", columns=groups, where=scope.where("referred_on"), name=name)
    declines = ["declined for capacity", "declined for eligibility"]
    keep = (table.hidden[declines] | (table.numbers(margins=True)[declines] > 0)).any(axis=1)
    keep[MARGIN] = True
    out = table.shown[keep.to_numpy(bool)]
    out.attrs["release"] = table.name
    return out


def referral_markdown(published: pd.DataFrame) -> str:
    """Where capacity and where eligibility make referrals fail, from :func:`publish_referrals`.

    The service named is the one with the most among the services whose counts are shown,
    and its share of all such declines is given only where both counts are shown.

    Examples
    --------
    >>> t = pd.DataFrame({"declined for capacity": [13, "<11", 15], "declined for eligibility": [0, 24, "<11"]},
    ...     index=["legal_representation", "housing_emergency", "Total"])
    >>> print(referral_markdown(t))
    Referrals declined for lack of capacity: 15; of the services whose counts are shown, most for Legal representation (immigration, criminal, civil) (13, 87% of them). The number of referrals declined because the client was not eligible is hidden; of the services whose counts are shown, most for Housing: emergency (24).
    """
    from tfanalysis.data.taxonomy import SERVICE_CODES

    parts = []
    for column, why in (("declined for capacity", "for lack of capacity"), ("declined for eligibility", "because the client was not eligible")):
        total = published.loc[MARGIN, column] if MARGIN in published.index else 0
        if not isinstance(total, str) and total == 0:
            parts.append(f"No referral was declined {why}.")
            continue
        text = f"The number of referrals declined {why} is hidden" if isinstance(total, str) else f"Referrals declined {why}: {int(total):,}"
        cells = pd.to_numeric(published[column].drop(index=MARGIN, errors="ignore"), errors="coerce")
        top = _top(cells.dropna(), 1)
        if not top:
            parts.append(text + "; no service's count is shown.")
            continue
        share = "" if isinstance(total, str) else f", {100 * cells[top[0]] / total:.0f}% of them"
        parts.append(text + f"; of the services whose counts are shown, most for {SERVICE_CODES.get(top[0], top[0])} ({int(cells[top[0]])}{share}).")
    return " ".join(parts)


# --- where to add capacity -----------------------------------------------------------------


def _county_frame(data: Any) -> pd.DataFrame:
    from tfanalysis import geo
    from tfanalysis.analyses.service_areas import task_force_states

    vintage = geo.dataset_vintage(data)
    states = task_force_states(data.members)
    counties = geo.counties(states, vintage=vintage).set_index("county_fips")[["name"]]
    return counties.join(geo.county_centroids(states, vintage=vintage))


def publish_sites(rel: Any, data: Any, service: str, scope: Scope, *, k: int = 3, max_miles: float = 60.0,
                  period: Any = None, name: str) -> tuple[pd.DataFrame, pd.Series]:
    """Where new providers of ``service`` would reach the most needs not met, from released counts only.

    The needs of ``service`` not met are released per county of the task force's states
    (of the region; a county with none shows 0). The sites are chosen by greedy maximal
    coverage (:func:`tfanalysis.sites.recommend_sites`) on those released counts, a hidden
    county counting as half the threshold: the choice depends on nothing the release does
    not show. The needs within reach of the sites so far are released as counts of their
    own, and their share of all the service's needs not met is shown where both are shown.

    Returns
    -------
    (sites, per_county)
        ``sites``: one row per site: ``rank``, ``county_fips``, ``name``,
        ``needs_within_reach`` (released, cumulative), ``share_of_needs_not_met`` (%,
        cumulative), ``counties_within_reach`` (counties of the region within
        ``max_miles`` of the sites so far: geography, not a victim count), ``lat``, ``lon``.
        ``per_county``: the released counts per county (ints or ``<k``), for the map.
        Both empty without a service.
    """
    from tfanalysis.analyses.gaps.sites import coverage_matrix, recommend_sites

    columns = ["rank", "county_fips", "name", "needs_within_reach", "share_of_needs_not_met", "counties_within_reach", "lat", "lon"]
    if not service:
        return pd.DataFrame(columns=columns), pd.Series(dtype=object)
    derive_outcomes(rel)
    where = scope.where(need=service, **{OUTCOME: list(NOT_MET)})
    frame = _county_frame(data)
    counties = scope.counties(frame.index)
    by_county = rel.table("needs", rows="county_fips", where=where, levels={"county_fips": counties}, name=f"{name}: per county")
    numbers = by_county.numbers()
    weights = numbers.fillna((by_county.threshold - 1) / 2)
    weights = weights[weights > 0]
    sites = recommend_sites(data, service, k=k, max_miles=max_miles, period=period, demand=weights) if len(weights) else pd.DataFrame()
    if sites.empty:
        return pd.DataFrame(columns=columns), by_county.inner()
    located = frame.reindex(counties).dropna(subset=["lat", "lon"])
    reached = np.cumsum(coverage_matrix(located, sites, max_miles).toarray() > 0, axis=1) > 0
    total = by_county.value()
    rows = []
    for j, site in enumerate(sites.itertuples(index=False)):  # one released count per site (a few)
        within = located.index[reached[:, j]].tolist()
        count = rel.count("needs", where={**where, "county_fips": within}, name=f"{name}: within reach of sites 1 to {j + 1}")
        value = count.value()
        share = round(100 * value / total, 1) if value is not None and total else np.nan
        rows.append((site.rank, site.county_fips, site.name, count.shown.iloc[0, 0], share, len(within), site.lat, site.lon))
    return pd.DataFrame(rows, columns=columns), by_county.inner()


def sites_markdown(sites: pd.DataFrame, service: str, max_miles: float) -> str:
    """Read the recommended sites (:func:`publish_sites`) in a sentence.

    Examples
    --------
    >>> s = pd.DataFrame({"rank": [1], "county_fips": ["39073"], "name": ["Hocking"], "needs_within_reach": [29],
    ...     "share_of_needs_not_met": [64.4], "counties_within_reach": [7]})
    >>> print(sites_markdown(s, "mental_health_care", 60))
    A new provider of Mental health care (emergency and long-term) in **Hocking** County would reach 29 needs not yet met in the 7 counties within 60 miles (64% of them).
    """
    from tfanalysis.data.taxonomy import SERVICE_CODES

    if not service:
        return "No service's needs not yet met are shown (or none was identified in this period): no site is placed."
    label = SERVICE_CODES.get(service, service)
    if sites.empty:
        return f"No need of {label} not yet met is shown: no site is placed."
    names = ", then ".join(f"**{n}**" for n in sites["name"])
    last = sites.iloc[-1]
    place = "County" if len(sites) == 1 else "Counties"
    share = "" if pd.isna(last["share_of_needs_not_met"]) else f" ({last['share_of_needs_not_met']:.0f}% of them)"
    return (
        f"A new provider of {label} in {names} {place} would reach {_count_text(last['needs_within_reach'], 'needs')} not yet met "
        f"in the {int(last['counties_within_reach'])} counties within {max_miles:g} miles{share}."
    )


# --- choices and headline from released values ------------------------------------------


def ranked(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows by a released column, largest first (hidden or missing last, then by label); ``Total`` last.

    Examples
    --------
    >>> t = pd.DataFrame({"utilization": [0.5, np.nan, 1.2, 0.7]}, index=["a", "b", "c", "Total"])
    >>> ranked(t, "utilization").index.tolist()
    ['c', 'a', 'b', 'Total']
    """
    body = table.drop(index=MARGIN, errors="ignore")
    values = pd.to_numeric(body[column], errors="coerce").fillna(-np.inf)
    order = sorted(range(len(body)), key=lambda i: (-values.iloc[i], str(body.index[i])))
    out = pd.concat([body.iloc[order], table.loc[table.index == MARGIN]]) if MARGIN in table.index else body.iloc[order]
    out.attrs = dict(table.attrs)  # the release it shows
    return out


def _shown(values: pd.Series) -> pd.Series:
    """Released cells as numbers without the margin, hidden ones dropped."""
    return pd.to_numeric(values.drop(index=MARGIN, errors="ignore"), errors="coerce").dropna()


def _top(values: pd.Series, n: int) -> list:
    """Labels of the ``n`` largest positive values, ties by label."""
    values = values[values > 0]
    return sorted(values.index, key=lambda label: (-values[label], str(label)))[:n]


def default_site_service(published_demand: pd.DataFrame) -> str:
    """The service with the most needs not yet met among those whose counts are shown ("" when none is).

    Examples
    --------
    >>> d = pd.DataFrame({"unmet": [30, "<11", 12], "in_progress": [0, "<11", 25]}, index=["a", "b", "Total"])
    >>> default_site_service(d)
    'a'
    """
    not_met = (_shown(published_demand["unmet"]) + _shown(published_demand["in_progress"])).dropna()
    top = _top(not_met, 1) or _top(_shown(published_demand["unmet"]), 1)
    return str(top[0]) if top else ""


def pressed_services(published_demand: pd.DataFrame, n: int = 3) -> list[str]:
    """The ``n`` services with the most unmet needs, of those whose counts are shown; then the most needs.

    Examples
    --------
    >>> d = pd.DataFrame({"unmet": [30, "<11", 12, 42], "needs": [90, 200, 40, 132]}, index=["a", "b", "c", "Total"])
    >>> pressed_services(d, 3)
    ['a', 'c', 'b']
    """
    chosen = _top(_shown(published_demand["unmet"]), n)
    more = [s for s in _top(_shown(published_demand["needs"]), len(published_demand)) if s not in chosen]
    return [str(s) for s in (chosen + more)[:n]]


def headline_metrics(published_demand: pd.DataFrame, published_rates: pd.DataFrame, published_gaps: pd.DataFrame, threshold: int = 11) -> dict[str, dict[str, Any]]:
    """The report's headline numbers, as keyword arguments for ``notebook.record_metric``.

    Every value is a released count, a rate whose counts are shown (``hidden`` says when
    it is not), or a name chosen among shown values only.

    Examples
    --------
    >>> d = pd.DataFrame({"needs": [60, "<11", 68], "met": [20, "<11", 27], "unmet": [30, 0, 30]}, index=["a", "b", "Total"])
    >>> r = pd.DataFrame({"unmet_need_rate": [50.0, np.nan, 44.1], "median_days_to_met": [79.0, np.nan, 60.0]}, index=["a", "b", "Total"])
    >>> m = headline_metrics(d, r, pd.DataFrame({"service": ["a"]}))
    >>> m["needs_met"]["value"], m["unmet_need_rate"]["value"], m["biggest_gap_service"]["value"]
    (27, 44.1, 'a')
    """
    from tfanalysis.data.taxonomy import SERVICE_CODES

    met = published_demand.loc[MARGIN, "met"]
    rate = published_rates.loc[MARGIN, "unmet_need_rate"] if MARGIN in published_rates.index else np.nan
    median = published_rates.loc[MARGIN, "median_days_to_met"] if MARGIN in published_rates.index else np.nan
    top = _top(_shown(published_demand["unmet"]), 1)
    biggest = str(top[0]) if top else None
    return {
        "unmet_need_rate": {"value": None if pd.isna(rate) else float(rate), "hidden": bool(pd.isna(rate)), "label": "Unmet-need rate", "unit": "%", "higher_is_better": False},
        "needs_met": {"value": None if isinstance(met, str) else int(met), "hidden": isinstance(met, str), "label": "Needs met", "count": True, "threshold": threshold, "higher_is_better": True},
        "structural_gaps": {"value": int(len(published_gaps)), "label": "Structural gaps (service × segment)", "higher_is_better": False},
        "biggest_gap_service": {"value": biggest, "label": "Most unmet needs (of the services whose counts are shown)" + (f": {SERVICE_CODES.get(biggest, biggest)}" if biggest else "")},
        "median_days_to_met": {"value": None if pd.isna(median) else float(median), "hidden": bool(pd.isna(median)), "label": "Median days from need to met", "unit": "days", "higher_is_better": False},
    }


def gaps_markdown(published_demand: pd.DataFrame, published_rates: pd.DataFrame) -> str:
    """Read demand against capacity and the unmet needs in a paragraph, from released values only.

    Examples
    --------
    >>> d = pd.DataFrame({"needs": [60, 20, "<11", 90], "utilization": [1.9, 0.3, np.nan, 0.9],
    ...     "needs_per_month": [6.4, 1.0, np.nan, 9.2], "places_per_month": [3.3, 3.0, 4.0, 10.3], "unmet": [30, 0, "<11", 35]},
    ...     index=["a", "b", "c", "Total"])
    >>> r = pd.DataFrame({"unmet_need_rate": [50.0, 0.0, np.nan, 40.0], "median_days_to_met": [79.0, 5.0, np.nan, 30.0]}, index=d.index)
    >>> print(gaps_markdown(d, r))  # doctest: +NORMALIZE_WHITESPACE
    Of the services whose counts are shown, demand outruns capacity for 1 service: **a** (6.4 needs a month against 3.3 places; 1.9 times). Of the services whose counts are shown, the most unmet needs are in **a** (30, 50% of its needs not declined by the client; median 79 days to met).
    """
    from tfanalysis.data.taxonomy import SERVICE_CODES

    total = published_demand.loc[MARGIN, "needs"] if MARGIN in published_demand.index else 0
    if not isinstance(total, str) and not total:  # a shown 0 (a hidden total is one or more)
        return NO_NEED
    services = published_demand.drop(index=MARGIN, errors="ignore")
    partly = services["needs"].map(lambda v: isinstance(v, str)).any()
    among = "Of the services whose counts are shown, d" if partly else "D"
    over = services[pd.to_numeric(services["utilization"], errors="coerce") > 1]
    over = over.loc[sorted(over.index, key=lambda s: (-over.loc[s, "utilization"], s))]
    if over.empty:
        text = ("Of the services whose counts are shown, none" if partly else "No service") + " had more needs than places over the period."
    else:
        items = [
            f"**{SERVICE_CODES.get(s, s)}** ({r.needs_per_month:.1f} needs a month against {r.places_per_month:.1f} places; {r.utilization:.1f} times)"
            if np.isfinite(r.utilization) else f"**{SERVICE_CODES.get(s, s)}** (no capacity at all)"
            for s, r in zip(over.index, over.itertuples(index=False))
        ]
        text = f"{among}emand outruns capacity for {len(over)} service{'s' if len(over) > 1 else ''}: " + "; ".join(items) + "."
    unmet = _shown(published_demand["unmet"])
    top = _top(unmet, 1)
    if top:
        service = top[0]
        rate = published_rates.loc[service, "unmet_need_rate"] if service in published_rates.index else np.nan
        median = published_rates.loc[service, "median_days_to_met"] if service in published_rates.index else np.nan
        partly_unmet = services["unmet"].map(lambda v: isinstance(v, str)).any()
        lead = "Of the services whose counts are shown, the" if partly_unmet else "The"
        details = [f"{int(unmet[service])}"]
        if pd.notna(rate):
            details.append(f"{rate:.0f}% of its needs not declined by the client")
        if pd.notna(median):
            details.append(f"median {median:.0f} days to met")
        elif pd.notna(rate):
            details.append("median not reached")
        text += f" {lead} most unmet needs are in **{SERVICE_CODES.get(service, service)}** ({'; '.join([', '.join(details[:2])] + details[2:])})."
    return text
