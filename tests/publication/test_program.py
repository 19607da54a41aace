"""The reader's linear program (program.py): ranges worked out by hand."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse

from tfanalysis.publication.program import ReaderProgram, lean_rows


def test_a_shown_total_less_a_hidden_count_bounds_the_other():
    # x0 + x1 + x2 = 15 shown; x0 hidden (at least 1); x1 + x2 = 9 shown: x0 is 6 exactly
    a_eq = sparse.csr_matrix([[1.0, 1.0, 1.0], [0.0, 1.0, 1.0]])
    lp = ReaderProgram(a_eq, [15.0, 9.0], sparse.csr_matrix([[1.0, 0.0, 0.0]]), [1.0], [np.inf])
    lo, hi, _ = lp.range_of(sparse.csr_matrix([[1.0, 0.0, 0.0]]))
    assert (lo, hi) == (6.0, 6.0)
    lo, hi, _ = lp.range_of(sparse.csr_matrix([[0.0, 1.0, 0.0]]))
    assert (abs(lo), hi) == (0.0, 9.0)


def _fifteen_and_nine() -> ReaderProgram:
    # x0 + x1 + x2 = 15 and x1 + x2 = 9 shown; x0 hidden (at least 1)
    a_eq = sparse.csr_matrix([[1.0, 1.0, 1.0], [0.0, 1.0, 1.0]])
    return ReaderProgram(a_eq, [15.0, 9.0], sparse.csr_matrix([[1.0, 0.0, 0.0]]), [1.0], [np.inf])


def test_a_point_is_feasible_only_if_it_meets_every_shown_count_and_range():
    lp = _fifteen_and_nine()
    points = np.array([
        [6.0, 4.0, 5.0],   # 15 and 9: inside
        [6.0, 9.0, 0.0],   # inside, on an edge
        [5.0, 5.0, 5.0],   # x1 + x2 = 10, not 9
        [6.0, -1.0, 10.0],  # a negative count
        [0.0, 4.0, 5.0],   # x0 below its 1 (and the total short)
    ])
    assert lp.feasible(points).tolist() == [True, True, False, False, False]


def test_a_point_from_an_earlier_program_clears_a_target_only_if_it_is_feasible_here():
    lp = _fifteen_and_nine()
    x1 = sparse.csr_matrix([[0.0, 1.0, 0.0]])
    # x1 is at most 9: below 11 whatever point is offered; a point outside the program
    # (x1 = 12, x1 + x2 = 15) must not clear it
    found = lp.open_targets([x1], 11, points=[np.array([0.0, 12.0, 3.0])])
    assert [(j, largest) for j, largest, _ in found] == [(0, 9.0)]
    # with k = 9 a feasible point at x1 = 9 clears it before any program runs
    fresh = _fifteen_and_nine()
    assert fresh.open_targets([x1], 9, points=[np.array([6.0, 9.0, 0.0])]) == []
    assert fresh.points == []


def test_a_point_of_fractions_just_at_the_threshold_does_not_clear_a_target():
    from tfanalysis.publication.program import _reaches

    target = sparse.csr_matrix([[1.0, 0.0], [0.0, 1.0]])
    points = np.array([[10.5, 0.5]])  # the first target at 10.5 in fractions: maybe 10 in whole counts
    assert _reaches(target, points, 10).tolist() == [False, False]
    points = np.array([[10.0, 1.0], [12.5, 0.5]])  # 10 in whole counts; 12.5, two above
    assert _reaches(target, points, 10).tolist() == [True, False]
    assert _reaches(target, points, 11).tolist() == [False, False]
    assert _reaches(target, points[1:], 10).tolist() == [True, False]


def test_a_whole_optimum_at_the_threshold_needs_no_integer_program(monkeypatch):
    from tfanalysis.publication import program

    solved = []
    monkeypatch.setattr(program, "whole_program", lambda *a, **kw: solved.append(1))
    # every target to a program of its own (no batch program first)
    monkeypatch.setattr(ReaderProgram, "clear_many", lambda self, target, k, **kw: np.ones(target.shape[0], dtype=bool))
    lp = _fifteen_and_nine()
    # x1 is at most 9 (x2 = 0): the optimum is whole, 9 reaches k = 9 with no integer program
    assert lp.open_targets([sparse.csr_matrix([[0.0, 1.0, 0.0]])], 9) == []
    assert solved == []


def test_a_count_reaching_the_threshold_only_in_fractions_is_open():
    # four triangles of three hidden counts, any two of a triangle adding up to at most 1:
    # in fractions each triangle holds 1.5 (six in all), in whole counts only 1 (four)
    pairs = [(3 * t + a, 3 * t + b) for t in range(4) for a, b in ((0, 1), (1, 2), (0, 2))]
    a_range = sparse.csr_matrix((np.ones(2 * len(pairs)), (np.repeat(np.arange(len(pairs)), 2), np.ravel(pairs))), shape=(len(pairs), 12))
    lp = ReaderProgram(sparse.csr_matrix((0, 12)), np.zeros(0), a_range, np.zeros(len(pairs)), np.ones(len(pairs)))
    every = sparse.csr_matrix(np.ones((1, 12)))
    assert [(j, largest) for j, largest, _ in lp.open_targets([every], 5)] == [(0, 4.0)]
    # at 4 the whole counts reach it: nothing open
    assert lp.open_targets([every], 4) == []


def test_whole_counts_near_the_optimum_in_fractions_spare_the_integer_program_on_every_count(monkeypatch):
    from tfanalysis.publication import program

    objectives = []
    whole_program, whole_point = program.whole_program, program.whole_point
    monkeypatch.setattr(program, "whole_program", lambda c, *a, **kw: objectives.append(bool(np.any(c))) or whole_program(c, *a, **kw))
    monkeypatch.setattr(program, "whole_point", lambda *a, **kw: objectives.append("near") or whole_point(*a, **kw))
    monkeypatch.setattr(ReaderProgram, "clear_many", lambda self, target, k, **kw: np.ones(target.shape[0], dtype=bool))
    # a triangle of hidden counts (any two at most 1) and a fourth at most 1: the sum is
    # 2.5 in fractions (0.5 each, and 1), 2 in whole counts (1, 0, 0, 1)
    a_range = sparse.csr_matrix([[1, 1, 0, 0], [0, 1, 1, 0], [1, 0, 1, 0], [0, 0, 0, 1]], dtype=float)
    lp = ReaderProgram(sparse.csr_matrix((0, 4)), np.zeros(0), a_range, np.zeros(4), np.ones(4))
    every = sparse.csr_matrix(np.ones((1, 4)))
    assert lp.open_targets([every], 2) == []
    assert objectives == ["near"]  # one search for whole counts near the optimum (vertices did), no integer program
    assert [(j, largest) for j, largest, _ in lp.open_targets([every], 3)] == [(0, 2.0)]


def _whole_largest(a_eq, b_eq, a_range, lower, upper, target) -> float:
    """The largest value of ``target`` over every whole point that fits (brute force)."""
    n = a_range.shape[1]
    caps = [int(min([u for row, u in zip(a_range, upper) if row[i]] + [b for row, b in zip(a_eq, b_eq) if row[i]])) for i in range(n)]
    grid = np.stack(np.meshgrid(*[np.arange(c + 1) for c in caps], indexing="ij"), axis=-1).reshape(-1, n).astype(float)
    inside = (grid @ a_eq.T == b_eq).all(axis=1)
    values = grid @ a_range.T
    inside &= ((values >= lower) & (values <= upper)).all(axis=1)
    return float((grid[inside] @ target).max())


@st.composite
def _reader_programs(draw):
    """Shown counts and ranges of hidden counts over a few small whole counts, and targets.

    Up to two triangles of three counts whose pairs are at most 1 (1.5 each in fractions, 1
    in whole counts): where the reader's program in fractions and in whole counts part.
    """
    triangles = draw(st.integers(0, 2))
    n = 3 * triangles + draw(st.integers(2 if triangles == 0 else 0, 3))
    true = np.array(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)), dtype=float)
    subset = st.lists(st.booleans(), min_size=n, max_size=n).filter(any)
    rows = [[True] * n] + draw(st.lists(subset, min_size=1, max_size=5))  # the grand total, capped: every count bounded
    for t in range(triangles):
        true[3 * t: 3 * t + 3] = np.eye(3)[draw(st.integers(0, 2))] * draw(st.integers(0, 1))  # at most one of three
        rows += [[i in (3 * t + a, 3 * t + b) for i in range(n)] for a, b in ((0, 1), (1, 2), (0, 2))]
    a_range = np.array(rows, dtype=float)
    values = a_range @ true
    m = len(rows)
    lower = np.maximum(values - np.array(draw(st.lists(st.integers(0, 1), min_size=m, max_size=m))), 0)
    slack = np.array(draw(st.lists(st.one_of(st.integers(0, 1), st.just(-1)), min_size=m, max_size=m)))
    slack[0] = draw(st.integers(0, 3))
    upper = np.where(slack < 0, np.inf, values + np.maximum(slack, 0))
    if triangles:
        upper[m - 3 * triangles:] = 1
    a_eq = np.array(draw(st.lists(subset, max_size=2)), dtype=float).reshape(-1, n)
    targets = draw(st.lists(subset, min_size=1, max_size=4)) + [[i < 3 * triangles for i in range(n)]] * (triangles > 0)
    targets = np.array(targets, dtype=float)
    return a_eq, a_eq @ true, a_range, lower, upper, targets, draw(st.integers(1, 5))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_reader_programs())
def test_a_target_is_open_exactly_when_no_whole_counts_reach_the_threshold(case):
    from scipy.optimize import linprog

    a_eq, b_eq, a_range, lower, upper, targets, k = case
    lp = ReaderProgram(sparse.csr_matrix(a_eq), b_eq, sparse.csr_matrix(a_range), lower, upper)
    found = {j: largest for j, largest, _ in lp.open_targets([sparse.csr_matrix(t) for t in targets], k)}
    for j, target in enumerate(targets):
        whole = _whole_largest(a_eq, b_eq, a_range, lower, upper, target)
        capped = np.isfinite(upper)
        fractions = -linprog(-target, A_eq=a_eq, b_eq=b_eq, A_ub=np.vstack([a_range[capped], -a_range]),
                             b_ub=np.concatenate([upper[capped], -lower]), bounds=(0, None)).fun
        if whole >= k:
            assert j not in found  # whole counts reach k: nothing to protect
        elif fractions < k + 2:  # two above k in fractions is taken as reached (docs/disclosure.md, Not protected)
            assert j in found and whole <= found[j] < k


def test_whole_counts_found_for_one_target_clear_the_others_they_raise(monkeypatch):
    searched = []
    whole = ReaderProgram._whole
    monkeypatch.setattr(ReaderProgram, "_whole", lambda self, row, *a: searched.append(row.nnz) or whole(self, row, *a))
    monkeypatch.setattr(ReaderProgram, "clear_many", lambda self, target, k, **kw: np.ones(target.shape[0], dtype=bool))
    # a triangle (any two at most 1) and a fourth count at most 2: their sum is 3.5 in
    # fractions, 3 in whole counts; the three of the triangle alone, 1.5 and 1
    a_range = sparse.csr_matrix([[1, 1, 0, 0], [0, 1, 1, 0], [1, 0, 1, 0], [0, 0, 0, 1]], dtype=float)
    lp = ReaderProgram(sparse.csr_matrix((0, 4)), np.zeros(0), a_range, np.zeros(4), np.array([1.0, 1.0, 1.0, 2.0]))
    every = sparse.csr_matrix(np.ones((1, 4)))
    # the sum twice (a count shown in two tables): the whole counts found for the first reach 3 at the second
    assert lp.open_targets([every, every], 3) == []
    assert searched == [4]


def test_a_hidden_count_withheld_with_its_line_is_left_out_of_the_program():
    # x0 + x1 + x2 = 15 shown; x0 hidden (at least 1); x1 withheld with its line (at least 0,
    # no upper bound: it restricts nothing); x1 + x2 at most 9 (a range carried from elsewhere)
    a_eq = sparse.csr_matrix([[1.0, 1.0, 1.0]])
    a_range = sparse.csr_matrix([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 1.0, 1.0]])
    lp = ReaderProgram(a_eq, [15.0], a_range, [1.0, 0.0, 0.0], [np.inf, np.inf, 9.0])
    assert lp.rows.shape == (3, 3)  # the shown count, x0's floor and x1 + x2's range; not x1's
    lo, hi, resting = lp.extent(sparse.csr_matrix([[1.0, 0.0, 0.0]]))
    # x0 = 15 - (x1 + x2): at least 6 (resting on the total and x1 + x2 <= 9), at most 15
    assert (round(lo), round(hi)) == (6, 15)
    assert resting.shape == (4,) and not resting[2]  # x1's row, left out, rests on nothing
    assert resting[0] and resting[3]


def test_ranges_of_hidden_counts_together_equal_their_ranges_one_by_one():
    rng = np.random.default_rng(3)
    for _ in range(60):
        n = int(rng.integers(3, 9))
        true = rng.integers(0, 6, n).astype(float)
        a_eq = sparse.csr_matrix((rng.random((int(rng.integers(1, 4)), n)) < 0.5).astype(float))
        a_range = sparse.csr_matrix((rng.random((int(rng.integers(2, 6)), n)) < 0.4).astype(float))
        values = a_range @ true
        lower = np.where(rng.random(values.size) < 0.7, np.minimum(values, 1.0), 0.0)
        upper = np.where(rng.random(values.size) < 0.3, values + rng.integers(0, 3, values.size), np.inf)
        lp = ReaderProgram(a_eq, a_eq @ true, a_range, lower, upper)
        one_by_one = ReaderProgram(a_eq, a_eq @ true, a_range, lower, upper)
        together = lp.extents_of_ranged(np.arange(a_range.shape[0]))
        for r, (lo, hi, resting) in enumerate(together):
            lo1, hi1, _ = one_by_one.extent(a_range[r])
            assert abs(lo - lo1) < 1e-6 and (hi == hi1 or abs(hi - hi1) < 1e-6)
            assert resting.shape == (a_eq.shape[0] + a_range.shape[0],)
            if lo == lower[r] and lower[r] > 0:  # at its own floor: that floor is what the smallest value rests on
                assert resting[a_eq.shape[0] + r]


def test_the_smallest_value_at_a_count_own_floor_rests_on_that_floor_alone():
    # x0 + x1 + x2 = 15 shown, each hidden (at least 1): each is 1..13. Minimising the
    # three together puts two at 1 (the third takes 13); the third's smallest value takes
    # a program of its own. Each smallest value rests on the count's own floor.
    lp = ReaderProgram(sparse.csr_matrix([[1.0, 1.0, 1.0]]), [15.0], sparse.identity(3, format="csr"), np.ones(3), np.full(3, np.inf))
    calls = []
    optimise = lp._optimise
    lp._optimise = lambda row, maximise=True: calls.append(maximise) or optimise(row, maximise)
    out = lp.extents_of_ranged(np.arange(3))
    assert [(lo, round(hi)) for lo, hi, _ in out] == [(1.0, 13)] * 3
    assert sorted(calls) == [False, False, True, True, True]  # two programs for the three smallest, one per largest
    assert all(resting[1 + r] for r, (_, _, resting) in enumerate(out))


def test_the_largest_values_at_their_own_upper_bounds_take_one_program_together():
    # x0 + x1 + x2 + x3 = 20 shown; x0, x1, x2 hidden with ranges 1..6 carried from another
    # cube, x3 hidden (at least 1). All three can be 6 at once (x3 = 2): one program raising
    # their sum finds it, and each largest value rests on the count's own range. x3's
    # largest value, 20 - 3 = 17, has no upper bound of its own to reach: a program of its own.
    lower, upper = np.ones(4), np.array([6.0, 6.0, 6.0, np.inf])
    lp = ReaderProgram(sparse.csr_matrix(np.ones((1, 4))), [20.0], sparse.identity(4, format="csr"), lower, upper)
    calls = []
    optimise = lp._optimise
    lp._optimise = lambda row, maximise=True: calls.append(maximise) or optimise(row, maximise)
    out = lp.extents_of_ranged(np.arange(4))
    assert [(round(lo, 6), round(hi, 6)) for lo, hi, _ in out] == [(1.0, 6.0), (1.0, 6.0), (1.0, 6.0), (2.0, 17.0)]
    assert calls.count(True) == 2
    assert all(resting[1 + r] and resting.sum() == 1 for r, (_, hi, resting) in enumerate(list(out)[:3]) if hi == 6.0)


def test_whole_program_agrees_with_scipy_milp():
    from scipy.optimize import Bounds, LinearConstraint, milp

    from tfanalysis.publication.program import whole_program

    rng = np.random.default_rng(5)
    compared = 0
    for _ in range(120):
        n, m = int(rng.integers(2, 7)), int(rng.integers(1, 5))
        rows = rng.integers(0, 3, (m, n)).astype(float)
        rows = sparse.csr_matrix(np.vstack([rows, np.ones((1, n))]))  # a total over every count: all bounded
        lower = rng.integers(0, 4, m + 1).astype(float) + rng.choice([0.0, 0.5], m + 1)
        upper = np.where(rng.random(m + 1) < 0.5, lower + rng.integers(0, 3, m + 1), np.inf)
        upper[-1] = lower[-1] + rng.integers(0, 6)
        cost = rng.integers(-1, 3, n).astype(float)
        mine = whole_program(cost, rows, lower, upper, maximise=True)
        theirs = milp(-cost, constraints=LinearConstraint(rows, lower, upper), integrality=np.ones(n), bounds=Bounds(0, np.inf))
        assert (mine is None) == (theirs.status != 0)
        if mine is not None:
            compared += 1
            assert cost @ mine == round(-theirs.fun)
            assert np.all(rows @ mine >= lower - 1e-9) and np.all(rows @ mine <= upper + 1e-9) and np.all(mine >= 0)
    assert compared >= 30  # both outcomes met


def test_a_count_with_a_negative_coefficient_is_refused_and_an_equation_may_tie_unknowns():
    with pytest.raises(ValueError, match="no negative"):
        ReaderProgram(sparse.csr_matrix((0, 2)), [], sparse.csr_matrix([[1.0, -1.0]]), [0.0], [np.inf])
    # x0 = x1 + x2 (a tie), x0 = 7 shown, x1 hidden (at least 1): x2 is at most 6
    tied = ReaderProgram(sparse.csr_matrix([[1.0, -1.0, -1.0], [1.0, 0.0, 0.0]]), [0.0, 7.0],
                         sparse.csr_matrix([[0.0, 1.0, 0.0]]), [1.0], [np.inf])
    assert tied.range_of(sparse.csr_matrix([[0.0, 0.0, 1.0]]))[:2] == (0.0, 6.0)


def test_a_whole_point_is_found_at_vertices_or_by_the_integer_program_and_none_when_there_is_none(monkeypatch):
    from tfanalysis.publication import program

    calls = []
    whole_program = program.whole_program
    monkeypatch.setattr(program, "whole_program", lambda *a, **kw: calls.append(1) or whole_program(*a, **kw))
    # an odd cycle: x0 + x1, x1 + x2, x0 + x2 each 1 has only (1/2, 1/2, 1/2); with the sum
    # of the three at most 2 as well it has no point at all; with each pair at most 1 and at
    # least 0, only whole vertices are (0, 0, 0), (1, 0, 0), ...: found without the integer program
    cycle = sparse.csr_matrix([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0]])
    assert program.whole_point(cycle, np.ones(3), np.ones(3)) is None
    assert calls == [1]  # every vertex in fractions: the integer program said none
    with_sum = sparse.vstack([cycle, sparse.csr_matrix(np.ones((1, 3)))]).tocsr()
    assert program.whole_point(with_sum, np.array([1.0, 1.0, 1.0, 0.0]), np.array([1.0, 1.0, 1.0, 1.4])) is None
    assert calls == [1]  # no point in fractions: no integer program either
    point = program.whole_point(cycle, np.zeros(3), np.ones(3))
    assert point is not None and calls == [1]
    assert np.all(cycle @ point <= 1) and np.all(point == np.round(point))


@pytest.mark.parametrize("cores", [1, 2])
def test_programs_side_by_side_answer_as_one_after_the_other(monkeypatch, cores):
    # 20 lines, each a shown total T (5 to 24) of two hidden counts, each at least 1: each
    # count is 1 to T - 1, and a reader pins it below 11 exactly where T <= 11. Forty ranges
    # and forty targets: split between the program and its twin, on one core or two
    from tfanalysis.publication import program as program_module

    monkeypatch.setattr(program_module, "_cores", lambda: cores)
    totals = np.repeat(np.arange(5, 25), 2)
    n = totals.size
    a_eq = sparse.csr_matrix((np.ones(n), (np.arange(n) // 2, np.arange(n))), shape=(n // 2, n))
    a_range = sparse.identity(n, format="csr")

    def lines() -> ReaderProgram:
        return ReaderProgram(a_eq, np.arange(5, 25, dtype=float), a_range, np.ones(n), np.full(n, np.inf))

    lp = lines()
    assert [(lo, round(hi, 6)) for lo, hi, _ in lp.extents_of_ranged(np.arange(n))] == [(1.0, float(t - 1)) for t in totals]
    assert lp._twin is not None  # the twin took every other count
    lp = lines()
    found = lp.open_targets([a_range[j] for j in range(n)], 11)
    assert [(j, largest) for j, largest, _ in found] == [(j, float(t - 1)) for j, t in enumerate(totals) if t <= 11]
    assert lp._twin is not None and lp._twin.points == []  # its points handed back
    assert all(lp.feasible(np.stack(lp.points)))


def test_the_largest_value_skips_the_program_only_where_the_program_finds_none():
    """An unknown no equation and no capped range holds makes a row unbounded: the same answer as the program's, with
    no program solved. Random programs of counts: every row's largest value agrees both ways."""
    rng = np.random.default_rng(3)
    compared = skipped = 0
    for _ in range(40):
        n = 6
        a_eq = sparse.csr_matrix((rng.random((2, n)) < 0.3).astype(float))
        truth = rng.integers(0, 6, n).astype(float)
        a_range = sparse.csr_matrix((rng.random((3, n)) < 0.4).astype(float))
        upper = np.where(rng.random(3) < 0.5, a_range @ truth + 2, np.inf)
        lp = ReaderProgram(a_eq, a_eq @ truth, a_range, np.minimum(1.0, a_range @ truth), upper)
        for j in range(n):
            row = sparse.csr_matrix(np.eye(1, n, j))
            status, value, _, _ = lp._largest(row)
            skipped += bool(lp._free_above()[j])
            assert value == lp._optimise(row, maximise=True)[1]
            compared += 1
    assert compared == 240 and 20 <= skipped < 240  # both ways met


