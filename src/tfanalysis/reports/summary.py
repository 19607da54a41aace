"""The leadership summary: headline numbers computed from the data, their change, and findings in words.

Each headline is computed here for the reporting period, the period before it, the same
period a year before and the eight periods ending with it (its trend line), from the data
and through the run's publication layer (:mod:`tfanalysis.publication`): a count hidden in
any report of the run is hidden here too, a rate or median is shown only where the counts
it rests on are, and a change is computed only between two shown values. Nothing is read
from earlier runs, so the first run a task force makes already shows change.

Examples
--------
>>> import tfanalysis as tf
>>> from tfanalysis.publication import Release
>>> data = tf.load_dataset(DEMO_DIR)
>>> tiles = headline_tiles(Release(data), data, "2025Q3")
>>> float(tiles.loc["clients_identified", "now"]), tiles.loc["clients_identified", "previous_label"]
(56.0, '2025Q2')
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.data.periods import Period, named_label, parse_period, window_passed
from tfanalysis.publication.cells import MISSING
from tfanalysis.reports.labels import measure_text

__all__ = ["HEADLINES", "Headline", "findings", "headline_tiles", "links_markdown", "period_label", "periods_for", "report_links",
           "summary_markdown", "tiles_html"]

TREND_PERIODS = 8
"""Periods on each headline's trend line (the reporting period and the seven before it)."""

_CLOSED_OUTCOMES = ["accepted", "completed", "declined_capacity", "declined_eligibility", "declined_other", "no_response"]


@dataclass(frozen=True)
class Headline:
    """One number on the summary's first page.

    Attributes
    ----------
    name, label : str
        Key and how leadership reads it.
    report : str
        The report (HTML file) that explains it.
    kind : str
        ``count`` (victims, referrals, events: released counts), ``rate`` (``where`` over
        ``base``, in %), ``median`` (days, over the units of ``base``).
    universe, date : str
        What is counted and the date that places it in a period.
    where, base : dict
        The units counted (``count``, the numerator of a ``rate``) and the base of a rate
        or median (:mod:`tfanalysis.publication.cells` predicates).
    higher_is_better : bool or None
    answered : bool
        Read from referrals' outcomes: a period is read only once its referrals have had
        the data's answer window (:func:`~tfanalysis.analyses.collaboration.referrals.outcomes_settled`),
        as report 03 reads it; before, the tile says the period is not settled yet.
    provisional : bool
        Read from the needs' outcomes: a period whose needs have not all had the data's met
        window (:func:`~tfanalysis.analyses.gaps.outcomes.met_window`) still has needs in
        progress that earlier periods no longer have. Its value is shown as provisional, it
        is not compared and not drawn in the trend (a statistician read the demo's 2025Q4
        unmet-need rate, 51 needs still in progress, as the low of eight quarters).
    """

    name: str
    label: str
    report: str
    kind: str
    universe: str
    date: str
    where: dict = field(default_factory=dict)
    base: dict = field(default_factory=dict)
    higher_is_better: bool | None = None
    answered: bool = False
    provisional: bool = False


HEADLINES: tuple[Headline, ...] = (
    Headline("clients_identified", "Victims identified", "00_data_quality", "count", "clients", "identified_on"),
    Headline("needs_identified", "Needs identified", "02_needs_and_gaps", "count", "needs", "identified_on"),
    Headline("needs_met", "Needs met (of those identified in the period)", "02_needs_and_gaps", "count", "needs", "identified_on",
             {"status": ["met"]}, provisional=True),  # a count that follows the needs identified: the unmet-need rate says better or worse
    Headline("unmet_need_rate", "Unmet-need rate (needs still in progress are not unmet yet)", "02_needs_and_gaps", "rate", "needs", "identified_on",
             {"status": ["unmet"]}, {"status": ["met", "in_progress", "unmet"]}, higher_is_better=False, provisional=True),
    Headline("median_days_to_met", "Median days from a need to its being met", "02_needs_and_gaps", "median", "needs", "identified_on",
             base={"status": ["met", "in_progress", "unmet"]}, higher_is_better=False),
    Headline("referrals_made", "Referrals made", "03_collaboration", "count", "referrals", "referred_on"),
    Headline("referral_acceptance_rate", "Referrals accepted (of those with an outcome)", "03_collaboration", "rate", "referrals",
             "referred_on", {"outcome": ["accepted", "completed"]}, {"outcome": _CLOSED_OUTCOMES}, higher_is_better=True, answered=True),
    Headline("median_response_days", "Median days to respond to a referral", "03_collaboration", "median", "referrals",
             "referred_on", higher_is_better=False, answered=True),
    Headline("arrests", "Arrests", "03_collaboration", "count", "cj_events", "occurred_on", {"event": ["arrest"]}),
    Headline("charges_filed", "Charges filed", "03_collaboration", "count", "cj_events", "occurred_on", {"event": ["charges_filed"]}),
    Headline("convictions", "Convictions", "03_collaboration", "count", "cj_events", "occurred_on", {"event": ["conviction"]}),
)
"""The headlines, in the order leadership reads them."""


# --------------------------------------------------------------------------- periods


def periods_for(period: Any, data_end: pd.Timestamp | None = None) -> tuple[list[Period], Period | None, Period | None]:
    """The trend periods (oldest first, the reporting period last), the previous and the year-ago one.

    The year-ago period is None where it is the previous one (a year's), or there is none.

    For "all data" the trend is the last :data:`TREND_PERIODS` quarters up to ``data_end``
    and there is no previous or year-ago period.

    Examples
    --------
    >>> trend, previous, year_ago = periods_for("2025Q3")
    >>> [trend[0].label, trend[-1].label, previous.label, year_ago.label]
    ['2023Q4', '2025Q3', '2025Q2', '2024Q3']
    >>> [None if p is None else p.label for p in periods_for("2025")[1:]]  # a year's previous period is the year before: compared once
    ['2024', None]
    >>> [p.label for p in periods_for("2024-10-01..2025-09-30")[1:2]]  # a fiscal year: the fiscal year before
    ['2023-10-01 to 2024-09-30']
    """
    p = parse_period(period)
    if p.start is None:
        if data_end is None or pd.isna(data_end):
            return [], None, None
        last = pd.Period(data_end, freq="Q")
        if (last.end_time.normalize() > pd.Timestamp(data_end).normalize()):
            last -= 1  # the latest complete quarter
        quarters = [parse_period(str(q)) for q in pd.period_range(end=last, periods=TREND_PERIODS, freq="Q")]
        return quarters, None, None
    p = parse_period(named_label(p))
    trend = [p]
    for _ in range(TREND_PERIODS - 1):
        trend.insert(0, trend[0].previous())
    previous = trend[-2]
    year_ago = p.year_before()
    if (year_ago.start, year_ago.end) == (previous.start, previous.end) or year_ago.end >= p.start:
        year_ago = None  # a year's (or a longer period's) year before is the previous period, or overlaps it
    return trend, previous, year_ago


