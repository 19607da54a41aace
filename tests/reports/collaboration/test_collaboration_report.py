"""The collaboration report's numbers for leadership: every victim count through the publication layer.

:mod:`tfanalysis.reports.collaboration` releases its counts per period (:func:`release_counts`) and
shows shares, medians, changes, trends, fitted lines, headline metrics, the network's tie
counts and the grant evidence from what the layer shows. The counts are checked by hand on
the small task force of ``tests/analyses/collaboration/test_catalogue.py``; each attack issue 10 lists against report
03 is rebuilt on a task force made for it and shown to fail; the demo run is read back.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

import tfanalysis as tf
from tfanalysis.analyses import collaboration as ac
from tfanalysis.reports import collaboration as c
from tfanalysis.reports.collaboration.counts import _spans
from tfanalysis.analyses.collaboration import trends
from tfanalysis.analyses.collaboration.trends.segmented import _design
from tfanalysis.analyses.collaboration.trends.time_axis import _time_axis
from tfanalysis.publication import ByPeriod, Release
from tfanalysis.publication.bounds import find_leaks
from tfanalysis.publication.units import CASE_EVENT

from conftest import write_tiny_dataset
from shared_tables import COLLAB_TABLES, Q1, Q2, Q3, WAVES

K = 11


@pytest.fixture(scope="module")
def collab(tmp_path_factory: pytest.TempPathFactory) -> tf.TaskForceData:
    folder = write_tiny_dataset(tmp_path_factory.mktemp("collab") / "data", **{k.replace(".", "__"): v for k, v in COLLAB_TABLES.items()})
    return tf.load_dataset(folder)


@pytest.fixture(scope="module")
def table(collab: tf.TaskForceData) -> pd.DataFrame:
    return ac.indicators(collab, wave_dates=WAVES)


def _task_force(folder: Path, referrals: list[tuple] = (), events: list[tuple] = ()) -> tf.TaskForceData:
    """The members of the small task force; one client per referral; no needs, activities or survey.

    ``referrals``: (from_member, to_member, referred_on, outcome, responded_on) rows;
    ``events``: (case_id, event, occurred_on, member_id, county_fips) rows.
    """
    days = [r[2] for r in referrals] + [e[2] for e in events]
    clients = "".join(f"c{i},{d},10001,25-34,female,sex,us_citizen,en,law_enforcement\n" for i, d in enumerate(days))
    refs = "".join(f"r{i},c{i},{a},{b},case_management,{d},{resp},{out}\n" for i, (a, b, d, out, resp) in enumerate(referrals))
    evs = "".join(f"{k},{kind},{d},{m},{fips},\n" for k, kind, d, m, fips in events)
    header = {name: text.splitlines()[0] + "\n" for name, text in COLLAB_TABLES.items()}
    tables = {
        **COLLAB_TABLES,
        "clients.csv": header["clients.csv"] + clients,
        "needs.csv": header["needs.csv"],
        "referrals.csv": header["referrals.csv"] + refs,
        "cj_events.csv": header["cj_events.csv"] + evs,
        "activities.csv": header["activities.csv"],
        "attendance.csv": header["attendance.csv"],
        "survey.csv": header["survey.csv"],
    }
    return tf.load_dataset(write_tiny_dataset(folder, **{k.replace(".", "__"): v for k, v in tables.items()}))


def _per_quarter(first: str, counts: list[int], make) -> list[tuple]:
    """``counts[i]`` rows made by ``make(day)`` on the 10th of the first month of each quarter from ``first``."""
    quarters = pd.period_range(first, periods=len(counts), freq="Q")
    return [make((q.start_time + pd.Timedelta(days=9)).strftime("%Y-%m-%d")) for q, n in zip(quarters, counts) for _ in range(n)]


def _largest(fixed: dict, hidden: list, sums: list[tuple[list, int]], target) -> float:
    """The largest value a reader can give ``target``: ``fixed`` counts known, ``hidden`` ones at least 1, ``sums`` known totals."""
    names = sorted(set(fixed) | set(hidden) | {n for parts, _ in sums for n in parts})
    pos = {n: i for i, n in enumerate(names)}
    a_eq, b_eq = [], []
    for name, value in fixed.items():
        a_eq.append(np.eye(1, len(names), pos[name]).ravel())
        b_eq.append(value)
    for parts, total in sums:
        row = np.zeros(len(names))
        row[[pos[p] for p in parts]] = 1
        a_eq.append(row)
        b_eq.append(total)
    bounds = [(1, None) if n in hidden else (0, None) for n in names]
    res = linprog(-np.eye(1, len(names), pos[target]).ravel(), A_eq=np.array(a_eq), b_eq=np.array(b_eq), bounds=bounds, method="highs")
    return np.inf if res.status == 3 else -res.fun


# --------------------------------------------------------------------------- the counts, by hand


def test_every_count_is_released_per_period_as_worked_out_by_hand(collab: tf.TaskForceData, table: pd.DataFrame) -> None:
    counts = c.release_counts(Release(collab, 2), collab)
    true = {name: released._true.iloc[:-1, 0].tolist() for name, released in counts.series.items()}
    assert true == {
        "clients_identified": [3, 0, 2],  # c1 c2 c3 | - | c4 c5
        "referrals_made": [5, 0, 3],
        "cross_sector_referrals": [4, 0, 3],  # r5 (shelter -> youth shelter) is within victim services
        "le_vs_referrals": [3, 0, 0],  # r1 r3 r4
        "investigations_opened": [3, 0, 1],
        "arrests": [1, 0, 1],
        "charges_filed": [1, 0, 1],
        "convictions": [0, 0, 1],
        "joint_cases": [1, 0, 1],  # k1 (c1 served) | k3 (c4 served)
        "multi_agency_cases": [1, 0, 3],  # k1 | k1 k2 k3
        # by outcome: Q3's referrals have not had the 9-day answer window by the data end (below, once they have)
        "referrals_closed": [4, 0],  # r5 is open
        "referrals_accepted": [2, 0],  # r1 r2
        "referrals_declined_capacity": [1, 0],  # r3
        "referrals_loop_closed": [3, 0],  # r1 r2 r3
        # windows closed by the data end (2024-09-30) for Q1 and Q2 only; Q1's 4 needs not declined:
        # c1 housing 5 d, c1 medical 49 d, c2 safety unmet, c2 case management 20 d
        "needs_due_30": [4, 0], "needs_met_30": [2, 0], "needs_due_90": [4, 0], "needs_met_90": [3, 0],
        "clients_unmet_critical": [1, 0, 0],  # c2's safety planning
        "cases_with_victims": [2, 0, 1],  # k1 k4 | k3
        "cases_charged": [1, 0, 1],  # k1 on 03-01 | k3 on 09-01
    }
    answered = c.release_counts(Release(collab, 2), collab, as_of="2024-10-09")
    assert {name: answered.series[name]._true.iloc[:-1, 0].tolist() for name in ("referrals_closed", "referrals_accepted",
            "referrals_declined_capacity", "referrals_loop_closed")} == {
        "referrals_closed": [4, 0, 3], "referrals_accepted": [2, 0, 2],  # r6 r8
        "referrals_declined_capacity": [1, 0, 0], "referrals_loop_closed": [3, 0, 3]}  # r6 r7 r8
    assert counts.unanswered == {Q3} and answered.unanswered == frozenset()
    # the counts the indicators compute from the history are the same counts
    for name in ("clients_identified", "referrals_made", "cross_sector_referrals", "le_vs_referrals", "arrests", "joint_cases", "multi_agency_cases"):
        assert true[name] == table[name].astype(int).tolist(), name
    # every series' total is the count over all periods: the key another report uses for "all data"
    assert counts.series["referrals_made"]._true.loc["Total", "count"] == 8
    assert counts.series["referrals_made"].keys.loc["Total", "count"] == Release(collab, 2).count("referrals").keys.iloc[0, 0]


def test_needs_met_in_time_are_the_needs_report_02_counts_in_its_bands_of_days(collab: tf.TaskForceData) -> None:
    """One column per concept: "met within 30 days" here is 02's band of days, not a column of its own.

    Q1's needs (the series' first period: open before it): c1 housing met after 5 days, c2
    case management after 20, c1 medical after 49; 2 met within 30 days, 3 within 90.
    """
    from tfanalysis.publication import ByGroups, Interval
    from tfanalysis.reports.gaps.outcomes import MET_30, MET_90, OUTCOME

    rel = Release(collab, 2)
    counts = c.release_counts(rel, collab, names=["needs_met_30", "needs_met_90"])
    q1 = {"identified_on": Interval(None, "2024-03-31")}
    within_30 = rel.table("needs", rows=ByGroups(OUTCOME, {"30": [MET_30], "later": [MET_90]}), where=q1, name="02's bands")
    within_90 = rel.count("needs", where={**q1, OUTCOME: [MET_30, MET_90]}, name="02's bands")
    assert counts.series["needs_met_30"].keys.loc[Q1, "count"] == within_30.keys.loc["30", "count"]
    assert counts.series["needs_met_90"].keys.loc[Q1, "count"] == within_90.keys.iloc[0, 0] == within_30.keys.loc["Total", "count"]
    assert [within_30._true.loc["30", "count"], within_90._true.iloc[0, 0]] == [2, 3]


def test_a_past_quarter_is_measured_by_the_data_end_not_the_quarter_end(collab: tf.TaskForceData) -> None:
    """A second task force's 2025Q3 report called its 30- and 90-day shares "not yet measurable" with 92 days of data after it.

    The tiny task force's data run to 2024-09-30; a report on 2024Q1 reads its needs' outcomes
    as recorded then (as report 02 does): 2 of Q1's 4 needs met within 30 days, 3 within 90.
    """
    counts = c.release_counts(Release(collab, 2), collab, "2024Q1", names=["needs_met_30", "needs_met_90", "needs_due_30"])
    assert {name: s.keys.index.tolist() for name, s in counts.series.items()} == {
        "needs_due_30": [Q1, "Total"], "needs_met_30": [Q1, "Total"], "needs_met_90": [Q1, "Total"]}
    shares = ac.indicators(collab, as_of=ac.data_end(collab), through="2024Q1")
    assert shares[["needs_met_30d_share", "needs_met_90d_share"]].iloc[0].tolist() == [0.5, 0.75]


def test_the_unit_columns_the_report_derives(collab: tf.TaskForceData) -> None:
    rel = Release(collab, 2)
    c.release_counts(rel, collab)
    r = rel.units("referrals")
    # r1 police->shelter, r2 shelter->clinic, r3 police->shelter, r4 shelter->police, r5 shelter->youth shelter,
    # r6 police->clinic, r7 and r8 shelter->legal aid
    assert r[c.SECTOR_LINK].tolist() == ["le_vs", "cross_other", "le_vs", "le_vs", "same", "cross_other", "cross_other", "cross_other"]
    assert r[c.TIE].tolist() == ["m1|m2", "m2|m3", "m1|m2", "m1|m2", "m2|m5", "m1|m3", "m2|m4", "m2|m4"]
    e = rel.units("cj_events")  # rows: k1 x4, k2 x2, k3 x2, k4
    assert e[c.CASE_START].tolist() == ["victim_served", "<NA>", "<NA>", "<NA>", "no_victim", "<NA>", "victim_served", "<NA>", "victim_not_served"]
    assert e[c.FIRST_CHARGES].tolist() == ["False", "False", "True", "False", "False", "False", "False", "True", "False"]
    assert e[CASE_EVENT].str.split(" | ", regex=False).str[0].tolist() == [
        "victim_served", "later", "later first charges", "later", "no_victim", "later", "victim_served", "later first charges", "victim_not_served"]
    assert (e[CASE_EVENT].str.split(" | ", regex=False).str[1] == e["event"]).all()
    # first event of each case in each quarter, multi-agency by the quarter's end: k1 Q1 (m6 on 03-01), k1 Q3,
    # k2 Q3 (second county on 07-10; not yet in Q1), k3 Q3 (m6 on 09-01)
    assert e["collaboration.multi_agency_case_in_quarter"].tolist() == ["True", "False", "False", "True", "False", "True", "True", "False", "False"]
    # their names are kept in every run's ledger and read back by later runs of the same data: they never change
    derived = {name for table in ("clients", "needs", "referrals", "cj_events") for name in rel.units(table).columns if name.startswith("collaboration.")}
    assert derived == {"collaboration.sector_link", "collaboration.tie", "collaboration.case_start", "collaboration.first_charges",
                       "collaboration.case_event", "collaboration.unmet_critical_need", "collaboration.multi_agency_case_in_quarter"}


def test_cases_started_are_not_read_as_investigations_opened_less_cases_served(demo_data: tf.TaskForceData) -> None:
    """An outsider read 2025Q4's 26 investigations opened less its 23 cases with a victim served as at most 3 cases not served.

    Every demo case opens with one investigation: the cases started in a quarter are its
    investigations opened, those with a victim served, not served, or with no victim. The
    layer writes the three counts on one column (``collaboration.case_event``), so that where
    both are shown, what they leave is 0 or at least the threshold.
    """
    rel = Release(demo_data, K)
    counts = c.release_counts(rel, demo_data, "2025Q4")
    opened, served = counts.shown("investigations_opened"), counts.shown("joint_cases")
    both = [(int(a), int(b)) for a, b in zip(opened, served) if not isinstance(a, str) and not isinstance(b, str)]
    assert all(a - b == 0 or a - b >= K for a, b in both)
    keys = rel.ledger.cells.query("table == 'collaboration: investigations opened per quarter'")["key"]
    assert keys.str.contains("collaboration.case_event").all()  # written on the finer column
    assert find_leaks(rel.ledger.universe_cells("cj_events"), rel.units("cj_events"), K) == []


def test_publish_shows_released_counts_and_shares_from_shown_counts_only(collab: tf.TaskForceData, table: pd.DataFrame) -> None:
    counts = c.release_counts(Release(collab, 2), collab)
    shown = c.publish(table, counts)
    assert list(shown.index) == [Q1, Q2, Q3]
    assert shown["clients_identified"].tolist() == [3, 0, 2]
    # Q1: 5 referrals made (shown), 3 LE–VS, 1 other cross-sector, 1 same-sector; the 4 ties shown
    # (2 LE–VS, 1 other cross, 1 same) say each of the last two is at least 1, so showing the 3
    # would pin both at 1 (5 - 3 = 2)
    assert shown["le_vs_referrals"].tolist() == ["hidden", 0, 0] and shown.loc[Q1, "ties"] == 4
    assert shown["arrests"].tolist() == ["hidden", 0, "hidden"]  # 1 and 1
    # a share is its shown numerator over its shown base: 2 of Q1's 4 needs due were met within 30 days;
    # Q2 has no need (nothing to divide), Q3's window has not closed
    assert shown["needs_met_30d_share"].tolist()[0] == 0.5 and np.isnan(shown["needs_met_30d_share"].tolist()[1:]).all()
    assert np.isnan(shown.loc[Q1, "cross_sector_referral_share"]) and counts.shown("cross_sector_referrals")[Q1] == "hidden"
    assert shown.loc[Q3, "cross_sector_referral_share"] == 1.0  # 3 of 3
    # medians rest on their bases, the clients identified and the referrals made (shown)
    assert shown["median_days_to_first_service"].tolist()[0::2] == [20.0, 22.0]
    assert shown["median_response_days"].tolist()[0] == 8.0 and np.isnan(shown.loc[Q3, "median_response_days"])  # Q3: not answered yet
    assert shown["meetings"].tolist() == [2.0, 0.0, 1.0] and shown["ties"].tolist() == [4.0, 0.0, 2.0]  # organizations
    strict = c.publish(table, c.release_counts(Release(collab, K), collab))
    assert strict["referrals_made"].tolist() == ["hidden", 0, "hidden"]
    assert strict[["median_response_days", "referral_acceptance_rate", "closed_loop_share"]].isna().all(axis=None)
    # at 11 each quarter's referred victims are a small group (5 and 3 referrals): its ties would tell their
    # sector links (publication.small_groups), so they are not shown; Q2 has none to tell
    assert strict["ties"].iloc[[0, 2]].isna().all() and strict.loc[Q2, "ties"] == 0.0


def test_every_shown_share_gives_back_only_counts_that_are_shown(collab: tf.TaskForceData, table: pd.DataFrame) -> None:
    for k in (2, 3):
        counts = c.release_counts(Release(collab, k), collab)
        shown = c.publish(table, counts)
        for share, numerator in c.NUMERATORS.items():
            base = ac.BY_NAME[share].base
            for period, value in shown[share].dropna().items():
                den, num = counts.shown(base)[period], counts.shown(numerator)[period]
                assert not isinstance(den, str) and not isinstance(num, str), (k, share, period)
                assert value == pytest.approx(num / den)


def test_the_scorecard_reads_only_shown_values(collab: tf.TaskForceData, table: pd.DataFrame) -> None:
    card = c.scorecard(table, c.release_counts(Release(collab, 2), collab))
    row = card.loc["clients_identified"]
    assert row["latest"] == 2 and row["vs_previous"] == 2  # 2 - 0, both shown
    assert card.loc["arrests", "hidden"] and np.isnan(card.loc["arrests", "latest"]) and card.loc["arrests", "note"] == "hidden (disclosure control)"
    # an outsider read report 02's Kaplan-Meier "met within 30 days" of the same quarter beside this note: it says why both hold
    assert card.loc["needs_met_30d_share", "note"] == ("not yet measurable in the latest period: not every need has had its window "
                                                       "(report 02 estimates it, counting the needs still open as censored)")
    # Q3's referrals have not all had the 9-day answer window by the data end; a reader once they have
    assert card.loc["referral_acceptance_rate", "note"] == "not settled yet: the latest period's referrals have not all had time to be answered"
    later = c.scorecard(ac.indicators(collab, as_of="2024-10-09"), c.release_counts(Release(collab, 2), collab, as_of="2024-10-09"))
    assert later.loc["referral_acceptance_rate", "note"] == "not shown: it rests on a hidden count"  # 2 accepted of 3 closed
    text = c.scorecard_table(card, 2)
    assert text.loc["Arrests", "latest (2024Q3)"] == "hidden" and text.loc["Arrests", "vs previous period"] == "n/a"


def test_no_significant_trend_is_no_clear_trend_and_a_running_level_is_not_tested(tmp_path: Path) -> None:
    """A statistician: "stable" rested on 5-8 quarters that miss most real trends; active members, a running level, was trend-tested.

    Referrals police -> shelter per quarter, 2024Q1-2025Q2: 20, 25, 22, 24, 21, 23: no trend at all.
    """
    counts_per_quarter = [20, 25, 22, 24, 21, 23]
    # Mann-Kendall S, each value against the later ones: 20: +5; 25: -4; 22: +1 -1 +1; 24: -1 -1; 21: +1 -> S = 1
    refs = _per_quarter("2024Q1", counts_per_quarter, lambda d: ("m1", "m2", d, "accepted", d))
    data = _task_force(tmp_path / "d", referrals=refs)
    table = ac.indicators(data)
    card = c.scorecard(table, c.release_counts(Release(data, K), data))
    made = card.loc["referrals_made"]
    assert made["trend"] == "no trend" and made["assessment"] == "no clear trend"
    assert made["trend_p"] == 1.0  # var 6*5*17/18 = 28.3; z = (S - 1) / 5.3 = 0 with the continuity correction
    members = card.loc["active_members"]
    assert members["trend"] == "not tested" and members["assessment"] == "not tested" and np.isnan(members["trend_p"])
    assert members["note"] == "a running level: each period starts from the last one's, so no trend test"
    text = c.scorecard_table(card, K)
    assert text.loc["Referrals made", "trend"] == "not significant (p 1.000)"
    assert text.loc["Active members", "trend"] == "not tested"
    words = c.scorecard_markdown(card)
    assert "stable" not in words and "Active members is a running level" in words
    # no change date: no before/after estimates to point to (a statistician followed the pointer to nothing)
    assert "see the before/after estimates below" not in words and "give the run a change date" in words
    assert "see the before/after estimates below" in c.scorecard_markdown(card, "2024-07-01")


def test_counts_of_a_missing_table_are_unknown_not_hidden(tmp_path: Path) -> None:
    data = _task_force(tmp_path / "d", referrals=[("m1", "m2", "2024-01-10", "accepted", "2024-01-11")] * 12)
    counts = c.release_counts(Release(data, K), data)
    assert {"arrests", "joint_cases", "cases_charged"} <= counts.unknown  # no criminal-justice events recorded: unknown
    assert np.isnan(counts.shown("arrests").tolist()[0]) and counts.text(counts.total("arrests")) == "an unknown number of"
    assert "arrests" not in counts.series  # nothing released for them
    assert c.release_counts(Release(data, K), data, names=["referrals_made"]).shown("referrals_made").tolist() == [12]
    with pytest.raises(ValueError, match="not counts of the collaboration report"):
        c.release_counts(Release(data, K), data, names=["needs_unmet"])


# --------------------------------------------------------------------------- the attacks on report 03


def test_a_hidden_quarter_is_not_its_year_minus_the_other_quarters(tmp_path: Path) -> None:
    """Issue 10: "LE <-> victim services referrals 2024Q2 = 103 - 93 = 10" from the scorecard's quarters and the evidence's years.

    Police <-> shelter referrals: 2023 25 a quarter; 2024 40, 5, 30, 23. The quarterly series
    hides 2024Q2 (and one more quarter); the evidence table per year and its totals in the
    sentences are the same counts of the same release: no year, total or sentence pins 2024Q2.
    """
    quarters = [25, 25, 25, 25, 40, 5, 30, 23]
    data = _task_force(tmp_path / "d", referrals=_per_quarter("2023Q1", quarters, lambda d: ("m1", "m2", d, "completed", d)))
    rel = Release(data, K)
    counts = c.release_counts(rel, data, "all", "Q")
    years = c.release_counts(rel, data, "all", "Y", names=ac.EVIDENCE_COUNTS)
    q = counts.shown("le_vs_referrals")
    y = c.publish_evidence(ac.evidence(ac.up_to(data, "all")), years)["le_vs_referrals"]
    assert q["2024Q2"] == "hidden"
    # the reader's attack: a year shown with one hidden quarter gives it back
    for year in ("2023", "2024"):
        inside = q[q.index.str.startswith(year)]
        assert isinstance(y[year], str) or sum(isinstance(v, str) for v in inside) != 1, year
    # and no combination of what is shown pins it: the largest value 2024Q2 can take is at least 11
    fixed = {f"q{p}": v for p, v in q.items() if not isinstance(v, str)}
    hidden = [f"q{p}" for p, v in q.items() if isinstance(v, str)]
    sums = [([f"q{p}" for p in q.index if p.startswith(year)], v) for year, v in y.items() if not isinstance(v, str)]
    total = counts.total("le_vs_referrals")
    sums += [([f"q{p}" for p in q.index], total)] if total is not None else []
    assert years.total("le_vs_referrals") == total  # one count, one status, in the sentence and the series
    assert _largest(fixed, hidden, sums, "q2024Q2") >= K
    text = c.evidence_markdown(ac.evidence(ac.up_to(data, "all")), years)
    assert f"{years.text(total)} of them between law enforcement and victim services" in text
    assert find_leaks(rel.ledger.universe_cells("referrals"), rel.units("referrals"), K) == []


def test_a_year_the_period_ends_inside_is_named_with_its_last_day(tmp_path: Path) -> None:
    """A second task force read "2025" in the grant evidence of a 2025Q3 run as the calendar year: it was January to September."""
    quarters = [25, 25, 25, 25, 40, 12, 30, 23]  # 2023Q1..2024Q4
    data = _task_force(tmp_path / "d", referrals=_per_quarter("2023Q1", quarters, lambda d: ("m1", "m2", d, "completed", d)))
    rel = Release(data, K)
    years = c.release_counts(rel, data, "2024Q3", "Y", names=ac.EVIDENCE_COUNTS)
    table = c.publish_evidence(ac.evidence(ac.up_to(data, "2024Q3")), years)
    assert table.index.tolist() == ["2023", "2024 (to 30 September)"]
    assert table["le_vs_referrals"].tolist() == [100, 82]  # 40 + 12 + 30: the fourth quarter is not in it
    text = c.evidence_markdown(ac.evidence(ac.up_to(data, "2024Q3")), years)
    assert text.startswith("From 2023 to 30 September 2024 the members made ")
    assert "on 30 September 2024, with" in text and "end of 2024" not in text
    whole = c.evidence_markdown(ac.evidence(ac.up_to(data, "all")), c.release_counts(Release(data, K), data, "all", "Y", names=ac.EVIDENCE_COUNTS))
    assert whole.startswith("From 2023 to 2024 the members made ") and "at the end of 2024, with" in whole


def _series_counts(values: dict[str, list[int]], first: str = "2023Q1") -> tuple[pd.DataFrame, c.ReleasedCounts]:
    """Indicators and released counts of made-up series (each count in a universe of its own)."""
    n = len(next(iter(values.values())))
    idx = pd.period_range(first, periods=n, freq="Q", name="period")
    spans = _spans(idx, None)
    units = {name: pd.DataFrame({"day": pd.to_datetime([str(p.start_time.date()) for p, k in zip(idx, v) for _ in range(k)])})
             for name, v in values.items()}
    rel = Release(None, K, units=units)
    series = {name: rel.table(name, rows=ByPeriod("day", spans), name=name) for name in values}
    counts = c.ReleasedCounts(rel, idx, spans, series, frozenset(), K)
    return pd.DataFrame(values, index=idx, dtype="float64"), counts


def test_the_fitted_line_is_fitted_to_shown_values_and_gives_no_hidden_one_back() -> None:
    """Issue 10: "the fitted line is a public linear map of the true counts and gives hidden points back"."""
    base = [30, 32, 31, 35, 34, 5, 52, 55, 51, 58, 60, 61]  # 2024Q2 hidden (and one more)
    other = base.copy()
    other[5] = 9
    lines, fits = [], []
    for values in (base, other):
        t, counts = _series_counts({"le_vs_referrals": values})
        assert counts.shown("le_vs_referrals")["2024Q2"] == "hidden"
        lines.append(c.trend_lines(t, counts, "2024-07-01", ["le_vs_referrals"]))
        fits.append(trends.segmented_fit(t["le_vs_referrals"], "2024-07-01"))
    # the old attack: a line fitted to every true count is H y; one hidden y comes back from it
    fit = fits[0]
    x, _ = _design(_time_axis(fit.index), fit["post"].to_numpy())
    hat = x @ np.linalg.pinv(x)
    y = np.array(base, dtype=float)
    h = 5
    recovered = (fit["fitted"].iloc[0] - hat[0, np.arange(12) != h] @ y[np.arange(12) != h]) / hat[0, h]
    assert recovered == pytest.approx(5)
    # now no line is drawn where a value is hidden: a line on the shown ones would lean on which are small (a
    # statistician: the multi-agency cases' line, two early quarters hidden, projected 44 cases against 29)
    assert lines[0]["hidden"].sum() == 2 and lines[0].loc[lines[0]["hidden"], "observed"].isna().all()
    assert lines[0][["fitted", "counterfactual"]].isna().all(axis=None) and lines[1][["fitted", "counterfactual"]].isna().all(axis=None)
    # with every value shown the line is the shown values' own fit
    every, counts = _series_counts({"le_vs_referrals": [30, 32, 31, 35, 34, 33, 52, 55, 51, 58, 60, 61]})
    drawn = c.trend_lines(every, counts, "2024-07-01", ["le_vs_referrals"])
    assert not drawn["hidden"].any()
    np.testing.assert_allclose(drawn["fitted"], trends.segmented_fit(every["le_vs_referrals"], "2024-07-01")["fitted"])


def test_values_on_two_exact_lines_are_no_evidence_of_a_change() -> None:
    """A statistician: an exact fit printed a zero-width interval, p < 0.001 and "a change the data support"."""
    t, counts = _series_counts({"le_vs_referrals": [30] * 6 + [20] * 6})
    fx = c.change_effects(t, counts, "2024-07-01", ["le_vs_referrals"]).set_index("term")
    level = fx.loc["level_change"]
    assert level["estimate"] == pytest.approx(-10.0) and np.isnan(level["ci_low"]) and np.isnan(level["p_value"])
    assert level["verdict"] == "inconclusive"
    text = c.change_markdown(fx.reset_index(), "2024-07-01")
    assert "averaged 30.0 per quarter before and 20.0 after" in text and "none could be tested" in text
    assert "no variation to judge a change against: no interval or test. Verdict: inconclusive." in text
    assert "p <" not in text and "support" not in text


def test_changes_trends_and_before_after_estimates_read_shown_values_only() -> None:
    """A change since the previous quarter, a trend test or a mean before/after must not rest on a hidden count."""
    runs = []
    for hidden_value in (3, 8):
        values = [30, 32, 31, 35, 34, 36, 52, 55, 51, 58, hidden_value, 61]  # 2025Q3 hidden
        t, counts = _series_counts({"le_vs_referrals": values})
        card = c.scorecard(t, counts)
        fx = c.change_effects(t, counts, "2024-07-01", ["le_vs_referrals"]).set_index("term")
        runs.append((card.loc["le_vs_referrals"], fx))
    (card, fx), (card2, fx2) = runs
    assert card["latest"] == 61 and np.isnan(card["vs_previous"])  # the previous quarter is hidden
    assert card["vs_year_before"] == 61 - 55  # 2024Q4
    # with a quarter hidden (the small ones are), no trend is read: the same whatever the hidden value
    assert card["trend"] == card2["trend"] == "inconclusive" and np.isnan(card["trend_p"]) and np.isnan(card2["trend_p"])
    pd.testing.assert_frame_equal(fx, fx2)
    # hidden: 2025Q3 and its complement 2023Q1 (the smallest other quarter)
    level = fx.loc["level_change"]
    assert level["hidden_periods"] == 2 and (level["n_pre"], level["n_post"]) == (5, 5)
    assert level["mean_before"] == pytest.approx((32 + 31 + 35 + 34 + 36) / 5)
    assert "2 quarters whose value is hidden (disclosure control) are left out" in c.change_markdown(fx.reset_index(), "2024-07-01")
    # no change date set (the notebook's default): said so, never "Change date NaT"
    assert c.change_markdown(fx.reset_index(), "") == "No change date was set for this run (`change_date`): there is no before/after estimate."


def test_a_long_series_with_too_few_values_shown_is_called_hidden_not_too_short() -> None:
    """A second task force read "too short to test (fewer than 5 periods)" of an 11-quarter series whose values were hidden."""
    t, counts = _series_counts({"le_vs_referrals": [30, 3, 32, 4, 31, 5, 2]})  # 7 quarters, 4 small ones hidden
    card = c.scorecard(t, counts)
    assert sum(isinstance(v, str) for v in counts.shown("le_vs_referrals").drop("Total", errors="ignore")) >= 4
    assert card.loc["le_vs_referrals", "trend"] == "inconclusive"
    text = c.scorecard_markdown(card)
    assert "too short" not in text and "1 series has values hidden (disclosure control)" in text
    # a value hidden beside a small one is no small one: a statistician read 43 to 45 victims a quarter called small
    assert "the hidden values are the small ones" not in text
    assert "a value is hidden where it is small, or beside a small one so that it cannot be worked out" in text
    short, counts = _series_counts({"le_vs_referrals": [30, 32, 31]})  # 3 quarters, all shown: too short
    assert c.scorecard(short, counts).loc["le_vs_referrals", "trend"] == "too short"


def test_a_rate_printed_beside_its_base_is_hidden_with_its_numerator(tmp_path: Path) -> None:
    """Issue 10: "rates give counts back" (98.0 % of 245 referrals -> 5). In report 03: closed loops, acceptance, capacity."""
    rows = (_per_quarter("2024Q1", [36], lambda d: ("m1", "m2", d, "completed", d))
            + _per_quarter("2024Q1", [4], lambda d: ("m1", "m2", d, "no_response", ""))
            + _per_quarter("2024Q2", [40], lambda d: ("m2", "m3", d, "completed", d))
            + _per_quarter("2024Q3", [30], lambda d: ("m2", "m3", d, "accepted", d))
            + _per_quarter("2024Q3", [5], lambda d: ("m2", "m3", d, "declined_capacity", d)))
    data = _task_force(tmp_path / "d", referrals=rows)
    # read on 2024-09-30, when 2024Q3's referrals have had the answer window (0 days: every answer came the same day)
    counts = c.release_counts(Release(data, K), data, as_of="2024-09-30")
    shown = c.publish(ac.indicators(data, as_of="2024-09-30"), counts)
    assert counts.shown("referrals_made").tolist() == [40, 40, 35]
    # 2024Q1: 36 of 40 closed loops would give the 4 unanswered back; 2024Q2: 40 of 40 gives 0 (shown)
    assert np.isnan(shown.loc["2024Q1", "closed_loop_share"]) and shown.loc["2024Q2", "closed_loop_share"] == 1.0
    # 2024Q3: 5 of 35 declined for lack of capacity; acceptance 30 of 35 gives the same 5
    assert np.isnan(shown.loc["2024Q3", "declined_capacity_share"]) and np.isnan(shown.loc["2024Q3", "referral_acceptance_rate"])
    for share, numerator in c.NUMERATORS.items():
        base = ac.BY_NAME[share].base
        for period, value in shown[share].dropna().items():
            rest = counts.numbers(base)[period] - counts.numbers(numerator)[period]
            assert rest == 0 or rest >= K, (share, period)  # what the share leaves out is never small


def test_a_half_year_headline_does_not_give_the_latest_quarter_back(tmp_path: Path) -> None:
    """Issue 10: "headline totals for a half-year minus the scorecard's latest quarter"."""
    # 2024Q1-2025Q2: the latest quarter (4) hidden with 2024Q1 (12, the smallest other) beside it, so that
    # 2025Q1 (20) is shown: a half-year headline of 24 would give the 4 back
    events = _per_quarter("2024Q1", [12, 15, 14, 30, 20, 4], lambda d: ("k", "arrest", d, "m1", "10001"))
    events = [(f"k{i}", kind, d, m, f) for i, (_, kind, d, m, f) in enumerate(events)]
    data = _task_force(tmp_path / "d", events=events)
    rel = Release(data, K)
    counts = c.release_counts(rel, data, "2025H1")
    table = ac.indicators(data, through="2025H1")
    card = c.scorecard(table, counts)
    headline = c.headline_metrics(table, counts, "2025H1")["arrests"]
    assert card.loc["arrests", "hidden"]  # 2025Q2: 4
    assert counts.shown("arrests")["2025Q1"] == 20
    assert headline["hidden"] and headline["value"] is None  # not 24
    assert headline["label"] == "Arrests (2025H1)"
    assert find_leaks(rel.ledger.universe_cells("cj_events"), rel.units("cj_events"), K) == []


def test_a_hidden_tie_is_not_the_cross_sector_count_minus_the_other_ties(tmp_path: Path) -> None:
    """Tie counts in the network's hover add up to the cross-sector and LE <-> VS counts of the same quarter.

    2024Q1: police -> shelter 30 (LE <-> VS), shelter -> clinic 20 and police -> clinic 3 (the other
    cross-sector ties), shelter -> youth shelter 12 (within victim services). Cross-sector 53, LE <-> VS
    30: the two other cross-sector ties add up to 23, so hiding the 3 alone would give it back.
    """
    rows = []
    for a, b, n in (("m1", "m2", 30), ("m2", "m3", 20), ("m1", "m3", 3), ("m2", "m5", 12)):
        rows += _per_quarter("2024Q1", [n], lambda d, a=a, b=b: (a, b, d, "completed", d))
    data = _task_force(tmp_path / "d", referrals=rows)
    rel = Release(data, K)
    counts = c.release_counts(rel, data, network_periods=pd.PeriodIndex(["2024Q1"], freq="Q"))
    assert [counts.shown(n)["2024Q1"] for n in ("referrals_made", "cross_sector_referrals", "le_vs_referrals")] == [65, 53, 30]
    _, ties = c.network_picture(data, counts.periods, counts)
    shown = ties.set_index(["member_a", "member_b"])["referrals"]
    assert shown[("m1", "m3")] == "hidden"
    assert shown[("m2", "m3")] == "hidden"  # the other tie of its kind, not the smaller same-sector one
    assert shown[("m1", "m2")] == 30
    assert find_leaks(rel.ledger.universe_cells("referrals"), rel.units("referrals"), K) == []


def test_a_count_keeps_its_status_in_the_next_run(tmp_path: Path) -> None:
    """Runs of nested periods read each other's ledgers: a quarter hidden in 2025Q3's run is hidden in 2025Q4's."""
    quarters = [25, 25, 9, 30, 28, 31, 27, 33]
    data = _task_force(tmp_path / "d", referrals=_per_quarter("2024Q1", quarters, lambda d: ("m1", "m2", d, "completed", d)))
    ledgers = tmp_path / "ledgers"
    shown = {}
    for run in ("2025Q3", "2025Q4"):
        rel = Release(data, K, ledger_dir=ledgers / run, run=run)
        counts = c.release_counts(rel, data, run, names=["le_vs_referrals"])
        shown[run] = counts.shown("le_vs_referrals")
        rel.ledger.mark_complete()
    assert shown["2025Q3"]["2024Q3"] == "hidden"
    pd.testing.assert_series_equal(shown["2025Q4"].iloc[:-1], shown["2025Q3"])
    assert find_leaks(rel.ledger.universe_cells("referrals"), rel.units("referrals"), K) == []


