"""Need profiles: which needs occur together, found by non-negative matrix factorization.

The client × need matrix (1 when the need was identified for the client) is factorized
as W·H with ``k`` profiles (scikit-learn ``NMF``, ``nndsvda`` start, fixed seed). A
profile is named by its top needs (the largest weights of its row of H); each client
belongs to the profile with the largest weight in its row of W. What report 02 shows of
them is :mod:`tfanalysis.reports.profiles`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["need_matrix", "need_profiles"]


def need_matrix(needs: pd.DataFrame) -> pd.DataFrame:
    """Client × need 0/1 matrix (rows: clients with any need; columns: needs, sorted).

    Examples
    --------
    >>> need_matrix(pd.DataFrame({"client_id": ["a", "a", "b"], "need": ["x", "y", "x"]})).values.tolist()
    [[1, 1], [1, 0]]
    """
    clients = needs["client_id"].astype(str)
    codes = needs["need"].astype(str)
    rows, row_labels = pd.factorize(clients, sort=True)
    columns, column_labels = pd.factorize(codes, sort=True)
    matrix = np.zeros((len(row_labels), len(column_labels)), dtype="int64")
    matrix[rows, columns] = 1  # a position, not a crosstab: one pass over the needs
    return pd.DataFrame(matrix, index=pd.Index(row_labels, name=clients.name), columns=pd.Index(column_labels, name=codes.name))


def need_profiles(data: Any, period: Any = None, *, k: int = 4, top: int = 3, seed: int = 0,
                  with_members: bool = False) -> tuple[pd.DataFrame, pd.DataFrame] | tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Find ``k`` need profiles and how each profile's needs are met.

    Returns
    -------
    (profiles, weights) or (profiles, weights, members)
        ``profiles``: one row per profile — ``profile`` (1…k), ``name`` (its top needs'
        labels), ``top_needs`` (codes, ``;``-joined), ``clients``, ``needs``, ``unmet``,
        ``unmet_need_rate`` (%, of the needs not declined by the client), ``met`` ;
        ``weights``: profiles × needs, each row scaled to a maximum of 1 (H);
        ``members`` (with ``with_members``): each client's profile, by ``client_id``.

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> profiles, weights = need_profiles(load_dataset(DEMO_DIR), k=3)
    >>> len(profiles), int(profiles["clients"].sum()) <= 600, weights.shape[0]
    (3, True, 3)
    """
    from tfanalysis.analyses.gaps import needs as gaps
    from tfanalysis.data.taxonomy import SERVICE_CODES

    start, end, _ = gaps._window(data, period)
    needs = data.in_period((start, end)).needs
    matrix = need_matrix(needs)
    if matrix.empty:  # no need in the period: no profile to find
        empty = pd.DataFrame({"profile": pd.Series(dtype="int64"), "name": pd.Series(dtype=object), "top_needs": pd.Series(dtype=object),
                              **{c: pd.Series(dtype="int64") for c in ("clients", "needs", "unmet", "met")},
                              "unmet_need_rate": pd.Series(dtype="float64")})
        weights = pd.DataFrame(index=pd.RangeIndex(1, 1, name="profile"))
        return (empty, weights, pd.Series(dtype="int64", name="profile")) if with_members else (empty, weights)
    from sklearn.decomposition import NMF  # here: importing scikit-learn costs more than a small fit

    k = max(1, min(k, *matrix.shape))
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=1000)
    W = model.fit_transform(np.ascontiguousarray(matrix.to_numpy(float)))  # row-major: NMF's sums, hence its result, depend on it
    H = model.components_
    # order profiles by size so that numbering is stable and readable
    member = W.argmax(axis=1)
    order = np.argsort(-np.bincount(member, minlength=k), kind="stable")
    rank = np.empty(k, dtype=int)
    rank[order] = np.arange(k)
    H = H[order]
    weights = pd.DataFrame(H / np.where(H.max(axis=1, keepdims=True) > 0, H.max(axis=1, keepdims=True), 1), index=pd.RangeIndex(1, k + 1, name="profile"), columns=matrix.columns)
    top_codes = [list(weights.columns[np.argsort(-row, kind="stable")[:top]]) for row in weights.to_numpy()]
    client_profile = pd.Series(rank[member] + 1, index=matrix.index, name="profile")
    status = needs["status"].astype("string")
    per_need = pd.DataFrame({
        "profile": needs["client_id"].astype(str).map(client_profile).to_numpy(),
        "declined": (status == "declined_by_client").to_numpy(bool),
        "unmet": (status == "unmet").to_numpy(bool),
        "met": (status == "met").to_numpy(bool),
    })
    sums = per_need.groupby("profile").agg(needs=("met", "size"), declined=("declined", "sum"), unmet=("unmet", "sum"), met=("met", "sum"))
    profiles = pd.DataFrame({
        "profile": np.arange(1, k + 1),
        "name": [", ".join(SERVICE_CODES.get(c, c) for c in codes) for codes in top_codes],
        "top_needs": [";".join(codes) for codes in top_codes],
        "clients": client_profile.value_counts().reindex(range(1, k + 1), fill_value=0).to_numpy(),
    }).join(sums, on="profile")
    profiles["unmet_need_rate"] = 100 * profiles["unmet"] / (profiles["needs"] - profiles["declined"]).where(lambda b: b > 0)
    profiles = profiles.drop(columns="declined").astype({"clients": "int64", "needs": "int64", "unmet": "int64", "met": "int64"})
    return (profiles, weights, client_profile) if with_members else (profiles, weights)
