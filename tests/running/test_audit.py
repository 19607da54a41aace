"""Auditing a release: the ledger's bounds, numbers read back from HTML, the run gate, the CLI."""

from __future__ import annotations

import base64
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from tfanalysis.running import cli, pipeline
from tfanalysis.publication import Release
from tfanalysis.running.audit import audit_html, audit_ledger, audit_small_groups, read_numbers
from tfanalysis.publication.cells import cell_key, predicate


def _figure_page(trace: dict) -> str:
    return f'<div id="f"></div><script>Plotly.newPlot("f", {json.dumps([trace])}, {{}}, {{}})</script>'


def test_numbers_are_read_back_from_base64_plotly_arrays():
    values = np.array([12, 7, 30], dtype="<i4")
    trace = {"type": "bar", "x": ["a", "b", "c"], "y": {"dtype": "i4", "bdata": base64.b64encode(values.tobytes()).decode()},
             "meta": {"release": "t"}}
    numbers = read_numbers(_figure_page(trace))
    assert numbers[["label", "value"]].values.tolist() == [["a", 12.0], ["b", 7.0], ["c", 30.0]]
    assert (numbers["release"] == "t").all()


def test_figures_are_read_at_their_categories_whatever_the_axis():
    """A horizontal bar's values are on x and its categories on y; a map's categories are its
    locations; a heatmap's values sit at a row and a column, named by the table's own labels
    where the figure shows others (county names for FIPS codes)."""
    bar = {"type": "bar", "orientation": "h", "y": ["Food", "Clothing"], "x": [14, None], "name": "met", "meta": {"release": "t"}}
    area = {"type": "choropleth", "locations": ["10001", "10003"], "z": [0, 12], "meta": {"release": "m"}}
    grid = {"type": "heatmap", "x": ["Kent", "all"], "y": ["a", "b"], "z": {"dtype": "f8", "bdata": base64.b64encode(
        np.array([[3.0, np.nan], [12.0, 15.0]]).tobytes()).decode(), "shape": "2, 2"}, "meta": {"release": "g", "columns": ["10001", "Total"]}}
    got = pd.concat([read_numbers(_figure_page(trace)) for trace in (bar, area, grid)])
    assert got[["release", "label", "column", "value"]].values.tolist() == [
        ["t", "Food", "met", 14.0], ["m", "10001", "", 0.0], ["m", "10003", "", 12.0],
        ["g", "a", "10001", 3.0], ["g", "b", "10001", 12.0], ["g", "b", "Total", 15.0]]


def test_a_tagged_figure_drawing_a_hidden_count_is_a_finding():
    """The figures' own reading of the release: a hidden count drawn with its value, or a shown
    one drawn with another, is found; the same figure drawing the hidden count as a gap is not."""
    ledger = pd.DataFrame({"table": ["g"] * 3, "row": ["a", "b", "b"], "column": ["10001", "10001", "Total"],
                           "true": [3, 12, 15], "hidden": [True, False, False]})

    def grid(values):
        return _figure_page({"type": "heatmap", "x": ["Kent", "all"], "y": ["a", "b"], "z": values,
                             "meta": {"release": "g", "columns": ["10001", "Total"]}})

    assert audit_html(grid([[3, None], [12, 15]]), ledger, 11)["cell"].tolist() == ["a × 10001"]
    assert audit_html(grid([[None, None], [12, 14]]), ledger, 11)["cell"].tolist() == ["b × Total"]
    assert audit_html(grid([[None, None], [12, 15]]), ledger, 11).empty


