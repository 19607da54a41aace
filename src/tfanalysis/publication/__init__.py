"""Publication: the one layer every number leadership sees passes through.

- :mod:`~tfanalysis.publication.cells`: what a released count means (universe + predicate);
- :mod:`~tfanalysis.publication.units`: the units counted, one frame per universe;
- :mod:`~tfanalysis.publication.ledger`: every count released so far, shared by a run's
  notebooks and read by later runs of the same data;
- :mod:`~tfanalysis.publication.bounds`: what a reader can work out from all of it;
- :mod:`~tfanalysis.publication.blocks`: the blocks of its programs, and those checked before;
- :mod:`~tfanalysis.publication.release`: :class:`Release`, the API reports call.

See ``docs/disclosure.md`` for the rules and the threat model.
"""

from tfanalysis.publication.cells import Interval
from tfanalysis.publication.release import ByGroups, ByPeriod, DisclosureError, Release, Released

__all__ = ["ByGroups", "ByPeriod", "DisclosureError", "Interval", "Release", "Released"]
