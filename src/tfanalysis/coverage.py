"""``tfanalysis.coverage``: a public name of the README, kept.

Analysts' code and notebooks written against ``tfanalysis.coverage.access_scores`` keep
working, and so does every other name this module had: the coverage tables live in
:mod:`tfanalysis.analyses.coverage`, what the report shows of them in
:mod:`tfanalysis.reports.coverage` (see ``docs/architecture.md``); code inside the package
imports them from there.
"""

from tfanalysis.analyses.coverage import *  # noqa: F403
from tfanalysis.analyses.coverage import __all__ as _tables
from tfanalysis.reports.coverage import *  # noqa: F403
from tfanalysis.reports.coverage import __all__ as _report

__all__ = [*_tables, *_report]
