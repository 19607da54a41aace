"""Which identified victim needs outrun member capacity (report 02's analyses).

- :mod:`~tfanalysis.analyses.gaps.needs`: needs against capacity per service × county,
  time to met, outcome rates, structural gaps, referral outcomes;
- :mod:`~tfanalysis.analyses.gaps.eligibility`: which capacity rows can serve which client;
- :mod:`~tfanalysis.analyses.gaps.sites`: where a new provider would reach the most unmet need.

The public names of ``tfanalysis.gaps`` (``structural_gaps``, ``recommend_sites``…) are
re-exported here.
"""

from tfanalysis.analyses.gaps.needs import *  # noqa: F403 - the package's public names
from tfanalysis.analyses.gaps.needs import __all__
