"""Maximal coverage: greedy against the exact optimum found by enumeration."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from tfanalysis.analyses.gaps.sites import coverage_matrix, greedy_max_coverage, unmet_demand


def brute_force(weights: np.ndarray, cover: np.ndarray, k: int) -> float:
    """The best coverage of any k sites, by trying every combination."""
    best = 0.0
    for combo in itertools.combinations(range(cover.shape[1]), min(k, cover.shape[1])):
        best = max(best, float(weights[cover[:, list(combo)].any(axis=1)].sum()))
    return best


def covered(weights: np.ndarray, cover: np.ndarray, chosen: list[int]) -> float:
    return float(weights[cover[:, chosen].any(axis=1)].sum()) if chosen else 0.0


def test_disjoint_sites_greedy_is_optimal() -> None:
    # each site covers its own demand points: the best k are the k heaviest sites, which greedy takes
    cover = np.kron(np.eye(4, dtype=int), np.ones((2, 1), dtype=int))  # 8 points, 2 per site
    weights = np.array([1, 1, 5, 0, 2, 2, 3, 3], dtype=float)  # site totals 2, 5, 4, 6
    chosen, gains = greedy_max_coverage(weights, sparse.csr_matrix(cover), 2)
    assert chosen == [3, 1]
    assert gains == [6.0, 5.0]
    assert covered(weights, cover, chosen) == brute_force(weights, cover, 2) == 11.0


def test_nested_sites_greedy_is_optimal() -> None:
    # site 0 covers everything site 1 does and more: one site suffices, the second adds nothing
    cover = np.array([[1, 1, 0], [1, 1, 0], [1, 0, 0], [0, 0, 1]])
    weights = np.array([4.0, 3.0, 2.0, 1.0])
    chosen, _ = greedy_max_coverage(weights, sparse.csr_matrix(cover), 2)
    assert chosen == [0, 2]
    assert covered(weights, cover, chosen) == brute_force(weights, cover, 2) == 10.0


def test_k_equal_to_sites_covers_all_reachable_demand() -> None:
    cover = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 1], [0, 0, 0]])
    weights = np.array([2.0, 3.0, 4.0, 9.0])  # the last point is out of reach of every site
    chosen, _ = greedy_max_coverage(weights, sparse.csr_matrix(cover), 3)
    assert covered(weights, cover, chosen) == brute_force(weights, cover, 3) == 9.0
    assert len(chosen) == 2  # the third site would add nothing: not chosen


def test_greedy_can_be_beaten_but_keeps_its_guarantee() -> None:
    # the classic case: greedy takes the big middle site first, the optimum takes the two halves
    cover = np.array([[1, 0, 1], [1, 0, 1], [0, 1, 1], [0, 1, 1], [1, 0, 0], [0, 1, 0]])
    weights = np.array([1.0, 1.0, 1.0, 1.0, 0.9, 0.9])
    chosen, _ = greedy_max_coverage(weights, sparse.csr_matrix(cover), 2)
    greedy_value, optimum = covered(weights, cover, chosen), brute_force(weights, cover, 2)
    assert chosen[0] == 2
    assert greedy_value < optimum == pytest.approx(5.8)
    assert greedy_value >= (1 - 1 / math.e) * optimum


@pytest.mark.parametrize("seed", range(40))
def test_random_small_cases_within_one_minus_one_over_e(seed: int) -> None:
    rng = np.random.default_rng(seed)
    points, sites = rng.integers(4, 12), rng.integers(2, 8)
    cover = (rng.random((points, sites)) < 0.3).astype(int)
    weights = rng.integers(0, 10, points).astype(float)
    k = int(rng.integers(1, sites + 1))
    chosen, gains = greedy_max_coverage(weights, sparse.csr_matrix(cover), k)
    value = covered(weights, cover, chosen)
    assert value == pytest.approx(sum(gains))
    assert value >= (1 - 1 / math.e) * brute_force(weights, cover, k) - 1e-9
    if k == 1:  # one site: greedy is exact
        assert value == brute_force(weights, cover, 1)


def test_greedy_rejects_negative_weights() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        greedy_max_coverage([-1.0], sparse.csr_matrix([[1]]), 1)


def test_coverage_matrix_uses_great_circle_miles() -> None:
    # one degree of latitude is 69.09 miles
    demand = pd.DataFrame({"lat": [40.0], "lon": [-83.0]})
    sites = pd.DataFrame({"lat": [41.0, 40.5], "lon": [-83.0, -83.0]})
    assert coverage_matrix(demand, sites, 69.0).toarray().tolist() == [[0, 1]]
    assert coverage_matrix(demand, sites, 69.1).toarray().tolist() == [[1, 1]]


def test_unmet_demand_counts_unmet_and_in_progress() -> None:
    needs = pd.DataFrame({"need": ["a"] * 4, "status": ["unmet", "in_progress", "met", "declined_by_client"], "county_fips": ["1", "1", "1", "2"]})
    assert unmet_demand(needs, "a").to_dict() == {"1": 2}


def test_matrix_values_are_flags_not_weights() -> None:
    # covered points carry other values than ones (here miles): site 0 covers two points of weight 2 (4 needs),
    # site 1 three of weight 1 (3). Weighted by the values, site 0 would add 0.1 * 2 + 0.2 * 2 = 0.6 and lose
    miles = np.array([[0.1, 0.0], [0.2, 0.0], [0.0, 1.0], [0.0, 1.0], [0.0, 1.0]])
    weights = np.array([2.0, 2.0, 1.0, 1.0, 1.0])
    chosen, gains = greedy_max_coverage(weights, sparse.csr_matrix(miles), 1)
    assert chosen == [0] and gains == [4.0]
    flags = (miles != 0).astype(int)
    assert greedy_max_coverage(weights, sparse.csr_matrix(flags), 2) == greedy_max_coverage(weights, sparse.csr_matrix(miles * 7.5), 2)
    # negative values and dense input are flags too; explicit zeros and NaN stored in the matrix cover nothing
    assert greedy_max_coverage(weights, -miles, 2) == ([0, 1], [4.0, 3.0])
    stored = sparse.csr_matrix((np.array([0.0, np.nan, 3.0]), (np.array([0, 1, 2]), np.array([0, 0, 1]))), shape=(5, 2))
    assert greedy_max_coverage(weights, stored, 2) == ([1], [1.0])
