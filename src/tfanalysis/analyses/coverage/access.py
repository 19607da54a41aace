"""Spatial access scores: two-step floating catchment area (2SFCA and E2SFCA).

How much service capacity can the people of each place reach? For demand
locations ``i`` (e.g. counties, with their population or needs) and supply
locations ``j`` (providers, with their capacity), a travel cost ``d_ij`` and a
catchment ``d0`` (``max_cost``):

* **2SFCA** (Luo & Wang 2003). Step 1, each provider's capacity per person in
  its catchment: ``R_j = S_j / sum_{k: d_kj <= d0} D_k``. Step 2, each place's
  access is the sum of the ratios of the providers it can reach:
  ``A_i = sum_{j: d_ij <= d0} R_j``.
* **E2SFCA** (Luo & Qi 2009). The same with a distance-decay weight ``W(d)``
  in both steps: ``R_j = S_j / sum_{k: d_kj <= d0} D_k W(d_kj)`` and
  ``A_i = sum_{j: d_ij <= d0} R_j W(d_ij)``. The weight is either a step
  function ``{threshold: weight}`` (the weight of the first threshold >= d,
  0 past the last; default ``{10: 1, 20: 0.68, 30: 0.22}`` as in the paper and
  in PySAL ``access``) or a vectorized callable such as
  :func:`gaussian_weights`.

Conventions follow PySAL ``access`` 1.1.10 (``access/fca.py``) so that the
values are identical: thresholds are inclusive (``d <= d0``), ``max_cost``
applies *in addition to* the weights, and a provider with no demand in reach
contributes nothing. Where this module differs from PySAL ``access``:

* A place with no provider in reach scores **0**, not NaN: a county with nothing
  in reach has zero access, it is not unknown. Likewise a provider whose
  catchment holds no (weighted) demand contributes nothing, where PySAL would
  divide by zero.
* Ids in the cost table that are not in ``demand``/``supply``, and duplicated
  ``(origin, dest)`` pairs, raise ``ValueError`` (PySAL silently drops unknown
  origins, treats unknown providers as capacity 0 and double-counts duplicates).
* No normalisation is applied (PySAL's ``normalize=True`` divides by the
  demand-weighted mean; with our zeros that mean is
  ``numpy.average(scores, weights=demand)``).
* Costs can be computed from coordinates (great-circle miles) through a spatial
  index instead of an all-pairs table; the computation is a sparse
  demand x supply weight matrix and two sparse products instead of pandas
  merges and a per-row ``apply``.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse
from scipy.spatial import cKDTree

from tfanalysis.geo.distances import EARTH_RADIUS_MILES

__all__ = [
    "DEFAULT_STEP_WEIGHTS",
    "EARTH_RADIUS_MILES",
    "METHODS",
    "access_scores",
    "gaussian_weights",
]

DEFAULT_STEP_WEIGHTS: Mapping[float, float] = MappingProxyType({10: 1.0, 20: 0.68, 30: 0.22})
"""Luo & Qi (2009) step weights, PySAL ``access``'s E2SFCA default (units of the costs)."""

METHODS = ("2sfca", "e2sfca")

WeightFunction = Callable[[np.ndarray], np.ndarray]
Weights = Mapping[float, float] | WeightFunction | None

# Up to this many bytes per cost-table row, duplicated (origin, dest) pairs are
# found with a dense bitmap over all demand x supply cells (a few ms); beyond it,
# with a hash table.
_BITMAP_BYTES_PER_ROW = 16

# Pairs returned by one k-d tree range query (24 bytes each); see _pairs_from_coords.
_PAIRS_PER_BLOCK = 1 << 16


