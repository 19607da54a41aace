"""What a reader can work out from every count released together: bounds by linear programming.

A reader holds every released count (of this run and of earlier runs of the same dataset)
and knows what each one counts (:mod:`tfanalysis.publication.cells`). A hidden count is
safe when, whatever else the reader combines, its largest possible value is at least the
threshold ``k``: it is then not pinned down inside 1..k-1 (zero is always shown, so a
hidden count is known to be at least 1). The same goes for any group of units the released
predicates can single out: the difference of a yearly and a half-yearly count is a
quarter's count, published or not.

How it is computed
------------------
For a set ``H`` of columns, the *home cube* splits each column's values into atoms (date
columns at every boundary of a released range; categorical columns by which released sets
hold each value) and takes every combination of atoms as an unknown count ``x >= 0``: the
reader does not know which combinations are empty. Every released count whose predicate
uses only columns of ``H`` is a sum of these unknowns: a visible one fixes the sum, a
hidden one bounds it below by 1, a visible zero fixes each of its unknowns at zero.
Combinations that lie in exactly the same released counts are interchangeable to the
reader and are merged (their signature). Then, for every *target* — a hidden count whose
true value is 1..k-1, and every merged combination whose true count is 1..k-1 — the
largest value the linear program allows is compared with ``k``. Most targets are cleared
together by programs that raise many at once (maximise a weighted sum of ``min(x_t, k)``);
for the rest the program is built once in HiGHS and re-solved per target from the last basis; every
optimum is a point where the other targets are read too, and those reaching ``k`` there are
cleared without a program of their own. A bound just above ``k`` is checked with
integrality (HiGHS's branch and bound, :func:`~tfanalysis.publication.program.whole_program`).
A hidden count withheld with its line (at least 0, no upper bound) restricts nothing and
is left out of the program. A hidden count lying in several cubes has its range worked
out in each; most can be as small as their own floor, which one program minimising them
together shows (:meth:`~tfanalysis.publication.program.ReaderProgram.extents_of_ranged`).
A cube whose every count lies in a cube of more columns takes no part in carrying ranges:
that cube's ranges are never looser (:func:`_not_inside_another`); only the counts shared
by cubes neither of which holds the other have ranges to carry.

Two tables together
-------------------
A one-column count splitting a column finer than the cube's other counts (needs per
month beside a quarter × outcome table) has unknowns of its own, the column's counts per
finer atom, tied to the cube's by one equation per atom it splits: the months' total is
the quarter's (:func:`_finer_than_the_cube`). A released count's margin on the columns
two cubes share is a hidden count of both, withheld, so its range is carried like any
shared count's (:func:`_margins`). Days outside those the units span hold no unit
(:func:`_outside_the_span`), as the keys assume: they are no unknowns of a cube, neither
listed nor counted toward its size (:func:`_without_atoms`). Where every count holding some
atoms of one column takes another column whole (a what-if run's reach is counted in its
period only), that column's atoms lie in the same counts there and would be merged: they
are listed as one (:class:`_Collapse`), which changes no program, only the pairs a cube
lists and is sized by.

What is not covered
-------------------
Cubes are built per set of columns and meet in their shared counts and margins, each
carried as a range of its own, not jointly with the others; cycles of tables are closed
by union cubes (:mod:`~tfanalysis.publication.cubes`) up to :data:`MAX_COMBINATIONS` and
:data:`MAX_INCIDENCE`. A table whose own cube passes them is split by the tables inside it,
and its own counts are then bounded with nothing: the release withholds a table's new
counts there, and withholds the whole of a table that would grow a cube of counts released
before past the limits, recording none of it (:func:`too_large`; docs/disclosure.md, "Not protected").
Values a column never takes in the data are assumed known to be absent, which errs on
the safe side.

Examples
--------
>>> import pandas as pd
>>> from tfanalysis.publication.cells import Interval, predicate

A first half of 20 shown beside its second quarter (12) gives the hidden first quarter back:

>>> units = pd.DataFrame({"day": pd.to_datetime(["2025-01-10"] * 8 + ["2025-04-10"] * 12 + ["2025-08-01"] * 20)})
>>> h1 = predicate(day=Interval("2025-01-01", "2025-06-30"))
>>> q1 = predicate(day=Interval("2025-01-01", "2025-03-31"))
>>> q2 = predicate(day=Interval("2025-04-01", "2025-06-30"))
>>> cells = pd.DataFrame({"pred": [h1, q1, q2], "true": [20, 8, 12], "hidden": [False, True, False]})
>>> [(leak.kind, leak.true, leak.largest) for leak in find_leaks(cells, units, 11)]
[('hidden count', 8, 8.0)]
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict
from itertools import combinations
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from tfanalysis.publication.blocks import CleanBlocks, block_digests
from tfanalysis.publication.cubes import cubes
from tfanalysis.publication.program import ReaderProgram, whole_range
from tfanalysis.publication.cells import Interval, cell_key, column_span, without_the_obvious

__all__ = ["Leak", "MAX_COMBINATIONS", "MAX_INCIDENCE", "SolvedCubes", "find_leaks", "given_away_before", "given_by_shown", "too_large"]

MAX_COMBINATIONS = 4_000_000
"""Most combinations of a home cube solved as a whole; a larger one is split by table (see :func:`find_leaks`)."""

MAX_INCIDENCE = 25_000_000
"""Most (count, combination) pairs of a home cube solved as a whole (its memory); a larger one is split by table.

A cube split by table no longer bounds the counts on all of its columns together with the
others: the demo's what-if tables of needs not met per county and not reached (five
columns, 975,760 combinations, 11.8 million pairs) were split at 400,000 combinations, and
read whole, 65 hidden counts and groups of their cube (report 02's needs per service by
status among them) were pinned inside 1..10.
"""

MAX_SHAPES = 64
"""Cubes whose unknowns and incidence are kept per universe for the next pass (see :func:`_build`), holding
no more entries than two cubes at :data:`MAX_INCIDENCE` (:func:`_keep_within`)."""

MAX_LISTED = 8
"""Cubes whose atoms and counts' combinations are kept per universe for the next table on them (:func:`_atoms_of_cube`, :func:`_listed`)."""

MAX_PAIRED = 6
"""A line of at most this many withheld counts of small groups has each pair of them checked as a sum too (:meth:`_Cube._told_targets`)."""

MAX_POINTS = 400
"""Points kept per cube for the next pass on the same unknowns (newest first)."""

PROVEN_ROUNDS = 2
"""Rounds of carrying ranges whose extents a cube keeps, with their proofs, for the next pass on its unknowns.

The first round is most of the work (no ranges carried in yet); the second is most like the next
pass's second. The last call's are let go at the end of the ranges of the call that reads them.
Each ``Extents`` keeps its points up to ``Extents.KEEP_ENTRIES``: a year run's eleven what-if
cubes keep up to 22 of them between passes (its report 00 peaked at 5.5 GB in its second pass)."""

MAX_EXACT_CHECKS = 64
"""Most hidden counts of one table :func:`worked_out_exactly` gives a program each (two solves)."""

_ONE_DAY = pd.Timedelta(days=1)

_MARGIN = "\x00margin "
"""The start of a shared margin's label (:func:`_margins`): never a released count's. The rest is the
margin's :func:`~tfanalysis.publication.cells.cell_key`, the same in every process (a ``repr`` of its
value sets is not: their order follows the string hash seed), as the digests of blocks read it."""

_TIE = object()
"""The label of an equation tying a cube's unknowns to a finer column's: no released count, nothing to hide."""


@dataclass
class Leak:
    """A group of units a reader can pin inside 1..k-1.

    Attributes
    ----------
    kind : str
        ``hidden count`` (a released count shown as hidden) or ``combination`` (a group
        the released counts single out without showing it); with ``small`` (:func:`find_leaks`)
        also ``withheld zero`` (a small group's withheld count pinned at 0), ``withheld
        count`` (one never 0) and ``withheld group`` (a sum of a line's withheld counts never 0).
    cell : int or None
        Row label (in the ``cells`` frame) of the hidden count; None for a combination.
    columns : tuple of str
        The home cube's columns.
    largest : float
        The largest value a reader can give it (the smallest, for ``withheld count`` and
        ``withheld group``).
    true : int
        Its true count (never shown to anyone; for tests and the private log).
    binding : list of int
        Row labels of the visible counts the bound rests on: hiding one of them loosens it.
    floors : list of int
        Row labels of the hidden counts whose floor the bound rests on (a hidden count is
        at least 1, since zeros are shown): withholding one of them (so that it may be 0)
        loosens it.
    """

    kind: str
    cell: int | None
    columns: tuple[str, ...]
    largest: float
    true: int
    binding: list = field(default_factory=list)
    floors: list = field(default_factory=list)


class SolvedCubes:
    """Cubes built and solved before, reused while they hold the same counts.

    A cube's bounds depend only on its counts (what each counts, its true value, hidden or
    not) and on the units' values in its columns. A report releases many tables that do not
    change a large cube (a monthly series leaves a cube of needs by county and outcome as
    it was): the cube and every program solved on it are kept and read again. A cube whose
    counts are the same but some more of them hidden (the next pass of a table's
    suppression) has the same unknowns: the points where earlier programs raised counts to
    the threshold are checked against its constraints first, and those still inside clear
    their targets without a program; it is built from the same unknowns and incidence
    (``shapes``, which do not depend on what is hidden). One per universe of a
    :class:`~tfanalysis.publication.release.Release`, whose units never change in a column
    once it is there; the cells' labels must name the same count in every call (the
    release labels them by key).

    Parameters
    ----------
    size : int
        How many cubes are kept (the least recently used go first).
    clean : CleanBlocks, optional
        Blocks of programs found to pin nothing, by any call before (of this release, or
        of earlier runs when kept in a file): their targets are not solved again
        (:mod:`~tfanalysis.publication.blocks`). Default: kept in memory for this object.

    Examples
    --------
    >>> solved = SolvedCubes(size=1)
    >>> solved.get("a", lambda: [1]), solved.get("a", lambda: [2]), solved.get("b", lambda: [3]), solved.get("a", lambda: [4])
    ([1], [1], [3], [4])
    """

    def __init__(self, size: int = 64, clean: CleanBlocks | None = None) -> None:
        self.size = size
        self.clean = clean if clean is not None else CleanBlocks()
        self.shapes: OrderedDict = OrderedDict()  # unknowns and incidence of cubes, whichever counts are hidden (_build)
        self.rows: OrderedDict = OrderedDict()  # each count's combinations in the last cube of its columns and atoms (_listed)
        self.atoms: OrderedDict = OrderedDict()  # each cube's atoms, by what it counts: its size, then its build (_atoms_of_cube)
        self.read: OrderedDict = OrderedDict()  # the counts as the cubes read them, by what they count (_cubes_of)
        self.read_as: dict = {}  # each predicate as the cubes read it (_as_read)
        self._parts: OrderedDict = OrderedDict()
        self._last_of: OrderedDict = OrderedDict()
        self.proving: list = []  # the cubes of the last find_leaks call, keeping their extents' proofs

    def get(self, content: object, build: Callable[[], list], counts: object = None) -> list:
        """The cube of ``content`` built before, or ``build()`` kept for the next call.

        ``counts``: what the cube counts without which counts are hidden; a cube built
        before on the same counts lends its points to the new one.
        """
        if content in self._parts:
            self._parts.move_to_end(content)
            return self._parts[content]
        parts = build()
        if counts is not None:
            for new, old in zip(parts, self._last_of.get(counts, [])):
                new.borrow(old)
            self._last_of[counts] = parts
            self._last_of.move_to_end(counts)
            if len(self._last_of) > self.size:
                self._last_of.popitem(last=False)
        self._parts[content] = parts
        while len(self._parts) > self.size:
            self._parts.popitem(last=False)
        return parts


class Ranges(dict):
    """The ranges found so far of hidden counts (label -> (low, high)), counting its changes.

    A cube reads it again only when ``version`` moved: every way of changing it counts.

    >>> ranges = Ranges()
    >>> ranges["a"] = (1.0, 5.0)
    >>> ranges.update(b=(0.0, 3.0))
    >>> ranges.version
    2
    """

    version = 0

    def _changed(name: str):  # type: ignore[misc]  # wraps a dict method that changes the dict
        def method(self, *args, **kwargs):
            out = getattr(dict, name)(self, *args, **kwargs)
            self.version += 1
            return out

        method.__name__ = name
        return method

    __setitem__ = _changed("__setitem__")
    __delitem__ = _changed("__delitem__")
    __ior__ = _changed("__ior__")
    update = _changed("update")
    setdefault = _changed("setdefault")
    pop = _changed("pop")
    popitem = _changed("popitem")
    clear = _changed("clear")
    del _changed


