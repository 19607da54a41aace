"""The printable pack: report.pdf, the leadership summary first, every figure drawn and on the page.

The PDF's pages are rendered to bitmaps with PDFium (pypdfium2) and looked at: each figure is
found by its title (plotly draws titles as text) and the area below it must hold coloured
pixels (traces; axes, grid lines and text are grey). Plotly figures that did not draw leave
neither title nor colour. Needs Debian's chromium (``.ci/run`` installs it).
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import nbformat
import numpy as np
import plotly.graph_objects as go
import pytest

from tfanalysis.reports import notebook
from tfanalysis.running import pack
from tfanalysis.running.cli import main
from tfanalysis.running.render import notebook_to_html, write_plotly_js

from offline_browser import CHROMIUM

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
SCALE = 1.0  # 72 dpi: one pixel per PDF point
PT_PER_PX = 0.75  # CSS pixels (96 per inch) to PDF points (72 per inch)


# --------------------------------------------------------------------------- no Chromium


def test_no_chromium_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setenv("TFANALYSIS_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pack.PackError, match=r"needs Debian's Chromium, and /nonexistent/chromium is not an executable: install it with `apt-get install chromium`"):
        pack.find_chromium()


def test_no_chromium_stops_the_run_before_anything_is_written(tiny_run, monkeypatch, capsys, tmp_path: Path) -> None:
    from conftest import write_tiny_dataset

    _, reports, _ = tiny_run
    before = sorted(p.name for p in reports.iterdir())
    monkeypatch.setenv("TFANALYSIS_CHROMIUM", "/nonexistent/chromium")
    data = write_tiny_dataset(tmp_path / "d")
    code = main(["run", "--data", str(data), "--out", str(reports), "--pdf", "--run-id", "nopdf", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("tfanalysis run: the PDF pack needs Debian's Chromium") and "Traceback" not in err
    assert sorted(p.name for p in reports.iterdir()) == before  # no run folder, no .tmp, no .failed entry
    assert (reports / "latest").resolve().name == "q1"


# --------------------------------------------------------------------------- looking at a PDF


def _pages(pdf_path: Path) -> list[tuple[np.ndarray, object]]:
    """Each page as an RGB bitmap at 72 dpi with its PDFium text page."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    return [(pdf[i].render(scale=SCALE).to_numpy()[..., :3], pdf[i].get_textpage()) for i in range(len(pdf))]


def _coloured(pixels: np.ndarray) -> int:
    """Pixels of a colour (a trace), not white, grey or black (paper, grid, text)."""
    channels = pixels.astype(np.int16)
    return int(((channels.max(axis=-1) - channels.min(axis=-1)) > 60).sum())


def _inked(pixels: np.ndarray) -> int:
    """Pixels that are not paper white (axes, grid lines, tick labels, cells, traces)."""
    return int((pixels.min(axis=-1) < 235).sum())


def _title_boxes(textpage, title: str) -> list[tuple[float, float, float]]:
    """(left, top, bottom) of each occurrence of a title on a page, in points from the top."""
    height = textpage.page.get_size()[1]
    searcher = textpage.search(title, match_case=True)
    found = []
    while (hit := searcher.get_next()) is not None:
        left, bottom, _, top = textpage.get_charbox(hit[0])
        found.append((left, height - top, height - bottom))
    return found


def _drawn_figure_titles(pages, title: str, height_px: float, *, colour: bool = True) -> int:
    """Occurrences of a figure's title with a drawn figure in the figure's area below it.

    Drawn: coloured pixels (traces), or with ``colour=False`` ink of any kind (axes, grid,
    tick labels: a figure whose data are all hidden or empty for the period still draws those).
    """
    drawn = 0
    for pixels, textpage in pages:
        for _, top, bottom in _title_boxes(textpage, title):
            area = pixels[int(bottom) + 2: int(min(pixels.shape[0], top + height_px * PT_PER_PX))]
            drawn += (_coloured(area) >= 150) if colour else (_inked(area) >= 500)
    return drawn


