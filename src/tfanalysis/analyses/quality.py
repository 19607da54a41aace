"""Data quality of a loaded dataset: sizes, completeness, records over time, warnings, taxonomy use.

Functions return raw counts; what the report shows of them goes through the publication
layer (:mod:`tfanalysis.reports.quality`).

Examples
--------
>>> import tfanalysis as tf
>>> data = tf.load_dataset(DEMO_DIR)
>>> int(table_sizes(data)["clients"])
600
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tfanalysis.data import contract, taxonomy
from tfanalysis.data.io import TaskForceData

__all__ = [
    "DATED_TABLES",
    "agency_records",
    "completeness",
    "expected_rows",
    "records_per_month",
    "table_sizes",
    "taxonomy_use",
    "vocabulary_summary",
    "warning_summary",
]

DATED_TABLES: dict[str, str] = {
    "clients": "identified_on",
    "needs": "identified_on",
    "referrals": "referred_on",
    "cj_events": "occurred_on",
    "activities": "date",
}
"""The date that places each table's rows in time."""


def table_sizes(data: TaskForceData) -> pd.Series:
    """Rows per contract table.

    Returns
    -------
    pandas.Series
        Indexed by table name, in contract order; named ``rows``.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> table_sizes(tf.load_dataset(DEMO_DIR)).to_dict()
    {'members': 42, 'capacity': 137, 'clients': 600, 'needs': 3775, 'referrals': 2930, 'cj_events': 887, 'activities': 85, 'attendance': 1818, 'survey': 5263}
    """
    return pd.Series({name: len(frame) for name, frame in data.tables().items()}, name="rows", dtype="int64")


def agency_records(data: TaskForceData) -> pd.DataFrame:
    """Agency records beside unduplicated clients, per agency and for all agencies.

    In a linked dataset (per-agency records and a crosswalk, see
    :mod:`tfanalysis.data.linkage.dataset`) a victim served by three agencies is three agency
    records and one client. Without a crosswalk every client row is one record.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``agency`` (the last row ``all agencies``), columns ``agency_records``
        and ``unduplicated_clients`` (clients with a record at that agency). Raw counts.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> clients = pd.DataFrame({"client_id": ["a", "b"], "agency_records": ["2", "1"], "agencies": ["police;shelter", "police"]})
    >>> agency_records(SimpleNamespace(clients=clients)).to_dict("index")
    {'police': {'agency_records': 2, 'unduplicated_clients': 2}, 'shelter': {'agency_records': 1, 'unduplicated_clients': 1}, 'all agencies': {'agency_records': 3, 'unduplicated_clients': 2}}
    """
    clients = data.clients
    total = pd.DataFrame({"agency_records": [len(clients)], "unduplicated_clients": [len(clients)]}, index=pd.Index(["all agencies"], name="agency"))
    if "agencies" not in clients.columns:
        return total
    records = clients[["client_id", "agencies"]].assign(agency=clients["agencies"].str.split(";")).explode("agency")
    per_agency = records.groupby("agency").agg(agency_records=("client_id", "size"), unduplicated_clients=("client_id", "nunique"))
    total["agency_records"] = int(pd.to_numeric(clients["agency_records"]).sum())
    return pd.concat([per_agency, total]).astype("int64").rename_axis("agency")


def completeness(data: TaskForceData) -> pd.DataFrame:
    """Share of filled cells per contract column, for the tables that have rows.

    A column is counted over the rows expected to hold a value
    (:attr:`~tfanalysis.data.contract.Column.filled_where`: a need's ``met_on`` over the needs
    met); a column whose empty cell is a state (an open referral's ``outcome``, a member's
    ``left_on``) is complete (100).

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``column``, ``required`` (the contract requires a value),
        ``filled_pct`` (0–100; NaN where no row is expected to hold one). Percentages, not counts.
    """
    rows = []
    for name, frame in data.tables().items():
        if frame.empty:
            continue
        table = contract.TABLES[name]
        for col in table.columns:  # a dozen columns a table
            expected = expected_rows(frame, {column: list(values) for column, values in col.filled_where})
            filled = 100.0 if col.empty_is_a_state else float(frame.loc[expected, col.name].notna().mean() * 100) if expected.any() else np.nan
            rows.append({"table": name, "column": col.name, "required": not col.nullable, "filled_pct": filled})
    return pd.DataFrame(rows, columns=["table", "column", "required", "filled_pct"])


