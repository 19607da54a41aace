"""The collaboration report's victim counts, released per period through the publication layer.

Every count of people and of their cases (clients, needs, referrals, criminal-justice
events and cases) the report shows is released per period (:func:`release_counts`), with
the numerators and bases of the shares and medians; the rest of the report reads only what
was released.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration import network
from tfanalysis.analyses.gaps.outcomes import MET_WITHIN
from tfanalysis.publication.released import HIDDEN_TEXT
from tfanalysis.publication.units import CASE_EVENT, CASE_START, FIRST_CHARGES, NEED_OUTCOME
from tfanalysis.analyses.collaboration.justice import criminal_cases
from tfanalysis.analyses.collaboration.periods import (
    data_as_of,
    freq_code,
    period_index,
    period_labels,
    period_word,
    up_to,
)
from tfanalysis.analyses.collaboration.referrals import ACCEPTED, ANSWERED, answer_window, is_le_vs, referral_sectors
from tfanalysis.analyses.collaboration.series import flags, lookup, not_recorded
from tfanalysis.analyses.collaboration.victims import CRITICAL_NEEDS
from tfanalysis.data import contract
from tfanalysis.data.periods import PeriodLike, parse_period

if TYPE_CHECKING:  # annotations only: loading data (pandera) is not needed to analyse it
    from tfanalysis.data.io import TaskForceData
    from tfanalysis.publication import Interval


from tfanalysis.publication.units import SECTOR_LINK, TIE  # noqa: E402 - named where the layer declares what readers know of them
UNMET_CRITICAL = "collaboration.unmet_critical_need"
"""Clients: True for a client with an unmet safety, housing or medical need (:data:`CRITICAL_NEEDS`)."""


def _multi_agency(word: str) -> str:
    """Criminal-justice events: True on a case's first event of a period (a ``word``) by whose end it involved 2+ agencies or counties."""
    return f"collaboration.multi_agency_case_in_{word.replace('-', '_')}"


@dataclass(frozen=True)
class _Count:
    """A victim count of the report, per period: universe, date column, predicate, the table it needs."""

    label: str
    universe: str
    date: str
    where: Mapping[str, Any]
    source: str
    window: int | None = None  # counted only for periods whose window of so many days closed


_NOT_DECLINED = tuple(s for s in contract.NEED_STATUSES if s != "declined_by_client")


def _count_specs(word: str, answer_days: int = 0) -> dict[str, _Count]:
    """Every victim count the report releases, the indicators' first (what is shown first stays shown).

    ``answer_days``: the data's :func:`~tfanalysis.analyses.collaboration.referrals.answer_window`;
    the counts of referrals by outcome are released only for periods it has passed since.
    """
    def event(kind: str, label: str) -> _Count:
        return _Count(label, "cj_events", "occurred_on", {"event": kind}, "cj_events")

    def needs(days: int, met: bool) -> _Count:
        # the outcome bands every report counts needs met in time by (one column per concept)
        where: dict[str, Any] = {NEED_OUTCOME: list(MET_WITHIN[days])} if met else {"status": list(_NOT_DECLINED)}
        return _Count(f"needs {'met within' if met else 'due within'} {days} days", "needs", "identified_on", where, "needs", days)

    referrals = {
        "referrals_made": ("referrals made", {}),
        "cross_sector_referrals": ("referrals across sectors", {SECTOR_LINK: ["le_vs", "cross_other"]}),
        "le_vs_referrals": ("law enforcement ↔ victim services referrals", {SECTOR_LINK: "le_vs"}),
        "referrals_closed": ("referrals with a recorded outcome", {"outcome": list(contract.REFERRAL_OUTCOMES)}),
        "referrals_accepted": ("referrals accepted or completed", {"outcome": list(ACCEPTED)}),
        "referrals_declined_capacity": ("referrals declined for lack of capacity", {"outcome": "declined_capacity"}),
        "referrals_loop_closed": ("referrals with a closed loop", {"outcome": list(ANSWERED)}),
    }
    by_outcome = {"referrals_closed", "referrals_accepted", "referrals_declined_capacity", "referrals_loop_closed"}
    r = {name: _Count(label, "referrals", "referred_on", where, "referrals", answer_days if name in by_outcome else None)
         for name, (label, where) in referrals.items()}
    return {
        "clients_identified": _Count("clients identified", "clients", "identified_on", {}, "clients"),
        "referrals_made": r["referrals_made"],
        "cross_sector_referrals": r["cross_sector_referrals"],
        "le_vs_referrals": r["le_vs_referrals"],
        "investigations_opened": event("investigation_opened", "investigations opened"),
        "arrests": event("arrest", "arrests"),
        "charges_filed": event("charges_filed", "charges filed"),
        "convictions": event("conviction", "convictions"),
        "joint_cases": _Count("criminal cases whose victims received services", "cj_events", "occurred_on", {CASE_START: "victim_served"}, "cj_events"),
        "multi_agency_cases": _Count("cases involving more than one agency or county", "cj_events", "occurred_on", {_multi_agency(word): True}, "cj_events"),
        # numerators and bases of the shares and medians
        "referrals_closed": r["referrals_closed"],
        "referrals_accepted": r["referrals_accepted"],
        "referrals_declined_capacity": r["referrals_declined_capacity"],
        "referrals_loop_closed": r["referrals_loop_closed"],
        "needs_due_30": needs(30, False),
        "needs_met_30": needs(30, True),
        "needs_due_90": needs(90, False),
        "needs_met_90": needs(90, True),
        "clients_unmet_critical": _Count("clients with an unmet critical need", "clients", "identified_on", {UNMET_CRITICAL: True}, "needs"),
        "cases_with_victims": _Count("criminal cases with an identified victim", "cj_events", "occurred_on",
                                     {CASE_START: ["victim_served", "victim_not_served"]}, "cj_events"),
        "cases_charged": _Count("criminal cases first charged", "cj_events", "occurred_on", {FIRST_CHARGES: True}, "cj_events"),
    }


