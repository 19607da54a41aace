"""Executing one notebook (running/execute.py): the executed notebook is written sparingly, never lost."""

from __future__ import annotations

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