def test_runs_of_nested_periods_do_not_give_the_last_quarter(tmp_path: Path) -> None:
    """Issue 10: "runs of nested periods (2025 - 2025H1 - 2025Q3)", each run's series total beside the others'."""
    data = _task_force(tmp_path / "d", referrals=_per_quarter("2025Q1", [30, 25, 40, 6], lambda d: ("m1", "m2", d, "completed", d)))
    ledgers = tmp_path / "ledgers"
    totals = {}
    for run in ("2025", "2025H1", "2025Q3"):
        rel = Release(data, K, ledger_dir=ledgers / run, run=run)
        counts = c.release_counts(rel, data, run, names=["le_vs_referrals"])
        totals[run] = counts.total("le_vs_referrals")
        if run == "2025":
            assert counts.shown("le_vs_referrals")["2025Q4"] == "hidden"
        rel.ledger.mark_complete()
    # the whole year less the three quarters to 2025Q3 would be 2025Q4: not both shown
    assert totals["2025"] is None or totals["2025Q3"] is None
    assert find_leaks(rel.ledger.universe_cells("referrals"), rel.units("referrals"), K) == []


# --------------------------------------------------------------------------- the demo, read back


@pytest.mark.slow
def test_no_hidden_count_of_the_demo_report_prints_its_value(demo_runs, demo_dir: Path) -> None:
    """The 2025Q4 demo report: each hidden count's table cell reads hidden, in the scorecard and the evidence."""
    result, _ = demo_runs
    page = (result.folder / "03_collaboration.html").read_text(encoding="utf-8")
    data = tf.load_dataset(demo_dir)

    def rows_of(caption: str) -> dict[str, list[str]]:
        body = page[page.index(f"<caption>{caption}</caption>"):]
        body = body[: body.index("</table>")]
        cells = [[unescape(x) for x in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)] for row in re.findall(r"<tr>(.*?)</tr>", body)]
        return {row[0]: row[1:] for row in cells[1:]}

    def check(printed: str, true: int, where: tuple) -> bool:
        """A cell prints its true count or hidden; a count of 1 to 10 always hidden. True when hidden."""
        if 1 <= true < K:
            assert printed == "hidden", where
        assert printed in ("hidden", f"{true:,}"), where
        return printed == "hidden"

    card = rows_of("Collaboration scorecard")
    hidden = 0
    for name in ("clients_identified", "referrals_made", "le_vs_referrals", "arrests", "charges_filed", "convictions", "joint_cases", "multi_agency_cases"):
        hidden += check(card[ac.BY_NAME[name].label][1], int(ac.indicators(data).loc["2025Q4", name]), ("scorecard", name))
    assert hidden >= 1  # charges filed in 2025Q4: 8
    evidence = rows_of("Documented collaboration per year")
    ev = ac.evidence(data)
    for year, row in evidence.items():
        for column, name in enumerate(ac.EVIDENCE_COUNTS):
            check(row[column], int(ev.loc[year, name]), (year, name))
    # 2024's 103 law enforcement <-> victim services referrals hold the hidden 2024Q2 (10): the year is hidden too
    assert evidence["2024"][2] == "hidden"
    assert int(ev.loc["2024", "le_vs_referrals"]) == 103


