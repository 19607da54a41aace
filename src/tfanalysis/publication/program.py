"""The reader's linear program over one cube: the largest value each target can take.

Built once in HiGHS (``highspy``); each target only changes the objective, so the primal simplex
starts from the previous basis. The solver holds each row less the shown counts inside it
(:func:`lean_rows`): the same points with far fewer entries, which HiGHS reads at every run.
A bound just above the threshold is checked with integrality (HiGHS's branch and bound,
:func:`whole_program`). Many ranges or targets are split between the program and a twin
of it, solved in two threads (HiGHS lets go of Python while it solves): the second core of
a machine running one report at a time is otherwise idle (:meth:`ReaderProgram.side_by_side`).
Ranges worked out again after other cubes narrowed some keep the answers whose points still
fit (:class:`Extents`); in the next pass of a table, which hides more counts, so do those
whose duals rest on rows the pass left alike (:meth:`ReaderProgram._still_proven`).

Examples
--------
>>> from scipy import sparse
>>> # x0 + x1 = 12 is shown; x0 is hidden (at least 1): x1 is at most 11
>>> lp = ReaderProgram(sparse.csr_matrix([[1.0, 1.0]]), [12.0], sparse.csr_matrix([[1.0, 0.0]]), [1.0], [np.inf])
>>> [float(abs(v)) for v in lp.range_of(sparse.csr_matrix([[0.0, 1.0]]))[:2]]
[0.0, 11.0]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import sparse
import highspy

from tfanalysis.publication.blocks import largest_inside, rows_inside

__all__ = ["Extents", "ReaderProgram", "lean_rows", "whole_point", "whole_program", "whole_range"]


class ReaderProgram:
    """The reader's linear program: A_eq x = b, lower <= A_range x <= upper, x >= 0.

    Ranged rows are counts (sums of unknowns); an equation may also tie unknowns together
    (a cube's unknowns to a finer column's, coefficients 1 and -1, nothing on the right).

    Built once in HiGHS; each target only changes the objective, so the simplex starts from
    the previous basis. Every optimum found is also a point where other targets may reach
    ``k``: those are cleared without a program of their own.
    """

    def __init__(self, a_eq: sparse.csr_matrix, b_eq: np.ndarray, a_range: sparse.csr_matrix, lower: np.ndarray,
                 upper: np.ndarray, eq_labels=None) -> None:
        self.a_eq, self.b_eq = a_eq.tocsr(), np.asarray(b_eq, float)
        self.a_range, self.lower, self.upper = a_range.tocsr(), np.asarray(lower, float), np.asarray(upper, float)
        if (self.a_range.data < 0).any():
            # counts are sums of unknowns: rows left out below, and smallest values read at
            # a floor, hold only for sums (an equation may tie unknowns together: 1 and -1)
            raise ValueError("a released count is a sum of unknowns: no negative coefficients")
        self.eq_labels = list(eq_labels) if eq_labels is not None else list(range(a_eq.shape[0]))
        self.n = a_eq.shape[1]
        self.n_eq = a_eq.shape[0]
        # every constraint as one matrix of rows with their lower and upper values; a count
        # withheld with its line (at least 0, no upper bound) restricts nothing and is left
        # out: in a run after earlier runs most hidden counts are such, and each row left
        # in makes every step of the simplex dearer
        restricting = np.flatnonzero(~((self.lower <= 0) & np.isposinf(self.upper)))
        self._kept = np.concatenate([np.arange(self.n_eq), self.n_eq + restricting])
        self.rows = sparse.vstack([self.a_eq, self.a_range[restricting]]).tocsr()
        self.row_lower = np.concatenate([self.b_eq, self.lower[restricting]])
        self.row_upper = np.concatenate([self.b_eq, self.upper[restricting]])
        # the solver holds the same constraints with each row less the shown counts inside it:
        # the same points, half the entries (every run of HiGHS reads them all); its duals
        # are carried back to these rows (_optimise)
        shown = np.arange(self.rows.shape[0]) < self.n_eq
        self._lean_rows, self._lean_lower, self._lean_upper, self._back, self._lean_of = lean_rows(
            self.rows, self.row_lower, self.row_upper, shown=shown)
        self.highs = _counts_model(self._lean_rows, self._lean_lower, self._lean_upper)
        # one target after another changes only the objective: the last optimum stays
        # feasible, and the primal simplex goes on from it (the dual starts over: 10x slower)
        self.highs.setOptionValue("simplex_strategy", 4)
        self._cost = np.array([], dtype=np.int32)
        self.points: list[np.ndarray] = []  # optima found: each a point targets are read at
        self._small: dict[int, sparse.csc_matrix] = {}
        self._columns: sparse.csc_matrix | None = None
        self._twin: ReaderProgram | None = None  # the same program, to solve beside this one (side_by_side)
        self._free: np.ndarray | None = None  # unknowns free above (_free_above)
        self.row_keys: np.ndarray | None = None  # what each row says, as a number (see extents_of_ranged's ``proven``)
        self._keys_in_order: tuple[np.ndarray, np.ndarray] | None = None

    def _optimise(self, row: sparse.csr_matrix, maximise: bool = True) -> tuple[str, float, np.ndarray, np.ndarray]:
        self.highs.changeObjectiveSense(highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize)
        if self._cost.size:
            self.highs.changeColsCost(self._cost.size, self._cost, np.zeros(self._cost.size))
        cols = row.indices.astype(np.int32)
        self.highs.changeColsCost(cols.size, cols, row.data.astype(float))
        self._cost = cols
        self.highs.run()
        status = self.highs.getModelStatus()
        if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            # a warm start that went wrong: solve again from scratch
            self.highs.clearSolver()
            self.highs.run()
            status = self.highs.getModelStatus()
        # the true counts always fit, so "unbounded or infeasible" is unbounded
        if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return "unbounded", float("inf") if maximise else 0.0, np.zeros(self.n), np.zeros(self.n_eq + self.a_range.shape[0])
        if status != highspy.HighsModelStatus.kOptimal:
            raise ValueError(f"the released counts contradict each other: no counts fit them all ({status})")
        sol = self.highs.getSolution()
        duals = np.zeros(self.n_eq + self.a_range.shape[0])
        duals[self._kept] = self._back.T @ np.asarray(sol.row_dual)  # a row left out rests on nothing
        return "optimal", float(self.highs.getInfo().objective_function_value), np.asarray(sol.col_value), duals

    def range_of(self, row: sparse.csr_matrix) -> tuple[float, float, np.ndarray]:
        """The smallest and largest value a reader can give ``row @ x``, and the rows either rests on."""
        lo, hi, resting = self.extent(row)
        return (*whole_range(lo, hi), resting)

    def extent(self, row: sparse.csr_matrix) -> tuple[float, float, np.ndarray]:
        """The smallest and largest value of ``row @ x`` in fractions (not rounded), and the rows either rests on."""
        _, lo, _, d_lo = self._optimise(row, maximise=False)
        _, hi, _, d_hi = self._largest(row)
        return lo, hi, (np.abs(d_lo) > 1e-9) | (np.abs(d_hi) > 1e-9)

    def optimum(self, row: sparse.csr_matrix, *, maximise: bool) -> np.ndarray | None:
        """A point where ``row @ x`` is largest (or smallest), kept among the points found;
        None where it has no largest value (no point is kept then).

        >>> program = ReaderProgram(sparse.csr_matrix(np.ones((1, 2))), np.array([12.0]), sparse.csr_matrix((0, 2)), np.zeros(0), np.zeros(0))
        >>> program.optimum(sparse.csr_matrix(np.array([[1.0, 0.0]])), maximise=True).tolist(), len(program.points)
        ([12.0, 0.0], 1)
        >>> lp = ReaderProgram(sparse.csr_matrix([[1.0, 1.0, 0.0]]), [5.0], sparse.csr_matrix([[0.0, 1.0, 1.0]]), [1.0], [np.inf])
        >>> lp.optimum(sparse.csr_matrix(np.array([[0.0, 0.0, 1.0]])), maximise=True) is None, len(lp.points)
        (True, 0)
        """
        status, _, x, _ = self._optimise(row, maximise=maximise)
        if status != "optimal":
            return None
        self.points.append(x)
        return x

    def implied(self, ranged: np.ndarray) -> np.ndarray:
        """Which ranged rows (positions among them) the other constraints hold inside their range already.

        Each row is tried in turn with its own range left out and those found implied
        before it left out too: its smallest and largest values are then read, and if they
        lie inside its range, leaving it out changes nothing a reader can work out. (Two
        rows implying each other are not both left out: the second is tried without the first.)

        >>> # x0 + x1 = 12; x0 in 1..20 says nothing more; x1 in 1..5 does
        >>> lp = ReaderProgram(sparse.csr_matrix([[1.0, 1.0]]), [12.0], sparse.csr_matrix([[1.0, 0.0], [0.0, 1.0]]), [1.0, 1.0], [20.0, 5.0])
        >>> lp.implied(np.array([0, 1])).tolist()
        [True, False]
        >>> lp.range_of(sparse.csr_matrix([[1.0, 0.0]]))[:2]  # the program as it was
        (7.0, 11.0)
        """
        ranged = np.asarray(ranged, dtype=np.int64)
        out = np.zeros(ranged.size, dtype=bool)
        position = np.searchsorted(self._kept, self.n_eq + ranged)
        left_out = []
        try:
            for j, (r, at) in enumerate(zip(ranged.tolist(), position.tolist())):
                lower, upper = self.lower[r], self.upper[r]
                if at >= self._kept.size or self._kept[at] != self.n_eq + r:
                    out[j] = True  # restricts nothing: not in the program
                    continue
                at = self._lean_of[at]
                if at < 0:
                    out[j] = True  # the shown counts inside it fix it (lean_rows): they hold it
                    continue
                self.highs.changeRowBounds(at, -highspy.kHighsInf, highspy.kHighsInf)
                row = self.a_range[r]
                fits = lower <= 0 or self._optimise(row, maximise=False)[1] >= lower - 1e-9
                fits = fits and (np.isposinf(upper) or self._optimise(row, maximise=True)[1] <= upper + 1e-9)
                if fits:
                    out[j] = True
                    left_out.append(at)
                else:
                    self.highs.changeRowBounds(at, self._lean_lower[at], self._lean_upper[at])
        finally:
            for at in left_out:
                self.highs.changeRowBounds(at, self._lean_lower[at], self._lean_upper[at])
        return out

    def _largest(self, row: sparse.csr_matrix) -> tuple[str, float, np.ndarray, np.ndarray]:
        """:meth:`_optimise` maximising ``row``, without a program where an unknown of it is free above."""
        if self._free_above()[row.indices[row.data > 0]].any():
            return "unbounded", float("inf"), np.zeros(self.n), np.zeros(self.n_eq + self.a_range.shape[0])
        return self._optimise(row, maximise=True)

    def _free_above(self) -> np.ndarray:
        """Unknowns no equation and no range with an upper end holds: each can grow without end.

        A row holding one of them with a positive coefficient has no largest value (raise that
        unknown alone: every equation still holds, every range only grows above its lower end).

        >>> lp = ReaderProgram(sparse.csr_matrix([[1.0, 1.0, 0.0]]), [5.0], sparse.csr_matrix([[0.0, 1.0, 1.0]]), [1.0], [np.inf])
        >>> lp._free_above().tolist()
        [False, False, True]
        """
        if self._free is None:
            capped = np.flatnonzero(np.isfinite(self.upper))
            held = (np.asarray(abs(self.a_eq).sum(axis=0)).ravel() > 0) | (np.asarray(abs(self.a_range[capped]).sum(axis=0)).ravel() > 0)
            self._free = ~held
        return self._free

    def extents_of_ranged(self, ranged: np.ndarray, earlier: "Extents | None" = None,
                          proven: Sequence[tuple[np.ndarray, "Extents"]] = ()) -> "Extents":
        """:meth:`extent` of several ranged rows (hidden counts, by position among them) at once.

        Most hidden counts can be as small as their own lower bound. A program minimising
        their sum (random weights) finds a point where many are: their smallest value is
        that bound, resting on nothing but it, without a program of their own; the rounds
        go on over the rest while they find some. The same goes for the largest values of
        counts with an upper bound of their own (a range carried from another cube that
        this cube does not narrow: most of them when ranges are worked out again), with a
        program maximising their sum. Only the rest take a program each.

        ``earlier``: extents of the same rows in a program whose every constraint this one's
        holds (the same counts, each range inside the earlier one; :meth:`Extents.taken`).
        A smallest or largest value reached there at a point that still meets this
        program's constraints is reached here too (the points here are among the points
        there), resting on the same rows: no program is solved for it.

        ``proven``: extents of the same rows found in other programs on the same unknowns,
        each with the :attr:`row_keys` of its program (the next pass of a table's
        suppression hides more counts: its program is not narrower, and ``earlier`` does
        not hold). A smallest value rests on the rows the optimum's duals name: where each
        of them is a row of this program, saying the same, those duals bound the count here
        as there, and where the point it was reached at meets this program's constraints,
        the value is reached here too. Such an extent is taken as found, resting on the
        same rows (:meth:`_still_proven`).
        """
        ranged = np.asarray(ranged, dtype=np.int64)
        rows = self.a_range[ranged].tocsr()
        out = Extents.empty(ranged.size, self.n, self.n_eq + self.a_range.shape[0])
        if earlier is not None and earlier.points.shape[0]:
            fits = np.append(self.feasible(earlier.points), False)  # position -1: no point
            out = earlier.where(fits[earlier.lo_at], fits[earlier.hi_at])
        for keys, extents in proven:
            self._still_proven(out, keys, extents)
        need_lo, need_hi = np.isnan(out.lo), np.isnan(out.hi)
        rng = np.random.default_rng(11)
        for maximise, need, own in ((False, need_lo, self.lower[ranged]), (True, need_hi, self.upper[ranged])):
            left = np.flatnonzero(need & np.isfinite(own))
            while left.size > 1:
                status, _, x, _ = self._optimise(sparse.csr_matrix(rows[left].T @ rng.uniform(1.0, 2.0, left.size)), maximise=maximise)
                if status != "optimal":
                    break
                at_own = left[rows[left] @ x >= own[left] - 1e-6] if maximise else left[rows[left] @ x <= own[left] + 1e-6]
                if not at_own.size:
                    break
                (out.set_hi if maximise else out.set_lo)(at_own, own[at_own], [np.array([self.n_eq + r]) for r in ranged[at_own].tolist()], x)
                need[at_own] = False
                left = np.setdiff1d(left, at_own, assume_unique=True)

        def extent_of(program: "ReaderProgram", j: int) -> tuple:  # points as sparse rows: a national cube's are long
            lo = hi = None
            if need_lo[j]:
                _, value, x, duals = program._optimise(rows[j], maximise=False)
                lo = (value, np.flatnonzero(np.abs(duals) > 1e-9), sparse.csr_matrix(x))
            if need_hi[j]:
                status, value, x, duals = program._largest(rows[j])
                hi = (value, np.flatnonzero(np.abs(duals) > 1e-9), sparse.csr_matrix(x) if status == "optimal" else None)
            return lo, hi

        todo = np.flatnonzero(need_lo | need_hi).tolist()
        for start in range(0, len(todo), EXTENTS_AT_ONCE):  # a few hundred at a time: their points are held till kept
            part = todo[start:start + EXTENTS_AT_ONCE]
            for j, (lo, hi) in zip(part, self.side_by_side(part, extent_of)):
                if lo is not None:
                    out.set_lo(np.array([j]), np.array([lo[0]]), [lo[1]], lo[2])
                if hi is not None:
                    out.set_hi(np.array([j]), np.array([hi[0]]), [hi[1]], hi[2])
        return out.kept()

    def _still_proven(self, out: "Extents", keys: np.ndarray, extents: "Extents") -> None:
        """Fill the extents ``out`` lacks from ``extents`` of another program on the same unknowns, where they still hold.

        ``keys``: the :attr:`row_keys` of the program ``extents`` were found in. An extent
        holds here when every row it rests on is a row of this program with the same key
        (the same count, the same value or range: the duals that bounded it there bound it
        here) and its point meets this program's constraints (the bound is reached here).

        >>> # x0 + x1 + x2 = 12 shown; x0 and x1 hidden (at least 1): each is 1..11
        >>> rows, ones = sparse.identity(3, format="csr")[:2], np.ones(2)
        >>> first = ReaderProgram(sparse.csr_matrix(np.ones((1, 3))), [12.0], rows, ones, np.full(2, np.inf))
        >>> first.row_keys = np.array([10, 20, 21])
        >>> found = first.extents_of_ranged(np.arange(2))
        >>> # the next pass hides x2 as well (a range, not an equation): the same total, rows 0 and 1 alike
        >>> second = ReaderProgram(sparse.csr_matrix(np.ones((1, 3))), [12.0], sparse.identity(3, format="csr"), np.ones(3), np.full(3, np.inf))
        >>> second.row_keys = np.array([10, 20, 21, 22])
        >>> out = Extents.empty(2, 3, 4)
        >>> second._still_proven(out, first.row_keys, found)
        >>> [(lo, hi) for lo, hi, _ in out]  # the largest values were reached with x2 at 0: now at least 1
        [(1.0, nan), (1.0, nan)]
        """
        if self.row_keys is None or not extents.points.shape[0] or not len(out):
            return
        if self._keys_in_order is None:
            order = np.argsort(self.row_keys, kind="stable")
            self._keys_in_order = (self.row_keys[order], order)
        in_order, order = self._keys_in_order
        fits = np.append(self.feasible(extents.points), False)  # position -1: no point
        for value_of, rest_of, at_of, mine, put in ((extents.lo, extents.rest_lo, extents.lo_at, out.lo, out.set_lo),
                                                    (extents.hi, extents.rest_hi, extents.hi_at, out.hi, out.set_hi)):
            todo = np.flatnonzero(np.isnan(mine) & ~np.isnan(value_of) & fits[at_of])
            if not todo.size:
                continue
            # every resting row of every extent at once: its key's place among this program's keys
            rests = [rest_of[j] for j in todo.tolist()]
            lengths = np.array([rest.size for rest in rests], np.int64)
            wanted = keys[np.concatenate(rests)] if lengths.sum() else np.zeros(0, np.int64)
            at = np.minimum(np.searchsorted(in_order, wanted), max(in_order.size - 1, 0))
            alike = (in_order[at] == wanted) if in_order.size else np.zeros(wanted.size, bool)
            holds = np.bincount(np.repeat(np.arange(todo.size), lengths), weights=~alike, minlength=todo.size) == 0
            here = np.split(order[at] if in_order.size else at, np.cumsum(lengths)[:-1])
            for point in np.unique(at_of[todo[holds]]).tolist():  # each point kept once, with the extents reached at it
                picked = np.flatnonzero(holds & (at_of[todo] == point))
                js = todo[picked]
                put(js, value_of[js], [here[i] for i in picked.tolist()], extents.points[point])

    def side_by_side(self, jobs: Sequence, solve: Callable[["ReaderProgram", object], object]) -> list:
        """``solve(program, job)`` for every job, half of them on a twin of this program, on two cores where there are.

        HiGHS lets go of Python while it solves, so two programs solve in two threads at
        once (a user's run keeps one core of two busy; a nested run's bounds are mostly
        such programs). The jobs alternate between the two programs in the same order
        whatever the machine, so the answers never depend on how many cores it has. Fewer
        than :data:`SIDE_BY_SIDE_FROM` jobs are solved here, one after the other.

        Examples
        --------
        >>> program = ReaderProgram(sparse.csr_matrix(np.ones((1, 3))), np.array([12.0]), sparse.csr_matrix((0, 3)), np.zeros(0), np.zeros(0))
        >>> rows = sparse.identity(3, format="csr")
        >>> [value for _, value, _, _ in program.side_by_side(list(range(3)), lambda p, j: p._optimise(rows[j]))]
        [12.0, 12.0, 12.0]
        """
        if len(jobs) < SIDE_BY_SIDE_FROM:
            return [solve(self, job) for job in jobs]
        first, second = self._on_two(lambda program, part: [solve(program, job) for job in part], list(jobs[0::2]), list(jobs[1::2]))
        out: list = [None] * len(jobs)
        out[0::2], out[1::2] = first, second
        return out

    def _on_two(self, solve: Callable[["ReaderProgram", object], object], first: object, second: object) -> tuple:
        """``solve(self, first)`` and ``solve(twin, second)``: in two threads where there are two cores."""
        if self._twin is None:
            self._twin = ReaderProgram(self.a_eq, self.b_eq, self.a_range, self.lower, self.upper, eq_labels=self.eq_labels)
        if _cores() < 2:
            answers = solve(self, first), solve(self._twin, second)
        else:
            mine, theirs = _pool().submit(solve, self, first), _pool().submit(solve, self._twin, second)
            answers = mine.result(), theirs.result()
        # points the twin found are this program's too (the same constraints)
        self.points += self._twin.points
        self._twin.points = []
        return answers

    def clear_many(self, target: sparse.csr_matrix, k: int, *, stale: int = 2, few: int = 5) -> np.ndarray:
        """Targets not yet shown to reach ``k`` (True), after programs that raise many at once.

        Each program maximises a weighted sum of ``min(x_t, k + 2)`` over the targets left;
        random weights make it concentrate counts on some targets rather than spread them.
        Its optimum is a point of fractions at the cap as often as not: raised two above
        ``k``, a target is taken as reaching ``k`` in whole counts too (:func:`_reaches`),
        at ``k`` in fractions it would not be.
        The program is built once in HiGHS: each round only changes the weights, so the
        simplex starts from the last round's optimum. Stops after ``stale`` programs in a
        row clear fewer than ``few`` targets: a round costs about as much as ten programs of
        one target each, and each of those clears others on its way too.
        """
        n_t = target.shape[0]
        todo = np.ones(n_t, dtype=bool)
        highs = self._capped(target, k + _WHOLE_MARGIN)
        rng = np.random.default_rng(7)
        capped = np.arange(self.n, self.n + n_t, dtype=np.int32)
        misses = 0
        while todo.any() and misses < stale:
            highs.changeColsCost(n_t, capped, np.where(todo, rng.uniform(1.0, 2.0, n_t), 0.0))
            highs.run()
            status = highs.getModelStatus()
            if status == highspy.HighsModelStatus.kInfeasible:
                raise ValueError("the released counts contradict each other: no counts fit them all")
            if status != highspy.HighsModelStatus.kOptimal:
                break  # leave the targets to a program each
            x = np.asarray(highs.getSolution().col_value)[: self.n]
            reached = _reaches(target, x[None, :], k)
            cleared = int((reached & todo).sum())
            if cleared:
                self.points.append(x)
            misses = 0 if cleared >= min(few, todo.sum()) else misses + 1
            todo &= ~reached
        return todo

    def _capped(self, target: sparse.csr_matrix, cap: float) -> "highspy.Highs":
        """The program with one more variable per target, ``y_t <= min(x_t, cap)``, to maximise."""
        n_t = target.shape[0]
        lean = self._lean_rows
        rows = sparse.vstack([
            sparse.hstack([lean, sparse.csr_matrix((lean.shape[0], n_t))]),
            sparse.hstack([-target, sparse.identity(n_t, format="csr")]),
        ]).tocsr()
        lo = np.concatenate([self._lean_lower, np.full(n_t, -np.inf)])
        hi = np.concatenate([self._lean_upper, np.zeros(n_t)])
        highs = _counts_model(rows, lo, hi)
        capped = np.arange(self.n, self.n + n_t, dtype=np.int32)
        highs.changeColsBounds(n_t, capped, np.zeros(n_t), np.full(n_t, float(cap)))
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        return highs

    def feasible(self, points: np.ndarray | sparse.csr_matrix, tol: float = 1e-6) -> np.ndarray:
        """Which points (one per row, dense or sparse) meet every constraint of the program, to ``tol``."""
        if sparse.issparse(points):  # a few hundred at a time: rows x points is dense
            points = sparse.csr_matrix(points)
            return np.concatenate([self.feasible(points[i:i + 256].toarray(), tol) for i in range(0, points.shape[0], 256)] or [np.zeros(0, bool)])
        points = np.atleast_2d(np.asarray(points, float))
        ok = (points >= -tol).all(axis=1)
        if self.n_eq:
            ok &= (np.abs(self.a_eq @ points.T - self.b_eq[:, None]) <= tol * (1 + np.abs(self.b_eq[:, None]))).all(axis=0)
        if self.a_range.shape[0]:
            values = self.a_range @ points.T
            ok &= ((values >= self.lower[:, None] - tol) & (values <= self.upper[:, None] + tol)).all(axis=0)
        return ok

    def open_targets(self, rows: list[sparse.csr_matrix], k: int, *, points: list[np.ndarray] = ()) -> list[tuple[int, float, np.ndarray]]:
        """The targets whose largest value is below ``k``: (position, largest, row duals: equalities then ranges).

        ``points``: candidate points (from programs on the same unknowns); those meeting
        this program's constraints clear the targets they raise to ``k`` first.
        """
        target = sparse.vstack(rows).tocsr()
        reached = np.zeros(target.shape[0], dtype=bool)
        if len(points):
            inside = np.stack(points)[self.feasible(np.stack(points))]
            if len(inside):
                reached = _reaches(target, inside, k)
        todo = ~reached
        left = np.flatnonzero(todo)
        if left.size >= SIDE_BY_SIDE_FROM:
            # programs raising many at once, on the two halves of the targets side by side
            mine, theirs = self._on_two(lambda program, order: program.clear_many(target[order], k), left[0::2], left[1::2])
            todo[left[0::2]], todo[left[1::2]] = mine, theirs
        elif left.size:
            todo[left] = self.clear_many(target[left], k)
        left = np.flatnonzero(todo)
        if left.size < SIDE_BY_SIDE_FROM:
            return self._one_by_one(target, rows, left, k)
        # the targets left alternate between this program and its twin (side_by_side); each
        # clears its own with the points it finds, and hands them back in the same order
        mine, theirs = self._on_two(lambda program, order: program._one_by_one(target, rows, order, k), left[0::2], left[1::2])
        return sorted(mine + theirs, key=lambda found: found[0])

    def held_above_zero(self, rows: list[sparse.csr_matrix], *, points: Sequence[np.ndarray] = (), stale: int = 2,
                        few: int = 5) -> list[tuple[int, float, np.ndarray]]:
        """The targets no whole counts of the program put at 0: (position, smallest, row duals: equalities then ranges).

        A count a reader can show is never 0 tells that some of its units exist, whatever its
        size (a withheld count of a small group: :mod:`~tfanalysis.publication.small_groups`).
        Whole points found before (``points``, and those of this program) that meet its
        constraints clear the targets at 0 there. Then programs minimising a weighted sum of
        the targets left send many to 0 at once; an optimum in fractions clears them once
        whole counts with those targets at 0 are found (:meth:`_whole_with`). The rest take a
        program each: a smallest value above 0 in fractions is at least 1 in whole counts.

        Examples
        --------
        >>> # x0 + x1 = 3 and x1 + x2 = 2 shown: x1 is at most 2, so x0 at least 1; x2 can be 0 (x1 = 2)
        >>> lp = ReaderProgram(sparse.csr_matrix([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]), [3.0, 2.0], sparse.csr_matrix((0, 3)), [], [])
        >>> rows = [sparse.csr_matrix(np.array([[1.0, 0.0, 0.0]])), sparse.csr_matrix(np.array([[1.0, 1.0, 0.0]])),
        ...         sparse.csr_matrix(np.array([[0.0, 0.0, 1.0]]))]
        >>> [(j, smallest) for j, smallest, _ in lp.held_above_zero(rows)]
        [(0, 1.0), (1, 3.0)]
        """
        target = sparse.vstack(rows).tocsr()
        todo = np.ones(target.shape[0], dtype=bool)
        known = [*points, *self.points]
        if known:
            stack = np.stack(known)
            inside = stack[self.feasible(stack) & (np.abs(stack - np.round(stack)) <= 1e-6).all(axis=1)]
            if len(inside):
                todo &= ~(np.asarray(target @ inside.T) <= 1e-6).any(axis=1)
        rng = np.random.default_rng(11)
        misses = 0
        while todo.sum() > 1 and misses < stale:
            left = np.flatnonzero(todo)
            cost = sparse.csr_matrix(rng.uniform(1.0, 2.0, (1, left.size))) @ target[left]
            status, _, x, _ = self._optimise(sparse.csr_matrix(cost), maximise=False)
            if status != "optimal":
                break
            at_zero = left[np.asarray(target[left] @ x).ravel() <= 1e-6]
            point = self._whole_with(target[at_zero], x) if at_zero.size else None
            if point is None:
                misses += 1
                continue
            self.points.append(point)
            cleared = todo & (np.asarray(target @ point).ravel() <= 1e-6)
            misses = 0 if cleared.sum() >= min(few, todo.sum()) else misses + 1
            todo &= ~cleared
        out = []
        for j in np.flatnonzero(todo).tolist():
            if not todo[j]:  # at 0 at a point found on the way
                continue
            todo[j] = False
            status, value, x, duals = self._optimise(target[j], maximise=False)
            if value > 1e-6:
                out.append((j, float(np.ceil(value - 1e-6)), duals))
                continue
            point = self._whole_with(target[j], x)
            if point is None:
                out.append((j, 1.0, duals))
                continue
            self.points.append(point)
            todo &= ~(np.asarray(target @ point).ravel() <= 1e-6)
        return out

    def _whole_with(self, zero: sparse.csr_matrix, x: np.ndarray) -> np.ndarray | None:
        """Whole counts meeting the program with every row of ``zero`` at 0; ``x`` is such a point in fractions.

        ``x`` itself where it is whole, or rounded where that still meets the constraints;
        otherwise :func:`whole_point` on the program with those rows held at 0.
        """
        rounded = np.round(x) + 0.0
        if self.feasible(rounded)[0] and (np.asarray(zero @ rounded).ravel() <= 1e-6).all():
            return rounded
        zeros = np.zeros(zero.shape[0])
        return whole_point(sparse.vstack([self.rows, zero]).tocsr(), np.append(self.row_lower, zeros), np.append(self.row_upper, zeros))

    def _one_by_one(self, target: sparse.csr_matrix, rows: list[sparse.csr_matrix], order: np.ndarray, k: int) -> list[tuple[int, float, np.ndarray]]:
        """:meth:`open_targets` for the targets ``order`` names, a program each; each optimum clears those of them it raises to ``k``."""
        todo = np.zeros(target.shape[0], dtype=bool)
        todo[order] = True
        out = []
        for j in order:
            if not todo[j]:
                continue
            status, value, x, duals = self._largest(rows[j])
            if status == "unbounded":
                todo[j] = False
                continue
            # the optimum is a point every target is evaluated at: those reaching k are cleared
            raised = _reaches(target, x[None, :], k)
            if (raised & todo).any():
                self.points.append(x)
            todo &= ~raised
            if k - 1e-6 <= value < k + _WHOLE_MARGIN and not raised[j]:
                points = len(self.points)
                value = self._whole(rows[j], value, k, x)
                for point in self.points[points:]:  # whole counts found: other targets are read there too
                    todo &= ~_reaches(target, point[None, :], k)
            if value < k - 1e-6:
                out.append((int(j), float(np.floor(value + 1e-6)), duals))
            todo[j] = False
        return out

    def _whole(self, row: sparse.csr_matrix, value: float, k: int, optimum: np.ndarray) -> float:
        """The largest value with counts as whole numbers (the reader knows they are), or ``value`` if it reaches ``k``.

        The optimum in fractions usually has whole counts reaching ``k`` close by: first
        whole counts are sought that differ from it only in its fractions and in the
        counts sharing a small released count with them (:meth:`_whole_near`); only if
        none is found, the integer program on every count.
        """
        for size in (10, 25, 100):
            point = self._whole_near(row, k, optimum, size)
            if point is not None:
                self.points.append(point)
                return value
        cost = row.toarray().ravel()
        best = whole_program(cost, self.rows, self.row_lower, self.row_upper, maximise=True)
        return min(value, float(cost @ best)) if best is not None else value

    def _whole_near(self, row: sparse.csr_matrix, k: int, optimum: np.ndarray, size: int) -> np.ndarray | None:
        """Whole counts with ``row`` at ``k`` or more, equal to ``optimum`` where it is whole and far from its fractions."""
        rounded = np.round(optimum)
        fraction = np.abs(optimum - rounded) > 1e-6
        small = self._small_rows(size)
        touched = np.asarray(small[:, fraction].sum(axis=1)).ravel() > 0
        free = fraction | (np.asarray(small[touched].sum(axis=0)).ravel() > 0)
        # the program on the free counts alone, the others held at their whole values
        held = np.where(free, 0.0, rounded)
        filled = self.rows @ held
        sub = self._by_column()[:, free].tocsr()
        in_play = np.diff(sub.indptr) > 0
        rows = sparse.vstack([sub[in_play], row.tocsc()[:, free]]).tocsr()
        near = whole_point(rows, np.append((self.row_lower - filled)[in_play], k - (row @ held)[0]),
                           np.append((self.row_upper - filled)[in_play], np.inf))
        if near is None:
            return None
        point = rounded.copy()
        point[free] = np.round(near)
        return point if self.feasible(point)[0] and (row @ point)[0] >= k - 1e-6 else None

    def _by_column(self) -> sparse.csc_matrix:
        """The constraint rows stored by column, for picking unknowns out (built once)."""
        if self._columns is None:
            self._columns = self.rows.tocsc()
        return self._columns

    def _small_rows(self, size: int) -> sparse.csc_matrix:
        """The released counts over at most ``size`` unknowns, those left out of the program too (built once per size).

        They say which unknowns lie close together: a count withheld with its line
        restricts nothing, but the unknowns it sums are neighbours all the same.
        """
        if size not in self._small:
            # which unknowns a row holds, not with what sign (an equation tying unknowns has -1s)
            self._small[size] = abs(sparse.vstack([m[np.diff(m.indptr) <= size] for m in (self.a_eq, self.a_range)])).tocsc()
        return self._small[size]


class Extents:
    """The smallest and largest values of several counts, the rows each rests on, and the points each was reached at.

    Read as a list of ``(smallest, largest, resting)`` (``resting``: a mask over the
    program's rows, equations then ranges). Each point is kept once (sparse rows of
    ``points``); ``lo_at`` and ``hi_at`` give each count's, -1 where there is none (no
    largest value, or too many entries to keep: :data:`KEEP_ENTRIES`).

    Examples
    --------
    >>> # x0 + x1 = 12 shown, both hidden (at least 1): each is 1..11
    >>> program = ReaderProgram(sparse.csr_matrix([[1.0, 1.0]]), [12.0], sparse.identity(2, format="csr"), np.ones(2), np.full(2, np.inf))
    >>> extents = program.extents_of_ranged(np.arange(2))
    >>> [(lo, round(hi)) for lo, hi, _ in extents], bool((extents.hi_at >= 0).all())
    ([(1.0, 11), (1.0, 11)], True)
    """

    KEEP_ENTRIES = 5_000_000
    """Most entries of points kept (about 60 MB), for the passes of one ``find_leaks`` call; the extents of points past it are solved again."""

    def __init__(self, lo: np.ndarray, hi: np.ndarray, rest_lo: list, rest_hi: list, points: sparse.csr_matrix,
                 lo_at: np.ndarray, hi_at: np.ndarray, n_rows: int) -> None:
        self.lo, self.hi, self.rest_lo, self.rest_hi = lo, hi, rest_lo, rest_hi
        self.points, self.lo_at, self.hi_at, self.n_rows = points, lo_at, hi_at, n_rows
        self._new: list = []  # points found (sparse rows), not yet among ``points`` (kept)
        self._entries = points.nnz
        self._last: tuple | None = None  # (the point last added, its number)

    @classmethod
    def empty(cls, size: int, n: int, n_rows: int) -> "Extents":
        return cls(np.full(size, np.nan), np.full(size, np.nan), [None] * size, [None] * size, sparse.csr_matrix((0, n)),
                   np.full(size, -1, np.int64), np.full(size, -1, np.int64), n_rows)

    def __len__(self) -> int:
        return self.lo.size

    def __getitem__(self, j: int) -> tuple[float, float, np.ndarray]:
        resting = np.zeros(self.n_rows, bool)
        resting[self.rest_lo[j]] = True
        resting[self.rest_hi[j]] = True
        return float(self.lo[j]), float(self.hi[j]), resting

    def __iter__(self):
        return (self[j] for j in range(len(self)))

    def taken(self, positions: np.ndarray) -> "Extents":
        """The extents at ``positions`` (-1: none), in that order."""
        has = positions >= 0
        at = np.where(has, positions, 0)

        def pick(values: np.ndarray, empty: float) -> np.ndarray:
            return np.where(has, values[at], empty) if len(self) else np.full(positions.size, empty)
        return Extents(pick(self.lo, np.nan), pick(self.hi, np.nan), [self.rest_lo[p] if p >= 0 else None for p in positions.tolist()],
                       [self.rest_hi[p] if p >= 0 else None for p in positions.tolist()], self.points,
                       pick(self.lo_at, -1).astype(np.int64), pick(self.hi_at, -1).astype(np.int64), self.n_rows)

    def where(self, lo_holds: np.ndarray, hi_holds: np.ndarray) -> "Extents":
        """These extents' smallest values where ``lo_holds``, largest where ``hi_holds``; the rest unknown."""
        return Extents(np.where(lo_holds, self.lo, np.nan), np.where(hi_holds, self.hi, np.nan),
                       [r if h else None for r, h in zip(self.rest_lo, lo_holds)], [r if h else None for r, h in zip(self.rest_hi, hi_holds)],
                       self.points, np.where(lo_holds, self.lo_at, -1), np.where(hi_holds, self.hi_at, -1), self.n_rows)

    def _point(self, x: np.ndarray | sparse.csr_matrix | None) -> int:
        """The number of point ``x`` (kept once if it is the point just added), -1 for none or past :data:`KEEP_ENTRIES`."""
        if x is None:
            return -1
        if self._last is not None and self._last[0] is x:
            return self._last[1]
        row = sparse.csr_matrix(x).reshape(1, -1)
        if self._entries + row.nnz > self.KEEP_ENTRIES:
            return -1
        self._new.append(row)
        self._entries += row.nnz
        self._last = (x, self.points.shape[0] + len(self._new) - 1)
        return self._last[1]

    def set_lo(self, js: np.ndarray, values: np.ndarray, resting: list, x: np.ndarray | None) -> None:
        """The smallest values of counts ``js``, what each rests on, and the point they are reached at."""
        self._set(self.lo, self.rest_lo, self.lo_at, js, values, resting, x)

    def set_hi(self, js: np.ndarray, values: np.ndarray, resting: list, x: np.ndarray | None) -> None:
        """The largest values of counts ``js``, as :meth:`set_lo`."""
        self._set(self.hi, self.rest_hi, self.hi_at, js, values, resting, x)

    def _set(self, value_of: np.ndarray, rest_of: list, at_of: np.ndarray, js: np.ndarray, values: np.ndarray,
             resting: list, x: np.ndarray | None) -> None:
        at = self._point(x)
        value_of[js] = values
        at_of[js] = at
        for j, rest in zip(js.tolist(), resting):
            rest_of[j] = rest

    def kept(self) -> "Extents":
        """These extents with the points found added to ``points``."""
        if self._new:
            self.points = sparse.vstack([self.points, *self._new]).tocsr()
            self._new, self._last = [], None
        return self


