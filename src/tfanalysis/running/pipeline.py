"""The suite runner: every notebook, one run, one folder of offline reports.

:func:`run_suite` validates the data first (invalid data: nothing is written), executes
every notebook of ``notebooks/`` with papermill in this process (one kernel per notebook),
renders each to self-contained HTML for leadership, and writes the run into a temporary
folder that is moved into place only when everything succeeded:

.. code-block:: text

    reports/
      <run-id>/
        index.html              links to the reports, parameters, input fingerprint
        <notebook>.html         one report per notebook, no code
        plotly.min.js           plotly.js, once for every report of the run
        report.pdf              the printable pack (with pdf=True)
        metrics.json            headline numbers the notebooks recorded
        run.json                parameters, fingerprint, version, timestamps
        run.log                 the log of the run
        notebooks/<name>.ipynb  executed notebooks, for analysts (not linked)
      latest -> <run-id>        the last good run
      <run-id>.grant_worksheet.xlsx   exact counts for the funder (with grant_worksheet=...),
                              beside the run folder, never inside it

A failed run leaves ``reports/latest`` where it was; its log and executed notebooks are kept
under ``reports/.failed/<run-id>/`` for the analyst. Every run's metrics are appended to the
reports folder's history table (``reports/metrics_history.csv``), keyed by the dataset, the
region and the suppression threshold, so that a later run compares itself with earlier runs
of the same data only.

Runs that never mislead:

- every parameter is checked before the first kernel starts (:mod:`tfanalysis.parameters`),
  then the data (:func:`tfanalysis.load_dataset`, once: the notebooks load the run's
  snapshot of the validated data, :data:`SNAPSHOT_DIR`, never the raw files, so every
  report of a run reads the same data), then the history; any problem stops the
  run with one message and nothing written;
- the reports folder is locked while a run claims its id and while it publishes: two runs
  at once (two cron jobs in the same second) get distinct ids and never share a folder;
- a run stopped by SIGTERM, SIGHUP or Ctrl-C moves its temporary folder to ``.failed/``;
  one killed outright (SIGKILL, power loss) is moved there by the next run;
- kernels talk to the runner over private Unix sockets, not unencrypted TCP (and so print
  no warning about it); the log and executed notebooks name no absolute path.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from tfanalysis import __version__
from tfanalysis.data import snapshot
from tfanalysis.data.io import TaskForceData, load_dataset
from tfanalysis.data.periods import named_label, parse_period
from tfanalysis.running import parameters

log = logging.getLogger("tfanalysis.run")

SHARED_PARAMETERS: tuple[str, ...] = ("data_dir", "period", "region", "suppression_threshold", "run_id")
"""Parameters every notebook may declare; the runner passes those a notebook declares."""

OPTIONAL_PARAMETERS: tuple[str, ...] = ("report_dir", "history_file", "ledger_dir", "scenarios_file")
"""Parameters the runner passes to the notebooks that declare them: ``report_dir`` is the
run's folder (files written beside the report; ``metrics.json`` of the notebooks run so far),
``history_file`` the metrics history of earlier runs, ``ledger_dir`` the run's private ledger
of released counts (:mod:`tfanalysis.publication`), shared by its notebooks and kept, outside
the run folder, for later runs of the same data, ``scenarios_file`` the what-if scenario file
(:mod:`tfanalysis.scenarios`; empty when none was given), checked before anything runs."""

HISTORY_FILE = "metrics_history.csv"
HISTORY_COLUMNS: tuple[str, ...] = (
    "run_id", "dataset", "region", "suppression_threshold", "period", "period_start", "period_end",
    "notebook", "name", "value", "display", "unit",
)
"""Columns of the metrics history; ``dataset``, ``region`` and ``suppression_threshold``
key it: a run compares itself with earlier runs that share all three."""

SNAPSHOT_DIR = ".snapshot"
"""The run's snapshot of the validated data (:mod:`tfanalysis.data.snapshot`), inside its
temporary folder: every notebook of the run loads it as its ``data_dir``. Deleted once the
notebooks have run, and before a failed run is kept: never published."""

GRANT_SUFFIX = ".grant_worksheet.xlsx"
"""The grant worksheet of run ``R`` is ``R.grant_worksheet.xlsx`` beside the run folder."""


class SuiteError(RuntimeError):
    """A run of the suite failed for a reason other than invalid data."""


@dataclass
class RunResult:
    """What a successful run produced.

    Attributes
    ----------
    run_id : str
    folder : pathlib.Path
        ``reports/<run-id>``.
    index : pathlib.Path
        The run's ``index.html``.
    reports : list of pathlib.Path
        One HTML report per notebook, in suite order.
    metrics : list of dict
        The recorded metrics, each with its ``notebook``.
    """

    run_id: str
    folder: Path
    index: Path
    reports: list[Path] = field(default_factory=list)
    metrics: list[dict[str, Any]] = field(default_factory=list)


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


def make_run_id(period_label: str, now: datetime | None = None) -> str:
    """A sortable, filesystem-safe run id: ``20261123-091500-2025Q3``.

    Two runs started in the same second get the same id here; :func:`run_suite` claims
    ids under a lock on the reports folder and adds ``-2``, ``-3``… to a taken one.

    Examples
    --------
    >>> make_run_id("2025-01-01 to 2025-03-31", datetime(2026, 11, 23, 9, 15))
    '20261123-091500-2025-01-01-to-2025-03-31'
    """
    now = now or datetime.now()
    label = re.sub(r"[^0-9A-Za-z]+", "-", period_label).strip("-") or "all"
    return f"{now:%Y%m%d-%H%M%S}-{label}"


def notebook_parameters(path: Path) -> dict[str, Any]:
    """The parameters a notebook declares in its ``parameters`` cell (papermill's view)."""
    import papermill

    return dict(papermill.inspect_notebook(str(path)))


def history_path(out_dir: str | Path = "reports") -> Path:
    """Where the metrics of every run into a reports folder are kept: ``OUT/metrics_history.csv``."""
    return Path(out_dir) / HISTORY_FILE


def dataset_key(data_dir: Path, data: TaskForceData) -> str:
    """The identity of a dataset in the metrics history: its folder and the states it covers.

    A new export into the same folder is the same dataset (its next quarter is compared
    with the last); another folder, or the same folder holding another state's task
    force, is not. A short hash: the history names no path.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> key = dataset_key(Path(DEMO_DIR), tf.load_dataset(DEMO_DIR))
    >>> len(key), key == dataset_key(Path(DEMO_DIR).parent, tf.load_dataset(DEMO_DIR))
    (16, False)
    """
    states = sorted(set(data.members["county_fips"].dropna().astype(str).str[:2]) | set(data.clients["county_fips"].dropna().astype(str).str[:2]))
    identity = f"{Path(data_dir).resolve()}|{','.join(states)}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]


def run_suite(
    data_dir: str | Path,
    out_dir: str | Path = "reports",
    *,
    period: str | tuple[str, str] | None = None,
    region: str = "",
    suppression_threshold: Any = 11,
    notebook_params: Mapping[str, Mapping[str, Any]] | None = None,
    only: Sequence[str] | None = None,
    run_id: str | None = None,
    notebooks_dir: str | Path | None = None,
    history: str | Path | None = None,
    progress: bool = False,
    today: str | None = None,
    pdf: bool = False,
    grant_worksheet: bool | str | Path = False,
    export_date: str | None = None,
    scenarios: str | Path | None = None,
) -> RunResult:
    """Run every notebook of the suite on a dataset and write the reports.

    Parameters
    ----------
    data_dir : str or pathlib.Path
        The dataset folder; validated before anything runs.
    out_dir : str or pathlib.Path
        The reports folder; the run lands in ``out_dir/<run-id>``. Not inside the data
        folder.
    period : str or (start, end), optional
        The reporting period (see :mod:`tfanalysis.periods`); all data by default.
    region : str
        A state (``OH``) or ``;``-separated county FIPS list the notebooks focus on.
    suppression_threshold : int
        Counts below it (and above zero) are hidden in reports; at least
        :data:`~tfanalysis.parameters.MIN_SUPPRESSION_THRESHOLD`.
    notebook_params : mapping, optional
        Notebook stem → its own parameters (from the YAML parameters file), checked
        against the types the notebooks declare and :data:`tfanalysis.parameters.RULES`.
    only : sequence of str, optional
        Run only these notebooks (stems or prefixes such as ``00``).
    run_id : str, optional
        Name of the run folder; a timestamp and the period by default.
    notebooks_dir : path, optional
        Where the notebooks are; ``notebooks/`` of the checkout by default.
    history : path, optional
        The metrics history table; ``out_dir/metrics_history.csv`` by default.
    progress : bool
        Show progress bars (per notebook and per cell).
    today : str, optional
        The date relative periods count from (tests); today by default.
    pdf : bool
        Also print the reports into ``report.pdf`` (:mod:`tfanalysis.pack`; needs Chromium,
        checked before anything runs).
    grant_worksheet : bool or path
        Also write the grant performance worksheet for the period beside the run folder
        (:mod:`tfanalysis.grant_worksheet`): ``True`` with the default crosswalk, or the
        path of a crosswalk file (checked before anything runs).
    export_date : str, optional
        The day the data were exported (see :func:`tfanalysis.load_dataset`).
    scenarios : path, optional
        A what-if scenario file (``docs/what-if.md``), checked against the data before
        anything runs and passed to the notebooks declaring ``scenarios_file``.

    Returns
    -------
    RunResult

    Raises
    ------
    tfanalysis.DataValidationError
        If the data break the contract; nothing is written.
    tfanalysis.scenarios.ScenarioError
        If the scenario file breaks its format or does not fit the data; nothing is written.
    SuiteError
        If the parameters are wrong, the history cannot be read or written, the reports
        folder cannot be written (nothing is written), or a notebook fails or the run is
        stopped by a signal (``out_dir/latest`` is untouched, the run is kept in
        ``out_dir/.failed/``).
    """
    started = datetime.now(timezone.utc)
    data_dir = Path(data_dir).resolve()
    out_dir = Path(out_dir).resolve()
    crosswalk = _preflight(pdf, grant_worksheet)
    suite_dir = Path(notebooks_dir) if notebooks_dir else default_notebooks_dir()
    checked = _checked_parameters(
        data_dir, out_dir, suite_dir, period=period, today=today, region=region, suppression_threshold=suppression_threshold,
        notebook_params=notebook_params, only=only, run_id=run_id,
    )
    resolved, threshold, region = checked.period, checked.threshold, checked.region
    notebooks, per_notebook = checked.notebooks, checked.per_notebook

    data = load_dataset(data_dir, export_date=export_date)  # DataValidationError propagates: nothing written yet
    # validated once, here: the notebooks read this run's snapshot of it (see below), never the raw files
    fingerprint = data.fingerprint()
    scenarios_file = _check_scenarios(scenarios, data)  # ScenarioError propagates: nothing written yet
    history_file = Path(history).resolve() if history else history_path(out_dir)
    key = {"dataset": dataset_key(data_dir, data), "region": region, "suppression_threshold": str(threshold)}
    earlier = _read_history(history_file)  # a corrupt or unwritable history stops the run here
    _check_writable(out_dir, history_file)

    with _locked(out_dir):
        swept = _sweep(out_dir)
        run_id = _claim_run_id(out_dir, run_id, resolved.label)
        work = out_dir / f".tmp-{run_id}"
        (work / "notebooks").mkdir(parents=True)
        running = _hold(work / _RUNNING)
    final = out_dir / run_id
    from tfanalysis.running.audit import ledger_dir_of

    ledger = ledger_dir_of(out_dir, fingerprint, run_id).resolve()
    shutil.rmtree(ledger, ignore_errors=True)  # left by a failed run of the same id: never published
    handler = _log_to(work / "run.log")
    for dead in swept:
        log.warning("run %s had died without cleaning up: its folder is now .failed/%s", dead, dead)
    comparable = work / "previous_metrics.csv"
    _comparable(earlier, key).to_csv(comparable, index=False)
    period_param = f"{resolved.start.date()}..{resolved.end.date()}" if resolved.start is not None else "all"
    data_snapshot = work / SNAPSHOT_DIR
    shared = {
        "data_dir": str(data_snapshot),
        "period": period_param,
        "region": region,
        "suppression_threshold": threshold,
        "run_id": run_id,
        "history_file": str(comparable),
        "ledger_dir": str(ledger),
        "scenarios_file": scenarios_file,
    }
    paths = {str(data_dir): "<data>", str(work): "<run>", str(out_dir): "<reports>", str(suite_dir.resolve()): "<notebooks>", str(Path.home()): "~"}
    try:
        with _stopped_by_signals(run_id):
            log.info("run %s: %d notebooks, period %s, data %s", run_id, len(notebooks), resolved.label, data_dir.name)
            snapshot.write_snapshot(data, data_snapshot)
            reports, metrics = _execute_all(notebooks, work, shared, per_notebook, resolved.label, run_id, progress)
            snapshot.discard(data_snapshot)  # client-level rows: never published with the reports
            _audit_release(data, ledger, threshold, run_id)
            public_params = {
                "period": resolved.label,
                "region": region or "all counties in the data",
                "suppression threshold": threshold,
                "data": data_dir.name,
                "run id": run_id,
                **({"scenarios": Path(scenarios_file).name} if scenarios_file else {}),
            }
            from tfanalysis.running.render import write_plotly_js

            write_plotly_js(work)
            if pdf:
                _print_pack(work, notebooks)
            _write_run_files(work, run_id, notebooks, reports, metrics, public_params, fingerprint, started, key)
            worksheet = _write_grant_worksheet(data, resolved, crosswalk, out_dir / f".{run_id}{GRANT_SUFFIX}.part") if crosswalk else None
            log.info("run %s complete", run_id)
            _close(handler)
            comparable.unlink()
            _scrub_paths(work, paths)
            _publish(out_dir, work, running, run_id, history_file, _history_rows(run_id, key, resolved, metrics))
    except BaseException as exc:
        log.error("run %s failed: %s", run_id, exc)
        _close(handler)
        shutil.rmtree(ledger, ignore_errors=True)
        (out_dir / f".{run_id}{GRANT_SUFFIX}.part").unlink(missing_ok=True)
        with _locked(out_dir):
            _release(running, work)
            if work.exists():
                _keep_failed(work, out_dir, run_id)
        if isinstance(exc, _Stopped):
            raise SuiteError(str(exc)) from None
        if isinstance(exc, (SuiteError, KeyboardInterrupt)):
            raise
        raise SuiteError(f"run {run_id} failed: {exc}") from exc
    from tfanalysis.publication.ledger import COMPLETE

    if ledger.exists():
        (ledger / COMPLETE).write_text(f"published as {run_id}\n", encoding="utf-8")
    if worksheet is not None:
        os.replace(worksheet, out_dir / f"{run_id}{GRANT_SUFFIX}")
    return RunResult(
        run_id=run_id,
        folder=final,
        index=final / "index.html",
        reports=[final / p.name for p in reports],
        metrics=metrics,
    )


def _preflight(pdf: bool, grant_worksheet: bool | str | Path) -> Any:
    """Check what the optional outputs need before anything runs: Chromium, the crosswalk."""
    from tfanalysis.reports import grant_worksheet as grants
    from tfanalysis.running.pack import PackError, find_chromium

    try:
        if pdf:
            find_chromium()
        if grant_worksheet is False or grant_worksheet is None:
            return None
        return grants.load_crosswalk(None if grant_worksheet is True else grant_worksheet)
    except (PackError, grants.CrosswalkError) as exc:
        raise SuiteError(str(exc)) from None


def _check_scenarios(scenarios: str | Path | None, data: Any) -> str:
    """The scenario file's absolute path, once its every scenario fits the data ("" when none)."""
    if scenarios is None or not str(scenarios).strip():
        return ""
    from tfanalysis.analyses.scenarios import load_scenarios

    path = Path(scenarios).resolve()
    load_scenarios(path, data)
    return str(path)


def _print_pack(work: Path, notebooks: list[Path]) -> Path:
    """Print the run's reports into ``report.pdf``: the leadership summary first, then suite order."""
    import nbformat

    from tfanalysis.running.pack import PACK_FILE, PackError, print_pack

    ordered = order_for_index(notebooks)
    titles = [_title_of(nbformat.read(work / "notebooks" / p.name, as_version=4), p) for p in ordered]
    log.info("printing %d reports into %s", len(ordered), PACK_FILE)
    try:
        return print_pack([work / f"{p.stem}.html" for p in ordered], work / PACK_FILE, titles=titles)
    except PackError as exc:
        raise SuiteError(str(exc)) from None


def _write_grant_worksheet(data: Any, period: Any, crosswalk: Any, target: Path) -> Path:
    """Write the grant worksheet of the period to ``target`` (moved beside the run folder at the end)."""
    from tfanalysis.reports import grant_worksheet as grants

    log.info("writing the grant worksheet (%s)", crosswalk.title)
    return grants.write_worksheet(grants.fill(data, period, crosswalk), target)


@dataclass
class _Checked:
    """A run's parameters once checked: typed, resolved, ready for the notebooks."""

    period: Any
    threshold: int
    region: str
    notebooks: list[Path]
    per_notebook: dict[str, dict[str, Any]]


def _checked_parameters(
    data_dir: Path, out_dir: Path, suite_dir: Path, *, period: Any, today: str | None, region: Any, suppression_threshold: Any,
    notebook_params: Mapping[str, Mapping[str, Any]] | None, only: Sequence[str] | None, run_id: str | None,
) -> _Checked:
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
    per_notebook, notebook_problems = _check_notebook_params(notebooks, notebook_params or {}, suite=suite)
    problems.extend(notebook_problems)
    if problems:
        raise SuiteError("the run's parameters are wrong; nothing was run:\n- " + "\n- ".join(problems))
    return _Checked(resolved, threshold, region, notebooks, per_notebook)


def _publish(out_dir: Path, work: Path, running: int | None, run_id: str, history_file: Path, rows: pd.DataFrame) -> None:
    """Move a complete run into place, point ``latest`` at it and add its metrics to the history.

    Under the folder's lock and with signals held back: a concurrent run's history rows are
    kept, and a signal cannot leave ``latest`` and the history disagreeing. The new history
    is written first, beside the old one, so that a history that cannot be written stops
    the run before anything is published.
    """
    with _locked(out_dir), _signals_deferred():
        pending = _write_pending(history_file, _history_with(_read_history(history_file), rows), run_id)
        _release(running, work)
        os.replace(work, out_dir / run_id)
        _point_latest(out_dir, run_id)
        os.replace(pending, history_file)


def _check_notebook_params(
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


def _execute_all(
    notebooks: list[Path],
    work: Path,
    shared: dict[str, Any],
    per_notebook: dict[str, dict[str, Any]],
    period_label: str,
    run_id: str,
    progress: bool,
) -> tuple[list[Path], list[dict[str, Any]]]:
    import nbformat
    import papermill
    from tqdm.auto import tqdm

    from tfanalysis.reports.notebook import metrics_from_notebook
    from tfanalysis.running.render import notebook_to_html

    reports: list[Path] = []
    metrics: list[dict[str, Any]] = []
    bar = tqdm(notebooks, desc="reports", unit="notebook", disable=not progress, file=sys.stderr)
    for path in bar:
        bar.set_postfix_str(path.stem)
        declared = notebook_parameters(path)
        offered = {**shared, "report_dir": str(work.resolve())}
        params = {k: v for k, v in offered.items() if k in declared}
        params.update(per_notebook.get(path.stem, {}))
        executed = work / "notebooks" / path.name
        log.info("executing %s with %s", path.name, sorted(params))
        try:
            papermill.execute_notebook(
                str(path),
                str(executed),
                parameters=params,
                kernel_name="python3",
                progress_bar=progress,
                cwd=str(path.parent),
                log_output=False,
                kernel_manager_class=_private_kernel_manager(),
            )
        except papermill.PapermillExecutionError as exc:
            raise SuiteError(f"notebook {path.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}") from None
        nb = _quiet_outputs(nbformat.read(executed, as_version=4))
        nbformat.write(nb, executed)
        title = _title_of(nb, path)
        footer = f"Task force report · {period_label} · run {run_id} · tfanalysis {__version__}"
        page = notebook_to_html(nb, title=title, footer=footer)
        target = work / f"{path.stem}.html"
        target.write_text(page, encoding="utf-8")
        reports.append(target)
        for record in metrics_from_notebook(nb):
            metrics.append({"notebook": path.stem, **record})
        # Written after each notebook, so that a later one (the leadership summary) reads them.
        _write_json(work / "metrics.json", metrics)
        log.info("rendered %s (%d metrics)", target.name, sum(m["notebook"] == path.stem for m in metrics))
    return reports, metrics


def _audit_release(data: Any, ledger: Path, threshold: int, run_id: str) -> None:
    """Bound everything this run released, with the earlier runs of the same data, before publishing.

    A count a reader could pin inside 1..threshold-1 fails the run (nothing is published);
    the message names the table and cell, never a count.
    """
    if not (ledger / "cells.parquet").exists():
        return
    from tfanalysis.publication import Release
    from tfanalysis.running.audit import audit_ledger

    findings = audit_ledger(Release(data, threshold, ledger_dir=ledger, run=run_id))
    if len(findings):
        lines = [f"{r.table}: {r.cell} ({r.finding})" for r in findings.head(20).itertuples(index=False)]
        more = f"\n- and {len(findings) - 20} more" if len(findings) > 20 else ""
        raise SuiteError("disclosure audit: counts a reader could recover from this run with the earlier runs:\n- "
                         + "\n- ".join(lines) + more)
    log.info("disclosure audit: nothing recoverable")


def _quiet_outputs(nb: Any) -> Any:
    """Drop what the kernel wrote to stderr (warnings included): the executed notebooks ship with the run."""
    for cell in nb.cells:
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return nb


def _title_of(nb: Any, path: Path) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem.replace("_", " ")


def _summary_of(nb_path: Path) -> str:
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    return str(nb.metadata.get("tfanalysis", {}).get("summary", ""))


def _write_run_files(
    work: Path,
    run_id: str,
    notebooks: list[Path],
    reports: list[Path],
    metrics: list[dict[str, Any]],
    params: dict[str, Any],
    fingerprint: dict[str, str],
    started: datetime,
    key: dict[str, str],
) -> None:
    import nbformat

    from tfanalysis.running.pack import PACK_FILE
    from tfanalysis.running.render import index_html

    finished = datetime.now(timezone.utc)
    by_stem = {p.stem: p for p in reports}
    entries = []
    for nb_path in order_for_index(notebooks):
        nb = nbformat.read(work / "notebooks" / nb_path.name, as_version=4)
        entries.append({"href": by_stem[nb_path.stem].name, "title": _title_of(nb, nb_path), "summary": _summary_of(nb_path)})
    _write_json(work / "metrics.json", metrics)
    run_info = {
        "run_id": run_id,
        "parameters": params,
        "fingerprint": fingerprint,
        "history_key": key,
        "tfanalysis_version": __version__,
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "notebooks": [p.stem for p in notebooks],
    }
    (work / "run.json").write_text(json.dumps(run_info, indent=2) + "\n", encoding="utf-8")
    page = index_html(
        title=f"Task force reports · {params['period']}",
        reports=entries,
        parameters=params,
        fingerprint=fingerprint,
        version=__version__,
        created=finished.isoformat(timespec="seconds"),
        pack=PACK_FILE if (work / PACK_FILE).is_file() else None,
    )
    (work / "index.html").write_text(page, encoding="utf-8")


def _write_json(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")


def _log_to(path: Path) -> logging.Handler:
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("tfanalysis", "papermill"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    return handler


def _close(handler: logging.Handler) -> None:
    for name in ("tfanalysis", "papermill"):
        logging.getLogger(name).removeHandler(handler)
    handler.close()


def _keep_failed(work: Path, out_dir: Path, run_id: str) -> None:
    """Keep a failed run's log and executed notebooks for the analyst, out of leadership's way."""
    failed = out_dir / ".failed" / run_id
    snapshot.discard(work / SNAPSHOT_DIR)  # the data stay in the data folder only
    try:
        if failed.exists():
            shutil.rmtree(failed)
        failed.parent.mkdir(parents=True, exist_ok=True)
        for html_file in work.glob("*.html"):
            html_file.unlink()
        os.replace(work, failed)
        log.error("failed run kept in %s", failed)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)


def _point_latest(out_dir: Path, run_id: str) -> None:
    """Point ``out_dir/latest`` at the run, atomically (a symlink replaced in one step)."""
    latest = out_dir / "latest"
    tmp = out_dir / f".latest-{run_id}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    try:
        tmp.symlink_to(run_id, target_is_directory=True)
        if latest.exists() and not latest.is_symlink():
            shutil.rmtree(latest)
        os.replace(tmp, latest)
    except OSError:  # no symlinks here (some Windows set-ups): a copy instead
        if latest.exists():
            shutil.rmtree(latest) if not latest.is_symlink() else latest.unlink()
        shutil.copytree(out_dir / run_id, latest)
    (out_dir / "LATEST").write_text(run_id + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- the metrics history


def _read_history(path: Path) -> pd.DataFrame:
    """The metrics history, or an empty one; a history that cannot be read stops the run, named."""
    if not path.exists():
        return pd.DataFrame(columns=list(HISTORY_COLUMNS), dtype="string")
    try:
        rows = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise SuiteError(
            f"the metrics history {path} cannot be read ({reason}); nothing was run. Move it aside "
            "(a new one starts with this run) or restore it from a backup."
        ) from None
    missing = {"run_id", "period", "name", "value"} - set(rows.columns)
    if missing:
        raise SuiteError(
            f"the metrics history {path} is not a metrics history (no {', '.join(sorted(missing))} column); nothing was run. "
            "Move it aside (a new one starts with this run) or restore it from a backup."
        )
    for column in HISTORY_COLUMNS:  # a history from before runs were keyed matches no key
        if column not in rows.columns:
            rows[column] = ""
    return rows[list(HISTORY_COLUMNS)].astype("string")


def _check_writable(out_dir: Path, history_file: Path) -> None:
    """Say before running, not after publishing, that the reports or the history cannot be written."""
    for folder, what in ((out_dir, "the reports folder"), (history_file.parent, "the folder of the metrics history")):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SuiteError(f"cannot create {what} {folder}: {exc.strerror}; nothing was run") from None
        if not os.access(folder, os.W_OK | os.X_OK):
            raise SuiteError(f"cannot write to {what} {folder} (permission denied); nothing was run")
    if history_file.exists() and not os.access(history_file, os.R_OK):
        raise SuiteError(f"cannot read the metrics history {history_file} (permission denied); nothing was run")


def _comparable(history: pd.DataFrame, key: Mapping[str, str]) -> pd.DataFrame:
    """The history rows of earlier runs of the same dataset, region and threshold."""
    same = pd.Series(True, index=history.index)
    for column, value in key.items():
        same &= (history[column] == value).fillna(False)
    return history[same.to_numpy(dtype=bool)]


def _history_rows(run_id: str, key: Mapping[str, str], period: Any, metrics: list[dict[str, Any]]) -> pd.DataFrame:
    rows = pd.DataFrame(
        [
            {
                "run_id": run_id,
                **key,
                "period": period.label,
                "period_start": "" if period.start is None else str(period.start.date()),
                "period_end": "" if period.end is None else str(period.end.date()),
                "notebook": m["notebook"],
                "name": m["name"],
                "value": _text(m.get("value")),
                "display": _text(m.get("display")),
                "unit": _text(m.get("unit")),
            }
            for m in metrics
        ],
        columns=list(HISTORY_COLUMNS),
        dtype="string",
    )
    return rows.fillna("")


def _text(value: object) -> str:
    """A metric's value as the history writes it: ``4`` stays ``4``, a hidden or missing one is empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _history_with(history: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([history, rows], ignore_index=True) if len(history) else rows


def _write_pending(path: Path, rows: pd.DataFrame, run_id: str) -> Path:
    """Write the new history beside the old one; it replaces it once the run is published."""
    pending = path.with_name(f".{path.name}.{run_id}.tmp")
    try:
        rows.to_csv(pending, index=False)
    except OSError as exc:
        raise SuiteError(f"cannot write the metrics history {path}: {exc.strerror}; the run was not published") from None
    return pending


# --------------------------------------------------------------------------- faults


_RUNNING = ".running"
"""A file inside a run's temporary folder, locked for as long as the run lives."""


@contextlib.contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """Hold the reports folder's lock (``OUT/.lock``): claiming a run id, publishing, sweeping.

    Held for moments, never for a whole run: runs into one folder execute side by side.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no fcntl on Windows: runs there are not concurrent-safe
        yield
        return
    try:
        fd = os.open(out_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise SuiteError(f"cannot write to the reports folder {out_dir}: {exc.strerror}; nothing was run") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _hold(path: Path) -> int | None:
    """Create and lock a run's liveness file; the lock dies with the process, however it ends."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        path.touch()
        return None
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def _release(fd: int | None, work: Path) -> None:
    """Let go of a run's liveness file (the run is being published or kept as failed)."""
    with contextlib.suppress(OSError):
        (work / _RUNNING).unlink()
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def _alive(work: Path) -> bool:
    """Whether the run owning a temporary folder is still running (its liveness file is locked)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        return True
    try:
        fd = os.open(work / _RUNNING, os.O_RDWR)
    except OSError:
        return False  # never started, or from before runs held a liveness file
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _sweep(out_dir: Path) -> list[str]:
    """Move the temporary folders of runs that died (SIGKILL, power loss) to ``.failed/``.

    Called with the reports folder locked, so no live run is publishing; leftovers of a
    publication cut short (a ``.latest-*`` link, a pending history) go too. Returns the
    ids of the dead runs.
    """
    dead = []
    for work in sorted(out_dir.glob(".tmp-*")):
        if work.is_dir() and not _alive(work):
            run_id = work.name[len(".tmp-"):]
            with contextlib.suppress(OSError):
                (work / _RUNNING).unlink()
            _keep_failed(work, out_dir, run_id)
            dead.append(run_id)
    for leftover in [*out_dir.glob(".latest-*"), *out_dir.glob(f".{HISTORY_FILE}.*.tmp")]:
        with contextlib.suppress(OSError):
            leftover.unlink()
    return dead


def _claim_run_id(out_dir: Path, wanted: str | None, period_label: str) -> str:
    """A run id no other run uses: the one asked for, or a default made unique with -2, -3…"""
    if wanted is not None:
        if (out_dir / wanted).exists():
            raise SuiteError(f"{out_dir / wanted} exists already; choose another --run-id")
        if (out_dir / f".tmp-{wanted}").exists():
            raise SuiteError(f"a run with the id {wanted!r} is in progress in {out_dir}; choose another --run-id")
        return wanted
    base = make_run_id(period_label)
    candidate, n = base, 1
    while any(p.exists() for p in (out_dir / candidate, out_dir / f".tmp-{candidate}", out_dir / ".failed" / candidate)):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class _Stopped(BaseException):
    """The run was stopped by a signal (SIGTERM from systemd, SIGHUP from a closed terminal).

    A ``BaseException``, like ``KeyboardInterrupt``, so that no ``except Exception`` inside
    papermill or nbclient swallows it on its way out.
    """


@contextlib.contextmanager
def _stopped_by_signals(run_id: str) -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception, so that a stopped run cleans up like a failed one."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise _Stopped(f"run {run_id} stopped by {signal.Signals(signum).name}; the last good report is kept")

    wanted = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None]
    before = {s: signal.signal(s, stop) for s in wanted}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold signals back while a run is published: ``latest`` and the history move together."""
    wanted = {s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None), signal.SIGINT) if s is not None}
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, wanted)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, wanted)