def test_first_post_label(table: pd.DataFrame) -> None:
    assert c.first_post_label(table.index, "2024-07-01") == Q3
    assert c.first_post_label(table.index, "2030-01-01") is None


# --------------------------------------------------------------------------- the demo's planted change


@pytest.fixture(scope="module")
def demo_data(demo_dir: Path) -> tf.TaskForceData:
    return tf.load_dataset(demo_dir)


def test_demo_planted_change_is_detected(demo_data: tf.TaskForceData) -> None:
    from tfanalysis.demo import PLANTED

    counts = c.release_counts(Release(demo_data), demo_data, names=["referrals_made"])  # the median's base
    fx = c.change_effects(ac.indicators(demo_data), counts, PLANTED["change_date"], ["median_response_days", "cross_sector_tie_share"])
    fx = fx.set_index(["indicator", "term"])
    days = fx.loc[("median_response_days", "level_change")]
    assert -8 < days["estimate"] < -5 and days["ci_high"] < 0 and days["p_value"] < 0.01
    ties = fx.loc[("cross_sector_tie_share", "level_change")]
    assert ties["estimate"] > 0.1 and ties["ci_low"] > 0
    assert days["verdict"] == ties["verdict"] == "change" and days["tested_together"] == 2
    assert days["first_post"] == "2024Q3"


