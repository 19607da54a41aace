"""Figures of the service coverage report.

Each function draws a published table made by :mod:`tfanalysis.reports.coverage`: one row per
county × service, needs as the run's publication layer released them
(:func:`tfanalysis.reports.coverage.published_coverage`: a hidden count is named in the hover,
never given, a zero is a zero), deserts as the release shows them
(:func:`tfanalysis.reports.coverage.published_deserts`), and member points that
:func:`tfanalysis.analyses.coverage.member_points` already stripped of confidential locations.
None computes an analysis, and nothing below county level goes in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from tfanalysis.publication.privacy import HIDDEN
from tfanalysis.reports.figures.common import SECTOR_COLORS, SUPPRESSED_HOVER, TEMPLATE
from tfanalysis.reports.labels import readable

__all__ = ["access_map_figure", "nearest_distance_figure"]

ACCESS_SCALE = "YlGnBu"
DESERT_COLOR = "#b22222"
REACHED_COLOR = "#3182bd"


def _shown(value: object, digits: int = 0) -> str:
    """A published cell as hover text: hidden counts named, missing values as a dash."""
    if isinstance(value, str):
        return SUPPRESSED_HOVER if value == HIDDEN else value
    if value is None or pd.isna(value):
        return "–"
    return f"{float(value):,.{digits}f}"


def _hover(rows: pd.DataFrame) -> list[str]:
    """One hover text per county: its name and its published figures."""
    # Vectorized string building over the county rows of one service. The name is the
    # county's own ("Franklin", "Capitol"): " County" would misname planning regions,
    # boroughs and census areas. Each formatted column is cast to text: .map of an empty
    # numeric column stays numeric, and text + numbers fails.
    def text(column: str, digits: int = 0) -> pd.Series:
        return rows[column].map(lambda v: _shown(v, digits)).astype(str)

    return (
        "<b>" + rows["county"].astype(str) + "</b>"
        + "<br>access: " + text("access", 1) + " per month per 100k residents"
        + "<br>members serving: " + text("members_serving")
        + "<br>capacity: " + text("capacity_per_100k", 1) + " per month per 100k"
        + "<br>nearest provider: " + text("nearest_miles") + " miles"
        + "<br>needs identified: " + text("need")
    ).tolist()


def _require_released(published: pd.DataFrame) -> None:
    """Refuse a coverage table whose needs did not come from the publication layer."""
    if "has_need" not in published.columns:
        raise ValueError(
            "draw the table of tfanalysis.reports.coverage.published_coverage: this one has no has_need column, "
            "so its needs are the true counts, not the released ones"
        )


def access_map_figure(
    published: pd.DataFrame,
    geojson: Mapping[str, Any],
    points: pd.DataFrame,
    services: Iterable[str],
    *,
    title: str = "Spatial access to each service",
) -> go.Figure:
    """County choropleth of access per service, one service shown at a time.

    Parameters
    ----------
    published : pandas.DataFrame
        :func:`tfanalysis.reports.coverage.published_coverage` table (columns ``county_fips``,
        ``county``, ``service``, ``access``, ``members_serving``, ``capacity_per_100k``,
        ``nearest_miles``, ``need`` as released, ``has_need``). A raw coverage table
        (no ``has_need``) is refused: its needs are true counts.
    geojson : dict
        :func:`tfanalysis.geo.county_geojson` of the region (features keyed by
        ``properties.county_fips``).
    points : pandas.DataFrame
        :func:`tfanalysis.analyses.coverage.member_points`: public member locations per service.
    services : iterable of str
        The services in the dropdown, first shown first (keep it to a handful: two
        traces each).

    Returns
    -------
    plotly.graph_objects.Figure
        A choropleth and a point trace per service; a dropdown shows one pair.

    Examples
    --------
    >>> t = pd.DataFrame({"county_fips": ["10001"], "county": ["Kent"], "service": ["food"],
    ...                   "access": [2.5], "members_serving": [1], "capacity_per_100k": [5.0],
    ...                   "nearest_miles": [3.0], "need": ["hidden"], "has_need": [True]})
    >>> p = pd.DataFrame({"name": ["Food bank"], "sector": ["community"], "service": ["food"],
    ...                   "lat": [39.1], "lon": [-75.5]})
    >>> fig = access_map_figure(t, {"type": "FeatureCollection", "features": []}, p, ["food"])
    >>> [trace.type for trace in fig.data]
    ['choropleth', 'scattergeo']
    """
    _require_released(published)
    services = [s for s in services]
    fig = go.Figure()
    for position, service in enumerate(services):
        rows = published[published["service"] == service]
        fig.add_trace(
            go.Choropleth(
                geojson=geojson,
                featureidkey="properties.county_fips",
                locations=rows["county_fips"].astype(str).tolist(),
                z=rows["access"].astype(float).round(2).tolist(),
                zmin=0,
                colorscale=ACCESS_SCALE,
                marker_line_width=0.4,
                marker_line_color="#ffffff",
                colorbar={"title": {"text": "per month<br>per 100k"}},
                text=_hover(rows),
                hovertemplate="%{text}<extra></extra>",
                name=readable(service),
                visible=position == 0,
            )
        )
        at = points[points["service"] == service]
        fig.add_trace(
            go.Scattergeo(
                lat=at["lat"].astype(float).round(4).tolist(),
                lon=at["lon"].astype(float).round(4).tolist(),
                mode="markers",
                marker={
                    "size": 7,
                    "color": at["sector"].map(SECTOR_COLORS).fillna("#969696").tolist(),
                    "line": {"width": 1, "color": "#ffffff"},
                },
                text=at["name"].astype(str).tolist(),
                hovertemplate="%{text}<extra>member</extra>",
                name="members (public locations)",
                showlegend=False,
                visible=position == 0,
            )
        )
    buttons = [
        {
            "label": readable(service),
            "method": "update",
            "args": [{"visible": list(np.repeat(np.arange(len(services)) == position, 2))}],
        }
        for position, service in enumerate(services)
    ]
    fig.update_geos(fitbounds="locations", visible=False)
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title},
        height=560,
        margin={"l": 0, "r": 0, "t": 80, "b": 0},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0.0, "xanchor": "left", "y": 1.08, "yanchor": "top"}]
        if len(services) > 1
        else [],
    )
    return fig


def nearest_distance_figure(
    published: pd.DataFrame,
    services: Iterable[str],
    *,
    max_miles: float,
    deserts: pd.DataFrame | None = None,
) -> go.Figure:
    """Distance from each county's centre to the nearest provider, per service.

    One dot per county × service (county-level, no client data); deserts in red, the
    threshold as a dashed line. Counties with no provider anywhere are not drawn.
    ``deserts`` are those the release shows (:func:`tfanalysis.reports.coverage.published_deserts`):
    a red dot says that a county had need.

    Examples
    --------
    >>> t = pd.DataFrame({"county_fips": ["1", "2"], "county": ["A", "B"], "service": ["food"] * 2,
    ...                   "nearest_miles": [12.0, 80.0]})
    >>> fig = nearest_distance_figure(t, ["food"], max_miles=60, deserts=t.iloc[[1]])
    >>> [trace.name for trace in fig.data]
    ['other counties', 'service desert']
    """
    services = list(services)
    rows = published[published["service"].isin(services) & published["nearest_miles"].notna()]
    flagged = pd.Series(False, index=rows.index)
    if deserts is not None and len(deserts):
        keys = pd.MultiIndex.from_frame(deserts[["county_fips", "service"]].astype(str))
        flagged = pd.Series(
            pd.MultiIndex.from_frame(rows[["county_fips", "service"]].astype(str)).isin(keys), index=rows.index
        )
    fig = go.Figure()
    for is_desert, name, color in ((False, "other counties", REACHED_COLOR), (True, "service desert", DESERT_COLOR)):
        part = rows[flagged == is_desert]
        fig.add_trace(
            go.Scatter(
                x=part["nearest_miles"].astype(float).round(1).tolist(),
                y=part["service"].map(readable).tolist(),
                mode="markers",
                marker={"color": color, "size": 8 if is_desert else 6, "opacity": 0.9 if is_desert else 0.5},
                text=part["county"].astype(str).tolist(),
                hovertemplate="%{text}: %{x:.0f} miles<extra>%{y}</extra>",  # "Capitol", not "Capitol County"
                name=name,
            )
        )
    fig.add_vline(x=max_miles, line_dash="dash", line_color="#636363",
                  annotation_text=f"{max_miles:g} miles", annotation_position="top")
    fig.update_layout(
        template=TEMPLATE,
        title={"text": "Miles from each county's centre to the nearest member offering the service"},
        xaxis_title="miles (great circle)",
        yaxis={"categoryorder": "array", "categoryarray": [readable(s) for s in reversed(services)]},
        height=120 + 45 * len(services),
        legend={"orientation": "h", "y": -0.25},
    )
    return fig