def _save_png(pixels: np.ndarray, path: Path) -> None:
    """Keep a page as PNG for a failing test (no imaging library needed)."""
    h, w = pixels.shape[:2]
    raw = b"".join(b"\x00" + np.ascontiguousarray(pixels[y, :, ::-1]).tobytes() for y in range(h))  # BGR -> RGB

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _outside_the_page(pdf_path: Path) -> dict[int, float]:
    """Page number -> how far (points) printed content reaches past the right or left margin.

    Chromium cuts what passes the margin, so a figure or table wider than the page is not
    visible in the bitmap: its drawing commands are still in the page, with their bounds.
    """
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    margin = pack.MARGIN_IN * 72
    found = {}
    for i in range(len(pdf)):
        width = pdf[i].get_size()[0]
        bounds = [obj.get_bounds() for obj in pdf[i].get_objects(max_depth=1)]
        past = max([0.0] + [right - (width - margin) for _, _, right, _ in bounds] + [margin - left for left, _, _, _ in bounds])
        if past > 1:
            found[i + 1] = round(past, 1)
    return found


# --------------------------------------------------------------------------- one page, made here


def _report_with(fig: go.Figure, folder: Path, *, plotly_js: bool = True) -> Path:
    notebook.setup()
    import plotly.io as pio

    bundle = pio.renderers["tfanalysis_offline"].to_mimebundle(fig.to_dict())
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A wide figure"),
        nbformat.v4.new_code_cell("fig", outputs=[nbformat.v4.new_output("display_data", data=bundle)]),
    ])
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "report.html"
    page.write_text(notebook_to_html(nb, title="A wide figure"), encoding="utf-8")
    if plotly_js:
        write_plotly_js(folder)
    return page


def _wide_figure() -> go.Figure:
    fig = go.Figure(go.Bar(x=[f"category {i}" for i in range(12)], y=list(range(1, 13)), marker_color="#e6550d"))
    return fig.update_layout(title="Twelve bars drawn wide", width=1400, height=400)  # wider than any page


@needs_chromium
def test_a_figure_wider_than_the_page_is_drawn_at_the_page_width(tmp_path: Path) -> None:
    page = _report_with(_wide_figure(), tmp_path / "run")
    out = pack.print_pack([page], tmp_path / "run" / "report.pdf", titles=["A wide figure"])
    assert _drawn_figure_titles(_pages(out), "Twelve bars drawn wide", 400) == 1
    assert _outside_the_page(out) == {}


@needs_chromium
def test_a_figure_taller_than_the_page_is_printed_whole_on_one_page(tmp_path: Path) -> None:
    fig = go.Figure(go.Scatter(x=list(range(60)), y=[f"row {i}" for i in range(60)], mode="markers", marker_color="#e6550d"))
    page = _report_with(fig.update_layout(title="Sixty rows drawn tall", height=2000), tmp_path / "run")  # two pages high
    pages = _pages(pack.print_pack([page], tmp_path / "run" / "report.pdf"))
    assert [_coloured(pixels) > 0 for pixels, _ in pages].count(True) == 1  # not sliced across pages
    assert _drawn_figure_titles(pages, "Sixty rows drawn tall", pack.PAGE_HEIGHT_PX) == 1


@needs_chromium
def test_a_table_wider_than_the_page_is_scaled_down_to_fit(tmp_path: Path) -> None:
    import pandas as pd

    # identifiers without spaces cannot wrap: 14 columns of them are about twice the page's width
    wide = pd.DataFrame({f"ColumnCode{i:02d}": [f"ValueCode{i:02d}x{j}" for j in range(5)] for i in range(14)})
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A wide table"),
        nbformat.v4.new_code_cell("t", outputs=[nbformat.v4.new_output("display_data", data={"text/html": notebook.table_html(wide)})]),
    ])
    page = tmp_path / "wide.html"
    page.write_text(notebook_to_html(nb, title="A wide table", plotly_js=None), encoding="utf-8")
    out = pack.print_pack([page], tmp_path / "report.pdf")
    assert _outside_the_page(out) == {}
    text = "".join(tp.get_text_range() for _, tp in _pages(out))
    assert "ColumnCode13" in text and "ValueCode13x4" in text  # the last column is printed, whole


