"""Where the ledgers of published runs are kept, so that every run of the same data reads them.

A run's ledger (every count it released, true values included) lives in its reports folder,
``<out>/.ledgers/<dataset>/<run-id>`` (:func:`tfanalysis.running.audit.ledger_dir_of`), and
a run reads the published ledgers beside its own. Reports of the same data written into two
reports folders (``make report`` into ``reports/``, a scheduled run into another) reach the
same readers, so each published ledger is also kept beside the data, in
``<data>/.tfanalysis/ledgers/<dataset>/<run-id>@<folder>`` (``<folder>``: the reports
folder's own random id, :func:`folder_id`), and a run first takes into its own folder every
published ledger of the same data that another folder left there. Both copies hold true
counts, as the data do: neither is ever sent.

A ledger is copied whole or not at all: into a hidden folder first, its ``complete`` marker
last, then renamed into place; a published ledger is never replaced.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> base = Path(tempfile.mkdtemp())
>>> first, second = base / "reports", base / "scheduled"
>>> (first / ".ledgers" / "d1" / "2025Q1").mkdir(parents=True)
>>> _ = (first / ".ledgers" / "d1" / "2025Q1" / "complete").write_text("published\\n")
>>> push(first, base / "data", "d1"), pull(second, base / "data", "d1")
(1, 1)
>>> [p.name for p in (second / ".ledgers" / "d1").iterdir() if not p.name.startswith(".")] == [f"2025Q1@{folder_id(first)}"]
True
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from tfanalysis.publication.ledger import COMPLETE
from tfanalysis.running.reports_folder import closed_to_others, locked

__all__ = ["folder_id", "folder_ledgers", "is_published", "publishing", "publishing_key", "pull", "push", "shared_ledgers", "writable"]

log = logging.getLogger("tfanalysis.run")

SHARED = Path(".tfanalysis") / "ledgers"
"""Where, inside a data folder, the published ledgers of its runs are kept."""

FOLDER_ID = ".folder-id"
"""The file, in a reports folder's ``.ledgers``, holding the folder's random id."""

PUBLISHING_KEY = ".publishing-key"
"""The file, in a reports folder's ``.ledgers``, holding the key its runs' fingerprints are keyed with."""


def folder_id(out_dir: str | Path) -> str:
    """A reports folder's own id: random, made once and kept in ``<out>/.ledgers/.folder-id``.

    Not its path: two machines may both write to ``/srv/reports`` with the data on one share.
    """
    return _made_once(_private(out_dir) / FOLDER_ID, 5)


def publishing_key(out_dir: str | Path, *, make: bool = True) -> str | None:
    """A reports folder's secret key: random, made once and kept in ``<out>/.ledgers/.publishing-key``.

    The runs of the folder publish their input files' digests keyed with it
    (:func:`tfanalysis.running.audit.keyed_fingerprint`): a plain SHA-256 of a file lets
    anyone holding a candidate copy of the data (the public demo generator, an older export
    with guessed new rows) confirm it offline. Private, like the ledgers beside it.
    ``make=False`` reads it only (None for a folder that has none: an audit makes no key).
    """
    path = _private(out_dir) / PUBLISHING_KEY
    if not make:
        return path.read_text(encoding="utf-8").strip() if path.is_file() else None
    return _made_once(path, 32)


def _private(out_dir: str | Path) -> Path:
    """A reports folder's private part, ``<out>/.ledgers``: never sent, and closed to all but its owner
    and group (made so at a run's first step, :func:`folder_id`; a folder made before is closed then too)."""
    return Path(out_dir) / ".ledgers"


def _made_once(path: Path, nbytes: int) -> str:
    """The random hex text kept in ``path``; the first caller writes it, every other reads it."""
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o770)
        part = path.with_name(f"{path.name}.{os.getpid()}")
        part.write_text(secrets.token_hex(nbytes) + "\n", encoding="utf-8")
        with contextlib.suppress(FileExistsError):
            os.link(part, path)  # the first run to get here writes it; any other reads it
        part.unlink()
    closed_to_others(path.parent)  # true counts and the key: no one else's (a folder made before too)
    return path.read_text(encoding="utf-8").strip()