def test_a_range_the_others_imply_is_found_and_two_that_imply_each_other_are_not_both_left_out():
    # x0 + x1 + x2 = 30 shown; ranges: x0 + x1 in 0..40 (the total holds it), x2 in 0..12 and x2 again in 0..12
    lp = ReaderProgram(sparse.csr_matrix([[1.0, 1.0, 1.0]]), [30.0], sparse.csr_matrix([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0]]),
                       [0.0, 0.0, 0.0], [40.0, 12.0, 12.0])
    # the second copy of x2's range is implied by the first; the first, tried with the second already left out, is not
    assert lp.implied(np.array([0, 2, 1])).tolist() == [True, True, False]
    # the program is as it was: x0 + x1 at least 18 (x2 at most 12)
    assert lp.range_of(sparse.csr_matrix([[1.0, 1.0, 0.0]]))[:2] == (18.0, 30.0)


def test_lean_rows_take_the_largest_shown_counts_inside_each_row_off_it():
    # a national total over four unknowns; two state totals tile it; the first state's two
    # counties are shown too; one county of the second state is a hidden count (1..10)
    rows = sparse.csr_matrix([
        [1, 1, 1, 1],  # nation 20
        [1, 1, 0, 0],  # state A 12
        [0, 0, 1, 1],  # state B 8
        [1, 0, 0, 0],  # county A1 5
        [0, 1, 0, 0],  # county A2 7
        [0, 0, 1, 0],  # county B1 hidden, 1..10
    ], dtype=float)
    lower = np.array([20, 12, 8, 5, 7, 1], dtype=float)
    upper = np.array([20, 12, 8, 5, 7, 10], dtype=float)
    lean, lo, hi, back, lean_of = lean_rows(rows, lower, upper, shown=np.array([True] * 5 + [False]))
    # the nation is its states (left out), state A its counties (left out); state B holds no
    # shown count: kept as it was, and so is the hidden county
    assert lean_of.tolist() == [-1, -1, 0, 1, 2, 3]
    assert lean.toarray().tolist() == [[0, 0, 1, 1], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]
    assert (lo.tolist(), hi.tolist()) == ([8, 5, 7, 1], [8, 5, 7, 10])
    assert np.array_equal((back @ rows).toarray(), lean.toarray())


