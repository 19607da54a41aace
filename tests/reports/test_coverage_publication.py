"""The service coverage report's victim counts, released through the publication layer.

Needs per county × service, the deserts (which say that a county had need), the order of
the mapped services, the distances over pairs with need, the map's hover: each is read from
what :func:`tfanalysis.reports.coverage.published_coverage` released. Small fixtures are built
from plain unit frames (``Release(None, 11, units=...)``) beside hand-made coverage tables;
each attack of issue 10 that applies to this report is rebuilt and shown to fail, with the
way the report used to publish (``privacy.suppress`` on its own table, deserts from true
counts) shown to leak on the same fixture.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tfanalysis as tf
from tfanalysis import geo
from tfanalysis.analyses import coverage
from tfanalysis.reports import coverage as coverage_report
from tfanalysis.publication import privacy
from tfanalysis.reports.figures import coverage as coverage_figures
from tfanalysis.reports.figures.common import SUPPRESSED_HOVER
from tfanalysis.reports.labels import readable
from tfanalysis.publication import Interval, Release
from tfanalysis.publication.bounds import find_leaks

from conftest import write_tiny_dataset
from shared_tables import COVERAGE_CAPACITY, COVERAGE_CLIENTS, COVERAGE_MEMBERS, COVERAGE_NEEDS

K = 11
YEAR = Interval("2025-01-01", "2025-12-31")


def needs(spec: dict[tuple[str, str], int], day: str = "2025-02-01") -> pd.DataFrame:
    """Need units from {(county, need): count}, all identified on ``day``."""
    rows = [(county, need, day) for (county, need), n in spec.items() for _ in range(n)]
    frame = pd.DataFrame(rows, columns=["county_fips", "need", "identified_on"])
    return frame.assign(identified_on=pd.to_datetime(frame["identified_on"]))


def coverage_table(counties: list[str], services: list[str], *, nearest: dict | None = None,
                   serving: dict | None = None) -> pd.DataFrame:
    """A coverage table as county_service_coverage returns it; its raw ``need`` is not read by the publication."""
    nearest, serving = nearest or {}, serving or {}
    rows = [
        {"county_fips": c, "county": f"County {c}", "state": "DE", "service": s, "residents": 1000 * (i + 1),
         "members_serving": serving.get((c, s), 0), "capacity_per_month": 0.0, "capacity_per_100k": 0.0,
         "nearest_miles": nearest.get((c, s), np.nan), "need": -1, "access": 0.0}
        for s in services for i, c in enumerate(counties)
    ]
    return pd.DataFrame(rows)


def shown(published: pd.DataFrame) -> dict[tuple[str, str], object]:
    return {(c, s): v for c, s, v in published[["county_fips", "service", "need"]].itertuples(index=False)}


def no_leaks(rel: Release) -> bool:
    return find_leaks(rel.ledger.universe_cells("needs"), rel.units("needs"), K) == []


# ------------------------------------------------------------------ what is counted


def test_needs_of_the_period_and_region_counted_from_the_units() -> None:
    """A: 15 in 2025 (+5 in 2024), B: 20, C: none; D lies outside the report's counties."""
    units = pd.concat([needs({("A", "food"): 15, ("B", "food"): 20, ("D", "food"): 3}),
                       needs({("A", "food"): 5}, day="2024-06-01")], ignore_index=True)
    rel = Release(None, K, units={"needs": units})
    published = coverage_report.published_coverage(coverage_table(["A", "B", "C"], ["food"]), rel, "2025")
    assert shown(published) == {("A", "food"): 15, ("B", "food"): 20, ("C", "food"): 0}
    assert published["has_need"].tolist() == [True, True, False]
    # the column total released counts the report's counties only (35, not 38): D's 3 hides nothing
    assert rel.ledger.cells["true"].max() == 35 and not rel.ledger.cells["hidden"].any()
    everything = coverage_report.published_coverage(coverage_table(["A", "B", "C"], ["food"]), Release(None, K, units={"needs": units}), None)
    assert shown(everything)[("A", "food")] == 20


