"""Loading a task force dataset: one folder, one file per table, validated on load.

Each table of the data contract (:mod:`tfanalysis.contract`) is one file in the folder,
named after the table: ``members.csv``, ``capacity.xlsx``, ``clients.parquet``… Every cell
is first read as text (so FIPS and ZIP codes keep their leading zeros, and only the
missing-value markers listed in :data:`NA_VALUES` count as missing), then converted to
the contract's dtypes and checked (:mod:`tfanalysis.schema`). Nothing is returned unless
the whole dataset is valid: :class:`~tfanalysis.schema.DataValidationError` lists every
problem at once.

A vocabulary file (``vocabulary.csv`` or ``vocabulary.yaml`` in the folder, or passed
explicitly) maps the task force's own words for needs and services to taxonomy codes.

A linked dataset — the agencies' own client records plus the ``crosswalk.csv`` of
``tfanalysis link match`` — is unduplicated on load, one client per victim
(:mod:`tfanalysis.linkage.dataset`).

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

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from tfanalysis import contract, schema, taxonomy
from tfanalysis.contract import Table
from tfanalysis.periods import PeriodLike
from tfanalysis.schema import DataValidationError

NA_VALUES: tuple[str, ...] = ("", "NA", "N/A", "n/a", "NULL", "null", "None", "NaN", "nan", "#N/A", "-")
"""Cell texts read as missing. Nothing else is (pandas' own list is not used)."""

VOCABULARY_FILES: tuple[str, ...] = ("vocabulary.csv", "vocabulary.yaml", "vocabulary.yml")

_CODED_COLUMNS: tuple[tuple[str, str], ...] = (("capacity", "service"), ("needs", "need"), ("referrals", "service"))


@dataclass(frozen=True)
class TaskForceData:
    """A validated task force dataset: one DataFrame per contract table.

    Dates are ``datetime64[ns]``, flags ``boolean``, ids, codes, FIPS and ZIP codes
    ``string``, counts ``Int64`` and measures ``Float64``. Optional tables absent from
    the folder are empty frames with the contract's columns.

    Attributes
    ----------
    members, capacity, clients, needs, referrals, cj_events, activities, attendance, survey : pandas.DataFrame
        The tables (see ``docs/data-contract.md``).
    source : pathlib.Path or None
        The folder the data came from.
    files : dict
        Table name → file read.
    warnings : pandas.DataFrame
        Problems of severity ``warning`` (the data loaded, but look at these).
    vocabulary : dict
        The term → code mapping applied.
    """

    members: pd.DataFrame
    capacity: pd.DataFrame
    clients: pd.DataFrame
    needs: pd.DataFrame
    referrals: pd.DataFrame
    cj_events: pd.DataFrame
    activities: pd.DataFrame
    attendance: pd.DataFrame
    survey: pd.DataFrame
    source: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)
    warnings: pd.DataFrame = field(default_factory=schema.empty_problems)
    vocabulary: dict[str, str] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the contract tables by name."""
        return {name: getattr(self, name) for name in contract.TABLES}

    def replace(self, **tables: pd.DataFrame) -> "TaskForceData":
        """Return a copy with some tables replaced (e.g. filtered to a period)."""
        return dataclasses.replace(self, **tables)

    def in_period(self, period: PeriodLike, *, today: str | None = None) -> "TaskForceData":
        """Return the dataset restricted to a reporting period.

        Clients, needs, referrals, criminal-justice events and activities (with their
        attendance) are kept when their own date (``identified_on``, ``referred_on``,
        ``occurred_on``, ``date``) falls in the period; members active at any time in it;
        capacity rows valid at any time in it. Survey waves are kept whole.

        Parameters
        ----------
        period : str, (start, end) pair or None
            See :mod:`tfanalysis.periods`.
        today : str, optional
            The date relative periods count from.

        Examples
        --------
        >>> data = load_dataset(DEMO_DIR)
        >>> len(data.in_period("2024Q1").clients) < len(data.clients)
        True
        """
        from tfanalysis.periods import parse_period

        p = parse_period(period, today=today)
        if p.start is None:
            return self
        activities = self.activities[p.contains(self.activities["date"])]
        return self.replace(
            members=self.members[_overlaps(self.members["joined_on"], self.members["left_on"], p.start, p.end)],
            capacity=self.capacity[_overlaps(self.capacity["valid_from"], self.capacity["valid_to"], p.start, p.end)],
            clients=self.clients[p.contains(self.clients["identified_on"])],
            needs=self.needs[p.contains(self.needs["identified_on"])],
            referrals=self.referrals[p.contains(self.referrals["referred_on"])],
            cj_events=self.cj_events[p.contains(self.cj_events["occurred_on"])],
            activities=activities,
            attendance=self.attendance[self.attendance["activity_id"].isin(activities["activity_id"])],
        )

    def fingerprint(self) -> dict[str, str]:
        """Return the SHA-256 of every file read, by table name."""
        return {name: _sha256(path) for name, path in sorted(self.files.items())}


def _overlaps(first: pd.Series, last: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Rows whose [first, last] window (last empty: still open) meets [start, end]."""
    began = (first <= end).fillna(False)
    not_over = (last.isna() | (last >= start)).fillna(False)
    return (began & not_over).astype(bool)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- reading files


