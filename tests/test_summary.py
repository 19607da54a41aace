"""The leadership summary: read from recorded metrics, worded from the numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tfanalysis import summary


def metric(name: str, value, display: str, *, unit=None, count=False, better=None, label=None) -> dict:
    return {"notebook": "nb", "name": name, "label": label or name, "value": value, "display": display,
            "unit": unit, "count": count, "suppressed": display.startswith("<"), "higher_is_better": better}


def write_run(folder: Path, records: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metrics.json").write_text(json.dumps(records))
    return folder


FIRST = [
    metric("median_response_days", 3.0, "3.0", unit="days", better=False),
    metric("cross_sector_tie_share", 80.0, "80.0", unit="%", better=True),
    metric("biggest_gap_service", None, "Legal representation"),
    metric("arrests", None, "<11", count=True),
    metric("convictions", 14, "14", count=True, better=True),
]
SECOND = [
    metric("median_response_days", 12.0, "12.0", unit="days", better=False),
    metric("cross_sector_tie_share", 40.0, "40.0", unit="%", better=True),
    metric("biggest_gap_service", None, "Housing: emergency"),
    metric("arrests", 25, "25", unit="events", count=True),
    metric("convictions", 14, "14", count=True, better=True),
]


def history(tmp_path: Path) -> Path:
    path = tmp_path / "history.csv"
    path.write_text(
        "run_id,period,name,value\n"
        "old,2025Q2,median_response_days,9\n"
        "old,2025Q2,cross_sector_tie_share,70\n"
        "old,2025Q2,arrests,30\n"
        "other,2025Q1,median_response_days,20\n"
    )
    return path


def test_headlines_read_the_run_and_compare_with_the_previous_period(tmp_path: Path) -> None:
    metrics = summary.read_metrics(write_run(tmp_path / "run", FIRST) / "metrics.json")
    table = summary.headline_table(metrics, summary.previous_values(history(tmp_path), "2025Q2"))
    assert list(table.index) == ["biggest_gap_service", "median_response_days", "cross_sector_tie_share", "arrests", "convictions"]
    assert table.loc["median_response_days", ["now", "before", "trend"]].tolist() == ["3.0 days", "9.0 days", "▼ better"]
    assert table.loc["median_response_days", "change"] == -6.0
    assert table.loc["cross_sector_tie_share", ["now", "before", "trend"]].tolist() == ["80.0%", "70.0%", "▲ better"]
    # a hidden count stays hidden and no change is worked out from it
    assert table.loc["arrests", ["now", "before", "trend"]].tolist() == ["<11", "30", ""]
    assert pd.isna(table.loc["arrests", "change"])
    assert table.loc["convictions", "before"] == "n/a"


def test_findings_change_when_the_metrics_change(tmp_path: Path) -> None:
    texts = []
    for records in (FIRST, SECOND):
        metrics = summary.read_metrics(write_run(tmp_path / f"run{len(texts)}", records) / "metrics.json")
        table = summary.headline_table(metrics, summary.previous_values(history(tmp_path), "2025Q2"))
        texts.append(summary.key_findings(table, period_label="2025Q3", previous_label="2025Q2"))
    assert texts[0] == [
        "The largest gap between identified needs and member capacity in 2025Q3 is in **Legal representation**.",
        "Members answered referrals in a median of 3.0 days in 2025Q3, 6.0 days faster than in 2025Q2.",
        "80.0% of referral ties crossed sectors, 10.0 points more than in 2025Q2.",
    ]  # arrests are hidden: no sentence about arrests and convictions
    assert texts[1] == [
        "The largest gap between identified needs and member capacity in 2025Q3 is in **Housing: emergency**.",
        "Members answered referrals in a median of 12.0 days in 2025Q3, 3.0 days slower than in 2025Q2.",
        "40.0% of referral ties crossed sectors, 30.0 points less than in 2025Q2.",
        "The period saw 25 arrests and 14 convictions.",
    ]


def test_missing_reports_are_named_and_an_empty_run_says_so(tmp_path: Path) -> None:
    metrics = summary.read_metrics(tmp_path / "nowhere" / "metrics.json")
    assert metrics.empty
    table = summary.headline_table(metrics, pd.Series(dtype=float))
    text = summary.summary_markdown(table, [], period_label="2025Q3", previous_label="2025Q2", missing=summary.missing_headlines(metrics))
    assert text == "No headline numbers were recorded for 2025Q3: run the analysis reports first."
    some = summary.read_metrics(write_run(tmp_path / "r", FIRST[:1]) / "metrics.json")
    assert "clients identified" in summary.missing_headlines(some)
    assert "median response days" not in summary.missing_headlines(some)


def test_no_previous_run_is_said_plainly(tmp_path: Path) -> None:
    metrics = summary.read_metrics(write_run(tmp_path / "run", FIRST) / "metrics.json")
    table = summary.headline_table(metrics, summary.previous_values(tmp_path / "absent.csv", "2025Q2"))
    text = summary.summary_markdown(table, ["x"], period_label="2025Q3", previous_label="2025Q2", missing=[])
    assert "No earlier run is recorded for the previous period" in text


def test_report_links_list_the_other_reports(tmp_path: Path) -> None:
    for name in ("00_data_quality.html", "05_leadership_summary.html", "index.html", "03_collaboration.html"):
        (tmp_path / name).write_text("x")
    assert summary.report_links(tmp_path, exclude="05_leadership_summary.html") == [
        ("00_data_quality.html", "Data quality"), ("03_collaboration.html", "Collaboration")]
