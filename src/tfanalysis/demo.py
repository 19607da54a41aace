"""A deterministic synthetic task force in Ohio, for demos, notebooks and tests.

:func:`generate` writes one CSV file per table of the data contract
(:mod:`tfanalysis.data.contract`): 42 member organizations at real Ohio ZIP codes, their
capacity per service with eligibility rules, about 600 identified victims over three
years (2023-01-01 to 2025-12-31), their needs and referrals, criminal-justice events,
task force meetings, joint trainings and case reviews with attendance, and four waves of
a partner survey. The same seed gives byte-identical files.

Nobody in it is real. The organizations are invented (their names describe a kind of
organization in a real city, not any actual agency); the places are real: ZIP codes, county
FIPS codes and county centroids come from the ``zipcodes`` package, ``addfips`` and the
Census cartographic boundary file that ``plotly-geo`` ships (the tests check every one).

Sources
-------
Proportions taken from published statistics:

- Banks, D. & Kyckelhahn, T. (2011). *Characteristics of Suspected Human Trafficking
  Incidents, 2008-2010*. Bureau of Justice Statistics Special Report NCJ 233732.
  Of 2,515 incidents opened by federally funded task forces, 82% were sex trafficking,
  11% labor trafficking and 7% of unknown type (we use sex 80%, labor 11%, both 2%,
  unknown 7%: the "both" share is invented and taken from sex trafficking). 83% of
  confirmed sex-trafficking victims were U.S. citizens; confirmed labor-trafficking
  victims were undocumented (67%) or qualified aliens (28%), so we make 95% of them
  foreign nationals. 62% of confirmed labor-trafficking victims were 25 or older,
  against 13% of sex-trafficking victims: the age groups below have these shares.
- Office for Victims of Crime Training and Technical Assistance Center, *Human
  Trafficking Task Force e-Guide*, "Forming a Task Force" and "Advantages of a Task
  Force": the list of victim needs (:mod:`tfanalysis.data.taxonomy`), joint training and a
  coordinated response as the task force's purpose (the planted change below).
- Frey, B. B., Lohmeier, J. H., Lee, S. W. & Tollefson, N. (2006). Measuring
  collaboration among grant partners. *American Journal of Evaluation*, 27(3),
  383-392: the Levels of Collaboration Scale (0-5) of the survey.

Everything else is invented for the demo and says nothing about Ohio: the genders of
victims, the need probabilities and their co-occurrence, member capacities and service
areas, the client counties' weights, waiting and response times, the size of the
planted change, and the survey's levels, trust and value.

Planted patterns
----------------
Later analyses are tested on these (see :data:`PLANTED` and ``docs/demo-data.md``):

1. Rural deserts: no member serves ``mental_health_care`` or ``legal_representation``
   in Meigs (39105), Gallia (39053), Monroe (39111), Noble (39121) or Morgan (39115)
   County, whose clients need both; the nearest location offering either is more than
   60 miles from each county's centroid.
2. Eligibility hole: no emergency shelter takes adult men (no ``housing_emergency`` or
   ``housing`` row serves adults and males), yet adult male clients, mostly of labor
   trafficking, need emergency housing: those needs stay unmet and their referrals are
   ``declined_eligibility``.
3. Capacity shortfall: ``legal_representation`` is asked for about 6 times a month
   against 3 places a month (4 from 2025): long waits, unmet needs, referrals
   ``declined_capacity``.
4. Collaboration change on 2024-07-01 (a shared referral protocol and a coordinator):
   median referral response time falls from about 10 days to about 3, referrals
   between sectors (law enforcement to victim services above all) become more common,
   joint trainings go from quarterly to every six weeks, meeting attendance rises, and
   partner-survey levels, trust and value rise from wave 3 on.

Examples
--------
>>> from tfanalysis import demo
>>> demo.PLANTED["change_date"], demo.PLANTED["shortfall_service"]
('2024-07-01', 'legal_representation')
>>> sorted(demo.PLANTED["desert_counties"].values())
['Gallia', 'Meigs', 'Monroe', 'Morgan', 'Noble']
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.data.contract import ALL_GENDERS, ANY_LANGUAGE, LIST_SEPARATOR, RADIUS_PREFIX, STATEWIDE, TABLES
from tfanalysis.geo import great_circle_miles

__all__ = ["DEFAULT_SEED", "PERIOD_START", "PERIOD_END", "PLANTED", "generate"]

DEFAULT_SEED = 2024
"""Seed used when none is given: the demo dataset everybody sees."""

PERIOD_START = "2023-01-01"
"""First day of the demo's data."""
PERIOD_END = "2025-12-31"
"""Last day of the demo's data: nothing happens after it."""

_CHANGE = "2024-07-01"
_DESERTS = {"39105": "Meigs", "39053": "Gallia", "39111": "Monroe", "39121": "Noble", "39115": "Morgan"}
_DESERT_SERVICES = ("mental_health_care", "legal_representation")
_SHORTFALL = "legal_representation"
_WAVE_DATES = {1: "2023-06-15", 2: "2024-03-15", 3: "2024-12-15", 4: "2025-09-15"}

PLANTED: dict[str, Any] = {
    "change_date": _CHANGE,
    "change": "the task force adopted a shared referral protocol and hired a coordinator",
    "response_days_median": {"before": 10, "after": 3},
    "joint_trainings_per_year": {"before": 4, "after": 8},
    "survey_wave_dates": dict(_WAVE_DATES),
    "survey_waves_after_change": (3, 4),
    "desert_counties": dict(_DESERTS),
    "desert_services": _DESERT_SERVICES,
    "desert_min_miles": 60,
    "eligibility_hole": {"services": ("housing_emergency", "housing"), "age": "adults", "gender": "male"},
    "shortfall_service": _SHORTFALL,
}
"""The patterns planted in the demo data, for tests and notebooks to refer to.

Keys: ``change_date`` (ISO date of the collaboration change) and ``change`` (what
happened); ``response_days_median`` (target medians of referral response days before and
after); ``joint_trainings_per_year``; ``survey_wave_dates`` (wave → date fielded; the
survey table itself has no dates) and ``survey_waves_after_change``; ``desert_counties``
(FIPS → name), ``desert_services`` and ``desert_min_miles`` (the nearest location
offering a desert service is farther than this from each desert county's centroid);
``eligibility_hole`` (no row of these services serves this age and gender);
``shortfall_service`` (monthly demand well above monthly capacity).
"""

# --------------------------------------------------------------------------- places

# The 88 Ohio counties: FIPS, centroid latitude and longitude (Census cartographic boundary
# file 2016, centroid in EPSG:5070), the demo's region, name.
_COUNTY_ROWS = """
39001 38.846 -83.472 SE Adams
39003 40.772 -84.106 NW Allen
39005 40.846 -82.271 C Ashland
39007 41.707 -80.748 NE Ashtabula
39009 39.334 -82.045 SE Athens
39011 40.561 -84.222 NW Auglaize
39013 40.016 -80.988 SE Belmont
39015 38.934 -83.867 SW Brown
39017 39.439 -84.576 SW Butler
39019 40.580 -81.090 NE Carroll
39021 40.138 -83.769 C Champaign
39023 39.917 -83.784 SW Clark
39025 39.047 -84.152 SW Clermont
39027 39.415 -83.808 SW Clinton
39029 40.768 -80.777 NE Columbiana
39031 40.302 -81.920 SE Coshocton
39033 40.851 -82.920 C Crawford
39035 41.424 -81.659 NE Cuyahoga
39037 40.133 -84.619 SW Darke
39039 41.324 -84.490 NW Defiance
39041 40.278 -83.005 C Delaware
39043 41.363 -82.619 NW Erie
39045 39.752 -82.631 C Fairfield
39047 39.560 -83.456 SW Fayette
39049 39.969 -83.009 C Franklin
39051 41.602 -84.130 NW Fulton
39053 38.825 -82.317 SE Gallia
39055 41.499 -81.179 NE Geauga
39057 39.691 -83.890 SW Greene
39059 40.052 -81.494 SE Guernsey
39061 39.196 -84.543 SW Hamilton
39063 41.002 -83.667 NW Hancock
39065 40.661 -83.659 NW Hardin
39067 40.294 -81.091 SE Harrison
39069 41.334 -84.068 NW Henry
39071 39.185 -83.601 SW Highland
39073 39.497 -82.479 SE Hocking
39075 40.561 -81.929 NE Holmes
39077 41.146 -82.598 NW Huron
39079 39.020 -82.618 SE Jackson
39081 40.385 -80.761 NE Jefferson
39083 40.399 -82.422 C Knox
39085 41.697 -81.238 NE Lake
39087 38.598 -82.537 SE Lawrence
39089 40.092 -82.483 C Licking
39091 40.388 -83.766 C Logan
39093 41.295 -82.151 NE Lorain
39095 41.620 -83.658 NW Lucas
39097 39.894 -83.400 C Madison
39099 41.015 -80.776 NE Mahoning
39101 40.587 -83.161 C Marion
39103 41.118 -81.900 NE Medina
39105 39.082 -82.023 SE Meigs
39107 40.540 -84.629 NW Mercer
39109 40.053 -84.229 SW Miami
39111 39.727 -81.083 SE Monroe
39113 39.754 -84.291 SW Montgomery
39115 39.620 -81.853 SE Morgan
39117 40.524 -82.794 C Morrow
39119 39.965 -81.944 SE Muskingum
39121 39.766 -81.456 SE Noble
39123 41.538 -83.141 NW Ottawa
39125 41.117 -84.580 NW Paulding
39127 39.737 -82.236 SE Perry
39129 39.642 -83.024 C Pickaway
39131 39.077 -83.067 SE Pike
39133 41.168 -81.197 NE Portage
39135 39.741 -84.648 SW Preble
39137 41.022 -84.132 NW Putnam
39139 40.774 -82.536 C Richland
39141 39.338 -83.057 SE Ross
39143 41.356 -83.146 NW Sandusky
39145 38.804 -82.993 SE Scioto
39147 41.124 -83.128 NW Seneca
39149 40.332 -84.205 SW Shelby
39151 40.814 -81.366 NE Stark
39153 41.126 -81.532 NE Summit
39155 41.317 -80.761 NE Trumbull
39157 40.441 -81.474 NE Tuscarawas
39159 40.299 -83.372 C Union
39161 40.855 -84.586 NW Van Wert
39163 39.251 -82.485 SE Vinton
39165 39.427 -84.167 SW Warren
39167 39.455 -81.496 SE Washington
39169 40.829 -81.888 NE Wayne
39171 41.560 -84.588 NW Williams
39173 41.362 -83.623 NW Wood
39175 40.842 -83.304 NW Wyandot
"""


