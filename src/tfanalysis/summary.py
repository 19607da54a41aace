"""The leadership summary: the run's headline numbers, their change, and findings in words.

Nothing here recomputes an analysis. The summary reads what the other notebooks recorded
with :func:`tfanalysis.notebook.record_metric` in this run (the run folder's
``metrics.json``, written after each notebook) and, for the change against the previous
period, the metrics history of earlier runs (``metrics_history.csv``). Counts were
suppressed when recorded, so a hidden count stays hidden here, and no change is computed
from it. Headlines whose report has not run are listed as not available.

Examples
--------
>>> metrics = pd.DataFrame([{"notebook": "03", "name": "median_response_days", "label": "Median response (days)",
...     "value": 3.0, "display": "3.0", "unit": "days", "count": False, "suppressed": False, "higher_is_better": False}])
>>> table = headline_table(metrics, pd.Series({"median_response_days": 9.0}))
>>> table.loc["median_response_days", ["now", "before", "trend"]].tolist()
['3.0 days', '9.0 days', '▼ better']
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

# The headlines leadership reads first, in order; any the run did not record is skipped.
HEADLINES: tuple[str, ...] = (
    "clients_identified",
    "needs_identified",
    "needs_met",
    "unmet_need_rate",
    "structural_gaps",
    "biggest_gap_service",
    "desert_county_services",
    "residents_in_deserts",
    "median_response_days",
    "referral_acceptance_rate",
    "cross_sector_tie_share",
    "joint_trainings",
    "arrests",
    "charges_filed",
    "convictions",
    "members_active",
)

METRIC_COLUMNS = ["notebook", "name", "label", "value", "display", "unit", "count", "suppressed", "higher_is_better"]


def read_metrics(path: str | Path) -> pd.DataFrame:
    """Read a run's ``metrics.json``; an absent file is an empty table.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`METRIC_COLUMNS`, one row per metric.
    """
    path = Path(path)
    if not path.is_file():
        return pd.DataFrame(columns=METRIC_COLUMNS)
    records = json.loads(path.read_text(encoding="utf-8"))
    return pd.DataFrame(records).reindex(columns=METRIC_COLUMNS)


def previous_values(history: str | Path, period_label: str) -> pd.Series:
    """The latest recorded value of every metric for one earlier period, from the history.

    Parameters
    ----------
    history : path
        ``metrics_history.csv`` (columns run_id, period, …, name, value).
    period_label : str
        The period to look up, e.g. ``2025Q2``.

    Returns
    -------
    pandas.Series
        Metric name → value (float; NaN where it was suppressed or not numeric). Empty
        when the history holds no run for that period.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "h.csv"
    >>> _ = p.write_text("run_id,period,name,value\\nr1,2025Q2,arrests,12\\nr2,2025Q2,arrests,14\\nr3,2025Q3,arrests,20\\n")
    >>> previous_values(p, "2025Q2").to_dict()
    {'arrests': 14.0}
    """
    path = Path(history)
    if not path.is_file():
        return pd.Series(dtype="float64")
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = rows[rows["period"] == period_label]
    if rows.empty:
        return pd.Series(dtype="float64")
    latest = rows.drop_duplicates("name", keep="last").set_index("name")["value"]
    return pd.to_numeric(latest, errors="coerce").astype("float64").rename(None)


def _with_unit(display: object, unit: object) -> str:
    text = "n/a" if display is None or (isinstance(display, float) and math.isnan(display)) else str(display)
    if unit and isinstance(unit, str) and text not in ("n/a",) and not text.startswith("<"):
        return f"{text}{unit}" if unit == "%" else f"{text} {unit}"
    return text


def headline_table(metrics: pd.DataFrame, previous: pd.Series) -> pd.DataFrame:
    """The headline numbers with their change against the previous period.

    Parameters
    ----------
    metrics : pandas.DataFrame
        This run's metrics (:func:`read_metrics`).
    previous : pandas.Series
        The previous period's values by name (:func:`previous_values`).

    Returns
    -------
    pandas.DataFrame
        Indexed by metric name, in :data:`HEADLINES` order: ``label``, ``now``, ``before``,
        ``change`` (signed, in the metric's unit; NaN when either side is hidden or absent),
        ``trend`` (an arrow and, where a direction is better, ``better``/``worse``), and the
        raw ``value`` and ``higher_is_better``.
    """
    recorded = metrics.drop_duplicates("name", keep="last").set_index("name")
    names = [n for n in HEADLINES if n in recorded.index]
    rows = []
    for name in names:
        m = recorded.loc[name]
        value = pd.to_numeric(pd.Series([m["value"]]), errors="coerce").iloc[0]
        before = previous.get(name, float("nan"))
        change = value - before if pd.notna(value) and pd.notna(before) else float("nan")
        rows.append(
            {
                "name": name,
                "label": m["label"],
                "now": _with_unit(m["display"], m["unit"]),
                "display": str(m["display"]),
                "before": "n/a" if pd.isna(before) else _with_unit(_format_number(before, m), m["unit"]),
                "change": change,
                "trend": _trend(change, m["higher_is_better"]),
                "value": value,
                "higher_is_better": m["higher_is_better"],
            }
        )
    table = pd.DataFrame(rows, columns=["name", "label", "now", "before", "change", "trend", "value", "higher_is_better", "display"])
    return table.set_index("name")


def _format_number(value: float, metric: pd.Series) -> str:
    if bool(metric["count"]):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _trend(change: float, higher_is_better: object) -> str:
    if pd.isna(change):
        return ""
    if change == 0:
        return "▬ unchanged"
    arrow = "▲" if change > 0 else "▼"
    if higher_is_better is None or (isinstance(higher_is_better, float) and math.isnan(higher_is_better)):
        return arrow
    better = (change > 0) == bool(higher_is_better)
    return f"{arrow} {'better' if better else 'worse'}"


def key_findings(headlines: pd.DataFrame, *, period_label: str, previous_label: str | None, limit: int = 5) -> list[str]:
    """Three to five findings in plain words, each written from a recorded number.

    Sentences are templates filled with the run's values; a finding whose numbers the run
    did not record (or that are hidden) is left out rather than guessed.

    Examples
    --------
    >>> h = pd.DataFrame({"label": ["Median response (days)"], "now": ["3.0 days"], "before": ["9.0 days"],
    ...                   "change": [-6.0], "trend": ["▼ better"], "value": [3.0], "higher_is_better": [False]},
    ...                  index=pd.Index(["median_response_days"], name="name"))
    >>> key_findings(h, period_label="2025Q3", previous_label="2025Q2")
    ['Members answered referrals in a median of 3.0 days in 2025Q3, 6.0 days faster than in 2025Q2.']
    """
    findings: list[str] = []

    def has(name: str) -> bool:
        return name in headlines.index and headlines.loc[name, "now"] not in ("n/a", "") and not str(headlines.loc[name, "now"]).startswith("<")

    def change_words(name: str, unit_word: str, up: str, down: str) -> str:
        change = headlines.loc[name, "change"]
        if pd.isna(change) or previous_label is None:
            return ""
        if change == 0:
            return f", unchanged from {previous_label}"
        return f", {abs(change):,.1f}{unit_word} {up if change > 0 else down} than in {previous_label}"

    if has("biggest_gap_service"):
        findings.append(f"The largest gap between identified needs and member capacity in {period_label} is in **{headlines.loc['biggest_gap_service', 'now']}**.")
    if has("structural_gaps") and headlines.loc["structural_gaps", "value"] > 0:
        n = int(headlines.loc["structural_gaps", "value"])
        findings.append(f"{n} combination{'s' if n != 1 else ''} of service and client group {'have' if n != 1 else 'has'} identified need but no eligible member at all (structural gaps).")
    if has("desert_county_services") and headlines.loc["desert_county_services", "value"] > 0:
        n = int(headlines.loc["desert_county_services", "value"])
        residents = f", home to {headlines.loc['residents_in_deserts', 'now']} residents" if has("residents_in_deserts") else ""
        findings.append(f"{n} county-service pair{'s are' if n != 1 else ' is a'} service desert{'s' if n != 1 else ''}: need, but no provider within reach{residents}.")
    if has("unmet_need_rate"):
        findings.append(f"{headlines.loc['unmet_need_rate', 'now']} of identified needs were unmet{change_words('unmet_need_rate', ' points', 'higher', 'lower')}.")
    if has("median_response_days"):
        findings.append(
            f"Members answered referrals in a median of {headlines.loc['median_response_days', 'now']} in {period_label}"
            f"{change_words('median_response_days', ' days', 'slower', 'faster')}."
        )
    if has("cross_sector_tie_share"):
        findings.append(
            f"{headlines.loc['cross_sector_tie_share', 'now']} of referral ties crossed sectors"
            f"{change_words('cross_sector_tie_share', ' points', 'more', 'less')}."
        )
    if has("convictions") and has("arrests"):
        findings.append(f"The period saw {headlines.loc['arrests', 'display']} arrests and {headlines.loc['convictions', 'display']} convictions.")
    return findings[:limit]


def report_links(report_dir: str | Path, *, exclude: str) -> list[tuple[str, str]]:
    """The other reports of this run: (file name, title), from the HTML files beside this one."""
    folder = Path(report_dir)
    links = []
    for page in sorted(folder.glob("*.html")):
        if page.name in (exclude, "index.html"):
            continue
        title = page.stem.split("_", 1)[-1].replace("_", " ").capitalize()
        links.append((page.name, title))
    return links


def summary_markdown(headlines: pd.DataFrame, findings: list[str], *, period_label: str, previous_label: str | None, missing: list[str]) -> str:
    """The summary's opening paragraph and findings as Markdown."""
    if headlines.empty:
        return f"No headline numbers were recorded for {period_label}: run the analysis reports first."
    lines = [f"**{period_label}** at a glance. " + (
        f"Changes are against {previous_label}, from the run recorded for that period."
        if previous_label and headlines["before"].ne("n/a").any()
        else "No earlier run is recorded for the previous period, so no change is shown yet."
    )]
    if findings:
        lines.append("")
        lines.append("**Key findings**")
        lines.append("")
        lines.extend(f"{i}. {text}" for i, text in enumerate(findings, start=1))
    if missing:
        lines.append("")
        lines.append("Not available in this run: " + ", ".join(missing) + ".")
    return "\n".join(lines)


def missing_headlines(metrics: pd.DataFrame) -> list[str]:
    """Headline names this run did not record (their report has not run or not landed)."""
    recorded = set(metrics["name"]) if len(metrics) else set()
    return [name.replace("_", " ") for name in HEADLINES if name not in recorded]


def links_markdown(links: list[tuple[str, str]]) -> str:
    """Markdown list of links to the run's detailed reports."""
    if not links:
        return "The detailed reports are listed on the run's index page."
    return "**Detailed reports**\n\n" + "\n".join(f"- [{title}]({href})" for href, title in links)


def previous_label(period: str) -> str | None:
    """The label of the period before ``period``; None for all data.

    Examples
    --------
    >>> previous_label("2025-07-01..2025-09-30"), previous_label("all")
    ('2025Q2', None)
    >>> previous_label("2025-02-10..2025-02-19")
    '2025-01-31 to 2025-02-09'
    """
    from tfanalysis.periods import named_label, parse_period

    p = parse_period(period)
    return None if p.start is None else named_label(p.previous())


def period_label(period: str) -> str:
    """How the report names the period: ``2025Q3`` for a quarter passed as a date range.

    Examples
    --------
    >>> period_label("2025-07-01..2025-09-30"), period_label("2025-01-01..2025-12-31"), period_label("all")
    ('2025Q3', '2025', 'all data')
    """
    from tfanalysis.periods import named_label, parse_period

    return named_label(parse_period(period))