def _as_interval(p: Period):
    from tfanalysis.publication import Interval

    return Interval(p.start, p.end)


# --------------------------------------------------------------------------- numbers


def _region_where(region: str) -> dict:
    from tfanalysis.geo import state_fips

    parts = [x.strip() for x in (region or "").split(";") if x.strip()]
    if not parts:
        return {}
    if all(x.isdigit() and len(x) == 5 for x in parts):
        return {"county_fips": parts}
    return {"state": [state_fips(x) for x in parts]}


def _durations(kind: str, inside: pd.DataFrame, date: str, as_of: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """Days each unit waited and whether its wait ended: a need to its being met, a referral to its answer.

    A need not met (still in progress, or closed unmet: never met) and a referral not answered
    are followed to ``as_of``, the data end, and censored there.
    """
    if kind == "needs":
        ended = (inside["status"] == "met").to_numpy(dtype=bool, na_value=False) & inside["met_on"].notna().to_numpy()
        last = inside["met_on"]
    else:
        ended = inside["responded_on"].notna().to_numpy()
        last = inside["responded_on"]
    days = (pd.to_datetime(last.where(ended, as_of)) - inside[date]).dt.days.clip(lower=0)
    return days.to_numpy(dtype=float, na_value=np.nan), ended


def _median_per_period(kind: str, units: pd.DataFrame, periods: list[Period], date: str, as_of: pd.Timestamp) -> list[float]:
    """Median days per period: Kaplan–Meier for needs (open needs censored); for referrals, report 03's median.

    Report 03's median days to respond rests on every referral made in the period, one not
    answered counting as slower than any answered (:func:`~tfanalysis.analyses.collaboration.series.median_waiting`):
    the summary shows the same number under the same gate (the period's referrals made).
    """
    from tfanalysis.analyses.collaboration.series import days_between, median_waiting
    from tfanalysis.analyses.gaps.needs import kaplan_meier, km_median

    out = []
    for p in periods:
        inside = units[_as_interval(p).mask(units[date])]
        if kind == "needs":
            days, met = _durations(kind, inside, date, as_of)
            out.append(km_median(kaplan_meier(days, met)) if len(inside) else float("nan"))
        else:  # report 03's indicator: every referral made, one not answered slower than any answered
            out.append(median_waiting(days_between(inside["responded_on"], inside["referred_on"])))
    return out


def headline_tiles(rel: Any, data: Any, period: Any, region: str = "") -> pd.DataFrame:
    """Every headline for the reporting period, the period before and a year before, with its trend.

    Parameters
    ----------
    rel : tfanalysis.publication.Release
        The notebook's release (with the run's ledger: what other reports hid stays hidden).
    data : TaskForceData
        The whole dataset.
    period : str, pair or None
        The reporting period.
    region : str
        A state or ``;``-separated county FIPS: counts keep the units of the region.

    Returns
    -------
    pandas.DataFrame
        Indexed by headline name: ``label``, ``report``, ``kind``, ``higher_is_better``,
        ``now``, ``previous``, ``year_ago`` (floats, NaN where hidden or not measurable),
        ``now_hidden``, ``previous_hidden``, ``year_ago_hidden`` (NaN there because the release hides it),
        ``now_unsettled``, ``previous_unsettled``, ``year_ago_unsettled`` (NaN there because the
        period's referrals have not all had the data's answer window: :attr:`Headline.answered`),
        ``now_provisional``, ``previous_provisional``, ``year_ago_provisional`` (shown, but the
        period's needs have not all had the data's met window: :attr:`Headline.provisional`;
        not compared, and left out of ``trend``),
        ``previous_chance``, ``year_ago_chance`` (chance alone could give the change against
        that period, p of 0.05 or more, a victim's units taken as one cluster:
        :func:`_could_be_chance`),
        ``period_label``, ``previous_label``, ``year_ago_label``, ``trend`` (list of floats,
        oldest first), ``trend_labels``.
    """
    from tfanalysis.analyses.collaboration.periods import data_as_of, data_start
    from tfanalysis.analyses.collaboration.referrals import answer_window
    from tfanalysis.analyses.gaps.needs import as_of_date
    from tfanalysis.analyses.gaps.outcomes import met_window
    from tfanalysis.publication import ByPeriod

    trend, previous, year_ago = periods_for(period, as_of_date(data))
    reporting = parse_period(period)
    wanted = list(trend)
    if year_ago is not None and all(year_ago.label != p.label for p in wanted):
        wanted = _consecutive(year_ago, trend[-1])
    labels = [p.label for p in wanted]
    region_where = _region_where(region)
    as_of = as_of_date(data)
    start = data_start(data)
    # a period whose referrals have not all had the data's answer window by the data end is not settled (report
    # 03's rule, and its data end); one whose needs have not all had the data's met window is provisional
    end = data_as_of(data)
    answer_days, met_days = answer_window(data), met_window(data.needs)
    # (data without a date have nothing still coming in: their values are n/a, not "not settled yet")
    settled = {p.label: window_passed(p.end, answer_days, end) for p in wanted}
    met_settled = {p.label: window_passed(p.end, met_days, end) for p in wanted}
    # a period that ended before the data begin, or began after they end, has no data, not zero of everything: n/a;
    # one that began months before the data begin holds part of its months only: neither drawn nor compared (a
    # statistician read a fiscal year holding 9 of its 12 months as the low of a steep rise). Neither is released:
    # a hidden count of such a period, never shown, hid a compared one beside it (a fiscal year's 31 arrests, beside
    # the 2 of the three months of data in the year before)
    covered_at = {p.label: (start is None or p.end >= start) and (pd.isna(as_of) or p.start <= as_of)
                  and (p is trend[-1] or _whole_months_in_data(p, start)) for p in wanted}
    rows = {}
    for h in HEADLINES:
        units = rel.units(h.universe)
        if h.universe == "clients":  # victims named on one criminal case come together: one cluster (CLUSTERED_BY)
            units = units.assign(case_id=victims_case(data, units["client_id"]))
        where = {**region_where, **h.where}
        base_where = {**region_where, **h.base}
        spans = [(p.label, _as_interval(p)) for p in wanted if covered_at[p.label] and (settled[p.label] or not h.answered)]
        unsettled = pd.Series({label: h.answered and not ok for label, ok in settled.items()}, dtype=bool)
        provisional = pd.Series({label: h.provisional and not ok for label, ok in met_settled.items()}, dtype=bool)
        counted = rel.table(h.universe, rows=ByPeriod(h.date, spans), where=where, name=f"05 {h.label} per period") if spans else None
        values = counted.numbers() if counted is not None else pd.Series(dtype=float)
        hidden = values.isna()  # a count the release hides (what a value rests on, for a rate or a median)
        now, now_hidden = _all_data_value(rel, h, where, base_where, units, as_of) if reporting.start is None else (None, False)
        if counted is None:
            pass  # no period to read (none settled yet)
        elif h.kind == "rate":
            base = rel.table(h.universe, rows=ByPeriod(h.date, spans), where=base_where, name=f"05 {h.label} base per period")
            den = base.numbers()
            hidden = hidden | den.isna()
            values = base.gate(100 * values / den.where(den > 0))
        elif h.kind == "median":
            base = rel.table(h.universe, rows=ByPeriod(h.date, spans), where=base_where, name=f"05 {h.label} base per period")
            inside = units[_matches(units, base_where)]
            medians = pd.Series(_median_per_period(h.universe, inside, wanted, h.date, as_of), index=labels)
            values = base.gate(medians)
            hidden = base.numbers().isna()
            if h.universe == "needs":  # as in report 02: a median of days to met rests on every band of days
                bands = _bands_shown(rel, ByPeriod(h.date, spans), base_where, f"05 {h.label}: by time to met per period").reindex(values.index, fill_value=False)
                values = values.where(bands)
                hidden = hidden | ~bands.astype(bool)
        # what a change is tested on: the units of a rate's or a median's base, or of the region for a count, with
        # those counted (a rate's part) marked; each compared period's are read from it (_could_be_chance)
        tested = units[_matches(units, region_where if h.kind == "count" else base_where)]
        tested = tested.assign(_part=_matches(tested, where))
        read = pd.Series(covered_at, dtype=bool).reindex(labels) & ~unsettled.reindex(labels, fill_value=False)
        series = values.reindex(labels).astype("float64").where(read)
        hidden = hidden.reindex(labels, fill_value=False).astype(bool) & read
        rows[h.name] = {
            "label": h.label, "report": h.report, "kind": h.kind, "higher_is_better": h.higher_is_better,
            "now": float(series.get(trend[-1].label, np.nan)) if now is None and trend else (now if now is not None else np.nan),
            "previous": float(series.get(previous.label, np.nan)) if previous is not None else np.nan,
            "year_ago": float(series.get(year_ago.label, np.nan)) if year_ago is not None else np.nan,
            # why a value is missing: hidden (not "not measurable"), in this period or the one compared with
            "now_hidden": bool(hidden.get(trend[-1].label, False)) if now is None and trend else now_hidden,
            "previous_hidden": bool(hidden.get(previous.label, False)) if previous is not None else False,
            "year_ago_hidden": bool(hidden.get(year_ago.label, False)) if year_ago is not None else False,
            # or not settled yet: the period's referrals have not all had the data's answer window
            "now_unsettled": bool(unsettled.get(trend[-1].label, False)) if now is None and trend else False,
            "previous_unsettled": bool(unsettled.get(previous.label, False)) if previous is not None else False,
            "year_ago_unsettled": bool(unsettled.get(year_ago.label, False)) if year_ago is not None else False,
            # or provisional: shown, but its needs are not all settled yet (not compared, not drawn)
            "now_provisional": bool(provisional.get(trend[-1].label, False)) if now is None and trend else False,
            "previous_provisional": bool(provisional.get(previous.label, False)) if previous is not None else False,
            "year_ago_provisional": bool(provisional.get(year_ago.label, False)) if year_ago is not None else False,
            "period_label": named_label(reporting),
            "previous_label": previous.label if previous is not None else None,
            # the days each period spans: a count's change is set against what chance alone gives (findings)
            "period_days": _days(trend[-1]) if trend else np.nan,
            "previous_days": _days(previous) if previous is not None else np.nan,
            "year_ago_days": _days(year_ago) if year_ago is not None else np.nan,
            "year_ago_label": year_ago.label if year_ago is not None else None,
            # whether chance alone could give the change against each period compared with (tiles and findings say so)
            "previous_chance": _could_be_chance(h, series, tested, trend[-1] if trend else None, previous, as_of) if now is None else False,
            "year_ago_chance": _could_be_chance(h, series, tested, trend[-1] if trend else None, year_ago, as_of) if now is None else False,
            "trend": [np.nan if provisional.get(p.label, False) else float(series.get(p.label, np.nan)) for p in trend],
            "trend_labels": [p.label for p in trend],
            # a count's trend line is drawn from its released series: `tfanalysis audit` redraws it from the
            # release (periods without data, not drawn, are named by None)
            "release": counted.name if h.kind == "count" and counted is not None else "",
            "trend_released": [p.label if covered_at.get(p.label, False) and not provisional.get(p.label, False) else None for p in trend],
        }
    tiles = pd.DataFrame.from_dict(rows, orient="index")
    tiles.attrs["as_of"] = as_of  # the day the outcomes are read on (summary_markdown says so)
    return tiles


def _whole_months_in_data(p: Period, start: pd.Timestamp | None) -> bool:
    """Whether period ``p`` begins in or after the month the data begin (its months are all in the data).

    >>> q = parse_period("2024Q1")
    >>> _whole_months_in_data(q, pd.Timestamp("2024-01-05")), _whole_months_in_data(q, pd.Timestamp("2024-02-01"))
    (True, False)
    """
    if start is None or pd.isna(start) or p.start is None:
        return True
    return (p.start.year, p.start.month) >= (pd.Timestamp(start).year, pd.Timestamp(start).month)


def _days(p: Period) -> float:
    return float((p.end - p.start).days + 1) if p.start is not None and p.end is not None else np.nan


CLUSTERED_BY: dict[str, str] = {"needs": "client_id", "referrals": "client_id", "cj_events": "case_id", "clients": "case_id"}
"""What the units of a universe come in clusters of: a victim's needs and referrals, a case's events, a case's victims.

A victim brings five or six needs at once, so a count of needs varies about six times as much
as a Poisson count of the same size (a statistician's review of a second task force: needs
700 → 795 over 184 and 181 days is p 0.006 as Poisson counts, 0.26 counted by victim).
Victims named on one criminal case (:func:`victims_case`) are one cluster, the others one
by one: victims identified together by one operation and never on a case still count apart.
"""


SHARES_ALSO_CLUSTERED_BY: dict[str, tuple[str, ...]] = {"referrals": ("to_member",)}
"""What else the units of a share come together in: a referral's answer, in the member that gives it.

A member's answers within a period come together (a shelter full for a quarter declines all
it is sent): a change in the share of referrals accepted that one or two members make varies
with the members, not with the referrals. The test of a share is made with each clustering
in turn (:func:`_rates_could_be_chance`); counts are not, as members do not bring referrals
the way victims bring needs.
"""


def victims_case(data: Any, client_ids: pd.Series) -> pd.Series:
    """The criminal case each victim is first named on (``cj_events``; the smallest case id), missing for the others.

    >>> from types import SimpleNamespace
    >>> data = SimpleNamespace(cj_events=pd.DataFrame({"case_id": ["k2", "k1", "k1", "k3"], "client_id": ["a", "a", "b", None]}))
    >>> victims_case(data, pd.Series(["a", "b", "c"])).tolist()
    ['k1', 'k1', <NA>]
    """
    events = getattr(data, "cj_events", None)
    ids = client_ids.astype("string")
    if events is None or events.empty or not {"case_id", "client_id"} <= set(events.columns):
        return pd.Series(pd.NA, index=client_ids.index, dtype="string")
    named = pd.DataFrame({"client_id": events["client_id"].astype("string"), "case_id": events["case_id"].astype("string")}).dropna()
    first = named.groupby("client_id")["case_id"].min()
    return pd.Series(first.reindex(ids.to_numpy()).to_numpy(), index=client_ids.index, dtype="string")


def design_effect(*periods: pd.DataFrame, universe: str) -> float:
    """How many times a Poisson count's variance a count of these units has: Σ n² / Σ n over their clusters.

    Clusters are taken within each period (``periods``: one frame of units each): the
    units of one victim (or case, :data:`CLUSTERED_BY`) in a period are one cluster of size
    n; a unit without the key is a cluster of its own. 1 where every cluster is one unit.

    >>> needs = pd.DataFrame({"client_id": ["a", "a", "a", "b", None]})
    >>> design_effect(needs, universe="needs")  # clusters of 3, 1 and 1: (9 + 1 + 1) / 5
    2.2
    >>> design_effect(needs, needs.iloc[3:], universe="needs"), design_effect(needs, universe="referrals")
    (1.8571428571428572, 2.2)
    """
    key = CLUSTERED_BY.get(universe)
    squares = total = 0.0
    for units in periods:
        if key is None or key not in units:
            squares, total = squares + len(units), total + len(units)
            continue
        ids = units[key].astype("string").replace(MISSING, pd.NA)  # the release writes a missing key as MISSING
        sizes = ids.dropna().value_counts().to_numpy(dtype=float)
        alone = float(ids.isna().sum())
        squares += float((sizes ** 2).sum()) + alone
        total += float(sizes.sum()) + alone
    return squares / total if total else 1.0


def _could_be_chance(h: Headline, series: pd.Series, tested: pd.DataFrame, now: Period | None, before: Period | None,
                     as_of: pd.Timestamp) -> bool:
    """Could chance alone give the change of headline ``h`` from period ``before`` to ``now``? (p of 0.05 or more)

    ``series``: the values shown per period label; ``tested``: the units the values rest on
    (with ``h.date``), those counted marked ``_part``; each period's are read from them.

    Each test takes the units' clusters into account (:data:`CLUSTERED_BY`): a victim's
    needs, met or not, answered or not, go together.

    - A count: the test of two Poisson counts over each period's days, its variance times
      the :func:`design_effect` (:func:`_chance_alone`).
    - A rate: Fisher's exact test of its two counts in each period
      (``scipy.stats.fisher_exact``), and a test of the two shares with their variance read
      off the victims' clusters (:func:`_clustered_share_p`): chance could give it where
      either says so.
    - A median of days: the log-rank test of the two periods' waits, a wait not over by the
      data end censored there (``statsmodels.duration.survfunc.survdiff``), its chi-square
      divided by the :func:`design_effect` (as though a victim's waits were one wait).

    False where either value is not shown: nothing is compared there.
    """
    if now is None or before is None:
        return False
    a, b = float(series.get(now.label, np.nan)), float(series.get(before.label, np.nan))
    if math.isnan(a) or math.isnan(b):
        return False
    later, earlier = (tested[_as_interval(p).mask(tested[h.date])] for p in (now, before))
    if h.kind == "count":
        # a count of some of a victim's units (the needs met) varies with the clusters of all of them: the larger effect
        counted = design_effect(later[later["_part"]], earlier[earlier["_part"]], universe=h.universe)
        return _chance_alone(a, b, _days(now), _days(before), max(counted, design_effect(later, earlier, universe=h.universe)))
    inflation = design_effect(later, earlier, universe=h.universe)
    if h.kind == "rate":
        return _rates_could_be_chance(later, earlier, CLUSTERED_BY.get(h.universe), *SHARES_ALSO_CLUSTERED_BY.get(h.universe, ()))
    return _waits_could_be_chance(*_durations(h.universe, later, h.date, as_of), *_durations(h.universe, earlier, h.date, as_of),
                                  inflation=inflation, longer=a > b)


def _rates_could_be_chance(later: pd.DataFrame, earlier: pd.DataFrame, *clusters: str | None) -> bool:
    """Could chance alone change the share of units marked ``_part`` from ``earlier`` to ``later``? (p of 0.05 or more)

    Fisher's exact test of the two periods' counts; and for each way the units come in
    clusters (``clusters``: columns naming each unit's victim, or the member answering it,
    :data:`SHARES_ALSO_CLUSTERED_BY`), :func:`_clustered_share_p`: the units of one cluster
    are not independent, and any test finding p of 0.05 or more says chance could give the
    change.

    >>> def units(part, whole, per=1):  # ``whole`` units of ``whole // per`` victims, the first ``part`` marked
    ...     return pd.DataFrame({"_part": np.arange(whole) < part, "client_id": np.arange(whole) // per})
    >>> _rates_could_be_chance(units(6, 100), units(11, 100)), _rates_could_be_chance(units(6, 400), units(44, 400))  # Fisher p 0.32, < 0.001
    (True, False)
    >>> _rates_could_be_chance(units(6, 400, 20), units(44, 400, 20), "client_id")  # the same, 20 units a victim: 20 victims a period
    True
    >>> members = pd.Series(np.arange(400) // 40).map("m{}".format)  # 10 members answering 40 referrals each
    >>> before = units(0, 400).assign(_part=np.arange(400) % 40 < np.where(np.arange(400) < 40, 36, 1), to_member=members)
    >>> after = units(6, 400).assign(_part=np.arange(400) % 40 == 0, to_member=members)  # m0 declined 36 of 40 (full), now 1
    >>> _rates_could_be_chance(after, before, "client_id"), _rates_could_be_chance(after, before, "client_id", "to_member")
    (False, True)
    """
    from scipy.stats import fisher_exact

    part = np.array([int(later["_part"].sum()), int(earlier["_part"].sum())])
    whole = np.array([len(later), len(earlier)])
    if fisher_exact(np.column_stack([part, whole - part])).pvalue >= 0.05:
        return True
    return any(_clustered_share_p(later, earlier, cluster) >= 0.05 for cluster in clusters
               if cluster is not None and cluster in later and cluster in earlier)


def _clustered_share_p(later: pd.DataFrame, earlier: pd.DataFrame, cluster: str) -> float:
    """The p-value of a change of share between two periods whose units come in clusters (a victim's).

    A score test: each period's share is a ratio of sums over its clusters, and its variance
    is read off the clusters' departures from the share both periods have together (the
    variance under no change: ``G / (G - 1) Σ (part_c - p m_c)² / (Σ m)²`` over the period's
    ``G`` clusters of ``m_c`` units); the difference over its standard error is read on the t
    distribution with the clusters less two as degrees of freedom. Units without the key
    are clusters of their own.

    >>> def units(part, whole, per=1):
    ...     return pd.DataFrame({"_part": np.arange(whole) < part, "client_id": np.arange(whole) // per})
    >>> round(_clustered_share_p(units(0, 10, 5), units(10, 10, 5), "client_id"), 3)  # 2 victims a period: t = 1.41 on 2 df
    0.293
    """
    from scipy.stats import t as t_dist

    def per_cluster(units: pd.DataFrame) -> pd.DataFrame:
        ids = units[cluster].astype("string").replace(MISSING, pd.NA).fillna(pd.Series(units.index.astype(str), index=units.index).radd("_unit "))
        return units.assign(_id=ids.to_numpy()).groupby("_id", sort=False)["_part"].agg(["sum", "size"])

    a, b = per_cluster(later), per_cluster(earlier)
    together = (a["sum"].sum() + b["sum"].sum()) / (a["size"].sum() + b["size"].sum())
    clusters = len(a) + len(b)
    if clusters < 3 or len(a) < 2 or len(b) < 2:
        return 1.0  # too few victims to measure how their shares vary

    def variance(c: pd.DataFrame) -> float:
        return len(c) / (len(c) - 1) * float(((c["sum"] - together * c["size"]) ** 2).sum()) / float(c["size"].sum()) ** 2

    spread = np.sqrt(variance(a) + variance(b))
    change = a["sum"].sum() / a["size"].sum() - b["sum"].sum() / b["size"].sum()
    if spread == 0:
        return 1.0 if change == 0 else 0.0
    return float(2 * t_dist.sf(abs(change) / spread, clusters - 2))


def _waits_could_be_chance(days_now: np.ndarray, ended_now: np.ndarray, days_before: np.ndarray, ended_before: np.ndarray,
                           *, inflation: float = 1.0, longer: bool | None = None) -> bool:
    """The log-rank test of two periods' waits (two-sided p of 0.05 or more: chance alone could give the change).

    ``inflation``: the :func:`design_effect` of the waits' clusters; the chi-square is
    divided by it. ``longer``: the median wait grew (True) or shrank (False); the log-rank
    compares the whole waits, and where its curves cross it can find the later period
    quicker while the median grew: a test for the other direction backs nothing said, so
    chance could give the change (a reviewer's waits 1 and 15 days against 10 and 100).

    >>> quick, slow = np.array([2.0, 3, 4, 5, 6, 7, 8, 9]), np.array([20.0, 30, 40, 50, 60, 70, 80, 90])
    >>> _waits_could_be_chance(quick, np.ones(8, bool), slow, np.ones(8, bool)), _waits_could_be_chance(quick, np.ones(8, bool), slow, np.ones(8, bool), longer=True)
    (False, True)
    >>> _waits_could_be_chance(quick, np.ones(8, bool), quick + 1, np.ones(8, bool))
    True
    >>> _waits_could_be_chance(np.zeros(12), np.ones(12, bool), np.zeros(15), np.ones(15, bool))  # every wait over the same day
    True
    """
    from scipy.stats import chi2
    from statsmodels.duration.survfunc import survdiff

    time = np.concatenate([days_now, days_before])
    ended = np.concatenate([ended_now, ended_before]).astype(int)
    group = np.repeat([1, 0], [len(days_now), len(days_before)])
    keep = ~np.isnan(time)
    time, ended, group = time[keep], ended[keep], group[keep]
    if not ended.any() or len(np.unique(group)) < 2 or len(np.unique(time)) < 2:
        return True  # no wait over, one period has none, or every wait alike: nothing tells the periods apart
    try:
        statistic = float(survdiff(time, ended, group)[0])
    except np.linalg.LinAlgError:
        return True
    if not np.isfinite(statistic) or chi2.sf(statistic / max(inflation, 1.0), 1) >= 0.05:
        return True
    return longer is not None and longer != _later_slower(time, ended, group)


def _later_slower(time: np.ndarray, ended: np.ndarray, group: np.ndarray) -> bool:
    """Whether the later period's waits ended less often than the log-rank's expectation (O − E below 0).

    At each day a wait ends, the later period (``group`` 1) expects the ends in proportion to
    the waits still running in it.
    """
    frame = pd.DataFrame({"time": time, "ended": ended, "later": (group == 1).astype(int)})
    frame["later_ended"] = frame["ended"] * frame["later"]
    per_day = frame.groupby("time")[["ended", "later_ended", "later"]].sum().assign(leaving=frame.groupby("time").size())
    running = per_day["leaving"][::-1].cumsum()[::-1]  # waits still running on each day (those ending that day included)
    running_later = per_day["later"][::-1].cumsum()[::-1]
    expected = float((per_day["ended"] * running_later / running).sum())
    return bool(per_day["later_ended"].sum() < expected)


def _chance_alone(now: float, before: float, days_now: float = np.nan, days_before: float = np.nan, inflation: float = 1.0) -> bool:
    """Could chance alone give a change of counts from ``before`` to ``now``? (two-sided p of 0.05 or more)

    The exact conditional test of two Poisson counts: given their sum, the count of the later
    period is binomial with the share of the days it spans (equal shares where the days are not
    known). Units that come in clusters (a victim's needs) vary ``inflation`` times as much
    (:func:`design_effect`): the test's chi-square (the binomial's score test) is divided by
    it, and chance could give the change where either test finds p of 0.05 or more.

    >>> _chance_alone(363, 325), _chance_alone(160, 100)  # p 0.16 and < 0.001
    (True, False)
    >>> _chance_alone(58, 56, 92, 92)
    True
    >>> _chance_alone(795, 700, 181, 184), _chance_alone(795, 700, 181, 184, 6.0)  # p 0.006 as Poisson counts; 0.26 at six needs a victim
    (False, True)
    """
    from scipy.stats import binomtest, chi2

    share = days_now / (days_now + days_before) if np.isfinite(days_now) and np.isfinite(days_before) and days_now + days_before > 0 else 0.5
    total = int(round(now + before))
    if total == 0 or binomtest(int(round(now)), total, share).pvalue >= 0.05:
        return True
    if inflation <= 1.0:
        return False
    score = (now - total * share) ** 2 / (total * share * (1 - share))
    return bool(chi2.sf(score / inflation, 1) >= 0.05)


def _consecutive(first: Period, last: Period) -> list[Period]:
    out = [last]
    while out[0].label != first.label and out[0].start > first.start:
        out.insert(0, out[0].previous())
    return out


def _matches(units: pd.DataFrame, where: dict) -> np.ndarray:
    from tfanalysis.publication.cells import matches, predicate

    return matches(units, predicate(where))


def _all_data_value(rel: Any, h: Headline, where: dict, base_where: dict, units: pd.DataFrame, as_of: pd.Timestamp) -> tuple[float, bool]:
    """A headline over all the data (no comparison is made for all data), and whether it is hidden.

    Hidden (not "n/a"): a count the release hides, or one a rate or a median rests on (a
    second task force read "Referrals accepted n/a" where its base was hidden).
    """
    count = rel.count(h.universe, where=where, name=f"05 {h.label} (all data)")
    if h.kind == "count":
        v = count.value()
        return (float("nan"), True) if v is None else (float(v), False)
    base = rel.count(h.universe, where=base_where, name=f"05 {h.label} base (all data)")
    if h.kind == "rate":
        num, den = count.value(), base.value()
        if num is None or den is None:
            return float("nan"), True
        return (100 * num / den, False) if den else (float("nan"), False)
    if base.value() is None or (h.universe == "needs" and not _bands_shown(rel, (), base_where, f"05 {h.label}: by time to met (all data)").all()):
        return float("nan"), True
    return _median_all(h.universe, units[_matches(units, base_where)], h.date, as_of), False


def _bands_shown(rel: Any, rows: Any, where: dict, name: str) -> pd.Series:
    """Whether every band of days to met of the needs of ``where`` is shown, per row (:func:`~tfanalysis.reports.gaps.outcomes.bands_all_shown`)."""
    from tfanalysis.publication import ByGroups
    from tfanalysis.reports.gaps.outcomes import OUTCOME, TIME_TO_MET, bands_all_shown

    bands = rel.table("needs", rows=rows, columns=ByGroups(OUTCOME, TIME_TO_MET), where=where, name=name)
    return bands_all_shown(bands)


def _median_all(kind: str, inside: pd.DataFrame, date: str, as_of: pd.Timestamp) -> float:
    span = Period(inside[date].min(), inside[date].max(), "all data") if len(inside) else None
    return _median_per_period(kind, inside, [span], date, as_of)[0] if span is not None else float("nan")


# --------------------------------------------------------------------------- words


def _shown(value: float, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if kind == "rate":
        return f"{value:.1f}%"
    if kind == "median":  # to a tenth, as report 03 prints it (5.5 read as "6 days", and -1.5 as "-2", told another story)
        return f"{measure_text(value)} days"
    return f"{value:,.0f}"


def _change(now: float, before: float, kind: str) -> float:
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in (now, before)):
        return float("nan")
    return now - before


def _direction(change: float, higher_is_better: bool | None) -> str:
    if math.isnan(change) or change == 0 or higher_is_better is None:
        return "same" if change == 0 else "neutral" if not math.isnan(change) else "none"
    return "better" if (change > 0) == higher_is_better else "worse"


def _change_text(change: float, kind: str) -> str:
    if math.isnan(change):
        return "n/a"
    unit = " pp" if kind == "rate" else " days" if kind == "median" else ""
    amount = measure_text(abs(change)) if kind in ("rate", "median") else f"{abs(change):,.0f}"
    return ("▲ +" if change > 0 else "▼ −" if change < 0 else "= ") + (amount + unit if change else "no change")


def findings(tiles: pd.DataFrame, limit: int = 6) -> list[str]:
    """Sentences on the changes since the previous period, largest relative change first.

    Each sentence names both periods and quotes only shown values. A change that chance
    alone could give says so (the tiles' ``previous_chance``, :func:`_could_be_chance`; a
    tile without it has its count tested by :func:`_chance_alone`): a statistician read the
    demo's "Needs identified rose from 325 to 363" (p 0.16) as a change.

    Examples
    --------
    >>> t = pd.DataFrame({"label": ["Referrals made"], "kind": ["count"], "higher_is_better": [None], "now": [160.0],
    ...     "previous": [100.0], "period_label": ["2025Q3"], "previous_label": ["2025Q2"]}, index=["referrals_made"])
    >>> findings(t)
    ['Referrals made rose from 100 in 2025Q2 to 160 in 2025Q3.']
    >>> findings(t.assign(now=120.0))
    ['Referrals made rose from 100 in 2025Q2 to 120 in 2025Q3 (chance alone could give a change this size).']
    """
    rows = []
    for name, t in tiles.iterrows():
        change = _change(t["now"], t["previous"], t["kind"])
        if math.isnan(change) or not t.get("previous_label") or t.get("now_provisional", False) or t.get("previous_provisional", False):
            continue  # a provisional value is not compared
        verb = "rose" if change > 0 else "fell" if change < 0 else "held"
        if change == 0:
            text = f"{t['label']} held at {_shown(t['now'], t['kind'])} in {t['previous_label']} and {t['period_label']}."
        else:
            text = (f"{t['label']} {verb} from {_shown(t['previous'], t['kind'])} in {t['previous_label']} "
                    f"to {_shown(t['now'], t['kind'])} in {t['period_label']}")
            text += " (chance alone could give a change this size)." if _chance_said(t, "previous") else "."
        relative = abs(change) / max(abs(t["previous"]), 1e-9)
        rows.append((change != 0 and _chance_said(t, "previous"), relative, text))
    # changes beyond chance first (a statistician read two chance-level rises listed before a clear one left out)
    rows.sort(key=lambda r: (r[0], -r[1]))
    return [text for _, _, text in rows[:limit]]


def _chance_said(t: pd.Series, other: str) -> bool:
    """Whether tile ``t``'s change against ``other`` (``previous`` or ``year_ago``) could be chance alone.

    :func:`headline_tiles` tests every kind of headline (``<other>_chance``); a tile without
    that column has its count tested here (:func:`_chance_alone`), and nothing else.
    """
    said = t.get(f"{other}_chance")
    if said is not None and not (isinstance(said, float) and math.isnan(said)):
        return bool(said)
    return t["kind"] == "count" and _chance_alone(t["now"], t[other], t.get("period_days", np.nan), t.get(f"{other}_days", np.nan))


def _sparkline(values: list[float], width: int = 120, height: int = 28, *, release: str = "", periods: list | None = None) -> str:
    """A small SVG trend line; hidden periods are gaps.

    A line drawn from a released series names it (``release``) and its periods (``periods``,
    None where a period is not drawn for want of data), for ``tfanalysis audit`` to redraw
    it from the release and compare.

    >>> print(_sparkline([12.0, float("nan"), 14.0], release="r", periods=["a", "b", None]).split(" width")[0])
    <svg class="tf-spark" data-release="r" data-periods="[&quot;a&quot;, &quot;b&quot;, null]"
    """
    shown = [v for v in values if not math.isnan(v)]
    if len(shown) < 2:
        return ""
    lo, hi = min(shown), max(shown)
    span = (hi - lo) or 1.0
    step = width / max(len(values) - 1, 1)
    segments, current = [], []
    for i, v in enumerate(values):
        if math.isnan(v):
            if current:
                segments.append(current)
            current = []
            continue
        current.append(f"{i * step:.1f},{height - 2 - (v - lo) / span * (height - 4):.1f}")
    if current:
        segments.append(current)
    lines = "".join(f'<polyline fill="none" stroke="#4a6fa5" stroke-width="1.5" points="{" ".join(s)}"/>' for s in segments)
    dots = "".join(f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="1.8" fill="#4a6fa5"/>' for s in segments for p in s if len(s) == 1)
    tag = f' data-release="{html.escape(release)}" data-periods="{html.escape(json.dumps(periods))}"' if release and periods is not None else ""
    return f'<svg class="tf-spark"{tag} width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="trend">{lines}{dots}</svg>'


def tiles_html(tiles: pd.DataFrame) -> str:
    """The headlines as tiles: value, change against the previous period and a year before, trend, report.

    Examples
    --------
    >>> t = pd.DataFrame({"label": ["Arrests"], "report": ["03_collaboration"], "kind": ["count"], "higher_is_better": [None],
    ...     "now": [float("nan")], "previous": [12.0], "year_ago": [float("nan")], "period_label": ["2025Q3"],
    ...     "previous_label": ["2025Q2"], "year_ago_label": ["2024Q3"], "trend": [[12.0, float("nan")]], "trend_labels": [["2025Q2", "2025Q3"]]},
    ...     index=["arrests"])
    >>> "hidden" in tiles_html(t) and "12" not in tiles_html(t).split("tf-value")[1][:40]
    True
    """
    cards = []
    for _, t in tiles.iterrows():
        now = t["now"]
        missing = isinstance(now, float) and math.isnan(now)
        unsettled_now = missing and bool(t.get("now_unsettled", False))
        hidden_now = missing and not unsettled_now and (t["kind"] == "count" or bool(t.get("now_hidden", False)))
        provisional_now = not missing and bool(t.get("now_provisional", False))
        value = "hidden" if hidden_now else "not settled yet" if unsettled_now else _shown(now, t["kind"])
        value += " (provisional)" if provisional_now else ""
        changes = []
        for other, label in (("previous", "previous_label"), ("year_ago", "year_ago_label")):
            if not t.get(label):
                continue
            change = _change(now, t[other], t["kind"])
            if provisional_now or bool(t.get(f"{other}_provisional", False)):
                change = float("nan")  # a provisional value is not compared
            direction = _direction(change, t["higher_is_better"])
            word = {"better": " (better", "worse": " (worse"}.get(direction, "")
            if word:  # a direction chance alone could give is said to be so
                word += ", could be chance)" if _chance_said(t, other) else ")"
            # a value hidden in the other period is said to be: "n/a" alone reads as "not measurable"
            there = ""
            if hidden_now:
                there = f" (hidden in {t['period_label']})"
            elif unsettled_now:
                there = f" (not settled in {t['period_label']})"
            elif provisional_now:
                there = f" (provisional in {t['period_label']})"
            elif bool(t.get(f"{other}_provisional", False)):
                there = " (provisional there)"
            elif math.isnan(change) and not missing and bool(t.get(f"{other}_hidden", False)):
                there = " (hidden there)"
            elif math.isnan(change) and not missing and bool(t.get(f"{other}_unsettled", False)):
                there = " (not settled there)"
            changes.append(f'<div class="tf-change tf-{direction}">{html.escape(_change_text(change, t["kind"]))}{word} vs '
                           f'{html.escape(t[label])}{there}</div>')
        cards.append(
            '<div class="tf-tile">'
            f'<div class="tf-label">{html.escape(t["label"])}</div>'
            f'<div class="tf-value">{html.escape(value)}</div>'
            + "".join(changes)
            + _sparkline(list(t["trend"]), release=str(t.get("release", "") or ""), periods=t.get("trend_released"))
            + f'<div class="tf-more"><a href="{html.escape(t["report"])}.html">open the report</a></div></div>'
        )
    style = (
        "<style>.tf-tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:12px;margin:8px 0 16px}"
        ".tf-tile{border:1px solid #d0d7de;border-radius:6px;padding:10px 12px;break-inside:avoid}"
        ".tf-label{font-size:0.85em;color:#444}.tf-value{font-size:1.6em;font-weight:600;margin:4px 0}"
        ".tf-change{font-size:0.85em}.tf-better{color:#1a7f37}.tf-worse{color:#cf222e}.tf-neutral,.tf-same,.tf-none{color:#57606a}"
        ".tf-more{font-size:0.8em;margin-top:4px}</style>"
    )
    return style + '<div class="tf-tiles">' + "".join(cards) + "</div>"


def summary_markdown(tiles: pd.DataFrame, sentences: list[str], period_label_text: str, region: str = "") -> str:
    """The summary's opening paragraph and findings as Markdown.

    ``region`` (a state or ``;``-separated county FIPS, as the run was given it) is named
    first: a region's numbers are its clients' only, while the reports of the collaboration
    its tiles link to measure the whole task force.

    Examples
    --------
    >>> print(summary_markdown(pd.DataFrame(), [], "2025Q2", region="TX"))  # doctest: +ELLIPSIS
    **Region TX only**: every number below counts the clients of the region ... measures the whole task force.
    <BLANKLINE>
    **2025Q2**: totals over all the data; ...
    """
    first = tiles.iloc[0] if len(tiles) else None
    if first is not None and first["previous_label"]:
        against = first["previous_label"] + (f" and, where there is one, {first['year_ago_label']}" if first["year_ago_label"] else "")
        lines = [f"**{period_label_text}** at a glance: each number against {against}, "
                 f"computed from the data for each period; the line shows the periods with data among the last {TREND_PERIODS}. "
                 "Hidden counts (small ones, and those that would give a small one back) and rates resting on them are not shown and not compared. "
                 "\"Could be chance\" beside a better or worse: a test finds a change that size within what chance alone gives (p of 0.05 "
                 "or more); without it the test found less, and nothing more is claimed: each comparison is tested on its own, so of "
                 f"the page's {_comparisons(tiles)} comparisons, about one in twenty with no cause behind it would still go without those words."]
        as_of = tiles.attrs.get("as_of")
        if as_of is not None and not pd.isna(as_of):
            lines[0] += (f" Outcomes (needs met, referrals answered) are those the data record on {pd.Timestamp(as_of).date()}, for every "
                         "period alike, not as they stood at each period's end.")
    else:
        lines = [f"**{period_label_text}**: totals over all the data; the line shows the complete quarters with data among the last {TREND_PERIODS}. "
                 "Choose a reporting period (a quarter, half or year) to compare periods."]
    if region:
        lines = [f"**Region {region} only**: every number below counts the clients of the region and their needs, referrals and "
                 "cases; the collaboration report the referral and justice numbers link to measures the whole task force.", ""] + lines
    if sentences:
        lines += ["", "**What changed**", ""] + [f"{i}. {text}" for i, text in enumerate(sentences, start=1)]
    return "\n".join(lines)


def _comparisons(tiles: pd.DataFrame) -> int:
    """How many changes the tiles compare: values shown in both periods, neither provisional.

    >>> _comparisons(pd.DataFrame({"now": [1.0, 2.0], "previous": [1.0, float("nan")], "year_ago": [3.0, 4.0], "previous_label": ["a"] * 2,
    ...                            "year_ago_label": ["b", None]}))
    2
    """
    total = 0
    for other, label in (("previous", "previous_label"), ("year_ago", "year_ago_label")):
        if other not in tiles or label not in tiles:
            continue
        shown = tiles["now"].notna() & tiles[other].notna() & tiles[label].notna()
        for flag in ("now_provisional", f"{other}_provisional"):
            if flag in tiles:
                shown &= ~tiles[flag].fillna(False).astype(bool)
        total += int(shown.sum())
    return total


def report_links(report_dir: str | Path, *, exclude: str) -> list[tuple[str, str]]:
    """The other reports of this run: (file name, title), from the HTML files beside this one."""
    folder = Path(report_dir)
    links = []
    for page in sorted(folder.glob("*.html")):
        if page.name in (exclude, "index.html"):
            continue
        title = page.stem.split("_", 1)[-1].replace("_", " ").capitalize()
        links.append((page.name, title))
    return links


def links_markdown(links: list[tuple[str, str]]) -> str:
    """Markdown list of links to the run's detailed reports."""
    if not links:
        return "The detailed reports are listed on the run's index page."
    return "**Detailed reports**\n\n" + "\n".join(f"- [{title}]({href})" for href, title in links)


def period_label(period: str) -> str:
    """How the report names the period: ``2025Q3`` for a quarter passed as a date range.

    Examples
    --------
    >>> period_label("2025-07-01..2025-09-30"), period_label("2025-01-01..2025-12-31"), period_label("all")
    ('2025Q3', '2025', 'all data')
    """
    return named_label(parse_period(period))
