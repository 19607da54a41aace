"""Executing the notebooks of a run: papermill kernels on private sockets, HTML, run files.

Each notebook runs in a kernel of its own (:func:`execute_all`); what the kernel wrote to
stderr is dropped from the executed notebook (:func:`quiet_outputs`), the notebook is
rendered to HTML, and its metrics are collected for the next notebooks and the index.
The notebooks run one after the other (each releases counts the next ones must respect),
but the next notebook's kernel is started while the current one runs, and imports what
every report imports (:data:`WARM_IMPORTS`) on the machine's other core.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Needs and gaps")])
>>> title_of(nb, Path("02_needs_and_gaps.ipynb"))
'Needs and gaps'
"""

from __future__ import annotations

import gc
import json
import logging
import os
import subprocess
import sys
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


from tfanalysis import __version__

from tfanalysis.running.errors import SuiteError
from tfanalysis.running.suite import notebook_parameters, order_for_index

__all__ = ["close_log", "execute_all", "log_to", "quiet_outputs", "scrub_paths", "title_of", "write_json", "write_run_files"]

log = logging.getLogger("tfanalysis.run")

KERNEL_START_S = 300
"""How long a kernel may take to start. papermill's 60 s is not enough on a machine busy with
other runs (a scheduled run shares it), and a run that fails for it starts over."""

OUTPUT_WAIT_S = 600
"""How long the runner waits for a cell's output after the kernel says the cell is done.
papermill's 4 s fails a run whose map (megabytes of plotly JSON) reaches the client slowly on a
busy machine ("Timeout waiting for IOPub output"); a healthy cell's output is there at once."""

WARM_IMPORTS: tuple[str, ...] = ("tfanalysis.reports.notebook", "tfanalysis.data.io", "tfanalysis.publication.release",
                                 "plotly.graph_objects")
"""Modules every report imports, imported by a kernel started ahead of its notebook
(:func:`start_kernel`): about 0.6 s a kernel that no longer waits in line. They leave no
name in the notebook's namespace: a notebook imports what it uses, as in JupyterLab."""


def execute_all(
    notebooks: list[Path],
    work: Path,
    shared: dict[str, Any],
    per_notebook: dict[str, dict[str, Any]],
    period_label: str,
    run_id: str,
    progress: bool,
) -> tuple[list[Path], list[dict[str, Any]]]:
    from tqdm.auto import tqdm

    reports: list[Path] = []
    metrics: list[dict[str, Any]] = []
    bar = tqdm(notebooks, desc="reports", unit="notebook", disable=not progress, file=sys.stderr)
    ahead = start_kernel(notebooks[0].parent) if notebooks else None  # the kernel of the notebook to run next
    try:
        for i, path in enumerate(bar):
            bar.set_postfix_str(path.stem)
            kernel, ahead = ahead, (start_kernel(notebooks[i + 1].parent) if i + 1 < len(notebooks) else None)
            try:
                _execute_one(path, kernel, work, shared, per_notebook, period_label, run_id, progress, reports, metrics)
            finally:
                stop_kernel(kernel)  # nbclient has shut it down unless the notebook never reached it
    finally:
        stop_kernel(ahead)  # a run stopped before the next notebook: its kernel goes too
    return reports, metrics


def _execute_one(path: Path, kernel: Any, work: Path, shared: dict[str, Any], per_notebook: dict[str, dict[str, Any]],
                 period_label: str, run_id: str, progress: bool, reports: list[Path], metrics: list[dict[str, Any]]) -> None:
    """Execute one notebook in ``kernel`` (started by :func:`start_kernel`), render it, collect its metrics into ``reports`` and ``metrics``."""
    import nbformat
    import papermill

    from tfanalysis.reports.notebook import metrics_from_notebook
    from tfanalysis.running.render import notebook_to_html

    declared = notebook_parameters(path)
    offered = {**shared, "report_dir": str(work.resolve())}
    params = {k: v for k, v in offered.items() if k in declared}
    params.update(per_notebook.get(path.stem, {}))
    executed = work / "notebooks" / path.name
    log.info("executing %s with %s", path.name, sorted(params))
    try:
        nb = papermill.execute_notebook(
            str(path),
            str(executed),
            parameters=params,
            engine_name=_sparse_saves_engine(),
            kernel_name="python3",
            progress_bar=progress,
            cwd=str(path.parent),
            log_output=False,
            kernel_manager_class=_private_kernel_manager(),
            km=kernel,
            start_timeout=KERNEL_START_S,
            iopub_timeout=OUTPUT_WAIT_S,
        )
    except papermill.PapermillExecutionError as exc:
        raise SuiteError(f"notebook {path.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}") from None
    nb = quiet_outputs(nb)
    nbformat.write(nb, executed)
    title = title_of(nb, path)
    footer = f"Task force report · {period_label} · run {run_id} · tfanalysis {__version__}"
    page = notebook_to_html(nb, title=title, footer=footer)
    target = work / f"{path.stem}.html"
    target.write_text(page, encoding="utf-8")
    reports.append(target)
    for record in metrics_from_notebook(nb):
        metrics.append({"notebook": path.stem, **record})
    # Written after each notebook, so that a later one (the leadership summary) reads them.
    write_json(work / "metrics.json", metrics)
    log.info("rendered %s (%d metrics)", target.name, sum(m["notebook"] == path.stem for m in metrics))