@needs_chromium
def test_a_figure_that_cannot_draw_stops_the_pack_and_writes_nothing(tmp_path: Path) -> None:
    page = _report_with(_wide_figure(), tmp_path / "run", plotly_js=False)  # plotly.min.js missing
    with pytest.raises(pack.PackError, match="report.html does not print whole: plotly.js did not load"):
        pack.print_pack([page], tmp_path / "run" / "report.pdf")
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["report.html"]


@needs_chromium
def test_a_page_that_reaches_the_network_stops_the_pack(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    page = folder / "page.html"
    page.write_text('<html><body><img src="https://tracker.example/x.png"><p>text</p></body></html>', encoding="utf-8")
    with pytest.raises(pack.PackError, match=r"tried to load https://tracker.example/x.png from the network"):
        pack.print_pack([page], folder / "report.pdf")
    assert not (folder / "report.pdf").exists()


# --------------------------------------------------------------------------- the demo run's pack


def _figures_of(executed: Path) -> list[tuple[str, float]]:
    """(title, height in px) of every plotly figure an executed notebook shows, in order."""
    nb = nbformat.read(executed, as_version=4)
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            spec = output.get("data", {}).get("application/vnd.plotly.v1+json")
            if spec:
                layout = spec.get("layout", {})
                title = layout.get("title", {})
                text = title.get("text", "") if isinstance(title, dict) else str(title)
                found.append((text.split("<")[0].strip()[:40], float(layout.get("height") or 450)))
    return found


def _headings_saying(report: Path, text: str) -> int:
    """How often a report's headings and captions say a figure's title (they print above prose, not a figure)."""
    import html as html_lib
    import re

    page = report.read_text(encoding="utf-8")
    found = re.findall(r"<(h[1-6]|caption)\b[^>]*>(.*?)</\1>", page, flags=re.S | re.I)
    texts = [" ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", inner)).split()) for _, inner in found]
    return sum(t.count(text) for t in texts)


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_the_demo_pack_has_the_summary_first_and_every_figure_drawn_on_the_page(demo_runs) -> None:
    from pypdf import PdfReader

    result, _ = demo_runs
    pdf_path = result.folder / pack.PACK_FILE
    reader = PdfReader(str(pdf_path))
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    run = json.loads((result.folder / "run.json").read_text())
    stems = sorted(run["notebooks"], key=lambda s: (not s.endswith("leadership_summary"), s))
    assert [t for t, _ in outline][0] == "Leadership summary"
    assert '<a href="report.pdf">' in result.index.read_text()
    assert len(outline) == len(stems) == 7  # 00 to 06
    starts = [page for _, page in outline] + [len(reader.pages)]
    assert starts == sorted(starts) and starts[0] == 0 and len(set(starts)) == len(starts)  # each report has pages

    pages = _pages(pdf_path)
    missing, coloured = [], {}
    for (stem, (title, first)), last in zip(zip(stems, outline), starts[1:]):
        figures = _figures_of(result.folder / "notebooks" / f"{stem}.ipynb")
        mine = pages[first:last]
        for fig_title, height in dict.fromkeys(figures):  # each distinct title, as often as it is used
            wanted = figures.count((fig_title, height))
            headings = _headings_saying(result.folder / f"{stem}.html", fig_title)
            if _drawn_figure_titles(mine, fig_title, height, colour=False) < wanted + headings:
                missing.append(f"{stem}: {fig_title!r}")
            coloured[stem] = coloured.get(stem, 0) + min(wanted, _drawn_figure_titles(mine, fig_title, height))
        if figures:  # traces drawn, not only axes: in 2025Q4 some figures of the demo hold only hidden cells
            assert coloured[stem] >= 1, (stem, figures)
    if missing:
        for i, (pixels, _) in enumerate(pages):
            _save_png(pixels, pdf_path.with_name(f"report.page{i + 1}.png"))
    assert missing == [], f"figures blank or not found in the PDF (pages saved beside it): {missing}"
    assert _outside_the_page(pdf_path) == {}  # every figure and table fits the page's width
    assert sum(len(_figures_of(result.folder / "notebooks" / f"{s}.ipynb")) for s in stems) >= 10
