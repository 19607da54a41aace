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
from collections.abc import Callable, Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy import sparse

from tfanalysis.analyses.coverage.reach import (
    _examples,
    _index_dtype,
    _pairs_from_coords,
    _pairs_from_table,
    _select,
)
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
