"""Candidate pairs: which records of two agencies are worth scoring.

Comparing every record of one agency with every record of another is 10^10 pairs at
100,000 × 100,000. Two kinds of block cut that down:

- **token blocks**: records of different agencies that share an exact-match token
  (:mod:`tfanalysis.data.linkage.tokens`); each kind of token forgives one kind of error;
- **Bloom-filter keys**: records whose balanced filters agree on every one of a band of
  sampled bits (locality-sensitive hashing for the Hamming distance: two filters that
  agree on a share ``s`` of their bits fall in the same block of a band of ``r`` bits
  with probability ``s ** r``, so close filters meet in some band and distant ones
  almost never). The coordinator computes these keys from the filters alone.

A block holding more records than ``max_block`` (a shared office phone number, a run of
near-empty records) says little and would cost the square of its size: it is skipped
and counted in the linkage-quality report.

Examples
--------
>>> agency = np.array([0, 0, 1, 1])
>>> tokens = pd.DataFrame({"t": ["a", "b", "a;c", "b"]})
>>> token_pairs(tokens, agency).sort_values(["i", "j"]).to_dict("list")
{'i': [0, 1], 'j': [2, 3], 'source': ['t', 't']}
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MAX_BLOCK = 60
"""Records in a block beyond which it is skipped."""

BANDS = 48
"""Bands of sampled filter bits for the Bloom-filter keys."""

BITS_PER_BAND = 24
"""Bits sampled per band: more bits, fewer and closer candidates."""


def _source(kind: str, n: int, kinds: object) -> pd.Categorical:
    """``n`` times the block kind ``kind``, as a categorical of ``kinds`` (cheap to recode and concatenate)."""
    categories = list(kinds)  # type: ignore[call-overload]
    return pd.Categorical.from_codes(np.full(n, categories.index(kind)), categories=categories)


def _no_pairs() -> pd.DataFrame:
    return pd.DataFrame({"i": np.zeros(0, np.int64), "j": np.zeros(0, np.int64), "source": pd.Categorical([])})


def split_tokens(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The ``;``-separated tokens of a column: each token's record position and an integer per distinct token.

    Empty cells and empty tokens give nothing. Split and coded by pyarrow in one pass
    (a Python ``str.split`` per cell costs seconds at 100,000 records per column).

    Examples
    --------
    >>> record, code = split_tokens(pd.Series(["a;b", None, "b", ""]))
    >>> record.tolist(), code.tolist()
    ([0, 0, 2], [0, 1, 1])
    """
    values = pa.array(column.reset_index(drop=True).astype("string[pyarrow]"))
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    lists = pc.split_pattern(values, ";")
    words, record = pc.list_flatten(lists), pc.list_parent_indices(lists)
    keep = pc.not_equal(words, "")
    words, record = pc.filter(words, keep), pc.filter(record, keep)
    codes = pc.dictionary_encode(words).indices
    return record.to_numpy(zero_copy_only=False).astype(np.int64), codes.to_numpy(zero_copy_only=False).astype(np.int64)


def _pairs_in_blocks(block: np.ndarray, record: np.ndarray, agency: np.ndarray, max_block: int) -> tuple[pd.DataFrame, int]:
    """Pairs of records of different agencies that share a block label; oversized blocks skipped.

    Sort-based and vectorized: records are sorted by block, and each record is paired with
    those after it in its block. ``i`` is always the record of the agency with the smaller code.

    Examples
    --------
    >>> pairs, skipped = _pairs_in_blocks(np.array(["x", "x", "y", "x"]), np.array([0, 1, 2, 3]), np.array([0, 1, 1, 0]), 10)
    >>> pairs.to_dict("list"), skipped
    ({'i': [0, 3], 'j': [1, 1]}, 0)
    """
    if len(block) == 0:
        return pd.DataFrame({"i": np.zeros(0, np.int64), "j": np.zeros(0, np.int64)}), 0
    codes = pd.factorize(block)[0]
    order = np.lexsort((record, codes))
    codes, record = codes[order], np.asarray(record)[order]
    fresh = np.r_[True, (codes[1:] != codes[:-1]) | (record[1:] != record[:-1])]
    codes, record = codes[fresh], record[fresh]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sizes = np.diff(np.r_[starts, len(codes)])
    skipped = int((sizes > max_block).sum())
    usable = np.repeat((sizes > 1) & (sizes <= max_block), sizes)
    position = np.flatnonzero(usable)
    block_end = np.repeat(starts + sizes, sizes)[position]
    after = block_end - position - 1
    left = np.repeat(position, after)
    right = left + 1 + np.arange(len(left)) - np.repeat(np.cumsum(after) - after, after)
    i, j = record[left], record[right]
    a_i, a_j = agency[i], agency[j]
    differ = a_i != a_j
    i, j, swap = i[differ], j[differ], (a_i > a_j)[differ]
    return pd.DataFrame({"i": np.where(swap, j, i), "j": np.where(swap, i, j)}), skipped


