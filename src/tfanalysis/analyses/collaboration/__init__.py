"""Is the task force working better together? The collaboration indicators (report 03's analyses).

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

Modules: :mod:`~.periods` and :mod:`~.series` (periods and per-period tallies), one per
family of indicators (:mod:`~.victims`, :mod:`~.referrals`, :mod:`~.justice`,
:mod:`~.engagement`, :mod:`~.survey`, and :mod:`~.network` for the referral network),
:mod:`~.catalogue` (the catalogue, all of them together), :mod:`~.members` (by sector and
member), :mod:`~.grant_evidence` (for grant reporting) and :mod:`~.trends` (the tests of change).
What leadership sees of them is :mod:`tfanalysis.reports.collaboration`.
"""

from __future__ import annotations

from tfanalysis.analyses.collaboration.catalogue import (
    BASES,
    BY_NAME,
    FAMILIES,
    INDICATORS,
    Indicator,
    indicator_bases,
    indicator_info,
    indicators,
    reportable,
)
from tfanalysis.analyses.collaboration.engagement import (
    case_reviews,
    joint_training_sectors,
    joint_trainings,
    meeting_attendance_rate,
    meetings,
)
from tfanalysis.analyses.collaboration.grant_evidence import EVIDENCE_COUNTS, evidence
from tfanalysis.analyses.collaboration.justice import (
    arrests,
    cases_with_services_share,
    charges_filed,
    convictions,
    investigations_opened,
    joint_cases,
    median_days_investigation_to_charges,
    multi_agency_cases,
)
from tfanalysis.analyses.collaboration.members import (
    attendance_by_member,
    attendance_matrix,
    membership,
    sector_indicators,
)
from tfanalysis.analyses.collaboration.periods import (
    compare_periods,
    data_end,
    period_index,
    period_labels,
    period_word,
    up_to,
)
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
from tfanalysis.analyses.collaboration.survey import parse_wave_dates, survey_waves
from tfanalysis.analyses.collaboration.victims import (
    CRITICAL_NEEDS,
    clients_identified,
    median_days_to_first_service,
    needs_met_within,
    unmet_critical_need_share,
)

__all__ = [
    "arrests",
    "attendance_by_member",
    "attendance_matrix",
    "BASES",
    "BY_NAME",
    "case_reviews",
    "cases_with_services_share",
    "charges_filed",
    "clients_identified",
    "closed_loop_share",
    "compare_periods",
    "convictions",
    "CRITICAL_NEEDS",
    "cross_sector_referral_share",
    "cross_sector_referrals",
    "data_end",
    "declined_capacity_share",
    "evidence",
    "EVIDENCE_COUNTS",
    "FAMILIES",
    "Indicator",
    "indicator_bases",
    "indicator_info",
    "INDICATORS",
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
    "parse_wave_dates",
    "period_index",
    "period_labels",
    "period_word",
    "referral_acceptance_rate",
    "referrals_made",
    "reportable",
    "sector_indicators",
    "survey_waves",
    "unmet_critical_need_share",
    "up_to",
]