def folder_ledgers(out_dir: str | Path, dataset: str) -> Path:
    """The folder of a reports folder's ledgers of one dataset (each run's ledger is a folder in it)."""
    return _private(out_dir) / dataset


def shared_ledgers(data_dir: str | Path, dataset: str) -> Path:
    """The folder beside the data that keeps the published ledgers of one dataset."""
    return Path(data_dir) / SHARED / dataset


def is_published(ledger: Path) -> bool:
    """Whether a ledger folder belongs to a published run (it holds the ``complete`` marker)."""
    return (ledger / COMPLETE).is_file()


def writable(data_dir: str | Path, dataset: str) -> str:
    """Why the published ledgers cannot be kept beside the data ("" when they can)."""
    folder = shared_ledgers(data_dir, dataset)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{os.getpid()}"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return ""


def _published(folder: Path) -> list[Path]:
    """The published ledgers in a folder (hidden entries are copies under way or locks)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.is_dir() and is_published(p))


def push(out_dir: str | Path, data_dir: str | Path, dataset: str) -> int:
    """Keep beside the data every published ledger of a reports folder that is not there yet.

    A folder's own runs go under ``<run-id>@<folder>``; ledgers it took from other folders
    keep their names. Returns how many were copied. Raises ``OSError`` when the data
    folder cannot be written.
    """
    mine = _published(folder_ledgers(out_dir, dataset))
    if not mine:
        return 0
    tag = folder_id(out_dir)
    there = shared_ledgers(data_dir, dataset)
    return sum(_copy(ledger, there / (ledger.name if "@" in ledger.name else f"{ledger.name}@{tag}")) for ledger in mine)


def pull(out_dir: str | Path, data_dir: str | Path, dataset: str) -> int:
    """Take into a reports folder every published ledger of the same data kept beside it.

    Other folders' runs keep their ``<run-id>@<folder>`` names; a run of this folder whose
    ledger is gone from it comes back under its own id. Returns how many were copied.
    """
    theirs = _published(shared_ledgers(data_dir, dataset))
    if not theirs:
        return 0
    tag = folder_id(out_dir)
    here = folder_ledgers(out_dir, dataset)
    copied = 0
    for ledger in theirs:
        run_id, _, folder = ledger.name.rpartition("@")
        copied += _copy(ledger, here / (run_id if folder == tag else ledger.name))
    return copied


@contextlib.contextmanager
def publishing(out_dir: str | Path, data_dir: str | Path, dataset: str) -> Iterator[None]:
    """Hold the dataset's publishing lock: one run of the same data audits and publishes at a time.

    Runs execute side by side; the last steps (take the ledgers published meanwhile, audit,
    publish, share) are one at a time, so that a run's audit reads every run published
    before it, in any reports folder. The lock is kept beside the data, or in the reports
    folder when the data folder cannot be written.
    """
    folder = shared_ledgers(data_dir, dataset)
    if writable(data_dir, dataset):
        folder = folder_ledgers(out_dir, dataset)
        folder.mkdir(parents=True, exist_ok=True)
    with locked(folder, on_wait=lambda: log.info("waiting for another run of this data to finish publishing")):
        yield


def _copy(source: Path, target: Path) -> int:
    """Copy a published ledger whole, its marker last; 0 when the target is published already.

    An unpublished folder in the way (a failed run's) is moved aside first; a published
    one is never touched: two runs copying the same ledger at once both end with one copy.
    """
    if is_published(target):
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.part-{os.getpid()}")
    shutil.rmtree(part, ignore_errors=True)
    shutil.copytree(source, part, ignore=shutil.ignore_patterns(COMPLETE))
    shutil.copy2(source / COMPLETE, part / COMPLETE)
    if target.exists() and not is_published(target):
        stale = target.with_name(f".{target.name}.stale-{os.getpid()}")
        with contextlib.suppress(OSError):
            os.rename(target, stale)
            shutil.rmtree(stale, ignore_errors=True)
    try:
        os.rename(part, target)
    except OSError:
        shutil.rmtree(part, ignore_errors=True)
        if is_published(target):
            return 0  # another run put the same ledger there first
        raise
    return 1
