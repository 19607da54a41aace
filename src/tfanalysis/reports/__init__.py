"""What each report shows: released tables made into tables, figures and sentences.

One module (or subpackage) per report, in the order of the suite; each passes the
analysis tables of :mod:`tfanalysis.analyses` through :mod:`tfanalysis.publication` and
says what they show. :mod:`~tfanalysis.reports.notebook` is what a report's cells call
(metrics, tables), :mod:`~tfanalysis.reports.labels` puts codes into words and
:mod:`~tfanalysis.reports.figures` draws published tables.
"""
