"""``tfanalysis.taxonomy``: a public name of the README, kept.

Analysts' code and notebooks written against ``tfanalysis.taxonomy.VICTIM_NEEDS`` and
``tfanalysis.taxonomy.CJ_NEEDS`` (and the vocabulary functions ``load_vocabulary`` and
``map_terms``) keep working. The code lives in :mod:`tfanalysis.data.taxonomy` and
:mod:`tfanalysis.data.vocabulary` (see ``docs/architecture.md``); code inside the package
imports it from there.
"""

from tfanalysis.data.taxonomy import *  # noqa: F403
from tfanalysis.data.taxonomy import __all__ as _codes
from tfanalysis.data.vocabulary import TermMapping, load_vocabulary, map_terms

__all__ = [*_codes, "TermMapping", "load_vocabulary", "map_terms"]
