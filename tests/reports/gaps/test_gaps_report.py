"""Report 02 as a whole: its public names, and what a reader of the demo's report sees.

The report's modules are tested beside this file on small hand-worked frames
(``test_outcomes.py``, ``test_structural.py``, ``test_referrals.py``, ``test_findings.py``).
"""

from __future__ import annotations

import pytest

from tfanalysis import load_dataset
from tfanalysis.analyses.gaps import needs as gaps
from tfanalysis.publication import Release
from tfanalysis.reports import gaps as gaps_report

from gaps_fixtures import K, small_shown

NAMES = ["FOLLOWED", "NO_NEED", "NOT_MET", "OUTCOME", "STATUS", "TIME_TO_MET", "Outcomes", "Scope", "default_site_service",
         "gaps_markdown", "headline_metrics", "pressed_services", "ranked", "publish_demand", "publish_gap_matrix", "publish_gaps",
         "publish_rates", "publish_referrals", "publish_sites", "referral_markdown", "release_outcomes", "report_scope",
         "sites_markdown", "structural_gaps_markdown", "need_outcomes"]
"""The public names of ``tfanalysis.reports.gaps`` when it was one module (its ``__all__``)."""


def test_the_package_keeps_the_names_of_the_module_it_replaced() -> None:
    """Notebook 02, the profiles and underserved reports import them from the package."""
    assert [n for n in NAMES if n not in gaps_report.__all__] == []  # names added since are welcome
    used_elsewhere = ["MARGIN", "DECLINED", "MET_30", "MET_90", "REFERRAL_RESULTS"]
    assert [n for n in NAMES + used_elsewhere if not hasattr(gaps_report, n)] == []


# --- the demo ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_report(demo_dir):
    data = load_dataset(demo_dir)
    rel = Release(data, K)
    scope = gaps_report.report_scope(data, "2025")
    by_service = gaps_report.release_outcomes(rel, scope, "need", name="02 needs identified per service")
    demand = gaps_report.publish_demand(gaps.demand_capacity(data, "2025", by=None), by_service)
    rates = gaps_report.publish_rates(gaps.outcome_rates(data, "2025"), by_service, overall=gaps.outcome_rates(data, "2025", by=()))
    return data, rel, scope, demand, rates


def test_demo_tables_show_no_count_from_1_to_10_and_the_true_count_where_shown(demo_report) -> None:
    data, rel, scope, demand, rates = demo_report
    truth = gaps.demand_capacity(data, "2025", by=None).set_index("service")
    counts = demand[["needs", "met", "in_progress", "unmet", "declined_by_client"]]
    assert small_shown(counts) == []
    for service in truth.index:  # a shown count is the true one
        for column in ("needs", "met", "unmet", "declined_by_client"):
            if not isinstance(demand.loc[service, column], str):
                assert demand.loc[service, column] == truth.loc[service, column], (service, column)
    hidden_unmet = demand["unmet"].map(lambda v: isinstance(v, str))
    assert rates.loc[hidden_unmet[hidden_unmet].index, "unmet_need_rate"].isna().all()
    assert small_shown(gaps_report.publish_gaps(rel, data, "2025", scope, name="02 structural gaps")["needs"]) == []
    assert small_shown(gaps_report.publish_referrals(rel, scope, name="02 referral outcomes per service")) == []


def test_demo_headline_and_prose_name_the_planted_shortfall(demo_report) -> None:
    from tfanalysis import demo

    data, rel, scope, demand, rates = demo_report
    shortfall = demo.PLANTED["shortfall_service"]
    published_gaps = gaps_report.publish_gaps(rel, data, "2025", scope, name="02 structural gaps")
    assert gaps_report.headline_metrics(demand, rates, published_gaps)["biggest_gap_service"]["value"] == shortfall
    summary = gaps_report.gaps_markdown(demand, rates)
    assert "Legal representation" in summary and "1 service:" in summary
    text = gaps_report.structural_gaps_markdown(published_gaps, county_names={f: n for f, n in demo.PLANTED["desert_counties"].items()})
    assert "adult, male" in text
    # the planted deserts are rural counties of one to five victims a year: their needs per service are withheld
    # (publication.small_groups), so report 02 lists none of them as a county gap and says where they are
    assert not any(name in text for name in demo.PLANTED["desert_counties"].values())
    assert "Report 01 lists the counties that no member serves and no provider reaches, for each service, unless the released count of their needs is 0: a withheld count keeps a county on that list." in text
    from tfanalysis.analyses import coverage as coverage_analysis
    from tfanalysis.reports import coverage as coverage_report

    published = coverage_report.published_coverage(coverage_analysis.county_service_coverage(data, "2025"), rel, "2025")
    deserts = coverage_report.deserts_markdown(published, max_miles=60, period_label="2025")
    assert all(name in deserts for name in demo.PLANTED["desert_counties"].values())


@pytest.mark.slow
def test_the_demo_report_prints_only_released_values_and_draws_no_empty_figure(demo_runs) -> None:
    """The 2025Q4 report 02: every tagged table cell and figure value is the released one (a hidden
    cell's true value never in its place), no sentence prints a hidden count of a row it names, and
    no figure is an empty frame of hidden counts."""
    import json

    import nbformat

    from tfanalysis.reports.figures.common import not_drawn
    from tfanalysis.running.audit import _figures, audit_html, ledger_dir_of

    result, reports = demo_runs
    data = load_dataset(reports.parent / "demo")
    info = json.loads((result.folder / "run.json").read_text(encoding="utf-8"))
    release = Release(data, K, ledger_dir=ledger_dir_of(result.folder.parent, data.fingerprint(), info["run_id"]), run=info["run_id"])
    mine = release.ledger.cells[release.ledger.cells["run"] == info["run_id"]]
    assert mine["table"].str.startswith("02 ").sum() >= 20  # the report's tables are in the run's ledger
    page = (result.folder / "02_needs_and_gaps.html").read_text(encoding="utf-8")
    assert audit_html(page, mine, K, where="02_needs_and_gaps.html").empty
    assert "data-release=\"02 needs identified per service: by status\"" in page  # the demand and rate tables are read back
    assert len(_figures(page)) >= 4
    executed = nbformat.read(result.folder / "notebooks" / "02_needs_and_gaps.ipynb", as_version=4)
    figures = [o["data"]["application/vnd.plotly.v1+json"] for c in executed.cells for o in c.get("outputs", [])
               if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert figures and all(not_drawn(fig) is None for fig in figures)  # the others are sentences
