"""The analyses: a validated dataset becomes analysis tables, exact and not yet published.

Functions here take a :class:`~tfanalysis.data.io.TaskForceData` (or its tables) and
return DataFrames of exact counts, rates and scores. Nothing here hides a small count or
writes a sentence for leadership: that is :mod:`tfanalysis.publication` and
:mod:`tfanalysis.reports`, above. Imports reach down only, to :mod:`tfanalysis.data` and
:mod:`tfanalysis.geo`.

- :mod:`~tfanalysis.analyses.service_areas`, :mod:`~tfanalysis.analyses.capacity_in_force`:
  the one reading of a capacity row (counties served, places in force) every analysis shares;
- :mod:`~tfanalysis.analyses.coverage`: where services are and who can reach them;
- :mod:`~tfanalysis.analyses.gaps`: which needs outrun member capacity, for whom, where;
- :mod:`~tfanalysis.analyses.collaboration`: whether the task force works better together;
- :mod:`~tfanalysis.analyses.scenarios`: what-if planning on top of coverage and gaps;
- :mod:`~tfanalysis.analyses.quality`, :mod:`~tfanalysis.analyses.directory`: what the
  data hold, and who offers what.
"""