def test_the_figures_of_a_released_table_are_read_back_against_the_release():
    """Report 02's heatmap and map, drawn from counts a release hid and showed: the audit reads
    every drawn value back (none hidden is drawn), and finds the one a tampered figure draws."""
    from tfanalysis.reports.figures.gaps import gap_heatmap, sites_map

    # Kent: twelve clients with food needs, two of them clothing; New Castle twenty with food; Sussex fifteen with clothing
    units = pd.DataFrame({"client_id": [f"k{i}" for i in range(12)] + ["k0", "k1"] + [f"n{i}" for i in range(20)] + [f"s{i}" for i in range(15)],
                          "county_fips": ["10001"] * 14 + ["10003"] * 20 + ["10005"] * 15,
                          "need": ["food"] * 12 + ["clothing"] * 2 + ["food"] * 20 + ["clothing"] * 15})
    rel = Release(None, 11, units={"needs": units})
    table = rel.table("needs", rows="need", columns="county_fips", name="needs per need and county")
    per_county = rel.table("needs", rows="county_fips", name="needs per county")
    names = {"10001": "Kent", "10003": "New Castle", "10005": "Sussex"}
    geo = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"county_fips": f, "name": n}, "geometry": None}
                                                     for f, n in names.items()]}
    heatmap = gap_heatmap(table.inner(), labels=names)
    drawn = heatmap.to_json()
    mine = rel.ledger.shown_in("")
    read = read_numbers(_figure_page(json.loads(drawn)["data"][0]))
    # Kent's 2 clothing needs hidden, and with them (complementary suppression) the counts that would give them back;
    # the two zeros are shown
    assert sorted(read.loc[read["column"] != "text", ["label", "column", "value"]].values.tolist()) == [["Clothing", "10003", 0.0], ["Food", "10005", 0.0]]
    assert audit_html(_figure_page(json.loads(drawn)["data"][0]), mine, 11).empty
    assert audit_html(_figure_page(json.loads(sites_map(per_county.inner(), pd.DataFrame(), geo).to_json())["data"][0]), mine, 11).empty
    tampered = json.loads(drawn)["data"][0]
    tampered["z"] = [[None, 0, None], [12, None, 0]]  # food in Kent, hidden, drawn as its true 12
    assert audit_html(_figure_page(tampered), mine, 11)["cell"].tolist() == ["Food × 10001"]


def test_a_count_in_the_trend_figure_is_read_back_against_its_released_series():
    """Report 03's panels of counts name their released series; a panel of a share names none."""
    from tfanalysis.reports.figures.collaboration import trend_figure

    ledger = pd.DataFrame({"table": ["arrests per quarter"] * 2, "row": ["2024Q1", "2024Q2"], "column": ["count"] * 2,
                           "true": [12, 5], "hidden": [False, True]})

    def page(drawn: list[float]) -> str:
        lines = pd.DataFrame({"indicator": ["arrests"] * 2 + ["share"] * 2, "label": ["Arrests"] * 2 + ["Share"] * 2,
                              "unit": ["count"] * 2 + ["share"] * 2, "period": ["2024Q1", "2024Q2"] * 2,
                              "observed": drawn + [0.05, 0.5], "hidden": [False, True, False, False], "fitted": np.nan,
                              "counterfactual": np.nan, "post": False, "release": ["arrests per quarter"] * 2 + [""] * 2})
        return "".join(_figure_page(trace) for trace in json.loads(trend_figure(lines).to_json())["data"])

    assert audit_html(page([12.0, np.nan]), ledger, 11).empty
    assert audit_html(page([12.0, 5.0]), ledger, 11)["cell"].tolist() == ["2024Q2 × Count"]


def test_a_leadership_trend_line_is_redrawn_from_the_release():
    """The summary's small trend line of a count, scaled to its own range, hides a hidden period as a gap:
    drawn through the hidden period's true value instead, its shape gives the value back (the
    shown ends fix the scale), and the audit finds it."""
    from tfanalysis.reports.summary import _sparkline

    ledger = pd.DataFrame({"table": ["05 Arrests per period"] * 3, "row": ["2025Q2", "2025Q3", "2025Q4"], "column": ["count"] * 3,
                           "true": [12, 5, 19], "hidden": [False, True, False]})
    periods = ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]  # 2025Q1: no data yet, not drawn
    assert audit_html(_sparkline([np.nan, 12.0, np.nan, 19.0], release="05 Arrests per period", periods=[None, *periods[1:]]), ledger, 11).empty
    leaky = _sparkline([np.nan, 12.0, 5.0, 19.0], release="05 Arrests per period", periods=[None, *periods[1:]])
    assert audit_html(leaky, ledger, 11)[["table", "cell"]].values.tolist() == [["05 Arrests per period", "trend line"]]


def test_a_tagged_table_printing_a_hidden_count_is_a_finding():
    ledger = pd.DataFrame({"table": ["t", "t"], "row": ["a", "b"], "column": ["count", "count"], "true": [7, 30], "hidden": [True, False]})
    leaky = '<table data-release="t"><tbody><tr><th>a</th><td>7</td></tr><tr><th>b</th><td>30</td></tr></tbody></table>'
    safe = '<table data-release="t"><tbody><tr><th>a</th><td>&lt;11</td></tr><tr><th>b</th><td>30</td></tr></tbody></table>'
    assert audit_html(leaky, ledger, 11)["cell"].tolist() == ["a × Count"]
    assert audit_html(safe, ledger, 11).empty


