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
        run.json                parameters, input fingerprint (keyed), version, timestamps
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

- every parameter is checked before the first kernel starts (:mod:`tfanalysis.running.parameters`),
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
import hashlib
import logging
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tfanalysis.data import snapshot
from tfanalysis.data.io import TaskForceData, load_dataset
from tfanalysis.running.errors import SuiteError
from tfanalysis.running.execute import close_log, execute_all, log_to, scrub_paths, title_of, write_run_files
from tfanalysis.running.history import HISTORY_COLUMNS, HISTORY_FILE, comparable_rows, history_path, history_rows, read_history
from tfanalysis.running.reports_folder import (
    RUNNING, SNAPSHOT_DIR, Stopped, check_writable, claim_run_id, hold, keep_failed, locked, make_run_id, publish, release,
    stopped_by_signals, sweep,
)
from tfanalysis.running.suite import (
    OPTIONAL_PARAMETERS, SHARED_PARAMETERS, checked_parameters, default_notebooks_dir, discover_notebooks, notebook_parameters,
    order_for_index,
)

__all__ = [
    # the runner
    "GRANT_SUFFIX", "RunResult", "dataset_key", "run_suite",
    # its parts, under the names the suite has always offered
    "HISTORY_COLUMNS", "HISTORY_FILE", "OPTIONAL_PARAMETERS", "SHARED_PARAMETERS", "SNAPSHOT_DIR", "SuiteError", "default_notebooks_dir",
    "discover_notebooks", "history_path", "make_run_id", "notebook_parameters", "order_for_index",
]

log = logging.getLogger("tfanalysis.run")


