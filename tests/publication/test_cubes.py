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
