"""The demand × supply pairs within reach of the access scores: from a cost table, or from coordinates through a k-d tree.

Coordinates become unit vectors on the sphere; a catchment of ``max_cost`` miles is a chord
length, so one ``cKDTree`` range query per block of demand points finds every pair within
reach without the all-pairs table (:func:`tfanalysis.analyses.coverage.access.access_scores`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.spatial import cKDTree

from tfanalysis.geo.distances import EARTH_RADIUS_MILES

# Up to this many bytes per cost-table row, duplicated (origin, dest) pairs are
# found with a dense bitmap over all demand x supply cells (a few ms); beyond it,
# with a hash table.
_BITMAP_BYTES_PER_ROW = 16

# Pairs returned by one k-d tree range query (24 bytes each); see _pairs_from_coords.
_PAIRS_PER_BLOCK = 1 << 16


def _pairs_from_table(
    cost: pd.DataFrame, demand_ids: pd.Index, supply_ids: pd.Index, reach: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Demand positions, supply positions and costs of the table rows within reach."""
    if not isinstance(cost, pd.DataFrame):
        raise TypeError(f"cost must be a pandas DataFrame, got {type(cost).__name__}")
    missing = [c for c in ("origin", "dest", "cost") if c not in cost.columns]
    if missing:
        raise ValueError(
            f"cost is missing column(s) {missing}; expected origin (demand id), "
            "dest (supply id) and cost"
        )
    column = cost["cost"]
    if pd.api.types.is_bool_dtype(column.dtype) or not pd.api.types.is_numeric_dtype(column.dtype):
        raise TypeError(f"cost['cost'] must be numeric, got dtype {column.dtype}")
    costs = column.to_numpy(dtype=np.float64, na_value=np.nan)
    # One pass for the common case; NaN fails ">= 0" too.
    if not (costs >= 0).all():
        n_missing = int(np.isnan(costs).sum())
        if n_missing:
            raise ValueError(
                f"cost['cost'] has {n_missing} missing value(s); "
                "drop pairs that are out of reach or give them inf"
            )
        raise ValueError(f"cost['cost'] has {int((costs < 0).sum())} negative value(s)")

    rows = _positions(cost["origin"], demand_ids, "origin", "demand")
    cols = _positions(cost["dest"], supply_ids, "dest", "supply")
    _check_unique_pairs(rows, cols, len(demand_ids), len(supply_ids))

    return _select(costs <= reach, rows, cols, costs)


def _positions(ids: pd.Series, index: pd.Index, column: str, name: str) -> np.ndarray:
    """Position in ``index`` of each id (int32 if it fits); unknown or missing ids raise."""
    index_dtype = _index_dtype(len(index))
    if _is_arrow_string(ids.dtype) and _is_arrow_string(index.dtype):
        # Arrow's hash lookup against the (small) index: about twice as fast as
        # pandas.factorize on Arrow strings, pandas 3's default.
        found = pc.index_in(pa.array(ids), value_set=pa.array(index))
        if found.null_count == 0:
            return found.to_numpy().astype(index_dtype, copy=False)
    else:
        # Hash the rows once, then look up only the distinct ids in the index.
        codes, uniques = pd.factorize(ids, use_na_sentinel=True)
        lookup = index.get_indexer(uniques)
        if (lookup >= 0).all() and (codes >= 0).all():
            return lookup.astype(index_dtype)[codes]

    codes, uniques = pd.factorize(ids, use_na_sentinel=True)
    unknown = index.get_indexer(uniques) < 0
    n_missing = int((codes < 0).sum())
    raise ValueError(
        f"cost['{column}'] has {int(unknown.sum())} id(s) not in the {name} index"
        f"{f' and {n_missing} missing id(s)' if n_missing else ''}"
        f"{f', e.g. {_examples(uniques[unknown])}' if unknown.any() else ''}. "
        f"Check the id type (e.g. '01001' vs 1001) or keep only known ids: "
        f"cost[cost['{column}'].isin({name}.index)]"
    )


