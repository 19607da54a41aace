"""The reports folder under faults: its lock, live and dead runs, signals, atomic publication.

Two runs into one folder claim distinct ids under the folder's lock; a run holds a locked
liveness file for as long as it lives, so the next run moves the folder of one that died
(SIGKILL, power loss) to ``.failed/``; SIGTERM and SIGHUP stop a run like a failure; a run
is published (moved into place, ``latest`` pointed at it, the history replaced) with
signals held back.

Examples
--------
>>> from datetime import datetime
>>> make_run_id("2025Q3", datetime(2026, 11, 23, 9, 15))
'20261123-091500-2025Q3'
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from tfanalysis.data import snapshot

from tfanalysis.running.errors import SuiteError
from tfanalysis.running.history import HISTORY_FILE, history_with, read_history, write_pending

__all__ = [
    "RUNNING", "SNAPSHOT_DIR", "Stopped", "check_writable", "claim_run_id", "closed_to_others", "hold", "keep_failed", "locked", "make_run_id",
    "point_latest", "publish", "release", "signals_deferred", "stopped_by_signals", "sweep",
]

log = logging.getLogger("tfanalysis.run")


SNAPSHOT_DIR = ".snapshot"
"""The run's snapshot of the validated data (:mod:`tfanalysis.data.snapshot`), inside its
temporary folder: every notebook of the run loads it as its ``data_dir``. Deleted once the
notebooks have run, and before a failed run is kept: never published."""


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


def check_writable(out_dir: Path, history_file: Path) -> None:
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


def publish(out_dir: Path, work: Path, running: int | None, run_id: str, history_file: Path, rows: pd.DataFrame) -> None:
    """Move a complete run into place, point ``latest`` at it and add its metrics to the history.

    Under the folder's lock and with signals held back: a concurrent run's history rows are
    kept, and a signal cannot leave ``latest`` and the history disagreeing. The new history
    is written first, beside the old one, so that a history that cannot be written stops
    the run before anything is published.
    """
    with locked(out_dir), signals_deferred():
        pending = write_pending(history_file, history_with(read_history(history_file), rows), run_id)
        release(running, work)
        os.replace(work, out_dir / run_id)
        point_latest(out_dir, run_id)
        os.replace(pending, history_file)


def keep_failed(work: Path, out_dir: Path, run_id: str) -> None:
    """Keep a failed run's log and executed notebooks for the analyst, out of leadership's way.

    Only what says where and why it failed: the log, and the notebooks with their errors but
    no other output. What a failed run computed was never audited (a run the audit refuses
    fails because its numbers give a count away): an outsider who read a refused run's
    notebooks left in ``.failed/`` beside the run published after it recovered a quarter's
    needs in progress (1). The folder is closed to all but its owner and group.
    """
    failed = out_dir / ".failed" / run_id
    snapshot.discard(work / SNAPSHOT_DIR)  # the data stay in the data folder only
    try:
        if failed.exists():
            shutil.rmtree(failed)
        failed.parent.mkdir(parents=True, exist_ok=True)
        closed_to_others(failed.parent)
        for entry in work.iterdir():
            if entry.name == "notebooks" and entry.is_dir():
                for notebook in entry.glob("*.ipynb"):
                    _errors_only(notebook)
            elif entry.name not in ("run.log", RUNNING):
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        closed_to_others(work)
        os.replace(work, failed)
        log.error("failed run kept in %s", failed)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)


def _errors_only(notebook: Path) -> None:
    """Drop every output of an executed notebook but its errors (where and why it failed); unreadable, drop it."""
    import nbformat

    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception:  # noqa: BLE001 - a notebook cut short mid-write: nothing in it is worth a leak
        notebook.unlink()
        return
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    nbformat.write(nb, notebook)


def closed_to_others(folder: Path) -> None:
    """Take every right of others (not the owner, not the group) on ``folder``; best effort (a folder of another owner stays as it is).

    A reports folder may be shared by a team's runs (a scheduled account and an analyst in
    one group): its private parts keep their owner's and group's rights.
    """
    with contextlib.suppress(OSError):
        folder.chmod(stat.S_IMODE(folder.stat().st_mode) & ~0o007)


def point_latest(out_dir: Path, run_id: str) -> None:
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


RUNNING = ".running"
"""A file inside a run's temporary folder, locked for as long as the run lives."""