def test_a_small_count_hides_with_its_complements_and_zeros_stay_zero() -> None:
    """A: food 30, legal 3; B: food 20, legal 25; C: nothing. Margins 33, 45, 0 and 50, 28.

    The 3 needs a second hidden count in its row (A's food) and its column (B's legal),
    and then B's food is alone in its row: all four hidden. A reader knowing the margins
    can put anything from 1 to 27 in A's legal cell: safe. C's zeros are shown.
    """
    units = needs({("A", "food"): 30, ("A", "legal"): 3, ("B", "food"): 20, ("B", "legal"): 25})
    rel = Release(None, K, units={"needs": units})
    published = coverage_report.published_coverage(coverage_table(["A", "B", "C"], ["food", "legal"]), rel, "2025")
    assert shown(published) == {("A", "food"): "hidden", ("B", "food"): "hidden", ("C", "food"): 0,
                                ("A", "legal"): "hidden", ("B", "legal"): "hidden", ("C", "legal"): 0}
    assert published["has_need"].tolist() == [True, True, False, True, True, False]
    assert no_leaks(rel)


def test_a_service_meeting_several_codes_gets_a_count_of_its_own() -> None:
    """Emergency housing meets needs recorded as plain housing too: A 12 + 14 = 26, B 20."""
    units = needs({("A", "housing"): 12, ("A", "housing_emergency"): 14, ("B", "housing_emergency"): 20, ("B", "food"): 40})
    rel = Release(None, K, units={"needs": units})
    published = coverage_report.published_coverage(coverage_table(["A", "B"], ["food", "housing_emergency"]), rel, "2025")
    assert shown(published) == {("A", "food"): 0, ("B", "food"): 40, ("A", "housing_emergency"): 26, ("B", "housing_emergency"): 20}
    keys = rel.ledger.cells["key"]
    assert keys.str.contains('"need", \\["in", \\["housing", "housing_emergency"\\]\\]', regex=True).any()


# ------------------------------------------------------------------ attacks rebuilt


def test_a_count_another_report_hid_is_hidden_here_too() -> None:
    """One count, two suppression patterns.

    Another report of the run shows legal needs for counties A, B, C: 14, 3, 30 (47), and
    hides B's 3 with A's 14. Publishing its own table alone, this report hid B's 3 with D's
    12 (smaller) and showed A's 14: then B = 47 - 14 - 30 = 3. Now A's count keeps the
    status it has in the run.
    """
    spec = {("A", "legal"): 14, ("B", "legal"): 3, ("C", "legal"): 30, ("D", "legal"): 12,
            ("A", "food"): 40, ("B", "food"): 25, ("C", "food"): 50, ("D", "food"): 45}
    units = needs(spec)
    rel = Release(None, K, units={"needs": units})
    other = rel.table("needs", rows="county_fips", where={"identified_on": YEAR, "need": "legal", "county_fips": ["A", "B", "C"]},
                      name="another report: legal needs per county")
    assert other.hidden.loc["A", "count"] and other.value("C") == 30 and other.value("Total") == 47
    counties = ["A", "B", "C", "D"]
    # the old way: the report's own table through privacy.suppress shows A's 14
    grid = pd.DataFrame({s: [spec[(c, s)] for c in counties] for s in ("food", "legal")}, index=counties)
    old = privacy.suppress(grid, threshold=K)
    assert old.loc["A", "legal"] == 14 and old.loc["B", "legal"] == "hidden"
    assert other.value("Total") - old.loc["A", "legal"] - other.value("C") == 3
    # now
    published = coverage_report.published_coverage(coverage_table(counties, ["food", "legal"]), rel, "2025")
    assert shown(published)[("A", "legal")] == "hidden"
    assert no_leaks(rel)