def _is_arrow_string(dtype: object) -> bool:
    if isinstance(dtype, pd.StringDtype):
        return dtype.storage == "pyarrow"
    if isinstance(dtype, pd.ArrowDtype):
        return pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(
            dtype.pyarrow_dtype
        )
    return False


def _index_dtype(size: int) -> type[np.integer]:
    """int32 positions when they fit: half the memory, and scipy.sparse casts to them anyway."""
    return np.int32 if size < np.iinfo(np.int32).max else np.int64


def _check_unique_pairs(rows: np.ndarray, cols: np.ndarray, n_demand: int, n_supply: int) -> None:
    if len(rows) == 0:
        return
    cells = n_demand * n_supply
    keys = rows.astype(_index_dtype(cells))
    keys *= n_supply
    keys += cols
    if cells <= max(_BITMAP_BYTES_PER_ROW * len(keys), 1 << 24):
        seen = np.zeros(cells, dtype=bool)
        seen[keys] = True
        duplicated = np.count_nonzero(seen) < len(keys)
    else:
        duplicated = not pd.Index(keys).is_unique
    if duplicated:
        n_dupes = int(pd.Index(keys).duplicated().sum())
        raise ValueError(
            f"cost has {n_dupes} duplicated (origin, dest) pair(s); keep one cost per pair "
            "(e.g. cost.groupby(['origin', 'dest'], as_index=False)['cost'].min())"
        )


def _pairs_from_coords(
    coords: Sequence[pd.DataFrame],
    demand_ids: pd.Index,
    supply_ids: pd.Index,
    reach: float,
    *,
    need_costs: bool,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray | None]]:
    """Validate the points; blocks of (demand positions, supply positions, miles) in reach.

    The miles are None when not ``need_costs`` (2SFCA: being in reach is enough).
    """
    if (
        not isinstance(coords, (tuple, list))
        or len(coords) != 2
        or not all(isinstance(points, pd.DataFrame) for points in coords)
    ):
        raise TypeError("coords must be a pair (demand_points, supply_points) of DataFrames")
    demand_xyz = _unit_vectors(coords[0], demand_ids, "demand")
    supply_xyz = _unit_vectors(coords[1], supply_ids, "supply")
    return _pairs_within(demand_xyz, supply_xyz, _chord_limit(reach), need_costs)


def _chord_to_miles(chord: np.ndarray) -> np.ndarray:
    """Great-circle miles of chords of the unit sphere: 2 R asin(c / 2), in a new array."""
    miles = np.minimum(chord, 2.0)
    miles *= 0.5
    np.arcsin(miles, out=miles)
    miles *= 2.0 * EARTH_RADIUS_MILES
    return miles


def _chord_limit(reach: float) -> float:
    """The largest chord whose miles, as :func:`_chord_to_miles` computes them, are <= reach.

    The conversion is monotone, so ``chord <= limit`` is exactly ``miles <= reach``
    and pairs are filtered on the chord without computing the miles of the rest.
    """

    def miles(chord: float) -> float:
        return float(_chord_to_miles(np.array([chord]))[0])

    limit = 2.0 * np.sin(min(reach / EARTH_RADIUS_MILES, np.pi) / 2.0)
    limit = min(limit, 2.0)
    while limit > 0 and miles(limit) > reach:
        limit = np.nextafter(limit, 0.0)
    while limit < 2.0 and miles(np.nextafter(limit, 3.0)) <= reach:
        limit = np.nextafter(limit, 3.0)
    return float(limit)