def given_away_before(leak: Leak, earlier: pd.Series, floor: pd.Series) -> bool:
    """Whether earlier runs' releases give a leak away by themselves: what was published cannot be taken back.

    True when the bound's certificate (the counts and floors it rests on, ``leak.binding``
    and ``leak.floors``) is made only of counts earlier runs released (``earlier``, by row
    label), none with a floor read from a tally (``floor`` > 0: floors are not traced to a
    run). The release does not hold such a leak against a new table; the run's audit logs it.

    Examples
    --------
    >>> leak = Leak("hidden count", 2, ("need",), 10.0, 8, binding=[0, 1], floors=[])
    >>> given_away_before(leak, pd.Series([True, True, False]), pd.Series([0, 0, 0]))
    True
    >>> given_away_before(leak, pd.Series([True, False, False]), pd.Series([0, 0, 0]))
    False
    """
    labels = [*leak.binding, *leak.floors]
    return bool(labels) and bool(earlier.loc[labels].all()) and bool((floor.loc[labels] == 0).all())


def _margins(cells: pd.DataFrame, columns_of: pd.Series, every: list[frozenset]) -> pd.DataFrame:
    """Counts no table shows that two cubes share: a released count's margin on the columns they have in common.

    Two cubes meet in the units they share. A count on ``(quarter, county)`` for every county
    makes the quarter's total known in that cube; beside a count of the quarter's needs met
    on ``(quarter, outcome)`` it gives the quarter's needs not met, though no table shows the
    quarter's total. So each released count's margin on the columns it shares with another
    cube (the grand total, for cubes with no column in common) is a count of both cubes,
    hidden and withheld (it says nothing of itself): its range, worked out in one cube, is
    carried to the other like any shared count's. Margins a table releases are not repeated.
    """
    released = set(cells["pred"])
    # a one-column cube inside a larger one shares nothing with a third cube the larger one does not
    meeting = [cube for cube in every if len(cube) > 1 or not any(cube < other for other in every)]
    # the columns a count shares with the cubes not holding it, each once, in the cubes' order:
    # the same for every count on the same columns (a table's thousands of counts, a few sets)
    shared_of = {columns: list(dict.fromkeys(columns & cube for cube in meeting if not columns <= cube))
                 for columns in dict.fromkeys(columns_of)}
    margins: dict = {}
    for pred, columns in zip(cells["pred"], columns_of):
        for shared in shared_of[columns]:
            margin = tuple((c, v) for c, v in pred if c in shared)
            if margin not in released:
                margins.setdefault(margin, None)
    return pd.DataFrame({"pred": list(margins), "true": 0, "hidden": True, "withheld": True, "floor": 0},
                        index=[_MARGIN + cell_key("", m) for m in margins], dtype=object).astype(
                            {"true": np.int64, "hidden": bool, "withheld": bool, "floor": np.int64})


def find_leaks(cells: pd.DataFrame, units: pd.DataFrame, threshold: int, *, must_touch: set | None = None,
               solved: SolvedCubes | None = None, spans: Callable[[str], object] | None = None,
               small: Callable[[list], np.ndarray] | None = None) -> list[Leak]:
    """Every released or singled-out count a reader can pin inside 1..threshold-1.

    Parameters
    ----------
    cells : pandas.DataFrame
        The released counts of one universe: ``pred`` (a canonical predicate), ``true``
        (int), ``hidden`` (bool), optionally ``withheld`` (bool: hidden with its whole
        line, zeros too, so not known to be at least 1), optionally ``floor`` (int: a
        lower bound a reader knows from a tally shown as is; see ``Release.at_least``).
        Any index; leaks refer to it.
    units : pandas.DataFrame
        The universe's units with every column the predicates use (categorical columns
        normalized, dates as datetimes).
    threshold : int
        ``k``: counts 1..k-1 must not be pinned.
    must_touch : set of column-set frozensets, optional
        Check only the cubes whose columns include one of these (the columns of the
        counts just added); default every cube.
    solved : SolvedCubes, optional
        Cubes of earlier calls on the same units, reused where they hold the same counts.
    spans : callable, optional
        A column's :func:`~tfanalysis.publication.cells.column_span` over ``units``, kept by
        the caller; default worked out from ``units`` here.
    small : callable, optional
        Whether each of a list of predicates is part of a small group of people
        (:meth:`~tfanalysis.publication.Release.in_small_group`). Given, a withheld count of
        a small group is a target too: pinned at 0 (none of the group has it) or above 0
        (some do), and so is the sum of a line's withheld counts of one column (the whole
        line's, and each pair's of a short line) whose union lies in a small group (minors of
        nonbinary or of unknown gender: that one of them has a need). Kinds ``withheld
        zero``, ``withheld count`` and ``withheld group``.

    Returns
    -------
    list of Leak

    Notes
    -----
    A hidden count that lies in several cubes (a total shared by tables on different
    columns) can be narrowed in one cube and used in another: its range is worked out in
    each cube it lies in and carried to the others, until no range narrows.
    """
    if cells.empty:
        return []
    cells, chosen, every, released = _cubes_of(cells, units, must_touch, spans, solved)
    if small is not None:
        small = _read_first(small, spans or (lambda column: column_span(units[column])))
    columns_of = cells["pred"].map(lambda p: frozenset(c for c, _ in p))
    hidden = cells["hidden"].to_numpy(bool)
    hidden_columns = columns_of[hidden]
    homes_of = {columns: [c for c in every if columns <= c] for columns in set(hidden_columns)}
    homes = {i: homes_of[columns] for i, columns in zip(cells.index[hidden], hidden_columns)}
    # in the cells' order, not a set's: which range narrows first must not depend on the string hash seed
    shared = [i for i, cs in homes.items() if len(cs) > 1 and any(c in chosen for c in cs)]
    involved = list(dict.fromkeys(chosen + [c for i in shared for c in homes[i]]))
    built = _built(cells, units, involved, released, solved)
    # ranges are carried between parts neither of which holds the other: a part inside a
    # larger one works out no range the larger one does not, and needs none from it
    kept = _not_inside_another([part for cube in involved for part in built[cube]])
    # each part's shared counts, once: in the cells' order, as above; a count only one kept
    # part holds has nowhere to be carried to
    held = Counter(label for part in kept for label in part.position)
    at_shared = {i: n for n, i in enumerate(x for x in shared if held[x] > 1)}
    parts = [(part, sorted((i for i in part.position if i in at_shared), key=at_shared.__getitem__)) for part in kept]
    parts = [(part, mine) for part, mine in parts if mine]
    ranges = Ranges()
    why: dict = {}
    before = {}  # the last call's proofs, read by this call's; each part keeps its own anew
    for part, _ in parts:
        before[id(part)], part._proven = part._proven, {}
    for round_ in range(4):
        narrowed = False
        for part, mine in parts:
            program = part.program(ranges)
            part.work_out_ranges(mine, ranges, round_, before[id(part)])
            # every range this part narrows is read from the one program, then carried at once:
            # one change of the ranges per part, not one per count (each change is a new key to
            # look the part's answers up by, the cost of a run with thousands of shared counts)
            found = {}
            for i in mine:
                lo, hi, resting = part.range_of(i, ranges)
                old = ranges.get(i, (0.0, np.inf))
                new = (max(old[0], lo), min(old[1], hi))
                if new != old:
                    found[i] = new
                    # the shown counts it rests on, and what narrowed the hidden ones it rests on
                    # (frozensets, joined in C: near a national table's lines they hold thousands)
                    labels = _shown_resting(program, resting)
                    carried = [why[x] for x in (program.range_labels[r] for r in np.flatnonzero(resting[program.n_eq:])) if x in why]
                    why[i] = why.get(i, frozenset()).union(labels, *carried)
            if found:
                ranges.update(found)
                narrowed = True
        if not narrowed:
            break
    del before
    for part, _ in parts:  # their points serve the passes of this call only
        part._last_extents = None
    # the extents' proofs serve the next call on the same unknowns (the table's next pass), not
    # the cubes of tables done with: only this call's parts keep theirs
    if solved is None:
        for part, _ in parts:
            part._proven = {}
    else:
        now = {id(part) for part, _ in parts}
        for part in solved.proving:
            if id(part) not in now:
                part._proven = {}
        solved.proving = [part for part, _ in parts]
    leaks: list[Leak] = []
    seen: set = set()
    # a shared count narrowed in a chosen cube is checked in its own home too; a part two cubes
    # hold (a cube too large to solve whole, split into the cube of a table inside it) is checked once
    for part in dict.fromkeys(part for cube in involved for part in built[cube]):
        for leak in part.leaks(ranges, threshold, why, solved.clean if solved is not None else None, small):
            if leak.cell is None or leak.cell not in seen:
                seen.add(leak.cell)
                leaks.append(leak)
    return leaks


def _read_first(small: Callable[[list], np.ndarray], span_of: Callable[[str], object]) -> Callable[[list], np.ndarray]:
    """``small`` of predicates read without what every unit meets: a line's withheld counts of every status
    add up to the count without a status, whose groups are not those of a set holding every status."""
    def read(preds: list) -> np.ndarray:
        return small([without_the_obvious(p, {c: span_of(c) for c, _ in p}) for p in preds])
    return read


def too_large(cells: pd.DataFrame, units: pd.DataFrame, column_sets: list[frozenset], *,
              spans: Callable[[str], object] | None = None, solved: "SolvedCubes | None" = None) -> set[frozenset]:
    """The cubes of ``column_sets`` too large to solve whole (:data:`MAX_COMBINATIONS`, :data:`MAX_INCIDENCE`).

    :func:`find_leaks` splits such a cube by the tables inside it, and the counts on all of
    its columns lie in none of the parts: they are bounded with nothing (the release
    withholds a table's new counts there, and the whole of a table that would grow a cube of
    earlier counts past the limits: :meth:`~tfanalysis.publication.release.Release.table`).
    ``cells``, ``spans`` and ``solved`` as for :func:`find_leaks`; nothing is listed, only counted.

    Examples
    --------
    >>> from tfanalysis.publication.cells import predicate
    >>> units = pd.DataFrame({"a": list("xxyy"), "b": list("pqpq"), "c": list("uuvv")})
    >>> cells = pd.DataFrame({"pred": [predicate(a="x", b="p", c="u")], "true": [1], "hidden": [True]})
    >>> too_large(cells, units, [frozenset("abc")])
    set()
    >>> import tfanalysis.publication.bounds as bounds; limit = bounds.MAX_COMBINATIONS
    >>> bounds.MAX_COMBINATIONS = 7  # (a, b, c): 2 atoms per column, 8 combinations
    >>> sorted(map(sorted, too_large(cells, units, [frozenset("abc"), frozenset("ab")])))
    [['a', 'b', 'c']]
    >>> bounds.MAX_COMBINATIONS = limit
    """
    if cells.empty:
        return set()
    cells, _, _, _ = _cubes_of(cells, units, None, spans, solved)
    columns_of = cells["pred"].map(lambda p: frozenset(c for c, _ in p))
    set_of_cell, sets = pd.factorize(columns_of)
    out, fit = set(), []
    # largest first: a cube inside one that fits fits too (its counts are among the other's,
    # its columns' atoms no finer), so most of a table's cubes are not sized at all
    for columns in sorted(set(column_sets), key=lambda c: (-len(c), sorted(c))):
        if any(columns <= larger for larger in fit):
            continue
        inside = cells[np.array([s <= columns for s in sets], dtype=bool)[set_of_cell]]
        if _shape(inside, units, tuple(sorted(columns)), size_only=True, solved=solved):
            out.add(columns)
        else:
            fit.append(columns)
    return out


