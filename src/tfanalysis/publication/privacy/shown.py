"""The table as published (hidden cells as ``hidden``), the audit's findings, and the warning's words."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tfanalysis.publication.privacy.grid import (
    HIDDEN,
    REASONS,
    _Grid,
    _grid_labels,
    _where,
    _with_margin_label,
)


def _render(grid: _Grid, frame: pd.DataFrame, is_series: bool, threshold: int, margins: bool):
    values = grid.values.astype(np.int64)
    hidden = grid.hidden
    if not margins:
        values, hidden = values[:-1, :-1], hidden[:-1, :-1]
    elif is_series:
        values, hidden = values[:, :-1], hidden[:, :-1]
    if hidden.any():
        cells = values.astype(object)
        cells[hidden] = HIDDEN
    else:
        cells = values
    dtype = object if hidden.any() else np.int64
    index = _with_margin_label(frame.index) if margins else frame.index
    if is_series:
        return pd.Series(cells[:, 0], index=index, name=frame.columns[0], dtype=dtype)
    columns = _with_margin_label(frame.columns) if margins else frame.columns
    return pd.DataFrame(cells, index=index, columns=columns, dtype=dtype)


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
