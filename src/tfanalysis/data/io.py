"""Loading a task force dataset: one folder, one file per table, validated on load.

Each table of the data contract (:mod:`tfanalysis.contract`) is one file in the folder,
named after the table: ``members.csv``, ``capacity.xlsx``, ``clients.parquet``… Every cell
is first read as text (so FIPS and ZIP codes keep their leading zeros, and only the
missing-value markers listed in :data:`NA_VALUES` count as missing), then converted to
the contract's dtypes and checked (:mod:`tfanalysis.schema`). Nothing is returned unless
the whole dataset is valid: :class:`~tfanalysis.data.schema.DataValidationError` lists every
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

import codecs
import csv
import dataclasses
import hashlib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from tfanalysis.data import contract, schema, snapshot, taxonomy
from tfanalysis.data.contract import NA_VALUES, VOCABULARY_FILES, Table
from tfanalysis.data.periods import PeriodLike
from tfanalysis.data.schema import DataValidationError
from tfanalysis.data.vocabulary import load_vocabulary, map_terms

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
    export_date : Timestamp or None
        The day the data were exported (given, or the day the newest file was written):
        no date of the data is later, except the ends and planned starts of windows.
    digests : dict
        Table name → SHA-256 of the file read, as it was when read (see :meth:`fingerprint`).
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
    export_date: pd.Timestamp | None = None
    digests: dict[str, str] = field(default_factory=dict, repr=False)

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
        from tfanalysis.data.periods import parse_period

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
        """Return the SHA-256 of every file read, by table name.

        The digests of the files as they were read, when the loader recorded them (a
        dataset loaded from a snapshot keeps those of the files it was validated from);
        otherwise the files are hashed now.
        """
        if self.digests and set(self.digests) == set(self.files):
            return dict(sorted(self.digests.items()))
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


class UnreadableFile(ValueError):
    """A table file that cannot be read as a table.

    The message says what is wrong with the file and what to do; it never quotes a cell.

    Attributes
    ----------
    problems : list of (column or None, rule, rows)
        One entry per column affected (``None``: the whole file).
    """

    def __init__(self, rule: str, column: str | None = None, rows: Sequence[int] = (), *,
                 problems: Sequence[tuple[str | None, str, Sequence[int]]] | None = None) -> None:
        self.problems = list(problems) if problems is not None else [(column, rule, list(rows))]
        super().__init__("; ".join(r for _, r, _ in self.problems))


def find_table_file(folder: Path, table: str) -> list[Path]:
    """Return the files in ``folder`` that hold ``table`` (one expected).

    The name is matched without regard to case (``Referrals.CSV`` holds ``referrals``):
    a file an export names in capitals is read, never silently passed over.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp()); _ = (d / "Members.CSV").write_text("member_id\\n")
    >>> [p.name for p in find_table_file(d, "members")]
    ['Members.CSV']
    """
    return sorted(p for p in _files(folder) if p.stem.lower() == table and p.suffix.lower() in contract.FILE_SUFFIXES)


def _files(folder: Path) -> list[Path]:
    return [p for p in Path(folder).iterdir() if p.is_file() and not p.name.startswith(".")]


_OTHER_FORMATS: dict[str, str] = {
    ".xls": "an Excel 97-2003 workbook, which the suite does not read: save it as .xlsx (or as CSV UTF-8)",
    ".xlsm": "a macro-enabled workbook: save it as a plain .xlsx (or as CSV UTF-8)",
    ".ods": "an OpenDocument spreadsheet: save it as .xlsx or as CSV UTF-8",
    ".tsv": "tab-separated text: save it as CSV UTF-8 (comma-separated) named .csv",
}


def other_table_files(folder: Path) -> pd.DataFrame:
    """Files that look meant for the dataset but will not be read.

    A file named after a table in a format the suite does not read (``survey.xls``,
    ``clients.txt``) is an error when the table has no readable file; a spreadsheet that
    names no table (``client.csv``) is a warning. Vocabulary files are not tables.

    Returns
    -------
    pandas.DataFrame
        Problems (see :mod:`tfanalysis.schema`).
    """
    parts = []
    vocabulary = {n.lower() for n in VOCABULARY_FILES}
    for path in _files(folder):
        stem, suffix = path.stem.lower(), path.suffix.lower()
        if path.name.lower() in vocabulary:
            continue
        if stem in contract.TABLES and suffix not in contract.FILE_SUFFIXES:
            if find_table_file(folder, stem):
                continue
            what = _OTHER_FORMATS.get(suffix, f"not a format the suite reads: export the table as {stem}.csv (UTF-8), {stem}.xlsx or {stem}.parquet")
            parts.append(schema.problem_table(stem, None, f"found {path.name}, {what}"))
        elif stem not in contract.TABLES and suffix in (*contract.FILE_SUFFIXES, *_OTHER_FORMATS):
            parts.append(schema.problem_table(
                "dataset", None, f"{path.name} is not a table of the contract and was not read (tables: {', '.join(contract.TABLES)})",
                severity="warning"))
    return schema.combine_problems(parts)


def read_table_text(path: Path, expected: Sequence[str] = ()) -> tuple[pd.DataFrame, set[str]]:
    """Read one table file with every cell as text.

    Parameters
    ----------
    path : pathlib.Path
        A ``.csv`` (UTF-8, a byte-order mark allowed; UTF-16 with its byte-order mark
        too), ``.xlsx`` (first sheet) or ``.parquet`` file.
    expected : sequence of str, optional
        The contract's column names for this table. When the header holds none of them,
        the reader looks for the cause (the header further down, the data on another
        sheet) and says so.

    Returns
    -------
    (pandas.DataFrame, set of str)
        The table, all columns ``string`` dtype with missing cells ``<NA>``, column names
        stripped; and the names of the columns the file stored as numbers.

    Raises
    ------
    UnreadableFile
        If the file is not a table of the format its name says (another format, binary
        data, an encoding other than UTF-8, another delimiter, rows longer than the
        header, an unclosed quote, a repeated column name…): the message says what to do.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("zip,note\\n02134,NA\\n02135,None of it\\n")
    >>> frame, numeric = read_table_text(p)
    >>> frame["zip"].tolist(), frame["note"].tolist()
    (['02134', '02135'], [<NA>, 'None of it'])
    >>> _ = p.write_text("zip;note\\n02134;x\\n")
    >>> read_table_text(p)
    Traceback (most recent call last):
    ...
    tfanalysis.data.io.UnreadableFile: columns are separated by ';', not by commas (a regional setting of Excel): save the file as 'CSV UTF-8 (Comma delimited)'
    """
    suffix = path.suffix.lower()
    numeric: set[str] = set()
    if suffix == ".csv":
        header, frame = _read_csv(path, expected)
    elif suffix == ".xlsx":
        header, frame = _read_xlsx(path, expected)
        numeric = {h for h in header if h in frame.columns and _mostly_numbers(frame[h])}
        frame = frame.apply(_cells_to_text)
    elif suffix == ".parquet":
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:  # a truncated or foreign file: pyarrow's many errors say the same
            raise UnreadableFile(f"{path.name} is not a readable Parquet file ({type(exc).__name__}): export the table again") from None
        header = [str(c).strip() for c in frame.columns]
        _check_header(header)
        frame.columns = header
        numeric = {c for c in header if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])}
        frame = frame.apply(_cells_to_text)
    else:
        raise UnreadableFile(f"{path.name}: tables must be .csv, .xlsx or .parquet files")
    frame.columns = header
    frame = frame.astype("string")
    return frame.reset_index(drop=True), numeric


# File signatures of formats that arrive named .csv.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "is an Excel workbook (or another zip archive), not CSV text: if it is a workbook, name it .xlsx"),
    (b"\xd0\xcf\x11\xe0", "is an Excel 97-2003 workbook, not CSV text: save it as .xlsx or as CSV UTF-8"),
    (b"%PDF", "is a PDF document, not a CSV file: export the table itself as CSV UTF-8"),
    (b"PAR1", "is a Parquet file, not CSV text: name it .parquet"),
)


def _read_csv(path: Path, expected: Sequence[str]) -> tuple[list[str], pd.DataFrame]:
    data = path.read_bytes()
    quick = _read_plain_csv(data, expected, path.name)
    if quick is not None:
        return quick
    text = _decode_csv(data, path.name)
    if not text or text.isspace():  # not text.strip(): no copy of a file of hundreds of megabytes
        raise UnreadableFile(f"{path.name} is empty: export the table again, with its header line")
    records = _first_records(text, 25)
    header = [h.strip() for h in records[0]]
    _check_delimiter(header)
    _locate_header(records, expected, path.name)
    frame = None if "\x00" in text else _read_csv_arrow(text.encode("utf-8") if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else data, records[0])
    if frame is None:
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=list(NA_VALUES), header=0)
        except pd.errors.ParserError as exc:
            raise _parser_problem(exc, text, len(header)) from None
    if "\x00" in text:
        _refuse_nul(frame, header)
    return _named(header, frame), frame


_HEAD_BYTES = 1 << 20


def _read_plain_csv(data: bytes, expected: Sequence[str], name: str) -> tuple[list[str], pd.DataFrame] | None:
    """A well-formed UTF-8 CSV file read without decoding all of it in Python; None for anything else.

    Only the head is decoded, for the header checks; Arrow's reader checks that every cell
    is UTF-8 (a file of hundreds of megabytes is not copied into a Python string). Any
    doubt — another encoding, a NUL byte, a header the checks refuse, a row Arrow refuses
    — and the caller reads the file the careful way, which says what is wrong.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, *(signature for signature, _ in _SIGNATURES))) or b"\x00" in data:
        return None
    head = data[:_HEAD_BYTES]
    if len(head) < len(data):
        head = head[: head.rfind(b"\n") + 1]  # whole lines only
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if not text or text.isspace():
        return None
    records = _first_records(text, 25)
    header = [h.strip() for h in records[0]]
    try:
        _check_delimiter(header)
        _locate_header(records, expected, name)
    except UnreadableFile:
        return None
    frame = _read_csv_arrow(data, records[0])
    if frame is None:
        return None
    return _named(header, frame), frame


