"""What a report notebook calls: set-up, headline metrics, and tables for leadership.

Notebooks stay thin: a parameters cell, calls into the package, figures, prose. This
module holds the few things every notebook does.

- :func:`setup` makes plotly figures survive nbconvert's HTML export offline (the default
  ``plotly_mimetype`` renderer is dropped by nbconvert). Figures are sent as HTML that calls
  plotly.js without carrying it: the report page loads the run folder's one copy of
  plotly.js (see :mod:`tfanalysis.running.render`).
- :func:`record_metric` records a headline number. It is displayed as an output of its own
  MIME type (:data:`METRIC_MIMETYPE`): invisible in the rendered HTML, collected by the
  suite runner into the run's ``metrics.json`` (the way scrapbook's ``glue`` works).
- :func:`show_table` displays a table that has been through disclosure control.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from tfanalysis.publication.privacy import HIDDEN, hidden_meaning

METRIC_MIMETYPE = "application/vnd.tfanalysis.metric+json"
"""MIME type of a recorded metric in a notebook's outputs."""

PLOTLY_RENDERER = "tfanalysis_mimetype+tfanalysis_offline"

HIDDEN_METRIC = HIDDEN
"""How ``metrics.json`` and the run history write a suppressed headline (see :func:`metric`)."""


def _offline_renderer() -> object:
    """plotly's ``notebook`` renderer that carries neither plotly.js nor MathJax.

    plotly's own renderer inlines plotly.js (4.8 MB) into the first figure output of every
    notebook, and hard-codes ``include_mathjax="cdn"`` (a network request). A report instead
    loads the one ``plotly.min.js`` of its run folder by relative path (the ``tfreport``
    template, :func:`tfanalysis.running.render.write_plotly_js`), so this renderer only sends each
    figure's ``<div>`` and its ``Plotly.newPlot`` call. Reports use no LaTeX.

    A figure with nothing to draw (every value hidden, or no data:
    :func:`tfanalysis.reports.figures.common.not_drawn`) is sent as a sentence saying so instead.
    """
    import plotly.io as pio
    from plotly.io.base_renderers import NotebookRenderer

    class OfflineNotebookRenderer(NotebookRenderer):
        def activate(self) -> None:
            """Display nothing: plotly.js comes from the report page, not from the notebook."""

        def to_mimebundle(self, fig_dict: dict) -> dict:
            from tfanalysis.reports.figures.common import at_printed_precision, not_drawn, not_drawn_html
            from tfanalysis.reports.labels import readable_figure

            reason = not_drawn(fig_dict)
            if reason is not None:
                sentence = not_drawn_html(readable_figure(fig_dict), reason)
                return {"text/html": sentence}
            page = pio.to_html(
                # codes in categories, names, titles and menus: in words; values as the reports print them
                readable_figure(at_printed_precision(fig_dict)),
                config=self.config,
                include_plotlyjs=False,
                include_mathjax=False,
                full_html=False,
                default_width="100%",
                default_height=525,
                validate=False,
            )
            return {"text/html": page}

    return OfflineNotebookRenderer(connected=False)


def _mimetype_renderer() -> object:
    """plotly's own MIME type (interactive in JupyterLab), left out for a figure not drawn.

    A figure with nothing to draw (:func:`tfanalysis.reports.figures.common.not_drawn`) is only
    the sentence of :func:`_offline_renderer`: no empty chart in the notebook either.
    """
    from plotly.io.base_renderers import PlotlyRenderer

    class ReportMimetypeRenderer(PlotlyRenderer):
        def to_mimebundle(self, fig_dict: dict) -> dict:
            from tfanalysis.reports.figures.common import at_printed_precision, not_drawn

            return {} if not_drawn(fig_dict) is not None else super().to_mimebundle(at_printed_precision(fig_dict))

    return ReportMimetypeRenderer()


