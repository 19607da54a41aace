"""What every figure shares: reading published tables, and the look of the reports."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pandas as pd

SUPPRESSED_HOVER = "hidden (disclosure control)"
"""Hover text of a hidden cell (a small count, or one hidden so that no small count can be worked out): its value is never in the figure."""

NOT_AVAILABLE_HOVER = "not available (nothing to work it out from yet, or not recorded)"
"""Hover text of a value that is not hidden but does not exist (a rate of needs not yet due, a column not recorded)."""

TEMPLATE = "plotly_white"

OFFLINE_GEO_SCRIPT = (
    "<script>(window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}}).topojson"
    '["world_110m"] = {"type": "Topology", "objects": {}, "arcs": []};</script>'
)
"""Gives plotly.js an empty world base map so that it does not fetch one from its CDN.

plotly.js fetches ``cdn.plot.ly/un/world_110m.json`` for every geo subplot holding a
choropleth, even with the base map hidden (``visible=False``), and draws nothing when it
cannot: an offline report would show an empty map. County polygons travel with each
figure, so the base map can be empty. :func:`tfanalysis.reports.notebook.setup` displays it."""

SECTOR_COLORS: dict[str, str] = {
    "law_enforcement": "#1f4e79",
    "prosecution": "#6a3d9a",
    "victim_services": "#e6550d",
    "health": "#31a354",
    "legal_services": "#8c6d31",
    "government": "#636363",
    "community": "#d6616b",
    "education": "#3182bd",
    "labor": "#bcbd22",
    "other": "#969696",
}
"""One colour per member sector, the same in every figure."""


def published_numbers(published: pd.Series) -> pd.Series:
    """Published cells as numbers; suppressed cells (the string ``hidden``) become NaN.

    Examples
    --------
    >>> published_numbers(pd.Series([3, "hidden", "12"])).tolist()
    [3.0, nan, 12.0]
    """
    return pd.to_numeric(published, errors="coerce").astype("float64")


def release_meta(published: Any, **labels: Any) -> dict[str, Any]:
    """The ``meta`` of a trace drawn from a released table: its name, for ``tfanalysis audit`` to read the values back.

    ``published`` carries the table's name (``attrs["release"]``, as
    :attr:`~tfanalysis.publication.Released.shown` does; a frame of several released series,
    one name per column, read with ``column``); ``labels`` name the table's own row
    labels (``rows``), columns (``columns``) or the one column a trace draws (``column``)
    where the figure shows other labels (county names for FIPS codes). Nothing when the
    values come from no one released table: the audit then reads the figure's prose only.

    Examples
    --------
    >>> t = pd.DataFrame({"count": [12]}, index=["2025-10"])
    >>> t.attrs["release"] = "00 needs per month"
    >>> release_meta(t, column="count"), release_meta(pd.DataFrame())
    ({'release': '00 needs per month', 'column': 'count'}, {})
    """
    name = getattr(published, "attrs", {}).get("release")
    if isinstance(name, dict):  # a frame of several released series: one name per column
        name = name.get(labels.get("column"))
    if not name:
        return {}
    return {"release": str(name), **{key: list(v) if isinstance(v, (list, tuple, pd.Index)) else v for key, v in labels.items() if v is not None}}


def no_data_figure(title: str, message: str = "No data in this period.") -> "go.Figure":
    """An empty figure that says why it is empty, in place of a chart with nothing to draw.

    Examples
    --------
    >>> no_data_figure("Needs per quarter").layout.annotations[0].text
    'No data in this period.'
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 14})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(template=TEMPLATE, title=title, height=220)
    return fig


ALL_HIDDEN = "not drawn: every count it would show is hidden (too small to show, or hiding one that is)."
"""What a report says in place of a figure whose every value is hidden (:func:`not_drawn`)."""
NOTHING_TO_DRAW = "not drawn: there is nothing to show for this period."
"""What a report says in place of a figure with no value at all, hidden or shown (:func:`not_drawn`)."""

_VALUES = {"heatmap": "z", "choropleth": "z", "choroplethmap": "z", "choroplethmapbox": "z", "contour": "z", "pie": "values"}
"""The array holding the values of a trace that draws nothing without one (cells, areas, slices)."""


_DATA_KEYS = ("x", "y", "z", "customdata", "values", "r", "base")
"""A trace's arrays of values drawn (not ``lat``/``lon``: places are public geography, and drawn where they are)."""