def test_lean_rows_take_off_only_shown_counts_that_do_not_overlap_the_larger_first():
    # a total of 10 over five unknowns cut two ways: by one table into {0,1,2} and {3,4},
    # by another into {0,1} and {2,3}; a hidden count {0,1,2,3,4} minus nothing shown is
    # left as it is only if no shown count lies inside it
    rows = sparse.csr_matrix([
        [1, 1, 1, 1, 1],  # total 10
        [1, 1, 1, 0, 0],  # 6
        [0, 0, 0, 1, 1],  # 4
        [1, 1, 0, 0, 0],  # 3
        [0, 0, 1, 1, 0],  # 5
    ], dtype=float)
    bounds = np.array([10, 6, 4, 3, 5], dtype=float)
    lean, lo, hi, _, lean_of = lean_rows(rows, bounds, bounds, shown=np.ones(5, bool))
    # the total: {0,1,2} (size 3) first, then {3,4}: tiled, left out; {0,1,2} less {0,1}
    assert lean_of.tolist() == [-1, 0, 1, 2, 3]
    assert lean.toarray().tolist() == [[0, 0, 1, 0, 0], [0, 0, 0, 1, 1], [1, 1, 0, 0, 0], [0, 0, 1, 1, 0]]
    assert lo.tolist() == hi.tolist() == [3, 4, 3, 5]


