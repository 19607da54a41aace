"""Disclosure control for the counts leadership sees: cell suppression and its audit.

Every table of victims, clients or needs that leaves the analysts passes through
:func:`suppress`; :func:`audit` checks any published table (ours or someone else's)
against the same rules.

The practice we follow
----------------------
* CMS cell size suppression policy: no cell of 1 to 10 may be shown, and no cell may
  allow a value of 1 to 10 to be derived from other reported cells; zero may be shown
  (https://www.hhs.gov/guidance/document/cms-cell-suppression-policy, also published by
  ResDAC). Our default ``threshold=11`` is this rule.
* CDC WONDER suppresses sub-national counts of 1 to 9 (``threshold=10``).

The rules, with ``k`` the threshold
-----------------------------------
1. Primary suppression: a count of 1 to k-1 is hidden; 0 is shown.
2. Totals are public. With ``margins=True`` the ``Total`` row and column are published
   (computed from the true counts) and a total of 1 to k-1 is hidden like any cell.
   With ``margins=False`` every row, column and grand total is assumed to be known to
   the reader anyway (published elsewhere, or asked for), so the cells are protected
   against them.
3. No hidden cell may be recoverable exactly. The lone hidden cell of a row or column
   equals its total minus the visible cells, so every row and column holds zero or at
   least two hidden cells (complementary suppression). Hidden margins take part: the
   ``Total`` column is a line whose total is the grand total, and a hidden row total
   with no hidden cell in its row is the sum of that row. A cell can also follow from
   several lines at once (a hidden cell that links two otherwise separate blocks of
   hidden cells equals a sum of totals minus visible cells); that is found by linear
   algebra and fixed the same way.
4. No hidden cell may be recoverable as a range inside 1..k-1. Zero is always shown,
   so a reader knows that every hidden cell is at least 1. In a line with ``h`` hidden
   cells whose sum is ``S`` (its total minus its visible cells) each hidden cell lies in
   ``1 .. S - (h - 1)``; if ``S - (h - 1) < k`` they are all known to be small. (In
   particular a line whose hidden cells sum below ``k`` is unsafe.) Beyond single lines,
   a reader can combine every row and column (a linear program: these tables are
   totally unimodular, so its bounds are the exact integer bounds); a hidden count of
   1..k-1 whose largest possible value is below ``k`` is unsafe too.

How :func:`suppress` gets there (a tested heuristic, not an optimum)
----------------------------------------------------------------------
Hide the primary cells, then repeat until nothing changes: while some line breaks
rule 3 or 4, hide one non-zero visible cell of such a line, chosen in this order --
a cell that mends two unsafe lines at once; a cell that creates no new unsafe line (its
other line already has two hidden cells); a cell whose other line can still be mended;
the smallest count; the first position. When every line is safe, look for cells
derivable by combining lines, then for cells bounded below ``k`` by the linear program,
and hide one more cell that links or loosens their block. Each pass hides one cell,
so it stops. Zeros are never hidden.

Edge cases
----------
* ``margins=True`` can always be made safe without hiding a zero: a line with a
  non-zero hidden cell has a non-zero total, which can be hidden itself.
* ``margins=False`` cannot always: a line whose true total is 1..k-1 (or whose few
  non-zero cells are all hidden and sum to little) reveals its cells through that
  public total whatever is hidden, and hiding zeros would not change the sum.
  :func:`suppress` still protects such cells along their other lines (in case the total
  is not in fact public), then warns (:class:`DisclosureWarning`) naming the cells;
  :func:`audit` with ``true_counts`` reports the same cells. Publish such tables with
  ``margins=True`` (their small totals are then hidden) or merge small categories.
* A Series is one line (a column) whose total is public. A one-row or one-column
  DataFrame is a 2-D table whose other totals equal its cells: pass a Series instead.
* With ``margins=True`` only the published margins are assumed known: publishing the
  same totals elsewhere without suppression can undo the protection.
* Hidden cells are all labelled ``"hidden"`` (:data:`HIDDEN`), including complementary ones that are in fact
  larger: the label says hidden, not "small", and not the value.

Modules: :mod:`~.grid` (a table as a grid of counts and margins, and what a reader can work
out of it), :mod:`~.protection` (complementary suppression), :mod:`~.inputs` (the checks of a
table handed in), :mod:`~.shown` (the table as published, the audit's findings) and
:mod:`~.control` (:func:`suppress`, :func:`audit`, :func:`protect_grid`).
"""

from __future__ import annotations

from tfanalysis.publication.privacy.control import audit, protect_grid, suppress
from tfanalysis.publication.privacy.grid import HIDDEN, MARGIN, REASONS, DisclosureWarning, hidden_meaning

__all__ = ["HIDDEN", "MARGIN", "REASONS", "DisclosureWarning", "audit", "hidden_meaning", "protect_grid", "suppress"]
