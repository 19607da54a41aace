"""Unduplicated contract tables from the agencies' own records and the crosswalk.

A linked dataset folder holds, beside the other tables:

- ``crosswalk.csv`` (or ``.xlsx``/``.parquet``): ``agency``, ``agency_record_id``,
  ``client_id`` — written by ``tfanalysis link match``;
- ``clients.csv`` with one row per *agency record*: ``agency`` and ``agency_record_id``
  in place of ``client_id``, and the clients columns of the contract;
- ``needs``, ``referrals``, ``cj_events`` whose rows may name their client the same way
  (``agency`` + ``agency_record_id``) or by the crosswalk's ``client_id``.

:func:`unduplicate` (called by :func:`tfanalysis.load_dataset` when a crosswalk is
present) checks the agency records and the crosswalk, gives every row its ``client_id``
and folds the records of one person into one client:

- ``identified_on``: the earliest date (the task force identified the person then);
- ``county_fips``, ``age_group``, ``gender``, ``nationality``, ``primary_language``,
  ``referral_source_sector``: the value of the earliest record that knows it
  (``unknown`` only if no record knows);
- ``trafficking_type``: ``both`` if the records between them say sex and labor;
- ``agency_records`` (how many agency records the client has) and ``agencies``
  (``;``-separated, one entry per record) are added, for the data-quality report.

Examples
--------
>>> raw = {"clients": pd.DataFrame({"agency": ["police", "shelter"], "agency_record_id": ["p1", "s7"],
...        "identified_on": ["2025-03-02", "2025-02-10"], "county_fips": ["39049", "39049"], "age_group": ["18-24", "18-24"],
...        "gender": ["unknown", "female"], "trafficking_type": ["sex", "labor"], "nationality": ["us_citizen", "us_citizen"],
...        "primary_language": ["en", "en"]}, dtype="string")}
>>> crosswalk = pd.DataFrame({"agency": ["police", "shelter"], "agency_record_id": ["p1", "s7"], "client_id": ["TF1", "TF1"]}, dtype="string")
>>> tables, problems = unduplicate(raw, crosswalk)
>>> tables["clients"][["client_id", "identified_on", "gender", "trafficking_type", "agency_records"]].to_dict("records")
[{'client_id': 'TF1', 'identified_on': '2025-02-10', 'gender': 'female', 'trafficking_type': 'both', 'agency_records': '2'}]
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from tfanalysis.data import contract, schema

KEYS: tuple[str, str] = ("agency", "agency_record_id")
CROSSWALK_COLUMNS: tuple[str, ...] = ("agency", "agency_record_id", "client_id")
LINKED_TABLES: tuple[str, ...] = ("needs", "referrals", "cj_events")
"""Client-level tables whose rows may name their client by agency and agency record id."""

AGENCY_CLIENTS = replace(
    contract.CLIENTS,
    columns=(
        contract.Column("agency", "id", "The agency that holds the record."),
        contract.Column("agency_record_id", "id", "The agency's own id of the record."),
        *[c for c in contract.CLIENTS.columns if c.name != "client_id"],
    ),
    key=KEYS,
)
"""The clients table of a linked dataset: one row per agency record."""


def _key(frame: pd.DataFrame) -> pd.Series:
    return frame["agency"].astype("string").str.strip() + "\x00" + frame["agency_record_id"].astype("string").str.strip()


def check_crosswalk(crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Problems of a crosswalk table (missing columns, empty cells, a record listed twice).

    Examples
    --------
    >>> cw = pd.DataFrame({"agency": ["a", "a"], "agency_record_id": ["1", "1"], "client_id": ["x", "y"]}, dtype="string")
    >>> check_crosswalk(cw)[["row", "rule"]].to_dict("records")
    [{'row': 2, 'rule': 'the agency record appears more than once in the crosswalk'}]
    """
    missing = [c for c in CROSSWALK_COLUMNS if c not in crosswalk.columns]
    if missing:
        return schema.problem_table("crosswalk", ", ".join(missing), "required column missing (written by `tfanalysis link match`)")
    parts = []
    for column in CROSSWALK_COLUMNS:
        empty = crosswalk[column].isna().to_numpy(dtype=bool)
        if empty.any():
            parts.append(schema.problem_table("crosswalk", column, "required value missing", (np.flatnonzero(empty) + 1).tolist()))
    repeated = _key(crosswalk).duplicated().to_numpy(dtype=bool)
    if repeated.any():
        parts.append(schema.problem_table("crosswalk", "agency_record_id", "the agency record appears more than once in the crosswalk", (np.flatnonzero(repeated) + 1).tolist()))
    return schema.combine_problems(parts)


