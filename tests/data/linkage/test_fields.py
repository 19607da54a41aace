"""Field-level encodings: keyed, comparable field by field, and nothing readable."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tfanalysis.data.linkage.comparison import hamming
from tfanalysis.data.linkage.fields import NAME_GRAM_HASHES, field_encodings, field_tokens, name_filters
from tfanalysis.data.linkage.normalize import normalize_identifiers

SECRET = b"0123456789abcdef0123456789abcdef"


def test_month_and_day_share_a_key_so_a_transposed_date_shows() -> None:
    ids = normalize_identifiers(pd.DataFrame({"first_name": ["Ana", "Ana"], "last_name": ["Ruiz", "Ruiz"], "date_of_birth": ["1999-12-03", "1999-03-12"]}))
    enc = field_encodings(ids, SECRET)
    assert enc.loc[0, "birth_month"] == enc.loc[1, "birth_day"] and enc.loc[0, "birth_day"] == enc.loc[1, "birth_month"]
    assert enc.loc[0, "birth_month"] != enc.loc[0, "birth_day"]
    # the year's key is another: the token of "3" as a day is not the token of 3 anything else
    assert enc.loc[0, "birth_year"] == enc.loc[1, "birth_year"] and enc.loc[0, "birth_year"] not in {enc.loc[0, "birth_day"], enc.loc[0, "birth_month"]}


def test_tokens_depend_on_the_secret_and_the_field() -> None:
    names = pd.Series(["ruiz;paz"])
    a = field_tokens(names, SECRET, "field:last-words")[0].split(";")
    b = field_tokens(names, SECRET[::-1], "field:last-words")[0].split(";")
    c = field_tokens(names, SECRET, "field:first-forms")[0].split(";")
    assert len(a) == 2 and not set(a) & set(b) and not set(a) & set(c)


def test_name_filters_are_balanced_and_one_bigram_moves_at_most_k_bits() -> None:
    filters = name_filters(pd.Series(["ana", "anna", "ruiz"]), SECRET)
    assert np.unpackbits(filters, axis=1).sum(axis=1).tolist() == [256, 256, 256]  # length hidden
    # ana / anna differ by the bigram "nn": at most k bits of the plain filter, twice that balanced
    apart = hamming(filters, filters, np.array([0, 0]), np.array([1, 2]))
    assert 0 < apart[0] <= 2 * NAME_GRAM_HASHES and apart[0] % 2 == 0
    assert apart[1] > apart[0]


def test_given_names_and_surnames_are_comparable_crosswise() -> None:
    ids = normalize_identifiers(pd.DataFrame({"first_name": ["Ruiz", "Ana"], "last_name": ["Ana", "Ruiz"], "date_of_birth": ["1999-12-03"] * 2}))
    enc = field_encodings(ids, SECRET)
    assert enc.loc[0, "first_bloom"] == enc.loc[1, "last_bloom"] and enc.loc[0, "last_bloom"] == enc.loc[1, "first_bloom"]
    # but the forms of a given name are not the words of a surname
    assert enc.loc[1, "first_forms"] != enc.loc[0, "last_words"]
