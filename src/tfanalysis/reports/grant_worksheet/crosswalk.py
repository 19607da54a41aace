"""The crosswalk: a funder's questionnaire as data, read and checked (the grammar is in :mod:`tfanalysis.reports.grant_worksheet`).

Examples
--------
>>> crosswalk = load_crosswalk()
>>> crosswalk.items[0].id, crosswalk.items[0].table
('1.1', 'clients_served')
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from tfanalysis.data import contract, taxonomy
from tfanalysis.data.periods import Period

DEFAULT_CROSSWALK = "federal_anti_trafficking.yaml"
"""The crosswalk used when none is named (in ``resources/crosswalks``)."""

WORKSHEET_FILE = "grant_worksheet.xlsx"

FIRST_ROW = (
    "EXACT COUNTS FOR THE FUNDER - NOT DISCLOSURE-CONTROLLED. Small counts are NOT hidden here: keep this "
    "file with the grant manager. It is written beside the run folder, is not part of the reports sent to "
    "leadership and is not linked from index.html; do not publish it or attach it to the report pack."
)
"""What the worksheet's first row says."""

CHECK_QUESTIONNAIRE = (
    "Check every item against your funder's current questionnaire before copying a number: wording, "
    "definitions and categories change from one solicitation to the next. Items the data cannot support are "
    "marked as such and left empty, never estimated."
)

VIEWS: tuple[str, ...] = ("clients_served",)

PERIOD_COLUMNS: dict[str, str] = {
    "clients": "identified_on",
    "clients_served": "",
    "needs": "identified_on",
    "referrals": "referred_on",
    "cj_events": "occurred_on",
    "activities": "date",
    "attendance": "date",
    "members": "",
}
"""Each table's date column that puts a row in the period by default (``""``: see the table)."""

_ADULT_OR_MINOR = ("adult", "minor", "unknown")
_SERVICE_CATEGORIES = tuple(dict.fromkeys(taxonomy.NEED_GROUPS.values()))

DERIVED_COLUMNS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "clients": {"adult_or_minor": _ADULT_OR_MINOR},
    "clients_served": {"adult_or_minor": _ADULT_OR_MINOR, "client_status": ("new", "continuing")},
    "needs": {"service_category": _SERVICE_CATEGORIES},
    "referrals": {
        "service_category": _SERVICE_CATEGORIES,
        "from_sector": contract.SECTORS,
        "to_sector": contract.SECTORS,
        "from_member_name": None,
        "to_member_name": None,
    },
    "attendance": {"date": None, "kind": contract.ACTIVITY_KINDS, "sector": contract.SECTORS, "member_name": None},
}
"""Columns each table carries beyond the contract's, with their codes (``None``: free text or date).

``adult_or_minor`` is ``minor`` for the age group ``minor``, ``unknown`` for ``unknown``,
else ``adult``; ``client_status`` is ``new`` (identified in the period) or ``continuing``;
``service_category`` is the taxonomy group of the need or service; ``from_sector``,
``to_sector``, ``sector`` and the ``*_name`` columns come from ``members``; ``date`` and
``kind`` of attendance from ``activities``."""

_ITEM_KEYS = {"id", "section", "item", "table", "during", "where", "unless", "count", "by", "unsupported", "note"}
_CHECK_KEYS = {"check", "sum", "equals"}
_TOP_KEYS = {"title", "note", "extra_columns", "items", "checks"}
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")

_VALUE_LABELS: dict[str, str] = {
    "us_citizen": "U.S. citizen",
    "foreign_national": "Foreign national",
    "adult": "Adult (18 or over)",
    "minor": "Minor (under 18)",
    "both": "Sex and labor",
    "nonbinary": "Nonbinary",
    "joint_training": "Joint training",
    "new": "New (identified in the period)",
    "continuing": "Continuing (identified earlier)",
}
_COLUMN_LABELS: dict[str, str] = {
    "adult_or_minor": "Adult or minor",
    "age_group": "Age group",
    "client_status": "New or continuing",
    "trafficking_type": "Type of trafficking",
    "nationality": "Citizenship",
    "gender": "Gender",
    "service_category": "Service category",
    "need": "Service",
    "service": "Service",
    "from_sector": "Referring member's discipline",
    "to_sector": "Receiving member's discipline",
    "referral_source_sector": "Referred by (discipline)",
    "sector": "Discipline",
    "member_name": "Member organization",
    "from_member_name": "Referring member",
    "to_member_name": "Receiving member",
    "event": "Event",
    "outcome": "Outcome",
    "kind": "Kind of activity",
}


