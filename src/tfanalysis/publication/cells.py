"""What a released count means: a universe of units and a predicate over their columns.

Every victim count the suite shows counts the *units* of one universe (clients, needs,
referrals, criminal-justice events or cases) that satisfy a *predicate*: for some columns
of the universe a set of allowed values, for date columns a closed range of days. Two
counts with the same universe and predicate are the same count wherever they appear, and
a reader can combine any counts whose predicates overlap. Writing them down this way is
what lets the publication layer give one count one suppression pattern across a whole
release, and bound what a reader can work out from all of it together
(:mod:`tfanalysis.publication.bounds`).

Examples
--------
>>> p = predicate({"need": ["food", "housing_emergency"], "identified_on": Interval("2025-07-01", "2025-09-30")})
>>> cell_key("needs", p)
'["needs", [["identified_on", ["between", "2025-07-01", "2025-09-30"]], ["need", ["in", ["food", "housing_emergency"]]]]]'
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

import numpy as np
import pandas as pd

__all__ = [
    "MISSING", "Finer", "Interval", "Predicate", "cell_key", "column_span", "matches", "finer_columns", "normalize", "on_finer_columns", "predicate",
    "predicate_from_key", "without_the_obvious",
]

MISSING = "<NA>"
"""How a missing value reads in a predicate and in the ledger's unit columns."""


@dataclass(frozen=True)
class Interval:
    """A closed range of days on a date column; ``None`` leaves an end open.

    Examples
    --------
    >>> Interval("2025-01-01", None).label()
    '2025-01-01..'
    """

    start: pd.Timestamp | str | None
    end: pd.Timestamp | str | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _day(self.start))
        object.__setattr__(self, "end", _day(self.end))

    def label(self) -> str:
        return f"{_iso(self.start)}..{_iso(self.end)}"

    def mask(self, dates: pd.Series) -> np.ndarray:
        """Which dates fall in the range (missing dates never do)."""
        values = pd.to_datetime(dates)
        inside = values.notna()
        if self.start is not None:
            inside &= values >= self.start
        if self.end is not None:
            inside &= values <= self.end
        return inside.to_numpy(dtype=bool, na_value=False)


Constraint = Union[frozenset, Interval]
Predicate = tuple  # tuple of (column, Constraint), sorted by column


def _day(value: Any) -> pd.Timestamp | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).normalize()


def _iso(day: pd.Timestamp | None) -> str:
    return "" if day is None else day.strftime("%Y-%m-%d")


def normalize(values: pd.Series | Iterable[Any]) -> pd.Series:
    """Categorical values as the ledger compares them: text, missing as ``<NA>``.

    Examples
    --------
    >>> normalize(pd.Series([True, None, "a", 3])).tolist()
    ['True', '<NA>', 'a', '3']
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if pd.api.types.is_bool_dtype(series.dtype):
        text = series.astype("boolean").astype("string")
    else:
        text = series.astype("string")
    return text.fillna(MISSING).astype(object)


def _constraint(value: Any) -> Constraint:
    if isinstance(value, Interval):
        return value
    if isinstance(value, str) or not isinstance(value, Iterable):
        value = [value]
    return frozenset(normalize(pd.Series(list(value), dtype=object)).tolist())


def predicate(where: Mapping[str, Any] | None = None, **more: Any) -> Predicate:
    """A predicate in canonical form from ``{column: value(s) or Interval}``.

    An open :class:`Interval` at both ends restricts nothing and is dropped.

    Examples
    --------
    >>> predicate({"status": "unmet", "age": ["minor"]})
    (('age', frozenset({'minor'})), ('status', frozenset({'unmet'})))
    """
    items = {**(where or {}), **more}
    out = []
    for column, value in items.items():
        c = _constraint(value)
        if isinstance(c, Interval) and c.start is None and c.end is None:
            continue
        out.append((str(column), c))
    return tuple(sorted(out, key=lambda item: item[0]))


def _encode(c: Constraint) -> list:
    if isinstance(c, Interval):
        return ["between", _iso(c.start), _iso(c.end)]
    return ["in", sorted(c)]


def cell_key(universe: str, pred: Predicate) -> str:
    """The identity of a count: equal keys are the same count wherever it is shown."""
    return json.dumps([universe, [[column, _encode(c)] for column, c in pred]], ensure_ascii=False)


@functools.lru_cache(maxsize=1 << 18)
def predicate_from_key(key: str) -> tuple[str, Predicate]:
    """Read a :func:`cell_key` back (read once per key: predicates are immutable).

    Examples
    --------
    >>> key = cell_key("needs", predicate(status="met", identified_on=Interval("2025-01-01", None)))
    >>> predicate_from_key(key)[1][0]
    ('identified_on', Interval(start=Timestamp('2025-01-01 00:00:00'), end=None))
    """
    universe, items = json.loads(key)
    out = []
    for column, (kind, *rest) in items:
        if kind == "between":
            out.append((column, Interval(rest[0] or None, rest[1] or None)))
        else:
            out.append((column, frozenset(rest[0])))
    return universe, tuple(out)


def matches(units: pd.DataFrame, pred: Predicate) -> np.ndarray:
    """Which units satisfy a predicate (``units`` holds its columns, categorical ones normalized).

    Examples
    --------
    >>> units = pd.DataFrame({"status": ["met", "unmet"], "identified_on": pd.to_datetime(["2025-01-05", "2025-03-01"])})
    >>> matches(units, predicate(status="met", identified_on=Interval("2025-01-01", "2025-01-31"))).tolist()
    [True, False]
    """
    keep = np.ones(len(units), dtype=bool)
    for column, c in pred:
        if isinstance(c, Interval):
            keep &= c.mask(units[column])
        else:
            keep &= units[column].isin(c).to_numpy(dtype=bool)
    return keep


Span = Union[frozenset, Interval, None]


def column_span(values: pd.Series) -> Span:
    """What a column's units span: its set of values, or for dates the range of their days.

    ``None`` for a date column with a missing date (no range of days holds every unit).

    Examples
    --------
    >>> sorted(column_span(pd.Series(["met", "unmet", "met"])))
    ['met', 'unmet']
    >>> column_span(pd.Series(pd.to_datetime(["2025-03-01", "2025-01-05"]))).label()
    '2025-01-05..2025-03-01'
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        if values.isna().any():
            return None
        if values.empty:
            return Interval(None, None)
        return Interval(values.min(), values.max())
    return frozenset(values.tolist())