def token_pairs(tokens: pd.DataFrame, agency: np.ndarray, *, max_block: int = MAX_BLOCK) -> pd.DataFrame:
    """Pairs of records of different agencies that share a token of the same kind.

    Parameters
    ----------
    tokens : pandas.DataFrame
        One column per kind of token, one row per record (positions ``0..n-1``); a cell
        may hold several tokens, ``;``-separated, or be empty.
    agency : numpy.ndarray
        Integer agency code of each record.
    max_block : int
        Blocks with more records are skipped.

    Returns
    -------
    pandas.DataFrame
        Columns ``i``, ``j`` (record positions, ``agency[i] < agency[j]``) and ``source``
        (the token kind); a pair found by several kinds appears once per kind.
        ``attrs["skipped_blocks"]`` counts the oversized blocks per kind.
    """
    parts, skipped = [], {}
    for kind in tokens.columns:
        record, code = split_tokens(tokens[kind])
        pairs, skipped[kind] = _pairs_in_blocks(code, record, agency, max_block)
        parts.append(pairs.assign(source=_source(kind, len(pairs), tokens.columns)))
    out = pd.concat(parts, ignore_index=True) if parts else _no_pairs()
    out.attrs["skipped_blocks"] = skipped
    return out


FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "first_year_month": ("first_forms", "birth_year", "birth_month"),
    "first_year_day": ("first_forms", "birth_year", "birth_day"),
    "first_month_day": ("first_forms", "birth_month_day"),
    "last_year_month": ("last_words", "birth_year", "birth_month"),
    "last_year_day": ("last_words", "birth_year", "birth_day"),
    "last_month_day": ("last_words", "birth_month_day"),
    "names": ("first_forms", "last_words"),
}
"""Blocks the coordinator forms from the field-level tokens (:mod:`tfanalysis.data.linkage.fields`):
one name and two of the three parts of the date of birth (``birth_month_day``: month and
day in either order), and the given name with a surname word, whatever the date. Two errors
in different parts — a typo in the given name and a wrong digit in the day, a married name
and an unknown day — leave one of them whole, where every record-level token
(:mod:`tfanalysis.data.linkage.tokens`) joins a whole name to a date; ``names`` finds the records
without a date of birth. They are built from what the encoded file already shows the
coordinator: they reveal nothing more."""

FIELD_KEY_COLUMNS: tuple[str, ...] = ("first_forms", "last_words", "birth_year", "birth_month", "birth_day")
"""The field-level token columns the field keys are made of."""


def _field_codes(fields: pd.DataFrame, column: str) -> pd.DataFrame:
    """``record``, ``code``: an integer per distinct token of a field, one row per record and token."""
    if column != "birth_month_day":
        record, code = split_tokens(fields[column])
        return pd.DataFrame({"record": record, "code": code})
    # month and day share a key: one set of codes, the pair in either order
    record, code = split_tokens(pd.concat([fields["birth_month"], fields["birth_day"]], ignore_index=True))
    n, width = len(fields), int(code.max()) + 1 if len(code) else 1
    month, day = np.full(n, -1), np.full(n, -1)
    month[record[record < n]], day[record[record >= n] - n] = code[record < n], code[record >= n]
    both = np.flatnonzero((month >= 0) & (day >= 0))
    return pd.DataFrame({"record": both, "code": np.minimum(month, day)[both] * width + np.maximum(month, day)[both]})