@dataclass(frozen=True)
class _Counties:
    fips: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    region: np.ndarray
    name: np.ndarray

    def index(self, fips: Any) -> np.ndarray:
        return np.searchsorted(self.fips, np.asarray(fips))


def _parse_counties() -> _Counties:
    rows = [line.split(maxsplit=4) for line in _COUNTY_ROWS.strip().splitlines()]
    cols = list(zip(*rows))
    return _Counties(
        fips=np.array(cols[0]),
        lat=np.array(cols[1], dtype=float),
        lon=np.array(cols[2], dtype=float),
        region=np.array(cols[3]),
        name=np.array(cols[4]),
    )


_COUNTIES = _parse_counties()

# Real Ohio ZIP codes used by members: ZIP → (latitude, longitude, county FIPS, city), as the
# ``zipcodes`` package gives them (a test checks each against zipcodes and addfips).
_ZIPS: dict[str, tuple[float, float, str, str]] = {
    "43215": (39.9671, -83.0044, "39049", "Columbus"),
    "43205": (39.9569, -82.9644, "39049", "Columbus"),
    "43206": (39.9426, -82.9748, "39049", "Columbus"),
    "43210": (40.0028, -83.0164, "39049", "Columbus"),
    "43219": (40.0326, -82.9103, "39049", "Columbus"),
    "43223": (39.9388, -83.0463, "39049", "Columbus"),
    "44114": (41.5064, -81.6743, "39035", "Cleveland"),
    "44113": (41.4816, -81.7018, "39035", "Cleveland"),
    "44115": (41.4946, -81.6670, "39035", "Cleveland"),
    "44106": (41.5084, -81.6076, "39035", "Cleveland"),
    "44102": (41.4735, -81.7398, "39035", "Cleveland"),
    "45202": (39.1072, -84.5020, "39061", "Cincinnati"),
    "45219": (39.1270, -84.5131, "39061", "Cincinnati"),
    "45229": (39.1490, -84.4892, "39061", "Cincinnati"),
    "45206": (39.1269, -84.4853, "39061", "Cincinnati"),
    "43604": (41.6614, -83.5249, "39095", "Toledo"),
    "43608": (41.6779, -83.5344, "39095", "Toledo"),
    "43620": (41.6654, -83.5536, "39095", "Toledo"),
    "44308": (41.0796, -81.5194, "39153", "Akron"),
    "44307": (41.0695, -81.5488, "39153", "Akron"),
    "45402": (39.7563, -84.1895, "39113", "Dayton"),
    "45417": (39.7528, -84.2470, "39113", "Dayton"),
    "44503": (41.1020, -80.6500, "39099", "Youngstown"),
    "44702": (40.8027, -81.3739, "39151", "Canton"),
    "45801": (40.7641, -84.0973, "39003", "Lima"),
    "44902": (40.7559, -82.5123, "39139", "Mansfield"),
    "43701": (39.9274, -82.0041, "39119", "Zanesville"),
    "45701": (39.3178, -82.1020, "39009", "Athens"),
    "45662": (38.7932, -82.9306, "39145", "Portsmouth"),
    "45601": (39.3380, -82.9895, "39141", "Chillicothe"),
    "44870": (41.4349, -82.7063, "39043", "Sandusky"),
    "45840": (41.0449, -83.6457, "39063", "Findlay"),
    "45502": (39.9242, -83.8088, "39023", "Springfield"),
    "45750": (39.4281, -81.4644, "39167", "Marietta"),
}

# --------------------------------------------------------------------------- members


@dataclass(frozen=True)
class _Member:
    member_id: str
    name: str
    sector: str
    zip: str
    joined_on: str
    left_on: str | None = None
    writes_coordinates: bool = False  # False: only the ZIP is written, the loader locates it
    confidential: bool = False


_LE, _PROS, _VS, _HEALTH, _LEGAL = "law_enforcement", "prosecution", "victim_services", "health", "legal_services"
_GOV, _COMM, _EDU, _LABOR, _OTHER = "government", "community", "education", "labor", "other"

_MEMBERS: tuple[_Member, ...] = (
    _Member("M01", "Columbus-area police trafficking unit", _LE, "43215", "2022-03-01", writes_coordinates=True),
    _Member("M02", "Cleveland-area police vice unit", _LE, "44114", "2022-03-01"),
    _Member("M03", "Cincinnati-area police vice unit", _LE, "45202", "2022-03-01", writes_coordinates=True),
    _Member("M04", "Toledo-area police trafficking unit", _LE, "43604", "2022-03-01"),
    _Member("M05", "Akron-area police unit", _LE, "44308", "2022-06-01", left_on="2025-03-31", writes_coordinates=True),
    _Member("M06", "Dayton-area police unit", _LE, "45402", "2022-06-01"),
    _Member("M07", "Southeast Ohio sheriffs' task group", _LE, "45701", "2022-09-01", writes_coordinates=True),
    _Member("M08", "State criminal investigations bureau", _LE, "43223", "2022-03-01"),
    _Member("M09", "Youngstown-area police unit", _LE, "44503", "2024-10-01", writes_coordinates=True),
    _Member("M10", "Central Ohio county prosecutor", _PROS, "43215", "2022-03-01"),
    _Member("M11", "Northeast Ohio county prosecutor", _PROS, "44113", "2022-03-01", writes_coordinates=True),
    _Member("M12", "Southwest Ohio county prosecutor", _PROS, "45202", "2022-06-01"),
    _Member("M13", "Federal prosecutors' office", _PROS, "43215", "2022-03-01", writes_coordinates=True),
    _Member("M14", "Central Ohio survivor advocacy center", _VS, "43205", "2022-03-01", writes_coordinates=True),
    _Member("M15", "Columbus women's emergency shelter", _VS, "43206", "2022-03-01", confidential=True),
    _Member("M16", "Youth crisis shelter", _VS, "43219", "2022-06-01", confidential=True),
    _Member("M17", "Cleveland survivor services", _VS, "44115", "2022-03-01", writes_coordinates=True),
    _Member("M18", "Cleveland women's shelter", _VS, "44102", "2022-03-01", confidential=True),
    _Member("M19", "Cincinnati survivor services and shelter", _VS, "45206", "2022-03-01", writes_coordinates=True, confidential=True),
    _Member("M20", "Toledo survivor services and shelter", _VS, "43608", "2022-06-01", confidential=True),
    _Member("M21", "Appalachian Ohio survivor network", _VS, "45701", "2022-09-01", writes_coordinates=True),
    _Member("M22", "Mid-Ohio Valley victim services", _VS, "45750", "2023-05-01"),
    _Member("M23", "Central Ohio community health center", _HEALTH, "43210", "2022-03-01", writes_coordinates=True),
    _Member("M24", "Cleveland hospital forensic nursing and trauma program", _HEALTH, "44106", "2022-03-01"),
    _Member("M25", "Cincinnati behavioral and primary care", _HEALTH, "45219", "2022-06-01", writes_coordinates=True),
    _Member("M26", "Toledo trauma therapy clinic", _HEALTH, "43620", "2022-09-01"),
    _Member("M27", "Dayton community health center", _HEALTH, "45417", "2024-02-01", writes_coordinates=True),
    _Member("M28", "Southern Ohio recovery and primary care", _HEALTH, "45662", "2022-09-01"),
    _Member("M29", "Central Ohio legal aid", _LEGAL, "43215", "2022-03-01", writes_coordinates=True),
    _Member("M30", "Northeast Ohio legal aid", _LEGAL, "44113", "2022-03-01"),
    _Member("M31", "Immigrant legal clinic", _LEGAL, "45229", "2022-06-01", writes_coordinates=True),
    _Member("M32", "Farmworker and immigrant legal services", _LEGAL, "43604", "2022-09-01"),
    _Member("M33", "State crime victim services office", _GOV, "43215", "2022-03-01", writes_coordinates=True),
    _Member("M34", "Job and family services liaison", _GOV, "44902", "2022-06-01"),
    _Member("M35", "West Ohio children services", _GOV, "45801", "2022-09-01", writes_coordinates=True),
    _Member("M36", "Immigrant and refugee community coalition", _COMM, "44307", "2022-06-01"),
    _Member("M37", "Faith-based outreach network", _COMM, "44702", "2022-09-01", writes_coordinates=True),
    _Member("M38", "Findlay community outreach", _COMM, "45840", "2022-09-01", left_on="2024-03-31"),
    _Member("M39", "Adult education and literacy network", _EDU, "43701", "2022-09-01", writes_coordinates=True),
    _Member("M40", "Community college workforce programs", _EDU, "45502", "2023-03-01"),
    _Member("M41", "Worker center and labor council", _LABOR, "44870", "2024-09-01", writes_coordinates=True),
    _Member("M42", "Statewide language access network", _OTHER, "45601", "2022-06-01"),
)