class CrosswalkError(ValueError):
    """A crosswalk that cannot be read or evaluated; ``problems`` lists every one."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"the crosswalk {source} has {len(problems)} problem(s):\n- " + "\n- ".join(problems))


@dataclass(frozen=True)
class Item:
    """One question of the worksheet and how the data answer it (see the module docstring)."""

    id: str
    section: str
    item: str
    table: str = ""
    during: str = ""
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unless: dict[str, tuple[str, ...]] = field(default_factory=dict)
    count: tuple[str, ...] = ()
    by: tuple[str, ...] = ()
    unsupported: str = ""
    note: str = ""

    def definition(self) -> str:
        """The item's definition in words, for the worksheet.

        Examples
        --------
        >>> Item("2", "S", "Arrests", table="cj_events", where={"event": ("arrest",)}, count=("rows",)).definition()
        'cj_events rows with occurred_on in the period, where event is arrest; count rows'
        """
        if self.unsupported:
            return ""
        if self.table == "clients_served" and not self.during:
            when = "clients served in the period (new or continuing)"
        elif self.table == "members" and not self.during:
            when = "members active in the period"
        else:
            when = f"{self.table} rows with {self.during or PERIOD_COLUMNS[self.table]} in the period"
        parts = [when]
        parts += [f"where {c} is {' or '.join(v)}" for c, v in self.where.items()]
        parts += [f"unless {c} is {' or '.join(v)}" for c, v in self.unless.items()]
        what = "rows" if self.count == ("rows",) else "distinct " + " + ".join(self.count)
        tail = f"count {what}" + (f" by {', '.join(self.by)}" if self.by else "")
        return ", ".join(parts) + "; " + tail


@dataclass(frozen=True)
class Check:
    """A reconciliation: the counts of ``sum`` added up equal the count of ``equals``."""

    check: str
    sum: tuple[str, ...]
    equals: str


@dataclass(frozen=True)
class Crosswalk:
    """A funder's questionnaire, item by item, in terms of the data contract."""

    title: str
    items: tuple[Item, ...]
    checks: tuple[Check, ...] = ()
    note: str = ""
    extra_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class Worksheet:
    """A filled worksheet.

    Attributes
    ----------
    crosswalk : Crosswalk
    period : Period
    items : pandas.DataFrame
        One row per item and category: ``id``, ``section``, ``item``, ``breakdown``,
        ``category``, ``count`` (Int64; empty when the item has no answer), ``status``
        (empty, or why there is no number), ``definition``.
    checks : pandas.DataFrame
        ``check``, ``found`` (the sum), ``expected``, ``result`` (``OK``,
        ``DOES NOT RECONCILE`` or ``not checked: …``).
    data_name : str
        The dataset folder's name.
    """

    crosswalk: Crosswalk
    period: Period
    items: pd.DataFrame
    checks: pd.DataFrame
    data_name: str = ""


# --------------------------------------------------------------------------- reading


def crosswalks_dir() -> Path:
    """The folder holding the package's crosswalks."""
    return Path(str(resources.files("tfanalysis") / "resources" / "crosswalks"))


def load_crosswalk(path: str | os.PathLike[str] | None = None) -> Crosswalk:
    """Read a crosswalk file and check it against the data contract.

    Parameters
    ----------
    path : path, optional
        A crosswalk YAML file; :data:`DEFAULT_CROSSWALK` by default.

    Returns
    -------
    Crosswalk

    Raises
    ------
    CrosswalkError
        Listing every problem: unknown keys, tables, columns or codes, duplicate ids, checks
        naming unknown items.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.yaml"
    >>> _ = p.write_text("items:\\n  - {id: a, item: Clients, table: clients, count: client_idd, by: gendr}\\n")
    >>> try:
    ...     load_crosswalk(p)
    ... except CrosswalkError as err:
    ...     print(err.problems[0]); print(err.problems[1])
    item a: clients has no column 'client_idd'
    item a: clients has no column 'gendr'
    """
    import yaml

    file = Path(path) if path is not None else crosswalks_dir() / DEFAULT_CROSSWALK
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CrosswalkError(str(file.name), [f"cannot read it: {exc}"]) from None
    return parse_crosswalk(raw, source=file.name)


