"""Rendering executed notebooks into offline HTML reports for leadership, and the run's index.

A report opens with no network: the ``tfreport`` nbconvert template (in
``tfanalysis/resources/templates``) drops nbconvert's require.js, MathJax, mermaid and
widget scripts, and loads plotly.js from the run folder by relative path
(:data:`PLOTLY_JS`, written once per run by :func:`write_plotly_js`): every report of a run
shares one 4.8 MB copy instead of carrying its own, and the folder still opens from
``file://`` (also through ``reports/latest``). Figures carry only their data and a
``Plotly.newPlot`` call (see :func:`tfanalysis.reports.notebook.setup`). Code cells, prompts, stderr
streams and error outputs are left out. :func:`external_references` checks a page and is
used before a report is written: a page that would reach the network is an error, not a
blank figure.
"""

from __future__ import annotations

import copy
import functools
import html
import re
from importlib import resources
from pathlib import Path
from typing import Any

TEMPLATE_NAME = "tfreport"

PLOTLY_JS = "plotly.min.js"
"""File name of the run folder's one copy of plotly.js, beside the reports that load it."""

# An attribute or CSS url() that makes the browser load something from elsewhere.
_EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe|source|embed)\b[^>]*?\b(?:src|href)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)"""
    r"""|@import\s+(?:url\()?["']?((?:https?:)?//[^"')\s]+)""",
    re.IGNORECASE,
)


def templates_dir() -> Path:
    """The folder holding the package's nbconvert templates."""
    return Path(str(resources.files("tfanalysis") / "resources" / "templates"))


def leadership_view(nb: Any) -> Any:
    """Return a copy of an executed notebook with what leadership must not see removed.

    Removed: error outputs (tracebacks), stderr streams (warnings, kernel chatter), recorded
    metrics (collected apart), and the papermill-injected parameters cell (it names file paths on the analyst's machine).
    Code itself is excluded later by the exporter. Taxonomy codes and column names left in
    generated prose and in the notebook's Markdown cells are put in words
    (:func:`tfanalysis.reports.labels.readable_known`).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[
    ...     nbformat.v4.new_output("stream", name="stderr", text="warning"),
    ...     nbformat.v4.new_output("stream", name="stdout", text="42")])])
    >>> [o["name"] for o in leadership_view(nb).cells[0].outputs]
    ['stdout']
    """
    from tfanalysis.reports.labels import readable_known

    clean = copy.deepcopy(nb)
    kept = []
    for cell in clean.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", []) if _for_leadership(o)]
            for output in cell["outputs"]:
                # prose written by the package: a taxonomy code or column name reads as words
                if "text/markdown" in output.get("data", {}):
                    output["data"]["text/markdown"] = readable_known(output["data"]["text/markdown"])
        elif cell.get("cell_type") == "markdown":
            # the notebook's own prose (definitions...): a column name or contract value in words too
            cell["source"] = readable_known(cell.get("source", ""))
        kept.append(cell)
    clean.cells = kept
    return clean


def _for_leadership(output: Any) -> bool:
    from tfanalysis.reports.notebook import METRIC_MIMETYPE

    kind = output.get("output_type")
    if kind == "error" or (kind == "stream" and output.get("name") == "stderr"):
        return False
    return METRIC_MIMETYPE not in output.get("data", {})


def write_plotly_js(folder: str | Path) -> Path:
    """Write plotly.js (the version plotly.py bundles) into a run folder, once for all its reports.

    Parameters
    ----------
    folder : str or pathlib.Path
        The run folder; the reports in it load ``plotly.min.js`` by relative path.

    Returns
    -------
    pathlib.Path
        The file written, :data:`PLOTLY_JS` in ``folder``.

    Examples
    --------
    >>> import tempfile
    >>> path = write_plotly_js(tempfile.mkdtemp())
    >>> path.name, "* plotly.js v" in path.read_text(encoding="utf-8")[:40]
    ('plotly.min.js', True)
    """
    from plotly.offline import get_plotlyjs

    target = Path(folder) / PLOTLY_JS
    target.write_text(get_plotlyjs(), encoding="utf-8")
    return target


def local_scripts(page: str) -> list[str]:
    """List the scripts a page loads from files beside it (relative ``<script src>``).

    Examples
    --------
    >>> local_scripts('<script src="plotly.min.js"></script><script>var a = 1;</script>')
    ['plotly.min.js']
    """
    found = re.findall(r"""<script\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", page, flags=re.IGNORECASE)
    return [src for src in found if not re.match(r"(?:[a-z][a-z0-9+.-]*:)?//", src, flags=re.IGNORECASE)]


def notebook_to_html(nb: Any, *, title: str, footer: str = "", plotly_js: str | None = PLOTLY_JS) -> str:
    """Render an executed notebook as a self-contained, code-free HTML page.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    title : str
        The page title.
    footer : str
        A line at the foot of the page (run id, period, version).
    plotly_js : str or None
        Relative path of plotly.js, loaded once in the page's head (:func:`write_plotly_js`
        puts it beside the report); ``None`` for a page without figures.

    Returns
    -------
    str
        The HTML.

    Raises
    ------
    ValueError
        If the page would load anything from the network.
    """
    view = leadership_view(nb)
    view.metadata["title"] = title
    body, _ = _exporter().from_notebook_node(view, resources={"tf_footer": footer, "tf_plotly_js": plotly_js or ""})
    found = external_references(body)
    if found:
        raise ValueError(f"the report {title!r} would load from the network: {', '.join(sorted(set(found)))[:300]}")
    return body


@functools.cache
def _exporter() -> Any:
    """One HTML exporter a process: its Jinja templates are compiled once, not once a notebook (70 of them, 0.1 s)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(templates_dir())],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def external_references(page: str) -> list[str]:
    """List the URLs a page would load from the network (scripts, styles, images, frames).

    URLs quoted inside inlined JavaScript (plotly.js names its website) are not loads and
    are not listed; ``<a href>`` links are not loads either.

    Examples
    --------
    >>> external_references('<script src="https://cdn.example/x.js"></script><a href="https://x.org">x</a>')
    ['https://cdn.example/x.js']
    >>> external_references('<script>var u = "https://plot.ly";</script>')
    []
    """
    return [a or b for a, b in _EXTERNAL.findall(page)]


