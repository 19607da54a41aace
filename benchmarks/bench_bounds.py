"""The bounds over a whole run's ledger: how long ``find_leaks`` takes per universe, nothing cached.

The run's own audit (``tfanalysis run``) makes the same calls, once per universe, over every
count the run and its earlier runs released. Give a data folder and a run's ledger folder
(``<reports>/.ledgers/<dataset>/<run id>``); each universe is bounded ``--repeat`` times and the
fastest time printed, with the counts it holds and the findings (none, for a published run).

    .venv/bin/python benchmarks/bench_bounds.py DATA_DIR LEDGER_DIR [--repeat 3] [--universe needs]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tfanalysis.data.io import load_dataset
from tfanalysis.publication import Release
from tfanalysis.publication.bounds import find_leaks
from tfanalysis.running.audit import key_universe


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("ledger_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--universe", action="append", default=None, help="only these universes (default: every one)")
    parser.add_argument("--threshold", type=int, default=11)
    args = parser.parse_args(argv)
    release = Release(load_dataset(args.data_dir), args.threshold, ledger_dir=args.ledger_dir)
    universes = sorted({key_universe(k) for k in release.ledger.cells["key"]})
    total = 0.0
    for universe in args.universe or universes:
        cells = release.ledger.universe_cells(universe)
        units = release.units(universe)
        times, found = [], 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            found = len(find_leaks(cells, units, release.threshold))
            times.append(time.perf_counter() - started)
        total += min(times)
        print(f"{universe:<10} {len(cells):>6} counts  {min(times):7.2f} s (fastest of {args.repeat})  findings: {found}", flush=True)
    print(f"{'all':<10} {'':>6}         {total:7.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
