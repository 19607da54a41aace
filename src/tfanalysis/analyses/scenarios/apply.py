"""Applying a scenario: the members and capacity tables as they would be, checked against the contract.

:func:`apply` returns a new :class:`~tfanalysis.data.io.TaskForceData` (the data given are never
changed) whose ``members`` and ``capacity`` carry the scenario's changes, in order:

- ``remove_member``: with a ``from`` date the member leaves the day before (``left_on``),
  its capacity rows end that day and rows starting later are dropped. Without a date (nor
  the scenario's ``from``) none of its capacity rows counts, as if it had never offered a
  service. Its row in ``members`` stays, so referrals, meetings and surveys naming it
  keep their member.
- ``change_capacity``: the fields of ``set`` replace those of the member's rows for the
  service (one row when ``valid_from`` picks it). With a ``from`` date a row valid across
  it is split: the old values up to the day before, the new ones from that day.
- ``add_capacity``: new rows for an existing member (or one the scenario added).
- ``add_member``: a new member located by its ZIP code (offline,
  :func:`tfanalysis.geo.geocode_zip`) or by lat, lon and county_fips, with capacity rows.

Values are checked with the data contract's own rules: new and changed rows are read with
:func:`tfanalysis.data.schema.coerce_table` and the resulting tables validated with
:func:`tfanalysis.data.schema.validate_table` (codes, taxonomy, service areas, known counties,
flags, dates in order, unique keys, existing members). Each problem names the scenario,
the change and the field (:class:`~tfanalysis.analyses.scenarios.spec.ScenarioError`).

Examples
--------
>>> import tfanalysis as tf
>>> from tfanalysis.analyses.scenarios.spec import read_scenarios
>>> data = tf.load_dataset(DEMO_DIR)
>>> [scenario] = read_scenarios(text='''
... scenarios:
...   - name: Legal aid closes
...     changes:
...       - remove_member: {member_id: M29, from: 2025-10-01}
... ''')
>>> changed = apply(data, scenario)
>>> changed.members.set_index("member_id").loc["M29", "left_on"].date().isoformat()
'2025-09-30'
>>> data.members.set_index("member_id").loc["M29", "left_on"] is pd.NaT
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis import geo
from tfanalysis.analyses.scenarios.spec import CAPACITY_DEFAULTS, Change, PROBLEM_COLUMNS, Scenario, ScenarioError, problem, read_scenarios
from tfanalysis.data import contract, schema
from tfanalysis.data.coerce import date_formats_found
from tfanalysis.data.io import TaskForceData

__all__ = ["CHANGE_COLUMNS", "apply", "apply_all", "check", "describe", "load_scenarios"]

CHANGE_COLUMNS: list[str] = ["scenario", "change", "member_id", "member", "service", "what"]
"""Columns of :func:`describe`: what each change does, in words."""

_DAY = pd.Timedelta(days=1)
_ISO = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")


def apply(data: TaskForceData, scenario: Scenario) -> TaskForceData:
    """The data as the scenario would make them (a new object; ``data`` is left as it is).

    Parameters
    ----------
    data : TaskForceData
        The loaded, valid dataset.
    scenario : Scenario
        From :func:`tfanalysis.analyses.scenarios.spec.read_scenarios`.

    Returns
    -------
    TaskForceData
        ``members`` and ``capacity`` changed; every other table the same object. Rows
        kept keep their labels; new rows get labels after the largest.

    Raises
    ------
    ScenarioError
        If a change does not fit the data or a value breaks the data contract.
    """
    changed, _, problems = _edit(data, scenario)
    if len(problems):
        raise ScenarioError(problems)
    return changed


def describe(data: TaskForceData, scenario: Scenario) -> pd.DataFrame:
    """What each change of a scenario does to the members and capacity, in words.

    Members and capacity are not about victims: the table may be shown as it is. A
    confidential member is placed by its county, never its ZIP code.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CHANGE_COLUMNS`, one row per member × service touched.

    Raises
    ------
    ScenarioError
        As :func:`apply`.
    """
    _, log, problems = _edit(data, scenario)
    if len(problems):
        raise ScenarioError(problems)
    return log


def apply_all(data: TaskForceData, scenarios: Sequence[Scenario], source: str | None = None) -> list[tuple[TaskForceData, pd.DataFrame]]:
    """Apply every scenario: its data and its changes in words (:func:`describe`), in order.

    Raises
    ------
    ScenarioError
        One error listing the problems of every scenario.
    """
    edits = [_edit(data, scenario) for scenario in scenarios]
    problems = [found for _, _, found in edits if len(found)]
    if problems:
        raise ScenarioError(pd.concat(problems, ignore_index=True), source)
    return [(changed, log) for changed, log, _ in edits]


def check(data: TaskForceData, scenarios: Sequence[Scenario], source: str | None = None) -> None:
    """Raise one :class:`ScenarioError` listing the problems of every scenario with the data."""
    apply_all(data, scenarios, source)


def load_scenarios(path: str | Path, data: TaskForceData) -> list[Scenario]:
    """Read a scenario file and check every scenario against the data (see :func:`check`).

    Raises
    ------
    ScenarioError
        Every problem of the file's shape, or (when its shape is right) of its values.
    """
    scenarios = read_scenarios(path)
    check(data, scenarios, str(path))
    return scenarios


# --------------------------------------------------------------------------- the editor


@dataclass
class _Origin:
    """Where a row of the changed tables came from: the change, and how its fields are named."""

    change: Change
    prefix: str = ""
    given: frozenset[str] = frozenset()

    def field(self, column: str) -> str:
        if column == "member_id" and self.prefix:  # the key of a row: the row as a whole
            return self.prefix.strip(" .")
        if self.prefix == "set." and column not in self.given:
            return column
        return f"{self.prefix}{column}"


class _Editor:
    """Applies one scenario's changes in order, collecting problems and a log (a handful of changes)."""

    def __init__(self, data: TaskForceData, scenario: Scenario) -> None:
        self.data = data
        self.scenario = scenario
        self.members = data.members.copy()
        self.capacity = data.capacity.copy()
        self.origin: dict[str, dict[Any, _Origin]] = {"members": {}, "capacity": {}}
        self.unreadable: set[tuple[str, str]] = set()  # (change, field) whose text could not be read
        self.log: list[dict[str, str]] = []
        self.problems: list[dict[str, str]] = []
        self.start = self._date(scenario.start, None, "from") if scenario.start else None

    # ------------------------------------------------------------------ helpers

    def fail(self, change: Change | None, field: str, rule: str) -> None:
        self.problems.append(problem(self.scenario.name, change.label if change else "", field, rule))

    def _date(self, text: str | None, change: Change | None, field: str) -> pd.Timestamp | None:
        if text is None or not str(text).strip():
            return None
        day = pd.to_datetime(str(text).strip(), format="%Y-%m-%d", errors="coerce") if _ISO.match(str(text)) else pd.NaT
        if pd.isna(day):
            ((looks, _),) = date_formats_found(pd.Series([str(text).strip()], dtype="string"), pd.Series([True]))
            self.fail(change, field, "must be a date written YYYY-MM-DD" + (f"; {looks}" if looks else ""))
            return None
        return pd.Timestamp(day)

    def when(self, change: Change) -> pd.Timestamp | None:
        own = change.fields.get("from")
        return self._date(own, change, "from") if own else self.start

    def member_known(self, change: Change) -> bool:
        known = bool((self.members["member_id"] == change.fields["member_id"]).any())
        if not known:
            self.fail(change, "member_id", "names no member of the data (members.member_id) nor one this scenario added before")
        return known

    def member_name(self, member_id: str) -> str:
        return str(self.members.loc[self.members["member_id"] == member_id, "name"].iloc[0])

    def note(self, change: Change, member_id: str, service: str, what: str) -> None:
        self.log.append({"scenario": self.scenario.name, "change": change.label, "member_id": member_id,
                         "member": self.member_name(member_id), "service": service, "what": what})

    def read_rows(self, table: contract.Table, raw: pd.DataFrame, change: Change, prefixes: Sequence[str]) -> pd.DataFrame:
        """Text rows read as the contract reads a file; unreadable cells reported against the change."""
        typed, problems = schema.coerce_table(raw.astype("string"), table)
        for row in problems.itertuples(index=False):  # a few cells
            if row.severity == "error":
                field = f"{prefixes[int(row.row) - 1]}{row.column}"
                self.fail(change, field, row.rule)
                self.unreadable.add((change.label, field))
        return typed

    def append(self, name: str, rows: pd.DataFrame, origins: Sequence[_Origin]) -> pd.Index:
        """Add rows to ``members`` or ``capacity`` under new labels (after the largest)."""
        current = getattr(self, name)
        start = int(current.index.max()) + 1 if len(current) else 0
        labels = pd.RangeIndex(start, start + len(rows))
        rows = rows.set_axis(labels).reindex(columns=current.columns)
        rows = rows.astype({c: current[c].dtype for c in current.columns}, errors="ignore")
        setattr(self, name, pd.concat([current, rows]) if len(current) else rows)
        for label, origin in zip(labels, origins):
            self.origin[name][label] = origin
        return labels

    def capacity_rows(self, change: Change, member_id: str, default_from: pd.Timestamp | None) -> None:
        rows = change.fields["capacity"]
        raw = pd.DataFrame([{**CAPACITY_DEFAULTS, **row} for row in rows])
        raw["member_id"] = member_id
        if "valid_from" not in raw:
            raw["valid_from"] = pd.NA
        fallback = "" if default_from is None else default_from.strftime("%Y-%m-%d")
        raw["valid_from"] = raw["valid_from"].fillna(fallback)
        prefixes = [f"capacity {i} " for i in range(1, len(rows) + 1)]
        typed = self.read_rows(contract.CAPACITY, raw, change, prefixes)
        labels = self.append("capacity", typed, [_Origin(change, p) for p in prefixes])
        for label in labels:
            self.note(change, member_id, str(self.capacity.at[label, "service"]), "new row: " + _row_words(self.capacity.loc[label]))

    # ------------------------------------------------------------------ actions

    def remove_member(self, change: Change) -> None:
        start = self.when(change)
        if not self.member_known(change):
            return
        member_id = change.fields["member_id"]
        mine = (self.capacity["member_id"] == member_id).to_numpy(bool)
        if start is None:
            drop = mine
            what = f"offers no service: {int(drop.sum())} capacity row(s) removed"
        else:
            last = start - _DAY
            drop = mine & (self.capacity["valid_from"] >= start).fillna(False).to_numpy(bool)
            cut = mine & ~drop & (self.capacity["valid_to"].isna() | (self.capacity["valid_to"] > last)).to_numpy(bool)
            self.capacity.loc[cut, "valid_to"] = last
            for label in self.capacity.index[cut]:
                self.origin["capacity"].setdefault(label, _Origin(change))
            here = self.members["member_id"] == member_id
            joined, left = self.members.loc[here, "joined_on"].iloc[0], self.members.loc[here, "left_on"].iloc[0]
            if pd.notna(joined) and joined <= last and (pd.isna(left) or left > last):
                self.members.loc[here, "left_on"] = last
                self.origin["members"].setdefault(self.members.index[here][0], _Origin(change))
            what = f"leaves on {start.date()}: {int(cut.sum())} capacity row(s) end {last.date()}, {int(drop.sum())} later row(s) removed"
        self.capacity = self.capacity[~drop]
        self.note(change, member_id, "", what)

    def change_capacity(self, change: Change) -> None:
        if not self.member_known(change):
            return
        member_id, service = change.fields["member_id"], change.fields["service"]
        chosen = (self.capacity["member_id"] == member_id) & (self.capacity["service"] == service)
        picked = self._date(change.fields.get("valid_from"), change, "valid_from")
        if picked is not None:
            chosen &= self.capacity["valid_from"] == picked
        chosen = chosen.fillna(False).to_numpy(bool)
        if not chosen.any():
            which = "member_id, service" + (" and valid_from" if picked is not None else "")
            self.fail(change, "service", f"matches no capacity row ({which})")
            return
        changes: Mapping[str, str] = change.fields["set"]
        values = self.read_rows(contract.CAPACITY, pd.DataFrame([dict(changes)]), change, ["set."]).iloc[0]
        origin = _Origin(change, "set.", frozenset(changes))
        before = self.capacity.loc[chosen].iloc[0]
        start = self.when(change)
        if start is not None:
            chosen &= (self.capacity["valid_to"].isna() | (self.capacity["valid_to"] >= start)).to_numpy(bool)
            if not chosen.any():
                self.fail(change, "from", "no capacity row of this member and service is valid on or after from")
                return
            split = chosen & (self.capacity["valid_from"] < start).fillna(False).to_numpy(bool)
            later = self.capacity.loc[split].copy()
            later["valid_from"] = start
            self.capacity.loc[split, "valid_to"] = start - _DAY
            for label in self.capacity.index[split]:
                self.origin["capacity"].setdefault(label, _Origin(change))
            chosen &= ~split
            new = self.append("capacity", later, [origin] * len(later))
            chosen = np.concatenate([chosen, np.ones(len(new), dtype=bool)])
        for column in changes:
            self.capacity.loc[chosen, column] = values[column]
        for label in self.capacity.index[chosen]:
            self.origin["capacity"][label] = origin
        words = "; ".join(f"{c} {_cell_words(before[c])} → {_cell_words(values[c])}" for c in changes)
        since = f" from {start.date()}" if start is not None else ""
        self.note(change, member_id, service, f"{words}{since} ({int(chosen.sum())} row(s))")

    def add_capacity(self, change: Change) -> None:
        if not self.member_known(change):
            return
        member_id = change.fields["member_id"]
        joined = self.members.loc[self.members["member_id"] == member_id, "joined_on"].iloc[0]
        self.capacity_rows(change, member_id, self.start or (None if pd.isna(joined) else pd.Timestamp(joined)))

    def add_member(self, change: Change) -> None:
        fields = change.fields
        member_id = fields["member_id"]
        if (self.members["member_id"] == member_id).any():
            self.fail(change, "member_id", "is already a member: use add_capacity or change_capacity for an existing member")
            return
        joined = self._date(fields.get("joined_on"), change, "joined_on") or self.start or _first_day(self.data)
        raw = {name: fields.get(name, pd.NA) for name in contract.MEMBERS.column_names}
        raw.update(joined_on=joined.strftime("%Y-%m-%d"), left_on=pd.NA,
                   confidential_location=fields.get("confidential_location", "false"))
        typed = self.read_rows(contract.MEMBERS, pd.DataFrame([raw]), change, [""])
        self._locate(typed, change)
        self.append("members", typed, [_Origin(change)])
        where = _county_words(typed.iloc[0])
        self.note(change, member_id, "", f"joins on {joined.date()} ({typed.at[0, 'sector']}), {where}")
        if "capacity" in fields:
            self.capacity_rows(change, member_id, joined)

    def _locate(self, typed: pd.DataFrame, change: Change) -> None:
        """Coordinates and county from the ZIP code where not given (offline)."""
        row = typed.iloc[0]
        if pd.isna(row["zip"]) or (pd.notna(row["lat"]) and pd.notna(row["lon"]) and pd.notna(row["county_fips"])):
            return
        found = geo.geocode_zip([str(row["zip"])], vintage=geo.dataset_vintage(self.data)).iloc[0]
        if not bool(found["found"]) or pd.isna(found["lat"]):
            self.fail(change, "zip", "ZIP code not found in the ZIP code table; give lat, lon and county_fips instead")
            return
        for column in ("lat", "lon"):
            if pd.isna(row[column]):
                typed.loc[0, column] = float(found[column])
        if pd.isna(row["county_fips"]) and pd.notna(found["county_fips"]):
            typed.loc[0, "county_fips"] = str(found["county_fips"])

    # ------------------------------------------------------------------ the contract

    def validate(self) -> None:
        """Check the changed tables with the contract's rules; report the rows the scenario touched."""
        ids = {"member": self.members["member_id"].dropna()}
        for name, table in (("members", contract.MEMBERS), ("capacity", contract.CAPACITY)):
            frame = getattr(self, name)
            touched = self.origin[name]
            if not touched:
                continue
            parts = [schema.validate_table(frame, table, ids), *(rule(frame) for rule in schema.TABLE_RULES.get(name, ()))]
            found = schema.combine_problems(parts)
            said = {(p["change"], p["field"], p["rule"]) for p in self.problems}
            for row in found.itertuples(index=False):  # problems of the few rows touched
                origin = None if pd.isna(row.row) else touched.get(frame.index[int(row.row) - 1])
                if origin is None:
                    continue
                field = origin.field(str(row.column))
                # a cell that could not be read is empty now: "must not be empty" would say it twice
                if (origin.change.label, field) in self.unreadable or (origin.change.label, field, str(row.rule)) in said:
                    continue
                self.fail(origin.change, field, str(row.rule))
                said.add((origin.change.label, field, str(row.rule)))


def _edit(data: TaskForceData, scenario: Scenario) -> tuple[TaskForceData, pd.DataFrame, pd.DataFrame]:
    editor = _Editor(data, scenario)
    for change in scenario.changes:  # a handful of changes
        getattr(editor, change.action)(change)
    editor.validate()
    problems = pd.DataFrame(editor.problems, columns=PROBLEM_COLUMNS).drop_duplicates()
    # in the file's order: the scenario's own fields, then change by change
    number = pd.to_numeric(problems["change"].str.extract(r"^(\d+)", expand=False), errors="coerce").fillna(0)
    problems = problems.assign(_n=number).sort_values(["_n", "field"], kind="stable").drop(columns="_n").astype("string")
    log = pd.DataFrame(editor.log, columns=CHANGE_COLUMNS)
    return data.replace(members=editor.members, capacity=editor.capacity), log, problems.reset_index(drop=True)


def _first_day(data: TaskForceData) -> pd.Timestamp:
    """The data's first day: the earliest date a member joined or a capacity row starts."""
    dates = pd.concat([data.members["joined_on"], data.capacity["valid_from"]]).dropna()
    return pd.Timestamp(dates.min()) if len(dates) else pd.Timestamp("1900-01-01")


# --------------------------------------------------------------------------- words


def _cell_words(value: Any) -> str:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return "(empty)"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _row_words(row: pd.Series) -> str:
    """A capacity row in a few words: ``8 a month, area 39105;39053, adults, genders all, languages any, from 2025-10-01``."""
    ages = {(True, True): "minors and adults", (True, False): "minors", (False, True): "adults"}.get(
        (bool(row["serves_minors"]) if pd.notna(row["serves_minors"]) else False,
         bool(row["serves_adults"]) if pd.notna(row["serves_adults"]) else False), "no age group")
    until = f" to {_cell_words(row['valid_to'])}" if pd.notna(row["valid_to"]) else ""
    return (f"{_cell_words(row['capacity_per_month'])} a month, area {_cell_words(row['service_area'])}, {ages}, "
            f"genders {_cell_words(row['genders'])}, languages {_cell_words(row['languages'])}, "
            f"from {_cell_words(row['valid_from'])}{until}")


def _county_words(member: pd.Series) -> str:
    """Where a new member is, for the table of changes: its county, and its ZIP unless confidential."""
    fips = member["county_fips"]
    name = geo.county_names(str(fips)[:2]).get(str(fips), str(fips)) if pd.notna(fips) else "county unknown"
    if bool(member["confidential_location"]) if pd.notna(member["confidential_location"]) else False:
        return f"{name} (confidential location)"
    return f"{name} (ZIP {member['zip']})" if pd.notna(member["zip"]) else name