def find_table_file(folder: Path, table: str) -> list[Path]:
    """Return the files in ``folder`` that hold ``table`` (one expected).

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp()); _ = (d / "members.csv").write_text("member_id\\n")
    >>> [p.name for p in find_table_file(d, "members")]
    ['members.csv']
    """
    return [folder / f"{table}{suffix}" for suffix in contract.FILE_SUFFIXES if (folder / f"{table}{suffix}").is_file()]


def read_table_text(path: Path) -> tuple[pd.DataFrame, set[str]]:
    """Read one table file with every cell as text.

    Parameters
    ----------
    path : pathlib.Path
        A ``.csv`` (UTF-8, a byte-order mark allowed), ``.xlsx`` (first sheet) or
        ``.parquet`` file.

    Returns
    -------
    (pandas.DataFrame, set of str)
        The table, all columns ``string`` dtype with missing cells ``<NA>``, column names
        stripped; and the names of the columns the file stored as numbers.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("zip,note\\n02134,NA\\n02135,None of it\\n")
    >>> frame, numeric = read_table_text(p)
    >>> frame["zip"].tolist(), frame["note"].tolist()
    (['02134', '02135'], [<NA>, 'None of it'])
    """
    suffix = path.suffix.lower()
    numeric: set[str] = set()
    if suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=list(NA_VALUES), encoding="utf-8-sig")
    elif suffix == ".xlsx":
        frame = pd.read_excel(path, dtype=object, keep_default_na=False, na_values=list(NA_VALUES), engine="openpyxl")
        numeric = {str(c).strip() for c in frame.columns if _mostly_numbers(frame[c])}
        frame = frame.apply(_cells_to_text)
    elif suffix == ".parquet":
        frame = pd.read_parquet(path)
        numeric = {str(c).strip() for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])}
        frame = frame.apply(_cells_to_text)
    else:
        raise ValueError(f"{path.name}: tables must be .csv, .xlsx or .parquet files")
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.astype("string")
    return frame.reset_index(drop=True), numeric


def _mostly_numbers(column: pd.Series) -> bool:
    values = column.dropna()
    return len(values) > 0 and values.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)).all()


