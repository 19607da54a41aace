"""The printable pack: one PDF of a run's reports for a board packet, every figure drawn.

:func:`print_pack` opens each report of a run folder in Debian's Chromium, headless and
offline (Playwright drives it), waits until every plotly figure has drawn, redraws each
figure at the width of the printed page, prints the page to PDF (US Letter, the print
stylesheet of the ``tfreport`` template) and joins the reports into one ``report.pdf`` with
a bookmark per report, in the order given (the runner passes the leadership summary first,
then the other reports in suite order).

A report that would load anything from the network, raises a JavaScript error, or has a
figure that does not draw stops the pack with a :class:`PackError`: a PDF for leadership is
complete or not written. :func:`find_chromium` is called before a run starts, so that a
machine without Chromium fails at once with a clear message and nothing written.

Examples
--------
>>> PAGE_WIDTH_PX
720
"""

from __future__ import annotations

import html
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

PACK_FILE = "report.pdf"
"""File name of the printable pack in a run folder."""

CHROMIUM_NAMES: tuple[str, ...] = ("/usr/bin/chromium", "chromium", "chromium-browser")
"""Where Debian's Chromium is looked for, in order (``TFANALYSIS_CHROMIUM`` comes first)."""

PAGE_WIDTH_IN, PAGE_HEIGHT_IN, MARGIN_IN = 8.5, 11.0, 0.5
"""US Letter with half-inch margins, as the template's ``@page`` rule says."""

PAGE_WIDTH_PX = int((PAGE_WIDTH_IN - 2 * MARGIN_IN) * 96)
"""The printed width of the page's content in CSS pixels (96 per inch): figures are drawn at it."""

PAGE_HEIGHT_PX = int((PAGE_HEIGHT_IN - 2 * MARGIN_IN) * 96) - 24
"""The tallest a figure is printed (a little under the page's content height): a taller one
is redrawn at this height rather than sliced across pages."""

TIMEOUT_S = 180.0
"""How long one report may take to open and draw (a national-scale page takes ~50 s)."""

_LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Runs in the page once it has loaded: waits for every figure's pending drawing (plotly keeps
# the promises of a plot in gd._promises, e.g. a map's base layer), redraws at the width its
# container has on the printed page each figure drawn wider (a fixed layout.width) and at the
# page's height each figure drawn taller, and reports the figures that did not draw or still
# overflow. Plotly.relayout resolves after the redraw.
_DRAW_FOR_PRINT = """
async (tallest) => {
  const figures = Array.from(document.querySelectorAll('div.plotly-graph-div'));
  if (figures.length && typeof window.Plotly === 'undefined') return {figures: figures.length, problems: ['plotly.js did not load']};
  const problems = [];
  for (const [i, gd] of figures.entries()) {
    try {
      await Promise.all(gd._promises || []);
      // the room left on the printed line: a figure drawn wider has widened its own container
      const room = document.documentElement.clientWidth - Math.max(0, gd.getBoundingClientRect().left);
      const width = Math.floor(Math.min(gd.parentElement.getBoundingClientRect().width, room));
      // the page opened at the printed width, so autosized figures drew at it already
      const update = {};
      if (!gd._fullLayout || gd._fullLayout.width > width) Object.assign(update, {width: width, autosize: false});
      if (gd._fullLayout && gd._fullLayout.height > tallest) {
        Object.assign(update, {height: tallest});
        gd.parentElement.style.height = 'auto';  // the div plotly sized for the figure's first height
      }
      if (Object.keys(update).length) await window.Plotly.relayout(gd, update);
    } catch (err) {
      problems.push('figure ' + (i + 1) + ': ' + err);
    }
  }
  const page = document.documentElement.clientWidth;
  // anything else wider than its place (a table of many columns) is scaled down to fit: a
  // printed page cannot scroll, and Chromium cuts what passes the margin
  for (const el of document.querySelectorAll('.jp-OutputArea-output, .jp-RenderedMarkdown')) {
    if (el.scrollWidth > el.clientWidth + 1) el.style.zoom = String(el.clientWidth / el.scrollWidth);
  }
  figures.forEach((gd, i) => {
    const svg = gd.querySelector('svg.main-svg');
    if (!gd._fullLayout || !svg) { problems.push('figure ' + (i + 1) + ' did not draw'); return; }
    const right = Math.max(gd.getBoundingClientRect().right, svg.getBoundingClientRect().right);
    if (right > page + 1) problems.push('figure ' + (i + 1) + ' is wider than the page (' + Math.round(right) + ' > ' + page + ' px)');
  });
  return {figures: figures.length, problems: problems};
}
"""


class PackError(RuntimeError):
    """The printable pack cannot be made (no Chromium, or a report that does not print whole)."""


