"""Small fixtures shared by the tests of two layers: an analysis and the report that shows it.

Tests import them by name (``from shared_tables import SCENARIOS``); ``tests/`` is on the path
as the folder of ``conftest.py``. The tiny Delaware task force itself is ``conftest.TINY_TABLES``.
"""

from __future__ import annotations

SCENARIOS = """
scenarios:
  - name: Beds for men
    changes:
      - change_capacity: {member_id: m2, service: housing_emergency, set: {genders: all, capacity_per_month: 9}}
  - name: Shelter closes
    changes:
      - remove_member: {member_id: m2}
  - name: Spanish legal aid in Lewes
    changes:
      - add_member:
          member_id: m4
          name: Lewes legal clinic
          sector: legal_services
          zip: "19958"
          capacity:
            - {service: legal_representation, capacity_per_month: 2, service_area: statewide}
  - name: Police leave
    changes:
      - remove_member: {member_id: m1, from: 2024-06-01}
"""
