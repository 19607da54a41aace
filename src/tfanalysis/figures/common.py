"""What every figure shares: reading published tables, and the look of the reports."""

from __future__ import annotations

import pandas as pd

SUPPRESSED_HOVER = "hidden (small count)"
"""Hover text of a suppressed cell: its value is never in the figure."""

TEMPLATE = "plotly_white"

OFFLINE_GEO_SCRIPT = (
    "<script>(window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}}).topojson"
    '["world_110m"] = {"type": "Topology", "objects": {}, "arcs": []};</script>'
)
"""Gives plotly.js an empty world base map so that it does not fetch one from its CDN.

plotly.js fetches ``cdn.plot.ly/un/world_110m.json`` for every geo subplot holding a
choropleth, even with the base map hidden (``visible=False``), and draws nothing when it
cannot: an offline report would show an empty map. County polygons travel with each
figure, so the base map can be empty. :func:`tfanalysis.notebook.setup` displays it."""

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
    """Published cells as numbers; suppressed cells (strings such as ``<11``) become NaN.

    Examples
    --------
    >>> published_numbers(pd.Series([3, "<11", "12"])).tolist()
    [3.0, nan, 12.0]
    """
    return pd.to_numeric(published, errors="coerce").astype("float64")


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