def test_a_sentence_quoting_a_hidden_count_next_to_its_label_is_a_finding():
    ledger = pd.DataFrame({"table": ["t"], "row": ["Housing: emergency"], "column": ["count"], "true": [6], "hidden": [True]})
    page = '<div class="jp-RenderedMarkdown"><p>Declined most for Housing: emergency (6).</p></div>'
    assert audit_html(page, ledger, 11)["finding"].str.contains("sentence").tolist() == [True]


def test_a_rate_beside_a_row_is_not_read_as_its_hidden_count():
    """Seed 17's 2025Q3 run failed its audit: report 02 said Legal representation had "7.0 needs a
    month against 4.0 places" (its quarter's 21 shown needs, a third of them a month) and one of
    its referral outcomes, hidden, was 7. A rate is not a count; the same sentence printing the
    7 declined is a finding."""
    ledger = pd.DataFrame({"table": ["02 referral outcomes per service"], "row": ["Legal representation"], "column": ["declined"],
                           "true": [7], "hidden": [True]})
    page = ('<div class="jp-RenderedMarkdown"><p>Demand outruns capacity for 1 service: <strong>Legal representation</strong> '
            '(7.0 needs a month against 4.0 places; 1.7 times).</p></div>')
    assert audit_html(page, ledger, 11, where="02_needs_and_gaps.html").empty
    leaky = page.replace("7.0 needs a month", "7 referrals declined, 2.3 a month")
    assert audit_html(leaky, ledger, 11, where="02_needs_and_gaps.html")["cell"].tolist() == ["Legal representation"]


def test_a_page_reads_its_sentences_against_its_own_reports_tables():
    """A sentence of report 01 naming a row beside a number is read against 01's tables, not report 02's."""
    ledger = pd.DataFrame({"table": ["02 referral outcomes per service", "Coverage per county"], "row": ["Legal representation"] * 2,
                           "column": ["count"] * 2, "true": [1, 1], "hidden": [True, True]})
    page = '<div class="jp-RenderedMarkdown"><p>Declined most for Legal representation (1).</p></div>'
    assert audit_html(page, ledger, 11, where="01_service_coverage.html")["table"].tolist() == ["Coverage per county"]
    assert sorted(audit_html(page, ledger, 11, where="02_needs_and_gaps.html")["table"]) == ["02 referral outcomes per service", "Coverage per county"]


def test_a_row_is_named_by_its_whole_words_and_not_by_a_digit():
    ledger = pd.DataFrame({"table": ["t", "t", "t"], "row": ["2", "Food", "39105"], "column": ["count"] * 3, "true": [2, 3, 4], "hidden": [True] * 3})
    page = ('<div class="jp-RenderedMarkdown"><p>For 1 of 2 services the trend fell back. Seafood banks: 3. '
            'Meigs (39105): 4 needs.</p></div>')
    assert audit_html(page, ledger, 11)["cell"].tolist() == ["39105"]


def test_the_ledger_audit_finds_a_count_released_naively_and_names_no_value():
    units = pd.DataFrame({"need": ["a"] * 4 + ["b"] * 20})
    rel = Release(None, 11, units={"needs": units})
    # as an old report did: the total and one of two cells shown, the small one hidden
    rel.ledger.add(pd.DataFrame({
        "key": [cell_key("needs", predicate(need=["a", "b"])), cell_key("needs", predicate(need="a")), cell_key("needs", predicate(need="b"))],
        "table": "old", "row": ["Total", "a", "b"], "true": [24, 4, 20], "hidden": [False, True, False],
    }))
    findings = audit_ledger(rel)
    assert "a" in findings["cell"].tolist()
    assert not findings.to_string().count("4 ")


