"""The notebooks of the suite and the parameters a run gives them, checked before anything runs.

Examples
--------
>>> [p.stem for p in discover_notebooks(default_notebooks_dir(), ["05", "00"])]
['00_data_quality', '05_leadership_summary']
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from tfanalysis.data.periods import named_label, parse_period
from tfanalysis.running import parameters

from tfanalysis.running.errors import SuiteError

__all__ = [
    "OPTIONAL_PARAMETERS", "SHARED_PARAMETERS", "CheckedParameters", "check_notebook_params", "checked_parameters",
    "default_notebooks_dir", "discover_notebooks", "notebook_parameters", "order_for_index",
]


SHARED_PARAMETERS: tuple[str, ...] = ("data_dir", "period", "region", "suppression_threshold", "run_id")
"""Parameters every notebook may declare; the runner passes those a notebook declares."""


OPTIONAL_PARAMETERS: tuple[str, ...] = ("report_dir", "history_file", "ledger_dir", "scenarios_file")
"""Parameters the runner passes to the notebooks that declare them: ``report_dir`` is the
run's folder (files written beside the report; ``metrics.json`` of the notebooks run so far),
``history_file`` the metrics history of earlier runs, ``ledger_dir`` the run's private ledger
of released counts (:mod:`tfanalysis.publication`), shared by its notebooks and kept, outside
the run folder, for later runs of the same data, ``scenarios_file`` the what-if scenario file
(:mod:`tfanalysis.analyses.scenarios`; empty when none was given), checked before anything runs."""


def default_notebooks_dir() -> Path:
    """``notebooks/`` of the source checkout the package runs from, else of the working folder."""
    checkout = Path(__file__).resolve().parents[3] / "notebooks"
    return checkout if checkout.is_dir() else Path.cwd() / "notebooks"


def discover_notebooks(notebooks_dir: Path, only: Sequence[str] | None = None) -> list[Path]:
    """Return the suite's notebooks in order; ``only`` keeps those named (stem or prefix).

    Notebooks whose name starts with ``_`` are drafts and are not run.

    Raises
    ------
    SuiteError
        If a name in ``only`` matches no notebook, or there is no notebook at all.
    """
    found = sorted(p for p in Path(notebooks_dir).glob("*.ipynb") if not p.name.startswith("_"))
    if not found:
        raise SuiteError(f"no notebooks in {notebooks_dir}")
    if not only:
        return found
    chosen = []
    for name in only:
        matches = [p for p in found if p.stem == name or p.stem.startswith(name)]
        if not matches:
            raise SuiteError(f"--only {name!r} matches no notebook; the suite has: " + ", ".join(p.stem for p in found))
        chosen.extend(m for m in matches if m not in chosen)
    return sorted(chosen)


def order_for_index(notebooks: Sequence[Path]) -> list[Path]:
    """Order reports for the index: a notebook whose stem ends in ``leadership_summary`` first."""
    return sorted(notebooks, key=lambda p: (not p.stem.endswith("leadership_summary"), p.name))


def notebook_parameters(path: Path) -> dict[str, Any]:
    """The parameters a notebook declares in its ``parameters`` cell (papermill's view)."""
    import papermill

    return dict(papermill.inspect_notebook(str(path)))


@dataclass
class CheckedParameters:
    """A run's parameters once checked: typed, resolved, ready for the notebooks."""

    period: Any
    threshold: int
    region: str
    notebooks: list[Path]
    per_notebook: dict[str, dict[str, Any]]


def checked_parameters(
    data_dir: Path, out_dir: Path, suite_dir: Path, *, period: Any, today: str | None, region: Any, suppression_threshold: Any,
    notebook_params: Mapping[str, Mapping[str, Any]] | None, only: Sequence[str] | None, run_id: str | None,
) -> CheckedParameters:
    """Check every parameter of a run; raise one SuiteError listing every problem."""
    problems: list[str] = []
    resolved = None
    try:
        resolved = parse_period(period, today=today)
        resolved = dataclasses.replace(resolved, label=named_label(resolved))  # --start/--end of a quarter is that quarter
    except (ValueError, TypeError) as exc:
        problems.append(f"period: {exc}")
    threshold, problem = parameters.check_and_coerce("suppression_threshold", "int", suppression_threshold)
    if problem:
        problems.append(f"suppression threshold: {problem}")
    region, problem = parameters.check_and_coerce("region", "str", region or "")
    if problem:
        problems.append(f"region: {problem}")
    if out_dir == data_dir or data_dir in out_dir.parents:
        problems.append(f"--out {out_dir} is inside the data folder: write reports outside the data (a report is not an input)")
    if run_id is not None and not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z._-]*", str(run_id)):
        problems.append(f"run id {run_id!r}: use letters, digits, '.', '_' and '-' only")
    suite = discover_notebooks(suite_dir)
    notebooks = suite
    if isinstance(only, str):  # "only: '03'" in YAML: one notebook
        only = [only]
    if only is not None and not (isinstance(only, (list, tuple)) and all(isinstance(name, str) for name in only)):
        problems.append(f"only: must be a list of notebook names or prefixes as text, like ['00', '03'] (got {parameters.describe_value(only)})")
    else:
        try:
            notebooks = discover_notebooks(suite_dir, only)
        except SuiteError as exc:
            problems.append(str(exc))
    # Parameters for a notebook of the suite left out by --only are checked all the same (one
    # parameters file serves every run); parameters for no notebook at all are a mistake.
    per_notebook, notebook_problems = check_notebook_params(notebooks, notebook_params or {}, suite=suite)
    problems.extend(notebook_problems)
    if problems:
        raise SuiteError("the run's parameters are wrong; nothing was run:\n- " + "\n- ".join(problems))
    return CheckedParameters(resolved, threshold, region, notebooks, per_notebook)


