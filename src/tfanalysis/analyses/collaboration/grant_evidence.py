"""Evidence of collaboration for grant reporting: joint cases, referrals across sectors, trainings, members, per year."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration.engagement import _training_attendance, case_reviews, joint_trainings
from tfanalysis.analyses.collaboration.justice import joint_cases
from tfanalysis.analyses.collaboration.members import membership
from tfanalysis.analyses.collaboration.periods import period_index, period_labels
from tfanalysis.analyses.collaboration.referrals import cross_sector_referrals, le_vs_referrals
from tfanalysis.analyses.collaboration.series import not_recorded

if TYPE_CHECKING:  # annotations only: loading data (pandera) is not needed to analyse it
    from tfanalysis.data.io import TaskForceData


EVIDENCE_COUNTS: tuple[str, ...] = ("joint_cases", "cross_sector_referrals", "le_vs_referrals")
"""Evidence columns that count victims' referrals and cases: suppressed when published."""


def evidence(data: TaskForceData, freq: str = "Y") -> pd.DataFrame:
    """Documented collaboration for a grant application, per period (years by default).

    Returns
    -------
    pandas.DataFrame
        Indexed by period label: ``joint_cases`` (criminal cases whose victims received
        services), ``cross_sector_referrals``, ``le_vs_referrals`` (law enforcement ↔
        victim services), ``joint_trainings``, ``training_sectors`` (distinct sectors
        present at the period's joint trainings), ``case_reviews``, ``members`` (at the
        period's end), ``members_joined``, ``sectors`` (represented). Raw counts: publish
        with :func:`publish_evidence`.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> ev = evidence(tf.load_dataset(DEMO_DIR))
    >>> ev["joint_trainings"].astype(int).tolist()
    [4, 6, 9]
    """
    periods = period_index(data, freq)
    att = _training_attendance(data, periods)
    members = membership(data, freq)
    out = pd.DataFrame(
        {
            "joint_cases": joint_cases(data, periods),
            "cross_sector_referrals": cross_sector_referrals(data, periods),
            "le_vs_referrals": le_vs_referrals(data, periods),
            "joint_trainings": joint_trainings(data, periods),
            "training_sectors": att.groupby("period")["sector"].nunique().reindex(periods, fill_value=0).astype("float64"),
            "case_reviews": case_reviews(data, periods),
        },
        index=periods,
    )
    if not_recorded(data, "activities"):
        out["training_sectors"] = np.nan
    out.index = period_labels(periods)
    out.index.name = "period"
    out["members"] = members["members"].to_numpy()
    out["members_joined"] = members["joined"].to_numpy()
    out["sectors"] = members["sectors"].to_numpy()
    return out