# --------------------------------------------------------------------------- the report


@pytest.mark.slow
def test_report_on_the_demo_shows_the_planted_change_and_no_client_data(demo_runs, demo_dir: Path) -> None:
    result, _ = demo_runs  # the 2025Q4 run of the whole suite, change date 2024-07-01
    metrics = {m["name"]: m for m in result.metrics if m["notebook"] == "03_collaboration"}
    assert {"median_response_days", "cross_sector_tie_share", "referral_acceptance_rate", "joint_trainings", "convictions", "arrests", "charges_filed"} <= set(metrics)
    # 2025Q4 ends on the data's last day: its referrals have not all had the answer window (21 days), no value yet
    assert metrics["median_response_days"]["value"] is None and metrics["median_response_days"]["higher_is_better"] is False
    assert metrics["arrests"]["count"] is True and metrics["arrests"]["value"] == 13  # 2025Q4
    # trainings are the task force's activities, not victims: 2 in 2025Q4 is shown, not "hidden"
    assert metrics["joint_trainings"]["count"] is False and metrics["joint_trainings"]["display"] == "2"
    page = (result.folder / "03_collaboration.html").read_text(encoding="utf-8")
    # quarters 2023Q1-2024Q2: 11 12 11 10 10 10 -> 10.7; 2024Q3-2025Q3: 3 3 4 3 3 -> 3.2 (no quarter hidden;
    # 2025Q4's referrals have not all had the answer window by the data end, so it is not read)
    assert "Median days to respond to a referral</strong>: averaged 10.7 days per quarter before and 3.2 days after" in page
    assert "<strong>-6.3 days</strong> (95% CI -7.8 to -4.7 days; p &lt; 0.001)" in page
    assert "Verdict: a change the data support (level and trend together: p &lt; 0.001, &lt; 0.001 corrected for 6 indicators)" in page
    assert "Cross-sector tie share</strong>" in page
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in page  # no warning or error printed in the report
    # no client or referral identifiers anywhere in the page (figures included)
    demo = tf.load_dataset(demo_dir)
    assert not any(cid in page for cid in demo.clients["client_id"].head(50))
    assert "R00001" not in page


