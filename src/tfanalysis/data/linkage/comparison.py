"""Comparing candidate pairs field by field: the agreement level of each field.

From the field-level encodings (:mod:`tfanalysis.data.linkage.fields`) and two clients columns
the encoded file carries the coordinator grades each candidate pair on seven fields, best
level first (``-1``: unknown in either record, which counts neither for nor against):

- **given name** (:data:`FIRST_LEVELS`): same forms (the same name or a nickname of it;
  five classes by how common the name is, :data:`FREQUENCY_SHARES`), one typo apart,
  close, different;
- **surname** (:data:`LAST_LEVELS`): the same (five classes), sharing a word (a second
  surname dropped, a married name added), one typo apart, close, different;
- **date of birth** (:data:`DATE_LEVELS`): the same; day and month transposed; the same
  as far as both are known (an unknown day); two of year, month and day the same (one
  wrong digit); the year only; different;
- **phone** (:data:`PHONE_LEVELS`) and **sex** (:data:`SEX_LEVELS`): the same, different;
- **county** (:data:`COUNTY_LEVELS`) and **date of identification**
  (:data:`IDENTIFIED_LEVELS`), the fields of the case (:data:`CONTEXT_FIELDS`): the same
  county or not; identified within a week, a month, three months, a year, or more apart.

How far apart two names are is the Hamming distance of their balanced filters, in
bigrams (:data:`tfanalysis.data.linkage.fields.NAME_GRAM_HASHES` bits each, half the balanced
distance): one replaced letter changes up to four bigrams. Given and family name are also
compared crosswise; when that is closer, the pair is graded as swapped.

Examples
--------
>>> date_levels(np.array([0, 0, 0, 0, 0]), np.array([0, 0, 0, 0, 1]), np.array([5, 5, 5, -1, 5]),
...             np.array([5, 12, 5, 5, 5]), np.array([12, 12, 12, 12, 12]), np.array([12, 5, 3, 12, 12])).tolist()
[0, 1, 3, 2, 3]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tfanalysis.data.linkage.blocking import split_tokens
from tfanalysis.data.linkage.encode import decode_blooms
from tfanalysis.data.linkage.fields import NAME_GRAM_HASHES
from tfanalysis.data.linkage.scoring import CHUNK_PAIRS, as_words, popcount

FIRST_LEVELS: tuple[str, ...] = ("same forms, very rare", "same forms, rare", "same forms", "same forms, common", "same forms, very common", "one typo", "close", "different")
LAST_LEVELS: tuple[str, ...] = ("same, very rare", "same, rare", "same", "same, common", "same, very common", "shares a word", "one typo", "close", "different")
DATE_LEVELS: tuple[str, ...] = ("same", "day and month transposed", "same as far as known", "two of three parts", "year only", "different")
PHONE_LEVELS: tuple[str, ...] = ("same", "different")
SEX_LEVELS: tuple[str, ...] = ("same", "different")
COUNTY_LEVELS: tuple[str, ...] = ("same", "different")
IDENTIFIED_LEVELS: tuple[str, ...] = ("within a week", "within a month", "within three months", "within a year", "more than a year apart")
FIELDS: dict[str, tuple[str, ...]] = {
    "first_name": FIRST_LEVELS,
    "surname": LAST_LEVELS,
    "date_of_birth": DATE_LEVELS,
    "phone": PHONE_LEVELS,
    "sex": SEX_LEVELS,
    "county": COUNTY_LEVELS,
    "identified_on": IDENTIFIED_LEVELS,
}
"""The fields compared and their levels, best first."""

CONTEXT_FIELDS: tuple[str, ...] = ("county", "identified_on")
"""Fields that describe the case rather than the person: the clients columns ``county_fips``
and ``identified_on`` of the contract, which the encoded file carries as they are. Two
records of one victim tend to agree on them (agencies that serve one victim serve her in
one place, at about one time); two different people agree by chance, whatever their names
(:func:`tfanalysis.data.linkage.weights.nonmatch_patterns` takes them as independent)."""

TYPO_BIGRAMS = 4
"""Names at most this many bigrams apart are one typo apart."""

CLOSE_BIGRAMS = 8
"""Names at most this many bigrams apart are close."""

FREQUENCY_SHARES: tuple[float, ...] = (1 / 20000, 1 / 5000, 1 / 1000, 1 / 200)
"""Bounds of the frequency classes of a name "the same" in two records: held by fewer than 1 in
20,000 of the records linked (very rare), 1 in 5,000 (rare), 1 in 1,000, 1 in 200 (common),
or more (very common). Two people who share a common name are not two records of one person
as often, and EM weighs each class on its own. The shares are counted on the field tokens of
the files being linked, which the coordinator holds anyway (no other source of frequencies
is used); a class no name reaches (very rare among fewer than 20,000 records) stays empty."""


def hamming(filters: np.ndarray, other: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Bits on which filter ``i`` of ``filters`` and filter ``j`` of ``other`` differ.

    Examples
    --------
    >>> a = np.packbits(np.array([[1, 1, 0, 0, 1, 0, 0, 0]], dtype=bool), axis=1)
    >>> b = np.packbits(np.array([[1, 0, 0, 0, 1, 1, 0, 1]], dtype=bool), axis=1)
    >>> hamming(a, b, np.array([0]), np.array([0])).tolist()
    [3]
    """
    words_a, words_b = as_words(filters), as_words(other)
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    out = np.empty(len(i), dtype=np.int64)
    for start in range(0, len(i), CHUNK_PAIRS):
        stop = start + CHUNK_PAIRS
        out[start:stop] = popcount(words_a[i[start:stop]] ^ words_b[j[start:stop]])
    return out


