"""The grant performance worksheet: exact counts for a funder's questionnaire, through a crosswalk.

A funder asks its grantees the same kinds of numbers each quarter or half-year: clients
served, new and continuing, by age, type of trafficking, gender and citizenship; services
provided; referrals; trainings; investigations, arrests, charges and convictions. Which
numbers, in which words and categories, is the funder's questionnaire, and it changes. So
the questions live in a **crosswalk kept as data** (``resources/crosswalks/*.yaml``, one
item per line) and this package only evaluates it: :func:`load_crosswalk` reads and checks a
crosswalk (:mod:`~.crosswalk`), :func:`fill` counts every item for a period with pandas
(filters, distinct counts, ``groupby`` breakdowns; :mod:`~.counting`), :func:`write_worksheet`
writes ``grant_worksheet.xlsx`` (:mod:`~.workbook`).

The grammar of an item (a YAML mapping on one line)::

    {id: "1.4", section: Clients served, item: Clients served by adult or minor,
     table: clients_served, count: client_id, by: adult_or_minor}

``id``, ``item``
    The item's number and wording (as the questionnaire has them).
``section``
    A heading; carries over to the next items until another is named.
``table``
    A contract table (``clients``, ``needs``, ``referrals``, ``cj_events``, ``activities``,
    ``attendance``, ``members``) or the view ``clients_served`` (see :func:`clients_served`).
``during``
    The date column that puts a row in the period; the table's own date by default
    (:data:`PERIOD_COLUMNS`). ``members`` count when active at any time in the period.
``where`` / ``unless``
    ``{column: value}`` or ``{column: [values]}``: keep (drop) the rows whose column holds
    one of the values. Values are checked against the column's codes.
``count``
    A column counted distinct (``client_id``), a list of columns counted as distinct
    combinations, or ``rows``.
``by``
    A column or list of columns to break the count down by; every code of a coded column
    is listed, zero included, and an empty cell is "Not recorded".
``unsupported``
    Instead of a definition: why the data cannot answer the item. It is listed with no
    number, never estimated.

Besides the contract's columns, tables carry derived columns (:data:`DERIVED_COLUMNS`:
``adult_or_minor``, ``service_category``, the members' sectors and names on referrals and
attendance, the activity's date and kind on attendance); ``extra_columns: {table: [column]}``
declares columns a task force's export carries beyond the contract. ``checks`` are
reconciliations shown on the sheet: ``{check: ..., sum: [ids], equals: id}`` (every count of
the ``sum`` items added up equals the count of the ``equals`` item).

These are exact counts, not disclosure-controlled: the worksheet is written beside a run
folder, never inside the reports sent to leadership, and says so on its first row. It is
the one output of :mod:`tfanalysis.reports` that does not pass through
:mod:`tfanalysis.publication` (``docs/architecture.md``).

Examples
--------
>>> crosswalk = load_crosswalk()
>>> crosswalk.items[0].id, crosswalk.items[0].table
('1.1', 'clients_served')
"""

from __future__ import annotations

from tfanalysis.reports.grant_worksheet.counting import clients_served, fill, tables_for
from tfanalysis.reports.grant_worksheet.crosswalk import (
    CHECK_QUESTIONNAIRE,
    DEFAULT_CROSSWALK,
    DERIVED_COLUMNS,
    FIRST_ROW,
    PERIOD_COLUMNS,
    VIEWS,
    WORKSHEET_FILE,
    Check,
    Crosswalk,
    CrosswalkError,
    Item,
    Worksheet,
    crosswalks_dir,
    load_crosswalk,
    parse_crosswalk,
)
from tfanalysis.reports.grant_worksheet.workbook import safe_text, write_worksheet

__all__ = [
    "CHECK_QUESTIONNAIRE",
    "DEFAULT_CROSSWALK",
    "DERIVED_COLUMNS",
    "FIRST_ROW",
    "PERIOD_COLUMNS",
    "VIEWS",
    "WORKSHEET_FILE",
    "Check",
    "Crosswalk",
    "CrosswalkError",
    "Item",
    "Worksheet",
    "clients_served",
    "crosswalks_dir",
    "fill",
    "load_crosswalk",
    "parse_crosswalk",
    "safe_text",
    "tables_for",
    "write_worksheet",
]
