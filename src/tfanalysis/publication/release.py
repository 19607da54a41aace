"""The publication layer: every victim count leadership sees is released through here.

A report asks :class:`Release` for a table of counts by naming the universe (clients, needs,
referrals, criminal-justice events), what the table keeps (``where``) and how it splits
(``rows``, ``columns``). The release counts the units itself (one computation, one
definition), and decides what is shown:

1. a count already released in this run or an earlier run of the same data keeps its
   status (one suppression pattern per count for the whole release);
2. counts of 1 to k-1 are hidden; the table's margins are released too (shown or not, a
   reader may know them) and protected like any cell (:func:`tfanalysis.privacy.protect_grid`);
3. the table together with everything released before is bounded by linear programming
   (:mod:`tfanalysis.publication.bounds`); while a reader could pin any hidden count or any
   group the predicates single out inside 1..k-1, one more of the table's new counts is
   hidden (one the bound rests on).

Numbers computed from counts — rates, shares, medians, model estimates, fitted lines — are
shown only where every count they rest on is shown (:meth:`Released.gate`); a rate gives its
numerator back, so both numerator and denominator must be released tables. Sentences quote
released values only (:meth:`Released.text`).

Counts of member organizations, meetings, trainings and capacity are not about victims and
are not released here.

Examples
--------
>>> import tfanalysis as tf
>>> from tfanalysis.publication.cells import Interval
>>> rel = Release(tf.load_dataset(DEMO_DIR))
>>> demand = rel.table("needs", rows=["need"], columns="status", where={"identified_on": Interval("2025-07-01", "2025-09-30")})
>>> demand.shown.loc["legal_representation", "Total"]
21
>>> demand.text("food", "Total")
'a hidden number'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.publication.privacy import HIDDEN, MARGIN, protect_grid
from tfanalysis.publication import bounds
from tfanalysis.publication.blocks import CLEAN_BLOCKS, CleanBlocks
from tfanalysis.publication.cells import (
    Finer, cell_key, column_span, finer_columns, matches, normalize, on_finer_columns, predicate, predicate_from_key,
    without_the_obvious,
)
from tfanalysis.publication.groupings import ByGroups, ByPeriod, Grouping, axis_name, axis_positions, both, label_text, with_total
from tfanalysis.publication.ledger import COMPLETE, Ledger
from tfanalysis.publication.released import Released
from tfanalysis.publication.small_groups import in_small_group
from tfanalysis.publication.units import KNOWN_OF, finer_pairs, unit_frames, with_need_outcome

__all__ = ["ByGroups", "ByPeriod", "DisclosureError", "Release", "Released"]


class DisclosureError(RuntimeError):
    """A count would be recoverable whatever this table hides; names the table, never a value."""


class Release:
    """The release of one run (or one analyst's session): shared suppression for every report.

    Parameters
    ----------
    data : TaskForceData
        The whole dataset (not restricted to a period or region).
    threshold : int, default 11
        Counts 1 to ``threshold - 1`` are hidden.
    ledger_dir : path, optional
        This run's ledger folder (the runner passes it to every notebook). Its sibling
        folders holding a ``complete`` marker are earlier published runs of the same
        dataset and are read as fixed. None: a ledger in memory for this session.
    run : str
        The run id.
    units : mapping of str to DataFrame, optional
        Unit frames to use instead of those of ``data`` (tests, other universes);
        categorical columns are normalized, datetime columns kept.
    """

    def __init__(self, data: Any, threshold: int = 11, *, ledger_dir: str | Path | None = None, run: str = "",
                 units: Mapping[str, pd.DataFrame] | None = None) -> None:
        if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer) or threshold < 2:
            raise ValueError(f"threshold must be an integer of at least 2, got {threshold!r}")
        self.threshold = int(threshold)
        earlier = []
        if ledger_dir:
            here = Path(ledger_dir)
            if here.parent.exists():
                earlier = sorted(p for p in here.parent.iterdir()
                                 if p.is_dir() and p != here and not p.name.startswith(".") and (p / COMPLETE).exists())
        self.ledger = Ledger(ledger_dir, earlier=earlier, run=run)
        if units is not None:
            self._frames = {name: _normalized(with_need_outcome(frame) if name == "needs" else frame) for name, frame in units.items()}
        else:
            self._frames = unit_frames(data)
        for universe, frame in self.ledger.derived.items():
            self._frames[universe] = self._frames[universe].join(frame[[c for c in frame.columns if c not in self._frames[universe]]])
        self._spans: dict[tuple[str, str], Any] = {}
        self._finer: dict[str, dict[str, Finer]] = {}
        self._solved: dict[str, bounds.SolvedCubes] = {}
        self._small_known: dict[tuple[str, bool], dict] = {}  # whether each predicate is in a small group (_small_of)
        self._groups: dict[tuple[str, bool], dict] = {}  # people per group of units (publication.small_groups), per universe and reading of labels
        # blocks of the bounds' programs found to pin nothing, by this run or an earlier published one
        # of the same dataset: in the ledger folders, as private as the ledgers (publication.blocks)
        self._clean = CleanBlocks(Path(ledger_dir) / CLEAN_BLOCKS if ledger_dir else None,
                                  earlier=[Path(p) / CLEAN_BLOCKS for p in earlier])
        self.ledger.rekey(self._rekeyed)

    def _solved_of(self, universe: str) -> bounds.SolvedCubes:
        """The cubes built and solved so far on a universe's units (:class:`~tfanalysis.publication.bounds.SolvedCubes`)."""
        if universe not in self._solved:
            self._solved[universe] = bounds.SolvedCubes(clean=self._clean)
        return self._solved[universe]

    def _rekeyed(self, key: str) -> str:
        universe, pred = predicate_from_key(key)
        frame = self._frames.get(universe)
        if frame is None or any(column not in frame for column, _ in pred):
            return key
        return self._key(universe, pred)

    def _key(self, universe: str, pred: tuple) -> str:
        """A count's key: its predicate on the finest column of each concept (:data:`~tfanalysis.publication.units.FINER`,
        :func:`~tfanalysis.publication.units.finer_pairs`, :func:`on_finer_columns`), without what every unit meets (:func:`without_the_obvious`).

        Counts of one set of units written on two columns (needs ``unmet`` by status, and by
        outcome band) are one key: one status, and the bounds see them as one count.
        """
        if universe not in self._finer:
            frame = self.units(universe)
            self._finer[universe] = finer_columns(frame, finer_pairs(universe, frame.columns))
        pred = on_finer_columns(pred, self._finer[universe])
        return cell_key(universe, without_the_obvious(pred, {column: self._span(universe, column) for column, _ in pred}))

    def _span(self, universe: str, column: str) -> Any:
        """Every value a column of a universe takes (:func:`column_span`), worked out once."""
        if (universe, column) not in self._spans:
            self._spans[(universe, column)] = column_span(self.units(universe)[column])
        return self._spans[(universe, column)]

    # ------------------------------------------------------------------ units

    def units(self, universe: str) -> pd.DataFrame:
        """The normalized units of a universe (see :mod:`tfanalysis.publication.units`)."""
        if universe not in self._frames:
            raise ValueError(f"unknown universe {universe!r}: one of {sorted(self._frames)}")
        return self._frames[universe]

    def derive(self, universe: str, name: str, values: pd.Series, *, components: Sequence[str | None] | None = None,
               separator: str = "|") -> None:
        """Add a column a report computed for the units (e.g. a segment), to split or filter by.

        ``values`` is indexed by the universe's row labels; units it does not list get
        ``<NA>``. The column is kept in the ledger for later notebooks and runs.
        ``components``: the column labels several of the units' attributes, its values
        ``separator``-joined parts, one per unit column named here (None: no attribute of the
        units; a part ``any`` constrains nothing). A count on one label is read as a count on
        those attributes when the layer asks which groups it tells of
        (:mod:`~tfanalysis.publication.small_groups`); kept in the ledger too.
        """
        if components is not None:
            self.ledger.composite[(universe, name)] = (separator, tuple(components))
        frame = self.units(universe)
        full = normalize(values.reindex(frame.index))
        self.ledger.derive(universe, name, full)
        if name not in frame:
            self._frames[universe] = frame.assign(**{name: full.to_numpy()})
            self._finer.pop(universe, None)  # a column of FINER given by a report (units a test gave)

    # ------------------------------------------------------------------ tables

    def table(
        self,
        universe: str,
        *,
        rows: Grouping | Sequence[Grouping] = (),
        columns: Grouping | None = None,
        where: Mapping[str, Any] | None = None,
        levels: Mapping[str, Sequence[Any]] | None = None,
        name: str = "",
    ) -> Released:
        """Release a table of counts of a universe's units.

        Parameters
        ----------
        universe : str
            ``clients``, ``needs``, ``referrals``, ``cj_events`` (see :meth:`units`).
        rows : column name, ByPeriod, ByGroups, or a sequence of them
            The table's rows: one per value the column takes among all the universe's
            units (what ``where`` allows), never only those the table keeps, so the rows
            listed tell nothing of its counts; every combination for several columns
            (:func:`~tfanalysis.publication.groupings.axis_positions`); one per period or
            group listed.
        columns : column name, ByPeriod or ByGroups, optional
            The table's columns; None for a single column of counts (``count``).
        where : mapping, optional
            What the table keeps: ``{column: value(s) or Interval}``.
        levels : mapping, optional
            ``{column: values}`` to list, in order, instead of the values present (a value
            absent from the data shows as 0).
        name : str
            Where it is shown (for the ledger and the audit).

        Returns
        -------
        Released
        """
        frame = self.units(universe)
        rows = [rows] if isinstance(rows, str | ByPeriod | ByGroups) else list(rows)
        where = dict(where or {})
        levels = {k: list(normalize(pd.Series(list(v), dtype=object))) for k, v in (levels or {}).items()}
        for g in [*rows, *([columns] if columns is not None else [])]:
            if isinstance(g, ByPeriod):
                if g.column in where:
                    raise ValueError(f"{g.column} is both split by period and restricted in `where`")
                where[g.column] = g.hull()
            elif isinstance(g, ByGroups):
                if g.column in where:
                    raise ValueError(f"{g.column} is both split into groups and restricted in `where`")
                where[g.column] = g.values()
        base = predicate(where)
        kept = frame[matches(frame, base)]

        listed = {"units": frame, "where": dict(base), "known_of": KNOWN_OF.get(universe), "spans": lambda column: self._span(universe, column)}
        row_labels, row_preds, row_codes = axis_positions(kept, rows, levels, **listed)
        if columns is None:
            col_labels, col_preds, col_codes = ["count"], [()], np.zeros(len(kept), dtype=np.int64)
        else:
            col_labels, col_preds, col_codes = axis_positions(kept, [columns], levels, **listed)
        # the margins count only what the listed rows and columns hold
        restrict = dict(where)
        for g in [*rows, *([columns] if columns is not None else [])]:
            if isinstance(g, str) and g in levels:
                restrict[g] = levels[g]
        if restrict != where:
            base = predicate(restrict)
        ok = (row_codes >= 0) & (col_codes >= 0)
        r, c = len(row_labels), len(col_labels)
        counts = np.zeros((r, c), dtype=np.int64)
        np.add.at(counts, (row_codes[ok], col_codes[ok]), 1)
        totals = np.zeros((r + 1, c + 1), dtype=np.int64)
        totals[:r, :c] = counts
        totals[:r, c] = counts.sum(axis=1)
        totals[r, :c] = counts.sum(axis=0)
        totals[r, c] = counts.sum()

        is_series = columns is None
        keys = np.empty((r + 1, c + 1), dtype=object)
        for i in range(r + 1):
            for j in range(c + 1):
                parts = [base]
                if i < r:
                    parts.append(row_preds[i])
                if j < c:
                    parts.append(col_preds[j])
                keys[i, j] = self._key(universe, both(*parts))
        if is_series:
            keys[:, 1] = keys[:, 0]
        index = with_total(row_labels, rows)
        cols = pd.Index([*col_labels, MARGIN], name=None if columns is None else axis_name(columns))
        row_text = np.array([label_text(x) for x in index], dtype=object)
        col_text = np.array([label_text(x) for x in cols], dtype=object)
        labels = (np.broadcast_to(row_text[:, None], keys.shape), np.broadcast_to(col_text[None, :], keys.shape))
        hidden, withheld = self._decide(universe, totals, keys, is_series, name or universe, labels)

        shown = totals.astype(object)
        shown[hidden] = HIDDEN
        out = Released(
            name=name or universe,
            shown=pd.DataFrame(shown, index=index, columns=cols),
            hidden=pd.DataFrame(hidden, index=index, columns=cols),
            withheld=pd.DataFrame(withheld, index=index, columns=cols),
            keys=pd.DataFrame(keys, index=index, columns=cols),
            threshold=self.threshold,
            is_series=is_series,
            _true=pd.DataFrame(totals, index=index, columns=cols),
        )
        if is_series:
            for attr in ("shown", "hidden", "withheld", "keys", "_true"):
                setattr(out, attr, getattr(out, attr).iloc[:, :1])
        return out

    def count(self, universe: str, *, where: Mapping[str, Any] | None = None, name: str = "") -> Released:
        """Release one count (a table of one cell)."""
        return self.table(universe, where=where, name=name)

    def at_least(self, universe: str, *floors: tuple[Mapping[str, Any], int]) -> bool:
        """Whether tallies that tell a reader counts are at least some floors may be shown.

        For numbers about organizations that bound victim counts from below: ten distinct
        ties between law enforcement and victim services in a quarter are at least ten such
        referrals. Each floor is a ``(where, floor)`` pair: the count of ``where`` is at
        least ``floor``. They are checked together against everything released so far
        (this run's earlier tables, earlier runs, their floors) as the bounds check a
        table: if a reader could then pin a hidden count inside 1..k-1, the tallies must not
        be shown (False) and nothing is recorded; so is a floor on a count withheld, or on
        one of a small group of victims (:mod:`~tfanalysis.publication.small_groups`: a tie
        drawn would tell what they have). Otherwise (True) the floors are recorded,
        kept in the ledger for later tables and runs, and the bounds read them wherever the
        counts are, released or not. Ask before the counts' own tables are released, so that
        they hide what the floors would give away.

        Returns
        -------
        bool
            True: show the tallies (their floors are now part of what readers know);
            False: withhold them.

        Examples
        --------
        >>> units = pd.DataFrame({"link": ["le_vs"] * 3 + ["same"] * 20})
        >>> rel = Release(None, 11, units={"referrals": units})
        >>> rel.at_least("referrals", ({"link": "le_vs"}, 2))
        True
        >>> rel.ledger.universe_cells("referrals")[["true", "floor", "tally"]].to_numpy().tolist()
        [[3, 2, True]]

        With 3 LE–VS and 15 cross-sector referrals hidden beside 20 same-sector ones and the
        total 38 shown, the two hidden add up to 18: a tally telling that the cross-sector
        ones are at least 8 would pin the LE–VS ones at 10 or fewer; at least 7 would not.

        >>> rel = Release(None, 11, units={"referrals": pd.DataFrame({"link": ["le_vs"] * 3 + ["cross"] * 15 + ["same"] * 20})})
        >>> rel.table("referrals", rows="link", name="per link").shown.iloc[:, 0].tolist()
        ['hidden', 'hidden', 20, 38]
        >>> rel.at_least("referrals", ({"link": "cross"}, 8)), rel.at_least("referrals", ({"link": "cross"}, 7))
        (False, True)
        """
        frame = self.units(universe)
        new = []
        for where, floor in floors:
            pred = predicate(dict(where))
            true = int(matches(frame, pred).sum())
            if floor > true:
                raise ValueError(f"a floor of {floor} is above the count it bounds")
            key = self._key(universe, pred)
            if floor > self.ledger.floor_of(key):  # else readers know as much already
                new.append((key, true, int(floor)))
        if not new:
            return True
        # a floor on a count of a small group tells what those few have, as a hidden count would
        keys = np.array([key for key, _, _ in new], dtype=object)
        if self._in_small_group(universe, keys, np.ones(len(keys), dtype=bool)).any() or self.ledger.withheld(keys).any():
            return False
        known = self.ledger.floors
        for key, true, floor in new:
            self.ledger.add_floor(key, true, floor)
        if self._leaks(universe, self._released(universe), frame, {frozenset(c for c, _ in _pred_of(key)) for key, _, _ in new},
                       {key for key, _, _ in new}):
            self.ledger.floors = known
            return False
        self.ledger.save()
        return True

    # ------------------------------------------------------------------ deciding

    def _decide(self, universe: str, totals: np.ndarray, keys: np.ndarray, is_series: bool, name: str,
                labels: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Which of a table's counts are not shown (hidden or withheld), and which of them are withheld."""
        k = self.threshold
        exists = np.ones(totals.shape, dtype=bool)
        if is_series:
            exists[:, 1] = False
        status = self.ledger.status(keys.ravel()).to_numpy(dtype=object, na_value=None).reshape(keys.shape)
        fixed_hidden = np.vectorize(lambda s: s is True, otypes=[bool])(status) & exists
        fixed_shown = np.vectorize(lambda s: s is False, otypes=[bool])(status) & exists
        new = exists & ~fixed_hidden & ~fixed_shown
        shown_before = fixed_shown.copy()
        # a count the shown ones already give (a half-year's needs, its months shown in an
        # earlier run) is shown as they are: it adds nothing for the bounds to check
        given = self._given_by_shown(universe, totals, keys, new & (totals >= k))
        fixed_shown |= given
        new &= ~given
        # a count that says what a handful of people have (a county of one victim, its needs per
        # service) is withheld, zeros too and whatever its size: neither its value nor "at least 1"
        # is told of it (one victim with 12 needs of a kind, her row's total 12, gave her zeros away)
        withheld = self._in_small_group(universe, keys, new)
        hidden = fixed_hidden | (new & (totals >= 1) & (totals < k)) | withheld
        units = self.units(universe)
        table_columns = {frozenset(c for c, _ in _pred_of(key)) for key in keys[exists]}
        # the cubes to check: those the new counts fall in (the others hold nothing new since their last check)
        new_columns = {frozenset(c for c, _ in _pred_of(key)) for key in keys[new]}
        too_large = self._too_large_to_bound(universe, totals, keys, hidden, withheld, exists, exists & new, table_columns)
        if too_large is None:
            # not released: every count of it not shown before is withheld, and nothing of it is
            # recorded, so the cube of earlier counts keeps its size and its bounds
            not_shown = exists & ~shown_before
            return not_shown, not_shown
        withheld |= too_large
        settled = False  # the bounds found nothing in the pattern this table ends with
        for _ in range(2 * int(exists.sum()) + 2):
            hideable = new & (totals > 0) & ~withheld
            hidden = protect_grid(totals, is_series=is_series, threshold=k, hidden=hidden | withheld, hideable=hideable)
            stuck = _stuck_lines(totals, hidden, withheld, exists, is_series, k)
            if stuck.any():
                withheld |= stuck
                continue
            if not new.any():
                # every count was released before (earlier in this run or in an earlier run)
                # and bounded then with everything released since: nothing new to bound
                break
            candidate = self._candidate(universe, totals, keys, hidden, withheld, exists)
            leaks = self._leaks(universe, candidate, units, new_columns, set(keys[new & exists]))
            if not leaks:
                settled = True
                break
            more, stuck = self._to_hide(leaks, candidate, keys, totals, hidden & exists, hideable)
            for cell in more:
                hidden[cell] = True
            if not stuck:
                continue
            floors = _floors_to_withhold(stuck, candidate, keys, hidden & new & exists & ~withheld)
            if floors.any():
                withheld |= floors
                continue
            lines = _lines_to_withhold(stuck, candidate, keys, new, withheld, exists)
            if lines is None and more:
                continue
            if lines is None:
                earlier = candidate["key"].isin(self.ledger.cells.loc[self.ledger.cells["fixed"].to_numpy(bool), "key"])
                if all(bounds.given_away_before(leak, earlier, candidate["floor"]) for leak in stuck):
                    break  # given away before this run, by earlier runs alone: nothing this table hides takes it back
                raise DisclosureError(
                    f"{name}: a hidden count of {universe} stays recoverable from what this run and earlier "
                    "runs released, whatever this table hides; release it at a coarser level or drop it"
                )
            withheld |= lines
        else:  # pragma: no cover - each pass hides or withholds one more count
            raise DisclosureError(f"{name}: suppression did not settle")
        if settled:
            # a count a reader works out exactly from what is shown (a year's needs followed: its needs
            # met, in progress and unmet, shown in another table) protects nothing hidden, and the page
            # would say "hidden" where another shows the rate resting on it: shown
            exact = bounds.worked_out_exactly(candidate, units, list(keys[hidden & new & exists & ~withheld & (totals >= k)]),
                                              must_touch=new_columns, solved=self._solved_of(universe),
                                              spans=lambda column: self._span(universe, column))
            if exact:
                shown = np.isin(keys, list(exact)) & exists  # every cell of the count, withheld in a line or not
                # the bounds read them shown and still find nothing (they add nothing a reader did not know)
                check = self._candidate(universe, totals, keys, hidden & ~shown, withheld & ~shown, exists)
                if not self._leaks(universe, check, units, new_columns, set(keys[new & exists])):
                    hidden &= ~shown
                    withheld &= ~shown
        # a zero inside a total shown as 0 is known to every reader: it is shown, not read as hidden
        zero = new & _inside_a_shown_zero(totals, hidden | withheld, exists)
        hidden &= ~zero
        withheld &= ~zero
        # a count an earlier table or run showed is public: hiding it here protects nothing (the
        # bounds read it as shown) and the page would contradict the release (a third task force's
        # 2025Q3 run failed its audit on report 02's total of needs met, withheld with its line)
        hidden &= ~fixed_shown
        withheld &= ~fixed_shown
        rows = pd.DataFrame({"key": keys[exists], "table": name, "true": totals[exists], "hidden": hidden[exists], "withheld": withheld[exists]})
        if labels is not None:
            rows["row"] = labels[0][exists]
            rows["column"] = labels[1][exists]
        self.ledger.add(rows)
        self.ledger.save()
        return hidden | withheld, self.ledger.withheld(keys.ravel()).reshape(keys.shape) & exists

    def _leaks(self, universe: str, cells: pd.DataFrame, units: pd.DataFrame, must_touch: set, mine: set) -> list:
        """:func:`bounds.find_leaks` of ``cells`` with what the release keeps (cubes, spans, small groups), less
        the withheld counts' findings none of ``mine`` (the keys of the counts being added) rests on (:func:`_not_told_before`)."""
        leaks = bounds.find_leaks(cells, units, self.threshold, must_touch=must_touch, solved=self._solved_of(universe),
                                  spans=lambda column: self._span(universe, column), small=self._small_of(universe, labels=False))
        return _not_told_before(leaks, mine)

    def in_small_group(self, universe: str, keys: Sequence[str]) -> np.ndarray:
        """Whether each count (by key) is part of a group of 1 to k-1 people, as this release reads them.

        :func:`~tfanalysis.publication.small_groups.in_small_group` with what the release
        knows: the columns readers know of others (:data:`~tfanalysis.publication.units.KNOWN_OF`)
        and the labels reports derived from several attributes (:meth:`derive`). The layer
        withholds such counts; the audit checks that no page tells of one.
        """
        return self._small_of(universe)([_pred_of(key) for key in keys])

    def _small_of(self, universe: str, *, labels: bool = True) -> Callable[[list], np.ndarray]:
        """:meth:`in_small_group` of predicates (the bounds' ``small``: they ask of sums of counts too).

        ``labels=False``: a label a report derived from several attributes is read as a
        value like any other, not as its attributes, and a set of labels is no group of its
        own. So the bounds ask whether a count lies *in* a small group above it, as rule 3
        reads plain columns: that a set of gap segments of a few victims has needs at all
        says only that the segments are there (the list of gaps names them).
        """
        composite = {name: spec for (u, name), spec in self.ledger.composite.items() if u == universe} if labels else {}
        cache = self._groups.setdefault((universe, labels), {})
        # each predicate's answer, once: a universe's units never change in a column once it is there,
        # and a label derived later is a column of its own (the bounds ask again at every pass of a table)
        known = self._small_known.setdefault((universe, labels), {})

        def small(preds: list) -> np.ndarray:
            todo = [p for p in dict.fromkeys(preds) if p not in known]
            if todo:
                known.update(zip(todo, in_small_group(self.units(universe), todo, self.threshold, cache=cache,
                                                      known_of=KNOWN_OF.get(universe), composite=composite).tolist()))
            return np.array([known[p] for p in preds], dtype=bool)
        return small

    def _in_small_group(self, universe: str, keys: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """:meth:`in_small_group` of ``candidates``, in the shape of ``keys`` (False elsewhere)."""
        out = np.zeros(keys.shape, dtype=bool)
        if candidates.any():
            out[candidates] = self.in_small_group(universe, list(keys[candidates]))
        return out

    def _too_large_to_bound(self, universe: str, totals: np.ndarray, keys: np.ndarray, hidden: np.ndarray,
                            withheld: np.ndarray, exists: np.ndarray, new: np.ndarray, table_columns: set) -> np.ndarray | None:
        """The table's new counts on a cube too large for the bounds to solve whole (:func:`bounds.too_large`), to withhold.

        The bounds split such a cube by the tables inside it and bound the counts on all its
        columns with nothing: shown, or hidden at least 1, they could give a count away that
        no program reads. Withheld (not shown, possibly 0), they say nothing; the table's
        margins, on fewer columns, are bounded as any count. A table whose counts would make
        the cube of counts released before (hidden or shown) too large, where it was not,
        cannot be released, since those counts would lose their bounds: None, and
        :meth:`_decide` withholds the whole table and records none of it. (A half-year's
        report 05 splits the days of the what-if cube of its first quarter's run: the half
        publishes without that table.) A national task force's counts by county, status,
        period, service and what-if reach pass the limits (docs/disclosure.md).
        """
        out = np.zeros(keys.shape, dtype=bool)
        if not new.any():
            return out
        candidate = self._candidate(universe, totals, keys, hidden, withheld, exists)
        units = self.units(universe)
        spans = lambda column: self._span(universe, column)  # noqa: E731 - the one the bounds read
        solved = self._solved_of(universe)
        column_sets = candidate["pred"].map(lambda p: frozenset(c for c, _ in p))
        mine = candidate["key"].isin(set(keys[new])).to_numpy(bool)
        # the cubes the table's counts fall in (its grand total changes no cube's size)
        around = list(dict.fromkeys(c for c in column_sets if any(t and t <= c for t in table_columns)))
        too_large = bounds.too_large(candidate, units, around, spans=spans, solved=solved)
        for columns in (c for c in around if c in too_large):
            earlier = column_sets.map(columns.__eq__).to_numpy(bool) & ~mine & ~candidate["withheld"].to_numpy(bool)
            if earlier.any() and not bounds.too_large(self._released(universe), units, [columns], spans=spans, solved=solved):
                return None
            if columns in table_columns:
                on = np.vectorize(lambda key: frozenset(c for c, _ in _pred_of(key)) == columns, otypes=[bool])(keys)
                out |= on & new
        return out

    def _given_by_shown(self, universe: str, totals: np.ndarray, keys: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Which of ``candidates`` the counts shown before already give (:func:`bounds.given_by_shown`)."""
        out = np.zeros(keys.shape, dtype=bool)
        if not candidates.any():
            return out
        released = self._released(universe)
        if (released["hidden"] | released["withheld"]).all():
            return out
        mine = pd.DataFrame({"key": keys[candidates], "true": totals[candidates]}).drop_duplicates("key")
        mine = mine.assign(pred=mine["key"].map(_pred_of), hidden=True, withheld=False, floor=0)
        cells = pd.concat([released[~released["key"].isin(mine["key"])], mine.set_index("key", drop=False).rename_axis(None)])
        given = bounds.given_by_shown(cells, self.units(universe), list(mine["key"]), spans=lambda column: self._span(universe, column),
                                      solved=self._solved_of(universe))
        return np.isin(keys, list(given)) & candidates

    def _released(self, universe: str) -> pd.DataFrame:
        """The counts of a universe released so far (this run's and earlier runs', tallies' floors too), as the bounds read them."""
        cells = self.ledger.universe_cells(universe)[["key", "pred", "true", "hidden", "withheld", "floor"]]
        return cells.set_index("key", drop=False).rename_axis(None)

    def _candidate(self, universe, totals, keys, hidden, withheld, exists) -> pd.DataFrame:
        before = self.ledger.universe_cells(universe)
        mine = pd.DataFrame({"key": keys[exists], "true": totals[exists], "hidden": hidden[exists], "withheld": withheld[exists]})
        mine = mine.drop_duplicates("key")
        # a count known only by its floor until now is this table's count, with its floor
        floor_of = before.set_index("key")["floor"]
        before = before[~(before["tally"] & before["key"].isin(mine["key"]))][["key", "pred", "true", "hidden", "withheld", "floor"]]
        mine = mine[~mine["key"].isin(before["key"])]
        mine["floor"] = mine["key"].map(floor_of).fillna(0).astype("int64")
        mine["pred"] = mine["key"].map(_pred_of)
        # labelled by key: a count keeps its label from one check to the next (bounds.SolvedCubes)
        return pd.concat([before, mine], ignore_index=True).set_index("key", drop=False).rename_axis(None)

    @staticmethod
    def _to_hide(leaks, candidate, keys, totals, hidden, hideable) -> tuple[set, list]:
        """For each leak, a count of the table its bound rests on (the smallest); leaks with none."""
        pos_of_key = {}
        for i, j in np.argwhere(hideable & ~hidden):
            pos_of_key.setdefault(keys[i, j], (int(i), int(j)))
        chosen, stuck = set(), []
        for leak in leaks:
            options = [pos_of_key[candidate.at[b, "key"]] for b in leak.binding if candidate.at[b, "key"] in pos_of_key]
            if options:
                chosen.add(min(options, key=lambda p: (totals[p], p)))
            else:
                stuck.append(leak)
        return chosen, stuck


def _inner(shape: tuple[int, int]) -> np.ndarray:
    """The cells of a table that are not its totals (the last row and column)."""
    inner = np.zeros(shape, dtype=bool)
    inner[:-1, :-1] = True
    return inner


def _stuck_lines(totals: np.ndarray, hidden: np.ndarray, withheld: np.ndarray, exists: np.ndarray, is_series: bool, k: int) -> np.ndarray:
    """Inner cells of the lines a reader can still solve once nothing more can be hidden.

    A line with a shown total, whose hidden counts (each known to be at least 1) add up to
    so little that each is below ``k`` or the only one, gives them away. Once the
    complementary suppression of :func:`~tfanalysis.privacy.protect_grid` has done what it
    can, such a line's total is public elsewhere: the line is withheld whole, zeros too.
    """
    out = np.zeros(totals.shape, dtype=bool)
    inner = _inner(totals.shape)
    shown = exists & ~hidden & ~withheld
    for axis in ((1,) if is_series else (0, 1)):
        # lines along rows (axis=1: a row's cells and its total) or columns (axis=0)
        t = totals if axis == 1 else totals.T
        hid, wh, sh, inn = (a if axis == 1 else a.T for a in (hidden & ~withheld, withheld, shown, inner))
        margin_shown = sh[:, -1]
        rest = t[:, -1] - np.where(sh & inn, t, 0).sum(axis=1)
        ones = (hid & inn).sum(axis=1)
        alone = (hid & inn).sum(axis=1) + (wh & inn).sum(axis=1) == 1
        lone_small = alone & (rest >= 1) & (rest < k)
        small = (ones >= 1) & (rest - (ones - 1) < k)
        bad = margin_shown & (lone_small | small) & (np.arange(t.shape[0]) < t.shape[0] - 1)
        cells = bad[:, None] & inn & (exists if axis == 1 else exists.T)
        out |= cells if axis == 1 else cells.T
    return out & ~withheld


def _inside_a_shown_zero(totals: np.ndarray, not_shown: np.ndarray, exists: np.ndarray) -> np.ndarray:
    """Inner counts of a table whose row or column total is shown as 0 (so each is 0, and known to be).

    A line withheld whole hides its zeros too, so that no count of it is known to be at
    least 1; a zero whose own total is a shown 0 tells a reader nothing they do not know.

    Examples
    --------
    >>> totals = np.array([[5, 0, 5], [8, 0, 8], [13, 0, 13]])   # rows a, b, Total; columns met, in progress, Total
    >>> not_shown = np.array([[True, True, True], [True, True, True], [False, False, False]])
    >>> _inside_a_shown_zero(totals, not_shown, np.ones((3, 3), bool)).astype(int).tolist()
    [[0, 1, 0], [0, 1, 0], [0, 0, 0]]
    """
    shown_zero = exists & ~not_shown & (totals == 0)
    inner = _inner(totals.shape)
    return inner & exists & (shown_zero[:, -1:] | shown_zero[-1:, :])


_TOLD = frozenset({"withheld zero", "withheld count", "withheld group"})


def _not_told_before(leaks: list, mine: set) -> list:
    """The leaks but those of a small group's withheld counts that rest on none of ``mine`` (labels: keys).

    That such a count is 0, or never 0, is then told by counts released before (of this
    run or earlier ones): the table adds nothing to it, and hiding its counts takes nothing
    back. Counts pinned inside 1..k-1 are held against every table that touches their cube,
    as always.
    """
    return [leak for leak in leaks if leak.kind not in _TOLD or any(label in mine for label in (*leak.binding, *leak.floors))]


def _floors_to_withhold(leaks, candidate, keys, hidden_here: np.ndarray) -> np.ndarray:
    """The table's own hidden counts whose floor the stuck leaks' bounds rest on.

    A hidden count is known to be at least 1 (zeros are shown); where a bound rests on that
    alone — a year shown as 11, its first half hidden here, so its second half is at most
    10 — hiding more cannot help, but withholding that one count (it may then be 0) does.
    This comes before withholding whole lines (:func:`_lines_to_withhold`).
    """
    position = {keys[i, j]: (int(i), int(j)) for i, j in np.argwhere(hidden_here)}
    out = np.zeros(keys.shape, dtype=bool)
    for leak in leaks:
        for label in leak.floors:
            where = position.get(candidate.at[label, "key"])
            if where is not None:
                out[where] = True
    return out


def _lines_to_withhold(leaks, candidate, keys, new, withheld, exists) -> np.ndarray | None:
    """Inner counts of the table to withhold (zeros too, so none is known to be at least 1).

    Used when hiding more of the table's counts cannot protect a count any more: the rows
    and columns of the counts at risk first, then the whole inside of the table, then its
    totals too. None when everything is withheld already.
    """
    where = {keys[i, j]: (int(i), int(j)) for i, j in np.argwhere(exists)}
    inner = _inner(keys.shape)
    inner &= exists
    out = np.zeros(keys.shape, dtype=bool)
    for leak in leaks:
        key = candidate.at[leak.cell, "key"] if leak.cell is not None else None
        if key in where:
            i, j = where[key]
            out[i, :] = True
            out[:, j] = True
    out &= inner & ~withheld
    if not out.any():
        out = inner & ~withheld
    if not out.any():
        out = exists & ~withheld  # at last the totals too: the table says nothing at all
    return out if out.any() else None


# ---------------------------------------------------------------------- helpers


def _normalized(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = normalize(out[column]).to_numpy()
    return out


def _pred_of(key: str):
    return predicate_from_key(key)[1]