def test_a_row_the_shown_counts_inside_it_contradict_is_kept_so_the_program_says_so():
    rows = sparse.csr_matrix([[1, 1], [1, 0], [0, 1]], dtype=float)
    bounds = np.array([10.0, 4.0, 5.0])  # 4 + 5 is not 10
    lean, lo, hi, _, lean_of = lean_rows(rows, bounds, bounds, shown=np.ones(3, bool))
    assert lean_of.tolist() == [0, 1, 2] and lean[0].nnz == 0 and lo[0] == hi[0] == 1.0
    with pytest.raises(ValueError, match="contradict"):
        ReaderProgram(rows, bounds, sparse.csr_matrix((0, 2)), np.zeros(0), np.zeros(0)).extent(sparse.csr_matrix([[1.0, 0.0]]))


def test_what_a_largest_value_rests_on_is_said_in_the_counts_the_reader_was_shown():
    # total 12 = x0 + x1 + x2 shown, x0 + x1 = 7 shown, x2 hidden (at least 1): x2 is 5,
    # and that rests on the total and on the 7 (the solver held "x2 = 5" only)
    lp = ReaderProgram(sparse.csr_matrix([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]]), [12.0, 7.0],
                       sparse.csr_matrix([[0.0, 0.0, 1.0]]), [1.0], [np.inf])
    assert lp._lean_rows.shape[0] == 3 and lp._lean_rows.nnz == 4
    lo, hi, resting = lp.range_of(sparse.csr_matrix([[0.0, 0.0, 1.0]]))
    assert (lo, hi) == (5.0, 5.0)
    assert resting[:2].tolist() == [True, True]
    # a range over counts the shown counts inside it fix (x0 + x1 + x2 = 7 + 5, in 3..20)
    # is implied; x0 in 1..6 is not (x0 + x1 = 7 lets it be 0 or 7)
    lp2 = ReaderProgram(sparse.csr_matrix([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), [7.0, 5.0],
                        sparse.csr_matrix([[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]]), [3.0, 1.0], [20.0, 6.0])
    assert lp2._lean_of.tolist() == [0, 1, -1, 2]
    assert lp2.implied(np.array([0, 1])).tolist() == [True, False]
    assert lp2.range_of(sparse.csr_matrix([[1.0, 0.0, 0.0]]))[:2] == (1.0, 6.0)


@st.composite
def _nested_programs(draw):
    """Shown counts nested and overlapping (tables of one total cut several ways), hidden counts with ranges."""
    n = draw(st.integers(2, 7))
    true = np.array(draw(st.lists(st.integers(0, 6), min_size=n, max_size=n)), dtype=float)
    cuts = draw(st.lists(st.lists(st.integers(0, 2), min_size=n, max_size=n), min_size=1, max_size=3))
    shown = [[True] * n]
    for cut in cuts:  # a table: the total cut into up to three parts; some parts cut again
        for part in range(3):
            members = [c == part for c in cut]
            if any(members) and draw(st.booleans()):
                shown.append(members)
    shown += draw(st.lists(st.lists(st.booleans(), min_size=n, max_size=n).filter(any), max_size=2))
    hidden = draw(st.lists(st.lists(st.booleans(), min_size=n, max_size=n).filter(any), min_size=1, max_size=4))
    a_eq, a_range = np.array(shown, dtype=float), np.array(hidden, dtype=float)
    values = a_range @ true
    lower = np.where(np.array(draw(st.lists(st.booleans(), min_size=len(hidden), max_size=len(hidden)))), np.minimum(values, 1.0), 0.0)
    slack = np.array(draw(st.lists(st.integers(-1, 3), min_size=len(hidden), max_size=len(hidden))))
    upper = np.where(slack < 0, np.inf, values + np.maximum(slack, 0))
    target = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n).filter(any)), dtype=float)
    return a_eq, a_eq @ true, a_range, lower, upper, target


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_nested_programs())
def test_lean_rows_give_every_extent_the_original_rows_give_and_what_it_rests_on_holds_it(case):
    from scipy.optimize import linprog

    a_eq, b_eq, a_range, lower, upper, target = case
    lp = ReaderProgram(sparse.csr_matrix(a_eq), b_eq, sparse.csr_matrix(a_range), lower, upper)
    rows = np.vstack([a_eq, a_range])
    row_lower, row_upper = np.concatenate([b_eq, lower]), np.concatenate([b_eq, upper])

    def largest(c, keep):  # scipy's HiGHS on the rows ``keep`` as the reader was shown them
        capped, floored = keep & np.isfinite(row_upper), keep & (row_lower > -np.inf)
        res = linprog(-c, A_ub=np.vstack([rows[capped], -rows[floored]]), b_ub=np.concatenate([row_upper[capped], -row_lower[floored]]),
                      bounds=(0, None), method="highs")
        return np.inf if res.status == 3 else -res.fun

    for c in [*a_range, target]:
        lo, hi, resting = lp.extent(sparse.csr_matrix(c))
        everything = np.ones(len(rows), bool)
        assert hi == pytest.approx(largest(c, everything), abs=1e-6)
        assert lo == pytest.approx(-largest(-c, everything), abs=1e-6)
        if np.isfinite(hi):  # the rows it rests on alone hold the largest value there
            _, hi_only, _, duals = lp._largest(sparse.csr_matrix(c))
            assert largest(c, np.abs(duals) > 1e-9) == pytest.approx(hi_only, abs=1e-6)


