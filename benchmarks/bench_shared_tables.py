"""Which tables do the reports of one run compute again and again, and what does each cost?

Runs the code cells of every report notebook in this process (no kernels, no rendering),
each with the suite runner's parameters, under cProfile, and reports for the functions
that build tables several reports share — the per-need frame, matching needs to eligible
capacity, the counties each capacity row serves, a period's window, the dataset restricted
to a period, loading — how often each was called per notebook and the cumulative time.
Run from the repo root:

    .venv/bin/python benchmarks/bench_shared_tables.py                   # the demo, 2025Q4
    .venv/bin/python benchmarks/bench_shared_tables.py --data DIR --period all

The figures decide whether caching a table across a run pays (docs/performance.md).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import pstats
import tempfile
import time
from pathlib import Path

import nbformat

from tfanalysis import demo
from tfanalysis.running import pipeline

SHARED = {
    "load_dataset": ("data/io.py", "load_dataset"),
    "client_needs (per-need frame)": ("analyses/gaps/eligibility.py", "client_needs"),
    "match_needs (eligible capacity)": ("analyses/gaps/eligibility.py", "match_needs"),
    "served_counties": ("analyses/service_areas.py", "served_counties"),
    "period_window": ("analyses/capacity_in_force.py", "period_window"),
    "TaskForceData.in_period": ("data/io.py", "in_period"),
    "capacity_places": ("analyses/capacity_in_force.py", "capacity_places"),
    "geo.counties": ("geo/county_shapes.py", "counties"),
    "geo.county_population": ("geo/population.py", "county_population"),
}


def notebook_code(path: Path, params: dict) -> str:
    nb = nbformat.read(path, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    assignments = "\n".join(f"{k} = {v!r}" for k, v in params.items())
    # notebook.setup() displays HTML; outside a kernel it only sets the plotly renderer
    return assignments + "\n" + "\n".join(cells)


def profile(path: Path, params: dict) -> tuple[float, pstats.Stats]:
    code = compile(notebook_code(path, params), str(path), "exec")
    profiler = cProfile.Profile()
    start = time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):  # what the cells display
        profiler.enable()
        exec(code, {"__name__": "__notebook__"})
        profiler.disable()
    return time.process_time() - start, pstats.Stats(profiler)


def top_calls(stats: pstats.Stats, n: int) -> list[tuple[str, int, float]]:
    """The package's functions with the most cumulative time (nested ones included)."""
    rows = [(f"{Path(filename).name}:{function}", ncalls, cumulative)
            for (filename, _, function), (_, ncalls, _, cumulative, _) in stats.stats.items()
            if "/tfanalysis/" in filename and not function.startswith("<")]
    return sorted(rows, key=lambda r: -r[2])[:n]


def shared_calls(stats: pstats.Stats) -> dict[str, tuple[int, float]]:
    found: dict[str, tuple[int, float]] = {}
    for (filename, _, function), (_, ncalls, _, cumulative, _) in stats.stats.items():
        for label, (module, name) in SHARED.items():
            if filename.endswith("tfanalysis/" + module) and function == name:
                calls, seconds = found.get(label, (0, 0.0))
                found[label] = (calls + ncalls, seconds + cumulative)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="dataset folder (default: the demo, generated)")
    parser.add_argument("--period", default="2025Q4")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    parser.add_argument("--top", type=int, default=12, help="the package's costliest functions listed per notebook")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or demo.generate(Path(tmp) / "demo")
        notebooks = pipeline.discover_notebooks(pipeline.default_notebooks_dir())
        base = {"data_dir": str(data), "period": args.period, "region": "", "suppression_threshold": 11,
                "run_id": "profile", "ledger_dir": str(Path(tmp) / "ledger"), "report_dir": str(Path(tmp) / "run"),
                "history_file": "", "scenarios_file": ""}
        (Path(tmp) / "run").mkdir()
        rows = []
        for path in notebooks:
            declared = pipeline.notebook_parameters(path)
            params = {k: v["default"] if k not in base else base[k] for k, v in declared.items()}
            params = {k: (eval(v, {}) if isinstance(v, str) and k not in base else v) for k, v in params.items()}
            cpu, stats = profile(path, params)
            calls = shared_calls(stats)
            rows.append({"notebook": path.stem, "cpu": cpu, "shared": calls})
            print(f"{path.stem}: {cpu:.1f} s CPU")
            for label, (n, seconds) in sorted(calls.items(), key=lambda kv: -kv[1][1]):
                print(f"    {label:34s} {n:4d} calls {seconds:7.2f} s")
            print("  where the time goes (cumulative, nested calls overlap):")
            for name, n, seconds in top_calls(stats, args.top):
                print(f"    {name:50s} {n:5d} calls {seconds:7.2f} s")
    print("\nover the run:")
    totals: dict[str, list[float]] = {}
    for row in rows:
        for label, (n, seconds) in row["shared"].items():
            t = totals.setdefault(label, [0, 0.0, 0])
            t[0] += n
            t[1] += seconds
            t[2] += 1
    for label, (n, seconds, notebooks_using) in sorted(totals.items(), key=lambda kv: -kv[1][1]):
        print(f"    {label:34s} {int(n):4d} calls in {int(notebooks_using)} notebooks {seconds:7.2f} s")
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
