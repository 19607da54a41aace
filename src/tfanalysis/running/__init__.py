"""Running the suite: notebooks executed, pages rendered, a run published, the command line.

The top layer: it may import everything below and nothing imports it.

- :mod:`~tfanalysis.running.cli`: the ``tfanalysis`` command;
- :mod:`~tfanalysis.running.pipeline`: one run of the report suite, from validation to
  ``reports/latest``;
- :mod:`~tfanalysis.running.parameters`: the checks of a notebook's parameters;
- :mod:`~tfanalysis.running.render`: an executed notebook as an offline HTML page;
- :mod:`~tfanalysis.running.audit`: every rendered page read back against the run's ledger;
- :mod:`~tfanalysis.running.pack`: every report of a run in one PDF.
"""