def whole_program(cost: np.ndarray, rows: sparse.csr_matrix, row_lower: np.ndarray, row_upper: np.ndarray, *,
                  maximise: bool = False) -> np.ndarray | None:
    """Whole counts ``x >= 0`` with ``row_lower <= rows @ x <= row_upper`` making ``cost @ x`` smallest (largest).

    HiGHS's branch and bound, called directly: the HiGHS inside scipy's ``milp`` is older
    and took twice as long on the reader's programs. None when no whole counts fit.

    Examples
    --------
    >>> # x0 + x1 <= 1.5 and x0 - x1 = 0 in whole counts: only (0, 0)
    >>> whole_program(np.array([1.0, 1.0]), sparse.csr_matrix([[1.0, 1.0], [1.0, -1.0]]), np.array([0.0, 0.0]),
    ...               np.array([1.5, 0.0]), maximise=True).tolist()
    [0.0, 0.0]
    >>> whole_program(np.zeros(1), sparse.csr_matrix([[2.0]]), np.array([1.0]), np.array([1.0])) is None
    True
    """
    n = rows.shape[1]
    highs = _counts_model(rows, row_lower, row_upper)
    highs.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger))
    highs.changeColsCost(n, np.arange(n, dtype=np.int32), np.asarray(cost, float))
    if maximise:
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.round(np.asarray(highs.getSolution().col_value)) + 0.0  # no -0.0


