"""Loading a task force dataset: one folder, one file per table, validated on load.

Each table of the data contract (:mod:`tfanalysis.data.contract`) is one file in the folder,
named after the table: ``members.csv``, ``capacity.xlsx``, ``clients.parquet``… Every cell
is first read as text (so FIPS and ZIP codes keep their leading zeros, and only the
missing-value markers listed in :data:`NA_VALUES` count as missing), then converted to
the contract's dtypes and checked (:mod:`tfanalysis.data.schema`). Nothing is returned unless
the whole dataset is valid: :class:`~tfanalysis.data.problems.DataValidationError` lists every
problem at once.

A vocabulary file (``vocabulary.csv`` or ``vocabulary.yaml`` in the folder, or passed
explicitly) maps the task force's own words for needs and services to taxonomy codes.

A linked dataset — the agencies' own client records plus the ``crosswalk.csv`` of
``tfanalysis link match`` — is unduplicated on load, one client per victim
(:mod:`tfanalysis.data.linkage.dataset`).

Examples
--------
>>> import tfanalysis as tf
>>> data = tf.load_dataset(DEMO_DIR)
>>> data.clients.dtypes["identified_on"]
dtype('<M8[ns]')
>>> data.members.loc[0, ["member_id", "county_fips"]].tolist()
['M01', '39049']
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from tfanalysis.data import contract, schema, snapshot
from tfanalysis.data.contract import VOCABULARY_FILES, Table
from tfanalysis.data.dataset import TaskForceData
from tfanalysis.data.files import UnreadableFile, files_in, find_table_file, other_table_files, read_table_text
from tfanalysis.data.schema import DataValidationError
from tfanalysis.data.vocabulary import VocabularyError, load_vocabulary, map_terms, normalize_term

_CODED_COLUMNS: tuple[tuple[str, str], ...] = (("capacity", "service"), ("needs", "need"), ("referrals", "service"))

TERM_MIN_CLIENTS = 3
"""``validate --show-terms`` lists a client-level table's term only where at least this many clients' rows use it."""




# File signatures of formats that arrive named .csv.


# --------------------------------------------------------------------------- loading


def load_dataset(
    path: str | Path,
    *,
    vocabulary: str | Path | None = None,
    export_date: str | pd.Timestamp | None = None,
    cache: bool = True,
) -> TaskForceData:
    """Load and validate a task force dataset folder.

    A folder validated before is read from its snapshot (:mod:`tfanalysis.data.snapshot`,
    ``DIR/.tfanalysis/snapshot/``) when nothing the validation depended on has changed:
    the files (name, size, modification time, SHA-256), the options given, the contract's
    version and the code. Otherwise the folder is validated again, and, when valid, its
    snapshot rewritten. A snapshot folder itself (a run's, see
    :func:`tfanalysis.running.pipeline.run_suite`) is read as it was validated.

    Parameters
    ----------
    path : str or pathlib.Path
        The folder holding one file per table (see ``docs/data-contract.md``), or a
        snapshot folder.
    vocabulary : str or pathlib.Path, optional
        A vocabulary file mapping the task force's terms to taxonomy codes; by default
        ``vocabulary.csv`` or ``vocabulary.yaml`` in the folder, if there is one.
    export_date : str or Timestamp, optional
        The day the data were exported. A date after it (a need identified in 2099) is
        refused. By default, and at the latest, the day the newest file was last written:
        no export holds what happened after it was written.
    cache : bool
        Read and write the folder's snapshot (``False``: validate, write nothing).

    Returns
    -------
    TaskForceData
        Every table, typed; members given only a ZIP code have coordinates and county.

    Raises
    ------
    DataValidationError
        If anything breaks the contract; its message lists every problem and its
        ``problems`` attribute holds them as a table.
    FileNotFoundError
        If ``path`` is not a folder.
    tfanalysis.data.snapshot.SnapshotError
        If ``path`` is a snapshot another version of tfanalysis wrote, or a damaged one.

    Examples
    --------
    >>> import tempfile
    >>> load_dataset(tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    tfanalysis.data.problems.DataValidationError: The dataset breaks the data contract (...): 4 problems.
    - members: required table missing: expected members.csv, members.xlsx or members.parquet
    - capacity: required table missing: expected capacity.csv, capacity.xlsx or capacity.parquet
    - clients: required table missing: expected clients.csv, clients.xlsx or clients.parquet
    - needs: required table missing: expected needs.csv, needs.xlsx or needs.parquet
    """
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder; a dataset is a folder with one file per table")
    if snapshot.is_snapshot(folder):
        if vocabulary is not None or export_date is not None:
            raise ValueError(f"{folder} is a snapshot, read as it was validated: load the dataset folder to validate it with a vocabulary or export date")
        return _from_snapshot(snapshot.read_snapshot(folder), None)

    key = snapshot.inputs_key(folder, vocabulary=vocabulary, export_date=export_date)
    stored = snapshot.cache_dir(folder)
    if cache:
        found = snapshot.read_if_current(stored, key)
        if found is not None:
            data = _from_snapshot(found, folder)
            if data.export_date == _export_date(data.files, export_date):
                return data
    try:
        data = _validate_folder(folder, vocabulary, export_date, key["sha256"])
    except DataValidationError:
        if cache:  # no copy is kept of data that no longer meet the contract
            snapshot.discard(stored)
        raise
    if cache and snapshot.listing(folder) == key["listing"]:  # nothing changed while it was read
        try:
            snapshot.write_snapshot(data, stored, key=key)
        except OSError:  # a read-only data folder: validated each time, which is only slower
            snapshot.discard(stored)
    return data


def _from_snapshot(found: snapshot.Snapshot, folder: Path | None) -> TaskForceData:
    """The dataset a snapshot holds; ``folder``: the dataset folder it caches (None: the folder it names)."""
    manifest = found.manifest
    source = folder if folder is not None else (Path(manifest["source"]) if manifest.get("source") else None)
    files = {name: Path(f) if Path(f).is_absolute() or source is None else source / f for name, f in manifest.get("files", {}).items()}
    export = manifest.get("export_date")
    return TaskForceData(
        **{name: found.tables[name] for name in contract.TABLES},
        source=source,
        files=files,
        warnings=found.warnings,
        vocabulary=dict(manifest.get("vocabulary") or {}),
        export_date=None if export is None else pd.Timestamp(export),
        digests=dict(manifest.get("digests") or {}),
    )


BLANK_ROW = "blank: every cell is empty (an empty line between rows, or a row cleared in a spreadsheet); delete it"
"""The one problem of a row with no value at all, in place of one "must not be empty" per required column."""


def blank_rows(frame: pd.DataFrame) -> list[int]:
    """The rows (numbered from 1, as problems are) in which every cell is empty or missing.

    >>> blank_rows(pd.DataFrame({"a": ["x", None, ""], "b": ["y", None, " "]}, dtype="string"))
    [2, 3]
    """
    if frame.empty or not len(frame.columns):
        return []
    left = np.arange(len(frame))  # rows empty in every column so far: after the first column, a handful
    for column in frame.columns:
        cells = frame[column].iloc[left].astype("string")
        left = left[(cells.isna() | (cells.str.strip() == "")).fillna(True).to_numpy(bool)]
        if not left.size:
            break
    return (left + 1).tolist()


def one_problem_per_blank_row(problems: pd.DataFrame, blank: dict[str, list[int]]) -> pd.DataFrame:
    """``problems`` with each blank row's problems (a "must not be empty" per column) told once, as :data:`BLANK_ROW`.

    >>> p = schema.combine_problems([schema.problem_table("members", c, "must not be empty", [6]) for c in ("member_id", "name")])
    >>> one_problem_per_blank_row(p, {"members": [6]})[["table", "column", "row", "rule"]].values.tolist()
    [['members', <NA>, 6, 'blank: every cell is empty (an empty line between rows, or a row cleared in a spreadsheet); delete it']]
    """
    blanks = [(table, row) for table, rows in blank.items() for row in rows]
    if not blanks:
        return problems
    where = pd.DataFrame(blanks, columns=["table", "row"]).assign(_blank=True)
    on_blank = problems[["table", "row"]].merge(where.astype({"row": "Int64"}), on=["table", "row"], how="left")["_blank"]
    kept = problems[~on_blank.fillna(False).to_numpy(bool)]
    told = [schema.problem_table(table, None, BLANK_ROW, rows) for table, rows in blank.items() if rows]
    return schema.combine_problems([kept, *told])


def _validate_folder(
    folder: Path, vocabulary: str | Path | None, export_date: str | pd.Timestamp | None, sha256: dict[str, str]
) -> TaskForceData:
    """Read and validate every file of a dataset folder (``sha256``: digests by file name, as read)."""
    problems: list[pd.DataFrame] = []
    vocab = _load_vocabulary(folder, vocabulary, problems)
    problems.append(other_table_files(folder))

    raw: dict[str, pd.DataFrame] = {}
    numeric: dict[str, set[str]] = {}
    files: dict[str, Path] = {}
    for name, table in contract.TABLES.items():
        found = find_table_file(folder, name)
        if len(found) > 1:
            problems.append(schema.problem_table(name, None, "more than one file for this table: " + ", ".join(p.name for p in found) + "; keep one"))
            continue
        if not found:
            if table.required:
                expected = ", ".join(f"{name}{s}" for s in contract.FILE_SUFFIXES[:-1]) + f" or {name}{contract.FILE_SUFFIXES[-1]}"
                problems.append(schema.problem_table(name, None, f"required table missing: expected {expected}"))
            continue
        if found[0].stem != name or found[0].suffix not in contract.FILE_SUFFIXES:
            problems.append(schema.problem_table(name, None, f"read from {found[0].name}", severity="warning"))
        try:
            raw[name], numeric[name] = read_table_text(found[0], table.column_names)
        except UnreadableFile as exc:  # a problem of the dataset, listed with the rest; the table's rows are not checked
            problems.extend(schema.problem_table(name, column, rule, rows or None) for column, rule, rows in exc.problems)
            continue
        except OSError as exc:
            problems.append(schema.problem_table(name, None, f"could not read {found[0].name}: {exc.strerror or type(exc).__name__}"))
            continue
        files[name] = found[0]

    crosswalk = find_table_file(folder, "crosswalk")
    if crosswalk:  # per-agency client records linked by `tfanalysis link match`: count each victim once
        from tfanalysis.data.linkage.dataset import unduplicate

        try:
            raw, linkage_problems = unduplicate(raw, read_table_text(crosswalk[0])[0])
        except Exception as exc:  # an unreadable file is a problem of the dataset, listed with the rest
            linkage_problems = schema.problem_table("crosswalk", None, f"could not read {crosswalk[0].name}: {type(exc).__name__}")
        problems.append(linkage_problems)
        files["crosswalk"] = crosswalk[0]


    last_day = _export_date(files, export_date)
    typed: dict[str, pd.DataFrame] = {}
    cell_problems: dict[str, pd.DataFrame] = {}
    columns_read: dict[str, list[str]] = {}
    blank: dict[str, list[int]] = {}
    for name in list(raw):
        frame = raw.pop(name)  # each table's text goes once it is typed: half the memory at a million clients
        columns_read[name] = list(frame.columns)
        blank[name] = blank_rows(frame)
        table = contract.TABLES[name]
        refused = schema.direct_identifiers(frame, table)
        problems.append(refused)
        header = schema.missing_columns(frame, table)
        problems.append(header)
        if len(header):  # without its header the rows cannot be read: no cascade of row errors
            continue
        beyond = schema.columns_beyond_the_contract(frame, table, keep=_MADE_BY_LINKAGE if "crosswalk" in files else ())
        problems.append(beyond[~beyond["column"].isin(refused["column"])])  # a refused column is named once
        typed[name], cell_problems[name] = schema.coerce_table(frame, table, numeric[name], export_date=last_day)
        problems.append(cell_problems[name])

    for table_name, column in _CODED_COLUMNS:
        if table_name in typed and column in columns_read[table_name]:
            typed[table_name], unknown_terms = _apply_vocabulary(typed[table_name], table_name, column, vocab)
            problems.append(unknown_terms)
            cell_problems[table_name] = schema.combine_problems([cell_problems[table_name], unknown_terms])

    ids = _known_ids(typed)
    for name, frame in typed.items():
        table = contract.TABLES[name]
        present = [c.name for c in table.columns if c.name in columns_read[name]]
        checked = frame[present + [c for c in frame.columns if c not in table.column_names]]
        problems.append(schema.validate_table(checked, table, ids, skip=cell_problems[name]))
        for rule in schema.TABLE_RULES.get(name, ()):
            problems.append(rule(frame))

    from tfanalysis import geo
    from tfanalysis.data.county_codes import harmonize_vintage

    typed, moved = harmonize_vintage(typed)  # one vintage of county codes (docs/geography.md)
    problems.append(moved)
    if "members" in typed:
        typed["members"] = _locate_members(typed["members"], problems, geo.dataset_vintage(typed))
    problems.append(schema.dataset_warnings(typed))

    found_problems = one_problem_per_blank_row(schema.combine_problems(problems), blank)
    errors = found_problems[found_problems["severity"] == "error"]
    if len(errors):
        raise DataValidationError(found_problems, source=str(folder))

    for name, table in contract.TABLES.items():
        if name not in typed:
            typed[name] = empty_table(table)
    typed["capacity"] = schema.capacity_while_member(typed["capacity"], typed["members"])  # warned of above
    return TaskForceData(
        **{name: typed[name] for name in contract.TABLES},
        source=folder,
        files=files,
        warnings=found_problems.reset_index(drop=True),
        vocabulary=vocab,
        export_date=last_day,
        digests={name: sha256[p.name] for name, p in files.items() if p.parent == folder and p.name in sha256},
    )


_MADE_BY_LINKAGE = ("agency", "agency_record_id", "agency_records", "agencies")
"""Columns a crosswalk brings into the client-level tables: each agency's record keys, and the
clients' counts of records and agencies (:func:`tfanalysis.data.linkage.dataset.unduplicate`)."""


def _export_date(files: dict[str, Path], given: str | pd.Timestamp | None) -> pd.Timestamp:
    """The last day the data can speak of: the export date given, at the latest the day the newest file was written."""
    latest = datetime.now()
    if files:
        latest = min(latest, max(datetime.fromtimestamp(p.stat().st_mtime) for p in files.values()))
    day = pd.Timestamp(latest).normalize()
    if given is not None:
        day = min(day, pd.Timestamp(given).normalize())
    return day


def empty_table(table: Table) -> pd.DataFrame:
    """Return an empty frame with a contract table's columns and dtypes.

    Examples
    --------
    >>> empty_table(contract.ACTIVITIES).dtypes.astype(str).to_dict()
    {'activity_id': 'string', 'date': 'datetime64[ns]', 'kind': 'string'}
    """
    raw = pd.DataFrame(columns=[c.name for c in table.columns]).astype("string")
    return schema.coerce_table(raw, table)[0]


def _load_vocabulary(folder: Path, explicit: str | Path | None, problems: list[pd.DataFrame]) -> dict[str, str]:
    """The folder's (or the explicit) vocabulary; its problems appended to ``problems``, its good entries kept."""
    if explicit is not None:
        candidates = [Path(explicit)]
    else:
        names = {n.lower() for n in VOCABULARY_FILES}
        candidates = sorted(p for p in files_in(folder) if p.name.lower() in names)
    if not candidates:
        return {}
    if len(candidates) > 1:
        problems.append(schema.problem_table("vocabulary", None, "more than one vocabulary file: " + ", ".join(p.name for p in candidates) + "; keep one"))
        return {}
    try:
        return load_vocabulary(candidates[0])
    except VocabularyError as exc:  # one bad entry is one problem: the good entries still map
        problems.append(schema.problem_table("vocabulary", None, str(exc).replace("\n", " ")))
        return exc.mapping
    except (ValueError, OSError) as exc:
        problems.append(schema.problem_table("vocabulary", None, str(exc).replace("\n", " ")))
        return {}


def _apply_vocabulary(frame: pd.DataFrame, table_name: str, column: str, vocab: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Map a coded column through the vocabulary; unknown terms become empty and are reported."""
    codes, distinct = schema.distinct_cells(frame[column])  # each distinct term mapped once, then spread over the rows
    mapped_codes = pd.Series(map_terms(distinct, vocab).codes.array.take(codes, allow_fill=True), index=frame.index)
    unknown = (frame[column].notna() & mapped_codes.isna()).to_numpy(dtype=bool)
    found = schema.empty_problems()
    if unknown.any():
        table = contract.TABLES[table_name]
        values = None if table.client_level else frame[column][unknown].tolist()
        found = schema.problem_table(
            table_name,
            column,
            "term not in the taxonomy nor the vocabulary file (`tfanalysis validate DIR --show-terms` lists the terms to map)",
            (np.flatnonzero(unknown) + 1).tolist(),
            values=values,
        )
    return frame.assign(**{column: mapped_codes}), found


def unmapped_terms(path: str | Path, *, vocabulary: str | Path | None = None) -> pd.DataFrame:
    """List the need and service terms of a dataset that do not map to the taxonomy.

    For the analyst writing a vocabulary file; the terms are vocabulary, but they come
    from client-level tables, so do not paste this table into a report. A term that
    looks like a direct identifier (a social security number, e-mail address or phone
    number typed into the need column) is never listed, and neither is a term of a
    client-level table used for fewer than :data:`TERM_MIN_CLIENTS` clients (free text
    typed for one person, "Shelter for <a name>, DOB <a date>", is not vocabulary): each
    kind is counted in one row whose ``term`` says so, and ``validate`` names their rows.
    A file that cannot be read is passed over (``validate`` says why).

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``column``, ``term``, ``rows``.
    """
    folder = Path(path)
    vocab = _load_vocabulary(folder, vocabulary, [])
    parts = []
    for table_name, column in _CODED_COLUMNS:
        found = find_table_file(folder, table_name)
        if len(found) != 1:
            continue
        try:
            frame, _ = read_table_text(found[0])
        except (UnreadableFile, OSError):
            continue
        if column not in frame.columns:
            continue
        terms = frame[column].str.strip()
        unmapped = map_terms(terms, vocab).unmapped
        looks, _ = schema.identifier_cells(pd.Series(unmapped["term"], dtype="string"))
        looks = looks.to_numpy(dtype=bool)
        rare = np.zeros(len(unmapped), dtype=bool)
        if "client_id" in frame.columns:  # a client-level table: a term typed for one or two clients may be about them
            # a term's every spelling (map_terms folds them), each distinct text folded once
            codes, distinct = pd.factorize(terms)
            folded = pd.Series(np.append(np.array([normalize_term(t) for t in distinct], dtype=object), None)[codes],
                               index=terms.index, name="folded")
            unmapped_folded = unmapped["term"].map(normalize_term)
            listed = folded.isin(unmapped_folded).fillna(False).to_numpy(bool)
            clients = frame.loc[listed].groupby(folded[listed])["client_id"].nunique()
            rare = unmapped_folded.map(clients).fillna(0).to_numpy() < TERM_MIN_CLIENTS
        withheld = [(looks, "they look like direct identifiers"),
                    (rare & ~looks, f"each is used for fewer than {TERM_MIN_CLIENTS} clients, so it may be about one person; validate names their rows")]
        rows = [{"term": f"({int(hit.sum())} term{'s' if hit.sum() != 1 else ''} not shown: {why})", "rows": int(unmapped.loc[hit, "rows"].sum())}
                for hit, why in withheld if hit.any()]
        unmapped = pd.concat([unmapped[~(looks | rare)], pd.DataFrame(rows, columns=["term", "rows"])], ignore_index=True)
        parts.append(unmapped.assign(table=table_name, column=column))
    if not parts:
        return pd.DataFrame(columns=["table", "column", "term", "rows"])
    return pd.concat(parts, ignore_index=True)[["table", "column", "term", "rows"]]


def _known_ids(typed: dict[str, pd.DataFrame]) -> dict[str, pd.Series]:
    ids: dict[str, pd.Series] = {}
    for key, (table, column) in {"member": ("members", "member_id"), "client": ("clients", "client_id"), "activity": ("activities", "activity_id")}.items():
        if table in typed:
            ids[key] = typed[table][column].dropna()
    return ids


def _locate_members(members: pd.DataFrame, problems: list[pd.DataFrame], vintage: int = 2016) -> pd.DataFrame:
    """Fill lat, lon and county_fips (of the dataset's vintage) of members from their ZIP code where empty."""
    needs_lookup = members["zip"].notna() & (members["lat"].isna() | members["lon"].isna() | members["county_fips"].isna())
    if not needs_lookup.any():
        return members
    from tfanalysis import geo

    zips = members.loc[needs_lookup, "zip"]
    found = geo.geocode_zip(zips.tolist(), vintage=vintage)
    found = found.reindex(zips.to_numpy())
    found.index = zips.index
    unknown = found["lat"].isna().to_numpy(dtype=bool)
    if unknown.any():
        rows = (np.flatnonzero(needs_lookup.to_numpy(dtype=bool))[unknown] + 1).tolist()
        problems.append(schema.problem_table("members", "zip", "ZIP code not found in the ZIP code table; give lat, lon and county_fips instead", rows, values=zips[unknown].tolist()))
    out = members.copy()
    no_coords = needs_lookup & (members["lat"].isna() | members["lon"].isna())
    out.loc[no_coords, "lat"] = found.loc[no_coords[no_coords].index, "lat"].astype("Float64")
    out.loc[no_coords, "lon"] = found.loc[no_coords[no_coords].index, "lon"].astype("Float64")
    no_county = needs_lookup & members["county_fips"].isna()
    out.loc[no_county, "county_fips"] = found.loc[no_county[no_county].index, "county_fips"].astype("string")
    return out
