"""Is an indicator changing over time? Trend tests, a before/after test, and a control chart.

Three views of one series of per-period values (an indicator of
:func:`tfanalysis.analyses.collaboration.indicators`, say):

- :func:`mann_kendall`: is there a monotonic trend? (Mann–Kendall test through
  ``pymannkendall.original_test``, with Sen's slope over the real time between values.)
  It sees a step change as a trend too, and assumes independent values; a series too
  short ever to reach significance (4 values at the 5% level) is "too short".
- :func:`segmented_regression` and :func:`change_tests`: did the level or the slope
  change at a known date? (Interrupted time series by ordinary least squares, with exact
  t and F tests on n − 4 degrees of freedom: a 5% false-positive rate at any length for
  independent noise.) Fewer than 3 values on either side: no estimate, and a note
  saying so. :func:`change_verdicts` tests several series together (Holm) and calls
  each a "change", "inconclusive" or "too short".
- :func:`control_chart`: which values are special causes? (An XmR chart: individuals
  and moving ranges, limits from a baseline.)

Modules: :mod:`~.time_axis`, :mod:`~.kendall`, :mod:`~.segmented` and :mod:`~.xmr`.

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

from tfanalysis.analyses.collaboration.trends.kendall import MIN_POINTS_TREND, mann_kendall, min_points_trend
from tfanalysis.analyses.collaboration.trends.segmented import (
    CHANGE_TERMS,
    METHOD,
    MIN_POINTS_PER_SIDE,
    TERMS,
    VERDICTS,
    change_tests,
    change_verdicts,
    segmented_fit,
    segmented_regression,
)
from tfanalysis.analyses.collaboration.trends.time_axis import after_change, as_change_date
from tfanalysis.analyses.collaboration.trends.xmr import FIRM_LIMITS, control_chart, provisional_limits

__all__ = [
    "CHANGE_TERMS",
    "FIRM_LIMITS",
    "METHOD",
    "MIN_POINTS_PER_SIDE",
    "MIN_POINTS_TREND",
    "TERMS",
    "VERDICTS",
    "after_change",
    "as_change_date",
    "change_tests",
    "change_verdicts",
    "control_chart",
    "mann_kendall",
    "min_points_trend",
    "provisional_limits",
    "segmented_fit",
    "segmented_regression",
]
