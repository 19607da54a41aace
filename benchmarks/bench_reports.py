"""How much the report suite costs beyond its kernel starts.

Times, in one process: (1) a papermill run of a trivial one-cell notebook, once per notebook
of the suite (the floor: kernel start and stop); (2) as many trivial notebooks as the suite
has, through ``tfanalysis.running.pipeline.run_suite`` itself (the floor of the same runner: kernel
starts, validation of the data once, rendering, index); (3) the whole suite on the demo
data through ``run_suite`` (execution, rendering, index). Run from the repo root:

    .venv/bin/python benchmarks/bench_reports.py

Results go to stdout; record them in docs/performance.md.
"""

from __future__ import annotations

import shutil
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


def trivial_suite(n: int, folder: Path) -> Path:
    """A suite of ``n`` notebooks that load the run's data and do nothing else."""
    suite = folder / "trivial-suite"
    suite.mkdir()
    for i in range(n):
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_markdown_cell(f"# Trivial {i}"),
            nbformat.v4.new_code_cell('data_dir: str = ""', metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("1 + 1"),
        ])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, suite / f"{i:02d}_trivial.ipynb")
    return suite


def main() -> None:
    notebooks = pipeline.discover_notebooks(pipeline.default_notebooks_dir())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = demo.generate(folder / "demo")
        floor = trivial_runs(len(notebooks), folder)
        suite = trivial_suite(len(notebooks), folder)
        start = time.perf_counter()
        pipeline.run_suite(data, folder / "trivial-reports", period="2025Q4", run_id="floor", history=folder / "h0.csv", notebooks_dir=suite)
        runner_floor = time.perf_counter() - start
        shutil.rmtree(data / ".tfanalysis", ignore_errors=True)  # both runs validate the data once
        start = time.perf_counter()
        pipeline.run_suite(data, folder / "reports", period="2025Q4", run_id="bench", history=folder / "h.csv")
        whole = time.perf_counter() - start
    print(f"notebooks in the suite: {len(notebooks)} ({', '.join(p.stem for p in notebooks)})")
    print(f"trivial one-cell notebook x{len(notebooks)} with papermill: {floor:.1f} s ({floor / len(notebooks):.2f} s each)")
    print(f"trivial notebook x{len(notebooks)} through run_suite (the runner's floor): {runner_floor:.1f} s")
    print(f"whole suite on the demo data (run_suite, 2025Q4): {whole:.1f} s; {whole / floor:.1f}x the kernel-start floor, "
          f"{whole / runner_floor:.1f}x the runner's floor")


if __name__ == "__main__":
    main()
