"""Disclosure audit across runs of nested and overlapping periods of one dataset (issue 10).

Runs the whole suite for 2025, 2025H1, 2025H2 and 2025Q1-Q4 into one reports folder (each
run's own audit reads the ledgers of the runs before it), then re-checks every rendered run
folder against the true data with ``tfanalysis audit``. Prints one line per run and exits 1
if any run failed or any audit found a recoverable count.

    .venv/bin/python benchmarks/audit_nested_runs.py                # the demo (seed 2026)
    .venv/bin/python benchmarks/audit_nested_runs.py --seed 2       # a second generated task force
    .venv/bin/python benchmarks/audit_nested_runs.py --out DIR --periods 2025H1 2025H2   # more runs into DIR

A chain takes longer than one working session on a 2-core machine (a year's run alone is
more than an hour). With ``--out`` in a folder that outlives the session
(``benchmarks/results/chains/demo`` is git-ignored), the same command goes on where it
stopped: a period whose run folder (``reports/p<period>``) is already published is skipped
(``--reaudit`` audits it again with this code). A run stopped half-way publishes nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tfanalysis import demo
from tfanalysis.running import pipeline
from tfanalysis.data.io import load_dataset
from tfanalysis.running.audit import audit_run
from tfanalysis.analyses.scenarios import DEMO_SCENARIOS

PERIODS = ("2025", "2025H1", "2025H2", "2025Q1", "2025Q2", "2025Q3", "2025Q4")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="demo seed (default: the demo's own)")
    parser.add_argument("--out", type=Path, default=None, help="working folder (default: a temporary one)")
    parser.add_argument("--periods", nargs="+", default=list(PERIODS), help="the runs to make, in order (default: all seven)")
    parser.add_argument("--reaudit", action="store_true", help="audit the runs already published in --out again")
    args = parser.parse_args(argv)
    base = args.out or Path(tempfile.mkdtemp(prefix="tf-nested-"))
    # a folder of earlier runs goes on with their data: the earlier runs' ledgers are read
    data_dir = base / "data" if (base / "data").is_dir() else demo.generate(base / "data", **({} if args.seed is None else {"seed": args.seed}))
    data = load_dataset(data_dir)
    failed = 0
    for period in args.periods:
        started = time.perf_counter()
        done = base / "reports" / f"p{period}"
        if done.is_dir():  # published by an earlier session of the chain
            if not args.reaudit:
                print(f"{period}: published before; not audited again (--reaudit)", flush=True)
                continue
            findings = audit_run(done, data)
            failed += int(not findings.empty)
            print(f"{period}: published before; audit {time.perf_counter() - started:.0f} s: "
                  + ("nothing recoverable" if findings.empty else f"{len(findings)} finding(s)\n{findings.to_string(index=False)}"), flush=True)
            continue
        try:
            result = pipeline.run_suite(data_dir, base / "reports", period=period, run_id=f"p{period}", scenarios=DEMO_SCENARIOS)
        except pipeline.SuiteError as exc:
            # the later runs are nested in this one's period: made without it, they would be another chain (and a
            # chain stopped by SIGTERM stops here, not at the next run)
            print(f"{period}: run failed: {exc}; the chain stops here", flush=True)
            failed += 1
            break
        findings = audit_run(result.folder, data)
        failed += int(not findings.empty)
        print(f"{period}: run {time.perf_counter() - started:.0f} s; audit: "
              + ("nothing recoverable" if findings.empty else f"{len(findings)} finding(s)\n{findings.to_string(index=False)}"), flush=True)
    print(f"{len(args.periods)} runs into {base / 'reports'}: {'all clean' if not failed else f'{failed} with problems'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
