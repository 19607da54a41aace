"""Figures for reports.

Each function takes a published table (aggregated and disclosure-controlled) and returns a
:class:`plotly.graph_objects.Figure`; none computes an analysis. Plotly embeds every value
it plots in the page, so only aggregates go in: a suppressed cell (``hidden``) is drawn as a
gap and named in the hover text, never as its true value.

One module per report: :mod:`~tfanalysis.reports.figures.quality`, and those the coverage, gaps and
collaboration reports add. :mod:`~tfanalysis.reports.figures.common` holds what they share.
"""

from tfanalysis.reports.figures.common import SECTOR_COLORS, SUPPRESSED_HOVER, published_numbers
from tfanalysis.reports.figures.quality import monthly_records_figure

__all__ = ["SECTOR_COLORS", "SUPPRESSED_HOVER", "monthly_records_figure", "published_numbers"]
