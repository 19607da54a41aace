"""The taxonomy against the e-Guide's own lists, and vocabulary mapping."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tfanalysis.data import taxonomy

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "forming-a-task-force.txt"


def _bullets(after: str, before: str) -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    block = text[text.index(after) : text.index(before)]
    return [line.strip().lstrip("•").strip() for line in block.splitlines() if line.strip().startswith("•")]


@pytest.mark.skipif(not SEED.exists(), reason="the e-Guide seed text lives in ../shared beside the repo")
def test_victim_needs_are_the_eguide_bullets_with_housing_once() -> None:
    bullets = _bullets("Needs of victims", "Needs of the criminal justice process")
    assert len(bullets) == 32
    assert bullets.count("Housing") == 1 and "Housing (emergency, transitional, permanent)" in bullets
    labels = [b.replace("’", "'") for b in bullets if b != "Housing"]
    assert sorted(taxonomy.VICTIM_NEEDS.values()) == sorted(labels)


@pytest.mark.skipif(not SEED.exists(), reason="the e-Guide seed text lives in ../shared beside the repo")
def test_cj_needs_are_the_eguide_bullets() -> None:
    bullets = _bullets("Needs of the criminal justice process", "Attempts to respond")
    assert list(taxonomy.CJ_NEEDS.values()) == bullets
    assert len(taxonomy.CJ_NEEDS) == 20


def test_codes_are_stable_snake_case_and_grouped() -> None:
    for code in [*taxonomy.SERVICE_CODES, *taxonomy.CJ_NEEDS]:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", code), code
    assert set(taxonomy.NEED_GROUPS) == set(taxonomy.SERVICE_CODES)
    assert set(taxonomy.CJ_NEED_GROUPS) == set(taxonomy.CJ_NEEDS)
    assert set(taxonomy.NEED_GROUPS.values()) | set(taxonomy.CJ_NEED_GROUPS.values()) <= set(taxonomy.GROUP_LABELS)
    assert taxonomy.NEED_GROUPS["mental_health_care"] == "health"
    assert taxonomy.NEED_GROUPS["housing_transitional"] == "basic_needs"


def test_housing_subtypes_roll_up_and_match() -> None:
    assert [taxonomy.need_category(c) for c in taxonomy.HOUSING_SUBTYPES] == ["housing"] * 3
    with pytest.raises(KeyError, match="not a victim-need code"):
        taxonomy.need_category("evidence")
    covers = taxonomy.service_covers_need(
        pd.Series(["housing_transitional", "housing", "food", "housing_permanent"]),
        pd.Series(["housing_transitional", "housing_emergency", "clothing", "housing"]),
    )
    assert covers.tolist() == [True, True, False, True]


def test_map_terms_uses_codes_labels_and_vocabulary() -> None:
    terms = pd.Series(["ESL", "English as a Second Language (ESL) classes", "esl_classes", None, "Counselling", "counselling"])
    result = taxonomy.map_terms(terms, {"counselling": "mental_health_care"})
    assert result.codes.tolist() == [pd.NA, "esl_classes", "esl_classes", pd.NA, "mental_health_care", "mental_health_care"]
    assert result.unmapped.to_dict("records") == [{"term": "ESL", "rows": 1}]


def test_map_terms_to_cj_codes() -> None:
    result = taxonomy.map_terms(pd.Series(["Expert witnesses", "food"]), codes=taxonomy.CJ_NEEDS)
    assert result.codes.tolist() == ["expert_witnesses", pd.NA]


def test_yaml_vocabulary(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.yaml"
    path.write_text("Shelter: housing_emergency\n'Bus pass': transportation\n")
    assert taxonomy.load_vocabulary(path) == {"shelter": "housing_emergency", "bus_pass": "transportation"}


def test_vocabulary_problems_are_all_listed(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.csv"
    path.write_text("term,code\nshelter,housing_emergency\nShelter,food\nyoga,wellness\n")
    with pytest.raises(ValueError) as info:
        taxonomy.load_vocabulary(path)
    message = str(info.value)
    assert "2 problem(s)" in message
    assert "entry 2 ('Shelter'): mapped to both 'housing_emergency' and 'food'" in message
    assert "entry 3 ('yoga'): 'wellness' is not a taxonomy code" in message


def test_vocabulary_needs_term_and_code_columns(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.csv"
    path.write_text("word,service\nshelter,housing\n")
    with pytest.raises(ValueError, match="needs the columns 'term' and 'code'"):
        taxonomy.load_vocabulary(path)