@contextlib.contextmanager
def locked(out_dir: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the reports folder's lock (``OUT/.lock``): claiming a run id, publishing, sweeping.

    Held for moments, never for a whole run: runs into one folder execute side by side.
    ``on_wait`` is called once if another process holds the lock (before waiting for it).
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
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def hold(path: Path) -> int | None:
    """Create and lock a run's liveness file; the lock dies with the process, however it ends."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        path.touch()
        return None
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def release(fd: int | None, work: Path) -> None:
    """Let go of a run's liveness file (the run is being published or kept as failed)."""
    with contextlib.suppress(OSError):
        (work / RUNNING).unlink()
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
        fd = os.open(work / RUNNING, os.O_RDWR)
    except OSError:
        return False  # never started, or from before runs held a liveness file
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def sweep(out_dir: Path) -> list[str]:
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
                (work / RUNNING).unlink()
            keep_failed(work, out_dir, run_id)
            dead.append(run_id)
    for leftover in [*out_dir.glob(".latest-*"), *out_dir.glob(f".{HISTORY_FILE}.*.tmp")]:
        with contextlib.suppress(OSError):
            leftover.unlink()
    return dead


def claim_run_id(out_dir: Path, wanted: str | None, period_label: str, ledgers: Path | None = None) -> str:
    """A run id no other run uses: the one asked for, or a default made unique with -2, -3…

    ``ledgers``: the folder of the published runs' ledgers of this data; an id published
    before keeps its ledger even when its run folder was deleted (its reports were sent),
    so it is not given again.
    """
    def published(run_id: str) -> bool:
        return ledgers is not None and (ledgers / run_id / "complete").is_file()

    if wanted is not None:
        if (out_dir / wanted).exists():
            raise SuiteError(f"{out_dir / wanted} exists already; choose another --run-id")
        if published(wanted):
            raise SuiteError(f"a run with the id {wanted!r} was published from {out_dir} before; choose another --run-id")
        if (out_dir / f".tmp-{wanted}").exists():
            raise SuiteError(f"a run with the id {wanted!r} is in progress in {out_dir}; choose another --run-id")
        return wanted
    base = make_run_id(period_label)
    candidate, n = base, 1
    while published(candidate) or any(p.exists() for p in (out_dir / candidate, out_dir / f".tmp-{candidate}", out_dir / ".failed" / candidate)):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class Stopped(BaseException):
    """The run was stopped by a signal (SIGTERM from systemd, SIGHUP from a closed terminal).

    A ``BaseException``, like ``KeyboardInterrupt``, so that no ``except Exception`` inside
    papermill or nbclient swallows it on its way out.
    """


@contextlib.contextmanager
def stopped_by_signals(run_id: str) -> Iterator[None]:
    """Turn SIGTERM, SIGHUP and SIGINT into an exception, so that a stopped run cleans up like a failed one."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise Stopped(f"run {run_id} stopped by {signal.Signals(signum).name}; the last good report is kept")

    # SIGINT too, and whatever the process inherited: a parent that ignored or blocked these
    # signals (a test runner, a launcher) must not make a run that cannot be stopped; measured:
    # in the whole test suite a SIGINT sent to `tfanalysis run` was not acted on for 120 s
    wanted = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None), signal.SIGINT) if s is not None]
    before = {s: signal.signal(s, stop) for s in wanted}
    blocked = signal.pthread_sigmask(signal.SIG_UNBLOCK, wanted) if hasattr(signal, "pthread_sigmask") else None
    try:
        yield
    finally:
        if blocked is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        for s, handler in before.items():
            signal.signal(s, handler)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
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
