"""The indicators as leadership sees them, and the scorecard: latest value, changes, trend.

A share is shown where its released numerator and base are, a median where its base is;
changes and trends are read from shown values alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration import trends
from tfanalysis.publication.privacy import HIDDEN
from tfanalysis.analyses.collaboration.catalogue import BY_NAME, FAMILIES, INDICATORS, Indicator
from tfanalysis.analyses.collaboration.periods import period_labels, periods_per_year
from tfanalysis.analyses.collaboration.referrals import READ_ONCE_ANSWERED
from tfanalysis.reports.collaboration.counts import NUMERATORS, ReleasedCounts, _published_number


def publish(table: pd.DataFrame, counts: ReleasedCounts) -> pd.DataFrame:
    """The indicators as leadership sees them, indexed by period label.

    Counts of people, referrals, cases and criminal-justice events (unit ``count``) are
    the released ones (``"hidden"`` where hidden). A share is its released numerator over its
    released base (:data:`NUMERATORS`), shown where both are; a median is shown where its
    base is. Tallies of members, ties and activities, network measures and survey scores
    are organizations' data and shown as they are, except a period's tie tallies and the
    measures that give them back where their floor of the referral counts was refused
    (:meth:`ReleasedCounts.network_withheld`).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`indicators` (any of its columns).
    counts : ReleasedCounts
        :func:`release_counts` over the same periods.

    Returns
    -------
    pandas.DataFrame
        Index: period labels (:func:`period_labels`); count columns of object dtype.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> from tfanalysis.analyses.collaboration.catalogue import indicators
    >>> from tfanalysis.reports.collaboration.counts import release_counts
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> counts = release_counts(Release(data), data, names=["referrals_made", "le_vs_referrals", "cross_sector_referrals"])
    >>> shown = publish(indicators(data)[["le_vs_referrals", "cross_sector_referral_share", "ties"]], counts)
    >>> shown.loc["2024Q2", "le_vs_referrals"], round(shown.loc["2024Q2", "cross_sector_referral_share"], 3), shown.loc["2024Q2", "ties"]
    ('hidden', np.float64(0.521), np.float64(89.0))
    """
    labels = period_labels(table.index)
    if list(labels) != list(counts.labels):
        raise ValueError("the indicators and the released counts cover different periods: release the counts for the same period and frequency")
    shown = table.copy()
    shown.index = labels
    for name in table.columns:
        ind = BY_NAME.get(name)
        if ind is None:
            continue
        if ind.unit == "count":
            shown[name] = counts.shown(name).to_numpy()
        elif name in NUMERATORS:
            base = counts.numbers(ind.base)
            shown[name] = (counts.numbers(NUMERATORS[name]) / base.where(base > 0)).to_numpy()
        elif ind.base is not None:
            keep = counts.numbers(ind.base).notna().to_numpy()
            shown[name] = table[name].where(keep).to_numpy()
        if ind.family == "network":
            shown[name] = shown[name].where(~counts.network_withheld(name).to_numpy())
    return shown


def withheld(table: pd.DataFrame, counts: ReleasedCounts) -> pd.DataFrame:
    """Where :func:`publish` leaves a value out for disclosure control, not because it cannot be worked out.

    A count hidden by the release; a share or median resting on a hidden count; a network
    measure whose floor of the referral counts was refused. A value whose base exists but is
    not yet measurable (needs not yet due: a base of NaN) or not recorded is not withheld.

    Returns
    -------
    pandas.DataFrame
        Booleans, indexed by period label like :func:`publish`, one column per indicator of ``table``.
    """
    out = pd.DataFrame(False, index=period_labels(table.index), columns=table.columns)
    for name in table.columns:  # a few dozen indicators
        ind = BY_NAME.get(name)
        if ind is None:
            continue
        for count in [name] if ind.unit == "count" else [n for n in (NUMERATORS.get(name), ind.base) if n]:
            out[name] |= counts.hidden(count).to_numpy(dtype=bool)
        if ind.family == "network":
            out[name] |= counts.network_withheld(name).to_numpy(dtype=bool)
    return out


def _numbers(shown: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """Published cells as floats (NaN where hidden), on the indicators' own index."""
    out = shown.apply(lambda column: column.map(_published_number)).astype("float64")
    out.index = index
    return out