COUNTS: tuple[str, ...] = tuple(_count_specs("quarter"))
"""The victim counts :func:`release_counts` releases per period, in the order it releases them."""

NUMERATORS: dict[str, str] = {
    "needs_met_30d_share": "needs_met_30",
    "needs_met_90d_share": "needs_met_90",
    "unmet_critical_need_share": "clients_unmet_critical",
    "referral_acceptance_rate": "referrals_accepted",
    "declined_capacity_share": "referrals_declined_capacity",
    "closed_loop_share": "referrals_loop_closed",
    "cross_sector_referral_share": "cross_sector_referrals",
    "cases_with_services_share": "joint_cases",
}
"""The count over each victim share's base (:attr:`Indicator.base`) that it divides."""


def _derive(rel: Any, data: TaskForceData, freq: str, word: str, columns: set[str]) -> None:
    """Register the unit-level columns (of ``columns``) the report's counts use, from the whole data."""
    if columns & {SECTOR_LINK, TIE} and not not_recorded(data, "referrals"):
        r = data.referrals
        a, b = referral_sectors(data)
        rel.derive("referrals", SECTOR_LINK, pd.Series(np.where(is_le_vs(a, b), "le_vs", np.where(a != b, "cross_other", "same")), index=r.index))
        pair = np.sort(np.column_stack([r["from_member"].astype("string").fillna("").to_numpy(dtype=object),
                                        r["to_member"].astype("string").fillna("").to_numpy(dtype=object)]), axis=1)
        tie = pd.Series(pair[:, 0] + "|" + pair[:, 1], index=r.index, dtype=object)
        rel.derive("referrals", TIE, tie.where(flags(r["from_member"].notna() & r["to_member"].notna() & (r["from_member"] != r["to_member"]))))
    needs = data.needs
    if UNMET_CRITICAL in columns:
        codes = [c for group in CRITICAL_NEEDS.values() for c in group]
        unmet = needs.loc[flags(needs["need"].isin(codes)) & flags(needs["status"].eq("unmet")), "client_id"]
        rel.derive("clients", UNMET_CRITICAL, pd.Series(flags(data.clients["client_id"].isin(unmet.unique())), index=data.clients.index))
    if not columns & {CASE_START, FIRST_CHARGES, _multi_agency(word)} or not_recorded(data, "cj_events"):
        return
    ev = data.cj_events
    cases = criminal_cases(data).set_index("case_id")
    position = np.arange(len(ev))
    opened = flags(ev["event"].eq("investigation_opened"))
    # the event a case starts with: its first investigation_opened, else its first event (as criminal_cases dates it)
    order = pd.DataFrame({"case_id": ev["case_id"].to_numpy(dtype=object), "later": ~opened, "on": ev["occurred_on"].to_numpy(), "pos": position})
    starts = order.sort_values(["case_id", "later", "on", "pos"], kind="stable").drop_duplicates("case_id")
    info = cases.reindex(starts["case_id"].to_numpy())
    kind = np.where(~info["has_victim"].to_numpy(dtype=bool), "no_victim",
                    np.where(info["victim_served"].to_numpy(dtype=bool), "victim_served", "victim_not_served"))
    start = pd.Series(pd.NA, index=ev.index, dtype=object)
    start.iloc[starts["pos"].to_numpy()] = kind
    rel.derive("cj_events", CASE_START, start)
    charged = order[flags(ev["event"].eq("charges_filed"))].sort_values(["case_id", "on", "pos"], kind="stable").drop_duplicates("case_id")
    first_charges = np.isin(position, charged["pos"].to_numpy())
    rel.derive("cj_events", FIRST_CHARGES, pd.Series(first_charges, index=ev.index))
    # cases started in a quarter are its investigations opened, where every case opens with one: an
    # outsider read 26 investigations less 23 cases served as at most 3 cases not served (2025Q4)
    place = start.astype("string").fillna("later") + np.where(first_charges, " first charges", "")
    rel.derive("cj_events", CASE_EVENT, place + " | " + ev["event"].astype("string"))
    if _multi_agency(word) not in columns:
        return
    # a case counts once in each period it has an event in, when it involved 2+ agencies or counties by the period's end
    calendar = period_index(data, freq)
    placed = network.assign_periods(ev["occurred_on"], calendar)
    first = order.assign(period=placed.to_numpy()).dropna(subset=["period"]).sort_values(["case_id", "on", "pos"], kind="stable")
    first = first.drop_duplicates(["case_id", "period"])
    since = lookup(first["case_id"], cases["multi_since"])
    ends = pd.PeriodIndex(first["period"], freq=calendar.freq).end_time
    multi = first["pos"].to_numpy()[flags(since.notna().to_numpy() & (since.to_numpy() <= ends.to_numpy()))]
    rel.derive("cj_events", _multi_agency(word), pd.Series(np.isin(position, multi), index=ev.index))