@pytest.mark.slow
def test_report_runs_on_a_tiny_task_force_without_optional_tables(tmp_path: Path) -> None:
    from tfanalysis.running import pipeline

    folder = write_tiny_dataset(tmp_path / "d", **{k.replace(".", "__"): v for k, v in COLLAB_TABLES.items()})
    for name in ("cj_events.csv", "activities.csv", "attendance.csv", "survey.csv"):
        (folder / name).unlink()
    result = pipeline.run_suite(folder, tmp_path / "reports", only=["03"], run_id="tiny", history=tmp_path / "history.csv", suppression_threshold=3,
                                notebook_params={"03": {"change_date": "2024-07-01"}})
    page = (result.folder / "03_collaboration.html").read_text(encoding="utf-8")
    assert "too short to conclude" in page  # 2 quarters before 2024-07-01, 1 after
    assert "No partner survey in the data." in page
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in page
    metrics = {m["name"]: m for m in result.metrics}
    assert metrics["arrests"]["value"] is None  # no criminal-justice table: unknown, not zero


def test_referral_counts_are_floored_by_their_distinct_ties_per_sector_link(tiny_dir: Path) -> None:
    """The network's tallies of ties are floors of the referrals of each sector link, recorded when shown.

    By hand (tiny data, all in 2024Q1): m1 -> m2 twice (law enforcement -> victim services:
    one LE–VS tie over 2 referrals) and m2 -> m3 once (victim services -> legal: one other
    cross-sector tie over 1 referral). Nothing is pinned by them: both shown, both recorded.
    """
    from tfanalysis.publication import Release
    from tfanalysis.reports.collaboration.counts import release_counts

    data = tf.load_dataset(tiny_dir)
    rel = Release(data, 2)
    counts = release_counts(rel, data, "all", names=["referrals_made", "le_vs_referrals"])
    assert counts.tallies_withheld == frozenset()
    floors = {key.split("in", 1)[1]: (f, t) for key, f, t in rel.ledger.floors[["key", "floor", "true"]].itertuples(index=False)}
    assert sorted(floors.values()) == [(1, 1), (1, 2)]
    assert floors[next(k for k in floors if "le_vs" in k)] == (1, 2)
    assert counts.shown("referrals_made").tolist() == [3, 0]