# --------------------------------------------------------------------------- capacity


@dataclass(frozen=True)
class _Offer:
    member_id: str
    service: str
    capacity: int
    area: str
    minors: bool = True
    adults: bool = True
    genders: str = ALL_GENDERS
    foreign: bool = True
    languages: str = ANY_LANGUAGE
    always_open: bool = False
    valid_from: str | None = None  # None: the member's joined_on
    valid_to: str | None = None  # None: the member's left_on


def _area(*regions: str, minus: tuple[str, ...] = ()) -> str:
    """The ``service_area`` listing every county of ``regions`` except ``minus``."""
    keep = np.isin(_COUNTIES.region, regions) & ~np.isin(_COUNTIES.fips, minus)
    return LIST_SEPARATOR.join(_COUNTIES.fips[keep])


def _bundle(member_id: str, area: str, /, *, minors: bool = True, adults: bool = True, genders: str = ALL_GENDERS,
            languages: str = ANY_LANGUAGE, always_open: bool = False, valid_from: str | None = None,
            valid_to: str | None = None, **services: int) -> tuple[_Offer, ...]:
    """Rows of one member sharing an area and eligibility: ``service=capacity_per_month``."""
    return tuple(
        _Offer(member_id, service, capacity, area, minors=minors, adults=adults, genders=genders, languages=languages,
               always_open=always_open, valid_from=valid_from, valid_to=valid_to)
        for service, capacity in services.items()
    )


_D = tuple(_DESERTS)
_SHELTER = {"minors": False, "genders": "female;nonbinary", "always_open": True}  # the eligibility hole: no adult men
_OFFERS: tuple[_Offer, ...] = (
    # law enforcement and prosecution: victim specialists help with the criminal justice process
    *_bundle("M01", _area("C"), always_open=True, criminal_justice_assistance=3),
    *_bundle("M02", _area("NE"), always_open=True, criminal_justice_assistance=3),
    *_bundle("M03", _area("SW"), always_open=True, criminal_justice_assistance=3),
    *_bundle("M04", _area("NW"), always_open=True, criminal_justice_assistance=3),
    *_bundle("M06", _area("SW"), always_open=True, criminal_justice_assistance=2),
    *_bundle("M07", _area("SE"), always_open=True, criminal_justice_assistance=2),
    *_bundle("M08", STATEWIDE, always_open=True, criminal_justice_assistance=2),
    *_bundle("M09", _area("NE"), always_open=True, criminal_justice_assistance=2),
    *_bundle("M10", _area("C", "SE"), criminal_justice_assistance=4, crime_victims_rights=3),
    *_bundle("M11", _area("NE"), criminal_justice_assistance=4, crime_victims_rights=3),
    *_bundle("M12", _area("SW"), criminal_justice_assistance=4, crime_victims_rights=3),
    *_bundle("M13", STATEWIDE, criminal_justice_assistance=3),
    # victim services: one full-service provider per region, women's shelters, a youth shelter
    *_bundle("M14", _area("C"), case_management=9, victim_advocacy=7, safety_planning=7, sexual_assault_services=5,
             transportation=6, food=6, clothing=6),
    *_bundle("M14", _area("C"), always_open=True, crisis_intervention=6),
    *_bundle("M14", _area("C"), minors=False, housing_transitional=3),
    *_bundle("M15", _area("C", "SE"), **_SHELTER, housing_emergency=6),
    *_bundle("M15", _area("C", "SE"), minors=False, genders="female;nonbinary", housing_transitional=3),
    *_bundle("M15", _area("C"), genders="female;nonbinary", safety_planning=3),
    *_bundle("M16", STATEWIDE, adults=False, always_open=True, housing_emergency=4, crisis_intervention=3),
    *_bundle("M16", STATEWIDE, adults=False, case_management=3, housing_transitional=2),
    *_bundle("M17", _area("NE"), case_management=9, victim_advocacy=7, safety_planning=6, sexual_assault_services=5,
             transportation=5, food=5, clothing=5),
    *_bundle("M17", _area("NE"), always_open=True, crisis_intervention=5),
    *_bundle("M17", _area("NE"), minors=False, housing_transitional=4),
    *_bundle("M18", _area("NE"), **_SHELTER, housing_emergency=6),
    *_bundle("M18", _area("NE"), genders="female;nonbinary", safety_planning=3),
    *_bundle("M19", _area("SW"), case_management=8, victim_advocacy=6, safety_planning=6, sexual_assault_services=4,
             transportation=5, food=5, clothing=5),
    *_bundle("M19", _area("SW"), always_open=True, crisis_intervention=5),
    *_bundle("M19", _area("SW"), **_SHELTER, housing_emergency=5),
    *_bundle("M19", _area("SW"), minors=False, housing_transitional=3),
    *_bundle("M20", _area("NW"), case_management=6, victim_advocacy=5, safety_planning=5, sexual_assault_services=3,
             transportation=4, food=4, clothing=4),
    *_bundle("M20", _area("NW"), always_open=True, crisis_intervention=4),
    *_bundle("M20", _area("NW"), **_SHELTER, housing_emergency=4),
    *_bundle("M20", _area("NW"), minors=False, housing_transitional=2),
    *_bundle("M21", _area("SE"), case_management=5, victim_advocacy=4, safety_planning=4, sexual_assault_services=3,
             transportation=4, food=3, clothing=3),
    *_bundle("M21", _area("SE"), always_open=True, crisis_intervention=3),
    *_bundle("M21", _area("SE"), **_SHELTER, housing_emergency=3),
    *_bundle("M21", _area("SE"), minors=False, housing_transitional=2),
    *_bundle("M22", "39013;39059;39105;39111;39115;39121;39167", languages="en", case_management=2,
             victim_advocacy=2, safety_planning=2, transportation=2),
    # health: nobody offers mental health care in the desert counties
    *_bundle("M23", _area("C", "SE", minus=_D), medical_care=8, substance_abuse_services=4),
    *_bundle("M23", _area("C", "SE", minus=_D), valid_to="2024-12-31", mental_health_care=6),
    *_bundle("M23", _area("C", "SE", minus=_D), valid_from="2025-01-01", mental_health_care=8),  # capacity increase
    *_bundle("M23", STATEWIDE, dental_care=4),
    *_bundle("M24", _area("NE"), medical_care=6, mental_health_care=5, substance_abuse_services=3),
    *_bundle("M24", "radius:40", always_open=True, sexual_assault_services=3),
    *_bundle("M25", _area("SW", "SE", minus=_D), mental_health_care=5, substance_abuse_services=4),
    *_bundle("M25", _area("SW"), medical_care=4),
    *_bundle("M26", _area("NW"), mental_health_care=4, medical_care=4, substance_abuse_services=2),
    *_bundle("M27", _area("SW"), medical_care=5, mental_health_care=4, substance_abuse_services=3),
    *_bundle("M28", _area("SE"), medical_care=4, substance_abuse_services=4),
    # legal services: the shortfall (one place a month each) and the deserts
    *_bundle("M29", _area("C", "SW", "SE", minus=_D), legal_representation=1, identification_documents=3,
             crime_victims_rights=2),
    *_bundle("M30", _area("NE"), legal_representation=1, identification_documents=3, civil_legal_award=1),
    *_bundle("M31", STATEWIDE, identification_documents=3, repatriation_assistance=1, family_reunification=2,
             civil_legal_award=2),
    *_bundle("M31", _area("SW", "C"), valid_from="2025-01-01", legal_representation=1),  # a new grant
    *_bundle("M32", _area("NW"), legal_representation=1, identification_documents=2),
    # government, community, education, labor, other
    *_bundle("M33", STATEWIDE, crime_victims_rights=8),
    *_bundle("M34", STATEWIDE, public_assistance=10, child_dependent_assistance=4, disability_assistance=2,
             job_placement=4),
    *_bundle("M34", STATEWIDE, minors=False, housing_permanent=3),
    *_bundle("M35", STATEWIDE, adults=False, family_reunification=2),
    *_bundle("M35", _area("NW"), adults=False, languages="en", case_management=3),
    *_bundle("M36", STATEWIDE, cultural_community_support=4),
    *_bundle("M36", _area("NE", "C"), languages="ar;es;fr;ne;so", translation_interpretation=3),
    *_bundle("M36", "radius:30", food=3),
    *_bundle("M37", STATEWIDE, spiritual_assistance=3),
    *_bundle("M37", _area("NE"), languages="en", food=3, clothing=3, transportation=2),
    *_bundle("M38", _area("NW"), languages="en", food=2, clothing=2),
    *_bundle("M38", "radius:40", languages="en", transportation=2),
    *_bundle("M39", STATEWIDE, esl_classes=5, education_ged=5, literacy_assistance=3, financial_literacy=2),
    *_bundle("M40", _area("SW", "C"), languages="en;es", job_placement=3, financial_literacy=2),
    *_bundle("M40", _area("SW"), languages="en;es", valid_to="2024-12-31", education_ged=2),  # a program that ended
    *_bundle("M41", STATEWIDE, job_placement=4, financial_literacy=2),
    *_bundle("M42", STATEWIDE, always_open=True, translation_interpretation=12),
)

