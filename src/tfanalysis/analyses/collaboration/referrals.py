"""The referral system: referrals made, accepted and answered, response times, referrals across sectors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration import network
from tfanalysis.analyses.collaboration.periods import data_as_of
from tfanalysis.data.periods import days_most_take, window_passed
from tfanalysis.analyses.collaboration.series import (
    count_per_period,
    days_between,
    median_waiting_per_period,
    member_sectors,
    nan_series,
    not_recorded,
    share_per_period,
)

if TYPE_CHECKING:  # annotations only: loading data (pandera) is not needed to analyse it
    from tfanalysis.data.io import TaskForceData


ACCEPTED = ("accepted", "completed")
ANSWERED = ("accepted", "completed", "declined_capacity", "declined_eligibility", "declined_other")

READ_ONCE_ANSWERED = frozenset({"referral_acceptance_rate", "median_response_days", "declined_capacity_share", "closed_loop_share"})
"""The indicators read from the referrals' answers: NaN for a period until :func:`outcomes_settled`."""

ANSWERED_SHARE = 0.95
"""A period's referrals are read for their outcomes once this share of the data's answers would have come (:func:`answer_window`)."""


def answer_window(data: TaskForceData) -> int:
    """Days within which the data's answered referrals were answered, 95 times in 100 (0 without one).

    A referral made a few days before the data end may not be answered yet, and the quick
    answers (acceptances, in most data) come before the slow ones (declines): read too
    early, a period's outcomes look better than they will be. So the outcomes of a period's
    referrals (acceptance, declines for capacity, closed loops, the median days to an
    answer) are read only once its last day is this many days before the data end
    (:func:`outcomes_settled`), as the needs met within 30 days are read once the 30 days
    have passed. The window is the data's own: the :data:`ANSWERED_SHARE` quantile of the
    days from ``referred_on`` to ``responded_on``, rounded up.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> answer_window(tf.load_dataset(DEMO_DIR))
    21
    """
    if not_recorded(data, "referrals"):
        return 0
    return days_most_take(data.referrals["referred_on"], data.referrals["responded_on"], ANSWERED_SHARE)


def outcomes_settled(data: TaskForceData, periods: pd.PeriodIndex, as_of: Any = None) -> np.ndarray:
    """Whether each period's referrals have had their :func:`answer_window` by the data end (``as_of``).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.analyses.collaboration.periods import period_index
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> outcomes_settled(data, period_index(data)[-2:]).tolist()  # 2025Q4 ends on the data's last day
    [True, False]
    """
    stamp = data_as_of(data, as_of)
    if stamp is None or len(periods) == 0:
        return np.zeros(len(periods), dtype=bool)
    return np.asarray(periods.end_time.normalize() + pd.Timedelta(days=answer_window(data)) <= stamp, dtype=bool)


def answered_by_now(data: TaskForceData, last_day: Any, as_of: Any = None) -> bool:
    """Whether the referrals made up to ``last_day`` (None: the data end) have all had the :func:`answer_window` by the data end.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> answered_by_now(data, "2025-09-30"), answered_by_now(data, "2025-12-31"), answered_by_now(data, None)
    (True, False, False)
    """
    return window_passed(last_day, answer_window(data), data_as_of(data, as_of))  # no dated row: nothing still to be answered


