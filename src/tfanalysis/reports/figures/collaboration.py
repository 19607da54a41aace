"""Figures of the collaboration report.

Each function draws a published table made by :mod:`tfanalysis.reports.collaboration`
(from :mod:`tfanalysis.analyses.collaboration`, its ``network`` and ``trends``): aggregated,
every victim count as the publication layer released it, rates, medians and fitted lines
from shown values only; none computes an analysis. A hidden value is a gap (or a tie's hover reads ``hidden``), never
a 0, and no figure carries a true count in its data or hover text. Periods are drawn as
categories (their labels), and the change is marked between the last period before it and
the first after it (``first_post``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tfanalysis.analyses.collaboration.trends import FIRM_LIMITS, provisional_limits
from tfanalysis.reports.figures.common import NOT_AVAILABLE_HOVER, SECTOR_COLORS, SUPPRESSED_HOVER, TEMPLATE, published_numbers

__all__ = [
    "attendance_figure",
    "control_chart_figure",
    "cross_sector_figure",
    "membership_figure",
    "network_figure",
    "survey_figure",
    "trend_figure",
]

CHANGE_COLOR = "#b22222"
TIE_COLORS = {True: "#4a4a4a", False: "#c8c8c8"}
"""Ties across sectors are dark, ties within a sector light."""


def _scale(unit: str) -> tuple[float, str]:
    """Shares are drawn in percent."""
    return (100.0, "%") if unit == "share" else (1.0, "")


def _mark_change(fig: go.Figure, labels: list[str], first_post: str | None, *, row: int | None = None, col: int | None = None, text: bool = True) -> None:
    if first_post is None or first_post not in labels:
        return
    x = labels.index(first_post) - 0.5
    kwargs: dict = {"row": row, "col": col} if row is not None else {}
    if text:  # plotly writes "new text" for an annotation without text: add none at all
        kwargs.update(annotation_text="change", annotation_position="top left", annotation_font_color=CHANGE_COLOR)
    fig.add_vline(x=x, line_dash="dash", line_color=CHANGE_COLOR, line_width=1.5, **kwargs)


def trend_figure(lines: pd.DataFrame, *, first_post: str | None = None, columns: int = 2, title: str = "Indicators per period") -> go.Figure:
    """Small multiples: each indicator's published values, the segmented fit, the change.

    Parameters
    ----------
    lines : pandas.DataFrame
        :func:`tfanalysis.reports.collaboration.trend_lines`: ``indicator``, ``label``, ``unit``,
        ``period``, ``observed`` (NaN where hidden or not available: a gap), ``hidden``
        (hovers say which), ``fitted`` and ``counterfactual`` (fitted to the shown values; all NaN
        without a change date: then no fitted line is drawn or named in the legend), ``post``.
    first_post : str, optional
        Label of the first period after the change (marked by a dashed line).
    columns : int
        Panels per row.
    title : str

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> lines = pd.DataFrame({"indicator": "d", "label": "Days", "unit": "days", "period": ["2024Q1", "2024Q2", "2024Q3"],
    ...     "observed": [10.0, float("nan"), 3.0], "fitted": [10.0, 10.0, 3.0], "counterfactual": [float("nan"), float("nan"), 10.0],
    ...     "post": [False, False, True]})
    >>> fig = trend_figure(lines, first_post="2024Q3")
    >>> [t.name for t in fig.data if t.showlegend]
    ['observed', 'fitted before / after', 'earlier trend carried on']
    """
    names = list(dict.fromkeys(lines["indicator"]))
    # without a change date nothing is fitted: no empty "fitted" or "earlier trend" lines in the legend
    fitted_lines = bool(lines[["fitted", "counterfactual"]].notna().to_numpy().any())
    rows = max(1, math.ceil(len(names) / columns))
    titles = [str(lines.loc[lines["indicator"] == n, "label"].iloc[0]) + (" (%)" if lines.loc[lines["indicator"] == n, "unit"].iloc[0] == "share" else "") for n in names]
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=titles, vertical_spacing=0.12 if rows > 1 else 0.2, horizontal_spacing=0.08)
    for k, name in enumerate(names):
        part = lines[lines["indicator"] == name]
        row, col = k // columns + 1, k % columns + 1
        factor, suffix = _scale(str(part["unit"].iloc[0]))
        labels = part["period"].astype(str).tolist()
        observed = part["observed"].to_numpy(dtype=float) * factor
        hidden = part["hidden"].to_numpy(dtype=bool) if "hidden" in part else np.isnan(observed)
        hover = [SUPPRESSED_HOVER if h else NOT_AVAILABLE_HOVER if np.isnan(v) else f"{v:,.1f}{suffix}" for v, h in zip(observed, hidden)]
        first = k == 0
        released = str(part["release"].iloc[0]) if "release" in part and factor == 1 else ""
        meta = {"release": released, "rows": labels, "column": "count"} if released else None  # `tfanalysis audit` reads the count back
        fig.add_trace(go.Scatter(x=labels, y=observed, mode="markers+lines", name="observed", legendgroup="observed", showlegend=first,
                                 line={"color": "#1f4e79", "width": 1}, marker={"size": 6}, text=hover, hovertemplate="%{x}: %{text}<extra></extra>",
                                 connectgaps=False, meta=meta), row=row, col=col)
        if fitted_lines:
            _add_fitted_lines(fig, part, labels, factor, first=first, row=row, col=col)
        _mark_change(fig, labels, first_post, row=row, col=col, text=first)
    fig.update_layout(title=title, template=TEMPLATE, height=max(320, 260 * rows), legend={"orientation": "h", "y": -0.08})
    fig.update_xaxes(type="category", tickangle=-45)
    return fig


def _add_fitted_lines(fig: go.Figure, part: pd.DataFrame, labels: list[str], factor: float, *, first: bool, row: int, col: int) -> None:
    """One panel's fitted line before and after the change, and the pre-change line carried on."""
    post = part["post"].to_numpy(dtype=bool)
    fitted = part["fitted"].to_numpy(dtype=float) * factor
    for mask, label in ((~post, "before"), (post, "after")):  # two segments: no line across the change
        fig.add_trace(go.Scatter(x=[x for x, m in zip(labels, mask) if m], y=fitted[mask], mode="lines", name="fitted before / after",
                                 legendgroup="fit", showlegend=first and label == "before", line={"color": "#e6550d", "width": 2},
                                 hoverinfo="skip"), row=row, col=col)
    counter = part["counterfactual"].to_numpy(dtype=float) * factor
    # the pre-change line carried on, for comparison: not what would have happened without the change
    fig.add_trace(go.Scatter(x=labels, y=counter, mode="lines", name="earlier trend carried on", legendgroup="counter", showlegend=first,
                             line={"color": "#e6550d", "width": 1.5, "dash": "dot"}, hoverinfo="skip"), row=row, col=col)