def _cells_to_text(column: pd.Series) -> pd.Series:
    """Write typed cells (dates, numbers, flags) as the text a CSV would hold."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.dt.strftime("%Y-%m-%d").astype("string")
    if pd.api.types.is_bool_dtype(column):
        return column.map({True: "true", False: "false"}).astype("string")

    def one(v: object) -> object:
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
            return pd.NA
        if isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "isoformat"):
            return pd.Timestamp(v).strftime("%Y-%m-%d")
        if isinstance(v, (bool, np.bool_)):
            return "true" if v else "false"
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            return str(int(v))
        return str(v)

    return column.map(one).astype("string")


# --------------------------------------------------------------------------- loading


def load_dataset(path: str | Path, *, vocabulary: str | Path | None = None) -> TaskForceData:
    """Load and validate a task force dataset folder.

    Parameters
    ----------
    path : str or pathlib.Path
        The folder holding one file per table (see ``docs/data-contract.md``).
    vocabulary : str or pathlib.Path, optional
        A vocabulary file mapping the task force's terms to taxonomy codes; by default
        ``vocabulary.csv`` or ``vocabulary.yaml`` in the folder, if there is one.

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

    Examples
    --------
    >>> import tempfile
    >>> load_dataset(tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    tfanalysis.schema.DataValidationError: The dataset breaks the data contract (...): 4 problems.
    - members: required table missing: expected members.csv, members.xlsx or members.parquet
    - capacity: required table missing: expected capacity.csv, capacity.xlsx or capacity.parquet
    - clients: required table missing: expected clients.csv, clients.xlsx or clients.parquet
    - needs: required table missing: expected needs.csv, needs.xlsx or needs.parquet
    """
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder; a dataset is a folder with one file per table")

    problems: list[pd.DataFrame] = []
    vocab = _load_vocabulary(folder, vocabulary, problems)

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
        try:
            raw[name], numeric[name] = read_table_text(found[0])
        except Exception as exc:  # an unreadable file is a problem of the dataset, listed with the rest
            problems.append(schema.problem_table(name, None, f"could not read {found[0].name}: {type(exc).__name__}"))
            continue
        files[name] = found[0]
        duplicated = pd.Index(raw[name].columns)[pd.Index(raw[name].columns).duplicated()].unique()
        for col in duplicated:
            problems.append(schema.problem_table(name, col, "the column appears more than once in the file"))
        if len(duplicated):
            raw[name] = raw[name].loc[:, ~pd.Index(raw[name].columns).duplicated()]

    crosswalk = find_table_file(folder, "crosswalk")
    if crosswalk:  # per-agency client records linked by `tfanalysis link match`: count each victim once
        from tfanalysis.linkage.dataset import unduplicate

        try:
            raw, linkage_problems = unduplicate(raw, read_table_text(crosswalk[0])[0])
        except Exception as exc:  # an unreadable file is a problem of the dataset, listed with the rest
            linkage_problems = schema.problem_table("crosswalk", None, f"could not read {crosswalk[0].name}: {type(exc).__name__}")
        problems.append(linkage_problems)
        files["crosswalk"] = crosswalk[0]

    typed: dict[str, pd.DataFrame] = {}
    cell_problems: dict[str, pd.DataFrame] = {}
    for name, frame in raw.items():
        table = contract.TABLES[name]
        problems.append(schema.missing_columns(frame, table))
        problems.append(schema.direct_identifiers(frame, table))
        typed[name], cell_problems[name] = schema.coerce_table(frame, table, numeric[name])
        problems.append(cell_problems[name])

    for table_name, column in _CODED_COLUMNS:
        if table_name in typed and column in raw[table_name].columns:
            typed[table_name], unknown_terms = _apply_vocabulary(typed[table_name], table_name, column, vocab)
            problems.append(unknown_terms)
            cell_problems[table_name] = schema.combine_problems([cell_problems[table_name], unknown_terms])

    ids = _known_ids(typed)
    for name, frame in typed.items():
        table = contract.TABLES[name]
        present = [c.name for c in table.columns if c.name in raw[name].columns]
        checked = frame[present + [c for c in frame.columns if c not in table.column_names]]
        problems.append(schema.validate_table(checked, table, ids, skip=cell_problems[name]))
        for rule in schema.TABLE_RULES.get(name, ()):
            problems.append(rule(frame))

    from tfanalysis import geo

    typed, moved = geo.harmonize_vintage(typed)  # one vintage of county codes (docs/geography.md)
    problems.append(moved)
    if "members" in typed:
        typed["members"] = _locate_members(typed["members"], problems, geo.dataset_vintage(typed))

    found_problems = schema.combine_problems(problems)
    errors = found_problems[found_problems["severity"] == "error"]
    if len(errors):
        raise DataValidationError(found_problems, source=str(folder))

    for name, table in contract.TABLES.items():
        if name not in typed:
            typed[name] = empty_table(table)
    return TaskForceData(
        **{name: typed[name] for name in contract.TABLES},
        source=folder,
        files=files,
        warnings=found_problems.reset_index(drop=True),
        vocabulary=vocab,
    )


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
    candidates = [Path(explicit)] if explicit is not None else [folder / n for n in VOCABULARY_FILES if (folder / n).is_file()]
    if not candidates:
        return {}
    try:
        return taxonomy.load_vocabulary(candidates[0])
    except (ValueError, OSError) as exc:
        problems.append(schema.problem_table("vocabulary", None, str(exc).replace("\n", " ")))
        return {}


def _apply_vocabulary(frame: pd.DataFrame, table_name: str, column: str, vocab: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Map a coded column through the vocabulary; unknown terms become empty and are reported."""
    mapped = taxonomy.map_terms(frame[column], vocab)
    unknown = (frame[column].notna() & mapped.codes.isna()).to_numpy(dtype=bool)
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
    return frame.assign(**{column: mapped.codes}), found


def unmapped_terms(path: str | Path, *, vocabulary: str | Path | None = None) -> pd.DataFrame:
    """List the need and service terms of a dataset that do not map to the taxonomy.

    For the analyst writing a vocabulary file; the terms are vocabulary, but they come
    from client-level tables, so do not paste this table into a report.

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
        frame, _ = read_table_text(found[0])
        if column not in frame.columns:
            continue
        result = taxonomy.map_terms(frame[column].str.strip(), vocab)
        parts.append(result.unmapped.assign(table=table_name, column=column))
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