def _read_csv_arrow(data: bytes, header: list[str]) -> pd.DataFrame | None:
    """Read well-formed CSV with Arrow's reader (many times faster); None for anything else.

    Gives what ``pandas.read_csv(dtype=str, keep_default_na=False, na_values=NA_VALUES)``
    gives, every cell as text and only :data:`NA_VALUES` missing, for a file whose every
    row has the header's number of cells. Arrow refuses rows of another length, which pandas
    pads or reads differently, and an unclosed quote: then, and for a header Arrow reads
    otherwise than the ``csv`` module (``header``, the first record), None, and the caller
    reads the file with pandas and says what is wrong with it as before.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = [str(h) for h in header]
    if len(set(names)) != len(names) or len({n.strip() for n in names}) != len(names):
        return None  # a repeated column name: pandas' path names it
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        table = pcsv.read_csv(
            pa.py_buffer(data),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.large_string() for n in names},  # what pandas keeps: no cast after
                null_values=list(NA_VALUES),
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    if table.column_names != names or any(t != pa.large_string() for t in table.schema.types):
        return None
    frame = table.to_pandas(types_mapper={pa.large_string(): pd.StringDtype("pyarrow")}.get)
    return frame


def _decode_csv(data: bytes, name: str) -> str:
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise UnreadableFile(f"{name} {what}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile(f"{name} starts as UTF-16 text but is not: save it as CSV UTF-8") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    head = data[:65536]
    controls = sum(head.count(bytes([b])) for b in (*range(0, 9), 11, 12, *range(14, 32)))
    if controls > max(2, len(head) // 100):
        raise UnreadableFile(f"{name} holds binary data, not CSV text: export the table as CSV UTF-8")
    raise _not_utf8(data, name)


def _not_utf8(data: bytes, name: str) -> UnreadableFile:
    """Name the columns and rows whose cells are not UTF-8 (an export in Windows-1252 or Latin-1)."""
    rule = (f"{name} is not UTF-8 text: these cells hold characters of another encoding (Windows-1252 or "
            "Latin-1, as older Excel versions save CSV): save the file as 'CSV UTF-8' and read it again")
    text = data.decode("latin-1")  # every byte is a character: the file parses, and each cell can be tried as UTF-8
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[], header=None)
    except pd.errors.ParserError:
        return UnreadableFile(rule)

    def foreign(column: pd.Series) -> pd.Series:
        candidates = column.str.contains(r"[^\x00-\x7f]", regex=True).fillna(False).to_numpy(dtype=bool)
        bad = np.zeros(len(column), dtype=bool)
        bad[candidates] = [not _is_utf8(v) for v in column[candidates]]  # only the non-ASCII cells, on this error path
        return pd.Series(bad, index=column.index)

    marks = frame.apply(foreign)
    if marks.iloc[0].any():
        return UnreadableFile(rule + " (the header too)")
    header = [str(h).strip() for h in frame.iloc[0]]
    found = []
    for i, column in enumerate(header):
        rows = np.flatnonzero(marks.iloc[1:, i].to_numpy(dtype=bool)) + 1
        if len(rows):
            found.append((column, rule, rows.tolist()))
    return UnreadableFile(rule, problems=found or None)


def _is_utf8(cell: str) -> bool:
    try:
        cell.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _first_records(text: str, n: int) -> list[list[str]]:
    """The first ``n`` non-empty records of CSV text (a header may be quoted)."""
    records = []
    for record in csv.reader(_lines(text)):
        if record and any(cell.strip() for cell in record):
            records.append(record)
            if len(records) == n:
                break
    return records or [[]]


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one by one, ends kept (no copy of a file of hundreds of megabytes)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _check_delimiter(header: list[str]) -> None:
    if len(header) == 1:
        for sep, words in ((";", "';'"), ("\t", "tabs"), ("|", "'|'")):
            if header[0].count(sep) >= 1:
                raise UnreadableFile(
                    f"columns are separated by {words}, not by commas (a regional setting of Excel): "
                    "save the file as 'CSV UTF-8 (Comma delimited)'"
                )


def _locate_header(records: list[list[str]], expected: Sequence[str], name: str) -> None:
    """When the first line names none of the contract's columns, say where the header is."""
    if not expected:
        return
    wanted = {taxonomy.normalize_term(c) for c in expected}
    if any(taxonomy.normalize_term(h) in wanted for h in records[0]):
        return
    for line, record in enumerate(records[1:], start=2):
        if sum(taxonomy.normalize_term(h) in wanted for h in record) >= 2:
            raise UnreadableFile(f"the header of {name} is on line {line}, under lines of something else: delete the lines above it")
    raise UnreadableFile(
        f"the first line of {name} is not a header naming the contract's columns ({', '.join(expected[:4])}, …): "
        "the first line must be the header"
    )


