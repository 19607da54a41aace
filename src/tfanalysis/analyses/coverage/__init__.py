"""Service coverage and spatial access per county × service, and service deserts (report 01's analyses).

Where are the task force's services, and who can reach them? For a reporting period and
a region (a set of counties), per county × service:

- **members serving** the county: members with a capacity row for the service whose
  ``service_area`` includes the county (:func:`tfanalysis.analyses.service_areas.served_counties`);
- **capacity per month** of those rows, and per 100,000 residents: the capacity *in
  force*, averaged over the period (:func:`tfanalysis.analyses.capacity_in_force.places_per_month`,
  the definition gaps uses for places): a member's successive rows (6 a month, then 8)
  follow each other and do not add up, and a row valid for part of the period counts for
  that part. A statewide provider's whole capacity counts in each county it serves: the
  figure is what the county's residents may draw on, not a share, and does not add up
  across counties;
- **nearest miles**: great-circle miles from the county's centroid
  (:func:`tfanalysis.geo.county_centroids`) to the nearest member location offering the
  service, wherever its service area lies;
- **need**: needs the service meets (:func:`tfanalysis.data.taxonomy.service_covers_need`)
  identified in the period for clients living in the county. A raw count: reports show
  it as the publication layer releases it (:func:`tfanalysis.reports.coverage.published_coverage`);
- **access**: the E2SFCA/2SFCA score (:func:`~tfanalysis.analyses.coverage.access.access_scores`) with
  county population as demand, member capacity per month as supply, scaled to capacity
  per month per 100,000 residents within reach.

Definitions used throughout:

- *in the period*: members active and capacity rows valid at any time in it
  (:meth:`tfanalysis.data.io.TaskForceData.in_period`); needs identified in it.
- *offers a service*: a capacity row offers service ``s`` when it meets a need ``s``
  (:func:`~tfanalysis.data.taxonomy.service_covers_need`): generic ``housing`` capacity offers
  every housing subtype, and every housing subtype offers plain ``housing``.
- *member location*: see :mod:`~tfanalysis.analyses.coverage.providers`.
- *desert* (:func:`~tfanalysis.analyses.coverage.service_coverage.deserts`): a county × service
  with need identified in the period, no eligible capacity row whose service area includes
  the county, and no eligible member location offering the service within ``max_miles`` of
  the county's centroid (``nearest_miles > max_miles``, infinite when no member offers it at all).

Modules: :mod:`~.access` (the 2SFCA/E2SFCA scores), :mod:`~.providers` (who offers what,
where) and :mod:`~.service_coverage` (the tables per county × service). What the report
shows of them is :mod:`tfanalysis.reports.coverage`.
"""

from __future__ import annotations

from tfanalysis.analyses.coverage.access import DEFAULT_STEP_WEIGHTS, access_scores, gaussian_weights
from tfanalysis.analyses.coverage.providers import SEGMENT_KEYS, eligible_capacity, member_locations, region_counties
from tfanalysis.analyses.coverage.service_coverage import (
    DECAYS,
    PER_RESIDENTS,
    county_access,
    county_service_coverage,
    decay_weights,
    deserts,
    member_points,
)

__all__ = [
    "DECAYS",
    "DEFAULT_STEP_WEIGHTS",
    "PER_RESIDENTS",
    "SEGMENT_KEYS",
    "access_scores",
    "county_access",
    "county_service_coverage",
    "decay_weights",
    "deserts",
    "eligible_capacity",
    "gaussian_weights",
    "member_locations",
    "member_points",
    "region_counties",
]
