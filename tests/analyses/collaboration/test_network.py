"""Referral-network measures against networkx and against small graphs drawn by hand."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from tfanalysis.analyses.collaboration import network

from shared_tables import members_table, referrals_table

SECTORS = {"pd": "law_enforcement", "sheriff": "law_enforcement", "shelter": "victim_services", "clinic": "health", "court": "prosecution"}



# --------------------------------------------------------------------------- degree centralization


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        (nx.star_graph(4), 1.0),  # hub of 4 leaves: (3 * 4) / (4 * 3)
        (nx.complete_graph(5), 0.0),
        (nx.cycle_graph(6), 0.0),
        (nx.path_graph(4), 2 / 6),  # degrees 1 2 2 1
        (nx.empty_graph(4), 0.0),  # no ties: nobody is central
    ],
    ids=["star", "complete", "cycle", "path", "no-ties"],
)
def test_degree_centralization_on_graphs_you_can_draw(graph: nx.Graph, expected: float) -> None:
    assert network.degree_centralization(graph) == pytest.approx(expected)


def test_degree_centralization_is_undefined_below_three_members() -> None:
    assert math.isnan(network.degree_centralization(nx.path_graph(2)))


def test_degree_centralization_of_a_directed_graph_uses_the_undirected_ties() -> None:
    # a->b and b->a are one undirected tie; b->c another: path a-b-c, degrees 1 2 1 -> (1 + 0 + 1) / (2 * 1)
    g = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c")])
    assert network.degree_centralization(g) == pytest.approx(1.0)


def test_degree_centralization_matches_freemans_formula_on_a_random_graph() -> None:
    g = nx.gnp_random_graph(12, 0.3, seed=3, directed=True)
    u = g.to_undirected()
    degrees = np.array([d for _, d in u.degree()], dtype=float)
    n = len(degrees)
    expected = (degrees.max() - degrees).sum() / ((n - 1) * (n - 2))
    assert network.degree_centralization(g) == pytest.approx(expected)


# --------------------------------------------------------------------------- measures of one graph


def test_network_measures_agree_with_networkx() -> None:
    g = nx.DiGraph([("pd", "shelter"), ("shelter", "pd"), ("shelter", "clinic"), ("sheriff", "pd"), ("clinic", "shelter")])
    g.add_node("court")
    m = network.network_measures(g, SECTORS)
    assert m["active_members"] == 5  # pd sheriff shelter clinic court
    assert m["ties"] == 5
    assert m["network_density"] == pytest.approx(nx.density(g)) == pytest.approx(5 / 20)
    assert m["reciprocity"] == pytest.approx(nx.reciprocity(g)) == pytest.approx(4 / 5)
    assert m["isolates"] == 1  # court
    # sheriff->pd stays within law enforcement: 4 of 5 ties cross sectors
    assert m["cross_sector_tie_share"] == pytest.approx(4 / 5)
    # pd->shelter and shelter->pd: 2 of 5
    assert m["le_vs_tie_share"] == pytest.approx(2 / 5)


def test_measures_of_a_graph_without_ties() -> None:
    g = nx.DiGraph()
    g.add_nodes_from(["pd", "shelter", "clinic"])
    m = network.network_measures(g, SECTORS)
    assert m["ties"] == 0 and m["network_density"] == 0 and m["isolates"] == 3
    assert math.isnan(m["reciprocity"]) and math.isnan(m["cross_sector_tie_share"]) and math.isnan(m["le_vs_tie_share"])


# --------------------------------------------------------------------------- per period


MEMBERS = members_table(
    [
        ("pd", "law_enforcement", "2024-01-01", None),
        ("shelter", "victim_services", "2024-01-01", None),
        ("clinic", "health", "2024-01-01", "2024-05-15"),  # leaves during Q2
        ("court", "prosecution", "2024-07-01", None),  # joins on Q3's first day
    ]
)
PERIODS = pd.period_range("2024Q1", "2024Q3", freq="Q", name="period")


def test_active_members_follow_membership_windows() -> None:
    active = network.active_members(MEMBERS, PERIODS)
    by_period = active.groupby("period")["member_id"].apply(sorted).to_dict()
    assert by_period[pd.Period("2024Q1", "Q")] == ["clinic", "pd", "shelter"]
    assert by_period[pd.Period("2024Q2", "Q")] == ["clinic", "pd", "shelter"]  # left mid-quarter: active in it
    assert by_period[pd.Period("2024Q3", "Q")] == ["court", "pd", "shelter"]


def test_period_ties_count_referrals_and_drop_self_referrals() -> None:
    r = referrals_table([("pd", "shelter", "2024-01-03"), ("pd", "shelter", "2024-03-31"), ("shelter", "shelter", "2024-02-01"), ("pd", "shelter", "2024-04-01")])
    ties = network.period_ties(r, PERIODS)
    assert ties[["from_member", "to_member", "referrals"]].values.tolist() == [["pd", "shelter", 2], ["pd", "shelter", 1]]
    assert [str(p) for p in ties["period"]] == ["2024Q1", "2024Q2"]


def test_network_indicators_new_and_lost_ties_and_a_member_outside_the_membership() -> None:
    r = referrals_table(
        [
            ("pd", "shelter", "2024-01-10"),
            ("shelter", "clinic", "2024-02-10"),
            ("pd", "shelter", "2024-08-01"),
            ("shelter", "court", "2024-08-02"),
            ("court", "pd", "2024-09-01"),
            ("clinic", "pd", "2024-09-15"),  # the clinic left in May yet referred: it is a node of Q3
        ]
    )
    t = network.network_indicators(r, MEMBERS, PERIODS)
    assert t["ties"].tolist() == [2.0, 0.0, 4.0]
    assert t["active_members"].tolist() == [3.0, 3.0, 4.0]
    assert t["isolates"].tolist() == [0.0, 3.0, 0.0]
    assert t["ties_new"].tolist()[1:] == [0.0, 4.0]
    assert t["ties_lost"].tolist()[1:] == [2.0, 0.0]
    assert math.isnan(t["ties_new"].iloc[0])
    # Q3: pd->shelter, shelter->court, court->pd, clinic->pd on 4 nodes: 4 / 12; no reciprocated tie
    assert t.loc["2024Q3", "network_density"] == pytest.approx(4 / 12)
    assert t.loc["2024Q3", "reciprocity"] == 0.0
    assert list(t.columns) == list(network.MEASURES)


def test_assign_periods_of_half_years() -> None:
    halves = pd.PeriodIndex([pd.Period("2024Q1", freq="2Q"), pd.Period("2024Q3", freq="2Q")])
    dates = pd.Series(pd.to_datetime(["2023-12-31", "2024-01-01", "2024-06-30", "2024-07-01", "2024-12-31", "2025-01-01", None]))
    assert [str(p) for p in network.assign_periods(dates, halves)] == ["NaT", "2024Q1", "2024Q1", "2024Q3", "2024Q3", "NaT", "NaT"]