def _parser_problem(exc: Exception, text: str, width: int) -> UnreadableFile:
    message = str(exc)
    if "EOF inside string" in message:
        row = re.search(r"row (\d+)", message)
        rows = [int(row.group(1))] if row else []
        return UnreadableFile('a double quote opens a value that is never closed: close it, or remove the stray "', rows=rows)
    rows = [i for i, record in enumerate(csv.reader(io.StringIO(text))) if len(record) > width and i > 0]
    return UnreadableFile(
        f"these rows have more cells than the header has columns ({width}): a value holding a comma must be in double quotes",
        rows=rows,
    )


def _refuse_nul(frame: pd.DataFrame, header: list[str]) -> None:
    found = []
    for i, column in enumerate(frame.columns):
        rows = np.flatnonzero(frame[column].astype("string").str.contains("\x00", regex=False).fillna(False).to_numpy(dtype=bool)) + 1
        if len(rows):
            found.append((header[i] if i < len(header) else str(column), "holds a NUL character (binary data), which no text export has: export the table again", rows.tolist()))
    if found:
        raise UnreadableFile(found[0][1], problems=found)


def _named(header: list[str], frame: pd.DataFrame) -> list[str]:
    """The file's own column names (pandas renames a repeated one ``name.1``), checked."""
    names = list(header) if len(header) == frame.shape[1] else [str(c).strip() for c in frame.columns]
    names = [n if n else f"unnamed_{i + 1}" for i, n in enumerate(names)]
    _check_header(names)
    return names