def test_extents_found_in_a_program_are_kept_where_their_points_still_fit_a_narrower_one():
    # x0 + x1 + x2 = 12 shown, each hidden (at least 1): each is 1..10
    a_eq, b_eq, rows = sparse.csr_matrix([[1.0, 1.0, 1.0]]), [12.0], sparse.identity(3, format="csr")
    wide = ReaderProgram(a_eq, b_eq, rows, np.ones(3), np.full(3, np.inf))
    before = wide.extents_of_ranged(np.arange(3))
    assert [(lo, round(hi)) for lo, hi, _ in before] == [(1.0, 10)] * 3
    # another cube says x0 is at most 5: x0's largest value was reached at x0 = 10, which no
    # longer fits; x1's and x2's at x0 = 1, which does
    narrow = ReaderProgram(a_eq, b_eq, rows, np.ones(3), np.array([5.0, np.inf, np.inf]))
    calls = []
    optimise = narrow._optimise
    narrow._optimise = lambda row, maximise=True: calls.append((row.indices.tolist(), maximise)) or optimise(row, maximise)
    after = narrow.extents_of_ranged(np.arange(3), earlier=before.taken(np.arange(3)))
    assert [(lo, round(hi)) for lo, hi, _ in after] == [(1.0, 5), (1.0, 10), (1.0, 10)]
    assert ([0], True) in calls and not any(maximise and cols != [0] for cols, maximise in calls)
    assert after.rest_hi[1] is before.rest_hi[1] and after[1][2][0]  # kept: it rests on the total, as before