REFERRALS_ONE_TIE_THEN_SIX = """referral_id,client_id,from_member,to_member,service,referred_on,responded_on,outcome
r1,c1,m1,m2,housing_emergency,2024-01-10,2024-01-11,accepted
r2,c2,m1,m2,housing_emergency,2024-02-03,2024-02-05,declined_eligibility
r3,c4,m1,m2,case_management,2024-05-10,,
r4,c4,m2,m1,case_management,2024-05-12,,
r5,c4,m1,m3,legal_representation,2024-05-14,,
r6,c4,m3,m1,case_management,2024-05-16,,
r7,c4,m2,m3,legal_representation,2024-05-18,,
r8,c4,m3,m2,housing_emergency,2024-05-20,,
"""


def test_a_tie_tally_of_a_small_group_or_that_would_pin_a_hidden_count_is_not_shown(tmp_path: Path) -> None:
    """The tallies of ties go through the layer: where their floor tells what a few victims have, or pins a count, they are not shown.

    Worked by hand (threshold 7): 2024Q1 has two referrals (c1, c2) on one tie (m1 -> m2), 2024Q2
    six on six ties (every ordered pair of m1, m2, m3), all c4's. The year's 8 referrals were shown
    before. Q2's tally (6 ties: Q2 at least 6) would leave Q1 at 8 - 6 = 2 or fewer: refused
    (before tallies went through the layer, the six ties were printed beside the hidden 2 and 6).
    Q1's (1 tie, law enforcement to victim services: Q1's LE–VS referrals at least 1) would tell
    what the quarter's two referred victims have, their sector link: a group of 2 people, fewer
    than 7 (publication.small_groups), refused too. (Before 2026-12-07 it was shown, and the
    picture drew Q1's one tie.) So neither quarter's ties, density, shares and new and lost ties
    are shown (new - lost is the change in ties), and the picture draws no tie.
    """
    from tfanalysis.publication import Interval
    from tfanalysis.reports.collaboration.network import NOT_DRAWN

    data = tf.load_dataset(write_tiny_dataset(tmp_path / "data", referrals__csv=REFERRALS_ONE_TIE_THEN_SIX))
    rel = Release(data, 7)
    assert rel.count("referrals", where={"referred_on": Interval("2024-01-01", "2024-12-31")}, name="referrals in 2024").value() == 8
    counts = c.release_counts(rel, data, "2024", "Q", network_periods=pd.PeriodIndex(["2024Q1", "2024Q2"], freq="Q"))
    assert counts.tallies_withheld == frozenset({"2024Q1", "2024Q2"}) and counts.ties_drawn == frozenset()
    assert counts.shown("referrals_made").loc[["2024Q1", "2024Q2"]].tolist() == ["hidden", "hidden"]
    assert rel.ledger.floors.empty  # no floor recorded: nothing of either quarter's ties is told

    history = ac.up_to(data, "2024")
    table = ac.indicators(history, "Q")
    assert table.loc[pd.Period("2024Q2", "Q"), "ties"] == 6  # what the data hold
    shown = c.publish(table, counts)
    for quarter in ("2024Q1", "2024Q2"):
        for name in ("ties", "network_density", "reciprocity", "cross_sector_tie_share", "le_vs_tie_share", "ties_new", "ties_lost"):
            assert np.isnan(shown.loc[quarter, name]), (quarter, name)
    assert shown.loc["2024Q2", "active_members"] == 3  # members are not a floor of referrals
    card = c.scorecard(table, counts, families=["network"])
    assert card.loc["ties", ["period", "note"]].tolist() == ["2024Q2", "not shown: it would bound hidden referral counts"]

    nodes, ties = c.network_picture(history, pd.PeriodIndex(["2024Q1", "2024Q2"], freq="Q"), counts)
    assert ties.empty
    assert set(nodes["period"]) == {"2024Q1" + NOT_DRAWN, "2024Q2" + NOT_DRAWN}
    assert nodes["ties"].isna().all()
    # the members are placed as if there were no tie: a layout of the refused ties would place them by
    # who referred to whom (an outsider, 2026-12-07, read the members with no referral off the picture)
    from tfanalysis.analyses.collaboration.network_layout import picture_tables

    quarters = pd.PeriodIndex(["2024Q1", "2024Q2"], freq="Q")
    alone, _ = picture_tables(history.referrals.iloc[:0], history.members, quarters)
    by_ties, _ = picture_tables(history.referrals, history.members, quarters)
    assert np.allclose(nodes[["x", "y"]].to_numpy(float), alone[["x", "y"]].to_numpy(float))
    assert not np.allclose(by_ties[["x", "y"]].to_numpy(float), alone[["x", "y"]].to_numpy(float))

