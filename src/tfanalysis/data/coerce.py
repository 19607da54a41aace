"""Reading a table's text cells as the contract's kinds: dates, flags, numbers, codes, lists.

Columns whose kind has few distinct texts (dates, codes, flags, counties…) are read once per
distinct text and spread over the rows (:func:`distinct_cells`); a cell that cannot be read
is a problem of its row, never an exception.

Examples
--------
>>> codes, values = distinct_cells(pd.Series(["b", None, "a", "b"], dtype="string"))
>>> codes.tolist(), values.tolist()
([0, -1, 1, 0], ['b', 'a'])
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from tfanalysis.data import contract
from tfanalysis.data.contract import Column, Table

from tfanalysis.data.problems import combine_problems, problem_table

__all__ = ["READ_PER_DISTINCT", "ZIP_PLUS_FOUR", "coerce_table", "distinct_cells", "matches", "zip5"]


_DATE = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
"""An ISO date (ASCII digits), perhaps with a midnight time, in a stripped cell; RE2 syntax."""


_TRUE = {"true", "t", "yes", "y", "1"}


_FALSE = {"false", "f", "no", "n", "0"}


def coerce_table(
    raw: pd.DataFrame,
    table: Table,
    numeric_columns: Iterable[str] = (),
    *,
    export_date: pd.Timestamp | str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Convert a table read as text into the contract's dtypes.

    Cells that cannot be read as their column's kind become missing and are reported.
    Optional contract columns absent from the file are added (empty, or their default).

    Parameters
    ----------
    raw : pandas.DataFrame
        The table with every cell as a string (missing cells as ``<NA>``).
    table : Table
        The contract table.
    numeric_columns : iterable of str
        Columns that the file stored as numbers (Excel, Parquet); FIPS and ZIP codes
        stored as numbers have lost their leading zeros and are padded, with a warning.
    export_date : date, optional
        The day the data were exported: a date after it is refused (except in columns
        that may lie in the future, see :class:`~tfanalysis.data.contract.Column`). Without
        it only dates outside 1900-01-01 … 2262-04-11 are refused.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The typed table and the problems found.

    Examples
    --------
    >>> raw = pd.DataFrame({"activity_id": ["a1", "a2", "a3"], "date": ["2025-01-31", "31/01/2025", "2099-01-01"],
    ...                     "kind": ["meeting", "meeting", "meeting"]}, dtype="string")
    >>> typed, problems = coerce_table(raw, contract.ACTIVITIES, export_date="2026-01-15")
    >>> typed["date"].tolist()
    [Timestamp('2025-01-31 00:00:00'), NaT, NaT]
    >>> problems[["column", "row", "rule"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'column': 'date', 'row': 2, 'rule': 'must be a date written YYYY-MM-DD; looks like DD/MM/YYYY'},
     {'column': 'date', 'row': 3, 'rule': 'must not be after the export date (2026-01-15): a date in the future is a typo or a placeholder'}]
    """
    numeric_columns = set(numeric_columns)
    last_day = None if export_date is None else pd.Timestamp(export_date).normalize()
    problems: list[pd.DataFrame] = []
    out = pd.DataFrame(index=raw.index)
    for col in table.columns:
        if col.name not in raw.columns:
            out[col.name] = _empty_column(col, len(raw), raw.index)
            continue
        cells = raw[col.name].astype("string")
        codes = None
        if col.kind in READ_PER_DISTINCT:  # few distinct texts (dates, codes, flags, ratings): each read once
            codes, cells = distinct_cells(cells)
        typed, found, shown = _coerce_cells(col, cells, col.name in numeric_columns, last_day)
        if codes is not None:
            typed = pd.Series(typed.array.take(codes, allow_fill=True), index=raw.index)
            found = [(_per_cell(mask, codes, raw.index), rule, severity, echo) for mask, rule, severity, echo in found]
        out[col.name] = typed
        for mask, rule, severity, echo in found:
            if not mask.any():
                continue
            rule = _counted(rule, int(mask.sum()))
            values = None
            if echo and not table.client_level:
                values = shown if codes is None else pd.Series(shown.array.take(codes, allow_fill=True), index=raw.index)
            problems.append(_problems_at(table, col, mask, rule, severity, values))
    extra = [c for c in raw.columns if c not in out.columns]
    for name in extra:
        out[name] = raw[name].astype("string")
    return out, combine_problems(problems)