def whole_point(rows: sparse.csr_matrix, row_lower: np.ndarray, row_upper: np.ndarray, *, tries: int = 20) -> np.ndarray | None:
    """Some whole counts ``x >= 0`` with ``row_lower <= rows @ x <= row_upper``, or None if there are none.

    Vertices first: the program in fractions with a random objective, from one vertex to
    the next (the simplex goes on from the last), is usually at whole counts on the
    reader's programs, a hundredth of an integer program's cost; no point in fractions
    means none in whole counts either. After ``tries`` vertices of fractions, the integer
    program (:func:`whole_program`) decides. Seeded: the same answer every time.

    Examples
    --------
    >>> # x0 + x1 = 3 and x1 + x2 = 2: vertices are whole (an interval matrix)
    >>> point = whole_point(sparse.csr_matrix([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]), np.array([3.0, 2.0]), np.array([3.0, 2.0]))
    >>> bool(point @ [1, 1, 0] == 3 and point @ [0, 1, 1] == 2)
    True
    >>> # x0 + x1 = 1, x1 + x2 = 1, x0 + x2 = 1: only (1/2, 1/2, 1/2)
    >>> whole_point(sparse.csr_matrix([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0]]), np.ones(3), np.ones(3)) is None
    True
    """
    n = rows.shape[1]
    highs = _counts_model(rows, row_lower, row_upper)
    rng = np.random.default_rng(0)
    columns = np.arange(n, dtype=np.int32)
    for _ in range(tries):
        highs.changeColsCost(n, columns, rng.uniform(0.0, 1.0, n))  # positive: bounded below by 0
        highs.run()
        status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            break
        x = np.asarray(highs.getSolution().col_value)
        whole = np.round(x) + 0.0
        if np.all(np.abs(x - whole) <= 1e-6) and np.all(rows @ whole >= row_lower - 1e-9) and np.all(rows @ whole <= row_upper + 1e-9):
            return whole
    return whole_program(np.zeros(n), rows, row_lower, row_upper)


