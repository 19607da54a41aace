"""Benchmark: `tfanalysis validate` at national scale, validating and from the folder's snapshot.

For each generated dataset (``tfanalysis demo DIR --clients N``, kept in
``data/processed/scale/cN`` as ``bench_scale.py`` keeps them):

1. ``tfanalysis validate DIR`` with no snapshot (the folder's ``.tfanalysis/`` removed
   first): reading, typing and checking every file, then writing the snapshot;
2. ``tfanalysis validate DIR`` again: the snapshot, read after the files are fingerprinted;
3. loading a run's snapshot (what each notebook of a run does), in a fresh process.

Each is a fresh child process: wall time, user and system CPU seconds and peak resident
memory are the child's (``os.wait4``). Run from the repo root:

    .venv/bin/python benchmarks/bench_validate.py                      # 100,000 clients
    nice .venv/bin/python benchmarks/bench_validate.py --sizes 100000 1000000

Record the figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def child(args: list[str]) -> dict[str, float]:
    """Run a command; its wall seconds, user and system CPU seconds and peak RSS (MiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(args)} exited {code}: {proc.stderr.read().decode()[-2000:]}")
    return {"wall": wall, "user": usage.ru_utime, "sys": usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}


def measure(folder: Path) -> list[tuple[str, dict[str, float]]]:
    shutil.rmtree(folder / ".tfanalysis", ignore_errors=True)
    validate = [PYTHON, "-m", "tfanalysis.running.cli", "validate", str(folder)]
    rows = [("validate, no snapshot (validates, writes it)", child(validate)),
            ("validate again (from the snapshot)", child(validate))]
    with tempfile.TemporaryDirectory() as tmp:
        snap = Path(tmp) / ".snapshot"
        code = ("import sys, tfanalysis as tf; from tfanalysis.data.snapshot import write_snapshot; "
                "write_snapshot(tf.load_dataset(sys.argv[1]), sys.argv[2])")
        subprocess.run([PYTHON, "-c", code, str(folder), str(snap)], check=True, cwd=ROOT)
        rows.append(("load a run's snapshot (each notebook)", child([PYTHON, "-c", "import sys, tfanalysis as tf; tf.load_dataset(sys.argv[1])", str(snap)])))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "processed" / "scale")
    args = parser.parse_args(argv)
    print("| clients | step | wall s | user s | sys s | peak MiB |\n|---|---|---|---|---|---|")
    for clients in args.sizes:
        folder = args.data / f"c{clients}"
        if not folder.is_dir():
            subprocess.run([PYTHON, "-m", "tfanalysis.running.cli", "demo", str(folder), "--clients", str(clients)], check=True, cwd=ROOT)
        for step, r in measure(folder):
            print(f"| {clients:,} | {step} | {r['wall']:.1f} | {r['user']:.1f} | {r['sys']:.1f} | {r['peak_mib']:,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