def expected_rows(frame: pd.DataFrame, expected: dict[str, list[str]]) -> np.ndarray:
    """The rows of ``frame`` expected to hold a value (:attr:`~tfanalysis.data.contract.Column.filled_where`): all when ``expected`` is empty.

    Examples
    --------
    >>> needs = pd.DataFrame({"status": ["met", "unmet", None]})
    >>> expected_rows(needs, {"status": ["met"]}).tolist(), expected_rows(needs, {}).tolist()
    ([True, False, False], [True, True, True])
    """
    mask = np.ones(len(frame), dtype=bool)
    for column, values in expected.items():  # one condition a column (a status, an outcome)
        mask &= frame[column].astype("string").isin(values).fillna(False).to_numpy(dtype=bool)
    return mask


def records_per_month(data: TaskForceData) -> pd.DataFrame:
    """Rows per calendar month for every dated table (every month from first to last).

    Returns
    -------
    pandas.DataFrame
        Indexed by month (``YYYY-MM`` strings), one column per dated table, counts.
    """
    parts = {}
    for name, column in DATED_TABLES.items():
        dates = getattr(data, name)[column].dropna()
        parts[name] = dates.dt.to_period("M").value_counts()
    counts = pd.DataFrame(parts).fillna(0).astype("int64")
    if counts.empty:
        return pd.DataFrame(columns=list(DATED_TABLES), dtype="int64")
    months = pd.period_range(counts.index.min(), counts.index.max(), freq="M")
    counts = counts.reindex(months, fill_value=0)
    counts.index = counts.index.astype(str)
    counts.index.name = "month"
    return counts


def warning_summary(data: TaskForceData) -> pd.DataFrame:
    """Validation warnings (the data loaded, but look at these): rows per table, column and rule.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``column``, ``rule``, ``rows``.
    """
    warnings = data.warnings
    if warnings.empty:
        return pd.DataFrame(columns=["table", "column", "rule", "rows"])
    return (
        warnings.groupby(["table", "column", "rule"], dropna=False)
        .size()
        .rename("rows")
        .reset_index()
        .sort_values("rows", ascending=False, ignore_index=True)
    )


def taxonomy_use(data: TaskForceData) -> pd.DataFrame:
    """Which taxonomy categories the dataset uses: needs identified and services offered.

    Returns
    -------
    pandas.DataFrame
        Indexed by victim-need category code, columns ``label``, ``group``,
        ``needs`` (needs identified, count), ``capacity_rows`` (capacity rows offering it),
        ``offered`` (any member offers it).
    """
    categories = pd.Index(list(taxonomy.VICTIM_NEEDS), name="category")
    needs = data.needs["need"].dropna().map(taxonomy.need_category).value_counts()
    offered = data.capacity["service"].dropna().map(taxonomy.need_category).value_counts()
    out = pd.DataFrame(
        {
            "label": [taxonomy.VICTIM_NEEDS[c] for c in categories],
            "group": [taxonomy.GROUP_LABELS[taxonomy.NEED_GROUPS[c]] for c in categories],
        },
        index=categories,
    )
    out["needs"] = needs.reindex(categories, fill_value=0).astype("int64").to_numpy()
    out["capacity_rows"] = offered.reindex(categories, fill_value=0).astype("int64").to_numpy()
    out["offered"] = out["capacity_rows"] > 0
    return out


def vocabulary_summary(data: TaskForceData) -> dict[str, int]:
    """How the task force's vocabulary file was used.

    Returns
    -------
    dict
        ``terms_in_vocabulary``: entries in the vocabulary file; ``codes_used``: taxonomy
        codes those entries map to.
    """
    return {"terms_in_vocabulary": len(data.vocabulary), "codes_used": len(set(data.vocabulary.values()))}
