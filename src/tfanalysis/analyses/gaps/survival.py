"""Time from a need's identification to its being met: Kaplan–Meier product-limit estimates.

Needs still ``in_progress`` or ``unmet`` are *censored* at the data's last date (they were
not met as long as they were followed); a median the curve never reaches is missing ("not
reached"), never the longest time seen. :func:`kaplan_meier_by` gives every group's curve at
once (one sort, grouped sums and products), the same numbers as :func:`kaplan_meier` per group.

Examples
--------
>>> km = kaplan_meier([5, 10, 10, 40], [True, True, False, True])
>>> km_survival_at(km, 10), km_median(km)
(0.5, 10.0)
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

__all__ = ["kaplan_meier", "kaplan_meier_by", "km_median", "km_survival_at"]


def kaplan_meier(durations: Any, observed: Any) -> pd.DataFrame:
    """Kaplan–Meier product-limit estimate of the share not yet met.

    Parameters
    ----------
    durations : array-like of float
        Days from identification to met (observed) or to the end of follow-up (censored).
    observed : array-like of bool
        True when the need was met at that time.

    Returns
    -------
    pandas.DataFrame
        One row per distinct time with an event or a censoring: ``time``, ``at_risk``,
        ``events``, ``censored``, ``survival`` (S(t) = ∏_{t_i ≤ t} (1 − d_i / n_i)).

    Examples
    --------
    Needs met at days 2, 3 and 6, one censored at 3 (still open), one censored at 8:

    >>> km = kaplan_meier([2, 3, 3, 6, 8], [True, True, False, True, False])
    >>> km[["time", "at_risk", "events", "survival"]].values.round(4).tolist()
    [[2.0, 5.0, 1.0, 0.8], [3.0, 4.0, 1.0, 0.6], [6.0, 2.0, 1.0, 0.3], [8.0, 1.0, 0.0, 0.3]]
    """
    t = np.asarray(durations, dtype=float)
    e = np.asarray(observed, dtype=bool)
    keep = ~np.isnan(t)
    t, e = t[keep], e[keep]
    times, inverse = np.unique(t, return_inverse=True)
    events = np.bincount(inverse, weights=e.astype(float), minlength=len(times))
    exits = np.bincount(inverse, minlength=len(times)).astype(float)
    at_risk = len(t) - np.concatenate([[0.0], np.cumsum(exits)[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(np.where(at_risk > 0, 1.0 - events / at_risk, 1.0))
    return pd.DataFrame({"time": times, "at_risk": at_risk, "events": events, "censored": exits - events, "survival": survival})


def km_survival_at(km: pd.DataFrame, day: float) -> float:
    """S(day) from a :func:`kaplan_meier` table: the share not yet met ``day`` days on.

    1 before the first time. Past the last time, 0 when the curve reached 0 (every need
    followed was met by then: none can still be waiting, so 100% were met within any
    longer time); NaN when the last needs followed were censored (still open: nobody
    was followed that long, so the share is unknown).

    Examples
    --------
    >>> km = kaplan_meier([2, 3, 3, 6, 8], [True, True, False, True, False])
    >>> [round(km_survival_at(km, day), 4) for day in (1, 5, 9)]
    [1.0, 0.6, nan]
    >>> km_survival_at(kaplan_meier([2, 3, 5], [True, True, True]), 90)
    0.0
    """
    if km.empty:
        return float("nan")
    if day > km["time"].max():
        return 0.0 if km["survival"].iloc[-1] == 0 else float("nan")
    before = km.loc[km["time"] <= day, "survival"]
    return float(before.iloc[-1]) if len(before) else 1.0


def km_median(km: pd.DataFrame) -> float:
    """Median time: the first time S(t) ≤ 0.5; NaN when the curve never gets there.

    Examples
    --------
    >>> km_median(kaplan_meier([2, 3, 3, 6, 8], [True, True, False, True, False]))
    6.0
    >>> km_median(kaplan_meier([2, 9, 9], [True, False, False]))
    nan
    """
    reached = km.loc[km["survival"] <= 0.5 + 1e-12, "time"]
    return float(reached.iloc[0]) if len(reached) else float("nan")


def kaplan_meier_by(durations: pd.DataFrame, keys: Sequence[str], *, days: Sequence[float] = (30, 90)) -> pd.DataFrame:
    """Every group's Kaplan–Meier curve at once: S(day) for each of ``days`` and the median.

    The same numbers as :func:`kaplan_meier` with :func:`km_survival_at` and
    :func:`km_median` group by group (the same products, in the same order), computed
    for all groups together: one sort, grouped cumulative sums and products, no loop
    over groups (tens of thousands of need × county groups at national scale).

    Parameters
    ----------
    durations : pandas.DataFrame
        ``days`` (float; NaN rows are left out) and ``met`` (bool), with the ``keys``
        columns (see :func:`time_to_met`).
    keys : sequence of str
        The grouping columns (missing values form a group of their own).
    days : sequence of float
        The days at which S is read.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``keys``: ``survival_<day>`` per day (see :func:`km_survival_at`:
        1 before the first time; past the last one 0 if the curve reached 0, else NaN) and
        ``median`` (see :func:`km_median`); one row per group that has a row.

    Examples
    --------
    >>> d = pd.DataFrame({"g": ["a"] * 5 + ["b"] * 3, "days": [2, 3, 3, 6, 8, 2, 9, 9],
    ...                   "met": [True, True, False, True, False, True, False, False]})
    >>> kaplan_meier_by(d, ["g"], days=(5, 9)).round(4).to_dict("index")
    {'a': {'survival_5': 0.6, 'survival_9': nan, 'median': 6.0}, 'b': {'survival_5': 0.6667, 'survival_9': 0.6667, 'median': nan}}
    """
    keys = list(keys)
    codes, groups = _group_codes(durations, keys)
    t = durations["days"].to_numpy(dtype=float)
    e = durations["met"].to_numpy(dtype=bool)
    keep = ~np.isnan(t)
    codes, t, e = codes[keep], t[keep], e[keep]
    n_groups = len(groups)
    # one row per (group, distinct time), in time order within the group
    order = np.lexsort((t, codes))
    codes, t, e = codes[order], t[order], e[order]
    new = np.ones(len(t), dtype=bool)
    new[1:] = (codes[1:] != codes[:-1]) | (t[1:] != t[:-1])
    starts = np.flatnonzero(new)
    g = codes[starts]
    times = t[starts]
    events = np.add.reduceat(e.astype(float), starts) if len(starts) else np.zeros(0)
    exits = np.diff(np.append(starts, len(t))).astype(float)
    size = np.bincount(codes, minlength=n_groups).astype(float)
    first = np.ones(len(g), dtype=bool)
    first[1:] = g[1:] != g[:-1]
    exited_before = _cumsum_by(exits, first) - exits
    at_risk = size[g] - exited_before
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(at_risk > 0, 1.0 - events / at_risk, 1.0)
    survival = _cumprod_by(factor, first)
    # each group's times are a run of positions: [begin, begin + length), in time order
    length = np.bincount(g, minlength=n_groups)
    present = length > 0
    begin = np.zeros(n_groups, dtype=np.int64)
    begin[g[first]] = np.flatnonzero(first)
    last = begin + length - 1
    last_time = np.full(n_groups, np.nan)
    last_time[present] = times[last[present]]
    out = pd.DataFrame(index=groups)
    for day in days:
        upto = np.bincount(g[times <= day], minlength=n_groups)  # a prefix of the run: times sorted
        value = np.ones(n_groups)  # before the first time
        some = present & (upto > 0)
        value[some] = survival[begin[some] + upto[some] - 1]
        past = present & (upto == length)
        past &= day > last_time
        value[past] = np.where(survival[last[past]] == 0, 0.0, np.nan)
        out[f"survival_{day:g}"] = value
    # S never rises within a group: the times where S <= 1/2 are a suffix of the run
    reached = np.bincount(g[survival <= 0.5 + 1e-12], minlength=n_groups)
    median = np.full(n_groups, np.nan)
    hit = present & (reached > 0)
    median[hit] = times[begin[hit] + length[hit] - reached[hit]]
    out["median"] = median
    return out[present]


def _group_codes(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.Index]:
    """Group number of every row (missing values a group of their own) and the groups, sorted."""
    grouped = frame.groupby(keys, dropna=False, sort=True)
    codes = grouped.ngroup().to_numpy()
    index = grouped.size().index
    return codes, index


def _cumsum_by(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Running sum that restarts where ``first`` is True."""
    total = np.cumsum(values)
    if not len(values):
        return total
    offset = np.where(first, total - values, np.nan)
    offset = pd.Series(offset).ffill().to_numpy()
    return total - offset


def _cumprod_by(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Running product that restarts where ``first`` is True, multiplied in order within each run."""
    segment = np.cumsum(first) - 1
    return pd.Series(values).groupby(segment).cumprod().to_numpy()
