"""A task force's own words mapped to taxonomy codes: the vocabulary file and the mapping."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tfanalysis.data.taxonomy import CJ_NEEDS
from tfanalysis.data.vocabulary import load_vocabulary, map_terms


def test_map_terms_uses_codes_labels_and_vocabulary() -> None:
    terms = pd.Series(["ESL", "English as a Second Language (ESL) classes", "esl_classes", None, "Counselling", "counselling"])
    result = map_terms(terms, {"counselling": "mental_health_care"})
    assert result.codes.tolist() == [pd.NA, "esl_classes", "esl_classes", pd.NA, "mental_health_care", "mental_health_care"]
    assert result.unmapped.to_dict("records") == [{"term": "ESL", "rows": 1}]


def test_map_terms_to_cj_codes() -> None:
    result = map_terms(pd.Series(["Expert witnesses", "food"]), codes=CJ_NEEDS)
    assert result.codes.tolist() == ["expert_witnesses", pd.NA]


def test_yaml_vocabulary(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.yaml"
    path.write_text("Shelter: housing_emergency\n'Bus pass': transportation\n")
    assert load_vocabulary(path) == {"shelter": "housing_emergency", "bus_pass": "transportation"}


def test_vocabulary_problems_are_all_listed(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.csv"
    path.write_text("term,code\nshelter,housing_emergency\nShelter,food\nyoga,wellness\n")
    with pytest.raises(ValueError) as info:
        load_vocabulary(path)
    message = str(info.value)
    assert "2 problem(s)" in message
    assert "entry 2 ('Shelter'): mapped to both 'housing_emergency' and 'food'" in message
    assert "entry 3 ('yoga'): 'wellness' is not a taxonomy code" in message


def test_vocabulary_needs_term_and_code_columns(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.csv"
    path.write_text("word,service\nshelter,housing\n")
    with pytest.raises(ValueError, match="needs the columns 'term' and 'code'"):
        load_vocabulary(path)
