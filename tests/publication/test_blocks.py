"""Blocks (blocks.py): sums of smaller counts left out, blocks known by their content, kept when clean."""

import os
import stat

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse

from tfanalysis.publication import bounds
from tfanalysis.publication.blocks import CLEAN_BLOCKS, CleanBlocks, block_digests, sums_of_smaller
from tfanalysis.publication.cells import Interval, matches, predicate
from tfanalysis.publication.program import ReaderProgram
from tfanalysis.publication.release import Release
from tfanalysis.running.audit import audit_ledger

QUARTERS = {"q1": ("2025-01-01", "2025-03-31"), "q2": ("2025-04-01", "2025-06-30"), "q3": ("2025-07-01", "2025-09-30")}
NEEDS = {  # needs a and b per quarter
    "q1": {"a": 8, "b": 25},
    "q2": {"a": 5, "b": 20},
    "q3": {"a": 3, "b": 40},
}


def _units() -> pd.DataFrame:
    days = {"q1": "2025-02-01", "q2": "2025-05-01", "q3": "2025-08-01"}
    rows = [(days[q], need) for q, counts in NEEDS.items() for need, n in counts.items() for _ in range(n)]
    return pd.DataFrame(rows, columns=["day", "need"]).assign(day=lambda f: pd.to_datetime(f["day"]))


def _quarters(names: list[str], *, shown_b: tuple[str, ...] = ()) -> pd.DataFrame:
    """Each quarter's needs a and b (hidden unless named in ``shown_b``), its total, and the total of them all."""
    rows = {}
    for q in names:
        start, end = QUARTERS[q]
        for need, n in NEEDS[q].items():
            rows[f"{q}{need}"] = (predicate(day=Interval(start, end), need=need), n, not (need == "b" and q in shown_b))
        rows[q] = (predicate(day=Interval(start, end)), sum(NEEDS[q].values()), False)
    rows["all"] = (predicate(day=Interval(QUARTERS[names[0]][0], QUARTERS[names[-1]][1])), sum(rows[q][1] for q in names), False)
    return pd.DataFrame(list(rows.values()), index=list(rows), columns=["pred", "true", "hidden"])


def _solved_targets(monkeypatch) -> list[int]:
    """How many targets each program is given to solve (the real program runs)."""
    sizes: list[int] = []
    open_targets = bounds.ReaderProgram.open_targets
    monkeypatch.setattr(bounds.ReaderProgram, "open_targets",
                        lambda self, rows, k, **kw: sizes.append(len(rows)) or open_targets(self, rows, k, **kw))
    return sizes


def test_a_total_that_is_the_sum_of_smaller_counts_is_left_out() -> None:
    # unknowns: four months (two per quarter); rows: the months, the quarters, the half
    months = np.eye(4)
    quarters = np.array([[1, 1, 0, 0], [0, 0, 1, 1]])
    half = np.ones((1, 4))
    rows = sparse.csr_matrix(np.vstack([months, quarters, half]))
    # each quarter is its two months, the half its two quarters (the largest rows inside it)
    assert sums_of_smaller(rows).tolist() == [False] * 4 + [True, True, True]
    # the half beside its first quarter and the second quarter's months: still tiled
    assert sums_of_smaller(sparse.csr_matrix(np.vstack([quarters[:1], months[2:], half]))).tolist() == [False, False, False, True]
    # a month missing: the half is not the sum of what lies inside it
    assert sums_of_smaller(sparse.csr_matrix(np.vstack([quarters[:1], months[2:3], half]))).tolist() == [False, False, False]
    # the same count twice (two tables' counts of the same unknowns): neither is strictly inside the other
    assert sums_of_smaller(sparse.csr_matrix(np.vstack([quarters, quarters[:1]]))).tolist() == [False, False, False]


def test_a_total_cut_two_ways_is_the_sum_of_one_tables_counts() -> None:
    # a half of four unknowns (quarter x service): by quarter (family 0) and by service (family 1)
    by_quarter = np.array([[1, 1, 0, 0], [0, 0, 1, 1]])
    by_service = np.array([[1, 0, 1, 0], [0, 1, 0, 1]])
    rows = sparse.csr_matrix(np.vstack([by_quarter, by_service, np.ones((1, 4))]))
    # the largest rows inside the half overlap (a quarter and a service share an unknown) ...
    assert sums_of_smaller(rows).tolist() == [False] * 5
    # ... but one table's counts tile it
    assert sums_of_smaller(rows, np.array([0, 0, 1, 1, 2])).tolist() == [False] * 4 + [True]


def _digests(values: list[float], lower: list[float], truth: list[int], k: int = 11) -> list:
    # two quarters of two unknowns each (shown: 20, 32 and their half 52); every unknown hidden; targets the first and last
    eq = sparse.csr_matrix([[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1]])
    return block_digests(eq, np.array(values, float), ["q1", "q2", "half"], np.ones(3, bool), np.array([0, 0, 1]),
                         sparse.csr_matrix(np.eye(4)), np.array(lower, float), np.full(4, np.inf), ["x0", "x1", "x2", "x3"],
                         np.array([0, 3]), np.array([truth[0], truth[3]]), np.array([], int), np.array(truth), k)


