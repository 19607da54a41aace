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
under ``reports/.failed/<run-id>/`` for the analyst. Every run's metrics are appended to a
history table (``data/processed/metrics_history.csv`` in a source checkout) so that later
runs can show trends across runs.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from tfanalysis import __version__
from tfanalysis.io import load_dataset
from tfanalysis.periods import named_label, parse_period

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
    checkout = Path(__file__).resolve().parents[2] / "notebooks"
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


def history_path() -> Path:
    """Where the metrics of every run are appended (``data/processed`` of a checkout)."""
    from tfanalysis.geo import cache_dir

    return cache_dir() / HISTORY_FILE


def run_suite(
    data_dir: str | Path,
    out_dir: str | Path = "reports",
    *,
    period: str | tuple[str, str] | None = None,
    region: str = "",
    suppression_threshold: int = 11,
    notebook_params: Mapping[str, Mapping[str, Any]] | None = None,
    only: Sequence[str] | None = None,
    run_id: str | None = None,
    notebooks_dir: str | Path | None = None,
    history: str | Path | None = None,
    progress: bool = False,
    today: str | None = None,
    pdf: bool = False,
    grant_worksheet: bool | str | Path = False,
    scenarios: str | Path | None = None,
) -> RunResult:
    """Run every notebook of the suite on a dataset and write the reports.

    Parameters
    ----------
    data_dir : str or pathlib.Path
        The dataset folder; validated before anything runs.
    out_dir : str or pathlib.Path
        The reports folder; the run lands in ``out_dir/<run-id>``.
    period : str or (start, end), optional
        The reporting period (see :mod:`tfanalysis.periods`); all data by default.
    region : str
        A state (``OH``) or ``;``-separated county FIPS list the notebooks focus on.
    suppression_threshold : int
        Counts below it (and above zero) are hidden in reports.
    notebook_params : mapping, optional
        Notebook stem → its own parameters (from the YAML parameters file).
    only : sequence of str, optional
        Run only these notebooks (stems or prefixes such as ``00``).
    run_id : str, optional
        Name of the run folder; a timestamp and the period by default.
    notebooks_dir : path, optional
        Where the notebooks are; ``notebooks/`` of the checkout by default.
    history : path, optional
        The metrics history table; :func:`history_path` by default.
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
        If a notebook fails or the parameters are wrong; ``out_dir/latest`` is untouched.
    """
    started = datetime.now(timezone.utc)
    data_dir = Path(data_dir).resolve()
    out_dir = Path(out_dir)
    try:
        resolved = parse_period(period, today=today)
    except ValueError as exc:
        raise SuiteError(str(exc)) from None
    resolved = dataclasses.replace(resolved, label=named_label(resolved))  # --start/--end of a quarter is that quarter
    crosswalk = _preflight(pdf, grant_worksheet)
    data = load_dataset(data_dir)  # DataValidationError propagates: nothing written yet
    fingerprint = data.fingerprint()
    scenarios_file = _check_scenarios(scenarios, data)  # ScenarioError propagates: nothing written yet

    suite_dir = Path(notebooks_dir) if notebooks_dir else default_notebooks_dir()
    notebooks = discover_notebooks(suite_dir, only)
    # Parameters for a notebook of the suite left out by --only are fine (one parameters file
    # serves every run); parameters for no notebook at all are a mistake worth saying.
    per_notebook = _check_notebook_params(notebooks, notebook_params or {}, suite=discover_notebooks(suite_dir))
    history_file = Path(history).resolve() if history else history_path()
    run_id = run_id or make_run_id(resolved.label)
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z._-]*", run_id):
        raise SuiteError(f"run id {run_id!r}: use letters, digits, '.', '_' and '-' only")
    final = out_dir / run_id
    if final.exists():
        raise SuiteError(f"{final} exists already; choose another --run-id")

    out_dir.mkdir(parents=True, exist_ok=True)
    from tfanalysis.publication.audit import ledger_dir_of

    ledger = ledger_dir_of(out_dir, fingerprint, run_id).resolve()
    shutil.rmtree(ledger, ignore_errors=True)  # left by a failed run of the same id: never published
    work = out_dir / f".tmp-{run_id}"
    shutil.rmtree(work, ignore_errors=True)
    (work / "notebooks").mkdir(parents=True)
    handler = _log_to(work / "run.log")
    period_param = f"{resolved.start.date()}..{resolved.end.date()}" if resolved.start is not None else "all"
    shared = {
        "data_dir": str(data_dir),
        "period": period_param,
        "region": region,
        "suppression_threshold": int(suppression_threshold),
        "run_id": run_id,
        "history_file": str(history_file),
        "ledger_dir": str(ledger),
        "scenarios_file": scenarios_file,
    }
    try:
        log.info("run %s: %d notebooks, period %s, data %s", run_id, len(notebooks), resolved.label, data_dir.name)
        reports, metrics = _execute_all(notebooks, work, shared, per_notebook, resolved.label, run_id, progress)
        _audit_release(data, ledger, int(suppression_threshold), run_id)
        public_params = {
            "period": resolved.label,
            "region": region or "all counties in the data",
            "suppression threshold": suppression_threshold,
            "data": data_dir.name,
            "run id": run_id,
            **({"scenarios": Path(scenarios_file).name} if scenarios_file else {}),
        }
        from tfanalysis.render import write_plotly_js

        write_plotly_js(work)
        if pdf:
            _print_pack(work, notebooks)
        _write_run_files(work, run_id, notebooks, reports, metrics, public_params, fingerprint, started)
        worksheet = _write_grant_worksheet(data, resolved, crosswalk, out_dir / f".{run_id}{GRANT_SUFFIX}.part") if crosswalk else None
        log.info("run %s complete", run_id)
    except BaseException as exc:
        log.error("run %s failed: %s", run_id, exc)
        _close(handler)
        shutil.rmtree(ledger, ignore_errors=True)
        _keep_failed(work, out_dir, run_id)
        (out_dir / f".{run_id}{GRANT_SUFFIX}.part").unlink(missing_ok=True)
        if isinstance(exc, (SuiteError, KeyboardInterrupt)):
            raise
        raise SuiteError(f"run {run_id} failed: {exc}") from exc
    _close(handler)

    os.replace(work, final)
    from tfanalysis.publication.ledger import COMPLETE

    if ledger.exists():
        (ledger / COMPLETE).write_text(f"published as {run_id}\n", encoding="utf-8")
    if worksheet is not None:
        os.replace(worksheet, out_dir / f"{run_id}{GRANT_SUFFIX}")
    _point_latest(out_dir, run_id)
    _append_history(history_file, run_id, resolved, metrics)
    return RunResult(
        run_id=run_id,
        folder=final,
        index=final / "index.html",
        reports=[final / p.name for p in reports],
        metrics=metrics,
    )