def at_printed_precision(fig_dict: dict, digits: int = 3) -> dict:
    """The figure with every value that is not whole rounded as the reports print it: ``digits`` significant, at least 1 decimal.

    A figure embeds the data it plots, and a share drawn at full precision is a fraction a
    reader can read back exactly: an outsider took report 03's 48.10126582278481 % of needs
    met within 30 days for 114 of 237, where the page printed 48.1 % (stop 58). Whole values
    (counts) are left as they are, and so are places (``lat``, ``lon``) and text. Applied
    by the report renderers (:func:`tfanalysis.reports.notebook.setup`) to every figure shown.

    Examples
    --------
    >>> fig = {"data": [{"type": "scatter", "x": ["2026Q1", "2026Q2"], "y": [48.10126582278481, 1234.0]},
    ...                 {"type": "heatmap", "z": [[0.047814439951, 0.5], [2.0, 1234.5678]]}], "layout": {}}
    >>> out = at_printed_precision(fig)
    >>> out["data"][0]["y"].tolist(), out["data"][0]["x"], out["data"][1]["z"].tolist()
    ([48.1, 1234.0], ['2026Q1', '2026Q2'], [[0.0478, 0.5], [2.0, 1234.6]])
    """
    traces = []
    for trace in fig_dict.get("data", ()):
        trace = dict(trace)
        for key in _DATA_KEYS:
            if key in trace and trace[key] is not None:
                rounded = _rounded(trace[key], digits)
                if rounded is not None:
                    trace[key] = rounded
        traces.append(trace)
    return {**fig_dict, "data": traces}


def _rounded(value: Any, digits: int) -> Any:
    """A trace array with its numbers that are not whole rounded (:func:`at_printed_precision`); None if none is.

    Text entries stay as they are (a ``customdata`` of names and shares); rows of different
    lengths are rounded row by row.
    """
    if isinstance(value, (str, bytes)):
        return None
    if isinstance(value, dict):
        if "bdata" not in value:
            return None
        shape = value.get("shape")
        numbers = _array(value).reshape([int(n) for n in str(shape).split(",")] if shape else -1)  # plotly writes "3, 4"
        return _round_numbers(numbers, numbers, digits)
    try:
        items = np.asarray(value, dtype=object)
    except ValueError:  # rows of different lengths numpy will not stack
        items = None
    if items is None or items.ndim == 1 and any(isinstance(v, (list, tuple, np.ndarray)) for v in items):
        rows = [_rounded(v, digits) for v in value]
        return None if all(r is None for r in rows) else [v if r is None else r for v, r in zip(value, rows)]
    if items.size == 0 or items.dtype != object and items.dtype.kind not in "biufc":
        return None
    numbers = _array(value).reshape(items.shape)
    if not any(isinstance(v, (str, bytes)) for v in items.ravel()):
        return _round_numbers(numbers, numbers, digits)
    return _round_numbers(numbers, items.copy(), digits)


def _round_numbers(numbers: np.ndarray, out: np.ndarray, digits: int) -> np.ndarray | None:
    """``out`` with the entries where ``numbers`` is finite and not whole rounded; None if there are none."""
    not_whole = np.isfinite(numbers) & (np.abs(numbers - np.round(numbers)) > 1e-9)
    if not not_whole.any():
        return None
    magnitude = np.floor(np.log10(np.abs(numbers[not_whole])))
    scale = 10.0 ** np.maximum(1, digits - 1 - magnitude)
    out = out.astype(float) if out.dtype != object else out
    out[not_whole] = np.round(numbers[not_whole] * scale) / scale
    return out


def _array(value: Any) -> np.ndarray:
    """A trace array as numbers (plotly's base64 typed arrays decoded; text and None become NaN)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).astype("float64")
    return pd.to_numeric(pd.Series(np.ravel(np.asarray(value, dtype=object))), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _present(value: Any) -> np.ndarray:
    """Which entries of a trace array are there: numbers that are not NaN, and any text (a category)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.isfinite(_array(value))
    items = pd.Series(np.ravel(np.asarray(value, dtype=object)))
    numbers = pd.to_numeric(items, errors="coerce")
    return (items.map(lambda v: isinstance(v, str)) | np.isfinite(numbers.to_numpy(dtype="float64", na_value=np.nan))).to_numpy(bool)


