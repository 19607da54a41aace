"""A validated dataset kept as typed Parquet files, and when it may stand in for the raw folder.

Reading and validating a task force export is the slow part of loading it (minutes at a
million clients); reading the same tables back from Parquet, typed, takes seconds. A
**snapshot** is a folder holding one Parquet file per table of a
:class:`~tfanalysis.data.io.TaskForceData` (dtypes exactly as validated: ``string``,
``boolean``, ``Int64``, ``Float64``, ``datetime64[ns]``), the warnings of its validation,
and ``snapshot.json``: what it was validated from and by what.

Two kinds, one format:

- **the cache of a dataset folder**, ``DIR/.tfanalysis/snapshot/`` (:func:`cache_dir`),
  written by :func:`tfanalysis.load_dataset` after a successful validation and read by the
  next load of the same folder **only when nothing it depends on has changed**
  (:func:`inputs_key`): the name, size, modification time and SHA-256 of every file the
  loader may read, the names of the other files of the folder (a stray ``client.csv`` is a
  warning), the vocabulary file given, the export date given and the one the files imply,
  the contract's version (:data:`tfanalysis.data.contract.VERSION`), a digest of the package's
  own code and the versions of the libraries that read the files. Anything different, and
  the folder is validated again: a snapshot is never stale. Invalid data are never cached.
  It lives inside the data folder (hidden), so the data folder's permissions guard it, it
  goes wherever the data go, and it is never where reports are written (``tfanalysis run``
  refuses ``--out`` inside the data folder);
- **the snapshot of a run**, written by :func:`tfanalysis.running.pipeline.run_suite` into the
  run's temporary folder after validating once; every notebook of the run loads it (its
  ``data_dir``), so every report of a run reads the same data, and none reads or
  validates the raw files again. It is deleted before the run is published.

Examples
--------
>>> import tfanalysis as tf
>>> data = tf.load_dataset(DEMO_DIR)
>>> import tempfile
>>> folder = write_snapshot(data, Path(tempfile.mkdtemp()) / "snap")
>>> is_snapshot(folder), len(read_snapshot(folder).tables["clients"]) == len(data.clients)
(True, True)
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from tfanalysis.data import contract

if TYPE_CHECKING:
    from tfanalysis.data.io import TaskForceData

FORMAT = "tfanalysis-snapshot/1"
"""The layout of a snapshot folder; a folder of another format is not read."""

MANIFEST = "snapshot.json"
"""The file that makes a folder a snapshot."""

CACHE = Path(".tfanalysis") / "snapshot"
"""Where a dataset folder's cache lives, relative to the folder."""

WARNINGS = "_warnings"
"""The name under which a snapshot keeps the warnings of its validation."""

_METADATA_KEY = b"tfanalysis.snapshot"
_LIBRARIES: tuple[str, ...] = ("pandas", "numpy", "pyarrow", "pandera", "openpyxl", "zipcodes", "addfips", "tfanalysis")


class SnapshotError(ValueError):
    """A snapshot folder that cannot stand for its data (another version wrote it, or it is damaged)."""


@dataclass
class Snapshot:
    """What a snapshot folder holds, read back.

    Attributes
    ----------
    tables : dict
        Table name → DataFrame, every contract table, typed as validated.
    warnings : pandas.DataFrame
        The warnings of the validation (problems of severity ``warning``).
    manifest : dict
        ``snapshot.json``: ``source``, ``files``, ``digests``, ``export_date``,
        ``vocabulary``, ``key``…
    """

    tables: dict[str, pd.DataFrame]
    warnings: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- what a snapshot depends on


def cache_dir(folder: str | Path) -> Path:
    """The cache of a dataset folder: ``DIR/.tfanalysis/snapshot``.

    Examples
    --------
    >>> cache_dir("/srv/tf").as_posix()
    '/srv/tf/.tfanalysis/snapshot'
    """
    return Path(folder) / CACHE


def is_snapshot(folder: str | Path) -> bool:
    """Whether ``folder`` is a snapshot (it holds a ``snapshot.json`` of this format)."""
    manifest = Path(folder) / MANIFEST
    if not manifest.is_file():
        return False
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("format") == FORMAT
    except (OSError, ValueError, AttributeError):
        return False