def check_notebook_params(
    notebooks: list[Path], given: Mapping[str, Mapping[str, Any]], *, suite: list[Path]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Check per-notebook parameters against what every notebook of the suite declares.

    Returns the values for the notebooks that run (typed as declared) and the problems,
    one sentence each, for the whole parameters file.
    """
    stems = {p.stem for p in suite}
    problems: list[str] = []
    if not isinstance(given, Mapping):
        return {p.stem: {} for p in notebooks}, [f"'notebooks' must map notebook names to their parameters (got {parameters.describe_value(given)})"]
    for key, values in given.items():
        if key not in stems and not any(s.startswith(str(key)) for s in stems):
            problems.append(f"parameters for {key!r}, which is not a notebook of the suite")
        elif values is not None and not isinstance(values, Mapping):
            problems.append(f"parameters for {key!r} must be a mapping of names to values (got {parameters.describe_value(values)})")
    resolved: dict[str, dict[str, Any]] = {}
    chosen = {p.stem for p in notebooks}
    for path in suite:
        declared = notebook_parameters(path)
        mine: dict[str, Any] = {}
        for key, values in given.items():
            if isinstance(values, Mapping) and (path.stem == key or path.stem.startswith(str(key))):
                mine.update(values)
        typed: dict[str, Any] = {}
        for name, value in mine.items():
            if name not in declared:
                problems.append(f"{path.stem} has no parameter {name!r} (it has: {', '.join(declared) or 'none'})")
                continue
            if name in SHARED_PARAMETERS or name in OPTIONAL_PARAMETERS:
                problems.append(f"{path.stem}: {name} is set for every notebook by the run, not per notebook")
                continue
            typed[name], problem = parameters.check_and_coerce(name, declared[name].get("inferred_type_name", ""), value)
            if problem:
                problems.append(f"{path.stem}: {name} {problem}")
        if path.stem in chosen:
            resolved[path.stem] = typed
    return resolved, problems
