"""``tfanalysis.collaboration``: a public name of the README, kept.

Analysts' code and notebooks written against ``tfanalysis.collaboration.indicators`` keep
working, and so does every other name this module had: the indicators live in
:mod:`tfanalysis.analyses.collaboration`, what the report shows of them in
:mod:`tfanalysis.reports.collaboration` (see ``docs/architecture.md``); code inside the
package imports them from there.
"""

from tfanalysis.analyses.collaboration import *  # noqa: F403
from tfanalysis.analyses.collaboration import __all__ as _indicators
from tfanalysis.reports.collaboration import *  # noqa: F403
from tfanalysis.reports.collaboration import __all__ as _report

__all__ = [*_indicators, *_report]
