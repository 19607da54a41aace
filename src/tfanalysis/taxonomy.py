"""``tfanalysis.taxonomy``: a public name of the README, kept.

Analysts' code and notebooks written against ``tfanalysis.taxonomy.VICTIM_NEEDS`` and
``tfanalysis.taxonomy.CJ_NEEDS`` keep working. The code lives in
:mod:`tfanalysis.data.taxonomy` (see ``docs/architecture.md``); code inside the package
imports it from there.
"""

from tfanalysis.data.taxonomy import *  # noqa: F403
from tfanalysis.data.taxonomy import __all__