def cross_sector_figure(published: pd.DataFrame, *, first_post: str | None = None, title: str = "Referral ties across sectors") -> go.Figure:
    """Lines of the cross-sector shares per period (in percent).

    Parameters
    ----------
    published : pandas.DataFrame
        Indexed by period label, with ``cross_sector_tie_share``, ``le_vs_tie_share`` and
        ``cross_sector_referral_share`` (0–1; NaN or ``hidden`` cells drawn as gaps).
    first_post : str, optional
        Label of the first period after the change.

    Examples
    --------
    >>> t = pd.DataFrame({"cross_sector_tie_share": [0.6, 0.8], "le_vs_tie_share": [0.1, 0.1],
    ...     "cross_sector_referral_share": [0.55, 0.85]}, index=["2024Q2", "2024Q3"])
    >>> [tr.name for tr in cross_sector_figure(t, first_post="2024Q3").data]
    ['ties between sectors', 'law enforcement ↔ victim services ties', 'referrals between sectors']
    """
    names = {
        "cross_sector_tie_share": ("ties between sectors", "solid"),
        "le_vs_tie_share": ("law enforcement ↔ victim services ties", "solid"),
        "cross_sector_referral_share": ("referrals between sectors", "dot"),
    }
    labels = [str(i) for i in published.index]
    fig = go.Figure()
    for column, (name, dash) in names.items():
        if column not in published.columns:
            continue
        values = published_numbers(published[column]) * 100
        fig.add_trace(go.Scatter(x=labels, y=values.tolist(), mode="lines+markers", name=name, line={"dash": dash},
                                 hovertemplate="%{x}: %{y:.1f}%<extra>" + name + "</extra>", connectgaps=False))
    _mark_change(fig, labels, first_post)
    fig.update_layout(title=title, template=TEMPLATE, yaxis_title="% of distinct ties (or of referrals)", yaxis_range=[0, 100], height=420,
                      legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(type="category")
    return fig


def _width(value: object) -> float:
    """Line width of a tie from its released referral count: hidden ties thinnest, shown ones by 25 and 50.

    A shown count is 0 (no tie is drawn) or at least the threshold, so the width of a
    hidden tie tells nothing about its count beyond "hidden".

    Examples
    --------
    >>> [_width(v) for v in ("hidden", 11, 30, 80)]
    [0.8, 1.8, 3.0, 4.5]
    """
    if isinstance(value, str) or value is None or (isinstance(value, float) and math.isnan(value)):
        return 0.8
    v = float(value)
    return 1.8 if v < 25 else 3.0 if v < 50 else 4.5


def network_figure(nodes: pd.DataFrame, ties: pd.DataFrame, *, title: str = "Referral network") -> go.Figure:
    """The referral network of two (or more) periods side by side.

    Parameters
    ----------
    nodes : pandas.DataFrame
        :func:`tfanalysis.analyses.collaboration.network_layout.picture_tables` nodes: ``period``, ``member_id``,
        ``name``, ``sector``, ``x``, ``y``, ``ties``.
    ties : pandas.DataFrame
        Its ties with ``referrals`` as released (:func:`tfanalysis.reports.collaboration.network_picture`;
        hidden counts are strings such as ``"hidden"``):
        ``period``, ``member_a``, ``member_b``, ``referrals``, ``cross_sector``, ``x0``,
        ``y0``, ``x1``, ``y1``.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per period; members coloured by sector (one legend entry per sector),
        ties dark across sectors and light within one, thicker for more referrals.

    Examples
    --------
    >>> nodes = pd.DataFrame({"period": ["A", "A", "B", "B"], "member_id": ["m1", "m2"] * 2, "name": ["PD", "Shelter"] * 2,
    ...     "sector": ["law_enforcement", "victim_services"] * 2, "x": [0.0, 1.0] * 2, "y": [0.0, 1.0] * 2, "ties": [1, 1, 0, 0]})
    >>> ties = pd.DataFrame({"period": ["A"], "member_a": ["m1"], "member_b": ["m2"], "referrals": ["hidden"], "cross_sector": [True],
    ...     "x0": [0.0], "y0": [0.0], "x1": [1.0], "y1": [1.0]})
    >>> fig = network_figure(nodes, ties)
    >>> sorted({t.name for t in fig.data if t.showlegend})
    ['law enforcement', 'victim services']
    """
    periods = list(dict.fromkeys(nodes["period"]))
    fig = make_subplots(rows=1, cols=max(1, len(periods)), subplot_titles=[str(p) for p in periods], horizontal_spacing=0.03)
    seen_sectors: set[str] = set()
    for k, period in enumerate(periods, start=1):
        part = ties[ties["period"] == period]
        widths = part["referrals"].map(_width)
        for (cross, width), group in part.groupby([part["cross_sector"].astype(bool), widths]):
            xs = np.column_stack([group["x0"], group["x1"], np.full(len(group), np.nan)]).ravel()
            ys = np.column_stack([group["y0"], group["y1"], np.full(len(group), np.nan)]).ravel()
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": TIE_COLORS[bool(cross)], "width": width},
                                     hoverinfo="skip", showlegend=False), row=1, col=k)
        if len(part):
            names = nodes.drop_duplicates("member_id").set_index("member_id")["name"]
            hover = [f"{names.get(a, a)} – {names.get(b, b)}: {n if isinstance(n, str) else f'{int(n):,}'} referrals"
                     for a, b, n in zip(part["member_a"], part["member_b"], part["referrals"])]
            fig.add_trace(go.Scatter(x=((part["x0"] + part["x1"]) / 2).tolist(), y=((part["y0"] + part["y1"]) / 2).tolist(), mode="markers",
                                     marker={"size": 6, "opacity": 0}, text=hover, hovertemplate="%{text}<extra></extra>", showlegend=False), row=1, col=k)
        members = nodes[nodes["period"] == period]
        for sector, group in members.groupby("sector", sort=True):
            fig.add_trace(go.Scatter(x=group["x"].tolist(), y=group["y"].tolist(), mode="markers", name=str(sector).replace("_", " "),
                                     legendgroup=str(sector), showlegend=sector not in seen_sectors,
                                     legendrank=list(SECTOR_COLORS).index(sector) if sector in SECTOR_COLORS else len(SECTOR_COLORS),
                                     marker={"size": (8 + 1.2 * np.sqrt(np.nan_to_num(group["ties"].to_numpy(dtype=float))) * 2).tolist(),
                                             "color": SECTOR_COLORS.get(str(sector), "#969696"), "line": {"color": "white", "width": 1}},
                                     text=[f"{n}<br>{str(sector).replace('_', ' ')}" + ("" if pd.isna(t) else f"<br>{int(t)} partners")
                                           for n, t in zip(group["name"], group["ties"])],
                                     hovertemplate="%{text}<extra></extra>"), row=1, col=k)
            seen_sectors.add(sector)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(title=title, template=TEMPLATE, height=560, legend={"orientation": "h", "y": -0.05}, hovermode="closest")
    return fig


