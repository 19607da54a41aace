"""What the what-if report shows, through the publication layer, on the tiny Delaware task force.

The needs behind each number are worked out in tests/analyses/scenarios/test_compare.py: in 2024 the
man's emergency-housing need (need 2) and the Spanish speaker's legal need (need 3) have no
eligible member; closing the shelter loses needs 0, 1 (case management, Kent) and 4 (case
management, Sussex, declined by the client).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import tfanalysis as tf
from tfanalysis.publication import Release
from tfanalysis.analyses.scenarios import compare, read_scenarios
from tfanalysis.analyses.gaps.eligibility import NEEDS_FRAME_VERSION
from tfanalysis.reports import what_if as report

from shared_tables import SCENARIOS


@pytest.fixture(scope="module")
def tiny(tiny_data) -> tf.TaskForceData:
    return tiny_data


@pytest.fixture(scope="module")
def whatif(tiny) -> compare.WhatIf:
    return compare.compare(tiny, read_scenarios(text=SCENARIOS), "2024")


@pytest.fixture(scope="module")
def rel2(tiny) -> Release:
    """Threshold 2: counts of 1 hidden, 2 and more shown unless they would give a 1 away."""
    return Release(tiny, 2)


@pytest.fixture(scope="module")
def page2(rel2, whatif) -> report.WhatIfPage:
    return report.publish(rel2, whatif)


def page_of(page: report.WhatIfPage, name: str) -> report.ScenarioPage:
    return next(p for p in page.pages if p.name == name)


def test_a_closed_gap_shows_a_released_zero_and_a_hidden_size_is_never_compared(page2) -> None:
    # each of the tiny task force's two gaps is one client's: the man's emergency housing (c2, the one man
    # with needs in 2024) and the Spanish speaker's legal need (c2 too). Read as counts on those attributes,
    # each is a group of one (publication.small_groups): withheld in both versions and not listed, so the page
    # neither says the men's gap closed (0 after) nor that it was there. Until 2026-12-07: hidden, 0, "closed".
    beds = page_of(page2, "Beds for men").gaps
    assert beds.empty


def test_gaps_opened_by_a_closing_shelter(page2) -> None:
    closes = page_of(page2, "Shelter closes").gaps.set_index("gap_words")
    assert closes.loc["Case management — no member offers it", ["needs_before", "change"]].tolist() == [0, "opened"]
    assert closes.loc["Housing: emergency — no member offers it", ["needs_before", "change"]].tolist() == [0, "opened"]
    assert "Housing: emergency — no member serves male clients" not in closes.index  # one man's: withheld, not listed


def test_needs_reached_and_lost_are_released_counts(page2) -> None:
    beds = page_of(page2, "Beds for men")
    assert beds.reach.shown.loc["Total", ["reached", "lost"]].tolist() == ["hidden", 0]
    closes = page_of(page2, "Shelter closes")
    # 3 needs lost: 2 of case management and 1 of emergency housing; the 1 is hidden, so the 2 beside it is too
    assert closes.reach.shown.loc["Total", ["reached", "lost"]].tolist() == [0, 3]
    assert closes.reach.shown.loc[["case_management", "housing_emergency"], "lost"].tolist() == ["hidden", "hidden"]
    # of the 3 lost, only the case-management need still in progress was not met
    assert closes.reach_not_met.shown.loc["lost", "count"] == "hidden"
    summary = page2.summary
    # the one gap the closing shelter closes is the man's (above): not listed, so not counted
    # nor the six deserts it opens: each county's 2024 needs are one client's, withheld, so no desert is claimed
    assert summary.loc["Shelter closes", ["needs reached", "needs lost", "deserts opened", "gaps opened", "gaps closed"]].tolist() == [0, 3, 0, 2, 0]


def test_deserts_that_open_carry_their_needs_as_released(page2) -> None:
    """A desert is need without a provider. The shelter's closing leaves Kent and Sussex without case
    management, but each county's 2024 needs are one client's (c1, c3): the released counts are withheld,
    so the page claims no desert there (until 2026-12-07 it listed both, from the true counts)."""
    assert page_of(page2, "Shelter closes").deserts.empty

def test_utilization_is_shown_only_with_its_count_and_places_always(page2, tiny, whatif) -> None:
    closes = page_of(page2, "Shelter closes").utilization.set_index("service")
    assert closes["places a month now"].tolist() == [10.0, 6.0] and closes["places a month with"].tolist() == [0.0, 0.0]
    # alone in a release, the 2 emergency-housing needs are shown, and so is their utilization (needs ÷ places)
    beds = report._utilization(Release(tiny, 2), whatif, next(c for c in whatif.comparisons if c.scenario.name == "Beds for men"))
    months = 366 / (365.25 / 12)
    assert beds[["needs", "utilization now", "utilization with"]].values.tolist() == [[2, round(2 / (6 * months), 2), round(2 / (9 * months), 2)]]
    # the one legal need is hidden: its utilization would give it back
    lewes = page_of(page2, "Spanish legal aid in Lewes").utilization.set_index("service")
    assert lewes["needs"].tolist() == ["hidden"] and np.isnan(lewes["utilization now"].iloc[0]) and np.isnan(lewes["utilization with"].iloc[0])
    for p in page2.pages:  # wherever a count is hidden, so is its utilization
        hidden = p.utilization["needs"].map(lambda v: isinstance(v, str)).to_numpy(bool)
        assert p.utilization.loc[hidden, ["utilization now", "utilization with"]].isna().all().all()


def test_prose_quotes_released_values_only(page2) -> None:
    closes = page_of(page2, "Shelter closes").text
    assert "would reach 0 that had no eligible member" in closes and "would lose 3 (a hidden number of them not met)" in closes
    assert "falls in 2 counties and rises in none" in closes
    assert "No service desert closes or opens where the released counts show need." in closes  # six open, each one client's
    assert closes.count("(its utilization is not shown: its count of needs is hidden)") == 2  # both counts hidden in this release
    lewes = page_of(page2, "Spanish legal aid in Lewes").text
    assert "would reach a hidden number" in lewes and "its utilization is not shown" in lewes
    # the Spanish speaker's gap is one client's: not listed, so not said to close
    assert "Structural gaps closed" not in lewes


def test_a_scenario_touching_no_capacity_says_so(page2) -> None:
    police = page_of(page2, "Police leave")
    assert police.text.startswith("The scenario changes no capacity row: access, deserts, places and sites stay as they are in 2024. "
                                  "No service desert closes or opens where the released counts show need. No structural gap the released counts show closes or opens.")
    assert police.figure is None and police.access.empty


def test_at_the_default_threshold_no_count_from_1_to_10_is_printed(tiny, whatif) -> None:
    page = report.publish(Release(tiny, 11), whatif)
    for p in page.pages:
        shown = pd.concat([p.gaps[["needs_before", "needs_after"]].stack(), p.reach.shown.stack(), p.reach_not_met.shown.stack(),
                           p.utilization["needs"], p.deserts["needs identified"]])
        numbers = pd.to_numeric(shown, errors="coerce").dropna()
        assert not numbers.between(1, 10).any(), p.name
        said = [int(n) for n in re.findall(r"(?:reach|lose) (\d+)", p.text)]
        assert all(n == 0 or n >= 11 for n in said), p.text
    # the task force's 2024 needs are four clients': at 11 a small group, so even the scenarios' zeros
    # are withheld (a 0 would tell that none of the four is reached; publication.small_groups). The police
    # leaving touches no capacity: no need can be reached, its table lists no service, and its 0 tells
    # nothing the scenario does not (until 2026-12-07 the rows were the needs the data had: hidden)
    assert page.summary["needs reached"].tolist() == ["hidden"] * 3 + [0]
    assert page_of(page, "Police leave").reach.shown.index.tolist() == ["Total"]


def test_the_release_holds_the_derived_columns_and_a_second_publication_agrees(rel2, page2, whatif) -> None:
    rel, first = rel2, page2
    derived = [c for c in rel.units("needs").columns if c.startswith("scenarios.")]
    keys = {c.scenario.key() for c in whatif.comparisons}
    # scenarios.<gap or reach>.v<needs frame version>.<key>.<period>
    assert {c.split(".")[2] for c in derived} == {f"v{NEEDS_FRAME_VERSION}"}
    assert {c.split(".")[3] for c in derived} == keys | {"baseline"}
    assert all(c.endswith(".20240101-20241231") for c in derived)
    again = report.publish(rel, whatif)  # the same names, the same values: the same counts, the same statuses
    pd.testing.assert_frame_equal(first.summary, again.summary)


def test_no_scenario_gives_an_honest_page(tiny) -> None:
    page = report.publish(Release(tiny, 11), compare.compare(tiny, [], "2024"))
    assert page.pages == [] and page.summary.empty
    assert report.summary_markdown(page).startswith("**No scenario was given for this run.**")


def test_the_map_offers_the_services_the_scenario_names(page2) -> None:
    closes = page_of(page2, "Shelter closes")
    assert [b["label"] for b in closes.figure.layout.updatemenus[0].buttons] == ["Case management", "Housing: emergency"]
    # needs per county as released in the hover: Kent's one case-management need is hidden; New Castle has none,
    # but its 2024 needs are one client's (c2): her 0 would tell she needed no case management, so it is withheld
    hover = {t.split("</b>")[0][3:]: t for t in closes.figure.data[0].text}
    assert "needs identified: hidden" in hover["Kent"] and "needs identified: hidden" in hover["New Castle"]


def test_sites_are_chosen_from_released_counts_never_from_the_analysis(tiny, whatif) -> None:
    """The analysis's sites rest on true counts per county; the page's on the counts it releases.

    An outsider read report 06's sites as an order of hidden counts (a blank rank said every
    other county had none). Here the analysis's sites are replaced by a county that does not
    exist: the page never shows it. Shelter closes, 2024, threshold 2: case management's one
    need not met is in Kent (hidden, counted as 0.5), emergency housing's in New Castle; each
    service's first site is the county covering the most, Kent within 60 miles of all three.
    """
    import dataclasses

    planted = dataclasses.replace(whatif, comparisons=[
        dataclasses.replace(c, sites=c.sites.assign(site_before="Nowhere", site_after="Nowhere")) for c in whatif.comparisons])
    page = report.publish(Release(tiny, 2), planted)
    assert page_of(page, "Shelter closes").sites.values.tolist() == [
        ["Case management", 1, "Kent", "Kent"], ["Housing: emergency", 1, "Kent", "Kent"]]
    assert not any((p.sites == "Nowhere").any().any() for p in page.pages)


def test_county_gaps_are_listed_and_quoted_by_report_01s_counts(demo_dir) -> None:
    """A county gap of report 06 is one report 01 shows to have need, quoting report 01's count where open.

    Stop 35's outsider read which of report 01's withheld county counts had needs off the
    structural-gap lists of reports 02 and 06 (each gap listed on its own label). In the demo's
    2025Q4 the clinic in Meigs closes the mental-health gaps of Gallia and Morgan (2 and 1
    needs). Each county's needs of the quarter are a handful of clients', so report 01 withholds
    their counts (publication.small_groups) and neither gap is listed: listing one would tell
    that one of those few needed mental health care (until 2026-12-07 both were shown closed).
    """
    from tfanalysis.analyses import coverage as coverage_analysis
    from tfanalysis.analyses.scenarios import DEMO_SCENARIOS
    from tfanalysis.reports.coverage import published_coverage

    data = tf.load_dataset(demo_dir)
    rel = Release(data, 11)
    first = published_coverage(coverage_analysis.county_service_coverage(data, "2025Q4"), rel, "2025Q4").set_index(["county_fips", "service"])
    keys = len(rel.ledger.cells)
    clinic_only = [s for s in read_scenarios(DEMO_SCENARIOS) if s.name == "Mental-health clinic in Meigs County"]
    page = report.publish(rel, compare.compare(data, clinic_only, "2025Q4"))
    clinic = page_of(page, "Mental-health clinic in Meigs County").gaps
    county = clinic[clinic["gap"] == "no eligible provider in county"].set_index("county_fips")
    assert not county.index.isin(["39053", "39115"]).any()
    assert first.loc[[("39053", "mental_health_care"), ("39115", "mental_health_care")], "has_need"].isna().all()
    for p in page.pages:
        for row in p.gaps[p.gaps["gap"] == "no eligible provider in county"].itertuples():
            assert bool(first.loc[(row.county_fips, row.service), "has_need"]), (p.name, row.county_fips)
            for value in (row.needs_before, row.needs_after):
                assert value == 0 or value == first.loc[(row.county_fips, row.service), "need"], (p.name, row.county_fips)
    # the county counts are report 01's own: none is a new count first released by report 06's gap tables
    tables = set(rel.ledger.cells["table"])
    assert not any(t.startswith("06 structural gaps: ") for t in tables) and len(rel.ledger.cells) > keys


def test_a_sentence_quotes_access_and_utilization_as_the_table_beside_it_prints_them(page2) -> None:
    # an outsider read "0.00 → 1.95" in report 06's sentence above a table printing 1.9 (the
    # table prints every measure to a tenth): one formatter for both, labels.measure_text
    from tfanalysis.reports.notebook import table_html

    checked = 0
    for p in page2.pages:
        if len(p.access):
            cells = table_html(p.access.set_index(["service", "county"]))
            quoted = re.search(r"\(([\d.,]+) → ([\d.,]+) a month per", p.text)
            assert quoted is not None, p.name
            assert all(f">{number}<" in cells for number in quoted.groups()), (p.name, quoted.groups())
            checked += 1
        for row in p.utilization.to_dict("records"):
            if row["places a month now"] != row["places a month with"] and pd.notna(row["utilization now"]):
                cells = table_html(p.utilization.set_index("service"))
                said = re.search(r"utilization ([\d.,]+) → ([\d.,]+)", p.text).groups()
                assert all(f">{number}<" in cells for number in said), (p.name, said)
                checked += 1
    assert checked >= 2


def test_a_county_gap_opening_as_another_closes_is_said_to_be_possibly_the_same_needs() -> None:
    """A third task force: a shelter added in Worthington 'opened' a gap in Hennepin, the same needs named anew."""
    from tfanalysis.reports.what_if import ScenarioPage, scenario_markdown

    rel = Release(None, 11, units={"needs": pd.DataFrame({"need": ["food"] * 12, "r": ["reached"] * 12})})
    reach = rel.table("needs", rows="need", columns="r", levels={"r": ["reached", "lost"]}, name="reach")
    none = rel.table("needs", rows="r", where={"r": ["lost"]}, levels={"r": ["reached", "lost"]}, name="not met")
    gaps = pd.DataFrame({"gap": ["eligibility", "no eligible provider in county"], "change": ["closed", "opened"],
                         "gap_words": ["Housing: emergency — no member serves adults", "Housing: emergency — no eligible member serves Hennepin"]})
    page = ScenarioPage("Shelter beds", "", pd.DataFrame(), pd.DataFrame(columns=["county", "access now", "access with", "service"]),
                        pd.DataFrame(columns=["service", "county", "desert"]), gaps, reach, none, pd.DataFrame(columns=["service"]),
                        pd.DataFrame(columns=["service"]))
    text = scenario_markdown(page, "2025", ["housing_emergency"])
    assert "Structural gaps opened: Housing: emergency — no eligible member serves Hennepin." in text
    assert "A county gap that opens as another closes can be the same needs named anew" in text
    alone = scenario_markdown(ScenarioPage(*[getattr(page, f) for f in page.__dataclass_fields__][:5], gaps.iloc[[1]],
                                           *[getattr(page, f) for f in page.__dataclass_fields__][6:]), "2025", ["housing_emergency"])
    assert "named anew" not in alone  # nothing closed: nothing to have been named before
    # the summary does not count it as a gap opened (stop 38 left its tile at 1 opened)
    from tfanalysis.reports.what_if import WhatIfPage, _summary
    row = _summary(WhatIfPage("2025", [page])).loc["Shelter beds"]
    assert (row["gaps closed"], row["gaps opened"], row["gaps named anew"]) == (1, 0, 1)