def lean_rows(rows: sparse.csr_matrix, lower: np.ndarray, upper: np.ndarray, *,
              shown: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray, sparse.csr_matrix, np.ndarray]:
    """The same constraints, each sum less the shown counts strictly inside it.

    A row that sums unknowns (every coefficient 1) holds the shown counts inside it (rows
    ``shown``, with ``lower == upper``): a county's needs in all services, the county's
    needs per service. Less the largest of them that do not overlap, it sums only the
    unknowns they leave, between bounds less their values. Each new row is the old one
    less rows that are kept, so the two sets of rows allow exactly the same points; a row
    nothing is left of (a total its shown parts tile) holds nothing more and is left out.
    A national table's totals hold most of its unknowns: this way each unknown lies in a
    few rows instead of every total above it, and every step of a solver is cheaper.

    Parameters
    ----------
    rows : scipy.sparse.csr_matrix
        The constraints, ``lower <= rows @ x <= upper``.
    lower, upper : numpy.ndarray
        Their bounds.
    shown : numpy.ndarray of bool
        The rows that are shown counts (equations).

    Returns
    -------
    lean : scipy.sparse.csr_matrix
        The rows kept, less the shown counts inside each.
    lean_lower, lean_upper : numpy.ndarray
        Their bounds.
    back : scipy.sparse.csr_matrix
        ``lean = back @ rows``: the duals of the lean rows, ``back.T @ duals``, are duals
        of ``rows`` for the same optimum.
    lean_of : numpy.ndarray of int
        Each row's position among the lean rows, -1 where it is left out.

    Examples
    --------
    >>> # a total of 12 over three unknowns, its first two shown as 7; the last hidden, 1 to 10
    >>> rows = sparse.csr_matrix([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> lean, lo, hi, back, lean_of = lean_rows(rows, np.array([12.0, 7.0, 1.0]), np.array([12.0, 7.0, 10.0]),
    ...                                         shown=np.array([True, True, False]))
    >>> lean.toarray().tolist(), lo.tolist(), hi.tolist(), lean_of.tolist()
    ([[0.0, 0.0, 1.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [5.0, 7.0, 1.0], [5.0, 7.0, 10.0], [0, 1, 2])
    """
    rows = sparse.csr_matrix(rows)
    n = rows.shape[0]
    lower, upper = np.asarray(lower, float), np.asarray(upper, float)
    ones = np.ones(n, bool)
    has = np.diff(rows.indptr) > 0
    if rows.nnz:
        ones[has] = np.logical_and.reduceat(rows.data == 1, rows.indptr[:-1][has])
    sums = ones & has
    inner = np.flatnonzero(sums & np.asarray(shown, bool) & (lower == upper))
    pattern = sparse.csr_matrix((np.ones(rows.nnz, np.int64), rows.indices, rows.indptr), shape=rows.shape)
    size = np.diff(pattern.indptr)
    is_inner = np.zeros(n, bool)
    is_inner[inner] = True
    # the largest shown counts inside each sum: none between it and them
    largest = largest_inside(sparse.csr_matrix(rows_inside(pattern, is_inner).multiply(sums[:, None])))
    cover = (largest @ pattern).tocsr()
    overlapping = np.flatnonzero(cover.max(axis=1).toarray().ravel() > 1) if n else np.zeros(0, np.int64)
    if overlapping.size:  # largest counts that overlap (two tables cutting one total): the larger first, none overlapping
        largest = largest.tolil()
        taken = np.zeros(rows.shape[1], bool)
        for r in overlapping.tolist():
            keep = []
            for s in sorted(largest.rows[r], key=lambda s: (-size[s], s)):
                mine = pattern.indices[pattern.indptr[s]:pattern.indptr[s + 1]]
                if not taken[mine].any():
                    taken[mine] = True
                    keep.append(s)
            taken[pattern[keep].indices] = False  # cleared for the next row
            largest.rows[r], largest.data[r] = keep, [1] * len(keep)
        largest = largest.tocsr()
    back = (sparse.identity(n, format="csr") - largest.astype(float)).tocsr()
    lean = (back @ rows).tocsr()
    lean.eliminate_zeros()
    value = np.zeros(n)
    value[inner] = lower[inner]
    shift = largest.astype(float) @ value
    lean_lower, lean_upper = lower - shift, upper - shift
    left = np.diff(lean.indptr) > 0
    # nothing left of a row: kept only if its bounds exclude zero (counts that contradict each other)
    kept = np.flatnonzero(left | (lean_lower > 1e-9) | (lean_upper < -1e-9))
    lean_of = np.full(n, -1, np.int64)
    lean_of[kept] = np.arange(kept.size)
    return lean[kept], lean_lower[kept], lean_upper[kept], back[kept], lean_of