def test_a_block_is_known_by_everything_in_it_and_nothing_outside() -> None:
    first, last = _digests([20, 32, 52], [1, 1, 1, 1], [6, 14, 30, 2])
    assert first != last and None not in (first, last)
    # a change in the second quarter (its total, a range, an unknown's true count) leaves the first quarter's block as it was
    for changed in (_digests([20, 33, 53], [1, 1, 1, 1], [6, 14, 31, 2]), _digests([20, 32, 52], [1, 1, 2, 1], [6, 14, 30, 2])):
        assert changed[0] == first and changed[1] != last
    # ... and a change in the first quarter, or of the threshold, is a new block
    assert _digests([21, 32, 53], [1, 1, 1, 1], [7, 14, 30, 2])[0] != first
    assert _digests([20, 32, 52], [1, 2, 1, 1], [6, 14, 30, 2])[0] != first
    assert _digests([20, 32, 52], [1, 1, 1, 1], [6, 14, 30, 2], k=5)[0] != first


def test_a_range_joining_two_blocks_is_left_out_where_the_rest_hold_it_already() -> None:
    # the two quarters above, and a count spanning both (x0 + x3: a margin, its range carried from another cube)
    eq, values = sparse.csr_matrix([[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1]]), np.array([20.0, 32, 52])
    ranged = sparse.csr_matrix(np.vstack([np.eye(4), [[1, 0, 0, 1]]]))

    def digests(upper: float) -> list:
        lower, uppers = np.ones(5), np.array([np.inf] * 4 + [upper])
        program = ReaderProgram(eq, values, ranged, lower, uppers)
        return block_digests(eq, values, ["q1", "q2", "half"], np.ones(3, bool), np.array([0, 0, 1]), ranged, lower, uppers,
                             ["x0", "x1", "x2", "x3", "margin"], np.array([0, 3]), np.array([6, 2]), np.array([], int),
                             np.array([6, 14, 30, 2]), 11, implied=program.implied)

    # at most 19 + 31 = 50 without it: a range up to 100 says nothing, and the quarters stay apart
    first, last = digests(100.0)
    assert first != last
    # up to 10 it does (x0 = 9 leaves x3 at most 1): one block
    first, last = digests(10.0)
    assert first == last


def test_a_tie_between_unknowns_is_named_by_the_counts_of_the_finer_unknown() -> None:
    # a quarter's two unknowns (20 shown), the first tied to a month's unknown (the third) that a monthly count sums
    def digests(month: str, tied: int = 0) -> list:
        eq = sparse.csr_matrix([[1, 1, 0], [1 - tied, tied, -1]])
        return block_digests(eq, np.array([20.0, 0.0]), ["q1", None], np.array([True, False]), np.array([0, -1]),
                             sparse.csr_matrix([[1, 0, 0], [0, 0, 1]]), np.ones(2), np.full(2, np.inf), ["x0", month],
                             np.array([0]), np.array([6]), np.array([], int), np.array([6, 14, 6]), 11)

    assert digests("jan") == digests("jan") != digests("feb")
    # the tie to the other unknown is another program
    assert digests("jan", tied=1) != digests("jan")


def test_a_block_found_clean_is_not_solved_again_by_a_later_run(monkeypatch, tmp_path) -> None:
    units, store = _units(), tmp_path / CLEAN_BLOCKS
    given = _solved_targets(monkeypatch)
    # the first half: needs a and b hidden in each quarter, their quarters' totals and the half shown
    assert bounds.find_leaks(_quarters(["q1", "q2"]), units, 11, solved=bounds.SolvedCubes(clean=CleanBlocks(store))) == []
    assert given == [2]  # the two needs a (8 and 5); the half is the sum of its quarters: two blocks
    assert len(CleanBlocks(store)) == 2
    # a later run (a store read back) adds the third quarter with its needs b shown: 43 - 40 = 3
    leaks = bounds.find_leaks(_quarters(["q1", "q2", "q3"], shown_b=("q3",)), units, 11,
                              solved=bounds.SolvedCubes(clean=CleanBlocks(store)))
    assert [(leak.cell, leak.true, leak.largest) for leak in leaks] == [("q3a", 3, 3.0)]
    assert given == [2, 1]  # the first two quarters' blocks are as they were: only the third's target is solved


def test_a_block_that_changed_is_solved_again(monkeypatch, tmp_path) -> None:
    units, clean = _units(), CleanBlocks(tmp_path / CLEAN_BLOCKS)
    given = _solved_targets(monkeypatch)
    assert bounds.find_leaks(_quarters(["q1", "q2"]), units, 11, solved=bounds.SolvedCubes(clean=clean)) == []
    # the first quarter's need b shown later (25): its need a is its total less that, 33 - 25 = 8
    leaks = bounds.find_leaks(_quarters(["q1", "q2"], shown_b=("q1",)), units, 11, solved=bounds.SolvedCubes(clean=clean))
    assert [(leak.cell, leak.true, leak.largest) for leak in leaks] == [("q1a", 8, 8.0)]
    assert given == [2, 1]