def access_scores(
    demand: pd.Series,
    supply: pd.Series,
    *,
    cost: pd.DataFrame | None = None,
    coords: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    max_cost: float,
    weights: Weights = None,
    method: str = "e2sfca",
) -> pd.Series:
    """Two-step floating catchment area access score of each demand location.

    Parameters
    ----------
    demand : pandas.Series
        Demand (population, needs) by demand location id. Unique ids,
        non-negative finite numbers.
    supply : pandas.Series
        Capacity by provider (supply location) id. Unique ids, non-negative
        finite numbers.
    cost : pandas.DataFrame, optional
        Long table of travel costs with columns ``origin`` (demand id),
        ``dest`` (supply id) and ``cost`` (non-negative; ``inf`` for
        unreachable). Pairs that are absent are out of reach. Every id must be
        in ``demand``/``supply`` and each pair may appear once, otherwise
        ``ValueError`` (to use a larger table, filter it first:
        ``cost[cost.origin.isin(demand.index) & cost.dest.isin(supply.index)]``).
    coords : tuple of two pandas.DataFrame, optional
        ``(demand_points, supply_points)`` with columns ``lat`` and ``lon``
        (degrees) indexed by the same ids as ``demand`` and ``supply`` (any
        order). Costs are then great-circle miles on a sphere of radius
        :data:`EARTH_RADIUS_MILES`, found through a k-d tree so only pairs
        within ``max_cost`` are ever computed. Give exactly one of ``cost`` and
        ``coords``.
    max_cost : float
        Catchment size ``d0``, in the unit of the costs (miles with
        ``coords``). Pairs with cost ``<= max_cost`` are in reach; it applies in
        addition to ``weights``.
    weights : dict or callable, optional
        E2SFCA distance decay. A mapping ``{threshold: weight}`` gives each pair
        the weight of the first threshold ``>=`` its cost and 0 past the last
        threshold (default :data:`DEFAULT_STEP_WEIGHTS`, thresholds in the unit
        of the costs). A callable receives a float array of costs
        (all ``<= max_cost``) and must return an array of non-negative weights
        of the same shape, e.g. ``gaussian_weights(max_cost)``. Not allowed
        with ``method="2sfca"``, whose weight is 1.
    method : {"e2sfca", "2sfca"}
        Enhanced (weighted) or original two-step floating catchment area.

    Returns
    -------
    pandas.Series
        Float access score (capacity per unit of demand within reach), named
        ``method``, with ``demand``'s index in ``demand``'s order. A location
        with no provider in reach scores 0 (PySAL ``access`` gives NaN): it has
        zero access, not unknown access. Scores are not normalised.

    Raises
    ------
    TypeError
        Wrong input types, or not exactly one of ``cost`` and ``coords``.
    ValueError
        Negative or missing amounts, duplicate ids, unknown ids or duplicate
        pairs in ``cost``, missing or out-of-range coordinates, a bad
        ``max_cost``, ``weights`` or ``method``.

    See Also
    --------
    gaussian_weights : Gaussian distance decay reaching 0 at ``max_cost``.

    Notes
    -----
    Formulas and the differences from PySAL ``access`` are in the module
    docstring. The weight matrix is built once as a sparse demand x supply
    matrix holding weights (not costs, so a zero-cost pair keeps its weight),
    then ``R = S / (W.T @ D)`` and ``A = W @ R``.

    Examples
    --------
    Two counties and one shelter with 10 beds, 5 and 25 miles away:

    >>> import pandas as pd
    >>> demand = pd.Series({"A": 1000, "B": 3000})
    >>> supply = pd.Series({"shelter": 10})
    >>> cost = pd.DataFrame({"origin": ["A", "B"], "dest": ["shelter", "shelter"],
    ...                      "cost": [5.0, 25.0]})
    >>> access_scores(demand, supply, cost=cost, max_cost=30, method="2sfca") * 1000
    A    2.5
    B    2.5
    Name: 2sfca, dtype: float64

    With the default step weights B counts for 0.22 of A:
    R = 10 / (1000 * 1 + 3000 * 0.22) = 10 / 1660.

    >>> access_scores(demand, supply, cost=cost, max_cost=30).round(6)
    A    0.006024
    B    0.001325
    Name: e2sfca, dtype: float64
    """
    demand_values = _check_amounts(demand, "demand")
    supply_values = _check_amounts(supply, "supply")
    max_cost = _check_max_cost(max_cost)
    weight_fn, reach = _weight_function(method, weights, max_cost)

    if (cost is None) == (coords is None):
        raise TypeError(
            "give exactly one of cost= (a long table with columns origin, dest, cost) "
            "or coords= (demand_points, supply_points) with lat/lon columns"
        )
    if cost is not None:
        pairs = [_pairs_from_table(cost, demand.index, supply.index, reach)]
    else:
        pairs = _pairs_from_coords(
            coords, demand.index, supply.index, reach, need_costs=weight_fn is not None
        )

    shape = (len(demand_values), len(supply_values))
    blocks = [_weight_matrix(rows, cols, costs, weight_fn, shape) for rows, cols, costs in pairs]
    scores = _two_step(blocks, demand_values, supply_values)
    return pd.Series(scores, index=demand.index.copy(), name=method)


