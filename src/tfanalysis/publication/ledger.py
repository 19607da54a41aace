"""The ledger of a release: every victim count released so far, what it counts, and whether it is shown.

One ledger per run. The notebooks of a run share it through a private folder the runner
gives them (``ledger_dir``), so a count hidden in one report is hidden in every other, and
the ledgers of the earlier runs of the same dataset are read in as fixed: a count another
run showed is public, one it hid stays hidden, and the bounds of
:mod:`tfanalysis.publication.bounds` see everything released so far.

The ledger holds true counts: it lives beside the data or in the output folder's private
``.ledgers`` folder, never inside a run folder that is sent to anyone.

Files of a ledger folder
------------------------
``cells.parquet``
    One row per released count: ``key`` (:func:`~tfanalysis.publication.cells.cell_key`),
    ``table`` (where it was shown), ``row`` and ``column`` (its labels there), ``true``, ``hidden``, ``withheld`` (hidden with its
    line, zeros too: not known to be at least 1), ``run``.
``shown.parquet``
    Where this run showed each count: ``table``, ``row``, ``column``, ``key``, one row per
    cell of every table, a count released before (by another table or run) included. A page
    is read back against it (:func:`tfanalysis.running.audit.audit_pages`): ``cells.parquet``
    names only the table that first released a count.
``derived-<universe>.parquet``
    Columns a report derived for its units (a structural-gap segment, a profile), so that
    later notebooks and runs can bound counts that use them.
``composite.json``
    Which of them label several attributes at once (a gap segment: service, age, gender...)
    and how (``[universe, column, separator, components]``), so that later notebooks and the
    audit read a segment's count as a count on those attributes
    (:mod:`tfanalysis.publication.small_groups`).
``complete``
    Written by the runner once the run is published: only complete ledgers are read as
    earlier runs.

Examples
--------
>>> ledger = Ledger()
>>> ledger.add(pd.DataFrame({"key": ["k1"], "table": ["t"], "true": [5], "hidden": [True]}))
>>> ledger.status(["k1", "k2"]).tolist()
[True, <NA>]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from tfanalysis.publication.cells import predicate_from_key

__all__ = ["COMPLETE", "Ledger"]

COMPLETE = "complete"
"""Marker file of a ledger whose run was published."""

_COLUMNS = ["key", "table", "row", "column", "true", "hidden", "withheld", "run"]

COMPOSITE = "composite.json"
"""File of a ledger listing ``[universe, column]`` of the derived columns that label several attributes at once."""

SHOWN = "shown.parquet"
"""File of a ledger folder saying where the run showed each count (see the module's docstring)."""

_SHOWN_COLUMNS = ["table", "row", "column", "key"]


class Ledger:
    """Released counts of this run (and, fixed, of earlier runs of the same data).

    Parameters
    ----------
    folder : path, optional
        Where this run's ledger is kept; read if it exists (an earlier notebook of the
        run), written on :meth:`save`. None keeps it in memory (an analyst's session).
    earlier : iterable of paths
        Ledger folders of earlier published runs of the same dataset.
    run : str
        This run's id, recorded with each count it adds.
    """

    def __init__(self, folder: str | Path | None = None, *, earlier: Iterable[str | Path] = (), run: str = "") -> None:
        self.folder = Path(folder) if folder else None
        self.run = run
        frames = [_read_cells(Path(f)).assign(fixed=True) for f in earlier if (Path(f) / COMPLETE).exists()]
        derived: dict[str, list[pd.DataFrame]] = {}
        for f in [*earlier, *([self.folder] if self.folder else [])]:
            for path in sorted(Path(f).glob("derived-*.parquet")) if Path(f).exists() else []:
                derived.setdefault(path.stem.removeprefix("derived-"), []).append(pd.read_parquet(path))
        if self.folder is not None and (self.folder / "cells.parquet").exists():
            frames.append(_read_cells(self.folder).assign(fixed=False))
        cells = pd.concat(frames, ignore_index=True) if frames else _empty()
        # one row per count: a count an earlier run released keeps its first status; one shown
        # by any run is public (runs into two reports folders may have released it two ways)
        self.cells = (cells.sort_values("hidden", kind="stable").drop_duplicates("key", keep="first").sort_index()
                      .reset_index(drop=True))
        self.derived = {u: _merge_columns(parts) for u, parts in derived.items()}
        # derived columns that label several attributes at once (Release.derive(composite=True))
        self.composite: dict[tuple[str, str], tuple[str, tuple]] = {}
        for f in [*earlier, *([self.folder] if self.folder else [])]:
            if (Path(f) / COMPOSITE).exists():
                for universe, name, separator, components in json.loads((Path(f) / COMPOSITE).read_text(encoding="utf-8")):
                    self.composite[(universe, name)] = (separator, tuple(components))
        mine = self.folder / SHOWN if self.folder is not None else None
        self.shown = (pd.read_parquet(mine).astype(object) if mine is not None and mine.exists()
                      else pd.DataFrame({c: pd.Series(dtype=object) for c in _SHOWN_COLUMNS}))
        floors = [pd.read_parquet(Path(f) / "floors.parquet") for f in [*[e for e in earlier if (Path(e) / COMPLETE).exists()],
                  *([self.folder] if self.folder else [])] if (Path(f) / "floors.parquet").exists()]
        self.floors = _highest(pd.concat(floors, ignore_index=True)) if floors else _no_floors()
        # universe -> (cells, floors, its counts): every check of a table reads its universe's
        # counts again, and a run after earlier ones holds tens of thousands; ``cells`` and
        # ``floors`` are replaced, never changed in place, so the same objects mean the same counts
        self._universe_cells: dict[str, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = {}
        # file name -> the frame last written there: :meth:`save` after each table writes only what changed
        self._written: dict[str, pd.DataFrame] = {}

    # ------------------------------------------------------------------ counts

    def status(self, keys: Iterable[str]) -> pd.Series:
        """Hidden (True), shown (False) or not yet released (NA), per key, in order."""
        return self._recorded("hidden", keys).reset_index(drop=True)

    def withheld(self, keys: Iterable[str]) -> np.ndarray:
        """Whether each count was withheld (hidden with no floor: it may be 0) when first released."""
        return self._recorded("withheld", keys).fillna(False).to_numpy(bool)

    def _recorded(self, column: str, keys: Iterable[str]) -> pd.Series:
        """A recorded flag per key, in order (NA for a count not yet released)."""
        return self.cells.set_index("key")[column].astype("boolean").reindex(list(keys))

    def shown_in(self, run: str) -> pd.DataFrame:
        """The counts run ``run`` showed, one row per table cell: ``table``, ``row``, ``column``, ``key`` and the count's ``true``, ``hidden``, ``withheld``.

        A count another table (or an earlier run) released first is listed under each table
        that showed it, with its one status. A ledger written before :data:`SHOWN` was kept
        lists each count under its first table only.

        Examples
        --------
        >>> ledger = Ledger(run="r1")
        >>> ledger.add(pd.DataFrame({"key": ["k1"], "table": ["01 needs"], "true": [5], "hidden": [True]}))
        >>> ledger.add(pd.DataFrame({"key": ["k1"], "table": ["06 needs"], "true": [5], "hidden": [False]}))
        >>> ledger.shown_in("r1")[["table", "true", "hidden"]].to_numpy().tolist()
        [['01 needs', 5, True], ['06 needs', 5, True]]
        """
        if run != self.run or self.shown.empty:
            return self.cells[self.cells["run"] == run].drop(columns="fixed").reset_index(drop=True)
        status = self.cells.drop_duplicates("key").set_index("key")[["true", "hidden", "withheld"]]
        shown = self.shown.drop_duplicates().reset_index(drop=True)
        return shown.join(status, on="key", how="inner").assign(run=run).reset_index(drop=True)

    def add(self, rows: pd.DataFrame) -> None:
        """Record counts released now (``key``, ``table``, ``true``, ``hidden``, ``withheld``); known keys keep their status.

        Every row is also recorded where it is shown (:attr:`shown`), a known key too.
        """
        for column, default in (("withheld", False), ("row", ""), ("column", "")):
            if column not in rows:
                rows = rows.assign(**{column: default})
        here = rows[_SHOWN_COLUMNS].astype(object)
        self.shown = pd.concat([self.shown, here], ignore_index=True) if len(self.shown) else here.reset_index(drop=True)
        rows = rows.loc[~rows["key"].isin(self.cells["key"])].drop_duplicates("key")
        rows = rows[["key", "table", "row", "column", "true", "hidden", "withheld"]]
        new = rows.assign(run=self.run, fixed=False)
        self.cells = pd.concat([self.cells, new], ignore_index=True) if len(self.cells) else new.reset_index(drop=True)

    def rekey(self, key_of: Callable[[str], str]) -> None:
        """Give every recorded count the key ``key_of`` says (a ledger written by older code).

        Counts that turn out to be one count keep one status: shown if any of them was
        shown (it is public), hidden otherwise, withheld only if withheld wherever it was
        hidden; floors too, the highest kept. The row kept is this run's own where it has
        one (only its own rows are written back).

        Examples
        --------
        >>> ledger = Ledger()
        >>> ledger.cells = pd.DataFrame({"key": ["a", "b"], "table": ["t", "u"], "row": "", "column": "", "true": [4, 4],
        ...     "hidden": [False, True], "withheld": False, "run": ["r1", "r2"], "fixed": [True, False]})
        >>> ledger.rekey(lambda key: "one")
        >>> ledger.cells[["key", "hidden", "run"]].to_numpy().tolist()
        [['one', False, 'r2']]
        """
        if len(self.floors):
            self.floors = _highest(self.floors.assign(key=self.floors["key"].map(key_of)))
        if len(self.shown):
            self.shown = self.shown.assign(key=self.shown["key"].map(key_of))
        if self.cells.empty:
            return
        cells = self.cells.assign(key=self.cells["key"].map(key_of))
        if not cells["key"].duplicated().any():
            self.cells = cells
            return
        hidden = cells.groupby("key", sort=False)["hidden"].transform("all").astype(bool)
        withheld_where_hidden = (cells["withheld"].astype(bool) | ~cells["hidden"].astype(bool)).groupby(cells["key"], sort=False).transform("all")
        withheld = hidden & withheld_where_hidden.astype(bool)
        cells = cells.assign(hidden=hidden, withheld=withheld)
        self.cells = cells.sort_values("fixed", kind="stable").drop_duplicates("key", keep="first").sort_index().reset_index(drop=True)

    def add_floor(self, key: str, true: int, floor: int) -> None:
        """Record that a reader knows a count is at least ``floor`` (from a tally shown as is), whether or not it is released."""
        row = pd.DataFrame({"key": [key], "true": [int(true)], "floor": [int(floor)]})
        self.floors = _highest(pd.concat([self.floors, row], ignore_index=True))

    def floor_of(self, key: str) -> int:
        """The highest floor readers know of a count (0: none)."""
        mine = self.floors.loc[self.floors["key"] == key, "floor"]
        return int(mine.max()) if len(mine) else 0

    def universe_cells(self, universe: str) -> pd.DataFrame:
        """The counts of one universe with their predicates (``pred``) and floors (``floor``).

        A count a reader knows a floor of but no table released is there too, as hidden
        (``tally`` True): the bounds read its floor, and pin it no more than a released one.
        """
        kept = self._universe_cells.get(universe)
        if kept is not None and kept[0] is self.cells and kept[1] is self.floors:
            return kept[2].copy(deep=False)
        out = self._read_universe_cells(universe)
        self._universe_cells[universe] = (self.cells, self.floors, out)
        return out.copy(deep=False)

    def _read_universe_cells(self, universe: str) -> pd.DataFrame:
        parsed = self.cells["key"].map(predicate_from_key)
        mine = parsed.map(lambda item: item[0] == universe).to_numpy(bool)
        out = self.cells[mine].copy()
        out["pred"] = parsed[mine].map(lambda item: item[1])
        floors = self.floors[self.floors["key"].map(lambda k: predicate_from_key(k)[0] == universe).to_numpy(bool)] if len(self.floors) else self.floors
        out["floor"] = out["key"].map(floors.set_index("key")["floor"]).fillna(0).astype("int64")
        out["tally"] = False
        only = floors[~floors["key"].isin(out["key"])]
        if len(only):
            extra = pd.DataFrame({"key": only["key"].to_numpy(), "table": "(a tally shown as is)", "row": "", "column": "",
                                  "true": only["true"].to_numpy(), "hidden": True, "withheld": False, "run": self.run, "fixed": True,
                                  "pred": only["key"].map(lambda k: predicate_from_key(k)[1]).to_numpy(), "floor": only["floor"].to_numpy(),
                                  "tally": True}, index=[f"tally {i}" for i in range(len(only))])
            out = pd.concat([out, extra])
        return out

    # ------------------------------------------------------------------ derived columns

    def derive(self, universe: str, name: str, values: pd.Series) -> None:
        """Keep a column a report derived for the units of a universe.

        A column of that name derived earlier (another notebook or run) must hold the
        same values: a name means one thing for the whole release.
        """
        frame = self.derived.get(universe, pd.DataFrame())
        values = values.rename(name)
        if name in frame.columns:
            before = frame[name].reindex(values.index)
            if not before.fillna("<NA>").astype(str).equals(values.fillna("<NA>").astype(str)):
                raise ValueError(f"derived column {universe}.{name} was released earlier with other values; give the new one another name")
            return
        self.derived[universe] = frame.join(values, how="outer") if len(frame.columns) else values.to_frame()

    # ------------------------------------------------------------------ files

    def save(self) -> None:
        """Write this run's counts and derived columns to the ledger folder (if any)."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        files = {"cells.parquet": self.cells, **{f"derived-{universe}.parquet": frame for universe, frame in self.derived.items()}}
        if len(self.floors):
            files["floors.parquet"] = self.floors
        if len(self.shown):
            files[SHOWN] = self.shown
        if self.composite and self._written.get(COMPOSITE) != self.composite:
            entries = [[universe, name, separator, list(components)] for (universe, name), (separator, components) in sorted(self.composite.items())]
            (self.folder / COMPOSITE).write_text(json.dumps(entries), encoding="utf-8")
            self._written[COMPOSITE] = dict(self.composite)
        for name, frame in files.items():
            if self._written.get(name) is frame:
                continue  # written as it is now (frames are replaced, never changed in place)
            mine = frame.loc[~frame["fixed"], _COLUMNS].reset_index(drop=True) if name == "cells.parquet" else frame
            _atomic_parquet(mine, self.folder / name)
            self._written[name] = frame

    def mark_complete(self) -> None:
        """Record that the run this ledger belongs to was published."""
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / COMPLETE).write_text("published\n", encoding="utf-8")


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"key": pd.Series(dtype=object), "table": pd.Series(dtype=object), "row": pd.Series(dtype=object),
                         "column": pd.Series(dtype=object), "true": pd.Series(dtype="int64"),
                         "hidden": pd.Series(dtype=bool), "withheld": pd.Series(dtype=bool), "run": pd.Series(dtype=object), "fixed": pd.Series(dtype=bool)})


def _no_floors() -> pd.DataFrame:
    return pd.DataFrame({"key": pd.Series(dtype=object), "true": pd.Series(dtype="int64"), "floor": pd.Series(dtype="int64")})


def _highest(floors: pd.DataFrame) -> pd.DataFrame:
    """One floor per count: the highest known."""
    return floors.sort_values("floor", ascending=False, kind="stable").drop_duplicates("key").reset_index(drop=True).astype(
        {"key": object, "true": "int64", "floor": "int64"})


def _read_cells(folder: Path) -> pd.DataFrame:
    path = folder / "cells.parquet"
    if not path.exists():
        return _empty().drop(columns="fixed")
    cells = pd.read_parquet(path)
    for column, default in (("withheld", False), ("row", ""), ("column", "")):
        if column not in cells:
            cells[column] = default
    return cells.astype({"key": object, "table": object, "row": object, "column": object, "run": object, "true": "int64",
                         "hidden": bool, "withheld": bool})


def _merge_columns(parts: list[pd.DataFrame]) -> pd.DataFrame:
    out = parts[0]
    for part in parts[1:]:
        out = out.join(part[[c for c in part.columns if c not in out.columns]], how="outer")
    return out


def _atomic_parquet(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    frame.to_parquet(tmp, index=True)
    tmp.replace(path)
