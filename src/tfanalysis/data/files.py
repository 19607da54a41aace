"""Reading one table's file as text: CSV (UTF-8, any of the usual exports), Excel, Parquet.

Every cell is read as text, so FIPS and ZIP codes keep their leading zeros and only the
missing-value markers of :data:`~tfanalysis.data.contract.NA_VALUES` count as missing; a
file that is not what it says (another encoding, a spreadsheet saved as ``.csv``, a header
further down) is refused with what to do (:class:`UnreadableFile`). A well-formed UTF-8 CSV
is read by Arrow's reader; anything else by pandas, for its messages.

Examples
--------
>>> frame, numeric = read_table_text(Path(DEMO_DIR) / "members.csv")
>>> frame.loc[0, "county_fips"]
'39049'
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from tfanalysis.data import contract, schema, taxonomy
from tfanalysis.data.contract import NA_VALUES, VOCABULARY_FILES

__all__ = ["UnreadableFile", "files_in", "find_table_file", "other_table_files", "read_table_text"]


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
    return sorted(p for p in files_in(folder) if p.stem.lower() == table and p.suffix.lower() in contract.FILE_SUFFIXES)


def files_in(folder: Path) -> list[Path]:
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
        Problems (see :mod:`tfanalysis.data.schema`).
    """
    parts = []
    vocabulary = {n.lower() for n in VOCABULARY_FILES}
    for path in files_in(folder):
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
    >>> _ = p.write_text("zip,note\\n02134,x\\n,\\n,\\n")  # Excel's empty rows at the end are not rows
    >>> len(read_table_text(p)[0])
    1
    >>> _ = p.write_text("zip;note\\n02134;x\\n")
    >>> read_table_text(p)
    Traceback (most recent call last):
    ...
    tfanalysis.data.files.UnreadableFile: columns are separated by ';', not by commas (a regional setting of Excel): save the file as 'CSV UTF-8 (Comma delimited)'
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
    frame = frame.astype("string").reset_index(drop=True)
    return frame.iloc[:_rows_before_blank_end(frame)], numeric


def _rows_before_blank_end(frame: pd.DataFrame) -> int:
    """How many rows come before the run of rows with every cell empty at the end of a table (Excel's ``,,,,,``).

    Only the end: a blank row between data rows is kept (and reported), so that every row
    number a message gives is still the file's.

    >>> _rows_before_blank_end(pd.DataFrame({"a": ["1", None, "2", None, None], "b": [None] * 5}))
    3
    """
    filled = np.flatnonzero(frame.notna().any(axis=1).to_numpy(bool))
    return int(filled[-1]) + 1 if len(filled) else 0


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
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=list(NA_VALUES), header=0, skip_blank_lines=False)
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
            # a blank line between rows is a row (kept and reported): skipping it would number every later row one short
            parse_options=pcsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
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
    """Name the columns and rows whose cells are not UTF-8 (an export in Windows-1252 or Latin-1).

    A European Excel's CSV is often both: in Windows-1252 and separated by ``;``. Both are
    named in one rule (the delimiter found in the header line), with the one fix for both.

    Examples
    --------
    >>> print(_not_utf8("client_id;need\\nc1;Asesoría\\n".encode("cp1252"), "needs.csv").problems)
    [('need', "needs.csv is not UTF-8 text: these cells hold characters of another encoding (Windows-1252 or Latin-1, as older Excel versions save CSV), and its columns are separated by ';', not by commas (a regional setting of Excel): save the file as 'CSV UTF-8 (Comma delimited)' and read it again", [1])]
    """
    text = data.decode("latin-1")  # every byte is a character: the file parses, and each cell can be tried as UTF-8
    separator = _separator([h.strip() for h in _first_records(text, 1)[0]])
    rule = (f"{name} is not UTF-8 text: these cells hold characters of another encoding (Windows-1252 or "
            "Latin-1, as older Excel versions save CSV)")
    if separator is None:
        rule += ": save the file as 'CSV UTF-8' and read it again"
    else:
        rule += f", and its {_SEPARATED_BY[separator]}: {_SAVE_COMMA_CSV} and read it again"
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[], header=None, sep=separator or ",")
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
    try:
        for record in csv.reader(_lines(text)):
            if record and any(cell.strip() for cell in record):
                records.append(record)
                if len(records) == n:
                    break
    except csv.Error:  # a stray quote ran the rest of the file into one value, past the csv module's limit
        raise UnreadableFile(_RUNAWAY_QUOTE) from None
    return records or [[]]


_RUNAWAY_QUOTE = ('a double quote opens a value that is never closed, and the rest of the file reads as that value: '
                  'close it, or remove the stray "')
"""The csv module's refusal of a value past its size limit, in words: an unclosed quote swallowed the file."""


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one by one, ends kept (no copy of a file of hundreds of megabytes)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


_SEPARATED_BY: dict[str, str] = {
    sep: f"columns are separated by {words}, not by commas (a regional setting of Excel)"
    for sep, words in ((";", "';'"), ("\t", "tabs"), ("|", "'|'"))
}
"""What a header line read as one column says of the file's delimiter, by the delimiter found in it."""

_SAVE_COMMA_CSV = "save the file as 'CSV UTF-8 (Comma delimited)'"


def _separator(header: list[str]) -> str | None:
    """The delimiter of a header line that commas leave in one piece (``member_id;name``), or None.

    >>> _separator(["member_id;name;sector"]), _separator(["member_id", "name"])
    (';', None)
    """
    if len(header) == 1:
        for sep in _SEPARATED_BY:
            if sep in header[0]:
                return sep
    return None


def _check_delimiter(header: list[str]) -> None:
    separator = _separator(header)
    if separator is not None:
        raise UnreadableFile(f"{_SEPARATED_BY[separator]}: {_SAVE_COMMA_CSV}")


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
    try:
        rows = [i for i, record in enumerate(csv.reader(io.StringIO(text))) if len(record) > width and i > 0]
    except csv.Error:  # a stray quote ran the rest of the file into one value, past the csv module's limit
        return UnreadableFile(f"{_RUNAWAY_QUOTE}; rows may also have more cells than the header has columns ({width}): "
                              "a value holding a comma must be in double quotes")
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
    # blank rows above the header go; blank rows between data rows stay (and are reported), so that
    # row numbers keep to the sheet's; those at the end are not rows (_rows_before_blank_end)
    filled = sheet.notna().any(axis=1).to_numpy(dtype=bool)
    sheet = sheet.iloc[int(filled.argmax()) if filled.any() else len(sheet):].reset_index(drop=True)
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
