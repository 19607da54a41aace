"""Disclosure control for the counts leadership sees: cell suppression and its audit.

Every table of victims, clients or needs that leaves the analysts passes through
:func:`suppress`; :func:`audit` checks any published table (ours or someone else's)
against the same rules.

The practice we follow
----------------------
* CMS cell size suppression policy: no cell of 1 to 10 may be shown, and no cell may
  allow a value of 1 to 10 to be derived from other reported cells; zero may be shown
  (https://www.hhs.gov/guidance/document/cms-cell-suppression-policy, also published by
  ResDAC). Our default ``threshold=11`` is this rule.
* CDC WONDER suppresses sub-national counts of 1 to 9 (``threshold=10``).

The rules, with ``k`` the threshold
-----------------------------------
1. Primary suppression: a count of 1 to k-1 is hidden; 0 is shown.
2. Totals are public. With ``margins=True`` the ``Total`` row and column are published
   (computed from the true counts) and a total of 1 to k-1 is hidden like any cell.
   With ``margins=False`` every row, column and grand total is assumed to be known to
   the reader anyway (published elsewhere, or asked for), so the cells are protected
   against them.
3. No hidden cell may be recoverable exactly. The lone hidden cell of a row or column
   equals its total minus the visible cells, so every row and column holds zero or at
   least two hidden cells (complementary suppression). Hidden margins take part: the
   ``Total`` column is a line whose total is the grand total, and a hidden row total
   with no hidden cell in its row is the sum of that row. A cell can also follow from
   several lines at once (a hidden cell that links two otherwise separate blocks of
   hidden cells equals a sum of totals minus visible cells); that is found by linear
   algebra and fixed the same way.
4. No hidden cell may be recoverable as a range inside 1..k-1. Zero is always shown,
   so a reader knows that every hidden cell is at least 1. In a line with ``h`` hidden
   cells whose sum is ``S`` (its total minus its visible cells) each hidden cell lies in
   ``1 .. S - (h - 1)``; if ``S - (h - 1) < k`` they are all known to be small. (In
   particular a line whose hidden cells sum below ``k`` is unsafe.) Beyond single lines,
   a reader can combine every row and column (a linear program: these tables are
   totally unimodular, so its bounds are the exact integer bounds); a hidden count of
   1..k-1 whose largest possible value is below ``k`` is unsafe too.

How :func:`suppress` gets there (a tested heuristic, not an optimum)
----------------------------------------------------------------------
Hide the primary cells, then repeat until nothing changes: while some line breaks
rule 3 or 4, hide one non-zero visible cell of such a line, chosen in this order --
a cell that mends two unsafe lines at once; a cell that creates no new unsafe line (its
other line already has two hidden cells); a cell whose other line can still be mended;
the smallest count; the first position. When every line is safe, look for cells
derivable by combining lines, then for cells bounded below ``k`` by the linear program,
and hide one more cell that links or loosens their block. Each pass hides one cell,
so it stops. Zeros are never hidden.

Edge cases
----------
* ``margins=True`` can always be made safe without hiding a zero: a line with a
  non-zero hidden cell has a non-zero total, which can be hidden itself.
* ``margins=False`` cannot always: a line whose true total is 1..k-1 (or whose few
  non-zero cells are all hidden and sum to little) reveals its cells through that
  public total whatever is hidden, and hiding zeros would not change the sum.
  :func:`suppress` still protects such cells along their other lines (in case the total
  is not in fact public), then warns (:class:`DisclosureWarning`) naming the cells;
  :func:`audit` with ``true_counts`` reports the same cells. Publish such tables with
  ``margins=True`` (their small totals are then hidden) or merge small categories.
* A Series is one line (a column) whose total is public. A one-row or one-column
  DataFrame is a 2-D table whose other totals equal its cells: pass a Series instead.
* With ``margins=True`` only the published margins are assumed known: publishing the
  same totals elsewhere without suppression can undo the protection.
* Hidden cells are all labelled ``"<k"``, including complementary ones that are in fact
  larger: the label says "hidden", not the value.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["MARGIN", "REASONS", "DisclosureWarning", "audit", "protect_grid", "suppress"]

MARGIN = "Total"
"""Label of the margin row and column written by ``suppress(..., margins=True)``."""

REASONS = (
    "small_count",
    "single_hidden_row",
    "single_hidden_column",
    "small_range_row",
    "small_range_column",
    "derivable",
    "bounded",
)
"""Values of the ``reason`` column of :func:`audit`, in the order they are reported."""

Table = TypeVar("Table", pd.Series, pd.DataFrame)


class DisclosureWarning(UserWarning):
    """Some hidden cells stay recoverable from public totals; see :func:`audit`."""


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
               labor  sex
    Kent         <11  <11
    New Castle    20   25
    Sussex       <11  <11

    The 4 is hidden; Kent's other cell and a second labor cell hide with it so that
    neither Kent's total nor the labor total gives it away. With margins, the labor
    total (4) is small and hidden too; Kent's 30 and the sex total hide to protect both,
    and the zero stays visible:

    >>> suppress(pd.DataFrame({"labor": [4, 0], "sex": [30, 25]}, index=["Kent", "Sussex"]),
    ...          margins=True)
           labor  sex Total
    Kent     <11  <11    34
    Sussex     0   25    25
    Total    <11  <11    59
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
        as ``"<11"``, missing) is a hidden cell. A last row and/or column labelled
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
    >>> published = pd.DataFrame({"labor": ["<11", 20], "sex": [30, 25]}, index=["Kent", "Sussex"])
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


# ---------------------------------------------------------------------------------------
# The table as a grid: the counts plus a margin row and column (the last ones).
#
# Every row of the grid, margin row included, is a line "sum of its cells = its last
# cell", and so is every column: the Total column is a line whose total is the grand
# total. `values` holds what the auditor knows (NaN: unknown); `exists` is False for the
# margin column of a Series, which is a single line.
# ---------------------------------------------------------------------------------------


@dataclass
class _Grid:
    values: np.ndarray  # float (R, C), NaN where unknown
    hidden: np.ndarray  # bool (R, C)
    exists: np.ndarray  # bool (R, C)
    published: np.ndarray  # bool (R, C): printed, visible or as a hidden marker
    rows: bool  # do the row lines hold? (False for a Series)


def _grid(values: np.ndarray, is_series: bool) -> _Grid:
    exists = np.ones(values.shape, dtype=bool)
    if is_series:
        exists[:, -1] = False
    return _Grid(
        values=values,
        hidden=np.zeros(values.shape, dtype=bool),
        exists=exists,
        published=np.zeros(values.shape, dtype=bool),
        rows=not is_series,
    )


def _with_totals(counts: np.ndarray) -> np.ndarray:
    r, c = counts.shape
    out = np.zeros((r + 1, c + 1), dtype=np.int64)
    out[:r, :c] = counts
    out[:r, c] = counts.sum(axis=1)
    out[r, :c] = counts.sum(axis=0)
    out[r, c] = counts.sum()
    return out


def _active(exists: np.ndarray, holds: bool) -> np.ndarray:
    """Lines (rows of ``exists``) whose relation holds: their margin cell exists."""
    return exists[:, -1] & holds


def _line_flags(
    values: np.ndarray, hidden: np.ndarray, exists: np.ndarray, active: np.ndarray, threshold: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per line (row of the arrays): exactly one hidden cell; hidden cells bounded below k."""
    hid = hidden & exists
    h_inner = hid[:, :-1].sum(axis=1)
    margin_hidden = hid[:, -1]
    single = active & (h_inner + margin_hidden == 1)
    visible = exists & ~hidden
    hidden_sum = values[:, -1] - np.where(visible[:, :-1], values[:, :-1], 0.0).sum(axis=1)
    with np.errstate(invalid="ignore"):
        largest = hidden_sum - (h_inner - 1)  # every hidden cell is at least 1
        small_range = (
            active & ~margin_hidden & (h_inner >= 2) & (hidden_sum >= 1) & (largest < threshold)
        )
    return single, small_range


