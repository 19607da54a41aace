"""The collaboration report's figures: what a hover says of a value that is not drawn."""

from __future__ import annotations

import pandas as pd

from tfanalysis.analyses.collaboration import trends
from tfanalysis.reports.figures import collaboration as figures
from tfanalysis.reports.figures.common import NOT_AVAILABLE_HOVER, SUPPRESSED_HOVER


def test_a_value_not_yet_measurable_is_not_called_hidden():
    """2024Q2 is hidden by the release; 2024Q3 has nothing to work it out from yet (needs not yet due).

    An outsider found the scorecard saying "not yet measurable" where the trend figure's hover
    said "hidden (disclosure control)" for the same value.
    """
    lines = pd.DataFrame({"indicator": "met30", "label": "Needs met within 30 days", "unit": "share",
                          "period": ["2024Q1", "2024Q2", "2024Q3"], "observed": [0.5, float("nan"), float("nan")],
                          "hidden": [False, True, False], "fitted": [0.5, 0.5, 0.5], "counterfactual": float("nan"),
                          "post": [False, False, False]})
    observed = next(t for t in figures.trend_figure(lines).data if t.name == "observed")
    assert list(observed.text) == ["50.0%", SUPPRESSED_HOVER, NOT_AVAILABLE_HOVER]


def _lines(fitted: list[float], counterfactual: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"indicator": "d", "label": "Days", "unit": "days", "period": ["2024Q1", "2024Q2", "2024Q3"],
                         "observed": [10.0, 11.0, 3.0], "hidden": False, "fitted": fitted, "counterfactual": counterfactual,
                         "post": [False, False, True]})


def test_without_a_change_date_no_fitted_or_no_change_line_is_drawn_or_named():
    """An outsider found "fitted before / after" and "no change" (now "earlier trend carried on") in the legend of a run with no change date: empty lines."""
    nan = float("nan")
    fig = figures.trend_figure(_lines([nan] * 3, [nan] * 3))
    assert [t.name for t in fig.data] == ["observed"]


def test_with_a_change_date_the_fitted_lines_are_drawn_as_before():
    nan = float("nan")
    fig = figures.trend_figure(_lines([10.5, 10.5, 3.0], [nan, nan, 10.5]), first_post="2024Q3")
    assert [t.name for t in fig.data] == ["observed", "fitted before / after", "fitted before / after", "earlier trend carried on"]
    assert list(fig.data[2].y) == [3.0]  # the line after the change


def _chart(values: list[float], change: str | None = None) -> pd.DataFrame:
    return trends.control_chart(pd.Series(values, index=pd.period_range("2023Q1", periods=len(values), freq="Q")), change=change)


def test_the_control_chart_says_its_limits_are_provisional_below_12_values():
    """Limits from 11 values were drawn without the mark docs/collaboration.md promises."""
    eleven = [10.0, 11, 10, 12, 11, 10, 11, 10, 12, 11, 10]
    title = figures.control_chart_figure(_chart(eleven), label="Days").layout.title.text
    assert title == "Control chart (XmR): Days (provisional limits: from fewer than 12 values)"
    assert figures.control_chart_figure(_chart(eleven + [11.0]), label="Days").layout.title.text == "Control chart (XmR): Days"
    # 12 values, but only the 6 before the change make the limits
    before_after = [10.0, 11, 10, 12, 11, 10, 3, 4, 3, 3, 4, 3]
    assert "provisional" in figures.control_chart_figure(_chart(before_after, "2024-07-01"), label="Days").layout.title.text
    assert figures.control_chart_figure(_chart([10.0]), label="Days").layout.title.text == "Control chart (XmR): Days"  # no limits at all
