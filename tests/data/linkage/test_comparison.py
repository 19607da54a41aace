"""Field-by-field comparison of candidate pairs: levels worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tfanalysis.data.linkage.comparison import FIELDS, compare_pairs, date_levels, days_apart_level, frequency_class, name_level, value_shares
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
    often = np.array([0, 4, 1, 1, 1, 1, 1])
    # five frequency classes of "the same" (0-4), then one typo (5), close (6), different (7)
    assert name_level(apart, same, often).tolist() == [0, 4, 5, 5, 6, 6, 7]
    # surnames: sharing a word comes before one typo
    words = np.array([False, False, True, False, False, False, False])
    assert name_level(apart, same, often, words).tolist() == [0, 4, 5, 6, 7, 7, 8]
    assert len(FIELDS["first_name"]) == 8 and len(FIELDS["surname"]) == 9


def test_frequency_classes_use_the_share_of_records() -> None:
    shares = value_shares(pd.Series(["a"] * 3 + ["b"] + [None] * 6))
    assert shares.tolist() == [0.3, 0.3, 0.3, 0.1] + [0.0] * 6
    assert frequency_class(shares[[0, 3, 4]], (0.05, 0.2)).tolist() == [2, 1, 0]
    # the default classes: fewer than 1 in 20,000 records, 1 in 5,000, 1 in 1,000, 1 in 200, more
    assert frequency_class(np.array([1 / 40000, 1 / 10000, 1 / 2000, 1 / 500, 1 / 100])).tolist() == [0, 1, 2, 3, 4]


def test_pairs_compared_field_by_field() -> None:
    export = pd.DataFrame(
        {
            "record_id": ["r0", "r1", "r2", "r3"],
            "first_name": ["Bob", "Robert", "Ruiz", "Ana"],
            "last_name": ["Ruiz Paz", "ruiz", "Ana", "RUIZ"],
            "date_of_birth": ["1999-12-03", "03/12/1999", "1985-07-23", "1985-07-24"],
            "sex": ["F", "female", "F", "M"],
            "phone": ["614 555 0142", "(614) 555-0142", None, None],
            "county_fips": ["39049", " 39049 ", "39035", "39061"],  # spaces around a code are no other county
            "identified_on": ["2025-01-10", "2025-02-20", "2024-01-01", "2025-06-01"],
        }
    )
    records = encode_export(export, SECRET, agency="a")
    levels = compare_pairs(records, np.array([0, 2, 0]), np.array([1, 3, 3]))
    assert list(levels.columns) == list(FIELDS)
    # Bob ~ Robert share the form "robert" (very common: 1 in 4 records); Ruiz Paz ~ Ruiz share a word;
    # 1999-12-03 ~ 1999-03-12 transposed; the phone token carries the first initial (b, r): different;
    # one county; identified 41 days apart (within three months)
    assert levels.loc[0].tolist() == [4, 5, 1, 1, 0, 0, 2]
    # Ruiz Ana ~ Ana Ruiz: names swapped, each the same; the day one off; sex different; other counties;
    # identified 517 days apart
    assert levels.loc[1].tolist() == [4, 4, 3, -1, 1, 1, 4]
    # Bob Ruiz Paz 1999 ~ Ana Ruiz 1985: date different, a surname word shared; bob and ana
    # share no bigram but are only 8 apart (_b bo ob b_ / _a an na a_): "close", as two short
    # names are (EM gives "close" its weight); identified 142 days apart (within a year)
    assert levels.loc[2].tolist() == [6, 5, 5, -1, 1, 1, 3]
    assert [FIELDS["first_name"][k] for k in (4, 5, 6)] == ["same forms, very common", "one typo", "close"]


def test_a_county_or_identification_date_unknown_is_unknown() -> None:
    export = pd.DataFrame({"record_id": ["r0", "r1"], "first_name": ["Ana", "Ana"], "last_name": ["Ruiz", "Ruiz"],
                           "date_of_birth": ["1999-12-03"] * 2, "county_fips": ["39049", None], "identified_on": ["2025-01-10", "not a date"]})
    levels = compare_pairs(encode_export(export, SECRET, agency="a"), np.array([0]), np.array([1]))
    assert levels[["county", "identified_on"]].loc[0].tolist() == [-1, -1]
    # files without those columns compare them as unknown
    bare = encode_export(export.drop(columns=["county_fips", "identified_on"]), SECRET, agency="a")
    assert compare_pairs(bare, np.array([0]), np.array([1]))[["county", "identified_on"]].loc[0].tolist() == [-1, -1]


def test_days_apart_levels_by_hand() -> None:
    days = np.array([0, 7, 8, 31, 32, 92, 93, 366, 367, -(10**9)])
    assert days_apart_level(days, np.zeros(9, dtype=np.int64), np.arange(1, 10)).tolist() == [0, 1, 1, 2, 2, 3, 3, 4, -1]