def parse_crosswalk(raw: Any, *, source: str = "crosswalk") -> Crosswalk:
    """Build a :class:`Crosswalk` from its parsed YAML, listing every problem at once."""
    if not isinstance(raw, dict) or not isinstance(raw.get("items"), list):
        raise CrosswalkError(source, ["it must be a mapping with a list of 'items'"])
    problems = [f"unknown key {k!r} (allowed: {', '.join(sorted(_TOP_KEYS))})" for k in raw if k not in _TOP_KEYS]
    extra = {str(t): tuple(str(c) for c in _as_list(cols)) for t, cols in (raw.get("extra_columns") or {}).items()}
    problems += [f"extra_columns: no table {t!r}" for t in extra if t not in PERIOD_COLUMNS]
    items: list[Item] = []
    section = ""
    for n, entry in enumerate(raw["items"], start=1):
        if not isinstance(entry, dict):
            problems.append(f"items line {n}: an item is a mapping such as {{id: ..., item: ..., table: ...}}")
            continue
        section = str(entry.get("section", section))
        item, found = _parse_item(entry, section, n, extra)
        problems += found
        if item is not None:
            items.append(item)
    ids = [i.id for i in items]
    problems += [f"item id {i!r} is used more than once" for i in sorted({i for i in ids if ids.count(i) > 1})]
    checks: list[Check] = []
    for n, entry in enumerate(raw.get("checks") or [], start=1):
        if not isinstance(entry, dict) or set(entry) - _CHECK_KEYS or not {"check", "sum", "equals"} <= set(entry):
            problems.append(f"checks line {n}: a check is {{check: ..., sum: [ids], equals: id}}")
            continue
        check = Check(str(entry["check"]), tuple(str(i) for i in _as_list(entry["sum"])), str(entry["equals"]))
        problems += [f"check {check.check!r}: no item {i!r}" for i in (*check.sum, check.equals) if i not in ids]
        checks.append(check)
    if problems:
        raise CrosswalkError(source, problems)
    return Crosswalk(str(raw.get("title", source)), tuple(items), tuple(checks), str(raw.get("note", "")), extra, source)


def _parse_item(entry: dict, section: str, n: int, extra: dict[str, tuple[str, ...]]) -> tuple[Item | None, list[str]]:
    name = f"item {entry.get('id', f'on line {n}')}"
    problems = [f"{name}: unknown key {k!r}" for k in entry if k not in _ITEM_KEYS]
    if "id" not in entry or "item" not in entry:
        return None, problems + [f"{name}: 'id' and 'item' are required"]
    if entry.get("unsupported"):
        if "table" in entry:
            problems.append(f"{name}: an unsupported item has no table")
        return Item(str(entry["id"]), section, str(entry["item"]), unsupported=str(entry["unsupported"]), note=str(entry.get("note", ""))), problems
    table = str(entry.get("table", ""))
    if table not in PERIOD_COLUMNS:
        return None, problems + [f"{name}: table {table!r} is not one of {', '.join(PERIOD_COLUMNS)} (or say why it is unsupported)"]
    columns = _columns(table, extra)
    count = tuple(str(c) for c in _as_list(entry.get("count", "")))
    by = tuple(str(c) for c in _as_list(entry.get("by", [])))
    where = {str(c): tuple(_code(v) for v in _as_list(v)) for c, v in (entry.get("where") or {}).items()}
    unless = {str(c): tuple(_code(v) for v in _as_list(v)) for c, v in (entry.get("unless") or {}).items()}
    during = str(entry.get("during", ""))
    if not count or count == ("",):
        problems.append(f"{name}: say what to count ('count: client_id', a list of columns, or 'rows')")
    named = [c for c in count if c not in {"rows", ""}] + list(by) + list(where) + list(unless) + ([during] if during else [])
    problems += [f"{name}: {table} has no column {c!r}" for c in dict.fromkeys(named) if c not in columns]
    if "rows" in count and len(count) > 1:
        problems.append(f"{name}: count either 'rows' or columns, not both")
    if during and during in columns and not _is_date(table, during):
        problems.append(f"{name}: 'during' names a date column; {table}.{during} is not one")
    for column, values in {**where, **unless}.items():
        codes = columns.get(column)
        if codes:
            problems += [f"{name}: {table}.{column} has no code {v!r} (codes: {', '.join(codes)})" for v in values if v not in codes]
    item = Item(str(entry["id"]), section, str(entry["item"]), table, during, where, unless, count, by, note=str(entry.get("note", "")))
    return item, problems


def _columns(table: str, extra: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...] | None]:
    """Every column an item on ``table`` may name, with its codes (None: not coded)."""
    base = "clients" if table == "clients_served" else table
    found: dict[str, tuple[str, ...] | None] = {c.name: c.values for c in contract.TABLES[base].columns}
    found.update(DERIVED_COLUMNS.get(table, {}))
    found.update({c: None for c in extra.get(table, ())})
    if table == "clients_served":
        found.update({c: None for c in extra.get("clients", ())})
    return found


def _is_date(table: str, column: str) -> bool:
    base = "clients" if table == "clients_served" else table
    spec = next((c for c in contract.TABLES[base].columns if c.name == column), None)
    return (spec is not None and spec.kind == "date") or (table == "attendance" and column == "date")


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _code(value: Any) -> str:
    """A code as the data hold it: YAML's true/false become the flag spellings."""
    return str(value).lower() if isinstance(value, bool) else str(value)
