"""Victim-centered indicators: clients identified, time to first service, needs met in time, unmet critical needs.

Outcomes recorded after a period ended still count for it (the data as known today),
except where a window must have closed first: "met within 90 days" only counts needs
identified at least 90 days before the data end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration import network
from tfanalysis.analyses.collaboration.periods import data_as_of
from tfanalysis.analyses.gaps.outcomes import MET_WITHIN, need_outcomes
from tfanalysis.analyses.collaboration.series import (
    count_per_period,
    days_between,
    flags,
    lookup,
    median_waiting_per_period,
    share_per_period,
)

if TYPE_CHECKING:  # annotations only: loading data (pandera) is not needed to analyse it
    from tfanalysis.data.io import TaskForceData


CRITICAL_NEEDS: dict[str, tuple[str, ...]] = {
    "safety": ("crisis_intervention", "safety_planning"),
    "housing": ("housing", "housing_emergency", "housing_transitional", "housing_permanent"),
    "medical": ("medical_care",),
}
"""The safety, housing and medical needs of :func:`unmet_critical_need_share` (taxonomy codes).

Safety is the taxonomy's ``safety`` group; housing every housing code; medical the
e-Guide's "Medical care" (dental, mental health and substance abuse care are needs of
their own, not counted here)."""


def clients_identified(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Clients whose ``identified_on`` falls in each period.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.analyses.collaboration.periods import period_index
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> int(clients_identified(data, period_index(data, "Y")).sum())
    600
    """
    return count_per_period(data.clients["identified_on"], periods, "clients_identified")


def _first_service(data: TaskForceData) -> pd.DataFrame:
    """Each client's identification date, first service date (earliest met_on) and the days between."""
    met = data.needs[data.needs["met_on"].notna()]
    first = met.groupby("client_id")["met_on"].min()
    clients = data.clients[["client_id", "identified_on"]]
    first_on = lookup(clients["client_id"], first)
    return clients.assign(first_service_on=first_on, days=days_between(first_on, clients["identified_on"]))


def median_days_to_first_service(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Median days from a client's identification to the client's first service.

    *First service* is the earliest ``met_on`` of the client's needs: the day a service was
    actually delivered. (An accepted referral is a promise, not a service, and a client's
    victim-services hub often serves the client without any referral.) Clients are placed
    in the period of their ``identified_on``. A client with no met need yet counts as
    waiting longer than any client served (:func:`median_waiting_per_period`): the median rests on
    every client identified in the period, and is NaN when half of them or more have not
    been served.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.analyses.collaboration.periods import period_index
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> s = median_days_to_first_service(data, period_index(data))
    >>> s.loc["2025Q3":"2025Q4"].tolist()  # 2025Q4: 4 of its 58 clients not served yet
    [5.0, 5.5]
    """
    first = _first_service(data)
    return median_waiting_per_period(first["identified_on"], periods, "median_days_to_first_service", first["days"])


def _needs_due(data: TaskForceData, periods: pd.PeriodIndex, days: int, as_of: pd.Timestamp | None) -> np.ndarray:
    """Needs counted by the ``days``-day share: not declined, of a period whose window closed.

    A period is measured only when every need of it has had its full window by ``as_of``
    (the period's last day + ``days`` ≤ ``as_of``): a period half in the window would be
    read from its earliest needs only.
    """
    needs = data.needs
    eligible = ~flags(needs["status"].eq("declined_by_client"))
    if as_of is None or len(periods) == 0:
        return np.zeros(len(needs), dtype=bool)
    placed = network.assign_periods(needs["identified_on"], periods)
    ends = pd.PeriodIndex(placed).end_time.normalize()  # NaT outside the periods
    closed = np.asarray(ends + pd.Timedelta(days=days) <= as_of, dtype=bool)
    return eligible & closed


def needs_met_within(data: TaskForceData, periods: pd.PeriodIndex, days: int, *, as_of: Any = None) -> pd.Series:
    """Share of needs met within ``days`` days of being identified.

    Parameters
    ----------
    data : TaskForceData
    periods : pandas.PeriodIndex
    days : int
        The window (30 and 90 in :func:`indicators`).
    as_of : date-like, optional
        The data end; the latest own date of the data by default.

    Returns
    -------
    pandas.Series
        Named ``needs_met_{days}d_share``. Of the needs identified in the period and not
        declined by the client, the share met at most ``days`` days after being identified
        (status ``met``, :func:`tfanalysis.analyses.gaps.outcomes.need_outcomes`). A need
        marked met without a ``met_on`` is not counted as met in time (its date is unknown),
        nor is a need of another status with a ``met_on``. NaN for a period whose last day is less than ``days``
        days before ``as_of``: its needs have not all had their window yet.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.analyses.collaboration.periods import period_index
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> s = needs_met_within(data, period_index(data), 90)
    >>> [round(v, 2) for v in s.iloc[-3:]]  # 2025Q3 + 90 days is before 2025-12-31; 2025Q4 is not
    [0.85, 0.88, nan]
    """
    needs = data.needs
    due = _needs_due(data, periods, days, data_as_of(data, as_of))
    met = flags(need_outcomes(needs).isin(MET_WITHIN[days]))
    return share_per_period(needs["identified_on"], periods, f"needs_met_{days}d_share", met, due)


def unmet_critical_need_share(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Share of the period's clients with any unmet safety, housing or medical need.

    Clients are placed in the period of their ``identified_on``; a client counts when one of
    their needs in :data:`CRITICAL_NEEDS` has status ``unmet`` (as recorded now).
    """
    codes = [c for group in CRITICAL_NEEDS.values() for c in group]
    needs = data.needs
    unmet = needs.loc[flags(needs["need"].isin(codes)) & flags(needs["status"].eq("unmet")), "client_id"]
    flagged = flags(data.clients["client_id"].isin(unmet.unique()))
    return share_per_period(data.clients["identified_on"], periods, "unmet_critical_need_share", flagged)
