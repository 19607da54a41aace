"""The collaboration indicators: their catalogue, and every one of them per period.

:data:`INDICATORS` lists each indicator with its family, unit, direction, base and
definition (``docs/collaboration.md`` explains the choices); :func:`indicators` computes
them all for every period from the first to the last in the data, and
:func:`indicator_bases` the counts each share and median rests on.

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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration import network
from tfanalysis.analyses.collaboration.engagement import (
    case_reviews,
    joint_training_sectors,
    joint_trainings,
    meeting_attendance_rate,
    meetings,
)
from tfanalysis.analyses.collaboration.justice import (
    arrests,
    cases_with_services_share,
    charges_filed,
    convictions,
    criminal_cases,
    investigations_opened,
    joint_cases,
    median_days_investigation_to_charges,
    multi_agency_cases,
)
from tfanalysis.analyses.collaboration.periods import data_as_of, period_index, up_to
from tfanalysis.data.periods import parse_period
from tfanalysis.analyses.collaboration.referrals import (
    closed_loop_share,
    cross_sector_referral_share,
    cross_sector_referrals,
    declined_capacity_share,
    le_vs_referrals,
    median_response_days,
    referral_acceptance_rate,
    referrals_made,
)
from tfanalysis.analyses.collaboration.series import count_per_period, not_recorded
from tfanalysis.analyses.collaboration.survey import _survey_by_period
from tfanalysis.analyses.collaboration.victims import (
    _needs_due,
    clients_identified,
    median_days_to_first_service,
    needs_met_within,
    unmet_critical_need_share,
)

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
    carries_over : bool
        A running level (the members of the task force): each period starts from the last
        one's, so its periods are not independent values, and a trend test, which assumes
        they are, finds a trend in a level that wanders with none (a walk of one member up,
        down or not at all each quarter: about 40% of 8 quarters, two in three of 16;
        ``benchmarks/bench_chance_signals.py``). Not trend-tested.
    """

    name: str
    label: str
    family: str
    unit: str
    higher_is_better: bool | None
    base: str | None
    source: str
    definition: str
    carries_over: bool = False


def _i(name: str, label: str, family: str, unit: str, better: bool | None, base: str | None, source: str, definition: str, *,
       carries_over: bool = False) -> Indicator:
    return Indicator(name, label, family, unit, better, base, source, definition, carries_over)


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
       " yet) are left out. Read once the period's last day is the data's answer window before the data end (95 % of"
       " the data's referrals were answered within it: answer_window); until then NaN, as a period's quick answers come first."),
    _i("median_response_days", "Median days to respond to a referral", "referrals", "days", False, "referrals_made", "referrals",
       "Median days from referred_on to responded_on over the referrals made in the period; a referral not answered "
       "(no responded_on) counts as slower than any answered. NaN when half or more are not answered, and until the"
       " period's answer window has passed (as for the acceptance rate)."),
    _i("declined_capacity_share", "Referrals declined for lack of capacity", "referrals", "share", False, "referrals_closed", "referrals",
       "Of the referrals made in the period with a recorded outcome, the share declined_capacity; NaN until the"
       " period's answer window has passed (as for the acceptance rate)."),
    _i("closed_loop_share", "Referrals with a closed loop", "referrals", "share", True, "referrals_made", "referrals",
       "Of the referrals made in the period, the share whose receiving member answered and the outcome is "
       "recorded (accepted, completed or declined): the referring member knows what happened. no_response "
       "and open referrals are not closed loops. NaN until the period's answer window has passed (as for the acceptance rate)."),
    _i("cross_sector_referrals", "Cross-sector referrals", "referrals", "count", True, None, "referrals",
       "Referrals made in the period between members of different sectors."),
    _i("cross_sector_referral_share", "Share of referrals crossing sectors", "referrals", "share", True, "referrals_made", "referrals",
       "cross_sector_referrals / referrals made (self-referrals count as same-sector)."),
    _i("le_vs_referrals", "Law enforcement ↔ victim services referrals", "referrals", "count", True, None, "referrals",
       "Referrals made in the period from a law enforcement member to a victim services member or the reverse."),
    # network
    _i("active_members", "Active members", "network", "tally", True, None, "members",
       "Members belonging to the task force at some time in the period (plus any member that sent or received a referral in it): the nodes of the network.",
       carries_over=True),
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

if TYPE_CHECKING:  # annotations only: loading data (pandera) is not needed to analyse it
    from tfanalysis.data.io import TaskForceData
"""Every indicator of :func:`indicators`, in column order."""

BY_NAME: dict[str, Indicator] = {ind.name: ind for ind in INDICATORS}
"""Each indicator of :data:`INDICATORS` by name."""

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


