"""Figures of the what-if report: access now and with a scenario, side by side.

The figure draws county-level tables only: access scores, members serving and distances
(not about victims) and the needs per county *as released* by the publication layer (a
hidden count is named in the hover, never given). Member points are public locations from
:func:`tfanalysis.analyses.coverage.member_points` (confidential ones never drawn).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tfanalysis.reports.figures.common import SECTOR_COLORS, TEMPLATE
from tfanalysis.reports.figures.coverage import ACCESS_SCALE
from tfanalysis.reports.labels import readable

__all__ = ["access_comparison_figure"]

HIDDEN_HOVER = "hidden"


def _number(values: pd.Series, digits: int) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    return pd.Series(np.where(np.isnan(numbers), "–", numbers.map(lambda v: f"{v:,.{digits}f}")), index=values.index)


def _hover(rows: pd.DataFrame, when: str, needs: pd.Series) -> list[str]:
    shown = rows["county_fips"].map(needs)
    need_text = shown.map(lambda v: HIDDEN_HOVER if isinstance(v, str) else ("–" if pd.isna(v) else f"{int(v):,}"))
    desert = np.where(rows[f"desert_{when}"].fillna(False).astype(bool), "<br><b>service desert</b>", "")
    return (
        "<b>" + rows["county"].astype(str) + "</b>"
        + "<br>access: " + _number(rows[f"access_{when}"], 2) + " per month per 100k residents"
        + "<br>members serving: " + _number(rows[f"members_serving_{when}"], 0)
        + "<br>nearest provider: " + _number(rows[f"nearest_miles_{when}"], 0) + " miles"
        + "<br>needs identified: " + need_text.astype(str) + desert
    ).tolist()


def access_comparison_figure(
    access: pd.DataFrame,
    geojson: Mapping[str, Any],
    services: Sequence[str],
    *,
    needs: Mapping[str, pd.Series] | None = None,
    points: Mapping[str, pd.DataFrame] | None = None,
    titles: tuple[str, str] = ("Now", "With the scenario"),
    title: str = "Access per county, now and with the scenario",
) -> go.Figure:
    """Two county maps of access, now and with a scenario, on one colour scale per service.

    Parameters
    ----------
    access : pandas.DataFrame
        :func:`tfanalysis.analyses.scenarios.compare.access_changes` (``county_fips``, ``county``,
        ``service``, ``access_before``/``_after``, ``members_serving_*``,
        ``nearest_miles_*``, ``desert_*``).
    geojson : dict
        County layer of the region (:func:`tfanalysis.reports.coverage.region_geojson`).
    services : sequence of str
        Services in the dropdown, the first shown first.
    needs : mapping of service to Series, optional
        Needs identified per county as released (ints, ``"hidden"`` strings where hidden),
        indexed by county FIPS.
    points : mapping of ``"before"``/``"after"`` to DataFrame, optional
        Public member locations per service (``service``, ``name``, ``sector``, ``lat``, ``lon``).
    titles : (str, str)
        The two panels' titles.

    Returns
    -------
    plotly.graph_objects.Figure
        Per service: a choropleth per panel sharing one colour axis (0 to the largest access
        of either panel), and member points; a dropdown shows one service.

    Examples
    --------
    >>> t = pd.DataFrame({"county_fips": ["10001"], "county": ["Kent"], "service": ["food"],
    ...     "access_before": [0.0], "access_after": [2.5], "members_serving_before": [0], "members_serving_after": [1],
    ...     "nearest_miles_before": [80.0], "nearest_miles_after": [4.0], "desert_before": [True], "desert_after": [False]})
    >>> fig = access_comparison_figure(t, {"type": "FeatureCollection", "features": []}, ["food"],
    ...                                needs={"food": pd.Series(["hidden"], index=["10001"])})
    >>> [trace.type for trace in fig.data], fig.layout.coloraxis.cmax
    (['choropleth', 'choropleth', 'scattergeo', 'scattergeo'], 2.5)
    >>> fig.data[1].text[0].endswith("needs identified: hidden"), "2.50" in fig.data[1].text[0]
    (True, True)
    """
    services = list(services)
    needs = needs or {}
    points = points or {}
    fig = make_subplots(rows=1, cols=2, specs=[[{"type": "choropleth"}, {"type": "choropleth"}]], subplot_titles=list(titles),
                        horizontal_spacing=0.02)
    tops = []
    per_service = 4
    for position, service in enumerate(services):
        rows = access[access["service"] == service]
        top = float(np.nanmax(rows[["access_before", "access_after"]].to_numpy(float))) if len(rows) else 0.0
        tops.append(top if top > 0 else 1.0)
        shown = needs.get(service, pd.Series(dtype=object))
        for col, when in ((1, "before"), (2, "after")):
            fig.add_trace(go.Choropleth(
                geojson=geojson, featureidkey="properties.county_fips",
                locations=rows["county_fips"].astype(str).tolist(),
                z=rows[f"access_{when}"].astype(float).round(2).tolist(),
                coloraxis="coloraxis", marker_line_width=0.4, marker_line_color="#ffffff",
                text=_hover(rows, when, shown), hovertemplate="%{text}<extra></extra>",
                name=f"{readable(service)} ({titles[col - 1].lower()})", visible=position == 0,
            ), row=1, col=col)
        for col, when in ((1, "before"), (2, "after")):
            at = points.get(when, pd.DataFrame(columns=["service", "name", "sector", "lat", "lon"]))
            at = at[at["service"] == service]
            fig.add_trace(go.Scattergeo(
                lat=at["lat"].astype(float).round(4).tolist(), lon=at["lon"].astype(float).round(4).tolist(), mode="markers",
                marker={"size": 7, "color": at["sector"].map(SECTOR_COLORS).fillna("#969696").tolist(), "line": {"width": 1, "color": "#ffffff"}},
                text=at["name"].astype(str).tolist(), hovertemplate="%{text}<extra>member</extra>",
                showlegend=False, visible=position == 0, geo="geo" if col == 1 else "geo2",
            ))
    buttons = [
        {"label": readable(service), "method": "update",
         "args": [{"visible": list(np.repeat(np.arange(len(services)) == position, per_service))}, {"coloraxis.cmax": tops[position]}]}
        for position, service in enumerate(services)
    ]
    fig.update_geos(fitbounds="locations", visible=False)
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title},
        height=520,
        margin={"l": 0, "r": 0, "t": 110, "b": 0},
        coloraxis={"colorscale": ACCESS_SCALE, "cmin": 0, "cmax": tops[0] if tops else 1.0,
                   "colorbar": {"title": {"text": "per month<br>per 100k"}}},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0.0, "xanchor": "left", "y": 1.2, "yanchor": "top"}]
        if len(services) > 1 else [],
    )
    return fig
