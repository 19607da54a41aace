"""The scenario file: what-if changes to the members and capacity tables, read and checked.

A scenario file is YAML (see ``docs/what-if.md``)::

    scenarios:
      - name: Mental-health clinic in Meigs County
        description: A counseling center opens in Pomeroy and serves the southeast.
        from: 2025-10-01               # optional: when the changes take effect
        changes:
          - add_member:
              member_id: S01
              name: Pomeroy counseling center
              sector: health
              zip: "45769"
              capacity:
                - service: mental_health_care
                  capacity_per_month: 6
                  service_area: 39105;39053
          - remove_member: {member_id: M29, from: 2025-10-01}
          - change_capacity:
              member_id: M15
              service: housing_emergency
              set: {genders: all, capacity_per_month: 12}
          - add_capacity:
              member_id: M14
              capacity:
                - {service: housing_emergency, capacity_per_month: 10, service_area: statewide, genders: male}

This module reads the file's *shape*: every scenario has a unique name and a list of
changes, each change is one of :data:`ACTIONS` with its required fields and no unknown
ones. Every scalar is read as text (YAML's base loader), so ``02134`` stays a ZIP code,
``2025-10-01`` a date written as text and ``yes`` a word: the values are checked against
the data contract when the scenario is applied to the data
(:func:`tfanalysis.analyses.scenarios.apply.check`). Problems are collected, never just the first,
into one :class:`ScenarioError` naming scenario, change, field and rule.

Examples
--------
>>> found = read_scenarios(text="scenarios:\\n  - name: A\\n    changes:\\n      - remove_member: {member_id: M29}\\n")
>>> found[0].name, found[0].changes[0].action, found[0].changes[0].fields["member_id"]
('A', 'remove_member', 'M29')
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tfanalysis.data import contract

__all__ = [
    "ACTIONS",
    "CAPACITY_DEFAULTS",
    "CAPACITY_FIELDS",
    "Change",
    "PROBLEM_COLUMNS",
    "Scenario",
    "ScenarioError",
    "format_problems",
    "problem",
    "read_scenarios",
]

CAPACITY_FIELDS: tuple[str, ...] = tuple(c.name for c in contract.CAPACITY.columns if c.name != "member_id")
"""Fields of a capacity row a scenario gives (the contract's ``capacity`` columns but ``member_id``)."""

CAPACITY_DEFAULTS: dict[str, str] = {
    "serves_minors": "true",
    "serves_adults": "true",
    "genders": contract.ALL_GENDERS,
    "serves_foreign_nationals": "true",
    "languages": contract.ANY_LANGUAGE,
    "available_24_7": "false",
}
"""Values of the eligibility fields an added capacity row leaves out: open to everyone, not 24/7."""

CHANGEABLE_FIELDS: tuple[str, ...] = tuple(f for f in CAPACITY_FIELDS if f != "service")
"""Fields ``change_capacity`` may ``set``: capacity per month, service area, eligibility, 24/7, validity."""

MEMBER_FIELDS: tuple[str, ...] = ("name", "sector", "zip", "lat", "lon", "county_fips", "joined_on", "confidential_location")
"""Fields of a member ``add_member`` may give besides ``member_id`` and ``capacity``."""

ACTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "remove_member": {"required": ("member_id",), "optional": ("from",)},
    "change_capacity": {"required": ("member_id", "service", "set"), "optional": ("valid_from", "from")},
    "add_capacity": {"required": ("member_id", "capacity"), "optional": ()},
    "add_member": {"required": ("member_id", "name", "sector"), "optional": (*MEMBER_FIELDS[2:], "capacity")},
}
"""What a change may do, with its required and optional fields."""

_SCENARIO_KEYS = ("name", "description", "from", "changes")

PROBLEM_COLUMNS: list[str] = ["scenario", "change", "field", "rule"]


@dataclass(frozen=True)
class Change:
    """One change of a scenario.

    Attributes
    ----------
    number : int
        Its place in the scenario's list, from 1.
    action : str
        One of :data:`ACTIONS`.
    fields : dict
        Its fields as written: text, lists of mappings (``capacity``) or a mapping (``set``).
    """

    number: int
    action: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """How messages and tables name it: ``2 (add_member)``."""
        return f"{self.number} ({self.action})"