@functools.lru_cache(maxsize=1)
def code_key() -> dict[str, str]:
    """What the reading of a dataset depends on besides its files: contract, code, libraries.

    The contract's version says when what a valid dataset is has changed on purpose; the
    digest of the package's files (code and resources: county tables, the taxonomy) catches
    a change nobody thought to mark; the library versions, a change in how files are parsed.
    """
    from importlib import metadata

    package = Path(__file__).resolve().parents[1]  # the whole package: geography and resources check data too
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"):
        digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    versions = {}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = ""
    return {"format": FORMAT, "contract": str(contract.VERSION), "code": digest.hexdigest(), **{f"lib.{k}": v for k, v in versions.items()}}


def _readable_by_loader(name: str) -> bool:
    """A file :func:`tfanalysis.load_dataset` may read: a table, the crosswalk, a vocabulary."""
    stem, _, suffix = name.lower().rpartition(".")
    if name.lower() in contract.VOCABULARY_FILES:
        return True
    return f".{suffix}" in contract.FILE_SUFFIXES and (stem in contract.TABLES or stem == "crosswalk")


def sha256_file(path: str | Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def listing(folder: str | Path) -> dict[str, list[int]]:
    """Name → [size, modification time in ns] of the (not hidden) files of a folder."""
    found = {}
    for entry in os.scandir(folder):
        if entry.name.startswith(".") or not entry.is_file():
            continue
        st = entry.stat()
        found[entry.name] = [st.st_size, st.st_mtime_ns]
    return dict(sorted(found.items()))


def inputs_key(folder: str | Path, *, vocabulary: str | Path | None = None, export_date: Any = None) -> dict[str, Any]:
    """Everything a load of ``folder`` depends on, to compare with a cached snapshot's.

    Parameters
    ----------
    folder : path
        The dataset folder.
    vocabulary, export_date : optional
        As given to :func:`tfanalysis.load_dataset`.

    Returns
    -------
    dict
        ``listing`` (every file: size, modification time), ``sha256`` (of every file the
        loader may read), the options given and :func:`code_key`.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp()); _ = (d / "members.csv").write_text("member_id\\n"); _ = (d / "notes.txt").write_text("x")
    >>> key = inputs_key(d)
    >>> sorted(key["listing"]), sorted(key["sha256"])
    (['members.csv', 'notes.txt'], ['members.csv'])
    """
    folder = Path(folder)
    files = listing(folder)
    hashes = {name: sha256_file(folder / name) for name in files if _readable_by_loader(name)}
    options: dict[str, Any] = {"export_date": None if export_date is None else str(pd.Timestamp(export_date).date()), "vocabulary": None}
    if vocabulary is not None:
        path = Path(vocabulary).resolve()
        options["vocabulary"] = {"path": str(path), "sha256": sha256_file(path) if path.is_file() else None}
    return {**code_key(), "listing": files, "sha256": hashes, "options": options}


# --------------------------------------------------------------------------- writing


def write_snapshot(data: TaskForceData, target: str | Path, *, key: Mapping[str, Any] | None = None) -> Path:
    """Write a validated dataset as a snapshot folder, replacing any snapshot there.

    The folder is written beside ``target`` and moved into place whole: a reader finds the
    old snapshot, the new one, or none (and then validates), never half of one. Files are
    readable by their owner only: they hold client-level rows.

    Parameters
    ----------
    data : TaskForceData
        A dataset as :func:`tfanalysis.load_dataset` returned it.
    target : path
        The snapshot folder to write.
    key : mapping, optional
        What the data were validated from (:func:`inputs_key`); a run's snapshot has none
        (it is the run's data whatever the raw files hold later).

    Returns
    -------
    pathlib.Path
        ``target``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = uuid.uuid4().hex
    partial = target.parent / f".{target.name}.{stamp}.partial"
    partial.mkdir(mode=0o700)
    try:
        frames = {**data.tables(), WARNINGS: data.warnings}
        tables = {}
        for name, frame in frames.items():
            table = pa.Table.from_pandas(frame, preserve_index=None)
            table = table.replace_schema_metadata({**(table.schema.metadata or {}), _METADATA_KEY: stamp.encode()})
            path = partial / f"{name}.parquet"
            pq.write_table(table, path)
            os.chmod(path, 0o600)
            tables[name] = {"rows": len(frame), "dtypes": {str(c): str(t) for c, t in frame.dtypes.items()}}
        source = None if data.source is None else Path(data.source).resolve()
        manifest = {
            "format": FORMAT,
            "id": stamp,
            "written": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "code": code_key(),
            "key": dict(key) if key is not None else None,
            "source": None if source is None else str(source),
            "files": {name: _relative(path, source) for name, path in sorted(data.files.items())},
            "digests": dict(sorted(data.digests.items())),
            "export_date": None if data.export_date is None else str(pd.Timestamp(data.export_date).date()),
            "vocabulary": data.vocabulary,
            "tables": tables,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        _swap_in(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


def _relative(path: Path, source: Path | None) -> str:
    path = Path(path).resolve()
    if source is not None and path.parent == source:
        return path.name
    return str(path)


def _swap_in(partial: Path, target: Path) -> None:
    """Move a written snapshot into place; the old one is removed after."""
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.{uuid.uuid4().hex}.old"
        os.replace(target, old)
    try:
        os.replace(partial, target)
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def discard(target: str | Path) -> None:
    """Remove a snapshot folder (and leftovers of interrupted writes beside it), if any."""
    target = Path(target)
    shutil.rmtree(target, ignore_errors=True)
    if target.parent.is_dir():
        for leftover in target.parent.glob(f".{target.name}.*"):
            shutil.rmtree(leftover, ignore_errors=True)


# --------------------------------------------------------------------------- reading


def read_snapshot(folder: str | Path) -> Snapshot:
    """Read a snapshot folder back, checking that it is whole and was written by this code.

    Raises
    ------
    SnapshotError
        If it is not a snapshot of this format, another version of tfanalysis (or of the
        contract, or of a library reading files) wrote it, or a file is missing, damaged or
        from another snapshot.
    """
    import pyarrow.parquet as pq

    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{folder} is not a readable snapshot ({type(exc).__name__})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SnapshotError(f"{folder} is not a snapshot of the format {FORMAT}")
    written_by, here = manifest.get("code") or {}, code_key()
    # What reading it back depends on: the contract (what the tables are) and the libraries
    # that write and read the dtypes. Another build of the code is fine (a run's snapshot
    # stays readable while the package is edited); a folder's cache compares its whole key.
    if any(written_by.get(k) != here[k] for k in ("format", "contract", "lib.pandas", "lib.pyarrow")):
        raise SnapshotError(
            f"{folder} was written under another version of the data contract (or of pandas or pyarrow): "
            "load the dataset folder itself, which validates it again"
        )
    expected = manifest.get("tables") or {}
    if set(expected) != {*contract.TABLES, WARNINGS}:
        raise SnapshotError(f"{folder} does not hold every table of the contract")
    frames: dict[str, pd.DataFrame] = {}
    for name, info in expected.items():
        path = folder / f"{name}.parquet"
        try:
            stamp = (pq.read_schema(path).metadata or {}).get(_METADATA_KEY, b"").decode()
            frame = pd.read_parquet(path)
        except Exception as exc:  # a missing or damaged file: pyarrow's many errors say the same
            raise SnapshotError(f"{folder}: {name}.parquet cannot be read ({type(exc).__name__})") from None
        dtypes = {str(c): str(t) for c, t in frame.dtypes.items()}
        if stamp != manifest.get("id") or dtypes != info.get("dtypes") or len(frame) != info.get("rows"):
            raise SnapshotError(f"{folder}: {name}.parquet is not the table the snapshot lists")
        frames[name] = frame
    warnings = frames.pop(WARNINGS)
    return Snapshot(tables=frames, warnings=warnings, manifest=manifest)


def read_if_current(folder: str | Path, key: Mapping[str, Any]) -> Snapshot | None:
    """The cached snapshot in ``folder`` if it was validated from exactly ``key``, else None.

    Anything that does not match, or cannot be read, is a miss: the caller validates.
    """
    folder = Path(folder)
    if not (folder / MANIFEST).is_file():
        return None
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("key") != dict(key):
        return None
    with contextlib.suppress(SnapshotError):
        found = read_snapshot(folder)
        if found.manifest.get("id") == manifest.get("id"):  # not swapped for another one meanwhile
            return found
    return None
