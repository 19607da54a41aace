"""Field-by-field comparison of candidate pairs: levels worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tfanalysis.data.linkage.comparison import FIELDS, compare_pairs, date_levels, frequency_class, name_level, value_shares
from tfanalysis.data.linkage.encode import encode_export

SECRET = b"0123456789abcdef0123456789abcdef"


def test_date_levels_by_hand() -> None:
    # codes: year 0/1; month and day share codes (3 = "03", 12 = "12"); -1 unknown
    y_i, y_j = np.array([0, 0, 0, 0, 0, 0, 0, -1]), np.array([0, 0, 0, 0, 1, 0, 0, 0])
    m_i, m_j = np.array([12, 12, 12, 12, 12, 12, 5, 12]), np.array([12, 3, -1, 12, 12, 7, 7, 12])
    d_i, d_j = np.array([3, 3, 3, 4, 3, 9, 9, 3]), np.array([3, 12, 3, 3, 3, 8, 8, 3])
    levels = date_levels(y_i, y_j, m_i, m_j, d_i, d_j).tolist()
    # same; transposed; month unknown on one side; wrong day; wrong year; year only; different month and day; no year
    assert levels == [0, 1, 2, 3, 3, 4, 4, -1]
    assert [FIELDS["date_of_birth"][k] for k in levels[:5]] == ["same", "day and month transposed", "same as far as known", "two of three parts", "two of three parts"]


def test_name_levels_by_hand() -> None:
    apart = np.array([0.0, 0.0, 2.0, 4.0, 4.5, 8.0, 9.0])
    same = np.array([True, True, False, False, False, False, False])
    often = np.array([0, 2, 1, 1, 1, 1, 1])
    assert name_level(apart, same, often).tolist() == [0, 2, 3, 3, 4, 4, 5]
    # surnames: sharing a word comes before one typo
    words = np.array([False, False, True, False, False, False, False])
    assert name_level(apart, same, often, words).tolist() == [0, 2, 3, 4, 5, 5, 6]


def test_frequency_classes_use_the_share_of_records() -> None:
    shares = value_shares(pd.Series(["a"] * 3 + ["b"] + [None] * 6))
    assert shares.tolist() == [0.3, 0.3, 0.3, 0.1] + [0.0] * 6
    assert frequency_class(shares[[0, 3, 4]], (0.05, 0.2)).tolist() == [2, 1, 0]


def test_pairs_compared_field_by_field() -> None:
    export = pd.DataFrame(
        {
            "record_id": ["r0", "r1", "r2", "r3"],
            "first_name": ["Bob", "Robert", "Ruiz", "Ana"],
            "last_name": ["Ruiz Paz", "ruiz", "Ana", "RUIZ"],
            "date_of_birth": ["1999-12-03", "03/12/1999", "1985-07-23", "1985-07-24"],
            "sex": ["F", "female", "F", "M"],
            "phone": ["614 555 0142", "(614) 555-0142", None, None],
        }
    )
    records = encode_export(export, SECRET, agency="a")
    levels = compare_pairs(records, np.array([0, 2, 0]), np.array([1, 3, 3]))
    # Bob ~ Robert share the form "robert" (common: 1 in 4 records); Ruiz Paz ~ Ruiz share a word;
    # 1999-12-03 ~ 1999-03-12 transposed; the phone token carries the first initial (b, r): different
    assert levels.loc[0].tolist() == [2, 3, 1, 1, 0]
    # Ruiz Ana ~ Ana Ruiz: names swapped, each the same; the day one off; sex different
    assert levels.loc[1].tolist() == [2, 2, 3, -1, 1]
    # Bob Ruiz Paz 1999 ~ Ana Ruiz 1985: date different, a surname word shared; bob and ana
    # share no bigram but are only 8 apart (_b bo ob b_ / _a an na a_): "close", as two short
    # names are (EM gives "close" its weight)
    assert levels.loc[2].tolist() == [4, 3, 5, -1, 1]
