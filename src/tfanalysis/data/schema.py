"""Validation of a task force dataset against the data contract.

Every problem is collected, never just the first: cells that cannot be read as their
column's kind, empty required cells, values outside an enumeration or the taxonomy,
duplicate keys, dates out of order, references to members or clients that do not exist,
and columns that look like direct identifiers in client-level tables. Per-table rules are
pandera schemas validated with ``lazy=True``; the schemas are built for each dataset so
that referential integrity is an ordinary ``isin`` check against the ids loaded.

Cells are read as their kinds first (:mod:`tfanalysis.data.coerce`), direct identifiers
refused before anything else (:mod:`tfanalysis.data.identifiers`); every problem is a row of
one table (:mod:`tfanalysis.data.problems`), never echoing a value about a victim.

Examples
--------
>>> import pandas as pd
>>> problems = empty_problems()
>>> list(problems.columns)
['table', 'column', 'row', 'rule', 'severity', 'value']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from tfanalysis.data import contract, taxonomy
from tfanalysis.data.contract import Column, Table
from tfanalysis.data.coerce import coerce_table, distinct_cells, matches
from tfanalysis.data.identifiers import columns_beyond_the_contract, direct_identifiers, identifier_cells, identifier_header
from tfanalysis.data.problems import (
    PROBLEM_COLUMNS, DataValidationError, combine_problems, empty_problems, format_problems, problem_table,
)

if TYPE_CHECKING:  # annotations only
    import pandera.pandas as pa


__all__ = [
    # the rules of each table
    "DATE_ORDER", "TABLE_RULES", "duplicated_rows", "is_in", "member_locations", "missing_columns", "needs_consistency",
    "per_distinct", "referral_consistency", "table_schema", "validate_table",
    # the steps before them, under the names validation has always offered
    "PROBLEM_COLUMNS", "DataValidationError", "coerce_table", "columns_beyond_the_contract", "combine_problems", "direct_identifiers", "empty_problems",
    "format_problems", "identifier_cells", "identifier_header", "matches", "problem_table",
]


# Headers that name a direct identifier, matched on the header folded to snake_case with
# accents removed (``Teléfono`` -> ``telefono``, ``DOB (mm/dd/yyyy)`` -> ``dob_mm_dd_yyyy``),
# token by token: ``_t("dob")`` finds ``dob`` as a whole word anywhere in the header. The
# task force serves Spanish speakers, so Spanish headers are listed, with French and
# Portuguese where an export may carry them. A client-level table needs none of these.


# Cell values that are direct identifiers whatever the column is called. The patterns are
# searched for inside the text ("Client SSN 123-45-6789, see file"), one combined pattern
# per column, in RE2 syntax (no look-around) so that pandas' Arrow strings run them
# without a Python call per cell. ``[^0-9]`` edges keep them off longer digit runs.
# Bare digit runs: 9 digits read as a social security number, 10 (or 1 and 10) as a phone
# number. Not searched in identifier columns (a case-management system may number its
# clients with nine digits), only in free text and columns outside the contract.


# --------------------------------------------------------------------------- the schemas
def _pandera():
    """pandera, imported on first use: a kernel reading a validated snapshot needs none of it."""
    import pandera.pandas as pa

    return pa



def _isin(allowed: Iterable[str], error: str) -> pa.Check:
    pa = _pandera()
    values = pd.Series(allowed if isinstance(allowed, pd.Series) else list(allowed), dtype="string[pyarrow]").dropna().drop_duplicates()
    allowed_set = pyarrow.array(values.array).cast(pyarrow.large_string())
    return pa.Check(lambda s: is_in(s, allowed_set), error=error, ignore_na=True)


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
    pa = _pandera()
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
        codes, values = distinct_cells(cells)
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
            codes, values = distinct_cells(column)  # missing: -1, a value of its own
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
    """A key check: no two rows share the values of ``columns``.

    A row with an empty key cell is not a duplicate: the cell is already a problem (empty,
    unreadable, or a term the vocabulary does not map, emptied when mapped), and two such
    rows held values that need not be the same ("Yoga" and "Pilates" are not one need).

    Examples
    --------
    >>> f = pd.DataFrame({"client_id": pd.array(["C1", "C1", "C1", "C1"], dtype="string"),
    ...                   "need": pd.array([None, None, "food", "food"], dtype="string")})
    >>> _unique_check(["client_id", "need"], "multiple_fields_uniqueness")(f).tolist()
    [True, True, False, False]
    """
    def check(data: pd.DataFrame | pd.Series) -> pd.Series:
        frame = data.to_frame() if isinstance(data, pd.Series) else data
        if any(c not in frame.columns for c in columns):  # a key column absent from the file: said elsewhere
            return pd.Series(True, index=frame.index)
        complete = frame[list(columns)].notna().all(axis=1).to_numpy(dtype=bool)
        return pd.Series(~(duplicated_rows(frame, columns) & complete), index=frame.index)

    return check


def _column_checks(table: Table, col: Column, ids: Mapping[str, pd.Series]) -> list[pa.Check]:
    pa = _pandera()
    checks: list[pa.Check] = []
    if col.kind == "fips":
        checks.append(pa.Check(per_distinct(lambda s: matches(s, r"^[0-9]{5}$")), error="must be a 5-digit county FIPS code: 2 digits of the state and 3 of the county", ignore_na=True))
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
        checks.append(pa.Check(per_distinct(lambda s: s.str.fullmatch(r"[a-z]{2,3}|unknown").fillna(False).astype(bool)), error="must be an ISO 639-1 code (two letters, e.g. es), an ISO 639-3 code (three letters, e.g. hmn for Hmong) for a language with no two-letter code, or unknown", ignore_na=True))
    if (table.name, col.name) == ("capacity", "genders"):
        checks.append(_list_items_in(col.values, None, "must be genders from female, male, nonbinary separated by ';', or all", contract.ALL_GENDERS))
    if (table.name, col.name) == ("capacity", "languages"):
        checks.append(_list_items_in((contract.ANY_LANGUAGE,), r"[a-z]{2,3}", "must be ISO 639-1 codes separated by ';' (e.g. en;es; ISO 639-3, e.g. hmn, for a language with no two-letter code), or any", contract.ANY_LANGUAGE))
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
    known = _county_codes()
    ok = is_in(s, known).to_numpy(dtype=bool, copy=True)
    doubt = np.flatnonzero(~ok)  # few: only those are split and pattern-matched (1M cells: 0.1 s, not 7)
    if not doubt.size:
        return pd.Series(ok, index=s.index)
    items = s.iloc[doubt].astype("string").str.split(contract.LIST_SEPARATOR).explode().str.strip()
    unknown = items.str.fullmatch(r"\d{5}").fillna(False).astype(bool) & ~is_in(items, known).to_numpy(dtype=bool)
    ok[doubt] = ~unknown.groupby(level=0).any().reindex(s.index[doubt], fill_value=False).to_numpy(dtype=bool)
    return pd.Series(ok, index=s.index)


@functools.cache
def _county_codes() -> pyarrow.Array:
    """Every county code of either vintage, sorted, as Arrow strings (read once: every load checks its counties)."""
    from tfanalysis import geo

    return pyarrow.array(sorted(geo.known_county_fips()), type=pyarrow.large_string())


def _order_check(later: str, earlier: str) -> pa.Check:
    pa = _pandera()
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
    pa = _pandera()
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
    pa = _pandera()
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


OUTSIDE_THE_MEMBERS_STATES = "county in a state where no member is: report 01 maps the members' states only; report 02 counts its needs"
"""The warning of a client whose county lies in a state where no member is (:func:`dataset_warnings`)."""


CAPACITY_OUTSIDE_MEMBERSHIP = ("in force while its member was not a member (before members.joined_on or after members.left_on): "
                               "counted only while the member belongs to the task force; close the row at the member's date left")
"""The warning of a capacity row that runs past its member's membership (:func:`dataset_warnings`, :func:`capacity_while_member`)."""