def scorecard(table: pd.DataFrame, counts: ReleasedCounts, *, families: Sequence[str] | None = None) -> pd.DataFrame:
    """Each indicator's latest value, its changes, and its trend, for leadership.

    Every number is read from what :func:`publish` shows: a change since the previous
    period or a year before exists only between two shown values, and the trend is tested
    on the shown values (a hidden period is left out, and keeps its place in time).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`indicators`.
    counts : ReleasedCounts
        :func:`release_counts` over the same periods.
    families : sequence of str, optional
        Families to include; all but ``survey`` by default (the survey has its own
        per-wave table: :func:`survey_waves`).

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator name: ``label``, ``family``, ``unit``, ``period`` (the latest),
        ``latest``, ``hidden`` (the latest value is hidden: ``latest`` is NaN),
        ``vs_previous`` (latest − previous period), ``vs_year_before`` (latest − the same
        period a year before), ``trend`` (Mann–Kendall over the shown values:
        increasing / decreasing / no trend / too short), ``trend_p``, ``sen_slope`` (per
        period), ``higher_is_better``, ``assessment`` (improving / worsening / no clear trend
        / too short / inconclusive / not tested / ``—`` when neither direction is better),
        ``note``. A series with a value hidden for disclosure control (:func:`withheld`) is
        ``inconclusive``: the hidden values are the small ones, so a test on the rest would
        lean on which they are. A running level (``Indicator.carries_over``: active members)
        is ``not tested``. A test that finds no trend says *no clear trend*, never
        "stable": over a few periods a real trend is often missed.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> from tfanalysis.analyses.collaboration.catalogue import indicators
    >>> from tfanalysis.reports.collaboration.counts import release_counts
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> card = scorecard(indicators(data), release_counts(Release(data), data, names=["referrals_made", "le_vs_referrals"]), families=["referrals"])
    >>> card.loc["median_response_days", ["latest", "trend", "assessment"]].tolist()  # 2025Q4: not settled yet
    [np.float64(nan), 'decreasing', 'improving']

    Two quarters of law enforcement ↔ victim services referrals are hidden (2023Q1, 2024Q2):

    >>> card.loc["le_vs_referrals", ["trend", "assessment"]].tolist()
    ['inconclusive', 'inconclusive']
    """
    columns = ["label", "family", "unit", "period", "latest", "hidden", "vs_previous", "vs_year_before", "trend", "trend_p",
               "sen_slope", "higher_is_better", "assessment", "note"]
    if len(table) == 0:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="indicator"))
    chosen = [f for f in FAMILIES if f != "survey"] if families is None else list(families)
    shown = publish(table, counts)
    values = _numbers(shown, table.index)
    gaps = withheld(table, counts)
    per_year = periods_per_year(table.index) if isinstance(table.index, pd.PeriodIndex) else 4
    labels = list(shown.index)
    rows = []
    for ind in INDICATORS:
        if ind.family not in chosen or ind.name not in table.columns:
            continue
        cells = values[ind.name].to_numpy(dtype=float)
        hidden = shown[ind.name].map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        n = len(cells)
        latest = cells[-1] if n else np.nan
        previous = cells[-2] if n >= 2 else np.nan
        year_before = cells[-1 - per_year] if n > per_year else np.nan
        test = trends.mann_kendall(values[ind.name])
        left_out = int(gaps[ind.name].sum()) if ind.name in gaps else 0
        if ind.carries_over:  # a running level: its periods are not the independent values the test needs
            test = test.copy()
            test["trend"], test["p_value"], test["sen_slope"] = "not tested", np.nan, np.nan
        elif left_out and (test["trend"] != "too short" or n >= trends.MIN_POINTS_TREND):
            # the hidden values are the small ones (or hidden beside them): a test on the rest
            # leans on which they are, in either direction; no conclusion. A series long
            # enough whose shown values are too few is not "too short": its values are hidden
            test = test.copy()
            test["trend"], test["p_value"], test["sen_slope"] = "inconclusive", np.nan, np.nan
        rows.append(
            {
                "indicator": ind.name,
                "label": ind.label,
                "family": ind.family,
                "unit": ind.unit,
                "period": labels[-1] if n else None,
                "latest": latest,
                "hidden": bool(hidden[-1]) if n else False,
                "vs_previous": latest - previous,
                "vs_year_before": latest - year_before,
                "trend": test["trend"],
                "trend_p": test["p_value"],
                "sen_slope": test["sen_slope"],
                "higher_is_better": ind.higher_is_better,
                "assessment": _assessment(str(test["trend"]), ind.higher_is_better),
                "note": _latest_note(ind, counts, bool(hidden[-1]) if n else False, latest)
                or ("a running level: each period starts from the last one's, so no trend test" if ind.carries_over else ""),
            }
        )
    card = pd.DataFrame(rows, columns=["indicator", *columns]).set_index("indicator")[columns]
    card["higher_is_better"] = card["higher_is_better"].astype(object)
    return card


UNTESTED = ("too short", "inconclusive", "not tested")
"""Trend words with no test behind them: the assessment says the same, and no p-value is printed."""


