"""What the needs-and-gaps report shows: every victim count through the publication layer.

:mod:`tfanalysis.gaps` computes true counts, rates and estimates. This package releases
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

One module a part of the report, each importing only those above it in this list:

- :mod:`~tfanalysis.reports.gaps.shown`: reading a released table (its ``Total``, its shown values);
- :mod:`~tfanalysis.reports.gaps.scope`: the period and region a count covers;
- :mod:`~tfanalysis.reports.gaps.outcomes`: needs by status and time to met; the demand and rate tables;
- :mod:`~tfanalysis.reports.gaps.matrix`: needs not met per group of services × county;
- :mod:`~tfanalysis.reports.gaps.structural`: the structural gaps;
- :mod:`~tfanalysis.reports.gaps.referrals`: referral outcomes per service;
- :mod:`~tfanalysis.reports.gaps.sites`: where to add capacity;
- :mod:`~tfanalysis.reports.gaps.findings`: the services the report names, its headline and summary.
"""

from __future__ import annotations

from tfanalysis.reports.gaps.findings import (
    NO_NEED,
    default_site_service,
    gaps_markdown,
    headline_metrics,
    pressed_services,
    pressed_services_markdown,
    site_service_markdown,
)
from tfanalysis.reports.gaps.matrix import ALL_COUNTIES, OTHER_COUNTIES, publish_gap_matrix
from tfanalysis.reports.gaps.outcomes import (
    DECLINED,
    FOLLOWED,
    IN_PROGRESS,
    MET_30,
    MET_90,
    MET_LATER,
    MET_UNDATED,
    NOT_MET,
    OUTCOME,
    STATUS,
    TIME_TO_MET,
    UNMET,
    Outcomes,
    need_outcomes,
    publish_demand,
    publish_rates,
    release_outcomes,
)
from tfanalysis.reports.gaps.referrals import REFERRAL_RESULTS, publish_referrals, referral_markdown
from tfanalysis.reports.gaps.scope import Scope, report_scope
from tfanalysis.reports.gaps.shown import MARGIN, ranked
from tfanalysis.reports.gaps.sites import publish_sites, sites_markdown
from tfanalysis.reports.gaps.structural import gaps_table, publish_gaps, structural_gaps_markdown

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
    "site_service_markdown",
    "gaps_table",
    "gaps_markdown",
    "headline_metrics",
    "pressed_services",
    "pressed_services_markdown",
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
    "need_outcomes",
]