GRANT_SUFFIX = ".grant_worksheet.xlsx"
"""The grant worksheet of run ``R`` is ``R.grant_worksheet.xlsx`` beside the run folder."""


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
        The reporting period (see :mod:`tfanalysis.data.periods`); all data by default.
    region : str
        A state (``OH``) or ``;``-separated county FIPS list the notebooks focus on.
    suppression_threshold : int
        Counts below it (and above zero) are hidden in reports; at least
        :data:`~tfanalysis.running.parameters.MIN_SUPPRESSION_THRESHOLD`.
    notebook_params : mapping, optional
        Notebook stem → its own parameters (from the YAML parameters file), checked
        against the types the notebooks declare and :data:`tfanalysis.running.parameters.RULES`.
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
        Also print the reports into ``report.pdf`` (:mod:`tfanalysis.running.pack`; needs Chromium,
        checked before anything runs).
    grant_worksheet : bool or path
        Also write the grant performance worksheet for the period beside the run folder
        (:mod:`tfanalysis.reports.grant_worksheet`): ``True`` with the default crosswalk, or the
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
    tfanalysis.analyses.scenarios.ScenarioError
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
    checked = checked_parameters(
        data_dir, out_dir, suite_dir, period=period, today=today, region=region, suppression_threshold=suppression_threshold,
        notebook_params=notebook_params, only=only, run_id=run_id,
    )
    resolved, threshold, region = checked.period, checked.threshold, checked.region
    notebooks, per_notebook = checked.notebooks, checked.per_notebook

    data = load_dataset(data_dir, export_date=export_date)  # DataValidationError propagates: nothing written yet
    # validated once, here: the notebooks read this run's snapshot of it (see below), never the raw files
    fingerprint = data.fingerprint()
    scenarios_file = _check_scenarios(scenarios, data)  # ScenarioError propagates: nothing written yet
    _check_region_in_data(region, data)  # ValueError: nothing written yet
    history_file = Path(history).resolve() if history else history_path(out_dir)
    key = {"dataset": dataset_key(data_dir, data), "region": region, "suppression_threshold": str(threshold)}
    earlier = read_history(history_file)  # a corrupt or unwritable history stops the run here
    check_writable(out_dir, history_file)

    from tfanalysis.publication.ledger import COMPLETE
    from tfanalysis.running import ledgers
    from tfanalysis.running.audit import dataset_id, keyed_fingerprint, ledger_dir_of

    dataset = dataset_id(fingerprint)
    last_steps = contextlib.ExitStack()  # the dataset's publishing lock, from the audit to the shared ledger
    with locked(out_dir):
        swept = sweep(out_dir)
        # the published ledgers of this data that runs into other reports folders left beside it
        taken, shared_error = _share_ledgers(out_dir, data_dir, dataset)
        run_id = claim_run_id(out_dir, run_id, resolved.label, ledgers=ledgers.folder_ledgers(out_dir, dataset))
        work = out_dir / f".tmp-{run_id}"
        (work / "notebooks").mkdir(parents=True)
        running = hold(work / RUNNING)
    final = out_dir / run_id
    ledger = ledger_dir_of(out_dir, fingerprint, run_id).resolve()
    shutil.rmtree(ledger, ignore_errors=True)  # left by a failed run of the same id: never published
    handler = log_to(work / "run.log")
    _warn_outside_the_data(resolved, data)  # in the run's log too, and on the console even with --quiet
    for dead in swept:
        log.warning("run %s had died without cleaning up: its folder is now .failed/%s", dead, dead)
    if taken:
        log.info("read with this run: %d published run(s) of the same data from other reports folders", taken)
    if shared_error:
        log.warning("the data folder cannot be written (%s): runs of this data into other reports folders will not "
                    "see what this run releases", shared_error)
    comparable = work / "previous_metrics.csv"
    comparable_rows(earlier, key).to_csv(comparable, index=False)
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
    # the ledger's path names the dataset by its files' bare digests: never in what is sent (an outsider matched it to the demo's)
    paths = {str(ledger): "<ledger>", str(data_dir): "<data>", str(work): "<run>", str(out_dir): "<reports>", str(suite_dir.resolve()): "<notebooks>", str(Path.home()): "~",
             **({str(Path(scenarios_file).parent): "<scenarios>"} if scenarios_file else {})}
    try:
        with stopped_by_signals(run_id):
            log.info("run %s: %d notebooks, period %s, data %s", run_id, len(notebooks), resolved.label, data_dir.name)
            snapshot.write_snapshot(data, data_snapshot)
            # the kernels read the snapshot: this process gives its copy of the rows back meanwhile
            # (1,000,000 clients: 2.3 GB beside each kernel's own) and reads the snapshot again after
            del data
            _give_back_memory()
            reports, metrics = execute_all(notebooks, work, shared, per_notebook, resolved.label, run_id, progress)
            data = load_dataset(data_snapshot)
            snapshot.discard(data_snapshot)  # client-level rows: never published with the reports
            # one run of this data audits and publishes at a time, whichever its reports folder;
            # the audit reads the runs published while this one ran, in other folders too
            last_steps.enter_context(ledgers.publishing(out_dir, data_dir, dataset))
            _share_ledgers(out_dir, data_dir, dataset, push=False)
            _audit_release(data, ledger, threshold, run_id, pages=sorted(work.glob("[0-9][0-9]_*.html")))
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
            write_run_files(work, run_id, notebooks, reports, metrics, public_params,
                            keyed_fingerprint(fingerprint, ledgers.publishing_key(out_dir)), started)
            worksheet = _write_grant_worksheet(data, resolved, crosswalk, out_dir / f".{run_id}{GRANT_SUFFIX}.part") if crosswalk else None
            log.info("run %s complete", run_id)
            close_log(handler)
            comparable.unlink()
            scrub_paths(work, paths)
            if ledger.exists():  # marked before the run is moved into place: a published run's ledger is always read
                (ledger / COMPLETE).write_text(f"published as {run_id}\n", encoding="utf-8")
            publish(out_dir, work, running, run_id, history_file, history_rows(run_id, key, resolved, metrics))
    except BaseException as exc:
        log.error("run %s failed: %s", run_id, exc)
        close_log(handler)
        if not final.exists():  # never published: its counts were never shown
            shutil.rmtree(ledger, ignore_errors=True)
        last_steps.close()
        (out_dir / f".{run_id}{GRANT_SUFFIX}.part").unlink(missing_ok=True)
        with locked(out_dir):
            release(running, work)
            if work.exists():
                keep_failed(work, out_dir, run_id)
        if isinstance(exc, Stopped):
            raise SuiteError(str(exc)) from None
        if isinstance(exc, (SuiteError, KeyboardInterrupt)):
            raise
        raise SuiteError(f"run {run_id} failed: {exc}") from exc
    with last_steps:
        try:
            ledgers.push(out_dir, data_dir, dataset)  # this run's ledger, beside the data
        except OSError as exc:
            log.warning("run %s: its ledger could not be kept beside the data (%s): runs of this data into other "
                        "reports folders will not see what it released", run_id, exc.strerror or exc)
    if worksheet is not None:
        os.replace(worksheet, out_dir / f"{run_id}{GRANT_SUFFIX}")
    return RunResult(
        run_id=run_id,
        folder=final,
        index=final / "index.html",
        reports=[final / p.name for p in reports],
        metrics=metrics,
    )


