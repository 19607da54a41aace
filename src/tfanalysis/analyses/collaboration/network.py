"""The referral network of the task force: members as nodes, referrals as ties, per period.

A *tie* is a directed member → member edge: in a period, member A has a tie to member B
when A referred at least one client to B in that period (a referral belongs to the period
of its ``referred_on`` date). Referrals of a member to itself are not ties. The nodes of
a period's network are its *active members*: the members belonging to the task force at
some time in the period (``joined_on`` on or before its last day, ``left_on`` empty or on
or after its first day), plus any member that sent or received a referral in it.

The measures (:func:`network_measures`), each computed on one period's graph:

``active_members``
    Nodes of the graph.
``ties``
    Distinct directed ties.
``network_density``
    ``networkx.density`` of the directed graph: ties / (n (n - 1)).
``reciprocity``
    ``networkx.reciprocity`` of the directed graph: the share of ties whose reverse tie
    exists too. NaN when there is no tie.
``degree_centralization``
    Freeman's degree centralization of the *undirected* graph (A–B linked when either
    referred to the other), normalised to 0–1: Σ (d_max − d_i) / ((n − 1)(n − 2)), which is
    1 for a star (one hub every referral passes through) and 0 when every member has the
    same degree. NaN for fewer than 3 members.
``cross_sector_tie_share``
    Share of distinct ties whose two members belong to different sectors.
``le_vs_tie_share``
    Share of distinct ties between a law enforcement member and a victim services member
    (either direction): the partnership the Enhanced Collaborative Model funds.
``isolates``
    Active members with no tie in the period (neither sent nor received a referral).
``ties_new``, ``ties_lost``
    Ties of the period that were not ties of the previous period, and the reverse; NaN for
    the first period.

Organizations are not victims: these measures describe members, and are published
without cell suppression. Referral *counts* between two members are counts of victims'
referrals and go through :func:`tfanalysis.publication.privacy.suppress` before anybody sees them.

Examples
--------
>>> import networkx as nx
>>> star = nx.DiGraph([("hub", "a"), ("hub", "b"), ("hub", "c")])
>>> degree_centralization(star)
1.0
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
import numpy as np
import pandas as pd

__all__ = [
    "LAW_ENFORCEMENT",
    "MEASURES",
    "VICTIM_SERVICES",
    "active_members",
    "assign_periods",
    "degree_centralization",
    "network_indicators",
    "network_measures",
    "period_graph",
    "period_ties",
]

LAW_ENFORCEMENT = "law_enforcement"
VICTIM_SERVICES = "victim_services"

MEASURES: tuple[str, ...] = (
    "active_members",
    "ties",
    "network_density",
    "reciprocity",
    "degree_centralization",
    "cross_sector_tie_share",
    "le_vs_tie_share",
    "isolates",
    "ties_new",
    "ties_lost",
)
"""Columns of :func:`network_indicators`, in order."""


def _period_bounds(periods: pd.PeriodIndex) -> tuple[np.ndarray, np.ndarray]:
    """First and last day of each period, as datetime64[ns] arrays."""
    start = periods.start_time.normalize().to_numpy(dtype="datetime64[ns]")
    end = periods.end_time.normalize().to_numpy(dtype="datetime64[ns]")
    return start, end


def active_members(members: pd.DataFrame, periods: pd.PeriodIndex) -> pd.DataFrame:
    """Members belonging to the task force at some time in each period.

    Parameters
    ----------
    members : pandas.DataFrame
        The members table (``member_id``, ``sector``, ``joined_on``, ``left_on``).
    periods : pandas.PeriodIndex
        The periods.

    Returns
    -------
    pandas.DataFrame
        Columns ``period``, ``member_id``, ``sector``: one row per member and period in
        which the member's membership window (``joined_on`` to ``left_on``, open while
        ``left_on`` is empty) meets the period.

    Examples
    --------
    >>> members = pd.DataFrame({"member_id": ["a", "b"], "sector": ["health", "labor"],
    ...     "joined_on": pd.to_datetime(["2024-01-01", "2024-05-01"]),
    ...     "left_on": pd.to_datetime([None, None])})
    >>> active_members(members, pd.period_range("2024Q1", "2024Q2", freq="Q"))["member_id"].tolist()
    ['a', 'a', 'b']
    """
    if len(periods) == 0 or members.empty:
        return pd.DataFrame({"period": pd.PeriodIndex([], freq=periods.freq), "member_id": pd.Series([], dtype=object), "sector": pd.Series([], dtype=object)})
    start, end = _period_bounds(periods)
    joined = members["joined_on"].to_numpy(dtype="datetime64[ns]")
    left = members["left_on"].to_numpy(dtype="datetime64[ns]")
    # members × periods: a few thousand members by ~50 periods at most
    inside = (joined[:, None] <= end[None, :]) & (np.isnat(left)[:, None] | (left[:, None] >= start[None, :]))
    m_idx, p_idx = np.nonzero(inside)
    order = np.lexsort((m_idx, p_idx))
    m_idx, p_idx = m_idx[order], p_idx[order]
    return pd.DataFrame(
        {
            "period": periods[p_idx],
            "member_id": members["member_id"].to_numpy(dtype=object)[m_idx],
            "sector": members["sector"].to_numpy(dtype=object)[m_idx],
        }
    )


def period_ties(referrals: pd.DataFrame, periods: pd.PeriodIndex) -> pd.DataFrame:
    """Directed ties per period with the number of referrals behind each.

    Parameters
    ----------
    referrals : pandas.DataFrame
        The referrals table (``from_member``, ``to_member``, ``referred_on``).
    periods : pandas.PeriodIndex
        The periods; referrals dated outside them are left out.

    Returns
    -------
    pandas.DataFrame
        Columns ``period``, ``from_member``, ``to_member``, ``referrals`` (int64), one row
        per distinct tie and period; self-referrals are not ties.

    Examples
    --------
    >>> r = pd.DataFrame({"from_member": ["a", "a", "b", "b"], "to_member": ["b", "b", "a", "b"],
    ...     "referred_on": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-04-01", "2024-04-02"])})
    >>> period_ties(r, pd.period_range("2024Q1", "2024Q2", freq="Q")).to_dict("list")
    {'period': [Period('2024Q1', 'Q-DEC'), Period('2024Q2', 'Q-DEC')], 'from_member': ['a', 'b'], 'to_member': ['b', 'a'], 'referrals': [2, 1]}

    Two referrals from a to b in 2024Q1 make one tie; b's referral to itself is none.
    """
    columns = ["period", "from_member", "to_member", "referrals"]
    if referrals.empty or len(periods) == 0:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns}).astype({"referrals": "int64"})
    frame = pd.DataFrame(
        {
            "period": assign_periods(referrals["referred_on"], periods),
            "from_member": referrals["from_member"].to_numpy(dtype=object),
            "to_member": referrals["to_member"].to_numpy(dtype=object),
        }
    )
    keep = frame["period"].notna() & frame["from_member"].notna() & frame["to_member"].notna() & (frame["from_member"] != frame["to_member"])
    frame = frame[keep.to_numpy(dtype=bool)]
    ties = frame.groupby(["period", "from_member", "to_member"], sort=True, observed=True).size().rename("referrals").reset_index()
    ties["period"] = pd.PeriodIndex(ties["period"], freq=periods.freq) if len(ties) else ties["period"]
    return ties.astype({"referrals": "int64"})[columns]


def assign_periods(dates: pd.Series, periods: pd.PeriodIndex) -> pd.Series:
    """The period of ``periods`` each date falls in (missing outside them or when the date is).

    Works for any ``PeriodIndex``, half-years (``2Q``) included, whose periods do not
    overlap: each date goes to the last period starting on or before it, if it ends on or
    after the date.

    Parameters
    ----------
    dates : pandas.Series
        Dates (datetime64).
    periods : pandas.PeriodIndex
        Sorted, non-overlapping periods.

    Returns
    -------
    pandas.Series
        Same index as ``dates``, period dtype, ``NaT`` where no period holds the date.

    Examples
    --------
    >>> halves = pd.PeriodIndex([pd.Period("2024Q1", freq="2Q"), pd.Period("2024Q3", freq="2Q")])
    >>> dates = pd.Series(pd.to_datetime(["2024-06-30", "2024-07-01", "2025-01-01"]))
    >>> [str(p) for p in assign_periods(dates, halves)]
    ['2024Q1', '2024Q3', 'NaT']
    """
    start, end = _period_bounds(periods)
    values = pd.to_datetime(dates).to_numpy(dtype="datetime64[ns]")
    pos = np.searchsorted(start, values, side="right") - 1
    ok = ~np.isnat(values) & (pos >= 0)
    pos_safe = np.clip(pos, 0, len(periods) - 1)
    ok &= values <= end[pos_safe] + np.timedelta64(1, "D") - np.timedelta64(1, "ns")
    out = pd.Series(pd.NaT, index=dates.index, dtype=f"period[{periods.freqstr}]")
    out[ok] = periods[pos_safe[ok]]
    return out


def period_graph(members: pd.Series | list[str], ties: pd.DataFrame) -> nx.DiGraph:
    """The directed referral graph of one period.

    Parameters
    ----------
    members : sequence of str
        The active members (nodes, isolates included).
    ties : pandas.DataFrame
        ``from_member``, ``to_member`` and ``referrals`` of the period's ties; members
        met there but not in ``members`` are added as nodes.

    Returns
    -------
    networkx.DiGraph
        Edge attribute ``referrals``.

    Examples
    --------
    >>> g = period_graph(["a", "b", "c"], pd.DataFrame({"from_member": ["a"], "to_member": ["b"], "referrals": [4]}))
    >>> sorted(g.nodes), list(g.edges(data="referrals"))
    (['a', 'b', 'c'], [('a', 'b', 4)])
    """
    graph = nx.DiGraph()
    graph.add_nodes_from(list(members))
    graph.add_weighted_edges_from(
        zip(ties["from_member"].tolist(), ties["to_member"].tolist(), ties["referrals"].tolist()),
        weight="referrals",
    )
    return graph


def degree_centralization(graph: nx.Graph) -> float:
    """Freeman's degree centralization of the undirected graph, normalised to 0–1.

    ``Σ_i (d_max − d_i) / ((n − 1)(n − 2))`` with ``d_i`` the undirected degree (a directed
    graph is first made undirected: A–B linked when either tie exists). 1 for a star, 0 when
    all degrees are equal (a ring, a complete graph, no ties at all).

    Parameters
    ----------
    graph : networkx.Graph or networkx.DiGraph

    Returns
    -------
    float
        NaN for fewer than 3 nodes (the normalisation is undefined).

    Examples
    --------
    >>> degree_centralization(nx.cycle_graph(5))
    0.0
    >>> degree_centralization(nx.path_graph(4))  # degrees 1, 2, 2, 1: (1 + 0 + 0 + 1) / (3 * 2)
    0.3333333333333333
    """
    undirected = graph.to_undirected(as_view=False) if graph.is_directed() else graph
    n = undirected.number_of_nodes()
    if n < 3:
        return float("nan")
    degrees = np.fromiter((d for _, d in undirected.degree()), dtype=float, count=n)
    return float((degrees.max() - degrees).sum() / ((n - 1) * (n - 2)))


def network_measures(graph: nx.DiGraph, sectors: Mapping[str, str]) -> dict[str, float]:
    """The network measures of one period's graph (see the module docstring).

    Parameters
    ----------
    graph : networkx.DiGraph
        A period's graph (:func:`period_graph`).
    sectors : mapping
        member_id → sector.

    Returns
    -------
    dict
        ``active_members``, ``ties``, ``network_density``, ``reciprocity``,
        ``degree_centralization``, ``cross_sector_tie_share``, ``le_vs_tie_share``,
        ``isolates``, as floats (NaN where undefined).

    Examples
    --------
    >>> g = nx.DiGraph([("pd", "shelter"), ("shelter", "pd"), ("shelter", "clinic")])
    >>> g.add_node("court")
    >>> m = network_measures(g, {"pd": "law_enforcement", "shelter": "victim_services",
    ...                          "clinic": "health", "court": "prosecution"})
    >>> m["ties"], m["network_density"], round(m["reciprocity"], 3), m["isolates"]
    (3.0, 0.25, 0.667, 1.0)
    >>> round(m["le_vs_tie_share"], 3), m["cross_sector_tie_share"]
    (0.667, 1.0)
    """
    n = graph.number_of_nodes()
    m = graph.number_of_edges()
    if m:
        pairs = np.array([(sectors.get(a), sectors.get(b)) for a, b in graph.edges()], dtype=object)
        cross = pairs[:, 0] != pairs[:, 1]
        le_vs = ((pairs[:, 0] == LAW_ENFORCEMENT) & (pairs[:, 1] == VICTIM_SERVICES)) | ((pairs[:, 0] == VICTIM_SERVICES) & (pairs[:, 1] == LAW_ENFORCEMENT))
        cross_share, le_vs_share = float(cross.mean()), float(le_vs.mean())
        reciprocity = float(nx.reciprocity(graph))
    else:
        cross_share = le_vs_share = reciprocity = float("nan")
    return {
        "active_members": float(n),
        "ties": float(m),
        "network_density": float(nx.density(graph)) if n > 1 else float("nan"),
        "reciprocity": reciprocity,
        "degree_centralization": degree_centralization(graph),
        "cross_sector_tie_share": cross_share,
        "le_vs_tie_share": le_vs_share,
        "isolates": float(nx.number_of_isolates(graph)),
    }


def network_indicators(referrals: pd.DataFrame, members: pd.DataFrame, periods: pd.PeriodIndex) -> pd.DataFrame:
    """The referral-network measures of every period.

    Parameters
    ----------
    referrals : pandas.DataFrame
        The referrals table.
    members : pandas.DataFrame
        The members table.
    periods : pandas.PeriodIndex
        Consecutive periods (every period from the first to the last).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``periods``, the columns of :data:`MEASURES`, float64. A period with
        no referral has density 0, every member an isolate, and NaN reciprocity and tie
        shares.

    Examples
    --------
    >>> members = pd.DataFrame({"member_id": ["a", "b", "c"], "sector": ["law_enforcement", "victim_services", "health"],
    ...     "joined_on": pd.to_datetime(["2024-01-01"] * 3), "left_on": pd.to_datetime([None] * 3)})
    >>> r = pd.DataFrame({"from_member": ["a", "b", "b"], "to_member": ["b", "c", "a"],
    ...     "referred_on": pd.to_datetime(["2024-01-05", "2024-04-01", "2024-04-02"])})
    >>> t = network_indicators(r, members, pd.period_range("2024Q1", "2024Q2", freq="Q"))
    >>> t[["ties", "isolates", "ties_new", "ties_lost"]]
            ties  isolates  ties_new  ties_lost
    period
    2024Q1   1.0       1.0       NaN        NaN
    2024Q2   2.0       0.0       2.0        1.0
    """
    active = active_members(members, periods)
    ties = period_ties(referrals, periods)
    sectors = dict(zip(members["member_id"].tolist(), members["sector"].tolist()))
    by_period_members = {p: g["member_id"].tolist() for p, g in active.groupby("period", sort=False)} if len(active) else {}
    by_period_ties = {p: g for p, g in ties.groupby("period", sort=False)} if len(ties) else {}
    empty_ties = ties.iloc[0:0]
    rows = []
    previous: set[tuple[str, str]] | None = None
    for period in periods:  # one graph per period (≤ ~50); the rows were grouped above
        graph = period_graph(by_period_members.get(period, []), by_period_ties.get(period, empty_ties))
        row = network_measures(graph, sectors)
        edges = set(graph.edges())
        row["ties_new"] = float(len(edges - previous)) if previous is not None else float("nan")
        row["ties_lost"] = float(len(previous - edges)) if previous is not None else float("nan")
        previous = edges
        rows.append(row)
    out = pd.DataFrame(rows, index=periods, columns=list(MEASURES), dtype="float64")
    out.index.name = "period"
    return out