def quiet_outputs(nb: Any) -> Any:
    """Drop what the kernel wrote to stderr (warnings included): the executed notebooks ship with the run."""
    for cell in nb.cells:
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return nb


def title_of(nb: Any, path: Path) -> str:
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


def write_run_files(
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

    from tfanalysis.running.pack import PACK_FILE
    from tfanalysis.running.render import index_html

    finished = datetime.now(timezone.utc)
    by_stem = {p.stem: p for p in reports}
    entries = []
    for nb_path in order_for_index(notebooks):
        nb = nbformat.read(work / "notebooks" / nb_path.name, as_version=4)
        entries.append({"href": by_stem[nb_path.stem].name, "title": title_of(nb, nb_path), "summary": _summary_of(nb_path)})
    write_json(work / "metrics.json", metrics)
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


def write_json(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")


RUN_LOGGERS: tuple[str, ...] = ("tfanalysis", "papermill", "asyncio")
"""Loggers whose records go to the run's log. asyncio's too: when a signal stops a run, the
kernel dies under a cell, and the cell's task reports that when it is collected; it belongs
in the log kept with the failed run, not as a traceback in the terminal or the cron mail."""


def log_to(path: Path) -> logging.Handler:
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in RUN_LOGGERS:
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        if name != "asyncio":
            logger.setLevel(logging.INFO)
    return handler


def close_log(handler: logging.Handler) -> None:
    gc.collect()  # tasks left by a stopped kernel report now, while the run's log still takes them
    for name in RUN_LOGGERS:
        logging.getLogger(name).removeHandler(handler)
    handler.close()


SAVE_EVERY_S = 10.0
"""How often the executed notebook is written while it runs. papermill writes it whole before
and after every cell (a report with maps: megabytes of JSON, 60 times); it is written when the
notebook starts, at most this often while it runs, and when it ends, failed or stopped too."""


def _sparse_saves_engine() -> str:
    """The name of papermill's nbclient engine writing the executed notebook sparingly (:data:`SAVE_EVERY_S`)."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    name = "tfanalysis-sparse-saves"
    if name in papermill_engines._engines:
        return name

    class SparseSaves(NotebookExecutionManager):
        """Writes at the start, at most every SAVE_EVERY_S seconds, and at the end (``end_time`` set)."""

        def save(self, **kwargs: Any) -> None:
            written = getattr(self, "_written_once", False)
            if written and self.end_time is None and (self.now() - self.last_save_time).total_seconds() < SAVE_EVERY_S:
                return
            self._written_once = True
            super().save(**kwargs)

    class SparseSavesEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False, stdout_file: Any = None,
                                     stderr_file: Any = None, start_timeout: int = 60, execution_timeout: Any = None,
                                     **kwargs: Any) -> Any:
            # papermill's NBClientEngine.execute_managed_notebook, but a kernel started ahead (``km``) is the
            # client's to shut down, as one it starts itself is (nbclient leaves a given kernel running)
            from papermill.clientwrap import PapermillNotebookClient
            from papermill.utils import merge_kwargs, remove_args

            kwargs = remove_args(["input_path"], **kwargs)
            final = merge_kwargs(remove_args(["timeout", "startup_timeout"], **kwargs),
                                 timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                                 startup_timeout=start_timeout, kernel_name=kernel_name, log=logging.getLogger("papermill"),
                                 log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, **final)
            client.owns_km = True
            return client.execute()

        @classmethod
        def execute_notebook(cls, nb: Any, kernel_name: str, output_path: Any = None, progress_bar: bool = True,
                             log_output: bool = False, autosave_cell_every: int = 30, **kwargs: Any) -> Any:
            # papermill's Engine.execute_notebook, with the manager above
            nb_man = SparseSaves(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                                 autosave_cell_every=autosave_cell_every)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()  # the final write: the outputs so far, whatever stopped it
            return nb_man.nb

    papermill_engines.register(name, SparseSavesEngine)
    return name


def start_kernel(cwd: Path) -> Any:
    """A kernel for a notebook, started now in ``cwd``: it boots and imports :data:`WARM_IMPORTS` while the runner goes on.

    Returns the kernel manager (of :func:`_private_kernel_manager`), to hand to papermill
    (``km=``), whose client shuts the kernel down when the notebook ends. A kernel never
    handed over is stopped by :func:`stop_kernel`; one whose runner dies stops itself
    (ipykernel watches its parent).
    """
    from jupyter_core.utils import run_sync

    manager = _private_kernel_manager()(kernel_name="python3")
    warm = "import importlib as _w; " + "; ".join(f"_w.import_module({m!r})" for m in WARM_IMPORTS) + "; del _w"
    # nbclient's own arguments (its history kept in memory), and the imports run at start, kept out of the history
    run_sync(manager.start_kernel)(extra_arguments=["--HistoryManager.hist_file=:memory:", f"--IPKernelApp.exec_lines={warm}"],
                                   cwd=str(cwd))
    return manager


def stop_kernel(manager: Any) -> None:
    """Shut down a kernel of :func:`start_kernel` that is still running (nothing when ``None`` or already stopped)."""
    if manager is None:
        return
    from jupyter_core.utils import run_sync

    try:
        if run_sync(manager.is_alive)():
            run_sync(manager.shutdown_kernel)(now=True)  # its connection file and sockets go with it
    except RuntimeError:  # the kernel went first
        pass


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


def scrub_paths(work: Path, paths: Mapping[str, str]) -> None:
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