def test_the_small_group_audit_finds_a_county_of_one_victims_needs_shown_as_0_or_at_least_1():
    """The second task force's attack, released as the layer did before: her county's needs per service, zeros shown."""
    units = pd.DataFrame({"client_id": ["her"] + [f"c{i}" for i in range(30)] + [f"c{i}" for i in range(5)],
                          "county_fips": ["48141"] + ["48201"] * 35, "need": ["food"] + ["food"] * 30 + ["legal"] * 5})
    rel = Release(None, 11, units={"needs": units})
    rel.ledger.add(pd.DataFrame({
        "key": [cell_key("needs", predicate(county_fips="48141", need=n)) for n in ("food", "legal", "medical")]
               + [cell_key("needs", predicate(county_fips="48201", need="food"))],
        "table": "old 02", "row": ["48141", "48141", "48141", "48201"], "column": ["food", "legal", "medical", "food"],
        "true": [1, 0, 0, 30], "hidden": [True, False, False, False], "withheld": False,
    }))
    findings = audit_small_groups(rel)
    # her food (at least 1), legal (0, though five others have it) and medical (0: nobody has it, but no count
    # shows that, so her 0 tells it of her); the county of thirty tells nothing of a small group
    assert sorted(findings["cell"]) == ["48141 × food", "48141 × legal", "48141 × medical"]
    # a 0 under a shown 0 is known to every reader: with the county's total of medical needs shown 0, hers is no finding
    rel.ledger.add(pd.DataFrame({"key": [cell_key("needs", predicate(need="medical"))], "table": "old 02", "row": ["Total"],
                                 "column": ["medical"], "true": [0], "hidden": [False], "withheld": False}))
    assert sorted(audit_small_groups(rel)["cell"]) == ["48141 × food", "48141 × legal"]
    assert set(findings["table"]) == {"old 02"}
    # released by the layer now: nothing to find
    fresh = Release(None, 11, units={"needs": units})
    fresh.table("needs", rows="county_fips", columns="need", levels={"need": ["food", "legal", "medical"]}, name="02")
    assert audit_small_groups(fresh).empty


def test_a_run_whose_release_a_reader_could_undo_is_not_published(tmp_path, tiny_dir):
    from tfanalysis.data.io import load_dataset
    from tfanalysis.publication.ledger import Ledger

    data = load_dataset(tiny_dir)
    ledger = Ledger(tmp_path / "ledger", run="r")
    ledger.add(pd.DataFrame({
        "key": [cell_key("needs", predicate(need=["housing_emergency", "case_management"])), cell_key("needs", predicate(need="housing_emergency"))],
        "table": "naive", "row": ["Total", "housing_emergency"], "true": [4, 2], "hidden": [False, True],
    }))
    ledger.save()
    with pytest.raises(pipeline.SuiteError, match="naive") as err:
        pipeline._audit_release(data, tmp_path / "ledger", 5, "r")
    assert "housing_emergency" in str(err.value) and " 2 " not in str(err.value)


def test_a_run_whose_page_prints_a_hidden_count_in_a_sentence_is_not_published(tmp_path, tiny_dir):
    # stop 36: report 02's new sentence on the forecast's spread printed "(Poisson variation = 1):
    # Case management 1.4" beside a hidden count of 1, and only `tfanalysis audit`, after
    # publishing, read it; the run reads its own pages back before it publishes them. By hand:
    # the ledger hides housing_emergency's 2 (shown total 4); a page's sentence says "Housing
    # emergency: 2 needs" (its row in words), another prints the shown total.
    from tfanalysis.data.io import load_dataset
    from tfanalysis.publication.ledger import Ledger

    data = load_dataset(tiny_dir)
    ledger = Ledger(tmp_path / "ledger", run="r")
    ledger.add(pd.DataFrame({
        "key": [cell_key("needs", predicate(need=["housing_emergency", "case_management"])), cell_key("needs", predicate(need="housing_emergency")),
                cell_key("needs", predicate(need="case_management"))],
        "table": "02 needs", "row": ["Total", "housing_emergency", "case_management"], "true": [4, 2, 2], "hidden": [False, True, True],
    }))
    ledger.save()
    clean, leaky = tmp_path / "02_clean.html", tmp_path / "02_leaky.html"
    clean.write_text('<div class="jp-RenderedMarkdown"><p>4 needs in all; Housing: emergency a hidden number.</p></div>', encoding="utf-8")
    leaky.write_text('<div class="jp-RenderedMarkdown"><p>Most for Housing: emergency (2 needs).</p></div>', encoding="utf-8")
    pipeline._audit_release(data, tmp_path / "ledger", 3, "r", pages=[clean])  # nothing printed but the shown total
    with pytest.raises(pipeline.SuiteError, match="02 needs: Housing: emergency") as err:
        pipeline._audit_release(data, tmp_path / "ledger", 3, "r", pages=[clean, leaky])
    assert "sentence" in str(err.value) and " 2 " not in str(err.value)


