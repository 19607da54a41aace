"""``tfanalysis.privacy``: a public name of the README, kept.

Analysts' code and notebooks written against ``tfanalysis.privacy.suppress`` and
``tfanalysis.privacy.audit`` keep working. The code lives in
:mod:`tfanalysis.publication.privacy` (see ``docs/architecture.md``); code inside the
package imports it from there.
"""

from tfanalysis.publication.privacy import *  # noqa: F403
from tfanalysis.publication.privacy import __all__
