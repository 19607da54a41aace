"""The time axis of a series: periods, timestamps or integers as times, and which values come after a change date."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

def _time_axis(index: pd.Index) -> np.ndarray:
    """The time of each value, in steps of the series (periods, positions, or integers)."""
    if isinstance(index, pd.PeriodIndex):
        return ((index.asi8 - index.asi8.min()) // index.freq.n).astype(float) if len(index) else np.array([], dtype=float)
    if isinstance(index, pd.DatetimeIndex):
        if not index.is_monotonic_increasing:
            raise ValueError("a series indexed by timestamps must be sorted in time")
        return np.arange(len(index), dtype=float)
    if pd.api.types.is_integer_dtype(index) or pd.api.types.is_float_dtype(index):
        return index.to_numpy(dtype=float)
    raise TypeError(
        f"index the series by periods (PeriodIndex), timestamps or integers, not {type(index).__name__}; "
        "e.g. series.index = pd.PeriodIndex(series.index, freq='Q')"
    )


def after_change(index: pd.Index, change: Any) -> np.ndarray:
    """Which values are "after" a change: from the first period that starts on or after it.

    A period that straddles the change date (it starts before it) counts as before: pick
    a change date at a period boundary, or read the straddling period as a transition.

    Examples
    --------
    >>> after_change(pd.period_range("2024Q2", periods=3, freq="Q"), "2024-07-01").tolist()
    [False, True, True]
    >>> after_change(pd.period_range("2024Q2", periods=3, freq="Q"), "2024-08-15").tolist()
    [False, False, True]
    """
    if isinstance(index, pd.PeriodIndex):
        return np.asarray(index.start_time >= as_change_date(change), dtype=bool)
    if isinstance(index, pd.DatetimeIndex):
        return np.asarray(index >= as_change_date(change), dtype=bool)
    return index.to_numpy(dtype=float) >= float(change)


def as_change_date(change: Any) -> pd.Timestamp:
    """The change date as a timestamp; a period label (``2024Q3``) means its first day.

    Examples
    --------
    >>> as_change_date("2024-07-01"), as_change_date("2024Q3")
    (Timestamp('2024-07-01 00:00:00'), Timestamp('2024-07-01 00:00:00'))
    """
    if isinstance(change, pd.Period):
        return change.start_time
    try:
        if isinstance(change, str) and len(change) in (6, 7) and change[4] in "QqHh":
            from tfanalysis.data.periods import parse_period

            return parse_period(change).start  # "2024Q3": its first day
        return pd.Timestamp(change)
    except (ValueError, TypeError):
        raise ValueError(f"cannot read the change date {change!r}; write it as YYYY-MM-DD (e.g. '2024-07-01')") from None


def _numeric(series: pd.Series) -> pd.Series:
    if not isinstance(series, pd.Series):
        raise TypeError(f"expected a pandas Series of values indexed by period, not {type(series).__name__}")
    values = pd.to_numeric(series, errors="coerce")
    return pd.Series(values.to_numpy(dtype=float, na_value=np.nan), index=series.index, name=series.name)