def test_drawn_ties_are_asked_of_the_layer_before_the_counts(tmp_path: Path) -> None:
    """The outsider's attack on the network picture, rebuilt: drawn ties beside a bounded quarter.

    Only law enforcement ↔ victim services referrals, per quarter of 2024: Q1 3 (m1 -> m2
    twice, m1 -> m5 once: two ties drawn), Q2 12 (on four directed ties: its tally says
    at least 4), Q3 30 (m1 -> m2), Q4 40. Q1 is hidden and Q2 with it: Q1 + Q2 = 15, so
    Q1 is at most 15 - 4 = 11. The picture of Q1 draws m1–m2 and m1–m5 and nothing else
    between law enforcement and victim services: m1–m2 is Q1 less m1–m5 (at least 1), at
    most 10 — pinned, had the series been released before the picture was asked for.
    Asked first, the series hid Q3 too: Q1 + Q2 + Q3 = 45, m1–m2 at most 45 - 4 - 1 - 1.
    """
    rows = []
    for quarter, pairs in (("2024Q1", [("m1", "m2")] * 2 + [("m1", "m5")]),
                           ("2024Q2", [("m1", "m2"), ("m2", "m1"), ("m1", "m5")] * 3 + [("m5", "m1")] * 3),
                           ("2024Q3", [("m1", "m2")] * 30), ("2024Q4", [("m1", "m2")] * 40)):
        day = (pd.Period(quarter, "Q").start_time + pd.Timedelta(days=9)).strftime("%Y-%m-%d")
        rows += [(a, b, day, "completed", day) for a, b in pairs]
    data = _task_force(tmp_path / "d", referrals=rows)
    rel = Release(data, K)
    counts = c.release_counts(rel, data, "2024", "Q", network_periods=pd.PeriodIndex(["2024Q1"], freq="Q"))
    # since 2026-12-07 the picture is refused before any bound is read: Q1's LE–VS referrals are three
    # victims' (one client per referral), a small group, and its ties would tell between which members
    # they went (publication.small_groups). Its tally of ties is shown: every referral here is LE–VS, so
    # the tally's floor is on the quarter's referrals, no group's attribute
    assert counts.ties_drawn == frozenset() and counts.tallies_withheld == frozenset()
    assert counts.shown("le_vs_referrals").tolist()[-1] == 40
    assert counts.total("le_vs_referrals") == 85
    _, ties = c.network_picture(data, pd.PeriodIndex(["2024Q1"], freq="Q"), counts)
    assert ties.empty
    assert find_leaks(rel.ledger.universe_cells("referrals"), rel.units("referrals"), K) == []


