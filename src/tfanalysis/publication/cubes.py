"""Which sets of columns the bounds solve as one cube.

A reader combines counts on different columns through the units they share. The bounds
(:mod:`tfanalysis.publication.bounds`) solve one linear program per *cube*, a set of columns
whose every released count they hold; this module chooses the cubes: the maximal column
sets of the released counts, each single column, and the union of two maximal sets when
the tables inside it form a cycle (``(a, b)``, ``(b, c)``, ``(a, c)``), which only a cube on
all their columns sees.

Examples
--------
>>> [''.join(sorted(c)) for c in cubes({frozenset("ab"), frozenset("bc"), frozenset("ac")}, None)]
['ab', 'ac', 'bc', 'a', 'b', 'c', 'abc']
"""

from __future__ import annotations

__all__ = ["cubes", "cycle_core", "cycle_unions"]


def cubes(column_sets: set[frozenset], must_touch: set | None) -> list[frozenset]:
    """The maximal column sets, every single column, and the unions that close a cycle.

    A larger cube holds every constraint of a smaller one; each column also gets its own
    cube (the one-column counts splitting it finer are tied to a larger cube's unknowns
    there, :func:`~tfanalysis.publication.bounds._finer_than_the_cube`). Tables on
    ``(a, b)``, ``(b, c)`` and ``(a, c)`` bound each other only together: the union of two
    maximal sets is a cube of its own when a third maximal set lies inside it and in
    neither of the two (:func:`cycle_unions`).
    """
    sets = sorted(column_sets, key=lambda s: (-len(s), sorted(s)))
    maximal = [s for i, s in enumerate(sets) if not any(s < t for t in sets[:i])]
    unions = cycle_unions(maximal, sets)
    maximal += sorted({frozenset([c]) for s in sets for c in s} - set(maximal), key=sorted)
    maximal += unions
    if must_touch is not None:
        maximal = [s for s in maximal if any(t <= s for t in must_touch)]
    return maximal


def cycle_unions(maximal: list[frozenset], released: list[frozenset] | None = None) -> list[frozenset]:
    """Unions of two maximal column sets inside which the released tables form a cycle.

    Counts on ``(county, need)``, ``(outcome, need)`` and ``(county, outcome)`` are each
    consistent on their own, but together they can pin a cell none of them pins alone:
    only a cube on all three columns sees it. Tables without a cycle (a chain
    ``(a, b)``, ``(b, c)``) meet only in their shared margins, which the cubes of each
    already carry to one another. So a union of two maximal sets is a cube of its own
    when the maximal sets inside it are cyclic and the cycle spans the whole union
    (:func:`cycle_core`); pairs reach every cycle of three tables, and of four tables on
    four columns. Unions too large to solve whole are left out (see :func:`_build`).

    ``released`` (every released column set; default the maximal ones) are the tables the
    cycles are read from: a table inside a larger one (``(a, b)`` beside ``(a, b, county)``)
    closes a cycle all the same. Smaller unions come first, and a larger one is a cube only
    if it is still cyclic with the smaller cubes counted among its sets: two cycles that meet
    in shared columns
    (``(a, b, x)``, ``(b, c, x)``, ``(a, c)`` and ``(a, b, y)``, ``(b, c, y)``) are each
    closed by a cube of their own (``abcx``, ``abcy``) and meet, like a chain, in the
    counts on their shared columns. In a run after earlier runs each earlier run's what-if
    reach column closed such a cycle with report 02's tables, and every pair of them made a
    union of five columns: 45 cubes re-solved for every table report 02 released.

    >>> sets = [frozenset("ab"), frozenset("bc"), frozenset("ac"), frozenset("cd")]
    >>> [''.join(sorted(u)) for u in cycle_unions(sets)]
    ['abc']
    >>> cycle_unions([frozenset("ab"), frozenset("bc"), frozenset("cd")])
    []
    >>> two = [frozenset("abx"), frozenset("bcx"), frozenset("aby"), frozenset("bcy"), frozenset("ac")]
    >>> [''.join(sorted(u)) for u in cycle_unions(two)]
    ['abcx', 'abcy']

    Needs by service and reach (``nA``), by outcome and reach (``oA``), by service and
    outcome (``no``, inside a larger table ``noc``): the cycle ``n-A-o`` is closed by
    ``noA``; a second reach column (``B``) is a cycle of its own, not one with ``A``:

    >>> tables = [frozenset("noc"), frozenset("no"), frozenset("nA"), frozenset("oA"), frozenset("nB"), frozenset("oB")]
    >>> [''.join(sorted(u)) for u in cycle_unions([t for t in tables if t != frozenset("no")], tables)]
    ['Ano', 'Bno']
    """
    candidates = {s | t for i, s in enumerate(maximal) for t in maximal[i + 1:]}  # maximal: neither holds the other
    out: list[frozenset] = []
    for union in sorted(candidates, key=lambda u: (len(u), sorted(u))):
        # the smaller unions kept are cubes too: a union whose cycles they already close
        # (two cycles meeting in shared columns) adds no cube of its own
        inside = [r for r in (released or maximal) if r <= union] + [u for u in out if u < union]
        if cycle_core(inside) == union:
            out.append(union)
    return out


def cycle_core(sets: list[frozenset]) -> frozenset:
    """The columns left by the Graham (GYO) reduction: empty when the sets have no cycle.

    Repeatedly drop a column that only one set holds, and a set that another holds.

    >>> sorted(cycle_core([frozenset("ab"), frozenset("bc"), frozenset("ac"), frozenset("cd")]))
    ['a', 'b', 'c']
    """
    edges = [set(s) for s in sets]
    changed = True
    while changed:
        changed = False
        counts: dict = {}
        for e in edges:
            for c in e:
                counts[c] = counts.get(c, 0) + 1
        for e in edges:
            lonely = {c for c in e if counts[c] == 1}
            if lonely:
                e -= lonely
                changed = True
        kept: list[set] = []
        for j, e in enumerate(edges):
            if not e or any(e <= f and (e != f or j > k) for k, f in enumerate(edges) if k != j):
                changed = True
                continue
            kept.append(e)
        edges = kept
    return frozenset().union(*edges) if edges else frozenset()
