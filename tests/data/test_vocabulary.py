"""A task force's own words mapped to taxonomy codes: the vocabulary file and the mapping."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tfanalysis.data.taxonomy import CJ_NEEDS
from tfanalysis.data.vocabulary import VocabularyError, load_vocabulary, map_terms


def refused(path: Path, content: str | bytes) -> VocabularyError:
    """Write a vocabulary file and return the error reading it raises."""
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(VocabularyError) as info:
        load_vocabulary(path)
    return info.value


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
    error = refused(tmp_path / "vocabulary.csv", "term,code\nshelter,housing_emergency\nShelter,food\nyoga,wellness\n")
    message = str(error)
    assert "2 problem(s)" in message
    assert "entry 2 ('Shelter'): mapped to both 'housing_emergency' and 'food'" in message
    assert "entry 3 ('yoga'): 'wellness' is not a taxonomy code" in message


def test_vocabulary_needs_term_and_code_columns(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.csv"
    path.write_text("word,service\nshelter,housing\n")
    with pytest.raises(ValueError, match="needs the columns 'term' and 'code'"):
        load_vocabulary(path)


def test_one_bad_entry_leaves_the_other_entries_mapping(tmp_path: Path) -> None:
    # a second task force's typo code threw the whole vocabulary away: every term then "unmapped"
    error = refused(tmp_path / "vocabulary.csv", "term,code\nEmergency shelter,housing_emergency\nManejo de casos,case_managment\n"
                                                 "Refugio,housing_emergency\nrefugio,food\n")
    assert str(error) == (
        "vocabulary.csv: 2 problem(s) in the vocabulary (entries are counted from the first row after the header: entry 1 is line 2 of the file):\n"
        "- entry 2 ('Manejo de casos'): 'case_managment' is not a taxonomy code\n"
        "- entry 4 ('refugio'): mapped to both 'housing_emergency' and 'food'"
    )
    # the good entry maps; the term mapped to two codes maps to neither
    assert error.mapping == {"emergency_shelter": "housing_emergency"}


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("food,housing_emergency", "entry 1 ('food'): is itself the taxonomy code food"),
        ("Dental care,medical_care", "entry 1 ('Dental care'): is itself the taxonomy code dental_care"),
        ("Dental care (emergency and long-term),medical_care",
         "entry 1 ('Dental care (emergency and long-term)'): is the e-Guide label of the taxonomy code dental_care"),
        ("expert_witnesses,food", "entry 1 ('expert_witnesses'): is itself the taxonomy code expert_witnesses"),
    ],
)
def test_a_taxonomy_code_mapped_onto_another_code_is_refused(tmp_path: Path, entry: str, problem: str) -> None:
    error = refused(tmp_path / "vocabulary.csv", f"term,code\n{entry}\nShelter bed,housing_emergency\n")
    assert str(error) == (f"vocabulary.csv: 1 problem(s) in the vocabulary (entries are counted from the first row after the header: entry 1 is line 2 of the file):\n- {problem}; "
                               "a vocabulary maps a task force's own words, not one code onto another")
    assert error.mapping == {"shelter_bed": "housing_emergency"}


def test_a_code_or_label_mapped_to_itself_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.csv"
    path.write_text("term,code\nfood,food\nFood,food\nDental care (emergency and long-term),dental_care\nDespensa,food\n")
    assert load_vocabulary(path) == {"despensa": "food"}


def test_map_terms_never_lets_a_vocabulary_recode_a_code() -> None:
    result = map_terms(pd.Series(["food", "Food", "Despensa"]), {"food": "housing_emergency", "despensa": "food"})
    assert result.codes.tolist() == ["food", "food", "food"]


def test_a_vocabulary_saved_as_windows_1252_names_its_entries_not_its_terms(tmp_path: Path) -> None:
    error = refused(tmp_path / "vocabulary.csv",
                    "term,code\nEmergency shelter,housing_emergency\nInterpretación,translation_interpretation\n".encode("cp1252"))
    assert str(error) == (
        "vocabulary.csv: 1 problem(s) in the vocabulary (entries are counted from the first row after the header: entry 1 is line 2 of the file):\n"
        "- entry 2: not UTF-8 text, characters of another encoding (Windows-1252 or Latin-1, as older Excel "
        "versions save CSV): save vocabulary.csv as 'CSV UTF-8' and read it again"
    )
    assert error.mapping == {"emergency_shelter": "housing_emergency"}


def test_a_yaml_vocabulary_not_in_utf8_names_its_lines(tmp_path: Path) -> None:
    error = refused(tmp_path / "vocabulary.yaml", "Shelter: housing_emergency\nInterpretación: translation_interpretation\n".encode("cp1252"))
    assert "- line 2: not UTF-8 text" in str(error) and "save vocabulary.yaml as UTF-8" in str(error)
    assert "Interpreta" not in str(error)
    assert error.mapping == {"shelter": "housing_emergency"}


def test_an_empty_vocabulary_file_is_said_to_be_empty(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.csv"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="^vocabulary.csv is empty: write the header term,code"):
        load_vocabulary(path)
