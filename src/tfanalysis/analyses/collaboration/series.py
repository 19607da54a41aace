"""Per-period tallies of dated rows, the building blocks of every indicator.

A period without data has its row: counts 0, shares and medians NaN; an optional table
that is empty (absent from the dataset) makes its indicators NaN (:func:`not_recorded`):
"not recorded" is not "none".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration import network
from tfanalysis.data import contract

if TYPE_CHECKING:  # annotations only: loading data (pandera) is not needed to analyse it
    from tfanalysis.data.io import TaskForceData


def not_recorded(data: TaskForceData, table: str) -> bool:
    """An optional table with no rows: its indicators are unknown, not zero."""
    return (not contract.TABLES[table].required) and getattr(data, table).empty


def nan_series(periods: pd.PeriodIndex, name: str) -> pd.Series:
    """An indicator not known in any period: NaN per period."""
    return pd.Series(np.nan, index=periods, name=name, dtype="float64")


def dated_rows(dates: pd.Series, periods: pd.PeriodIndex, **columns: Any) -> pd.DataFrame:
    """Rows with their period; rows outside the periods dropped."""
    frame = pd.DataFrame({"period": network.assign_periods(dates, periods), **columns})
    return frame[frame["period"].notna()]


def flags(values: pd.Series | np.ndarray) -> np.ndarray:
    """A boolean mask from a boolean-like column (missing is False)."""
    if isinstance(values, pd.Series):
        return values.fillna(False).to_numpy(dtype=bool)
    return np.asarray(values, dtype=bool)


def count_per_period(dates: pd.Series, periods: pd.PeriodIndex, name: str, mask: Any = None) -> pd.Series:
    """Rows per period (those where ``mask`` holds), 0 in a period with none."""
    keep = np.ones(len(dates), dtype=bool) if mask is None else flags(mask)
    frame = dated_rows(dates[keep], periods)
    out = frame.groupby("period").size().reindex(periods, fill_value=0).astype("float64")
    return out.rename(name).rename_axis("period")


def share_per_period(dates: pd.Series, periods: pd.PeriodIndex, name: str, numerator: Any, denominator: Any = None) -> pd.Series:
    """Share of the rows (those where ``denominator`` holds) where ``numerator`` holds, per period; NaN where none."""
    num = flags(numerator)
    den = np.ones(len(dates), dtype=bool) if denominator is None else flags(denominator)
    frame = dated_rows(dates[den], periods, hit=num[den].astype(float))
    out = frame.groupby("period")["hit"].mean().reindex(periods)
    return out.astype("float64").rename(name).rename_axis("period")


def median_per_period(dates: pd.Series, periods: pd.PeriodIndex, name: str, values: Any) -> pd.Series:
    """Median of ``values`` per period, missing values left out; NaN in a period with none."""
    v = np.asarray(values, dtype=float)
    keep = ~np.isnan(v)
    frame = dated_rows(dates[keep], periods, v=v[keep])
    out = frame.groupby("period")["v"].median().reindex(periods)
    return out.astype("float64").rename(name).rename_axis("period")


def median_waiting_per_period(dates: pd.Series, periods: pd.PeriodIndex, name: str, days: Any) -> pd.Series:
    """Median of ``days`` per period where a missing value is a wait not over yet (longer than any).

    Every row counts, so the median rests on the rows of the period (a count the report
    shows) rather than on the ones whose wait ended; NaN when half of them or more are
    still waiting, or the period has none.

    Examples
    --------
    >>> idx = pd.period_range("2024Q1", periods=2, freq="Q")
    >>> dates = pd.Series(pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04", "2024-04-01", "2024-04-02"]))
    >>> median_waiting_per_period(dates, idx, "d", [1.0, 5.0, float("nan"), 2.0, float("nan")]).tolist()
    [5.0, nan]
    """
    out = median_per_period(dates, periods, name, _still_waiting_as_longest(days))
    return out.where(np.isfinite(out.to_numpy()))


def median_waiting(days: Any) -> float:
    """Median of ``days`` where a missing value is a wait not over yet; NaN when half or more are.

    The rule of :func:`median_waiting_per_period` for one set of rows (the leadership
    summary's periods are not a regular index).

    Examples
    --------
    >>> median_waiting([1.0, 5.0, float("nan")]), median_waiting([2.0, float("nan")]), median_waiting([])
    (5.0, nan, nan)
    """
    waits = _still_waiting_as_longest(days)
    m = float(np.median(waits)) if waits.size else float("nan")
    return m if np.isfinite(m) else float("nan")


def _still_waiting_as_longest(days: Any) -> np.ndarray:
    """Days as floats, a missing value (a wait not over yet) as longer than any (``inf``).

    A median of these is infinite when half or more are still waiting: the callers read it
    as no median yet.
    """
    v = np.asarray(days, dtype=float)
    return np.where(np.isnan(v), np.inf, v)


def days_between(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    """Days from ``earlier`` to ``later``, as floats (NaN where either date is missing)."""
    return ((later - earlier) / pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan)


def lookup(keys: pd.Series, mapping: pd.Series) -> pd.Series:
    """``mapping[key]`` for each key (missing where absent), keeping the mapping's dtype.

    ``Series.map`` with an empty datetime mapping fails on pandas 3; a reindex does not.
    """
    return pd.Series(mapping.reindex(keys.to_numpy()).to_numpy(), index=keys.index, dtype=mapping.dtype)


def member_sectors(data: TaskForceData) -> dict[str, str]:
    """Member id → sector."""
    return dict(zip(data.members["member_id"].tolist(), data.members["sector"].tolist()))