def without_the_obvious(pred: Predicate, spans: Mapping[str, Span]) -> Predicate:
    """The predicate without the constraints every unit of the universe meets, and without values no unit takes.

    A set holding every value a column takes, or a range holding every unit's day,
    restricts nothing: the count is the same count as without it, and must carry the same
    key (one count, one suppression pattern) and the same columns (a table of needs of
    every status is a table of needs: the bounds must set it beside tables without the
    status). Likewise a value no unit takes adds nothing to a set: the needs a service
    meets, listed from the taxonomy (``housing`` and ``housing_emergency``), are the
    count of those the data hold (``housing_emergency``) that another report releases
    on the one code, and carry its key (a set of values none of which a unit takes is
    kept as it is: each row of a county no client lives in stays a row of its own).
    ``spans`` maps columns to :func:`column_span`;
    columns it lacks are kept as they are.

    Examples
    --------
    >>> spans = {"status": frozenset({"met", "unmet"}), "need": frozenset({"food", "legal"})}
    >>> without_the_obvious(predicate(status=["met", "unmet"], need="food"), spans)
    (('need', frozenset({'food'})),)
    >>> without_the_obvious(predicate(need=["food", "housing"]), spans)
    (('need', frozenset({'food'})),)
    """
    out = []
    for column, c in pred:
        span = spans.get(column)
        if column in spans and _holds(c, span):
            continue
        if isinstance(c, frozenset) and isinstance(span, frozenset) and c & span:
            c = c & span  # a set of values no unit takes keeps its own key: each such row is a count of its own (0)
        out.append((column, c))
    return tuple(out)


def _holds(c: Constraint, span: Span) -> bool:
    if isinstance(c, Interval):
        if not isinstance(span, Interval):
            return False
        if span.start is None and span.end is None:  # no unit at all
            return True
        return (c.start is None or c.start <= span.start) and (c.end is None or c.end >= span.end)
    return isinstance(span, frozenset) and span <= c



@dataclass(frozen=True)
class Finer:
    """A finer column of a coarse one: the values it takes, and those of each coarse value."""

    column: str
    values: frozenset
    of: Mapping[str, frozenset]


MAX_FINER_VALUES = 5_000
"""Most values a finer column may take (the counties of the country); more (client ids) would make keys of their list."""


