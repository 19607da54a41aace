"""The grant performance worksheet: exact counts for a funder's questionnaire, through a crosswalk.

A funder asks its grantees the same kinds of numbers each quarter or half-year: clients
served, new and continuing, by age, type of trafficking, gender and citizenship; services
provided; referrals; trainings; investigations, arrests, charges and convictions. Which
numbers, in which words and categories, is the funder's questionnaire, and it changes. So
the questions live in a **crosswalk kept as data** (``resources/crosswalks/*.yaml``, one
item per line) and this module only evaluates it: :func:`load_crosswalk` reads and checks a
crosswalk, :func:`fill` counts every item for a period with pandas (filters, distinct
counts, ``groupby`` breakdowns), :func:`write_worksheet` writes ``grant_worksheet.xlsx``.

The grammar of an item (a YAML mapping on one line)::

    {id: "1.4", section: Clients served, item: Clients served by adult or minor,
     table: clients_served, count: client_id, by: adult_or_minor}

``id``, ``item``
    The item's number and wording (as the questionnaire has them).
``section``
    A heading; carries over to the next items until another is named.
``table``
    A contract table (``clients``, ``needs``, ``referrals``, ``cj_events``, ``activities``,
    ``attendance``, ``members``) or the view ``clients_served`` (see :func:`clients_served`).
``during``
    The date column that puts a row in the period; the table's own date by default
    (:data:`PERIOD_COLUMNS`). ``members`` count when active at any time in the period.
``where`` / ``unless``
    ``{column: value}`` or ``{column: [values]}``: keep (drop) the rows whose column holds
    one of the values. Values are checked against the column's codes.
``count``
    A column counted distinct (``client_id``), a list of columns counted as distinct
    combinations, or ``rows``.
``by``
    A column or list of columns to break the count down by; every code of a coded column
    is listed, zero included, and an empty cell is "Not recorded".
``unsupported``
    Instead of a definition: why the data cannot answer the item. It is listed with no
    number, never estimated.

Besides the contract's columns, tables carry derived columns (:data:`DERIVED_COLUMNS`:
``adult_or_minor``, ``service_category``, the members' sectors and names on referrals and
attendance, the activity's date and kind on attendance); ``extra_columns: {table: [column]}``
declares columns a task force's export carries beyond the contract. ``checks`` are
reconciliations shown on the sheet: ``{check: ..., sum: [ids], equals: id}`` (every count of
the ``sum`` items added up equals the count of the ``equals`` item).

These are exact counts, not disclosure-controlled: the worksheet is written beside a run
folder, never inside the reports sent to leadership, and says so on its first row.

Examples
--------
>>> crosswalk = load_crosswalk()
>>> crosswalk.items[0].id, crosswalk.items[0].table
('1.1', 'clients_served')
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis import __version__
from tfanalysis.data import contract, taxonomy
from tfanalysis.data.periods import Period, PeriodLike, named_label, parse_period

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


# --------------------------------------------------------------------------- counting


def clients_served(data: Any, period: PeriodLike) -> pd.DataFrame:
    """The clients served in a period, new and continuing, one row each.

    A client is **new** when identified in the period, and **continuing** when identified
    before it and, during it, had a need open (identified by the period's end and either
    still in progress or met on or after its start) or was referred between members. A
    need marked met without a date, unmet or declined does not make a client continuing.
    With no period (all data) every client is new.

    Parameters
    ----------
    data : TaskForceData
    period : period-like

    Returns
    -------
    pandas.DataFrame
        The ``clients`` columns, with ``client_status`` (``new``, ``continuing``) and
        ``adult_or_minor``.

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> data = load_dataset(DEMO_DIR)
    >>> served = clients_served(data, "2025Q4")
    >>> served["client_id"].is_unique, sorted(served["client_status"].unique())
    (True, ['continuing', 'new'])
    """
    p = parse_period(period)
    clients = data.clients
    new = p.contains(clients["identified_on"])
    if p.start is None:
        status = pd.Series("new", index=clients.index)
        keep = pd.Series(True, index=clients.index)
    else:
        needs, referrals = data.needs, data.referrals
        end_of_day = p.end + pd.Timedelta(days=1)
        met_since = (needs["status"] == "met") & (needs["met_on"] >= p.start)
        open_in = ((needs["identified_on"] < end_of_day) & ((needs["status"] == "in_progress") | met_since)).fillna(False)
        referred = p.contains(referrals["referred_on"])
        active = pd.Index(needs.loc[open_in.astype(bool), "client_id"]).union(pd.Index(referrals.loc[referred, "client_id"]))
        continuing = ((clients["identified_on"] < p.start) & clients["client_id"].isin(active)).fillna(False).astype(bool)
        keep = new | continuing
        status = pd.Series(np.where(new, "new", "continuing"), index=clients.index)
    served = clients[keep.astype(bool)].copy()
    served["client_status"] = status[keep.astype(bool)].astype("string")
    served["adult_or_minor"] = _adult_or_minor(served["age_group"])
    return served.reset_index(drop=True)


def _adult_or_minor(age_group: pd.Series) -> pd.Series:
    """``minor`` and ``unknown`` kept, every other age group an ``adult``; empty stays empty.

    Examples
    --------
    >>> _adult_or_minor(pd.Series(["minor", "18-24", "50+", "unknown", None], dtype="string")).tolist()
    ['minor', 'adult', 'adult', 'unknown', <NA>]
    """
    group = age_group.astype("string")
    kept = group.where(group.isin(["minor", "unknown"]).fillna(False).astype(bool), "adult")
    return kept.mask(group.isna(), pd.NA).astype("string")


def tables_for(data: Any, period: PeriodLike) -> dict[str, pd.DataFrame]:
    """The tables items count from: the contract's, with :data:`DERIVED_COLUMNS`, and ``clients_served``.

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> data = load_dataset(DEMO_DIR)
    >>> t = tables_for(data, "2025Q4")
    >>> {"sector", "kind", "date"} <= set(t["attendance"].columns), len(t["attendance"]) == len(data.attendance)
    (True, True)
    """
    members = data.members.set_index("member_id")
    sector, name = members["sector"], members["name"]
    groups = pd.Series(taxonomy.NEED_GROUPS, dtype="string")
    clients = data.clients.assign(adult_or_minor=_adult_or_minor(data.clients["age_group"]))
    needs = data.needs.assign(service_category=data.needs["need"].map(groups).astype("string"))
    referrals = data.referrals.assign(
        service_category=data.referrals["service"].map(groups).astype("string"),
        from_sector=data.referrals["from_member"].map(sector).astype("string"),
        to_sector=data.referrals["to_member"].map(sector).astype("string"),
        from_member_name=data.referrals["from_member"].map(name).astype("string"),
        to_member_name=data.referrals["to_member"].map(name).astype("string"),
    )
    attendance = data.attendance.merge(data.activities[["activity_id", "date", "kind"]], on="activity_id", how="left")
    attendance = attendance.assign(
        sector=attendance["member_id"].map(sector).astype("string"),
        member_name=attendance["member_id"].map(name).astype("string"),
    )
    return {
        "clients": clients,
        "clients_served": clients_served(data, period),
        "needs": needs,
        "referrals": referrals,
        "cj_events": data.cj_events,
        "activities": data.activities,
        "attendance": attendance,
        "members": data.members,
    }


def fill(data: Any, period: PeriodLike, crosswalk: Crosswalk | None = None) -> Worksheet:
    """Count every item of a crosswalk for a period, and run its reconciliation checks.

    Parameters
    ----------
    data : TaskForceData
        The validated dataset (all of it: continuing clients need the earlier periods).
    period : period-like
        The reporting period.
    crosswalk : Crosswalk, optional
        :func:`load_crosswalk` ``()`` by default.

    Returns
    -------
    Worksheet

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> data = load_dataset(DEMO_DIR)
    >>> sheet = fill(data, "2025Q4")
    >>> int(sheet.items.loc[sheet.items["id"] == "1.1", "count"].item()) > 0, bool(sheet.checks["result"].eq("OK").all())
    (True, True)
    """
    crosswalk = crosswalk or load_crosswalk()
    p = parse_period(period)
    p = Period(p.start, p.end, named_label(p))
    tables = tables_for(data, p)
    files = getattr(data, "files", {}) or {}
    present = {name for name, frame in data.tables().items() if name in files or len(frame)}
    parts = [_answer(item, tables, p, present, crosswalk) for item in crosswalk.items]
    items = pd.concat(parts, ignore_index=True)
    items["count"] = items["count"].astype("Int64")
    source = getattr(data, "source", None)
    return Worksheet(crosswalk, p, items, _reconcile(crosswalk.checks, items), Path(source).name if source else "")


def _answer(item: Item, tables: dict[str, pd.DataFrame], period: Period, present: set[str], crosswalk: Crosswalk) -> pd.DataFrame:
    """The rows of one item: a count per category, or why there is none."""
    head = {"id": item.id, "section": item.section, "item": item.item, "definition": item.definition()}
    if item.unsupported:
        return pd.DataFrame([{**head, "breakdown": "", "category": "", "count": pd.NA, "status": f"Not supported by the data: {item.unsupported}"}])
    base = "clients" if item.table == "clients_served" else item.table
    needed = {base, "activities", "members"} if item.table == "attendance" else {base}
    absent = sorted(t for t in needed if t not in present and t in contract.TABLES)
    frame = tables[item.table]
    named = [c for c in (*item.count, *item.by, *item.where, *item.unless, item.during) if c and c != "rows"]
    missing = sorted({c for c in named if c not in frame.columns})
    if absent or missing:
        why = f"no {', '.join(absent)} table in the data" if absent else f"no column {', '.join(missing)} in {base}"
        return pd.DataFrame([{**head, "breakdown": "", "category": "", "count": pd.NA, "status": f"Not in the data: {why}"}])
    rows = frame[_selected(item, frame, period)]
    counted = rows if item.count == ("rows",) else rows.dropna(subset=list(item.count)).drop_duplicates(subset=[*item.by, *item.count])
    if not item.by:
        return pd.DataFrame([{**head, "breakdown": "", "category": "", "count": len(counted), "status": ""}])
    keys = counted[list(item.by)].astype("string").fillna(_NOT_RECORDED)
    sizes = keys.groupby(list(item.by), dropna=False).size()
    sizes = sizes.reindex(_categories(item, keys, crosswalk), fill_value=0)
    if sizes.empty:  # an uncoded breakdown with nothing in the period: say so, with its zero
        return pd.DataFrame([{**head, "breakdown": " × ".join(_column_label(c) for c in item.by), "category": "(none in the period)", "count": 0, "status": ""}])
    labels = [(c,) if not isinstance(c, tuple) else c for c in sizes.index]
    return pd.DataFrame(
        {
            **{k: [v] * len(sizes) for k, v in head.items()},
            "breakdown": " × ".join(_column_label(c) for c in item.by),
            "category": [" · ".join(_value_label(col, v) for col, v in zip(item.by, combo)) for combo in labels],
            "count": sizes.to_numpy(),
            "status": "",
        }
    )


_NOT_RECORDED = "\u0000not recorded"  # sorts apart from any code a table can hold


def _selected(item: Item, frame: pd.DataFrame, period: Period) -> pd.Series:
    """Rows in the period that pass the item's filters."""
    keep = pd.Series(True, index=frame.index)
    if period.start is not None:
        if item.during:
            keep &= period.contains(frame[item.during])
        elif item.table == "members":
            began = (frame["joined_on"] < period.end + pd.Timedelta(days=1)).fillna(False)
            keep &= began & (frame["left_on"].isna() | (frame["left_on"] >= period.start)).fillna(False)
        elif PERIOD_COLUMNS[item.table]:
            keep &= period.contains(frame[PERIOD_COLUMNS[item.table]])
    for column, values in item.where.items():
        keep &= _text(frame[column]).isin(values).fillna(False)
    for column, values in item.unless.items():
        keep &= ~_text(frame[column]).isin(values).fillna(False)
    return keep.astype(bool)