def _assessment(trend: str, higher_is_better: bool | None) -> str:
    if trend in UNTESTED:
        return trend
    if trend == "no trend":  # not significant: over a few periods a real trend is often missed, so not "stable"
        return "no clear trend"
    if higher_is_better is None:
        return "—"
    return "improving" if (trend == "increasing") == higher_is_better else "worsening"


def _latest_note(ind: Indicator, counts: ReleasedCounts, hidden: bool, latest: float) -> str:
    """Why the latest value reads as it does (never a hidden count's size)."""
    if hidden:
        return "hidden (disclosure control)"
    if not (isinstance(latest, float) and math.isnan(latest)) or len(counts.periods) == 0:
        return ""
    if ind.family == "network" and counts.network_withheld(ind.name).iloc[-1]:
        return "not shown: it would bound hidden referral counts"
    needs = [n for n in (ind.name if ind.unit == "count" else None, NUMERATORS.get(ind.name), ind.base) if n]
    if any(n in counts.unknown for n in needs) or (ind.unit == "count" and ind.name not in counts.series):
        return "not recorded" if any(n in counts.unknown for n in needs) else "not available"
    if ind.name in READ_ONCE_ANSWERED and counts.spans and counts.spans[-1][0] in counts.unanswered:
        return "not settled yet: the latest period's referrals have not all had time to be answered"
    if ind.base:
        base = counts.shown(ind.base).iloc[-1]
        above = [counts.shown(n).iloc[-1] for n in needs]
        if not isinstance(base, str) and pd.isna(base):
            # report 02 gives the period a Kaplan-Meier estimate (needs still open censored); this share waits for every window
            return ("not yet measurable in the latest period: not every need has had its window (report 02 estimates it, "
                    "counting the needs still open as censored)") if ind.base.startswith("needs_due") else "not available"
        if any(isinstance(v, str) for v in above):
            return "not shown: it rests on a hidden count"
        if base == 0:
            return "nothing to compute it from in the latest period"
        if ind.unit == "days":
            return "half or more still waiting: no median yet"
    return "not available"


