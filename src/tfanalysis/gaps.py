"""``tfanalysis.gaps``: a public name of the README, kept.

Analysts' code and notebooks written against ``tfanalysis.gaps.structural_gaps`` and
``tfanalysis.gaps.recommend_sites`` keep working. The code lives in
:mod:`tfanalysis.analyses.gaps` (see ``docs/architecture.md``); code inside the package
imports it from there.
"""

from tfanalysis.analyses.gaps import *  # noqa: F403
from tfanalysis.analyses.gaps import __all__