def test_nested_periods_across_runs_do_not_give_a_half_year_back(tmp_path: Path) -> None:
    """Different aggregations: a 2025 run shows A's food 25; a later 2025H1 run showing 20 gives H2 = 5."""
    units = pd.concat([needs({("A", "food"): 20, ("B", "food"): 15}, day="2025-03-01"),
                       needs({("A", "food"): 5, ("B", "food"): 30}, day="2025-09-01")], ignore_index=True)
    table = coverage_table(["A", "B"], ["food"])
    # the old way: each run suppressed its own table, both show A
    h1_grid = pd.DataFrame({"food": [20, 15]}, index=["A", "B"])
    year_grid = pd.DataFrame({"food": [25, 45]}, index=["A", "B"])
    assert privacy.suppress(year_grid, threshold=K).loc["A", "food"] - privacy.suppress(h1_grid, threshold=K).loc["A", "food"] == 5
    # now: the second run reads the first run's ledger
    ledgers = tmp_path / "ledgers"
    first = Release(None, K, units={"needs": units}, ledger_dir=ledgers / "2025", run="2025")
    year = coverage_report.published_coverage(table, first, "2025")
    first.ledger.mark_complete()
    assert shown(year) == {("A", "food"): 25, ("B", "food"): 45}
    second = Release(None, K, units={"needs": units}, ledger_dir=ledgers / "2025H1", run="2025H1")
    half = coverage_report.published_coverage(table, second, "2025H1")
    assert shown(half)[("A", "food")] == "hidden"
    assert no_leaks(second)


@pytest.fixture
def withheld() -> tuple[Release, pd.DataFrame]:
    """Crisis needs 2, 2, 2, 2, 2, 2, 1 in counties 0-6 (13, a total another report shows), none in 7.

    Counties 2-6 hold only their crisis victims (groups of 1 or 2 people, each unit a person
    here): their counts, food's zeros too, are withheld (publication.small_groups). Counties 0
    and 1 (40 and 35 with food) have their crisis needs hidden (at least 1 each, at most 12
    given the total); county 7's zero, beside its 30 with food, is shown. No member offers
    crisis intervention or food anywhere.
    """
    spec = {(str(i), "crisis_intervention"): 2 for i in range(6)}
    spec.update({("6", "crisis_intervention"): 1, ("0", "food"): 40, ("1", "food"): 35, ("7", "food"): 30})
    units = needs(spec)
    rel = Release(None, K, units={"needs": units})
    demand = rel.table("needs", rows="need", where={"identified_on": YEAR}, name="another report: needs per service")
    assert demand.value("crisis_intervention") == 13
    table = coverage_table([str(i) for i in range(8)], ["crisis_intervention", "food"])
    return rel, coverage_report.published_coverage(table, rel, "2025")


def test_deserts_are_read_from_the_release_not_from_true_counts(withheld) -> None:
    """Sentences and deserts: listing the seven counties with crisis needs (not the eighth) from the
    true counts would say which withheld counts are zero. Now the list is the pairs without a
    provider whose released count is not a shown 0: counties 0 and 1 (hidden, so at least 1) as
    deserts, 2-6 (withheld) as pairs whose need the report does not say; 7's shown 0 is not listed."""
    rel, published = withheld
    crisis = published[published["service"] == "crisis_intervention"]
    assert crisis["need"].tolist() == ["hidden"] * 7 + [0]
    assert crisis["has_need"].tolist()[:2] == [True, True] and crisis["has_need"].iloc[2:7].isna().all() and not crisis["has_need"].iloc[7]
    found = coverage_report.published_deserts(published, max_miles=60)
    listed = found[found["service"] == "crisis_intervention"]
    assert listed["county_fips"].tolist() == [str(i) for i in range(7)]
    assert listed["need_shown"].tolist() == [True, True] + [False] * 5
    # the list is exactly the pairs whose released count is not a shown 0, whatever the true counts
    assert set(zip(found["county_fips"], found["service"])) == set(
        published.loc[published["need"].astype(str) != "0", ["county_fips", "service"]].itertuples(index=False, name=None))
    text = coverage_report.deserts_markdown(published, max_miles=60, period_label="2025")
    withheld_pairs = int(published["has_need"].isna().sum())
    assert withheld_pairs == 10  # crisis and food in counties 2-6
    assert f"{withheld_pairs} more pairs have no provider in reach, and their counts of needs are withheld" in text
    assert "Crisis intervention (2 counties: County 0, County 1)" in text
    assert "13" not in text
    assert no_leaks(rel)

