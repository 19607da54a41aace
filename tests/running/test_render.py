"""Offline HTML for leadership: one plotly.js per run folder, loaded by relative path.

Whole runs are checked in tests/running/test_pipeline.py (tiny data) and tests/running/test_reports.py (demo);
drawing offline in Chromium in tests/running/test_browser.py.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import plotly.graph_objects as go
import plotly.io as pio
import pandas as pd
import pytest

from tfanalysis.reports import notebook
from tfanalysis.running.render import PLOTLY_JS, external_references, index_html, local_scripts, notebook_to_html, write_plotly_js


def _figure_output() -> dict:
    """What a figure cell outputs in a report kernel (notebook.setup's renderer)."""
    notebook.setup()
    fig = go.Figure(go.Bar(x=["a", "b"], y=[3, 4]))
    return pio.renderers[notebook.PLOTLY_RENDERER.split("+")[1]].to_mimebundle(fig.to_dict())


def test_figure_output_carries_no_plotly_js_and_no_cdn() -> None:
    html = _figure_output()["text/html"]
    assert "Plotly.newPlot" in html
    assert len(html) < 20_000  # the figure only: plotly.js is 4.8 MB
    assert "plotly.js v" not in html and "cdn" not in html.lower()


def test_renderer_activation_displays_nothing(capsys) -> None:
    notebook.setup()
    renderer = pio.renderers["tfanalysis_offline"]
    renderer.activate()  # plotly's own notebook renderer would display plotly.js here
    assert capsys.readouterr().out == ""


def _executed_notebook_with_a_figure() -> nbformat.NotebookNode:
    bundle = _figure_output()
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Figures"),
        nbformat.v4.new_code_cell("fig", outputs=[nbformat.v4.new_output("display_data", data=bundle)]),
    ])


def test_a_report_loads_plotly_js_once_from_beside_it() -> None:
    page = notebook_to_html(_executed_notebook_with_a_figure(), title="Figures")
    assert local_scripts(page) == [PLOTLY_JS]
    head = page[: page.index("</head>")]
    assert local_scripts(head) == [PLOTLY_JS]  # in the head: loaded before the figures that call it
    assert "plotly.js v" not in page  # not inlined
    assert external_references(page) == []
    assert page.count("Plotly.newPlot") == 1


def test_a_page_without_figures_can_leave_plotly_js_out() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Text only")])
    assert local_scripts(notebook_to_html(nb, title="Text", plotly_js=None)) == []


def test_the_print_stylesheet_fits_figures_to_the_page() -> None:
    page = notebook_to_html(_executed_notebook_with_a_figure(), title="Figures")
    css = page[page.index("@media print {"):]
    assert "@page { size: letter; margin: 0.5in; }" in page
    assert ".plotly-graph-div { break-inside: avoid" in css
    assert "max-width: 100% !important" in css and ".modebar" in css


def test_plotly_js_written_is_the_bundled_version(tmp_path: Path) -> None:
    from plotly.offline import get_plotlyjs

    path = write_plotly_js(tmp_path)
    assert path == tmp_path / PLOTLY_JS
    assert path.read_text(encoding="utf-8") == get_plotlyjs()


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ('<script src="plotly.min.js"></script>', ["plotly.min.js"]),
        ("<script src='assets/x.js' defer></script>", ["assets/x.js"]),
        ('<script src="https://cdn.plot.ly/plotly.js"></script>', []),
        ('<script src="//cdn.example/x.js"></script>', []),
        ("<script>Plotly.newPlot('a', [])</script>", []),
    ],
)
def test_local_scripts(page: str, expected: list[str]) -> None:
    assert local_scripts(page) == expected


def test_the_index_links_the_printable_pack_when_there_is_one() -> None:
    common = dict(title="Run", reports=[{"href": "a.html", "title": "A", "summary": ""}], parameters={}, fingerprint={},
                  version="0.1", created="now")
    page = index_html(**common, pack="report.pdf")
    assert '<a href="report.pdf">every report in one PDF</a>' in page
    assert page.index('<a href="a.html">') < page.index('href="report.pdf"')  # under the reports
    assert "report.pdf" not in index_html(**common)


def test_a_figure_whose_every_value_is_hidden_is_a_sentence_not_an_empty_chart() -> None:
    """A chart of hidden counts only printed as an empty frame ("Why referrals fail", 2025Q4)."""
    notebook.setup()
    hidden = go.Figure(go.Bar(y=["legal_representation"], x=[float("nan")], orientation="h"), layout={"title": "Why referrals fail"})
    bundle = pio.renderers._build_mime_bundle(hidden.to_dict(), notebook.PLOTLY_RENDERER)
    assert list(bundle) == ["text/html"]  # no plotly figure: the notebook and the report show the sentence
    assert bundle["text/html"].startswith('<p class="figure-not-drawn"><strong>Why referrals fail</strong>: not drawn')
    shown = go.Figure(go.Bar(y=["legal_representation"], x=[0.0], orientation="h"))  # a shown 0 is drawn
    drawn = pio.renderers._build_mime_bundle(shown.to_dict(), notebook.PLOTLY_RENDERER)
    assert "application/vnd.plotly.v1+json" in drawn and "Plotly.newPlot" in drawn["text/html"]


def test_markdown_cells_of_a_notebook_read_codes_in_words() -> None:
    from tfanalysis.running.render import leadership_view

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "- **Needs identified**: needs whose `identified_on` falls in the period; status `in_progress`; see `member_directory.csv`.")])
    text = leadership_view(nb).cells[0].source
    assert text == "- **Needs identified**: needs whose `date identified` falls in the period; status `In progress`; see `member_directory.csv`."


def test_generated_prose_reads_any_code_in_words_but_keeps_file_names() -> None:
    from tfanalysis.running.render import leadership_view

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/markdown": "Activities of kind case_review; give survey_wave_dates; see member_directory.csv."})])])
    out = leadership_view(nb).cells[0].outputs[0]["data"]["text/markdown"]
    assert out == "Activities of kind case review; give survey wave dates; see member_directory.csv."


def test_a_row_label_holding_a_code_reads_it_in_words() -> None:
    table = pd.DataFrame({"what": ["a shelter"]}, index=pd.MultiIndex.from_tuples([("1 (add_capacity)", "needs")], names=["change", "member"]))
    assert "<th>1 (add capacity)</th><th>Needs</th>" in notebook.table_html(table)