def token_codes(column: pd.Series) -> np.ndarray:
    """An integer per distinct single token of a column (``-1`` where empty)."""
    return pd.factorize(column.astype("string"), use_na_sentinel=True)[0].astype(np.int64)


def share_a_token(column: pd.Series, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Whether records ``i`` and ``j`` share one of their ``;``-separated tokens.

    Examples
    --------
    >>> share_a_token(pd.Series(["a;b", "b", "c", None]), np.array([0, 0, 0]), np.array([1, 2, 3])).tolist()
    [True, False, False]
    """
    record, code = split_tokens(column)
    n = len(column)
    # one row per record, its token codes side by side (-1 pads): a few columns, compared pairwise
    rank = np.arange(len(record)) - np.searchsorted(record, record)
    table = np.full((n, int(rank.max()) + 1 if len(rank) else 1), -1, dtype=np.int64)
    table[record, rank] = code
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    out = np.zeros(len(i), dtype=bool)
    for start in range(0, len(i), CHUNK_PAIRS):
        left, right = table[i[start : start + CHUNK_PAIRS]], table[j[start : start + CHUNK_PAIRS]]
        right = np.where(right >= 0, right, -2)  # padding never equals padding
        out[start : start + CHUNK_PAIRS] = (left[:, :, None] == right[:, None, :]).any(axis=(1, 2))
    return out


def value_shares(column: pd.Series) -> np.ndarray:
    """The share of records holding each record's value (the whole cell), 0 where empty.

    Examples
    --------
    >>> value_shares(pd.Series(["a", "a", "b", None])).tolist()
    [0.5, 0.5, 0.25, 0.0]
    """
    column = column.reset_index(drop=True).astype("string")
    counts = column.map(column.value_counts()).astype("Float64").fillna(0).to_numpy(dtype=float)
    return counts / max(len(column), 1)


def frequency_class(share: np.ndarray, shares: tuple[float, ...] = FREQUENCY_SHARES) -> np.ndarray:
    """The class of a name by the share of records holding it: 0 the rarest, ``len(shares)`` the commonest (:data:`FREQUENCY_SHARES`).

    Examples
    --------
    >>> frequency_class(np.array([0.00001, 0.0001, 0.0005, 0.002, 0.01])).tolist()
    [0, 1, 2, 3, 4]
    """
    return np.searchsorted(np.asarray(shares), share, side="right")


def name_level(bigrams_apart: np.ndarray, same: np.ndarray, frequency: np.ndarray, shares_word: np.ndarray | None = None) -> np.ndarray:
    """Level of a name: the same (by :func:`frequency_class`), sharing a word (surnames), one typo, close, different.

    Examples
    --------
    >>> name_level(np.array([0, 0, 3, 6, 20, 9]), np.array([True, True, False, False, False, False]), np.array([0, 4, 0, 0, 0, 0])).tolist()
    [0, 4, 5, 6, 7, 7]
    >>> name_level(np.array([0, 9, 3]), np.array([True, False, False]), np.array([1, 1, 1]), np.array([True, True, False])).tolist()
    [1, 5, 6]
    """
    k = len(FREQUENCY_SHARES) + 1
    level = np.select([bigrams_apart <= TYPO_BIGRAMS, bigrams_apart <= CLOSE_BIGRAMS], [k, k + 1], k + 2)
    if shares_word is not None:
        level = np.where(shares_word, k, level + 1)
    return np.where(same, frequency, level)


def date_levels(year_i: np.ndarray, year_j: np.ndarray, month_i: np.ndarray, month_j: np.ndarray, day_i: np.ndarray, day_j: np.ndarray) -> np.ndarray:
    """Level of the dates of birth of pairs, from token codes of their parts (``-1``: unknown).

    Month and day codes share one key, so ``month_i == day_j`` compares like with like.
    """
    known_y, known_m, known_d = (year_i >= 0) & (year_j >= 0), (month_i >= 0) & (month_j >= 0), (day_i >= 0) & (day_j >= 0)
    y, m, d = known_y & (year_i == year_j), known_m & (month_i == month_j), known_d & (day_i == day_j)
    crossed = known_m & known_d & (month_i == day_j) & (day_i == month_j)
    agree_known = y & (m | ~known_m) & (d | ~known_d)
    two_of_three = (y.astype(int) + m + d) >= 2
    level = np.select(
        [y & m & d, y & crossed, agree_known, two_of_three, y],
        [0, 1, 2, 3, 4],
        5,
    )
    return np.where(known_y, level, -1)


def compare_pairs(records: pd.DataFrame, i: np.ndarray, j: np.ndarray) -> pd.DataFrame:
    """The agreement level of every field (:data:`FIELDS`) for pairs of records.

    Parameters
    ----------
    records : pandas.DataFrame
        Encoded records (positions ``0..n-1``) with the columns of
        :data:`tfanalysis.data.linkage.fields.FIELD_COLUMNS` and ``phone_first``, all with a
        filter of each name, and the clients columns ``county_fips`` and ``identified_on``
        (ISO dates) where the files carry them (else those fields are unknown).
    i, j : numpy.ndarray
        The pairs.

    Returns
    -------
    pandas.DataFrame
        One ``int64`` column per field, one row per pair; ``-1`` where unknown.
    """
    filters_first, filters_last = decode_blooms(records["first_bloom"]), decode_blooms(records["last_bloom"])
    k2 = 2 * NAME_GRAM_HASHES  # a bigram in or out moves k bits of the plain filter, 2k of the balanced one
    ff, ll = hamming(filters_first, filters_first, i, j), hamming(filters_last, filters_last, i, j)
    fl, lf = hamming(filters_first, filters_last, i, j), hamming(filters_last, filters_first, i, j)
    swapped = (fl + lf) < (ff + ll)
    forms = share_a_token(records["first_forms"], i, j)
    words = share_a_token(records["last_words"], i, j)
    share_first, share_last = value_shares(records["first_forms"]), value_shares(records["last_words"])
    often_first = frequency_class(np.maximum(share_first[i], share_first[j]))
    often_last = frequency_class(np.maximum(share_last[i], share_last[j]))
    often_first_swapped = frequency_class(np.maximum(share_first[i], share_last[j]))
    often_last_swapped = frequency_class(np.maximum(share_last[i], share_first[j]))
    first = np.where(swapped, name_level(fl / k2, fl == 0, often_first_swapped), name_level(ff / k2, forms | (ff == 0), often_first))
    no_word = np.zeros(len(i), dtype=bool)
    last = np.where(swapped, name_level(lf / k2, lf == 0, often_last_swapped, no_word), name_level(ll / k2, ll == 0, often_last, words))
    year, month, day = (token_codes(records[c]) for c in ("birth_year", "birth_month", "birth_day"))
    # month and day share a key: one set of codes for both
    both = token_codes(pd.concat([records["birth_month"], records["birth_day"]], ignore_index=True))
    month, day = both[: len(records)], both[len(records):]
    date = date_levels(year[i], year[j], month[i], month[j], day[i], day[j])
    return pd.DataFrame({
        "first_name": first,
        "surname": last,
        "date_of_birth": date,
        "phone": same_or_not(token_codes(records["phone_first"]), i, j),
        "sex": same_or_not(token_codes(records["sex"]), i, j),
        "county": same_or_not(token_codes(_column(records, "county_fips").str.strip()), i, j),
        "identified_on": days_apart_level(_days(_column(records, "identified_on")), i, j),
    })


IDENTIFIED_DAYS: tuple[int, ...] = (7, 31, 92, 366)
"""Upper bounds (days apart) of the levels of :data:`IDENTIFIED_LEVELS` but the last."""


def _column(records: pd.DataFrame, name: str) -> pd.Series:
    """A carried clients column as text (all empty when the files do not carry it)."""
    return records[name].astype("string") if name in records.columns else pd.Series(pd.NA, index=records.index, dtype="string")


def _days(dates: pd.Series) -> np.ndarray:
    """Days since 1970 of ISO dates (``-1`` stands for none: unknown or unreadable)."""
    parsed = pd.to_datetime(dates.astype("string").str.strip(), format="%Y-%m-%d", errors="coerce")
    days = (parsed - pd.Timestamp("1970-01-01")).dt.days
    return days.astype("Float64").fillna(-10**9).to_numpy(dtype=float).astype(np.int64)


def days_apart_level(days: np.ndarray, i: np.ndarray, j: np.ndarray, bounds: tuple[int, ...] = IDENTIFIED_DAYS) -> np.ndarray:
    """Level of how far apart two dates are (:data:`IDENTIFIED_LEVELS`); ``-1`` where either is unknown.

    Examples
    --------
    >>> days_apart_level(np.array([0, 5, 40, 500, -10**9]), np.array([0, 0, 0, 0]), np.array([1, 2, 3, 4])).tolist()
    [0, 2, 4, -1]
    """
    known = (days[i] > -10**9) & (days[j] > -10**9)
    level = np.searchsorted(np.asarray(bounds), np.abs(days[i] - days[j]), side="left")
    return np.where(known, level, -1)


def same_or_not(codes: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """0 where records ``i`` and ``j`` hold the same token, 1 where different ones, -1 where either has none.

    Examples
    --------
    >>> same_or_not(np.array([4, 4, 5, -1]), np.array([0, 0, 0]), np.array([1, 2, 3])).tolist()
    [0, 1, -1]
    """
    known = (codes[i] >= 0) & (codes[j] >= 0)
    return np.where(known, np.where(codes[i] == codes[j], 0, 1), -1)
