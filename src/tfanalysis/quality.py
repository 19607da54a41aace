"""Data quality of a loaded dataset: sizes, completeness, records over time, warnings, taxonomy use.

Functions return raw counts; a report passes them through :mod:`tfanalysis.privacy`
before showing them.

Examples
--------
>>> import tfanalysis as tf
>>> data = tf.load_dataset(DEMO_DIR)
>>> int(table_sizes(data)["clients"])
600
"""

from __future__ import annotations

import pandas as pd

from tfanalysis import contract, taxonomy
from tfanalysis.io import TaskForceData

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
    :mod:`tfanalysis.linkage.dataset`) a victim served by three agencies is three agency
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

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``column``, ``required`` (the contract requires a value),
        ``filled_pct`` (0–100). Percentages, not counts.
    """
    rows = []
    for name, frame in data.tables().items():
        if frame.empty:
            continue
        table = contract.TABLES[name]
        filled = frame[table.column_names].notna().mean() * 100
        for col in table.columns:
            rows.append({"table": name, "column": col.name, "required": not col.nullable, "filled_pct": float(filled[col.name])})
    return pd.DataFrame(rows, columns=["table", "column", "required", "filled_pct"])


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


def summary_markdown(data: TaskForceData, period_label: str, *, threshold: int = 11) -> str:
    """A paragraph for the report that reads the data-quality numbers.

    Counts from 1 to ``threshold - 1`` are written as ``fewer than {threshold}``.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> summary_markdown(tf.load_dataset(DEMO_DIR).in_period("2025Q3"), "2025Q3")
    'For **2025Q3** the dataset holds ... clients, ...'
    """
    sizes = table_sizes(data)
    filled = completeness(data)
    gaps = filled[filled["required"] & (filled["filled_pct"] < 100)]
    optional_low = filled[~filled["required"] & (filled["filled_pct"] < 50)]
    used = taxonomy_use(data)
    warnings = warning_summary(data)

    def count(n: int, noun: str) -> str:
        if 0 < n < threshold:
            return f"fewer than {threshold} {noun}"
        return f"{n:,} {noun}"

    sentences = [
        f"For **{period_label}** the dataset holds {count(int(sizes['clients']), 'clients')}, "
        f"{count(int(sizes['needs']), 'identified needs')} and {count(int(sizes['referrals']), 'referrals')}, "
        f"from {count(int(sizes['members']), 'member organizations')}."
    ]
    if gaps.empty:
        sentences.append("Every required column is complete.")
    else:
        worst = gaps.sort_values("filled_pct").iloc[0]
        sentences.append(
            f"{len(gaps)} required column(s) have empty cells; the least complete is "
            f"`{worst['table']}.{worst['column']}` ({worst['filled_pct']:.0f}% filled)."
        )
    if len(optional_low):
        names = ", ".join(f"`{t}.{c}`" for t, c in zip(optional_low["table"], optional_low["column"]))
        sentences.append(f"Optional columns mostly empty: {names}.")
    needs_seen = int((used["needs"] > 0).sum())
    not_offered = used[(used["needs"] > 0) & ~used["offered"]]
    sentences.append(
        f"Needs fall in {needs_seen} of the {len(used)} e-Guide categories; "
        + (
            f"{len(not_offered)} of them are offered by no member in the capacity table ({', '.join(not_offered['label'])})."
            if len(not_offered)
            else "every category with identified needs is offered by at least one member."
        )
    )
    if len(warnings):
        sentences.append(f"Validation left {len(warnings)} kind(s) of warning to review (table below).")
    else:
        sentences.append("Validation raised no warnings.")
    return " ".join(sentences)
