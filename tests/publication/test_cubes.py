"""Which column sets the bounds solve together (cubes.py)."""

from tfanalysis.publication.cubes import cubes, cycle_core, cycle_unions


def _names(sets):
    return ["".join(sorted(s)) for s in sets]


def test_a_chain_of_tables_has_no_cycle_and_no_union_cube():
    chain = [frozenset("ab"), frozenset("bc"), frozenset("cd")]
    assert cycle_core(chain) == frozenset()
    assert _names(cubes(set(chain), None)) == ["ab", "bc", "cd", "a", "b", "c", "d"]


def test_a_cycle_of_four_tables_on_four_columns_is_one_union_cube():
    ring = [frozenset("ab"), frozenset("bc"), frozenset("cd"), frozenset("ad")]
    assert cycle_core(ring) == frozenset("abcd")
    # the union of two opposite tables spans the ring; two adjacent ones leave a column out
    assert _names(cycle_unions(ring)) == ["abcd"]


def test_only_cubes_touching_the_new_columns_are_checked():
    sets = {frozenset("ab"), frozenset("bc"), frozenset("ac"), frozenset("de")}
    assert _names(cubes(sets, {frozenset("d")})) == ["de", "d"]


def test_a_table_inside_a_larger_one_closes_a_cycle_and_two_cycles_on_shared_columns_are_two_cubes():
    """Needs by service and outcome (``no``, also inside ``noc`` with the county), by service and reach (``nA``), by outcome and reach (``oA``).

    The code before read cycles from the maximal tables only: ``noc`` is not inside
    ``noA``, so the cycle n-A-o had no cube; and every pair of reach columns (``A``, ``B``)
    made a five-column union of its own.
    """
    tables = {frozenset("noc"), frozenset("no"), frozenset("nA"), frozenset("oA"), frozenset("nB"), frozenset("oB")}
    unions = [c for c in cubes(tables, None) if len(c) > 1 and c not in tables]
    assert _names(unions) == ["Ano", "Bno"]
