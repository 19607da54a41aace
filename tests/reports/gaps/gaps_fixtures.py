"""What the tests of report 02's modules share: the threshold, a day and a year, and the check that no count from 1 to 10 is shown.

Tests import them by name (``from gaps_fixtures import K``): pytest puts this folder on the path.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tfanalysis.reports.gaps import Scope

K = 11
DAY = pd.Timestamp("2025-01-01")
YEAR = Scope(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31"))


def small_shown(values) -> list:
    """The shown values from 1 to ``K - 1`` (a released table should have none)."""
    numbers = pd.to_numeric(pd.Series(np.ravel(np.asarray(values, dtype=object))), errors="coerce")
    return numbers[(numbers >= 1) & (numbers < K)].tolist()