def gaussian_weights(max_cost: float) -> WeightFunction:
    """Gaussian distance decay that reaches 0 at the catchment edge.

    ``W(d) = (exp(-(d / d0)**2 / 2) - exp(-1/2)) / (1 - exp(-1/2))`` for
    ``d <= d0 = max_cost`` and 0 beyond (Dai 2010, Gaussian 2SFCA). It is not
    PySAL ``access``'s ``weights.gaussian(sigma)``, which is
    ``exp(-d**2 / (2 * sigma**2))`` without the shift; pass
    ``lambda d: numpy.exp(-d**2 / (2 * sigma**2))`` for that one.

    Parameters
    ----------
    max_cost : float
        Catchment size ``d0`` (positive), in the unit of the costs.

    Returns
    -------
    callable
        Vectorized weight function, array of costs -> array of weights in [0, 1].

    Examples
    --------
    >>> w = gaussian_weights(100)
    >>> w([0.0, 50.0, 100.0, 150.0]).round(4)
    array([1.    , 0.7014, 0.    , 0.    ])
    """
    d0 = _check_max_cost(max_cost)
    if d0 == 0:
        raise ValueError("gaussian_weights needs max_cost > 0")
    edge = np.exp(-0.5)

    def weight(costs: np.ndarray) -> np.ndarray:
        costs = np.asarray(costs, dtype=np.float64)
        decay = (np.exp(-0.5 * (costs / d0) ** 2) - edge) / (1.0 - edge)
        return np.where(costs <= d0, decay, 0.0)

    return weight


def _weight_matrix(
    rows: np.ndarray,
    cols: np.ndarray,
    costs: np.ndarray | None,
    weight_fn: WeightFunction | None,
    shape: tuple[int, int],
) -> sparse.coo_array:
    """Sparse demand x supply matrix of the positive weights of these pairs.

    COO because it is built without sorting and its two products cost
    O(pairs), like CSR's; converting to CSR would cost more than it saves.
    """
    if weight_fn is None:
        # Weight 1 for every pair: one read-only value, not an array per pair.
        data = np.broadcast_to(1.0, len(rows))
    else:
        data = _evaluate_weights(weight_fn, costs)
        rows, cols, data = _select(data > 0, rows, cols, data)
    index_dtype = _index_dtype(max(shape))
    return sparse.coo_array(
        (data, (rows.astype(index_dtype, copy=False), cols.astype(index_dtype, copy=False))),
        shape=shape,
    )


def _two_step(
    blocks: list[sparse.coo_array], demand: np.ndarray, supply: np.ndarray
) -> np.ndarray:
    """The two steps on the weight matrix W, given as blocks that sum to it.

    Step 1, capacity per weighted demand in each provider's catchment:
    ``R = S / (W.T @ D)`` (0 where nothing is in reach). Step 2, access of each
    place: ``A = W @ R``.
    """
    catchment_demand = np.zeros_like(supply)
    for block in blocks:
        catchment_demand += block.T @ demand
    ratio = np.divide(
        supply, catchment_demand, out=np.zeros_like(supply), where=catchment_demand > 0
    )
    scores = np.zeros_like(demand)
    for block in blocks:
        scores += block @ ratio
    return scores


