"""The grant evidence as the report shows it: released counts per year, and the sentences."""

from __future__ import annotations

import pandas as pd

from tfanalysis.analyses.collaboration.grant_evidence import EVIDENCE_COUNTS
from tfanalysis.reports.collaboration.counts import ReleasedCounts


def publish_evidence(table: pd.DataFrame, counts: ReleasedCounts) -> pd.DataFrame:
    """:func:`evidence` for leadership: victims' referral and case counts as released.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`evidence` of the history, per year (or ``freq``).
    counts : ReleasedCounts
        :func:`release_counts` of :data:`EVIDENCE_COUNTS` for the same periods: the same
        counts as the report's other series, so that a year beside its quarters gives no
        hidden quarter back.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> from tfanalysis.analyses.collaboration.grant_evidence import evidence
    >>> from tfanalysis.reports.collaboration.counts import release_counts
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> rel = Release(data)
    >>> quarters = release_counts(rel, data, "2025Q4", names=["le_vs_referrals"])
    >>> years = release_counts(rel, data, "2025Q4", "Y", names=EVIDENCE_COUNTS)
    >>> publish_evidence(evidence(data), years)[["le_vs_referrals", "joint_trainings"]].to_dict("list")
    {'le_vs_referrals': ['hidden', 'hidden', 180], 'joint_trainings': [4, 6, 9]}
    """
    labels = list(table.index)
    if labels != list(counts.labels):
        raise ValueError("the evidence and the released counts cover different periods: release the counts for the same period and frequency")
    out = table.astype(object)
    for name in table.columns:
        if name in EVIDENCE_COUNTS:
            out[name] = counts.shown(name).to_numpy()
        else:
            out[name] = [None if pd.isna(v) else int(v) for v in table[name]]
    return out


def evidence_markdown(table: pd.DataFrame, counts: ReleasedCounts) -> str:
    """Sentences for a grant application, read from :func:`evidence` and its released counts.

    The victims' counts are the released totals over every period of ``counts`` (a
    hidden one reads "a hidden number of"); members, trainings and case reviews are
    organizations' data, quoted as they are.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> from tfanalysis.analyses.collaboration.grant_evidence import evidence
    >>> from tfanalysis.reports.collaboration.counts import release_counts
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> print(evidence_markdown(evidence(data), release_counts(Release(data), data, "all", "Y", names=EVIDENCE_COUNTS)))
    From 2023 to 2025 the members made 2,096 referrals across sectors, 344 of them between law enforcement and victim
    services; 186 criminal cases had victims who also received services from members. The task force held 19 joint
    trainings (up to 10 sectors present in a year) and 27 multidisciplinary case reviews. Membership went from 39
    organizations in 9 sectors at the end of 2023 to 40 in 10 sectors at the end of 2025, with 3 joining after 2023.
    """
    if table.empty:
        return "No dated records: nothing to document yet."
    first, last = table.index[0], table.index[-1]
    span = f"From {first} to {last}" if first != last else f"In {first}"
    total = table.sum(min_count=1)

    def count(name: str) -> str:
        return counts.text(counts.total(name))

    def tally(value: float) -> str:
        return "an unknown number of" if pd.isna(value) else f"{int(value):,}"

    most_sectors = int(table["training_sectors"].max()) if table["training_sectors"].notna().any() else "an unknown number of"
    return (
        f"{span} the members made {count('cross_sector_referrals')} referrals across sectors, "
        f"{count('le_vs_referrals')} of them between law enforcement and victim services; "
        f"{count('joint_cases')} criminal cases had victims who also received services from members. "
        f"The task force held {tally(total['joint_trainings'])} joint trainings (up to {most_sectors} sectors present in a year) "
        f"and {tally(total['case_reviews'])} multidisciplinary case reviews. "
        f"Membership went from {int(table['members'].iloc[0])} organizations in {int(table['sectors'].iloc[0])} sectors at the end of {first} "
        f"to {int(table['members'].iloc[-1])} in {int(table['sectors'].iloc[-1])} sectors at the end of {last}"
        # those who joined within the first year are in its end-of-year count already
        + (f", with {int(table['members_joined'].iloc[1:].sum())} joining after {first}." if first != last else ".")
    )
