"""The filled worksheet written as ``grant_worksheet.xlsx``, every cell spreadsheet-safe."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis import __version__
from tfanalysis.reports.grant_worksheet.crosswalk import (
    _DANGEROUS_START,
    CHECK_QUESTIONNAIRE,
    FIRST_ROW,
    Worksheet,
)

def safe_text(value: str) -> str:
    """A text cell that a spreadsheet cannot run as a formula (OWASP CSV injection).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading apostrophe.

    Examples
    --------
    >>> safe_text("=HYPERLINK(\\"http://x\\")"), safe_text("-1"), safe_text("Adult")
    ('\\'=HYPERLINK("http://x")', "'-1", 'Adult')
    """
    return "'" + value if value.startswith(_DANGEROUS_START) else value


def write_worksheet(sheet: Worksheet, path: str | os.PathLike[str]) -> Path:
    """Write a filled worksheet as an Excel workbook, whole or not at all.

    The first row says these are exact counts for the funder, not for publication; the
    second that the items must be checked against the current questionnaire; then the
    period, the data and the crosswalk; the items (one row per category, numbers as
    numbers, text stored as text and neutralized against formula injection); then the
    reconciliation checks.

    Parameters
    ----------
    sheet : Worksheet
    path : path
        The ``.xlsx`` file to write.

    Returns
    -------
    pathlib.Path
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Worksheet"
    bold, warn = Font(bold=True), Font(bold=True, color="9C0006")
    period = sheet.period
    span = "all data" if period.start is None else f"{period.start.date()} to {period.end.date()}"
    context = (
        f"{sheet.crosswalk.title} · period {period.label} ({span}) · data: {sheet.data_name or 'n/a'} · "
        f"crosswalk file: {sheet.crosswalk.source} · tfanalysis {__version__} · made {datetime.now():%Y-%m-%d %H:%M}"
    )
    lines = [(FIRST_ROW, warn), (CHECK_QUESTIONNAIRE, bold), (context, None)]
    lines += [(sheet.crosswalk.note, None)] if sheet.crosswalk.note else []
    row = 0
    for row, (text, font) in enumerate(lines, start=1):
        _put_row(ws, row, [text], font)
    ws.cell(row=1, column=1).fill = PatternFill("solid", fgColor="FFC7CE")
    row += 2
    _put_row(ws, row, ["Item", "Section", "Question", "Breakdown", "Category", "Count", "Status", "How it is counted"], bold)
    ws.freeze_panes = ws.cell(row=row + 1, column=1)
    for item in sheet.items.itertuples(index=False):
        row += 1
        count = None if pd.isna(item.count) else int(item.count)
        _put_row(ws, row, [item.id, item.section, item.item, item.breakdown, item.category, count, item.status, item.definition])
    row += 2
    _put_row(ws, row, ["Reconciliation checks", None, None, None, None, "Found", "Expected", "Result"], bold)
    for check in sheet.checks.itertuples(index=False):
        row += 1
        found = None if pd.isna(check.found) else int(check.found)
        expected = None if pd.isna(check.expected) else int(check.expected)
        _put_row(ws, row, [None, None, check.check, None, None, found, expected, check.result])
    for letter, width in zip("ABCDEFGH", (8, 22, 48, 26, 34, 9, 40, 60)):
        ws.column_dimensions[letter].width = width
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _put_row(ws: Any, row: int, values: list[Any], font: Any = None) -> None:
    """Fill one row from column A; ``None`` leaves a cell empty."""
    for column, value in enumerate(values, start=1):
        if value is not None and value != "":
            _put(ws.cell(row=row, column=column), value, font)


def _put(cell: Any, value: Any, font: Any = None) -> None:
    """Set a cell: numbers as numbers, anything else as neutralized text stored as a string."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        cell.value = int(value)
    else:
        cell.value = safe_text(str(value))
        cell.data_type = "s"
    if font is not None:
        cell.font = font
