"""How a released table splits its counts: by a column's values, by periods, by groups of values.

Each row or column of a table is a predicate on one column (:mod:`tfanalysis.publication.cells`):
a value, a range of days, or a set of values. :func:`axis_positions` gives every unit its place along
one axis of the table and every place its predicate.

Examples
--------
>>> [label for label, _ in ByPeriod("identified_on", pd.period_range("2025Q1", periods=2, freq="Q")).intervals()]
['2025Q1', '2025Q2']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.publication.cells import Interval, normalize
from tfanalysis.publication.privacy import MARGIN

__all__ = ["ByGroups", "ByPeriod", "Grouping", "axis_name", "axis_positions", "both", "label_text", "with_total"]


@dataclass(frozen=True)
class ByPeriod:
    """Split a table by consecutive periods of a date column.

    Parameters
    ----------
    column : str
        A date column of the universe (``identified_on``, ``referred_on``...).
    periods : pandas.PeriodIndex, or sequence of (label, Interval)
        Consecutive, non-overlapping periods.

    Examples
    --------
    >>> [label for label, _ in ByPeriod("identified_on", pd.period_range("2025Q1", periods=2, freq="Q")).intervals()]
    ['2025Q1', '2025Q2']
    """

    column: str
    periods: Any

    def intervals(self) -> list[tuple[str, Interval]]:
        if isinstance(self.periods, pd.PeriodIndex):
            return [(str(p), Interval(p.start_time, p.end_time)) for p in self.periods]
        return [(str(label), iv) for label, iv in self.periods]

    def hull(self) -> Interval:
        spans = [iv for _, iv in self.intervals()]
        return Interval(spans[0].start, spans[-1].end)


@dataclass(frozen=True)
class ByGroups:
    """Split a table by named groups of a categorical column's values.

    Each group counts the units whose value is one of its values: a group is a set of
    values of the column itself (not a derived column), so every count stays a predicate
    on the column and the bounds see how groups and single values add up.

    Parameters
    ----------
    column : str
        A categorical column of the universe (``need``, ``county_fips``, ``outcome``...).
    groups : mapping of label to values
        Disjoint sets of values, in the order to list them (a group of no unit shows 0).

    Examples
    --------
    >>> ByGroups("outcome", {"accepted": ["accepted", "completed"], "declined": ["declined_capacity"]}).values()
    ['accepted', 'completed', 'declined_capacity']
    """

    column: str
    groups: Any

    def __post_init__(self) -> None:
        items = tuple((str(label), tuple(normalize(pd.Series(list(values), dtype=object)))) for label, values in dict(self.groups).items())
        seen = [v for _, values in items for v in values]
        if len(seen) != len(set(seen)):
            raise ValueError(f"groups of {self.column} overlap: a value may belong to one group only")
        object.__setattr__(self, "groups", items)

    def values(self) -> list[str]:
        return [v for _, values in self.groups for v in values]


Grouping = str | ByPeriod | ByGroups


def label_text(label: Any) -> str:
    """A row or column label as the ledger and the audit read it."""
    if isinstance(label, tuple):
        return " / ".join(str(part) for part in label if str(part) != "")
    return str(label)



def both(*preds) -> tuple:
    merged: dict[str, Any] = {}
    for pred in preds:
        for column, c in pred:
            if column in merged:
                if isinstance(c, Interval) or isinstance(merged[column], Interval):
                    a, b = merged[column], c
                    start = max([d for d in (a.start, b.start) if d is not None], default=None)
                    end = min([d for d in (a.end, b.end) if d is not None], default=None)
                    merged[column] = Interval(start, end)
                else:
                    merged[column] = merged[column] & c
            else:
                merged[column] = c
    return tuple(sorted(merged.items(), key=lambda item: item[0]))



def axis_positions(kept: pd.DataFrame, groupings: list[Grouping], levels: dict[str, list], *,
                   units: pd.DataFrame | None = None, where: dict[str, Any] | None = None,
                   known_of: dict[str, str] | None = None, spans: Callable[[str], Any] | None = None) -> tuple[list, list, np.ndarray]:
    """Labels, predicates and each unit's position along one axis (-1: not on it).

    Which rows a table lists must not tell what its counts hide, so the labels never come
    from the units the table keeps. A column split by its values lists ``levels`` if given,
    else every value the column takes among all the universe's ``units`` (what ``where``
    allows of them); several columns list every combination of their labels, except
    those a column declared a function of another (``known_of``, e.g. a referral's sector
    link of its pair of members) rules out: readers know those are empty.
    Without ``units``, the values present in ``kept``. ``spans``: each column's values
    among the units, worked out once (:meth:`Release._span <tfanalysis.publication.Release>`),
    instead of read off ``units`` again.

    Examples
    --------
    >>> units = pd.DataFrame({"age": ["adult", "adult", "minor"], "gender": ["woman", "man", "woman"]})
    >>> kept = units[units["gender"] == "man"]
    >>> labels, _, code = axis_positions(kept, ["age", "gender"], {}, units=units)
    >>> labels
    [('adult', 'man'), ('adult', 'woman'), ('minor', 'man'), ('minor', 'woman')]
    >>> code.tolist()
    [0]
    """
    if not groupings:
        return ["all"], [()], np.zeros(len(kept), dtype=np.int64)
    where = where or {}
    per = []
    for g in groupings:
        if isinstance(g, ByPeriod):
            spans = g.intervals()
            code = np.full(len(kept), -1, dtype=np.int64)
            for i, (_, iv) in enumerate(spans):
                code[iv.mask(kept[g.column])] = i
            per.append(([label for label, _ in spans], [((g.column, iv),) for _, iv in spans], code))
        elif isinstance(g, ByGroups):
            lookup = {v: i for i, (_, values) in enumerate(g.groups) for v in values}
            code = kept[g.column].map(lookup).fillna(-1).to_numpy(dtype=np.int64)
            per.append(([label for label, _ in g.groups], [((g.column, frozenset(values)),) for _, values in g.groups], code))
        else:
            labels = levels[g] if g in levels else _values_listed(_values_of(g, kept, units, spans), where.get(g))
            lookup = {v: i for i, v in enumerate(labels)}
            code = kept[g].map(lookup).fillna(-1).to_numpy(dtype=np.int64)
            per.append((labels, [((g, frozenset([v])),) for v in labels], code))
    if len(per) == 1:
        return per[0]
    # several groupings: every combination of their labels, less those a declared function rules out
    grid = np.stack(np.meshgrid(*[np.arange(len(p[0])) for p in per], indexing="ij"), axis=-1).reshape(-1, len(per))
    if units is not None:
        grid = grid[_possible(grid, groupings, [p[0] for p in per], units, known_of or {})]
    sizes = tuple(len(p[0]) for p in per)
    position = np.full(int(np.prod(sizes)), -1, dtype=np.int64)
    position[np.ravel_multi_index(grid.T, sizes)] = np.arange(len(grid))
    codes = np.column_stack([p[2] for p in per])
    ok = (codes >= 0).all(axis=1)
    code = np.full(len(codes), -1, dtype=np.int64)
    code[ok] = position[np.ravel_multi_index(codes[ok].T, sizes)]
    combos = [tuple(row) for row in grid.tolist()]
    labels = [tuple(per[d][0][i] for d, i in enumerate(combo)) for combo in combos]
    preds = [both(*[per[d][1][i] for d, i in enumerate(combo)]) for combo in combos]
    return labels, preds, code


def _values_of(column: str, kept: pd.DataFrame, units: pd.DataFrame | None, spans: Callable[[str], Any] | None) -> list:
    """The values a column takes: among all ``units`` (their ``spans`` if given), else among those ``kept``."""
    if units is None:
        return pd.unique(kept[column].to_numpy(dtype=object)).tolist()
    span = spans(column) if spans is not None else None
    return list(span) if isinstance(span, frozenset) else pd.unique(units[column].to_numpy(dtype=object)).tolist()


def _values_listed(present: list, allowed: Any) -> list:
    """Values in order, those ``allowed`` (a set, or None: all) of them."""
    if isinstance(allowed, frozenset):
        present = [v for v in present if v in allowed]
    return sorted(present)


def _possible(grid: np.ndarray, groupings: list[Grouping], labels: list[list], units: pd.DataFrame,
              known_of: dict[str, str]) -> np.ndarray:
    """Which combinations no declared function of one column by another rules out."""
    keep = np.ones(len(grid), dtype=bool)
    names = [g if isinstance(g, str) else None for g in groupings]
    for column, source in known_of.items():
        if column not in names or source not in names:
            continue
        c, s = names.index(column), names.index(source)
        pairs = pd.MultiIndex.from_frame(units[[source, column]].drop_duplicates().astype(object))
        combos = pd.MultiIndex.from_arrays([np.asarray(labels[s], dtype=object)[grid[:, s]], np.asarray(labels[c], dtype=object)[grid[:, c]]])
        keep &= combos.isin(pairs)
    return keep


def axis_name(g: Grouping) -> str:
    return g.column if isinstance(g, ByPeriod | ByGroups) else g



def with_total(labels: list, groupings: list[Grouping]) -> pd.Index:
    names = [axis_name(g) for g in groupings] or [None]
    if len(names) > 1:
        return pd.MultiIndex.from_tuples([*labels, (MARGIN,) + ("",) * (len(names) - 1)], names=names)
    return pd.Index([*labels, MARGIN], name=names[0])
