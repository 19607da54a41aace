"""The task force's shared vocabulary of needs.

Codes come from the e-Guide's chapter "Forming a Task Force" (Office for Victims of
Crime Training and Technical Assistance Center, *Human Trafficking Task Force e-Guide*):
its list of the needs of victims of human trafficking (32 bullets; *Housing* appears
twice, so 31 categories, kept here as one ``housing`` code with the subtypes emergency,
transitional and permanent) and its list of the needs of the criminal justice process
(20 bullets).

Codes are stable snake_case strings; labels are the e-Guide's own words; each code
belongs to one group so that reports can roll needs up. A task force whose case
management system uses other words maps them with a vocabulary file
(:mod:`tfanalysis.data.vocabulary`); :func:`normalize_term` is how terms compare.

Examples
--------
>>> from tfanalysis.data import taxonomy
>>> len(taxonomy.VICTIM_NEEDS), len(taxonomy.CJ_NEEDS)
(31, 20)
>>> taxonomy.VICTIM_NEEDS["safety_planning"]
'Safety and safety planning'
>>> taxonomy.need_category("housing_emergency")
'housing'
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

__all__ = [
    "CJ_NEEDS",
    "CJ_NEED_GROUPS",
    "GROUP_LABELS",
    "HOUSING_SUBTYPES",
    "NEED_GROUPS",
    "SERVICE_CODES",
    "VICTIM_NEEDS",
    "need_category",
    "normalize_term",
    "service_covers_need",
    "taxonomy_table",
]

# (code, e-Guide label, group), in the e-Guide's order.
_VICTIM_NEED_ROWS: tuple[tuple[str, str, str], ...] = (
    ("case_management", "Case management", "advocacy"),
    ("child_dependent_assistance", "Child-specific (dependent) assistance", "basic_needs"),
    ("civil_legal_award", "Civil legal award", "legal"),
    ("clothing", "Clothing", "basic_needs"),
    ("crime_victims_rights", "Crime victims' rights and benefits", "legal"),
    ("criminal_justice_assistance", "Criminal justice assistance", "legal"),
    ("crisis_intervention", "Crisis intervention", "safety"),
    ("cultural_community_support", "Cultural community/support", "social_support"),
    ("dental_care", "Dental care (emergency and long-term)", "health"),
    ("disability_assistance", "Disability assistance", "health"),
    ("education_ged", "Education/GED classes", "education"),
    ("esl_classes", "English as a Second Language (ESL) classes", "education"),
    ("financial_literacy", "Financial literacy", "economic"),
    ("family_reunification", "Family contact/reunification", "social_support"),
    ("food", "Food", "basic_needs"),
    ("housing", "Housing (emergency, transitional, permanent)", "basic_needs"),
    ("identification_documents", "Identification documents", "legal"),
    ("literacy_assistance", "Illiteracy or limited literacy assistance", "education"),
    ("job_placement", "Job preparation and placement", "economic"),
    ("legal_representation", "Legal representation (immigration, criminal, civil)", "legal"),
    ("medical_care", "Medical care (emergency and long-term)", "health"),
    ("mental_health_care", "Mental health care (emergency and long-term)", "health"),
    ("public_assistance", "Public assistance benefits", "economic"),
    ("spiritual_assistance", "Religious and spiritual assistance", "social_support"),
    ("repatriation_assistance", "Repatriation assistance", "legal"),
    ("safety_planning", "Safety and safety planning", "safety"),
    ("sexual_assault_services", "Sexual assault trauma services", "health"),
    ("substance_abuse_services", "Substance abuse services", "health"),
    ("translation_interpretation", "Translation and interpretation", "advocacy"),
    ("transportation", "Transportation", "basic_needs"),
    ("victim_advocacy", "Victim advocacy", "advocacy"),
)

_HOUSING_SUBTYPE_ROWS: tuple[tuple[str, str], ...] = (
    ("housing_emergency", "Housing: emergency"),
    ("housing_transitional", "Housing: transitional"),
    ("housing_permanent", "Housing: permanent"),
)

_CJ_NEED_ROWS: tuple[tuple[str, str, str], ...] = (
    ("appropriate_authority", "Appropriate authority", "legal_framework"),
    ("aggressive_prosecution", "Aggressive prosecution", "prosecution"),
    ("collaboration", "Collaboration", "partnership"),
    ("cooperation", "Cooperation", "partnership"),
    ("corroboration", "Corroboration", "investigation"),
    ("cross_jurisdictional_cooperation", "Cross-jurisdictional cooperation", "partnership"),
    ("effective_equipment", "Effective equipment", "capacity_building"),
    ("effective_laws", "Effective laws", "legal_framework"),
    ("evidence", "Evidence", "investigation"),
    ("expert_witnesses", "Expert witnesses", "prosecution"),
    ("informed_judiciary", "Informed judiciary", "prosecution"),
    ("interagency_cooperation", "Interagency cooperation", "partnership"),
    ("operational_intelligence", "Operational intelligence", "investigation"),
    ("international_laws", "Useful international laws", "legal_framework"),
    ("suspect_identification", "Suspect identification", "investigation"),
    ("training", "Training (ongoing to address turnover and more advanced topics)", "capacity_building"),
    ("victim_centered_investigations", "Understanding of victim-centered investigations", "capacity_building"),
    ("victim_identification", "Victim identification", "investigation"),
    ("victim_support_services", "Victim support services", "victim_witness_support"),
    ("witness_support", "Witness support for nonvictims", "victim_witness_support"),
)

VICTIM_NEEDS: dict[str, str] = {code: label for code, label, _ in _VICTIM_NEED_ROWS}
"""The 31 victim-need categories of the e-Guide: code → label."""

HOUSING_SUBTYPES: dict[str, str] = dict(_HOUSING_SUBTYPE_ROWS)
"""Subtypes of ``housing``: code → label. Each counts as the category ``housing``."""

SERVICE_CODES: dict[str, str] = {**VICTIM_NEEDS, **HOUSING_SUBTYPES}
"""Every code valid as a need or a service: the 31 categories and the housing subtypes."""

CJ_NEEDS: dict[str, str] = {code: label for code, label, _ in _CJ_NEED_ROWS}
"""The 20 needs of the criminal justice process: code → label."""

NEED_GROUPS: dict[str, str] = {
    **{code: group for code, _, group in _VICTIM_NEED_ROWS},
    **{code: "basic_needs" for code in HOUSING_SUBTYPES},
}
"""Victim-need code (subtypes included) → group."""

CJ_NEED_GROUPS: dict[str, str] = {code: group for code, _, group in _CJ_NEED_ROWS}
"""Criminal-justice need code → group."""

GROUP_LABELS: dict[str, str] = {
    "basic_needs": "Basic needs",
    "safety": "Safety",
    "health": "Health",
    "legal": "Legal",
    "economic": "Economic stability",
    "education": "Education",
    "social_support": "Social and cultural support",
    "advocacy": "Advocacy and case coordination",
    "investigation": "Investigation",
    "prosecution": "Prosecution",
    "partnership": "Partnership",
    "capacity_building": "Capacity building",
    "legal_framework": "Legal framework",
    "victim_witness_support": "Victim and witness support",
}


def need_category(code: str) -> str:
    """Return the e-Guide category of a need or service code.

    Housing subtypes roll up to ``housing``; every other code is its own category.

    Parameters
    ----------
    code : str
        A code from :data:`SERVICE_CODES`.

    Returns
    -------
    str
        The category code.

    Raises
    ------
    KeyError
        If ``code`` is not a victim-need code.

    Examples
    --------
    >>> need_category("housing_permanent"), need_category("food")
    ('housing', 'food')
    """
    if code in HOUSING_SUBTYPES:
        return "housing"
    if code in VICTIM_NEEDS:
        return code
    raise KeyError(f"{code!r} is not a victim-need code; see tfanalysis.data.taxonomy.SERVICE_CODES")


def service_covers_need(service: pd.Series, need: pd.Series) -> pd.Series:
    """Tell, row by row, whether a service offered meets a need identified.

    A service meets a need of the same code. Generic ``housing`` capacity meets any
    housing need, and a need recorded as plain ``housing`` is met by any housing subtype;
    an emergency shelter does not meet a need for permanent housing.

    Parameters
    ----------
    service, need : pandas.Series
        Aligned Series of codes from :data:`SERVICE_CODES`.

    Returns
    -------
    pandas.Series
        Boolean, aligned with the inputs.

    Examples
    --------
    >>> s = pd.Series(["housing", "housing_emergency", "housing_emergency", "food"])
    >>> n = pd.Series(["housing_permanent", "housing", "housing_permanent", "food"])
    >>> service_covers_need(s, n).tolist()
    [True, True, False, True]
    """
    service = service.astype("string")
    need = need.astype("string")
    both_housing = service.isin(["housing", *HOUSING_SUBTYPES]) & need.isin(["housing", *HOUSING_SUBTYPES])
    generic = (service == "housing") | (need == "housing")
    return ((service == need) | (both_housing & generic)).fillna(False).astype(bool)


def taxonomy_table() -> pd.DataFrame:
    """Return every code of the taxonomy as a table.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind`` (``victim_need``, ``housing_subtype`` or ``cj_need``), ``code``,
        ``label``, ``group``, ``group_label`` and ``category`` (the victim-need category a
        code rolls up to; the code itself for criminal-justice needs).

    Examples
    --------
    >>> t = taxonomy_table()
    >>> t["kind"].value_counts().to_dict()
    {'victim_need': 31, 'cj_need': 20, 'housing_subtype': 3}
    """
    rows = (
        [("victim_need", c, lab, g, c) for c, lab, g in _VICTIM_NEED_ROWS]
        + [("housing_subtype", c, lab, "basic_needs", "housing") for c, lab in _HOUSING_SUBTYPE_ROWS]
        + [("cj_need", c, lab, g, c) for c, lab, g in _CJ_NEED_ROWS]
    )
    table = pd.DataFrame(rows, columns=["kind", "code", "label", "group", "category"])
    table.insert(4, "group_label", table["group"].map(GROUP_LABELS))
    return table


def normalize_term(term: str) -> str:
    """Fold a vocabulary term for matching: lower case, accents dropped, punctuation and spaces to ``_``.

    Examples
    --------
    >>> normalize_term("  Mental Health Care (long-term) ")
    'mental_health_care_long_term'
    >>> normalize_term("Atención médica")
    'atencion_medica'
    """
    plain = unicodedata.normalize("NFKD", str(term)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^0-9a-z]+", "_", plain.strip().lower()).strip("_")
