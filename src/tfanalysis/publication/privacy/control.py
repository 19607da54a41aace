"""The three calls of disclosure control: :func:`suppress` a table, :func:`audit` a published one, :func:`protect_grid` for the publication layer."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd

from tfanalysis.publication.privacy.grid import DisclosureWarning, Table, _grid, _issues, _with_totals
from tfanalysis.publication.privacy.inputs import (
    _as_frame,
    _check_consistent,
    _check_labels,
    _check_threshold,
    _counts,
    _merge_true_counts,
    _published_values,
    _split_margins,
)
from tfanalysis.publication.privacy.protection import _protect
from tfanalysis.publication.privacy.shown import _issue_table, _render, _unprotected_message

__all__ = ["audit", "protect_grid", "suppress"]


def suppress(table: Table, threshold: int = 11, margins: bool = False) -> Table:
    """Hide small counts, and enough other cells that none can be worked out.

    Parameters
    ----------
    table : pandas.Series or pandas.DataFrame
        Non-negative integer counts; any index and column labels (strings, integers,
        categoricals, a MultiIndex). The label ``"Total"`` is reserved for margins.
    threshold : int, default 11
        Smallest count that may be shown: counts of 1 to ``threshold - 1`` are hidden
        (11 is the CMS rule, 10 the CDC WONDER one). At least 2.
    margins : bool, default False
        Add a ``Total`` row and column (a ``Total`` entry for a Series) computed from the
        true counts and protected like the other cells. Without margins the totals are
        assumed public all the same.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        The same labels (plus the margins) and the true counts, except that hidden
        cells hold the string ``f"<{threshold}"``. When something is hidden the result
        has object dtype and its visible cells are Python ints; otherwise it is int64.

    Raises
    ------
    TypeError
        If ``table`` is not a Series or DataFrame, or ``threshold`` not an integer.
    ValueError
        If a count is missing, negative, fractional or not a number, if a label is
        ``"Total"``, or if ``threshold`` is below 2.

    Warns
    -----
    DisclosureWarning
        With ``margins=False``, when some hidden cells stay recoverable from the public
        totals whatever else is hidden (see the module notes); ``audit`` lists them.

    See Also
    --------
    audit : List the cells of a published table that break the rules.

    Notes
    -----
    Zeros are never hidden. The complementary cells are chosen by a heuristic (see
    the module docstring): the result is safe under the rules, not minimal. The checks
    across lines solve one small linear program per hidden small count: a 100 x 10
    table with 500 small counts takes a few seconds.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame(
    ...     {"labor": [4, 20, 15], "sex": [30, 25, 40]},
    ...     index=["Kent", "New Castle", "Sussex"],
    ... )
    >>> suppress(counts)
                 labor     sex
    Kent        hidden  hidden
    New Castle      20      25
    Sussex      hidden  hidden

    The 4 is hidden; Kent's other cell and a second labor cell hide with it so that
    neither Kent's total nor the labor total gives it away. With margins, the labor
    total (4) is small and hidden too; Kent's 30 and the sex total hide to protect both,
    and the zero stays visible:

    >>> suppress(pd.DataFrame({"labor": [4, 0], "sex": [30, 25]}, index=["Kent", "Sussex"]),
    ...          margins=True)
             labor     sex Total
    Kent    hidden  hidden    34
    Sussex       0      25    25
    Total   hidden  hidden    59
    """
    _check_threshold(threshold)
    if not isinstance(margins, bool | np.bool_):
        raise TypeError(f"margins must be True or False, got {margins!r}")
    frame, is_series = _as_frame(table, "table")
    _check_labels(frame)
    counts = _counts(frame, "table")

    grid = _grid(_with_totals(counts).astype(np.float64), is_series)
    hideable = grid.exists.copy()
    if not margins:
        hideable[-1, :] = False
        hideable[:, -1] = False
    grid = replace(grid, hidden=hideable & (grid.values >= 1) & (grid.values < threshold))
    grid, safe = _protect(grid, hideable, threshold)
    grid = replace(grid, published=hideable)

    issues = _issues(grid, threshold, safe=safe)
    if any(mask.any() for mask in issues.values()):
        message = _unprotected_message(issues, frame, is_series)
        warnings.warn(message, DisclosureWarning, stacklevel=2)
    return _render(grid, frame, is_series, threshold, margins)


def audit(
    published: pd.Series | pd.DataFrame,
    threshold: int = 11,
    true_counts: pd.Series | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """List the cells of a published table that break the disclosure rules.

    Parameters
    ----------
    published : pandas.Series or pandas.DataFrame
        A table as published: numbers are visible counts, anything else (a string such
        as ``"hidden"``, missing) is a hidden cell. A last row and/or column labelled
        ``"Total"`` are read as published margins (hidden ones included).
    threshold : int, default 11
        Smallest count that may be shown. At least 2.
    true_counts : pandas.Series or pandas.DataFrame, optional
        The unsuppressed counts, without margins, with the labels of ``published``'s
        inner table. They give the totals that are public but not printed and the true
        values of hidden cells (a hidden true zero is then not assumed to be >= 1).

    Returns
    -------
    pandas.DataFrame
        One row per unsafe cell and reason, columns ``row`` and ``column`` (labels;
        ``"Total"`` for a margin, the Series name as ``column`` for a Series) and
        ``reason``, one of:

        ``small_count``
            a visible count of 1 to threshold-1.
        ``single_hidden_row`` / ``single_hidden_column``
            the only hidden cell of its row / column: the total minus the rest.
        ``small_range_row`` / ``small_range_column``
            its line's total minus the visible cells, with every hidden cell >= 1,
            leaves it at most threshold-1.
        ``derivable``
            recoverable exactly by combining several rows and columns (not listed
            again when a single line already gives it away).
        ``bounded``
            a hidden cell whose largest value consistent with every row and column is
            below threshold (a linear program); listed only when no reason above is.

        Empty when the table is safe. Sorted by position, then reason.

    Raises
    ------
    TypeError
        If a table is not a Series or DataFrame, or ``threshold`` not an integer.
    ValueError
        If a visible count is negative or fractional, ``true_counts`` has other
        labels or disagrees with a visible cell, the published cells and totals
        contradict each other, or ``threshold`` is below 2.

    See Also
    --------
    suppress : Produce a table that passes this audit.

    Notes
    -----
    Totals are public even when not printed. What can be checked depends on what the
    auditor has: the structural rules (``small_count``, ``single_hidden_*``,
    ``derivable``) need nothing else; the range rules (``small_range_*``, ``bounded``)
    need the totals, read from published margins or computed from ``true_counts``.
    Without either, a line with no printed total is not range-checked: pass
    ``true_counts`` for a complete audit.

    Examples
    --------
    >>> import pandas as pd
    >>> published = pd.DataFrame({"labor": ["hidden", 20], "sex": [30, 25]}, index=["Kent", "Sussex"])
    >>> audit(published)
        row column                reason
    0  Kent  labor     single_hidden_row
    1  Kent  labor  single_hidden_column
    >>> audit(suppress(pd.DataFrame({"labor": [4, 20], "sex": [30, 25]})))
    Empty DataFrame
    Columns: [row, column, reason]
    Index: []
    """
    _check_threshold(threshold)
    frame, is_series = _as_frame(published, "published")
    inner, has_row, has_col = _split_margins(frame, is_series)
    values, hidden = _published_values(inner, "published")
    r, c = values.shape

    grid = _grid(np.full((r + 1, c + 1), np.nan), is_series)
    grid.values[:r, :c] = values
    grid.hidden[:r, :c] = hidden
    grid.published[:r, :c] = True
    if has_row:
        row_values, row_hidden = _published_values(frame.iloc[[-1]], "published")
        width = row_values.shape[1]  # c + 1 when the Total column is there too
        grid.values[r, :width], grid.hidden[r, :width] = row_values[0], row_hidden[0]
        grid.published[r, :width] = True
    if has_col:
        col_values, col_hidden = _published_values(frame.iloc[:, [-1]], "published")
        height = col_values.shape[0]
        grid.values[:height, c], grid.hidden[:height, c] = col_values[:, 0], col_hidden[:, 0]
        grid.published[:height, c] = True
    grid.published &= grid.exists

    if true_counts is not None:
        grid = _merge_true_counts(grid, inner, true_counts, is_series)
    _check_consistent(grid)
    issues = _issues(grid, threshold)
    return _issue_table(issues, inner, is_series)


def protect_grid(
    totals: np.ndarray, *, is_series: bool, threshold: int, hidden: np.ndarray, hideable: np.ndarray
) -> np.ndarray:
    """Complementary suppression on a table given with its margins, some cells fixed.

    The building block of :mod:`tfanalysis.publication`: the counts of one released table
    plus its last row and column of totals (``(R + 1, C + 1)``; for a Series ``(R + 1, 2)``
    whose last column is unused), the cells hidden already (small counts, counts another
    table of the release hid) and the cells that may still be hidden (not shown
    elsewhere, not zero). Returns the hidden mask after :func:`suppress`'s line and
    derivability rules; bounds from several lines at once are left to the caller's
    linear programs (:mod:`tfanalysis.publication.bounds`).

    Examples
    --------
    >>> totals = np.array([[4, 20, 24], [30, 25, 55], [34, 45, 79]])
    >>> hidden = np.zeros((3, 3), bool); hidden[0, 0] = True
    >>> protect_grid(totals, is_series=False, threshold=11, hidden=hidden, hideable=np.ones((3, 3), bool)).astype(int).tolist()
    [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
    """
    grid = _grid(np.asarray(totals, dtype=np.float64), is_series)
    mask = np.asarray(hideable, bool) & grid.exists
    grid = replace(grid, hidden=np.asarray(hidden, bool) & grid.exists)
    grid, _ = _protect(grid, mask | grid.hidden, threshold, with_bounds=False)
    return grid.hidden & grid.exists
