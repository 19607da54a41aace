"""The referral system: referrals made, accepted and answered, response times, referrals across sectors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration import network
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


def referrals_made(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Referrals whose ``referred_on`` falls in each period (NaN without a referrals table)."""
    if not_recorded(data, "referrals"):
        return nan_series(periods, "referrals_made")
    return count_per_period(data.referrals["referred_on"], periods, "referrals_made")


def referral_acceptance_rate(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Share accepted or completed, of the period's referrals with a recorded outcome.

    The denominator is every referral with an outcome, ``no_response`` included: a
    referral nobody answered failed, and leaving it out would flatter the system. Open
    referrals (no outcome yet) are left out.
    """
    if not_recorded(data, "referrals"):
        return nan_series(periods, "referral_acceptance_rate")
    r = data.referrals
    return share_per_period(r["referred_on"], periods, "referral_acceptance_rate", r["outcome"].isin(ACCEPTED), r["outcome"].notna())


def median_response_days(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Median days from ``referred_on`` to ``responded_on`` over the period's referrals.

    A referral with no ``responded_on`` (not answered, or not yet) counts as slower than
    any answered one (:func:`median_waiting_per_period`), as ``no_response`` counts against the
    acceptance rate: the median rests on every referral made in the period, and is NaN
    when half of them or more were not answered.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.analyses.collaboration.periods import period_index
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> median_response_days(data, period_index(data, "Y")).tolist()
    [11.0, 5.0, 3.0]
    """
    if not_recorded(data, "referrals"):
        return nan_series(periods, "median_response_days")
    r = data.referrals
    return median_waiting_per_period(r["referred_on"], periods, "median_response_days", days_between(r["responded_on"], r["referred_on"]))


def declined_capacity_share(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Share ``declined_capacity``, of the period's referrals with a recorded outcome."""
    if not_recorded(data, "referrals"):
        return nan_series(periods, "declined_capacity_share")
    r = data.referrals
    return share_per_period(r["referred_on"], periods, "declined_capacity_share", r["outcome"].eq("declined_capacity"), r["outcome"].notna())


def closed_loop_share(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Share of the period's referrals whose loop closed: answered, with the outcome recorded.

    Closed: ``accepted``, ``completed``, ``declined_capacity``, ``declined_eligibility``,
    ``declined_other``. Not closed: ``no_response`` and referrals still open.
    """
    if not_recorded(data, "referrals"):
        return nan_series(periods, "closed_loop_share")
    r = data.referrals
    return share_per_period(r["referred_on"], periods, "closed_loop_share", r["outcome"].isin(ANSWERED))


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
