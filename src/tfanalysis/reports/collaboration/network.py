"""The referral network as the report draws it: members and ties per period, from released counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration.network_layout import picture_tables
from tfanalysis.analyses.collaboration.periods import period_labels
from tfanalysis.publication.privacy import HIDDEN
from tfanalysis.reports.collaboration.counts import SECTOR_LINK, TIE, ReleasedCounts

if TYPE_CHECKING:  # annotations only: loading data (pandera) is not needed to analyse it
    from tfanalysis.data.io import TaskForceData


NOT_DRAWN = " (ties not shown: disclosure control)"
"""Appended to the label of a period whose ties are not drawn: refused by the layer, or never asked for (``network_periods``)."""


def network_picture(data: TaskForceData, periods: pd.PeriodIndex, counts: ReleasedCounts, *, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and ties of the referral network of a few periods, ready to draw for leadership.

    :func:`tfanalysis.analyses.collaboration.network_layout.picture_tables` with period labels. Members and the ties
    between them are organizations, drawn as they are; the number of referrals behind
    each tie counts victims' referrals and is released per period through the same
    release as the report's other counts (:data:`SECTOR_LINK` × :data:`TIE`, so that the
    ties of one kind add up to the cross-sector and law enforcement ↔ victim services
    counts the reader also sees): ``"hidden"`` where hidden. Only the periods the counts were
    released for with ``network_periods`` (and the layer let draw: ``counts.ties_drawn``)
    get their ties; another keeps its members but no ties and no partner counts, and its
    label says so. The members are placed from the ties drawn only: a layout of refused
    ties would show who referred to whom by where it puts them (an outsider, 2026-12-07:
    the four members set apart from the rest had no referral in either refused period).

    Parameters
    ----------
    data : TaskForceData
        The history the indicators read (:func:`up_to`).
    periods : pandas.PeriodIndex
        Periods of ``counts`` to draw (:func:`compare_periods`).
    counts : ReleasedCounts
        :func:`release_counts` of the report.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> from tfanalysis.reports.collaboration.counts import release_counts
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> periods = pd.PeriodIndex(["2024Q2", "2025Q4"], freq="Q")
    >>> counts = release_counts(Release(data), data, names=["referrals_made", "cross_sector_referrals", "le_vs_referrals"], network_periods=periods)
    >>> nodes, ties = network_picture(data, periods, counts)
    >>> sorted(nodes["period"].unique()), "hidden" in set(ties["referrals"])
    (['2024Q2 (ties not shown: disclosure control)', '2025Q4'], True)

    (2024Q2's referrals of one sector link are a few victims': its ties would tell between
    which members they were referred, :mod:`tfanalysis.publication.small_groups`.)
    """
    # the layout is drawn from the ties it shows: one laid out on refused ties would place members by them
    shown = np.zeros(len(data.referrals), dtype=bool)
    for label in counts.ties_drawn & set(period_labels(periods)):  # two periods, usually
        shown |= counts.span(label).mask(data.referrals["referred_on"])
    nodes, ties = picture_tables(data.referrals[shown], data.members, periods, seed=seed)
    if len(ties) and TIE not in counts.release.units("referrals"):
        raise ValueError("the tie counts need the referrals' sector links: release the cross-sector counts first (release_counts with all counts)")
    labels = dict(zip([str(p) for p in periods], period_labels(periods)))
    nodes["period"] = nodes["period"].map(labels).astype(object)  # text, also when no member is there yet
    ties["period"] = ties["period"].map(labels).astype(object)
    refused = [label for label in pd.unique(nodes["period"]) if label not in counts.ties_drawn]
    ties = ties[~ties["period"].isin(refused)].reset_index(drop=True)
    not_drawn = nodes["period"].isin(refused).to_numpy()
    nodes["ties"] = nodes["ties"].astype("float64").where(~not_drawn)
    nodes["period"] = nodes["period"].where(~not_drawn, nodes["period"] + NOT_DRAWN)
    shown = pd.Series(HIDDEN, index=ties.index, dtype=object)
    for label in pd.unique(ties["period"]):  # two periods, usually
        released = counts.release.table("referrals", rows=[SECTOR_LINK, TIE], where={"referred_on": counts.span(label)},
                                        name=f"collaboration: referrals per tie in {label}")
        per_tie = released.shown.iloc[:-1, 0]
        per_tie.index = per_tie.index.get_level_values(TIE)
        mine = ties["period"] == label
        keys = ties.loc[mine, "member_a"].astype(str) + "|" + ties.loc[mine, "member_b"].astype(str)
        shown[mine] = per_tie.reindex(keys.to_numpy()).fillna(HIDDEN).to_numpy(dtype=object)
    ties["referrals"] = shown.to_numpy()
    return nodes, ties