def test_extents_kept_from_a_wider_program_equal_those_worked_out_anew():
    rng = np.random.default_rng(5)
    kept = 0
    for _ in range(60):
        n = int(rng.integers(3, 9))
        true = rng.integers(0, 6, n).astype(float)
        a_eq = sparse.csr_matrix((rng.random((int(rng.integers(1, 4)), n)) < 0.5).astype(float))
        a_range = sparse.csr_matrix((rng.random((int(rng.integers(2, 7)), n)) < 0.4).astype(float))
        values = a_range @ true
        lower = np.where(rng.random(values.size) < 0.7, np.minimum(values, 1.0), 0.0)
        upper = np.full(values.size, np.inf)
        wide = ReaderProgram(a_eq, a_eq @ true, a_range, lower, upper)
        before = wide.extents_of_ranged(np.arange(values.size))
        # ranges narrowed around the true counts, as another cube would
        narrow_lower = np.where(rng.random(values.size) < 0.3, np.maximum(lower, values - rng.integers(0, 2, values.size)), lower)
        narrow_upper = np.where(rng.random(values.size) < 0.5, values + rng.integers(0, 3, values.size), upper)
        again = ReaderProgram(a_eq, a_eq @ true, a_range, narrow_lower, narrow_upper)
        reused = again.extents_of_ranged(np.arange(values.size), earlier=before.taken(np.arange(values.size)))
        fresh = ReaderProgram(a_eq, a_eq @ true, a_range, narrow_lower, narrow_upper).extents_of_ranged(np.arange(values.size))
        for (lo, hi, _), (lo1, hi1, _) in zip(reused, fresh):
            assert abs(lo - lo1) < 1e-6 and (hi == hi1 or abs(hi - hi1) < 1e-6)
        kept += int((reused.hi_at >= 0).sum())
    assert kept > 0


