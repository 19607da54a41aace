"""What the data-quality report (00) shows: table sizes, completeness, records per month, warnings and taxonomy use, through the publication layer.

Rows of the victims' tables (clients, needs, referrals, criminal-justice events) are
released counts; members, capacity rows, activities, attendance and survey ratings are not
about victims and are shown as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from tfanalysis.analyses.quality import DATED_TABLES, completeness, expected_rows, table_sizes, taxonomy_use, warning_summary
from tfanalysis.data import contract, taxonomy
from tfanalysis.data.io import TaskForceData
from tfanalysis.publication.privacy import HIDDEN
from tfanalysis.publication.units import FILLED
from tfanalysis.publication.released import count_text

__all__ = [
    "VICTIM_TABLES",
    "published_agency_records",
    "published_completeness",
    "published_records_per_month",
    "published_sizes",
    "published_summary_markdown",
    "published_taxonomy_use",
    "published_warnings",
    "summary_markdown",
    "table_label",
    "tables_empty_now",
]


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
        sentences.append(f"Validation left {len(warnings)} kind{'s' if len(warnings) != 1 else ''} of warning to review (table below).")
    else:
        sentences.append("Validation raised no warnings.")
    return " ".join(sentences)


# --------------------------------------------------------------------------- for leadership
#
# What the report shows goes through the publication layer (tfanalysis.publication): rows
# of the victims' tables (clients, needs, referrals, criminal-justice events) are released
# counts; members, capacity rows, activities, attendance and survey ratings are not about
# victims and are shown as they are.

VICTIM_TABLES: tuple[str, ...] = ("clients", "needs", "referrals", "cj_events")
"""Tables whose rows are about victims: their counts are disclosure-controlled."""


def _window(period: Any) -> dict[str, Any]:
    """``where`` of a period for each victim table (its own date)."""
    from tfanalysis.data.periods import parse_period
    from tfanalysis.publication import Interval

    p = parse_period(period)
    return {name: ({} if p.start is None else {DATED_TABLES[name]: Interval(p.start, p.end)}) for name in VICTIM_TABLES}


def table_label(name: str, period: Any = None) -> str:
    """A table's name as a report lists it beside others restricted to a period: one kept whole says so.

    Examples
    --------
    >>> table_label("survey", "2025Q4"), table_label("survey"), table_label("needs", "2025Q4")
    ('survey (every wave: waves carry no date)', 'survey', 'needs')
    """
    from tfanalysis.data.dataset import UNDATED_TABLES
    from tfanalysis.data.periods import parse_period

    return f"{name} (every wave: waves carry no date)" if name in UNDATED_TABLES and parse_period(period).start is not None else name


def published_sizes(rel: Any, data: TaskForceData, period: Any = None) -> pd.Series:
    """Rows per table in the period: victims' tables released, the others as they are.

    Parameters
    ----------
    rel : tfanalysis.publication.Release
        The notebook's release, on the whole dataset.
    data : TaskForceData
        The whole dataset (members, capacity and activities are restricted to the period here).
    period : str, pair or None

    Returns
    -------
    pandas.Series
        ``rows`` per table in contract order: ints, ``"hidden"`` where a victim count is hidden.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.publication import Release
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> published_sizes(Release(data), data, "2025Q3")[["clients", "needs", "members"]].tolist()
    [56, 325, 40]
    """
    where = _window(period)
    scoped = data.in_period(period)
    out = {}
    for name, frame in data.tables().items():
        if name in VICTIM_TABLES:
            out[name] = rel.count(name, where=where[name], name=f"00 rows of {name}").inner().iloc[0]
        else:
            out[table_label(name, period)] = len(getattr(scoped, name))
    return pd.Series(out, name="rows", dtype=object)


def published_records_per_month(rel: Any, data: TaskForceData, period: Any = None) -> pd.DataFrame:
    """Rows per month of each dated table in the period (victims' tables released; NaN hidden).

    Returns
    -------
    pandas.DataFrame
        Indexed by month (``YYYY-MM``), one column per dated table, floats (NaN: hidden).
    """
    from tfanalysis.publication import ByPeriod

    scoped = data.in_period(period)
    dates = pd.concat([getattr(scoped, name)[column].dropna() for name, column in DATED_TABLES.items()])
    if dates.empty:
        return pd.DataFrame(columns=list(DATED_TABLES), dtype="float64")
    months = pd.period_range(dates.min(), dates.max(), freq="M")
    out = pd.DataFrame(index=months.astype(str))
    out.index.name = "month"
    for name, column in DATED_TABLES.items():
        if name in VICTIM_TABLES:
            series = rel.table(name, rows=ByPeriod(column, months), name=f"00 {name} per month")
            out[name] = series.numbers().to_numpy()
            out.attrs.setdefault("release", {})[name] = series.name  # the figure's traces are tagged with it
        else:
            counts = getattr(scoped, name)[column].dropna().dt.to_period("M").value_counts()
            out[name] = counts.reindex(months, fill_value=0).to_numpy(dtype="float64")
    return out


def published_completeness(rel: Any, data: TaskForceData, period: Any = None) -> pd.DataFrame:
    """Share of filled cells per column with empty cells, for leadership.

    For the victims' tables the filled and the empty rows are released counts (a share
    beside its table's size gives both back): the share is shown only where both are shown.
    Which columns are listed is read from the released counts too: listing a column says
    it has at least one empty cell in the period, a floor of its empty count. So a victim
    table's column is listed where its empty count is shown above 0, or hidden and known to
    be at least 1 — not where it is withheld (it may be 0), whatever the true count.

    A column empty by design outside some rows (a need's ``met_on`` unless it is met, a
    referral's ``responded_on`` while open or never answered) is counted over the rows
    expected to hold it (:attr:`~tfanalysis.data.contract.Column.filled_where`): its empty
    cells elsewhere are no gap, and counting them would only say again how many needs are
    not met. A column whose empty cell is a state (an open referral's ``outcome``, a
    member's ``left_on``) is not listed.

    Returns
    -------
    pandas.DataFrame
        ``table``, ``column``, ``required``, ``filled_pct`` (``"hidden"`` where the share
        would give a hidden count back), for the columns with at least one empty cell.
    """
    where = _window(period)
    scoped = data.in_period(period)
    rows = []
    for name, frame in data.tables().items():
        part = getattr(scoped, name)
        if part.empty:
            continue
        table = contract.TABLES[name]
        for col in table.columns:
            if col.empty_is_a_state:
                continue  # an empty cell says something (open, still a member): not a gap in the data
            victims = name in VICTIM_TABLES
            expected = {column: list(values) for column, values in col.filled_where}
            # a victim table's column is released wherever the data have an empty cell at all:
            # whether this period has one is then told by the released counts alone
            source = frame if victims else part
            if not (source[col.name].isna() & expected_rows(source, expected)).any():
                continue
            pct: Any = round(float(100 * part.loc[expected_rows(part, expected), col.name].notna().mean()), 1)
            if victims:
                flag = f"{FILLED}{col.name}"  # the layer reads it as a set of the column's values (units.finer_pairs)
                rel.derive(name, flag, frame[col.name].notna())
                released = rel.table(name, rows=flag, where={**where[name], **expected}, levels={flag: [True, False]},
                                     name=f"00 {name}.{col.name} filled or empty")
                empties = released.value("False", "count")
                if empties == 0 or (empties is None and bool(released.withheld.loc["False", "count"])):
                    continue
                if released.is_hidden().any():
                    pct = HIDDEN
            rows.append({"table": table_label(name, period), "column": col.name, "required": not col.nullable, "filled_pct": pct})
    return pd.DataFrame(rows, columns=["table", "column", "required", "filled_pct"])


WHOLE_COLUMN = "the whole column"
"""What the warnings table says in ``rows`` of a warning about a column rather than about rows (a second task
force read "Rows 0" beside the warning on a case-note column, which applied to every row)."""


def published_warnings(rel: Any, data: TaskForceData) -> pd.DataFrame:
    """Validation warnings per table, column and rule: rows of victims' tables released.

    Returns
    -------
    pandas.DataFrame
        ``table``, ``column``, ``rule``, ``rows`` (ints; ``"hidden"`` where hidden; :data:`WHOLE_COLUMN`
        for a warning about a column, not rows).
    """
    summary = warning_summary(data)
    if summary.empty:
        return summary
    out = summary.astype({"rows": object}).copy()
    for i, w in summary.iterrows():  # one released count per kind of warning (a handful), not per row
        hit = data.warnings[(data.warnings["table"] == w["table"]) & (data.warnings["column"] == w["column"]) & (data.warnings["rule"] == w["rule"])]
        if hit["row"].isna().all():  # about a column (one not in the contract, say), not about rows: no count of rows
            out.at[i, "rows"] = WHOLE_COLUMN
            continue
        if w["table"] not in VICTIM_TABLES:
            continue
        frame = getattr(data, w["table"])
        labels = frame.index[(hit["row"].dropna().astype(int) - 1).clip(lower=0, upper=len(frame) - 1)]
        flag = f"quality.warning.{w['column']}.{i}"
        rel.derive(w["table"], flag, pd.Series(frame.index.isin(labels), index=frame.index))
        out.at[i, "rows"] = rel.table(w["table"], where={flag: True}, name=f"00 warnings {w['table']}.{w['column']} ({i})").inner().iloc[0]
    return out


def published_taxonomy_use(rel: Any, data: TaskForceData, period: Any = None) -> pd.DataFrame:
    """e-Guide categories: needs identified in the period (released) and whether any member offers it.

    Returns
    -------
    pandas.DataFrame
        Indexed by category label: ``group``, ``offered`` (yes/no), ``needs`` (released),
        ``capacity_rows`` (capacity rows valid in the period offering it).
    """
    from tfanalysis.publication import ByGroups

    used = taxonomy_use(data.in_period(period))
    # a category is the set of its service codes: released as a group of `need` values (not a
    # derived column), so the bounds see that a category of one service is that service's count
    services = {category: [code for code in taxonomy.SERVICE_CODES if taxonomy.need_category(code) == category] for category in used.index}
    needs = rel.table("needs", rows=ByGroups("need", services), where=_window(period)["needs"], name="00 needs per e-Guide category")
    out = used[["label", "group", "offered", "capacity_rows"]].copy()
    out["needs"] = needs.inner().reindex(out.index).to_numpy()
    out["offered"] = out["offered"].map({True: "yes", False: "no"})
    out = out.set_index("label")[["group", "offered", "needs", "capacity_rows"]]
    def labels_where(flags: pd.Series) -> list:
        return list(out.index[flags.reindex(used.index, fill_value=False).to_numpy(bool)])

    # what sentences may say of a category: needs in it (the release says at least 1), or
    # perhaps (a withheld count may be 0)
    out.attrs["withheld"] = labels_where(needs.is_withheld())
    out.attrs["with_needs"] = labels_where(needs.at_least_one())
    return out


def published_agency_records(rel: Any, data: TaskForceData, period: Any = None) -> pd.DataFrame:
    """Agency records beside unduplicated clients identified in the period, as leadership sees them (released counts).

    A client of a linked dataset has one record at each agency that served them, so the
    clients with a record at an agency are that agency's records: one released count each.
    The total of agency records is shown only where every agency's count is.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``agency`` (the last row ``all agencies``): ``agency_records``,
        ``unduplicated_clients`` (ints, ``"hidden"`` where hidden).
    """
    clients = data.clients
    where = _window(period)["clients"]
    total = rel.count("clients", where=where, name="00 unduplicated clients").inner().iloc[0]
    if "agencies" not in clients.columns:
        return pd.DataFrame({"agency_records": [total], "unduplicated_clients": [total]}, index=pd.Index(["all agencies"], name="agency"))
    lists = clients["agencies"].astype("string").fillna("").str.split(";")
    agencies = sorted({a for names in lists for a in names if a})
    rows = {}
    for agency in agencies:  # one released count per agency (a handful), not per client
        flag = f"linkage.record_at.{agency}"
        rel.derive("clients", flag, lists.map(lambda names, a=agency: a in names))
        shown = rel.count("clients", where={**where, flag: True}, name=f"00 clients with a record at {agency}").inner().iloc[0]
        rows[agency] = {"agency_records": shown, "unduplicated_clients": shown}
    per_agency = [r["agency_records"] for r in rows.values()]
    records = sum(per_agency) if all(not isinstance(v, str) for v in per_agency) else HIDDEN
    rows["all agencies"] = {"agency_records": records, "unduplicated_clients": total}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("agency")


def _categories_sentence(taxonomy_table: pd.DataFrame) -> str:
    """Which e-Guide categories hold needs and which of those no member offers, as the release tells.

    A category released as holding needs (shown above 0, or hidden and so at least 1) is
    named as such; one whose count is withheld may hold none, so it is named apart: no
    member offering it is a fact about the members, whatever its needs.

    Examples
    --------
    >>> tax = pd.DataFrame({"offered": ["yes", "no", "no"], "needs": [20, "hidden", "hidden"]}, index=["Food", "Dental care", "Legal"])
    >>> tax.attrs.update(with_needs=["Food"], withheld=["Dental care", "Legal"])
    >>> _categories_sentence(tax)
    'Needs fall in at least 1 of the 3 e-Guide categories, and every one of them is offered by a member; 2 more, whose counts are withheld, are offered by no member (Dental care, Legal): they may hold needs.'
    >>> tax.attrs.update(with_needs=[], withheld=[])
    >>> _categories_sentence(tax)
    'No need falls in any of the 3 e-Guide categories as the counts released show.'
    """
    withheld = taxonomy_table[taxonomy_table.index.isin(taxonomy_table.attrs.get("withheld", []))]
    seen = taxonomy_table[taxonomy_table.index.isin(taxonomy_table.attrs["with_needs"])]
    total = len(taxonomy_table)
    not_offered, withheld_not_offered = seen[seen["offered"] == "no"], withheld[withheld["offered"] == "no"]
    if seen.empty and withheld.empty:
        return f"No need falls in any of the {total} e-Guide categories as the counts released show."
    if seen.empty:
        text = f"No category is shown to hold needs; {len(withheld)} of the {total} have their counts withheld and may hold some"
    else:
        # a withheld count may be 0 or more: those categories may hold needs as well
        text = f"Needs fall in {'at least ' if len(withheld) else ''}{len(seen)} of the {total} e-Guide categories, and " + (
            f"{len(not_offered)} of them {'is' if len(not_offered) == 1 else 'are'} offered by no member ({', '.join(not_offered.index)})"
            if len(not_offered) else f"{'it is' if len(seen) == 1 and withheld.empty else 'every one of them is'} offered by a member")
    if len(withheld_not_offered):
        text += (f"; {len(withheld_not_offered)} {'more' if len(seen) else 'of those'}, whose counts are withheld, "
                 f"{'is' if len(withheld_not_offered) == 1 else 'are'} offered by no member ({', '.join(withheld_not_offered.index)}): "
                 f"{'it' if len(withheld_not_offered) == 1 else 'they'} may hold needs")
    return text + "."


def published_summary_markdown(sizes: pd.Series, completeness_table: pd.DataFrame, taxonomy_table: pd.DataFrame,
                               warnings_table: pd.DataFrame, period_label: str, *, region: str = "",
                               empty_now: Sequence[str] = ()) -> str:
    """A paragraph that reads the published data-quality numbers (only what the tables show).

    ``region``: the run's region; this report reads the whole dataset, and says so.
    ``empty_now``: victims' tables with no row in the period but rows before it
    (:func:`tables_empty_now`): said, as a possible gap in the export.

    Examples
    --------
    >>> sizes = pd.Series({"clients": 53, "needs": "hidden", "referrals": 40, "members": 42})
    >>> tax = pd.DataFrame({"offered": ["yes", "no"], "needs": [20, 0]}, index=["Food", "Dental care"])
    >>> tax.attrs["with_needs"] = ["Food"]  # as published_taxonomy_use sets it: Released.at_least_one
    >>> published_summary_markdown(sizes, pd.DataFrame(columns=["table", "column", "required", "filled_pct"]), tax, pd.DataFrame(), "2025Q3")
    'For **2025Q3** the dataset holds 53 clients, a hidden number of identified needs and 40 referrals, from 42 member organizations. Every required column is complete. Needs fall in 1 of the 2 e-Guide categories, and it is offered by a member. Validation raised no warnings.'
    """
    sentences = [
        f"For **{period_label}** the dataset holds {count_text(sizes['clients'], 'clients')}, "
        f"{count_text(sizes['needs'], 'identified needs')} and {count_text(sizes['referrals'], 'referrals')}, "
        f"from {int(sizes['members']):,} member organizations."
    ]
    gaps = completeness_table[completeness_table["required"].astype(bool)] if len(completeness_table) else completeness_table
    if gaps.empty:
        sentences.append("Every required column is complete.")
    else:
        shown = gaps[pd.to_numeric(gaps["filled_pct"], errors="coerce").notna()].astype({"filled_pct": float})
        worst = shown.sort_values("filled_pct").iloc[0] if len(shown) else None
        where = f"; the least complete shown is {worst['table']}.{worst['column']} ({worst['filled_pct']:.0f}% filled)" if worst is not None else ""
        sentences.append(f"{len(gaps)} required column(s) have empty cells{where}.")
    if "with_needs" not in taxonomy_table.attrs:
        raise ValueError("taxonomy_table must come from published_taxonomy_use: it carries which categories the release says hold needs")
    sentences.append(_categories_sentence(taxonomy_table))
    sentences.append(f"Validation left {len(warnings_table)} kind{'s' if len(warnings_table) != 1 else ''} of warning to review (table below)." if len(warnings_table)
                     else "Validation raised no warnings.")
    if len(empty_now):
        sentences.append(f"No row of {', '.join(empty_now)} falls in the period though earlier periods have some: check that "
                         "the export holds them before reading the other reports.")
    if region.strip():
        sentences.append(f"This report reads the whole dataset: the region ({region.strip()}) narrows the other reports, not this one.")
    return " ".join(sentences)


def tables_empty_now(data: TaskForceData, period: Any = None) -> list[str]:
    """Victims' tables with rows before the period and none in it: perhaps an export that left them out.

    Whether a table has a row at all is no victim count a reader could use: it is the
    shown 0 of the period beside the table's rows before it.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> tables_empty_now(data, "2025Q4"), tables_empty_now(data.replace(referrals=data.referrals.iloc[0:0]), "2025Q4")
    ([], [])
    >>> late = data.referrals[pd.to_datetime(data.referrals["referred_on"]) >= "2025-10-01"].index
    >>> tables_empty_now(data.replace(referrals=data.referrals.drop(late)), "2025Q4")
    ['referrals']
    """
    from tfanalysis.data.periods import parse_period

    p = parse_period(period)
    if p.start is None:
        return []
    out = []
    for name in VICTIM_TABLES:  # four tables
        dates = pd.to_datetime(getattr(data, name)[DATED_TABLES[name]])
        if (dates < p.start).any() and not ((dates >= p.start) & (dates <= p.end)).any():
            out.append(name)
    return out