def _spans(periods: pd.PeriodIndex, end: pd.Timestamp | None) -> list[tuple[str, Interval]]:
    """Each period's range of days, the first open before it and the last ending with the report.

    Open ends make the whole series' total the very count another report releases for
    the same reporting period (all data: no range at all), whatever the frequency.
    """
    from tfanalysis.publication import Interval

    labels = list(period_labels(periods))
    last = len(periods) - 1
    return [(label, Interval(None if i == 0 else p.start_time, end if i == last else p.end_time.normalize()))
            for i, (label, p) in enumerate(zip(labels, periods))]


@dataclass
class ReleasedCounts:
    """The collaboration report's victim counts, released per period (:func:`release_counts`).

    Attributes
    ----------
    release : tfanalysis.publication.Release
        The run's release they went through.
    periods : pandas.PeriodIndex
        The report's periods (those of :func:`indicators` on the history).
    spans : list of (label, Interval)
        Each period's label and range of days, as released.
    series : dict of str to Released
        One released series per count of :data:`COUNTS` (rows: period labels, ``Total``).
    unknown : frozenset of str
        Counts whose table is absent from the data: unknown, not zero.
    threshold : int
    word : str
        What a period is called (``quarter``).
    tallies_withheld : frozenset of str
        The labels of the periods whose tie tallies must not be shown: their floors would
        let a reader pin a hidden referral count (:func:`_floor_by_ties`).
    ties_drawn : frozenset of str
        The labels of the periods whose ties the network picture may draw
        (:func:`_floor_by_drawn_ties`).
    unanswered : frozenset of str
        The labels of the periods whose referrals have not all had the data's answer window
        (:func:`~tfanalysis.analyses.collaboration.referrals.outcomes_settled`): their counts
        by outcome are not released, and the indicators read from them are not settled yet.
    """

    release: Any
    periods: pd.PeriodIndex
    spans: list
    series: dict
    unknown: frozenset
    threshold: int
    word: str = "quarter"
    tallies_withheld: frozenset = frozenset()
    ties_drawn: frozenset = frozenset()
    unanswered: frozenset = frozenset()

    def network_withheld(self, indicator: str) -> pd.Series:
        """True for the periods whose value of a network indicator must not be shown.

        A tally of ties (and every measure that gives it back: density with the members,
        the tie shares, reciprocity, centralization, isolates, new and lost ties) is a
        floor of the referral counts; where the layer refused that floor
        (:meth:`tfanalysis.publication.Release.at_least`), the period's measures are not
        shown, and new and lost ties of the next period neither (new − lost is the change
        in ties).
        """
        out = pd.Series(False, index=self.labels)
        if indicator in NETWORK_OF_TIES:
            out |= out.index.isin(list(self.tallies_withheld))
        if indicator in ("ties_new", "ties_lost"):
            out |= out.shift(1, fill_value=False)
        return out

    @property
    def labels(self) -> pd.Index:
        return period_labels(self.periods)

    def shown(self, name: str) -> pd.Series:
        """The count per period as printed: ints, ``"hidden"`` where hidden, NaN where not counted."""
        out = pd.Series(np.nan, index=self.labels, dtype=object)
        if name in self.series:
            inner = self.series[name].shown.iloc[:-1, 0]
            out.loc[list(inner.index)] = inner.to_numpy(dtype=object)
        return out

    def numbers(self, name: str) -> pd.Series:
        """The count per period as a float, NaN where hidden or not counted."""
        return self.shown(name).map(_published_number).astype("float64")

    def hidden(self, name: str) -> pd.Series:
        """True where the count is hidden."""
        return self.shown(name).map(lambda v: isinstance(v, str)).astype(bool)

    def total(self, name: str) -> int | None:
        """The count over every period (None: hidden); NaN when not counted."""
        if name not in self.series:
            return np.nan
        return self.series[name].value("Total")

    def span(self, label: str) -> Interval:
        """The range of days of the period ``label``."""
        return dict(self.spans)[label]

    def over(self, name: str, start: Any, end: Any, label: str) -> int | None:
        """The count over a range of days (None: hidden; NaN: not counted), released when new.

        The range of every period, or of one period, reads the series; another range is
        released as a count of its own (its table named after ``label``).
        """
        from tfanalysis.publication import Interval

        if name not in self.series:
            return np.nan
        if start is not None and len(self.periods) and pd.Timestamp(start) <= self.periods[0].start_time:
            start = None  # nothing is dated before the first period: the same count as the series reads
        wanted = Interval(start, end)
        if self.spans and wanted == Interval(self.spans[0][1].start, self.spans[-1][1].end):
            return self.total(name)
        for period, span in self.spans:
            if span == wanted:
                return self.series[name].value(period)
        spec = _count_specs(self.word)[name]
        released = self.release.count(spec.universe, where={**spec.where, spec.date: wanted}, name=f"collaboration: {spec.label} in {label}")
        return released.value()

    def text(self, value: int | None) -> str:
        """How a sentence quotes a count of :meth:`total` or :meth:`over`."""
        if value is None:
            return f"{HIDDEN_TEXT} of"
        if isinstance(value, float) and math.isnan(value):
            return "an unknown number of"
        return f"{int(value):,}"


