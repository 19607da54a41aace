"""Which values are special causes? An XmR control chart: individuals and moving ranges, limits from a baseline."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration.trends.time_axis import _numeric, after_change

XMR_LIMIT_FACTOR = 2.66
"""Natural process limits: mean ± 2.66 × average moving range (3 sigma, d2 = 1.128)."""
XMR_RANGE_FACTOR = 3.268
"""Upper limit of the moving ranges: 3.268 × average moving range (D4 for n = 2)."""
RUN_LENGTH = 8
"""A run of this many values on one side of the centre line is a special cause (Wheeler)."""
FIRM_LIMITS = 12
"""Limits computed from fewer baseline values than this are provisional."""


# --------------------------------------------------------------------------- XmR chart


def control_chart(series: pd.Series, *, change: Any = None, run_length: int = RUN_LENGTH) -> pd.DataFrame:
    """An XmR (individuals and moving range) control chart, with special causes flagged.

    The centre line is the mean of the baseline values and the natural process limits
    are centre ± 2.66 × the average moving range of the baseline (:data:`XMR_LIMIT_FACTOR`).
    The baseline is every value, or with ``change`` the values before it: a shift after
    the change then shows as special causes against the old process. A value is a
    special cause when it lies outside the limits, or belongs to a run of ``run_length``
    or more consecutive values on the same side of the centre line (a value on the line
    breaks a run, and so does the change: runs are counted before and after it apart).

    Parameters
    ----------
    series : pandas.Series
        Values in time order; missing values are skipped: the moving range after a gap is
        taken from the last value before it.
    change : date-like, optional
        Compute the limits from the values before this date only.
    run_length : int
        Length of a run that counts as a special cause.

    Returns
    -------
    pandas.DataFrame
        Same index; columns ``value``, ``moving_range``, ``center``, ``lcl``, ``ucl``,
        ``beyond_limits``, ``in_run``, ``special_cause`` (bools false where the value is
        missing). ``attrs``: ``baseline_n``, ``mr_bar``, ``mr_ucl`` and ``note`` (limits
        need 2 baseline values and are provisional below :data:`FIRM_LIMITS`).

    Examples
    --------
    >>> y = pd.Series([10.0, 11, 10, 12, 11, 10, 11, 3, 4, 3], index=pd.period_range("2023Q1", periods=10, freq="Q"))
    >>> chart = control_chart(y, change="2024-10-01")
    >>> chart["special_cause"].tolist()
    [False, False, False, False, False, False, False, True, True, True]
    >>> float(chart["lcl"].iloc[0].round(2)), chart.attrs["note"]
    (7.61, 'limits from 7 baseline values are provisional (fewer than 12)')
    """
    values = _numeric(series)
    v = values.to_numpy()
    baseline = ~np.isnan(v)
    if change is not None:
        baseline &= ~after_change(values.index, change)
    observed = values.dropna()
    moving_range = observed.diff().abs().reindex(values.index)
    base_values = v[baseline]
    base_ranges = moving_range.to_numpy()[baseline]
    base_ranges = base_ranges[~np.isnan(base_ranges)]
    out = pd.DataFrame({"value": v, "moving_range": moving_range.to_numpy()}, index=values.index)
    n = int(base_values.size)
    if n < 2 or base_ranges.size == 0:
        for col in ("center", "lcl", "ucl"):
            out[col] = np.nan
        for col in ("beyond_limits", "in_run", "special_cause"):
            out[col] = False
        out.attrs.update({"baseline_n": n, "mr_bar": np.nan, "mr_ucl": np.nan, "note": f"no limits: {n} baseline value{'s' if n != 1 else ''}, at least 2 are needed"})
        return out
    center = float(base_values.mean())
    mr_bar = float(base_ranges.mean())
    out["center"] = center
    out["lcl"] = center - XMR_LIMIT_FACTOR * mr_bar
    out["ucl"] = center + XMR_LIMIT_FACTOR * mr_bar
    present = ~np.isnan(v)
    out["beyond_limits"] = present & ((v < out["lcl"].to_numpy()) | (v > out["ucl"].to_numpy()))
    # runs: consecutive observed values with the same sign of (value - centre); with a
    # change, a run does not cross it (a baseline value is not a special cause because the
    # values after the change sit on its side)
    side = pd.Series(np.sign(v[present] - center))
    phase = pd.Series(after_change(values.index, change)[present] if change is not None else np.zeros(int(present.sum()), dtype=bool))
    run_id = ((side != side.shift()) | (phase != phase.shift())).cumsum()
    run_len = side.groupby(run_id).transform("size")
    in_run = np.zeros(len(v), dtype=bool)
    in_run[present] = ((side != 0) & (run_len >= run_length)).to_numpy()
    out["in_run"] = in_run
    out["special_cause"] = out["beyond_limits"].to_numpy() | in_run
    out.attrs.update({"baseline_n": n, "mr_bar": mr_bar, "mr_ucl": XMR_RANGE_FACTOR * mr_bar})
    # the note says what provisional_limits decides: one rule for the chart, its caption and its title
    out.attrs["note"] = f"limits from {n} baseline values are provisional (fewer than {FIRM_LIMITS})" if provisional_limits(out) else ""
    return out


def provisional_limits(chart: pd.DataFrame) -> bool:
    """Are the chart's limits provisional: computed, but from fewer than :data:`FIRM_LIMITS` baseline values?

    Parameters
    ----------
    chart : pandas.DataFrame
        :func:`control_chart` (reads ``attrs["baseline_n"]``; a chart without it is not
        called provisional).

    Returns
    -------
    bool
        False too when there are no limits at all (fewer than 2 baseline values).

    Examples
    --------
    >>> y = pd.Series([10.0, 11, 10, 12, 11, 10, 11, 3, 4, 3], index=pd.period_range("2023Q1", periods=10, freq="Q"))
    >>> provisional_limits(control_chart(y, change="2024-10-01")), provisional_limits(control_chart(y.iloc[:1]))
    (True, False)
    """
    n = chart.attrs.get("baseline_n")
    return n is not None and 2 <= int(n) < FIRM_LIMITS and not chart["center"].isna().all()
