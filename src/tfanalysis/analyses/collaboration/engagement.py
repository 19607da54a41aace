"""Engagement: meetings, joint trainings and case reviews, and who attends them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration.series import (
    count_per_period,
    dated_rows,
    flags,
    member_sectors,
    nan_series,
    not_recorded,
)

if TYPE_CHECKING:  # annotations only: loading data (pandera) is not needed to analyse it
    from tfanalysis.data.io import TaskForceData


def _activity_count(data: TaskForceData, periods: pd.PeriodIndex, kind: str, name: str) -> pd.Series:
    if not_recorded(data, "activities"):
        return nan_series(periods, name)
    act = data.activities
    return count_per_period(act["date"], periods, name, act["kind"].eq(kind))


def meetings(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Task force meetings (activities of kind ``meeting``) in each period."""
    return _activity_count(data, periods, "meeting", "meetings")


def joint_trainings(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Joint trainings (activities of kind ``joint_training``) in each period."""
    return _activity_count(data, periods, "joint_training", "joint_trainings")


def case_reviews(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Multidisciplinary case reviews (activities of kind ``case_review``) in each period."""
    return _activity_count(data, periods, "case_review", "case_reviews")


def _meeting_seats(data: TaskForceData, kind: str = "meeting") -> pd.DataFrame:
    """One row per activity of ``kind`` × member belonging to the task force that day; ``present``."""
    act = data.activities[flags(data.activities["kind"].eq(kind))]
    members = data.members
    when = act["date"].to_numpy(dtype="datetime64[ns]")
    joined = members["joined_on"].to_numpy(dtype="datetime64[ns]")
    left = members["left_on"].to_numpy(dtype="datetime64[ns]")
    # activities × members: a few hundred activities by a few hundred members
    expected = (joined[None, :] <= when[:, None]) & (np.isnat(left)[None, :] | (left[None, :] >= when[:, None]))
    a_idx, m_idx = np.nonzero(expected)
    seats = pd.DataFrame(
        {
            "activity_id": act["activity_id"].to_numpy(dtype=object)[a_idx],
            "date": act["date"].to_numpy()[a_idx],
            "member_id": members["member_id"].to_numpy(dtype=object)[m_idx],
            "sector": members["sector"].to_numpy(dtype=object)[m_idx],
        }
    )
    present = pd.MultiIndex.from_frame(data.attendance[["activity_id", "member_id"]].astype(object))
    seats["present"] = pd.MultiIndex.from_frame(seats[["activity_id", "member_id"]]).isin(present)
    return seats


def _meeting_counts(data: TaskForceData, kind: str = "meeting", *, by_sector: bool = False) -> pd.DataFrame:
    """Per activity of ``kind`` (and sector): ``date``, ``expected`` (members belonging that day), ``present`` (those there).

    The totals of :func:`_meeting_seats` without its activities × members rows: members
    belonging on a date are counted from the sorted joining and leaving dates, so the cost
    grows with activities + members + attendance, not with their product. ``by_sector``:
    one row per activity × sector of the members (column ``sector``).
    """
    act = data.activities[flags(data.activities["kind"].eq(kind))]
    when = act["date"].to_numpy(dtype="datetime64[ns]")
    ids = act["activity_id"].to_numpy(dtype=object)
    members = data.members.drop_duplicates("member_id")
    members.index = members["member_id"].to_numpy(dtype=object)
    joined = members["joined_on"].to_numpy(dtype="datetime64[ns]")
    left = members["left_on"].to_numpy(dtype="datetime64[ns]")
    # a member is expected on d when joined <= d and (no left date or left >= d); one that
    # left before joining never is, so that "left < d" implies "joined <= d" below
    counted = ~np.isnat(joined) & (np.isnat(left) | (left >= joined))
    sector = members["sector"].to_numpy(dtype=object) if by_sector else np.full(len(members), None, dtype=object)
    seats = data.attendance[["activity_id", "member_id"]].astype(object).drop_duplicates()
    seats = seats.merge(pd.DataFrame({"activity_id": ids, "date": when}), on="activity_id")
    start = members["joined_on"].reindex(seats["member_id"]).to_numpy(dtype="datetime64[ns]")
    end = members["left_on"].reindex(seats["member_id"]).to_numpy(dtype="datetime64[ns]")
    belongs = (start <= seats["date"].to_numpy()) & (np.isnat(end) | (end >= seats["date"].to_numpy()))
    seats = seats[belongs].assign(sector=pd.Series(sector, index=members.index).reindex(seats.loc[belongs, "member_id"]).to_numpy(dtype=object))
    parts = []
    for group in pd.unique(sector):  # one sector at a time (ten at most), or everyone
        mine = counted & (sector == group) if group is not None else counted
        starts = np.sort(joined[mine])
        ends = np.sort(left[mine & ~np.isnat(left)])
        expected = np.searchsorted(starts, when, side="right") - np.searchsorted(ends, when, side="left")
        here = seats["sector"] == group if group is not None else np.ones(len(seats), dtype=bool)
        present = seats.loc[here, "activity_id"].value_counts().reindex(ids).fillna(0).to_numpy(dtype="int64")
        parts.append(pd.DataFrame({"activity_id": ids, "date": act["date"].to_numpy(), "sector": group,
                                   "expected": expected.astype("int64"), "present": present}))
    if not parts:
        parts.append(pd.DataFrame({"activity_id": ids, "date": act["date"].to_numpy(), "sector": None, "expected": 0, "present": 0}))
    counts = pd.concat(parts, ignore_index=True)
    return counts if by_sector else counts.drop(columns="sector")


def _training_attendance(data: TaskForceData, periods: pd.PeriodIndex) -> pd.DataFrame:
    """One row per member present at a joint training: ``period``, ``activity_id``, ``sector``."""
    trainings = data.activities.loc[flags(data.activities["kind"].eq("joint_training")), ["activity_id", "date"]]
    present = data.attendance[["activity_id", "member_id"]].merge(trainings, on="activity_id")
    return dated_rows(present["date"], periods, activity_id=present["activity_id"].to_numpy(dtype=object),
                  sector=present["member_id"].map(member_sectors(data)).to_numpy(dtype=object))


def meeting_attendance_rate(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Members present / members expected over the period's meetings.

    A member is expected at every meeting held while it belonged to the task force
    (``joined_on`` ≤ date ≤ ``left_on``); a guest present while not a member is not counted.
    """
    if not_recorded(data, "activities"):
        return nan_series(periods, "meeting_attendance_rate")
    counts = _meeting_counts(data)
    frame = dated_rows(counts["date"], periods, present=counts["present"].to_numpy(), expected=counts["expected"].to_numpy())
    sums = frame.groupby("period")[["present", "expected"]].sum().reindex(periods)
    rate = sums["present"] / sums["expected"].where(sums["expected"] > 0)
    return rate.astype("float64").rename("meeting_attendance_rate").rename_axis("period")


def joint_training_sectors(data: TaskForceData, periods: pd.PeriodIndex) -> pd.Series:
    """Mean number of distinct sectors among the members present at the period's joint trainings."""
    if not_recorded(data, "activities"):
        return nan_series(periods, "joint_training_sectors")
    act = data.activities[flags(data.activities["kind"].eq("joint_training"))]
    present = data.attendance.assign(sector=data.attendance["member_id"].map(member_sectors(data)))
    per_training = present.groupby("activity_id")["sector"].nunique()
    sectors = act["activity_id"].map(per_training).fillna(0).to_numpy(dtype=float)
    return _median_like_mean(act["date"], periods, "joint_training_sectors", sectors)


def _median_like_mean(dates: pd.Series, periods: pd.PeriodIndex, name: str, values: np.ndarray) -> pd.Series:
    frame = dated_rows(dates, periods, v=np.asarray(values, dtype=float))
    return frame.groupby("period")["v"].mean().reindex(periods).astype("float64").rename(name).rename_axis("period")