def test_past_the_entries_kept_extents_are_solved_again_and_still_right(monkeypatch):
    from tfanalysis.publication.program import Extents

    a_eq, b_eq, rows = sparse.csr_matrix([[1.0, 1.0, 1.0]]), [12.0], sparse.identity(3, format="csr")
    monkeypatch.setattr(Extents, "KEEP_ENTRIES", 6)  # two points of three entries
    before = ReaderProgram(a_eq, b_eq, rows, np.ones(3), np.full(3, np.inf)).extents_of_ranged(np.arange(3))
    assert before.points.nnz <= 6 and (before.hi_at == -1).sum() + (before.lo_at == -1).sum() >= 1
    narrow = ReaderProgram(a_eq, b_eq, rows, np.ones(3), np.array([5.0, np.inf, np.inf]))
    after = narrow.extents_of_ranged(np.arange(3), earlier=before.taken(np.arange(3)))
    assert [(lo, round(hi)) for lo, hi, _ in after] == [(1.0, 5), (1.0, 10), (1.0, 10)]


def test_an_extent_found_in_the_last_pass_holds_where_its_rows_are_alike_and_its_point_fits():
    # x0 + x1 = 12 and x2 + x3 = 8 shown; x0 and x2 hidden (at least 1), x1 and x3 in no
    # count of their own (at least 0). x0 is 1..12, its largest value resting on the 12
    # alone; x2 is 1..8, resting on the 8. The next pass hides the 8 too (at least 1, not
    # an equation). x0's largest value rests on nothing that changed, and its point
    # (x0 = 12) meets the next program's rows: it holds, no program solved. x2's largest
    # value rested on the 8, a row the next program holds otherwise: worked out again
    # (it has none: x3's row is a floor, x2 is free above).
    rows = sparse.csr_matrix(np.array([[1.0, 0, 0, 0], [0, 0, 1.0, 0]]))
    first = ReaderProgram(sparse.csr_matrix(np.array([[1.0, 1, 0, 0], [0, 0, 1, 1]])), [12.0, 8.0], rows, np.ones(2), np.full(2, np.inf))
    first.row_keys = np.array([12, 8, 100, 102])  # the equations, then the ranges (x0, x2)
    found = first.extents_of_ranged(np.arange(2))
    assert [(lo, round(hi, 6)) for lo, hi, _ in found] == [(1.0, 12.0), (1.0, 8.0)]
    second = ReaderProgram(sparse.csr_matrix(np.array([[1.0, 1, 0, 0]])), [12.0],
                           sparse.vstack([rows, sparse.csr_matrix(np.array([[0, 0, 1.0, 1]]))]).tocsr(), np.ones(3), np.full(3, np.inf))
    second.row_keys = np.array([12, 100, 102, 208])  # the 12 as it was; the 8 now a range
    calls = []
    optimise = second._optimise
    second._optimise = lambda row, maximise=True: calls.append(maximise) or optimise(row, maximise)
    again = second.extents_of_ranged(np.arange(2), proven=[(first.row_keys, found)])
    assert [(lo, hi) for lo, hi, _ in again] == [(1.0, 12.0), (1.0, np.inf)]
    assert calls == []  # x0 read from the last pass; x2's largest value: x3 is free above, no program
    lo, hi, resting = again[0]
    assert resting.tolist() == [True, True, False, False]  # the 12 and x0's own floor, as in the last pass
    # a row changed under the proof: x0's largest value rested on the 12, now 13
    third = ReaderProgram(sparse.csr_matrix(np.array([[1.0, 1, 0, 0]])), [13.0], second.a_range, np.ones(3), np.full(3, np.inf))
    third.row_keys = np.array([13, 100, 102, 208])
    assert [(lo, round(hi, 6)) for lo, hi, _ in third.extents_of_ranged(np.arange(2), proven=[(first.row_keys, found)])] == [(1.0, 13.0), (1.0, np.inf)]