def setup() -> None:
    """Prepare a report notebook's kernel: plotly renderer and pandas display options.

    Figures are sent both as plotly's own MIME type (interactive in JupyterLab) and as HTML
    without plotly.js (a figure with nothing to draw: a sentence saying so, see
    :func:`tfanalysis.reports.figures.common.not_drawn`) (kept by nbconvert; the report page loads plotly.js from its run
    folder and draws them offline). In a
    kernel it also gives plotly an empty world base map
    (:data:`tfanalysis.reports.figures.common.OFFLINE_GEO_SCRIPT`), so that maps need no CDN.

    Examples
    --------
    >>> setup()
    >>> import plotly.io as pio
    >>> pio.renderers.default
    'tfanalysis_mimetype+tfanalysis_offline'
    """
    import plotly.io as pio

    if "tfanalysis_offline" not in pio.renderers:
        pio.renderers["tfanalysis_offline"] = _offline_renderer()
    if "tfanalysis_mimetype" not in pio.renderers:
        pio.renderers["tfanalysis_mimetype"] = _mimetype_renderer()
    pio.renderers.default = PLOTLY_RENDERER
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    if get_ipython() is not None:  # in a kernel: every map of the page draws offline
        from IPython.display import HTML, display

        from tfanalysis.reports.figures.common import OFFLINE_GEO_SCRIPT

        display(HTML(OFFLINE_GEO_SCRIPT))
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.max_columns", 50)


def metric(
    name: str,
    value: float | int | str | None,
    *,
    label: str | None = None,
    unit: str | None = None,
    count: bool = False,
    threshold: int = 11,
    higher_is_better: bool | None = None,
    hidden: bool = False,
) -> dict[str, Any]:
    """Build a metric record; counts from 1 to ``threshold - 1`` are suppressed.

    Parameters
    ----------
    name : str
        Stable snake_case key, e.g. ``clients_identified``.
    value : number, str or None
        The value. ``None`` or NaN means not available.
    label : str, optional
        How leadership reads it; the name by default.
    unit : str, optional
        ``days``, ``%``, ``clients``…
    count : bool
        The value counts people or events: disclosure control applies.
    threshold : int
        Suppression threshold for counts.
    higher_is_better : bool, optional
        Direction of improvement, for trend arrows.
    hidden : bool
        The publication layer hid the value (a count hidden with its table, or a rate
        from a hidden count): recorded as suppressed whatever its size.

    Returns
    -------
    dict
        ``name``, ``label``, ``value`` (None when suppressed or missing), ``display``
        (the text to show, ``hidden`` when suppressed), ``unit``, ``count``,
        ``suppressed``, ``higher_is_better``.

    A suppressed value shows as ``hidden``, never ``<11``: a count hidden to protect another
    may be 11 or more, and a hidden median of days or a rate is not a count at all
    (``metrics.json`` has no legend to say so). One word for every hidden value, so that it
    does not tell which were small.

    Examples
    --------
    >>> metric("clients_identified", 7, count=True)["display"]
    'hidden'
    >>> metric("convictions", 13, count=True, hidden=True)["display"]
    'hidden'
    >>> metric("median_response_days", 3.5, unit="days")["value"]
    3.5
    """
    if isinstance(value, float) and math.isnan(value):
        value = None
    if hasattr(value, "item"):
        value = value.item()  # numpy scalar → Python
    suppressed = bool(hidden) or bool(count and value is not None and 0 < float(value) < threshold)
    if suppressed:
        shown, display = None, HIDDEN_METRIC
    else:
        shown = value
        if value is None:
            display = "n/a"
        elif isinstance(value, float) and not count:
            display = f"{value:,.1f}"
        elif isinstance(value, (int, float)):
            display = f"{value:,.0f}"
        else:
            display = str(value)
    return {
        "name": name,
        "label": label or name.replace("_", " "),
        "value": shown,
        "display": display,
        "unit": unit,
        "count": count,
        "suppressed": suppressed,
        "higher_is_better": higher_is_better,
    }


