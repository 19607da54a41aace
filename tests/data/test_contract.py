"""The data contract as code, and its documentation."""

from __future__ import annotations

from pathlib import Path

from tfanalysis.data import contract

ROOT = Path(__file__).resolve().parents[2]


def test_docs_data_contract_is_generated_from_the_contract() -> None:
    # Regenerate with `make docs` after changing contract.py.
    assert (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8") == contract.markdown()


def test_every_design_table_and_key_column_is_in_the_contract() -> None:
    design = {
        "members": ["member_id", "name", "sector", "joined_on", "left_on", "zip", "lat", "lon", "county_fips", "confidential_location"],
        "capacity": ["member_id", "service", "capacity_per_month", "service_area", "serves_minors", "serves_adults", "genders",
                     "serves_foreign_nationals", "languages", "available_24_7", "valid_from", "valid_to"],
        "clients": ["client_id", "identified_on", "county_fips", "age_group", "gender", "trafficking_type", "nationality",
                    "primary_language", "referral_source_sector"],
        "needs": ["client_id", "need", "identified_on", "status", "met_on", "met_by"],
        "referrals": ["referral_id", "client_id", "from_member", "to_member", "service", "referred_on", "responded_on", "outcome"],
        "cj_events": ["case_id", "event", "occurred_on", "member_id", "county_fips", "client_id"],
        "activities": ["activity_id", "date", "kind"],
        "attendance": ["activity_id", "member_id"],
        "survey": ["wave", "respondent_id", "partner_id", "level", "trust", "value"],
    }
    assert {name: t.column_names for name, t in contract.TABLES.items()} == design


def test_client_level_tables_are_the_ones_about_victims() -> None:
    assert {n for n, t in contract.TABLES.items() if t.client_level} == {"clients", "needs", "referrals", "cj_events"}


def test_enumerations_match_the_design() -> None:
    assert contract.AGE_GROUPS == ("minor", "18-24", "25-34", "35-49", "50+", "unknown")
    assert contract.GENDERS == ("female", "male", "nonbinary", "unknown")
    assert contract.TRAFFICKING_TYPES == ("sex", "labor", "both", "unknown")
    assert len(contract.SECTORS) == 10 and contract.SECTORS[0] == "law_enforcement"