def release_counts(rel: Any, data: TaskForceData, period: PeriodLike = "all", freq: str = "Q", *,
                   names: Sequence[str] | None = None, tie_tallies: bool = True, network_periods: Sequence[Any] = (),
                   as_of: Any = None) -> ReleasedCounts:
    """Release the report's victim counts per period through the publication layer.

    Every count of :data:`COUNTS` (or ``names``) is released as a series by period
    (:class:`tfanalysis.publication.ByPeriod`) over the history up to the reporting
    period's end: the count indicators first, then the numerators and bases of the shares
    and medians. The layer decides what is hidden, the same way in every table, notebook
    and run of the same data: a quarter hidden here is not a year minus the other quarters
    there. Counts of the needs-met windows are released only for the periods whose window
    closed (as :func:`needs_met_within` measures them), and counts of referrals by outcome
    only for the periods whose referrals have had the data's answer window
    (:func:`~tfanalysis.analyses.collaboration.referrals.outcomes_settled`).

    Parameters
    ----------
    rel : tfanalysis.publication.Release
        The run's release, built on the whole dataset (``notebook.release``).
    data : TaskForceData
        The whole dataset (the one ``rel`` was built on).
    period : period-like
        The reporting period: the series ends with it.
    freq : str
        Periods as for :func:`indicators`.
    names : sequence of str, optional
        Counts to release (a subset of :data:`COUNTS`); all by default.
    tie_tallies : bool, default True
        The periods' tie tallies will be shown beside these counts (the network
        indicators): each referral count of :data:`TIE_FLOORS` is first floored by its
        distinct ties where the layer allows (:func:`_floor_by_ties`). False for counts
        shown without them (the grant evidence per year).
    network_periods : sequence of periods, optional
        The periods whose ties the network picture will draw (:func:`network_picture`):
        which pairs of members have a tie, each tie at least one referral, and no referral
        between members without one. That too is asked of the layer before the counts are
        released (:func:`_floor_by_drawn_ties`); a period it refuses is drawn without ties.
    as_of : date-like, optional
        The data end, by which the windows above are read (as ``indicators(..., as_of=...)``);
        the latest own date of the data by default.

    Returns
    -------
    ReleasedCounts

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> counts = release_counts(Release(data), data, "2025Q4", names=["le_vs_referrals"])
    >>> counts.shown("le_vs_referrals").loc["2024Q1":"2024Q3"].tolist()
    [22, 'hidden', 37]
    """
    from tfanalysis.publication import ByPeriod

    p = parse_period(period)
    history = up_to(data, p)
    code = freq_code(freq)
    periods = period_index(history, freq)
    word = period_word(periods) if len(periods) else {"Q": "quarter", "2Q": "half-year", "M": "month", "Y": "year"}[code]
    answer_days = answer_window(data)
    specs = _count_specs(word, answer_days)
    wanted = list(specs) if names is None else [n for n in specs if n in set(names)]
    unknown_names = sorted(set(names or ()) - set(specs))
    if unknown_names:
        raise ValueError(f"not counts of the collaboration report: {unknown_names}; choose among {list(specs)}")
    spans = _spans(periods, p.end)
    unknown = frozenset(n for n in wanted if not_recorded(data, specs[n].source))
    series: dict[str, Any] = {}
    withheld: frozenset = frozenset()
    drawn: frozenset = frozenset()
    floored = tie_tallies and bool(TIE_FLOORS & set(wanted)) and "referrals" not in {specs[n].source for n in unknown}
    # the needs' outcomes as recorded by the data end (report 02's too), not by the period's
    as_of = data_as_of(data, as_of)

    def closed(days: int) -> np.ndarray:  # each period's last day at least so many days before the data end
        return np.asarray(periods.end_time.normalize() + pd.Timedelta(days=days) <= as_of, dtype=bool)

    unanswered: frozenset = frozenset()
    if len(periods):
        _derive(rel, data, freq, word, {column for name in wanted if name not in unknown for column in specs[name].where} | ({SECTOR_LINK} if floored else set()))
        if floored:
            withheld = _floor_by_ties(rel, specs["referrals_made"].date, spans)
            labels = dict(zip(period_labels(periods), [str(p) for p in periods]))
            wanted_labels = {str(pd.Period(p, freq=periods.freq)) for p in network_periods}
            drawn = frozenset(label for label, span in spans if labels.get(label) in wanted_labels and label not in withheld
                              and _floor_by_drawn_ties(rel, specs["referrals_made"].date, span, label))
        unanswered = frozenset(label for (label, _), ok in zip(spans, closed(answer_days)) if not ok)
        for name in wanted:
            spec = specs[name]
            if name in unknown:
                continue
            use = spans
            if spec.window is not None:
                use = [s for s, ok in zip(spans, closed(spec.window)) if ok]
            if use:
                series[name] = rel.table(spec.universe, rows=ByPeriod(spec.date, use), where=dict(spec.where),
                                         name=f"collaboration: {spec.label} per {word}")
    return ReleasedCounts(rel, periods, spans, series, unknown, int(rel.threshold), word, withheld, drawn, unanswered)