def referrals_made(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Referrals whose ``referred_on`` falls in each period (NaN without a referrals table)."""
    if not_recorded(data, "referrals"):
        return nan_series(periods, "referrals_made")
    return count_per_period(data.referrals["referred_on"], periods, "referrals_made")


def referral_acceptance_rate(data: TaskForceData, periods: pd.PeriodIndex, *, as_of: Any = None) -> pd.Series:
    """Share accepted or completed, of the period's referrals with a recorded outcome.

    The denominator is every referral with an outcome, ``no_response`` included: a
    referral nobody answered failed, and leaving it out would flatter the system. Open
    referrals (no outcome yet) are left out. NaN for a period whose referrals have not
    all had their :func:`answer_window` by the data end (``as_of``).
    """
    if not_recorded(data, "referrals"):
        return nan_series(periods, "referral_acceptance_rate")
    r = data.referrals
    share = share_per_period(r["referred_on"], periods, "referral_acceptance_rate", r["outcome"].isin(ACCEPTED), r["outcome"].notna())
    return share.where(outcomes_settled(data, periods, as_of))


def median_response_days(data: TaskForceData, periods: pd.PeriodIndex, *, as_of: Any = None) -> pd.Series:
    """Median days from ``referred_on`` to ``responded_on`` over the period's referrals.

    A referral with no ``responded_on`` (not answered, or not yet) counts as slower than
    any answered one (:func:`median_waiting_per_period`), as ``no_response`` counts against the
    acceptance rate: the median rests on every referral made in the period, and is NaN
    when half of them or more were not answered, or before the period's referrals have
    had their :func:`answer_window` (``as_of``: the data end).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.analyses.collaboration.periods import period_index
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> median_response_days(data, period_index(data, "Y")).tolist()  # 2025 ends on the data's last day
    [11.0, 5.0, nan]
    """
    if not_recorded(data, "referrals"):
        return nan_series(periods, "median_response_days")
    r = data.referrals
    median = median_waiting_per_period(r["referred_on"], periods, "median_response_days", days_between(r["responded_on"], r["referred_on"]))
    return median.where(outcomes_settled(data, periods, as_of))


def declined_capacity_share(data: TaskForceData, periods: pd.PeriodIndex, *, as_of: Any = None) -> pd.Series:
    """Share ``declined_capacity``, of the period's referrals with a recorded outcome (NaN before its :func:`answer_window`)."""
    if not_recorded(data, "referrals"):
        return nan_series(periods, "declined_capacity_share")
    r = data.referrals
    share = share_per_period(r["referred_on"], periods, "declined_capacity_share", r["outcome"].eq("declined_capacity"), r["outcome"].notna())
    return share.where(outcomes_settled(data, periods, as_of))


def closed_loop_share(data: TaskForceData, periods: pd.PeriodIndex, *, as_of: Any = None) -> pd.Series:
    """Share of the period's referrals whose loop closed: answered, with the outcome recorded.

    Closed: ``accepted``, ``completed``, ``declined_capacity``, ``declined_eligibility``,
    ``declined_other``. Not closed: ``no_response`` and referrals still open. NaN before
    the period's referrals have had their :func:`answer_window`.
    """
    if not_recorded(data, "referrals"):
        return nan_series(periods, "closed_loop_share")
    r = data.referrals
    share = share_per_period(r["referred_on"], periods, "closed_loop_share", r["outcome"].isin(ANSWERED))
    return share.where(outcomes_settled(data, periods, as_of))


def referral_sectors(data: TaskForceData) -> tuple[np.ndarray, np.ndarray]:
    """The sector of each referral's sending and receiving member (object arrays; missing for unknown members)."""
    sectors = member_sectors(data)
    r = data.referrals
    return r["from_member"].map(sectors).to_numpy(dtype=object), r["to_member"].map(sectors).to_numpy(dtype=object)


def is_le_vs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where a referral links law enforcement and victim services, either way (sector arrays ``a``, ``b``)."""
    le, vs = network.LAW_ENFORCEMENT, network.VICTIM_SERVICES
    return ((a == le) & (b == vs)) | ((a == vs) & (b == le))


def cross_sector_referrals(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Referrals of the period between members of different sectors."""
    if not_recorded(data, "referrals"):
        return nan_series(periods, "cross_sector_referrals")
    a, b = referral_sectors(data)
    return count_per_period(data.referrals["referred_on"], periods, "cross_sector_referrals", a != b)


def cross_sector_referral_share(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Share of the period's referrals made between members of different sectors.

    Referral-weighted, unlike the network's ``cross_sector_tie_share`` (distinct ties).
    """
    if not_recorded(data, "referrals"):
        return nan_series(periods, "cross_sector_referral_share")
    a, b = referral_sectors(data)
    return share_per_period(data.referrals["referred_on"], periods, "cross_sector_referral_share", a != b)


def le_vs_referrals(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Referrals of the period between law enforcement and victim services (either way)."""
    if not_recorded(data, "referrals"):
        return nan_series(periods, "le_vs_referrals")
    a, b = referral_sectors(data)
    return count_per_period(data.referrals["referred_on"], periods, "le_vs_referrals", is_le_vs(a, b))