def _format_value(value: float, unit: str, *, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    sign = "+" if signed and value > 0 else ""
    if unit == "share":
        return f"{sign}{value * 100:.1f}{' pp' if signed else '%'}"
    if unit in ("count", "tally"):
        return f"{sign}{value:,.0f}"
    if unit == "days":
        return f"{sign}{value:,.1f}"
    return f"{sign}{value:.2f}"


def _format_p(p: float) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def scorecard_table(card: pd.DataFrame, threshold: int = 11) -> pd.DataFrame:
    """The scorecard as text for a report table (percentages, signs, ``hidden``, ``n/a``).

    Examples
    --------
    >>> card = pd.DataFrame({"label": ["Acceptance"], "family": ["referrals"], "unit": ["share"], "period": ["2025Q4"],
    ...     "latest": [0.9], "hidden": [False], "vs_previous": [0.02], "vs_year_before": [float("nan")], "trend": ["increasing"],
    ...     "trend_p": [0.0004], "sen_slope": [0.01], "higher_is_better": [True], "assessment": ["improving"], "note": [""]},
    ...     index=pd.Index(["referral_acceptance_rate"], name="indicator"))
    >>> scorecard_table(card).iloc[0].tolist()
    ['Referral system', '90.0%', '+2.0 pp', 'n/a', 'increasing (p < 0.001)', 'improving', '']
    >>> scorecard_table(card.iloc[:0]).shape  # nothing measured yet
    (0, 7)
    """
    rows = []
    for _, row in card.iterrows():  # one row per indicator (~40), formatting only
        latest = HIDDEN if row["hidden"] else _format_value(row["latest"], row["unit"])
        rows.append(
            {
                "indicator": row["label"],
                "family": FAMILIES.get(row["family"], row["family"]),
                f"latest ({row['period']})": latest,
                "vs previous period": _format_value(row["vs_previous"], row["unit"], signed=True),
                "vs a year before": _format_value(row["vs_year_before"], row["unit"], signed=True),
                "trend": (row["trend"] if row["trend"] in UNTESTED
                          else f"{'not significant' if row['trend'] == 'no trend' else row['trend']} (p {_format_p(row['trend_p'])})"),
                "assessment": row["assessment"],
                "note": row["note"],
            }
        )
    if not rows:  # no quarter to measure (a period before the data)
        return pd.DataFrame(columns=["indicator", "family", "latest", "vs previous period", "vs a year before", "trend", "assessment",
                                     "note"]).set_index("indicator")
    return pd.DataFrame(rows).set_index("indicator")


def scorecard_markdown(card: pd.DataFrame, change_date: str | None = None) -> str:
    """A paragraph saying which indicators improve and which worsen.

    A step change also reads as a trend: with a ``change_date`` the paragraph points to the
    before/after estimates the report gives; without one it says that a single shift
    between two levels is called a trend here, and how to estimate the two levels (a
    statistician read a second task force's flat–step–flat series, "10 indicators improving",
    sent to estimates the run did not make).

    Examples
    --------
    >>> card = pd.DataFrame({"label": ["A", "B", "C", "Active members"], "assessment": ["improving", "worsening", "no clear trend", "not tested"],
    ...                      "period": ["2025Q4"] * 4})
    >>> print(scorecard_markdown(card, "2024-07-01"))
    Over the periods to 2025Q4, 1 indicator shows a significant improving trend (A) and 1 a worsening one (B); 1
    shows no clear trend, which is not the same as no change: over a few periods a real trend is often missed.
    Active members is a running level (each period starts from the last one's), so its periods are not
    independent values and it is not trend-tested; read its values over time. Trends are Mann–Kendall tests at
    the 5% level; a step change also reads as a trend, so see the before/after estimates below. Each test is at
    the 5% level on its own and takes the periods as independent of one another: of indicators with no trend at
    all, about one in twenty would show one by chance, and more where each period leans on the one before.
    >>> card = pd.DataFrame({"label": ["A", "Investigations"], "assessment": ["no clear trend", "—"], "trend": ["no trend (p 0.5)", "increasing (p 0.002)"],
    ...                      "period": ["2025Q4"] * 2})
    >>> print(scorecard_markdown(card))  # doctest: +ELLIPSIS
    Over the periods to 2025Q4, 0 indicators show a significant improving trend and 0 a worsening one; 1 shows no
    clear trend, which is not the same as no change: over a few periods a real trend is often missed. 1 indicator
    with no better direction shows a significant trend (Investigations, increasing (p 0.002)). Trends are ...
    """
    if card.empty:
        return "No indicator could be computed: the data hold no dated rows."
    improving = card.loc[card["assessment"] == "improving", "label"].tolist()
    worsening = card.loc[card["assessment"] == "worsening", "label"].tolist()
    unclear_trend = int((card["assessment"] == "no clear trend").sum())
    untested = card.loc[card["assessment"] == "not tested", "label"].tolist()
    short = int((card["assessment"] == "too short").sum())

    def listing(labels: list[str]) -> str:
        return f" ({'; '.join(labels)})" if labels else ""

    text = (
        f"Over the periods to {card['period'].iloc[0]}, {len(improving)} indicator{'s show' if len(improving) != 1 else ' shows'} a significant improving trend"
        f"{listing(improving)} and {len(worsening)} a worsening one{listing(worsening)}; {unclear_trend} show{'s' if unclear_trend == 1 else ''} no clear trend"
        + (", which is not the same as no change: over a few periods a real trend is often missed." if unclear_trend else ".")
    )
    if untested:
        text += (f" {' and '.join(untested)} {'is a running level' if len(untested) == 1 else 'are running levels'} (each period starts from "
                 f"the last one's), so {'its' if len(untested) == 1 else 'their'} periods are not independent values and "
                 f"{'it is' if len(untested) == 1 else 'they are'} not trend-tested; read {'its' if len(untested) == 1 else 'their'} values over time.")
    # a significant trend in an indicator with no better direction (investigations opened) is neither
    undirected = card.loc[card["assessment"] == "—"]
    if len(undirected):
        moves = [f"{row['label']}, {row['trend']}" if "trend" in card else str(row["label"]) for _, row in undirected.iterrows()]
        text += (f" {len(undirected)} indicator{'s' if len(undirected) != 1 else ''} with no better direction "
                 f"{'shows' if len(undirected) == 1 else 'show'} a significant trend{listing(moves)}.")
    unclear = int((card["assessment"] == "inconclusive").sum())
    if unclear:
        text += (f" {unclear} {'series has' if unclear == 1 else 'series have'} values hidden (disclosure control): a value is "
                 "hidden where it is small, or beside a small one so that it cannot be worked out, so a test on the rest would lean "
                 "on which they are; no conclusion either way.")
    if short:
        text += f" {short} {'series is' if short == 1 else 'series are'} too short to test (fewer than {trends.MIN_POINTS_TREND} periods): no conclusion either way."
    tested = int(card["assessment"].isin(["improving", "worsening", "no clear trend", "—"]).sum())
    chance = (" Each test is at the 5% level on its own and takes the periods as independent of one another: of indicators with no "
              "trend at all, about one in twenty would show one by chance, and more where each period leans on the one before."
              if tested > 1 else "")
    step = ("a step change also reads as a trend, so see the before/after estimates below." if change_date else
            "a single step between two levels also reads as a trend (read each series' values over time): give the run a "
            "change date (the notebook's change_date) to estimate the levels before and after it.")
    return text + " Trends are Mann–Kendall tests at the 5% level; " + step + chance
