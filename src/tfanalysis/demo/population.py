"""Who the demo's victims are: the probabilities of types, ages, genders, nationalities, languages and needs."""

from __future__ import annotations

from tfanalysis.demo.members import _COMM, _EDU, _GOV, _HEALTH, _LABOR, _LE, _LEGAL, _PROS, _VS

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
