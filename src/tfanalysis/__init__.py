"""tfanalysis: the analysis suite of a multidisciplinary anti-human-trafficking task force.

Three questions, per period and per place: where are services and who can reach them
(:mod:`tfanalysis.coverage`), which identified victim needs outrun member capacity
(:mod:`tfanalysis.gaps`), and whether the collaboration grows more effective over time
(:mod:`tfanalysis.collaboration`).

Examples
--------
>>> import tfanalysis as tf
>>> sorted(tf.taxonomy.VICTIM_NEEDS)[:3]
['case_management', 'child_dependent_assistance', 'civil_legal_award']
"""

from tfanalysis import contract, taxonomy
from tfanalysis.io import TaskForceData, load_dataset
from tfanalysis.schema import DataValidationError

__version__ = "0.1.0"

__all__ = ["DataValidationError", "TaskForceData", "contract", "load_dataset", "taxonomy", "__version__"]
