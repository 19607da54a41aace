"""Where a report's disclosure programs go, table by table: one notebook replayed in this process (benchmarks only).

The notebook's code cells run here, as the suite runner would run them, into a ledger folder
of their own beside the ledgers of earlier runs (copy a reports folder's
``.ledgers/<dataset>/<run>`` folders into ``LEDGERS`` first: those marked complete are read as
earlier runs). For each table released it prints the seconds of its suppression and the
programs solved, by what they were for:

* ``one count``: the smallest or largest value of one shared hidden count (its range, carried
  to the other cubes holding it), a program each;
* ``rounds``: programs minimising or maximising many shared counts at once;
* ``targets``: a hidden count's or combination's largest value (is it at least the threshold?);
* ``other``: the batch rounds raising many targets, exact checks, implied rows;

and how many shared counts had their ranges worked out (margins apart). Counts are exact;
seconds are this machine's at the time. ``--trace FILE`` writes, for each ``find_leaks`` call
(a pass of a table's suppression), its seconds and leaks, and for each cube's working of
ranges in it the cube's size, the counts worked out, the smallest and largest values solved
by a program (one count's or a round's) and its seconds (a call's line follows its cubes').

    .venv/bin/python benchmarks/programs_per_table.py notebooks/02_needs_and_gaps.ipynb DATA 2025-01-01..2025-06-30 LEDGERS
    .venv/bin/python benchmarks/programs_per_table.py notebooks/00_data_quality.ipynb DATA 2025-01-01..2025-12-31 LEDGERS --trace trace.txt
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import json
import sys
import time
from pathlib import Path

from tfanalysis.publication import bounds, program, release


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("period", help="as the runner gives it: 2025-01-01..2025-06-30")
    parser.add_argument("ledgers", type=Path, help="the dataset's ledgers folder; the replay's own goes into LEDGERS/replay")
    parser.add_argument("--param", action="append", default=[], help="NAME=VALUE, another notebook parameter (scenarios_file=...)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--trace", type=Path, help="a file for each find_leaks call and each cube's working of ranges in it")
    args = parser.parse_args(argv)
    cells = [c for c in json.loads(args.notebook.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    names: dict = {}
    exec("".join(cells[0]["source"]), names)  # the parameters cell, then the runner's values
    names.update(data_dir=str(args.data_dir), period=args.period, ledger_dir=str(args.ledgers / "replay"), run_id="replay",
                 **dict(p.split("=", 1) for p in args.param))
    stats: dict = collections.defaultdict(collections.Counter)
    table = ["-"]

    decide = release.Release._decide

    def timed_decide(self, universe, totals, keys, is_series, name, labels=None):
        table[0], started = name, time.perf_counter()
        try:
            return decide(self, universe, totals, keys, is_series, name, labels)
        finally:
            stats[name]["seconds"] += time.perf_counter() - started
            table[0] = "-"

    trace = args.trace.open("w", encoding="utf-8") if args.trace else None
    calls, solved = [0], collections.Counter()
    find_leaks = bounds.find_leaks

    def traced_find_leaks(*a, **kw):
        calls[0] += 1
        started = time.perf_counter()
        out = find_leaks(*a, **kw)
        print(f"call {calls[0]} ({table[0]}): {time.perf_counter() - started:.1f} s, {len(out)} leaks", file=trace, flush=True)
        return out

    optimise = program.ReaderProgram._optimise

    def counted_optimise(self, row, maximise=True):
        solved["largest" if maximise else "smallest"] += 1
        frame, callers = sys._getframe(1), set()
        while frame is not None and len(callers) < 8:
            callers.add(frame.f_code.co_name)
            frame = frame.f_back
        kind = ("one count" if "extent_of" in callers else "rounds" if "extents_of_ranged" in callers
                else "targets" if callers & {"_one_by_one", "_largest"} else "other")
        stats[table[0]][kind] += 1
        return optimise(self, row, maximise)

    work_out = bounds._Cube.work_out_ranges

    def counted_work_out(self, labels, ranges, round_=0, before=None):
        ranged = self._key(ranges)
        todo = [label for label in labels if ("range", label, ranged) not in self._answers]
        if len(todo) >= 2:
            margins = sum(str(label).startswith(bounds._MARGIN) for label in todo)
            stats[table[0]]["shared counts"] += len(todo) - margins
            stats[table[0]]["margins"] += margins
        solved_before, started = solved.copy(), time.perf_counter()
        out = work_out(self, labels, ranges, round_, before)
        if trace is not None and len(todo) >= 2:
            done = solved - solved_before
            print(f"  round {round_}: cube of {self.classes.shape[0]} counts, {self.classes.shape[1]} unknowns: {len(todo)} ranges, "
                  f"{done['smallest']} smallest and {done['largest']} largest values solved, {time.perf_counter() - started:.1f} s",
                  file=trace, flush=True)
        return out

    release.Release._decide = timed_decide
    if trace is not None:
        bounds.find_leaks = traced_find_leaks
    program.ReaderProgram._optimise = counted_optimise
    bounds._Cube.work_out_ranges = counted_work_out
    source = "\n".join("".join(c["source"]) for c in cells[1:] if "injected-parameters" not in c["metadata"].get("tags", []))
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, str(args.notebook), "exec"), names)
    total: collections.Counter = collections.Counter()
    for counts in stats.values():
        total.update(counts)
    columns = ["seconds", "one count", "rounds", "targets", "other", "shared counts", "margins"]
    print(f"{args.notebook.name}: {time.perf_counter() - started:.0f} s, {len(stats)} tables")
    print(f"{'':60s} " + " ".join(f"{c:>13s}" for c in columns))
    for name, counts in [("(all)", total), *sorted(stats.items(), key=lambda item: -item[1]["seconds"])[: args.top]]:
        print(f"{name[:60]:60s} " + " ".join(f"{counts[c]:13.0f}" for c in columns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