def _check_header(names: Sequence[str]) -> None:
    counts = pd.Series(list(names), dtype="string").value_counts()
    repeated = counts[counts > 1].index.tolist()
    if repeated:
        raise UnreadableFile(
            "the column appears more than once in the header: keep one",
            problems=[(name, "the column appears more than once in the header: keep one (or rename the other)", []) for name in repeated],
        )


def _read_xlsx(path: Path, expected: Sequence[str]) -> tuple[list[str], pd.DataFrame]:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head.startswith(b"PK\x03\x04"):
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise UnreadableFile(f"{path.name} is an Excel 97-2003 workbook named .xlsx: save it as .xlsx (Excel Workbook)")
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            raise UnreadableFile(f"{path.name} is not an Excel workbook (.xlsx): save the table again as .xlsx or CSV UTF-8") from None
        raise UnreadableFile(f"{path.name} holds text, not an Excel workbook: if it is CSV, name it .csv")
    try:
        sheet = pd.read_excel(path, header=None, dtype=object, keep_default_na=False, na_values=list(NA_VALUES), engine="openpyxl")
    except Exception as exc:  # openpyxl's errors for a damaged workbook are many and technical
        raise UnreadableFile(f"{path.name} could not be opened as an Excel workbook ({type(exc).__name__}): save it again as .xlsx") from None
    sheet = sheet.dropna(how="all").reset_index(drop=True)
    if expected:
        _locate_sheet(path, sheet, expected)
    if sheet.empty:
        raise UnreadableFile(f"the first sheet of {path.name} is empty: export the table again, with its header row")
    header = ["" if pd.isna(v) else str(v).strip() for v in sheet.iloc[0]]
    _locate_header([["" if pd.isna(v) else str(v) for v in row] for row in sheet.head(25).to_numpy()], expected, path.name)
    frame = sheet.iloc[1:].reset_index(drop=True)
    names = _named(header, frame)
    frame.columns = names
    return names, frame