def field_key_blocks(fields: pd.DataFrame, keys: dict[str, tuple[str, ...]] = FIELD_KEYS) -> dict[str, pd.DataFrame]:
    """The block of every record under each of the coordinator's field keys (:data:`FIELD_KEYS`).

    Parameters
    ----------
    fields : pandas.DataFrame
        The field-level token columns of the records (positions ``0..n-1``):
        ``first_forms``, ``last_words``, ``birth_year``, ``birth_month``, ``birth_day``.
    keys : dict
        Key name → the fields it joins.

    Returns
    -------
    dict of pandas.DataFrame
        Key name → ``record``, ``block`` (an integer): a record has one row per
        combination of its tokens (several given-name forms, surname words), none when a
        field is unknown.

    Examples
    --------
    >>> fields = pd.DataFrame({"first_forms": ["a;b", "b", "c"], "birth_year": ["y", "y", "y"], "birth_month": ["m", "m", None]})
    >>> blocks = field_key_blocks(fields, {"first_year_month": ("first_forms", "birth_year", "birth_month")})["first_year_month"]
    >>> blocks.groupby("block")["record"].apply(list).tolist()
    [[0], [0, 1]]
    """
    out = {}
    codes = {c: _field_codes(fields, c) for c in {c for parts in keys.values() for c in parts}}
    for name, parts in keys.items():
        combined = codes[parts[0]].rename(columns={"code": "block"})
        for part in parts[1:]:
            combined = combined.merge(codes[part], on="record")
            width = int(combined["code"].max()) + 1 if len(combined) else 1
            combined = pd.DataFrame({"record": combined["record"].to_numpy(), "block": pd.factorize(combined["block"].to_numpy() * width + combined["code"].to_numpy())[0]})
        out[name] = combined
    return out


def field_key_pairs(fields: pd.DataFrame, agency: np.ndarray, *, keys: dict[str, tuple[str, ...]] = FIELD_KEYS, max_block: int = MAX_BLOCK) -> pd.DataFrame:
    """Pairs of records of different agencies that share a block of a field key (:func:`field_key_blocks`).

    Returns
    -------
    pandas.DataFrame
        As :func:`token_pairs`: ``i``, ``j``, ``source`` (the key name), ``attrs["skipped_blocks"]``.
    """
    parts, skipped = [], {}
    for name, blocks in field_key_blocks(fields, keys).items():
        pairs, skipped[name] = _pairs_in_blocks(blocks["block"].to_numpy(), blocks["record"].to_numpy(), agency, max_block)
        parts.append(pairs.assign(source=_source(name, len(pairs), keys)))
    out = pd.concat(parts, ignore_index=True) if parts else _no_pairs()
    out.attrs["skipped_blocks"] = skipped
    return out


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, sorted (a sort, where ``np.unique`` hashes slowly)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def band_positions(bits: int, bands: int = BANDS, bits_per_band: int = BITS_PER_BAND, seed: int = 20261201) -> np.ndarray:
    """The filter bits sampled by each band (``bands × bits_per_band``), fixed by ``seed``.

    The sample needs no secret: the coordinator draws it, and only needs it to be the
    same for every record of one run.
    """
    rng = np.random.default_rng(seed)
    return np.stack([rng.choice(bits, size=bits_per_band, replace=False) for _ in range(bands)])