def test_a_page_is_read_against_every_table_that_shows_a_count_not_only_the_first(tmp_path):
    """Report 06 shows report 01's count of a county's emergency-housing needs (one key): its page is read back against 06's table too.

    By hand: 01's table hides Meigs's 4; 06's table shows the same count again (its key,
    so its status: hidden). A page of 06 printing 4 there is a finding; the ledger's
    first-release record alone (01's table) would not have named 06's table at all.
    """
    from tfanalysis.publication.ledger import Ledger
    from tfanalysis.running.audit import audit_pages

    key = cell_key("needs", predicate(need="housing_emergency", county_fips="39105"))
    ledger = Ledger(run="r")
    ledger.add(pd.DataFrame({"key": [key], "table": "Coverage: needs per county and service", "row": "39105", "column": "housing_emergency",
                             "true": [4], "hidden": [True]}))
    ledger.add(pd.DataFrame({"key": [key], "table": "06 needs per county: Housing: emergency", "row": "Meigs", "column": "count",
                             "true": [4], "hidden": [False]}))  # the table's own verdict is not what counts: the key's first status is
    assert ledger.cells["table"].tolist() == ["Coverage: needs per county and service"]

    class Released:
        threshold = 11

    Released.ledger = ledger
    page = '<table data-release="06 needs per county: Housing: emergency"><tbody><tr><th>Meigs</th><td>{}</td></tr></tbody></table>'
    leaky, safe = tmp_path / "06_leaky.html", tmp_path / "06_safe.html"
    leaky.write_text(page.format(4), encoding="utf-8")
    safe.write_text(page.format("&lt;11"), encoding="utf-8")
    assert audit_pages([safe], Released, "r").empty
    assert audit_pages([leaky], Released, "r")[["table", "cell"]].to_numpy().tolist() == [["06 needs per county: Housing: emergency", "Meigs × Count"]]


@pytest.mark.slow
def test_a_published_run_keeps_its_ledger_apart_and_audits_clean(tmp_path, tiny_dir, capsys):
    result = pipeline.run_suite(tiny_dir, tmp_path / "reports", suppression_threshold=3, only=["00"], run_id="r1",
                                history=tmp_path / "history.csv")
    ledgers = list((tmp_path / "reports" / ".ledgers").glob("*/r1"))
    assert len(ledgers) == 1 and (ledgers[0] / "complete").exists()
    assert (tmp_path / "reports" / ".ledgers").stat().st_mode & 0o007 == 0  # true counts: closed to others
    assert not list(result.folder.rglob("cells.parquet"))  # never inside the run folder that is sent
    assert cli.main(["audit", str(result.folder), "--data", str(tiny_dir)]) == 0
    assert "nothing recoverable" in capsys.readouterr().out
    other = tmp_path / "other"  # the same files but one: not the data the run was made from
    shutil.copytree(tiny_dir, other, ignore=shutil.ignore_patterns(".tfanalysis"))
    (other / "members.csv").write_text((other / "members.csv").read_text() + "\n")
    assert cli.main(["audit", str(result.folder), "--data", str(other)]) != 0
    assert "made from other data than the folder given" in capsys.readouterr().err


@pytest.mark.slow
def test_every_demo_report_audits_clean(demo_runs):
    """`tfanalysis audit` on the demo's 2025Q4 run, and the pages of the 2025Q3 run before it: nothing recoverable.

    The 2025Q4 audit bounds the counts of both runs together (a run's audit reads every
    other published ledger of the data), so the 2025Q3 run's pages are read back against
    its own ledger rather than bounding the same counts a second time.
    """
    from tfanalysis.data.io import load_dataset
    from tfanalysis.running.audit import audit_pages, audit_run, ledger_dir_of

    result, reports = demo_runs
    data = load_dataset(reports.parent / "demo")
    findings = audit_run(result.folder, data)
    assert findings.empty, findings.to_string()
    assert len(result.reports) == 7  # every report of the suite was read back
    release = Release(data, 11, ledger_dir=ledger_dir_of(reports, data.fingerprint(), "q3"), run="q3")
    assert set(release.ledger.cells["run"]) == {"q3", "q4"}  # the 2025Q4 audit bounded the 2025Q3 run's counts with its own
    first = sorted(page for page in (reports / "q3").glob("*.html") if page.name != "index.html")
    assert [page.stem for page in first] == ["00_data_quality", "03_collaboration"]
    found = audit_pages(first, release, "q3")
    assert found.empty, found.to_string()
