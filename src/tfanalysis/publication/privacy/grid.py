"""A table as a grid of counts with its margins, and what a reader can work out from the shown cells.

Every row of the grid, margin row included, is a line "sum of its cells = its last cell",
and so is every column: the Total column is a line whose total is the grand total.
:func:`_issues` finds the hidden cells a reader can recover exactly (rule 3) or bound
below the threshold (rule 4) of :mod:`tfanalysis.publication.privacy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

MARGIN = "Total"
"""Label of the margin row and column written by ``suppress(..., margins=True)``."""

HIDDEN = "hidden"
"""What a table prints for a count it does not show.

Not ``<11``: counts of 11 and more are hidden too, so that no small one can be worked out
from the others, and a reader who took every hidden count for a small one would be wrong
about those and could narrow the others (two hidden quarters of a shown half-year, each
"under 11")."""


def hidden_meaning(threshold: int | None = None) -> str:
    """What the hidden marker means, in the words every table note and run index uses.

    A hidden count is not always a small one (:data:`HIDDEN`): a reader must not take it
    for one, nor for at least 1 (a line withheld whole hides its zeros too).

    >>> hidden_meaning(11)
    'a count from 1 to 10, or another one (zero or larger) hidden so that no count from 1 to 10 can be worked out from the others.'
    >>> f"{HIDDEN}: {hidden_meaning()}"
    'hidden: a count too small to show, or another one (zero or larger) hidden so that no small count can be worked out from the others.'
    """
    small = "too small to show" if threshold is None else f"from 1 to {threshold - 1}"
    some = "small count" if threshold is None else f"count from 1 to {threshold - 1}"
    return f"a count {small}, or another one (zero or larger) hidden so that no {some} can be worked out from the others."


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
    its column is not in the span of the others (a coloop of the graph's cycle matroid),
    i.e. it is a bridge of that graph: no cycle of hidden cells runs through it. Found in
    time linear in the hidden cells; the dense decomposition of the matrix it replaces
    needed memory growing with lines x hidden cells and time with their square (a run of
    1,000,000 clients sat in it with 10 GB resident, releasing its county x service table).
    """
    import networkx as nx

    out = np.zeros(grid.hidden.shape, dtype=bool)
    a, b = np.nonzero(grid.hidden & grid.exists)
    if not grid.rows:  # one line per cell: only the single-hidden rule applies
        return out
    if a.size == 0:
        return out
    n_rows = grid.hidden.shape[0]
    lines = nx.Graph()
    lines.add_edges_from(zip(a.tolist(), (n_rows + b).tolist()))  # rows 0.., columns n_rows..
    for u, v in nx.bridges(lines):
        row, column = min(u, v), max(u, v) - n_rows
        out[row, column] = True
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
    from scipy.optimize import linprog  # here, not at import: most notebooks never reach it

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


def _components(grid: _Grid, hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Connected-component label of every row line and every column line."""
    n_rows, n_cols = hidden.shape
    a, b = np.nonzero(hidden & grid.exists)
    graph = coo_matrix((np.ones(a.size), (a, n_rows + b)), shape=(n_rows + n_cols,) * 2)
    _, labels = connected_components(graph, directed=False)
    return labels[:n_rows], labels[n_rows:]


def _where(mask: np.ndarray, rows: list, cols: list, limit: int = 3) -> str:
    """A few (row, column) labels of the cells in ``mask``; never their values."""
    a, b = np.nonzero(mask)
    shown = ", ".join(
        f"({rows[i]!r}, {cols[j]!r})" for i, j in zip(a[:limit], b[:limit], strict=True)
    )
    return shown + (f" and {a.size - limit} more" if a.size > limit else "")


def _grid_labels(inner: pd.DataFrame, is_series: bool) -> tuple[list, list]:
    rows = list(_with_margin_label(inner.index))
    cols = [inner.columns[0], None] if is_series else list(_with_margin_label(inner.columns))
    return rows, cols


def _with_margin_label(labels: pd.Index) -> pd.Index:
    if isinstance(labels, pd.MultiIndex):
        total = (MARGIN,) + ("",) * (labels.nlevels - 1)
        return pd.MultiIndex.from_tuples([*labels, total], names=labels.names)
    return pd.Index([*labels, MARGIN], name=labels.name)
