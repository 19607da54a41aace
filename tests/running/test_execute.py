"""Executing notebooks (running/execute.py): the executed notebook is written sparingly, never lost; kernels started ahead never outlive the run."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import papermill
import papermill.engines
import pytest

from tfanalysis.running import execute
from tfanalysis.running.execute import SAVE_EVERY_S, _sparse_saves_engine

CELLS = 30


def _notebook(folder: Path, last: str = "x = 1") -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"x = {i}") for i in range(CELLS - 1)] + [nbformat.v4.new_code_cell(last)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def _writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every write of the executed notebook by papermill's execution manager, as it happens."""
    written: list[str] = []
    real = papermill.engines.write_ipynb

    def counted(nb, path, *args, **kwargs):
        written.append(path)
        return real(nb, path, *args, **kwargs)

    monkeypatch.setattr(papermill.engines, "write_ipynb", counted)
    return written


@pytest.mark.parametrize("engine", ["papermill's own", "sparse saves"])
def test_the_executed_notebook_is_written_at_start_and_end_not_around_every_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                                 engine: str) -> None:
    """30 quick cells: papermill writes the notebook 62 times (start, before and after each cell, end); the runner's engine twice."""
    assert SAVE_EVERY_S >= 5
    monkeypatch.setattr(execute, "SAVE_EVERY_S", 3600.0)  # a slow kernel start on a busy machine is no second write
    written = _writes(monkeypatch)
    out = tmp_path / "executed.ipynb"
    papermill.execute_notebook(str(_notebook(tmp_path)), str(out), kernel_name="python3", progress_bar=False,
                               **({"engine_name": _sparse_saves_engine()} if engine == "sparse saves" else {}))
    assert len(written) == (2 if engine == "sparse saves" else 2 + 2 * CELLS)
    executed = nbformat.read(out, as_version=4)
    assert [c.execution_count for c in executed.cells] == list(range(1, CELLS + 1))  # every cell's result is in the file


def test_a_notebook_that_fails_is_written_with_its_outputs_up_to_the_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(execute, "SAVE_EVERY_S", 3600.0)
    written = _writes(monkeypatch)
    out = tmp_path / "executed.ipynb"
    with pytest.raises(papermill.PapermillExecutionError):
        papermill.execute_notebook(str(_notebook(tmp_path, last="raise ValueError('broken analysis')")), str(out), kernel_name="python3",
                                   progress_bar=False, engine_name=_sparse_saves_engine())
    assert len(written) == 2
    code = [c for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code"]  # papermill adds markdown error markers
    assert [c.execution_count for c in code] == list(range(1, CELLS + 1))
    assert code[-1].outputs[0]["ename"] == "ValueError"


def _kernels_of_this_process() -> list[int]:
    """The ipykernel processes this process started and that still run (read from /proc)."""
    mine = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile
        if fields[1] == mine and b"ipykernel_launcher" in cmdline and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads child processes from /proc")
def test_a_kernel_started_ahead_has_imported_what_reports_import_and_leaves_no_name(tmp_path: Path) -> None:
    """The next notebook's kernel imports :data:`WARM_IMPORTS` at start, outside the history: the notebook's first cell is [1], its namespace clean."""
    from jupyter_client import BlockingKernelClient

    manager = execute.start_kernel(tmp_path)
    try:
        # the manager as parent: the client asks it whether the kernel's process lives. Without
        # one it reads the heartbeat, and one reply later than 1 s on a busy machine reads as dead.
        client = BlockingKernelClient(parent=manager)
        client.load_connection_info(manager.get_connection_info())
        client.start_channels()
        client.wait_for_ready(timeout=120)
        printed: list[str] = []
        hook = lambda msg: printed.append(msg["content"]["text"]) if msg["msg_type"] == "stream" else None  # noqa: E731
        reply = client.execute_interactive(
            f"import sys, os; print(all(m in sys.modules for m in {list(execute.WARM_IMPORTS)!r}), '_w' in dir(), os.getcwd())",
            output_hook=hook, timeout=120)
        client.stop_channels()
        assert reply["content"]["execution_count"] == 1
        assert "".join(printed).split() == ["True", "False", str(tmp_path)]
    finally:
        execute.stop_kernel(manager)
    assert _kernels_of_this_process() == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads child processes from /proc")
def test_a_run_stopped_by_a_failing_notebook_leaves_no_kernel_running(tmp_path: Path) -> None:
    """Three notebooks, the second fails: its kernel, and the third's already started, are shut down with the run."""
    from tfanalysis.running.errors import SuiteError

    suite = tmp_path / "suite"
    suite.mkdir()
    for name, body in (("00_first", "x = 1"), ("01_broken", "raise RuntimeError('broken analysis')"), ("02_never", "x = 3")):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(body)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, suite / f"{name}.ipynb")
    work = tmp_path / "work"
    (work / "notebooks").mkdir(parents=True)
    with pytest.raises(SuiteError, match="notebook 01_broken.ipynb failed in cell"):
        execute.execute_all(sorted(suite.glob("*.ipynb")), work, {}, {}, "2025Q4", "r1", progress=False)
    assert sorted(p.name for p in work.glob("*.html")) == ["00_first.html"]
    assert _kernels_of_this_process() == []