@dataclass(frozen=True)
class Scenario:
    """A named set of changes to the members and capacity tables.

    Attributes
    ----------
    name : str
    description : str
    start : str or None
        The scenario's ``from`` date as written: the default date of its changes.
    changes : tuple of Change
    """

    name: str
    changes: tuple[Change, ...]
    description: str = ""
    start: str | None = None

    def key(self) -> str:
        """A short fingerprint of the scenario's content (the same content, the same key).

        Examples
        --------
        >>> a = Scenario("A", (Change(1, "remove_member", {"member_id": "M1"}),))
        >>> a.key() == Scenario("B", a.changes).key(), len(a.key())
        (True, 12)
        """
        payload = json.dumps({"from": self.start, "changes": [[c.action, c.fields] for c in self.changes]}, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


class ScenarioError(ValueError):
    """A scenario file breaks its format, or does not fit the data.

    The message lists every problem: scenario, change, field and rule.

    Attributes
    ----------
    problems : pandas.DataFrame
        One row per problem, columns :data:`PROBLEM_COLUMNS`.
    """

    def __init__(self, problems: pd.DataFrame, source: str | None = None) -> None:
        self.problems = problems.reset_index(drop=True)
        self.source = source
        super().__init__(format_problems(self.problems, source))


def problem(scenario: str, change: str, field_name: str, rule: str) -> dict[str, str]:
    """One problem as a record (see :data:`PROBLEM_COLUMNS`)."""
    return {"scenario": scenario, "change": change, "field": field_name, "rule": rule}


def format_problems(problems: pd.DataFrame, source: str | None = None) -> str:
    """Write problems as one message, one line each.

    Examples
    --------
    >>> p = pd.DataFrame([problem("Clinic", "1 (add_member)", "zip", "ZIP code not found")])
    >>> print(format_problems(p, "demo.yaml"))
    The scenario file has 1 problem (demo.yaml).
    - scenario "Clinic", change 1 (add_member), field zip: ZIP code not found
    """
    if problems.empty:
        return "The scenario file is valid."
    lines = []
    for row in problems.itertuples(index=False):  # one line per problem (a handful)
        where = [f'scenario "{row.scenario}"' if row.scenario else "", f"change {row.change}" if row.change else "",
                 f"field {row.field}" if row.field else ""]
        place = ", ".join(w for w in where if w)
        lines.append(f"- {place}: {row.rule}" if place else f"- {row.rule}")
    src = f" ({source})" if source else ""
    n = len(problems)
    return "\n".join([f"The scenario file has {n} problem{'s' if n != 1 else ''}{src}.", *lines])


def _as_problems(found: Sequence[Mapping[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(list(found), columns=PROBLEM_COLUMNS).astype("string")


def read_scenarios(path: str | Path | None = None, *, text: str | None = None) -> list[Scenario]:
    """Read a scenario file and check its shape.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The YAML file.
    text : str, optional
        The file's text instead of a path (tests, notebooks).

    Returns
    -------
    list of Scenario
        In the file's order.

    Raises
    ------
    ScenarioError
        Listing every problem of shape: unreadable file or YAML, no ``scenarios`` list, a
        scenario without a name or with a name used twice, no changes, an unknown action,
        a missing or unknown field, a ``capacity`` that is not a list of rows, a ``set``
        that is not a mapping of changeable fields.

    Examples
    --------
    >>> read_scenarios(text="scenarios:\\n  - name: A\\n    changes:\\n      - close_member: {member_id: M29}\\n")
    Traceback (most recent call last):
    ...
    tfanalysis.analyses.scenarios.spec.ScenarioError: The scenario file has 1 problem.
    - scenario "A", change 1 (close_member): unknown action: use one of add_capacity, add_member, change_capacity, remove_member
    """
    import yaml

    source = None if path is None else str(path)
    if text is None:
        if path is None:
            raise TypeError("give the path of a scenario file, or its text=")
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(_as_problems([problem("", "", "", f"cannot read the scenario file: {type(exc).__name__}: {exc}")]), source) from None
    try:
        loaded = yaml.load(text, Loader=yaml.BaseLoader)  # every scalar as text: 02134 stays a ZIP code
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or type(exc).__name__
        raise ScenarioError(_as_problems([problem("", "", "", f"not valid YAML{where}: {reason}")]), source) from None
    found: list[dict[str, str]] = []
    scenarios = _scenarios(loaded, found)
    if found:
        raise ScenarioError(_as_problems(found), source)
    return scenarios


def _scenarios(loaded: Any, found: list[dict[str, str]]) -> list[Scenario]:
    if not isinstance(loaded, dict):
        found.append(problem("", "", "", "the file must be a mapping with one key, scenarios: a list of scenarios"))
        return []
    for key in sorted(set(loaded) - {"scenarios"}):
        found.append(problem("", "", key, "unknown key: the file holds one key, scenarios"))
    items = loaded.get("scenarios")
    if not isinstance(items, list) or not items:
        found.append(problem("", "", "scenarios", "must be a list of at least one scenario"))
        return []
    out: list[Scenario] = []
    names: set[str] = set()
    for position, item in enumerate(items, start=1):  # a handful of scenarios
        label = f"#{position}"
        if not isinstance(item, dict):
            found.append(problem(label, "", "", "a scenario must be a mapping with name and changes"))
            continue
        name = item.get("name")
        if isinstance(name, str) and name.strip():
            label = name.strip()
            if label in names:
                found.append(problem(label, "", "name", "is used by another scenario: give each scenario its own name"))
            names.add(label)
        else:
            found.append(problem(label, "", "name", "required: a short name for the scenario"))
        for key in sorted(set(item) - set(_SCENARIO_KEYS)):
            found.append(problem(label, "", key, f"unknown field: a scenario has {', '.join(_SCENARIO_KEYS)}"))
        for key in ("description", "from"):
            if key in item and not isinstance(item[key], str):
                found.append(problem(label, "", key, "must be a single value"))
        changes = _changes(item.get("changes"), label, found)
        start = item.get("from") if isinstance(item.get("from"), str) and item.get("from") else None
        description = item.get("description") if isinstance(item.get("description"), str) else ""
        out.append(Scenario(label, tuple(changes), description.strip(), start))
    return out


def _changes(items: Any, label: str, found: list[dict[str, str]]) -> list[Change]:
    if not isinstance(items, list) or not items:
        found.append(problem(label, "", "changes", "must be a list of at least one change"))
        return []
    out = []
    for number, item in enumerate(items, start=1):  # a handful of changes
        if not isinstance(item, dict) or len(item) != 1:
            found.append(problem(label, str(number), "", "a change must be one action (" + ", ".join(sorted(ACTIONS)) + ") holding its fields"))
            continue
        (action, fields), = item.items()
        change = Change(number, action, fields if isinstance(fields, dict) else {})
        if action not in ACTIONS:
            found.append(problem(label, change.label, "", "unknown action: use one of " + ", ".join(sorted(ACTIONS))))
            continue
        if not isinstance(fields, dict):
            found.append(problem(label, change.label, "", "the action must hold a mapping of its fields"))
            continue
        _check_fields(change, label, found)
        out.append(change)
    return out


def _check_fields(change: Change, label: str, found: list[dict[str, str]]) -> None:
    spec = ACTIONS[change.action]
    allowed = (*spec["required"], *spec["optional"])
    for name in spec["required"]:
        value = change.fields.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            found.append(problem(label, change.label, name, "required"))
    for name in sorted(set(change.fields) - set(allowed)):
        found.append(problem(label, change.label, name, f"unknown field: {change.action} has {', '.join(allowed)}"))
    for name, value in change.fields.items():
        if name in ("set", "capacity") or name not in allowed:
            continue
        if not isinstance(value, str):
            found.append(problem(label, change.label, name, "must be a single value"))
    if "set" in change.fields:
        changes = change.fields["set"]
        if not isinstance(changes, dict) or not changes:
            found.append(problem(label, change.label, "set", "must map capacity fields to their new values"))
        else:
            for name in sorted(changes):
                if name not in CHANGEABLE_FIELDS:
                    found.append(problem(label, change.label, f"set.{name}", "cannot be changed: set one of " + ", ".join(CHANGEABLE_FIELDS)))
                elif not isinstance(changes[name], str):
                    found.append(problem(label, change.label, f"set.{name}", "must be a single value"))
            if "from" in change.fields and {"valid_from", "valid_to"} & set(changes):
                found.append(problem(label, change.label, "from", "give either from (the change starts that day) or a new validity in set, not both"))
    if "capacity" in change.fields:
        _check_rows(change, label, found)


def _check_rows(change: Change, label: str, found: list[dict[str, str]]) -> None:
    rows = change.fields["capacity"]
    if not isinstance(rows, list) or not rows:
        found.append(problem(label, change.label, "capacity", "must be a list of at least one capacity row"))
        return
    for i, row in enumerate(rows, start=1):
        where = f"capacity {i}"
        if not isinstance(row, dict):
            found.append(problem(label, change.label, where, "must be a mapping of capacity fields"))
            continue
        for name in ("service", "capacity_per_month", "service_area"):
            if not (isinstance(row.get(name), str) and row[name].strip()):
                found.append(problem(label, change.label, f"{where} {name}", "required"))
        for name in sorted(set(row) - set(CAPACITY_FIELDS)):
            found.append(problem(label, change.label, f"{where} {name}", "unknown field: a capacity row has " + ", ".join(CAPACITY_FIELDS)))
        for name, value in row.items():
            if name in CAPACITY_FIELDS and not isinstance(value, str):
                found.append(problem(label, change.label, f"{where} {name}", "must be a single value"))