def _preflight(pdf: bool, grant_worksheet: bool | str | Path) -> Any:
    """Check what the optional outputs need before anything runs: Chromium, the crosswalk."""
    from tfanalysis import grant_worksheet as grants
    from tfanalysis.pack import PackError, find_chromium

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
    from tfanalysis.scenarios import load_scenarios

    path = Path(scenarios).resolve()
    load_scenarios(path, data)
    return str(path)


def _print_pack(work: Path, notebooks: list[Path]) -> Path:
    """Print the run's reports into ``report.pdf``: the leadership summary first, then suite order."""
    import nbformat

    from tfanalysis.pack import PACK_FILE, PackError, print_pack

    ordered = order_for_index(notebooks)
    titles = [_title_of(nbformat.read(work / "notebooks" / p.name, as_version=4), p) for p in ordered]
    log.info("printing %d reports into %s", len(ordered), PACK_FILE)
    try:
        return print_pack([work / f"{p.stem}.html" for p in ordered], work / PACK_FILE, titles=titles)
    except PackError as exc:
        raise SuiteError(str(exc)) from None


def _write_grant_worksheet(data: Any, period: Any, crosswalk: Any, target: Path) -> Path:
    """Write the grant worksheet of the period to ``target`` (moved beside the run folder at the end)."""
    from tfanalysis import grant_worksheet as grants

    log.info("writing the grant worksheet (%s)", crosswalk.title)
    return grants.write_worksheet(grants.fill(data, period, crosswalk), target)


def _check_notebook_params(
    notebooks: list[Path], given: Mapping[str, Mapping[str, Any]], *, suite: list[Path]
) -> dict[str, dict[str, Any]]:
    stems = {p.stem for p in suite}
    unknown_nb = [k for k in given if k not in stems and not any(s.startswith(k) for s in stems)]
    problems = [f"parameters for {k!r}, which is not a notebook of the suite" for k in unknown_nb]
    resolved: dict[str, dict[str, Any]] = {}
    for path in notebooks:
        declared = notebook_parameters(path)
        mine: dict[str, Any] = {}
        for key, values in given.items():
            if path.stem == key or path.stem.startswith(key):
                mine.update(values or {})
        for name in mine:
            if name not in declared:
                problems.append(f"{path.stem} has no parameter {name!r} (it has: {', '.join(declared) or 'none'})")
        resolved[path.stem] = mine
    if problems:
        raise SuiteError("the parameters file does not fit the notebooks:\n- " + "\n- ".join(problems))
    return resolved


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

    from tfanalysis.notebook import metrics_from_notebook
    from tfanalysis.render import notebook_to_html

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
    from tfanalysis.publication.audit import audit_ledger

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
) -> None:
    import nbformat

    from tfanalysis.pack import PACK_FILE
    from tfanalysis.render import index_html

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


def _append_history(path: Path, run_id: str, period: Any, metrics: list[dict[str, Any]]) -> None:
    """Append a run's metrics to the history table, written atomically."""
    rows = pd.DataFrame(
        [
            {
                "run_id": run_id,
                "period": period.label,
                "period_start": None if period.start is None else str(period.start.date()),
                "period_end": None if period.end is None else str(period.end.date()),
                "notebook": m["notebook"],
                "name": m["name"],
                "value": m.get("value"),
                "display": m.get("display"),
                "unit": m.get("unit"),
            }
            for m in metrics
        ],
        columns=["run_id", "period", "period_start", "period_end", "notebook", "name", "value", "display", "unit"],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        old = pd.read_csv(path, dtype=str, keep_default_na=False)
        rows = pd.concat([old, rows.astype("string").fillna("")], ignore_index=True)
    tmp = path.with_suffix(".csv.tmp")
    rows.to_csv(tmp, index=False)
    os.replace(tmp, path)
