"""Rendered reports in a real headless Chromium, network cut: every plotly figure draws, no JS error.

Needs Debian's chromium (``.ci/run`` installs it); Playwright drives it. A failure leaves a
screenshot beside the report (``<report>.failure.png``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from offline_browser import CHROMIUM, launch, open_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"),
]


def open_offline(*page_paths: Path) -> list[dict]:
    """Open reports offline, one browser for all; count plotly figures, drawn SVGs and traces; screenshot on failure."""
    from playwright.sync_api import sync_playwright

    outcomes = []
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            for page_path in page_paths:
                page, errors, blocked = open_page(browser, page_path)
                # every figure's pending drawing (plotly keeps its promises in gd._promises); a page where
                # plotly.js did not load has none to wait for, and its figures are counted undrawn below
                page.evaluate("async () => { for (const gd of document.querySelectorAll('div.plotly-graph-div')) await Promise.all(gd._promises || []); }")
                figures = page.locator("div.plotly-graph-div").count()
                drawn = page.locator("div.plotly-graph-div svg.main-svg").count()
                traces = page.locator("div.plotly-graph-div g.trace").count()
                outcomes.append({"figures": figures, "drawn_svgs": drawn, "traces": traces, "errors": errors, "blocked": blocked})
                if errors or blocked or drawn < figures:
                    page.screenshot(path=str(page_path.with_suffix(".failure.png")), full_page=True)
                page.context.close()
        finally:
            browser.close()
    return outcomes


def test_data_quality_report_draws_offline(tiny_run) -> None:
    result, _, _ = tiny_run
    report = result.folder / "00_data_quality.html"
    (outcome,) = open_offline(report)
    assert outcome["errors"] == [] and outcome["blocked"] == []
    assert outcome["figures"] == 1  # records per month
    assert outcome["drawn_svgs"] >= outcome["figures"]
    assert outcome["traces"] >= 1


def test_index_opens_offline(tiny_run) -> None:
    result, _, _ = tiny_run
    (outcome,) = open_offline(result.index)
    assert outcome["errors"] == [] and outcome["blocked"] == [] and outcome["figures"] == 0


def test_every_demo_report_draws_offline(demo_runs) -> None:
    result, _ = demo_runs
    drawn = {}
    for report, outcome in zip(result.reports, open_offline(*result.reports), strict=True):
        assert outcome["errors"] == [] and outcome["blocked"] == [], (report.name, outcome)
        assert outcome["drawn_svgs"] >= outcome["figures"], (report.name, outcome)
        drawn[report.stem] = outcome["figures"]
    assert drawn["00_data_quality"] == 1
    assert drawn.get("03_collaboration", 0) >= 3  # trends, network, survey at least


def test_reports_draw_from_reports_latest_too(demo_runs) -> None:
    result, reports = demo_runs
    names = ("01_service_coverage.html", "03_collaboration.html")
    for name, outcome in zip(names, open_offline(*(reports / "latest" / name for name in names)), strict=True):
        assert outcome["errors"] == [] and outcome["blocked"] == [], (name, outcome)
        assert outcome["figures"] >= 1 and outcome["drawn_svgs"] >= outcome["figures"], (name, outcome)