# --------------------------------------------------------------------------- clients

_TYPES = ("sex", "labor", "both", "unknown")
_TYPE_P = (0.80, 0.11, 0.02, 0.07)  # BJS 2011: 82% sex, 11% labor, 7% unknown; "both" invented
_AGES = ("minor", "18-24", "25-34", "35-49", "50+", "unknown")
_AGE_P = {  # BJS 2011: 25 and older are 13% of sex- and 62% of labor-trafficking victims
    "sex": (0.38, 0.47, 0.08, 0.04, 0.01, 0.02),
    "labor": (0.06, 0.30, 0.30, 0.22, 0.10, 0.02),
    "both": (0.20, 0.40, 0.20, 0.12, 0.04, 0.04),
    "unknown": (0.25, 0.30, 0.15, 0.10, 0.05, 0.15),
}
_GENDERS = ("female", "male", "nonbinary", "unknown")
_GENDER_P = {  # invented
    "sex": (0.90, 0.07, 0.02, 0.01),
    "labor": (0.36, 0.62, 0.01, 0.01),
    "both": (0.60, 0.37, 0.02, 0.01),
    "unknown": (0.55, 0.37, 0.03, 0.05),
}
_NATIONALITIES = ("us_citizen", "foreign_national", "unknown")
_NATIONALITY_P = {  # BJS 2011 for sex and labor; invented for both and unknown
    "sex": (0.83, 0.13, 0.04),
    "labor": (0.04, 0.95, 0.01),
    "both": (0.45, 0.50, 0.05),
    "unknown": (0.60, 0.20, 0.20),
}
_FOREIGN_LANGUAGES = ("es", "en", "zh", "ht", "vi", "so", "ne", "ar", "fr", "pt")
_FOREIGN_LANGUAGE_P = (0.50, 0.07, 0.08, 0.07, 0.05, 0.05, 0.05, 0.05, 0.05, 0.03)  # invented
_CLIENTS_PER_YEAR = (180, 200, 220)

# County weights (invented): metro-heavy, some rural Appalachian counties; labor
# trafficking also in agricultural counties.
_COUNTY_WEIGHTS = {
    "39049": 17, "39035": 15, "39061": 10, "39095": 8, "39153": 5, "39113": 6, "39099": 2.5, "39151": 2.5,
    "39017": 2, "39093": 2, "39023": 1.5, "39003": 1.2, "39139": 1.2, "39101": 1, "39043": 1, "39063": 0.8,
    "39089": 1.2, "39045": 1, "39119": 1.2, "39009": 1.2, "39145": 1.8, "39141": 1.2, "39087": 1, "39079": 0.6,
    "39163": 0.6, "39073": 0.6, "39131": 0.6, "39167": 1, "39059": 0.8, "39081": 0.8, "39013": 0.8,
    "39105": 1.3, "39053": 1.3, "39111": 1.1, "39121": 1.1, "39115": 1.1,
}
_LABOR_COUNTY_WEIGHTS = {
    "39049": 18, "39035": 11, "39061": 9, "39095": 6, "39113": 5, "39077": 8, "39037": 6, "39107": 6, "39173": 6,
    "39143": 4, "39101": 5, "39023": 4, "39043": 3, "39063": 3, "39017": 2, "39105": 1, "39115": 1,
}
_SOURCE_SECTORS = (_LE, _VS, _HEALTH, _COMM, _EDU, _GOV, _LEGAL, _LABOR, _PROS, "unknown")
_SOURCE_P = {  # invented; after the change police bring more victims to the task force
    "before": (0.28, 0.26, 0.14, 0.10, 0.05, 0.08, 0.04, 0.02, 0.02, 0.01),
    "after": (0.40, 0.20, 0.12, 0.08, 0.05, 0.07, 0.03, 0.02, 0.02, 0.01),
}

# need → probability per trafficking type (sex, labor, both, unknown); invented, after the
# e-Guide's list. Translation, ESL and repatriation depend on language and nationality.
_NEED_P: dict[str, tuple[float, float, float, float]] = {
    "case_management": (0.70, 0.75, 0.75, 0.60),
    "safety_planning": (0.45, 0.25, 0.45, 0.30),
    "crisis_intervention": (0.25, 0.10, 0.25, 0.20),
    "victim_advocacy": (0.30, 0.30, 0.30, 0.20),
    "housing_emergency": (0.45, 0.60, 0.45, 0.30),
    "housing_transitional": (0.18, 0.25, 0.20, 0.10),
    "housing_permanent": (0.04, 0.05, 0.05, 0.02),
    "medical_care": (0.35, 0.35, 0.35, 0.20),
    "mental_health_care": (0.55, 0.35, 0.50, 0.30),
    "sexual_assault_services": (0.30, 0.03, 0.25, 0.10),
    "substance_abuse_services": (0.25, 0.06, 0.20, 0.12),
    "dental_care": (0.08, 0.12, 0.10, 0.04),
    "legal_representation": (0.30, 0.85, 0.55, 0.10),
    "identification_documents": (0.12, 0.55, 0.35, 0.08),
    "criminal_justice_assistance": (0.20, 0.25, 0.25, 0.08),
    "crime_victims_rights": (0.12, 0.20, 0.20, 0.06),
    "job_placement": (0.10, 0.55, 0.30, 0.08),
    "education_ged": (0.06, 0.04, 0.06, 0.04),
    "food": (0.15, 0.35, 0.25, 0.12),
    "clothing": (0.12, 0.20, 0.15, 0.10),
    "transportation": (0.15, 0.25, 0.20, 0.10),
    "public_assistance": (0.10, 0.12, 0.12, 0.08),
    "child_dependent_assistance": (0.06, 0.04, 0.06, 0.03),
    "family_reunification": (0.04, 0.08, 0.06, 0.03),
    "cultural_community_support": (0.02, 0.02, 0.02, 0.02),
    "financial_literacy": (0.04, 0.12, 0.08, 0.02),
    "spiritual_assistance": (0.02, 0.04, 0.03, 0.02),
    "disability_assistance": (0.02, 0.02, 0.02, 0.02),
    "literacy_assistance": (0.02, 0.05, 0.04, 0.02),
    "civil_legal_award": (0.02, 0.08, 0.05, 0.01),
    "translation_interpretation": (0.0, 0.0, 0.0, 0.0),
    "esl_classes": (0.0, 0.0, 0.0, 0.0),
    "repatriation_assistance": (0.0, 0.0, 0.0, 0.0),
}
_NOT_FOR_MINORS = ("job_placement", "housing_permanent", "financial_literacy", "child_dependent_assistance")
_FIRST_WEEK_NEEDS = ("case_management", "safety_planning", "crisis_intervention", "housing_emergency", "medical_care",
                     "sexual_assault_services", "translation_interpretation", "food", "clothing", "victim_advocacy")
# Mean days from a place (and an answer to the referral) to the service starting.
_START_DAYS = {
    **dict.fromkeys(("crisis_intervention", "safety_planning", "housing_emergency", "sexual_assault_services",
                     "translation_interpretation", "food", "clothing", "transportation"), 2.0),
    **dict.fromkeys(("case_management", "victim_advocacy", "medical_care", "criminal_justice_assistance"), 7.0),
    **dict.fromkeys(("mental_health_care", "substance_abuse_services", "dental_care"), 14.0),
}
_DEFAULT_START_DAYS = 21.0

# --------------------------------------------------------------------------- helpers

_NEVER = np.iinfo(np.int64).max // 4  # day number of "no end date"


def _day(iso: str | None) -> int:
    """Day number (days since 1970-01-01) of an ISO date; :data:`_NEVER` for None."""
    return _NEVER if iso is None else int(np.datetime64(iso, "D").astype(np.int64))


_START, _END, _CHANGE_DAY = _day(PERIOD_START), _day(PERIOD_END), _day(_CHANGE)
_MONTH0 = int(np.datetime64(PERIOD_START, "M").astype(np.int64))
_N_MONTHS = int(np.datetime64(PERIOD_END, "M").astype(np.int64)) - _MONTH0 + 1
_MONTH_START = np.arange(_MONTH0, _MONTH0 + _N_MONTHS + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _month(days: np.ndarray) -> np.ndarray:
    """Month index (0 = January 2023) of day numbers."""
    return np.asarray(days).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) - _MONTH0