def bloom_key_pairs(
    filters: np.ndarray,
    agency: np.ndarray,
    *,
    bands: int = BANDS,
    bits_per_band: int = BITS_PER_BAND,
    max_block: int = MAX_BLOCK,
) -> pd.DataFrame:
    """Pairs of records of different agencies whose filters agree on all sampled bits of a band.

    Parameters
    ----------
    filters : numpy.ndarray
        Packed filters, ``uint8`` rows.
    agency : numpy.ndarray
        Integer agency code of each record.
    bands, bits_per_band, max_block : int
        See :data:`BANDS`, :data:`BITS_PER_BAND`, :data:`MAX_BLOCK`.

    Returns
    -------
    pandas.DataFrame
        Columns ``i``, ``j``, ``source`` (``"bloom_key"``), each pair once;
        ``attrs["skipped_blocks"]``.

    Examples
    --------
    >>> f = np.packbits(np.array([[1] * 8 + [0] * 8, [1] * 8 + [0] * 8, [0] * 8 + [1] * 8], dtype=bool), axis=1)
    >>> bloom_key_pairs(f, np.array([0, 1, 1]), bands=2, bits_per_band=4).to_dict("list")
    {'i': [0], 'j': [1], 'source': ['bloom_key']}
    """
    if bits_per_band > 63:
        raise ValueError("bits_per_band must be at most 63 (a band key is one 64-bit integer)")
    if len(filters) < 2:
        out = pd.DataFrame({"i": np.zeros(0, np.int64), "j": np.zeros(0, np.int64), "source": _source("bloom_key", 0, ["bloom_key"])})
        out.attrs["skipped_blocks"] = {"bloom_key": 0}
        return out
    positions = band_positions(filters.shape[1] * 8, bands, bits_per_band)
    parts, skipped = [], 0
    by_byte = np.ascontiguousarray(filters.T)  # one row per byte of the filters: a band gathers whole rows
    for band, chosen in enumerate(positions):
        sampled = (by_byte[chosen // 8] >> (7 - chosen % 8).astype(np.uint8)[:, None]) & 1
        packed = np.packbits(sampled.astype(bool), axis=0, bitorder="little").astype(np.uint64)
        key = np.bitwise_or.reduce(packed << (np.uint64(8) * np.arange(len(packed), dtype=np.uint64))[:, None], axis=0)
        pairs, dropped = _pairs_in_blocks(key, np.arange(len(filters)), agency, max_block)
        parts.append(pairs)
        skipped += dropped
    found = pd.concat(parts, ignore_index=True)
    unique = _distinct(found["i"].to_numpy(np.int64) * len(filters) + found["j"].to_numpy(np.int64))
    out = pd.DataFrame({"i": unique // max(len(filters), 1), "j": unique % max(len(filters), 1), "source": _source("bloom_key", len(unique), ["bloom_key"])})
    out.attrs["skipped_blocks"] = {"bloom_key": skipped}
    return out


def candidate_pairs(tokens: pd.DataFrame, filters: np.ndarray, agency: np.ndarray, fields: pd.DataFrame | None = None, **settings: int) -> pd.DataFrame:
    """Every candidate pair once, with the kinds of block that found it.

    Parameters
    ----------
    tokens, filters, agency
        As for :func:`token_pairs` and :func:`bloom_key_pairs`; records without a filter
        (not linkable) must be left out by the caller.
    fields : pandas.DataFrame, optional
        The records' field-level tokens, for the field keys (:func:`field_key_pairs`);
        without them, no field keys.
    **settings
        ``bands``, ``bits_per_band``, ``max_block``.

    Returns
    -------
    pandas.DataFrame
        Columns ``i``, ``j`` and ``found_by``: a bit mask, bit ``b`` set when the pair
        shares a block of kind ``attrs["kinds"][b]`` (the token kinds, ``bloom_key``,
        then the field keys); ``attrs["skipped_blocks"]`` (kind → oversized blocks skipped).

    Examples
    --------
    >>> f = np.packbits(np.eye(3, 16, dtype=bool), axis=1)
    >>> c = candidate_pairs(pd.DataFrame({"t": ["x", "x", "y"]}), f, np.array([0, 1, 1]), bands=1, bits_per_band=8)
    >>> c.to_dict("list"), c.attrs["kinds"]
    ({'i': [0], 'j': [1], 'found_by': [1]}, ['t', 'bloom_key'])
    """
    max_block = settings.get("max_block", MAX_BLOCK)
    by_token = token_pairs(tokens, agency, max_block=max_block)
    by_key = bloom_key_pairs(filters, agency, **settings)
    keys = FIELD_KEYS if fields is not None else {}
    by_field = field_key_pairs(pd.DataFrame() if fields is None else fields, agency, keys=keys, max_block=max_block)
    kinds = [*tokens.columns, "bloom_key", *keys]
    n = max(len(filters), 1)
    parts = [by_token, by_key, by_field]
    pair = np.concatenate([p["i"].to_numpy(np.int64) * n + p["j"].to_numpy(np.int64) for p in parts])
    bit = np.left_shift(1, np.concatenate([pd.Categorical(p["source"], categories=kinds).codes.astype(np.int64) for p in parts]))
    order = np.argsort(pair, kind="stable")
    pair, bit = pair[order], bit[order]
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if len(pair) else np.zeros(0, np.int64)
    found_by = np.bitwise_or.reduceat(bit, starts) if len(pair) else np.zeros(0, np.int64)
    out = pd.DataFrame({"i": pair[starts] // n, "j": pair[starts] % n, "found_by": found_by})
    out.attrs["kinds"] = kinds
    out.attrs["skipped_blocks"] = {**by_token.attrs["skipped_blocks"], **by_key.attrs["skipped_blocks"], **by_field.attrs["skipped_blocks"]}
    return out