def finer_columns(units: pd.DataFrame, pairs: Mapping[str, str | Sequence[str]], *, max_values: int = MAX_FINER_VALUES) -> dict[str, Finer]:
    """For each ``{coarse: fine}`` pair whose coarse column is a function of the fine one in ``units``, the :class:`Finer` column.

    ``fine`` may be a sequence of candidates: the first that fits is taken. A candidate is
    left out where a fine value goes with two coarse values (not a function), and
    where the fine column holds dates (a predicate holds a range of days there, not a set),
    and where it takes more than ``max_values`` values (an identifier: whether a client id is
    recorded stays a column of its own rather than a key listing every client).

    Examples
    --------
    >>> units = pd.DataFrame({"age": ["minor", "adult", "adult"], "age_group": ["minor", "25-34", "35-44"]})
    >>> f = finer_columns(units, {"age": "age_group", "state": "county_fips"})["age"]
    >>> f.column, sorted(f.of["adult"])
    ('age_group', ['25-34', '35-44'])
    """
    out = {}
    for coarse, candidates in pairs.items():
        for fine in [candidates] if isinstance(candidates, str) else candidates:
            if coarse not in units or fine not in units or pd.api.types.is_datetime64_any_dtype(units[fine].dtype):
                continue
            pairs_seen = units[[fine, coarse]].drop_duplicates()
            if len(pairs_seen) > max_values or pairs_seen[fine].duplicated().any():
                continue
            by_coarse = pairs_seen.groupby(coarse, sort=False)[fine].agg(frozenset)
            out[coarse] = Finer(fine, frozenset(pairs_seen[fine].tolist()), dict(by_coarse.items()))
            break
    return _to_the_finest(out)


def _to_the_finest(finer: dict[str, Finer]) -> dict[str, Finer]:
    """Each coarse column written on the end of its chain: a column whose finer column has a finer one in turn.

    Whether a referral's date answered is recorded is ``answered``; ``answered`` is a set of
    outcomes. Written only on ``answered``, the count would be a key of its own beside the
    counts by outcome, and the bounds would not see that it is one of their sums. (Two
    columns each a function of the other stay written on the first one reached.)

    Examples
    --------
    >>> units = pd.DataFrame({"outcome": ["accepted", "open", "no_response"], "answered": [True, False, False],
    ...                       "dated": [True, False, False]})
    >>> f = finer_columns(units, {"dated": ("answered",), "answered": ("outcome",)})["dated"]
    >>> f.column, sorted(f.of[False])
    ('outcome', ['no_response', 'open'])
    """
    out = dict(finer)
    for _ in range(len(out)):
        longer = {coarse: f for coarse, f in out.items() if f.column in out and out[f.column].column != coarse}
        if not longer:
            break
        for coarse, f in longer.items():
            g = out[f.column]
            out[coarse] = Finer(g.column, g.values, {c: frozenset().union(*(g.of[v] for v in vs if v in g.of)) for c, vs in f.of.items()})
    return out


def on_finer_columns(pred: Predicate, finer: Mapping[str, Finer]) -> Predicate:
    """The predicate with every constraint on a coarse column written on its finer column.

    Two columns for one concept (a need's status and its outcome band, a client's age band
    and age group, a state and its counties) would give one set of units two keys, and the
    bounds would not see that they are one count. A set of coarse values becomes the set of
    the finer values in it (:func:`finer_columns`), met together with a constraint already
    on the finer column; a set on the finer column keeps only the values the column takes,
    so that two ways of writing it are one key. Either is left as it is where no value the
    column takes is in it (a count of zero, whatever its key).

    Examples
    --------
    >>> units = pd.DataFrame({"status": ["met", "met", "unmet"], "outcome": ["met in 30 days", "met later", "unmet"]})
    >>> finer = finer_columns(units, {"status": "outcome"})
    >>> [(column, sorted(values)) for column, values in on_finer_columns(predicate(status="met", need="food"), finer)]
    [('need', ['food']), ('outcome', ['met in 30 days', 'met later'])]
    >>> on_finer_columns(predicate(status="met", outcome=["met later", "unmet", "date missing"]), finer)
    (('outcome', frozenset({'met later'})),)
    """
    constraints = dict(pred)
    touched = False
    for coarse, f in finer.items():
        fine = f.column
        if fine in constraints and isinstance(constraints[fine], frozenset):
            taken = constraints[fine] & f.values
            if taken and taken != constraints[fine]:
                constraints[fine], touched = taken, True
        if coarse in constraints and isinstance(constraints[coarse], frozenset):
            inside = frozenset().union(*(f.of[c] for c in constraints[coarse] if c in f.of))
            if not inside:
                continue
            del constraints[coarse]
            if fine in constraints:
                inside &= constraints[fine]
            constraints[fine], touched = inside, True
    return tuple(sorted(constraints.items(), key=lambda item: item[0])) if touched else pred