def _iso(days: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """ISO strings of day numbers; empty where ``present`` is False."""
    days = np.asarray(days, dtype=np.int64)
    present = np.ones(days.shape, bool) if present is None else np.asarray(present, bool)
    out = np.full(days.shape, "", dtype=object)
    if present.any():
        out[present] = np.datetime_as_string(days[present].astype("datetime64[D]"))
    return out


def _flag(values: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(values, bool), "true", "false").astype(object)


def _masked_argmin(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Column of the smallest value per row among ``mask``; -1 for rows with none."""
    best = np.where(mask, values, np.inf).argmin(axis=1)
    return np.where(mask.any(axis=1), best, -1)


def _codes(values: np.ndarray, options: tuple[str, ...]) -> np.ndarray:
    """Position of each value in ``options``."""
    return pd.Categorical(np.asarray(values, dtype=object), categories=list(options)).codes.astype(np.int64)


def _choose(rng: np.random.Generator, options: tuple[str, ...], p: tuple[float, ...] | np.ndarray, size: int) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=size, p=p / p.sum())]


def _lognormal_days(rng: np.random.Generator, median: np.ndarray, sigma: float) -> np.ndarray:
    return np.rint(median * np.exp(rng.normal(0.0, sigma, np.shape(median)))).astype(np.int64)


def _response_medians(rng: np.random.Generator) -> np.ndarray:
    """Median days to answer a referral, per month: about 10 before the change, 3 after.

    A slow drift and a month-to-month wobble keep the quarterly series from being flat.
    """
    month_first = _MONTH_START[:-1]
    years = (month_first - _START) / 365.25
    base = np.where(month_first >= _CHANGE_DAY, 3.2 - 0.3 * (years - 1.5), 10.5 - 0.4 * years)
    return base * np.exp(rng.normal(0.0, 0.12, _N_MONTHS))


# --------------------------------------------------------------------------- the world


@dataclass(frozen=True)
class _World:
    """Members and capacity as arrays, with their distances to every county."""

    member_id: np.ndarray
    sector: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    joined: np.ndarray
    left: np.ndarray
    member_county_miles: np.ndarray  # members × counties
    offer_member: np.ndarray  # index into members
    offer_service: np.ndarray
    offer_capacity: np.ndarray
    offer_from: np.ndarray
    offer_to: np.ndarray
    offer_covers: np.ndarray  # offers × counties
    offer_minors: np.ndarray
    offer_adults: np.ndarray
    offer_genders: np.ndarray  # offers × _GENDERS
    offer_foreign: np.ndarray
    offer_languages: tuple[frozenset[str] | None, ...]  # None: any language
    slots: np.ndarray  # offers × months: places a month


def _world() -> _World:
    ids = np.array([m.member_id for m in _MEMBERS])
    lat = np.array([_ZIPS[m.zip][0] for m in _MEMBERS])
    lon = np.array([_ZIPS[m.zip][1] for m in _MEMBERS])
    joined = np.array([_day(m.joined_on) for m in _MEMBERS], dtype=np.int64)
    left = np.array([_day(m.left_on) for m in _MEMBERS], dtype=np.int64)
    to_county = great_circle_miles(lat[:, None], lon[:, None], _COUNTIES.lat[None, :], _COUNTIES.lon[None, :])

    member = np.searchsorted(ids, [o.member_id for o in _OFFERS])
    covers = np.zeros((len(_OFFERS), len(_COUNTIES.fips)), dtype=bool)
    for i, offer in enumerate(_OFFERS):
        if offer.area == STATEWIDE:
            covers[i] = True
        elif offer.area.startswith(RADIUS_PREFIX):
            covers[i] = to_county[member[i]] <= float(offer.area[len(RADIUS_PREFIX):])
        else:
            covers[i, _COUNTIES.index(offer.area.split(LIST_SEPARATOR))] = True
    genders = np.array(
        [[offer.genders == ALL_GENDERS or g in offer.genders.split(LIST_SEPARATOR) for g in _GENDERS] for offer in _OFFERS]
    )
    genders[:, _GENDERS.index("unknown")] = [offer.genders == ALL_GENDERS for offer in _OFFERS]
    valid_from = np.maximum(np.array([_day(o.valid_from) if o.valid_from else 0 for o in _OFFERS]), joined[member])
    valid_to = np.minimum(np.array([_day(o.valid_to) for o in _OFFERS]), left[member])
    capacity = np.array([o.capacity for o in _OFFERS], dtype=np.int64)
    month_first, month_last = _MONTH_START[:-1], _MONTH_START[1:] - 1
    open_in_month = (valid_from[:, None] <= month_last[None, :]) & (valid_to[:, None] >= month_first[None, :])
    return _World(
        member_id=ids,
        sector=np.array([m.sector for m in _MEMBERS]),
        lat=lat,
        lon=lon,
        joined=joined,
        left=left,
        member_county_miles=to_county,
        offer_member=member,
        offer_service=np.array([o.service for o in _OFFERS]),
        offer_capacity=capacity,
        offer_from=valid_from,
        offer_to=valid_to,
        offer_covers=covers,
        offer_minors=np.array([o.minors for o in _OFFERS]),
        offer_adults=np.array([o.adults for o in _OFFERS]),
        offer_genders=genders,
        offer_foreign=np.array([o.foreign for o in _OFFERS]),
        offer_languages=tuple(None if o.languages == ANY_LANGUAGE else frozenset(o.languages.split(LIST_SEPARATOR)) for o in _OFFERS),
        slots=np.where(open_in_month, capacity[:, None], 0),
    )


def _active(world: _World, days: np.ndarray) -> np.ndarray:
    """Rows of ``days`` × members: the member belonged to the task force that day."""
    days = np.asarray(days)[:, None]
    return (world.joined[None, :] <= days) & (world.left[None, :] >= days)


# --------------------------------------------------------------------------- tables


def _members_table(world: _World) -> pd.DataFrame:
    with_coords = np.array([m.writes_coordinates for m in _MEMBERS])
    left = np.array([m.left_on is not None for m in _MEMBERS])
    return pd.DataFrame(
        {
            "member_id": world.member_id,
            "name": [m.name for m in _MEMBERS],
            "sector": world.sector,
            "joined_on": _iso(world.joined),
            "left_on": _iso(np.where(left, world.left, 0), left),
            "zip": [m.zip for m in _MEMBERS],
            "lat": np.where(with_coords, [f"{v:.4f}" for v in world.lat], ""),
            "lon": np.where(with_coords, [f"{v:.4f}" for v in world.lon], ""),
            "county_fips": np.where(with_coords, [_ZIPS[m.zip][2] for m in _MEMBERS], ""),
            "confidential_location": _flag([m.confidential for m in _MEMBERS]),
        }
    )


def _capacity_table(world: _World) -> pd.DataFrame:
    ends = world.offer_to < _NEVER
    table = pd.DataFrame(
        {
            "member_id": world.member_id[world.offer_member],
            "service": world.offer_service,
            "capacity_per_month": world.offer_capacity.astype(str),
            "service_area": [o.area for o in _OFFERS],
            "serves_minors": _flag(world.offer_minors),
            "serves_adults": _flag(world.offer_adults),
            "genders": [o.genders for o in _OFFERS],
            "serves_foreign_nationals": _flag(world.offer_foreign),
            "languages": [o.languages for o in _OFFERS],
            "available_24_7": _flag([o.always_open for o in _OFFERS]),
            "valid_from": _iso(world.offer_from),
            "valid_to": _iso(np.where(ends, world.offer_to, 0), ends),
        }
    )
    return table.sort_values(["member_id", "service", "valid_from"], ignore_index=True)


@dataclass
class _Clients:
    day: np.ndarray
    county: np.ndarray  # index into _COUNTIES
    age: np.ndarray
    gender: np.ndarray
    kind: np.ndarray  # trafficking type
    nationality: np.ndarray
    language: np.ndarray
    source: np.ndarray  # referral source sector
    lead: np.ndarray  # member who identified the client (-1: none)
    hub: np.ndarray  # victim-service member coordinating the client's services (-1: none)

    @property
    def ids(self) -> np.ndarray:
        return np.array([f"C{i:04d}" for i in range(1, len(self.day) + 1)])


def _clients(rng: np.random.Generator, world: _World) -> _Clients:
    days = np.concatenate(
        [rng.integers(_day(f"{year}-01-01"), _day(f"{year}-12-31") + 1, n) for year, n in zip((2023, 2024, 2025), _CLIENTS_PER_YEAR)]
    )
    days.sort()
    return _people(rng, world, days)


def _people(rng: np.random.Generator, world: _World, days: np.ndarray, *, fill_deserts: bool = True) -> _Clients:
    """Clients identified on ``days``: attributes, county, source, lead member and hub.

    ``fill_deserts``: move a few clients into each desert county that has fewer than three
    (the Ohio demo; the national-scale demo's chapters leave their counties as drawn).
    """
    n = len(days)
    kind = _choose(rng, _TYPES, _TYPE_P, n)
    age, gender, nationality = (np.empty(n, dtype=object) for _ in range(3))
    county = np.empty(n, dtype=np.int64)
    for t in _TYPES:
        at = np.flatnonzero(kind == t)
        age[at] = _choose(rng, _AGES, _AGE_P[t], at.size)
        gender[at] = _choose(rng, _GENDERS, _GENDER_P[t], at.size)
        nationality[at] = _choose(rng, _NATIONALITIES, _NATIONALITY_P[t], at.size)
        weights = _LABOR_COUNTY_WEIGHTS if t == "labor" else _COUNTY_WEIGHTS
        county[at] = _COUNTIES.index(_choose(rng, tuple(weights), tuple(weights.values()), at.size).astype(str))
    # Every desert county has clients (a few whatever the seed): take them from the metro counties.
    for fips in _DESERTS if fill_deserts else ():
        short = 3 - int((county == _COUNTIES.index(fips)).sum())
        if short > 0:
            movable = np.flatnonzero(np.isin(county, _COUNTIES.index(["39049", "39035", "39061"])) & (kind == "sex"))
            county[movable[:short]] = _COUNTIES.index(fips)
    language = np.where(rng.random(n) < 0.03, "es", "en").astype(object)
    foreign = nationality == "foreign_national"
    language[foreign] = _choose(rng, _FOREIGN_LANGUAGES, _FOREIGN_LANGUAGE_P, int(foreign.sum()))
    language[nationality == "unknown"] = np.where(rng.random(int((nationality == "unknown").sum())) < 0.2, "es", "en")

    after = days >= _CHANGE_DAY
    source = np.where(after, _choose(rng, _SOURCE_SECTORS, _SOURCE_P["after"], n), _choose(rng, _SOURCE_SECTORS, _SOURCE_P["before"], n))
    source[(kind == "labor") & (rng.random(n) < 0.3)] = _LABOR

    active = _active(world, days)
    miles = world.member_county_miles[:, county].T  # clients × members
    lead = _masked_argmin(miles, active & (world.sector[None, :] == source[:, None]))
    # A referral source must be a member: where no member of that sector was active, a community partner was it.
    orphan = (lead < 0) & (source != "unknown")
    source[orphan] = _COMM
    lead[orphan] = _masked_argmin(miles[orphan], active[orphan] & (world.sector[None, :] == _COMM))
    case_management = np.flatnonzero(world.offer_service == "case_management")
    hub_offer = _masked_argmin(
        world.member_county_miles[world.offer_member[case_management]][:, county].T,
        world.offer_covers[case_management][:, county].T
        & (world.sector[world.offer_member[case_management]] == _VS)[None, :]
        & (world.offer_from[case_management][None, :] <= days[:, None])
        & (world.offer_to[case_management][None, :] >= days[:, None]),
    )
    hub = np.where(hub_offer >= 0, world.offer_member[case_management][hub_offer], -1)
    return _Clients(days, county, age, gender, kind, nationality, language, source, lead, hub)


@dataclass
class _Needs:
    client: np.ndarray
    need: np.ndarray
    day: np.ndarray


def _needs(rng: np.random.Generator, clients: _Clients) -> _Needs:
    n = len(clients.day)
    type_index = _codes(clients.kind, _TYPES)
    # A client-level severity makes needs co-occur beyond what the trafficking type explains.
    severity = np.exp(rng.normal(0.0, 0.35, n))
    minor = clients.age == "minor"
    speaks_other = ~np.isin(clients.language, ["en", "unknown"])
    foreign = clients.nationality == "foreign_national"
    desert = np.isin(_COUNTIES.fips[clients.county], list(_DESERTS))
    parts_client, parts_need = [], []
    for need, by_type in _NEED_P.items():
        p = np.asarray(by_type)[type_index] * severity
        if need == "translation_interpretation":
            p = np.where(speaks_other, 0.85, 0.0)
        elif need == "esl_classes":
            p = np.where(speaks_other, 0.30, 0.0)
        elif need == "repatriation_assistance":
            p = np.where(foreign, 0.04, 0.0)
        elif need == "cultural_community_support":
            p = np.where(foreign, 0.20, p)
        elif need == "education_ged":
            p = np.where(minor, 0.35, p)
        elif need in ("mental_health_care", "substance_abuse_services", "legal_representation"):
            p = np.where(desert, p * 1.5, p)  # the opioid epidemic's counties
        if need in _NOT_FOR_MINORS:
            p = np.where(minor, 0.0, p)
        has = rng.random(n) < np.minimum(p, 0.95)
        parts_client.append(np.flatnonzero(has))
        parts_need.append(np.full(int(has.sum()), need, dtype=object))
    # Each desert county's clients need each desert service, whatever the seed.
    for fips in _DESERTS:
        first_client = np.flatnonzero(clients.county == _COUNTIES.index(fips))[:1]
        for service in _DESERT_SERVICES:
            asked = np.isin(parts_client[list(_NEED_P).index(service)], np.flatnonzero(clients.county == _COUNTIES.index(fips)))
            if not asked.any():
                parts_client.append(first_client)
                parts_need.append(np.full(first_client.size, service, dtype=object))
    client = np.concatenate(parts_client)
    need = np.concatenate(parts_need)
    early = np.isin(need, _FIRST_WEEK_NEEDS)
    offset = np.where(early, rng.integers(0, 4, client.size), rng.integers(0, 46, client.size))
    day = clients.day[client] + offset
    keep = day <= _END
    order = np.lexsort((need[keep].astype(str), client[keep]))
    return _Needs(client[keep][order], need[keep][order], day[keep][order])


def _eligible(world: _World, clients: _Clients, needs: _Needs) -> np.ndarray:
    """Needs × offers: the offer could meet the need (service, county, age, gender, nationality, language)."""
    c = needs.client
    same_service = needs.need[:, None] == world.offer_service[None, :]
    covers = world.offer_covers[:, clients.county[c]].T
    minor = (clients.age[c] == "minor")[:, None]
    age_ok = np.where(minor, world.offer_minors[None, :], world.offer_adults[None, :])
    gender_ok = world.offer_genders[:, _codes(clients.gender[c], _GENDERS)].T
    foreign_ok = ~(clients.nationality[c] == "foreign_national")[:, None] | world.offer_foreign[None, :]
    languages = np.array(sorted(set(clients.language)))
    speaks = np.array([[langs is None or lang in langs or lang == "unknown" for lang in languages] for langs in world.offer_languages])
    language_ok = speaks[:, np.searchsorted(languages, clients.language[c].astype(str))].T
    return same_service & covers & age_ok & gender_ok & foreign_ok & language_ok


# Outcome of the search for a place.
_PLACED, _NO_PROVIDER, _NO_PLACE, _WAITING, _DECLINED, _DISENGAGED, _CLOSED = 0, 1, 2, 3, 4, 5, 6


def _queue(rng: np.random.Generator, world: _World, clients: _Clients, needs: _Needs, eligible: np.ndarray,
           searching: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First come, first served: each need takes a place at the nearest eligible offer with one free.

    Places are the offers' monthly capacity. A need waits up to its patience (2 to 4
    months) for a place and then gives up; one still waiting at the end of the data
    stays waiting.
    """
    slots = world.slots.copy()
    month = _month(needs.day)
    patience = rng.integers(2, 5, len(needs.day))
    miles = world.member_county_miles[world.offer_member]  # offers × counties
    result = np.full(len(needs.day), _NO_PROVIDER)
    offer = np.full(len(needs.day), -1)
    placed_month = np.full(len(needs.day), -1)
    for i in np.flatnonzero(searching)[np.argsort(needs.day[searching], kind="stable")]:
        rows = np.flatnonzero(eligible[i])
        if rows.size == 0:
            continue
        rows = rows[np.argsort(miles[rows, clients.county[needs.client[i]]], kind="stable")]
        last = month[i] + patience[i]
        result[i] = _WAITING if last >= _N_MONTHS else _NO_PLACE
        for m in range(month[i], min(last, _N_MONTHS - 1) + 1):
            free = rows[slots[rows, m] > 0]
            if free.size:
                slots[free[0], m] -= 1
                result[i], offer[i], placed_month[i] = _PLACED, free[0], m
                break
    return result, offer, placed_month


def _senders(rng: np.random.Generator, world: _World, clients: _Clients, needs: _Needs, to: np.ndarray,
             after: np.ndarray) -> np.ndarray:
    """The member making each referral (-1: none).

    Before the change clients mostly moved within one discipline's network: the referral
    comes from another member of the receiving member's sector (a shelter to a shelter, a
    clinic to a clinic) or from the client's victim-service hub. After it the member who
    identified the client (often the police) refers across sectors directly. A hub asked
    by its own network mostly provides the service without a referral (-1).
    """
    n = to.size
    c = needs.client
    miles = world.member_county_miles[:, clients.county[c]].T  # needs × members
    to_sector = world.sector[np.maximum(to, 0)]
    peer = _masked_argmin(
        miles, _active(world, needs.day) & (world.sector[None, :] == to_sector[:, None]) & (np.arange(world.member_id.size)[None, :] != to[:, None])
    )
    u = rng.random(n)
    p_peer, p_hub = np.where(after, 0.10, 0.40), np.where(after, 0.40, 0.45)
    by_lead = u >= p_peer + p_hub
    in_house = (to == clients.hub[c]) & ~by_lead & (rng.random(n) < 0.8)
    candidates = (np.where(u < p_peer, peer, np.where(by_lead, clients.lead[c], clients.hub[c])), clients.hub[c], clients.lead[c])
    sender = np.full(n, -1)
    for candidate in candidates:  # fall back to the hub, then the lead, where the first choice is missing or the receiver
        usable = (sender < 0) & (candidate >= 0) & (candidate != to)
        sender[usable] = candidate[usable]
    return np.where(in_house, -1, sender)


def _needs_and_referrals(rng: np.random.Generator, world: _World, clients: _Clients, queue: Any = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Needs and referrals; ``queue`` places the needs (default :func:`_queue`; the national-scale demo passes its own)."""
    needs = _needs(rng, clients)
    n = len(needs.day)
    eligible = _eligible(world, clients, needs)
    declined = rng.random(n) < 0.05
    disengaged = ~declined & (rng.random(n) < 0.06)
    reason, offer, placed_month = (queue or _queue)(rng, world, clients, needs, eligible, ~declined & ~disengaged)
    reason[declined], reason[disengaged] = _DECLINED, _DISENGAGED
    after = needs.day >= _CHANGE_DAY
    c = needs.client
    county = clients.county[c]

    # To whom: the member placing the need, or the nearest that could (or, with no eligible
    # offer, the nearest offering the service at all, which declines for eligibility).
    offer_miles = world.member_county_miles[world.offer_member][:, county].T  # needs × offers
    open_on_day = (world.offer_from[None, :] <= needs.day[:, None]) & (world.offer_to[None, :] >= needs.day[:, None])
    nearest_eligible = _masked_argmin(offer_miles, eligible & open_on_day)
    nearest_offering = _masked_argmin(offer_miles, (needs.need[:, None] == world.offer_service[None, :]) & open_on_day)
    target_offer = np.select([reason == _PLACED, reason == _NO_PROVIDER], [offer, nearest_offering], nearest_eligible)
    to = np.where(target_offer >= 0, world.offer_member[np.maximum(target_offer, 0)], -1)

    sender = _senders(rng, world, clients, needs, to, after)
    referred = (to >= 0) & (sender >= 0) & (sender != to) & (reason != _DECLINED)
    referred &= np.select([reason == _NO_PROVIDER, reason == _DISENGAGED], [rng.random(n) < 0.7, rng.random(n) < 0.5], True)

    t0 = needs.day + rng.integers(0, np.where(after, 3, 6))
    # Some referrals first go to a member that does not answer or declines; the coordinator
    # made that rarer.
    failed_first = referred & (reason == _PLACED) & (rng.random(n) < np.where(after, 0.10, 0.20))
    failed_outcome = np.where(
        rng.random(n) < np.where(after, 0.25, 0.45), "no_response", np.where(rng.random(n) < 0.85, "declined_other", "declined_capacity")
    )
    failed_to = np.where(nearest_offering >= 0, world.offer_member[np.maximum(nearest_offering, 0)], to)
    failed_to = np.where(failed_to == sender, to, failed_to)
    medians = _response_medians(rng)

    def response_days(day: np.ndarray) -> np.ndarray:
        return _lognormal_days(rng, medians[np.clip(_month(day), 0, _N_MONTHS - 1)], 0.6)

    failed_response = response_days(t0)
    failed_answered = failed_outcome != "no_response"
    main_day = np.where(
        failed_first, np.where(failed_answered, t0 + failed_response, t0 + rng.integers(14, 29, n)) + rng.integers(0, 4, n), t0
    )
    # A place found in a later month may be at a member that joined meanwhile.
    main_day = np.where(reason == _PLACED, np.maximum(main_day, world.offer_from[np.maximum(offer, 0)]), main_day)
    responded = main_day + response_days(main_day)
    start_mean = np.array([_START_DAYS.get(s, _DEFAULT_START_DAYS) for s in needs.need]) * np.where(after, 0.7, 1.0)
    start = np.rint(rng.gamma(2.0, start_mean / 2.0)).astype(np.int64)
    ready = np.where(referred, responded, t0)
    met_day = np.maximum(ready, _MONTH_START[np.maximum(placed_month, 0)]) + start
    # A program that closes (or a member that leaves) starts its last clients before closing,
    # and cannot take one whose referral is answered after it closed.
    closes = world.offer_to[np.maximum(offer, 0)]
    closed = (reason == _PLACED) & (ready > closes)
    reason[closed] = _CLOSED
    met_day = np.minimum(met_day, closes)
    met = (reason == _PLACED) & (met_day <= _END)

    status = np.select(
        [reason == _DECLINED, met, np.isin(reason, [_PLACED, _WAITING]), reason == _DISENGAGED, needs.day > _END - 30],
        ["declined_by_client", "met", "in_progress", "unmet", "in_progress"],
        "unmet",
    ).astype(object)
    ids = clients.ids
    needs_table = pd.DataFrame(
        {
            "client_id": ids[c],
            "need": needs.need,
            "identified_on": _iso(needs.day),
            "status": status,
            "met_on": _iso(met_day, met),
            "met_by": np.where(met, world.member_id[np.maximum(to, 0)], ""),
        }
    )

    main_outcome = np.select(
        [reason == _NO_PROVIDER, reason == _NO_PLACE, reason == _CLOSED, met],
        ["declined_eligibility", "declined_capacity", "declined_other", "completed"],
        "accepted",
    )
    # A need that found no place is often tried with a second member too.
    second_offer = _masked_argmin(offer_miles, eligible & open_on_day & (world.offer_member[None, :] != to[:, None]))
    second_to = world.offer_member[np.maximum(second_offer, 0)]
    second_try = referred & (reason == _NO_PLACE) & (rng.random(n) < 0.4) & (second_offer >= 0) & (second_to != sender)
    second_day = responded + rng.integers(0, 8, n)
    second_answer = second_day + response_days(second_day)

    parts = [
        (failed_first, failed_to, t0, np.where(failed_answered, t0 + failed_response, -1), failed_outcome),
        (referred, to, main_day, responded, main_outcome),
        (second_try, second_to, second_day, second_answer, np.full(n, "declined_capacity")),
    ]
    frames = []
    for mask, to_member, day, answered, outcome in parts:
        # Both members belong to the task force on the day of the referral, which falls in the data's period.
        members_active = _active(world, day)
        rows = np.arange(n)
        keep = mask & (day <= _END) & members_active[rows, np.maximum(sender, 0)] & members_active[rows, np.maximum(to_member, 0)]
        answered, outcome = answered[keep], outcome[keep].astype(object)
        is_open = (answered > _END) | ((outcome == "no_response") & (day[keep] + 30 > _END))
        outcome[is_open] = ""
        frames.append(
            pd.DataFrame(
                {
                    "client_id": ids[c[keep]],
                    "from_member": world.member_id[sender[keep]],
                    "to_member": world.member_id[to_member[keep]],
                    "service": needs.need[keep],
                    "day": day[keep],
                    "referred_on": _iso(day[keep]),
                    "responded_on": _iso(answered, (answered >= 0) & ~is_open),
                    "outcome": outcome,
                }
            )
        )
    referrals = pd.concat(frames, ignore_index=True).sort_values(["day", "client_id", "service"], kind="stable", ignore_index=True)
    referrals.insert(0, "referral_id", [f"R{i:05d}" for i in range(1, len(referrals) + 1)])
    return needs_table, referrals.drop(columns="day")


def _cj_events(rng: np.random.Generator, world: _World, clients: _Clients) -> pd.DataFrame:
    """Criminal cases: one per client engaged with the criminal justice system, plus cases without an identified victim."""
    after = clients.day >= _CHANGE_DAY
    p = np.where(clients.source == _LE, 0.55, 0.15) * np.where(after, 1.4, 1.0) * np.where(clients.kind == "unknown", 0.5, 1.0)
    engaged = np.flatnonzero(rng.random(len(clients.day)) < p)
    n_open = 45
    client = np.concatenate([engaged, np.full(n_open, -1)])
    county_weights = np.array(list(_COUNTY_WEIGHTS.values()))
    county = np.concatenate(
        [clients.county[engaged], _COUNTIES.index(rng.choice(list(_COUNTY_WEIGHTS), n_open, p=county_weights / county_weights.sum()))]
    )
    opened = np.concatenate([clients.day[engaged] + rng.integers(-21, 15, engaged.size), rng.integers(_START, _END - 30, n_open)])
    opened = np.maximum(opened, _START)
    labor = np.concatenate([clients.kind[engaged] == "labor", np.zeros(n_open, bool)])
    k = client.size

    def step(previous: np.ndarray, happens: np.ndarray, low: int, high: int) -> np.ndarray:
        return np.where(happens & (previous >= 0), previous + rng.integers(low, high, k), -1)

    u = rng.random(k)
    suspect = step(opened, rng.random(k) < 0.8, 3, 61)
    warrant = step(suspect, rng.random(k) < 0.35, 1, 31)
    arrest = step(np.maximum(suspect, warrant), rng.random(k) < 0.65, 1, 91)
    charges = step(arrest, rng.random(k) < 0.85, 0, 11)
    indictment = step(charges, rng.random(k) < 0.5, 14, 61)
    before_disposition = np.maximum(charges, indictment)
    plea = step(before_disposition, u < 0.6, 60, 241)
    trial = step(before_disposition, (u >= 0.6) & (u < 0.75), 150, 401)
    dismissal = step(before_disposition, (u >= 0.75) & (u < 0.87), 30, 201)
    convicted_at_trial = rng.random(k) < 0.8
    verdict = step(trial, np.ones(k, bool), 3, 16)
    conviction = np.where(plea >= 0, plea, np.where(convicted_at_trial, verdict, -1))
    acquittal = np.where(~convicted_at_trial, verdict, -1)
    sentencing = step(conviction, np.ones(k, bool), 30, 91)
    events = {
        "investigation_opened": opened, "suspect_identified": suspect, "search_warrant": warrant, "arrest": arrest,
        "charges_filed": charges, "indictment": indictment, "plea": plea, "trial": trial, "conviction": conviction,
        "acquittal": acquittal, "dismissal": dismissal, "sentencing": sentencing,
    }

    # The police agency nearest the case (the state bureau on half the labor cases) and the
    # prosecutor nearest it (federal prosecutors on most labor cases).
    miles = world.member_county_miles[:, county].T
    police = _masked_argmin(miles, _active(world, opened) & (world.sector == _LE)[None, :])
    police = np.where(labor & (rng.random(k) < 0.5), np.searchsorted(world.member_id, "M08"), police)
    prosecution_day = np.where(charges >= 0, charges, opened)
    state_prosecutor = _masked_argmin(miles, _active(world, prosecution_day) & (world.sector == _PROS)[None, :] & (world.member_id != "M13")[None, :])
    prosecutor = np.where(labor & (rng.random(k) < 0.7), np.searchsorted(world.member_id, "M13"), state_prosecutor)

    order = np.lexsort((client, opened))
    case_ids = np.empty(k, dtype=object)
    case_ids[order] = [f"K{i:04d}" for i in range(1, k + 1)]
    police_events = ("investigation_opened", "suspect_identified", "search_warrant", "arrest")
    frames = []
    for rank, (event, day) in enumerate(events.items()):
        keep = (day >= 0) & (day <= _END)
        member = police if event in police_events else prosecutor
        frames.append(
            pd.DataFrame(
                {
                    "case_id": case_ids[keep],
                    "event": event,
                    "day": day[keep],
                    "rank": rank,
                    "occurred_on": _iso(day[keep]),
                    "member_id": world.member_id[member[keep]],
                    "county_fips": _COUNTIES.fips[county[keep]],
                    "client_id": np.where(client[keep] >= 0, clients.ids[np.maximum(client[keep], 0)], ""),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True).sort_values(["case_id", "day", "rank"], ignore_index=True)
    return table.drop(columns=["day", "rank"])


def _weekday_of_month(month: int, weekday: int, nth: int) -> int:
    """Day number of the ``nth`` ``weekday`` (0 = Monday) of month index ``month``."""
    first = int(_MONTH_START[month])
    first_weekday = (first + 3) % 7  # 1970-01-01 was a Thursday
    return first + (weekday - first_weekday) % 7 + 7 * (nth - 1)


def _activities(rng: np.random.Generator, world: _World) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly meetings, case reviews, joint trainings (quarterly, then every six weeks) and an awareness day each January."""
    days, kinds = [], []
    for m in range(_N_MONTHS):
        days.append(_weekday_of_month(m, 1, 2))  # second Tuesday
        kinds.append("meeting")
        if _MONTH_START[m] >= _CHANGE_DAY or m % 2 == 0:
            days.append(_weekday_of_month(m, 3, 4))  # fourth Thursday
            kinds.append("case_review")
        if _MONTH_START[m] < _CHANGE_DAY and m % 3 == 1:
            days.append(_weekday_of_month(m, 2, 3))  # third Wednesday of Feb, May, Aug, Nov
            kinds.append("joint_training")
        if m % 12 == 0:
            days.append(int(_MONTH_START[m]) + 10)  # January 11, human trafficking awareness day
            kinds.append("other")
    training = _weekday_of_month(int(_month(np.array([_CHANGE_DAY]))[0]), 2, 3)
    while training <= _END - 14:
        days.append(training)
        kinds.append("joint_training")
        training += 42
    day = np.array(days, dtype=np.int64)
    kind = np.array(kinds, dtype=object)
    order = np.lexsort((kind.astype(str), day))
    day, kind = day[order], kind[order]
    activity_ids = np.array([f"A{i:03d}" for i in range(1, day.size + 1)])
    activities = pd.DataFrame({"activity_id": activity_ids, "date": _iso(day), "kind": kind})

    after = (day >= _CHANGE_DAY)[:, None]
    core = np.isin(world.sector, [_LE, _PROS, _VS, _HEALTH, _LEGAL])[None, :]
    base = {"meeting": (0.55, 0.75), "case_review": (0.45, 0.70), "joint_training": (0.35, 0.55), "other": (0.50, 0.60)}
    p = np.zeros((day.size, world.member_id.size))
    for name, (before_p, after_p) in base.items():
        p[kind == name] = np.where(after[kind == name], after_p, before_p)
    p = np.where((kind == "case_review")[:, None] & ~core, 0.0, p)
    present = (rng.random(p.shape) < p) & _active(world, day)
    a, m = np.nonzero(present)
    attendance = pd.DataFrame({"activity_id": activity_ids[a], "member_id": world.member_id[m]})
    return activities, attendance


def _survey(rng: np.random.Generator, world: _World) -> pd.DataFrame:
    """Each wave, most active members rate every other active member."""
    sectors = world.sector
    same = sectors[:, None] == sectors[None, :]
    pair = frozenset
    affinity = np.full(same.shape, 1.4)
    close = {pair((_LE, _PROS)): 3.0, pair((_VS, _HEALTH)): 2.4, pair((_VS, _LEGAL)): 2.4, pair((_VS, _COMM)): 2.2,
             pair((_LE, _VS)): 1.5, pair((_PROS, _VS)): 2.0, pair((_HEALTH, _LEGAL)): 1.8}
    for i, si in enumerate(sectors):
        for j, sj in enumerate(sectors):
            affinity[i, j] = 2.8 if si == sj else close.get(pair((si, sj)), 1.4)
    le_vs = np.isin(sectors, [_LE, _VS])[:, None] & np.isin(sectors, [_LE, _VS])[None, :] & ~same
    shift = {1: 0.0, 2: 0.1, 3: 0.8, 4: 1.1}
    frames = []
    for wave, date in _WAVE_DATES.items():
        active = _active(world, np.array([_day(date)]))[0]
        respondents = np.flatnonzero(active & (rng.random(active.size) < 0.85))
        partners = np.flatnonzero(active)
        r, q = np.meshgrid(respondents, partners, indexing="ij")
        r, q = r.ravel(), q.ravel()
        keep = r != q
        r, q = r[keep], q[keep]
        respondent_effect = rng.normal(0.0, 0.4, world.member_id.size)[r]
        raw = affinity[r, q] + shift[wave] + np.where(le_vs[r, q] & (wave >= 3), 0.6, 0.0) + respondent_effect + rng.normal(0.0, 0.7, r.size)
        level = np.clip(np.rint(raw), 0, 5).astype(np.int64)
        trust = np.clip(np.rint(1.2 + 0.5 * level + 0.2 * (wave >= 3) + rng.normal(0.0, 0.5, r.size)), 1, 4).astype(np.int64)
        value = np.clip(np.rint(1.4 + 0.45 * level + 0.2 * (wave >= 3) + rng.normal(0.0, 0.5, r.size)), 1, 4).astype(np.int64)
        rated = level > 0  # a partner one has no contact with gets no trust or value rating
        frames.append(
            pd.DataFrame(
                {
                    "wave": str(wave),
                    "respondent_id": world.member_id[r],
                    "partner_id": world.member_id[q],
                    "level": level.astype(str),
                    "trust": np.where(rated, trust.astype(str), ""),
                    "value": np.where(rated, value.astype(str), ""),
                }
            )
        )
    return pd.concat(frames, ignore_index=True).sort_values(["wave", "respondent_id", "partner_id"], ignore_index=True)


def _clients_table(clients: _Clients, county_fips: np.ndarray) -> pd.DataFrame:
    """The clients table (``county_fips``: the FIPS of each client's county)."""
    return pd.DataFrame(
        {
            "client_id": clients.ids,
            "identified_on": _iso(clients.day),
            "county_fips": county_fips,
            "age_group": clients.age,
            "gender": clients.gender,
            "trafficking_type": clients.kind,
            "nationality": clients.nationality,
            "primary_language": clients.language,
            "referral_source_sector": clients.source,
        }
    )


def _tables(seed: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    world = _world()
    clients = _clients(rng, world)
    needs, referrals = _needs_and_referrals(rng, world, clients)
    activities, attendance = _activities(rng, world)
    tables = {
        "members": _members_table(world),
        "capacity": _capacity_table(world),
        "clients": _clients_table(clients, _COUNTIES.fips[clients.county]),
        "needs": needs,
        "referrals": referrals,
        "cj_events": _cj_events(rng, world, clients),
        "activities": activities,
        "attendance": attendance,
        "survey": _survey(rng, world),
    }
    return {name: tables[name][TABLES[name].column_names] for name in TABLES}


def generate(out_dir: str | os.PathLike[str], seed: int = DEFAULT_SEED, *, clients: int | None = None) -> Path:
    """Write the demo task force, one CSV file per contract table, into ``out_dir``.

    The folder is created if missing. Files of the same names are replaced; other files
    are left alone. The tables are written to a temporary folder beside ``out_dir`` first
    and moved in only once all are complete, so a crash never leaves a half-written table.

    Parameters
    ----------
    out_dir : str or path-like
        The dataset folder to write.
    seed : int, default :data:`DEFAULT_SEED`
        Seed of :func:`numpy.random.default_rng`. The same seed gives byte-identical
        files; another seed gives another task force with the same planted patterns
        (:data:`PLANTED`).
    clients : int, optional
        None (default): the documented Ohio demo of 600 clients. A number: the
        national-scale variant for benchmarks (:mod:`tfanalysis.demo_scale`), that many
        clients in regional chapters of 600 across several states, members, capacity,
        referrals, cases, activities and survey in proportion; not the Ohio demo, even at 600.

    Returns
    -------
    pathlib.Path
        ``out_dir``, holding ``members.csv``, ``capacity.csv``, ``clients.csv``,
        ``needs.csv``, ``referrals.csv``, ``cj_events.csv``, ``activities.csv``,
        ``attendance.csv`` and ``survey.csv``.

    Raises
    ------
    TypeError
        If ``seed`` is not an integer.

    See Also
    --------
    tfanalysis.load_dataset : read and validate the folder.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = generate(tmp)
    ...     members = pd.read_csv(folder / "members.csv", dtype=str)
    ...     clients = pd.read_csv(folder / "clients.csv", dtype=str)
    >>> len(members), members["sector"].nunique(), len(clients)
    (42, 10, 600)
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, got {type(seed).__name__}: pass e.g. seed=7")
    if clients is not None:
        from tfanalysis import demo_scale

        return demo_scale.generate(out_dir, clients, seed=int(seed))
    out = Path(out_dir)
    tables = _tables(int(seed))
    with _staged(out, tables) as staging:
        for name, table in tables.items():
            table.to_csv(staging / f"{name}.csv", index=False, lineterminator="\n", encoding="utf-8")
    return out


@contextlib.contextmanager
def _staged(out: Path, names: Iterable[str]) -> Iterator[Path]:
    """A folder beside ``out`` to write ``<name>.csv`` files into, moved into ``out`` only once all are written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        yield staging
        out.mkdir(exist_ok=True)
        for name in names:
            os.replace(staging / f"{name}.csv", out / f"{name}.csv")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