def test_median_distance_is_over_the_pairs_the_release_shows_need_for() -> None:
    published = pd.DataFrame({
        "has_need": pd.array([True, True, False, pd.NA, True], dtype="boolean"),
        "nearest_miles": [10.0, 40.0, 99.0, 1.0, np.nan],
    })
    # 10 and 40: the zero (99 miles) and the withheld count (1 mile) are left out, NaN has no provider
    assert coverage_report.median_nearest_miles(published) == 25.0


def test_mapped_services_are_chosen_from_released_values_only() -> None:
    """'Most needed' picked by true totals ranks hidden counts: food (40 in one county) before
    legal (three hidden counts of 2). Now: deserts first, then counties whose need shows."""
    published = pd.DataFrame({
        "service": ["food"] * 3 + ["legal"] * 3 + ["esl"] * 3,
        "need": ["hidden", 0, 0, "hidden", "hidden", "hidden", 0, 0, 0],
        "has_need": pd.array([True, False, False, True, True, True, False, False, False], dtype="boolean"),
    })
    assert coverage_report.services_to_map(published, pd.DataFrame({"service": ["esl"]}), limit=3) == ["esl", "legal", "food"]
    assert coverage_report.services_to_map(published, pd.DataFrame({"service": []}), limit=3) == ["legal", "food"]


def test_the_map_hover_shows_released_counts_zeros_as_zero_and_refuses_true_counts(withheld) -> None:
    _, published = withheld
    fig = coverage_figures.access_map_figure(published, {"type": "FeatureCollection", "features": []},
                                             pd.DataFrame(columns=["name", "sector", "service", "lat", "lon"]),
                                             ["food", "crisis_intervention"])
    food = [t.split("needs identified: ")[1] for t in fig.data[0].text]
    crisis = [t.split("needs identified: ")[1] for t in fig.data[2].text]
    expected_food = [("0" if v == 0 else SUPPRESSED_HOVER if v == "hidden" else f"{v:,}")
                     for v in published.loc[published["service"] == "food", "need"]]
    assert food == expected_food
    assert crisis == [SUPPRESSED_HOVER] * 7 + ["0"]  # county 7's zero, of 30 people with food, is no small group's
    raw = published.drop(columns="has_need").assign(need=1)
    with pytest.raises(ValueError, match="published_coverage"):
        coverage_figures.access_map_figure(raw, {"type": "FeatureCollection", "features": []},
                                           pd.DataFrame(columns=["name", "sector", "service", "lat", "lon"]), ["food"])


def test_red_dots_are_the_released_deserts_only() -> None:
    """Two counties without a provider within 60 miles: A's need is hidden (a desert), B's is 0.

    A's 4 legal needs are among its 14 clients (10 more with food): no small group, so the hidden
    count is at least 1 and A is a desert. Red dots are :func:`shown_deserts`, as report 01 draws them."""
    units = needs({("A", "legal"): 4, ("A", "food"): 10, ("C", "legal"): 30})
    table = coverage_table(["A", "B", "C"], ["legal"], nearest={("A", "legal"): 70.0, ("B", "legal"): 80.0, ("C", "legal"): 5.0},
                           serving={("C", "legal"): 1})
    published = coverage_report.published_coverage(table, Release(None, K, units={"needs": units}), "2025")
    found = coverage_report.published_deserts(published, max_miles=60)
    assert found[["county_fips", "need", "kind"]].values.tolist() == [["A", "hidden", "none within reach"]]
    assert found["need_shown"].tolist() == [True]
    fig = coverage_figures.nearest_distance_figure(published, ["legal"], max_miles=60, deserts=coverage_report.shown_deserts(found))
    assert [(t.name, list(t.text)) for t in fig.data] == [("other counties", ["County B", "County C"]),
                                                           ("service desert", ["County A"])]
    assert coverage_report.deserts_table(found).values.tolist() == [["hidden", 70.0, 1000, "none within reach"]]


