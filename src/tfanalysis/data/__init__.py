"""Data in: the task force's raw files become one validated, typed dataset.

The lowest layer but one (only :mod:`tfanalysis.geo`, the reference geography, lies below):
nothing here knows about an analysis, a report or a run.

- :mod:`~tfanalysis.data.contract`: the tables and columns of the data contract, as data;
- :mod:`~tfanalysis.data.taxonomy`: the e-Guide's need and service codes;
- :mod:`~tfanalysis.data.schema`: the contract's rules (pandera) and the problems table;
- :mod:`~tfanalysis.data.io`: a dataset folder read and validated into a
  :class:`~tfanalysis.data.io.TaskForceData` (``tfanalysis.load_dataset``);
- :mod:`~tfanalysis.data.periods`: reporting periods (``2025Q3``, ``last-quarter``…);
- :mod:`~tfanalysis.data.linkage`: each victim counted once across member agencies.

See ``docs/architecture.md`` for the layers and ``docs/data-contract.md`` for the contract.
"""
