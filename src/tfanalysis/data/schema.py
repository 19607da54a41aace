"""Validation of a task force dataset against the data contract.

Every problem is collected, never just the first: cells that cannot be read as their
column's kind, empty required cells, values outside an enumeration or the taxonomy,
duplicate keys, dates out of order, references to members or clients that do not exist,
and columns that look like direct identifiers in client-level tables. Per-table rules are
pandera schemas validated with ``lazy=True``; the schemas are built for each dataset so
that referential integrity is an ordinary ``isin`` check against the ids loaded.

Problems are a DataFrame with the columns of :data:`PROBLEM_COLUMNS`: ``table``,
``column``, ``row`` (the 1-based data row of the file: row 1 is the line under the
header), ``rule`` (plain words), ``severity`` (``error`` or ``warning``) and ``value``.
``value`` is always empty for client-level tables: values about victims are never echoed.

Examples
--------
>>> import pandas as pd
>>> problems = empty_problems()
>>> list(problems.columns)
['table', 'column', 'row', 'rule', 'severity', 'value']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from tfanalysis.data import contract, taxonomy
from tfanalysis.data.contract import Column, Table

PROBLEM_COLUMNS: list[str] = ["table", "column", "row", "rule", "severity", "value"]

_DATE = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
"""An ISO date (ASCII digits), perhaps with a midnight time, in a stripped cell; RE2 syntax."""
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}

# Headers that name a direct identifier, matched on the header folded to snake_case with
# accents removed (``Teléfono`` -> ``telefono``, ``DOB (mm/dd/yyyy)`` -> ``dob_mm_dd_yyyy``),
# token by token: ``_t("dob")`` finds ``dob`` as a whole word anywhere in the header. The
# task force serves Spanish speakers, so Spanish headers are listed, with French and
# Portuguese where an export may carry them. A client-level table needs none of these.
def _t(words: str) -> str:
    return rf"(?:^|_)(?:{words})(?:_|$)"


_PERSON = "first|last|middle|full|given|family|maiden|nick|preferred|legal|birth|client|victim|survivor|person|defendant|suspect|offender|trafficker|perpetrator|witness|guardian|parent|mother|father|child|minor|contact|caller"
_IDENTIFIER_HEADERS: dict[str, re.Pattern[str]] = {
    "an e-mail address": re.compile(_t(r"e_?mails?|e_?mail_address(?:es)?|correo|correo_electronico|courriel")),
    "a date of birth": re.compile(
        _t(r"dob|d_o_b|birth_?dates?|birthdays?|born(?:_on)?|date_of_birth")
        + "|" + _t(r"(?:fecha|date|data|dt|f)_(?:de_|of_|da_)?(?:birth|nacimiento|naissance|nascimento)")
        + "|" + _t(r"(?:birth|nacimiento|naissance|nascimento)_(?:date|dt|fecha|day|d|data)")
    ),
    "a social security or other identity number": re.compile(
        _t(r"ssns?|ss_?no|ss_?num(?:ber)?|social_security|socsec|seguro_social|itin|passport|pasaporte|passeport"
           r"|a_?number|a_no|alien_(?:number|no|registration)|uscis_(?:number|no)|drivers?_licen[cs]e|licencia_de_conducir"
           r"|medicaid_(?:id|number|no)|medicare_(?:id|number|no)|license_plate|plate_number")
        + r"|^sin$"
    ),
    "a phone number": re.compile(
        _t(r"phones?|phone_?(?:number|no|num)s?|telephones?|telephone_number|tel|mobile|cell|cellphone|cell_phone"
           r"|celular|movil|telefono|telefone|whatsapp|fax")
        + "|" + _t(r"contact_(?:number|no|num|phone|info|details)")
    ),
    "a street address": re.compile(
        _t(r"street|streets|street_address|address|addresses|addr|apartment|apt|direccion|domicilio|calle|adresse|endereco"
           r"|mailing_address|postal_address|address_line_?\d?")
    ),
    "a name or initials": re.compile(
        r"^(?:names?|full_?name|surnames?|alias(?:es)?|aka|nom|nome)$"
        + "|" + _t(rf"(?:{_PERSON})_?names?|names?_of_(?:the_)?(?:{_PERSON})|surnames?|first_?last|nombres?|apellidos?|nombre_completo|sobrenome|prenom|prenoms")
        + "|" + _t(r"initials|iniciales|emergency_contact|next_of_kin|social_media|facebook|instagram|username|user_name|handle")
    ),
}

# Cell values that are direct identifiers whatever the column is called. The patterns are
# searched for inside the text ("Client SSN 123-45-6789, see file"), one combined pattern
# per column, in RE2 syntax (no look-around) so that pandas' Arrow strings run them
# without a Python call per cell. ``[^0-9]`` edges keep them off longer digit runs.
_EDGE_L, _EDGE_R = r"(?:^|[^0-9])", r"(?:[^0-9]|$)"
_IDENTIFIER_VALUES: dict[str, str] = {
    "social security numbers": _EDGE_L + r"\d{3}[- ]\d{2}[- ]\d{4}" + _EDGE_R,
    "e-mail addresses": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    "phone numbers": _EDGE_L + r"(?:\+?1[-. ]?)?(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}" + _EDGE_R,
}
# Bare digit runs: 9 digits read as a social security number, 10 (or 1 and 10) as a phone
# number. Not searched in identifier columns (a case-management system may number its
# clients with nine digits), only in free text and columns outside the contract.
_BARE_DIGITS: dict[str, str] = {
    "social security numbers": _EDGE_L + r"\d{9}" + _EDGE_R,
    "phone numbers": _EDGE_L + r"(?:\+?1)?\d{10}" + _EDGE_R,
}


class DataValidationError(ValueError):
    """A dataset breaks the data contract.

    The message lists every problem (table, column, rows, rule) in plain words; values
    from client-level tables are never part of it.

    Attributes
    ----------
    problems : pandas.DataFrame
        One row per problem, columns :data:`PROBLEM_COLUMNS`.
    """

    def __init__(self, problems: pd.DataFrame, source: str | None = None) -> None:
        self.problems = problems.reset_index(drop=True)
        self.source = source
        super().__init__(format_problems(self.problems, source=source))


def empty_problems() -> pd.DataFrame:
    """Return a problems table with no rows and the right columns."""
    return pd.DataFrame(
        {
            "table": pd.Series(dtype="string"),
            "column": pd.Series(dtype="string"),
            "row": pd.Series(dtype="Int64"),
            "rule": pd.Series(dtype="string"),
            "severity": pd.Series(dtype="string"),
            "value": pd.Series(dtype="string"),
        }
    )


def problem_table(
    table: str,
    column: str | None,
    rule: str,
    rows: Iterable[int] | None = None,
    *,
    severity: str = "error",
    values: Iterable[object] | None = None,
) -> pd.DataFrame:
    """Build problems for one rule broken in one column (``rows`` are 1-based).

    Examples
    --------
    >>> problem_table("clients", "gender", "must be one of female, male", [2, 5])[["row", "rule"]].to_dict("list")
    {'row': [2, 5], 'rule': ['must be one of female, male', 'must be one of female, male']}
    """
    rows_list = [pd.NA] if rows is None else list(rows)
    n = len(rows_list)
    vals = [pd.NA] * n if values is None else [pd.NA if v is None else str(v) for v in values]
    frame = pd.DataFrame(
        {
            "table": pd.Series([table] * n, dtype="string"),
            "column": pd.Series([column] * n, dtype="string"),
            "row": pd.Series(rows_list, dtype="Int64"),
            "rule": pd.Series([rule] * n, dtype="string"),
            "severity": pd.Series([severity] * n, dtype="string"),
            "value": pd.Series(vals, dtype="string"),
        }
    )
    return frame


def combine_problems(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate problem tables, drop exact repeats, order by table, column and row."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_problems()
    order = {name: i for i, name in enumerate(contract.TABLES)}
    out = pd.concat(parts, ignore_index=True).drop_duplicates(ignore_index=True)
    out = out.assign(_t=out["table"].map(order).fillna(len(order)))
    out = out.sort_values(["_t", "table", "column", "row", "rule"], na_position="first", kind="stable")
    return out.drop(columns="_t").reset_index(drop=True)


def format_problems(problems: pd.DataFrame, source: str | None = None, *, max_rows_listed: int = 8) -> str:
    """Write problems as one plain-words message, one line per table, column and rule.

    Examples
    --------
    >>> p = combine_problems([problem_table("clients", "gender", "must be one of female, male, nonbinary, unknown", [3, 7])])
    >>> print(format_problems(p))
    The dataset breaks the data contract: 1 problem in 2 rows.
    - clients.gender, rows 3, 7: must be one of female, male, nonbinary, unknown
    """
    if problems.empty:
        return "The dataset meets the data contract."
    errors = problems[problems["severity"] == "error"]
    shown = errors if len(errors) else problems
    lines = []
    groups = shown.groupby(["table", "column", "rule", "severity"], dropna=False, sort=False)
    for (table, column, rule, severity), group in groups:
        where = f"{table}" if pd.isna(column) else f"{table}.{column}"
        rows = group["row"].dropna().astype(int).tolist()
        if rows:
            listed = ", ".join(str(r) for r in rows[:max_rows_listed])
            more = f" and {len(rows) - max_rows_listed} more" if len(rows) > max_rows_listed else ""
            where += f", row{'s' if len(rows) > 1 else ''} {listed}{more}"
        prefix = "warning: " if severity == "warning" else ""
        lines.append(f"- {where}: {prefix}{rule}")
    head = "The dataset breaks the data contract" if len(errors) else "The dataset has warnings"
    src = f" ({source})" if source else ""
    n_rules = len(lines)
    n_rows = int(shown["row"].notna().sum())
    in_rows = f" in {n_rows} row{'s' if n_rows != 1 else ''}" if n_rows else ""
    summary = f"{head}{src}: {n_rules} problem{'s' if n_rules != 1 else ''}{in_rows}."
    return "\n".join([summary, *lines])


# --------------------------------------------------------------------------- reading cells


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
        that may lie in the future, see :class:`~tfanalysis.contract.Column`). Without
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
    [{'column': 'date', 'row': 2, 'rule': 'must be a date written YYYY-MM-DD'},
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
        if col.kind in _BY_VALUE:  # few distinct texts (dates, codes, flags, ratings): each read once
            codes, cells = _distinct(cells)
        typed, found, shown = _coerce_cells(col, cells, col.name in numeric_columns, last_day)
        if codes is not None:
            typed = pd.Series(typed.array.take(codes, allow_fill=True), index=raw.index)
            found = [(_per_cell(mask, codes, raw.index), rule, severity, echo) for mask, rule, severity, echo in found]
        out[col.name] = typed
        for mask, rule, severity, echo in found:
            if not mask.any():
                continue
            values = None
            if echo and not table.client_level:
                values = shown if codes is None else pd.Series(shown.array.take(codes, allow_fill=True), index=raw.index)
            problems.append(_problems_at(table, col, mask, rule, severity, values))
    extra = [c for c in raw.columns if c not in out.columns]
    for name in extra:
        out[name] = raw[name].astype("string")
    return out, combine_problems(problems)


_BY_VALUE = frozenset({"date", "code", "flag", "list", "fips", "zip", "integer", "number"})
"""Column kinds read once per distinct text: a few hundred dates or codes in millions of rows."""


def _distinct(cells: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each cell's position among the distinct texts (-1: missing), and the distinct texts.

    Examples
    --------
    >>> codes, values = _distinct(pd.Series(["b", None, "a", "b"], dtype="string"))
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
        padded = text.str.replace(r"\.0$", "", regex=True).str.zfill(5)
        changed = (padded != text).fillna(False)
        found.append((changed, f"{col.kind.upper()} codes stored as numbers lost their leading zeros; padded to 5 digits", "warning", False))
        text = padded
    if col.kind == "date":
        typed, dated = _coerce_dates(col, text, last_day)
        return typed, found + [(mask, rule, severity, True) for mask, rule, severity in dated], text
    typed, bad, rule = _coerce_column(col, text)
    found.append((bad, rule, "error", True))
    return typed, found, text


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
        (unreadable, "must be a date written YYYY-MM-DD", "error"),
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


def _empty_column(col: Column, n: int, index: pd.Index) -> pd.Series:
    if col.kind == "flag":
        fill = pd.NA if col.default is None else bool(col.default)
        return pd.Series([fill] * n, index=index, dtype="boolean")
    return _coerce_column(col, pd.Series([pd.NA] * n, index=index, dtype="string"))[0]


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
    if col.kind == "code" and col.values is not None:
        return text.str.lower().astype("string"), pd.Series(False, index=text.index), ""
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


# --------------------------------------------------------------------------- the schemas


def _isin(allowed: Iterable[str], error: str) -> pa.Check:
    values = pd.Series(allowed if isinstance(allowed, pd.Series) else list(allowed), dtype="string[pyarrow]").dropna().drop_duplicates()
    allowed_set = pyarrow.array(values.array).cast(pyarrow.large_string())
    return pa.Check(lambda s: is_in(s, allowed_set), error=error, ignore_na=True)


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


def is_in(values: pd.Series, allowed: pyarrow.Array) -> pd.Series:
    """Which cells are among ``allowed``, by an Arrow hash lookup (pandas' ``isin`` on Arrow
    strings turns the allowed values into Python objects one by one: seconds for a
    hundred thousand ids).

    Examples
    --------
    >>> is_in(pd.Series(["m1", "m9", None], dtype="string"), pyarrow.array(["m1", "m2"])).tolist()
    [True, False, False]
    """
    if not isinstance(values.dtype, pd.StringDtype):
        return values.isin(allowed.to_pylist())
    cells = pyarrow.array(values.astype("string[pyarrow]").array).cast(pyarrow.large_string())
    found = pc.fill_null(pc.is_in(cells, value_set=allowed.cast(pyarrow.large_string())), False)
    return pd.Series(np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool), index=values.index)


def _list_items_in(allowed: Iterable[str] | None, pattern: str | None, error: str, whole: str) -> pa.Check:
    allowed_set = set(allowed or ())
    item_re = re.compile(pattern) if pattern else None

    def check(s: pd.Series) -> pd.Series:
        items = s.str.split(contract.LIST_SEPARATOR).explode()
        ok_item = items.isin(allowed_set) if allowed_set else pd.Series(False, index=items.index)
        if item_re is not None:
            ok_item = ok_item | items.str.fullmatch(item_re).fillna(False).astype(bool)
        ok = ok_item.astype(bool).groupby(level=0).all()
        # 'all' / 'any' only make sense alone.
        alone = ~(s.str.contains(contract.LIST_SEPARATOR, regex=False) & s.str.contains(rf"(?:^|;){whole}(?:;|$)", regex=True))
        return ok.reindex(s.index, fill_value=True) & alone.fillna(True).astype(bool)

    return pa.Check(per_distinct(check), error=error, ignore_na=True)


def per_distinct(check: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
    """A cell-by-cell check of text evaluated once per distinct text, spread back over the cells.

    The same answers (the check looks at each cell alone); a column of a million cells
    holding a few hundred lists, codes or county lists is checked in the time of those.
    Missing cells are True (pandera leaves them to the column's nullability).

    Examples
    --------
    >>> calls = []
    >>> def short(s):
    ...     calls.append(len(s))
    ...     return s.str.len() < 3
    >>> per_distinct(short)(pd.Series(["ab", "abcd", "ab", None, "ab"], dtype="string")).tolist(), calls
    ([True, False, True, True, True], [2])
    """

    def on_distinct(cells: pd.Series) -> pd.Series:
        if not isinstance(cells.dtype, pd.StringDtype):
            return check(cells)
        codes, values = _distinct(cells)
        verdict = np.append(np.asarray(check(values).to_numpy(dtype=bool, na_value=False), dtype=bool), True)
        return pd.Series(verdict[codes], index=cells.index)

    return on_distinct


def duplicated_rows(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Rows whose values in ``columns`` appear in another row too (``DataFrame.duplicated(keep=False)``).

    Each column is numbered first (Arrow's dictionary encoding for text, which pandas'
    own ``duplicated`` turns into Python-level conversions), then the rows of numbers are
    compared; missing values equal each other, as in pandas.

    Examples
    --------
    >>> f = pd.DataFrame({"a": pd.array(["x", "x", "y", None, None], dtype="string"), "b": [1, 1, 1, 2, 2]})
    >>> duplicated_rows(f, ["a", "b"]).tolist(), duplicated_rows(f, ["a"]).tolist()
    ([True, True, False, True, True], [True, True, False, True, True])
    """
    numbered = []
    for name in columns:
        column = frame[name]
        if isinstance(column.dtype, pd.StringDtype):
            codes, values = _distinct(column)  # missing: -1, a value of its own
            numbered.append((codes + 1, len(values) + 1))
        else:
            codes, values = pd.factorize(column, use_na_sentinel=False)
            numbered.append((codes.astype(np.int64), len(values)))
    if np.prod([float(n) for _, n in numbered]) < 2.0**62:  # one number per row, mixed radix: exact
        key = np.zeros(len(frame), dtype=np.int64)
        for codes, n in numbered:
            key = key * n + codes
        return pd.Series(key).duplicated(keep=False).to_numpy(dtype=bool)
    return pd.DataFrame({i: codes for i, (codes, _) in enumerate(numbered)}).duplicated(keep=False).to_numpy(dtype=bool)


def _unique_check(columns: Sequence[str], rule: str) -> Callable[[pd.DataFrame | pd.Series], pd.Series]:
    def check(data: pd.DataFrame | pd.Series) -> pd.Series:
        frame = data.to_frame() if isinstance(data, pd.Series) else data
        if any(c not in frame.columns for c in columns):  # a key column absent from the file: said elsewhere
            return pd.Series(True, index=frame.index)
        return pd.Series(~duplicated_rows(frame, columns), index=frame.index)

    return check


def _column_checks(table: Table, col: Column, ids: Mapping[str, pd.Series]) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if col.kind == "fips":
        checks.append(pa.Check(per_distinct(lambda s: matches(s, r"^[0-9]{5}$")), error="must be a 5-digit county FIPS code, e.g. 39049", ignore_na=True))
        checks.append(pa.Check(per_distinct(_known_counties), error=_UNKNOWN_COUNTY, ignore_na=True))
    elif col.kind == "zip":
        checks.append(pa.Check(per_distinct(lambda s: matches(s, r"^[0-9]{5}$")), error="must be a 5-digit ZIP code, e.g. 02134", ignore_na=True))
    elif col.kind == "code" and col.values is not None:
        checks.append(_isin(col.values, "must be one of " + ", ".join(col.values)))
    if col.minimum is not None:
        checks.append(pa.Check.ge(col.minimum, error=f"must be at least {col.minimum:g}"))
    if col.maximum is not None:
        checks.append(pa.Check.le(col.maximum, error=f"must be at most {col.maximum:g}"))

    # Codes from the taxonomy and the language codes.
    if (table.name, col.name) in {("capacity", "service"), ("needs", "need"), ("referrals", "service")}:
        checks.append(_isin(taxonomy.SERVICE_CODES, "must be a victim-need code of the taxonomy (or a term of the vocabulary file)"))
    if (table.name, col.name) == ("clients", "primary_language"):
        checks.append(pa.Check(per_distinct(lambda s: s.str.fullmatch(r"[a-z]{2}|unknown").fillna(False).astype(bool)), error="must be an ISO 639-1 code (two letters, e.g. es) or unknown", ignore_na=True))
    if (table.name, col.name) == ("capacity", "genders"):
        checks.append(_list_items_in(col.values, None, "must be genders from female, male, nonbinary separated by ';', or all", contract.ALL_GENDERS))
    if (table.name, col.name) == ("capacity", "languages"):
        checks.append(_list_items_in((contract.ANY_LANGUAGE,), r"[a-z]{2}", "must be ISO 639-1 codes separated by ';' (e.g. en;es), or any", contract.ANY_LANGUAGE))
    if (table.name, col.name) == ("capacity", "service_area"):
        checks.append(pa.Check(per_distinct(_valid_service_area), error="must be county FIPS codes separated by ';', statewide, or radius:N (miles)", ignore_na=True))
        checks.append(pa.Check(per_distinct(_known_counties), error="lists a county FIPS code that " + _UNKNOWN_COUNTY.replace(": must be", ": each must be"), ignore_na=True))

    # Referential integrity.
    ref = _REFERENCES.get((table.name, col.name))
    if ref is not None and ref in ids:
        known = ids[ref]
        target = "members.member_id" if ref == "member" else ("clients.client_id" if ref == "client" else "activities.activity_id")
        checks.append(_isin(known, f"must name an existing {target}"))
    return checks


_REFERENCES: dict[tuple[str, str], str] = {
    ("capacity", "member_id"): "member",
    ("needs", "client_id"): "client",
    ("needs", "met_by"): "member",
    ("referrals", "client_id"): "client",
    ("referrals", "from_member"): "member",
    ("referrals", "to_member"): "member",
    ("cj_events", "member_id"): "member",
    ("cj_events", "client_id"): "client",
    ("attendance", "activity_id"): "activity",
    ("attendance", "member_id"): "member",
    ("survey", "respondent_id"): "member",
    ("survey", "partner_id"): "member",
}

# (table, later column, earlier column): the later date may not precede the earlier one.
DATE_ORDER: tuple[tuple[str, str, str], ...] = (
    ("members", "left_on", "joined_on"),
    ("capacity", "valid_to", "valid_from"),
    ("needs", "met_on", "identified_on"),
    ("referrals", "responded_on", "referred_on"),
)


def _valid_service_area(s: pd.Series) -> pd.Series:
    low = s.str.lower().str.strip()
    statewide = low == contract.STATEWIDE
    radius = low.str.fullmatch(r"radius:\s*\d+(\.\d+)?").fillna(False).astype(bool)
    fips_list = low.str.fullmatch(r"\d{5}(\s*;\s*\d{5})*").fillna(False).astype(bool)
    return statewide | radius | fips_list


_UNKNOWN_COUNTY = (
    "matches no county: must be the FIPS code of one of the 2016 counties or of the current "
    "Census county-equivalents (e.g. 39049, or Connecticut's planning regions 09110-09190)"
)


def _known_counties(s: pd.Series) -> pd.Series:
    """Every 5-digit code of a cell (or of its ';'-list) names a county of a vintage (:mod:`tfanalysis.geo`)."""
    from tfanalysis import geo

    known = geo.known_county_fips()
    ok = is_in(s, pyarrow.array(sorted(known), type=pyarrow.large_string())).to_numpy(dtype=bool, copy=True)
    doubt = np.flatnonzero(~ok)  # few: only those are split and pattern-matched (1M cells: 0.1 s, not 7)
    items = s.iloc[doubt].astype("string").str.split(contract.LIST_SEPARATOR).explode().str.strip()
    unknown = items.str.fullmatch(r"\d{5}").fillna(False).astype(bool) & ~items.isin(known)
    ok[doubt] = ~unknown.groupby(level=0).any().reindex(s.index[doubt], fill_value=False).to_numpy(dtype=bool)
    return pd.Series(ok, index=s.index)


def _order_check(later: str, earlier: str) -> pa.Check:
    return pa.Check(lambda df: ~(df[later] < df[earlier]).fillna(False).astype(bool), error=f"{later} must be on or after {earlier}")


def table_schema(table: Table, ids: Mapping[str, pd.Series] | None = None) -> pa.DataFrameSchema:
    """Build the pandera schema of one contract table.

    Parameters
    ----------
    table : Table
        The contract table.
    ids : mapping, optional
        Known ids for referential integrity: ``member``, ``client``, ``activity``.

    Returns
    -------
    pandera.pandas.DataFrameSchema
        A schema over the typed table (see :func:`coerce_table`), not strict: extra
        columns are allowed.

    Examples
    --------
    >>> schema = table_schema(contract.ATTENDANCE, {"member": pd.Series(["m1"])})
    >>> sorted(schema.columns)
    ['activity_id', 'member_id']
    """
    ids = ids or {}
    columns = {
        col.name: pa.Column(
            nullable=col.nullable,
            required=False,
            checks=_column_checks(table, col, ids)
            + ([pa.Check(_unique_check([col.name], "field_uniqueness"), error="field_uniqueness")] if table.key == (col.name,) else []),
        )
        for col in table.columns
    }
    checks = [_order_check(later, earlier) for t, later, earlier in DATE_ORDER if t == table.name]
    if len(table.key) > 1:  # named as pandera names its own key check (_PANDERA_RULES)
        checks.append(pa.Check(_unique_check(table.key, "multiple_fields_uniqueness"), error="multiple_fields_uniqueness"))
    return pa.DataFrameSchema(columns, checks=checks, strict=False, name=table.name)


def validate_table(typed: pd.DataFrame, table: Table, ids: Mapping[str, pd.Series] | None = None, *, skip: pd.DataFrame | None = None) -> pd.DataFrame:
    """Check a typed table against its schema and return the problems found.

    Parameters
    ----------
    typed : pandas.DataFrame
        The table as returned by :func:`coerce_table` (default RangeIndex).
    table : Table
        The contract table.
    ids : mapping, optional
        Known ids for referential integrity.
    skip : pandas.DataFrame, optional
        Problems already reported (e.g. unreadable cells); the same cells are not
        reported again as empty.

    Returns
    -------
    pandas.DataFrame
        Problems, columns :data:`PROBLEM_COLUMNS`.

    Examples
    --------
    >>> typed = pd.DataFrame({"activity_id": pd.array(["a1", "a1"], dtype="string"),
    ...                       "member_id": pd.array(["m1", "m9"], dtype="string")})
    >>> p = validate_table(typed, contract.ATTENDANCE, {"member": pd.Series(["m1"])})
    >>> p[["column", "row", "rule"]].to_dict("records")
    [{'column': 'member_id', 'row': 2, 'rule': 'must name an existing members.member_id'}]
    """
    schema = table_schema(table, ids)
    typed = typed.reset_index(drop=True)
    try:
        schema.validate(typed, lazy=True)
        return empty_problems()
    except pa.errors.SchemaErrors as err:
        failures = err.failure_cases
    return _problems_from_pandera(failures, typed, table, skip)


_PANDERA_RULES: dict[str, str] = {
    "not_nullable": "must not be empty",
    "field_uniqueness": "must be unique: the same value appears in more than one row",
    "multiple_fields_uniqueness": "the key {key} must be unique: the same combination appears in more than one row",
}


def _problems_from_pandera(failures: pd.DataFrame, typed: pd.DataFrame, table: Table, skip: pd.DataFrame | None) -> pd.DataFrame:
    failures = failures[failures["index"].notna()].copy()
    if failures.empty:
        return empty_problems()
    key = " + ".join(table.key)
    rule = failures["check"].astype(str).map(lambda c: _PANDERA_RULES.get(c, c).format(key=key))
    column = failures["column"].astype("string")
    # A date-order check fails on the later column only; a key on its first column.
    for t, later, earlier in DATE_ORDER:
        if t == table.name:
            column = column.mask(rule == f"{later} must be on or after {earlier}", later)
    column = column.mask(failures["check"].astype(str) == "multiple_fields_uniqueness", table.key[0] if table.key else pd.NA)
    rows = failures["index"].astype(int) + 1
    frame = pd.DataFrame(
        {
            "table": table.name,
            "column": column.to_numpy(),
            "row": rows.to_numpy(),
            "rule": rule.to_numpy(),
            "severity": "error",
        }
    ).drop_duplicates()
    if table.client_level:
        frame["value"] = pd.NA
    else:
        frame["value"] = [
            _cell_text(typed, c, r - 1) for c, r in zip(frame["column"], frame["row"])
        ]
    frame = frame.astype({"table": "string", "column": "string", "row": "Int64", "rule": "string", "severity": "string", "value": "string"})
    if skip is not None and len(skip):
        done = set(zip(skip["column"].astype(str), skip["row"].astype("Int64").astype("string").fillna("")))
        mine = list(zip(frame["column"].astype(str), frame["row"].astype("string").fillna("")))
        keep = [m not in done for m in mine]
        frame = frame[keep]
    return frame.reset_index(drop=True)


def _cell_text(typed: pd.DataFrame, column: str, position: int) -> object:
    if column not in typed.columns:
        return pd.NA
    value = typed[column].iloc[position]
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return pd.NA
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


# --------------------------------------------------------------------------- whole-table rules


def missing_columns(raw: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Report required contract columns absent from a table's file.

    A header that differs from the contract's name only in case, spaces or punctuation
    (``Client_ID``, ``identified on``) is named, with the name to give it.

    Examples
    --------
    >>> raw = pd.DataFrame({"activity_id": ["a1"], "kind": ["meeting"]}, dtype="string")
    >>> missing_columns(raw, contract.ACTIVITIES)[["column", "rule"]].to_dict("records")
    [{'column': 'date', 'rule': 'required column missing from the file'}]
    >>> raw = pd.DataFrame({"Activity ID": ["a1"], "date": ["2025-01-02"], "kind": ["meeting"]}, dtype="string")
    >>> missing_columns(raw, contract.ACTIVITIES)["rule"].tolist()
    ["required column missing from the file: the header 'Activity ID' looks like it; rename it activity_id"]
    """
    near = {taxonomy.normalize_term(h): h for h in raw.columns}
    parts = []
    for col in table.columns:
        if col.name in raw.columns:
            continue
        header = near.get(col.name)
        if header is not None:
            parts.append(problem_table(table.name, col.name, f"required column missing from the file: the header {header!r} looks like it; rename it {col.name}"
                                       if col.required else f"the header {header!r} looks like the contract's column; rename it {col.name}"))
        elif col.required:
            parts.append(problem_table(table.name, col.name, "required column missing from the file"))
    return combine_problems(parts)


def direct_identifiers(raw: pd.DataFrame, table: Table, *, typed_columns_checked: bool = True) -> pd.DataFrame:
    """Refuse columns of a client-level table that hold direct identifiers.

    A column is refused when its header names a direct identifier (a name or initials, a
    date of birth, a social security, passport or alien number, a street address, a phone
    number, an e-mail address; in English, Spanish, French or Portuguese), or when any of
    its cells holds something that looks like a social security number, an e-mail address
    or a phone number, anywhere in the text. The problem names the column and the rows,
    never the value.

    Parameters
    ----------
    raw : pandas.DataFrame
        The table as read, every cell as text.
    table : Table
        The contract table; tables that are not client-level are not checked.
    typed_columns_checked : bool
        The contract's date, FIPS, ZIP, number and flag columns will be read by their own
        strict rules (free text cannot pass them), so their cells are not searched. Pass
        ``False`` where nothing else reads them (an agency's export before it is encoded).

    Returns
    -------
    pandas.DataFrame
        Problems, one per refused column (with the rows of the cells found).

    Examples
    --------
    >>> raw = pd.DataFrame({"client_id": ["c1", "c2"], "fecha_de_nacimiento": ["2001-02-03", ""],
    ...                     "notes": ["", "Client SSN 123-45-6789, see file"]}, dtype="string")
    >>> found = direct_identifiers(raw, contract.CLIENTS)
    >>> found[["column", "row"]].to_dict("records")
    [{'column': 'fecha_de_nacimiento', 'row': None}, {'column': 'notes', 'row': 2}]
    >>> [rule[:58] for rule in found["rule"]]
    ['looks like a date of birth: a direct identifier is not acc', 'holds values that look like social security numbers (1 cel']
    """
    if not table.client_level:
        return empty_problems()
    parts = []
    contract_kinds = {c.name: c.kind for c in table.columns}
    for name in raw.columns:
        what = identifier_header(name)
        if what is not None:
            parts.append(problem_table(table.name, name, f"looks like {what}: {_DEIDENTIFY}"))
            continue
        kind = contract_kinds.get(name)
        if typed_columns_checked and kind in {"date", "fips", "zip", "integer", "number", "flag"}:
            continue  # read strictly by their own rules: free text cannot pass them
        if kind in _BY_VALUE:  # few distinct texts: each searched once
            codes, distinct = _distinct(raw[name])
            found_in, what_found = identifier_cells(distinct, bare_digits=True)
            hits = pd.Series(np.append(found_in.to_numpy(dtype=bool), False)[codes], index=raw.index)
        else:
            hits, what_found = identifier_cells(raw[name], bare_digits=kind != "id")
        if what_found:
            rows = (np.flatnonzero(hits.to_numpy(dtype=bool)) + 1).tolist()
            n = len(rows)
            parts.append(
                problem_table(table.name, name, f"holds values that look like {' and '.join(what_found)} ({n} cell{'s' if n != 1 else ''}): {_DEIDENTIFY}", rows)
            )
    return combine_problems(parts)


def identifier_header(header: str) -> str | None:
    """What direct identifier a column header names, or None.

    Examples
    --------
    >>> identifier_header("DOB (mm/dd/yyyy)"), identifier_header("Teléfono"), identifier_header("victim_initials")
    ('a date of birth', 'a phone number', 'a name or initials')
    >>> identifier_header("country_of_birth") is None, identifier_header("identified_on") is None
    (True, True)
    """
    folded = _fold_header(header)
    for what, pattern in _IDENTIFIER_HEADERS.items():
        if pattern.search(folded):
            return what
    return None


def _fold_header(header: str) -> str:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", str(header))  # DateOfBirth -> Date_Of_Birth
    return taxonomy.normalize_term(spaced)


def identifier_cells(cells: pd.Series, *, bare_digits: bool = True) -> tuple[pd.Series, list[str]]:
    """Find cells holding a social security number, e-mail address or phone number.

    One combined pattern is searched over the whole column with Arrow's RE2 engine
    (``pyarrow.compute``: no Python call per cell, a million cells in about a second);
    only a column with hits is searched again per kind, to say what was found.

    Parameters
    ----------
    cells : pandas.Series
        Text cells.
    bare_digits : bool
        Also read 9 bare digits as a social security number and 10 as a phone number.

    Returns
    -------
    (pandas.Series of bool, list of str)
        Which cells hold an identifier, and the kinds found (plural words).

    Examples
    --------
    >>> hits, found = identifier_cells(pd.Series(["call (614)555-1234", "2 of 3", "id 123456789"]))
    >>> hits.tolist(), found
    ([True, False, True], ['social security numbers', 'phone numbers'])
    """
    text = pyarrow.array(cells.astype("string[pyarrow]").array)
    patterns = dict(_IDENTIFIER_VALUES)
    if bare_digits:
        for what, extra in _BARE_DIGITS.items():
            patterns[what] = f"(?:{patterns[what]})|(?:{extra})"

    def search(pattern: str, values: pyarrow.Array) -> np.ndarray:
        found = pc.fill_null(pc.match_substring_regex(values, pattern), False)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)

    combined = "|".join(f"(?:{p})" for p in patterns.values())
    hits = search(combined, text)
    if not hits.any():
        return pd.Series(hits, index=cells.index), []
    found_in = pc.filter(text, pyarrow.array(hits))
    found = [what for what, p in patterns.items() if search(p, found_in).any()]
    return pd.Series(hits, index=cells.index), found


_DEIDENTIFY = (
    "a direct identifier is not accepted in a client-level table; de-identify the export "
    "first (drop the column, keep only the pseudonymous client_id)"
)


def member_locations(members: pd.DataFrame) -> pd.DataFrame:
    """Report members with neither a ZIP code nor both coordinates.

    Examples
    --------
    >>> m = pd.DataFrame({"member_id": ["m1", "m2"], "zip": pd.array([pd.NA, "43215"], dtype="string"),
    ...                   "lat": pd.array([40.0, None], dtype="Float64"), "lon": pd.array([None, None], dtype="Float64")})
    >>> member_locations(m)[["row", "rule"]].to_dict("records")
    [{'row': 1, 'rule': 'needs a ZIP code, or both lat and lon'}]
    """
    located = members["zip"].notna() | (members["lat"].notna() & members["lon"].notna())
    bad = ~located.to_numpy(dtype=bool)
    return problem_table("members", "zip", "needs a ZIP code, or both lat and lon", (np.flatnonzero(bad) + 1).tolist(),
                         values=members["member_id"][bad].tolist())


def needs_consistency(needs: pd.DataFrame) -> pd.DataFrame:
    """Warn where a need's status and its ``met_on`` date disagree.

    Examples
    --------
    >>> n = pd.DataFrame({"status": ["met", "unmet", "met"],
    ...                   "met_on": pd.to_datetime([None, "2025-01-02", "2025-01-03"])})
    >>> needs_consistency(n)[["row", "rule"]].to_dict("records")[0]
    {'row': 1, 'rule': 'status is met but met_on is empty'}
    """
    met = (needs["status"] == "met").fillna(False).to_numpy(dtype=bool)
    dated = needs["met_on"].notna().to_numpy(dtype=bool)
    return combine_problems(
        [
            problem_table("needs", "met_on", "status is met but met_on is empty", (np.flatnonzero(met & ~dated) + 1).tolist(), severity="warning"),
            problem_table("needs", "met_on", "met_on is given but status is not met", (np.flatnonzero(~met & dated) + 1).tolist(), severity="warning"),
        ]
    )


def referral_consistency(referrals: pd.DataFrame) -> pd.DataFrame:
    """Warn where a referral answered has no outcome, or one marked ``no_response`` has a reply date.

    Examples
    --------
    >>> r = pd.DataFrame({"outcome": pd.array(["no_response", pd.NA], dtype="string"),
    ...                   "responded_on": pd.to_datetime(["2025-01-02", "2025-01-03"])})
    >>> referral_consistency(r)["rule"].tolist()
    ['outcome is no_response but responded_on is given', 'responded_on is given but outcome is empty']
    """
    no_response = (referrals["outcome"] == "no_response").fillna(False).to_numpy(dtype=bool)
    no_outcome = referrals["outcome"].isna().to_numpy(dtype=bool)
    dated = referrals["responded_on"].notna().to_numpy(dtype=bool)
    return combine_problems(
        [
            problem_table("referrals", "responded_on", "outcome is no_response but responded_on is given", (np.flatnonzero(no_response & dated) + 1).tolist(), severity="warning"),
            problem_table("referrals", "responded_on", "responded_on is given but outcome is empty", (np.flatnonzero(no_outcome & dated) + 1).tolist(), severity="warning"),
        ]
    )


ProblemFinder = Callable[[pd.DataFrame], pd.DataFrame]
TABLE_RULES: dict[str, tuple[ProblemFinder, ...]] = {
    "members": (member_locations,),
    "needs": (needs_consistency,),
    "referrals": (referral_consistency,),
}
"""Rules beyond the pandera schema, per table, run on the typed table."""
