"""Tests of tfanalysis.analyses.coverage.access: hand-worked values, both cost paths, PySAL ``access`` parity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tfanalysis.analyses.coverage.reach as access_module
from tfanalysis.analyses.coverage.access import (
    DEFAULT_STEP_WEIGHTS,
    EARTH_RADIUS_MILES,
    access_scores,
    gaussian_weights,
)

R = 3958.8  # miles, written out so the test does not just echo the module's constant


def haversine_miles(lat1, lon1, lat2, lon2):
    """Great-circle distance, written independently of the module (haversine formula)."""
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    h = np.sin((lat2 - lat1) / 2) ** 2
    h = h + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * R * np.arcsin(np.sqrt(h))


def long_table(demand_points: pd.DataFrame, supply_points: pd.DataFrame) -> pd.DataFrame:
    """All-pairs haversine table with columns origin, dest, cost."""
    miles = haversine_miles(
        demand_points["lat"].to_numpy()[:, None],
        demand_points["lon"].to_numpy()[:, None],
        supply_points["lat"].to_numpy()[None, :],
        supply_points["lon"].to_numpy()[None, :],
    )
    return pd.DataFrame(
        {
            "origin": np.repeat(demand_points.index.to_numpy(), len(supply_points)),
            "dest": np.tile(supply_points.index.to_numpy(), len(demand_points)),
            "cost": miles.ravel(),
        }
    )


# --- a toy worked on paper -------------------------------------------------------------
#
# Three counties A, B, C (population 1000, 2000, 500) and two providers P, Q
# (capacity 10 and 4). Travel costs in miles:
#
#            P     Q
#      A     5    25
#      B    20    12
#      C    40     8

TOY_DEMAND = pd.Series({"A": 1000, "B": 2000, "C": 500})
TOY_SUPPLY = pd.Series({"P": 10, "Q": 4})
TOY_COST = pd.DataFrame(
    {
        "origin": ["A", "A", "B", "B", "C", "C"],
        "dest": ["P", "Q", "P", "Q", "P", "Q"],
        "cost": [5.0, 25.0, 20.0, 12.0, 40.0, 8.0],
    }
)


def test_toy_2sfca_by_hand():
    # max_cost = 20, inclusive, so B-P (exactly 20) is in reach; A-Q (25) and C-P (40) are not.
    # Step 1: P serves A and B: R_P = 10 / (1000 + 2000) = 10/3000
    #         Q serves B and C: R_Q = 4 / (2000 + 500)  = 4/2500 = 0.0016
    # Step 2: A_A = R_P = 0.00333..., A_B = R_P + R_Q = 0.004933..., A_C = R_Q = 0.0016
    scores = access_scores(TOY_DEMAND, TOY_SUPPLY, cost=TOY_COST, max_cost=20, method="2sfca")
    assert scores.name == "2sfca"
    assert scores.index.equals(TOY_DEMAND.index)
    assert scores["A"] == pytest.approx(10 / 3000, rel=1e-12)
    assert scores["B"] == pytest.approx(10 / 3000 + 4 / 2500, rel=1e-12)
    assert scores["C"] == pytest.approx(0.0016, rel=1e-12)


def test_toy_e2sfca_default_steps_by_hand():
    # Default steps {10: 1, 20: 0.68, 30: 0.22}, max_cost = 30:
    #   A-P  5 -> 1      A-Q 25 -> 0.22
    #   B-P 20 -> 0.68   B-Q 12 -> 0.68   (20 is inclusive: still the 20-mile step)
    #   C-P 40 -> out    C-Q  8 -> 1
    # Step 1: D_P = 1000*1 + 2000*0.68 = 2360              R_P = 10/2360
    #         D_Q = 1000*0.22 + 2000*0.68 + 500*1 = 2080   R_Q = 4/2080
    # Step 2: A_A = 1*R_P + 0.22*R_Q = 10/2360 + 0.88/2080
    #         A_B = 0.68*R_P + 0.68*R_Q = 6.8/2360 + 2.72/2080
    #         A_C = 1*R_Q = 4/2080
    scores = access_scores(TOY_DEMAND, TOY_SUPPLY, cost=TOY_COST, max_cost=30)
    assert scores.name == "e2sfca"
    assert scores["A"] == pytest.approx(10 / 2360 + 0.88 / 2080, rel=1e-12)
    assert scores["B"] == pytest.approx(6.8 / 2360 + 2.72 / 2080, rel=1e-12)
    assert scores["C"] == pytest.approx(4 / 2080, rel=1e-12)


def test_toy_e2sfca_max_cost_applies_on_top_of_weights():
    # max_cost = 20 drops A-Q (25), which the steps alone would weight 0.22:
    # D_P = 2360 as before, D_Q = 2000*0.68 + 500 = 1860.
    # A_A = 10/2360, A_B = 6.8/2360 + 2.72/1860, A_C = 4/1860
    scores = access_scores(TOY_DEMAND, TOY_SUPPLY, cost=TOY_COST, max_cost=20)
    assert scores.to_dict() == pytest.approx(
        {"A": 10 / 2360, "B": 6.8 / 2360 + 2.72 / 1860, "C": 4 / 1860}, rel=1e-12
    )


def test_toy_e2sfca_custom_steps_and_callable_agree():
    steps = {15: 1.0, 30: 0.5}
    # Same step function given as a vectorized callable.
    as_callable = lambda d: np.where(d <= 15, 1.0, np.where(d <= 30, 0.5, 0.0))  # noqa: E731
    # By hand: weights A-P 1, A-Q .5, B-P .5, B-Q 1, C-Q 1.
    # D_P = 1000 + 1000 = 2000, R_P = 0.005; D_Q = 500 + 2000 + 500 = 3000, R_Q = 4/3000.
    expected = {"A": 0.005 + 0.5 * 4 / 3000, "B": 0.5 * 0.005 + 4 / 3000, "C": 4 / 3000}
    for weights in (steps, as_callable):
        scores = access_scores(TOY_DEMAND, TOY_SUPPLY, cost=TOY_COST, max_cost=30, weights=weights)
        assert scores.to_dict() == pytest.approx(expected, rel=1e-12)


def test_default_steps_are_pysal_defaults():
    assert dict(DEFAULT_STEP_WEIGHTS) == {10: 1, 20: 0.68, 30: 0.22}


def test_gaussian_weights():
    w = gaussian_weights(60)
    edge = np.exp(-0.5)
    expected_30 = (np.exp(-0.5 * 0.25) - edge) / (1 - edge)
    np.testing.assert_allclose(w(np.array([0.0, 30.0, 60.0, 61.0])), [1.0, expected_30, 0.0, 0.0])
    with pytest.raises(ValueError, match="max_cost > 0"):
        gaussian_weights(0)


# --- coordinates path -------------------------------------------------------------------


def test_one_degree_of_latitude_is_69_09_miles():
    assert EARTH_RADIUS_MILES == R
    assert haversine_miles(40.0, -100.0, 41.0, -100.0) == pytest.approx(69.0940, abs=1e-4)
    demand = pd.Series({"county": 200.0})
    supply = pd.Series({"clinic": 3.0})
    points = (
        pd.DataFrame({"lat": [40.0], "lon": [-100.0]}, index=["county"]),
        pd.DataFrame({"lat": [41.0], "lon": [-100.0]}, index=["clinic"]),
    )
    just_short = access_scores(demand, supply, coords=points, max_cost=69.09, method="2sfca")
    just_over = access_scores(demand, supply, coords=points, max_cost=69.10, method="2sfca")
    assert just_short["county"] == 0.0
    assert just_over["county"] == pytest.approx(3.0 / 200.0, rel=1e-12)


@pytest.fixture
def few_points():
    demand_points = pd.DataFrame(
        {
            "lat": [40.0, 40.5, 41.0, 39.2, 38.9, 41.7],
            "lon": [-100.0, -99.4, -100.0, -101.1, -98.7, -97.5],
        },
        index=["d1", "d2", "d3", "d4", "d5", "d6"],
    )
    supply_points = pd.DataFrame(
        {"lat": [40.0, 40.3, 39.5, 44.0], "lon": [-100.0, -98.9, -100.8, -90.0]},
        index=["s1", "s2", "s3", "s4_far"],
    )
    demand = pd.Series([1200.0, 800.0, 450.0, 3000.0, 150.0, 999.0], index=demand_points.index)
    supply = pd.Series([5.0, 2.0, 7.0, 100.0], index=supply_points.index)
    return demand, supply, demand_points, supply_points


@pytest.mark.parametrize(
    ("method", "max_cost", "weights"),
    [
        ("2sfca", 60.0, None),
        ("2sfca", 120.0, None),
        ("e2sfca", 90.0, {30: 1.0, 60: 0.6, 90: 0.2}),
        ("e2sfca", 90.0, gaussian_weights(90.0)),
    ],
)
def test_coords_and_long_table_agree(few_points, method, max_cost, weights):
    demand, supply, demand_points, supply_points = few_points
    table = long_table(demand_points, supply_points)
    # None of these pairs sits within 1e-6 mile of a threshold, where rounding could flip a step.
    for edge in (30.0, 60.0, 90.0, 120.0):
        assert np.abs(table["cost"] - edge).min() > 1e-6
    from_table = access_scores(
        demand, supply, cost=table, max_cost=max_cost, weights=weights, method=method
    )
    from_coords = access_scores(
        demand,
        supply,
        coords=(demand_points, supply_points),
        max_cost=max_cost,
        weights=weights,
        method=method,
    )
    assert (from_table > 0).sum() >= 3
    pd.testing.assert_series_equal(from_coords, from_table, rtol=1e-12, atol=0)


def test_coords_rows_in_any_order(few_points):
    demand, supply, demand_points, supply_points = few_points
    kwargs = {"max_cost": 100.0, "method": "2sfca"}
    expected = access_scores(demand, supply, coords=(demand_points, supply_points), **kwargs)
    shuffled = (demand_points.iloc[::-1], supply_points.iloc[[2, 0, 3, 1]])
    scores = access_scores(demand, supply, coords=shuffled, **kwargs)
    pd.testing.assert_series_equal(scores, expected)


def test_coords_in_many_blocks_either_side_larger(random_places, monkeypatch):
    # Tiny query blocks, so the block loop and both "which side is larger" branches run.
    demand, supply, demand_points, supply_points, table = random_places
    monkeypatch.setattr(access_module, "_PAIRS_PER_BLOCK", 7)
    weights = gaussian_weights(80.0)
    for d, s, d_points, s_points in [
        (demand, supply, demand_points, supply_points),  # more demand than supply
        (supply, demand, supply_points, demand_points),  # the other way round
    ]:
        from_coords = access_scores(
            d, s, coords=(d_points, s_points), max_cost=80.0, weights=weights
        )
        swapped = long_table(d_points, s_points)
        from_table = access_scores(d, s, cost=swapped, max_cost=80.0, weights=weights)
        pd.testing.assert_series_equal(from_coords, from_table, rtol=1e-12, atol=0)
        assert (from_table > 0).sum() > 10


@pytest.mark.parametrize("reach", [0.0, 1e-9, 0.5, 10.0, 69.09, 100.0, 2500.0, 12_000.0, 30_000.0])
def test_chord_limit_is_exact(reach):
    # Filtering on chord <= limit must be the same as miles <= reach.
    limit = access_module._chord_limit(reach)
    miles = access_module._chord_to_miles
    assert miles(np.array([limit]))[0] <= reach
    if limit < 2.0:
        assert miles(np.array([np.nextafter(limit, 3.0)]))[0] > reach


def test_catchment_larger_than_half_the_earth_reaches_everyone(few_points):
    demand, supply, demand_points, supply_points = few_points
    scores = access_scores(
        demand, supply, coords=(demand_points, supply_points), max_cost=20_000, method="2sfca"
    )
    # Everyone reaches every provider: each R_j = S_j / sum(D), A_i = sum(S) / sum(D).
    np.testing.assert_allclose(scores, supply.sum() / demand.sum(), rtol=1e-12)


@pytest.mark.parametrize("path", ["cost", "coords"])
def test_empty_inputs(path):
    empty = pd.Series([], dtype=float, index=pd.Index([], dtype=object))
    demand = pd.Series({"a": 5.0})
    no_points = pd.DataFrame({"lat": [], "lon": []}, index=pd.Index([], dtype=object))
    a_point = pd.DataFrame({"lat": [30.0], "lon": [-90.0]}, index=["a"])
    no_rows = pd.DataFrame({"origin": [], "dest": [], "cost": []}).astype({"cost": float})
    inputs = {"cost": no_rows} if path == "cost" else {"coords": (a_point, no_points)}
    assert access_scores(demand, empty, **inputs, max_cost=10).to_dict() == {"a": 0.0}
    inputs = {"cost": no_rows} if path == "cost" else {"coords": (no_points, a_point)}
    assert access_scores(empty, demand, **inputs, max_cost=10).empty


# --- against PySAL access ---------------------------------------------------------------


def import_pysal_access():
    return pytest.importorskip(
        "access", reason="PySAL `access` (pip install access) is the reference implementation"
    )


def pysal_scores(demand, supply, cost, *, max_cost, method, weight_fn=None) -> pd.Series:
    pysal_access = import_pysal_access()
    demand_df = demand.rename("demand").rename_axis("geoid").to_frame()
    supply_df = supply.rename("supply").rename_axis("geoid").to_frame()
    model = pysal_access.Access(
        demand_df=demand_df,
        demand_index=True,
        demand_value="demand",
        supply_df=supply_df,
        supply_index=True,
        supply_value="supply",
        cost_df=cost,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    if method == "2sfca":
        out = model.two_stage_fca(name="ref", max_cost=max_cost)
    else:
        out = model.enhanced_two_stage_fca(name="ref", max_cost=max_cost, weight_fn=weight_fn)
    return out["ref_supply"].reindex(demand.index)


@pytest.fixture(scope="module")
def random_places():
    rng = np.random.default_rng(20240611)
    n_demand, n_supply = 300, 60
    demand_points = pd.DataFrame(
        {"lat": rng.uniform(35, 42, n_demand), "lon": rng.uniform(-105, -95, n_demand)},
        index=pd.Index([f"{i:05d}" for i in range(n_demand)]),
    )
    supply_points = pd.DataFrame(
        {"lat": rng.uniform(35, 42, n_supply), "lon": rng.uniform(-105, -95, n_supply)},
        index=pd.Index([f"P{i:03d}" for i in range(n_supply)]),
    )
    # One county far from every provider (PySAL gives it NaN in every case) ...
    demand_points.iloc[298] = [46.0, -116.0]
    # ... and five providers sit exactly on a demand point: zero-distance pairs.
    supply_points.iloc[:5] = demand_points.iloc[[3, 50, 100, 150, 299]].to_numpy()
    demand = pd.Series(rng.integers(100, 50_000, n_demand), index=demand_points.index)
    supply = pd.Series(rng.integers(1, 40, n_supply), index=supply_points.index)
    return demand, supply, demand_points, supply_points, long_table(demand_points, supply_points)


def _pysal_gaussian(d):
    return float(gaussian_weights(80.0)(d))


@pytest.mark.parametrize(
    ("method", "max_cost", "weights", "pysal_weight"),
    [
        ("2sfca", 60.0, None, None),
        ("e2sfca", 25.0, None, None),  # default steps, cut at 25 by max_cost
        ("e2sfca", 100.0, None, None),  # default steps, max_cost past the last step
        ("e2sfca", 80.0, {20: 1.0, 50: 0.5, 80: 0.1}, None),
        ("e2sfca", 80.0, gaussian_weights(80.0), _pysal_gaussian),
    ],
)
@pytest.mark.parametrize("path", ["cost", "coords"])
def test_matches_pysal_access(random_places, method, max_cost, weights, pysal_weight, path):
    import_pysal_access()
    demand, supply, demand_points, supply_points, table = random_places
    if isinstance(weights, dict):
        # PySAL's own step function (a scalar Python function), to check our reading of it.
        from access import weights as pysal_weights

        pysal_weight = pysal_weights.step_fn(weights)
    reference = pysal_scores(
        demand, supply, table, max_cost=max_cost, method=method, weight_fn=pysal_weight
    )
    inputs = {"cost": table} if path == "cost" else {"coords": (demand_points, supply_points)}
    ours = access_scores(
        demand, supply, **inputs, max_cost=max_cost, weights=weights, method=method
    )

    assert ours.index.equals(demand.index)
    finite = np.isfinite(reference.to_numpy())
    assert not np.isinf(reference.to_numpy()).any()
    # Both kinds of place are present, so both halves of the check are exercised.
    assert finite.sum() > 100
    assert (~finite).sum() > 0
    np.testing.assert_allclose(ours[finite], reference[finite], rtol=1e-9, atol=0)
    # Where PySAL has NaN (no provider in reach) we give 0.
    assert (ours[~finite] == 0).all()


# --- edge cases -------------------------------------------------------------------------


def test_nothing_in_reach_scores_zero_not_nan():
    demand = pd.Series({"near": 100.0, "remote": 50.0})
    supply = pd.Series({"s": 4.0})
    cost = pd.DataFrame({"origin": ["near", "remote"], "dest": ["s", "s"], "cost": [3.0, 500.0]})
    scores = access_scores(demand, supply, cost=cost, max_cost=30)
    assert scores["remote"] == 0.0
    assert scores["near"] == pytest.approx(0.04)
    # An id with no row at all in the cost table is also out of reach.
    scores = access_scores(demand, supply, cost=cost.iloc[:1], max_cost=30)
    assert scores.to_dict() == {"near": pytest.approx(0.04), "remote": 0.0}


def test_supply_without_demand_in_reach_contributes_nothing(few_points):
    demand, supply, demand_points, supply_points = few_points
    kwargs = {"max_cost": 80.0, "method": "2sfca"}
    # s4_far (capacity 100) is hundreds of miles from every county.
    with_far = access_scores(demand, supply, coords=(demand_points, supply_points), **kwargs)
    near = supply.index != "s4_far"
    without = access_scores(
        demand, supply[near], coords=(demand_points, supply_points[near]), **kwargs
    )
    pd.testing.assert_series_equal(with_far, without)
    assert np.isfinite(with_far).all()


def test_provider_whose_catchment_has_no_population():
    # Only an empty county (population 0) reaches s2: its ratio is undefined and
    # it contributes nothing (PySAL would divide by zero).
    demand = pd.Series({"a": 100.0, "empty": 0.0})
    supply = pd.Series({"s1": 2.0, "s2": 5.0})
    cost = pd.DataFrame({"origin": ["a", "empty"], "dest": ["s1", "s2"], "cost": [1.0, 1.0]})
    scores = access_scores(demand, supply, cost=cost, max_cost=10, method="2sfca")
    assert scores.to_dict() == {"a": pytest.approx(0.02), "empty": 0.0}


@pytest.mark.parametrize("method", ["2sfca", "e2sfca"])
def test_zero_distance_pair_is_counted(method):
    demand = pd.Series({"a": 40.0, "b": 60.0})
    supply = pd.Series({"s": 5.0})
    cost = pd.DataFrame({"origin": ["a", "b"], "dest": ["s", "s"], "cost": [0.0, 0.5]})
    # max_cost = 0: only the co-located pair is in reach.
    scores = access_scores(demand, supply, cost=cost, max_cost=0, method=method)
    assert scores.to_dict() == {"a": pytest.approx(5.0 / 40.0), "b": 0.0}
    points = (
        pd.DataFrame({"lat": [38.0, 38.5], "lon": [-90.0, -90.0]}, index=["a", "b"]),
        pd.DataFrame({"lat": [38.0], "lon": [-90.0]}, index=["s"]),
    )
    scores = access_scores(demand, supply, coords=points, max_cost=0, method=method)
    assert scores.to_dict() == {"a": pytest.approx(5.0 / 40.0), "b": 0.0}


def test_keeps_demand_order_and_id_types():
    # Integer ids, unsorted: the result keeps demand's index as given.
    demand = pd.Series([10.0, 30.0, 20.0], index=pd.Index([17031, 1001, 6037], name="fips"))
    supply = pd.Series({7: 6.0})
    cost = pd.DataFrame({"origin": [6037, 1001, 17031], "dest": [7, 7, 7], "cost": [1.0, 2.0, 3.0]})
    scores = access_scores(demand, supply, cost=cost, max_cost=5, method="2sfca")
    assert scores.index.equals(demand.index)
    assert scores.dtype == np.float64
    np.testing.assert_allclose(scores, 0.1)


def test_string_ids_of_different_dtypes_match():
    demand = pd.Series([1.0, 3.0], index=pd.Index(["01001", "01003"], dtype="string"))
    supply = pd.Series([2.0], index=["x"])
    cost = pd.DataFrame(
        {
            "origin": np.array(["01003", "01001"], dtype=object),
            "dest": ["x", "x"],
            "cost": [1.0, 1.0],
        }
    )
    scores = access_scores(demand, supply, cost=cost, max_cost=5, method="2sfca")
    np.testing.assert_allclose(scores, 0.5)


def test_empty_cost_table_gives_zeros():
    cost = pd.DataFrame({"origin": pd.Series([], dtype=object), "dest": pd.Series([], dtype=object),
                         "cost": pd.Series([], dtype=float)})
    scores = access_scores(TOY_DEMAND, TOY_SUPPLY, cost=cost, max_cost=30)
    assert (scores == 0).all() and scores.index.equals(TOY_DEMAND.index)


# --- input validation ------------------------------------------------------------------


def _call(**overrides):
    kwargs = {
        "demand": TOY_DEMAND,
        "supply": TOY_SUPPLY,
        "cost": TOY_COST,
        "max_cost": 30,
    }
    kwargs.update(overrides)
    demand, supply = kwargs.pop("demand"), kwargs.pop("supply")
    return access_scores(demand, supply, **kwargs)


TOY_POINTS = (
    pd.DataFrame({"lat": [40.0, 40.1, 40.2], "lon": [-90.0, -90.0, -90.0]}, index=["A", "B", "C"]),
    pd.DataFrame({"lat": [40.0, 40.3], "lon": [-90.1, -90.0]}, index=["P", "Q"]),
)


@pytest.mark.parametrize(
    ("overrides", "error", "match"),
    [
        ({"demand": TOY_DEMAND.to_frame("pop")}, TypeError, "demand must be a pandas Series"),
        ({"demand": pd.Series({"A": 1.0, "B": -2.0, "C": 1.0})}, ValueError, "non-negative.*'B'"),
        ({"supply": pd.Series({"P": np.nan, "Q": 1.0})}, ValueError, "supply has 1 missing"),
        ({"supply": pd.Series({"P": "ten", "Q": "four"})}, TypeError, "supply must be numeric"),
        (
            {"demand": pd.Series([1.0, 2.0, 3.0], index=["A", "A", "C"])},
            ValueError,
            "duplicated id.*'A'",
        ),
        ({"coords": TOY_POINTS}, TypeError, "exactly one of cost= .* or coords="),
        ({"cost": None}, TypeError, "exactly one of"),
        ({"max_cost": -1}, ValueError, "max_cost must be finite and >= 0"),
        ({"max_cost": "30"}, TypeError, "max_cost must be a number"),
        ({"method": "3sfca"}, ValueError, "method must be one of"),
        ({"method": "2sfca", "weights": {10: 1}}, ValueError, "use method='e2sfca'"),
        ({"weights": {10: -1}}, ValueError, "step weights: weight -1"),
        ({"weights": {}}, ValueError, "at least one"),
        ({"weights": [1, 2]}, TypeError, "weights must be a mapping"),
        ({"weights": lambda d: 1.0}, ValueError, "must be vectorized"),
        (
            {"cost": TOY_COST.rename(columns={"dest": "supply_id"})},
            ValueError,
            r"missing column\(s\) \['dest'\]",
        ),
        ({"cost": TOY_COST.assign(cost=-TOY_COST["cost"])}, ValueError, "6 negative"),
        ({"cost": TOY_COST.assign(cost=np.nan)}, ValueError, "missing value"),
        (
            {"cost": pd.concat([TOY_COST, TOY_COST.iloc[[2]]])},
            ValueError,
            r"1 duplicated \(origin, dest\) pair",
        ),
        (
            {"cost": TOY_COST.assign(origin=["A", "A", "B", "B", "Z", "Z"])},
            ValueError,
            r"cost\['origin'\] has 1 id\(s\) not in the demand index, e.g. \['Z'\]",
        ),
        (
            {"cost": TOY_COST.assign(dest=["P", "Q", "P", "Q", "P", None])},
            ValueError,
            r"cost\['dest'\] has 0 id\(s\) not in the supply index and 1 missing",
        ),
    ],
)
def test_rejects_bad_input(overrides, error, match):
    with pytest.raises(error, match=match):
        _call(**overrides)


@pytest.mark.parametrize(
    ("points", "match"),
    [
        (
            (TOY_POINTS[0].assign(lat=[40.0, np.nan, 40.2]), TOY_POINTS[1]),
            r"\['lat'\] has 1 missing.*'B'",
        ),
        ((TOY_POINTS[0], TOY_POINTS[1].assign(lon=[-90.0, 190.0])), "out of range.*'Q'"),
        (
            (TOY_POINTS[0].iloc[:2], TOY_POINTS[1]),
            r"exactly the demand ids: 1 missing \(e.g. \['C'\]\)",
        ),
        ((TOY_POINTS[0].drop(columns="lon"), TOY_POINTS[1]), r"missing column\(s\) \['lon'\]"),
    ],
)
def test_rejects_bad_coordinates(points, match):
    with pytest.raises(ValueError, match=match):
        _call(cost=None, coords=points)


def test_rejects_coords_that_are_not_a_pair():
    with pytest.raises(TypeError, match="pair"):
        _call(cost=None, coords=TOY_POINTS[0])
