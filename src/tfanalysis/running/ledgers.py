"""Where the ledgers of published runs are kept, so that every run of the same data reads them.

A run's ledger (every count it released, true values included) lives in its reports folder,
``<out>/.ledgers/<dataset>/<run-id>`` (:func:`tfanalysis.running.audit.ledger_dir_of`), and
a run reads the published ledgers beside its own. Reports of the same data written into two
reports folders (``make report`` into ``reports/``, a scheduled run into another) reach the
same readers, so each published ledger is also kept beside the data, in
``<data>/.tfanalysis/ledgers/<dataset>/<run-id>@<folder>`` (``<folder>``: a digest of the
reports folder's path), and a run first takes into its own folder every published ledger of
the same data that another folder left there. Both copies hold the same true counts as the
data themselves: neither is ever sent. A run whose data folder cannot be written is told so
in its log; it still reads and writes its own reports folder's ledgers.

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
>>> [p.name for p in (second / ".ledgers" / "d1").iterdir()] == [f"2025Q1@{folder_tag(first)}"]
True
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from tfanalysis.publication.ledger import COMPLETE
from tfanalysis.running.reports_folder import locked

__all__ = ["folder_tag", "is_published", "publishing", "pull", "push", "shared_ledgers"]

SHARED = Path(".tfanalysis") / "ledgers"
"""Where, inside a data folder, the published ledgers of its runs are kept."""


def folder_tag(out_dir: str | Path) -> str:
    """A short name for a reports folder: the digest of its absolute path."""
    return hashlib.sha256(str(Path(out_dir).resolve()).encode("utf-8")).hexdigest()[:10]


def shared_ledgers(data_dir: str | Path, dataset: str) -> Path:
    """The folder beside the data that keeps the published ledgers of one dataset."""
    return Path(data_dir) / SHARED / dataset


def is_published(ledger: Path) -> bool:
    """Whether a ledger folder belongs to a published run (it holds the ``complete`` marker)."""
    return (ledger / COMPLETE).is_file()


def push(out_dir: str | Path, data_dir: str | Path, dataset: str) -> int:
    """Keep beside the data every published ledger of a reports folder that is not there yet.

    A folder's own runs go under ``<run-id>@<folder>``; ledgers it took from other folders
    keep their names. Returns how many were copied. Raises ``OSError`` when the data
    folder cannot be written.
    """
    here = Path(out_dir) / ".ledgers" / dataset
    if not here.is_dir():
        return 0
    tag = folder_tag(out_dir)
    there = shared_ledgers(data_dir, dataset)
    copied = 0
    for ledger in sorted(p for p in here.iterdir() if p.is_dir() and is_published(p)):
        name = ledger.name if "@" in ledger.name else f"{ledger.name}@{tag}"
        copied += _copy(ledger, there / name)
    return copied


def pull(out_dir: str | Path, data_dir: str | Path, dataset: str) -> int:
    """Take into a reports folder every published ledger of the same data kept beside it.

    Other folders' runs keep their ``<run-id>@<folder>`` names; a run of this folder whose
    ledger is gone from it comes back under its own id. Returns how many were copied.
    """
    there = shared_ledgers(data_dir, dataset)
    if not there.is_dir():
        return 0
    tag = folder_tag(out_dir)
    here = Path(out_dir) / ".ledgers" / dataset
    copied = 0
    for ledger in sorted(p for p in there.iterdir() if p.is_dir() and is_published(p)):
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
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".lock").touch()
    except OSError:
        folder = Path(out_dir) / ".ledgers" / dataset
        folder.mkdir(parents=True, exist_ok=True)
    with locked(folder):
        yield


def _copy(source: Path, target: Path) -> int:
    """Copy a published ledger folder whole or not at all; 0 when the target is published already."""
    if is_published(target):
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.part-{os.getpid()}")
    shutil.rmtree(part, ignore_errors=True)
    shutil.copytree(source, part)
    shutil.rmtree(target, ignore_errors=True)  # an unpublished ledger of a failed run: never read
    os.replace(part, target)
    return 1