def _counts_model(rows: sparse.csr_matrix, row_lower: np.ndarray, row_upper: np.ndarray) -> "highspy.Highs":
    """HiGHS holding counts ``x >= 0`` and ``row_lower <= rows @ x <= row_upper`` (no objective yet)."""
    n = rows.shape[1]
    inf = highspy.kHighsInf
    highs = _highs()
    highs.addVars(n, np.zeros(n), np.full(n, inf))
    if rows.shape[0]:
        rows = rows.tocsr()
        lower = np.where(np.isneginf(row_lower), -inf, row_lower).astype(float)
        upper = np.where(np.isposinf(row_upper), inf, row_upper).astype(float)
        highs.addRows(rows.shape[0], lower, upper, rows.nnz, rows.indptr[:-1].astype(np.int32), rows.indices.astype(np.int32),
                      rows.data.astype(float))
    return highs


def whole_range(lo: float, hi: float) -> tuple[float, float]:
    """The range in whole counts inside a range in fractions (to a tolerance of the solver's).

    Examples
    --------
    >>> whole_range(2.5, 7.999999999), whole_range(0.2, np.inf)
    ((3.0, 8.0), (1.0, inf))
    """
    return float(np.ceil(lo - 1e-6)), (float(np.floor(hi + 1e-6)) if np.isfinite(hi) else np.inf)


