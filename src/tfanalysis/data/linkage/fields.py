"""Field-level encodings: what lets the coordinator compare two records field by field.

The record-level filter (:mod:`tfanalysis.data.linkage.bloom`) says how alike two records are
as a whole; it cannot say *which* field differs, so a wrong digit in the day of birth
costs as much as another surname. The field-level encodings written beside it let the
coordinator grade each field on its own (:mod:`tfanalysis.data.linkage.comparison`):

- ``first_bloom``, ``last_bloom``: keyed, balanced Bloom filters of the bigrams of the
  given name and of the surname(s), :data:`FIELD_BITS` bits before balancing. Both use
  one key and one balancing permutation, so a given name can be compared with a surname
  (given and family name swapped).
- ``first_forms``: keyed tokens of the given name's canonical forms (``bob`` and
  ``robert`` share one), ``;``-separated.
- ``last_words``: keyed tokens of each surname word (``garcia lopez`` and ``garcia``
  share one), ``;``-separated.
- ``birth_year``, ``birth_month``, ``birth_day``: keyed tokens of the parts of the date
  of birth; month and day under one key, so a transposed day and month can be seen;
- ``sex``: a keyed token of the recorded sex (two or three values: it hides nothing from
  whoever counts them, and the contract's ``gender`` column says as much in the clear).

Every token is HMAC-SHA256 under a key of its own field
(:func:`tfanalysis.data.linkage.keys.derive_key`), cut to :data:`FIELD_TOKEN_BYTES` bytes.
These encodings leak more than the record-level filter: records with the same given name
(or surname, or birth year) carry the same token and nearly the same filter, so whoever
holds the file sees who shares a name and can match the frequencies against public name
tables. ``docs/linkage.md`` (threat model) says what that gives away and what limits it.

Examples
--------
>>> from tfanalysis.data.linkage.normalize import normalize_identifiers
>>> ids = normalize_identifiers(pd.DataFrame({"first_name": ["Bob", "Robert"], "last_name": ["Ruiz Paz", "Ruiz"],
...                                           "date_of_birth": ["1999-12-03", "1999-03-12"]}))
>>> enc = field_encodings(ids, b"k" * 32)
>>> sorted(enc.columns)
['birth_day', 'birth_month', 'birth_year', 'first_bloom', 'first_forms', 'last_bloom', 'last_words', 'sex']
>>> bool(set(enc.loc[0, "first_forms"].split(";")) & set(enc.loc[1, "first_forms"].split(";")))
True
>>> enc.loc[0, "birth_month"] == enc.loc[1, "birth_day"], enc.loc[0, "birth_year"] == enc.loc[1, "birth_year"]
(True, True)
"""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd

from tfanalysis.data.linkage.bloom import _bigrams, balance_permutation, element_positions
from tfanalysis.data.linkage.keys import derive_key, keyed_digests

FIELD_BITS = 256
"""Bits of a field-level name filter before balancing (512 after)."""

NAME_GRAM_HASHES = 6
"""Bits set per bigram in a field-level name filter."""

FIELD_TOKEN_BYTES = 12
"""Field tokens keep 12 bytes (96 bits) of the HMAC."""

FIELD_COLUMNS: tuple[str, ...] = ("first_bloom", "last_bloom", "first_forms", "last_words", "birth_year", "birth_month", "birth_day", "sex")
"""The columns :func:`field_encodings` adds to an encoded file."""


def name_filters(names: pd.Series, secret: bytes, *, bits: int = FIELD_BITS, k: int = NAME_GRAM_HASHES) -> np.ndarray:
    """Keyed, balanced Bloom filters of the bigrams of folded names (one row per name).

    Given names and surnames use the same key and permutation, so they can be compared
    with each other. An empty name gives an all-zero filter before balancing.

    Returns
    -------
    numpy.ndarray
        ``uint8`` rows of ``2 * bits // 8`` bytes, each with exactly ``bits`` bits set.

    Examples
    --------
    >>> f = name_filters(pd.Series(["ana", "anna", None]), b"k" * 32)
    >>> f.shape, np.unpackbits(f, axis=1).sum(axis=1).tolist()
    ((3, 64), [256, 256, 256])
    """
    names = names.reset_index(drop=True).astype("string")
    grams = _bigrams(names, "name")
    plain = np.zeros(len(names) * bits, dtype=bool)
    if len(grams):
        codes, unique = pd.factorize(grams["element"])
        positions = element_positions(derive_key(secret, "field:name-bigram"), np.asarray(unique, dtype=object), k, bits)
        starts = np.repeat(grams["record"].to_numpy(np.int64) * bits, k)
        plain[starts + positions[codes].ravel()] = True
    plain = plain.reshape(len(names), bits)
    balanced = np.concatenate([plain, ~plain], axis=1)[:, balance_permutation(secret, bits, purpose="field:balance")]
    return np.packbits(balanced, axis=1)


def field_tokens(values: pd.Series, secret: bytes, purpose: str) -> pd.Series:
    """Keyed tokens of each ``;``-separated value of a column, ``;``-joined (sorted); empty stays empty.

    Examples
    --------
    >>> t = field_tokens(pd.Series(["ruiz;paz", "paz", None]), b"k" * 32, "field:last")
    >>> t[1] in t[0].split(";"), t.isna().tolist()
    (True, [False, False, True])
    """
    values = values.reset_index(drop=True).astype("string")
    words = values.str.split(";").explode().dropna()
    words = words[words != ""]
    out = pd.Series(pd.NA, index=values.index, dtype="string")
    if words.empty:
        return out
    unique = words.drop_duplicates()
    digests = pd.Series([d[:FIELD_TOKEN_BYTES].hex() for d in keyed_digests(derive_key(secret, purpose), unique)], index=unique.to_numpy())
    tokens = pd.DataFrame({"record": words.index.to_numpy(), "token": words.map(digests).to_numpy()})
    joined = tokens.drop_duplicates().sort_values(["record", "token"]).groupby("record")["token"].agg(";".join)
    out[joined.index] = joined.to_numpy()
    return out


def field_encodings(ids: pd.DataFrame, secret: bytes) -> pd.DataFrame:
    """The field-level encodings of normalized identifiers (columns :data:`FIELD_COLUMNS`).

    Parameters
    ----------
    ids : pandas.DataFrame
        From :func:`tfanalysis.data.linkage.normalize.normalize_identifiers`.
    secret : bytes
        The shared linkage secret.

    Returns
    -------
    pandas.DataFrame
        Same index; the filters in base64, the tokens as hex, ``<NA>`` where unknown.
    """
    def b64(rows: np.ndarray) -> np.ndarray:
        return np.array([base64.b64encode(r.tobytes()).decode("ascii") for r in rows], dtype=object)

    month_day = "field:birth-month-day"
    out = pd.DataFrame(
        {
            "first_bloom": b64(name_filters(ids["first"], secret)),
            "last_bloom": b64(name_filters(ids["last"], secret)),
            "first_forms": field_tokens(ids["first_forms"], secret, "field:first-forms"),
            "last_words": field_tokens(ids["last"].str.replace(" ", ";", regex=False), secret, "field:last-words"),
            "birth_year": field_tokens(ids["birth_year"].astype("string"), secret, "field:birth-year"),
            "birth_month": field_tokens(ids["birth_month"].astype("string"), secret, month_day),
            "birth_day": field_tokens(ids["birth_day"].astype("string"), secret, month_day),
            "sex": field_tokens(ids["sex"], secret, "field:sex"),
        }
    ).astype("string")
    out.index = ids.index
    return out
