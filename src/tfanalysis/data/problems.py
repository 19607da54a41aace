"""Problems found in a dataset: one table of them, one message listing them all.

Problems are a DataFrame with the columns of :data:`PROBLEM_COLUMNS`: ``table``,
``column``, ``row`` (the 1-based data row of the file: row 1 is the line under the
header), ``rule`` (plain words), ``severity`` (``error`` or ``warning``) and ``value``.
``value`` is always empty for client-level tables: values about victims are never echoed.

Examples
--------
>>> problems = problem_table("needs", "need", "is not a need of the taxonomy", [3, 7])
>>> problems[["table", "row", "rule"]].values.tolist()
[['needs', 3, 'is not a need of the taxonomy'], ['needs', 7, 'is not a need of the taxonomy']]
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import pandas as pd

from tfanalysis.data import contract

__all__ = ["PROBLEM_COLUMNS", "ROW_NUMBERING", "DataValidationError", "combine_problems", "empty_problems", "format_problems", "problem_table"]


PROBLEM_COLUMNS: list[str] = ["table", "column", "row", "rule", "severity", "value"]


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
    """Return a problems table with no rows and the right columns.

    Asked for once per column and check of every table: built once, handed out as copies.
    """
    return _empty_template().copy(deep=False)


@functools.cache
def _empty_template() -> pd.DataFrame:
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
    """Concatenate problem tables, drop exact repeats, order by table, column and row.

    A warning about a cell already refused by an error (same table, column and row) is
    dropped: an unreadable ``met_on`` is not also "empty" beside a status ``met``.

    >>> p = combine_problems([problem_table("needs", "met_on", "must be a date written YYYY-MM-DD", [2]),
    ...                       problem_table("needs", "met_on", "status is met but met_on is empty", [2, 5], severity="warning")])
    >>> p[["row", "severity"]].values.tolist()
    [[2, 'error'], [5, 'warning']]
    """
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_problems()
    order = {name: i for i, name in enumerate(contract.TABLES)}
    out = pd.concat(parts, ignore_index=True).drop_duplicates(ignore_index=True)
    cell = ["table", "column", "row"]
    refused = out.loc[(out["severity"] == "error").to_numpy(bool) & out["row"].notna().to_numpy(bool), cell].drop_duplicates()
    if len(refused):
        seen = out[cell].merge(refused.assign(_refused=True), on=cell, how="left")["_refused"].fillna(False).to_numpy(bool)
        out = out[~(seen & (out["severity"] == "warning").to_numpy(bool))].reset_index(drop=True)
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
    (Rows are counted from the first row after the header: row 1 is line 2 of the file, or row 2 of the sheet; a cell holding a line break makes its row span two lines.)
    - clients.gender, rows 3, 7: must be one of female, male, nonbinary, unknown
    >>> print(format_problems(combine_problems([p, problem_table("clients", "notes", "not in the data contract", severity="warning")])))
    The dataset breaks the data contract: 1 problem in 2 rows (and 1 warning).
    (Rows are counted from the first row after the header: row 1 is line 2 of the file, or row 2 of the sheet; a cell holding a line break makes its row span two lines.)
    - clients.gender, rows 3, 7: must be one of female, male, nonbinary, unknown
    - clients.notes: warning: not in the data contract
    """
    if problems.empty:
        return "The dataset meets the data contract."
    errors = problems[problems["severity"] == "error"]
    shown = errors if len(errors) else problems
    lines = []
    # the errors first, then every warning: one message lists every problem (a notes column beside a refused name)
    listed = pd.concat([errors, problems[problems["severity"] != "error"]]) if len(errors) else problems
    groups = listed.groupby(["table", "column", "rule", "severity"], dropna=False, sort=False)
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
    n_rules = int(shown.groupby(["table", "column", "rule", "severity"], dropna=False).ngroups)
    n_rows = int(shown["row"].notna().sum())
    in_rows = f" in {n_rows} row{'s' if n_rows != 1 else ''}" if n_rows else ""
    also = len(lines) - n_rules
    warned = f" (and {also} warning{'s' if also != 1 else ''})" if len(errors) and also else ""
    summary = f"{head}{src}: {n_rules} problem{'s' if n_rules != 1 else ''}{in_rows}{warned}."
    numbering = [ROW_NUMBERING] if problems["row"].notna().any() else []
    return "\n".join([summary, *numbering, *lines])


ROW_NUMBERING = ("(Rows are counted from the first row after the header: row 1 is line 2 of the file, or row 2 of the sheet; "
                 "a cell holding a line break makes its row span two lines.)")
"""How a message's row numbers count, said once in every message that lists rows."""
