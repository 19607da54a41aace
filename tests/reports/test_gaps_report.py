"""Report 02 through the publication layer: counts released, rates gated, sentences from shown values.

Hand-worked on small unit frames (``Release(None, 11, units=...)``); the demo checks what a
reader of the report sees.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tfanalysis import load_dataset
from tfanalysis.analyses.gaps import needs as gaps
from tfanalysis.reports import gaps as gaps_report
from tfanalysis.reports.gaps import MARGIN, Scope
from tfanalysis.publication import Release

K = 11
DAY = pd.Timestamp("2025-01-01")
YEAR = Scope(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31"))


def _needs(spec: dict[tuple[str, str, int | None], int]) -> pd.DataFrame:
    """Needs identified on 2025-01-01 from {(need, status, days to met or None): count}."""
    rows = [(need, status, DAY + pd.Timedelta(days=days) if days is not None else pd.NaT)
            for (need, status, days), n in spec.items() for _ in range(n)]
    frame = pd.DataFrame(rows, columns=["need", "status", "met_on"])
    return frame.assign(identified_on=DAY, county_fips="10001")


# needs per service: a 45 met (30 within 30 days, 15 in 31-90), 12 in progress, 20 unmet
# (and 14 declined by the client: 91 identified, 77 followed); b 41 met, 1 unmet (42 needs at 2.4 %: the attack);
# c 25 met, 15 unmet; d 5 met (a small service).
SPEC = {
    ("a", "met", 10): 30, ("a", "met", 60): 15, ("a", "in_progress", None): 12, ("a", "unmet", None): 20,
    ("a", "declined_by_client", None): 14,
    ("b", "met", 5): 41, ("b", "unmet", None): 1,
    ("c", "met", 20): 25, ("c", "unmet", None): 15,
    ("d", "met", 200): 5,
}
FOLLOWED = {"a": 77, "b": 42, "c": 40, "d": 5}
IDENTIFIED = {"a": 91, "b": 42, "c": 40, "d": 5}
UNMET = {"a": 20, "b": 1, "c": 15, "d": 0}


@pytest.fixture
def outcomes():
    rel = Release(None, K, units={"needs": _needs(SPEC)})
    return rel, gaps_report.release_outcomes(rel, YEAR, "need", name="needs identified per service")


def test_need_outcomes_band_the_days_to_met_at_30_and_90() -> None:
    needs = pd.DataFrame({"status": ["met"] * 5 + ["in_progress"], "identified_on": [DAY] * 6,
                          "met_on": [DAY + pd.Timedelta(days=d) for d in (30, 31, 90, 91)] + [pd.NaT, pd.NaT]})
    assert gaps_report.need_outcomes(needs).tolist() == [
        "met within 30 days", "met in 31 to 90 days", "met in 31 to 90 days", "met after 90 days", "met, date missing", "in_progress"]


def test_released_outcomes_count_the_needs_identified_by_hand(outcomes) -> None:
    _, released = outcomes
    status = released.status
    assert status.shown.loc["a"].tolist() == [45, 12, 20, 14, 91]  # met, in progress, unmet, declined, identified
    assert status.shown.loc[MARGIN].tolist() == [116, 12, 36, 14, 178]
    assert status.hidden.loc["d", "Total"] and status.hidden.loc["b", "unmet"]  # 5 needs; 1 unmet
    # both tables count the same needs per row, the needs identified: one count, one status
    assert (status.hidden["Total"] == released.time_to_met.hidden["Total"]).all()
    assert released.time_to_met.value("Total", "within 30 days") == 96  # 30 + 41 + 25
    assert released.time_to_met.value("a", "declined by the client") == 14


def test_demand_shows_needs_a_month_and_utilization_only_where_the_needs_are_shown(outcomes) -> None:
    _, released = outcomes
    demand = pd.DataFrame({"service": ["a", "b", "c", "d"], "months": 12.0, "capacity_places": [24.0, 120.0, 36.0, 12.0]})
    shown = gaps_report.publish_demand(demand, released)
    assert shown.columns.tolist()[:5] == ["needs", "met", "in_progress", "unmet", "declined_by_client"]
    assert shown.loc["a", "needs"] == 91 and shown.loc["a", "needs_per_month"] == 7.58  # 91 / 12
    assert shown.loc["a", "utilization"] == 3.79  # 91 / 24
    assert shown.loc["b", "places_per_month"] == 10.0  # capacity is not a victim count: always shown
    assert isinstance(shown.loc["d", "needs"], str)  # 5 needs: hidden, and what is computed from them
    assert np.isnan(shown.loc["d", "needs_per_month"]) and np.isnan(shown.loc["d", "utilization"])
    assert shown.loc[MARGIN, "needs"] == 178 and shown.loc[MARGIN, "places_per_month"] == 16.0  # 192 / 12


def test_a_rate_is_shown_only_where_its_numerator_and_base_are_shown(outcomes) -> None:
    """Rates give counts back: 42 needs at 2.4 % unmet -> 1 unmet. The rate of b is not shown."""
    _, released = outcomes
    rates = pd.DataFrame({"need": ["a", "b", "c", "d"], "unmet_need_rate": [100 * UNMET[s] / FOLLOWED[s] for s in "abcd"],
                          "met_30d": [39.0, 97.6, 62.5, 0.0], "met_90d": [58.4, 97.6, 62.5, 0.0], "median_days_to_met": [10.0, 5.0, 20.0, 200.0]})
    overall = pd.DataFrame({"unmet_need_rate": [100 * 36 / 164], "met_30d": [58.5], "met_90d": [67.7], "median_days_to_met": [10.0]})
    shown = gaps_report.publish_rates(rates, released, overall=overall)
    assert np.isnan(shown.loc["b", "unmet_need_rate"])
    assert shown.loc["a", "unmet_need_rate"] == 26.0  # 20 of the 91 - 14 = 77 followed; all three shown
    assert shown.loc["a", "median_days_to_met"] == 10.0 and np.isnan(shown.loc["a", "met_30d"])  # a's 30 met within 30 days hidden
    assert np.isnan(shown.loc["d", "median_days_to_met"])  # a median rests on its base count (hidden)
    assert shown.loc[MARGIN, "unmet_need_rate"] == 22.0 and shown.loc[MARGIN, "met_30d"] == 58.5  # 36 of 164; 96 of 164
    assert np.isnan(shown.loc[MARGIN, "met_90d"])  # those met later or not yet: hidden
    # every rate shown multiplies back only to counts that are shown
    status = released.status
    for need, rate in shown["unmet_need_rate"].drop(MARGIN).dropna().items():
        base = status.value(need, "Total") - status.value(need, "declined_by_client")
        assert round(rate * base / 100) == status.value(need, "unmet")


def test_a_rate_from_needs_followed_is_not_shown_when_the_declined_ones_are_hidden() -> None:
    """One count, two patterns: needs identified (31) beside needs followed (26) gave 5 declined back.

    The report releases the needs identified with the declined ones as a column, and a rate of
    the needs followed only where both are shown."""
    spec = {("a", "met", 10): 30, ("a", "unmet", None): 20, ("a", "declined_by_client", None): 5, ("b", "met", 10): 60, ("b", "unmet", None): 12}
    rel = Release(None, K, units={"needs": _needs(spec)})
    released = gaps_report.release_outcomes(rel, YEAR, "need", name="needs per service")
    assert released.status.value("a", "Total") == 55 and released.status.value("a", "declined_by_client") is None
    rates = pd.DataFrame({"need": ["a", "b"], "unmet_need_rate": [40.0, 16.7], "met_30d": [60.0, 83.3], "met_90d": [40.0, 16.7],
                          "median_days_to_met": [10.0, 10.0]})
    shown = gaps_report.publish_rates(rates, released)
    assert shown.loc["a", ["unmet_need_rate", "met_30d", "met_90d", "median_days_to_met"]].isna().all()  # 20 / 40% = 50 = 55 - 5


def test_the_summary_names_the_most_unmet_among_shown_counts_only() -> None:
    """Sentences: "most for Housing: emergency (26)" quoted a count the table hid."""
    demand = pd.DataFrame({"needs": [80, 60, 140], "unmet": ["<11", 15, 41], "utilization": [0.5, 0.4, 0.45],
                           "needs_per_month": [6.7, 5.0, 11.7], "places_per_month": [13.3, 12.5, 25.8]},
                          index=["housing_emergency", "food", MARGIN])
    rates = pd.DataFrame({"unmet_need_rate": [np.nan, 25.0, 29.3], "median_days_to_met": [np.nan, 12.0, 20.0]}, index=demand.index)
    text = gaps_report.gaps_markdown(demand, rates)
    assert "Of the services whose counts are shown, the most unmet needs are in **Food** (15, 25% of its needs" in text
    assert "Housing" not in text and "26" not in text


def test_the_summary_says_so_when_no_need_was_identified() -> None:
    demand = pd.DataFrame({"needs": [0], "unmet": [0], "utilization": [np.nan], "needs_per_month": [0.0], "places_per_month": [3.0]}, index=[MARGIN])
    assert gaps_report.gaps_markdown(demand, pd.DataFrame(index=[MARGIN])) == gaps_report.NO_NEED
    hidden = demand.astype(object).assign(needs="<11")  # a hidden total is one or more: not "no need"
    assert gaps_report.gaps_markdown(hidden, pd.DataFrame({"unmet_need_rate": [np.nan], "median_days_to_met": [np.nan]}, index=[MARGIN])) != gaps_report.NO_NEED


def test_referral_sentences_give_no_share_of_a_total_beside_a_hidden_part() -> None:
    """Sentences: "declined for lack of capacity: 11, 36 % of them for case management" -> 4."""
    table = pd.DataFrame({"declined for capacity": ["<11", "<11", 11], "declined for eligibility": [0, 24, 24]},
                         index=["case_management", "housing_emergency", MARGIN])
    text = gaps_report.referral_markdown(table)
    assert text.startswith("Referrals declined for lack of capacity: 11; no service's count is shown.")
    assert "%" not in text.split(".")[0] and "Case management" not in text
    assert "most for Housing: emergency (24, 100% of them)" in text


def test_released_referrals_keep_the_services_with_declines_and_the_total() -> None:
    rows = [("a", "declined_capacity")] * 14 + [("a", "completed")] * 30 + [("b", "completed")] * 40 + [("b", "declined_capacity")] * 12 \
        + [("b", "declined_eligibility")] * 15 + [("c", "declined_eligibility")] * 3 + [("c", "accepted")] * 20 + [("c", "open")] * 12 \
        + [("e", "completed")] * 25
    units = pd.DataFrame(rows, columns=["service", "outcome"]).assign(referred_on=DAY)
    rel = Release(None, K, units={"referrals": units})
    shown = gaps_report.publish_referrals(rel, YEAR, name="referral outcomes per service")
    assert shown.index.tolist() == ["a", "b", "c", MARGIN]  # e has no decline; the total counts it
    total = shown.loc[MARGIN]
    assert [total["accepted or completed"], total["declined for capacity"], total["Total"]] == [115, 26, 171]  # 30 + 40 + 20 + 25
    assert isinstance(shown.loc["c", "declined for eligibility"], str)  # 3: hidden
    assert shown.loc["c", "declined for capacity"] == 0  # a true zero is shown as 0
    assert _small_shown(shown) == []


def test_headline_metrics_from_released_values() -> None:
    demand = pd.DataFrame({"needs": [60, "<11", 68], "met": [20, "<11", 27], "unmet": [30, "<11", 33]}, index=["a", "b", MARGIN])
    rates = pd.DataFrame({"unmet_need_rate": [50.0, np.nan, np.nan], "median_days_to_met": [79.0, np.nan, 60.0]}, index=demand.index)
    m = gaps_report.headline_metrics(demand, rates, pd.DataFrame({"service": ["a", "b"]}))
    assert m["needs_met"]["value"] == 27 and m["structural_gaps"]["value"] == 2
    assert m["unmet_need_rate"]["value"] is None and m["unmet_need_rate"]["hidden"]
    assert m["median_days_to_met"]["value"] == 60.0 and m["biggest_gap_service"]["value"] == "a"
    hidden_met = gaps_report.headline_metrics(demand.assign(met=["<11", "<11", "<11"]), rates, pd.DataFrame())
    assert hidden_met["needs_met"]["value"] is None and hidden_met["needs_met"]["hidden"]


def test_desert_sentences_list_counties_without_a_hidden_count() -> None:
    g = pd.DataFrame({"service": ["mental_health_care"] * 2, "gap": ["no provider in county"] * 2, "age": ["any"] * 2, "gender": ["any"] * 2,
                      "nationality": ["any"] * 2, "language": ["any"] * 2, "county_fips": ["39053", "39115"], "needs": ["<11", 12]})
    text = gaps_report.structural_gaps_markdown(g, county_names={"39053": "Gallia", "39115": "Morgan"})
    assert text == ("- **Mental health care (emergency and long-term)** — no eligible member serves clients in "
                    "Gallia (39053), a hidden number of needs; Morgan (39115), 12 needs.")


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


def _small_shown(values) -> list:
    numbers = pd.to_numeric(pd.Series(np.ravel(np.asarray(values, dtype=object))), errors="coerce")
    return numbers[(numbers >= 1) & (numbers < K)].tolist()


def test_demo_tables_show_no_count_from_1_to_10_and_the_true_count_where_shown(demo_report) -> None:
    data, rel, scope, demand, rates = demo_report
    truth = gaps.demand_capacity(data, "2025", by=None).set_index("service")
    counts = demand[["needs", "met", "in_progress", "unmet", "declined_by_client"]]
    assert _small_shown(counts) == []
    for service in truth.index:  # a shown count is the true one
        for column in ("needs", "met", "unmet", "declined_by_client"):
            if not isinstance(demand.loc[service, column], str):
                assert demand.loc[service, column] == truth.loc[service, column], (service, column)
    hidden_unmet = demand["unmet"].map(lambda v: isinstance(v, str))
    assert rates.loc[hidden_unmet[hidden_unmet].index, "unmet_need_rate"].isna().all()
    assert _small_shown(gaps_report.publish_gaps(rel, data, "2025", scope, name="02 structural gaps")["needs"]) == []
    assert _small_shown(gaps_report.publish_referrals(rel, scope, name="02 referral outcomes per service")) == []


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
    assert all(name in text for name in demo.PLANTED["desert_counties"].values())


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
    release = Release(data, K, ledger_dir=ledger_dir_of(result.folder.parent, info["fingerprint"], info["run_id"]), run=info["run_id"])
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