def _cut_to_membership(capacity: pd.DataFrame, members: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each capacity row's first and last day cut to its member's membership (``joined_on``, ``left_on``).

    Unknown, open or out-of-order memberships (an error already) cut nothing.
    """
    by_id = members.drop_duplicates("member_id").set_index("member_id")
    joined = pd.to_datetime(capacity["member_id"].map(by_id["joined_on"]), errors="coerce")
    left = pd.to_datetime(capacity["member_id"].map(by_id["left_on"]), errors="coerce")
    wrong = (left < joined).fillna(False)
    joined, left = joined.mask(wrong), left.mask(wrong)
    first, last = pd.to_datetime(capacity["valid_from"], errors="coerce"), pd.to_datetime(capacity["valid_to"], errors="coerce")
    starts = first.where(~(joined > first).fillna(False), joined)
    ends = last.where((left.isna() | (last.notna() & (last <= left))).fillna(True), left)
    return starts, ends


def capacity_while_member(capacity: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """The capacity rows as in force: each cut to its member's membership, rows wholly outside it left out.

    A member that left the task force offers it nothing after ``left_on`` (nor before
    ``joined_on``), whatever its capacity rows say: staff seldom close them. Every analysis
    reads capacity through this cut (coverage, gaps, the forecast, the directory), and
    validation warns of each row it cuts (:data:`CAPACITY_OUTSIDE_MEMBERSHIP`).

    Examples
    --------
    >>> members = pd.DataFrame({"member_id": ["m1"], "joined_on": pd.to_datetime(["2024-04-08"]), "left_on": pd.to_datetime(["2025-06-30"])})
    >>> cap = pd.DataFrame({"member_id": ["m1", "m1"], "valid_from": pd.to_datetime(["2024-01-01", "2025-07-01"]),
    ...                     "valid_to": pd.to_datetime([None, None])})
    >>> cut = capacity_while_member(cap, members)
    >>> cut["valid_from"].dt.date.astype(str).tolist(), cut["valid_to"].dt.date.astype(str).tolist()
    (['2024-04-08'], ['2025-06-30'])
    """
    if capacity.empty or members.empty or not {"joined_on", "left_on"} <= set(members):
        return capacity
    starts, ends = _cut_to_membership(capacity, members)
    inside = ~(ends < starts).fillna(False)
    cut = capacity.assign(valid_from=starts.astype(capacity["valid_from"].dtype), valid_to=ends.astype(capacity["valid_to"].dtype))
    return cut[inside.to_numpy(bool)].reset_index(drop=True)


def dataset_warnings(typed: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Warn of what is valid table by table but suspicious across tables (never a value, row numbers only).

    - ``needs`` has no row while ``clients`` has some: an export that lost its rows reads
      as "0 needs, no change" in every report.
    - A client's county lies in a state where no member is: report 01 maps the members'
      states only, while report 02 counts the client's needs (a typed or neighbouring
      state's code changes one report and not the other).
    - A need identified before its client was.
    - A capacity row in force outside its member's membership (:func:`capacity_while_member`).
    - And an error: ``clients`` has no row while other tables name clients (each of their
      rows fails for it; this says why once).

    Examples
    --------
    >>> clients = pd.DataFrame({"county_fips": ["39049", "48005", None]})
    >>> members = pd.DataFrame({"county_fips": ["39049"]})
    >>> found = dataset_warnings({"clients": clients, "members": members, "needs": pd.DataFrame({"client_id": []})})
    >>> found["table"].tolist(), int(found["row"].iloc[0]), found["rule"].str[:33].tolist()
    (['clients', 'needs'], 2, ['county in a state where no member', 'no rows, while clients has 3: eve'])
    """
    found = []
    clients, needs, members = (typed.get(name) for name in ("clients", "needs", "members"))
    if clients is not None and len(clients) and needs is not None and not len(needs):
        found.append(problem_table("needs", None, f"no rows, while clients has {len(clients):,}: every count of needs is 0 (did the export lose its rows?)",
                                   severity="warning"))
    if clients is not None and not len(clients):
        naming = [name for name in ("needs", "referrals", "cj_events")  # a case with no victim identified names no client
                  if typed.get(name) is not None and "client_id" in typed[name] and typed[name]["client_id"].notna().any()]
        if naming:  # the rows of these fail for it: say why once
            found.append(problem_table("clients", None, f"no rows (a header only?), while {', '.join(naming)} name clients: "
                                       "export the clients again", severity="error"))
    if clients is not None and members is not None and "county_fips" in members and len(members):
        states = members["county_fips"].dropna().astype(str).str[:2].unique()
        county = clients["county_fips"].astype("string")
        state = county.str[:2].where(county.str.fullmatch(r"\d{5}").fillna(False))  # an unreadable code is an error already
        elsewhere = (state.notna() & ~state.isin(states)).fillna(False).to_numpy(bool)
        found.append(problem_table("clients", "county_fips", OUTSIDE_THE_MEMBERS_STATES, (np.flatnonzero(elsewhere) + 1).tolist(), severity="warning"))
    if clients is not None and len(clients) and needs is not None and len(needs) and {"client_id", "identified_on"} <= set(clients) & set(needs):
        identified = needs["client_id"].map(clients.drop_duplicates("client_id").set_index("client_id")["identified_on"])
        early = (pd.to_datetime(needs["identified_on"], errors="coerce") < pd.to_datetime(identified, errors="coerce")).fillna(False).to_numpy(bool)
        found.append(problem_table("needs", "identified_on", "before its client was identified (clients.identified_on): a date typed wrong, "
                                   "or the client's first contact recorded late", (np.flatnonzero(early) + 1).tolist(), severity="warning"))
    capacity = typed.get("capacity")
    if capacity is not None and members is not None and len(capacity) and len(members) and {"joined_on", "left_on", "member_id"} <= set(members) \
            and {"member_id", "valid_from", "valid_to"} <= set(capacity):
        starts, ends = _cut_to_membership(capacity, members)  # the rows capacity_while_member cuts
        first, last = pd.to_datetime(capacity["valid_from"], errors="coerce"), pd.to_datetime(capacity["valid_to"], errors="coerce")
        outside = ((starts != first) & starts.notna() | (ends != last) & ends.notna()).fillna(False).to_numpy(bool)
        found.append(problem_table("capacity", "valid_to", CAPACITY_OUTSIDE_MEMBERSHIP, (np.flatnonzero(outside) + 1).tolist(), severity="warning"))
    return combine_problems(found)


ProblemFinder = Callable[[pd.DataFrame], pd.DataFrame]
TABLE_RULES: dict[str, tuple[ProblemFinder, ...]] = {
    "members": (member_locations,),
    "needs": (needs_consistency,),
    "referrals": (referral_consistency,),
}
"""Rules beyond the pandera schema, per table, run on the typed table."""
