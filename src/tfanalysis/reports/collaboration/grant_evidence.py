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
    ends = cut_short(counts)
    out.index = pd.Index([f"{label} (to {ends[label]:%-d %B})" if label in ends else label for label in labels], name=table.index.name)
    return out


def cut_short(counts: ReleasedCounts) -> dict[str, pd.Timestamp]:
    """The periods whose counts end before the period does (the report's period ends inside the year), with their last day.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from tfanalysis.publication import Interval
    >>> spans = [("2024", Interval(None, pd.Timestamp("2024-12-31"))), ("2025", Interval(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-09-30")))]
    >>> cut_short(SimpleNamespace(spans=spans))
    {'2025': Timestamp('2025-09-30 00:00:00')}
    """
    out = {}
    for label, span in counts.spans:
        try:
            whole = pd.Period(label).end_time.normalize()
        except ValueError:  # a label that is no calendar period
            continue
        if span.end is not None and pd.Timestamp(span.end).normalize() < whole:
            out[label] = pd.Timestamp(span.end).normalize()
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
    services; 186 criminal cases opened had victims who also received services from members (at any date up to the
    data end). The task force held 19 joint trainings (up to 10 sectors present in a year) and 27 multidisciplinary
    case reviews. Membership went from 39 organizations in 9 sectors at the end of 2023 to 40 in 10 sectors at the
    end of 2025, with 3 joining after 2023.
    """
    if table.empty:
        return "No dated records: nothing to document yet."
    first, last = table.index[0], table.index[-1]
    cut = cut_short(counts).get(last)  # the report's period ends inside the last year: say so
    if cut is None:
        span = f"From {first} to {last}" if first != last else f"In {first}"
        at_last = f"at the end of {last}"
    else:
        span = f"From {first} to {cut:%-d %B %Y}" if first != last else f"From 1 January to {cut:%-d %B %Y}"
        at_last = f"on {cut:%-d %B %Y}"
    total = table.sum(min_count=1)

    def count(name: str, one: str, many: str, after_of: str = "") -> str:
        value = counts.total(name)  # None: hidden ("a hidden number of ..."); NaN: not counted
        return f"{counts.text(value)} {after_of or many}" if value is None or isinstance(value, float) else _number(value, one, many)

    def tally(value: float, one: str, many: str) -> str:
        return f"an unknown number of {many}" if pd.isna(value) else _number(value, one, many)

    sectors = table["training_sectors"]
    most = f"up to {_number(sectors.max(), 'sector', 'sectors')}" if sectors.notna().any() else "an unknown number of sectors"
    members, in_sectors = int(table["members"].iloc[-1]), _number(table["sectors"].iloc[-1], "sector", "sectors")
    membership = (f"Membership went from {_number(table['members'].iloc[0], 'organization', 'organizations')} in "
                  f"{_number(table['sectors'].iloc[0], 'sector', 'sectors')} at the end of {first} to {members:,} in {in_sectors} "
                  # those who joined within the first year are in its end-of-year count already
                  f"{at_last}, with {int(table['members_joined'].iloc[1:].sum()):,} joining after {first}." if first != last else
                  f"Membership {at_last}: {_number(members, 'organization', 'organizations')} in {in_sectors}.")
    return (
        f"{span} the members made {count('cross_sector_referrals', 'referral', 'referrals')} across sectors, "
        f"{count('le_vs_referrals', 'of them', 'of them', after_of='them')} between law enforcement and victim services; "
        f"{count('joint_cases', 'criminal case', 'criminal cases')} opened had victims who also received services from members "
        "(at any date up to the data end). "
        f"The task force held {tally(total['joint_trainings'], 'joint training', 'joint trainings')} ({most} present in a year) "
        f"and {tally(total['case_reviews'], 'multidisciplinary case review', 'multidisciplinary case reviews')}. {membership}"
    )


def _number(value: float, one: str, many: str) -> str:
    """A number with its noun in the right number: ``1 sector``, ``7 sectors``.

    Examples
    --------
    >>> _number(1, "joint training", "joint trainings"), _number(2096.0, "referral", "referrals")
    ('1 joint training', '2,096 referrals')
    """
    return f"{int(value):,} {one if int(value) == 1 else many}"
