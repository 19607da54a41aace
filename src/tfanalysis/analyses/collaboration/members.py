"""The indicators by sector and by member, and membership over time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration import network
from tfanalysis.analyses.collaboration.engagement import _meeting_counts, _meeting_seats, _training_attendance
from tfanalysis.analyses.collaboration.periods import period_index, period_labels
from tfanalysis.analyses.collaboration.referrals import ACCEPTED, outcomes_settled
from tfanalysis.analyses.collaboration.series import (
    count_per_period,
    dated_rows,
    days_between,
    flags,
    member_sectors,
    not_recorded,
)

if TYPE_CHECKING:  # annotations only: loading data (pandera) is not needed to analyse it
    from tfanalysis.data.io import TaskForceData


def attendance_matrix(data: TaskForceData, freq: str = "Q") -> pd.DataFrame:
    """Meeting attendance rate by sector (rows) and period label (columns), for a heat map.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> m = attendance_matrix(tf.load_dataset(DEMO_DIR), "Y")
    >>> list(m.columns), "law_enforcement" in m.index
    (['2023', '2024', '2025'], True)
    """
    rates = sector_indicators(data, freq)["meeting_attendance_rate"].unstack("period")
    rates.columns = period_labels(pd.PeriodIndex(rates.columns))
    return rates


def sector_indicators(data: TaskForceData, freq: str = "Q") -> pd.DataFrame:
    """Indicators per period and member sector.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``period``, ``sector``), for every period and every sector with a
        member at some time: ``active_members``; ``referrals_sent`` and
        ``referrals_received`` (counts: suppress before showing);
        ``acceptance_rate_received`` and ``median_response_days_received`` (the referrals
        the sector's members received, as in :func:`referral_acceptance_rate` and
        :func:`median_response_days`, NaN before the period's answer window has passed:
        :func:`outcomes_settled`); ``cross_sector_sent_share`` (share of the
        sector's referrals sent to another sector); ``meeting_attendance_rate``;
        ``joint_training_attendances`` (members of the sector present at joint
        trainings, summed over trainings).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> s = sector_indicators(tf.load_dataset(DEMO_DIR), "Y")
    >>> round(float(s.loc[("2025", "law_enforcement"), "meeting_attendance_rate"]), 2) > round(float(s.loc[("2023", "law_enforcement"), "meeting_attendance_rate"]), 2)
    True
    """
    periods = period_index(data, freq)
    sectors_all = sorted(data.members["sector"].dropna().unique().tolist())
    full = pd.MultiIndex.from_product([periods, sectors_all], names=["period", "sector"])
    active = network.active_members(data.members, periods).groupby(["period", "sector"]).size()
    out = pd.DataFrame(index=full)
    out["active_members"] = active.reindex(full, fill_value=0).astype("float64")
    r = data.referrals
    sectors = member_sectors(data)
    frame = dated_rows(
        r["referred_on"], periods,
        from_sector=r["from_member"].map(sectors).to_numpy(dtype=object), to_sector=r["to_member"].map(sectors).to_numpy(dtype=object),
        accepted=flags(r["outcome"].isin(ACCEPTED)).astype(float), closed=flags(r["outcome"].notna()),
        days=days_between(r["responded_on"], r["referred_on"]),
    )
    sent = frame.groupby(["period", "from_sector"])
    received = frame.groupby(["period", "to_sector"])
    out["referrals_sent"] = sent.size().rename_axis(["period", "sector"]).reindex(full, fill_value=0).astype("float64")
    out["referrals_received"] = received.size().rename_axis(["period", "sector"]).reindex(full, fill_value=0).astype("float64")
    closed = frame[frame["closed"]]
    out["acceptance_rate_received"] = closed.groupby(["period", "to_sector"])["accepted"].mean().rename_axis(["period", "sector"]).reindex(full)
    out["median_response_days_received"] = received["days"].median().rename_axis(["period", "sector"]).reindex(full)
    # read once the period's referrals have had the data's answer window, as the task force's own
    settled = pd.Series(outcomes_settled(data, periods), index=periods).reindex(full.get_level_values("period")).to_numpy(dtype=bool)
    out[["acceptance_rate_received", "median_response_days_received"]] = out[["acceptance_rate_received", "median_response_days_received"]].where(
        pd.Series(settled, index=full), axis=0)
    cross = frame.assign(cross=(frame["from_sector"] != frame["to_sector"]).astype(float))
    out["cross_sector_sent_share"] = cross.groupby(["period", "from_sector"])["cross"].mean().rename_axis(["period", "sector"]).reindex(full)
    if not_recorded(data, "referrals"):
        out[["referrals_sent", "referrals_received", "acceptance_rate_received", "median_response_days_received", "cross_sector_sent_share"]] = np.nan
    counts = _meeting_counts(data, by_sector=True)
    counts = dated_rows(counts["date"], periods, sector=counts["sector"].to_numpy(dtype=object), present=counts["present"].to_numpy(), expected=counts["expected"].to_numpy())
    sums = counts.groupby(["period", "sector"])[["present", "expected"]].sum().reindex(full)
    out["meeting_attendance_rate"] = sums["present"] / sums["expected"].where(sums["expected"] > 0)
    att = _training_attendance(data, periods)
    out["joint_training_attendances"] = att.groupby(["period", "sector"]).size().reindex(full, fill_value=0).astype("float64")
    if not_recorded(data, "activities"):
        out[["meeting_attendance_rate", "joint_training_attendances"]] = np.nan
    return out.astype("float64")


def attendance_by_member(data: TaskForceData, freq: str = "Q") -> pd.DataFrame:
    """Meeting attendance per period and member.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``period``, ``member_id``) for each member expected at one of the
        period's meetings: ``name``, ``sector``, ``meetings_expected``,
        ``meetings_attended``, ``meeting_attendance_rate``.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> a = attendance_by_member(tf.load_dataset(DEMO_DIR), "Y")
    >>> int(a.loc[("2023", "M41"), "meetings_expected"]) if ("2023", "M41") in a.index else "not a member in 2023"
    'not a member in 2023'
    """
    periods = period_index(data, freq)
    seats = _meeting_seats(data)
    seats = dated_rows(seats["date"], periods, member_id=seats["member_id"].to_numpy(dtype=object), present=seats["present"].to_numpy(dtype=float))
    grouped = seats.groupby(["period", "member_id"])["present"]
    out = pd.DataFrame({"meetings_expected": grouped.size().astype("float64"), "meetings_attended": grouped.sum().astype("float64")})
    out["meeting_attendance_rate"] = out["meetings_attended"] / out["meetings_expected"]
    info = data.members.set_index("member_id")
    members = out.index.get_level_values("member_id")
    out.insert(0, "sector", info["sector"].reindex(members).to_numpy(dtype=object))
    out.insert(0, "name", info["name"].reindex(members).to_numpy(dtype=object))
    return out


def membership(data: TaskForceData, freq: str = "Q") -> pd.DataFrame:
    """Members (MOU signatories) per sector at the end of each period.

    Returns
    -------
    pandas.DataFrame
        Indexed by period; one column per sector (members belonging on the period's last
        day: one whose ``left_on`` is that day still belongs, as it is its last day), then
        ``members``, ``joined`` and ``left`` (during the period) and
        ``sectors`` (sectors represented at the period's end).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> m = membership(tf.load_dataset(DEMO_DIR), "Y")
    >>> m[["members", "joined", "left", "sectors"]].astype(int).to_dict("list")
    {'members': [39, 41, 40], 'joined': [2, 3, 0], 'left': [0, 1, 1], 'sectors': [9, 10, 10]}
    """
    periods = period_index(data, freq)
    members = data.members
    ends = periods.end_time.normalize().to_numpy(dtype="datetime64[ns]")
    joined = members["joined_on"].to_numpy(dtype="datetime64[ns]")
    left = members["left_on"].to_numpy(dtype="datetime64[ns]")
    # left_on is the member's last day, as every other reading of a membership has it (the directory's "member until")
    belongs = (joined[:, None] <= ends[None, :]) & (np.isnat(left)[:, None] | (left[:, None] >= ends[None, :]))
    sectors = sorted(members["sector"].dropna().unique().tolist())
    by_sector = pd.DataFrame(belongs.astype(float), columns=periods).groupby(members["sector"].to_numpy(dtype=object)).sum().T.reindex(columns=sectors, fill_value=0.0)
    by_sector.index = periods
    out = by_sector.copy()
    out["members"] = by_sector.sum(axis=1)
    out["joined"] = count_per_period(members["joined_on"], periods, "joined")
    out["left"] = count_per_period(members["left_on"], periods, "left")
    out["sectors"] = (by_sector > 0).sum(axis=1).astype(float)
    out.index = period_labels(periods)
    out.index.name = "period"
    return out