def indicators(data: TaskForceData, freq: str = "Q", *, as_of: Any = None, wave_dates: Mapping[int, Any] | str | None = None,
               through: Any = None) -> pd.DataFrame:
    """Every collaboration indicator, per period.

    Parameters
    ----------
    data : TaskForceData
        A loaded dataset: the whole of it for a report on a past period, with ``through``.
    freq : str
        ``"Q"`` quarters (default), ``"H"`` half-years (as TIMS reports), ``"M"``, ``"Y"``.
    as_of : date-like, optional
        The data end, for the needs-met windows; the latest own date of the data by default.
    wave_dates : mapping or str, optional
        Survey wave → date fielded; the survey columns are filled at the period of each
        wave's date (NaN elsewhere, and everywhere without dates).
    through : period-like, optional
        The reporting period: the series ends with the period holding its last day, as
        :func:`up_to` would end it. Each period counts the clients, needs, referrals,
        cases and activities dated in it, and reads what became of them (a client's first
        service, a case's charges, a need still unmet) as the data record it by their end,
        the way the report's released counts do: a quarter has one value in every run of
        the same data, whatever the period the run reports on. Only a last period cut by
        the reporting period's end (a custom date range) is read from the data up to
        that end.

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

    A report on 2025Q3 made from the whole data gives 2025Q3 the value every later report
    gives it. The data cut at the quarter's end leave out the needs and case events dated
    after it, and with them the service a victim of one of 2025Q3's cases received later:

    >>> data = tf.load_dataset(DEMO_DIR)
    >>> indicators(data, through="2025Q3")["joint_cases"].iloc[-1], indicators(data).loc["2025Q3", "joint_cases"]
    (np.float64(25.0), np.float64(25.0))
    >>> indicators(up_to(data, "2025Q3"))["joint_cases"].iloc[-1]
    np.float64(24.0)
    """
    if through is not None:
        return _indicators_through(data, freq, as_of, wave_dates, through)
    periods = period_index(data, freq)
    stamp = data_as_of(data, as_of)
    cases = None if not_recorded(data, "cj_events") else criminal_cases(data)  # once, for the four case indicators
    parts: list[pd.Series | pd.DataFrame] = [
        clients_identified(data, periods),
        median_days_to_first_service(data, periods),
        needs_met_within(data, periods, 30, as_of=stamp),
        needs_met_within(data, periods, 90, as_of=stamp),
        unmet_critical_need_share(data, periods),
        referrals_made(data, periods),
        referral_acceptance_rate(data, periods, as_of=stamp),
        median_response_days(data, periods, as_of=stamp),
        declined_capacity_share(data, periods, as_of=stamp),
        closed_loop_share(data, periods, as_of=stamp),
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


def _indicators_through(data: TaskForceData, freq: str, as_of: Any, wave_dates: Mapping[int, Any] | str | None, through: Any) -> pd.DataFrame:
    """:func:`indicators` of the whole data, the series ended with the reporting period's."""
    history = up_to(data, through)
    periods = period_index(history, freq)
    stamp = data_as_of(data, as_of)
    table = indicators(data, freq, as_of=stamp, wave_dates=wave_dates).reindex(periods)
    end = parse_period(through).end
    if len(periods) and end is not None and periods[-1].end_time.normalize() > end:
        # a period the reporting period ends inside: only what is dated up to that end
        table.loc[periods[-1]] = indicators(history, freq, as_of=stamp, wave_dates=wave_dates).loc[periods[-1]]
    return table


def _network(data: TaskForceData, periods: pd.PeriodIndex) -> pd.DataFrame:
    measures = network.network_indicators(data.referrals, data.members, periods)
    if not_recorded(data, "referrals"):
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
    stamp = data_as_of(data, as_of)
    needs = data.needs
    out = pd.DataFrame(index=periods)
    out["clients_identified"] = clients_identified(data, periods)
    out["needs_due_30"] = count_per_period(needs["identified_on"], periods, "needs_due_30", _needs_due(data, periods, 30, stamp))
    out["needs_due_90"] = count_per_period(needs["identified_on"], periods, "needs_due_90", _needs_due(data, periods, 90, stamp))
    r = data.referrals
    out["referrals_made"] = referrals_made(data, periods)
    out["referrals_closed"] = count_per_period(r["referred_on"], periods, "referrals_closed", r["outcome"].notna())
    cases = criminal_cases(data)
    out["cases_with_victims"] = count_per_period(cases["start"], periods, "cases_with_victims", cases["has_victim"])
    out["cases_charged"] = count_per_period(cases["first_charges"], periods, "cases_charged", cases["first_charges"].notna())
    for table, columns in (("referrals", ["referrals_closed"]), ("cj_events", ["cases_with_victims", "cases_charged"])):
        if not_recorded(data, table):
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
        ind = BY_NAME.get(name)
        if ind is None or ind.base is None or ind.base not in bases.columns:
            continue
        base = bases[ind.base].reindex(out.index)
        small = (base > 0) & (base < threshold)
        out.loc[small.to_numpy(dtype=bool), name] = np.nan
    return out
