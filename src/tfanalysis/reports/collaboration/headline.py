"""The report's headline numbers for the leadership summary, and the sentence that says what it covers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration.catalogue import BY_NAME
from tfanalysis.analyses.collaboration.periods import period_labels, period_word
from tfanalysis.data.periods import PeriodLike, parse_period
from tfanalysis.reports.collaboration.counts import ReleasedCounts
from tfanalysis.reports.collaboration.published import _latest_note, _numbers, publish


def headline_metrics(table: pd.DataFrame, counts: ReleasedCounts, period: PeriodLike) -> dict[str, dict[str, Any]]:
    """The collaboration report's headline numbers, ready for ``notebook.record_metric``.

    Rates are the latest period's as :func:`publish` shows them
    (``median_response_days``, ``cross_sector_tie_share`` and ``referral_acceptance_rate``,
    the shares in %). ``arrests``, ``charges_filed`` and ``convictions`` are counts over
    the reporting period itself (all periods for ``"all"``), released like every other
    count (``hidden`` when the layer hides them). ``joint_trainings`` (activities, not
    victims) is the total over the periods that meet the reporting period, shown as is.

    Returns
    -------
    dict
        metric name → keyword arguments of :func:`tfanalysis.reports.notebook.record_metric`
        (``value``, ``label``, ``unit``, ``count``, ``threshold``, ``higher_is_better``,
        ``hidden``).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> from tfanalysis.analyses.collaboration.catalogue import indicators
    >>> from tfanalysis.reports.collaboration.counts import release_counts
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> counts = release_counts(Release(data), data, names=["referrals_made", "referrals_closed", "referrals_accepted", "convictions"])
    >>> m = headline_metrics(indicators(data), counts, "all")
    >>> m["median_response_days"]["value"], m["joint_trainings"]["value"], m["convictions"]["value"]  # 2025Q4 ends on the data's last day
    (None, 19, 49)
    """
    shown = publish(table, counts) if len(table) else pd.DataFrame(columns=table.columns)
    values = _numbers(shown, table.index)
    labels = list(shown.index)
    latest = labels[-1] if labels else "n/a"
    p = parse_period(period)
    if p.start is None:
        inside = np.ones(len(table), dtype=bool)
    else:  # periods that meet the reporting period
        inside = np.asarray((table.index.end_time >= p.start) & (table.index.start_time <= p.end + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")), dtype=bool)
    window = p.label if p.start is not None else (f"{labels[0]}–{labels[-1]}" if labels else "all data")
    k = counts.threshold

    def last(name: str, percent: bool = False) -> tuple[float | None, bool]:
        v = values[name].iloc[-1] if len(values) else np.nan
        hidden = bool(len(values)) and _latest_note(BY_NAME[name], counts, isinstance(shown[name].iloc[-1], str), v).startswith(("hidden", "not shown"))
        return (None if pd.isna(v) else float(v * 100 if percent else v)), hidden

    out: dict[str, dict[str, Any]] = {}
    for name, percent in (("median_response_days", False), ("cross_sector_tie_share", True), ("referral_acceptance_rate", True)):
        ind = BY_NAME[name]
        value, hidden = last(name, percent)
        out[name] = {"value": value, "label": f"{ind.label} ({latest})", "unit": "%" if percent else ind.unit,
                     "count": False, "threshold": k, "higher_is_better": ind.higher_is_better, "hidden": hidden}
    trainings = table.loc[inside, "joint_trainings"] if "joint_trainings" in table else pd.Series(dtype=float)
    out["joint_trainings"] = {"value": None if trainings.isna().all() else int(trainings.sum()), "label": f"{BY_NAME['joint_trainings'].label} ({window})",
                              "unit": "trainings", "count": False, "threshold": k, "higher_is_better": True, "hidden": False}
    for name in ("arrests", "charges_filed", "convictions"):
        value = counts.over(name, p.start, p.end, window) if len(counts.periods) else np.nan
        unknown = isinstance(value, float) and math.isnan(value)
        out[name] = {"value": None if unknown else value, "label": f"{BY_NAME[name].label} ({window})", "unit": "events",
                     "count": True, "threshold": k, "higher_is_better": None, "hidden": value is None}
    return out


def scope_markdown(index: pd.PeriodIndex, period_label: str, region: str = "", *, as_of: Any = None, outcomes_on: Any = None) -> str:
    """What the collaboration report covers, in a sentence or two.

    Parameters
    ----------
    index : pandas.PeriodIndex
        The indicators' periods.
    period_label : str
        The reporting period's label.
    region : str
        The report's region parameter (collaboration does not use it: said so).
    as_of : date-like, optional
        The data end (:func:`data_end`): a last period that runs past it is called partial.
    outcomes_on : date-like, optional
        The date the indicators read outcomes by (the whole data's end, ``indicators(...,
        through=...)``): said when it is after the series' end.

    Examples
    --------
    >>> print(scope_markdown(pd.period_range("2023Q1", "2025Q4", freq="Q"), "all data", "OH"))
    Indicators for every quarter from 2023Q1 to 2025Q4 (12 quarters); the reporting period (all data) ends the
    series, and the trends read the whole history up to and including it. Collaboration is measured for the
    whole task force: the region parameter (OH) does not narrow it.
    >>> print(scope_markdown(pd.period_range("2025Q1", "2025Q3", freq="Q"), "2025Q3", outcomes_on="2025-12-31"))
    Indicators for every quarter from 2025Q1 to 2025Q3 (3 quarters); the reporting period (2025Q3) ends the
    series, and the trends read the whole history up to and including it. What became of each quarter's clients,
    needs, referrals and cases (a first service, a need met, charges filed) is read as the data record it on
    2025-12-31, after the series ends: a quarter has the same values here as in a report on a later period.
    """
    if len(index) == 0:
        return "The data hold no dated records: there is nothing to measure yet."
    word = period_word(index)
    labels = period_labels(index)
    try:  # labels read back: "2099Q1", "2099-01-01 to 2099-03-31"
        reported = parse_period(period_label)
    except ValueError:  # a label that is not a period ("all data"): no gap to check
        reported = None
    if reported is not None and reported.start is not None and reported.start > index[-1].end_time:
        return (f"No data in this period ({period_label}): the data end in {labels[-1]}. The indicators below are those of the "
                f"{len(index)} {word}{'s' if len(index) != 1 else ''} from {labels[0]} to {labels[-1]}, before the period.")
    text = (f"Indicators for every {word} from {labels[0]} to {labels[-1]} ({len(index)} {word}s); the reporting period ({period_label}) ends the series, "
            "and the trends read the whole history up to and including it.")
    if as_of is not None and index[-1].end_time.normalize() > pd.Timestamp(as_of):
        text += f" The last {word}, {labels[-1]}, is partial: the data end on {pd.Timestamp(as_of).date()}."
    if outcomes_on is not None and pd.Timestamp(outcomes_on).normalize() > index[-1].end_time.normalize():
        text += (f" What became of each {word}'s clients, needs, referrals and cases (a first service, a need met, charges filed) is read as "
                 f"the data record it on {pd.Timestamp(outcomes_on).date()}, after the series ends: a {word} has the same values here as in a "
                 "report on a later period.")
    if region and region.strip():
        text += f" Collaboration is measured for the whole task force: the region parameter ({region.strip()}) does not narrow it."
    return text