def control_chart_figure(chart: pd.DataFrame, *, label: str, unit: str = "", first_post: str | None = None) -> go.Figure:
    """An XmR chart: values, centre line, limits, special causes in red.

    Parameters
    ----------
    chart : pandas.DataFrame
        :func:`tfanalysis.analyses.collaboration.trends.control_chart` of a published series, indexed by period
        label.
    label : str
        What the values are.
    unit : str
        Axis unit (``days``).
    first_post : str, optional
        Label of the first period after the change.

    Examples
    --------
    >>> chart = pd.DataFrame({"value": [10.0, 11, 3], "center": 10.5, "lcl": 9.0, "ucl": 12.0, "special_cause": [False, False, True]},
    ...     index=["2024Q1", "2024Q2", "2024Q3"])
    >>> [t.name for t in control_chart_figure(chart, label="Days").data]
    ['value', 'special cause', 'centre', 'limits']
    """
    labels = [str(i) for i in chart.index]
    special = chart["special_cause"].to_numpy(dtype=bool)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=labels, y=chart["value"].tolist(), mode="lines+markers", name="value", line={"color": "#1f4e79"}))
    fig.add_trace(go.Scatter(x=[x for x, s in zip(labels, special) if s], y=chart["value"][special].tolist(), mode="markers", name="special cause",
                             marker={"color": CHANGE_COLOR, "size": 11, "symbol": "circle-open", "line": {"width": 2}}))
    fig.add_trace(go.Scatter(x=labels, y=chart["center"].tolist(), mode="lines", name="centre", line={"color": "#636363"}))
    limits_x = labels + [None] + labels
    limits_y = chart["lcl"].tolist() + [None] + chart["ucl"].tolist()
    fig.add_trace(go.Scatter(x=limits_x, y=limits_y, mode="lines", name="limits", line={"color": "#636363", "dash": "dash"}))
    _mark_change(fig, labels, first_post)
    # limits from too few values move as values are added: the chart says so (docs/collaboration.md)
    provisional = f" (provisional limits: from fewer than {FIRM_LIMITS} values)" if provisional_limits(chart) else ""
    fig.update_layout(title=f"Control chart (XmR): {label}{provisional}", template=TEMPLATE, yaxis_title=unit, height=400, legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(type="category")
    return fig


def survey_figure(waves: pd.DataFrame, *, title: str = "Partner survey per wave") -> go.Figure:
    """Mean Levels of Collaboration (0–5), trust and value (1–4) per survey wave.

    Parameters
    ----------
    waves : pandas.DataFrame
        :func:`tfanalysis.analyses.collaboration.survey_waves`.

    Examples
    --------
    >>> w = pd.DataFrame({"fielded_on": pd.to_datetime(["2024-03-15", None]), "level_mean": [1.9, 2.7], "trust_mean": [2.2, 2.8],
    ...     "value_mean": [2.4, 2.8]}, index=pd.Index([1, 2], name="wave"))
    >>> fig = survey_figure(w)
    >>> list(fig.data[0].x)
    ['wave 1 (2024-03)', 'wave 2']
    """
    labels = [f"wave {w}" + (f" ({d:%Y-%m})" if not pd.isna(d) else "") for w, d in zip(waves.index, waves["fielded_on"])]
    fig = go.Figure()
    for column, name in (("level_mean", "Levels of Collaboration (0–5)"), ("trust_mean", "trust (1–4)"), ("value_mean", "value (1–4)")):
        fig.add_trace(go.Scatter(x=labels, y=waves[column].astype(float).tolist(), mode="lines+markers", name=name,
                                 hovertemplate="%{x}: %{y:.2f}<extra>" + name + "</extra>"))
    fig.update_layout(title=title, template=TEMPLATE, yaxis_range=[0, 5], yaxis_title="mean rating", height=400, legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(type="category")
    return fig


def membership_figure(members: pd.DataFrame, *, title: str = "Member organizations by sector, at the end of each period") -> go.Figure:
    """Stacked bars of members per sector at the end of each period.

    Parameters
    ----------
    members : pandas.DataFrame
        :func:`tfanalysis.analyses.collaboration.membership`: indexed by period label, one column
        per sector (others ignored).

    Examples
    --------
    >>> m = pd.DataFrame({"health": [3.0, 4.0], "labor": [0.0, 1.0], "members": [3.0, 5.0]}, index=["2024", "2025"])
    >>> [t.name for t in membership_figure(m).data]
    ['health', 'labor']
    """
    labels = [str(i) for i in members.index]
    fig = go.Figure()
    for sector in [c for c in members.columns if c in SECTOR_COLORS]:
        fig.add_trace(go.Bar(x=labels, y=members[sector].tolist(), name=sector.replace("_", " "), marker_color=SECTOR_COLORS[sector],
                             hovertemplate="%{x}: %{y:.0f}<extra>" + sector.replace("_", " ") + "</extra>"))
    fig.update_layout(barmode="stack", title=title, template=TEMPLATE, yaxis_title="members at the period's end", height=420, legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(type="category")
    return fig


def attendance_figure(rates: pd.DataFrame, *, first_post: str | None = None, title: str = "Meeting attendance by sector") -> go.Figure:
    """Heat map of meeting attendance rates, sector × period (in percent).

    Parameters
    ----------
    rates : pandas.DataFrame
        Indexed by sector, one column per period label, rates 0–1 (NaN: no member expected).

    Examples
    --------
    >>> r = pd.DataFrame({"2024Q1": [0.5, 0.9], "2024Q2": [0.6, float("nan")]}, index=["health", "labor"])
    >>> attendance_figure(r).data[0].z[0].tolist()
    [50.0, 60.0]
    """
    labels = [str(c) for c in rates.columns]
    z = rates.to_numpy(dtype=float) * 100
    fig = go.Figure(go.Heatmap(z=z, x=labels, y=[str(s).replace("_", " ") for s in rates.index], colorscale="Blues", zmin=0, zmax=100,
                               colorbar={"title": "%"}, hovertemplate="%{y}, %{x}: %{z:.0f}%<extra></extra>"))
    _mark_change(fig, labels, first_post, text=False)
    # grey behind the cells: a sector with no member expected shows grey, 0% shows white
    fig.update_layout(title=title, template=TEMPLATE, height=420, plot_bgcolor="#d9d9d9")
    fig.update_xaxes(type="category")
    return fig
