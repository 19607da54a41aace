"""Is the task force working better together? Collaboration indicators per period, and a scorecard.

:func:`indicators` computes, for every period from the first to the last in the data
(quarters by default, half-years like TIMS with ``freq="H"``), one column per indicator
(:data:`INDICATORS` lists them with their definitions; ``docs/collaboration.md`` explains
the choices). Each indicator is also a function of its own (``median_response_days(data,
periods)`` …) returning a Series indexed by period.

Rules that hold for every indicator
-----------------------------------
* A row belongs to the period of its own date: a client to ``identified_on``, a need to its
  ``identified_on``, a referral to ``referred_on``, a criminal-justice event to
  ``occurred_on``, an activity to ``date``, a criminal case to the day it started (its
  first ``investigation_opened``, else its first event).
* A period without data has its row: counts 0, rates and medians NaN.
* An optional table that is empty (absent from the dataset) gives NaN for the indicators
  that need it, counts included: "not recorded" is not "none".
* Outcomes recorded after a period ended still count for it (the data as known today),
  except where a window must have closed first: "met within 90 days" only counts needs
  identified at least 90 days before the data end (``as_of``).

For leadership: every count of people and of their cases (clients, needs, referrals,
criminal-justice events and cases) the report shows is released per period through the
run's publication layer (:func:`release_counts`, :mod:`tfanalysis.publication`), with the
numerators and bases of the shares and medians; :func:`publish`, :func:`scorecard`,
:func:`change_effects`, :func:`trend_lines`, :func:`control_chart`,
:func:`headline_metrics`, :func:`network_picture` and the grant evidence read only what it
shows: a share where its numerator and base are shown, a median where its base is, changes,
trends and fitted lines from shown values alone. Organizations are not victims: counts of
members, ties, meetings and trainings, the network measures and the partner survey are
shown as they are.

Examples
--------
>>> import tfanalysis as tf
>>> data = tf.load_dataset(DEMO_DIR)
>>> table = indicators(data)
>>> str(table.index[0]), str(table.index[-1]), len(table)
('2023Q1', '2025Q4', 12)
>>> table.loc["2024Q2":"2024Q3", "median_response_days"].tolist()
[10.0, 3.0]
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration import network, trends
from tfanalysis.data import contract
from tfanalysis.data.periods import PeriodLike, parse_period

if TYPE_CHECKING:  # annotations only: loading data (pandera) is not needed to analyse it
    from tfanalysis.data.io import TaskForceData

__all__ = [
    "CASE_START",
    "COUNTS",
    "CRITICAL_NEEDS",
    "EVIDENCE_COUNTS",
    "FAMILIES",
    "FIRST_CHARGES",
    "INDICATORS",
    "Indicator",
    "NUMERATORS",
    "ReleasedCounts",
    "SECTOR_LINK",
    "TIE",
    "UNMET_CRITICAL",
    "arrests",
    "attendance_by_member",
    "attendance_matrix",
    "case_reviews",
    "cases_with_services_share",
    "change_effects",
    "change_markdown",
    "charges_filed",
    "clients_identified",
    "closed_loop_share",
    "compare_periods",
    "control_chart",
    "convictions",
    "cross_sector_referral_share",
    "cross_sector_referrals",
    "declined_capacity_share",
    "evidence",
    "data_end",
    "evidence_markdown",
    "first_post_label",
    "headline_metrics",
    "indicator_bases",
    "indicator_info",
    "indicators",
    "investigations_opened",
    "joint_cases",
    "joint_training_sectors",
    "joint_trainings",
    "le_vs_referrals",
    "median_days_investigation_to_charges",
    "median_days_to_first_service",
    "median_response_days",
    "meeting_attendance_rate",
    "meetings",
    "membership",
    "multi_agency_cases",
    "needs_met_within",
    "network_picture",
    "parse_wave_dates",
    "period_index",
    "period_labels",
    "period_word",
    "publish",
    "publish_evidence",
    "referral_acceptance_rate",
    "referrals_made",
    "release_counts",
    "reportable",
    "scorecard",
    "scorecard_markdown",
    "scorecard_table",
    "scope_markdown",
    "sector_indicators",
    "survey_markdown",
    "survey_table",
    "survey_waves",
    "trend_lines",
    "unmet_critical_need_share",
    "up_to",
]

# --------------------------------------------------------------------------- the indicators

CRITICAL_NEEDS: dict[str, tuple[str, ...]] = {
    "safety": ("crisis_intervention", "safety_planning"),
    "housing": ("housing", "housing_emergency", "housing_transitional", "housing_permanent"),
    "medical": ("medical_care",),
}
"""The safety, housing and medical needs of :func:`unmet_critical_need_share` (taxonomy codes).

