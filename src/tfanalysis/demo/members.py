"""The demo's members and what each offers (capacity rows), with the planted eligibility hole and deserts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tfanalysis.data.contract import ALL_GENDERS, ANY_LANGUAGE, LIST_SEPARATOR, STATEWIDE
from tfanalysis.demo.places import _COUNTIES
from tfanalysis.demo.story import _DESERTS


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
