"""The criminal-justice side: events of cases, and cases whose victims received services.

A criminal case belongs to the period it started (its first ``investigation_opened``,
else its first event), :func:`criminal_cases`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from tfanalysis.analyses.collaboration.series import (
    count_per_period,
    dated_rows,
    days_between,
    flags,
    lookup,
    median_per_period,
    nan_series,
    not_recorded,
    share_per_period,
)

if TYPE_CHECKING:  # annotations only: loading data (pandera) is not needed to analyse it
    from tfanalysis.data.io import TaskForceData


def _event_count(data: TaskForceData, periods: pd.PeriodIndex, event: str, name: str) -> pd.Series:
    if not_recorded(data, "cj_events"):
        return nan_series(periods, name)
    ev = data.cj_events
    return count_per_period(ev["occurred_on"], periods, name, ev["event"].eq(event))


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


def criminal_cases(data: TaskForceData) -> pd.DataFrame:
    """One row per criminal case: start, first charges, victims, services, multi-agency date.

    ``start``: the first ``investigation_opened``, else the first event. ``has_victim``: a
    client_id on any event. ``victim_served``: one of those clients had a need met.
    ``multi_since``: the date the case first involved a second member or a second county.
    """
    ev = data.cj_events
    by_case = ev.groupby("case_id")
    first_event = by_case["occurred_on"].min()
    opened = ev[flags(ev["event"].eq("investigation_opened"))].groupby("case_id")["occurred_on"].min()
    charged = ev[flags(ev["event"].eq("charges_filed"))].groupby("case_id")["occurred_on"].min()
    served_clients = data.needs.loc[data.needs["met_on"].notna() | flags(data.needs["status"].eq("met")), "client_id"].unique()
    victims = ev[ev["client_id"].notna()]
    has_victim = victims.groupby("case_id").size() > 0
    served = victims.assign(served=flags(victims["client_id"].isin(served_clients))).groupby("case_id")["served"].any()

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

    ``cases``: the case table of :func:`criminal_cases` when the caller already has it
    (:func:`indicators` computes it once for the four case indicators).
    """
    if not_recorded(data, "cj_events"):
        return nan_series(periods, "joint_cases")
    cases = criminal_cases(data) if cases is None else cases
    return count_per_period(cases["start"], periods, "joint_cases", cases["has_victim"] & cases["victim_served"])


def cases_with_services_share(data: TaskForceData, periods: pd.PeriodIndex, *, cases: pd.DataFrame | None = None) -> pd.Series:
    """Share of the period's criminal cases with an identified victim whose victims received services.

    ``cases``: the case table of :func:`criminal_cases` when the caller already has it
    (:func:`indicators` computes it once for the four case indicators).
    """
    if not_recorded(data, "cj_events"):
        return nan_series(periods, "cases_with_services_share")
    cases = criminal_cases(data) if cases is None else cases
    return share_per_period(cases["start"], periods, "cases_with_services_share", cases["victim_served"], cases["has_victim"])


def median_days_investigation_to_charges(data: TaskForceData, periods: pd.PeriodIndex, *, cases: pd.DataFrame | None = None) -> pd.Series:
    """Median days from a case's start to its first charges, by the period of the charges.

    Placing a case in the period it was charged (not opened) keeps recent periods honest:
    their cases are not missing the slow ones still under investigation.

    ``cases``: the case table of :func:`criminal_cases` when the caller already has it
    (:func:`indicators` computes it once for the four case indicators).
    """
    if not_recorded(data, "cj_events"):
        return nan_series(periods, "median_days_investigation_to_charges")
    cases = criminal_cases(data) if cases is None else cases
    return median_per_period(cases["first_charges"], periods, "median_days_investigation_to_charges", days_between(cases["first_charges"], cases["start"]))


def multi_agency_cases(data: TaskForceData, periods: pd.PeriodIndex, *, cases: pd.DataFrame | None = None) -> pd.Series:
    """Cases with an event in the period that, by the period's end, involved 2+ agencies or counties.

    Agencies are the members recording the case's events (``member_id``), jurisdictions
    their ``county_fips``.

    ``cases``: the case table of :func:`criminal_cases` when the caller already has it
    (:func:`indicators` computes it once for the four case indicators).
    """
    if not_recorded(data, "cj_events"):
        return nan_series(periods, "multi_agency_cases")
    ev = data.cj_events
    active = dated_rows(ev["occurred_on"], periods, case_id=ev["case_id"].to_numpy(dtype=object)).drop_duplicates()
    multi_since = (criminal_cases(data) if cases is None else cases).set_index("case_id")["multi_since"]
    since = lookup(active["case_id"], multi_since)
    ends = pd.Series(pd.PeriodIndex(active["period"]).end_time.to_numpy(), index=active.index)
    active = active[flags(since.notna() & (since <= ends))]
    out = active.groupby("period").size().reindex(periods, fill_value=0).astype("float64")
    return out.rename("multi_agency_cases").rename_axis("period")