def _as_read(cells: pd.DataFrame, units: pd.DataFrame, spans: Callable[[str], object] | None,
             known: dict | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """The counts with the constraints every unit meets left out, and the columns each is on.

    A constraint every unit meets restricts nothing: the count belongs beside counts without it.
    ``known``: predicates read before, each as read (:attr:`SolvedCubes.read_as`); one on a column
    the units do not have yet (a what-if column of an earlier run) is read again each time.
    """
    known = {} if known is None else known
    todo = [p for p in dict.fromkeys(cells["pred"]) if p not in known]
    used = {c for p in todo for c, _ in p if c in units}
    span_of = spans or (lambda column: column_span(units[column]))
    every_span = {c: span_of(c) for c in used}
    read = {p: without_the_obvious(p, every_span) for p in todo}
    known.update((p, r) for p, r in read.items() if all(c in units for c, _ in p))
    cells = cells.assign(pred=cells["pred"].map(lambda p: read[p] if p in read else known[p]))
    return cells, cells["pred"].map(lambda p: frozenset(c for c, _ in p))


def _cubes_of(cells: pd.DataFrame, units: pd.DataFrame, must_touch: set | None,
              spans: Callable[[str], object] | None, solved: "SolvedCubes | None" = None
              ) -> tuple[pd.DataFrame, list[frozenset], list[frozenset], set]:
    """The counts as the cubes read them (margins added), the cubes ``must_touch`` chooses, every cube,
    and the sets of columns the counts themselves are on (margins aside).

    How the counts are read depends only on what they count, not on which are hidden: the
    checks of one table (its size, each pass of its suppression) read them once, kept in
    ``solved`` (:attr:`SolvedCubes.read`) while the same counts come again.
    """
    content = (tuple(cells.index), tuple(cells["pred"]))
    if solved is not None and content in solved.read:
        solved.read.move_to_end(content)
        preds, every, released, margins = solved.read[content]
    else:
        read, columns_of = _as_read(cells, units, spans, None if solved is None else solved.read_as)
        preds, released = read["pred"], set(columns_of)
        every = cubes(released, None)
        margins = _margins(read, columns_of, every)
        if solved is not None:
            solved.read[content] = (preds, every, released, margins)
            while len(solved.read) > 2:
                solved.read.popitem(last=False)
    cells = cells.assign(pred=preds, withheld=cells["withheld"] if "withheld" in cells else False,
                         floor=cells["floor"] if "floor" in cells else 0)[["pred", "true", "hidden", "withheld", "floor"]]
    cells = pd.concat([cells, margins])
    chosen = [c for c in every if must_touch is None or any(t <= c for t in must_touch)]
    return cells, chosen, every, released


def _built(cells: pd.DataFrame, units: pd.DataFrame, involved: list[frozenset], released: set,
           solved: "SolvedCubes | None") -> dict[frozenset, list["_Cube"]]:
    """The parts of each cube in ``involved`` (kept in ``solved`` for the next call on the same counts).

    A part two cubes build alike (a table's cube too large to solve whole, split into the cube
    of a table inside it: the same columns and counts) is one part, the first built: its
    programs, points and answers serve both, and its targets are checked once.
    """
    columns_of = cells["pred"].map(lambda p: frozenset(c for c, _ in p))
    built: dict[frozenset, list[_Cube]] = {}
    one_of: dict[tuple, _Cube] = {}
    set_of_cell, column_sets = pd.factorize(columns_of)
    for cube in involved:
        inside = cells[np.array([columns <= cube for columns in column_sets])[set_of_cell]]
        # a union cube too large to solve whole is left out: its parts are cubes already
        split = cube in released or len(cube) == 1

        def build(inside=inside, cube=cube, split=split) -> list[_Cube]:
            return _build(inside, units, tuple(sorted(cube)), columns_of, split=split, solved=solved)

        if solved is None:
            parts = build()
        else:
            content = _content(cube, split, inside)
            parts = solved.get(content, build, counts=content[:5])
        # the same columns and counts, from the same units: the same unknowns and programs
        built[cube] = [one_of.setdefault((part.columns, tuple(part.cells.index)), part) for part in parts]
    return built


def worked_out_exactly(cells: pd.DataFrame, units: pd.DataFrame, labels: list, *, must_touch: set | None = None,
                       solved: "SolvedCubes | None" = None, spans: Callable[[str], object] | None = None,
                       most: int = MAX_EXACT_CHECKS) -> set:
    """The hidden counts among ``labels`` a reader works out exactly from the released counts.

    Hiding such a count protects nothing: its value is a sum or difference of shown counts
    (a year's needs followed: its needs met, in progress and unmet, each shown elsewhere). A
    count is taken as worked out when its smallest and largest values in one cube's program
    are equal; counts whose value differs from the true one at a point already found on
    the way (:meth:`_Cube.leaks`, or two programs over all of them) are not, without a
    program of their own. At most ``most`` counts get programs of their own; the rest stay
    hidden, which is always safe.

    Parameters are those of :func:`find_leaks`; ``labels`` are labels of ``cells``.

    Examples
    --------
    >>> from tfanalysis.publication.cells import Interval, predicate
    >>> units = pd.DataFrame({"day": pd.to_datetime(["2025-01-10"] * 14 + ["2025-04-10"] * 12 + ["2025-08-01"] * 20)})
    >>> h1 = predicate(day=Interval("2025-01-01", "2025-06-30"))
    >>> q1 = predicate(day=Interval("2025-01-01", "2025-03-31"))
    >>> q2 = predicate(day=Interval("2025-04-01", "2025-06-30"))
    >>> cells = pd.DataFrame({"pred": [h1, q1, q2], "true": [26, 14, 12], "hidden": [False, True, True]}, index=["h1", "q1", "q2"])
    >>> sorted(worked_out_exactly(cells, units, ["q1", "q2"]))  # the two quarters of a shown half: each can be 1..25
    []
    >>> cells.loc["q2", "hidden"] = False
    >>> sorted(worked_out_exactly(cells, units, ["q1"]))  # the half less its second quarter
    ['q1']
    """
    if cells.empty or not labels:
        return set()
    cells, chosen, _, released = _cubes_of(cells, units, must_touch, spans, solved)
    wanted = [label for label in dict.fromkeys(labels) if label in cells.index]
    built = _built(cells, units, chosen, released, solved)
    exact: set = set()
    budget = most
    for part in dict.fromkeys(part for cube in chosen for part in built[cube]):
        mine = [label for label in wanted if label not in exact and label in part.position
                and part.hidden[part.position[label]] and not part.withheld[part.position[label]]]
        if not mine or part.classes.shape[1] == 0:
            continue
        found, budget = part.worked_out(mine, budget)
        exact |= found
    return exact


def given_by_shown(cells: pd.DataFrame, units: pd.DataFrame, labels: list, *,
                   spans: Callable[[str], object] | None = None, most: int = MAX_EXACT_CHECKS,
                   solved: "SolvedCubes | None" = None) -> set:
    """The counts among ``labels`` whose value the shown counts already give a reader.

    Each count of ``labels`` is read in the cube of its own columns, beside the shown
    counts on those columns or fewer: a half-year's needs, its six months shown, is their
    sum; a quarter's needs met, beside its needs and its needs not met, their difference.
    Fixed there, a count is fixed whatever else is released (more counts only narrow a
    reader's choices): showing it tells a reader nothing, hiding it protects nothing, and
    its cubes need no new bounds. Counts in fractions: a count fixed only in whole numbers
    is not found, which is safe (it is then bounded as any new count).

    Parameters
    ----------
    cells : pandas.DataFrame
        Released counts as for :func:`find_leaks` (only those shown are read: not hidden,
        not withheld, no floor), and the counts of ``labels`` with their true values.
    units, spans
        As for :func:`find_leaks`.
    labels : list
        Labels of ``cells``: the counts to read.
    most : int
        Most counts per cube given a program each (two solves); the rest are not taken as given.
    solved : SolvedCubes, optional
        The release's cubes: each predicate is read once per release, through their cache
        (:attr:`SolvedCubes.read_as`), as :func:`find_leaks` reads it; default: read here.

    Returns
    -------
    set
        The labels whose value is fixed.

    Examples
    --------
    A quarter's needs (30) and its March (10) shown give January and February together (20):

    >>> from tfanalysis.publication.cells import Interval, predicate
    >>> units = pd.DataFrame({"day": pd.to_datetime(["2025-01-10"] * 9 + ["2025-02-10"] * 11 + ["2025-03-10"] * 10)})
    >>> shown = {"quarter": (Interval("2025-01-01", "2025-03-31"), 30), "march": (Interval("2025-03-01", "2025-03-31"), 10)}
    >>> cells = pd.DataFrame([(predicate(day=day), n, False) for day, n in shown.values()], index=list(shown), columns=["pred", "true", "hidden"])
    >>> cells.loc["jan-feb"] = [predicate(day=Interval("2025-01-01", "2025-02-28")), 20, True]
    >>> sorted(given_by_shown(cells, units, ["jan-feb"]))
    ['jan-feb']
    >>> cells.loc["march", "hidden"] = True  # March not shown: up to the quarter's 30
    >>> sorted(given_by_shown(cells, units, ["jan-feb"]))
    []
    """
    wanted = [label for label in dict.fromkeys(labels) if label in cells.index]
    if not wanted:
        return set()
    cells, columns_of = _as_read(cells, units, spans, None if solved is None else solved.read_as)
    shown = ~cells["hidden"].to_numpy(bool)
    for flag, none in (("withheld", False), ("floor", 0)):
        if flag in cells:
            shown &= cells[flag].to_numpy() == none
    shown &= ~cells.index.isin(wanted)
    plain = cells.assign(hidden=False, withheld=False, floor=0)[["pred", "true", "hidden", "withheld", "floor"]]
    set_of_cell, column_sets = pd.factorize(columns_of)
    out: set = set()
    for columns in dict.fromkeys(columns_of[wanted]):
        mine = [label for label in wanted if columns_of[label] == columns]
        inside = shown & np.array([s <= columns for s in column_sets], dtype=bool)[set_of_cell]
        if not columns or not inside.any():
            continue
        here = pd.concat([plain[inside], plain.loc[mine].assign(hidden=True)])
        for part in _build(here, units, tuple(sorted(columns)), columns_of, split=False):
            found, _ = part.worked_out([label for label in mine if label in part.position], most)
            out |= found
    return out


def _not_inside_another(parts: list["_Cube"]) -> list["_Cube"]:
    """The parts that do not lie inside another: those holding a count no larger part holds.

    A part whose columns are among another's and whose every count that other holds too
    tells a reader nothing the other does not: a range it works out for a count is never
    narrower than the other's (it has the same counts and fewer), and a range carried to it
    from the other narrows its targets no more than the other's own program does (a hidden
    count is a count of both; a group it singles out is a sum of the other's groups, each a
    target there if not empty). So ranges are carried between the parts this keeps; the
    others' targets are still checked on their own (a leak found there names the group a
    table should protect, where the larger part would name each of its pieces). Of two parts
    with the same columns and counts (a union cube split into a table's cube), the first is kept.

    Examples
    --------
    >>> cells = pd.DataFrame({"pred": [(), ()], "true": [12, 5], "hidden": [False, True]}, index=["all", "some"])
    >>> small = _Cube(cells.loc[["all"]], sparse.csr_matrix(np.ones((1, 2))), np.array([7, 5]), ("need",))
    >>> large = _Cube(cells, sparse.csr_matrix(np.array([[1.0, 1.0], [0.0, 1.0]])), np.array([7, 5]), ("county", "need"))
    >>> [part.columns for part in _not_inside_another([small, large])]
    [('county', 'need')]
    """
    order = sorted(range(len(parts)), key=lambda j: (-len(parts[j].position), -len(parts[j].columns), j))
    kept: list[tuple[int, "_Cube"]] = []
    for j in order:
        part = parts[j]
        if not any(set(part.columns) <= set(other.columns) and part.labels <= other.labels for _, other in kept):
            kept.append((j, part))
    return [part for _, part in sorted(kept, key=lambda entry: entry[0])]


def _content(cube: frozenset, split: bool, cells: pd.DataFrame) -> tuple:
    """What a cube's bounds depend on, besides the units: its counts, in order."""
    return (cube, split, tuple(cells.index), tuple(cells["pred"]), cells["true"].to_numpy(np.int64).tobytes(),
            cells["hidden"].to_numpy(bool).tobytes(),
            cells["withheld"].to_numpy(bool).tobytes() if "withheld" in cells else b"",
            cells["floor"].to_numpy(np.int64).tobytes() if "floor" in cells else b"")


# --------------------------------------------------------------------------- atoms


def _date_edges(constraints: list[Interval]) -> np.ndarray:
    """The first days of the date atoms the ranges make (every range's start, and the day after its end)."""
    bounds = set()
    for c in constraints:
        if c.start is not None:
            bounds.add(c.start)
        if c.end is not None:
            bounds.add(c.end + _ONE_DAY)
    return np.array(sorted(bounds), dtype="datetime64[ns]")


def _date_atoms(constraints: list[Interval], values: pd.Series) -> tuple[np.ndarray, list[np.ndarray], int]:
    edges = _date_edges(constraints)
    n_atoms = len(edges) + 1
    dates = pd.to_datetime(values).to_numpy(dtype="datetime64[ns]")
    missing = np.isnat(dates)
    unit_atom = np.searchsorted(edges, dates, side="right")
    if missing.any():
        unit_atom = np.where(missing, n_atoms, unit_atom)
        n_atoms += 1
    # every range's first and last atom at once (a national run has thousands of ranges)
    starts = np.array([np.datetime64("NaT") if c.start is None else c.start.to_datetime64() for c in constraints], dtype="datetime64[ns]")
    ends = np.array([np.datetime64("NaT") if c.end is None else (c.end + _ONE_DAY).to_datetime64() for c in constraints], dtype="datetime64[ns]")
    lows = np.where(np.isnat(starts), 0, np.searchsorted(edges, starts, side="left") + 1)
    highs = np.where(np.isnat(ends), len(edges) + 1, np.searchsorted(edges, ends, side="left") + 1)
    allowed = [np.arange(lo, hi) for lo, hi in zip(lows.tolist(), highs.tolist())]
    return unit_atom.astype(np.int64), allowed, n_atoms


def _outside_the_span(constraints: list, values: pd.Series, n_atoms: int) -> np.ndarray:
    """Which of a column's atoms lie outside the days its units span (known to be empty).

    A range holding every unit's day is read as restricting nothing
    (:func:`~tfanalysis.publication.cells.without_the_obvious`): the reader is taken to know
    the span, so the days outside it hold no unit. Values are not spans: none is outside.

    >>> from tfanalysis.publication.cells import Interval
    >>> days = pd.Series(pd.to_datetime(["2025-07-10", "2025-09-10"]))
    >>> _outside_the_span([Interval("2025-07-01", "2025-07-31")], days, 3).tolist()
    [True, False, False]
    """
    out = np.zeros(n_atoms, dtype=bool)
    if not constraints or not all(isinstance(c, Interval) for c in constraints):
        return out
    edges = _date_edges(constraints)
    days = pd.to_datetime(values).dropna()
    if days.empty:
        return ~out
    first, last = np.datetime64(days.min(), "ns"), np.datetime64(days.max(), "ns")
    starts = np.concatenate([[np.datetime64("NaT", "ns")], edges])
    ends = np.concatenate([edges, [np.datetime64("NaT", "ns")]])
    before = ~np.isnat(ends) & (ends <= first)
    after = ~np.isnat(starts) & (starts > last)
    out[: len(edges) + 1] = before | after
    return out


def _without_atoms(unit_atom: np.ndarray, allowed: list[np.ndarray], n: int, drop: np.ndarray
                   ) -> tuple[np.ndarray, list[np.ndarray], int, np.ndarray, np.ndarray | None]:
    """A column's atoms without those in ``drop`` that hold no unit, the others numbered anew in order.

    Returns the units' atoms, the atoms each constraint allows, their number, which of the
    atoms left are still in ``drop`` (they hold units: kept, read as empty as before), and the
    new number of each old atom (-1: left out), or None where nothing is left out.

    >>> unit_atom, allowed, n, still, renumbered = _without_atoms(np.array([1, 1, 2]), [np.array([0, 1]), np.array([2, 3])], 4,
    ...                                                            np.array([True, False, False, True]))
    >>> unit_atom.tolist(), [a.tolist() for a in allowed], n, still.tolist(), renumbered.tolist()
    ([0, 0, 1], [[0], [1]], 2, [False, False], [-1, 0, 1, -1])
    """
    if not drop.any():  # a column of values, or days all inside the span: its units need not be counted
        return unit_atom, allowed, n, drop, None
    left_out = drop & (np.bincount(unit_atom, minlength=n)[:n] == 0)
    if not left_out.any():
        return unit_atom, allowed, n, drop, None
    renumbered = np.cumsum(~left_out) - 1
    renumbered[left_out] = -1
    allowed = [renumbered[atoms[~left_out[atoms]]] for atoms in allowed]
    return renumbered[unit_atom], allowed, int((~left_out).sum()), drop[~left_out], renumbered


def _value_atoms(constraints: list[frozenset], values: pd.Series) -> tuple[np.ndarray, list[np.ndarray], int]:
    """Atoms of a categorical column: values grouped by the released sets that hold them.

    Values the data take but no set mentions form one more atom; values neither in the
    data nor mentioned are taken as known to be absent (the safe side).
    """
    # each distinct value looked at once (a national dataset has millions of units, a few
    # thousand values): the units' atoms are taken by their codes
    unit_atom, allowed, kinds = _value_kinds(constraints, values)
    return unit_atom, allowed, len(kinds)


def _value_kinds(constraints: list[frozenset], values: pd.Series) -> tuple[np.ndarray, list[np.ndarray], list[tuple]]:
    """:func:`_value_atoms`, with each atom's kind: the positions of the sets that hold its values."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    present = pd.Series(uniques).to_numpy(dtype=object)
    signature = _holders(present, constraints)
    kinds = sorted(set(signature.values()))
    atom_of_kind = {kind: i for i, kind in enumerate(kinds)}
    atom_of_value = {v: atom_of_kind[s] for v, s in signature.items()}
    unit_atom = np.array([atom_of_value[v] for v in present], dtype=np.int64)[codes]
    allowed = [np.array(sorted({atom_of_value[v] for v in c}), dtype=np.int64) for c in constraints]
    return unit_atom, allowed, kinds


def _finer_atoms(coarse: list, finer: list, values: pd.Series) -> tuple[np.ndarray, list[np.ndarray], int, np.ndarray]:
    """Atoms of a column split by the ``finer`` constraints too, and the coarse atom holding each.

    Returns the units' finer atoms, the atoms each of ``finer`` allows, their number, and
    per finer atom its atom under ``coarse`` alone (numbered as :func:`_atoms` numbers them),
    or -1 for values the coarse atoms take as absent.

    >>> from tfanalysis.publication.cells import Interval
    >>> days = pd.Series(pd.to_datetime(["2025-07-10", "2025-08-10", "2025-09-10"]))
    >>> quarter, july = Interval("2025-07-01", "2025-09-30"), Interval("2025-07-01", "2025-07-31")
    >>> unit_atom, allowed, n, parent = _finer_atoms([quarter], [july], days)
    >>> unit_atom.tolist(), [a.tolist() for a in allowed], n, parent.tolist()
    ([1, 2, 2], [[1]], 4, [0, 1, 1, 2])
    """
    every = [*coarse, *finer]
    if every and all(isinstance(c, Interval) for c in every):
        unit_atom, allowed, n = _date_atoms(every, values)
        if not coarse:
            return unit_atom, allowed[len(coarse):], n, np.zeros(n, dtype=np.int64)
        fine_edges, coarse_edges = _date_edges(every), _date_edges(coarse)
        parent = np.concatenate([[0], np.searchsorted(coarse_edges, fine_edges, side="right")])
        if n > len(fine_edges) + 1:  # the atom of units without a date
            parent = np.append(parent, len(coarse_edges) + 1)
        return unit_atom, allowed[len(coarse):], n, parent.astype(np.int64)
    if any(isinstance(c, Interval) for c in every):
        raise ValueError("a column is restricted both as dates and as values")
    unit_atom, allowed, kinds = _value_kinds(every, values)
    if not coarse:
        return unit_atom, allowed[len(coarse):], len(kinds), np.zeros(len(kinds), dtype=np.int64)
    _, _, coarse_kinds = _value_kinds(coarse, values)
    at = {kind: i for i, kind in enumerate(coarse_kinds)}
    parent = np.array([at.get(tuple(p for p in kind if p < len(coarse)), -1) for kind in kinds], dtype=np.int64)
    return unit_atom, allowed[len(coarse):], len(kinds), parent


def _holders(values, sets: list) -> dict:
    """For each value (of ``values`` and of every set), the positions of the sets holding it.

    Read set by set: a national table releases thousands of sets over thousands of
    counties, and asking every set about every value took their product.

    >>> _holders(["a", "b"], [frozenset({"a", "c"}), frozenset({"a"})])
    {'a': (0, 1), 'b': (), 'c': (0,)}
    """
    held: dict = {v: [] for v in values}
    for position, members in enumerate(sets):
        for v in members:
            held.setdefault(v, []).append(position)
    return {v: tuple(positions) for v, positions in held.items()}


# --------------------------------------------------------------------------- one cube


def _build(cells: pd.DataFrame, units: pd.DataFrame, columns: tuple[str, ...], columns_of: pd.Series, *,
           split: bool = True, solved: "SolvedCubes | None" = None) -> list["_Cube"]:
    """The home cube of ``columns`` (split by table when it is too large, or none if not ``split``).

    ``solved``: what cubes built before leave (:class:`SolvedCubes`). Their unknowns and
    incidence, by what they count (``shapes``), do not depend on which counts are hidden: the
    next pass of a table's suppression, which hides one more count, builds its cubes from
    them. Each count's combinations in the cubes built last (``rows``): a table adding counts
    to a cube lists only its own (:func:`_listed`).
    """
    key = (columns, split, tuple(cells.index), tuple(cells["pred"]))
    shapes = None if solved is None else solved.shapes
    if shapes is not None and key in shapes:
        shapes.move_to_end(key)
        shape = shapes[key]
    else:
        shape = _shape(cells, units, columns, split=split, solved=solved)
        if shapes is not None:
            shapes[key] = shape
    if shape is None:
        parts = []
    elif isinstance(shape, tuple):  # too large: split, its counts in the order it was split in
        parts = _split(cells.loc[list(shape[1])], units, columns, columns_of, solved)
    else:
        parts = [_Cube(cells.loc[shape["labels"]], shape["incidence"], shape["truth"], columns, linking=shape["linking"],
                       empty=shape["empty"], merged=shape.setdefault("merged", {}))]
    if shapes is not None:  # sized once the cube has merged its classes from the shape (kept in it)
        _keep_within(shapes, MAX_SHAPES, _shape_size)
    return parts


def _split(cells: pd.DataFrame, units: pd.DataFrame, columns: tuple[str, ...], columns_of: pd.Series,
           solved: "SolvedCubes | None") -> list["_Cube"]:
    """A cube too large to solve whole, as the cubes of the tables inside it."""
    own = sorted({columns_of[i] for i in cells.index if columns_of[i] < frozenset(columns)}, key=lambda s: (-len(s), sorted(s)))
    maximal = [c for j, c in enumerate(own) if not any(c < t for t in own[:j])]
    parts = []
    for sub in maximal:
        inside = cells.index[cells.index.map(lambda i: columns_of[i] <= sub)]
        parts += _build(cells.loc[inside], units, tuple(sorted(sub)), columns_of, solved=solved)
    return parts


def _shape(cells: pd.DataFrame, units: pd.DataFrame, columns: tuple[str, ...], *, split: bool = True,
           size_only: bool = False, solved: "SolvedCubes | None" = None) -> dict | tuple | bool | None:
    """What :func:`_build` builds a cube from, worked out from the units: its counts' labels in
    order, incidence, true counts per unknown, ties and the unknowns known empty; or
    ``("split", labels)`` for a cube too large to solve whole; or None for no cube.
    ``size_only``: only whether it is too large (nothing listed). ``solved``: the atoms and
    rows of cubes worked out before (:func:`_atoms_of_cube`, :func:`_listed`)."""
    stage = _atoms_of_cube(cells, units, columns, None if solved is None else solved.atoms)
    if stage is None:
        return None
    finer, labels_here, unit_atoms, sizes, allowed, coarse_of, outside, collapse = stage
    total = math.prod(sizes)  # Python's integers: a national cube's product passes 64 bits
    rows, row_of = (allowed, None) if collapse is None else (collapse.rows, collapse.row_of)
    n_rows = len(labels_here) if row_of is None else len(row_of)
    if size_only:
        return total > MAX_COMBINATIONS or _pair_count(rows, sizes, n_rows) > MAX_INCIDENCE
    listed = None if total > MAX_COMBINATIONS else _listed(rows, sizes, n_rows, None if solved is None else solved.rows, columns)
    if listed is None:
        if not split:
            return None
        return ("split", tuple([*labels_here, *finer.cells.index]))
    if collapse is not None:  # each count's rows are its combinations' in turn
        listed = (np.bincount(row_of, weights=listed[0], minlength=len(labels_here)).astype(np.int64), listed[1])
        unit_atoms = collapse.units(unit_atoms)
    truth = np.bincount(np.ravel_multi_index(tuple(unit_atoms), sizes), minlength=total) if sizes else np.array([len(units)])
    every = [np.arange(n) for n in sizes]
    empty = [np.zeros(total, dtype=bool)]
    for position, (out, _) in enumerate(outside):
        if out.any():
            empty[0][_product_index([np.flatnonzero(out) if c == position else e for c, e in enumerate(every)], sizes)] = True
    per_count, combos = listed
    lengths, cols = [per_count], [combos]
    # the one-column counts that split a column finer than the cube: unknowns of their own (the
    # column's counts per finer atom), tied to the cube's by one equation per coarse atom
    link_rows, link_cols, link_values, truths, width, labels = [], [], [], [truth], total, list(labels_here)
    for position, column in enumerate(columns):
        mine = finer.of(column)
        if not mine:
            continue
        unit_fine, allowed, n_fine, parent = _finer_atoms(coarse_of[column], [c for _, c in mine], units[column])
        renumbered = outside[position][1]
        if renumbered is not None:  # the cube's atoms outside the span are left out: so are the finer atoms in them
            parent = np.where(parent >= 0, renumbered[np.maximum(parent, 0)], -1)
        truths.append(np.bincount(unit_fine, minlength=n_fine))
        # outside the span, or values the cube takes as absent (no unit takes them, no count of several columns names them)
        empty.append(_outside_the_span([*coarse_of[column], *(c for _, c in mine)], units[column], n_fine) | (parent < 0))
        for (i, _), atoms in zip(mine, allowed):
            lengths.append(np.array([atoms.size]))
            cols.append(width + atoms)
            labels.append(i)
        touched = np.unique(parent[np.concatenate(allowed)])
        for atom in touched[touched >= 0]:
            inside = width + np.flatnonzero(parent == atom)
            combos = _product_index([np.array([atom]) if c == position else e for c, e in enumerate(every)], sizes)
            if collapse is not None:  # a tie holds the combinations the counts list, as they list them
                combos = combos[collapse.listed(combos, sizes)]
            link_rows.append(np.full(inside.size + combos.size, len(link_rows)))
            link_cols.append(np.concatenate([inside, combos]))
            link_values.append(np.concatenate([np.ones(inside.size), -np.ones(combos.size)]))
        width += n_fine
    # row after row, each row's combinations in increasing order: compressed rows as they are,
    # in the index type scipy keeps (it would otherwise scan and copy millions of entries)
    index = _index_dtype(max(width, sum(c.size for c in cols)))
    indices = np.concatenate([c.astype(index, copy=False) for c in cols])
    incidence = sparse.csr_matrix((_ones(indices.size), indices, np.concatenate([[0], np.cumsum(np.concatenate(lengths))]).astype(index)),
                                  shape=(len(labels), width))
    if not incidence.has_canonical_format:  # each row's combinations sorted, as the programs read them
        incidence = incidence.copy()  # (its entries out of the shared buffer of ones, to be written)
        incidence.sum_duplicates()
    linking = (sparse.csr_matrix((np.concatenate(link_values), (np.concatenate(link_rows), np.concatenate(link_cols))),
                                 shape=(len(link_rows), width)) if link_rows else None)
    return {"labels": labels, "incidence": incidence, "truth": np.concatenate(truths), "linking": linking, "empty": np.concatenate(empty)}


def _atoms_of_cube(cells: pd.DataFrame, units: pd.DataFrame, columns: tuple[str, ...], kept: OrderedDict | None = None) -> tuple | None:
    """The atoms of a cube's columns and the atoms each count allows: what its size and its build start from.

    Returns None for no cube (every count splits a column finer), else ``(finer, labels,
    unit_atoms, sizes, allowed, coarse_of, outside, collapse)``: the finer counts
    (:func:`_finer_than_the_cube`), the labels of the others in order, each column's atom per
    unit and number of atoms, ``allowed[c][r]`` (None: every atom), each column's
    constraints, per column its atoms still outside the units' span with the number of
    each of :func:`_atoms`'s atoms here (-1: left out, :func:`_without_atoms`), and the
    columns listed at one atom where no count tells them apart (:class:`_Collapse`, or None). ``kept``: those worked out before,
    by what the cube counts (a table's cube is sized, then built, on the same counts).
    """
    key = (columns, tuple(cells.index), tuple(cells["pred"]))
    if kept is not None and key in kept:
        kept.move_to_end(key)
        return kept[key]
    finer = _finer_than_the_cube(cells, units, columns)
    cells = cells.drop(finer.cells.index)
    out = None
    if not cells.empty:
        unit_atoms, sizes, outside, allowed = [], [], [], []
        coarse_of: dict[str, list] = {}
        labels = cells.index.tolist()
        preds = [dict(p) for p in cells["pred"]]
        for column in columns:
            constrained = [r for r, p in enumerate(preds) if column in p]
            coarse_of[column] = [preds[r][column] for r in constrained]
            unit_atom, allowed_of, n = _atoms(coarse_of[column], units[column])
            # days outside the units' span hold no unit, and every reader knows it: they are no
            # unknowns at all, neither listed nor counted toward the cube's size
            unit_atom, allowed_of, n, out_of_span, renumbered = _without_atoms(
                unit_atom, allowed_of, n, _outside_the_span(coarse_of[column], units[column], n))
            unit_atoms.append(unit_atom)
            sizes.append(n)
            outside.append((out_of_span, renumbered))
            mine: list = [None] * len(labels)
            for r, atoms in zip(constrained, allowed_of):
                mine[r] = atoms
            allowed.append(mine)
        # a column no count tells apart at some atoms of another is listed at one atom there: not
        # a column with counts of its own splitting it finer (their ties tell its atoms apart), nor
        # one with atoms outside its span that hold units (read as empty wherever they are)
        collapse = _Collapse.of(allowed, sizes, len(labels),
                                [not finer.of(column) and not out.any() for column, (out, _) in zip(columns, outside)])
        out = (finer, labels, unit_atoms, sizes, allowed, coarse_of, outside, collapse)
    if kept is not None:
        kept[key] = out
        while len(kept) > MAX_LISTED:
            kept.popitem(last=False)
    return out


class _Cube:
    """One home cube: released counts as sums of merged combinations (see the module notes)."""

    def __init__(self, cells: pd.DataFrame, incidence: sparse.csr_matrix, truth: np.ndarray, columns: tuple[str, ...], *,
                 linking: sparse.csr_matrix | None = None, empty: np.ndarray | None = None, merged: dict | None = None) -> None:
        """``merged``: the merged combinations of cubes on the same incidence built before, by their
        visible zeros (:meth:`_merged`); which counts are hidden changes nothing else of them."""
        self.cells, self.columns = cells, columns
        self.hidden = cells["hidden"].to_numpy(bool)
        self.true = cells["true"].to_numpy(np.int64)
        self.withheld = cells["withheld"].to_numpy(bool) if "withheld" in cells else np.zeros(len(cells), bool)
        self.floor = cells["floor"].to_numpy(np.int64) if "floor" in cells else np.zeros(len(cells), np.int64)
        zero = np.flatnonzero(~self.hidden & (self.true == 0))
        if merged is None:
            merged = {}
        if zero.tobytes() not in merged:  # the next pass of a table's suppression hides more, never a zero
            merged[zero.tobytes()] = self._merged(incidence, truth, linking, empty, zero)
        self.classes, self.links, self.class_truth = merged[zero.tobytes()]
        self.position = {label: r for r, label in enumerate(cells.index)}
        self.labels = frozenset(self.position)
        self._hidden_labels = list(cells.index[self.hidden])
        self._hidden_at = {label: r for r, label in enumerate(self._hidden_labels)}
        # programs and their answers, per ranges of the hidden counts (see SolvedCubes); each
        # set of ranges met is known by a number (hashing hundreds of ranges per lookup was
        # most of the time of a release), and read once per change of the caller's ranges
        self._ranges_ids: dict[tuple, int] = {}
        self._ranges_by_id: list[dict] = []
        self._last_read: tuple | None = None
        self._programs: OrderedDict = OrderedDict()
        self._same_as: dict = {}  # ranges -> the ranges of a kept program they add nothing to
        self._answers: dict = {}
        self.points: list[np.ndarray] = []  # where programs on these unknowns raised targets (see borrow)
        self._families: np.ndarray | None = None  # each count's set of columns, numbered (_digests)
        self._last_extents: tuple | None = None  # (ranges' number, count -> position, Extents): work_out_ranges, one find_leaks call
        # per round of carrying ranges: (the program's row keys, count -> position, Extents), for
        # the next pass on these unknowns (borrow; ReaderProgram.extents_of_ranged's ``proven``)
        self._proven: dict[int, tuple] = {}
        self._told_of: tuple | None = None  # the withheld counts of small groups as targets (_told_targets)

    @staticmethod
    def _merged(incidence: sparse.csr_matrix, truth: np.ndarray, linking: sparse.csr_matrix | None, empty: np.ndarray | None,
                zero: np.ndarray) -> tuple[sparse.csr_matrix, sparse.csr_matrix, np.ndarray]:
        """The counts as sums of merged combinations (counts × classes, 0/1), the ties on them, and their true counts."""
        if linking is None:
            linking = sparse.csr_matrix((0, incidence.shape[1]))
        # a visible zero tells the reader each of its combinations is empty
        known_empty = np.asarray(incidence[zero].sum(axis=0)).ravel() > 0 if zero.size else np.zeros(incidence.shape[1], bool)
        if empty is not None:  # outside the days the units span
            known_empty |= empty
        used = (np.asarray(incidence.sum(axis=0)).ravel() > 0) | (np.asarray(abs(linking).sum(axis=0)).ravel() > 0)
        keep = np.flatnonzero(used & ~known_empty)
        # merge combinations that lie in the same released counts (and the same ties between a
        # cube's unknowns and a finer column's): interchangeable to a reader. Their signatures
        # are read off the rows as they are (a national cube's millions of entries are not
        # turned into columns), and the classes' columns picked once.
        n = incidence.shape[0]
        weights = np.random.default_rng(12345).random((2, n + linking.shape[0]))
        sig = np.asarray(incidence.T @ weights[:, :n].T)
        links = linking.tocsr()
        for j in range(links.shape[0]):  # the ties after the counts, one by one: the sums as a matrix of both would make them
            at = slice(links.indptr[j], links.indptr[j + 1])
            sig[links.indices[at]] += links.data[at, None] * weights[:, n + j]
        sig = np.round(sig[keep], 9) if keep.size else np.zeros((0, 2))
        first, groups_of = _rows_in_order(sig)
        classes, ties = incidence[:, keep[first]], links[:, keep[first]]
        classes.sort_indices()  # picked in the classes' order: each row's columns sorted again, as the programs read them
        ties.sort_indices()  # each row sums to 0 (coefficients 1 and -1)
        return classes, ties, np.bincount(groups_of, weights=truth[keep], minlength=len(first)).astype(np.int64)

    def borrow(self, other: "_Cube") -> None:
        """Take the points and the ranges' proofs of a cube on the same unknowns (the same counts, others hidden)."""
        if (other.classes.shape == self.classes.shape and (other.classes != self.classes).nnz == 0
                and np.array_equal(other.class_truth, self.class_truth)
                and other.links.shape == self.links.shape and (other.links != self.links).nnz == 0):
            self.points = other.points
            self._proven, other._proven = other._proven, {}

    def row(self, label) -> sparse.csr_matrix:
        return self.classes[self.position[label]]

    def _ranges_id(self, ranges: dict) -> int:
        """The number of the ranges found so far of this cube's hidden counts.

        Only the counts that have a range count: ``ranges`` holds the counts shared with
        other cubes, while a cube may hide thousands. A :class:`Ranges` is read again only
        when it has changed.
        """
        version = getattr(ranges, "version", None)
        last = self._last_read
        if version is not None and last is not None and last[0] is ranges and last[1] == version:
            return last[2]
        key = self._sparse(ranges)
        number = self._ranges_ids.setdefault(key, len(self._ranges_ids))
        if number == len(self._ranges_by_id):
            self._ranges_by_id.append(dict(key))
        if version is not None:
            self._last_read = (ranges, version, number)
        return number

    def _sparse(self, values: dict) -> tuple:
        """(position among the hidden counts, value) of the hidden counts ``values`` names."""
        at = self._hidden_at
        return tuple(sorted((at[label], value) for label, value in values.items() if label in at and value))

    def _key(self, ranges: dict) -> int:
        """The ranges the program answering for ``ranges`` was built with (their number).

        Ranges that only repeat what a kept program already implies (each new range holds
        every value the program allows that count, in fractions) leave its counts as they
        were: that program and its answers serve. A count's range found in this cube and
        carried back to it is the common case.
        """
        key = self._ranges_id(ranges)
        if key in self._programs:
            return key
        if key not in self._same_as:
            self._same_as[key] = next((old for old in reversed(self._programs) if self._implied(old, key)), key)
        return self._same_as[key]

    def _implied(self, old: int, new: int) -> bool:
        if not self._narrower(new, old):
            return False
        for position, _, now in self._changes(old, new):
            extent = self._answers.get(("extent", self._hidden_labels[position], old))
            if extent is None or extent[0] < now[0] - 1e-9 or extent[1] > now[1] + 1e-9:
                return False
        return True

    def _changes(self, old: int, new: int):
        """(position, range numbered ``old``, range numbered ``new``) of each count whose range differs."""
        was_of, now_of = self._ranges_by_id[old], self._ranges_by_id[new]
        for position in was_of.keys() | now_of.keys():
            was, now = was_of.get(position, (0.0, np.inf)), now_of.get(position, (0.0, np.inf))
            if now != was:
                yield position, was, now

    def program(self, ranges: dict) -> "ReaderProgram":
        """The reader's program with the hidden counts' ranges found so far (kept for the same ranges)."""
        key = self._key(ranges)
        if key not in self._programs:
            self._programs[key] = self._program(ranges)
            if len(self._programs) > 2:
                self._programs.popitem(last=False)
        self._programs.move_to_end(key)
        return self._programs[key]

    def range_of(self, label, ranges: dict) -> tuple[float, float, np.ndarray]:
        """The smallest and largest value of a count, and the rows either rests on."""
        ranged = self._key(ranges)
        key = ("range", label, ranged)
        if key not in self._answers:
            lo, hi, resting = self.program(ranges).extent(self.row(label))
            self._answers[("extent", label, ranged)] = (lo, hi)
            self._answers[key] = (*whole_range(lo, hi), resting)
        return self._answers[key]

    def work_out_ranges(self, labels: list, ranges: dict, round_: int = 0, before: dict | None = None) -> None:
        """Work out the ranges of several hidden counts together, for :meth:`range_of` to read.

        :meth:`ReaderProgram.extents_of_ranged`: most counts' smallest value is read at
        one point, not a program each. ``round_``: the round of carrying ranges between
        cubes (:func:`find_leaks`); the extents of the first two (:data:`PROVEN_ROUNDS`) are
        kept for the next pass of the table on these unknowns, whose programs are most like them;
        ``before``: those of the last pass, by round (what this cube kept in the last call).
        """
        ranged = self._key(ranges)
        todo = [label for label in labels if ("range", label, ranged) not in self._answers]
        if len(todo) < 2:
            return
        program = self.program(ranges)
        # the last extents worked out, in a program these ranges narrow: where their points
        # still fit, they hold here too (ReaderProgram.extents_of_ranged)
        earlier = None
        if self._last_extents is not None and self._narrower(ranged, self._last_extents[0]):
            _, at, extents = self._last_extents
            earlier = extents.taken(np.array([at.get(label, -1) for label in todo], np.int64))
        # extents found in the last pass's programs, the same round's first: those resting on
        # rows this program holds alike, at points it allows, hold here too (a round whose
        # ranges are those of the last pass has its answers already, and reads nothing)
        before = before or {}
        proven = [(keys, extents.taken(np.array([at.get(label, -1) for label in todo], np.int64)))
                  for keys, at, extents in (before[r] for r in sorted(before, key=lambda r: (r != round_, r)))]
        found = program.extents_of_ranged(np.array([self._hidden_at[x] for x in todo]), earlier=earlier, proven=proven)
        for label, (lo, hi, resting) in zip(todo, found):
            self._answers[("extent", label, ranged)] = (lo, hi)
            self._answers[("range", label, ranged)] = (*whole_range(lo, hi), resting)
        at = {label: j for j, label in enumerate(todo)}
        self._last_extents = (ranged, at, found)
        if round_ < PROVEN_ROUNDS:
            self._proven[round_] = (program.row_keys, at, found)

    def _narrower(self, new: int, old: int) -> bool:
        """Whether every range numbered ``new`` lies inside the same count's range numbered ``old``."""
        return all(was[0] <= now[0] and now[1] <= was[1] for _, was, now in self._changes(old, new))

    def worked_out(self, labels: list, budget: int) -> tuple[set, int]:
        """Which hidden counts of ``labels`` this cube's program allows one value only, and the budget left.

        A count whose value at a point of the program differs from its true value is not:
        the points the target checks found, then two programs over all of them together
        (smallest and largest of a weighted sum). The rest take a program each, while the
        budget lasts.
        """
        program = self.program(Ranges())
        rows = sparse.vstack([self.row(label) for label in labels]).tocsr()
        true = self.true[[self.position[label] for label in labels]].astype(float)
        left = np.arange(len(labels))

        def at_truth(points: np.ndarray) -> np.ndarray:  # those of ``left`` at their true value at every point
            return left[(np.abs(rows[left] @ points.T - true[left, None]) <= 1e-6).all(axis=1)]

        known = [*self.points, *program.points]
        if known:
            left = at_truth(np.stack(known))
        weights = np.random.default_rng(13).uniform(1.0, 2.0, len(labels))
        for maximise in (False, True):
            point = program.optimum(sparse.csr_matrix(weights[left] @ rows[left]), maximise=maximise) if left.size else None
            if point is not None:
                left = at_truth(point[None, :])
        exact = set()
        for j in left[:budget]:
            lo, hi, _ = program.extent(rows[j])
            if hi - lo <= 1e-6:
                exact.add(labels[j])
        return exact, budget - min(budget, left.size)

    def _program(self, ranges: dict) -> "ReaderProgram":
        eq = np.flatnonzero(~self.hidden & (self.true > 0))
        ranged = np.flatnonzero(self.hidden)
        lower = np.array([ranges.get(self.cells.index[r], (0.0, np.inf))[0] for r in ranged], dtype=float)
        upper = np.array([ranges.get(self.cells.index[r], (0.0, np.inf))[1] for r in ranged], dtype=float)
        # a hidden count is at least 1 (zero is shown), unless withheld with its line
        at_least = np.where(self.withheld[ranged] | (self.true[ranged] == 0), 0.0, 1.0)
        at_least = np.maximum(at_least, self.floor[ranged])  # a floor a reader knows from a tally shown as is
        lower = np.maximum(lower, at_least)
        # the ties between the cube's unknowns and a finer column's: equations with nothing released behind them
        program = ReaderProgram(sparse.vstack([self.classes[eq], self.links]).tocsr(),
                                np.concatenate([self.true[eq].astype(float), np.zeros(self.links.shape[0])]),
                                self.classes[ranged], lower, upper, eq_labels=[*self.cells.index[eq], *[_TIE] * self.links.shape[0]])
        program.range_labels = list(self.cells.index[ranged])
        # what each row says (a count's label and its value or range; a tie by its place, the same
        # in every cube on these unknowns): a proof resting on rows with the same keys holds in both
        program.row_keys = np.array([*(hash(("=", label, value)) for label, value in zip(self.cells.index[eq], self.true[eq].tolist())),
                                     *(hash(("tie", j)) for j in range(self.links.shape[0])),
                                     *(hash(("in", label, lo, hi)) for label, lo, hi in zip(program.range_labels, lower.tolist(), upper.tolist()))],
                                    dtype=np.int64)
        program.own_floor = at_least  # what the count's own release says (hidden: at least 1; a tally's floor), not a range carried in
        return program

    def leaks(self, ranges: dict, k: int, why: dict | None = None, clean: CleanBlocks | None = None,
              small: Callable[[list], np.ndarray] | None = None) -> list[Leak]:
        """Targets of this cube a reader can pin inside 1..k-1 (the same answer for the same ranges).

        ``clean``: blocks of programs checked before and found to pin nothing; the targets
        of a block of the same content are not solved again, and the blocks this call finds
        clean are added (:mod:`~tfanalysis.publication.blocks`). ``small``: see
        :func:`find_leaks`; the withheld counts of small groups pinned at 0 or above 0 too.
        """
        why = why or {}
        key = ("leaks", k, self._key(ranges), self._sparse({label: frozenset(why_of) for label, why_of in why.items()}), small is not None)
        if key not in self._answers:
            self._answers[key] = self._leaks(ranges, k, why, clean) + (self._told(ranges, why, small) if small is not None else [])
        return list(self._answers[key])

    def _keep_points(self, program: ReaderProgram, known: int) -> None:
        """Keep the points ``program`` found after its first ``known`` for the next program on these unknowns (newest first)."""
        self.points = (program.points[known:][::-1] + self.points)[:MAX_POINTS]

    def _told(self, ranges: dict, why: dict, small: Callable[[list], np.ndarray]) -> list[Leak]:
        """Withheld counts of small groups, and sums of them, a reader can pin at 0 or above 0.

        Rule 3 withholds a small group's counts, zeros too, so that no table tells what its
        few people have. Across tables one can still: a withheld count shown to be 0, or
        never 0; or, of two withheld counts of one line (minors of nonbinary and of unknown
        gender), their sum never 0 (an outsider's case: 120 minors, less 77 girls and 40
        boys). A sum counts where the union of the counts' groups lies in a small group too:
        what 11 or more people share may be told. A withheld count every combination of
        which a shown zero empties is no target: a group of k or more (the shown zero's) has
        none, so neither has the part of it this count holds.
        """
        if self.classes.shape[1] == 0:  # every combination known empty: nothing unknown to pin
            return []
        zero, above = self._told_targets(small)
        if not zero and not above:
            return []
        program = self.program(ranges)
        found = []
        if zero:
            known = len(program.points)
            opened = program.open_targets([row for _, _, row, _ in zero], 1, points=self.points)
            self._keep_points(program, known)
            found += [(zero[j], largest, duals) for j, largest, duals in opened]
        if above:
            known = len(program.points)
            held = program.held_above_zero([row for _, _, row, _ in above], points=self.points)
            self._keep_points(program, known)
            found += [(above[j], smallest, duals) for j, smallest, duals in held]
        out = []
        for (kind, cell, row, value), bound, duals in found:
            leak = self._leak(program, kind, cell, bound, value, duals, why)
            if not leak.binding and not leak.floors:
                # pinned in whole counts only (the optimum in fractions rests on nothing): the shown
                # counts holding one of its combinations, the first a table can hide to loosen it
                leak.binding = _shown_touching(program, row)
            out.append(leak)
        return out

    def _told_targets(self, small: Callable[[list], np.ndarray]) -> tuple[list, list]:
        """The withheld counts of small groups (true 0; true 1 or more) and the sums of a line's, as targets.

        Each a tuple (kind, row label or None, row over the classes, true value). Worked out
        once per cube: its counts never change.
        """
        if self._told_of is not None:
            return self._told_of
        zero: list = []
        above: list = []
        labels = self.cells.index
        is_margin = np.array([isinstance(label, str) and label.startswith(_MARGIN) for label in labels], dtype=bool)
        rows = np.flatnonzero(self.withheld & ~is_margin)
        if rows.size:
            preds = list(self.cells["pred"].iloc[rows])
            rows = rows[np.asarray(small(preds), dtype=bool)]
        lines: dict = {}
        n = self.classes.shape[1]
        for r in rows.tolist():
            row = self.classes[r]
            if row.nnz == 0:  # emptied by shown zeros (see _told)
                continue
            if self.true[r] == 0:
                zero.append(("withheld zero", labels[r], row, 0))
            else:
                above.append(("withheld count", labels[r], row, int(self.true[r])))
            pred = self.cells["pred"].iat[r]
            for i, (column, constraint) in enumerate(pred):
                if isinstance(constraint, frozenset):
                    lines.setdefault((pred[:i], column, pred[i + 1:]), []).append(r)
        sums = []
        for (before, column, after), members in lines.items():
            if len(members) < 2:
                continue
            # the whole line's withheld counts, and each pair of them (of a short line): the union of
            # a pair can lie in a small group where the whole line's does not
            sets = [members] + ([list(pair) for pair in combinations(members, 2)] if 2 < len(members) <= MAX_PAIRED else [])
            for chosen in sets:
                columns = np.unique(self.classes[chosen].indices)
                row = sparse.csr_matrix((np.ones(columns.size), columns, [0, columns.size]), shape=(1, n))
                truth = int(self.class_truth[columns].sum())
                if truth >= 1:
                    values = frozenset().union(*(dict(self.cells["pred"].iat[r])[column] for r in chosen))
                    sums.append((before + ((column, values),) + after, row, truth))
        if sums:
            is_small = np.asarray(small([pred for pred, _, _ in sums]), dtype=bool)
            above += [("withheld group", None, row, truth) for (_, row, truth), yes in zip(sums, is_small) if yes]
        self._told_of = (zero, above)
        return self._told_of

    def _leaks(self, ranges: dict, k: int, why: dict, clean: CleanBlocks | None = None) -> list[Leak]:
        if self.classes.shape[1] == 0:
            return []
        targets: list[tuple[str, object, sparse.csr_matrix, int]] = []
        for r in np.flatnonzero(self.hidden & (self.true >= 1) & (self.true < k)):
            targets.append(("hidden count", self.cells.index[r], self.classes[r], int(self.true[r])))
        single = {int(t[2].indices[0]) for t in targets if t[2].nnz == 1}  # already a hidden-count target
        n = self.classes.shape[1]
        for g in np.flatnonzero((self.class_truth >= 1) & (self.class_truth < k)):
            if g not in single:
                targets.append(("combination", None, sparse.csr_matrix((np.ones(1), (np.zeros(1, int), np.array([g]))), shape=(1, n)), int(self.class_truth[g])))
        if not targets:
            return []
        program = self.program(ranges)
        digests = self._digests(program, targets, k) if clean is not None else [None] * len(targets)
        todo = [j for j, digest in enumerate(digests) if digest is None or digest not in clean]
        out = []
        known = len(program.points)
        found = program.open_targets([targets[j][2] for j in todo], k, points=self.points) if todo else []
        found = [(todo[j], largest, duals) for j, largest, duals in found]
        self._keep_points(program, known)
        if clean is not None:
            pinned = {digests[j] for j, _, _ in found}
            clean.add(digests[j] for j in todo if digests[j] not in pinned)
        for j, largest, duals in found:
            kind, cell, _, value = targets[j]
            out.append(self._leak(program, kind, cell, largest, value, duals, why))
        return out

    def _leak(self, program: ReaderProgram, kind: str, cell, bound: float, value: int, duals: np.ndarray, why: dict) -> Leak:
        """A target's leak with what its bound rests on: the shown counts and the hidden counts' floors of the optimum's duals."""
        resting = np.abs(duals) > 1e-9
        binding = _shown_resting(program, resting)
        # a hidden count narrowed in another cube: the counts that narrowed it bind too
        floors = []
        for r in np.flatnonzero(resting[program.n_eq:]):
            binding += sorted(why.get(program.range_labels[r], ()), key=str)
            # the count's own floor binds only where its release gives one: a withheld count's
            # range carried in from another cube rests on the counts that narrowed it (just added)
            if program.lower[r] >= 1 and program.own_floor[r] >= 1:
                floors.append(program.range_labels[r])
        return Leak(kind, cell, self.columns, bound, value, list(dict.fromkeys(binding)), floors)

    def _digests(self, program: ReaderProgram, targets: list, k: int) -> list[str | None]:
        """The digest of the block of the program each target lies in (:func:`~tfanalysis.publication.blocks.block_digests`)."""
        if self._families is None:  # each count's set of columns, numbered (the cells never change)
            self._families = pd.factorize(self.cells["pred"].map(lambda p: frozenset(c for c, _ in p)))[0]
        at_range = {label: r for r, label in enumerate(program.range_labels)}
        counts = [t for t in targets if t[0] == "hidden count"]
        is_count = np.array([label is not _TIE for label in program.eq_labels], bool)
        shown = np.flatnonzero(~self.hidden & (self.true > 0))  # the program's equations, in its order (_program)
        family = np.concatenate([self._families[shown], np.full(len(is_count) - len(shown), -1)]).astype(np.int64)
        return block_digests(program.a_eq, program.b_eq, program.eq_labels, is_count, family,
                             program.a_range, program.lower, program.upper, program.range_labels,
                             np.array([at_range[t[1]] for t in counts], np.int64), np.array([t[3] for t in counts], np.int64),
                             np.array([t[2].indices[0] for t in targets[len(counts):]], np.int64), self.class_truth, k,
                             implied=program.implied)


def _shown_touching(program: ReaderProgram, row: sparse.csr_matrix) -> list:
    """The shown counts holding one of ``row``'s combinations (not the ties, which no table shows)."""
    touching = np.asarray(abs(program.a_eq[:, row.indices]).sum(axis=1)).ravel() > 0
    return _shown_resting(program, np.concatenate([touching, np.zeros(program.a_range.shape[0], bool)]))


def _shown_resting(program: ReaderProgram, resting: np.ndarray) -> list:
    """The shown counts among the equations a bound rests on (not the ties, which no table shows)."""
    return [program.eq_labels[e] for e in np.flatnonzero(resting[: program.n_eq]) if program.eq_labels[e] is not _TIE]


def _atoms(constraints: list, values: pd.Series) -> tuple[np.ndarray, list[np.ndarray], int]:
    if constraints and all(isinstance(c, Interval) for c in constraints):
        return _date_atoms(constraints, values)
    if any(isinstance(c, Interval) for c in constraints):
        raise ValueError("a column is restricted both as dates and as values")
    return _value_atoms(constraints, values)


class _Finer:
    """The one-column counts that split a column finer than a cube's other counts do (see :func:`_finer_than_the_cube`)."""

    def __init__(self, cells: pd.DataFrame) -> None:
        self.cells = cells

    def __len__(self) -> int:
        return len(self.cells)

    def of(self, column: str) -> list[tuple[object, object]]:
        """(label, constraint) of those on ``column``."""
        return [(i, dict(p)[column]) for i, p in self.cells["pred"].items() if column in dict(p)]


def _finer_than_the_cube(cells: pd.DataFrame, units: pd.DataFrame, columns: tuple[str, ...]) -> _Finer:
    """The one-column counts that split a column finer than the cube's other counts do.

    In a cube of several columns, a count on one column alone (needs per month) constrains
    only how that column's total splits. Where it splits an atom that no count on several
    columns splits, the split is free for the other columns (a table with both margins
    given can be filled in any way): only the atom's total matters to them. Such counts
    get unknowns of their own, the column's counts per finer atom, tied to the cube's by
    one equation per atom they split (its total both ways): a cube of months × outcomes
    would multiply the unknowns by the months. Left out of the cube, they would lose what
    they say together: three months shown make their quarter's total, and the quarter's
    needs not declined beside it give the declined ones.
    """
    if len(columns) < 2:
        return _Finer(cells.iloc[:0])
    width = cells["pred"].map(lambda p: sum(1 for c, _ in p if c in columns))
    multi = cells[width >= 2]
    finer = pd.Series(False, index=cells.index)
    for column in columns:
        coarse = [dict(p)[column] for p in multi["pred"] if column in dict(p)]
        single = [(i, dict(p)[column]) for i, p in cells.loc[width == 1, "pred"].items() if column in dict(p)]
        if not single:
            continue
        ok = _compatible(coarse, [c for _, c in single], units[column])
        for (i, _), good in zip(single, ok):
            finer[i] = not good
    return _Finer(cells[finer.to_numpy(bool)])


def _compatible(coarse: list, single: list, values: pd.Series) -> list[bool]:
    """Whether each single-column constraint is a union of the atoms of the coarse ones."""
    if any(isinstance(c, Interval) for c in single):
        edges = {b for cc in coarse for b in (cc.start, None if cc.end is None else cc.end + _ONE_DAY) if b is not None}
        return [all(b is None or b in edges for b in (c.start, None if c.end is None else c.end + _ONE_DAY)) for c in single]
    # a union of coarse atoms: every value sharing a coarse atom with a member is a member
    values_seen = set(pd.unique(values.to_numpy(dtype=object))).union(*single)
    signature = _holders(values_seen, coarse)
    by_signature: dict[tuple, set] = {}
    for v, sig in signature.items():
        by_signature.setdefault(sig, set()).add(v)
    return [all(by_signature[signature[v]] <= c for v in c) for c in single]


def _product_index(allowed: list[np.ndarray], sizes: list[int]) -> np.ndarray:
    """The flat positions (C order) of every combination of the allowed atoms, the first column slowest.

    >>> _product_index([np.array([1]), np.array([0, 2])], [2, 3]).tolist()
    [3, 5]
    """
    return _combinations_per_row([[np.asarray(atoms)] for atoms in allowed], sizes, 1)[1]


def _combinations_per_row(allowed: list[list[np.ndarray | None]], sizes: list[int], n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_product_index` of many rows at once: how many combinations each row allows, and their flat positions.

    ``allowed[c][r]``: the atoms row ``r`` of ``n_rows`` allows in column ``c`` (None: every
    atom). The positions come row after row, each row's in C order (the first column
    slowest), with no Python loop over the rows. :func:`_listed` keeps a cube's memory
    within :data:`MAX_INCIDENCE` pairs before calling it.

    >>> counts, flat = _combinations_per_row([[np.array([1]), None], [np.array([0, 2]), np.array([1])]], [2, 3], 2)
    >>> counts.tolist(), flat.tolist()
    ([2, 2], [3, 5, 1, 4])
    """
    atoms = [[np.arange(size, dtype=np.int64) if a is None else np.asarray(a, dtype=np.int64) for a in atoms_of]
             for atoms_of, size in zip(allowed, sizes)]
    lengths = [np.fromiter((a.size for a in column), dtype=np.int64, count=n_rows) for column in atoms]
    counts = np.ones(n_rows, dtype=np.int64)
    flat = np.zeros(n_rows, dtype=np.int64)
    for column, length, size in zip(atoms, lengths, sizes):
        pooled = np.concatenate(column) if n_rows else np.zeros(0, dtype=np.int64)
        grown = counts * length
        row = np.repeat(np.arange(n_rows), grown)
        # within a row: each earlier combination (slower) times each of this column's atoms (faster)
        j = np.arange(int(grown.sum()), dtype=np.int64) - np.repeat(np.cumsum(grown) - grown, grown)
        earlier = (np.cumsum(counts) - counts)[row] + j // length[row]
        atom = (np.cumsum(length) - length)[row] + j % length[row]
        flat = flat[earlier] * size + pooled[atom]
        counts = grown
    return counts, flat


class _Collapse:
    """Columns of a cube no count tells apart at some atoms of another column: listed at one atom there.

    Where every count holding an atom ``d`` of the column ``at`` takes a column ``B`` whole
    (a what-if run's reach is counted in its period only; counties in some periods only),
    the combinations ``(d, b, ...)`` for the atoms ``b`` of ``B`` lie in the same counts: a
    reader cannot tell them apart, and :meth:`_Cube._merged` would merge them. They are
    listed as one, at ``B``'s atom 0, and the units there are counted at it: the cube's
    programs are the same, but its size (the pairs it lists, :data:`MAX_INCIDENCE`) is not
    the whole product. One column ``at`` per cube, the one leaving fewest pairs; the
    combinations left out are empty and in no count, so no program reads them.

    Parameters
    ----------
    at : int
        The position of the column whose atoms decide.
    columns : tuple of int
        The positions of the columns listed at one atom where no count tells them apart.
    where : numpy.ndarray
        ``where[j, d]``: ``columns[j]`` is listed at one atom at the atom ``d`` of ``at``.
    allowed, n_rows
        The cube's counts, as :func:`_combinations_per_row` reads them: split into
        ``rows`` (the rows' allowed atoms) and ``row_of`` (the count of each row, in
        order), once, as the cube is sized and built on them.

    Examples
    --------
    Days (2 atoms) by reach (3 atoms): the second day's counts never name a reach.

    >>> allowed = [[np.array([0]), np.array([1]), np.array([0])], [None, None, np.array([2])]]
    >>> collapse = _Collapse.of(allowed, [2, 3], 3, [True, True])
    >>> collapse.at, collapse.columns, collapse.where.tolist()
    (0, (1,), [[False, True]])
    >>> [[None if a is None else a.tolist() for a in column] for column in collapse.rows], collapse.row_of.tolist()
    ([[[0], [1], [0]], [None, [0], [2]]], [0, 1, 2])
    >>> _pair_count(allowed, [2, 3], 3), _pair_count(collapse.rows, [2, 3], 3)
    (7.0, 5.0)
    """

    def __init__(self, at: int, columns: tuple[int, ...], where: np.ndarray,
                 allowed: list[list[np.ndarray | None]], n_rows: int) -> None:
        self.at, self.columns, self.where = at, columns, where
        self.rows, self.row_of = self._split(allowed, n_rows)

    @staticmethod
    def of(allowed: list[list[np.ndarray | None]], sizes: list[int], n_rows: int, may: list[bool]) -> "_Collapse | None":
        """The collapse leaving fewest (count, combination) pairs, of the columns ``may`` allows; None if none leaves fewer.

        ``allowed[c][r]`` as :func:`_combinations_per_row` reads it.
        """
        if len(sizes) < 2 or not n_rows:
            return None
        lengths = [np.fromiter((size if a is None else len(a) for a in column), dtype=np.int64, count=n_rows)
                   for column, size in zip(allowed, sizes)]
        best, fewest = None, _pair_count(allowed, sizes, n_rows)
        for at, size in enumerate(sizes):
            every = np.fromiter((a is None for a in allowed[at]), dtype=bool, count=n_rows)
            atoms, row_of = _pooled(allowed[at], every)
            columns, where = [], []
            for c, (length, size_c) in enumerate(zip(lengths, sizes)):
                if c == at or not may[c] or size_c < 2:
                    continue
                names_part = length < size_c  # the counts telling apart the atoms of ``c``
                if (names_part & every).any():  # at every atom of ``at``
                    continue
                told_apart = np.zeros(size, dtype=bool)  # the atoms of ``at`` some count naming part of ``c`` holds
                told_apart[atoms[names_part[row_of]]] = True
                if not told_apart.all():
                    columns.append(c)
                    where.append(~told_apart)
            if columns:
                candidate = _Collapse(at, tuple(columns), np.array(where), allowed, n_rows)
                pairs = _pair_count(candidate.rows, sizes, len(candidate.row_of))
                if pairs < fewest:
                    best, fewest = candidate, pairs
        return best

    def _split(self, allowed: list[list[np.ndarray | None]], n_rows: int) -> tuple[list[list[np.ndarray | None]], np.ndarray]:
        """The counts' rows split where the collapsed columns differ: the rows' allowed atoms, and the count of each row (in order)."""
        at, bits = self.at, 1 << len(self.columns)
        # which collapsed columns each atom of ``at`` is listed at one atom for, as bits
        kind_of = (self.where.astype(np.int64) << np.arange(len(self.columns), dtype=np.int64)[:, None]).sum(axis=0)
        every = np.fromiter((a is None for a in allowed[at]), dtype=bool, count=n_rows)
        atoms, row_of = _pooled(allowed[at], every)
        kind = kind_of[atoms]
        order = np.lexsort((atoms, kind, row_of))
        key = row_of[order] * bits + kind[order]
        starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]])) if key.size else np.zeros(0, dtype=np.int64)
        pieces = np.split(atoms[order], starts[1:]) if starts.size else []
        rows_of, kinds = row_of[order][starts], kind[order][starts]
        # a count on every atom of ``at``: one row per kind of atom (not its atoms one by one)
        kinds_here = np.unique(kind_of)
        whole = np.flatnonzero(every)
        rows_of = np.concatenate([rows_of, np.repeat(whole, kinds_here.size)])
        kinds = np.concatenate([kinds, np.tile(kinds_here, whole.size)])
        of_kind = [np.flatnonzero(kind_of == k) for k in kinds_here.tolist()]
        pieces = pieces + of_kind * whole.size
        order = np.lexsort((kinds, rows_of))
        rows_of, kinds = rows_of[order], kinds[order]
        one = np.zeros(1, dtype=np.int64)
        out = []
        for c, column in enumerate(allowed):
            if c == at:
                out.append([pieces[o] for o in order.tolist()])
            elif c in self.columns:
                bit = 1 << self.columns.index(c)
                out.append([one if k & bit else column[r] for r, k in zip(rows_of.tolist(), kinds.tolist())])
            else:
                out.append([column[r] for r in rows_of.tolist()])
        return out, rows_of

    def units(self, unit_atoms: list[np.ndarray]) -> list[np.ndarray]:
        """The units' atoms, each collapsed column's at its atom 0 where it is listed there."""
        out = list(unit_atoms)
        for j, c in enumerate(self.columns):
            out[c] = np.where(self.where[j][unit_atoms[self.at]], 0, unit_atoms[c])
        return out

    def listed(self, flat: np.ndarray, sizes: list[int]) -> np.ndarray:
        """Which of the combinations (flat positions, C order) are listed: none at an atom of a collapsed column other than 0 where it is collapsed."""
        position = np.unravel_index(flat, sizes)
        keep = np.ones(flat.size, dtype=bool)
        for j, c in enumerate(self.columns):
            keep &= ~self.where[j][position[self.at]] | (position[c] == 0)
        return keep


def _pooled(allowed: list[np.ndarray | None], every: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows' allowed atoms of one column in one array, and the row of each; the rows on ``every`` atom (None) left out.

    >>> [a.tolist() for a in _pooled([np.array([2]), None, np.array([0, 1])], np.array([False, True, False]))]
    [[2, 0, 1], [0, 2, 2]]
    """
    pooled = [np.asarray(a, dtype=np.int64) for a, whole in zip(allowed, every.tolist()) if not whole]
    if not pooled:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(pooled), np.repeat(np.flatnonzero(~every), [a.size for a in pooled])


def _listed(allowed: list[list[np.ndarray | None]], sizes: list[int], n_rows: int, kept: OrderedDict | None,
            columns: tuple[str, ...] = ()) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`_combinations_per_row` (at most :data:`MAX_INCIDENCE` pairs), listing only the rows ``kept`` does not hold.

    A row's combinations depend only on the atoms it allows and the cube's sizes. ``kept``
    holds, per cube (its columns and sizes), each row of the last call by those atoms, and
    how many pairs they hold: a table adding counts to a cube of thousands (a half-year's
    needs per county and outcome beside a quarter's what-if cube) lists its own, not the
    cube's again. It then holds this call's (:data:`MAX_LISTED` cubes, and pairs of at most
    two cubes at :data:`MAX_INCIDENCE`).

    >>> kept = OrderedDict()
    >>> allowed = [[np.array([1]), None], [np.array([0, 2]), np.array([1])]]
    >>> [a.tolist() for a in _listed(allowed, [2, 3], 2, kept)]
    [[2, 2], [3, 5, 1, 4]]
    >>> [a.tolist() for a in _listed([[None, np.array([0])], [np.array([1]), np.array([0, 2])]], [2, 3], 2, kept)]  # the first row known
    [[2, 2], [1, 4, 0, 2]]
    """
    if _pair_count(allowed, sizes, n_rows) > MAX_INCIDENCE:
        return None
    if kept is None:
        return _combinations_per_row(allowed, sizes, n_rows)
    cube = (columns, tuple(sizes))
    known = kept.get(cube, ({}, 0))[0]
    keys = [tuple(None if a is None else np.asarray(a, dtype=np.int64).tobytes() for a in row) for row in zip(*allowed)] if allowed else [()] * n_rows
    found = [known.get(key) for key in keys]
    missing = [r for r, row in enumerate(found) if row is None]
    if missing:
        counts, flat = _combinations_per_row([[column[r] for r in missing] for column in allowed], sizes, len(missing))
        flat = flat.astype(_index_dtype(math.prod(sizes)), copy=False)  # as the incidence holds them
        for r, row in zip(missing, np.split(flat, np.cumsum(counts)[:-1])):
            found[r] = row
    per_row = np.fromiter((row.size for row in found), dtype=np.int64, count=n_rows)
    flat = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    kept[cube] = (dict(zip(keys, np.split(flat, np.cumsum(per_row)[:-1]) if n_rows else [])), flat.size)
    kept.move_to_end(cube)
    _keep_within(kept, MAX_LISTED, lambda rows: rows[1])
    return per_row, flat


def _keep_within(kept: OrderedDict, most: int, pairs: Callable[[object], int]) -> None:
    """Let the oldest entries of ``kept`` go until it holds at most ``most`` of them and no more
    (count, combination) pairs (``pairs`` of an entry) than two cubes at :data:`MAX_INCIDENCE`
    (a national run's memory); the newest is always kept.

    >>> kept = OrderedDict(a=5, b=3, c=1)
    >>> _keep_within(kept, 2, lambda n: n); list(kept)
    ['b', 'c']
    >>> _keep_within(kept, 2, lambda n: n * MAX_INCIDENCE); list(kept)
    ['c']
    """
    while len(kept) > 1 and (len(kept) > most or sum(pairs(entry) for entry in kept.values()) > 2 * MAX_INCIDENCE):
        kept.popitem(last=False)


def _shape_size(shape: dict | tuple | None) -> int:
    """The entries a shape of :func:`_shape` holds, as pairs: its incidence, ties, true counts per
    unknown and the merged classes built from it (a cube too large to solve whole holds only its labels).

    >>> _shape_size({"incidence": sparse.identity(3, format="csr"), "linking": None, "truth": np.zeros(3)})
    6
    """
    if not isinstance(shape, dict):
        return 0
    merged = sum(part.nnz if sparse.issparse(part) else part.size
                 for classes_ties_truth in shape.get("merged", {}).values() for part in classes_ties_truth)
    return shape["incidence"].nnz + (shape["linking"].nnz if shape["linking"] is not None else 0) + shape["truth"].size + merged


_ONES = np.ones(0)


def _ones(n: int) -> np.ndarray:
    """``n`` ones, read-only, from one buffer kept for every incidence (each of millions: a fresh array
    of them cost more than listing the combinations); an incidence's entries are never written."""
    global _ONES
    if _ONES.size < n:
        _ONES = np.ones(max(n, 2 * _ONES.size))
        _ONES.flags.writeable = False
    return _ONES[:n]


def _index_dtype(largest: int) -> type:
    """The integer type of a compressed matrix's indices up to ``largest`` (scipy's own choice: 32 bits where they fit)."""
    return np.int32 if largest < np.iinfo(np.int32).max else np.int64


def _pair_count(allowed: list[list[np.ndarray | None]], sizes: list[int], n_rows: int) -> float:
    """How many (row, combination) pairs the rows of :func:`_combinations_per_row` hold, nothing listed (in floats: no overflow).

    >>> _pair_count([[np.array([1]), None], [np.array([0, 2]), np.array([1])]], [2, 3], 2)
    4.0
    """
    lengths = [np.fromiter((size if a is None else len(a) for a in column), dtype=np.float64, count=n_rows)
               for column, size in zip(allowed, sizes)]
    return float(np.prod(np.reshape(lengths, (len(lengths), n_rows)), axis=0).sum()) if lengths else float(n_rows)


def _rows_in_order(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, axis=0, return_index=True, return_inverse=True)[1:]`` for two columns, by one stable sort.

    The distinct rows in order (first column, then second): the position of each one's
    first occurrence, and each row's distinct row.

    >>> first, of = _rows_in_order(np.array([[2.0, 1.0], [1.0, 5.0], [2.0, 1.0]]))
    >>> first.tolist(), of.tolist()
    ([1, 0], [1, 0, 1])
    """
    if not len(values):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.lexsort((values[:, 1], values[:, 0]))
    ordered = values[order]
    starts = np.concatenate([[True], (ordered[1:] != ordered[:-1]).any(axis=1)])
    group = np.cumsum(starts) - 1
    groups_of = np.empty(len(values), dtype=np.int64)
    groups_of[order] = group
    return order[starts], groups_of
