"""Is there a monotonic trend? The Mann–Kendall test with Sen's slope, and the shortest series that can show one."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration.trends.time_axis import _numeric, _time_axis

@functools.lru_cache(maxsize=None)
def min_points_trend(alpha: float = 0.05) -> int:
    """Fewest values with which a Mann–Kendall test can reach ``p < alpha`` at all.

    The strongest evidence ``n`` values can give is a strictly monotonic series (no
    ties); its p-value (``pymannkendall.original_test``) is the smallest any ``n`` values
    can have. With fewer values no series can show a trend, so "no trend" would say
    nothing about the data: such series are "too short".

    Examples
    --------
    >>> min_points_trend(0.05), min_points_trend(0.01)
    (5, 6)
    """
    import pymannkendall

    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    n = 3
    while pymannkendall.original_test(np.arange(n, dtype=float), alpha=alpha).p >= alpha:
        n += 1
    return n


MIN_POINTS_TREND = 5
"""Fewest values :func:`mann_kendall` tests at the 5% level (``min_points_trend(0.05)``:
4 values reach p ≈ 0.089 at best); shorter series are "too short"."""


def mann_kendall(series: pd.Series, *, alpha: float = 0.05) -> pd.Series:
    """Mann–Kendall trend test with Sen's slope over the real time between values.

    Parameters
    ----------
    series : pandas.Series
        Values indexed by period, timestamp (consecutive steps) or integer time, as for
        :func:`segmented_regression`. Missing values are dropped and keep their place in
        time: Sen's slope is the median of (y_j − y_i) / (t_j − t_i) over the real times
        (:func:`scipy.stats.theilslopes`), so a missing quarter does not shorten the
        time between its neighbours. The test itself uses only the order of the values.
    alpha : float
        Significance level of the "increasing"/"decreasing" verdict.

    Returns
    -------
    pandas.Series
        ``trend`` ("increasing", "decreasing", "no trend", or "too short" with fewer
        values than can ever reach ``p < alpha``: :func:`min_points_trend`), ``p_value``,
        ``tau`` (Kendall's tau), ``sen_slope`` (median change per period), ``n`` (values
        tested), ``note``.

    Examples
    --------
    >>> mann_kendall(pd.Series([1.0, 2, 3, 5, 4, 6, 7]))[["trend", "sen_slope", "n"]].tolist()
    ['increasing', 1.0, 7]
    >>> mann_kendall(pd.Series([1.0, 2, 3, 4]))["trend"]
    'too short'

    A missing period keeps its place: 2, 4, (missing), 8 rise by 2 a period.

    >>> y = pd.Series([0.0, 2, 4, None, 8, 10], index=pd.period_range("2024Q1", periods=6, freq="Q"))
    >>> float(mann_kendall(y)["sen_slope"])
    2.0
    """
    import pymannkendall
    from scipy import stats

    values = _numeric(series)
    t_all = _time_axis(values.index)
    keep = ~np.isnan(values.to_numpy())
    order = np.argsort(t_all[keep], kind="stable")
    y, t = values.to_numpy()[keep][order], t_all[keep][order]
    n = int(y.size)
    needed = min_points_trend(alpha)
    if n < needed:
        return pd.Series(
            {"trend": "too short", "p_value": np.nan, "tau": np.nan, "sen_slope": np.nan, "n": n,
             "note": f"{n} value{'s' if n != 1 else ''}: a trend test at the {alpha:.0%} level needs at least {needed} "
                     f"(fewer can never reach p < {alpha:g})"},
            dtype=object,
        )
    result = pymannkendall.original_test(y, alpha=alpha)
    missing = int(t[-1] - t[0] + 1 - n) if isinstance(values.index, pd.PeriodIndex) else 0
    note = f"{missing} period{'s' if missing != 1 else ''} missing: Sen's slope uses the real time between values" if missing > 0 else ""
    return pd.Series(
        {"trend": str(result.trend), "p_value": float(result.p), "tau": float(result.Tau),
         "sen_slope": float(stats.theilslopes(y, t).slope), "n": n, "note": note},
        dtype=object,
    )