def _draws(trace: dict) -> bool:
    """Whether a trace draws something: a cell, area or slice with a value, or a point or bar with both coordinates."""
    kind = trace.get("type", "scatter")
    if kind in _VALUES:
        return bool(np.isfinite(_array(trace.get(_VALUES[kind], []))).any())
    if kind not in ("bar", "scatter", "scattergl"):
        return True  # markers on a map, networks...: drawn as they are
    x, y = trace.get("x"), trace.get("y")
    if x is None and y is None:
        return False
    if kind == "bar":  # a bar's length is a number; its category may be text
        value, category = (x, y) if trace.get("orientation") == "h" else (y, x)
        length = np.isfinite(_array(value)) if value is not None else np.zeros(0, bool)
        return bool((length & _present(category)[: len(length)] if category is not None else length).any())
    xs = _present(x) if x is not None else np.ones(len(_present(y)), bool)
    ys = _present(y) if y is not None else np.ones(len(xs), bool)
    n = min(len(xs), len(ys))
    return bool((xs[:n] & ys[:n]).any())


def not_drawn(fig: Any) -> str | None:
    """Why a figure is not worth drawing, or None when it shows at least one value.

    A figure of released counts draws hidden counts as gaps: when every value of every
    trace is hidden (or there is no trace at all), the chart would be an empty frame. The
    report shows a sentence in its place (:func:`tfanalysis.reports.notebook.setup`'s renderer):
    the text of the figure's own note when it has one (:func:`no_data_figure`), else
    :data:`ALL_HIDDEN`. Shown zeros are values (drawn as 0). A point or bar is drawn when
    both its coordinates are there (a category is text); traces of other types (markers
    on a map...) count as drawn.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> not_drawn(go.Figure(go.Bar(x=[np.nan, np.nan], y=["a", "b"], orientation="h")).to_dict())[:34]
    'not drawn: every count it would sh'
    >>> not_drawn(go.Figure(go.Bar(x=[0.0, np.nan], y=["a", "b"], orientation="h")).to_dict()) is None
    True
    >>> not_drawn(go.Figure(go.Scatter(x=[1, 2], y=["row 1", "row 2"])).to_dict()) is None
    True
    >>> not_drawn(no_data_figure("Needs per quarter", "Nothing to forecast.").to_dict())
    'Nothing to forecast.'

    A figure with no value at all (no partner survey in the data) hides nothing, and says so:

    >>> not_drawn(go.Figure(go.Scatter(x=[], y=[])).to_dict())
    'not drawn: there is nothing to show for this period.'
    """
    fig = fig.to_dict() if hasattr(fig, "to_dict") else fig
    if any(_draws(trace) for trace in fig.get("data", [])):
        return None
    notes = [a.get("text") for a in fig.get("layout", {}).get("annotations", []) if a.get("text")]
    if notes:
        return " ".join(notes)
    traces = fig.get("data", [])
    # traces with no entry at all (a table the data leave out) hide nothing; no trace at all is read as hidden
    return NOTHING_TO_DRAW if traces and not any(_has_points(trace) for trace in traces) else ALL_HIDDEN


def _has_points(trace: dict) -> bool:
    """Whether a trace has any entry at all, hidden (NaN) or not."""
    kind = trace.get("type", "scatter")
    arrays = [trace.get(_VALUES[kind])] if kind in _VALUES else [trace.get("x"), trace.get("y")]
    return any(a is not None and len(_array(a)) > 0 for a in arrays)


def figure_title(fig: Any) -> str:
    """A figure's title text ("" without one).

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> figure_title(go.Figure(layout={"title": "Why referrals fail"}).to_dict())
    'Why referrals fail'
    """
    fig = fig.to_dict() if hasattr(fig, "to_dict") else fig
    title = fig.get("layout", {}).get("title", "")
    return str(title.get("text", "") if isinstance(title, dict) else title or "")


def not_drawn_html(fig: Any, reason: str) -> str:
    """The sentence a report shows in place of a figure not drawn (:func:`not_drawn`).

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> not_drawn_html(go.Figure(layout={"title": "Why referrals fail"}).to_dict(), ALL_HIDDEN)
    '<p class="figure-not-drawn"><strong>Why referrals fail</strong>: not drawn: every count it would show is hidden (too small to show, or hiding one that is).</p>'
    """
    import html

    title = figure_title(fig)
    lead = f"<strong>{html.escape(title)}</strong>: " if title else "Figure "
    return f'<p class="figure-not-drawn">{lead}{html.escape(reason)}</p>'
