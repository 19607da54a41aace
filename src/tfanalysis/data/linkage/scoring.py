"""Bit counts of Bloom filters for candidate pairs: Dice similarity and the word helpers.

Only candidate pairs (from :mod:`tfanalysis.data.linkage.blocking`) are compared: their filters
are gathered in chunks, combined as 64-bit words and the set bits counted (numpy's
``bitwise_count``), so 100,000 × 100,000 records cost a few million word operations per
chunk instead of 10^10 comparisons. :mod:`tfanalysis.data.linkage.comparison` uses the same
helpers for the Hamming distance of the field-level name filters (the pairs are scored
there); :func:`dice` measures how alike two whole records' filters are.

Examples
--------
>>> a = np.packbits(np.array([[1, 1, 0, 0, 1, 0, 0, 0]], dtype=bool), axis=1)
>>> b = np.packbits(np.array([[1, 0, 0, 0, 1, 1, 0, 0]], dtype=bool), axis=1)
>>> float(dice(a, b, np.array([0]), np.array([0]))[0])  # 2 * 2 / (3 + 3)
0.6666666666666666
"""

from __future__ import annotations

import numpy as np

CHUNK_PAIRS = 500_000
"""Pairs scored at once: bounds the memory of the gathered filters (about 250 MB at 2048 bits)."""

_BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def popcount(words: np.ndarray) -> np.ndarray:
    """Set bits of each row of an unsigned integer array.

    Examples
    --------
    >>> popcount(np.array([[0b1011, 0b1]], dtype=np.uint64)).tolist()
    [4]
    """
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(words).sum(axis=1, dtype=np.int64)
    return _BYTE_BITS[words.view(np.uint8)].sum(axis=1, dtype=np.int64)  # numpy < 2


def as_words(filters: np.ndarray) -> np.ndarray:
    """Packed filters (``uint8`` rows) as 64-bit words, padding each row to 8 bytes."""
    filters = np.ascontiguousarray(filters, dtype=np.uint8)
    pad = (-filters.shape[1]) % 8
    if pad:
        filters = np.pad(filters, ((0, 0), (0, pad)))
    return filters.view(np.uint64)


def dice(filters_a: np.ndarray, filters_b: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Dice similarity 2|A∩B| / (|A| + |B|) of filter ``i`` of ``filters_a`` and ``j`` of ``filters_b``.

    Parameters
    ----------
    filters_a, filters_b : numpy.ndarray
        Packed filters, ``uint8`` rows of equal width (or already :func:`as_words`).
    i, j : numpy.ndarray
        Row positions of the pairs to score, same length.

    Returns
    -------
    numpy.ndarray
        ``float64`` scores in [0, 1]; 0 where both filters are empty.
    """
    words_a = filters_a if filters_a.dtype == np.uint64 else as_words(filters_a)
    words_b = filters_b if filters_b.dtype == np.uint64 else as_words(filters_b)
    weight_a, weight_b = popcount(words_a), popcount(words_b)
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    common = np.empty(len(i), dtype=np.int64)
    for start in range(0, len(i), CHUNK_PAIRS):
        stop = start + CHUNK_PAIRS
        common[start:stop] = popcount(words_a[i[start:stop]] & words_b[j[start:stop]])
    total = weight_a[i] + weight_b[j]
    return np.divide(2.0 * common, total, out=np.zeros(len(i)), where=total > 0)
