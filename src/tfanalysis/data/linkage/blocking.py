"""Candidate pairs: which records of two agencies are worth scoring.

Comparing every record of one agency with every record of another is 10^10 pairs at
100,000 × 100,000. Two kinds of block cut that down:

- **token blocks**: records of different agencies that share an exact-match token
  (:mod:`tfanalysis.linkage.tokens`); each kind of token forgives one kind of error;
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

MAX_BLOCK = 60
"""Records in a block beyond which it is skipped."""

BANDS = 48
"""Bands of sampled filter bits for the Bloom-filter keys."""

BITS_PER_BAND = 24
"""Bits sampled per band: more bits, fewer and closer candidates."""


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
        values = tokens[kind].reset_index(drop=True).astype("string").str.split(";").explode().dropna()
        values = values[values != ""]
        pairs, skipped[kind] = _pairs_in_blocks(values.to_numpy(dtype=object), values.index.to_numpy(), agency, max_block)
        parts.append(pairs.assign(source=kind))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"i": [], "j": [], "source": []})
    out.attrs["skipped_blocks"] = skipped
    return out


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
        out = pd.DataFrame({"i": np.zeros(0, np.int64), "j": np.zeros(0, np.int64), "source": "bloom_key"})
        out.attrs["skipped_blocks"] = {"bloom_key": 0}
        return out
    positions = band_positions(filters.shape[1] * 8, bands, bits_per_band)
    weights = np.left_shift(np.uint64(1), np.arange(bits_per_band, dtype=np.uint64))
    parts, skipped = [], 0
    for band, chosen in enumerate(positions):
        sampled = (filters[:, chosen // 8] >> (7 - chosen % 8).astype(np.uint8)) & 1
        key = (sampled.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
        pairs, dropped = _pairs_in_blocks(key, np.arange(len(filters)), agency, max_block)
        parts.append(pairs)
        skipped += dropped
    found = pd.concat(parts, ignore_index=True)
    unique = np.unique(found["i"].to_numpy(np.int64) * len(filters) + found["j"].to_numpy(np.int64))
    out = pd.DataFrame({"i": unique // max(len(filters), 1), "j": unique % max(len(filters), 1), "source": "bloom_key"})
    out.attrs["skipped_blocks"] = {"bloom_key": skipped}
    return out


def candidate_pairs(tokens: pd.DataFrame, filters: np.ndarray, agency: np.ndarray, **settings: int) -> pd.DataFrame:
    """Every candidate pair once, with the kinds of block that found it.

    Parameters
    ----------
    tokens, filters, agency
        As for :func:`token_pairs` and :func:`bloom_key_pairs`; records without a filter
        (not linkable) must be left out by the caller.
    **settings
        ``bands``, ``bits_per_band``, ``max_block``.

    Returns
    -------
    pandas.DataFrame
        Columns ``i``, ``j`` and ``found_by``: a bit mask, bit ``b`` set when the pair
        shares a block of kind ``attrs["kinds"][b]`` (the token kinds, then
        ``bloom_key``); ``attrs["skipped_blocks"]`` (kind → oversized blocks skipped).

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
    kinds = [*tokens.columns, "bloom_key"]
    found = pd.concat([by_token, by_key], ignore_index=True).drop_duplicates()
    bit = np.left_shift(1, pd.Categorical(found["source"], categories=kinds).codes.astype(np.int64))
    out = (
        pd.DataFrame({"i": found["i"].to_numpy(np.int64), "j": found["j"].to_numpy(np.int64), "found_by": bit})
        .groupby(["i", "j"], sort=True)["found_by"].sum()
        .reset_index()
    )
    out.attrs["kinds"] = kinds
    out.attrs["skipped_blocks"] = {**by_token.attrs["skipped_blocks"], **by_key.attrs["skipped_blocks"]}
    return out