def _share_ledgers(out_dir: Path, data_dir: Path, dataset: str, *, push: bool = True) -> tuple[int, str]:
    """Share published ledgers between this reports folder and the data folder (:mod:`tfanalysis.running.ledgers`).

    Returns how many ledgers came in, and why the data folder cannot keep this folder's
    ledgers ("" when it can). A published ledger beside the data that cannot be read stops
    the run: what it released would not be taken into account.
    """
    from tfanalysis.running import ledgers

    try:
        taken = ledgers.pull(out_dir, data_dir, dataset)
    except OSError as exc:
        raise SuiteError(f"cannot read the published ledgers of this data in {ledgers.shared_ledgers(data_dir, dataset)} "
                         f"({exc.strerror or exc}); nothing was published") from None
    if not push:
        return taken, ""
    why = ledgers.writable(data_dir, dataset)
    if not why:
        try:
            ledgers.push(out_dir, data_dir, dataset)
        except OSError as exc:
            why = exc.strerror or type(exc).__name__
    return taken, why


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


def _warn_outside_the_data(period: Any, data: Any) -> None:
    """Warn (log and stderr) when the reporting period lies wholly before the data begin or after they end.

    Every count of such a run is 0 or n/a: a period typed wrong, or ``last-quarter`` counted
    from an export date long after the data, reads as a quarter of nothing.
    """
    import pandas as pd

    from tfanalysis.analyses.collaboration.periods import data_start
    from tfanalysis.analyses.gaps.needs import as_of_date

    if period.start is None:
        return
    first, last = data_start(data), as_of_date(data)
    if first is not None and pd.notna(last) and (period.end < first or period.start > last):
        log.warning("period %s lies outside the data (%s to %s): every count of the run is 0 or n/a",
                    period.label, first.date(), pd.Timestamp(last).date())


def _check_region_in_data(region: str, data: Any) -> None:
    """Refuse a region in no state of the data (``NY`` for a Connecticut task force): every report would read 0.

    A county code that does not exist is refused too (:func:`~tfanalysis.analyses.coverage.region_counties`).
    States, not counties, are compared: a region's county codes may follow another vintage
    than the clients' (Connecticut's planning regions).
    """
    if not region.strip():
        return
    import pandas as pd

    from tfanalysis.analyses.coverage import region_counties

    codes = [frame["county_fips"].dropna().astype(str).str[:2] for frame in (data.clients, data.members) if "county_fips" in frame]
    present = set(pd.concat(codes).unique()) if codes else set()
    wanted = set(region_counties(data.members, region)["county_fips"].astype(str).str[:2])
    if present and not wanted & present:
        raise ValueError(f"region {region!r} lies outside the data (their counties are in states {', '.join(sorted(present))}): nothing was run")


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
    titles = [title_of(nbformat.read(work / "notebooks" / p.name, as_version=4), p) for p in ordered]
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


def _give_back_memory() -> None:
    """Return freed memory to the system: Arrow's allocator keeps it for reuse otherwise."""
    import gc

    import pyarrow

    gc.collect()
    pyarrow.default_memory_pool().release_unused()


def _audit_release(data: Any, ledger: Path, threshold: int, run_id: str, *, units: Mapping[str, Any] | None = None,
                   pages: Sequence[Path] = ()) -> None:
    """Bound everything this run released, with the earlier runs of the same data, and read its pages back, before publishing.

    A count a reader could pin inside 1..threshold-1 fails the run (nothing is published);
    so does a rendered page (``pages``) whose tagged table or figure shows other than the
    released value, or whose sentence prints a hidden count beside its row's name
    (:func:`~tfanalysis.running.audit.audit_pages`, what ``tfanalysis audit`` reads): the
    message names the table and cell, never a count. ``units``: the units to count
    instead of ``data``'s (:class:`~tfanalysis.publication.Release`).
    """
    if not (ledger / "cells.parquet").exists():
        return
    import pandas as pd

    from tfanalysis.publication import Release
    from tfanalysis.running.audit import audit_ledger, audit_pages, audit_small_groups

    # what the earlier runs gave away by themselves (two reports folders before they shared
    # their ledgers, a lower threshold) cannot be taken back: said in the log, not held against this run
    given_away: list = []
    release = Release(data, threshold, ledger_dir=ledger, run=run_id, units=units)
    findings = audit_ledger(release, earlier_alone=given_away)
    findings = pd.concat([findings, audit_small_groups(release), audit_pages(pages, release, run_id)], ignore_index=True)
    for universe, leak in given_away:
        log.warning("disclosure audit: published before this run, by earlier runs alone: a %s of %s on %s",
                    leak.kind, universe, ", ".join(leak.columns))
    if len(findings):
        lines = [f"{r.table}: {r.cell} ({r.finding})" for r in findings.head(20).itertuples(index=False)]
        more = f"\n- and {len(findings) - 20} more" if len(findings) > 20 else ""
        raise SuiteError("disclosure audit: counts a reader could recover from this run with the earlier runs:\n- "
                         + "\n- ".join(lines) + more)
    log.info("disclosure audit: nothing recoverable")






