"""How large the bounds' cubes of earlier runs are, listed whole and with columns listed at one atom (benchmarks only).

Reads the published ledgers of a dataset (copy a reports folder's ``.ledgers/<dataset>/<run>``
folders into ``LEDGERS`` first), builds the cubes of the counts they released together (one per
set of columns some count is on, largest first), and prints for each: its counts, the atoms per
column, the combinations (the product), the (count, combination) pairs of the whole product,
those listed where a column no count tells apart is listed at one atom
(``bounds._Collapse``: which column's atoms decide, which columns it lists at one atom and at
how many of those atoms), and with ``--build`` the seconds to build the cube both ways and
whether the merged classes are the same. The limit on pairs is ``bounds.MAX_INCIDENCE``.

    .venv/bin/python benchmarks/cube_sizes.py DATA LEDGERS [--universe needs] [--top 8] [--build]
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np

import tfanalysis as tf
from tfanalysis.publication import bounds
from tfanalysis.publication.release import Release


def _cube(cells, units, columns: tuple[str, ...]):
    shape = bounds._shape(cells, units, columns, split=False)
    return bounds._Cube(cells.loc[shape["labels"]], shape["incidence"], shape["truth"], columns,
                        linking=shape["linking"], empty=shape["empty"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("ledgers", type=Path, help="the dataset's ledgers folder (the runs marked complete are read)")
    parser.add_argument("--universe", default="needs")
    parser.add_argument("--top", type=int, default=8, help="how many of the cubes, most columns first")
    parser.add_argument("--build", action="store_true", help="build each cube both ways and compare their classes")
    args = parser.parse_args(argv)

    release = Release(tf.load_dataset(args.data_dir), 11, ledger_dir=args.ledgers / ".cube-sizes", run="cube-sizes")
    universe = args.universe
    units = release.units(universe)
    solved = release._solved_of(universe)
    read, _, _, _ = bounds._cubes_of(release._released(universe), units, None, lambda c: release._span(universe, c), solved)
    column_sets = read["pred"].map(lambda p: frozenset(c for c, _ in p))
    for columns in sorted(set(column_sets), key=lambda s: (-len(s), sorted(s)))[: args.top]:
        columns = tuple(sorted(columns))
        inside = read[column_sets.map(lambda c: set(c) <= set(columns)).to_numpy(bool)]
        stage = bounds._atoms_of_cube(inside, units, columns)
        if stage is None:
            continue
        _, labels, _, sizes, allowed, _, _, collapse = stage
        whole = bounds._pair_count(allowed, sizes, len(labels))
        if collapse is None:
            listed, how = whole, "none listed at one atom"
        else:
            rows, row_of = collapse.rows, collapse.row_of
            listed = bounds._pair_count(rows, sizes, len(row_of))
            at_one = ", ".join(f"{columns[c]} at {int(n)}" for c, n in zip(collapse.columns, collapse.where.sum(axis=1)))
            how = f"by {columns[collapse.at]}: {at_one} of its {sizes[collapse.at]} atoms"
        print(f"{' × '.join(columns)}: {len(labels):,} counts, atoms {sizes}, {math.prod(sizes):,} combinations, "
              f"{whole:,.0f} pairs whole, {listed:,.0f} listed ({how})", flush=True)
        if args.build and collapse is not None:
            started = time.perf_counter()
            with_collapse = _cube(inside, units, columns)
            seconds = time.perf_counter() - started
            of = bounds._Collapse.of
            bounds._Collapse.of = staticmethod(lambda *a: None)
            try:
                started = time.perf_counter()
                product = _cube(inside, units, columns)
                seconds_whole = time.perf_counter() - started
            finally:
                bounds._Collapse.of = of
            same = ((with_collapse.classes != product.classes).nnz == 0 and (with_collapse.links != product.links).nnz == 0
                    and np.array_equal(with_collapse.class_truth, product.class_truth))
            print(f"    built in {seconds:.1f} s listed at one atom, {seconds_whole:.1f} s whole; "
                  f"{with_collapse.classes.shape[1]:,} classes, the same: {same}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