def _private_kernel_manager() -> type:
    """A kernel manager whose kernels listen on Unix sockets in the user's private runtime folder.

    By default a kernel listens on TCP ports of localhost without encryption (ipykernel warns
    about it on every start: noise in every cron mail), where another user of the machine
    could subscribe to its outputs. Where Unix sockets exist, use them instead.
    """
    from jupyter_client import AsyncKernelManager

    if os.name == "nt":  # pragma: no cover - no Unix sockets
        return AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir
    from traitlets import default

    class PrivateKernelManager(AsyncKernelManager):
        @default("transport")
        def _private_transport(self) -> str:
            return "ipc"

        @default("ip")
        def _private_ip(self) -> str:
            runtime = Path(jupyter_runtime_dir())
            runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
            return str(runtime / f"tfk-{os.getpid()}-{os.urandom(4).hex()}")

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            # The kernel process's own stderr is not the cells' (those come over the sockets
            # into the notebook): it only carries ipykernel's complaints when the run stops it
            # (a signal, a failed cell), which would otherwise land in the user's terminal or
            # cron mail as a traceback. A dead kernel is reported by nbclient all the same.
            kw.setdefault("stderr", subprocess.DEVNULL)
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return PrivateKernelManager


def _scrub_paths(work: Path, paths: Mapping[str, str]) -> None:
    """Replace absolute paths in the log and the executed notebooks by what they stand for."""
    ordered = sorted(((k, v) for k, v in paths.items() if k and k != os.sep), key=lambda kv: -len(kv[0]))
    for target in [work / "run.log", *sorted((work / "notebooks").glob("*.ipynb"))]:
        if not target.exists():
            continue
        text = target.read_text(encoding="utf-8")
        for path, placeholder in ordered:
            text = text.replace(path, placeholder)
            if "\\" in json.dumps(path):  # Windows paths, escaped inside the notebook's JSON
                text = text.replace(json.dumps(path)[1:-1], placeholder)
        target.write_text(text, encoding="utf-8")