def test_extents_read_from_the_last_pass_equal_extents_solved_again():
    # random programs and the next pass of each (some equations turned into ranges of at
    # least 1, some ranges narrowed): every extent read from the last pass is the one solved
    rng = np.random.default_rng(52)
    read = 0
    for _ in range(60):
        n = int(rng.integers(3, 9))
        true = rng.integers(1, 6, n).astype(float)
        rows = sparse.csr_matrix((rng.random((int(rng.integers(3, 8)), n)) < 0.5).astype(float))
        rows = rows[np.diff(rows.indptr) > 0]
        hidden = rng.random(rows.shape[0]) < 0.5
        hidden[0] = True
        later = hidden | (rng.random(rows.shape[0]) < 0.3)

        def program(hid):
            values = rows @ true
            upper = np.where(rng.random(values.size) < 0.2, values + 1, np.inf)[hid]
            lp = ReaderProgram(rows[~hid], values[~hid], rows[hid], np.ones(int(hid.sum())), upper)
            lp.row_keys = np.array([*(hash(("=", r)) for r in np.flatnonzero(~hid)),
                                    *(hash(("in", r, u)) for r, u in zip(np.flatnonzero(hid), upper))], np.int64)
            return lp
        first, second, fresh = program(hidden), program(later), None
        found = first.extents_of_ranged(np.arange(int(hidden.sum())))
        # the first pass's hidden counts, by their place among the next pass's
        at = np.searchsorted(np.flatnonzero(later), np.flatnonzero(hidden))
        proven = found.taken(np.arange(at.size))
        out = second.extents_of_ranged(at, proven=[(first.row_keys, proven)])
        fresh = ReaderProgram(second.a_eq, second.b_eq, second.a_range, second.lower, second.upper)
        for j, r in enumerate(at.tolist()):
            lo, hi, _ = fresh.extent(second.a_range[r])
            assert abs(out.lo[j] - lo) < 1e-6 and (out.hi[j] == hi or abs(out.hi[j] - hi) < 1e-6)
        read += int((~np.isnan(proven.lo)).sum())
    assert read > 60  # the check read extents from the last pass, not only solved them again


def test_a_count_that_can_be_0_only_in_fractions_is_held_above_0():
    """x1 + x2 = 1, x2 + x3 = 1, x0 + x1 + x3 = 1 (shown). In fractions x1 = x2 = x3 = 1/2 and x0 = 0; in whole
    counts x2 = 0 would force x1 = x3 = 1 and break the third sum, so x2 = 1, x1 = x3 = 0 and x0 = 1: a reader who
    knows counts are whole knows x0 and x2 are never 0, though the program in fractions puts x0 at 0."""
    program = ReaderProgram(sparse.csr_matrix(np.array([[0, 1, 1, 0], [0, 0, 1, 1], [1, 1, 0, 1]], float)), np.ones(3),
                            sparse.csr_matrix((0, 4)), np.zeros(0), np.zeros(0))
    rows = [sparse.csr_matrix(np.eye(4)[[j]]) for j in range(4)]
    held = {j: smallest for j, smallest, _ in program.held_above_zero(rows)}
    assert held == {0: 1.0, 2: 1.0}  # x1 and x3 can be 0 (x2 = 1, x0 = 1)


def test_a_count_a_reader_can_raise_or_lower_freely_is_held_by_nothing():
    # x0 + x1 = 12 shown: either can be 0, neither is pinned above it
    program = ReaderProgram(sparse.csr_matrix(np.ones((1, 2))), np.array([12.0]), sparse.csr_matrix((0, 2)), np.zeros(0), np.zeros(0))
    assert program.held_above_zero([sparse.csr_matrix(np.eye(2)[[0]]), sparse.csr_matrix(np.eye(2)[[1]])]) == []
    # with x1 at most 5 (a range), x0 is at least 7
    ranged = ReaderProgram(sparse.csr_matrix(np.ones((1, 2))), np.array([12.0]), sparse.csr_matrix(np.eye(2)[[1]]), np.array([0.0]), np.array([5.0]))
    assert [(j, smallest) for j, smallest, _ in ranged.held_above_zero([sparse.csr_matrix(np.eye(2)[[0]])])] == [(0, 7.0)]
