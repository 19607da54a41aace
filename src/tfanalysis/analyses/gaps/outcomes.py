"""Each need's outcome: its status, a met need split by the days it took to meet it.

One definition of "met within 30 days" and "met within 90 days" for every report: the
needs table (report 02), the collaboration shares (report 03), the leadership summary and
the underserved model all read the bands of :func:`need_outcomes`. The publication layer
carries the outcome on every need (:mod:`tfanalysis.publication.units`), so that a count of
needs by status, by time to met or "met within 30 days" is a set of its values, whichever
report shows it: one set of needs has one key, and the bounds see how the bands add up.

Examples
--------
>>> needs = pd.DataFrame({"status": ["met", "in_progress"], "identified_on": pd.to_datetime(["2025-01-01"] * 2),
...                       "met_on": pd.to_datetime(["2025-01-20", None])})
>>> need_outcomes(needs).tolist()
['met within 30 days', 'in_progress']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "DECLINED", "IN_PROGRESS", "MET_30", "MET_90", "MET_LATER", "MET_UNDATED", "MET_WITHIN", "UNMET", "met_window", "need_outcomes",
]

MET_30, MET_90, MET_LATER, MET_UNDATED = "met within 30 days", "met in 31 to 90 days", "met after 90 days", "met, date missing"
IN_PROGRESS, UNMET, DECLINED = "in_progress", "unmet", "declined_by_client"

MET_WITHIN: dict[int, tuple[str, ...]] = {30: (MET_30,), 90: (MET_30, MET_90)}
"""The outcomes of the needs met within 30 and within 90 days of being identified."""

_MISSING = "<NA>"


def need_outcomes(needs: pd.DataFrame) -> pd.Series:
    """Each need's outcome: its status, a met need split by the days from identification to ``met_on``.

    ``met within 30 days``, ``met in 31 to 90 days``, ``met after 90 days``, ``met, date
    missing``, and the other statuses as they are (``in_progress``, ``unmet``,
    ``declined_by_client``; a missing status reads ``<NA>``). Only a need whose status is
    ``met`` is met: a ``met_on`` recorded on a need of another status does not make it met.
    Days are whole days between the two dates, as the Kaplan–Meier estimates of
    :func:`tfanalysis.gaps.outcome_rates` read them.

    Parameters
    ----------
    needs : pandas.DataFrame
        ``status``, ``identified_on``, ``met_on``.

    Returns
    -------
    pandas.Series
        Of strings, indexed as ``needs``.

    Examples
    --------
    >>> needs = pd.DataFrame({"status": ["met", "met", "met", "met", "unmet", "declined_by_client"],
    ...     "identified_on": pd.to_datetime(["2025-01-01"] * 6),
    ...     "met_on": pd.to_datetime(["2025-01-31", "2025-02-01", "2025-06-01", None, None, None])})
    >>> need_outcomes(needs).tolist()
    ['met within 30 days', 'met in 31 to 90 days', 'met after 90 days', 'met, date missing', 'unmet', 'declined_by_client']
    """
    status = needs["status"].astype("string")
    days = (pd.to_datetime(needs["met_on"]) - pd.to_datetime(needs["identified_on"])).dt.days.clip(lower=0)
    met = (status == "met").fillna(False).to_numpy(bool)
    band = np.select([days.isna().to_numpy(bool), (days <= 30).fillna(False).to_numpy(bool), (days <= 90).fillna(False).to_numpy(bool)],
                     [MET_UNDATED, MET_30, MET_90], MET_LATER)
    return pd.Series(np.where(met, band, status.fillna(_MISSING).to_numpy(dtype=object)), index=needs.index, dtype="string")


MET_SHARE = 0.95
"""A period's needs are taken as settled once this share of the data's met needs would have been met (:func:`met_window`)."""


def met_window(needs: pd.DataFrame) -> int:
    """Days within which the data's met needs were met, 95 times in 100 (0 without a dated one).

    A period that ended less than this before the data end still has needs in progress that
    earlier periods no longer have: its needs met and unmet so far are not yet comparable
    with theirs (the leadership summary calls its unmet-need rate provisional). The window
    is the data's own: the :data:`MET_SHARE` quantile of the days from ``identified_on`` to
    ``met_on``, rounded up.

    >>> needs = pd.DataFrame({"identified_on": pd.to_datetime(["2025-01-01"] * 3 + ["2025-02-01"]),
    ...                       "met_on": pd.to_datetime(["2025-01-03", "2025-01-11", None, "2025-03-03"])})
    >>> met_window(needs)  # 2, 10 and 30 days: the 95th percentile 28 days, rounded up
    28
    """
    from tfanalysis.data.periods import days_most_take

    return days_most_take(needs["identified_on"], needs["met_on"], MET_SHARE)