def index_html(
    *,
    title: str,
    reports: list[dict[str, str]],
    parameters: dict[str, Any],
    fingerprint: dict[str, str],
    version: str,
    created: str,
    pack: str | None = None,
) -> str:
    """Write the run's index page: links to the reports and what the run was made from.

    Parameters
    ----------
    title : str
        Page heading.
    reports : list of dict
        Each with ``href`` (relative), ``title`` and ``summary``; the first is the one
        leadership should read first.
    parameters : dict
        The run's parameters (no file paths: pass folder names only).
    fingerprint : dict
        Input file name → its digest, keyed with the reports folder's secret
        (:func:`tfanalysis.running.audit.keyed_fingerprint`).
    version : str
        tfanalysis version.
    created : str
        Timestamp of the run.
    pack : str, optional
        Relative path of the printable pack (``report.pdf``), linked under the reports.

    Returns
    -------
    str
        A small self-contained HTML page.

    Examples
    --------
    >>> page = index_html(title="Run", reports=[{"href": "a.html", "title": "A", "summary": ""}],
    ...                   parameters={"period": "2025Q3"}, fingerprint={}, version="0.1", created="now")
    >>> '<a href="a.html">A</a>' in page, "“hidden” is a count from 1 to 10, or another one (zero or larger)" in page, "report.pdf" in page
    (True, True, False)
    """
    from tfanalysis.publication.privacy import HIDDEN, hidden_meaning

    esc = html.escape
    threshold = int(parameters.get("suppression threshold", parameters.get("suppression_threshold", 11)))
    items = "\n".join(
        f'<li><a href="{esc(r["href"])}">{esc(r["title"])}</a>'
        + (f'<div class="summary">{esc(r["summary"])}</div>' if r.get("summary") else "")
        + "</li>"
        for r in reports
    )
    params = "\n".join(f"<tr><th>{esc(str(k))}</th><td>{esc(str(v))}</td></tr>" for k, v in parameters.items())
    printable = (
        f'<p class="pack">To print or attach: <a href="{esc(pack)}">every report in one PDF</a>, the summary first.</p>'
        if pack
        else ""
    )
    prints = "\n".join(f"<tr><th>{esc(k)}</th><td><code>{esc(v[:16])}…</code></td></tr>" for k, v in fingerprint.items())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 900px; margin: 2rem auto; padding: 0 1rem; color: #222; }}
h1 {{ font-size: 1.6rem; }} h2 {{ font-size: 1.1rem; margin-top: 2rem; }}
ol.reports li {{ margin: 0.6rem 0; font-size: 1.1rem; }}
.summary {{ color: #555; font-size: 0.9rem; }}
table {{ border-collapse: collapse; font-size: 0.85rem; }}
th, td {{ text-align: left; padding: 0.2rem 0.8rem 0.2rem 0; border-bottom: 1px solid #eee; }}
.note {{ color: #555; font-size: 0.85rem; }}
@media print {{ body {{ margin: 0; max-width: none; }} }}
</style>
</head>
<body>
<h1>{esc(title)}</h1>
<p class="note">A count of victims shown as “{HIDDEN}” is {esc(hidden_meaning(threshold))} Confidential locations are never shown.</p>
<h2>Reports</h2>
<ol class="reports">
{items}
</ol>
{printable}
<h2>About this run</h2>
<table>
{params}
<tr><th>tfanalysis version</th><td>{esc(version)}</td></tr>
<tr><th>created</th><td>{esc(created)}</td></tr>
</table>
<h2>Input files (keyed SHA-256)</h2>
<table>
{prints}
</table>
</body>
</html>
"""