# ------------------------------------------------------------------ the demo report


def _figures(page: str) -> list[dict]:
    """The plotly figures of a rendered report, as JSON."""
    decoder = json.JSONDecoder()
    out = []
    for m in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*", page):
        data, end = decoder.raw_decode(page, m.end())
        out.append({"data": data})
    return out


def _tables(page: str) -> dict[str, list[list[str]]]:
    """The tf-tables of a rendered report by caption: rows of cell texts (header first)."""
    out = {}
    for caption, body in re.findall(r'<table class="tf-table"><caption>(.*?)</caption>(.*?)</table>', page, flags=re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
        out[html.unescape(caption)] = [[html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, flags=re.S)] for r in rows]
    return out


@pytest.mark.slow
def test_the_demo_report_prints_no_hidden_count_and_only_true_ones(demo_runs) -> None:
    """In the rendered 2025Q4 report, each count of needs (hover, deserts, worst-covered) is hidden,
    0 or a true count of 11 or more; a count of 1-10 is never printed, and no desert is listed
    where the map shows 0."""
    result, reports = demo_runs
    data = tf.load_dataset(reports.parent / "demo")
    truth = coverage.county_service_coverage(data, "2025Q4")
    true = truth.set_index(["county_fips", "service"])["need"]
    fips = truth.drop_duplicates("county_fips").set_index("county")["county_fips"]
    label = {readable(s): s for s in truth["service"].unique()}
    page = (result.folder / "01_service_coverage.html").read_text(encoding="utf-8")

    def count(text: str) -> int | None:
        return None if text in ("hidden", SUPPRESSED_HOVER) else int(text.replace(",", ""))

    hover: dict[tuple[str, str], int | None] = {}
    for fig in _figures(page):
        for trace in fig["data"]:
            if trace.get("type") == "choropleth":
                for county, text in zip(trace["locations"], trace["text"]):
                    hover[(county, label[trace["name"]])] = count(text.split("needs identified: ")[1])
    assert len(hover) == 88 * 5
    tables = _tables(page)
    deserts = next(rows for caption, rows in tables.items() if caption.startswith("Service deserts"))[1:]
    worst = tables["Lowest access per service"][1:]
    in_deserts = {(fips[r[1]], label[r[0]]): count(r[2]) for r in deserts}
    in_worst = {(fips[r[1]], label[r[0]]): count(r[5]) for r in worst}
    assert in_deserts and in_worst
    for shown in (hover, in_deserts, in_worst):
        for key, value in shown.items():
            n = int(true[key])
            assert value is None or (value == n and (n == 0 or n >= K)), key
            assert key not in hover or hover[key] == value, key  # one count, one status on the page
    small = [key for key in hover if 1 <= true[key] < K]
    assert small and all(hover[key] is None for key in small)
    assert all(value != 0 for value in in_deserts.values())  # a desert is never where the count shows 0


# --------------------------------------------------------------------------- on the extended tiny task force

KENT = "10001"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tf.TaskForceData:
    folder = write_tiny_dataset(
        tmp_path_factory.mktemp("coverage") / "tiny",
        members__csv=COVERAGE_MEMBERS, capacity__csv=COVERAGE_CAPACITY, clients__csv=COVERAGE_CLIENTS, needs__csv=COVERAGE_NEEDS,
    )
    return tf.load_dataset(folder)


@pytest.fixture(scope="module")
def population() -> dict[str, int]:
    return geo.counties("DE").set_index("county_fips")["population"].astype(int).to_dict()