def _pairs_within(
    demand_xyz: np.ndarray, supply_xyz: np.ndarray, chord_limit: float, need_costs: bool
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray | None]]:
    """Yield blocks of (demand positions, supply positions, miles) of pairs within the chord.

    The larger side is queried against a k-d tree of the smaller one in blocks
    of nearby points (k-d tree order) of about _PAIRS_PER_BLOCK pairs, one block
    at a time: a single query returning millions of pairs spends more time
    growing and page-faulting its result than finding them, and the caller
    turns each block into weights before the next.
    """
    # The tree compares its own rounding of the distance; the slack lets through
    # pairs it puts just past the limit, and the exact test below decides.
    radius = chord_limit * (1.0 + 1e-9) + 1e-15
    demand_is_larger = len(demand_xyz) >= len(supply_xyz)
    large, small = (demand_xyz, supply_xyz) if demand_is_larger else (supply_xyz, demand_xyz)
    small_tree = cKDTree(small)
    order = cKDTree(large).indices
    index_dtype = _index_dtype(len(large))
    start, block = 0, 64
    while start < len(order):
        members = order[start : start + block]
        # The "ndarray" output keeps zero-distance pairs.
        pairs = cKDTree(large[members]).sparse_distance_matrix(
            small_tree, radius, output_type="ndarray"
        )
        large_at, small_at, chord = _select(
            pairs["v"] <= chord_limit, pairs["i"], pairs["j"], pairs["v"]
        )
        large_at = members.astype(index_dtype)[large_at]
        small_at = small_at.astype(index_dtype)
        miles = _chord_to_miles(chord) if need_costs else None
        if demand_is_larger:
            yield large_at, small_at, miles
        else:
            yield small_at, large_at, miles
        start += block
        # Aim the next block at _PAIRS_PER_BLOCK pairs, growing at most 8-fold
        # so that an empty region is not followed by one huge block.
        per_point = max(len(pairs), 1) / len(members)
        block = int(min(8 * block, max(16, _PAIRS_PER_BLOCK / per_point)))


def _unit_vectors(points: pd.DataFrame, ids: pd.Index, name: str) -> np.ndarray:
    """3-D unit vectors of the points, in the order of ``ids``."""
    label = f"coords {name} points"
    missing = [c for c in ("lat", "lon") if c not in points.columns]
    if missing:
        raise ValueError(f"{label} are missing column(s) {missing}")
    if not points.index.is_unique:
        raise ValueError(
            f"{label} have duplicated ids, e.g. "
            f"{_examples(points.index[points.index.duplicated()].unique())}"
        )
    positions = points.index.get_indexer(ids)
    if (positions < 0).any() or len(points) != len(ids):
        absent = ids[positions < 0]
        extra = points.index.difference(ids)
        raise ValueError(
            f"{label} must have exactly the {name} ids: {len(absent)} missing"
            f"{f' (e.g. {_examples(absent)})' if len(absent) else ''}, "
            f"{len(extra)} extra{f' (e.g. {_examples(extra)})' if len(extra) else ''}; "
            f"select them with points.loc[{name}.index]"
        )
    degrees = {}
    for column in ("lat", "lon"):
        series = points[column]
        if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(
            series.dtype
        ):
            raise TypeError(f"{label}['{column}'] must be numeric, got dtype {series.dtype}")
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)[positions]
        bad = ~np.isfinite(values)
        if bad.any():
            raise ValueError(
                f"{label}['{column}'] has {int(bad.sum())} missing value(s), "
                f"e.g. ids {_examples(ids[bad])}"
            )
        degrees[column] = values
    lat, lon = degrees["lat"], degrees["lon"]
    out_of_range = (np.abs(lat) > 90) | (np.abs(lon) > 180)
    if out_of_range.any():
        raise ValueError(
            f"{label} have {int(out_of_range.sum())} latitude/longitude value(s) out of range "
            f"(lat in [-90, 90], lon in [-180, 180]), e.g. ids {_examples(ids[out_of_range])}"
        )
    lat, lon = np.radians(lat), np.radians(lon)
    cos_lat = np.cos(lat)
    return np.column_stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)])


def _select(keep: np.ndarray, *arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """The elements of each array where ``keep`` is true."""
    if keep.all():
        return arrays
    # take() with positions is several times faster than boolean indexing.
    positions = np.flatnonzero(keep)
    return tuple(array.take(positions) for array in arrays)


def _examples(values: Sequence, limit: int = 5) -> list:
    """A few ids for an error message, as plain Python values."""
    return pd.Index(values)[:limit].tolist()