def find_chromium(executable: str | os.PathLike[str] | None = None) -> str:
    """Return the Chromium that prints the pack, and check that Playwright can drive it.

    Parameters
    ----------
    executable : path, optional
        A Chromium to use; else ``$TFANALYSIS_CHROMIUM``, else the first of
        :data:`CHROMIUM_NAMES` found.

    Returns
    -------
    str
        The path of the executable.

    Raises
    ------
    PackError
        If no Chromium is found, or Playwright is not installed; the message says how to
        install them.

    Examples
    --------
    >>> find_chromium("/nonexistent/chromium")
    Traceback (most recent call last):
    ...
    tfanalysis.running.pack.PackError: the PDF pack needs Debian's Chromium, and /nonexistent/chromium is not an executable: install it with `apt-get install chromium`, or leave out --pdf
    """
    chosen = executable or os.environ.get("TFANALYSIS_CHROMIUM") or None
    if chosen is not None:
        found = shutil.which(str(chosen))
        if found is None:
            raise PackError(
                f"the PDF pack needs Debian's Chromium, and {chosen} is not an executable: "
                "install it with `apt-get install chromium`, or leave out --pdf"
            )
    else:
        found = next((path for path in map(shutil.which, CHROMIUM_NAMES) if path), None)
        if found is None:
            raise PackError(
                "the PDF pack needs Debian's Chromium (looked for "
                + ", ".join(CHROMIUM_NAMES)
                + "): install it with `apt-get install chromium`, or leave out --pdf"
            )
    try:
        import playwright.sync_api  # noqa: F401  (imported to check it is there)
    except ImportError:
        raise PackError("the PDF pack needs Playwright: pip install playwright (no browser download needed)") from None
    return found


def print_pack(
    reports: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    titles: Sequence[str] | None = None,
    chromium: str | os.PathLike[str] | None = None,
    timeout_s: float = TIMEOUT_S,
) -> Path:
    """Print reports into one PDF, in the order given, with every figure drawn.

    Parameters
    ----------
    reports : sequence of path
        HTML reports (the leadership summary first); each opens from disk with the files
        beside it (plotly.js) and nothing from the network.
    out : path
        The PDF to write; written whole or not at all.
    titles : sequence of str, optional
        One bookmark and page-footer title per report; the file names by default.
    chromium : path, optional
        See :func:`find_chromium`.
    timeout_s : float
        Seconds one report may take to open and draw.

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    PackError
        No Chromium or Playwright; a report that loads from the network, raises a
        JavaScript error, or has a figure that does not draw or does not fit the page.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
    from pypdf import PdfWriter

    executable = find_chromium(chromium)
    pages = [Path(p) for p in reports]
    if not pages:
        raise PackError("no report to print")
    names = list(titles) if titles is not None else [p.stem for p in pages]
    if len(names) != len(pages):
        raise PackError(f"{len(pages)} reports but {len(names)} titles")
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="tfanalysis-pack-") as scratch:
        printed: list[Path] = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=executable, headless=True, args=_LAUNCH_ARGS)
                try:
                    for i, (page_path, title) in enumerate(zip(pages, names)):
                        target = Path(scratch) / f"{i:03d}.pdf"
                        _print_report(browser, page_path, target, title, timeout_s)
                        printed.append(target)
                finally:
                    browser.close()
        except PlaywrightError as exc:
            raise PackError(f"Chromium could not print the reports: {str(exc).splitlines()[0]}") from None
        writer = PdfWriter()
        for path, title in zip(printed, names):
            writer.append(str(path), outline_item=title)
        writer.add_metadata({"/Title": names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} reports",
                             "/Creator": "tfanalysis"})
        tmp = out.with_name(f".{out.name}.tmp")
        try:
            with open(tmp, "wb") as fh:
                writer.write(fh)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
    return out


def _print_report(browser, page_path: Path, target: Path, title: str, timeout_s: float) -> None:
    """Open one report offline at the printed width, draw its figures for print, print it."""
    if not page_path.is_file():
        raise PackError(f"{page_path.name}: no such report")
    blocked: list[str] = []
    errors: list[str] = []
    context = browser.new_context(offline=True, viewport={"width": PAGE_WIDTH_PX, "height": 1000})
    try:

        def refuse(route) -> None:  # a report opens from disk; anything else is the network
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", refuse)
        page = context.new_page()
        page.set_default_timeout(timeout_s * 1000)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.emulate_media(media="print")
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        outcome = page.evaluate(_DRAW_FOR_PRINT, PAGE_HEIGHT_PX)
        problems = list(outcome["problems"]) + [f"JavaScript error: {e}" for e in errors]
        problems += [f"tried to load {url} from the network" for url in blocked]
        if problems:
            raise PackError(f"{page_path.name} does not print whole: " + "; ".join(problems))
        page.pdf(
            path=str(target),
            prefer_css_page_size=True,
            print_background=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=(
                '<div style="font-size:7pt;color:#555;width:100%;padding:0 0.5in;display:flex;justify-content:space-between">'
                f"<span>{html.escape(title)}</span>"
                '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
            ),
        )
    finally:
        context.close()
