"""``tfanalysis.trends``: a public name of the README, kept.

Analysts' code and notebooks written against ``tfanalysis.trends.segmented_regression`` keep
working. The code lives in :mod:`tfanalysis.analyses.collaboration.trends` (see
``docs/architecture.md``); code inside the package imports it from there.
"""

from tfanalysis.analyses.collaboration.trends import *  # noqa: F403
from tfanalysis.analyses.collaboration.trends import __all__
