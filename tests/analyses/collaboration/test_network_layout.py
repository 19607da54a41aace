"""The network picture: its tables, and one layout for every period, component by component."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration import network_layout

from shared_tables import members_table, referrals_table

MEMBERS = members_table(
    [
        ("pd", "law_enforcement", "2024-01-01", None),
        ("shelter", "victim_services", "2024-01-01", None),
        ("clinic", "health", "2024-01-01", "2024-05-15"),  # leaves during Q2
        ("court", "prosecution", "2024-07-01", None),  # joins on Q3's first day
    ]
)


def test_picture_tables_aggregate_both_directions_and_share_one_layout() -> None:
    members = MEMBERS.assign(name=["Police", "Shelter", "Clinic", "Court"])
    r = referrals_table([("pd", "shelter", "2024-01-10"), ("shelter", "pd", "2024-01-11"), ("pd", "shelter", "2024-08-01")])
    nodes, ties = network_layout.picture_tables(r, members, pd.PeriodIndex(["2024Q1", "2024Q3"], freq="Q"))
    assert ties[["period", "member_a", "member_b", "referrals"]].values.tolist() == [["2024Q1", "pd", "shelter", 2], ["2024Q3", "pd", "shelter", 1]]
    assert ties["cross_sector"].tolist() == [True, True]
    where = nodes.set_index(["period", "member_id"])[["x", "y"]]
    assert where.loc[("2024Q1", "pd")].tolist() == where.loc[("2024Q3", "pd")].tolist()  # same place in both panels
    assert nodes.set_index(["period", "member_id"]).loc[("2024Q3", "court"), "ties"] == 0
    again, _ = network_layout.picture_tables(r, members, pd.PeriodIndex(["2024Q1", "2024Q3"], freq="Q"))
    pd.testing.assert_frame_equal(nodes, again)  # fixed seed: the same picture every run


def test_a_large_picture_lays_out_each_component_in_its_own_place() -> None:
    # 40 separate teams of 15 members (600 >= DENSE_LAYOUT_NODES): no team overlaps another
    graph = nx.Graph()
    for team in range(40):
        members = [f"t{team:02d}m{i:02d}" for i in range(15)]
        graph.add_nodes_from(members)
        graph.add_edges_from((members[i], members[(i + 1) % 15]) for i in range(15))
        graph.add_edges_from((members[0], m) for m in members[2:])
    assert graph.number_of_nodes() >= network_layout.DENSE_LAYOUT_NODES
    pos = network_layout.layout([graph])
    points = pd.DataFrame.from_dict(pos, orient="index", columns=["x", "y"])
    assert points.abs().max().max() <= 1.0 + 1e-12
    boxes = points.groupby(points.index.str[:3]).agg(x0=("x", "min"), x1=("x", "max"), y0=("y", "min"), y1=("y", "max"))
    for a, b in itertools.combinations(boxes.itertuples(), 2):
        apart = a.x1 < b.x0 or b.x1 < a.x0 or a.y1 < b.y0 or b.y1 < a.y0
        assert apart, (a.Index, b.Index)
    assert pos == network_layout.layout([graph])  # the same picture every run


def test_a_large_component_keeps_linked_members_together() -> None:
    # one component of 60 cliques of 10 joined in a ring: members of a clique are drawn close
    graph = nx.Graph()
    for c in range(60):
        graph.add_edges_from(itertools.combinations([f"c{c:02d}m{i}" for i in range(10)], 2))
        graph.add_edge(f"c{c:02d}m0", f"c{(c + 1) % 60:02d}m1")
    pos = network_layout.layout([graph])
    points = pd.DataFrame.from_dict(pos, orient="index", columns=["x", "y"])
    clique = points.index.str[:3]
    within = points.groupby(clique).std().pow(2).sum(axis=1).pow(0.5).mean()  # typical spread of a clique
    between = np.hypot(*(points.groupby(clique).mean().to_numpy() - points.mean().to_numpy()).T).mean()
    assert within < between / 5
