"""Before and after a change date: the change test, its sentences, the fitted lines and the control chart.

Every test and line is computed from the values :func:`~tfanalysis.reports.collaboration.published.publish`
shows (a hidden period is left out and keeps its place in time).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration import trends
from tfanalysis.analyses.collaboration.catalogue import BY_NAME
from tfanalysis.analyses.collaboration.trends.xmr import RUN_LENGTH
from tfanalysis.analyses.collaboration.periods import period_labels, period_word
from tfanalysis.reports.collaboration.counts import ReleasedCounts
from tfanalysis.reports.collaboration.published import _format_p, _numbers, publish, withheld


def change_effects(table: pd.DataFrame, counts: ReleasedCounts, change: Any, names: Sequence[str], *, alpha: float = 0.05) -> pd.DataFrame:
    """Before/after estimates (segmented regression) of some indicators around a change date, tested together.

    Each indicator is a segmented regression (:func:`tfanalysis.analyses.collaboration.trends.change_tests`:
    least squares, t and F tests on n − 4 degrees of freedom). Its verdict asks whether
    the level or the trend changed (the F test of both), with the indicators named here
    tested together (:func:`tfanalysis.analyses.collaboration.trends.change_verdicts`, Holm's correction): the
    chance that noise alone makes any of them "a change" is at most ``alpha``.

    The regressions read the values :func:`publish` shows, and nothing else: a hidden
    period is left out (it keeps its place in time), so the estimates, their intervals
    and the means before and after give no hidden count back.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`indicators`.
    counts : ReleasedCounts
        :func:`release_counts` over the same periods.
    change : date-like
        The change date; the first period starting on or after it is the first "after".
    names : sequence of str
        Indicators to estimate: one family for the multiple-testing correction.
    alpha : float
        1 − confidence level of the intervals, and the family-wise error rate.

    Returns
    -------
    pandas.DataFrame
        One row per indicator × term (``pre_slope``, ``level_change``, ``slope_change``):
        ``indicator``, ``label``, ``unit``, ``term``, ``estimate``, ``ci_low``,
        ``ci_high``, ``p_value``, ``mean_before``, ``mean_after``, ``n_pre``, ``n_post``,
        ``first_post``, ``df_resid``, ``change_p`` (level and trend together),
        ``change_p_holm``, ``verdict`` (``change``, ``inconclusive``, ``too short``),
        ``tested_together`` (indicators in the family), ``note``, ``period_word``,
        ``hidden_periods`` (periods whose value is hidden for disclosure control, left out: a
        series with one is never called a change, since the hidden values are the small ones, or hidden beside them).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> from tfanalysis.analyses.collaboration.catalogue import indicators
    >>> from tfanalysis.reports.collaboration.counts import release_counts
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> counts = release_counts(Release(data), data, names=["referrals_made"])
    >>> fx = change_effects(indicators(data), counts, "2024-07-01", ["median_response_days"])
    >>> row = fx.set_index("term").loc["level_change"]
    >>> bool(-9 < row["estimate"] < -6 and row["ci_high"] < 0), row["first_post"], row["verdict"]
    (True, '2024Q3', 'change')

    Three quarters of cases involving more than one agency are hidden (the first quarter's 0
    with them: its cases' victims are a few people, publication.small_groups): no verdict of
    a change on the rest.

    >>> counts = release_counts(Release(data), data, names=["multi_agency_cases"])
    >>> row = change_effects(indicators(data), counts, "2024-07-01", ["multi_agency_cases"]).set_index("term").loc["level_change"]
    >>> int(row["hidden_periods"]), row["verdict"]
    (3, 'inconclusive')
    """
    chosen = list(dict.fromkeys(names))
    columns = ["indicator", "label", "unit", "term", "estimate", "ci_low", "ci_high", "p_value", "mean_before", "mean_after", "n_pre", "n_post",
               "first_post", "df_resid", "change_p", "change_p_holm", "verdict", "tested_together", "note", "period_word", "hidden_periods"]
    if not chosen:
        return pd.DataFrame(columns=columns)
    values = _numbers(publish(table[chosen], counts), table.index)
    left_out = withheld(table[chosen], counts).sum()
    tests = trends.change_verdicts(trends.change_tests(values[chosen], change, alpha=alpha), alpha=alpha)
    post = trends.after_change(values.index, change)
    rows = []
    for name in chosen:  # a handful of indicators
        ind, test, series = BY_NAME[name], tests.loc[name], values[name]
        for term in ("pre_slope", "level_change", "slope_change"):
            rows.append(
                {
                    "indicator": name, "label": ind.label, "unit": ind.unit, "term": term,
                    "estimate": test[term], "ci_low": test[f"{term}_low"], "ci_high": test[f"{term}_high"], "p_value": test[f"{term}_p"],
                    "mean_before": float(series[~post].mean()), "mean_after": float(series[post].mean()),
                    "n_pre": int(test["n_pre"]), "n_post": int(test["n_post"]), "first_post": _label_of(series.index, test["first_post"]),
                    "df_resid": test["df_resid"], "change_p": test["change_p"], "change_p_holm": test["change_p_holm"],
                    # the hidden values are the small ones: estimates on the rest lean on which they are
                    "verdict": "inconclusive" if left_out[name] and test["verdict"] == "change" else test["verdict"],
                    "tested_together": tests.attrs["family_size"], "note": test["note"], "period_word": period_word(series.index),
                    "hidden_periods": int(left_out[name]),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def _label_of(index: pd.Index, text: str | None) -> str | None:
    if text is None or not isinstance(index, pd.PeriodIndex):
        return text
    labels = dict(zip([str(p) for p in index], period_labels(index)))
    return labels.get(text, text)


def _amount(value: float, unit: str, *, with_unit: bool = True) -> str:
    if unit == "share":
        return f"{value * 100:+.1f}" + (" percentage points" if with_unit else "")
    if unit == "days":
        return f"{value:+.1f}" + (" days" if with_unit else "")
    if unit in ("count", "tally"):
        return f"{value:+.1f}"
    return f"{value:+.3f}"


def _level(value: float, unit: str) -> str:
    if unit == "share":
        return f"{value * 100:.0f}%"
    if unit == "days":
        return f"{value:.1f} days"
    return f"{value:.2f}" if unit == "measure" else f"{value:.1f}"


def _counts(n_pre: int, n_post: int, freq_word: str) -> str:
    return f"{n_pre} {freq_word}{'s' if n_pre != 1 else ''} before, {n_post} after"


def _method_sentence(tested: int, df_resid: list[float]) -> str:
    family = (f"the {tested} indicators tested are judged together (Holm's correction: noise alone makes any of them "
              "\"a change\" at most 5% of the time)") if tested > 1 else "one indicator tested" if tested == 1 else "none could be tested"
    low, high = min(df_resid), max(df_resid)
    df = (f"{low:.0f} degrees of freedom (the values less the 4 terms fitted)" if low == high else
          f"{low:.0f} to {high:.0f} degrees of freedom (the values less the 4 terms fitted: fewer where a period is hidden)")
    return (f"Segmented regression by least squares, with t and F tests on {df} that assume independent noise from one "
            f"period to the next; {family}.")


def change_markdown(effects: pd.DataFrame, change: Any) -> str:
    """Templated sentences reading :func:`change_effects` for leadership.

    Each indicator gets the level change and the trend change with their intervals,
    then its verdict: "a change the data support" only when the level and the trend
    together pass the test after the correction for the indicators tested together;
    otherwise "inconclusive", or "too short" when a side has too few periods.

    Examples
    --------
    >>> fx = pd.DataFrame([{"indicator": "x", "label": "Median days", "unit": "days", "term": t, "estimate": e,
    ...     "ci_low": e - 1, "ci_high": e + 1, "p_value": p, "mean_before": 10.0, "mean_after": 3.5, "n_pre": 6, "n_post": 6,
    ...     "first_post": "2024Q3", "df_resid": 8.0, "change_p": 0.0001, "change_p_holm": 0.0006, "verdict": "change",
    ...     "tested_together": 6, "note": "", "period_word": "quarter"} for t, e, p in
    ...     [("pre_slope", 0.1, 0.5), ("level_change", -6.5, 0.0001), ("slope_change", 0.0, 0.9)]])
    >>> print(change_markdown(fx, "2024-07-01"))
    Change date 2024-07-01: the first quarter after it is 2024Q3 (6 quarters before, 6 after). Segmented regression by
    least squares, with t and F tests on 8 degrees of freedom (the values less the 4 terms fitted) that assume independent
    noise from one period to the next; the 6 indicators tested are judged together (Holm's correction: noise alone makes
    any of them "a change" at most 5% of the time).
    <BLANKLINE>
    - **Median days**: averaged 10.0 days per quarter before and 3.5 days after. At the change the level moved by
    **-6.5 days** (95% CI -7.5 to -5.5 days; p < 0.001); the trend per quarter changed by +0.0 days (95% CI -1.0 to +1.0
    days; p 0.900). Verdict: a change the data support (level and trend together: p < 0.001, < 0.001 corrected for 6
    indicators).
    """
    day = _change_day(change)
    if day is None:
        return "No change date was set for this run (`change_date`): there is no before/after estimate."
    if effects.empty:
        return "No indicator was chosen for the before/after estimate."
    first = effects.iloc[0]
    freq_word = str(first.get("period_word", "period"))
    lines = []
    header: tuple[int, int] | None = None
    fitted_df = effects.loc[effects["term"].eq("level_change") & effects["estimate"].notna(), "df_resid"].astype(float).tolist()
    for _, rows in effects.groupby("indicator", sort=False):  # a handful of indicators
        terms = rows.set_index("term")
        level, slope = terms.loc["level_change"], terms.loc["slope_change"]
        unit, label = level["unit"], level["label"]
        sides = (int(level["n_pre"]), int(level["n_post"]))
        if header is None and not math.isnan(level["estimate"]):
            header = sides
            tested = int(level["tested_together"])
            lines.insert(0, f"Change date {day}: the first {freq_word} after it is {level['first_post']} ({_counts(*sides, freq_word)}). "
                            f"{_method_sentence(tested, fitted_df)}\n")
        left_out = int(level.get("hidden_periods", 0) or 0)
        hidden = (f" {left_out} {freq_word}{'s' if left_out != 1 else ''} whose value is hidden (disclosure control) "
                  f"{'are' if left_out != 1 else 'is'} left out.") if left_out else ""
        if math.isnan(level["estimate"]):
            lines.append(f"- **{label}**: {level['note']}. No conclusion about the change can be drawn from this series (verdict: too short).{hidden}")
            continue
        own = f" ({_counts(*sides, freq_word)})" if sides != header else ""
        if math.isnan(level["p_value"]):  # an exact fit: estimates, but nothing to judge them against
            lines.append(
                f"- **{label}**{own}: averaged {_level(level['mean_before'], unit)} per {freq_word} before and {_level(level['mean_after'], unit)} after. "
                f"The values lie exactly on two straight lines, so there is no variation to judge a change against: no interval or test. "
                f"Verdict: inconclusive.{hidden}")
            continue
        tested = int(level["tested_together"])
        together = f"level and trend together: p {_format_p(level['change_p'])}" + (
            f", {_format_p(level['change_p_holm'])} corrected for {tested} indicators" if tested > 1 else "")
        verdict = ("a change the data support" if level["verdict"] == "change"
                   else "inconclusive: with values hidden, the shown ones lean on which are small" if left_out
                   else "inconclusive, the data cannot tell a change from noise")
        lines.append(
            f"- **{label}**{own}: averaged {_level(level['mean_before'], unit)} per {freq_word} before and {_level(level['mean_after'], unit)} after. "
            f"At the change the level moved by **{_amount(level['estimate'], unit)}** (95% CI {_amount(level['ci_low'], unit, with_unit=False)} to {_amount(level['ci_high'], unit)}; "
            f"p {_format_p(level['p_value'])}); the trend per {freq_word} changed by {_amount(slope['estimate'], unit)} "
            f"(95% CI {_amount(slope['ci_low'], unit, with_unit=False)} to {_amount(slope['ci_high'], unit)}; p {_format_p(slope['p_value'])}). "
            f"Verdict: {verdict} ({together})."
            + (f" Note: {level['note']}." if level["note"] else "") + hidden
        )
    if header is None:
        lines.insert(0, f"Change date {day}: first {freq_word} after it {first['first_post'] or 'not in the data'}.\n")
    return "\n".join(lines)


def _change_day(change: Any) -> date | None:
    """The change date as a day, or None when the run sets none (``change_date`` empty)."""
    stamp = pd.Timestamp(trends.as_change_date(change)) if change not in (None, "") else pd.NaT
    return None if pd.isna(stamp) else stamp.date()


def change_section_markdown(change: Any) -> str:
    """Heading and opening paragraph of the report's section on the change: the method only when a change date is set.

    Without a change date nothing is estimated before and after (:func:`change_markdown`
    says so), and the section shows the indicators over time.

    Examples
    --------
    >>> print(change_section_markdown(""))
    ## Indicators over time
    <BLANKLINE>
    Each indicator per period as published, and a control chart of the median response time.
    >>> change_section_markdown("2024-07-01").splitlines()[0]
    '## Before and after the change'
    """
    if _change_day(change) is None:
        return "## Indicators over time\n\nEach indicator per period as published, and a control chart of the median response time."
    return ("## Before and after the change\n\nAn interrupted time series for each indicator: the level and the slope before the "
            "change date, the jump at the first period after it, and the change of slope (segmented regression by least squares). "
            "The indicators are tested together: \"a change the data support\" only when the level and the trend together pass the "
            "test after Holm's correction for the indicators tested; otherwise inconclusive. A series with fewer than three periods "
            "on a side is too short to conclude.")


def trend_title(change: Any) -> str:
    """Title of the trend figure: around the change only when a change date is set.

    Examples
    --------
    >>> trend_title("2024-07-01"), trend_title("")
    ('Indicator trends around the change', 'Indicators per period')
    """
    return "Indicator trends around the change" if _change_day(change) is not None else "Indicators per period"


def trend_caption(change: Any) -> str:
    """The sentence above the trend figure: what it draws (fitted lines only when a change date is set).

    Without a change date nothing is fitted (:func:`trend_lines`): the figure shows the
    indicators' values alone, and its caption says only that.

    Examples
    --------
    >>> print(trend_caption(""))
    The indicators per period, as published. Gaps are periods whose value is hidden or not yet measurable.
    >>> "dotted" in trend_caption("2024-07-01")
    True
    """
    gaps = "Gaps are periods whose value is hidden or not yet measurable."
    if _change_day(change) is None:
        return f"The indicators per period, as published. {gaps}"
    return ("The indicators per period, with the fitted line before and after the change (orange) and the pre-change line "
            "carried on (dotted), for comparison: it is not an estimate of what would have happened without the change. "
            f"Lines are drawn only for indicators with no value hidden (a line on the shown values would lean on which are small). {gaps}")


def trend_lines(table: pd.DataFrame, counts: ReleasedCounts, change: Any, names: Sequence[str]) -> pd.DataFrame:
    """Published values with the segmented-regression lines, long format, for the trend figure.

    Observed values are those :func:`publish` shows (NaN where hidden or not available),
    and the lines are fitted to them alone: the fitted line is a linear map of the values
    it is fitted to, so a line fitted to every true count would give hidden ones back. An
    indicator with a value hidden gets no line at all: the hidden values are the small
    ones, and a line on the rest would lean on which they are (as :func:`change_effects`
    calls its test inconclusive).

    Returns
    -------
    pandas.DataFrame
        ``indicator``, ``label``, ``unit``, ``period`` (label), ``start`` (first day),
        ``observed``, ``hidden`` (the value exists but is hidden), ``fitted``,
        ``counterfactual``, ``post``, ``release`` (the released table of a count, empty for
        other indicators).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> from tfanalysis.analyses.collaboration.catalogue import indicators
    >>> from tfanalysis.reports.collaboration.counts import release_counts
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> counts = release_counts(Release(data), data, names=["le_vs_referrals"])
    >>> lines = trend_lines(indicators(data), counts, "2024-07-01", ["le_vs_referrals"])
    >>> lines.loc[lines["hidden"], "period"].tolist(), bool(lines["observed"][lines["hidden"]].isna().all())
    (['2023Q1', '2024Q2'], True)
    """
    columns = ["indicator", "label", "unit", "period", "start", "observed", "hidden", "fitted", "counterfactual", "post", "release"]
    chosen = list(dict.fromkeys(names))
    if not chosen:
        return pd.DataFrame(columns=columns)
    shown = publish(table[chosen], counts)
    out_for_disclosure = withheld(table[chosen], counts)
    values = _numbers(shown, table.index)
    parts = []
    for name in chosen:  # a handful of indicators
        ind = BY_NAME[name]
        fit = trends.segmented_fit(values[name], change)
        if out_for_disclosure[name].any():  # no line leaning on which values are hidden
            fit = fit.assign(fitted=np.nan, counterfactual=np.nan)
        parts.append(
            pd.DataFrame(
                {
                    "indicator": name, "label": ind.label, "unit": ind.unit,
                    "period": list(shown.index), "start": table.index.start_time,
                    "observed": values[name].to_numpy(dtype=float),
                    # hidden by the release, not a value that cannot be worked out yet (needs not yet due)
                    "hidden": out_for_disclosure[name].to_numpy(dtype=bool),
                    "fitted": fit["fitted"].to_numpy(), "counterfactual": fit["counterfactual"].to_numpy(), "post": fit["post"].to_numpy(),
                    # a count drawn as released: the figure names its table, for `tfanalysis audit` to read it back
                    "release": counts.series[name].name if ind.unit == "count" and name in counts.series else "",
                }
            )
        )
    return pd.concat(parts, ignore_index=True)[columns]


def first_post_label(index: pd.PeriodIndex, change: Any) -> str | None:
    """Label of the first period starting on or after the change date (None if there is none).

    Examples
    --------
    >>> first_post_label(pd.period_range("2024Q1", periods=4, freq="Q"), "2024-07-01")
    '2024Q3'
    """
    post = trends.after_change(index, change)
    return str(period_labels(index)[int(np.argmax(post))]) if post.any() else None


def control_chart(table: pd.DataFrame, counts: ReleasedCounts, name: str, change: Any = None) -> pd.DataFrame:
    """XmR chart (:func:`tfanalysis.analyses.collaboration.trends.control_chart`) of one indicator, indexed by period label.

    Limits come from the periods before ``change`` when given, and from the values
    :func:`publish` shows only (a hidden period is skipped). The indicator must not be a
    count of people (its cells would be drawn).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> from tfanalysis.analyses.collaboration.catalogue import indicators
    >>> from tfanalysis.reports.collaboration.counts import release_counts
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> counts = release_counts(Release(data), data, names=["referrals_made"])
    >>> chart = control_chart(indicators(data), counts, "median_response_days", "2024-07-01")
    >>> chart.loc["2024Q2":"2024Q3", "special_cause"].tolist()
    [False, True]
    """
    if BY_NAME[name].unit == "count":
        raise ValueError(f"{name} counts people or their cases: chart a rate or a median, not its small counts")
    chart = trends.control_chart(_numbers(publish(table[[name]], counts), table.index)[name], change=change)
    attrs = dict(chart.attrs)
    chart.index = period_labels(table.index)
    chart.attrs.update(attrs)
    return chart


def control_chart_caption(chart: pd.DataFrame, change: Any, *, label: str) -> str:
    """The sentence above the control chart: where its limits come from, and whether they are provisional.

    Limits from fewer than :data:`~tfanalysis.analyses.collaboration.trends.FIRM_LIMITS`
    baseline values are provisional (:func:`~tfanalysis.analyses.collaboration.trends.provisional_limits`).
    With a change date the baseline is the periods before it, so it never spans the change;
    without one the report knows of no change, and says nothing of one.

    Parameters
    ----------
    chart : pandas.DataFrame
        :func:`control_chart`.
    change : date-like or ""
        The run's change date (empty: none).
    label : str
        What the chart shows, in the reader's words (``the median response time``).

    Examples
    --------
    >>> y = pd.Series([10.0, 11, 10, 12, 11, 10, 11, 3], index=pd.period_range("2023Q1", periods=8, freq="Q"))
    >>> print(control_chart_caption(trends.control_chart(y), "", label="the median response time"))
    A control chart of the median response time, with limits from every period. A point outside them, or a run of 8
    on one side of the centre line, is a signal worth looking into, not proof of a change: a process that did not
    change at all gives at least one such signal in up to about one chart in five of 12 to 20 periods. Limits
    from every period span any lasting shift: where the values moved from one level to another, points on both
    sides of the shift can fall outside limits drawn between the two levels; give the run the shift's date as
    its change date to draw limits from the periods before it. The limits are provisional: they rest on fewer
    than 12 values, and will move as periods are added.
    """
    day = _change_day(change)
    source = f"the periods before the change date ({day})" if day is not None else "every period"
    # the chance figures: benchmarks/bench_chance_signals.py (4-20% of steady charts of 12-20 quarters, normal, Poisson and median values)
    text = (f"A control chart of {label}, with limits from {source}. A point outside them, or a run of {RUN_LENGTH} on one side "
            "of the centre line, is a signal worth looking into, not proof of a change: a process that did not change at all gives "
            "at least one such signal in up to about one chart in five of 12 to 20 periods.")
    if day is None and chart["center"].notna().any():
        # limits from every period span any shift: a statistician flagged two of a second task force's six signals as
        # artefacts of a step pulling the centre line down
        text += (" Limits from every period span any lasting shift: where the values moved from one level to another, "
                 "points on both sides of the shift can fall outside limits drawn between the two levels; give the run the "
                 "shift's date as its change date to draw limits from the periods before it.")
    if trends.provisional_limits(chart):
        text += (f" The limits are provisional: they rest on fewer than {trends.FIRM_LIMITS} values, and will move as periods "
                 "are added.")
    elif chart["center"].isna().all():
        text += " Too few periods are shown to compute limits."
    return text