def record_metric(name: str, value: float | int | str | None, **kwargs: Any) -> None:
    """Record a headline metric for the run's ``metrics.json`` (see :func:`metric`)."""
    from IPython.display import display

    display({METRIC_MIMETYPE: metric(name, value, **kwargs)}, raw=True)


def count_metric(name: str, released: Any, row: Any = "Total", column: Any = None, **kwargs: Any) -> dict[str, Any]:
    """A metric record of one released count (:class:`tfanalysis.publication.Released`).

    Examples
    --------
    >>> from tfanalysis.publication import Release
    >>> import tfanalysis as tf
    >>> rel = Release(tf.load_dataset(DEMO_DIR))
    >>> count_metric("needs_identified", rel.count("needs"))["display"]
    '3,775'
    """
    value = released.value(row, column)
    return metric(name, value, count=True, threshold=released.threshold, hidden=value is None, **kwargs)


def record_count(name: str, released: Any, row: Any = "Total", column: Any = None, **kwargs: Any) -> None:
    """Record one released count as a headline metric (see :func:`count_metric`)."""
    from IPython.display import display

    display({METRIC_MIMETYPE: count_metric(name, released, row, column, **kwargs)}, raw=True)


def record_shown(name: str, shown: Any, **kwargs: Any) -> None:
    """Record a released count as a table shows it (an int, or ``"hidden"`` where hidden)."""
    hidden = isinstance(shown, str)
    record_metric(name, None if hidden else shown, count=True, hidden=hidden, **kwargs)


def release(data: Any, threshold: int = 11, *, ledger_dir: str = "", run_id: str = "") -> Any:
    """This notebook's publication layer: every victim count it shows goes through it.

    Under the suite runner, ``ledger_dir`` is the run's private ledger, shared with the
    other notebooks of the run and read with the earlier runs of the same data; in an
    analyst's session it is empty and the ledger lives in memory.
    """
    from tfanalysis.publication import Release

    return Release(data, threshold, ledger_dir=ledger_dir or None, run=run_id)


def metrics_from_notebook(nb: Any) -> list[dict[str, Any]]:
    """Collect the metrics recorded in an executed notebook, in order.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.

    Returns
    -------
    list of dict
        The metric records; a later record of the same name replaces an earlier one.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
    ...     nbformat.v4.new_output("display_data", data={METRIC_MIMETYPE: metric("a", 1)})])])
    >>> [m["name"] for m in metrics_from_notebook(nb)]
    ['a']
    """
    found: dict[str, dict[str, Any]] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            record = output.get("data", {}).get(METRIC_MIMETYPE)
            if record:
                found[record["name"]] = dict(record)
    return list(found.values())


def table_html(table: pd.DataFrame, *, caption: str | None = None, index: bool = True) -> str:
    """Render a (disclosure-controlled) table as plain HTML for a report, in plain words.

    Header, row labels and text cells pass through :func:`tfanalysis.reports.labels.readable`
    (codes inside a label or cell through :func:`tfanalysis.reports.labels.readable_known`): codes
    and column names become the words leadership reads.

    Examples
    --------
    >>> print(table_html(pd.DataFrame({"n": ["hidden", 42]}, index=["a", "b"]), caption="Clients"))
    <table class="tf-table"><caption>Clients</caption><thead><tr><th></th><th>n</th></tr></thead><tbody><tr><th>a</th><td class="num">hidden</td></tr><tr><th>b</th><td class="num">42</td></tr></tbody></table><p class="tf-table-note">hidden: a count too small to show, or another one (zero or larger) hidden so that no small count can be worked out from the others.</p>
    >>> import numpy as np
    >>> table_html(pd.DataFrame({"utilization": [np.inf]}, index=["food"]))  # a third task force's report read "inf"
    '<table class="tf-table"><thead><tr><th></th><th>Needs per place</th></tr></thead><tbody><tr><th>Food</th><td class="num">∞</td></tr></tbody></table>'
    >>> t = pd.DataFrame({"needs_per_month": [50.0]}, index=pd.MultiIndex.from_tuples([("needs", "legal_representation")], names=["table", "need"]))
    >>> print(table_html(t))
    <table class="tf-table"><thead><tr><th>Table</th><th>Need</th><th>Needs a month</th></tr></thead><tbody><tr><th>Needs</th><th>Legal representation (immigration, criminal, civil)</th><td class="num">50.0</td></tr></tbody></table>
    """
    from tfanalysis.reports.labels import readable

    levels = table.index.nlevels if index else 0
    names = [_header(n) if n is not None else "" for n in table.index.names] if index else []
    head = names + [_header(c) for c in table.columns]
    rows = []
    for label, values in zip(table.index, table.itertuples(index=False)):
        labels = label if isinstance(label, tuple) else (label,)
        cells = [f"<th>{html.escape(_cell(_label_words(part)))}</th>" for part in labels[:levels]]
        cells += [f"<td{_align(v)}>{html.escape(_cell(_words(v)))}</td>" for v in values]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    header = "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"
    # a released table (tfanalysis.publication) names itself, so `tfanalysis audit` can read it back
    tag = f' data-release="{html.escape(str(table.attrs["release"]))}"' if table.attrs.get("release") else ""
    return f'<table class="tf-table"{tag}>{cap}<thead>{header}</thead><tbody>{"".join(rows)}</tbody></table>' + _hidden_note(table)


