"""Complementary suppression: hide one more cell per pass until no fixable rule is broken."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from tfanalysis.publication.privacy.grid import (
    _Grid,
    _active,
    _components,
    _derivable,
    _largest_values,
    _line_issues,
)


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
