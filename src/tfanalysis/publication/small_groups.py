"""Counts about small groups of victims: whether a count says what a handful of people have.

A count is a predicate over its units' columns (:mod:`~tfanalysis.publication.cells`): the
needs of clients of one county, of one service, identified in one quarter. Drop one of its
categorical constraints, or several, and what is left is a *group* the count is a part of:
the needs of the county's clients in that quarter, whatever the service. Where that group is a handful
of people (1 to k-1 victims), the count tells a reader what those people have: a zero says
none of them has it, a hidden count (at least 1) says one of them does, a number how many. A county with one
victim, its needs per service shown as 0 or hidden, gives her whole list of needs away (a
second task force's report 02, 2026-12-04).

So the layer releases such a count as *withheld* (:meth:`~tfanalysis.publication.Release.table`):
it reads "hidden" like any other, a reader cannot take it for at least 1, and no list
("counties with need", "gaps") is drawn from it. Whether a count is one is a function of
its predicate and the units alone, so a count has the same status in every table, report
and run.

What a group has are its values (a need, a county, an outcome, an age group); the days of
a count are when, and the group is taken within them: a month's needs of one service are
not a small group's because few victims ever had that need. A constraint every reader
knows of the group (a referral's sector link, declared a function of its pair of members:
:data:`~tfanalysis.publication.units.KNOWN_OF`) makes no group of its own; a label of several
attributes (a segment) is a group of its own too. People are the distinct ``client_id`` of the units (a unit without one is
nobody's); a frame without that column counts each unit as a person.

Examples
--------
>>> units = pd.DataFrame({"client_id": ["a", "a", "b", "b", "c", "c"], "county_fips": ["1", "1", "2", "2", "2", "2"],
...                       "need": ["food", "legal"] * 3})
>>> preds = [(("county_fips", frozenset({"1"})), ("need", frozenset({"legal"}))),
...          (("county_fips", frozenset({"2"})), ("need", frozenset({"legal"})))]
>>> in_small_group(units, preds, 3).tolist()   # county 1 is one person: her legal need is hers
[True, True]
>>> in_small_group(units, preds, 2).tolist()   # at k=2 county 2's two people are no small group
[True, False]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from tfanalysis.publication.cells import MISSING, Interval, Predicate, matches

__all__ = ["PERSON", "ancestors", "in_small_group", "parents", "persons", "refines"]

PERSON = "client_id"
"""The column that tells whose a unit is."""


def parents(pred: Predicate, implied: Callable[[str, str], bool] | None = None) -> list[Predicate]:
    """The groups a count is a part of: its predicate less one of its categorical constraints (days are kept).

    ``implied(column, other)``: whether a column is a function of another in the whole
    universe (a referral's sector link of its pair of members); such a column's constraint,
    beside one on the other, is not dropped: every reader knows it of the group.

    Examples
    --------
    >>> from tfanalysis.publication.cells import Interval
    >>> pred = (("county_fips", frozenset({"1"})), ("identified_on", Interval("2025-01-01", "2025-12-31")), ("need", frozenset({"food"})))
    >>> [[column for column, _ in parent] for parent in parents(pred)]
    [['identified_on', 'need'], ['county_fips', 'identified_on']]
    """
    implied = implied or (lambda column, of: False)
    return [pred[:i] + pred[i + 1:] for i, (column, c) in enumerate(pred) if isinstance(c, frozenset)
            and not any(implied(column, other) for other, d in pred if other != column and isinstance(d, frozenset))]


def ancestors(pred: Predicate, implied: Callable[[str, str], bool] | None = None) -> list[Predicate]:
    """Every group a count is a part of: its predicate less one or more of its categorical constraints.

    :func:`parents` and theirs in turn, down to the days alone: a count tells of each. The
    needs of an adult nonbinary victim not met in the half-year are a part of the
    nonbinary victims' needs of the half-year, two constraints up; where those are a few
    people, a 0 shown for their adults' unmet needs says that none of them is an adult who
    waits, even where no parent (the adult nonbinary victims, none; the nonbinary victims
    whose needs are not met, none) is a group of 1 to k-1 people (an outsider, 2026-12-07,
    on a small task force's report 02). Days are never dropped, nor a constraint
    ``implied`` by another that stays (:func:`parents`).

    Examples
    --------
    >>> pred = (("age", frozenset({"adult"})), ("gender", frozenset({"nonbinary"})), ("outcome", frozenset({"unmet"})))
    >>> sorted(tuple(column for column, _ in a) for a in ancestors(pred))
    [(), ('age',), ('age', 'gender'), ('age', 'outcome'), ('gender',), ('gender', 'outcome'), ('outcome',)]
    """
    found: dict[Predicate, None] = {}
    level = [pred]
    while level:
        above = dict.fromkeys(parent for p in level for parent in parents(p, implied) if parent not in found)
        found.update(above)
        level = list(above)
    return list(found)


def persons(units: pd.DataFrame, preds: Sequence[Predicate]) -> np.ndarray:
    """How many people (distinct :data:`PERSON`) each predicate's units belong to.

    Predicates on the same columns are counted together: those whose constraints differ
    only in single values (one county, one service) by one grouping of the units that meet
    their other constraints (a period, a set of values), so a table's worth of groups costs
    a few passes over the units, not one each.

    Examples
    --------
    >>> units = pd.DataFrame({"client_id": ["a", "a", "b", None], "need": ["food", "legal", "food", "food"]})
    >>> persons(units, [(("need", frozenset({"food"})),), (("need", frozenset({"legal"})),), ()]).tolist()
    [2, 1, 2]
    """
    people = np.zeros(len(preds), dtype=np.int64)
    if not len(preds) or not len(units):
        return people
    if PERSON in units:
        ids = units[PERSON].astype("string")
        valid = (ids.notna() & (ids != MISSING)).to_numpy(bool)
        person = np.where(valid, pd.factorize(ids)[0], -1)
    else:  # every unit its own person
        person = np.arange(len(units))
    by_columns: dict[tuple, list[int]] = defaultdict(list)
    for i, pred in enumerate(preds):
        by_columns[tuple(column for column, _ in pred)].append(i)
    for columns, members in by_columns.items():
        single = [p for p in range(len(columns))
                  if all(isinstance(preds[i][p][1], frozenset) and len(preds[i][p][1]) == 1 for i in members)]
        rest = [p for p in range(len(columns)) if p not in single]
        by_rest: dict[tuple, list[int]] = defaultdict(list)
        for i in members:
            by_rest[tuple(preds[i][p] for p in rest)].append(i)
        for constraints, same in by_rest.items():
            kept = matches(units, constraints)
            who = person[kept]
            if not single:
                people[same] = np.unique(who[who >= 0]).size
                continue
            names = [columns[p] for p in single]
            frame = units.loc[kept, names].assign(_person=who)
            people_of = frame[frame["_person"] >= 0].drop_duplicates().groupby(names, sort=False, observed=True).size()
            people_at = {(v if len(names) > 1 else (v,)): n for v, n in people_of.items()}
            for i in same:  # a table's worth of groups: a dictionary look-up each
                people[i] = people_at.get(tuple(next(iter(preds[i][p][1])) for p in single), 0)
    return people


def in_small_group(units: pd.DataFrame, preds: Sequence[Predicate], threshold: int, *,
                   cache: dict | None = None, known_of: Mapping[str, str] | None = None,
                   composite: Mapping[str, tuple] | None = None) -> np.ndarray:
    """Whether each count is part of a group of 1 to ``threshold - 1`` people (one of its :func:`ancestors`).

    Such a count, shown as a number or hidden (at least 1), says what those few people
    have; the layer withholds it (:mod:`this module <tfanalysis.publication.small_groups>`).
    A count with no categorical constraint has no group above it, nor one no unit can meet
    (a constraint of no values, or days outside those the data span).

    Parameters
    ----------
    units : pandas.DataFrame
        The universe's units (:meth:`tfanalysis.publication.Release.units`).
    preds : sequence of predicates
        The counts, as their keys write them (on the finest columns, without what every
        unit meets).
    threshold : int
        k: the smallest count shown.
    cache : dict, optional
        Groups counted before (predicate → people), read and filled: a run's tables share
        most of their groups.
    known_of : mapping, optional
        ``{column: other}``: columns every reader knows as a function of another (a
        referral's sector link of its pair of members: members' sectors are public). Beside
        a constraint on ``other`` such a column's constraint is no attribute of the group
        and is not dropped. Only what is declared: a column that happens to be a function
        of another in a few units (each nationality one language) tells a reader something.
    composite : mapping, optional
        ``{column: (separator, components)}``: columns a report derived as labels of several
        of the units' attributes (a gap segment ``legal|eligibility|minor|female|any|any|any``:
        service, gap, age, gender, nationality, language, county). ``components`` names the
        unit column of each part of a label (None: no attribute of the units; a part ``any``
        constrains nothing). A count on one label is read as the count on those attributes,
        and its groups are theirs less one or more; a label whose parts the units do not hold, or a
        set of several labels, is a group of its own as well (its people are counted).

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> units = pd.DataFrame({"client_id": ["her"] + [f"c{i}" for i in range(20)], "need": "legal",
    ...                       "nationality": ["ER"] + ["US"] * 20, "segment": ["legal|ER"] + ["legal|US"] * 20})
    >>> pred = (("segment", frozenset({"legal|ER"})),)
    >>> in_small_group(units, [pred], 11).tolist(), in_small_group(units, [pred], 11, composite={"segment": ("|", ("need", "nationality"))}).tolist()
    ([False], [True])
    """
    cache = {} if cache is None else cache
    known_of = dict(known_of or {})
    composite = dict(composite or {})
    spans: dict = {}
    held: dict = {}  # the values each column holds, for reading labels
    # a count no unit can meet (a set of no values: a table of no listed rows; days outside those
    # the data span, which a reader is taken to know) is 0 to every reader
    above = []
    for pred in preds:
        if _known_empty(units, pred, spans):
            above.append([])
            continue
        read, own = _as_attributes(units, pred, composite, held)
        group = ancestors(read, implied=lambda column, other: known_of.get(column) == other)
        if own:
            group.append(pred)
        above.append(group)
    todo = [p for p in dict.fromkeys(p for group in above for p in group) if p not in cache]
    if todo:
        cache.update(zip(todo, persons(units, todo).tolist()))
    return np.array([any(1 <= cache[p] < threshold for p in group) for group in above], dtype=bool)


def _as_attributes(units: pd.DataFrame, pred: Predicate, composite: Mapping[str, tuple], held: dict | None = None) -> tuple[Predicate, bool]:
    """The predicate with each one-label constraint on a composite column read as its attributes, and whether it is a group of its own.

    Examples
    --------
    >>> units = pd.DataFrame({"need": ["legal"], "gender": ["female"]})
    >>> _as_attributes(units, (("seg", frozenset({"legal|x|female|any"})),), {"seg": ("|", ("need", None, "gender", "age"))})
    ((('gender', frozenset({'female'})), ('need', frozenset({'legal'}))), False)
    """
    out: dict[str, object] = {}
    own = False
    held = {} if held is None else held

    def holds(name: str, part: str) -> bool:
        if name not in held:
            held[name] = set(units[name].astype(str)) if name in units else set()
        return part in held[name]

    for column, c in pred:
        spec = composite.get(column)
        if spec is None:
            out[column] = c
            continue
        if not (isinstance(c, frozenset) and len(c) == 1):
            out[column], own = c, True  # a set of labels: kept as it is, and counted as a group too
            continue
        separator, components = spec
        parts = next(iter(c)).split(separator)
        read = {name: frozenset({part}) for name, part in zip(components, parts) if name is not None and part != "any"}
        if len(parts) != len(components) or not all(holds(name, next(iter(v))) for name, v in read.items()):
            out[column], own = c, True  # parts the units do not hold: the label's own people are its group
            continue
        for name, v in read.items():
            out.setdefault(name, v)
    return tuple(sorted(out.items(), key=lambda item: item[0])), own


def refines(pred: Predicate, coarser: Predicate) -> bool:
    """Whether every unit meeting ``pred`` meets ``coarser`` (each of its constraints holds wherever ``pred``'s do).

    A count that refines a count shown as 0 is 0, and every reader knows it.

    Examples
    --------
    >>> q3 = Interval("2025-07-01", "2025-09-30")
    >>> refines((("county_fips", frozenset({"1"})), ("identified_on", Interval("2025-08-01", "2025-08-31"))), (("identified_on", q3),))
    True
    >>> refines((("county_fips", frozenset({"1", "2"})),), (("county_fips", frozenset({"1"})),))
    False
    """
    mine = dict(pred)
    for column, c in coarser:
        own = mine.get(column)
        if own is None:
            return False
        if isinstance(c, Interval):
            if not isinstance(own, Interval):
                return False
            if (c.start is not None and (own.start is None or own.start < c.start)) or (
                    c.end is not None and (own.end is None or own.end > c.end)):
                return False
        elif not (isinstance(own, frozenset) and own <= c):
            return False
    return True


def _known_empty(units: pd.DataFrame, pred: Predicate, spans: dict | None = None) -> bool:
    """Whether no unit can meet a predicate whatever the records: a set of no values, or days outside the data's span.

    ``spans``: each date column's first and last day, read and filled.

    Examples
    --------
    >>> units = pd.DataFrame({"identified_on": pd.to_datetime(["2025-01-05", "2025-03-01"])})
    >>> _known_empty(units, (("identified_on", Interval("2019-01-01", "2019-12-31")),))
    True
    >>> _known_empty(units, (("identified_on", Interval("2025-02-01", "2025-02-28")),))   # none, but inside the span
    False
    """
    spans = {} if spans is None else spans
    for column, c in pred:
        if isinstance(c, frozenset) and not c:
            return True
        if isinstance(c, Interval) and column in units:
            if column not in spans:
                days = pd.to_datetime(units[column]).dropna()
                spans[column] = (days.min(), days.max()) if len(days) else None
            span = spans[column]
            if span is None or (c.start is not None and c.start > span[1]) or (c.end is not None and c.end < span[0]):
                return True
    return False