def test_a_rate_resting_on_a_hidden_count_is_withheld_one_not_yet_measurable_is_not(tiny_data):
    """What the trend figure's hover says of a value it does not draw.

    Tiny task force, threshold 2. 2024Q1: 3 referrals closed, 1 accepted (hidden): the
    acceptance rate rests on a hidden count, withheld. 2024Q2: no need is due at 30 days
    (the data end within 30 days of its needs), so the share met within 30 days has nothing
    to work from: not withheld. An outsider found both read alike.
    """
    from tfanalysis.analyses.collaboration.catalogue import indicators
    from tfanalysis.reports.collaboration.counts import release_counts
    from tfanalysis.reports.collaboration.published import withheld

    counts = release_counts(Release(tiny_data, 2), tiny_data, names=["referrals_closed", "referrals_accepted", "needs_due_30", "needs_met_30"])
    accepted = counts.shown("referrals_accepted").tolist()  # 2024Q2's referrals have not had the answer window: not released
    assert accepted[0] == "hidden" and pd.isna(accepted[1])
    assert counts.shown("needs_due_30").isna().tolist() == [False, True]
    table = indicators(tiny_data)[["referral_acceptance_rate", "needs_met_30d_share"]]
    assert withheld(table, counts).values.tolist() == [[True, False], [False, False]]
