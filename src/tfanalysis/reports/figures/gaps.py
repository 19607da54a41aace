"""Figures of the needs-and-gaps report.

Each function draws a table as :mod:`tfanalysis.reports.gaps` (or the ``publish_*``
functions of forecast and profiles) released it; none computes an analysis. Hidden counts
are drawn grey or left as gaps, with no value behind them; zeros are drawn as 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from tfanalysis.publication.privacy import HIDDEN
from tfanalysis.reports.figures.common import SUPPRESSED_HOVER, TEMPLATE, no_data_figure, published_numbers, release_meta

__all__ = ["demand_capacity_figure", "forecast_figure", "gap_heatmap", "profile_figure", "referral_outcomes_figure", "sites_map"]

OUTCOME_COLORS = {
    "completed": "#31a354",
    "accepted": "#a1d99b",
    "declined_capacity": "#e6550d",
    "declined_eligibility": "#756bb1",
    "declined_other": "#bdbdbd",
    "no_response": "#636363",
    "open": "#deebf7",
    # the report's groups of outcomes (tfanalysis.reports.gaps.REFERRAL_RESULTS)
    "accepted or completed": "#31a354",
    "declined for capacity": "#e6550d",
    "declined for eligibility": "#756bb1",
    "declined otherwise, no response or open": "#bdbdbd",
}


def gap_heatmap(published: pd.DataFrame, *, title: str = "Needs not met, per group of services and county", labels: dict[str, str] | None = None) -> go.Figure:
    """Heatmap of a released rows × counties matrix of counts (:func:`tfanalysis.reports.gaps.publish_gap_matrix`).

    Hidden counts (the string ``hidden``) are gaps on a grey background with no value
    behind them; zeros are drawn as 0.

    Examples
    --------
    >>> fig = gap_heatmap(pd.DataFrame({"39105": [10, "hidden"]}, index=["a", "b"]))
    >>> fig.data[0].z.tolist()
    [[10.0], [nan]]
    """
    values = published.apply(published_numbers)
    hidden = published.apply(lambda column: column.astype(str).eq(HIDDEN))
    text = np.where(hidden.to_numpy(), SUPPRESSED_HOVER, values.to_numpy().astype(object))
    columns = [labels.get(c, c) if labels else c for c in published.columns]
    fig = go.Figure(
        go.Heatmap(
            z=values.to_numpy(), x=columns, y=list(published.index), text=text, colorscale="Reds",
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>", hoverongaps=False, colorbar={"title": "needs"},
            meta=release_meta(published, rows=[str(r) for r in published.index],
                              columns=[str(published.attrs.get("released_as", {}).get(c, c)) for c in published.columns]),
        )
    )
    fig.update_layout(template=TEMPLATE, title=title, height=max(300, 28 * len(published) + 120), plot_bgcolor="#e5e5e5")
    fig.update_xaxes(type="category", tickangle=-45)
    fig.update_yaxes(type="category", autorange="reversed")
    return fig


def demand_capacity_figure(published: pd.DataFrame, *, title: str = "Needs identified vs places, per month") -> go.Figure:
    """Bars of needs per month against places per month, per service (:func:`tfanalysis.reports.gaps.publish_demand`).

    A service whose needs are hidden has no needs bar (its hover says so); ``Total`` is left out.

    Examples
    --------
    >>> t = pd.DataFrame({"needs_per_month": [6.4, np.nan], "places_per_month": [3.3, 2.0]}, index=["a", "b"])
    >>> [trace.name for trace in demand_capacity_figure(t).data]
    ['needs identified', 'places']
    """
    table = published.drop(index="Total", errors="ignore")
    needs = pd.to_numeric(table["needs_per_month"], errors="coerce")
    fig = go.Figure(
        [
            go.Bar(y=list(table.index), x=needs, name="needs identified", orientation="h", marker_color="#e6550d",
                   customdata=np.where(needs.isna(), SUPPRESSED_HOVER, needs.round(1).astype(object)),
                   hovertemplate="%{y}: %{customdata}<extra>needs a month</extra>"),
            go.Bar(y=list(table.index), x=table["places_per_month"], name="places", orientation="h", marker_color="#3182bd"),
        ]
    )
    fig.update_layout(template=TEMPLATE, title=title, barmode="group", height=max(320, 22 * len(table) + 140), xaxis_title="per month")
    fig.update_yaxes(autorange="reversed")
    return fig


def referral_outcomes_figure(published: pd.DataFrame, *, title: str = "Why referrals fail") -> go.Figure:
    """Stacked bars of referral outcomes per service (suppressed cells left out, said in hover).

    Examples
    --------
    >>> t = pd.DataFrame({"completed": [50, "hidden"], "declined_capacity": [20, "hidden"]}, index=["a", "b"])
    >>> [trace.name for trace in referral_outcomes_figure(t).data]
    ['completed', 'declined_capacity']
    """
    table = published.drop(index="Total", columns="Total", errors="ignore")
    fig = go.Figure()
    for outcome in table.columns:  # one trace per outcome (a handful)
        values = published_numbers(table[outcome])
        hover = np.where(values.isna(), SUPPRESSED_HOVER, values.astype(object))
        fig.add_bar(
            y=list(table.index), x=values, name=str(outcome), orientation="h", marker_color=OUTCOME_COLORS.get(str(outcome)),
            customdata=hover, hovertemplate="%{y}: %{customdata}<extra>" + str(outcome) + "</extra>",
            meta=release_meta(published, rows=[str(r) for r in table.index], column=str(outcome)),
        )
    fig.update_layout(template=TEMPLATE, title=title, barmode="stack", xaxis_title="referrals", height=max(320, 26 * len(table) + 140))
    fig.update_yaxes(autorange="reversed")
    return fig


def sites_map(published_unmet: pd.Series, sites: pd.DataFrame, geojson: dict[str, Any], *, title: str = "Needs not met and recommended sites") -> go.Figure:
    """Choropleth of released needs not met per county, with the recommended sites marked.

    Parameters
    ----------
    published_unmet : Series
        County FIPS → released count: ints (zeros drawn as 0) and hidden counts (strings
        ``hidden``, drawn grey with no value behind them). Counties not listed are
        not drawn.
    sites : DataFrame
        :func:`tfanalysis.reports.gaps.publish_sites` (``rank``, ``name``, ``lat``, ``lon``).
    geojson : dict
        :func:`tfanalysis.geo.county_geojson` of the task force's states.

    Examples
    --------
    >>> geo = {"type": "FeatureCollection", "features": [
    ...     {"type": "Feature", "properties": {"county_fips": f, "name": n}, "geometry": None} for f, n in (("1", "A"), ("2", "B"), ("3", "C"))]}
    >>> fig = sites_map(pd.Series({"1": 0, "2": "hidden", "3": 14}), pd.DataFrame(), geo)
    >>> list(fig.data[0].locations), fig.data[0].z.tolist(), list(fig.data[1].locations)
    (['1', '3'], [0.0, 14.0], ['2'])
    """
    values = published_numbers(published_unmet)
    names = {f["properties"]["county_fips"]: f["properties"].get("name", "") for f in geojson["features"]}
    listed = [f for f in names if f in values.index]
    shown = values.reindex(listed)
    drawn = [f for f in listed if pd.notna(shown[f])]
    hidden = [f for f in listed if pd.isna(shown[f])]
    fig = go.Figure(
        go.Choropleth(
            geojson=geojson, locations=drawn, featureidkey="properties.county_fips", z=shown[drawn].to_numpy(float),
            colorscale="Reds", zmin=0, marker_line_color="white", marker_line_width=0.5, colorbar={"title": "needs not met"},
            customdata=np.array([names[f] for f in drawn], dtype=object), hovertemplate="%{customdata}: %{z}<extra></extra>",
            meta=release_meta(published_unmet, rows=drawn),  # the hidden counties' trace below draws no value: not tagged
        )
    )
    fig.add_trace(
        go.Choropleth(  # hidden counties: grey, no value behind them
            geojson=geojson, locations=hidden, featureidkey="properties.county_fips",
            z=[1] * len(hidden), colorscale=[[0, "#bdbdbd"], [1, "#bdbdbd"]], showscale=False,
            customdata=np.array([names[f] for f in hidden], dtype=object),
            hovertemplate="%{customdata}: " + SUPPRESSED_HOVER + "<extra></extra>", name="hidden",
        )
    )
    if len(sites):
        fig.add_trace(
            go.Scattergeo(
                lat=sites["lat"], lon=sites["lon"], text=[f"{r}. {n}" for r, n in zip(sites["rank"], sites["name"])],
                mode="markers+text", textposition="top center", name="recommended site",
                marker={"size": 14, "symbol": "star", "color": "#1f4e79", "line": {"color": "white", "width": 1}},
            )
        )
    fig.update_geos(fitbounds="locations", visible=False)
    fig.update_layout(template=TEMPLATE, title=title, height=560, margin={"l": 0, "r": 0, "t": 50, "b": 0})
    return fig


def forecast_figure(published: pd.DataFrame, services: list[str], *, title: str = "Needs per quarter: observed, forecast and places") -> go.Figure:
    """One panel per service: observed needs, the forecast with its interval, the places a quarter.

    ``published`` is :func:`tfanalysis.reports.forecast.publish_forecast` (hidden counts are gaps).

    Examples
    --------
    >>> t = pd.DataFrame({"service": ["a"] * 2, "quarter": ["2025Q4", "2026Q1"], "kind": ["observed", "forecast"],
    ...     "needs": [12.0, np.nan], "forecast": [np.nan, 8.0], "low": [np.nan, 4.0], "high": [np.nan, 12.0], "places": 9.0})
    >>> len(forecast_figure(t, ["a"]).data)
    4
    """
    from plotly.subplots import make_subplots

    if not services or published.empty:
        # either reason, the figure cannot tell which: say both
        return no_data_figure(title, "No quarter of needs shown to forecast from: none identified in a complete quarter, or their counts are hidden.")
    fig = make_subplots(rows=1, cols=len(services), subplot_titles=services, shared_yaxes=False)
    for column, service in enumerate(services, start=1):  # one panel per service (a few)
        rows = published[published["service"] == service]
        seen, ahead = rows[rows["kind"] == "observed"], rows[rows["kind"] == "forecast"]
        first = column == 1
        fig.add_trace(go.Scatter(x=seen["quarter"], y=seen["needs"], mode="lines+markers", name="needs identified", line={"color": "#e6550d"}, showlegend=first, legendgroup="n",
                                 meta=release_meta(published, rows=[str(q) for q in seen["quarter"]], column=str(service))), row=1, col=column)
        fig.add_trace(go.Scatter(x=list(ahead["quarter"]) + list(ahead["quarter"])[::-1], y=list(ahead["high"]) + list(ahead["low"])[::-1], fill="toself", mode="lines",
                                 fillcolor="rgba(230,85,13,0.15)", line={"width": 0}, name="forecast interval", showlegend=first, legendgroup="i", hoverinfo="skip"), row=1, col=column)
        fig.add_trace(go.Scatter(x=ahead["quarter"], y=ahead["forecast"], mode="lines+markers", name="forecast", line={"color": "#e6550d", "dash": "dot"}, showlegend=first, legendgroup="f"), row=1, col=column)
        fig.add_trace(go.Scatter(x=rows["quarter"], y=rows["places"], mode="lines", name="places now (a quarter)", line={"color": "#3182bd"}, showlegend=first, legendgroup="p"), row=1, col=column)
    fig.update_layout(template=TEMPLATE, title=title, height=380)
    fig.update_xaxes(type="category", tickangle=-45)
    return fig


def profile_figure(weights: pd.DataFrame, names: dict[int, str] | None = None, *, top: int = 12, named: int = 3,
                   title: str = "Need profiles: weight of each need") -> go.Figure:
    """Heatmap of the NMF profile weights (profiles × the needs weighing most in any profile).

    The ``top`` needs weighing most in any profile, and every need a profile is named by
    (its ``named`` heaviest, :func:`tfanalysis.reports.profiles.profile_names`): a
    statistician read a profile named by two needs the heatmap did not draw.

    Examples
    --------
    >>> w = pd.DataFrame([[1.0, 0.1], [0.0, 1.0]], index=[1, 2], columns=["a", "b"])
    >>> profile_figure(w).data[0].z.shape
    (2, 2)
    >>> w = pd.DataFrame([[1.0, 0.9, 0.3, 0.0], [0.0, 0.0, 0.2, 1.0]], index=[1, 2], columns=["a", "b", "c", "d"])
    >>> list(profile_figure(w, top=2, named=2).data[0].x)  # a and d weigh most; b names profile 1 and c profile 2
    ['a', 'd', 'b', 'c']
    """
    if weights.empty:
        fig = go.Figure()
        fig.update_layout(template=TEMPLATE, title=f"{title} (not drawn: no profile holds enough clients to show)", height=160)
        return fig
    heaviest = list(weights.max(axis=0).sort_values(ascending=False, kind="stable").index[:top])
    naming = [need for _, row in weights.iterrows() for need in row[row > 0].sort_values(ascending=False, kind="stable").index[:named]]
    keep = list(dict.fromkeys(heaviest + naming))  # a few profiles: each one's heaviest needs
    labels = [f"{p}. {names[p]}" if names and p in names else str(p) for p in weights.index]
    fig = go.Figure(go.Heatmap(z=weights[keep].to_numpy().round(2), x=list(keep), y=labels, colorscale="Blues", colorbar={"title": "weight"},
                               hovertemplate="%{y} · %{x}: %{z}<extra></extra>"))
    fig.update_layout(template=TEMPLATE, title=title, height=120 + 60 * len(weights))
    fig.update_xaxes(tickangle=-45)
    fig.update_yaxes(autorange="reversed")
    return fig
