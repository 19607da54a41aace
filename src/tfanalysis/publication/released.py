"""A released table of victim counts: what may be printed, and numbers gated on it.

:class:`Released` is what :meth:`tfanalysis.publication.Release.table` hands a report: the
shown table (hidden counts as ``"hidden"``), which counts are hidden, each count's ledger key,
and the ways a report reads it — floats for figures (:meth:`Released.numbers`), one count
for a sentence (:meth:`Released.text`), and rates or estimates shown only where the count
they rest on is shown (:meth:`Released.gate`).

Examples
--------
>>> shown = pd.DataFrame({"count": [25, "hidden", 31]}, index=pd.Index(["food", "legal", "Total"], name="need"))
>>> table = Released("needs", shown, shown.eq("hidden"), shown.astype(str), 11, is_series=True)
>>> table.text("legal"), table.value("food")
('a hidden number', 25)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.publication.privacy import MARGIN

__all__ = ["HIDDEN_TEXT", "Released", "count_text"]

HIDDEN_TEXT = "a hidden number"
"""How a sentence quotes a count it does not show (small, protecting another, or withheld)."""


def count_text(value: Any, noun: str) -> str:
    """A released cell (an int, or a ``"hidden"`` string where hidden) as a sentence quotes it with its noun.

    >>> count_text(26, "needs"), count_text("hidden", "needs")
    ('26 needs', 'a hidden number of needs')
    """
    return f"{HIDDEN_TEXT} of {noun}" if isinstance(value, str) else f"{int(value):,} {noun}"


@dataclass
class Released:
    """A released table of victim counts.

    Attributes
    ----------
    name : str
        The table's name in the ledger (where it was shown).
    shown : pandas.DataFrame
        What may be printed: counts as ints, hidden counts as ``"hidden"``; the last row and
        column are the margins (``Total``). A table without columns has one column
        (``count``) and a ``Total`` row.
    hidden : pandas.DataFrame
        True where a count is hidden (same shape as ``shown``).
    keys : pandas.DataFrame
        Each count's ledger key (same shape).
    threshold : int
    withheld : pandas.DataFrame, optional
        True where a hidden count is withheld: not known to be at least 1 (it may be 0),
        so that a count no table shows cannot be worked out from it. None: none is.
    """

    name: str
    shown: pd.DataFrame
    hidden: pd.DataFrame
    keys: pd.DataFrame
    threshold: int
    is_series: bool = False
    _true: pd.DataFrame = field(default=None, repr=False)
    withheld: pd.DataFrame = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.withheld is None:
            self.withheld = pd.DataFrame(False, index=self.hidden.index, columns=self.hidden.columns)

    def inner(self) -> pd.DataFrame | pd.Series:
        """``shown`` without its margins (a Series for a table without columns)."""
        out = self.shown.drop(index=MARGIN, errors="ignore")
        out = out.iloc[:, 0] if self.is_series else out.drop(columns=MARGIN, errors="ignore")
        out.attrs["release"] = self.name
        return out

    def numbers(self, margins: bool = False) -> pd.DataFrame | pd.Series:
        """The shown counts as floats, NaN where hidden."""
        values = self.shown.where(~self.hidden).apply(pd.to_numeric, errors="coerce").astype("float64")
        if not margins:
            values = values.drop(index=MARGIN, errors="ignore")
            if self.is_series:
                return values.iloc[:, 0]
            values = values.drop(columns=MARGIN, errors="ignore")
        return values

    def value(self, row: Any = MARGIN, column: Any = None) -> int | None:
        """One count as an int, or None when it is hidden."""
        column = self.shown.columns[0] if column is None else column
        return None if bool(self.hidden.loc[row, column]) else int(self.shown.loc[row, column])

    def text(self, row: Any = MARGIN, column: Any = None) -> str:
        """One count as a sentence quotes it: ``"26"`` or ``"a hidden number"`` (:data:`HIDDEN_TEXT`).

        Never "fewer than 11": a count may be hidden to protect another one, whatever its
        size, and a withheld one may be 0.
        """
        v = self.value(row, column)
        return HIDDEN_TEXT if v is None else f"{v:,}"

    def is_hidden(self, margins: bool = False) -> pd.DataFrame | pd.Series:
        """True where a count is not shown (hidden or withheld)."""
        return self._cells(self.hidden, margins)

    def is_withheld(self, margins: bool = False) -> pd.DataFrame | pd.Series:
        """True where a count is withheld (not known to be at least 1), in the shape of :meth:`is_hidden`."""
        return self._cells(self.withheld, margins)

    def at_least_one(self, margins: bool = False) -> pd.DataFrame | pd.Series:
        """True where the released counts say a count is 1 or more: shown above 0, or hidden and not withheld.

        Listing a row "with any" of something tells a reader its count is at least 1; a row
        is listed on this, never on the true count (a withheld count may be 0).

        Examples
        --------
        >>> t = Released("t", pd.DataFrame({"n": [12, "hidden", "hidden", 0]}, index=list("abcd")),
        ...              pd.DataFrame({"n": [False, True, True, False]}, index=list("abcd")), None, 11, is_series=True,
        ...              withheld=pd.DataFrame({"n": [False, False, True, False]}, index=list("abcd")))
        >>> t.at_least_one(margins=True).tolist()
        [True, True, False, False]
        """
        positive = self.numbers(margins=True).fillna(0) > 0
        out = positive | (self.hidden & ~self.withheld)
        return self._cells(out, margins)

    def _cells(self, frame: pd.DataFrame, margins: bool) -> pd.DataFrame | pd.Series:
        out = frame if margins else frame.drop(index=MARGIN, errors="ignore")
        if self.is_series:
            return out.iloc[:, 0]
        return out if margins else out.drop(columns=MARGIN, errors="ignore")

    def gate(self, values: pd.Series | pd.DataFrame, column: Any = None) -> pd.Series | pd.DataFrame:
        """Numbers computed from these counts, NaN where the count they rest on is hidden.

        ``values`` is aligned on the table's rows (and columns, for a DataFrame of the same
        columns); with ``column`` every column of ``values`` rests on that one count per row
        (``"Total"`` for the row margin).
        """
        if column is not None:
            hide = self.hidden[column].drop(index=MARGIN, errors="ignore") if column in self.hidden else None
            if hide is None:
                raise KeyError(column)
            hide = hide.reindex(values.index, fill_value=True).to_numpy(bool)
            if isinstance(values, pd.DataFrame):
                return values.where(~np.broadcast_to(hide[:, None], values.shape))
            return values.where(~hide)
        hide = self.is_hidden()
        if isinstance(values, pd.Series):
            mask = hide.reindex(values.index, fill_value=True) if isinstance(hide, pd.Series) else hide.any(axis=1).reindex(values.index, fill_value=True)
            return values.where(~mask.to_numpy(bool))
        return values.where(~hide.reindex(index=values.index, columns=values.columns, fill_value=True))
