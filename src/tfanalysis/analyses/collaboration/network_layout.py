"""Where to draw each member in the network picture: one layout for every period, and the picture's tables.

A spring layout of the union of the periods' graphs, so that a member keeps its place from
one picture to the next; past :data:`DENSE_LAYOUT_NODES` members a grid-accelerated spring
(a k-d tree of neighbours) replaces networkx's dense one.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration.network import active_members, period_graph, period_ties

__all__ = ["DENSE_LAYOUT_NODES", "layout", "picture_tables"]

DENSE_LAYOUT_NODES = 500
"""Up to this many members, one ``networkx.spring_layout`` of the whole picture (networkx's own
switch to its all-pairs energy method is at 500 nodes too); from it on, one layout per
connected component, packed side by side (see :func:`layout`)."""


def _spring(graph: nx.Graph, seed: int) -> dict[str, np.ndarray]:
    """``networkx.spring_layout`` of a graph with its nodes and edges inserted in sorted order."""
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(graph.nodes()))
    ordered.add_edges_from(sorted(tuple(sorted(e)) for e in graph.edges()))
    k = 1.6 / np.sqrt(max(ordered.number_of_nodes(), 1))  # a little looser than the default 1/sqrt(n)
    return nx.spring_layout(ordered, k=k, seed=seed, iterations=200)


def _grid_spring(graph: nx.Graph, seed: int, iterations: int = 100, neighbours: int = 16) -> dict[str, np.ndarray]:
    """Force-directed layout of a large component in time that grows with its nodes and edges.

    Fruchterman and Reingold's forces and cooling (1991, "Graph drawing by force-directed
    placement"), with their grid variant's idea that repulsion is local: a node is pushed
    only by nodes within ``2k``, and here by at most its ``neighbours`` nearest ones (found
    with a k-d tree), so that an iteration costs O(n log n + edges) even where the drawing
    gets dense. Nodes start at random in a square of area ``n k^2``.
    """
    from scipy.spatial import cKDTree

    nodes = sorted(graph.nodes())
    index = {node: i for i, node in enumerate(nodes)}
    edges = np.array([(index[a], index[b]) for a, b in graph.edges()], dtype=np.int64).reshape(-1, 2)
    n, k = len(nodes), 1.0
    side = np.sqrt(n) * k
    pos = np.random.default_rng(seed).uniform(0.0, side, (n, 2))
    m = min(neighbours, n - 1)
    temperature = side / 10
    for _ in range(iterations):
        distance, near = cKDTree(pos).query(pos, k=m + 1)
        distance, near = distance[:, 1:], near[:, 1:]  # the first is the node itself
        delta = pos[:, None, :] - pos[near]
        distance = np.maximum(distance, 0.01)
        weight = np.where(distance <= 2 * k, k * k / distance**2, 0.0)  # k^2 / d along the unit vector
        move = (delta * weight[:, :, None]).sum(axis=1)
        delta = pos[edges[:, 0]] - pos[edges[:, 1]]
        pull = delta * (np.maximum(np.hypot(delta[:, 0], delta[:, 1]), 0.01) / k)[:, None]  # d^2 / k along it
        for axis in (0, 1):
            move[:, axis] += np.bincount(edges[:, 1], pull[:, axis], minlength=n) - np.bincount(edges[:, 0], pull[:, axis], minlength=n)
        length = np.maximum(np.hypot(move[:, 0], move[:, 1]), 1e-12)
        pos += move * (np.minimum(length, temperature) / length)[:, None]
        temperature *= 0.95
    return dict(zip(nodes, pos))


def _fit(points: np.ndarray) -> np.ndarray:
    """Shift and scale points into [-1, 1] (both axes by the same factor)."""
    if len(points) == 0:
        return points
    middle = (points.max(axis=0) + points.min(axis=0)) / 2
    half = float(np.max(points.max(axis=0) - points.min(axis=0))) / 2
    return (points - middle) / (half if half > 0 else 1.0)


def _packed_layout(graph: nx.Graph, seed: int) -> dict[str, tuple[float, float]]:
    """One layout per connected component, each in a square of side ∝ √(its members), in rows.

    Components below :data:`DENSE_LAYOUT_NODES` members get ``networkx.spring_layout``; larger
    ones the grid variant (:func:`_grid_spring`). Time grows with the members (the square of
    the largest component's size below the threshold is a constant), not with their square.
    """
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    width = 1.15 * np.sqrt(sum(len(c) for c in components))  # rows about as wide as the picture is tall
    placed: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for members in components:  # one small layout per component (a loop over components, not members)
        side = np.sqrt(len(members))
        if x > 0 and x + side > width:
            x, y, row_height = 0.0, y - row_height, 0.0
        if len(members) == 1:
            local = np.zeros((1, 2))
        else:
            sub = graph.subgraph(members)
            positions = _spring(sub, seed) if len(members) < DENSE_LAYOUT_NODES else _grid_spring(sub, seed)
            local = _fit(np.array([positions[m] for m in members]))
        centre = np.array([x + side / 2, y - side / 2])
        for member, xy in zip(members, centre + local * (0.4 * side)):
            placed[member] = (float(xy[0]), float(xy[1]))
        x += side
        row_height = max(row_height, side)
    fitted = _fit(np.array(list(placed.values())))
    return {member: (float(xy[0]), float(xy[1])) for member, xy in zip(placed, fitted)}


def layout(graphs: list[nx.Graph], *, seed: int = 7) -> dict[str, tuple[float, float]]:
    """One spring layout shared by several graphs, so a member sits at the same place in each.

    The layout is computed on the union of the graphs (every node of any of them), with
    ``networkx.spring_layout`` and a fixed seed: the same data give the same picture. From
    :data:`DENSE_LAYOUT_NODES` members on (a national picture), each connected component is
    laid out alone and the components are packed side by side, largest first, so that the
    time grows with the number of members, not with its square.

    Parameters
    ----------
    graphs : list of networkx.Graph
    seed : int
        Seed of the layout.

    Returns
    -------
    dict
        node → (x, y), coordinates within [-1, 1].

    Examples
    --------
    >>> pos = layout([nx.DiGraph([("a", "b")]), nx.DiGraph([("b", "c")])])
    >>> sorted(pos)
    ['a', 'b', 'c']
    >>> pos == layout([nx.DiGraph([("a", "b")]), nx.DiGraph([("b", "c")])])
    True
    """
    union = nx.Graph()
    for graph in graphs:
        union.add_nodes_from(sorted(graph.nodes()))
        union.add_edges_from(graph.to_undirected(as_view=True).edges())
    if union.number_of_nodes() == 0:
        return {}
    if union.number_of_nodes() >= DENSE_LAYOUT_NODES:
        return _packed_layout(union, seed)
    positions = _spring(union, seed)
    return {node: (float(xy[0]), float(xy[1])) for node, xy in positions.items()}


def picture_tables(
    referrals: pd.DataFrame,
    members: pd.DataFrame,
    periods: pd.PeriodIndex,
    *,
    seed: int = 7,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and aggregated ties to draw the referral network of a few periods side by side.

    Ties are aggregated to member pairs (A–B and B–A together); the layout is shared by
    the periods (:func:`layout`). No client data: nodes are organizations, and a tie
    carries only the number of referrals between the two members in the period, which is
    a count of victims' referrals: pass it through :func:`tfanalysis.publication.privacy.suppress`
    before drawing.

    Parameters
    ----------
    referrals, members : pandas.DataFrame
        The referrals and members tables.
    periods : pandas.PeriodIndex
        The periods to draw (two, usually).
    seed : int
        Seed of the spring layout.

    Returns
    -------
    (nodes, ties) : tuple of pandas.DataFrame
        ``nodes``: ``period`` (label), ``member_id``, ``name``, ``sector``, ``x``, ``y``,
        ``ties`` (the member's undirected degree in the period).
        ``ties``: ``period`` (label), ``member_a``, ``member_b``, ``referrals`` (int64,
        both directions together), ``cross_sector`` (bool), ``x0``, ``y0``, ``x1``, ``y1``.

    Examples
    --------
    >>> members = pd.DataFrame({"member_id": ["a", "b", "c"], "name": ["PD", "Shelter", "Clinic"],
    ...     "sector": ["law_enforcement", "victim_services", "health"],
    ...     "joined_on": pd.to_datetime(["2024-01-01"] * 3), "left_on": pd.to_datetime([None] * 3)})
    >>> r = pd.DataFrame({"from_member": ["a", "b", "b"], "to_member": ["b", "a", "c"],
    ...     "referred_on": pd.to_datetime(["2024-01-05", "2024-01-09", "2024-04-02"])})
    >>> nodes, ties = picture_tables(r, members, pd.PeriodIndex(["2024Q1", "2024Q2"], freq="Q"))
    >>> ties[["period", "member_a", "member_b", "referrals", "cross_sector"]].to_dict("records")[0]
    {'period': '2024Q1', 'member_a': 'a', 'member_b': 'b', 'referrals': 2, 'cross_sector': True}
    >>> len(nodes)
    6
    """
    active = active_members(members, periods)
    ties = period_ties(referrals, periods)
    pair = np.sort(ties[["from_member", "to_member"]].to_numpy(dtype=object), axis=1) if len(ties) else np.empty((0, 2), dtype=object)
    undirected = (
        pd.DataFrame({"period": ties["period"].to_numpy(), "member_a": pair[:, 0], "member_b": pair[:, 1], "referrals": ties["referrals"].to_numpy()})
        .groupby(["period", "member_a", "member_b"], sort=True)["referrals"]
        .sum()
        .reset_index()
    )
    graphs = {
        p: period_graph(active.loc[active["period"] == p, "member_id"].tolist(), ties[ties["period"] == p])
        for p in periods  # two or three periods
    }
    positions = layout(list(graphs.values()), seed=seed)
    info = members.drop_duplicates("member_id").set_index("member_id")[["name", "sector"]].astype(object)
    where = pd.DataFrame.from_dict(positions, orient="index", columns=["x", "y"]) if positions else pd.DataFrame(columns=["x", "y"], dtype=float)
    period, node, ties_of = [], [], []
    for p, g in graphs.items():  # two or three periods
        ordered = sorted(g.nodes())
        degree = dict(g.to_undirected(as_view=True).degree())
        period += [str(p)] * len(ordered)
        node += ordered
        ties_of += [int(degree[m]) for m in ordered]
    ids = pd.Series(node, dtype=object)
    known = ids.isin(info.index).to_numpy(bool)
    nodes = pd.DataFrame({  # from lists: the same column types as the rest of the package's tables
        "period": period,
        "member_id": node,
        "name": np.where(known, ids.map(info["name"]).to_numpy(dtype=object), ids.to_numpy(dtype=object)).tolist(),
        "sector": np.where(known, ids.map(info["sector"]).to_numpy(dtype=object), "other").tolist(),
        "x": ids.map(where["x"]).to_numpy(dtype=float),
        "y": ids.map(where["y"]).to_numpy(dtype=float),
        "ties": np.asarray(ties_of, dtype=np.int64),
    }, columns=["period", "member_id", "name", "sector", "x", "y", "ties"])
    sector = info["sector"].to_dict()
    undirected["period"] = undirected["period"].astype(str)
    undirected["cross_sector"] = undirected["member_a"].map(sector).to_numpy(dtype=object) != undirected["member_b"].map(sector).to_numpy(dtype=object)
    undirected["x0"] = undirected["member_a"].map(where["x"]).astype(float)
    undirected["y0"] = undirected["member_a"].map(where["y"]).astype(float)
    undirected["x1"] = undirected["member_b"].map(where["x"]).astype(float)
    undirected["y1"] = undirected["member_b"].map(where["y"]).astype(float)
    undirected["referrals"] = undirected["referrals"].astype("int64")
    undirected["cross_sector"] = undirected["cross_sector"].astype(bool)
    return nodes, undirected.reset_index(drop=True)
