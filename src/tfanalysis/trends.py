"""Is an indicator changing over time? Trend tests, a before/after test, and a control chart.

Three views of one series of per-period values (an indicator of
:func:`tfanalysis.collaboration.indicators`, say):

- :func:`mann_kendall`: is there a monotonic trend? (Mann–Kendall test with Sen's slope,
  through ``pymannkendall.original_test``.) It sees a step change as a trend too, and
  assumes independent values; with fewer than 4 values it answers "too short".
- :func:`segmented_regression`: did the level or the slope change at a known date?
  (Interrupted time series, ordinary least squares with Newey–West HAC standard errors,
  through statsmodels.) Fewer than 3 values on either side: no estimate, and a note
  saying so.
- :func:`control_chart`: which values are special causes? (An XmR chart: individuals
  and moving ranges, limits from a baseline.)

Series are indexed by periods (a ``PeriodIndex``, as the indicators are), by
timestamps (taken as consecutive, equally spaced periods: one step per value), or by
integers (the time itself). Missing values are left out of every fit.

Examples
--------
>>> import pandas as pd
>>> y = pd.Series([10.0, 11, 10, 11, 10, 11, 4, 3, 4, 3, 4, 3],
...               index=pd.period_range("2023Q1", periods=12, freq="Q"))
>>> fit = segmented_regression(y, "2024Q3")
>>> float(fit.loc["level_change", "estimate"].round(1))
-7.1
>>> mann_kendall(y)["trend"]
'decreasing'
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "MIN_POINTS_PER_SIDE",
    "MIN_POINTS_TREND",
    "TERMS",
    "after_change",
    "as_change_date",
    "control_chart",
    "hac_maxlags",
    "mann_kendall",
    "segmented_fit",
    "segmented_regression",
]

MIN_POINTS_TREND = 4
"""Fewest values :func:`mann_kendall` tests; shorter series are "too short"."""

MIN_POINTS_PER_SIDE = 3
"""Fewest values needed on each side of the change by :func:`segmented_regression`."""

TERMS: tuple[str, ...] = ("intercept", "pre_slope", "level_change", "slope_change")
"""Terms of the segmented regression, in the order of its result."""

XMR_LIMIT_FACTOR = 2.66
"""Natural process limits: mean ± 2.66 × average moving range (3 sigma, d2 = 1.128)."""
XMR_RANGE_FACTOR = 3.268
"""Upper limit of the moving ranges: 3.268 × average moving range (D4 for n = 2)."""
RUN_LENGTH = 8
"""A run of this many values on one side of the centre line is a special cause (Wheeler)."""
FIRM_LIMITS = 12
"""Limits computed from fewer baseline values than this are provisional."""


# --------------------------------------------------------------------------- time axis


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
            from tfanalysis.periods import parse_period

            return parse_period(change).start  # "2024Q3": its first day
        return pd.Timestamp(change)
    except (ValueError, TypeError):
        raise ValueError(f"cannot read the change date {change!r}; write it as YYYY-MM-DD (e.g. '2024-07-01')") from None


def _numeric(series: pd.Series) -> pd.Series:
    if not isinstance(series, pd.Series):
        raise TypeError(f"expected a pandas Series of values indexed by period, not {type(series).__name__}")
    values = pd.to_numeric(series, errors="coerce")
    return pd.Series(values.to_numpy(dtype=float, na_value=np.nan), index=series.index, name=series.name)


# --------------------------------------------------------------------------- Mann–Kendall


def mann_kendall(series: pd.Series, *, alpha: float = 0.05) -> pd.Series:
    """Mann–Kendall trend test with Sen's slope.

    Parameters
    ----------
    series : pandas.Series
        Values in time order (missing values are dropped; the others are taken as
        equally spaced).
    alpha : float
        Significance level of the "increasing"/"decreasing" verdict.

    Returns
    -------
    pandas.Series
        ``trend`` ("increasing", "decreasing", "no trend", or "too short" with fewer than
        :data:`MIN_POINTS_TREND` values), ``p_value``, ``tau`` (Kendall's tau),
        ``sen_slope`` (median change per step), ``n`` (values tested), ``note``.

    Examples
    --------
    >>> mann_kendall(pd.Series([1.0, 2, 3, 5, 4, 6, 7]))[["trend", "sen_slope", "n"]].tolist()
    ['increasing', 1.0, 7]
    >>> mann_kendall(pd.Series([1.0, 2, None]))["trend"]
    'too short'
    """
    import pymannkendall

    values = _numeric(series).dropna().to_numpy()
    n = int(values.size)
    if n < MIN_POINTS_TREND:
        return pd.Series(
            {"trend": "too short", "p_value": np.nan, "tau": np.nan, "sen_slope": np.nan, "n": n,
             "note": f"{n} value{'s' if n != 1 else ''}: a trend test needs at least {MIN_POINTS_TREND}"},
            dtype=object,
        )
    result = pymannkendall.original_test(values, alpha=alpha)
    return pd.Series(
        {"trend": str(result.trend), "p_value": float(result.p), "tau": float(result.Tau),
         "sen_slope": float(result.slope), "n": n, "note": ""},
        dtype=object,
    )


# --------------------------------------------------------------------------- segmented regression


def hac_maxlags(n: int) -> int:
    """Lags of the Newey–West standard errors: ``floor(4 (n / 100) ** (2 / 9))``.

    Newey and West's (1994) rule of thumb for the Bartlett kernel; at least 1, and at most
    ``n - 5`` so that a short series keeps degrees of freedom.

    Examples
    --------
    >>> [hac_maxlags(n) for n in (6, 12, 24, 50, 100)]
    [1, 2, 2, 3, 4]
    """
    return int(max(1, min(math.floor(4 * (n / 100) ** (2 / 9)), max(n - 5, 1))))


def _design(t: np.ndarray, post: np.ndarray) -> tuple[np.ndarray, float]:
    t0 = float(t[post].min())
    x = np.column_stack([np.ones_like(t), t, post.astype(float), (t - t0) * post])
    return x, t0


def _empty_fit(note: str, **attrs: Any) -> pd.DataFrame:
    out = pd.DataFrame(np.nan, index=pd.Index(TERMS, name="term"), columns=["estimate", "ci_low", "ci_high", "p_value"])
    out.attrs.update({"note": note, **attrs})
    return out


def segmented_regression(series: pd.Series, change: Any, *, alpha: float = 0.05, maxlags: int | None = None) -> pd.DataFrame:
    """Interrupted time series: did the level or the slope change at ``change``?

    Fits ``y_t = b0 + b1 t + b2 post_t + b3 (t − t0) post_t`` by ordinary least squares,
    where ``t`` counts periods from the first value, ``post_t`` is 1 from the first period
    that starts on or after ``change`` (``t0``), and 0 before. ``level_change`` (b2) is the
    jump at ``t0`` beyond the pre-change trend; ``slope_change`` (b3) the change of slope
    per period. Standard errors are Newey–West (HAC, Bartlett kernel, :func:`hac_maxlags`
    lags) with t-distribution intervals and p-values (``use_t``), so that autocorrelated
    and short series are not over-read.

    Parameters
    ----------
    series : pandas.Series
        Values indexed by period (``PeriodIndex``), timestamp (consecutive periods, one
        step each) or integer time. Missing values are dropped.
    change : date-like, pandas.Period or number
        The change date (``"2024-07-01"``); a number for an integer index.
    alpha : float
        1 − confidence level of the intervals.
    maxlags : int, optional
        HAC lags; :func:`hac_maxlags` of the number of values by default.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``term`` (:data:`TERMS`: ``intercept``, ``pre_slope``,
        ``level_change``, ``slope_change``), columns ``estimate``, ``ci_low``,
        ``ci_high``, ``p_value``. ``attrs`` holds ``n_pre``, ``n_post``, ``first_post``
        (the first post-change period), ``maxlags`` and ``note``. With fewer than
        :data:`MIN_POINTS_PER_SIDE` values on either side the estimates are NaN and the
        note says why: too short to conclude, not "no change".

    Raises
    ------
    TypeError
        If ``series`` is not a Series with a period, timestamp or integer index.
    ValueError
        If ``change`` cannot be read as a date.

    Examples
    --------
    A series with a level drop of 5 and a slope change of −1 at the 7th value:

    >>> t = pd.Series(range(12), dtype=float)
    >>> y = 20 + 0.5 * t - 5 * (t >= 6) - 1 * (t - 6) * (t >= 6)
    >>> y.index = pd.period_range("2023Q1", periods=12, freq="Q")
    >>> segmented_regression(y, "2024-07-01")["estimate"].round(6).tolist()
    [20.0, 0.5, -5.0, -1.0]

    Too short to say:

    >>> short = segmented_regression(y.iloc[:8], "2024-07-01")
    >>> short.attrs["note"]
    'too short to conclude: 6 values before the change and 2 from it; at least 3 are needed on each side'
    """
    import statsmodels.api as sm

    values = _numeric(series)
    t_all = _time_axis(values.index)
    post_all = after_change(values.index, change)
    keep = ~np.isnan(values.to_numpy())
    y, t, post = values.to_numpy()[keep], t_all[keep], post_all[keep]
    n_pre, n_post = int((~post).sum()), int(post.sum())
    first_post = str(values.index[keep][post][0]) if n_post else None
    attrs = {"n_pre": n_pre, "n_post": n_post, "first_post": first_post, "maxlags": None}
    if n_pre < MIN_POINTS_PER_SIDE or n_post < MIN_POINTS_PER_SIDE:
        return _empty_fit(
            f"too short to conclude: {n_pre} value{'s' if n_pre != 1 else ''} before the change and {n_post} from it; "
            f"at least {MIN_POINTS_PER_SIDE} are needed on each side",
            **attrs,
        )
    x, _ = _design(t, post)
    lags = hac_maxlags(len(y)) if maxlags is None else int(maxlags)
    attrs["maxlags"] = lags
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a perfect fit has zero variance: NaN p-values, said below
        fit = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)
        ci = np.asarray(fit.conf_int(alpha=alpha))
        out = pd.DataFrame(
            {"estimate": np.asarray(fit.params), "ci_low": ci[:, 0], "ci_high": ci[:, 1], "p_value": np.asarray(fit.pvalues)},
            index=pd.Index(TERMS, name="term"),
        )
    note = ""
    if fit.df_resid < 1:
        note = "as many parameters as values: estimates without uncertainty"
    elif np.allclose(fit.resid, 0):
        note = "the fit is exact: no residual variation to judge uncertainty"
    out.attrs.update({**attrs, "note": note})
    return out


def segmented_fit(series: pd.Series, change: Any) -> pd.DataFrame:
    """Observed values with the segmented regression's fitted line and its counterfactual.

    Parameters
    ----------
    series : pandas.Series
        As for :func:`segmented_regression`.
    change : date-like
        The change date.

    Returns
    -------
    pandas.DataFrame
        Same index; columns ``observed``, ``post`` (bool), ``fitted`` (the two segments)
        and ``counterfactual`` (the pre-change line carried on after the change, NaN
        before it). The fitted columns are NaN when the series is too short.

    Examples
    --------
    >>> y = pd.Series([5.0, 6, 7, 2, 3, 4], index=pd.period_range("2024Q1", periods=6, freq="Q"))
    >>> segmented_fit(y, "2024-10-01")[["fitted", "counterfactual"]].round(6).to_dict("list")
    {'fitted': [5.0, 6.0, 7.0, 2.0, 3.0, 4.0], 'counterfactual': [nan, nan, nan, 8.0, 9.0, 10.0]}
    """
    values = _numeric(series)
    fit = segmented_regression(values, change)
    t = _time_axis(values.index)
    post = after_change(values.index, change)
    b = fit["estimate"].to_numpy()
    out = pd.DataFrame({"observed": values.to_numpy(), "post": post}, index=values.index)
    if np.isnan(b).any() or not post.any():
        out["fitted"] = np.nan
        out["counterfactual"] = np.nan
        return out
    x, _ = _design(t, post)
    out["fitted"] = x @ b
    out["counterfactual"] = np.where(post, b[0] + b[1] * t, np.nan)
    return out


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
        Values in time order; missing values are skipped (no moving range across them).
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
    note = f"limits from {n} baseline values are provisional (fewer than {FIRM_LIMITS})" if n < FIRM_LIMITS else ""
    out.attrs.update({"baseline_n": n, "mr_bar": mr_bar, "mr_ucl": XMR_RANGE_FACTOR * mr_bar, "note": note})
    return out