def _hidden_note(table: pd.DataFrame) -> str:
    """What the table's hidden marker means, under a table that shows one.

    A hidden count is not always a small one: the publication layer also hides larger
    counts so that no small one can be worked out from the others, and withholds a whole
    line, zeros too, where nothing less protects it; a reader of one
    table (a grant officer) must not read them as small. So every hidden count reads the
    same (:data:`~tfanalysis.publication.privacy.HIDDEN`), and the note says why.

    >>> _hidden_note(pd.DataFrame({"n": ["hidden", 42]}))
    '<p class="tf-table-note">hidden: a count too small to show, or another one (zero or larger) hidden so that no small count can be worked out from the others.</p>'
    >>> _hidden_note(pd.DataFrame({"n": [3, 42]}))
    ''
    """
    if not any(isinstance(v, str) and v == HIDDEN for v in table.to_numpy(dtype=object).ravel()):
        return ""
    return f'<p class="tf-table-note">{HIDDEN}: {hidden_meaning()}</p>'


def _label_words(label: Any) -> Any:
    """A row label in words: a code or column name as a whole, then any code inside it."""
    from tfanalysis.reports.labels import readable, readable_known

    words = readable(label)
    return readable_known(words) if isinstance(words, str) else words


def _words(value: Any) -> Any:
    """A cell in words: a code as a whole, or the codes inside a sentence."""
    from tfanalysis.reports.labels import is_code, readable, readable_known

    if isinstance(value, str) and not is_code(value):
        return readable_known(value)
    return readable(value)


def _header(column: Any) -> str:
    """A column or index name in words: a code through :func:`~tfanalysis.reports.labels.readable`, a lone word capitalized."""
    from tfanalysis.reports.labels import readable

    if isinstance(column, tuple):
        return " · ".join(_header(part) for part in column if str(part) != "")
    text = str(readable(str(column)))
    return text[0].upper() + text[1:] if len(text) > 1 and text.isalpha() and text.islower() else text


def _align(value: object) -> str:
    """Numbers (and suppressed counts, ``hidden``) align right; text aligns left."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return ' class="num"' if number or (isinstance(value, str) and value == HIDDEN) else ""


def _cell(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and math.isinf(value):  # a ratio over nothing (needs per place where no place is offered)
        return "∞" if value > 0 else "−∞"
    if isinstance(value, float):
        from tfanalysis.reports.labels import measure_text

        return measure_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def show_table(table: pd.DataFrame, *, caption: str | None = None, index: bool = True) -> None:
    """Display a disclosure-controlled table in a report notebook (see :func:`table_html`)."""
    from IPython.display import HTML, display

    display(HTML(table_html(table, caption=caption, index=index)))