READ_PER_DISTINCT = frozenset({"date", "code", "flag", "list", "fips", "zip", "integer", "number"})
"""Column kinds read once per distinct text: a few hundred dates or codes in millions of rows."""


def distinct_cells(cells: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each cell's position among the distinct texts (-1: missing), and the distinct texts.

    Examples
    --------
    >>> codes, values = distinct_cells(pd.Series(["b", None, "a", "b"], dtype="string"))
    >>> codes.tolist(), values.tolist()
    ([0, -1, 1, 0], ['b', 'a'])
    """
    values = pyarrow.array(cells.astype("string[pyarrow]").array)
    if isinstance(values, pyarrow.ChunkedArray):  # as Arrow's CSV reader gives it
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values)
    codes = np.asarray(pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    values = pd.Series(pd.arrays.ArrowStringArray(encoded.dictionary.cast(pyarrow.large_string())))
    return codes, values


def _per_cell(mask: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """A mask over the distinct texts, spread back over the cells (missing cells: False)."""
    flags = np.append(mask.to_numpy(dtype=bool), False)  # position -1: a missing cell
    return pd.Series(flags[codes], index=index)


def _coerce_cells(
    col: Column, cells: pd.Series, numeric_column: bool, last_day: pd.Timestamp | None
) -> tuple[pd.Series, list[tuple[pd.Series, str, str, bool]], pd.Series]:
    """Read one column's cells: (typed values, [(cells, rule, severity, echo the value?)], the texts read)."""
    text = cells.str.strip()
    text = text.mask(text == "")
    found: list[tuple[pd.Series, str, str, bool]] = []
    if col.kind in {"fips", "zip"} and numeric_column:
        padded, long = _padded_code(text.str.replace(r"\.0$", "", regex=True), col.kind)
        changed = (padded != text).fillna(False) & ~long
        found.append((changed, f"{{n}} {col.kind.upper()} code{{s}} stored as {{a}}number{{s}} lost {{their}} leading zero{{s}}; padded to 5 digits", "warning", False))
        text = padded
    elif col.kind in {"fips", "zip"}:  # text, but perhaps saved once by a spreadsheet: 6037 for 06037 (or a digit typed short)
        # a code a spreadsheet or pandas wrote out as a number (87102.0): its digits, as from an Excel cell
        written = matches(text, r"^[0-9]{3,9}\.0+$")
        if written.any():
            text = text.where(~written, _padded_code(text.str.replace(r"\.0+$", "", regex=True), col.kind)[0])
            example = "87102.0 as 87102, 2134.0 as 02134" if col.kind == "zip" else "35001.0 as 35001, 6037.0 as 06037"
            found.append((written, f"{{n}} {col.kind.upper()} code{{s}} written as {{a}}number{{s}} read as text ({example}); "
                                   "export the column as text", "warning", False))
        short = text.str.fullmatch(r"\d{4}" if col.kind == "fips" else r"\d{3,4}(?:-?\d{4})?").fillna(False)
        example = "6037 for 06037" if col.kind == "fips" else "2134 for 02134"
        found.append((short, f"must be a 5-digit {'county FIPS' if col.kind == 'fips' else 'ZIP'} code: fewer digits, as when a spreadsheet "
                             f"drops a leading zero ({example}) or a digit is missing; export the column as text", "error", False))
        text = text.mask(short)
    if col.kind == "zip":
        text, plus_four = zip5(text)
        found.append((plus_four, ZIP_PLUS_FOUR_READ, "warning", False))
    if col.kind == "date":
        typed, dated = _coerce_dates(col, text, last_day)
        return typed, found + [(mask, rule, severity, True) for mask, rule, severity in dated], text
    typed, bad, rule = _coerce_column(col, text)
    found.append((bad, rule, "error", True))
    return typed, found, text


def _padded_code(digits: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """A FIPS or ZIP code that was a number, zero-padded to 5 digits (a ZIP+4 to 9: 21341234 for 02134-1234); which were longer than 5.

    >>> _padded_code(pd.Series(["6037", "21341234"], dtype="string"), "zip")[0].tolist()
    ['06037', '021341234']
    """
    long = (digits.str.len() > 5).fillna(False) if kind == "zip" else pd.Series(False, index=digits.index)
    return digits.str.zfill(5).where(~long, digits.str.zfill(9)), long


ZIP_PLUS_FOUR = r"^([0-9]{5})-?[0-9]{4}$"
"""A ZIP+4 code, ``43215-1234`` or ``432151234``, in a stripped cell; RE2 and Python syntax alike."""

ZIP_PLUS_FOUR_READ = "{n} ZIP+4 code{s} read as the 5-digit ZIP (the 4 digits after it dropped)"
"""The warning of a ZIP column holding ZIP+4 codes (how many, and their rows; never a value)."""


def _counted(rule: str, n: int) -> str:
    """A rule that counts its cells (``{n}``; ``{s}``, ``{their}``, ``{a}`` agree with it) filled in; any other rule as it is.

    >>> _counted(ZIP_PLUS_FOUR_READ, 1), _counted("must be true or false", 3)
    ('1 ZIP+4 code read as the 5-digit ZIP (the 4 digits after it dropped)', 'must be true or false')
    """
    return rule.format(n=n, s="" if n == 1 else "s", their="its" if n == 1 else "their", a="a " if n == 1 else "") if "{n}" in rule else rule


def zip5(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ZIP+4 codes (``43215-1234``, ``432151234``) read as their 5-digit ZIP; which cells were.

    Every other cell is left as it is (a 5-digit ZIP, or a text the ZIP check refuses).

    Examples
    --------
    >>> five, plus_four = zip5(pd.Series(["43215-1234", "432151234", "02134", "4321-1234", None], dtype="string"))
    >>> five.tolist(), plus_four.tolist()
    (['43215', '43215', '02134', '4321-1234', <NA>], [True, True, False, False, False])
    """
    plus_four = matches(text, ZIP_PLUS_FOUR)
    return text.where(~plus_four, text.str.slice(0, 5)).astype("string"), plus_four


def _coerce_dates(col: Column, text: pd.Series, last_day: pd.Timestamp | None) -> tuple[pd.Series, list[tuple[pd.Series, str, str]]]:
    """Read ISO dates; placeholders and dates outside the contract's range are reported.

    Compared as ISO text before conversion: a year such as 0001 or 9999 does not fit a
    ``datetime64[ns]`` and must never reach pandas (its error echoes the value).
    """
    present = text.notna()
    text = text.astype("string").str.strip()
    # RE2 over the Arrow strings (no Python call per cell); the date is the first 10 characters
    iso = text.str.slice(0, 10).where(matches(text, _DATE)).astype("string")
    too_early = (iso < contract.EARLIEST_DATE).fillna(False).astype(bool)
    beyond = (iso > contract.LATEST_DATE).fillna(False).astype(bool)
    typed = pd.to_datetime(iso.mask(too_early | beyond), format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
    unreadable = present & typed.isna() & ~too_early & ~beyond
    found: list[tuple[pd.Series, str, str]] = [
        (mask, f"{_ISO_DATE_RULE}; {looks}" if looks else _ISO_DATE_RULE, "error") for looks, mask in date_formats_found(text, unreadable)
    ] + [
        (too_early, f"must be a date from {contract.EARLIEST_DATE} on (an earlier one is a placeholder for an unknown date)", "error"),
    ]
    if col.open_end:
        found.append((beyond, "a far-future placeholder was read as an open end (no end date); an empty cell says the same", "warning"))
    else:
        future = beyond
        if last_day is not None and not col.may_be_future:
            future = future | (typed > last_day).fillna(False).astype(bool)
            rule = f"must not be after the export date ({last_day.date()}): a date in the future is a typo or a placeholder"
        else:
            rule = f"must be a date up to {contract.LATEST_DATE} (a far-future date is a placeholder)"
        found.append((future, rule, "error"))
        typed = typed.mask(future)
    return typed, [(m, r, sev) for m, r, sev in found if m.any()]


_ISO_DATE_RULE = "must be a date written YYYY-MM-DD"

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic|janv|févr|mars|avr|mai|juin|juil|août|déc"

_DATE_FORMATS: tuple[tuple[str, str], ...] = (
    (_DATE, "looks like one, but no such day exists (a month past 12, or a day past the month's end)"),
    (r"^\S+[ T][0-9]{1,2}:[0-9]{2}", "looks like a date and time (keep the date only)"),
    (r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$", "looks like {MM}/{DD}/YYYY"),
    (r"^[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}$", "looks like {MM}-{DD}-YYYY"),
    (r"^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}$", "looks like DD.MM.YYYY"),
    (r"^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2}$", "looks like a date with a two-digit year (MM/DD/YY or DD/MM/YY)"),
    (r"^[0-9]{4}[/.][0-9]{1,2}[/.][0-9]{1,2}$", "looks like YYYY/MM/DD"),
    (r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$", "looks like YYYY-M-D (a month or day without its leading zero)"),
    (r"^[0-9]{8}$", "looks like YYYYMMDD (without the dashes)"),
    (r"^[0-9]{4}$", "looks like a year alone"),
    (r"^[0-9]{5}(?:\.[0-9]+)?$", "looks like an Excel serial number (a date cell saved as a number): format the column as a date"),
    (rf"(?i)[0-9].*(?:^|[^a-z])(?:{_MONTHS})|(?:^|[^a-z])(?:{_MONTHS})[a-zé]*\.?,? *[0-9]", "looks like a date with the month in words"),
)
"""What a cell that is no ISO date looks like, the first pattern it matches (RE2 syntax); ``{MM}/{DD}``: which comes first."""


def date_formats_found(text: pd.Series, unreadable: pd.Series) -> list[tuple[str, pd.Series]]:
    """The unreadable date cells by the format they look like: [(what it looks like, or "" for none, cells)].

    Told by patterns, never by a value. Where day and month may come in either order
    (``03/04/2024``), a column some of whose cells can only be one way (a first number
    above 12: ``15/03/2024``) is named that way; otherwise both ways are named.

    Examples
    --------
    >>> text = pd.Series(["15/03/2024", "03/04/2024", "2024-01-31 14:05", "45321", "soon", "2024-02-30"], dtype="string")
    >>> found = date_formats_found(text, pd.Series([True] * 6))
    >>> {looks.split(" (")[0]: mask[mask].index.tolist() for looks, mask in found}  # doctest: +NORMALIZE_WHITESPACE
    {'looks like one, but no such day exists': [5], 'looks like a date and time': [2], 'looks like DD/MM/YYYY': [0, 1],
     'looks like an Excel serial number': [3], '': [4]}
    """
    left = unreadable.fillna(False).to_numpy(dtype=bool, copy=True)
    found = []
    if not left.any():  # every cell read (the usual case): no pattern to look for, over millions of cells
        return found
    where = np.flatnonzero(left)
    unread = text.iloc[where]  # the patterns are read over the unreadable cells only
    for pattern, looks in _DATE_FORMATS:
        hit = np.zeros(len(left), dtype=bool)
        hit[where] = matches(unread, pattern).to_numpy(dtype=bool)
        hit &= left
        if not hit.any():
            continue
        left &= ~hit
        if "{MM}" in looks:
            parts = text[hit].str.extract(r"^(\d+)\D(\d+)\D").astype("int64")
            day_first, month_first = bool((parts[0] > 12).any()), bool((parts[1] > 12).any())
            if day_first != month_first:  # only one order fits some cell: name that one
                looks = looks.format(MM="DD", DD="MM") if day_first else looks.format(MM="MM", DD="DD")
            else:
                looks = looks.format(MM="MM", DD="DD") + " or " + looks.format(MM="DD", DD="MM").removeprefix("looks like ")
        found.append((looks, pd.Series(hit, index=text.index)))
    if left.any():
        found.append(("", pd.Series(left, index=text.index)))
    return found


def _empty_column(col: Column, n: int, index: pd.Index) -> pd.Series:
    if col.kind == "flag":
        fill = pd.NA if col.default is None else bool(col.default)
        return pd.Series([fill] * n, index=index, dtype="boolean")
    return _coerce_column(col, pd.Series([pd.NA] * n, index=index, dtype="string"))[0]


_TERM_COLUMNS = ("need", "service")
"""Code columns holding a task force's own terms, mapped to taxonomy codes by the vocabulary (its matching ignores case)."""


def _coerce_column(col: Column, text: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    """Return (typed values, cells that could not be read, the rule they break)."""
    present = text.notna()
    if col.kind == "date":
        return _coerce_dates(col, text, None)[0], pd.Series(False, index=text.index), ""
    if col.kind in {"integer", "number"}:
        num = _to_float(text)
        num = num.where(np.isfinite(num.astype("float64")))  # inf and 1e400 are no capacity
        if col.kind == "integer":
            whole = num.notna() & (np.floor(num.astype("Float64")) == num).fillna(False)
            typed = num.where(whole).astype("Float64").astype("Int64")
            return typed, present & ~whole, "must be a whole number"
        typed = num.astype("Float64")
        return typed, present & typed.isna(), "must be a number"
    if col.kind == "flag":
        low = text.str.lower()
        typed = pd.Series(pd.NA, index=text.index, dtype="boolean")
        typed[low.isin(_TRUE).fillna(False)] = True
        typed[low.isin(_FALSE).fillna(False)] = False
        return typed, present & typed.isna(), "must be true or false"
    if col.kind == "list":
        items = text.str.lower().str.replace(r"\s*;\s*", contract.LIST_SEPARATOR, regex=True)
        return items.astype("string"), pd.Series(False, index=text.index), ""
    if col.kind == "code" and (col.values is not None or col.name not in _TERM_COLUMNS):  # codes read without regard to case (EN = en)
        low = text.str.lower()
        if col.values is not None:  # and a code's words as its words ("Law Enforcement", "law-enforcement" = law_enforcement)
            joined = low.str.strip().str.replace(r"[\s\-]+", "_", regex=True)
            low = low.where(low.isin(col.values).fillna(True) | ~joined.isin(col.values).fillna(False), joined)
        return low.astype("string"), pd.Series(False, index=text.index), ""
    return text.astype("string"), pd.Series(False, index=text.index), ""


_DECIMAL = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"


def _to_float(text: pd.Series) -> pd.Series:
    """Numbers written in text as float64 (NaN where not a number), like ``pandas.to_numeric(errors="coerce")``.

    Plain decimals (``12``, ``-0.5``, ``1e3``) are parsed by Arrow (correctly rounded, no
    Python call per cell); anything else (``inf``, ``1,000``, ``0x1A``) by pandas.

    Examples
    --------
    >>> _to_float(pd.Series(["12", "-0.5", "1e3", "inf", "1,000", None, ".5"], dtype="string")).tolist()
    [12.0, -0.5, 1000.0, inf, nan, nan, 0.5]
    """
    values = pyarrow.array(text.astype("string[pyarrow]").array)
    plain = pc.fill_null(pc.match_substring_regex(values, _DECIMAL), False)
    parsed = pc.cast(pc.if_else(plain, values, pyarrow.scalar(None, pyarrow.string())), pyarrow.float64())
    out = pd.Series(parsed.to_numpy(zero_copy_only=False), index=text.index, dtype="float64")
    other = text.notna().to_numpy(dtype=bool) & ~np.asarray(plain.to_numpy(zero_copy_only=False), dtype=bool)
    if other.any():  # rare: whatever else pandas reads as a number
        out[other] = pd.to_numeric(text[other].astype(object), errors="coerce").astype("float64").to_numpy()
    return out


def _problems_at(
    table: Table, col: Column, mask: pd.Series, rule: str, severity: str, values: pd.Series | None = None
) -> pd.DataFrame:
    positions = np.flatnonzero(mask.to_numpy(dtype=bool))
    shown = None if table.client_level or values is None else values.iloc[positions].tolist()
    return problem_table(table.name, col.name, rule, (positions + 1).tolist(), severity=severity, values=shown)


def matches(text: pd.Series, pattern: str) -> pd.Series:
    """Which cells the RE2 ``pattern`` matches (anchor it with ``^…$`` for the whole cell); missing cells: False.

    Arrow's RE2 over the whole column; pandas' own ``str.fullmatch`` turns to Python's
    ``re`` cell by cell as soon as one cell holds a line break or a non-ASCII character.

    Examples
    --------
    >>> matches(pd.Series(["2024-01-31", "31/01/2024", None, "2024-01-31\\nx"], dtype="string"), _DATE).tolist()
    [True, False, False, False]
    """
    cells = pyarrow.array(text.astype("string[pyarrow]").array)
    found = pc.fill_null(pc.match_substring_regex(cells, pattern), False)
    return pd.Series(np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool), index=text.index)