def _line_issues(grid: _Grid, threshold: int) -> dict[str, np.ndarray]:
    """Cell masks of the single-line rules, and per-line violation vectors."""
    row_single, row_range = _line_flags(
        grid.values, grid.hidden, grid.exists, _active(grid.exists, grid.rows), threshold
    )
    col_single, col_range = _line_flags(  # columns: the same on the transposed grid
        grid.values.T, grid.hidden.T, grid.exists.T, _active(grid.exists.T, True), threshold
    )
    hid = grid.hidden & grid.exists
    inner_cols = np.arange(hid.shape[1]) < hid.shape[1] - 1
    inner_rows = np.arange(hid.shape[0]) < hid.shape[0] - 1
    return {
        "single_hidden_row": hid & row_single[:, None],
        "single_hidden_column": hid & col_single[None, :],
        "small_range_row": hid & row_range[:, None] & inner_cols[None, :],
        "small_range_column": hid & col_range[None, :] & inner_rows[:, None],
        "_rows": row_single | row_range,
        "_cols": col_single | col_range,
    }


def _derivable(grid: _Grid) -> np.ndarray:
    """Hidden cells fixed by the row and column equations taken together.

    After flipping the signs of the margin equations and unknowns, the equations are the
    incidence matrix of the bipartite graph lines--hidden cells; a cell is determined iff
    its column lies in the row space, i.e. its leverage is 1 (it is a bridge).
    """
    out = np.zeros(grid.hidden.shape, dtype=bool)
    a, b = np.nonzero(grid.hidden & grid.exists)
    if not grid.rows:  # one line per cell: only the single-hidden rule applies
        return out
    if a.size == 0:
        return out
    n_rows, n_cols = grid.hidden.shape
    incidence = np.zeros((n_rows + n_cols, a.size))
    edges = np.arange(a.size)
    incidence[a, edges] = 1.0
    incidence[n_rows + b, edges] = 1.0
    _, sing, vt = np.linalg.svd(incidence, full_matrices=False)
    rank = int((sing > 1e-9 * max(sing[0], 1.0)).sum())
    leverage = (vt[:rank] ** 2).sum(axis=0)
    out[a, b] = leverage > 1 - 1e-8
    return out