def test_published_needs_are_released_from_the_whole_dataset(data: tf.TaskForceData) -> None:
    """2024: case management Kent 1 (c1), Sussex 1 (c3); emergency housing Kent 1, New Castle 1.

    Each county's 2024 needs are one client's (Kent c1, New Castle c2, Sussex c3): a group of one
    person, so every count, zeros too, is withheld (publication.small_groups): shown "hidden",
    neither 0 nor at least 1. Before 2026-12-07 Kent read hidden, hidden and Sussex hidden, 0: c3's
    case management and no emergency housing, her needs of the year."""
    table = coverage.county_service_coverage(data, "2024", services="case_management;housing_emergency")
    published = coverage_report.published_coverage(table, Release(data, 11), "2024")
    assert published["need"].tolist() == ["hidden"] * 6
    assert published["has_need"].isna().all()
    # nothing else changes: members, capacity, distances, access and residents are not victim counts
    assert (published.drop(columns=["need", "has_need"]) == table.drop(columns="need")).fillna(True).all().all()
    # at threshold 2 a group of one person is still small
    low = coverage_report.published_coverage(table, Release(data, 2), "2024")
    assert low["need"].tolist() == ["hidden"] * 6 and low["has_need"].isna().all()


def test_markdown_names_services_counties_and_residents(data: tf.TaskForceData, population) -> None:
    """Kent's one 2024 client (c1) needed mental health care, 30 miles from the nearest provider: her
    county's count is withheld (a group of one person), so Kent is named as a pair without a provider
    whose need the report does not say, beside New Castle (c2, no such need), and no desert is claimed."""
    table = coverage.county_service_coverage(data, "2024", services="mental_health_care", max_miles=25)
    published = coverage_report.published_coverage(table, Release(data, 11), "2024")
    text = coverage_report.deserts_markdown(published, max_miles=25, period_label="2024")
    assert text == (
        "In 2024, no county of the region had needs identified (as the counts released show) for one of the 1 service "
        "analysed without a provider serving it or within 25 miles. 2 pairs have no provider in reach, and their counts of "
        "needs are withheld (it would tell what a few victims have, or give another count away), so the report does not say "
        "whether there was need: Mental health care (emergency and long-term) (Kent, New Castle)."
    )
    found = coverage_report.published_deserts(published, max_miles=25)
    assert found[["county_fips", "need", "need_shown"]].values.tolist() == [[KENT, "hidden", False], ["10003", "hidden", False]]
    assert coverage_report.residents_of(coverage_report.shown_deserts(found)) == 0

def test_a_housing_subtype_reads_as_its_e_guide_label_in_every_coverage_table() -> None:
    # the housing subtypes are service codes, not e-Guide needs: they read 'housing emergency' before
    published = pd.DataFrame({"service": "housing_emergency", "county": ["Mercer", "Noble"], "access": [0.0, 2.0],
                              "nearest_miles": [90.0, 10.0], "members_serving": [0, 1], "need": ["hidden", 12]})
    assert coverage_report.worst_covered(published, ["housing_emergency"], n=1).index.tolist() == [("Housing: emergency", "Mercer")]
    found = pd.DataFrame({"county": ["Mercer"], "service": ["housing_transitional"], "need": ["hidden"], "nearest_miles": [90.0],
                          "residents": [40000], "kind": ["none within reach"]})
    assert coverage_report.deserts_table(found).index.tolist() == [("Housing: transitional", "Mercer")]


def test_the_deserts_table_gives_miles_to_a_tenth_as_the_figure_beside_it() -> None:
    # a statistician read "131.0" in the table and 130.6 in the figure for the same county
    from tfanalysis.reports.coverage import deserts_table

    found = pd.DataFrame({"county": ["Lassen"], "service": ["food"], "need": [14], "nearest_miles": [130.6127],
                          "residents": [31000], "kind": ["none within reach"]})
    assert deserts_table(found)["nearest miles"].tolist() == [130.6]