EXTENTS_AT_ONCE = 256
""":meth:`ReaderProgram.extents_of_ranged` solves this many counts' extents side by side at a time (their points are held till kept)."""


SIDE_BY_SIDE_FROM = 16
"""Fewest jobs :meth:`ReaderProgram.side_by_side` splits between two programs (building the twin costs about one program)."""


_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    """Two threads kept for the process: HiGHS sets up its task scheduler once per thread, not once per call."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tfanalysis-highs")
    return _POOL


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


_WHOLE_MARGIN = 2
"""An optimum this far above the threshold is taken as reached without whole numbers."""


def _reaches(target: sparse.csr_matrix, points: np.ndarray, k: int) -> np.ndarray:
    """Targets some point raises to ``k``: in whole numbers, or far enough above ``k``.

    The reader knows counts are whole: a point of fractions at ``k`` may stand for no whole
    counts at ``k`` (its optimum is then checked with integrality, :meth:`ReaderProgram._whole`).
    A point of whole numbers is itself an answer of the program in whole numbers.
    """
    values = np.asarray(target @ points.T)  # targets × points
    whole = (np.abs(points - np.round(points)) <= 1e-6).all(axis=1)
    return ((values >= k + _WHOLE_MARGIN - 1e-6) | ((values >= k - 1e-6) & whole[None, :])).any(axis=1)


_BANNER_SHOWN = False


def _highs() -> "highspy.Highs":
    """A silent HiGHS instance (its first construction prints a banner on the C stdout)."""
    global _BANNER_SHOWN
    import os

    if not _BANNER_SHOWN:
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN = True
    else:
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h