NETWORK_OF_TIES = frozenset({"ties", "network_density", "reciprocity", "degree_centralization", "isolates", "ties_new", "ties_lost",
                             "cross_sector_tie_share", "le_vs_tie_share"})
"""The network indicators that show a period's distinct ties, or give them back (the density
with the members shown; new − lost is the change in ties)."""

TIE_FLOORS = frozenset({"referrals_made", "cross_sector_referrals", "le_vs_referrals"})
"""Referral counts the network indicators' tallies of ties bound from below."""


def _floor_by_ties(rel: Any, date: str, spans: Sequence[tuple[str, Any]]) -> frozenset:
    """Ask, per period, to show that the referrals of each sector link are at least their distinct directed ties.

    A tie (a pair of members with at least one referral, a member to itself not a tie) is
    organizations' data, but a reader reads a period's ties as a floor of its referrals:
    an outsider once bounded a quarter's eight LE–VS ties at four referrals or fewer each
    that way. The ties of each sector link (:data:`SECTOR_LINK`: LE–VS, other cross-sector,
    same sector) are floors of that link's referrals, and so of every count made of links
    (referrals made, across sectors); what the tallies show (ties, tie shares) is a sum of
    them. A period's floors go through the layer together (``Release.at_least``): shown
    where they pin no hidden count, then read by the bounds of every later table and run.

    Returns
    -------
    frozenset of str
        The labels of the periods whose tallies must not be shown.
    """
    from tfanalysis.publication.cells import MISSING

    units = rel.units("referrals")
    tie = units[TIE].to_numpy(object) != MISSING  # the derived column's own rule: two members, not the same one
    ties = pd.DataFrame({"a": units["from_member"].to_numpy(object)[tie], "b": units["to_member"].to_numpy(object)[tie],
                         "link": units[SECTOR_LINK].to_numpy(object)[tie], "on": pd.to_datetime(units[date]).to_numpy()[tie]})
    refused = []
    for label, span in spans:  # a dozen periods
        per_link = ties[span.mask(ties["on"])].drop_duplicates(["a", "b", "link"]).groupby("link").size()
        floors = [({date: span, SECTOR_LINK: str(value)}, int(n)) for value, n in per_link.items()]
        if floors and not rel.at_least("referrals", *floors):
            refused.append(label)
    return frozenset(refused)


