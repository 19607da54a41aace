"""What the collaboration report (03) shows: released counts, the scorecard, the change test, the network.

Every count of people and of their cases (clients, needs, referrals, criminal-justice
events and cases) the report shows is released per period through the run's publication
layer (:func:`release_counts`, :mod:`tfanalysis.publication`), with the numerators and
bases of the shares and medians; :func:`publish`, :func:`scorecard`,
:func:`change_effects`, :func:`trend_lines`, :func:`control_chart`,
:func:`headline_metrics`, :func:`network_picture` and the grant evidence read only what it
shows: a share where its numerator and base are shown, a median where its base is, changes,
trends and fitted lines from shown values alone. Organizations are not victims: counts of
members, ties, meetings and trainings, the network measures and the partner survey are
shown as they are. The indicators themselves are :mod:`tfanalysis.analyses.collaboration`.
"""

from __future__ import annotations

from tfanalysis.reports.collaboration.change import (
    change_effects,
    change_markdown,
    change_section_markdown,
    control_chart,
    control_chart_caption,
    first_post_label,
    trend_caption,
    trend_lines,
    trend_title,
)
from tfanalysis.reports.collaboration.counts import (
    CASE_START,
    COUNTS,
    FIRST_CHARGES,
    NUMERATORS,
    SECTOR_LINK,
    TIE,
    UNMET_CRITICAL,
    ReleasedCounts,
    release_counts,
)
from tfanalysis.reports.collaboration.grant_evidence import evidence_markdown, publish_evidence
from tfanalysis.reports.collaboration.headline import headline_metrics, scope_markdown
from tfanalysis.reports.collaboration.network import network_picture
from tfanalysis.reports.collaboration.published import publish, scorecard, scorecard_markdown, scorecard_table
from tfanalysis.reports.collaboration.survey import survey_markdown, survey_table

__all__ = [
    "CASE_START",
    "change_effects",
    "change_markdown",
    "change_section_markdown",
    "control_chart",
    "control_chart_caption",
    "COUNTS",
    "evidence_markdown",
    "FIRST_CHARGES",
    "first_post_label",
    "headline_metrics",
    "network_picture",
    "NUMERATORS",
    "publish",
    "publish_evidence",
    "release_counts",
    "ReleasedCounts",
    "scope_markdown",
    "scorecard",
    "scorecard_markdown",
    "scorecard_table",
    "SECTOR_LINK",
    "survey_markdown",
    "survey_table",
    "TIE",
    "trend_caption",
    "trend_lines",
    "trend_title",
    "UNMET_CRITICAL",
]
