"""Where a new provider would cover the most unmet need: maximal coverage.

The maximal covering location problem (Church & ReVelle 1974): choose ``k`` candidate
sites so that the demand within ``max_miles`` of at least one chosen site is as large as
possible. Coverage is a monotone submodular function of the set of sites, so the greedy
choice (each time the site adding the most uncovered demand) reaches at least
``1 − 1/e`` ≈ 63% of the optimum (Nemhauser, Wolsey & Fisher 1978); on small cases the
tests compare it with the exact optimum found by enumeration.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from tfanalysis.geo import great_circle_miles

__all__ = ["coverage_matrix", "greedy_max_coverage", "recommend_sites", "unmet_demand"]


def coverage_matrix(demand: pd.DataFrame, sites: pd.DataFrame, max_miles: float) -> sparse.csr_matrix:
    """Sparse demand × site matrix: 1 where the site is within ``max_miles`` of the demand point.

    Both frames carry ``lat`` and ``lon`` (degrees).

    Examples
    --------
    >>> d = pd.DataFrame({"lat": [40.0, 41.0], "lon": [-83.0, -83.0]})
    >>> coverage_matrix(d, d, 50).toarray().tolist()
    [[1, 0], [0, 1]]
    """
    n, m = len(demand), len(sites)
    i, j = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
    miles = great_circle_miles(demand["lat"].to_numpy(float)[i], demand["lon"].to_numpy(float)[i], sites["lat"].to_numpy(float)[j], sites["lon"].to_numpy(float)[j])
    near = miles <= max_miles
    return sparse.csr_matrix((np.ones(int(near.sum()), dtype=np.int8), (i[near], j[near])), shape=(n, m))


def greedy_max_coverage(weights: Any, coverage: sparse.spmatrix, k: int) -> tuple[list[int], list[float]]:
    """Greedy maximal coverage: ``k`` columns covering the most row weight.

    Parameters
    ----------
    weights : array-like
        Non-negative demand per row.
    coverage : scipy.sparse matrix or array
        Rows = demand points, columns = candidate sites; a flag: any non-zero value means
        covered, whatever the value (a distance, a count), zero or missing means not.
    k : int
        Sites to choose (fewer when no site adds anything).

    Returns
    -------
    (list of int, list of float)
        Chosen column indices in the order picked, and the demand each added. Ties go to
        the lowest column index.

    Examples
    --------
    >>> cov = sparse.csr_matrix([[1, 0, 1], [1, 0, 0], [0, 1, 1]])
    >>> greedy_max_coverage([5, 4, 3], cov, 2)
    ([0, 1], [9.0, 3.0])

    Any non-zero value is a flag: miles in place of ones choose the same sites.

    >>> greedy_max_coverage([5, 4, 3], sparse.csr_matrix([[12.5, 0, 40], [3, 0, 0], [0, 7, 55]]), 2)
    ([0, 1], [9.0, 3.0])
    """
    w = np.asarray(weights, dtype=float).copy()
    if (w < 0).any():
        raise ValueError("weights must be non-negative demand")
    if k < 0:
        raise ValueError(f"k must be 0 or more, got {k}")
    flags = sparse.csc_matrix(coverage)
    flags.data = np.nan_to_num(flags.data, nan=0.0)  # a missing value does not cover
    covered_by = sparse.csc_matrix(flags != 0, dtype=float)  # flags as flags: never weighted by the stored values
    chosen: list[int] = []
    gains: list[float] = []
    for _ in range(min(k, covered_by.shape[1])):  # k rounds, each one sparse product
        gain = covered_by.T @ w
        best = int(np.argmax(gain))
        if gain[best] <= 0:
            break
        chosen.append(best)
        gains.append(float(gain[best]))
        w[covered_by[:, best].nonzero()[0]] = 0.0
    return chosen, gains


def unmet_demand(needs: pd.DataFrame, service: str) -> pd.Series:
    """Needs of ``service`` not met (status ``unmet`` or ``in_progress``) per client county.

    Examples
    --------
    >>> needs = pd.DataFrame({"need": ["a", "a", "a", "b"], "status": ["unmet", "met", "in_progress", "unmet"],
    ...     "county_fips": ["1", "1", "2", "1"]})
    >>> unmet_demand(needs, "a").to_dict()
    {'1': 1, '2': 1}
    """
    open_ = needs[(needs["need"].astype("string") == service) & needs["status"].astype("string").isin(["unmet", "in_progress"])]
    return open_.groupby(open_["county_fips"].astype(str)).size().rename("unmet").astype("int64")


def recommend_sites(data: Any, service: str, *, k: int = 3, max_miles: float = 60.0, period: Any = None,
                    demand: pd.Series | None = None) -> pd.DataFrame:
    """The ``k`` counties where a new provider of ``service`` would reach the most unmet need.

    Demand: the service's needs identified in the period and not met (unmet or in
    progress) per client county, placed at the county centroid. Candidate sites: every
    county of the task force's states (centroids). A site covers a county whose centroid
    is within ``max_miles``. Greedy maximal coverage (1 − 1/e guarantee).

    ``demand`` (county FIPS → non-negative weight) replaces those counts: a report places
    sites from the counts it releases (:func:`tfanalysis.reports.gaps.publish_sites`), so
    that the choice says nothing the released counts do not.

    Returns
    -------
    pandas.DataFrame
        One row per site in the order chosen: ``rank``, ``county_fips``, ``name``, ``lat``,
        ``lon``, ``unmet_covered`` (needs newly covered), ``cumulative``,
        ``share_of_unmet`` (% of all the service's unmet needs, cumulative),
        ``counties_covered`` (counties with unmet need within reach of the sites so far).

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> sites = recommend_sites(load_dataset(DEMO_DIR), "mental_health_care", k=1)
    >>> sites[["county_fips", "name", "counties_covered"]].values.tolist()
    [['39073', 'Hocking', 5]]
    """
    from tfanalysis import geo
    from tfanalysis.analyses.gaps.eligibility import needs_in_period
    from tfanalysis.analyses.service_areas import task_force_states

    if demand is None:
        demand = unmet_demand(needs_in_period(data, period), service)
    states = task_force_states(data.members)
    vintage = geo.dataset_vintage(data)
    centroids = geo.county_centroids(states, vintage=vintage)
    names = geo.counties(states, vintage=vintage).set_index("county_fips")["name"]
    sites = centroids.rename_axis("county_fips").reset_index()
    points = centroids.reindex(demand.index)
    located = points["lat"].notna().to_numpy()
    weights = demand.to_numpy(float)[located]
    cov = coverage_matrix(points[located], sites, max_miles)
    chosen, gains = greedy_max_coverage(weights, cov, k)
    columns = ["rank", "county_fips", "name", "lat", "lon", "unmet_covered", "cumulative", "share_of_unmet", "counties_covered"]
    if not chosen:
        return pd.DataFrame(columns=columns)
    picked = sites.iloc[chosen].reset_index(drop=True)
    # counties with unmet need reached by the sites chosen so far (cumulative, no double count)
    reached = np.cumsum(cov[:, chosen].toarray() > 0, axis=1) > 0
    covered_counties = (reached & (weights > 0)[:, None]).sum(axis=0)
    total = float(demand.sum())
    out = picked.assign(
        rank=np.arange(1, len(chosen) + 1),
        name=picked["county_fips"].map(names).astype("string"),
        unmet_covered=np.asarray(gains).astype("int64"),
        cumulative=np.cumsum(gains).astype("int64"),
        share_of_unmet=100 * np.cumsum(gains) / total,
        counties_covered=covered_counties.astype("int64"),
    )
    return out[columns]
