"""What the demo task force plants: its seed, its period, its planted change, deserts and shortfall."""

from __future__ import annotations

from typing import Any

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