def _check_amounts(values: pd.Series, name: str) -> np.ndarray:
    """Validate demand or supply and return it as a float64 array."""
    if not isinstance(values, pd.Series):
        hint = f", e.g. {name}_table['population']" if isinstance(values, pd.DataFrame) else ""
        raise TypeError(
            f"{name} must be a pandas Series indexed by location id, "
            f"got {type(values).__name__}{hint}"
        )
    index = values.index
    if index.hasnans:
        raise ValueError(f"{name} has missing ids in its index")
    if not index.is_unique:
        dupes = index[index.duplicated()].unique()
        raise ValueError(
            f"{name} has {len(dupes)} duplicated id(s), e.g. {_examples(dupes)}; "
            "aggregate them first (e.g. .groupby(level=0).sum())"
        )
    if pd.api.types.is_bool_dtype(values.dtype) or not pd.api.types.is_numeric_dtype(
        values.dtype
    ):
        raise TypeError(f"{name} must be numeric, got dtype {values.dtype}")
    array = values.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(array)
    if bad.any():
        raise ValueError(
            f"{name} has {int(bad.sum())} missing or infinite value(s), "
            f"e.g. ids {_examples(index[bad])}"
        )
    negative = array < 0
    if negative.any():
        raise ValueError(
            f"{name} must be non-negative; {int(negative.sum())} negative value(s), "
            f"e.g. ids {_examples(index[negative])}"
        )
    return array


def _check_max_cost(max_cost: float) -> float:
    if isinstance(max_cost, bool) or not isinstance(max_cost, numbers.Real):
        raise TypeError(f"max_cost must be a number, got {type(max_cost).__name__}")
    value = float(max_cost)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"max_cost must be finite and >= 0, got {max_cost!r}")
    return value


def _weight_function(
    method: str, weights: Weights, max_cost: float
) -> tuple[WeightFunction | None, float]:
    """Return the vectorized weight function (None for weight 1) and the reach.

    The reach is the cost beyond which every weight is 0: ``max_cost``, or the
    last step threshold if smaller (pairs past it need not even be found).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if method == "2sfca":
        if weights is not None:
            raise ValueError(
                "method='2sfca' has weight 1 for every pair in reach; "
                "use method='e2sfca' to give weights"
            )
        return None, max_cost
    if weights is None:
        weights = DEFAULT_STEP_WEIGHTS
    if isinstance(weights, Mapping):
        return _step_function(weights, max_cost)
    if callable(weights):
        return weights, max_cost
    raise TypeError(
        "weights must be a mapping {threshold: weight} or a callable, "
        f"got {type(weights).__name__}"
    )


def _step_function(steps: Mapping[float, float], max_cost: float) -> tuple[WeightFunction, float]:
    if not steps:
        raise ValueError("weights must have at least one {threshold: weight} step")
    items = list(steps.items())
    for threshold, weight in items:
        for label, number in (("threshold", threshold), ("weight", weight)):
            if isinstance(number, bool) or not isinstance(number, numbers.Real):
                raise TypeError(f"step weights: {label} {number!r} is not a number")
            if not np.isfinite(number) or number < 0:
                raise ValueError(f"step weights: {label} {number!r} must be finite and >= 0")
    items.sort()
    thresholds = np.array([t for t, _ in items], dtype=np.float64)
    # One extra 0 for costs past the last threshold.
    values = np.array([w for _, w in items] + [0.0], dtype=np.float64)

    def weight(costs: np.ndarray) -> np.ndarray:
        # side="left": the first threshold >= cost, so thresholds are inclusive.
        return values[np.searchsorted(thresholds, costs, side="left")]

    return weight, min(max_cost, float(thresholds[-1]))


def _evaluate_weights(weight_fn: WeightFunction, costs: np.ndarray) -> np.ndarray:
    result = np.asarray(weight_fn(costs), dtype=np.float64)
    if result.shape != costs.shape:
        raise ValueError(
            f"the weights callable returned shape {result.shape} for {costs.shape} costs; "
            "it must be vectorized (array of costs -> array of weights)"
        )
    if not np.isfinite(result).all() or (result < 0).any():
        raise ValueError("the weights callable returned negative, missing or infinite weights")
    return result


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
