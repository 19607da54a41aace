"""Figures for reports: each function takes a published (aggregated, disclosure-controlled)
table and returns a :class:`plotly.graph_objects.Figure`. None computes an analysis.

Plotly embeds every value it plots in the page, so only aggregates go in: a suppressed cell
(``<11``) is drawn as a gap and named in the hover text, never as its true value.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

SUPPRESSED_HOVER = "hidden (small count)"


def _numbers(published: pd.Series) -> pd.Series:
    """Published cells as numbers; suppressed cells (strings such as ``<11``) become NaN."""
    return pd.to_numeric(published, errors="coerce").astype("float64")


def monthly_records_figure(published: pd.DataFrame, *, title: str = "Records per month") -> go.Figure:
    """Lines of records per month, one per table; suppressed months drawn as gaps.

    Parameters
    ----------
    published : pandas.DataFrame
        Indexed by month, one column per table, as returned by
        :func:`tfanalysis.privacy.suppress` on :func:`tfanalysis.quality.records_per_month`.
    title : str
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> t = pd.DataFrame({"clients": [12, "<11", 30]}, index=["2025-01", "2025-02", "2025-03"])
    >>> fig = monthly_records_figure(t)
    >>> list(fig.data[0].y)[0], str(list(fig.data[0].y)[1])
    (12.0, 'nan')
    """
    fig = go.Figure()
    for column in published.columns:
        if column in ("Total",):
            continue
        values = _numbers(published[column])
        hover = [SUPPRESSED_HOVER if pd.isna(v) else f"{v:,.0f}" for v in values]
        fig.add_trace(
            go.Scatter(
                x=list(published.index.astype(str)),
                y=values.tolist(),
                mode="lines+markers",
                name=str(column).replace("_", " "),
                text=hover,
                hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>",
                connectgaps=False,
            )
        )
    fig.update_layout(title=title, xaxis_title="month", yaxis_title="records", hovermode="x unified", template="plotly_white", height=420)
    return fig
