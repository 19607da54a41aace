"""Seconds of a run after earlier runs of the same dataset, report by report (issue 10 and 13).

A run after earlier runs bounds every table against their ledgers too: the cost the nested
runs of issue 10 pay. This makes the earlier runs once on the demo (with its what-if
scenarios), keeps their data and reports folders, then makes the run asked for ``--repeat``
times, each from a fresh copy of them, and prints each report's seconds (from the papermill
metadata of the run's notebooks) and the run's own.

    .venv/bin/python benchmarks/bench_run_after_run.py                                   # 2025Q2 after 2025Q1, report 02
    .venv/bin/python benchmarks/bench_run_after_run.py --earlier 2025Q1 2025Q2 --period 2025H1 --only
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tfanalysis import demo
from tfanalysis.analyses.scenarios import DEMO_SCENARIOS
from tfanalysis.running import pipeline


def report_seconds(run_folder: Path) -> dict[str, float]:
    """Each executed notebook's seconds, as papermill recorded them."""
    out = {}
    for path in sorted((run_folder / "notebooks").glob("*.ipynb")):
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("papermill", {})
        out[path.stem] = round(float(meta.get("duration") or 0.0), 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--earlier", nargs="*", default=["2025Q1"], help="the runs made first, in order (default: 2025Q1)")
    parser.add_argument("--period", default="2025Q2", help="the run measured (default: 2025Q2)")
    parser.add_argument("--only", nargs="*", default=["02"], help="its notebooks (default: 02; none given: all)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=None, help="demo seed (default: the demo's own)")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="tf-after-"))
    data = demo.generate(base / "data", **({} if args.seed is None else {"seed": args.seed}))
    change = {"03": {"change_date": demo.PLANTED["change_date"]}}
    for period in args.earlier:
        started = time.perf_counter()
        pipeline.run_suite(data, base / "reports", period=period, run_id=f"p{period}", scenarios=DEMO_SCENARIOS, notebook_params=change)
        print(f"earlier run {period}: {time.perf_counter() - started:.0f} s", flush=True)
    for attempt in range(args.repeat):
        work = base / f"try{attempt}"
        shutil.copytree(base / "data", work / "data")
        shutil.copytree(base / "reports", work / "reports")
        started = time.perf_counter()
        result = pipeline.run_suite(work / "data", work / "reports", period=args.period, run_id="measured", only=args.only or None,
                                    scenarios=DEMO_SCENARIOS, notebook_params=change)
        seconds = time.perf_counter() - started
        print(f"{args.period} after {', '.join(args.earlier) or 'nothing'}: run {seconds:.1f} s; reports {report_seconds(result.folder)}", flush=True)
        shutil.rmtree(work)
    shutil.rmtree(base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
