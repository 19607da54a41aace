"""The collaboration report's figures: what a hover says of a value that is not drawn."""

from __future__ import annotations

import pandas as pd

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
