"""A table handed to :func:`~tfanalysis.publication.privacy.suppress` or :func:`~tfanalysis.publication.privacy.audit`, checked and read into a grid."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from tfanalysis.publication.privacy.grid import MARGIN, _Grid, _equations, _grid_labels, _where, _with_totals


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