def _locate_sheet(path: Path, first: pd.DataFrame, expected: Sequence[str]) -> None:
    """The data are on another sheet than the first: name it."""
    wanted = {taxonomy.normalize_term(c) for c in expected}
    first_cells = {taxonomy.normalize_term(str(v)) for v in first.head(25).to_numpy().ravel() if not pd.isna(v)}
    if first_cells & wanted:
        return
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        names = book.sheetnames
        for sheet_name in names[1:]:
            rows = book[sheet_name].iter_rows(max_row=25, values_only=True)
            cells = {taxonomy.normalize_term(str(v)) for row in rows for v in row if v is not None}
            if len(cells & wanted) >= 2:
                raise UnreadableFile(
                    f"the table is on the sheet '{sheet_name}' of {path.name}, but only the first sheet ('{names[0]}') is read: "
                    "move that sheet to the front, or delete the others"
                )
    finally:
        book.close()


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
    tfanalysis.data.schema.DataValidationError: The dataset breaks the data contract (...): 4 problems.
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
    for name in list(raw):
        frame = raw.pop(name)  # each table's text goes once it is typed: half the memory at a million clients
        columns_read[name] = list(frame.columns)
        table = contract.TABLES[name]
        problems.append(schema.direct_identifiers(frame, table))
        header = schema.missing_columns(frame, table)
        problems.append(header)
        if len(header):  # without its header the rows cannot be read: no cascade of row errors
            continue
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
        export_date=last_day,
        digests={name: sha256[p.name] for name, p in files.items() if p.parent == folder and p.name in sha256},
    )


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
    if explicit is not None:
        candidates = [Path(explicit)]
    else:
        names = {n.lower() for n in VOCABULARY_FILES}
        candidates = sorted(p for p in _files(folder) if p.name.lower() in names)
    if not candidates:
        return {}
    if len(candidates) > 1:
        problems.append(schema.problem_table("vocabulary", None, "more than one vocabulary file: " + ", ".join(p.name for p in candidates) + "; keep one"))
        return {}
    try:
        return load_vocabulary(candidates[0])
    except (ValueError, OSError) as exc:
        problems.append(schema.problem_table("vocabulary", None, str(exc).replace("\n", " ")))
        return {}


def _apply_vocabulary(frame: pd.DataFrame, table_name: str, column: str, vocab: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Map a coded column through the vocabulary; unknown terms become empty and are reported."""
    codes, distinct = schema._distinct(frame[column])  # each distinct term mapped once, then spread over the rows
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
    number typed into the need column) is never listed: it is counted in one row whose
    ``term`` says so. A file that cannot be read is passed over (``validate`` says why).

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
        result = map_terms(frame[column].str.strip(), vocab)
        unmapped = result.unmapped
        hidden, _ = schema.identifier_cells(pd.Series(unmapped["term"], dtype="string"))
        hidden = hidden.to_numpy(dtype=bool)
        if hidden.any():
            n = int(hidden.sum())
            withheld = pd.DataFrame({"term": [f"({n} term{'s' if n != 1 else ''} not shown: they look like direct identifiers)"],
                                     "rows": [int(unmapped.loc[hidden, "rows"].sum())]})
            unmapped = pd.concat([unmapped[~hidden], withheld], ignore_index=True)
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