def _text(column: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(column):
        return column.map({True: "true", False: "false"}).astype("string")
    return column.astype("string")


def _categories(item: Item, keys: pd.DataFrame, crosswalk: Crosswalk) -> pd.Index:
    """Every code of each breakdown column (zero counts listed), then what else the data hold."""
    columns = _columns(item.table, crosswalk.extra_columns)
    levels = []
    for column in item.by:
        codes = list(columns.get(column) or [])
        seen = sorted(set(keys[column]) - set(codes) - {_NOT_RECORDED})
        levels.append(codes + seen + ([_NOT_RECORDED] if (keys[column] == _NOT_RECORDED).any() else []))
    if len(levels) == 1:
        return pd.Index(levels[0], name=item.by[0])
    return pd.MultiIndex.from_product(levels, names=list(item.by))


def _reconcile(checks: tuple[Check, ...], items: pd.DataFrame) -> pd.DataFrame:
    """Each check: the sum of its items' counts against the count it must equal."""
    totals = items.groupby("id", sort=False)["count"].sum(min_count=1)
    unanswered = set(items.loc[items["status"] != "", "id"])
    rows = []
    for check in checks:
        missing = [i for i in (*check.sum, check.equals) if i in unanswered]
        if missing:
            rows.append({"check": check.check, "found": pd.NA, "expected": pd.NA, "result": f"not checked: item {', '.join(missing)} has no number"})
            continue
        found, expected = int(sum(totals[i] for i in check.sum)), int(totals[check.equals])
        rows.append({"check": check.check, "found": found, "expected": expected, "result": "OK" if found == expected else "DOES NOT RECONCILE"})
    return pd.DataFrame(rows, columns=["check", "found", "expected", "result"]).astype({"found": "Int64", "expected": "Int64"})


def _column_label(column: str) -> str:
    return _COLUMN_LABELS.get(column, column.replace("_", " ").capitalize())


def _value_label(column: str, value: str) -> str:
    """Plain words for a code (taxonomy labels for needs and service categories).

    Examples
    --------
    >>> _value_label("nationality", "us_citizen"), _value_label("service_category", "basic_needs"), _value_label("need", "housing_emergency")
    ('U.S. citizen', 'Basic needs', 'Housing: emergency')
    """
    if value == _NOT_RECORDED:
        return "Not recorded"
    if column == "service_category":
        return taxonomy.GROUP_LABELS.get(value, value)
    if column in {"need", "service"} and value in taxonomy.SERVICE_CODES:
        return taxonomy.SERVICE_CODES[value]
    if column.endswith("_name") or column not in _COLUMN_LABELS:
        return value  # names and codes of extra columns are the data's own words
    return _VALUE_LABELS.get(value, value.replace("_", " ").capitalize())


# --------------------------------------------------------------------------- writing


def safe_text(value: str) -> str:
    """A text cell that a spreadsheet cannot run as a formula (OWASP CSV injection).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading apostrophe.

    Examples
    --------
    >>> safe_text("=HYPERLINK(\\"http://x\\")"), safe_text("-1"), safe_text("Adult")
    ('\\'=HYPERLINK("http://x")', "'-1", 'Adult')
    """
    return "'" + value if value.startswith(_DANGEROUS_START) else value


def write_worksheet(sheet: Worksheet, path: str | os.PathLike[str]) -> Path:
    """Write a filled worksheet as an Excel workbook, whole or not at all.

    The first row says these are exact counts for the funder, not for publication; the
    second that the items must be checked against the current questionnaire; then the
    period, the data and the crosswalk; the items (one row per category, numbers as
    numbers, text stored as text and neutralized against formula injection); then the
    reconciliation checks.

    Parameters
    ----------
    sheet : Worksheet
    path : path
        The ``.xlsx`` file to write.

    Returns
    -------
    pathlib.Path
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Worksheet"
    bold, warn = Font(bold=True), Font(bold=True, color="9C0006")
    period = sheet.period
    span = "all data" if period.start is None else f"{period.start.date()} to {period.end.date()}"
    context = (
        f"{sheet.crosswalk.title} · period {period.label} ({span}) · data: {sheet.data_name or 'n/a'} · "
        f"crosswalk file: {sheet.crosswalk.source} · tfanalysis {__version__} · made {datetime.now():%Y-%m-%d %H:%M}"
    )
    lines = [(FIRST_ROW, warn), (CHECK_QUESTIONNAIRE, bold), (context, None)]
    lines += [(sheet.crosswalk.note, None)] if sheet.crosswalk.note else []
    row = 0
    for row, (text, font) in enumerate(lines, start=1):
        _put_row(ws, row, [text], font)
    ws.cell(row=1, column=1).fill = PatternFill("solid", fgColor="FFC7CE")
    row += 2
    _put_row(ws, row, ["Item", "Section", "Question", "Breakdown", "Category", "Count", "Status", "How it is counted"], bold)
    ws.freeze_panes = ws.cell(row=row + 1, column=1)
    for item in sheet.items.itertuples(index=False):
        row += 1
        count = None if pd.isna(item.count) else int(item.count)
        _put_row(ws, row, [item.id, item.section, item.item, item.breakdown, item.category, count, item.status, item.definition])
    row += 2
    _put_row(ws, row, ["Reconciliation checks", None, None, None, None, "Found", "Expected", "Result"], bold)
    for check in sheet.checks.itertuples(index=False):
        row += 1
        found = None if pd.isna(check.found) else int(check.found)
        expected = None if pd.isna(check.expected) else int(check.expected)
        _put_row(ws, row, [None, None, check.check, None, None, found, expected, check.result])
    for letter, width in zip("ABCDEFGH", (8, 22, 48, 26, 34, 9, 40, 60)):
        ws.column_dimensions[letter].width = width
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _put_row(ws: Any, row: int, values: list[Any], font: Any = None) -> None:
    """Fill one row from column A; ``None`` leaves a cell empty."""
    for column, value in enumerate(values, start=1):
        if value is not None and value != "":
            _put(ws.cell(row=row, column=column), value, font)


def _put(cell: Any, value: Any, font: Any = None) -> None:
    """Set a cell: numbers as numbers, anything else as neutralized text stored as a string."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        cell.value = int(value)
    else:
        cell.value = safe_text(str(value))
        cell.data_type = "s"
    if font is not None:
        cell.font = font
