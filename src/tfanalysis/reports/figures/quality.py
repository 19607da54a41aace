"""Figures of the data-quality report."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from tfanalysis.reports.figures.common import SUPPRESSED_HOVER, published_numbers, release_meta


def monthly_records_figure(published: pd.DataFrame, *, title: str = "Records per month") -> go.Figure:
    """Lines of records per month, one per table; suppressed months drawn as gaps.

    Parameters
    ----------
    published : pandas.DataFrame
        Indexed by month, one column per table, as returned by
        :func:`tfanalysis.publication.privacy.suppress` on :func:`tfanalysis.analyses.quality.records_per_month`.
    title : str
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> t = pd.DataFrame({"clients": [12, "hidden", 30]}, index=["2025-01", "2025-02", "2025-03"])
    >>> fig = monthly_records_figure(t)
    >>> list(fig.data[0].y)[0], str(list(fig.data[0].y)[1])
    (12.0, 'nan')
    """
    fig = go.Figure()
    for column in published.columns:
        if column in ("Total",):
            continue
        values = published_numbers(published[column])
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
                meta=release_meta(published, rows=[str(r) for r in published.index], column=column),
            )
        )
    fig.update_layout(title=title, xaxis_title="month", yaxis_title="records", hovermode="x unified", template="plotly_white", height=420)
    return fig
