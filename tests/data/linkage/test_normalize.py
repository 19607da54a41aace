"""Normalizing identifiers before encoding: names, nicknames, dates of birth, sex, phone."""

from __future__ import annotations

import pandas as pd
import pytest

from tfanalysis.data.linkage.normalize import fold_names, identifier_columns, normalize_identifiers, parse_birth_dates


def test_names_fold_case_accents_punctuation_titles_and_spaces() -> None:
    folded = fold_names(pd.Series(["  MARÍA   José ", "Dr. Ngô Đình-Diệm", "O'Neil Jr", "Strauß", "  ", None]))
    assert folded.tolist() == ["maria jose", "ngo dinh diem", "oneil", "strauss", pd.NA, pd.NA]


def test_nickname_and_full_name_share_a_form() -> None:
    ids = normalize_identifiers(pd.DataFrame({"first_name": ["Bob", "Robert", "Liz", "Elizabeth", "Zyxw"], "last_name": "x", "date_of_birth": "2000"}))
    forms = ids["first_forms"].str.split(";").map(set)
    assert "robert" in forms[0] & forms[1]
    assert "elizabeth" in forms[2] & forms[3]
    assert forms[4] == {"zyxw"}  # not in the table: itself


@pytest.mark.parametrize(
    "text, parts",
    [
        ("1990-05-14", (1990, 5, 14)),
        ("1990/5/4", (1990, 5, 4)),
        ("05/14/1990", (1990, 5, 14)),
        ("19900514", (1990, 5, 14)),
        ("1990-05", (1990, 5, None)),
        ("1990-00-00", (1990, None, None)),
        ("UN/UN/1990", (1990, None, None)),
        ("1990", (1990, None, None)),
        ("14/05/1990", (1990, None, 5)),  # a day-first date: month 14 is no month, not guessed
        ("1850-01-01", (None, 1, 1)),  # an impossible year
        ("next week", (None, None, None)),
    ],
)
def test_dates_of_birth_split_into_known_parts(text: str, parts: tuple) -> None:
    row = parse_birth_dates(pd.Series([text])).iloc[0]
    got = tuple(None if pd.isna(v) else int(v) for v in row)
    assert got == parts


def test_headers_are_found_whatever_the_system_calls_them() -> None:
    assert identifier_columns(["Case #", "Given Name", "SURNAME", "D.O.B.", "Sex", "Cell Phone"]) == {
        "first_name": "Given Name",
        "last_name": "SURNAME",
        "sex": "Sex",
        "phone": "Cell Phone",
    }


def test_full_name_column_splits_at_the_first_space_and_gender_stands_in_for_sex() -> None:
    ids = normalize_identifiers(pd.DataFrame({"Name": ["Ana María Ruiz Paz"], "dob": ["2001-02-03"], "gender": ["female"], "phone": ["(614) 555-0100 "]}))
    assert ids.loc[0, ["first", "last", "sex", "phone"]].tolist() == ["ana", "maria ruiz paz", "f", "6145550100"]


def test_an_export_without_a_date_of_birth_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="date_of_birth"):
        normalize_identifiers(pd.DataFrame({"first_name": ["a"], "last_name": ["b"]}))