Safety is the taxonomy's ``safety`` group; housing every housing code; medical the
e-Guide's "Medical care" (dental, mental health and substance abuse care are needs of
their own, not counted here)."""

FAMILIES: dict[str, str] = {
    "victims": "Victim-centered",
    "referrals": "Referral system",
    "network": "Referral network",
    "justice": "Justice",
    "engagement": "Engagement",
    "survey": "Partner survey",
}
"""Indicator families, in report order, with their headings."""


@dataclass(frozen=True)
class Indicator:
    """What an indicator is and how to read it.

    Attributes
    ----------
    name : str
        Column of :func:`indicators`.
    label : str
        How leadership reads it.
    family : str
        A key of :data:`FAMILIES`.
    unit : str
        ``count`` (people, referrals, cases, events: suppressed when small), ``tally``
        (members, ties, activities: organizations, shown as is), ``share`` (0–1, shown as
        %), ``days``, ``measure`` (a network measure, 0–1 or a mean score).
    higher_is_better : bool or None
        Direction of improvement; None when neither direction is better by itself.
    base : str or None
        The count (a column of :func:`indicator_bases`) a share or median is computed
        from; below the suppression threshold the value is not shown.
    source : str
        The table it needs; when that optional table is empty the indicator is NaN.
    definition : str
        One sentence, the one in ``docs/collaboration.md``.
    """

    name: str
    label: str
    family: str
    unit: str
    higher_is_better: bool | None
    base: str | None
    source: str
    definition: str


def _i(name: str, label: str, family: str, unit: str, better: bool | None, base: str | None, source: str, definition: str) -> Indicator:
    return Indicator(name, label, family, unit, better, base, source, definition)


INDICATORS: tuple[Indicator, ...] = (
    # victim-centered
    _i("clients_identified", "Clients identified", "victims", "count", None, None, "clients",
       "Clients whose identified_on falls in the period."),
    _i("median_days_to_first_service", "Median days from identification to first service", "victims", "days", False, "clients_identified", "needs",
       "Median over clients identified in the period of the days from identified_on to their first service: "
       "the earliest met_on of their needs. A client with no met need yet counts as waiting longer than any served; "
       "NaN when half or more are not served yet."),
    _i("needs_met_30d_share", "Needs met within 30 days", "victims", "share", True, "needs_due_30", "needs",
       "Of the needs identified in the period and not declined by the client, the share with a met_on within"
       " 30 days of identified_on. Measured once the period's last day is 30 days before the data end (every"
       " need has had its window); until then NaN."),
    _i("needs_met_90d_share", "Needs met within 90 days", "victims", "share", True, "needs_due_90", "needs",
       "As above with 90 days."),
    _i("unmet_critical_need_share", "Clients with an unmet safety, housing or medical need", "victims", "share", False, "clients_identified", "needs",
       "Of the clients identified in the period, the share with at least one safety, housing or medical need (CRITICAL_NEEDS) whose status is unmet."),
    # referral system
    _i("referrals_made", "Referrals made", "referrals", "count", None, None, "referrals",
       "Referrals whose referred_on falls in the period (self-referrals included)."),
    _i("referral_acceptance_rate", "Referral acceptance rate", "referrals", "share", True, "referrals_closed", "referrals",
       "Of the referrals made in the period with a recorded outcome, the share accepted or completed. "
       "no_response counts as a recorded outcome (an unanswered referral failed); open referrals (no outcome"
       " yet) are left out."),
    _i("median_response_days", "Median days to respond to a referral", "referrals", "days", False, "referrals_made", "referrals",
       "Median days from referred_on to responded_on over the referrals made in the period; a referral not answered "
       "(no responded_on) counts as slower than any answered. NaN when half or more are not answered."),
    _i("declined_capacity_share", "Referrals declined for lack of capacity", "referrals", "share", False, "referrals_closed", "referrals",
       "Of the referrals made in the period with a recorded outcome, the share declined_capacity."),
    _i("closed_loop_share", "Referrals with a closed loop", "referrals", "share", True, "referrals_made", "referrals",
       "Of the referrals made in the period, the share whose receiving member answered and the outcome is "
       "recorded (accepted, completed or declined): the referring member knows what happened. no_response "
       "and open referrals are not closed loops."),
    _i("cross_sector_referrals", "Cross-sector referrals", "referrals", "count", True, None, "referrals",
       "Referrals made in the period between members of different sectors."),
    _i("cross_sector_referral_share", "Share of referrals crossing sectors", "referrals", "share", True, "referrals_made", "referrals",
       "cross_sector_referrals / referrals made (self-referrals count as same-sector)."),
    _i("le_vs_referrals", "Law enforcement ↔ victim services referrals", "referrals", "count", True, None, "referrals",
       "Referrals made in the period from a law enforcement member to a victim services member or the reverse."),
    # network
    _i("active_members", "Active members", "network", "tally", True, None, "members",
       "Members belonging to the task force at some time in the period (plus any member that sent or received a referral in it): the nodes of the network."),
    _i("ties", "Referral ties", "network", "tally", True, None, "referrals",
       "Distinct directed member → member ties: A referred at least one client to B in the period."),
    _i("network_density", "Network density", "network", "measure", True, None, "referrals",
       "networkx.density of the directed graph: ties / (n (n − 1)) over the active members."),
    _i("reciprocity", "Reciprocity", "network", "measure", True, None, "referrals",
       "networkx.reciprocity of the directed graph: the share of ties whose reverse tie exists."),
    _i("degree_centralization", "Degree centralization", "network", "measure", None, None, "referrals",
       "Freeman degree centralization of the undirected graph, normalised: 1 for a star around one hub, 0 when all members have the same number of partners."),
    _i("cross_sector_tie_share", "Cross-sector tie share", "network", "share", True, None, "referrals",
       "Share of distinct ties whose two members belong to different sectors."),
    _i("le_vs_tie_share", "Law enforcement ↔ victim services tie share", "network", "share", True, None, "referrals",
       "Share of distinct ties between a law enforcement and a victim services member (either direction)."),
    _i("isolates", "Members with no referral tie", "network", "tally", False, None, "referrals",
       "Active members that neither sent nor received a referral in the period."),
    _i("ties_new", "New ties", "network", "tally", True, None, "referrals",
       "Ties of the period that were not ties of the previous period (NaN for the first period)."),
    _i("ties_lost", "Lost ties", "network", "tally", False, None, "referrals",
       "Ties of the previous period that are not ties of this one (NaN for the first period)."),
    # justice
    _i("investigations_opened", "Investigations opened", "justice", "count", None, None, "cj_events",
       "investigation_opened events dated in the period."),
    _i("arrests", "Arrests", "justice", "count", None, None, "cj_events", "arrest events dated in the period."),
    _i("charges_filed", "Charges filed", "justice", "count", None, None, "cj_events", "charges_filed events dated in the period."),
    _i("convictions", "Convictions", "justice", "count", None, None, "cj_events", "conviction events dated in the period."),
    _i("joint_cases", "Criminal cases whose victims received services", "justice", "count", True, None, "cj_events",
       "Criminal cases started in the period with an identified victim (a client_id on any of its events) of whom at least one had a need met (at any date)."),
    _i("cases_with_services_share", "Share of criminal cases whose victims received services", "justice", "share", True, "cases_with_victims", "cj_events",
       "joint_cases / criminal cases started in the period with an identified victim."),
    _i("median_days_investigation_to_charges", "Median days from investigation to charges", "justice", "days", None, "cases_charged", "cj_events",
       "Over the cases whose first charges_filed falls in the period, the median days from the case's start "
       "to those charges. Assigned to the period of the charges, so that recent cases not yet charged do not"
       " bias it."),
    _i("multi_agency_cases", "Cases involving more than one agency or jurisdiction", "justice", "count", True, None, "cj_events",
       "Criminal cases with an event in the period whose events up to the period's end were recorded by more than one member or in more than one county."),
    # engagement
    _i("meetings", "Task force meetings", "engagement", "tally", None, None, "activities", "Activities of kind meeting dated in the period."),
    _i("meeting_attendance_rate", "Meeting attendance rate", "engagement", "share", True, None, "activities",
       "Members present / members expected, over the period's meetings; a member is expected at a meeting held while it belonged to the task force."),
    _i("joint_trainings", "Joint trainings", "engagement", "tally", True, None, "activities", "Activities of kind joint_training dated in the period."),
    _i("joint_training_sectors", "Sectors at a joint training (mean)", "engagement", "measure", True, None, "activities",
       "Mean over the period's joint trainings of the number of distinct sectors among the members present."),
    _i("case_reviews", "Multidisciplinary case reviews", "engagement", "tally", True, None, "activities", "Activities of kind case_review dated in the period."),
    # survey (placed at the period of each wave's fielding date, when known)
    _i("survey_level_mean", "Levels of Collaboration (mean, 0–5)", "survey", "measure", True, None, "survey",
       "Mean level (Frey et al. 2006: 0 none … 5 collaboration) over every rating of the wave."),
    _i("survey_trust_mean", "Trust (mean, 1–4)", "survey", "measure", True, None, "survey", "Mean trust over the wave's ratings that give one."),
    _i("survey_value_mean", "Value (mean, 1–4)", "survey", "measure", True, None, "survey", "Mean value over the wave's ratings that give one."),
    _i("survey_disagreeing_pairs", "Pairs whose ratings of each other differ by 2+ levels", "survey", "tally", False, None, "survey",
       "Pairs of members who rated each other in the wave with levels 2 or more apart."),
    _i("survey_level_change_same_pairs", "Change in level for the same pairs since the previous wave", "survey", "measure", True, None, "survey",
       "Mean of level (this wave) − level (previous wave) over the respondent → partner pairs rated in both."),
)
"""Every indicator of :func:`indicators`, in column order."""

_BY_NAME: dict[str, Indicator] = {ind.name: ind for ind in INDICATORS}

BASES: dict[str, str] = {
    "clients_identified": "clients identified in the period",
    "needs_due_30": "needs identified in the period, not declined by the client, whose 30-day window closed by the data end",
    "needs_due_90": "the same with 90 days",
    "referrals_made": "referrals made in the period",
    "referrals_closed": "referrals made in the period with a recorded outcome",
    "cases_with_victims": "criminal cases started in the period with an identified victim",
    "cases_charged": "criminal cases first charged in the period",
}
"""The counts shares and medians are computed from (columns of :func:`indicator_bases`)."""


def indicator_info() -> pd.DataFrame:
    """The indicators as a table: label, family, unit, direction, base and definition.

    Examples
    --------
    >>> info = indicator_info()
    >>> info.loc["median_response_days", ["unit", "higher_is_better", "base"]].tolist()
    ['days', False, 'referrals_made']
    """
    frame = pd.DataFrame([vars(ind) for ind in INDICATORS]).set_index("name")
    frame["higher_is_better"] = frame["higher_is_better"].astype(object)
    return frame


# --------------------------------------------------------------------------- periods

_FREQS: dict[str, str] = {"Q": "Q", "QUARTER": "Q", "H": "2Q", "2Q": "2Q", "HALF": "2Q", "HALF-YEAR": "2Q", "M": "M", "MONTH": "M", "Y": "Y", "A": "Y", "YEAR": "Y"}
_PER_YEAR: dict[str, int] = {"Q": 4, "2Q": 2, "M": 12, "Y": 1}


def _freq(freq: str) -> str:
    key = str(freq).strip().upper()
    if key not in _FREQS:
        raise ValueError(f"unknown period frequency {freq!r}: use 'Q' (quarters), 'H' (half-years), 'M' (months) or 'Y' (years)")
    return _FREQS[key]


def _period_of(day: pd.Timestamp, freq: str) -> pd.Period:
    if freq == "2Q":  # half-years start in January and July (pandas' 2Q periods start anywhere)
        return pd.Period(f"{day.year}Q{1 if day.month <= 6 else 3}", freq="2Q")
    return pd.Period(day, freq=freq)


def _own_dates(data: TaskForceData) -> list[pd.Series]:
    return [
        data.clients["identified_on"],
        data.needs["identified_on"],
        data.referrals["referred_on"],
        data.cj_events["occurred_on"],
        data.activities["date"],
    ]


def _as_of(data: TaskForceData, as_of: Any = None) -> pd.Timestamp | None:
    if as_of is not None:
        return pd.Timestamp(as_of).normalize()
    latest = [s.max() for s in _own_dates(data) if s.notna().any()]
    return max(latest) if latest else None


def period_index(data: TaskForceData, freq: str = "Q") -> pd.PeriodIndex:
    """Every period from the first to the last dated row of the data.

    The dates are the rows' own dates (clients, needs, referrals, criminal-justice events,
    activities); membership dates and survey waves do not stretch the range.

    Parameters
    ----------
    data : TaskForceData
    freq : str
        ``"Q"`` quarters, ``"H"`` half-years (January–June, July–December), ``"M"``
        months or ``"Y"`` years.

    Returns
    -------
    pandas.PeriodIndex
        Named ``period``; empty when the data hold no dated row.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> idx = period_index(tf.load_dataset(DEMO_DIR), "H")
    >>> period_labels(idx).tolist()
    ['2023H1', '2023H2', '2024H1', '2024H2', '2025H1', '2025H2']
    """
    code = _freq(freq)
    dates = [s.dropna() for s in _own_dates(data)]
    dates = [s for s in dates if len(s)]
    if not dates:
        return pd.PeriodIndex([], freq=code, name="period")
    first = min(s.min() for s in dates)
    last = max(s.max() for s in dates)
    return pd.period_range(_period_of(first, code), _period_of(last, code), freq=code, name="period")


def period_labels(index: pd.Index) -> pd.Index:
    """How reports name periods: ``2025Q3``, ``2025H2`` (half-years), ``2025-07``, ``2025``.

    Examples
    --------
    >>> period_labels(pd.PeriodIndex([pd.Period("2024Q3", freq="2Q")])).tolist()
    ['2024H2']
    >>> period_labels(pd.period_range("2024Q4", periods=2, freq="Q")).tolist()
    ['2024Q4', '2025Q1']
    """
    if not isinstance(index, pd.PeriodIndex):
        return pd.Index([str(v) for v in index], name=index.name)
    if index.freqstr.startswith("2Q"):
        labels = [f"{p.start_time.year}H{1 if p.start_time.month <= 6 else 2}" for p in index]
    else:
        labels = [str(p) for p in index]
    return pd.Index(labels, name=index.name)


def period_word(index: pd.Index) -> str:
    """The name of one period of ``index``: quarter, half-year, month, year.

    Examples
    --------
    >>> period_word(pd.PeriodIndex([pd.Period("2024Q1", freq="2Q")]))
    'half-year'
    """
    if not isinstance(index, pd.PeriodIndex):
        return "period"
    return {"Q": "quarter", "2": "half-year", "M": "month", "Y": "year"}.get(index.freqstr[0], "period")


def _periods_per_year(index: pd.PeriodIndex) -> int:
    base = "2Q" if index.freqstr.startswith("2Q") else index.freqstr[0]
    return _PER_YEAR.get(base, 4)


def up_to(data: TaskForceData, period: PeriodLike) -> TaskForceData:
    """The data up to the end of a reporting period: the history its trends are read from.

    Rows dated after the period's last day are left out (members who joined later too);
    survey waves are kept whole (they have no dates). ``"all"`` keeps everything.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> period_labels(period_index(up_to(data, "2024Q3")))[-1]
    '2024Q3'
    """
    p = parse_period(period)
    if p.end is None:
        return data
    return data.in_period(("1900-01-01", str(p.end.date())))


def compare_periods(index: pd.PeriodIndex, change: Any, chosen: str = "") -> pd.PeriodIndex:
    """The two periods the network pictures compare.

    Parameters
    ----------
    index : pandas.PeriodIndex
        The periods of the indicators.
    change : date-like
        The change date.
    chosen : str
        Two periods as ``"2024Q1;2025Q4"`` (labels of ``index``); empty for the last period
        before the change and the latest period (the first and the latest when the change
        is outside the data).

    Examples
    --------
    >>> idx = pd.period_range("2023Q1", "2025Q4", freq="Q")
    >>> period_labels(compare_periods(idx, "2024-07-01")).tolist()
    ['2024Q2', '2025Q4']
    >>> period_labels(compare_periods(idx, "2024-07-01", "2023Q3; 2025Q1")).tolist()
    ['2023Q3', '2025Q1']
    """
    labels = list(period_labels(index))
    if chosen and chosen.strip():
        wanted = [c.strip().upper() for c in chosen.split(";") if c.strip()]
        missing = [w for w in wanted if w not in labels]
        if len(wanted) != 2 or missing:
            raise ValueError(f"network_periods: give two periods of the data separated by ';' (e.g. {labels[0]};{labels[-1]}); not found: {missing or wanted}")
        return index[[labels.index(w) for w in wanted]]
    if len(index) == 0:
        return index
    before = index[index.start_time < trends.as_change_date(change)]
    first = before[-1] if 0 < len(before) < len(index) else index[0]
    return pd.PeriodIndex([first, index[-1]], name=index.name)


# --------------------------------------------------------------------------- small helpers


def _optional_empty(data: TaskForceData, table: str) -> bool:
    """An optional table with no rows: its indicators are unknown, not zero."""
    return (not contract.TABLES[table].required) and getattr(data, table).empty


def _nan_series(periods: pd.PeriodIndex, name: str) -> pd.Series:
    return pd.Series(np.nan, index=periods, name=name, dtype="float64")


def _frame(dates: pd.Series, periods: pd.PeriodIndex, **columns: Any) -> pd.DataFrame:
    """Rows with their period; rows outside the periods dropped."""
    frame = pd.DataFrame({"period": network.assign_periods(dates, periods), **columns})
    return frame[frame["period"].notna()]


def _flag(values: pd.Series | np.ndarray) -> np.ndarray:
    """A boolean mask from a boolean-like column (missing is False)."""
    if isinstance(values, pd.Series):
        return values.fillna(False).to_numpy(dtype=bool)
    return np.asarray(values, dtype=bool)


def _count(dates: pd.Series, periods: pd.PeriodIndex, name: str, mask: Any = None) -> pd.Series:
    keep = np.ones(len(dates), dtype=bool) if mask is None else _flag(mask)
    frame = _frame(dates[keep], periods)
    out = frame.groupby("period").size().reindex(periods, fill_value=0).astype("float64")
    return out.rename(name).rename_axis("period")


def _share(dates: pd.Series, periods: pd.PeriodIndex, name: str, numerator: Any, denominator: Any = None) -> pd.Series:
    num = _flag(numerator)
    den = np.ones(len(dates), dtype=bool) if denominator is None else _flag(denominator)
    frame = _frame(dates[den], periods, hit=num[den].astype(float))
    out = frame.groupby("period")["hit"].mean().reindex(periods)
    return out.astype("float64").rename(name).rename_axis("period")


def _median(dates: pd.Series, periods: pd.PeriodIndex, name: str, values: Any) -> pd.Series:
    v = np.asarray(values, dtype=float)
    keep = ~np.isnan(v)
    frame = _frame(dates[keep], periods, v=v[keep])
    out = frame.groupby("period")["v"].median().reindex(periods)
    return out.astype("float64").rename(name).rename_axis("period")


def _median_waiting(dates: pd.Series, periods: pd.PeriodIndex, name: str, days: Any) -> pd.Series:
    """Median of ``days`` per period where a missing value is a wait not over yet (longer than any).

    Every row counts, so the median rests on the rows of the period (a count the report
    shows) rather than on the ones whose wait ended; NaN when half of them or more are
    still waiting, or the period has none.

    Examples
    --------
    >>> idx = pd.period_range("2024Q1", periods=2, freq="Q")
    >>> dates = pd.Series(pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04", "2024-04-01", "2024-04-02"]))
    >>> _median_waiting(dates, idx, "d", [1.0, 5.0, float("nan"), 2.0, float("nan")]).tolist()
    [5.0, nan]
    """
    v = np.asarray(days, dtype=float)
    out = _median(dates, periods, name, np.where(np.isnan(v), np.inf, v))
    return out.where(np.isfinite(out.to_numpy()))


def _days(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    return ((later - earlier) / pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan)


def _lookup(keys: pd.Series, mapping: pd.Series) -> pd.Series:
    """``mapping[key]`` for each key (missing where absent), keeping the mapping's dtype.

    ``Series.map`` with an empty datetime mapping fails on pandas 3; a reindex does not.
    """
    return pd.Series(mapping.reindex(keys.to_numpy()).to_numpy(), index=keys.index, dtype=mapping.dtype)


def _sectors(data: TaskForceData) -> dict[str, str]:
    return dict(zip(data.members["member_id"].tolist(), data.members["sector"].tolist()))


# --------------------------------------------------------------------------- victim-centered


def clients_identified(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Clients whose ``identified_on`` falls in each period.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> int(clients_identified(data, period_index(data, "Y")).sum())
    600
    """
    return _count(data.clients["identified_on"], periods, "clients_identified")


def _first_service(data: TaskForceData) -> pd.DataFrame:
    """Each client's identification date, first service date (earliest met_on) and the days between."""
    met = data.needs[data.needs["met_on"].notna()]
    first = met.groupby("client_id")["met_on"].min()
    clients = data.clients[["client_id", "identified_on"]]
    first_on = _lookup(clients["client_id"], first)
    return clients.assign(first_service_on=first_on, days=_days(first_on, clients["identified_on"]))


def median_days_to_first_service(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Median days from a client's identification to the client's first service.

    *First service* is the earliest ``met_on`` of the client's needs: the day a service was
    actually delivered. (An accepted referral is a promise, not a service, and a client's
    victim-services hub often serves the client without any referral.) Clients are placed
    in the period of their ``identified_on``. A client with no met need yet counts as
    waiting longer than any client served (:func:`_median_waiting`): the median rests on
    every client identified in the period, and is NaN when half of them or more have not
    been served.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> s = median_days_to_first_service(data, period_index(data))
    >>> s.loc["2025Q3":"2025Q4"].tolist()  # 2025Q4: 4 of its 58 clients not served yet
    [5.0, 5.5]
    """
    first = _first_service(data)
    return _median_waiting(first["identified_on"], periods, "median_days_to_first_service", first["days"])


def _needs_due(data: TaskForceData, periods: pd.PeriodIndex, days: int, as_of: pd.Timestamp | None) -> np.ndarray:
    """Needs counted by the ``days``-day share: not declined, of a period whose window closed.

    A period is measured only when every need of it has had its full window by ``as_of``
    (the period's last day + ``days`` ≤ ``as_of``): a period half in the window would be
    read from its earliest needs only.
    """
    needs = data.needs
    eligible = ~_flag(needs["status"].eq("declined_by_client"))
    if as_of is None or len(periods) == 0:
        return np.zeros(len(needs), dtype=bool)
    placed = network.assign_periods(needs["identified_on"], periods)
    ends = pd.PeriodIndex(placed).end_time.normalize()  # NaT outside the periods
    closed = np.asarray(ends + pd.Timedelta(days=days) <= as_of, dtype=bool)
    return eligible & closed


def needs_met_within(data: TaskForceData, periods: pd.PeriodIndex, days: int, *, as_of: Any = None) -> pd.Series:
    """Share of needs met within ``days`` days of being identified.

    Parameters
    ----------
    data : TaskForceData
    periods : pandas.PeriodIndex
    days : int
        The window (30 and 90 in :func:`indicators`).
    as_of : date-like, optional
        The data end; the latest own date of the data by default.

    Returns
    -------
    pandas.Series
        Named ``needs_met_{days}d_share``. Of the needs identified in the period and not
        declined by the client, the share with a ``met_on`` at most ``days`` days after
        ``identified_on``. A need marked met without a ``met_on`` is not counted as met in
        time (its date is unknown). NaN for a period whose last day is less than ``days``
        days before ``as_of``: its needs have not all had their window yet.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> s = needs_met_within(data, period_index(data), 90)
    >>> [round(v, 2) for v in s.iloc[-3:]]  # 2025Q3 + 90 days is before 2025-12-31; 2025Q4 is not
    [0.85, 0.88, nan]
    """
    needs = data.needs
    due = _needs_due(data, periods, days, _as_of(data, as_of))
    met = _flag(_days(needs["met_on"], needs["identified_on"]) <= days)
    return _share(needs["identified_on"], periods, f"needs_met_{days}d_share", met, due)


def unmet_critical_need_share(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Share of the period's clients with any unmet safety, housing or medical need.

    Clients are placed in the period of their ``identified_on``; a client counts when one of
    their needs in :data:`CRITICAL_NEEDS` has status ``unmet`` (as recorded now).
    """
    codes = [c for group in CRITICAL_NEEDS.values() for c in group]
    needs = data.needs
    unmet = needs.loc[_flag(needs["need"].isin(codes)) & _flag(needs["status"].eq("unmet")), "client_id"]
    flagged = _flag(data.clients["client_id"].isin(unmet.unique()))
    return _share(data.clients["identified_on"], periods, "unmet_critical_need_share", flagged)


# --------------------------------------------------------------------------- referral system

_ACCEPTED = ("accepted", "completed")
_ANSWERED = ("accepted", "completed", "declined_capacity", "declined_eligibility", "declined_other")


def referrals_made(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Referrals whose ``referred_on`` falls in each period (NaN without a referrals table)."""
    if _optional_empty(data, "referrals"):
        return _nan_series(periods, "referrals_made")
    return _count(data.referrals["referred_on"], periods, "referrals_made")


def referral_acceptance_rate(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Share accepted or completed, of the period's referrals with a recorded outcome.

    The denominator is every referral with an outcome, ``no_response`` included: a
    referral nobody answered failed, and leaving it out would flatter the system. Open
    referrals (no outcome yet) are left out.
    """
    if _optional_empty(data, "referrals"):
        return _nan_series(periods, "referral_acceptance_rate")
    r = data.referrals
    return _share(r["referred_on"], periods, "referral_acceptance_rate", r["outcome"].isin(_ACCEPTED), r["outcome"].notna())


def median_response_days(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Median days from ``referred_on`` to ``responded_on`` over the period's referrals.

    A referral with no ``responded_on`` (not answered, or not yet) counts as slower than
    any answered one (:func:`_median_waiting`), as ``no_response`` counts against the
    acceptance rate: the median rests on every referral made in the period, and is NaN
    when half of them or more were not answered.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> median_response_days(data, period_index(data, "Y")).tolist()
    [11.0, 5.0, 3.0]
    """
    if _optional_empty(data, "referrals"):
        return _nan_series(periods, "median_response_days")
    r = data.referrals
    return _median_waiting(r["referred_on"], periods, "median_response_days", _days(r["responded_on"], r["referred_on"]))


def declined_capacity_share(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Share ``declined_capacity``, of the period's referrals with a recorded outcome."""
    if _optional_empty(data, "referrals"):
        return _nan_series(periods, "declined_capacity_share")
    r = data.referrals
    return _share(r["referred_on"], periods, "declined_capacity_share", r["outcome"].eq("declined_capacity"), r["outcome"].notna())


def closed_loop_share(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Share of the period's referrals whose loop closed: answered, with the outcome recorded.

    Closed: ``accepted``, ``completed``, ``declined_capacity``, ``declined_eligibility``,
    ``declined_other``. Not closed: ``no_response`` and referrals still open.
    """
    if _optional_empty(data, "referrals"):
        return _nan_series(periods, "closed_loop_share")
    r = data.referrals
    return _share(r["referred_on"], periods, "closed_loop_share", r["outcome"].isin(_ANSWERED))


def _referral_sectors(data: TaskForceData) -> tuple[np.ndarray, np.ndarray]:
    sectors = _sectors(data)
    r = data.referrals
    return r["from_member"].map(sectors).to_numpy(dtype=object), r["to_member"].map(sectors).to_numpy(dtype=object)


def _is_le_vs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    le, vs = network.LAW_ENFORCEMENT, network.VICTIM_SERVICES
    return ((a == le) & (b == vs)) | ((a == vs) & (b == le))


def cross_sector_referrals(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Referrals of the period between members of different sectors."""
    if _optional_empty(data, "referrals"):
        return _nan_series(periods, "cross_sector_referrals")
    a, b = _referral_sectors(data)
    return _count(data.referrals["referred_on"], periods, "cross_sector_referrals", a != b)


def cross_sector_referral_share(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Share of the period's referrals made between members of different sectors.

    Referral-weighted, unlike the network's ``cross_sector_tie_share`` (distinct ties).
    """
    if _optional_empty(data, "referrals"):
        return _nan_series(periods, "cross_sector_referral_share")
    a, b = _referral_sectors(data)
    return _share(data.referrals["referred_on"], periods, "cross_sector_referral_share", a != b)


def le_vs_referrals(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Referrals of the period between law enforcement and victim services (either way)."""
    if _optional_empty(data, "referrals"):
        return _nan_series(periods, "le_vs_referrals")
    a, b = _referral_sectors(data)
    return _count(data.referrals["referred_on"], periods, "le_vs_referrals", _is_le_vs(a, b))


# --------------------------------------------------------------------------- justice


def _event_count(data: TaskForceData, periods: pd.PeriodIndex, event: str, name: str) -> pd.Series:
    if _optional_empty(data, "cj_events"):
        return _nan_series(periods, name)
    ev = data.cj_events
    return _count(ev["occurred_on"], periods, name, ev["event"].eq(event))


def investigations_opened(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """``investigation_opened`` events dated in each period."""
    return _event_count(data, periods, "investigation_opened", "investigations_opened")


def arrests(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """``arrest`` events dated in each period (one per arrest recorded, not per case)."""
    return _event_count(data, periods, "arrest", "arrests")


def charges_filed(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """``charges_filed`` events dated in each period."""
    return _event_count(data, periods, "charges_filed", "charges_filed")


def convictions(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """``conviction`` events dated in each period."""
    return _event_count(data, periods, "conviction", "convictions")


def _cases(data: TaskForceData) -> pd.DataFrame:
    """One row per criminal case: start, first charges, victims, services, multi-agency date.

    ``start``: the first ``investigation_opened``, else the first event. ``has_victim``: a
    client_id on any event. ``victim_served``: one of those clients had a need met.
    ``multi_since``: the date the case first involved a second member or a second county.
    """
    ev = data.cj_events
    by_case = ev.groupby("case_id")
    first_event = by_case["occurred_on"].min()
    opened = ev[_flag(ev["event"].eq("investigation_opened"))].groupby("case_id")["occurred_on"].min()
    charged = ev[_flag(ev["event"].eq("charges_filed"))].groupby("case_id")["occurred_on"].min()
    served_clients = data.needs.loc[data.needs["met_on"].notna() | _flag(data.needs["status"].eq("met")), "client_id"].unique()
    victims = ev[ev["client_id"].notna()]
    has_victim = victims.groupby("case_id").size() > 0
    served = victims.assign(served=_flag(victims["client_id"].isin(served_clients))).groupby("case_id")["served"].any()

    def second_first_seen(column: str) -> pd.Series:
        # the date a second distinct member (or county) first appears on the case
        seen = ev[ev[column].notna()].groupby(["case_id", column])["occurred_on"].min().reset_index()
        seen = seen.sort_values(["case_id", "occurred_on"], kind="stable")
        return seen[seen.groupby("case_id").cumcount().to_numpy() == 1].set_index("case_id")["occurred_on"]

    multi = pd.concat([second_first_seen("member_id"), second_first_seen("county_fips")], axis=1).min(axis=1)
    cases = pd.DataFrame({"first_event": first_event})
    cases["start"] = opened.reindex(cases.index).fillna(cases["first_event"])
    cases["first_charges"] = charged.reindex(cases.index)
    cases["has_victim"] = has_victim.reindex(cases.index, fill_value=False).astype(bool)
    cases["victim_served"] = served.reindex(cases.index, fill_value=False).astype(bool)
    cases["multi_since"] = multi.reindex(cases.index)
    return cases.reset_index()


def joint_cases(data: TaskForceData, periods: pd.PeriodIndex, *, cases: pd.DataFrame | None = None) -> pd.Series:
    """Criminal cases started in the period whose identified victims also received services.

    A case starts on its first ``investigation_opened`` (else its first event); it counts
    when one of the clients on its events had a need met (``met_on`` recorded or status
    ``met``), at any date.

    ``cases``: the case table of :func:`_cases` when the caller already has it
    (:func:`indicators` computes it once for the four case indicators).
    """
    if _optional_empty(data, "cj_events"):
        return _nan_series(periods, "joint_cases")
    cases = _cases(data) if cases is None else cases
    return _count(cases["start"], periods, "joint_cases", cases["has_victim"] & cases["victim_served"])


def cases_with_services_share(data: TaskForceData, periods: pd.PeriodIndex, *, cases: pd.DataFrame | None = None) -> pd.Series:
    """Share of the period's criminal cases with an identified victim whose victims received services.

    ``cases``: the case table of :func:`_cases` when the caller already has it
    (:func:`indicators` computes it once for the four case indicators).
    """
    if _optional_empty(data, "cj_events"):
        return _nan_series(periods, "cases_with_services_share")
    cases = _cases(data) if cases is None else cases
    return _share(cases["start"], periods, "cases_with_services_share", cases["victim_served"], cases["has_victim"])


def median_days_investigation_to_charges(data: TaskForceData, periods: pd.PeriodIndex, *, cases: pd.DataFrame | None = None) -> pd.Series:
    """Median days from a case's start to its first charges, by the period of the charges.

    Placing a case in the period it was charged (not opened) keeps recent periods honest:
    their cases are not missing the slow ones still under investigation.

    ``cases``: the case table of :func:`_cases` when the caller already has it
    (:func:`indicators` computes it once for the four case indicators).
    """
    if _optional_empty(data, "cj_events"):
        return _nan_series(periods, "median_days_investigation_to_charges")
    cases = _cases(data) if cases is None else cases
    return _median(cases["first_charges"], periods, "median_days_investigation_to_charges", _days(cases["first_charges"], cases["start"]))


def multi_agency_cases(data: TaskForceData, periods: pd.PeriodIndex, *, cases: pd.DataFrame | None = None) -> pd.Series:
    """Cases with an event in the period that, by the period's end, involved 2+ agencies or counties.

    Agencies are the members recording the case's events (``member_id``), jurisdictions
    their ``county_fips``.

    ``cases``: the case table of :func:`_cases` when the caller already has it
    (:func:`indicators` computes it once for the four case indicators).
    """
    if _optional_empty(data, "cj_events"):
        return _nan_series(periods, "multi_agency_cases")
    ev = data.cj_events
    active = _frame(ev["occurred_on"], periods, case_id=ev["case_id"].to_numpy(dtype=object)).drop_duplicates()
    multi_since = (_cases(data) if cases is None else cases).set_index("case_id")["multi_since"]
    since = _lookup(active["case_id"], multi_since)
    ends = pd.Series(pd.PeriodIndex(active["period"]).end_time.to_numpy(), index=active.index)
    active = active[_flag(since.notna() & (since <= ends))]
    out = active.groupby("period").size().reindex(periods, fill_value=0).astype("float64")
    return out.rename("multi_agency_cases").rename_axis("period")


# --------------------------------------------------------------------------- engagement


def _activity_count(data: TaskForceData, periods: pd.PeriodIndex, kind: str, name: str) -> pd.Series:
    if _optional_empty(data, "activities"):
        return _nan_series(periods, name)
    act = data.activities
    return _count(act["date"], periods, name, act["kind"].eq(kind))


def meetings(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Task force meetings (activities of kind ``meeting``) in each period."""
    return _activity_count(data, periods, "meeting", "meetings")


def joint_trainings(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Joint trainings (activities of kind ``joint_training``) in each period."""
    return _activity_count(data, periods, "joint_training", "joint_trainings")


def case_reviews(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Multidisciplinary case reviews (activities of kind ``case_review``) in each period."""
    return _activity_count(data, periods, "case_review", "case_reviews")


def _meeting_seats(data: TaskForceData, kind: str = "meeting") -> pd.DataFrame:
    """One row per activity of ``kind`` × member belonging to the task force that day; ``present``."""
    act = data.activities[_flag(data.activities["kind"].eq(kind))]
    members = data.members
    when = act["date"].to_numpy(dtype="datetime64[ns]")
    joined = members["joined_on"].to_numpy(dtype="datetime64[ns]")
    left = members["left_on"].to_numpy(dtype="datetime64[ns]")
    # activities × members: a few hundred activities by a few hundred members
    expected = (joined[None, :] <= when[:, None]) & (np.isnat(left)[None, :] | (left[None, :] >= when[:, None]))
    a_idx, m_idx = np.nonzero(expected)
    seats = pd.DataFrame(
        {
            "activity_id": act["activity_id"].to_numpy(dtype=object)[a_idx],
            "date": act["date"].to_numpy()[a_idx],
            "member_id": members["member_id"].to_numpy(dtype=object)[m_idx],
            "sector": members["sector"].to_numpy(dtype=object)[m_idx],
        }
    )
    present = pd.MultiIndex.from_frame(data.attendance[["activity_id", "member_id"]].astype(object))
    seats["present"] = pd.MultiIndex.from_frame(seats[["activity_id", "member_id"]]).isin(present)
    return seats


def _meeting_counts(data: TaskForceData, kind: str = "meeting", *, by_sector: bool = False) -> pd.DataFrame:
    """Per activity of ``kind`` (and sector): ``date``, ``expected`` (members belonging that day), ``present`` (those there).

    The totals of :func:`_meeting_seats` without its activities × members rows: members
    belonging on a date are counted from the sorted joining and leaving dates, so the cost
    grows with activities + members + attendance, not with their product. ``by_sector``:
    one row per activity × sector of the members (column ``sector``).
    """
    act = data.activities[_flag(data.activities["kind"].eq(kind))]
    when = act["date"].to_numpy(dtype="datetime64[ns]")
    ids = act["activity_id"].to_numpy(dtype=object)
    members = data.members.drop_duplicates("member_id")
    members.index = members["member_id"].to_numpy(dtype=object)
    joined = members["joined_on"].to_numpy(dtype="datetime64[ns]")
    left = members["left_on"].to_numpy(dtype="datetime64[ns]")
    # a member is expected on d when joined <= d and (no left date or left >= d); one that
    # left before joining never is, so that "left < d" implies "joined <= d" below
    counted = ~np.isnat(joined) & (np.isnat(left) | (left >= joined))
    sector = members["sector"].to_numpy(dtype=object) if by_sector else np.full(len(members), None, dtype=object)
    seats = data.attendance[["activity_id", "member_id"]].astype(object).drop_duplicates()
    seats = seats.merge(pd.DataFrame({"activity_id": ids, "date": when}), on="activity_id")
    start = members["joined_on"].reindex(seats["member_id"]).to_numpy(dtype="datetime64[ns]")
    end = members["left_on"].reindex(seats["member_id"]).to_numpy(dtype="datetime64[ns]")
    belongs = (start <= seats["date"].to_numpy()) & (np.isnat(end) | (end >= seats["date"].to_numpy()))
    seats = seats[belongs].assign(sector=pd.Series(sector, index=members.index).reindex(seats.loc[belongs, "member_id"]).to_numpy(dtype=object))
    parts = []
    for group in pd.unique(sector):  # one sector at a time (ten at most), or everyone
        mine = counted & (sector == group) if group is not None else counted
        starts = np.sort(joined[mine])
        ends = np.sort(left[mine & ~np.isnat(left)])
        expected = np.searchsorted(starts, when, side="right") - np.searchsorted(ends, when, side="left")
        here = seats["sector"] == group if group is not None else np.ones(len(seats), dtype=bool)
        present = seats.loc[here, "activity_id"].value_counts().reindex(ids).fillna(0).to_numpy(dtype="int64")
        parts.append(pd.DataFrame({"activity_id": ids, "date": act["date"].to_numpy(), "sector": group,
                                   "expected": expected.astype("int64"), "present": present}))
    if not parts:
        parts.append(pd.DataFrame({"activity_id": ids, "date": act["date"].to_numpy(), "sector": None, "expected": 0, "present": 0}))
    counts = pd.concat(parts, ignore_index=True)
    return counts if by_sector else counts.drop(columns="sector")


def _training_attendance(data: TaskForceData, periods: pd.PeriodIndex) -> pd.DataFrame:
    """One row per member present at a joint training: ``period``, ``activity_id``, ``sector``."""
    trainings = data.activities.loc[_flag(data.activities["kind"].eq("joint_training")), ["activity_id", "date"]]
    present = data.attendance[["activity_id", "member_id"]].merge(trainings, on="activity_id")
    return _frame(present["date"], periods, activity_id=present["activity_id"].to_numpy(dtype=object),
                  sector=present["member_id"].map(_sectors(data)).to_numpy(dtype=object))


def meeting_attendance_rate(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Members present / members expected over the period's meetings.

    A member is expected at every meeting held while it belonged to the task force
    (``joined_on`` ≤ date ≤ ``left_on``); a guest present while not a member is not counted.
    """
    if _optional_empty(data, "activities"):
        return _nan_series(periods, "meeting_attendance_rate")
    counts = _meeting_counts(data)
    frame = _frame(counts["date"], periods, present=counts["present"].to_numpy(), expected=counts["expected"].to_numpy())
    sums = frame.groupby("period")[["present", "expected"]].sum().reindex(periods)
    rate = sums["present"] / sums["expected"].where(sums["expected"] > 0)
    return rate.astype("float64").rename("meeting_attendance_rate").rename_axis("period")


def joint_training_sectors(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Mean number of distinct sectors among the members present at the period's joint trainings."""
    if _optional_empty(data, "activities"):
        return _nan_series(periods, "joint_training_sectors")
    act = data.activities[_flag(data.activities["kind"].eq("joint_training"))]
    present = data.attendance.assign(sector=data.attendance["member_id"].map(_sectors(data)))
    per_training = present.groupby("activity_id")["sector"].nunique()
    sectors = act["activity_id"].map(per_training).fillna(0).to_numpy(dtype=float)
    return _median_like_mean(act["date"], periods, "joint_training_sectors", sectors)


def _median_like_mean(dates: pd.Series, periods: pd.PeriodIndex, name: str, values: np.ndarray) -> pd.Series:
    frame = _frame(dates, periods, v=np.asarray(values, dtype=float))
    return frame.groupby("period")["v"].mean().reindex(periods).astype("float64").rename(name).rename_axis("period")


# --------------------------------------------------------------------------- survey


def parse_wave_dates(text: str | Mapping[int, Any] | None) -> dict[int, pd.Timestamp]:
    """Read survey wave dates written as ``"1:2023-06-15;2:2024-03-15"`` (or a mapping).

    Examples
    --------
    >>> parse_wave_dates("1:2023-06-15; 2:2024-03-15")
    {1: Timestamp('2023-06-15 00:00:00'), 2: Timestamp('2024-03-15 00:00:00')}
    >>> parse_wave_dates("")
    {}
    """
    if text is None:
        return {}
    if isinstance(text, Mapping):
        return {int(k): pd.Timestamp(v) for k, v in text.items()}
    out: dict[int, pd.Timestamp] = {}
    for part in (p.strip() for p in str(text).split(";")):
        if not part:
            continue
        m = re.fullmatch(r"(\d+)\s*[:=]\s*(\d{4}-\d{2}-\d{2})", part)
        if not m:
            raise ValueError(f"survey wave dates: cannot read {part!r}; write wave:date pairs separated by ';', e.g. 1:2023-06-15;2:2024-03-15")
        out[int(m[1])] = pd.Timestamp(m[2])
    return out


SURVEY_COLUMNS: tuple[str, ...] = (
    "fielded_on", "respondents", "ratings", "level_mean", "trust_mean", "value_mean",
    "mutual_pairs", "disagreeing_pairs", "disagreeing_share", "repeated_pairs", "level_change_same_pairs", "trust_change_same_pairs",
)


def survey_waves(data: TaskForceData, wave_dates: Mapping[int, Any] | str | None = None) -> pd.DataFrame:
    """Partner-survey results per wave.

    Parameters
    ----------
    data : TaskForceData
    wave_dates : mapping or str, optional
        Wave → date fielded (the survey table has no dates); see :func:`parse_wave_dates`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``wave``; columns ``fielded_on``, ``respondents`` (members answering),
        ``ratings``, ``level_mean`` (Levels of Collaboration, 0–5), ``trust_mean`` and
        ``value_mean`` (1–4, over the ratings giving them), ``mutual_pairs`` (pairs who
        rated each other), ``disagreeing_pairs`` (mutual pairs whose levels differ by 2
        or more), ``disagreeing_share``, ``repeated_pairs`` (respondent → partner ratings
        also given in the previous wave), ``level_change_same_pairs`` and
        ``trust_change_same_pairs`` (mean change over those pairs; NaN for the first
        wave). Empty, with these columns, when there is no survey.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> waves = survey_waves(tf.load_dataset(DEMO_DIR))
    >>> waves["level_mean"].round(2).tolist()
    [1.87, 1.94, 2.68, 2.89]
    """
    dates = parse_wave_dates(wave_dates) if not isinstance(wave_dates, Mapping) else parse_wave_dates(dict(wave_dates))
    s = data.survey
    if s.empty:
        return pd.DataFrame(columns=list(SURVEY_COLUMNS), index=pd.Index([], name="wave", dtype="int64"))
    s = pd.DataFrame(
        {
            "wave": s["wave"].to_numpy(dtype="int64"),
            "respondent_id": s["respondent_id"].to_numpy(dtype=object),
            "partner_id": s["partner_id"].to_numpy(dtype=object),
            "level": s["level"].to_numpy(dtype=float, na_value=np.nan),
            "trust": s["trust"].to_numpy(dtype=float, na_value=np.nan),
            "value": s["value"].to_numpy(dtype=float, na_value=np.nan),
        }
    )
    by_wave = s.groupby("wave")
    out = pd.DataFrame(
        {
            "respondents": by_wave["respondent_id"].nunique().astype("float64"),
            "ratings": by_wave.size().astype("float64"),
            "level_mean": by_wave["level"].mean(),
            "trust_mean": by_wave["trust"].mean(),
            "value_mean": by_wave["value"].mean(),
        }
    )
    # mutual pairs: a rated b and b rated a in the same wave; each pair once (a < b)
    mutual = s.merge(s, left_on=["wave", "respondent_id", "partner_id"], right_on=["wave", "partner_id", "respondent_id"], suffixes=("", "_back"))
    mutual = mutual[mutual["respondent_id"] < mutual["partner_id"]]
    mutual = mutual.assign(disagree=(mutual["level"] - mutual["level_back"]).abs() >= 2)
    out["mutual_pairs"] = mutual.groupby("wave").size().reindex(out.index, fill_value=0).astype("float64")
    out["disagreeing_pairs"] = mutual.groupby("wave")["disagree"].sum().reindex(out.index, fill_value=0).astype("float64")
    out["disagreeing_share"] = (out["disagreeing_pairs"] / out["mutual_pairs"]).where(out["mutual_pairs"] > 0)
    # the same respondent → partner pair in this wave and the previous one
    order = pd.Series(np.arange(len(out.index)), index=out.index)
    previous = s.assign(wave=s["wave"].map(pd.Series(out.index[1:].to_numpy(), index=out.index[:-1])))
    previous = previous[previous["wave"].notna()].astype({"wave": "int64"})
    same = s.merge(previous, on=["wave", "respondent_id", "partner_id"], suffixes=("", "_prev"))
    same = same.assign(level_change=same["level"] - same["level_prev"], trust_change=same["trust"] - same["trust_prev"])
    out["repeated_pairs"] = same.groupby("wave").size().reindex(out.index, fill_value=0).astype("float64")
    out["level_change_same_pairs"] = same.groupby("wave")["level_change"].mean().reindex(out.index)
    out["trust_change_same_pairs"] = same.groupby("wave")["trust_change"].mean().reindex(out.index)
    out.loc[order[order == 0].index, "repeated_pairs"] = np.nan
    out["fielded_on"] = pd.to_datetime(pd.Series([dates.get(int(w)) for w in out.index], index=out.index, dtype=object))
    out.index.name = "wave"
    return out[list(SURVEY_COLUMNS)]


def _survey_by_period(data: TaskForceData, periods: pd.PeriodIndex, wave_dates: Any) -> pd.DataFrame:
    names = ["survey_level_mean", "survey_trust_mean", "survey_value_mean", "survey_disagreeing_pairs", "survey_level_change_same_pairs"]
    out = pd.DataFrame(np.nan, index=periods, columns=names, dtype="float64")
    waves = survey_waves(data, wave_dates)
    dated = waves[waves["fielded_on"].notna()]
    if dated.empty or len(periods) == 0:
        return out
    placed = dated.assign(period=network.assign_periods(dated["fielded_on"], periods).to_numpy())
    placed = placed[placed["period"].notna()].groupby("period").last()  # two waves in one period: the later
    values = placed[["level_mean", "trust_mean", "value_mean", "disagreeing_pairs", "level_change_same_pairs"]].set_axis(names, axis=1)
    out.loc[pd.PeriodIndex(values.index, freq=periods.freq), names] = values.to_numpy(dtype=float)
    return out


# --------------------------------------------------------------------------- all together


def indicators(data: TaskForceData, freq: str = "Q", *, as_of: Any = None, wave_dates: Mapping[int, Any] | str | None = None) -> pd.DataFrame:
    """Every collaboration indicator, per period.

    Parameters
    ----------
    data : TaskForceData
        A loaded dataset (restrict it with :func:`up_to` for a report on a past period).
    freq : str
        ``"Q"`` quarters (default), ``"H"`` half-years (as TIMS reports), ``"M"``, ``"Y"``.
    as_of : date-like, optional
        The data end, for the needs-met windows; the latest own date of the data by default.
    wave_dates : mapping or str, optional
        Survey wave → date fielded; the survey columns are filled at the period of each
        wave's date (NaN elsewhere, and everywhere without dates).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``period`` (a ``PeriodIndex``: every period from the first to the last
        in the data, empty ones included), one float64 column per indicator of
        :data:`INDICATORS`, in that order.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> table = indicators(tf.load_dataset(DEMO_DIR), "H")
    >>> table["joint_trainings"].tolist()
    [2.0, 2.0, 2.0, 4.0, 5.0, 4.0]
    """
    periods = period_index(data, freq)
    stamp = _as_of(data, as_of)
    cases = None if _optional_empty(data, "cj_events") else _cases(data)  # once, for the four case indicators
    parts: list[pd.Series | pd.DataFrame] = [
        clients_identified(data, periods),
        median_days_to_first_service(data, periods),
        needs_met_within(data, periods, 30, as_of=stamp),
        needs_met_within(data, periods, 90, as_of=stamp),
        unmet_critical_need_share(data, periods),
        referrals_made(data, periods),
        referral_acceptance_rate(data, periods),
        median_response_days(data, periods),
        declined_capacity_share(data, periods),
        closed_loop_share(data, periods),
        cross_sector_referrals(data, periods),
        cross_sector_referral_share(data, periods),
        le_vs_referrals(data, periods),
        _network(data, periods),
        investigations_opened(data, periods),
        arrests(data, periods),
        charges_filed(data, periods),
        convictions(data, periods),
        joint_cases(data, periods, cases=cases),
        cases_with_services_share(data, periods, cases=cases),
        median_days_investigation_to_charges(data, periods, cases=cases),
        multi_agency_cases(data, periods, cases=cases),
        meetings(data, periods),
        meeting_attendance_rate(data, periods),
        joint_trainings(data, periods),
        joint_training_sectors(data, periods),
        case_reviews(data, periods),
        _survey_by_period(data, periods, wave_dates),
    ]
    table = pd.concat(parts, axis=1)
    table.index = periods
    return table[[ind.name for ind in INDICATORS]].astype("float64")


def _network(data: TaskForceData, periods: pd.PeriodIndex) -> pd.DataFrame:
    measures = network.network_indicators(data.referrals, data.members, periods)
    if _optional_empty(data, "referrals"):
        measures.loc[:, [c for c in measures.columns if c != "active_members"]] = np.nan
    return measures


def indicator_bases(data: TaskForceData, freq: str = "Q", *, as_of: Any = None) -> pd.DataFrame:
    """The counts each share and median is computed from, per period (:data:`BASES`).

    A published rate whose base is from 1 to ``threshold - 1`` is not shown
    (:func:`reportable`).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> bases = indicator_bases(tf.load_dataset(DEMO_DIR))
    >>> bases.loc["2025Q3":"2025Q4", "needs_due_90"].tolist()
    [313.0, 0.0]
    """
    periods = period_index(data, freq)
    stamp = _as_of(data, as_of)
    needs = data.needs
    out = pd.DataFrame(index=periods)
    out["clients_identified"] = clients_identified(data, periods)
    out["needs_due_30"] = _count(needs["identified_on"], periods, "needs_due_30", _needs_due(data, periods, 30, stamp))
    out["needs_due_90"] = _count(needs["identified_on"], periods, "needs_due_90", _needs_due(data, periods, 90, stamp))
    r = data.referrals
    out["referrals_made"] = referrals_made(data, periods)
    out["referrals_closed"] = _count(r["referred_on"], periods, "referrals_closed", r["outcome"].notna())
    cases = _cases(data)
    out["cases_with_victims"] = _count(cases["start"], periods, "cases_with_victims", cases["has_victim"])
    out["cases_charged"] = _count(cases["first_charges"], periods, "cases_charged", cases["first_charges"].notna())
    for table, columns in (("referrals", ["referrals_closed"]), ("cj_events", ["cases_with_victims", "cases_charged"])):
        if _optional_empty(data, table):
            out[columns] = np.nan
    out.index.name = "period"
    return out.astype("float64")


# --------------------------------------------------------------------------- for leadership


def reportable(table: pd.DataFrame, bases: pd.DataFrame, threshold: int = 11) -> pd.DataFrame:
    """An analyst's screen: rates and medians from small bases set to NaN.

    A share or median whose base (:attr:`Indicator.base`) is from 1 to ``threshold - 1``
    becomes NaN: computed from so few clients, needs, referrals or cases it would be noise.
    This is not disclosure control: what leadership sees goes through
    :func:`release_counts` and :func:`publish`.

    Examples
    --------
    >>> t = pd.DataFrame({"median_response_days": [4.0, 9.0]}, index=pd.period_range("2024Q1", periods=2, freq="Q"))
    >>> b = pd.DataFrame({"referrals_made": [30.0, 4.0]}, index=t.index)
    >>> reportable(t, b)["median_response_days"].tolist()
    [4.0, nan]
    """
    out = table.copy()
    for name in out.columns:
        ind = _BY_NAME.get(name)
        if ind is None or ind.base is None or ind.base not in bases.columns:
            continue
        base = bases[ind.base].reindex(out.index)
        small = (base > 0) & (base < threshold)
        out.loc[small.to_numpy(dtype=bool), name] = np.nan
    return out


# Columns the report derives for the units it counts (registered with Release.derive, from
# the whole dataset, so that a name means one thing in every run of the same data).
SECTOR_LINK = "collaboration.sector_link"
"""Referrals: ``le_vs`` (law enforcement ↔ victim services), ``cross_other`` (other sectors apart) or ``same``."""
TIE = "collaboration.tie"
"""Referrals: the member pair ``A|B`` (ids in order) of a referral between two members; missing for self-referrals."""
CASE_START = "collaboration.case_start"
"""Criminal-justice events: on the event a case starts with, ``victim_served``, ``victim_not_served`` or ``no_victim``."""
FIRST_CHARGES = "collaboration.first_charges"
"""Criminal-justice events: True on a case's first ``charges_filed`` event."""
UNMET_CRITICAL = "collaboration.unmet_critical_need"
"""Clients: True for a client with an unmet safety, housing or medical need (:data:`CRITICAL_NEEDS`)."""


def _met_within(days: int) -> str:
    """Needs: True for a need met at most ``days`` days after it was identified."""
    return f"collaboration.met_within_{days}_days"


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


def _count_specs(word: str) -> dict[str, _Count]:
    """Every victim count the report releases, the indicators' first (what is shown first stays shown)."""
    def event(kind: str, label: str) -> _Count:
        return _Count(label, "cj_events", "occurred_on", {"event": kind}, "cj_events")

    def needs(days: int, met: bool) -> _Count:
        where: dict[str, Any] = {"status": list(_NOT_DECLINED)}
        if met:
            where[_met_within(days)] = True
        return _Count(f"needs {'met within' if met else 'due within'} {days} days", "needs", "identified_on", where, "needs", days)

    referrals = {
        "referrals_made": ("referrals made", {}),
        "cross_sector_referrals": ("referrals across sectors", {SECTOR_LINK: ["le_vs", "cross_other"]}),
        "le_vs_referrals": ("law enforcement ↔ victim services referrals", {SECTOR_LINK: "le_vs"}),
        "referrals_closed": ("referrals with a recorded outcome", {"outcome": list(contract.REFERRAL_OUTCOMES)}),
        "referrals_accepted": ("referrals accepted or completed", {"outcome": list(_ACCEPTED)}),
        "referrals_declined_capacity": ("referrals declined for lack of capacity", {"outcome": "declined_capacity"}),
        "referrals_loop_closed": ("referrals with a closed loop", {"outcome": list(_ANSWERED)}),
    }
    r = {name: _Count(label, "referrals", "referred_on", where, "referrals") for name, (label, where) in referrals.items()}
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
    if columns & {SECTOR_LINK, TIE} and not _optional_empty(data, "referrals"):
        r = data.referrals
        a, b = _referral_sectors(data)
        rel.derive("referrals", SECTOR_LINK, pd.Series(np.where(_is_le_vs(a, b), "le_vs", np.where(a != b, "cross_other", "same")), index=r.index))
        pair = np.sort(np.column_stack([r["from_member"].astype("string").fillna("").to_numpy(dtype=object),
                                        r["to_member"].astype("string").fillna("").to_numpy(dtype=object)]), axis=1)
        tie = pd.Series(pair[:, 0] + "|" + pair[:, 1], index=r.index, dtype=object)
        rel.derive("referrals", TIE, tie.where(_flag(r["from_member"].notna() & r["to_member"].notna() & (r["from_member"] != r["to_member"]))))
    needs = data.needs
    if UNMET_CRITICAL in columns:
        codes = [c for group in CRITICAL_NEEDS.values() for c in group]
        unmet = needs.loc[_flag(needs["need"].isin(codes)) & _flag(needs["status"].eq("unmet")), "client_id"]
        rel.derive("clients", UNMET_CRITICAL, pd.Series(_flag(data.clients["client_id"].isin(unmet.unique())), index=data.clients.index))
    for days in (30, 90):
        if _met_within(days) in columns:
            rel.derive("needs", _met_within(days), pd.Series(_days(needs["met_on"], needs["identified_on"]) <= days, index=needs.index))
    if not columns & {CASE_START, FIRST_CHARGES, _multi_agency(word)} or _optional_empty(data, "cj_events"):
        return
    ev = data.cj_events
    cases = _cases(data).set_index("case_id")
    position = np.arange(len(ev))
    opened = _flag(ev["event"].eq("investigation_opened"))
    # the event a case starts with: its first investigation_opened, else its first event (as _cases dates it)
    order = pd.DataFrame({"case_id": ev["case_id"].to_numpy(dtype=object), "later": ~opened, "on": ev["occurred_on"].to_numpy(), "pos": position})
    starts = order.sort_values(["case_id", "later", "on", "pos"], kind="stable").drop_duplicates("case_id")
    info = cases.reindex(starts["case_id"].to_numpy())
    kind = np.where(~info["has_victim"].to_numpy(dtype=bool), "no_victim",
                    np.where(info["victim_served"].to_numpy(dtype=bool), "victim_served", "victim_not_served"))
    start = pd.Series(pd.NA, index=ev.index, dtype=object)
    start.iloc[starts["pos"].to_numpy()] = kind
    rel.derive("cj_events", CASE_START, start)
    charged = order[_flag(ev["event"].eq("charges_filed"))].sort_values(["case_id", "on", "pos"], kind="stable").drop_duplicates("case_id")
    rel.derive("cj_events", FIRST_CHARGES, pd.Series(np.isin(position, charged["pos"].to_numpy()), index=ev.index))
    if _multi_agency(word) not in columns:
        return
    # a case counts once in each period it has an event in, when it involved 2+ agencies or counties by the period's end
    calendar = period_index(data, freq)
    placed = network.assign_periods(ev["occurred_on"], calendar)
    first = order.assign(period=placed.to_numpy()).dropna(subset=["period"]).sort_values(["case_id", "on", "pos"], kind="stable")
    first = first.drop_duplicates(["case_id", "period"])
    since = _lookup(first["case_id"], cases["multi_since"])
    ends = pd.PeriodIndex(first["period"], freq=calendar.freq).end_time
    multi = first["pos"].to_numpy()[_flag(since.notna().to_numpy() & (since.to_numpy() <= ends.to_numpy()))]
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
    """

    release: Any
    periods: pd.PeriodIndex
    spans: list
    series: dict
    unknown: frozenset
    threshold: int
    word: str = "quarter"

    @property
    def labels(self) -> pd.Index:
        return period_labels(self.periods)

    def shown(self, name: str) -> pd.Series:
        """The count per period as printed: ints, ``"<11"`` where hidden, NaN where not counted."""
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
            return f"fewer than {self.threshold}"
        if isinstance(value, float) and math.isnan(value):
            return "an unknown number of"
        return f"{int(value):,}"


def release_counts(rel: Any, data: TaskForceData, period: PeriodLike = "all", freq: str = "Q", *,
                   names: Sequence[str] | None = None) -> ReleasedCounts:
    """Release the report's victim counts per period through the publication layer.

    Every count of :data:`COUNTS` (or ``names``) is released as a series by period
    (:class:`tfanalysis.publication.ByPeriod`) over the history up to the reporting
    period's end: the count indicators first, then the numerators and bases of the shares
    and medians. The layer decides what is hidden, the same way in every table, notebook
    and run of the same data: a quarter hidden here is not a year minus the other quarters
    there. Counts of the needs-met windows are released only for the periods whose window
    closed (as :func:`needs_met_within` measures them).

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
    [22, '<11', 37]
    """
    from tfanalysis.publication import ByPeriod

    p = parse_period(period)
    history = up_to(data, p)
    code = _freq(freq)
    periods = period_index(history, freq)
    word = period_word(periods) if len(periods) else {"Q": "quarter", "2Q": "half-year", "M": "month", "Y": "year"}[code]
    specs = _count_specs(word)
    wanted = list(specs) if names is None else [n for n in specs if n in set(names)]
    unknown_names = sorted(set(names or ()) - set(specs))
    if unknown_names:
        raise ValueError(f"not counts of the collaboration report: {unknown_names}; choose among {list(specs)}")
    spans = _spans(periods, p.end)
    unknown = frozenset(n for n in wanted if _optional_empty(data, specs[n].source))
    series: dict[str, Any] = {}
    if len(periods):
        _derive(rel, data, freq, word, {column for name in wanted if name not in unknown for column in specs[name].where})
        as_of = _as_of(history)
        for name in wanted:
            spec = specs[name]
            if name in unknown:
                continue
            use = spans
            if spec.window is not None:
                closed = np.asarray(periods.end_time.normalize() + pd.Timedelta(days=spec.window) <= as_of, dtype=bool)
                use = [s for s, ok in zip(spans, closed) if ok]
            if use:
                series[name] = rel.table(spec.universe, rows=ByPeriod(spec.date, use), where=dict(spec.where),
                                         name=f"collaboration: {spec.label} per {word}")
    return ReleasedCounts(rel, periods, spans, series, unknown, int(rel.threshold), word)


def _published_number(value: Any) -> float:
    return float("nan") if isinstance(value, str) or value is None else float(value)


def publish(table: pd.DataFrame, counts: ReleasedCounts) -> pd.DataFrame:
    """The indicators as leadership sees them, indexed by period label.

    Counts of people, referrals, cases and criminal-justice events (unit ``count``) are
    the released ones (``"<11"`` where hidden). A share is its released numerator over its
    released base (:data:`NUMERATORS`), shown where both are; a median is shown where its
    base is. Tallies of members, ties and activities, network measures and survey scores
    are organizations' data and shown as they are.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`indicators` (any of its columns).
    counts : ReleasedCounts
        :func:`release_counts` over the same periods.

    Returns
    -------
    pandas.DataFrame
        Index: period labels (:func:`period_labels`); count columns of object dtype.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> counts = release_counts(Release(data), data, names=["referrals_made", "le_vs_referrals", "cross_sector_referrals"])
    >>> shown = publish(indicators(data)[["le_vs_referrals", "cross_sector_referral_share", "ties"]], counts)
    >>> shown.loc["2024Q2", "le_vs_referrals"], round(shown.loc["2024Q2", "cross_sector_referral_share"], 3), shown.loc["2024Q2", "ties"]
    ('<11', np.float64(0.521), np.float64(89.0))
    """
    labels = period_labels(table.index)
    if list(labels) != list(counts.labels):
        raise ValueError("the indicators and the released counts cover different periods: release the counts for the same period and frequency")
    shown = table.copy()
    shown.index = labels
    for name in table.columns:
        ind = _BY_NAME.get(name)
        if ind is None:
            continue
        if ind.unit == "count":
            shown[name] = counts.shown(name).to_numpy()
        elif name in NUMERATORS:
            base = counts.numbers(ind.base)
            shown[name] = (counts.numbers(NUMERATORS[name]) / base.where(base > 0)).to_numpy()
        elif ind.base is not None:
            keep = counts.numbers(ind.base).notna().to_numpy()
            shown[name] = table[name].where(keep).to_numpy()
    return shown


def _numbers(shown: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """Published cells as floats (NaN where hidden), on the indicators' own index."""
    out = shown.apply(lambda column: column.map(_published_number)).astype("float64")
    out.index = index
    return out


def scorecard(table: pd.DataFrame, counts: ReleasedCounts, *, families: Sequence[str] | None = None) -> pd.DataFrame:
    """Each indicator's latest value, its changes, and its trend, for leadership.

    Every number is read from what :func:`publish` shows: a change since the previous
    period or a year before exists only between two shown values, and the trend is tested
    on the shown values (a hidden period is left out, and keeps its place in time).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`indicators`.
    counts : ReleasedCounts
        :func:`release_counts` over the same periods.
    families : sequence of str, optional
        Families to include; all but ``survey`` by default (the survey has its own
        per-wave table: :func:`survey_waves`).

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator name: ``label``, ``family``, ``unit``, ``period`` (the latest),
        ``latest``, ``hidden`` (the latest value is hidden: ``latest`` is NaN),
        ``vs_previous`` (latest − previous period), ``vs_year_before`` (latest − the same
        period a year before), ``trend`` (Mann–Kendall over the shown values:
        increasing / decreasing / no trend / too short), ``trend_p``, ``sen_slope`` (per
        period), ``higher_is_better``, ``assessment`` (improving / worsening / stable / too
        short / ``—`` when neither direction is better), ``note``.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> card = scorecard(indicators(data), release_counts(Release(data), data, names=["referrals_made"]), families=["referrals"])
    >>> card.loc["median_response_days", ["latest", "trend", "assessment"]].tolist()
    [np.float64(3.0), 'decreasing', 'improving']
    """
    columns = ["label", "family", "unit", "period", "latest", "hidden", "vs_previous", "vs_year_before", "trend", "trend_p",
               "sen_slope", "higher_is_better", "assessment", "note"]
    if len(table) == 0:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="indicator"))
    chosen = [f for f in FAMILIES if f != "survey"] if families is None else list(families)
    shown = publish(table, counts)
    values = _numbers(shown, table.index)
    per_year = _periods_per_year(table.index) if isinstance(table.index, pd.PeriodIndex) else 4
    labels = list(shown.index)
    rows = []
    for ind in INDICATORS:
        if ind.family not in chosen or ind.name not in table.columns:
            continue
        cells = values[ind.name].to_numpy(dtype=float)
        hidden = shown[ind.name].map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        n = len(cells)
        latest = cells[-1] if n else np.nan
        previous = cells[-2] if n >= 2 else np.nan
        year_before = cells[-1 - per_year] if n > per_year else np.nan
        test = trends.mann_kendall(values[ind.name])
        rows.append(
            {
                "indicator": ind.name,
                "label": ind.label,
                "family": ind.family,
                "unit": ind.unit,
                "period": labels[-1] if n else None,
                "latest": latest,
                "hidden": bool(hidden[-1]) if n else False,
                "vs_previous": latest - previous,
                "vs_year_before": latest - year_before,
                "trend": test["trend"],
                "trend_p": test["p_value"],
                "sen_slope": test["sen_slope"],
                "higher_is_better": ind.higher_is_better,
                "assessment": _assessment(str(test["trend"]), ind.higher_is_better),
                "note": _latest_note(ind, counts, bool(hidden[-1]) if n else False, latest),
            }
        )
    card = pd.DataFrame(rows, columns=["indicator", *columns]).set_index("indicator")[columns]
    card["higher_is_better"] = card["higher_is_better"].astype(object)
    return card


def _assessment(trend: str, higher_is_better: bool | None) -> str:
    if trend == "too short":
        return "too short"
    if trend == "no trend":
        return "stable"
    if higher_is_better is None:
        return "—"
    return "improving" if (trend == "increasing") == higher_is_better else "worsening"


def _latest_note(ind: Indicator, counts: ReleasedCounts, hidden: bool, latest: float) -> str:
    """Why the latest value reads as it does (never a hidden count's size)."""
    if hidden:
        return "hidden (disclosure control)"
    if not (isinstance(latest, float) and math.isnan(latest)) or len(counts.periods) == 0:
        return ""
    needs = [n for n in (ind.name if ind.unit == "count" else None, NUMERATORS.get(ind.name), ind.base) if n]
    if any(n in counts.unknown for n in needs) or (ind.unit == "count" and ind.name not in counts.series):
        return "not recorded" if any(n in counts.unknown for n in needs) else "not available"
    if ind.base:
        base = counts.shown(ind.base).iloc[-1]
        above = [counts.shown(n).iloc[-1] for n in needs]
        if not isinstance(base, str) and pd.isna(base):
            return "not yet measurable in the latest period" if ind.base.startswith("needs_due") else "not available"
        if any(isinstance(v, str) for v in above):
            return "not shown: it rests on a hidden count"
        if base == 0:
            return "nothing to compute it from in the latest period"
        if ind.unit == "days":
            return "half or more still waiting: no median yet"
    return "not available"


def _format_value(value: float, unit: str, *, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    sign = "+" if signed and value > 0 else ""
    if unit == "share":
        return f"{sign}{value * 100:.1f}{' pp' if signed else '%'}"
    if unit in ("count", "tally"):
        return f"{sign}{value:,.0f}"
    if unit == "days":
        return f"{sign}{value:,.1f}"
    return f"{sign}{value:.2f}"


def _format_p(p: float) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def scorecard_table(card: pd.DataFrame, threshold: int = 11) -> pd.DataFrame:
    """The scorecard as text for a report table (percentages, signs, ``<11``, ``n/a``).

    Examples
    --------
    >>> card = pd.DataFrame({"label": ["Acceptance"], "family": ["referrals"], "unit": ["share"], "period": ["2025Q4"],
    ...     "latest": [0.9], "hidden": [False], "vs_previous": [0.02], "vs_year_before": [float("nan")], "trend": ["increasing"],
    ...     "trend_p": [0.0004], "sen_slope": [0.01], "higher_is_better": [True], "assessment": ["improving"], "note": [""]},
    ...     index=pd.Index(["referral_acceptance_rate"], name="indicator"))
    >>> scorecard_table(card).iloc[0].tolist()
    ['Referral system', '90.0%', '+2.0 pp', 'n/a', 'increasing (p < 0.001)', 'improving', '']
    """
    rows = []
    for _, row in card.iterrows():  # one row per indicator (~40), formatting only
        latest = f"<{threshold}" if row["hidden"] else _format_value(row["latest"], row["unit"])
        rows.append(
            {
                "indicator": row["label"],
                "family": FAMILIES.get(row["family"], row["family"]),
                f"latest ({row['period']})": latest,
                "vs previous period": _format_value(row["vs_previous"], row["unit"], signed=True),
                "vs a year before": _format_value(row["vs_year_before"], row["unit"], signed=True),
                "trend": row["trend"] if row["trend"] == "too short" else f"{row['trend']} (p {_format_p(row['trend_p'])})",
                "assessment": row["assessment"],
                "note": row["note"],
            }
        )
    return pd.DataFrame(rows).set_index("indicator")


def scorecard_markdown(card: pd.DataFrame) -> str:
    """A paragraph saying which indicators improve and which worsen.

    Examples
    --------
    >>> card = pd.DataFrame({"label": ["A", "B", "C"], "assessment": ["improving", "worsening", "stable"], "period": ["2025Q4"] * 3})
    >>> print(scorecard_markdown(card))
    Over the periods to 2025Q4, 1 indicator shows a significant improving trend (A) and 1 a worsening one (B); 1
    shows no clear trend. Trends are Mann–Kendall tests at the 5% level; a step change also reads as a trend, so
    see the before/after estimates below.
    """
    if card.empty:
        return "No indicator could be computed: the data hold no dated rows."
    improving = card.loc[card["assessment"] == "improving", "label"].tolist()
    worsening = card.loc[card["assessment"] == "worsening", "label"].tolist()
    stable = int((card["assessment"] == "stable").sum())
    short = int((card["assessment"] == "too short").sum())

    def listing(labels: list[str]) -> str:
        return f" ({'; '.join(labels)})" if labels else ""

    text = (
        f"Over the periods to {card['period'].iloc[0]}, {len(improving)} indicator{'s show' if len(improving) != 1 else ' shows'} a significant improving trend"
        f"{listing(improving)} and {len(worsening)} a worsening one{listing(worsening)}; {stable} show{'s' if stable == 1 else ''} no clear trend."
    )
    if short:
        text += f" {short} {'series is' if short == 1 else 'series are'} too short to test (fewer than {trends.MIN_POINTS_TREND} periods): no conclusion either way."
    return text + " Trends are Mann–Kendall tests at the 5% level; a step change also reads as a trend, so see the before/after estimates below."


# --------------------------------------------------------------------------- the change


def change_effects(table: pd.DataFrame, counts: ReleasedCounts, change: Any, names: Sequence[str], *, alpha: float = 0.05) -> pd.DataFrame:
    """Before/after estimates (segmented regression) of some indicators around a change date, tested together.

    Each indicator is a segmented regression (:func:`tfanalysis.analyses.collaboration.trends.change_tests`:
    least squares, t and F tests on n − 4 degrees of freedom). Its verdict asks whether
    the level or the trend changed (the F test of both), with the indicators named here
    tested together (:func:`tfanalysis.analyses.collaboration.trends.change_verdicts`, Holm's correction): the
    chance that noise alone makes any of them "a change" is at most ``alpha``.

    The regressions read the values :func:`publish` shows, and nothing else: a hidden
    period is left out (it keeps its place in time), so the estimates, their intervals
    and the means before and after give no hidden count back.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`indicators`.
    counts : ReleasedCounts
        :func:`release_counts` over the same periods.
    change : date-like
        The change date; the first period starting on or after it is the first "after".
    names : sequence of str
        Indicators to estimate: one family for the multiple-testing correction.
    alpha : float
        1 − confidence level of the intervals, and the family-wise error rate.

    Returns
    -------
    pandas.DataFrame
        One row per indicator × term (``pre_slope``, ``level_change``, ``slope_change``):
        ``indicator``, ``label``, ``unit``, ``term``, ``estimate``, ``ci_low``,
        ``ci_high``, ``p_value``, ``mean_before``, ``mean_after``, ``n_pre``, ``n_post``,
        ``first_post``, ``df_resid``, ``change_p`` (level and trend together),
        ``change_p_holm``, ``verdict`` (``change``, ``inconclusive``, ``too short``),
        ``tested_together`` (indicators in the family), ``note``, ``period_word``,
        ``hidden_periods`` (periods with a value that is hidden, left out).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> counts = release_counts(Release(data), data, names=["referrals_made"])
    >>> fx = change_effects(indicators(data), counts, "2024-07-01", ["median_response_days"])
    >>> row = fx.set_index("term").loc["level_change"]
    >>> bool(-9 < row["estimate"] < -6 and row["ci_high"] < 0), row["first_post"], row["verdict"]
    (True, '2024Q3', 'change')
    """
    chosen = list(dict.fromkeys(names))
    columns = ["indicator", "label", "unit", "term", "estimate", "ci_low", "ci_high", "p_value", "mean_before", "mean_after", "n_pre", "n_post",
               "first_post", "df_resid", "change_p", "change_p_holm", "verdict", "tested_together", "note", "period_word", "hidden_periods"]
    if not chosen:
        return pd.DataFrame(columns=columns)
    values = _numbers(publish(table[chosen], counts), table.index)
    left_out = (values.isna() & table[chosen].notna()).sum()
    tests = trends.change_verdicts(trends.change_tests(values[chosen], change, alpha=alpha), alpha=alpha)
    post = trends.after_change(values.index, change)
    rows = []
    for name in chosen:  # a handful of indicators
        ind, test, series = _BY_NAME[name], tests.loc[name], values[name]
        for term in ("pre_slope", "level_change", "slope_change"):
            rows.append(
                {
                    "indicator": name, "label": ind.label, "unit": ind.unit, "term": term,
                    "estimate": test[term], "ci_low": test[f"{term}_low"], "ci_high": test[f"{term}_high"], "p_value": test[f"{term}_p"],
                    "mean_before": float(series[~post].mean()), "mean_after": float(series[post].mean()),
                    "n_pre": int(test["n_pre"]), "n_post": int(test["n_post"]), "first_post": _label_of(series.index, test["first_post"]),
                    "df_resid": test["df_resid"], "change_p": test["change_p"], "change_p_holm": test["change_p_holm"], "verdict": test["verdict"],
                    "tested_together": tests.attrs["family_size"], "note": test["note"], "period_word": period_word(series.index),
                    "hidden_periods": int(left_out[name]),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def _label_of(index: pd.Index, text: str | None) -> str | None:
    if text is None or not isinstance(index, pd.PeriodIndex):
        return text
    labels = dict(zip([str(p) for p in index], period_labels(index)))
    return labels.get(text, text)


def _amount(value: float, unit: str, *, with_unit: bool = True) -> str:
    if unit == "share":
        return f"{value * 100:+.1f}" + (" percentage points" if with_unit else "")
    if unit == "days":
        return f"{value:+.1f}" + (" days" if with_unit else "")
    if unit in ("count", "tally"):
        return f"{value:+.1f}"
    return f"{value:+.3f}"


def _level(value: float, unit: str) -> str:
    if unit == "share":
        return f"{value * 100:.0f}%"
    if unit == "days":
        return f"{value:.1f} days"
    return f"{value:.2f}" if unit == "measure" else f"{value:.1f}"


def _counts(n_pre: int, n_post: int, freq_word: str) -> str:
    return f"{n_pre} {freq_word}{'s' if n_pre != 1 else ''} before, {n_post} after"


def _method_sentence(tested: int, df_resid: float) -> str:
    family = (f"the {tested} indicators tested are judged together (Holm's correction: noise alone makes any of them "
              "\"a change\" at most 5% of the time)") if tested > 1 else "one indicator tested"
    return (f"Segmented regression by least squares, with t and F tests on {df_resid:.0f} degrees of freedom (the values less "
            f"the 4 terms fitted) that assume independent noise from one period to the next; {family}.")


def change_markdown(effects: pd.DataFrame, change: Any) -> str:
    """Templated sentences reading :func:`change_effects` for leadership.

    Each indicator gets the level change and the trend change with their intervals,
    then its verdict: "a change the data support" only when the level and the trend
    together pass the test after the correction for the indicators tested together;
    otherwise "inconclusive", or "too short" when a side has too few periods.

    Examples
    --------
    >>> fx = pd.DataFrame([{"indicator": "x", "label": "Median days", "unit": "days", "term": t, "estimate": e,
    ...     "ci_low": e - 1, "ci_high": e + 1, "p_value": p, "mean_before": 10.0, "mean_after": 3.5, "n_pre": 6, "n_post": 6,
    ...     "first_post": "2024Q3", "df_resid": 8.0, "change_p": 0.0001, "change_p_holm": 0.0006, "verdict": "change",
    ...     "tested_together": 6, "note": "", "period_word": "quarter"} for t, e, p in
    ...     [("pre_slope", 0.1, 0.5), ("level_change", -6.5, 0.0001), ("slope_change", 0.0, 0.9)]])
    >>> print(change_markdown(fx, "2024-07-01"))
    Change date 2024-07-01: the first quarter after it is 2024Q3 (6 quarters before, 6 after). Segmented regression by
    least squares, with t and F tests on 8 degrees of freedom (the values less the 4 terms fitted) that assume independent
    noise from one period to the next; the 6 indicators tested are judged together (Holm's correction: noise alone makes
    any of them "a change" at most 5% of the time).
    <BLANKLINE>
    - **Median days**: averaged 10.0 days per quarter before and 3.5 days after. At the change the level moved by
    **-6.5 days** (95% CI -7.5 to -5.5 days; p < 0.001); the trend per quarter changed by +0.0 days (95% CI -1.0 to +1.0
    days; p 0.900). Verdict: a change the data support (level and trend together: p < 0.001, < 0.001 corrected for 6
    indicators).
    """
    if effects.empty:
        return "No indicator was chosen for the before/after estimate."
    first = effects.iloc[0]
    freq_word = str(first.get("period_word", "period"))
    day = pd.Timestamp(trends.as_change_date(change)).date()
    lines = []
    header: tuple[int, int] | None = None
    for _, rows in effects.groupby("indicator", sort=False):  # a handful of indicators
        terms = rows.set_index("term")
        level, slope = terms.loc["level_change"], terms.loc["slope_change"]
        unit, label = level["unit"], level["label"]
        sides = (int(level["n_pre"]), int(level["n_post"]))
        if header is None and not math.isnan(level["estimate"]):
            header = sides
            tested = int(level["tested_together"])
            lines.insert(0, f"Change date {day}: the first {freq_word} after it is {level['first_post']} ({_counts(*sides, freq_word)}). "
                            f"{_method_sentence(tested, float(level['df_resid']))}\n")
        left_out = int(level.get("hidden_periods", 0) or 0)
        hidden = (f" {left_out} {freq_word}{'s' if left_out != 1 else ''} whose value is hidden (disclosure control) "
                  f"{'are' if left_out != 1 else 'is'} left out.") if left_out else ""
        if math.isnan(level["estimate"]):
            lines.append(f"- **{label}**: {level['note']}. No conclusion about the change can be drawn from this series (verdict: too short).{hidden}")
            continue
        own = f" ({_counts(*sides, freq_word)})" if sides != header else ""
        tested = int(level["tested_together"])
        together = f"level and trend together: p {_format_p(level['change_p'])}" + (
            f", {_format_p(level['change_p_holm'])} corrected for {tested} indicators" if tested > 1 else "")
        verdict = ("a change the data support" if level["verdict"] == "change"
                   else "inconclusive, the data cannot tell a change from noise")
        lines.append(
            f"- **{label}**{own}: averaged {_level(level['mean_before'], unit)} per {freq_word} before and {_level(level['mean_after'], unit)} after. "
            f"At the change the level moved by **{_amount(level['estimate'], unit)}** (95% CI {_amount(level['ci_low'], unit, with_unit=False)} to {_amount(level['ci_high'], unit)}; "
            f"p {_format_p(level['p_value'])}); the trend per {freq_word} changed by {_amount(slope['estimate'], unit)} "
            f"(95% CI {_amount(slope['ci_low'], unit, with_unit=False)} to {_amount(slope['ci_high'], unit)}; p {_format_p(slope['p_value'])}). "
            f"Verdict: {verdict} ({together})."
            + (f" Note: {level['note']}." if level["note"] else "") + hidden
        )
    if header is None:
        lines.insert(0, f"Change date {day}: first {freq_word} after it {first['first_post'] or 'not in the data'}.\n")
    return "\n".join(lines)


def trend_lines(table: pd.DataFrame, counts: ReleasedCounts, change: Any, names: Sequence[str]) -> pd.DataFrame:
    """Published values with the segmented-regression lines, long format, for the trend figure.

    Observed values are those :func:`publish` shows (NaN where hidden or not available),
    and the lines are fitted to them alone: the fitted line is a linear map of the values
    it is fitted to, so a line fitted to every true count would give hidden ones back.

    Returns
    -------
    pandas.DataFrame
        ``indicator``, ``label``, ``unit``, ``period`` (label), ``start`` (first day),
        ``observed``, ``hidden`` (the value exists but is hidden), ``fitted``,
        ``counterfactual``, ``post``.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> counts = release_counts(Release(data), data, names=["le_vs_referrals"])
    >>> lines = trend_lines(indicators(data), counts, "2024-07-01", ["le_vs_referrals"])
    >>> lines.loc[lines["hidden"], "period"].tolist(), bool(lines["observed"][lines["hidden"]].isna().all())
    (['2023Q1', '2024Q2'], True)
    """
    columns = ["indicator", "label", "unit", "period", "start", "observed", "hidden", "fitted", "counterfactual", "post"]
    chosen = list(dict.fromkeys(names))
    if not chosen:
        return pd.DataFrame(columns=columns)
    shown = publish(table[chosen], counts)
    values = _numbers(shown, table.index)
    parts = []
    for name in chosen:  # a handful of indicators
        ind = _BY_NAME[name]
        fit = trends.segmented_fit(values[name], change)
        parts.append(
            pd.DataFrame(
                {
                    "indicator": name, "label": ind.label, "unit": ind.unit,
                    "period": list(shown.index), "start": table.index.start_time,
                    "observed": values[name].to_numpy(dtype=float),
                    "hidden": (values[name].isna() & table[name].notna()).to_numpy(dtype=bool),
                    "fitted": fit["fitted"].to_numpy(), "counterfactual": fit["counterfactual"].to_numpy(), "post": fit["post"].to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)[columns]


def headline_metrics(table: pd.DataFrame, counts: ReleasedCounts, period: PeriodLike) -> dict[str, dict[str, Any]]:
    """The collaboration report's headline numbers, ready for ``notebook.record_metric``.

    Rates are the latest period's as :func:`publish` shows them
    (``median_response_days``, ``cross_sector_tie_share`` and ``referral_acceptance_rate``,
    the shares in %). ``arrests``, ``charges_filed`` and ``convictions`` are counts over
    the reporting period itself (all periods for ``"all"``), released like every other
    count (``hidden`` when the layer hides them). ``joint_trainings`` (activities, not
    victims) is the total over the periods that meet the reporting period, shown as is.

    Returns
    -------
    dict
        metric name → keyword arguments of :func:`tfanalysis.reports.notebook.record_metric`
        (``value``, ``label``, ``unit``, ``count``, ``threshold``, ``higher_is_better``,
        ``hidden``).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> counts = release_counts(Release(data), data, names=["referrals_made", "referrals_closed", "referrals_accepted", "convictions"])
    >>> m = headline_metrics(indicators(data), counts, "all")
    >>> m["median_response_days"]["value"], m["joint_trainings"]["value"], m["convictions"]["value"]
    (3.0, 19, 49)
    """
    shown = publish(table, counts) if len(table) else pd.DataFrame(columns=table.columns)
    values = _numbers(shown, table.index)
    labels = list(shown.index)
    latest = labels[-1] if labels else "n/a"
    p = parse_period(period)
    if p.start is None:
        inside = np.ones(len(table), dtype=bool)
    else:  # periods that meet the reporting period
        inside = np.asarray((table.index.end_time >= p.start) & (table.index.start_time <= p.end + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")), dtype=bool)
    window = p.label if p.start is not None else (f"{labels[0]}–{labels[-1]}" if labels else "all data")
    k = counts.threshold

    def last(name: str, percent: bool = False) -> tuple[float | None, bool]:
        v = values[name].iloc[-1] if len(values) else np.nan
        hidden = bool(len(values)) and _latest_note(_BY_NAME[name], counts, isinstance(shown[name].iloc[-1], str), v).startswith(("hidden", "not shown"))
        return (None if pd.isna(v) else float(v * 100 if percent else v)), hidden

    out: dict[str, dict[str, Any]] = {}
    for name, percent in (("median_response_days", False), ("cross_sector_tie_share", True), ("referral_acceptance_rate", True)):
        ind = _BY_NAME[name]
        value, hidden = last(name, percent)
        out[name] = {"value": value, "label": f"{ind.label} ({latest})", "unit": "%" if percent else ind.unit,
                     "count": False, "threshold": k, "higher_is_better": ind.higher_is_better, "hidden": hidden}
    trainings = table.loc[inside, "joint_trainings"] if "joint_trainings" in table else pd.Series(dtype=float)
    out["joint_trainings"] = {"value": None if trainings.isna().all() else int(trainings.sum()), "label": f"{_BY_NAME['joint_trainings'].label} ({window})",
                              "unit": "trainings", "count": False, "threshold": k, "higher_is_better": True, "hidden": False}
    for name in ("arrests", "charges_filed", "convictions"):
        value = counts.over(name, p.start, p.end, window) if len(counts.periods) else np.nan
        unknown = isinstance(value, float) and math.isnan(value)
        out[name] = {"value": None if unknown else value, "label": f"{_BY_NAME[name].label} ({window})", "unit": "events",
                     "count": True, "threshold": k, "higher_is_better": None, "hidden": value is None}
    return out


def network_picture(data: TaskForceData, periods: pd.PeriodIndex, counts: ReleasedCounts, *, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and ties of the referral network of a few periods, ready to draw for leadership.

    :func:`tfanalysis.analyses.collaboration.network.picture_tables` with period labels. Members and the ties
    between them are organizations, drawn as they are; the number of referrals behind
    each tie counts victims' referrals and is released per period through the same
    release as the report's other counts (:data:`SECTOR_LINK` × :data:`TIE`, so that the
    ties of one kind add up to the cross-sector and law enforcement ↔ victim services
    counts the reader also sees): ``"<11"`` where hidden.

    Parameters
    ----------
    data : TaskForceData
        The history the indicators read (:func:`up_to`).
    periods : pandas.PeriodIndex
        Periods of ``counts`` to draw (:func:`compare_periods`).
    counts : ReleasedCounts
        :func:`release_counts` of the report.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> counts = release_counts(Release(data), data, names=["referrals_made", "cross_sector_referrals", "le_vs_referrals"])
    >>> nodes, ties = network_picture(data, pd.PeriodIndex(["2024Q2", "2025Q4"], freq="Q"), counts)
    >>> sorted(nodes["period"].unique()), "<11" in set(ties["referrals"])
    (['2024Q2', '2025Q4'], True)
    """
    nodes, ties = network.picture_tables(data.referrals, data.members, periods, seed=seed)
    if len(ties) and TIE not in counts.release.units("referrals"):
        raise ValueError("the tie counts need the referrals' sector links: release the cross-sector counts first (release_counts with all counts)")
    labels = dict(zip([str(p) for p in periods], period_labels(periods)))
    nodes["period"] = nodes["period"].map(labels)
    ties["period"] = ties["period"].map(labels)
    shown = pd.Series(f"<{counts.threshold}", index=ties.index, dtype=object)
    for label in pd.unique(ties["period"]):  # two periods, usually
        released = counts.release.table("referrals", rows=[SECTOR_LINK, TIE], where={"referred_on": counts.span(label)},
                                        name=f"collaboration: referrals per tie in {label}")
        per_tie = released.shown.iloc[:-1, 0]
        per_tie.index = per_tie.index.get_level_values(TIE)
        mine = ties["period"] == label
        keys = ties.loc[mine, "member_a"].astype(str) + "|" + ties.loc[mine, "member_b"].astype(str)
        shown[mine] = per_tie.reindex(keys.to_numpy()).fillna(f"<{counts.threshold}").to_numpy(dtype=object)
    ties["referrals"] = shown.to_numpy()
    return nodes, ties


def survey_table(waves: pd.DataFrame) -> pd.DataFrame:
    """The survey waves as text for a report table.

    Examples
    --------
    >>> w = pd.DataFrame({"fielded_on": pd.to_datetime([None]), "respondents": [30.0], "level_mean": [1.866], "trust_mean": [2.2],
    ...     "value_mean": [2.4], "mutual_pairs": [300.0], "disagreeing_pairs": [60.0], "level_change_same_pairs": [float("nan")]},
    ...     index=pd.Index([1], name="wave"))
    >>> survey_table(w).iloc[0].tolist()
    ['', '30', '1.87', '2.20', '2.40', '60 of 300', '']
    """
    def num(values: pd.Series, fmt: str) -> list[str]:
        return ["" if pd.isna(v) else format(v, fmt) for v in values]

    return pd.DataFrame(
        {
            "fielded": ["" if pd.isna(d) else f"{d:%Y-%m-%d}" for d in waves["fielded_on"]],
            "members answering": num(waves["respondents"], ".0f"),
            "level (0–5)": num(waves["level_mean"], ".2f"),
            "trust (1–4)": num(waves["trust_mean"], ".2f"),
            "value (1–4)": num(waves["value_mean"], ".2f"),
            "pairs 2+ levels apart": [f"{d:.0f} of {m:.0f}" for d, m in zip(waves["disagreeing_pairs"], waves["mutual_pairs"])],
            "level change, same pairs": num(waves["level_change_same_pairs"], "+.2f"),
        },
        index=waves.index,
    )


def first_post_label(index: pd.PeriodIndex, change: Any) -> str | None:
    """Label of the first period starting on or after the change date (None if there is none).

    Examples
    --------
    >>> first_post_label(pd.period_range("2024Q1", periods=4, freq="Q"), "2024-07-01")
    '2024Q3'
    """
    post = trends.after_change(index, change)
    return str(period_labels(index)[int(np.argmax(post))]) if post.any() else None


def control_chart(table: pd.DataFrame, counts: ReleasedCounts, name: str, change: Any = None) -> pd.DataFrame:
    """XmR chart (:func:`tfanalysis.analyses.collaboration.trends.control_chart`) of one indicator, indexed by period label.

    Limits come from the periods before ``change`` when given, and from the values
    :func:`publish` shows only (a hidden period is skipped). The indicator must not be a
    count of people (its cells would be drawn).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> counts = release_counts(Release(data), data, names=["referrals_made"])
    >>> chart = control_chart(indicators(data), counts, "median_response_days", "2024-07-01")
    >>> chart.loc["2024Q2":"2024Q3", "special_cause"].tolist()
    [False, True]
    """
    if _BY_NAME[name].unit == "count":
        raise ValueError(f"{name} counts people or their cases: chart a rate or a median, not its small counts")
    chart = trends.control_chart(_numbers(publish(table[[name]], counts), table.index)[name], change=change)
    attrs = dict(chart.attrs)
    chart.index = period_labels(table.index)
    chart.attrs.update(attrs)
    return chart


def attendance_matrix(data: TaskForceData, freq: str = "Q") -> pd.DataFrame:
    """Meeting attendance rate by sector (rows) and period label (columns), for a heat map.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> m = attendance_matrix(tf.load_dataset(DEMO_DIR), "Y")
    >>> list(m.columns), "law_enforcement" in m.index
    (['2023', '2024', '2025'], True)
    """
    rates = sector_indicators(data, freq)["meeting_attendance_rate"].unstack("period")
    rates.columns = period_labels(pd.PeriodIndex(rates.columns))
    return rates


def data_end(data: TaskForceData) -> pd.Timestamp | None:
    """The latest own date of the data (the default ``as_of`` of the indicators).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> data_end(tf.load_dataset(DEMO_DIR))
    Timestamp('2025-12-31 00:00:00')
    """
    return _as_of(data)


def scope_markdown(index: pd.PeriodIndex, period_label: str, region: str = "", *, as_of: Any = None) -> str:
    """What the collaboration report covers, in a sentence or two.

    Parameters
    ----------
    index : pandas.PeriodIndex
        The indicators' periods.
    period_label : str
        The reporting period's label.
    region : str
        The report's region parameter (collaboration does not use it: said so).
    as_of : date-like, optional
        The data end (:func:`data_end`): a last period that runs past it is called partial.

    Examples
    --------
    >>> print(scope_markdown(pd.period_range("2023Q1", "2025Q4", freq="Q"), "all data", "OH"))
    Indicators for every quarter from 2023Q1 to 2025Q4 (12 quarters); the reporting period (all data) ends the
    series, and the trends read the whole history before it. Collaboration is measured for the whole task force:
    the region parameter (OH) does not narrow it.
    """
    if len(index) == 0:
        return "The data hold no dated records: there is nothing to measure yet."
    word = period_word(index)
    labels = period_labels(index)
    try:  # labels read back: "2099Q1", "2099-01-01 to 2099-03-31"
        reported = parse_period(period_label.replace(" to ", ".."))
    except ValueError:  # a label that is not a period ("all data"): no gap to check
        reported = None
    if reported is not None and reported.start is not None and reported.start > index[-1].end_time:
        return (f"No data in this period ({period_label}): the data end in {labels[-1]}. The indicators below are those of the "
                f"{len(index)} {word}{'s' if len(index) != 1 else ''} from {labels[0]} to {labels[-1]}, before the period.")
    text = (f"Indicators for every {word} from {labels[0]} to {labels[-1]} ({len(index)} {word}s); the reporting period ({period_label}) ends the series, "
            "and the trends read the whole history before it.")
    if as_of is not None and index[-1].end_time.normalize() > pd.Timestamp(as_of):
        text += f" The last {word}, {labels[-1]}, is partial: the data end on {pd.Timestamp(as_of).date()}."
    if region and region.strip():
        text += f" Collaboration is measured for the whole task force: the region parameter ({region.strip()}) does not narrow it."
    return text


# --------------------------------------------------------------------------- by sector, member, membership


def sector_indicators(data: TaskForceData, freq: str = "Q") -> pd.DataFrame:
    """Indicators per period and member sector.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``period``, ``sector``), for every period and every sector with a
        member at some time: ``active_members``; ``referrals_sent`` and
        ``referrals_received`` (counts: suppress before showing);
        ``acceptance_rate_received`` and ``median_response_days_received`` (the referrals
        the sector's members received, as in :func:`referral_acceptance_rate` and
        :func:`median_response_days`); ``cross_sector_sent_share`` (share of the
        sector's referrals sent to another sector); ``meeting_attendance_rate``;
        ``joint_training_attendances`` (members of the sector present at joint
        trainings, summed over trainings).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> s = sector_indicators(tf.load_dataset(DEMO_DIR), "Y")
    >>> round(float(s.loc[("2025", "law_enforcement"), "meeting_attendance_rate"]), 2) > round(float(s.loc[("2023", "law_enforcement"), "meeting_attendance_rate"]), 2)
    True
    """
    periods = period_index(data, freq)
    sectors_all = sorted(data.members["sector"].dropna().unique().tolist())
    full = pd.MultiIndex.from_product([periods, sectors_all], names=["period", "sector"])
    active = network.active_members(data.members, periods).groupby(["period", "sector"]).size()
    out = pd.DataFrame(index=full)
    out["active_members"] = active.reindex(full, fill_value=0).astype("float64")
    r = data.referrals
    sectors = _sectors(data)
    frame = _frame(
        r["referred_on"], periods,
        from_sector=r["from_member"].map(sectors).to_numpy(dtype=object), to_sector=r["to_member"].map(sectors).to_numpy(dtype=object),
        accepted=_flag(r["outcome"].isin(_ACCEPTED)).astype(float), closed=_flag(r["outcome"].notna()),
        days=_days(r["responded_on"], r["referred_on"]),
    )
    sent = frame.groupby(["period", "from_sector"])
    received = frame.groupby(["period", "to_sector"])
    out["referrals_sent"] = sent.size().rename_axis(["period", "sector"]).reindex(full, fill_value=0).astype("float64")
    out["referrals_received"] = received.size().rename_axis(["period", "sector"]).reindex(full, fill_value=0).astype("float64")
    closed = frame[frame["closed"]]
    out["acceptance_rate_received"] = closed.groupby(["period", "to_sector"])["accepted"].mean().rename_axis(["period", "sector"]).reindex(full)
    out["median_response_days_received"] = received["days"].median().rename_axis(["period", "sector"]).reindex(full)
    cross = frame.assign(cross=(frame["from_sector"] != frame["to_sector"]).astype(float))
    out["cross_sector_sent_share"] = cross.groupby(["period", "from_sector"])["cross"].mean().rename_axis(["period", "sector"]).reindex(full)
    if _optional_empty(data, "referrals"):
        out[["referrals_sent", "referrals_received", "acceptance_rate_received", "median_response_days_received", "cross_sector_sent_share"]] = np.nan
    counts = _meeting_counts(data, by_sector=True)
    counts = _frame(counts["date"], periods, sector=counts["sector"].to_numpy(dtype=object), present=counts["present"].to_numpy(), expected=counts["expected"].to_numpy())
    sums = counts.groupby(["period", "sector"])[["present", "expected"]].sum().reindex(full)
    out["meeting_attendance_rate"] = sums["present"] / sums["expected"].where(sums["expected"] > 0)
    att = _training_attendance(data, periods)
    out["joint_training_attendances"] = att.groupby(["period", "sector"]).size().reindex(full, fill_value=0).astype("float64")
    if _optional_empty(data, "activities"):
        out[["meeting_attendance_rate", "joint_training_attendances"]] = np.nan
    return out.astype("float64")


def attendance_by_member(data: TaskForceData, freq: str = "Q") -> pd.DataFrame:
    """Meeting attendance per period and member.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``period``, ``member_id``) for each member expected at one of the
        period's meetings: ``name``, ``sector``, ``meetings_expected``,
        ``meetings_attended``, ``meeting_attendance_rate``.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> a = attendance_by_member(tf.load_dataset(DEMO_DIR), "Y")
    >>> int(a.loc[("2023", "M41"), "meetings_expected"]) if ("2023", "M41") in a.index else "not a member in 2023"
    'not a member in 2023'
    """
    periods = period_index(data, freq)
    seats = _meeting_seats(data)
    seats = _frame(seats["date"], periods, member_id=seats["member_id"].to_numpy(dtype=object), present=seats["present"].to_numpy(dtype=float))
    grouped = seats.groupby(["period", "member_id"])["present"]
    out = pd.DataFrame({"meetings_expected": grouped.size().astype("float64"), "meetings_attended": grouped.sum().astype("float64")})
    out["meeting_attendance_rate"] = out["meetings_attended"] / out["meetings_expected"]
    info = data.members.set_index("member_id")
    members = out.index.get_level_values("member_id")
    out.insert(0, "sector", info["sector"].reindex(members).to_numpy(dtype=object))
    out.insert(0, "name", info["name"].reindex(members).to_numpy(dtype=object))
    return out


def membership(data: TaskForceData, freq: str = "Q") -> pd.DataFrame:
    """Members (MOU signatories) per sector at the end of each period.

    Returns
    -------
    pandas.DataFrame
        Indexed by period; one column per sector (members belonging on the period's last
        day), then ``members``, ``joined`` and ``left`` (during the period) and
        ``sectors`` (sectors represented at the period's end).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> m = membership(tf.load_dataset(DEMO_DIR), "Y")
    >>> m[["members", "joined", "left", "sectors"]].astype(int).to_dict("list")
    {'members': [39, 41, 40], 'joined': [2, 3, 0], 'left': [0, 1, 1], 'sectors': [9, 10, 10]}
    """
    periods = period_index(data, freq)
    members = data.members
    ends = periods.end_time.normalize().to_numpy(dtype="datetime64[ns]")
    joined = members["joined_on"].to_numpy(dtype="datetime64[ns]")
    left = members["left_on"].to_numpy(dtype="datetime64[ns]")
    belongs = (joined[:, None] <= ends[None, :]) & (np.isnat(left)[:, None] | (left[:, None] > ends[None, :]))
    sectors = sorted(members["sector"].dropna().unique().tolist())
    by_sector = pd.DataFrame(belongs.astype(float), columns=periods).groupby(members["sector"].to_numpy(dtype=object)).sum().T.reindex(columns=sectors, fill_value=0.0)
    by_sector.index = periods
    out = by_sector.copy()
    out["members"] = by_sector.sum(axis=1)
    out["joined"] = _count(members["joined_on"], periods, "joined")
    out["left"] = _count(members["left_on"], periods, "left")
    out["sectors"] = (by_sector > 0).sum(axis=1).astype(float)
    out.index = period_labels(periods)
    out.index.name = "period"
    return out


# --------------------------------------------------------------------------- grant evidence

EVIDENCE_COUNTS: tuple[str, ...] = ("joint_cases", "cross_sector_referrals", "le_vs_referrals")
"""Evidence columns that count victims' referrals and cases: suppressed when published."""


def evidence(data: TaskForceData, freq: str = "Y") -> pd.DataFrame:
    """Documented collaboration for a grant application, per period (years by default).

    Returns
    -------
    pandas.DataFrame
        Indexed by period label: ``joint_cases`` (criminal cases whose victims received
        services), ``cross_sector_referrals``, ``le_vs_referrals`` (law enforcement ↔
        victim services), ``joint_trainings``, ``training_sectors`` (distinct sectors
        present at the period's joint trainings), ``case_reviews``, ``members`` (at the
        period's end), ``members_joined``, ``sectors`` (represented). Raw counts: publish
        with :func:`publish_evidence`.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> ev = evidence(tf.load_dataset(DEMO_DIR))
    >>> ev["joint_trainings"].astype(int).tolist()
    [4, 6, 9]
    """
    periods = period_index(data, freq)
    att = _training_attendance(data, periods)
    members = membership(data, freq)
    out = pd.DataFrame(
        {
            "joint_cases": joint_cases(data, periods),
            "cross_sector_referrals": cross_sector_referrals(data, periods),
            "le_vs_referrals": le_vs_referrals(data, periods),
            "joint_trainings": joint_trainings(data, periods),
            "training_sectors": att.groupby("period")["sector"].nunique().reindex(periods, fill_value=0).astype("float64"),
            "case_reviews": case_reviews(data, periods),
        },
        index=periods,
    )
    if _optional_empty(data, "activities"):
        out["training_sectors"] = np.nan
    out.index = period_labels(periods)
    out.index.name = "period"
    out["members"] = members["members"].to_numpy()
    out["members_joined"] = members["joined"].to_numpy()
    out["sectors"] = members["sectors"].to_numpy()
    return out


def publish_evidence(table: pd.DataFrame, counts: ReleasedCounts) -> pd.DataFrame:
    """:func:`evidence` for leadership: victims' referral and case counts as released.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`evidence` of the history, per year (or ``freq``).
    counts : ReleasedCounts
        :func:`release_counts` of :data:`EVIDENCE_COUNTS` for the same periods: the same
        counts as the report's other series, so that a year beside its quarters gives no
        hidden quarter back.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> rel = Release(data)
    >>> quarters = release_counts(rel, data, "2025Q4", names=["le_vs_referrals"])
    >>> years = release_counts(rel, data, "2025Q4", "Y", names=EVIDENCE_COUNTS)
    >>> publish_evidence(evidence(data), years)[["le_vs_referrals", "joint_trainings"]].to_dict("list")
    {'le_vs_referrals': ['<11', '<11', 180], 'joint_trainings': [4, 6, 9]}
    """
    labels = list(table.index)
    if labels != list(counts.labels):
        raise ValueError("the evidence and the released counts cover different periods: release the counts for the same period and frequency")
    out = table.astype(object)
    for name in table.columns:
        if name in EVIDENCE_COUNTS:
            out[name] = counts.shown(name).to_numpy()
        else:
            out[name] = [None if pd.isna(v) else int(v) for v in table[name]]
    return out


def evidence_markdown(table: pd.DataFrame, counts: ReleasedCounts) -> str:
    """Sentences for a grant application, read from :func:`evidence` and its released counts.

    The victims' counts are the released totals over every period of ``counts`` (a
    hidden one reads "fewer than 11"); members, trainings and case reviews are
    organizations' data, quoted as they are.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> print(evidence_markdown(evidence(data), release_counts(Release(data), data, "all", "Y", names=EVIDENCE_COUNTS)))
    From 2023 to 2025 the members made 2,096 referrals across sectors, 344 of them between law enforcement and victim
    services; 186 criminal cases had victims who also received services from members. The task force held 19 joint
    trainings (up to 10 sectors present in a year) and 27 multidisciplinary case reviews. Membership went from 39
    organizations in 9 sectors at the end of 2023 to 40 in 10 sectors at the end of 2025, with 5 joining.
    """
    if table.empty:
        return "No dated records: nothing to document yet."
    first, last = table.index[0], table.index[-1]
    span = f"From {first} to {last}" if first != last else f"In {first}"
    total = table.sum(min_count=1)

    def count(name: str) -> str:
        return counts.text(counts.total(name))

    def tally(value: float) -> str:
        return "an unknown number of" if pd.isna(value) else f"{int(value):,}"

    most_sectors = int(table["training_sectors"].max()) if table["training_sectors"].notna().any() else "an unknown number of"
    return (
        f"{span} the members made {count('cross_sector_referrals')} referrals across sectors, "
        f"{count('le_vs_referrals')} of them between law enforcement and victim services; "
        f"{count('joint_cases')} criminal cases had victims who also received services from members. "
        f"The task force held {tally(total['joint_trainings'])} joint trainings (up to {most_sectors} sectors present in a year) "
        f"and {tally(total['case_reviews'])} multidisciplinary case reviews. "
        f"Membership went from {int(table['members'].iloc[0])} organizations in {int(table['sectors'].iloc[0])} sectors at the end of {first} "
        f"to {int(table['members'].iloc[-1])} in {int(table['sectors'].iloc[-1])} sectors at the end of {last}, with {int(total['members_joined'])} joining."
    )


def survey_markdown(waves: pd.DataFrame, change: Any = None) -> str:
    """Sentences reading the partner survey per wave (:func:`survey_waves`).

    Examples
    --------
    >>> w = pd.DataFrame({"fielded_on": pd.to_datetime(["2024-03-15", "2024-12-15"]), "respondents": [30.0, 32.0],
    ...     "level_mean": [1.9, 2.7], "trust_mean": [2.2, 2.8], "value_mean": [2.4, 2.8], "mutual_pairs": [300.0, 320.0],
    ...     "disagreeing_pairs": [60.0, 40.0], "repeated_pairs": [float("nan"), 500.0], "level_change_same_pairs": [float("nan"), 0.75]},
    ...     index=pd.Index([1, 2], name="wave"))
    >>> print(survey_markdown(w, "2024-07-01"))
    2 waves of the partner survey (30 to 32 members answering). The mean Levels of Collaboration score went from
    1.90 in wave 1 to 2.70 in wave 2 (0 no contact … 5 full collaboration); trust from 2.20 to 2.80 and value from
    2.40 to 2.80 (1–4). Between the last two waves the same respondent → partner pairs moved by +0.75 levels on
    average (500 pairs). Pairs whose ratings of each other differ by two levels or more: 60 of 300 in wave 1, 40
    of 320 in wave 2. Waves fielded after the change date (2024-07-01): wave 2.
    """
    if waves.empty:
        return "No partner survey in the data."
    first, last = waves.iloc[0], waves.iloc[-1]
    w0, w1 = waves.index[0], waves.index[-1]
    text = (
        f"{len(waves)} wave{'s' if len(waves) != 1 else ''} of the partner survey ({int(waves['respondents'].min())} to {int(waves['respondents'].max())} members answering). "
        f"The mean Levels of Collaboration score went from {first['level_mean']:.2f} in wave {w0} to {last['level_mean']:.2f} in wave {w1} (0 no contact … 5 full collaboration); "
        f"trust from {first['trust_mean']:.2f} to {last['trust_mean']:.2f} and value from {first['value_mean']:.2f} to {last['value_mean']:.2f} (1–4)."
    )
    if len(waves) > 1 and not pd.isna(last["level_change_same_pairs"]):
        text += f" Between the last two waves the same respondent → partner pairs moved by {last['level_change_same_pairs']:+.2f} levels on average ({int(last['repeated_pairs'])} pairs)."
    text += (
        f" Pairs whose ratings of each other differ by two levels or more: {int(first['disagreeing_pairs'])} of {int(first['mutual_pairs'])} in wave {w0}, "
        f"{int(last['disagreeing_pairs'])} of {int(last['mutual_pairs'])} in wave {w1}."
    )
    if change is not None and waves["fielded_on"].notna().any():
        after = waves.index[(waves["fielded_on"] >= trends.as_change_date(change)).fillna(False).to_numpy(dtype=bool)].tolist()
        text += f" Waves fielded after the change date ({pd.Timestamp(trends.as_change_date(change)).date()}): " + (", ".join(f"wave {w}" for w in after) if after else "none") + "."
    elif change is not None:
        text += " The waves have no dates: give survey_wave_dates to place them before or after the change."
    return text