def _floor_by_drawn_ties(rel: Any, date: str, span: Any, label: str) -> bool:
    """Ask the layer whether the network picture may draw a period's ties; record what drawing them tells.

    The picture shows which members have a tie in the period (each tie at least one
    referral, of the sector link its members' colours show) and, by leaving them out,
    which have none. Both go to the layer before the counts are released: per sector
    link, the referrals off its drawn ties as a count (0, shown), then a floor of 1 on
    each drawn tie's referrals (``Release.at_least``). An outsider once read a quarter's
    LE–VS count bounded at 12 beside its eight drawn LE–VS ties and bounded each at 5.

    Returns
    -------
    bool
        True: draw the ties (the counts released after will hide what they give away).
    """
    from tfanalysis.publication.cells import MISSING

    units = rel.units("referrals")
    inside = units[span.mask(units[date])]
    pairs = pd.DataFrame({"tie": inside[TIE].to_numpy(object), "link": inside[SECTOR_LINK].to_numpy(object)})
    pairs = pairs[pairs["tie"] != MISSING].drop_duplicates()
    every = set(units[TIE].to_numpy(object)) - {MISSING}
    for link in sorted(set(units[SECTOR_LINK].to_numpy(object)) - {MISSING}):
        elsewhere = sorted(every - set(pairs.loc[pairs["link"] == link, "tie"]))
        if elsewhere:
            off = rel.count("referrals", where={date: span, SECTOR_LINK: link, TIE: elsewhere},
                            name=f"collaboration: {link} referrals between members without such a tie in {label}")
            if off.value() != 0:
                return False
    return rel.at_least("referrals", *[({date: span, SECTOR_LINK: link, TIE: tie}, 1) for tie, link in pairs.itertuples(index=False)])


def _published_number(value: Any) -> float:
    return float("nan") if isinstance(value, str) or value is None else float(value)
