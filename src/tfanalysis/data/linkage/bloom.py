"""Approximate-match encodings: keyed, balanced Bloom filters of a record's identifiers.

Each record becomes one filter of :data:`BLOOM_BITS` bits (a record-level Bloom filter,
or *cryptographic long-term key*, Schnell et al. 2011). Every element of a field (the
bigrams of the given name, of each surname word, of the whole name in any order; the
canonical given names; the year, month, day, unordered day/month and full date of birth;
the sex) sets ``k`` bits, at positions taken from HMAC-SHA256 under a key of its own field
(:func:`tfanalysis.data.linkage.keys.derive_key`): without the secret nobody can tell which
bigram sets which bit, and the same bigram in two fields sets unrelated bits. ``k`` per
field (:data:`FIELD_HASHES`) weighs the fields. The name counts mostly through its
bigrams in any order (so swapped given and family names still agree), a little through
the given and family name apart; the date of birth weighs about as much as the whole
name, so that neither two people of the same name born on different days nor two people
born on the same day with different names come near the threshold.

The filter is then *balanced* (Schnell, Borgs & Encarnação 2016): its complement is
appended and the 2 × 1024 bits are shuffled by a permutation keyed on the secret. Every
balanced filter has exactly 1024 bits set, whatever the length of the name, so the
filter's weight no longer leaks it; the Dice similarity of two balanced filters is the
share of the original bits on which they agree (1 - Hamming distance / 1024).

Examples
--------
>>> import pandas as pd
>>> from tfanalysis.data.linkage.normalize import normalize_identifiers
>>> ids = normalize_identifiers(pd.DataFrame({"first_name": ["Ana", "Anna", "Tom"], "last_name": ["Ruiz", "Ruiz", "Lee"],
...                                           "date_of_birth": ["1999-12-03", "1999-12-03", "1970-01-01"]}))
>>> filters = bloom_filters(ids, b"k" * 32)
>>> filters.shape, int(np.unpackbits(filters, axis=1).sum(axis=1)[0])
((3, 256), 1024)
>>> from tfanalysis.data.linkage.scoring import dice
>>> bool(dice(filters, filters, np.array([0]), np.array([1]))[0] > dice(filters, filters, np.array([0]), np.array([2]))[0])
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tfanalysis.data.linkage.keys import derive_key, keyed_digests

BLOOM_BITS = 1024
"""Bits of a filter before balancing; a balanced filter has twice as many."""

FIELD_HASHES: dict[str, int] = {
    "first": 4,
    "last": 4,
    "name": 10,
    "first_form": 12,
    "birth_year": 40,
    "birth_month": 12,
    "birth_day": 12,
    "birth_month_day": 40,
    "birth_date": 90,
    "sex": 6,
}
"""Field → bits set per element (``k``). Part of the encoding scheme: every agency must
use the same values (the scheme name written into each file changes with them)."""

SCHEME = "tfanalysis-link/2"
"""Name of this encoding scheme (normalization, tokens, filter length and weights, field-level
encodings of :mod:`tfanalysis.data.linkage.fields`)."""


def linkable(ids: pd.DataFrame) -> pd.Series:
    """Records with enough identifiers to be linked: a given name and a family name.

    A record with less would look like any other whenever its few known fields agree; it
    keeps a client id of its own. A record without a date of birth is encoded: its name,
    and the county and date of its identification, can still show that it is one person
    with a record of another agency, and the match probability
    (:mod:`tfanalysis.data.linkage.weights`) weighs how often different people share that much.

    Examples
    --------
    >>> from tfanalysis.data.linkage.normalize import normalize_identifiers
    >>> ids = normalize_identifiers(pd.DataFrame({"first_name": ["Ana", "Ana", None], "last_name": ["Ruiz", "--", "Ruiz"],
    ...                                           "date_of_birth": [None, "1999-12-03", "1999-12-03"]}))
    >>> linkable(ids).tolist()
    [True, False, False]
    """
    return (ids["first"].notna() & ids["last"].notna()).astype(bool)


def field_elements(ids: pd.DataFrame) -> pd.DataFrame:
    """The elements each record puts in its filter, one row per record × field × element.

    Returns
    -------
    pandas.DataFrame
        Columns ``record`` (position), ``field``, ``element``.

    Examples
    --------
    >>> from tfanalysis.data.linkage.normalize import normalize_identifiers
    >>> ids = normalize_identifiers(pd.DataFrame({"first_name": ["Al"], "last_name": ["Wu"], "date_of_birth": ["2001-07-04"]}))
    >>> e = field_elements(ids)
    >>> sorted(e.loc[e["field"] == "last", "element"]), sorted(e.loc[e["field"] == "birth_month_day", "element"])
    (['_w', 'u_', 'wu'], ['04|07'])
    """
    ids = ids.reset_index(drop=True)
    year = ids["birth_year"].astype("string")
    month = ids["birth_month"].astype("string").str.zfill(2)
    day = ids["birth_day"].astype("string").str.zfill(2)
    low = ids[["birth_month", "birth_day"]].min(axis=1).astype("Int64").astype("string").str.zfill(2)
    high = ids[["birth_month", "birth_day"]].max(axis=1).astype("Int64").astype("string").str.zfill(2)
    both = ids["birth_month"].notna() & ids["birth_day"].notna()
    whole = (ids["first"].fillna("") + " " + ids["last"].fillna("")).str.strip()
    parts = [
        _bigrams(ids["first"], "first"),
        _bigrams(ids["last"], "last"),
        _bigrams(whole.mask(whole == ""), "name"),
        _words(ids["first_forms"].str.replace(";", " ", regex=False), "first_form"),
        _whole(year, "birth_year"),
        _whole(month, "birth_month"),
        _whole(day, "birth_day"),
        _whole((low + "|" + high).where(both), "birth_month_day"),
        _whole((year + "-" + month + "-" + day).where(both & ids["birth_year"].notna()), "birth_date"),
        _whole(ids["sex"], "sex"),
    ]
    return pd.concat(parts, ignore_index=True)


def _whole(values: pd.Series, field: str) -> pd.DataFrame:
    present = values.dropna()
    return pd.DataFrame({"record": present.index.to_numpy(), "field": field, "element": present.to_numpy(dtype=object)})


def _words(values: pd.Series, field: str) -> pd.DataFrame:
    words = values.str.split(" ").explode().dropna()
    return _whole(words[words != ""], field)


def _bigrams(names: pd.Series, field: str) -> pd.DataFrame:
    """Bigrams of every word of each name, padded with ``_`` at both ends (``wu`` → ``_w``, ``wu``, ``u_``)."""
    words = names.str.split(" ").explode().dropna()
    words = ("_" + words[words != ""] + "_").astype("string")
    if words.empty:
        return _whole(pd.Series(dtype="string"), field)
    longest = int(words.str.len().max())
    grams = [words.str[i : i + 2] for i in range(longest - 1)]
    stacked = pd.concat(grams)
    stacked = stacked[stacked.str.len() == 2]
    return _whole(stacked, field)


def element_positions(key: bytes, elements: np.ndarray, k: int, bits: int = BLOOM_BITS) -> np.ndarray:
    """The ``k`` bit positions of each element: 16-bit chunks of keyed HMACs, modulo ``bits``.

    Returns
    -------
    numpy.ndarray
        ``int64`` array of shape ``(len(elements), k)``.
    """
    if bits > 1 << 16 or (1 << 16) % bits:
        raise ValueError("the filter length must be a power of two up to 65536")
    rounds = -(-k // 16)
    chunks = []
    for r in range(rounds):
        digests = keyed_digests(key, [f"{e}\x00{r}" for e in elements])
        chunks.append(np.frombuffer(b"".join(digests), dtype=">u2").reshape(len(elements), 16))
    return (np.hstack(chunks)[:, :k].astype(np.int64) % bits) if len(elements) else np.empty((0, k), dtype=np.int64)


def balance_permutation(secret: bytes, bits: int = BLOOM_BITS, *, purpose: str = "bloom:balance") -> np.ndarray:
    """The keyed shuffle of the 2 × ``bits`` positions of a balanced filter (one per ``purpose``).

    Sorting the positions by their HMAC gives the same permutation on every machine and
    with every numpy version (a seeded random generator promises neither).
    """
    key = derive_key(secret, purpose)
    digests = np.array(keyed_digests(key, [str(i) for i in range(2 * bits)]), dtype="S32")
    return np.argsort(digests, kind="stable")


def bloom_filters(ids: pd.DataFrame, secret: bytes, *, bits: int = BLOOM_BITS, hashes: dict[str, int] = FIELD_HASHES) -> np.ndarray:
    """Encode normalized identifiers as keyed, balanced Bloom filters.

    Parameters
    ----------
    ids : pandas.DataFrame
        From :func:`tfanalysis.data.linkage.normalize.normalize_identifiers`.
    secret : bytes
        The shared linkage secret.
    bits : int, default 1024
        Filter length before balancing (a power of two).
    hashes : dict, optional
        Bits set per element of each field (default :data:`FIELD_HASHES`).

    Returns
    -------
    numpy.ndarray
        ``uint8`` array of shape ``(len(ids), 2 * bits // 8)``: each row one packed
        balanced filter, exactly ``bits`` bits set.
    """
    elements = field_elements(ids)
    plain = np.zeros(len(ids) * bits, dtype=bool)
    for field, k in hashes.items():
        mine = elements[elements["field"] == field]
        if mine.empty or k == 0:
            continue
        codes, unique = pd.factorize(mine["element"])
        positions = element_positions(derive_key(secret, f"bloom:{field}"), np.asarray(unique, dtype=object), k, bits)
        starts = np.repeat(mine["record"].to_numpy(np.int64) * bits, k)
        plain[starts + positions[codes].ravel()] = True
    plain = plain.reshape(len(ids), bits)
    balanced = np.concatenate([plain, ~plain], axis=1)[:, balance_permutation(secret, bits)]
    return np.packbits(balanced, axis=1)
