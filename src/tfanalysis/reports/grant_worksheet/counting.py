"""Every item of a crosswalk counted for a period: exact counts, with their breakdowns and reconciliations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.data import contract, taxonomy
from tfanalysis.data.periods import Period, PeriodLike, named_label, parse_period
from tfanalysis.reports.grant_worksheet.crosswalk import (
    _COLUMN_LABELS,
    _VALUE_LABELS,
    PERIOD_COLUMNS,
    Check,
    Crosswalk,
    Item,
    Worksheet,
    _columns,
    load_crosswalk,
)

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
