"""From scored pairs to people: one-to-one links per agency pair, then clusters across agencies.

An agency's record is one person, so a record of the shelter links to at most one record
of legal aid. :func:`one_to_one` keeps, among the pairs above the threshold, those that
are each other's best (greedy matching by descending score, done in rounds of mutual
best pairs, each round vectorized). :func:`clusters` joins the links of every agency
pair into a graph (``scipy.sparse``) and takes its connected components; a component
that would hold two records of one agency (A1–B1–C1–A2) is rebuilt from its links in
descending score, skipping each link that would put two records of one agency together.

Examples
--------
>>> pairs = pd.DataFrame({"i": [0, 0, 1], "j": [2, 3, 2], "score": [0.95, 0.90, 0.93]})
>>> one_to_one(pairs, np.array([0, 0, 1, 1]))[["i", "j"]].to_dict("list")
{'i': [0], 'j': [2]}
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components


def one_to_one(pairs: pd.DataFrame, agency: np.ndarray) -> pd.DataFrame:
    """Keep at most one link per record and other agency, best scores first.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Columns ``i``, ``j`` (record positions, ``agency[i] < agency[j]``) and ``score``;
        the pairs above the threshold.
    agency : numpy.ndarray
        Integer agency code of each record.

    Returns
    -------
    pandas.DataFrame
        The kept rows of ``pairs``: the pairs a greedy matching by descending score
        (ties broken by ``i`` then ``j``) keeps, within each pair of agencies.
    """
    width = int(agency.max()) + 1 if len(agency) else 1
    i, j = pairs["i"].to_numpy(np.int64), pairs["j"].to_numpy(np.int64)
    # one "side" per record and other agency: a record links once to each other agency
    todo = pairs.assign(side_i=i * width + agency[j], side_j=j * width + agency[i])
    todo = todo.sort_values(["score", "i", "j"], ascending=[False, True, True], kind="stable")
    kept = []
    while len(todo):
        best = ~todo["side_i"].duplicated() & ~todo["side_j"].duplicated()
        taken = todo[best]
        kept.append(taken)
        done = todo["side_i"].isin(taken["side_i"]) | todo["side_j"].isin(taken["side_j"])
        todo = todo[~done]
    out = pd.concat(kept) if kept else todo
    return out.drop(columns=["side_i", "side_j"]).sort_values(["i", "j"], ignore_index=True)


def clusters(links: pd.DataFrame, agency: np.ndarray) -> tuple[np.ndarray, int]:
    """Group records into people: connected components of the links, one record per agency.

    Parameters
    ----------
    links : pandas.DataFrame
        Columns ``i``, ``j``, ``score``: the one-to-one links of every agency pair.
    agency : numpy.ndarray
        Integer agency code of each record; its length is the number of records.

    Returns
    -------
    (numpy.ndarray, int)
        A cluster label per record (``0..k-1``, in order of each cluster's first record), and the number of links left out to keep
        each cluster to one record per agency.

    Examples
    --------
    >>> links = pd.DataFrame({"i": [0, 2, 1], "j": [2, 4, 4], "score": [0.99, 0.98, 0.91]})
    >>> labels, dropped = clusters(links, np.array([0, 0, 1, 1, 2]))
    >>> labels.tolist(), dropped
    ([0, 1, 0, 2, 0], 1)
    """
    n = len(agency)
    i, j = links["i"].to_numpy(np.int64), links["j"].to_numpy(np.int64)
    graph = sp.coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    members = pd.DataFrame({"label": labels, "agency": agency})
    clashing = members.loc[members.duplicated(["label", "agency"]), "label"].unique()
    dropped = 0
    if len(clashing):
        in_clash = np.isin(labels[i], clashing)
        # a handful of components; each is rebuilt link by link
        next_label = labels.max() + 1
        for label in clashing:
            mine = links[in_clash & (labels[i] == label)]
            new, skipped = _rebuild(mine, agency, np.flatnonzero(labels == label))
            labels[list(new)] = np.asarray(list(new.values())) + next_label
            next_label += len(new)
            dropped += skipped
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    return np.argsort(np.argsort(first))[inverse].astype(np.int64), dropped


def _rebuild(links: pd.DataFrame, agency: np.ndarray, records: np.ndarray) -> tuple[dict[int, int], int]:
    """Union-find over one component's links, best first, refusing two records of one agency."""
    parent = {int(r): int(r) for r in records}
    agencies = {int(r): {int(agency[r])} for r in records}

    def root(r: int) -> int:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    skipped = 0
    ordered = links.sort_values(["score", "i", "j"], ascending=[False, True, True], kind="stable")
    for a, b in zip(ordered["i"].to_numpy(), ordered["j"].to_numpy()):
        ra, rb = root(int(a)), root(int(b))
        if ra == rb:
            continue
        if agencies[ra] & agencies[rb]:
            skipped += 1
            continue
        parent[rb] = ra
        agencies[ra] |= agencies.pop(rb)
    roots = {r: root(r) for r in parent}
    order = {r: k for k, r in enumerate(sorted(set(roots.values())))}
    return {r: order[x] for r, x in roots.items()}, skipped