def _release_halves_and_q3(release: Release) -> list:
    where = [None, {"day": Interval("2025-01-01", "2025-06-30")}, {"day": Interval(*QUARTERS["q3"])}]
    # needs a and b, and their total: in all 16, 85, 101; in the first half 13, 45, 58; in the third quarter 3, 40, 43
    return [release.table("referrals", rows="need", where=w, name=name).shown.iloc[:, 0].tolist() for w, name in zip(where, ["all", "h1", "q3"])]


def test_a_release_keeps_its_clean_blocks_privately_and_the_audit_does_not_rest_on_them(monkeypatch, tmp_path) -> None:
    units = {"referrals": _units()}
    release = Release(None, 11, ledger_dir=tmp_path / "dataset" / "run1", units=units)
    q3 = release.table("referrals", rows="need", where={"day": Interval(*QUARTERS["q3"])}, name="q3")
    assert q3.shown.iloc[:, 0].tolist() == ["hidden", "hidden", 43]
    store = tmp_path / "dataset" / "run1" / CLEAN_BLOCKS
    assert stat.S_IMODE(os.stat(store).st_mode) & 0o007 == 0  # closed to others, as the ledgers
    assert len(CleanBlocks(store)) == 1  # the quarter's block: its total, a (3, the target) and b hidden
    # a later run reads it once the run is published, not before: an attempt that failed leaves nothing
    assert len(Release(None, 11, ledger_dir=tmp_path / "dataset" / "run0", units=units)._clean) == 0
    (tmp_path / "dataset" / "run1" / "complete").write_text("published\n")
    assert len(Release(None, 11, ledger_dir=tmp_path / "dataset" / "run0", units=units)._clean) == 1
    # the first half's 13 beside the year's 16 gives the needs a after June: 3 (the third quarter's)
    honest = Release(None, 11, ledger_dir=tmp_path / "dataset" / "run2", units=units)
    assert _release_halves_and_q3(honest) == [[16, 85, 101], ["hidden", "hidden", 58], ["hidden", "hidden", 43]]
    assert audit_ledger(honest).empty
    # the release trusts its store: one calling every block clean shows the half's 13 ...
    monkeypatch.setattr(CleanBlocks, "__contains__", lambda self, digest: digest is not None)
    trusting = Release(None, 11, ledger_dir=tmp_path / "dataset" / "run3", units=units)
    assert _release_halves_and_q3(trusting)[1] == [13, 45, 58]
    # ... and the run's audit, which solves every block itself, finds what it gives away
    assert set(audit_ledger(trusting)["table"]) == {"q3"}


@st.composite
def _quarters_needs_counties(draw):
    """Units in three quarters x two needs x two counties (0-24 each), and which released counts are hidden."""
    counts = draw(st.lists(st.integers(0, 24), min_size=12, max_size=12))
    days = {"q1": "2025-02-01", "q2": "2025-05-01", "q3": "2025-08-01"}
    cells = [(q, need, county) for q in days for need in "ab" for county in "xy"]
    rows = [(days[q], need, county) for (q, need, county), n in zip(cells, counts) for _ in range(n)]
    units = pd.DataFrame(rows, columns=["day", "need", "county"]).assign(day=lambda f: pd.to_datetime(f["day"]))
    return units, draw(st.randoms(use_true_random=False))


def _released(units: pd.DataFrame, quarters: list[str], rng) -> pd.DataFrame:
    """Counts per quarter x need, per quarter x county, per quarter, per need over the quarters, and in all;
    a count of 1-10 hidden, a larger one hidden one time in four (as if to protect another)."""
    preds = []
    for q in quarters:
        day = Interval(*QUARTERS[q])
        preds += [predicate(day=day, need=n) for n in "ab"] + [predicate(day=day, county=c) for c in "xy"] + [predicate(day=day)]
    span = Interval(QUARTERS[quarters[0]][0], QUARTERS[quarters[-1]][1])
    preds += [predicate(day=span, need=n) for n in "ab"] + [predicate(day=span)]
    preds = list(dict.fromkeys(preds))  # one quarter: its total is the total in all
    true = [int(matches(units, p).sum()) for p in preds]
    hidden = [(1 <= t <= 10) or (t > 10 and rng.random() < 0.25) for t in true]
    return pd.DataFrame({"pred": preds, "true": true, "hidden": hidden}, index=[repr(p) for p in preds])


def _answer(leaks) -> list:
    return sorted((leak.kind, str(leak.cell), leak.true, leak.largest) for leak in leaks)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_quarters_needs_counties())
def test_the_blocks_found_clean_change_no_answer(case) -> None:
    """Checked in turn with the blocks the earlier checks found clean, a quarter's counts, then two, then three,
    give the same leaks as each checked alone (the oracle: every target solved)."""
    units, rng = case
    clean = CleanBlocks()
    for quarters in (["q1"], ["q1", "q2"], ["q1", "q2", "q3"]):
        cells = _released(units, quarters, rng)
        kept = bounds.find_leaks(cells, units, 11, solved=bounds.SolvedCubes(clean=clean))
        assert _answer(kept) == _answer(bounds.find_leaks(cells, units, 11))