def _equations(
    grid: _Grid, keep_empty: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Equality constraints on the hidden cells from every line whose total is known."""
    a, b = np.nonzero(grid.hidden & grid.exists)
    n_rows, n_cols = grid.hidden.shape
    known = np.where(grid.hidden | ~grid.exists, 0.0, grid.values)  # NaN: unknown total
    edges = np.arange(a.size)
    blocks, rhs = [], []
    # row lines: cells +1, margin -1
    sign_c = np.where(np.arange(n_cols) == n_cols - 1, -1.0, 1.0)
    if grid.rows:
        mat = np.zeros((n_rows, a.size))
        mat[a, edges] = sign_c[b]
        const = -(known * sign_c).sum(axis=1)
        keep = grid.exists[:, -1] & np.isfinite(const) & ((mat != 0).any(axis=1) | keep_empty)
        blocks.append(mat[keep])
        rhs.append(const[keep])
    sign_r = np.where(np.arange(n_rows) == n_rows - 1, -1.0, 1.0)
    mat = np.zeros((n_cols, a.size))
    mat[b, edges] = sign_r[a]
    const = -(known * sign_r[:, None]).sum(axis=0)
    keep = grid.exists[-1, :] & np.isfinite(const) & ((mat != 0).any(axis=1) | keep_empty)
    blocks.append(mat[keep])
    rhs.append(const[keep])
    return a, b, np.vstack(blocks), np.concatenate(rhs)


def _largest_values(grid: _Grid, targets: np.ndarray) -> np.ndarray:
    """Largest value each target hidden cell can take given every known line (inf: none)."""
    out = np.full(grid.hidden.shape, np.inf)
    a, b, a_eq, b_eq = _equations(grid)
    todo = np.flatnonzero(targets[a, b])
    if todo.size == 0 or a_eq.shape[0] == 0:
        return out
    # a reader knows zeros are shown, so a hidden cell is >= 1 unless we know it is 0
    lower = np.where(grid.values[a, b] == 0, 0.0, 1.0)
    # blocks of hidden cells linked by lines are independent programs: solve each alone
    row_lab, _ = _components(grid, grid.hidden)
    block = row_lab[a]
    for t in todo:  # one small linear program per hidden small count
        mine = block == block[t]
        eqs = (a_eq[:, mine] != 0).any(axis=1)
        cost = -(np.flatnonzero(mine) == t).astype(float)
        res = linprog(
            cost,
            A_eq=a_eq[np.ix_(eqs, mine)],
            b_eq=b_eq[eqs],
            bounds=[(low, None) for low in lower[mine]],
            method="highs",
        )
        if res.status == 0:
            # totally unimodular constraints: the optimum is an integer
            out[a[t], b[t]] = np.floor(-res.fun + 1e-6)
        elif res.status == 2:
            raise ValueError(
                "the published cells and totals contradict each other: no counts of "
                "at least 1 in the hidden cells fit them"
            )
    return out


def _issues(
    grid: _Grid, threshold: int, safe: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Cell masks of every rule broken, with the precedence documented in `audit`.

    ``safe`` marks hidden cells already shown to reach ``threshold`` for a subset of the
    hidden cells: hiding more only adds freedom, so they need no new linear program.
    """
    lines = _line_issues(grid, threshold)
    visible_small = (
        grid.published & ~grid.hidden & (grid.values >= 1) & (grid.values < threshold)
    )
    single = lines["single_hidden_row"] | lines["single_hidden_column"]
    derivable = _derivable(grid) & ~single
    flagged = single | lines["small_range_row"] | lines["small_range_column"] | derivable
    with np.errstate(invalid="ignore"):
        maybe_small = grid.hidden & grid.exists & ~flagged & ~(grid.values >= threshold)
    if safe is not None:
        maybe_small &= ~safe
    bounded = maybe_small & (_largest_values(grid, maybe_small) < threshold)
    return {
        "small_count": visible_small,
        "single_hidden_row": lines["single_hidden_row"],
        "single_hidden_column": lines["single_hidden_column"],
        "small_range_row": lines["small_range_row"],
        "small_range_column": lines["small_range_column"],
        "derivable": derivable,
        "bounded": bounded,
    }


# ---------------------------------------------------------------------------------------
# Complementary suppression
# ---------------------------------------------------------------------------------------


def _protect(grid: _Grid, hideable: np.ndarray, threshold: int, with_bounds: bool = True) -> tuple[_Grid, np.ndarray]:
    """Hide one more cell per pass until no fixable rule is broken.

    ``with_bounds=False`` skips the linear programs of rule 4 beyond single lines (a caller
    that bounds the cells itself, with more constraints, see :mod:`tfanalysis.publication`).
    Returns the grid and the hidden cells proven able to reach ``threshold``.
    """
    hidden = grid.hidden.copy()
    values = grid.values
    safe = np.zeros(hidden.shape, dtype=bool)
    while True:
        g = replace(grid, hidden=hidden)
        candidates = hideable & ~hidden & (values > 0)
        lines = _line_issues(g, threshold)
        pool = candidates & (lines["_rows"][:, None] | lines["_cols"][None, :])
        if pool.any():
            hidden[_best(pool, g, candidates, lines["_rows"], lines["_cols"])] = True
            continue

        single = lines["single_hidden_row"] | lines["single_hidden_column"]
        stuck = single | lines["small_range_row"] | lines["small_range_column"]
        derivable = _derivable(g) & ~single
        cell = _first_fix(derivable, g, candidates, _bridge_pool)
        if cell is None and with_bounds:
            small = g.hidden & ~stuck & ~derivable & (values < threshold) & ~safe
            largest = _largest_values(g, small)
            safe |= small & (largest >= threshold)  # stays true as more cells hide
            bounded = small & (largest < threshold)
            cell = _first_fix(bounded, g, candidates, _loosen_pool)
        if cell is None:
            return g, safe
        hidden[cell] = True


def _best(
    pool: np.ndarray,
    grid: _Grid,
    candidates: np.ndarray,
    bad_rows: np.ndarray | None = None,
    bad_cols: np.ndarray | None = None,
) -> tuple[int, int]:
    """The cell of ``pool`` to hide: mends most, spreads least, smallest, first."""
    hid = grid.hidden & grid.exists
    a, b = np.nonzero(pool)
    n_rows, n_cols = hid.shape
    bad_rows = np.zeros(n_rows, dtype=bool) if bad_rows is None else bad_rows
    bad_cols = np.zeros(n_cols, dtype=bool) if bad_cols is None else bad_cols
    mends = bad_rows[a].astype(int) + bad_cols[b]
    # hiding a cell in a line with no hidden cell makes that line unsafe ...
    spawn_row = _active(grid.exists, grid.rows)[a] & (hid.sum(axis=1)[a] == 0)
    spawn_col = _active(grid.exists.T, True)[b] & (hid.sum(axis=0)[b] == 0)
    # ... for good if nothing else there can be hidden
    dead = (spawn_row & (candidates.sum(axis=1)[a] == 1)) | (
        spawn_col & (candidates.sum(axis=0)[b] == 1)
    )
    spawns = spawn_row.astype(int) + spawn_col
    order = np.lexsort((b, a, grid.values[a, b], spawns, dead, -mends))
    return int(a[order[0]]), int(b[order[0]])


def _first_fix(
    flagged: np.ndarray, grid: _Grid, candidates: np.ndarray, pool_of
) -> tuple[int, int] | None:
    """The cell to hide for the first flagged cell that ``pool_of`` can mend, if any."""
    for a, b in zip(*np.nonzero(flagged), strict=True):
        pool = pool_of(grid, candidates, int(a), int(b))
        if pool is not None and pool.any():
            return _best(pool, grid, candidates)
    return None


def _components(grid: _Grid, hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Connected-component label of every row line and every column line."""
    n_rows, n_cols = hidden.shape
    a, b = np.nonzero(hidden & grid.exists)
    graph = coo_matrix((np.ones(a.size), (a, n_rows + b)), shape=(n_rows + n_cols,) * 2)
    _, labels = connected_components(graph, directed=False)
    return labels[:n_rows], labels[n_rows:]


def _bridge_pool(grid: _Grid, candidates: np.ndarray, a: int, b: int) -> np.ndarray | None:
    """Cells that can put the derivable cell (a, b) on a cycle of hidden cells.

    Without (a, b) its row's block A and its column's block B fall apart, and the cell
    equals the totals of either block's lines minus their visible cells. Hiding a cell
    between A and B ends that; else grow a block. If a block's lines have nothing left
    to hide the cell cannot be protected.
    """
    without = grid.hidden.copy()
    without[a, b] = False
    row_lab, col_lab = _components(grid, without)
    side_a, side_b = row_lab[a], col_lab[b]
    if side_a == side_b:
        return None
    touch_a = (row_lab == side_a)[:, None] | (col_lab == side_a)[None, :]
    touch_b = (row_lab == side_b)[:, None] | (col_lab == side_b)[None, :]
    if not (candidates & touch_a).any() or not (candidates & touch_b).any():
        return None
    links = ((row_lab == side_a)[:, None] & (col_lab == side_b)[None, :]) | (
        (row_lab == side_b)[:, None] & (col_lab == side_a)[None, :]
    )
    if (candidates & links).any():
        return candidates & links
    return candidates & (touch_a | touch_b)


def _loosen_pool(grid: _Grid, candidates: np.ndarray, a: int, b: int) -> np.ndarray | None:
    """Cells that add slack to the block of hidden cells around (a, b)."""
    own = np.zeros(candidates.shape, dtype=bool)
    own[:, b] = True
    if grid.rows:
        own[a, :] = True
    if (candidates & own).any():
        return candidates & own
    if not grid.rows:
        return None
    row_lab, col_lab = _components(grid, grid.hidden)
    side = row_lab[a]
    return candidates & ((row_lab == side)[:, None] | (col_lab == side)[None, :])


# ---------------------------------------------------------------------------------------
# Input checks and conversions
# ---------------------------------------------------------------------------------------


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer):
        raise TypeError(
            f"threshold must be an integer (the smallest count shown), got {threshold!r}"
        )
    if threshold < 2:
        raise ValueError(
            f"threshold must be at least 2 (counts 1 to threshold-1 are hidden), got {threshold}"
        )


def _as_frame(table: pd.Series | pd.DataFrame, what: str) -> tuple[pd.DataFrame, bool]:
    if isinstance(table, pd.Series):
        return table.to_frame(name=table.name), True
    if isinstance(table, pd.DataFrame):
        return table, False
    raise TypeError(
        f"{what} must be a pandas Series or DataFrame of counts, got {type(table).__name__}"
    )


def _is_margin(label: object) -> bool:
    if isinstance(label, tuple):
        return len(label) > 0 and isinstance(label[0], str) and label[0] == MARGIN
    return isinstance(label, str) and label == MARGIN


def _check_labels(frame: pd.DataFrame) -> None:
    for axis, labels in (("row", frame.index), ("column", frame.columns)):
        if any(_is_margin(label) for label in labels):
            raise ValueError(
                f"a {axis} is labelled {MARGIN!r}, which is reserved for margins; "
                "rename it or drop the totals before suppressing"
            )


def _where(mask: np.ndarray, rows: list, cols: list, limit: int = 3) -> str:
    """A few (row, column) labels of the cells in ``mask``; never their values."""
    a, b = np.nonzero(mask)
    shown = ", ".join(
        f"({rows[i]!r}, {cols[j]!r})" for i, j in zip(a[:limit], b[:limit], strict=True)
    )
    return shown + (f" and {a.size - limit} more" if a.size > limit else "")


def _cells(frame: pd.DataFrame, mask: np.ndarray) -> str:
    return _where(mask, list(frame.index), list(frame.columns))


def _numeric(frame: pd.DataFrame, what: str, coerce: bool) -> np.ndarray:
    """Float matrix of ``frame``; non-numbers are NaN when ``coerce`` else an error."""
    columns = []
    for name, col in frame.items():
        if pd.api.types.is_bool_dtype(col.dtype):
            raise ValueError(f"{what}: column {name!r} holds True/False, not counts")
        if not pd.api.types.is_numeric_dtype(col.dtype):
            converted = pd.to_numeric(col, errors="coerce")
            if not coerce and (converted.isna() & col.notna()).any():
                bad = (converted.isna() & col.notna()).to_numpy()
                raise ValueError(
                    f"{what}: counts must be numbers; column {name!r} holds text at "
                    f"{_cells(frame[[name]], bad[:, None])}"
                )
            col = converted
        columns.append(col.to_numpy(dtype=np.float64, na_value=np.nan))
    if not columns:
        return np.zeros((len(frame), 0))
    return np.column_stack(columns)


def _check_counts(values: np.ndarray, frame: pd.DataFrame, what: str, allow_missing: bool) -> None:
    missing = np.isnan(values)
    if not allow_missing and missing.any():
        raise ValueError(
            f"{what}: missing counts at {_cells(frame, missing)}; fill them (0 if none)"
        )
    with np.errstate(invalid="ignore"):
        checks = (
            (np.isinf(values), "infinite"),
            (values < 0, "negative"),
            (~missing & ~np.isinf(values) & (values != np.round(values)), "not whole numbers"),
        )
    for bad, problem in checks:
        if bad.any():
            raise ValueError(
                f"{what}: counts must be non-negative integers; {problem} at {_cells(frame, bad)}"
            )


def _counts(frame: pd.DataFrame, what: str) -> np.ndarray:
    values = _numeric(frame, what, coerce=False)
    _check_counts(values, frame, what, allow_missing=False)
    return values.astype(np.int64)


def _published_values(frame: pd.DataFrame, what: str) -> tuple[np.ndarray, np.ndarray]:
    values = _numeric(frame, what, coerce=True)
    _check_counts(values, frame, what, allow_missing=True)
    return values, np.isnan(values)


def _split_margins(frame: pd.DataFrame, is_series: bool) -> tuple[pd.DataFrame, bool, bool]:
    """The inner table, and whether a Total row / Total column is printed."""
    for axis, labels in (("row", frame.index), ("column", frame.columns)):
        if any(_is_margin(label) for label in labels[:-1]):
            raise ValueError(f"published: the {MARGIN!r} {axis} (a margin) must be the last {axis}")
    has_row = len(frame.index) > 0 and _is_margin(frame.index[-1])
    has_col = not is_series and len(frame.columns) > 0 and _is_margin(frame.columns[-1])
    inner = frame.iloc[: len(frame.index) - has_row, : len(frame.columns) - has_col]
    return inner, has_row, has_col


def _merge_true_counts(grid: _Grid, inner: pd.DataFrame, true_counts, is_series: bool) -> _Grid:
    true_frame, true_is_series = _as_frame(true_counts, "true_counts")
    same_columns = is_series or true_frame.columns.equals(inner.columns)
    if true_is_series != is_series or not (true_frame.index.equals(inner.index) and same_columns):
        raise ValueError(
            "true_counts must have the labels of the published table without its margins "
            "(same kind of table, same index and columns, same order)"
        )
    truth = _with_totals(_counts(true_frame, "true_counts")).astype(np.float64)
    bad = ~np.isnan(grid.values) & grid.exists & (grid.values != truth)
    if bad.any():
        rows, cols = _grid_labels(inner, is_series)
        raise ValueError(
            f"true_counts disagree with visible published cells at {_where(bad, rows, cols)}"
        )
    return replace(grid, values=np.where(grid.exists, truth, np.nan))


def _check_consistent(grid: _Grid) -> None:
    """Visible cells and printed totals must add up where nothing is hidden."""
    _, _, a_eq, b_eq = _equations(grid, keep_empty=True)
    empty = ~(a_eq != 0).any(axis=1)
    if (np.abs(b_eq[empty]) > 1e-9).any():
        raise ValueError(
            "the published cells and totals contradict each other: "
            "a line with nothing hidden does not add up to its total"
        )


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------


def _with_margin_label(labels: pd.Index) -> pd.Index:
    if isinstance(labels, pd.MultiIndex):
        total = (MARGIN,) + ("",) * (labels.nlevels - 1)
        return pd.MultiIndex.from_tuples([*labels, total], names=labels.names)
    return pd.Index([*labels, MARGIN], name=labels.name)


def _render(grid: _Grid, frame: pd.DataFrame, is_series: bool, threshold: int, margins: bool):
    values = grid.values.astype(np.int64)
    hidden = grid.hidden
    if not margins:
        values, hidden = values[:-1, :-1], hidden[:-1, :-1]
    elif is_series:
        values, hidden = values[:, :-1], hidden[:, :-1]
    if hidden.any():
        cells = values.astype(object)
        cells[hidden] = f"<{threshold}"
    else:
        cells = values
    dtype = object if hidden.any() else np.int64
    index = _with_margin_label(frame.index) if margins else frame.index
    if is_series:
        return pd.Series(cells[:, 0], index=index, name=frame.columns[0], dtype=dtype)
    columns = _with_margin_label(frame.columns) if margins else frame.columns
    return pd.DataFrame(cells, index=index, columns=columns, dtype=dtype)


def _grid_labels(inner: pd.DataFrame, is_series: bool) -> tuple[list, list]:
    rows = list(_with_margin_label(inner.index))
    cols = [inner.columns[0], None] if is_series else list(_with_margin_label(inner.columns))
    return rows, cols


def _issue_table(
    issues: dict[str, np.ndarray], inner: pd.DataFrame, is_series: bool
) -> pd.DataFrame:
    stacked = np.stack([issues[reason] for reason in REASONS])
    which, a, b = np.nonzero(stacked)
    order = np.lexsort((which, b, a))
    rows, cols = _grid_labels(inner, is_series)
    return pd.DataFrame(
        {
            "row": pd.Series([rows[i] for i in a[order]], dtype=object),
            "column": pd.Series([cols[j] for j in b[order]], dtype=object),
            "reason": [REASONS[w] for w in which[order]],
        },
        columns=["row", "column", "reason"],
    )


def _unprotected_message(
    issues: dict[str, np.ndarray], frame: pd.DataFrame, is_series: bool
) -> str:
    flagged = np.any(np.stack(list(issues.values())), axis=0)
    rows, cols = _grid_labels(frame, is_series)
    return (
        f"{int(flagged.sum())} hidden cell(s) stay recoverable from the row/column totals, "
        "which are assumed public, because nothing non-zero is left to hide around them: "
        f"{_where(flagged, rows, cols, limit=5)}. "
        "Publish with margins=True (small totals are then hidden too) or merge small "
        "categories; audit(..., true_counts=...) lists the cells."
    )