def attach_client_ids(frame: pd.DataFrame, table: str, crosswalk: pd.DataFrame, *, nullable: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give each row the ``client_id`` of its agency record (empty record id: empty client, if ``nullable``).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The frame with ``client_id`` (``string``), and problems for records the crosswalk
        does not know (rows listed, no value quoted).
    """
    lookup = pd.Series(crosswalk["client_id"].astype("string").to_numpy(), index=_key(crosswalk).to_numpy())
    lookup = lookup[~lookup.index.duplicated()]
    given = frame["agency_record_id"].notna().to_numpy(dtype=bool)
    ids = pd.Series(_key(frame).map(lookup).to_numpy(), index=frame.index, dtype="string")
    unknown = given & ids.isna().to_numpy(dtype=bool)
    if not nullable:
        unknown |= ~given
    problems = schema.empty_problems()
    if unknown.any():
        problems = schema.problem_table(table, "agency_record_id", "agency record not in the crosswalk (run `tfanalysis link match` on every agency's file)", (np.flatnonzero(unknown) + 1).tolist())
    return frame.assign(client_id=ids), problems


def fold_clients(records: pd.DataFrame) -> pd.DataFrame:
    """One client per ``client_id`` from typed agency records (rules in the module notes).

    Parameters
    ----------
    records : pandas.DataFrame
        Typed agency records (:data:`AGENCY_CLIENTS` columns) with ``client_id``.

    Returns
    -------
    pandas.DataFrame
        The clients table, cells as text (as :func:`tfanalysis.data.io.read_table_text` gives),
        plus ``agency_records`` and ``agencies``; one row per client, in order of client id.
    """
    ordered = records.sort_values(["client_id", "identified_on", "agency", "agency_record_id"], kind="stable", na_position="last")
    by_client = ordered.groupby("client_id", sort=True)
    out = pd.DataFrame({"identified_on": by_client["identified_on"].min().dt.strftime("%Y-%m-%d")})
    for column in ("county_fips", "age_group", "gender", "nationality", "primary_language", "referral_source_sector"):
        values = ordered[column].astype("string")
        known = values.mask(values == "unknown")
        out[column] = known.groupby(ordered["client_id"], sort=True).first().fillna(values.groupby(ordered["client_id"], sort=True).first())
    kinds = ordered["trafficking_type"].astype("string")
    sex = kinds.isin(["sex", "both"]).groupby(ordered["client_id"], sort=True).any()
    labor = kinds.isin(["labor", "both"]).groupby(ordered["client_id"], sort=True).any()
    out["trafficking_type"] = np.select([sex & labor, sex, labor], ["both", "sex", "labor"], default="unknown")
    out["agency_records"] = by_client.size().astype("string")
    out["agencies"] = by_client["agency"].agg(";".join)
    out = out.reset_index().rename(columns={"index": "client_id"})
    columns = ["client_id", *[c for c in contract.CLIENTS.column_names if c != "client_id"], "agency_records", "agencies"]
    return out[columns].astype("string")


def unduplicate(raw: dict[str, pd.DataFrame], crosswalk: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Turn agency records and a crosswalk into unduplicated contract tables (text cells).

    Parameters
    ----------
    raw : dict of pandas.DataFrame
        The dataset's tables as read (every cell text), by table name.
    crosswalk : pandas.DataFrame
        The crosswalk as read.

    Returns
    -------
    (dict, pandas.DataFrame)
        The tables with ``clients`` folded to one row per client and every client-level
        row given its ``client_id``; and every problem found (rows are rows of the files).
    """
    problems = [check_crosswalk(crosswalk)]
    if len(problems[0]):
        return raw, schema.combine_problems(problems)
    tables = dict(raw)
    clients = raw.get("clients")
    if clients is not None and set(KEYS) <= set(clients.columns):
        if "client_id" in clients.columns:
            problems.append(schema.problem_table("clients", "client_id", "a linked clients table names its records by agency and agency_record_id; leave client_id to the crosswalk"))
        problems.append(schema.missing_columns(clients, AGENCY_CLIENTS))
        typed, cell_problems = schema.coerce_table(clients.drop(columns="client_id", errors="ignore"), AGENCY_CLIENTS)
        problems += [cell_problems, schema.validate_table(typed, AGENCY_CLIENTS, skip=cell_problems)]
        typed, unknown = attach_client_ids(typed, "clients", crosswalk)
        problems.append(unknown)
        tables["clients"] = fold_clients(typed[typed["client_id"].notna().to_numpy(dtype=bool)])
    elif clients is not None:
        problems.append(schema.problem_table("clients", None, "with a crosswalk, the clients table lists agency records: columns agency and agency_record_id in place of client_id"))
    for name in LINKED_TABLES:
        frame = raw.get(name)
        if frame is None or not set(KEYS) <= set(frame.columns):
            continue
        if "client_id" in frame.columns:
            problems.append(schema.problem_table(name, "client_id", "give either client_id or agency and agency_record_id, not both"))
            continue
        tables[name], unknown = attach_client_ids(frame, name, crosswalk, nullable=name == "cj_events")
        problems.append(unknown)
    return tables, schema.combine_problems(problems)
