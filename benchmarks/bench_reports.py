"""How much the report suite costs beyond its kernel starts.

Times, in one process: (1) a papermill run of a trivial one-cell notebook, once per notebook
of the suite (the floor: kernel start and stop); (2) the whole suite on the demo data through
``tfanalysis.running.pipeline.run_suite`` (execution, rendering, index). Run from the repo root:

    .venv/bin/python benchmarks/bench_reports.py

Results go to stdout; record them in docs/performance.md.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from tfanalysis import demo
from tfanalysis.running import pipeline


def trivial_runs(n: int, folder: Path) -> float:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "trivial.ipynb"
    nbformat.write(nb, path)
    start = time.perf_counter()
    for i in range(n):
        papermill.execute_notebook(str(path), str(folder / f"out{i}.ipynb"), kernel_name="python3", progress_bar=False, log_output=False)
    return time.perf_counter() - start


def main() -> None:
    notebooks = pipeline.discover_notebooks(pipeline.default_notebooks_dir())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = demo.generate(folder / "demo")
        floor = trivial_runs(len(notebooks), folder)
        start = time.perf_counter()
        pipeline.run_suite(data, folder / "reports", period="2025Q4", run_id="bench", history=folder / "h.csv")
        suite = time.perf_counter() - start
    print(f"notebooks in the suite: {len(notebooks)} ({', '.join(p.stem for p in notebooks)})")
    print(f"trivial one-cell notebook x{len(notebooks)} with papermill: {floor:.1f} s ({floor / len(notebooks):.2f} s each)")
    print(f"whole suite on the demo data (run_suite, 2025Q4): {suite:.1f} s; {suite / floor:.1f}x the kernel-start floor")


if __name__ == "__main__":
    main()
