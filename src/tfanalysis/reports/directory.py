"""What the member directory report (04) shows: the paragraph, the filterable table, the exports.

- :func:`summary_markdown` and :func:`not_offered_markdown`: the paragraphs that read
  :func:`~tfanalysis.analyses.directory.directory_facts` and the services no member offers;
- :func:`directory_html`: the directory as a table a reader filters (service, county,
  population, language, free text, 24/7) and sorts, in plain JavaScript inlined into the
  page (``resources/directory_table.js``): it works offline;
- :func:`export`: the same table as ``member_directory.csv`` and ``member_directory.xlsx``,
  spreadsheet-safe (:func:`spreadsheet_safe`).

Every number here counts or measures member organizations, never victims; confidential
locations appear as their county only (:mod:`tfanalysis.analyses.directory`).
"""

from __future__ import annotations

import functools
import html
import importlib.resources
from pathlib import Path

import numpy as np
import pandas as pd

from tfanalysis.analyses.directory import (
    AGE_WORDS,
    ALL_GENDERS_WORD,
    ANY_LANGUAGE_WORD,
    COLUMNS,
    EXPORT_NAME,
    NO_WORD,
    NONE_LISTED,
    YES_WORD,
)
from tfanalysis.data.periods import ALL_DATA

__all__ = [
    "FORMULA_STARTS",
    "directory_html",
    "export",
    "export_markdown",
    "not_offered_markdown",
    "spreadsheet_safe",
    "summary_markdown",
]

_SCRIPT = "directory_table.js"

# Population filter of the HTML table: token → option text.
_POPULATIONS: dict[str, str] = {
    "minors": "serves minors",
    "adults": "serves adults",
    "foreign nationals": "serves foreign nationals",
    "female": "serves female clients",
    "male": "serves male clients",
    "nonbinary": "serves nonbinary clients",
}


def summary_markdown(facts: dict[str, object], period_label: str) -> str:
    """A paragraph that reads the directory's numbers, for the report.

    Examples
    --------
    >>> facts = {"members": 3, "members_without_services": 1, "confidential_locations": 1,
    ...          "categories": 31, "services_offered": 2, "services_not_offered": ["Food"],
    ...          "single_provider": ["Case management", "Clothing"]}
    >>> print(summary_markdown(facts, "2025Q3"))
    In 2025Q3 the task force had **3 member organizations**; 1 of them listed no service. Together they offered **2 of the e-Guide's 31 victim-service categories**. No member offered: Food. Only one member offered: Case management; Clothing. 1 member has a confidential location, listed by county only.
    """
    n = facts["members"]
    when = "Across all the data" if period_label == ALL_DATA.label else f"In {period_label}"
    parts = [f"{when} the task force had **{n} member organization{'s' if n != 1 else ''}**"]
    if facts["members_without_services"]:
        parts[0] += f"; {facts['members_without_services']} of them listed no service"
    parts[0] += "."
    parts.append(f"Together they offered **{facts['services_offered']} of the e-Guide's {facts['categories']} victim-service categories**.")
    missing = facts["services_not_offered"]
    parts.append(f"No member offered: {'; '.join(missing)}." if missing else "Every category had at least one provider.")
    single = facts["single_provider"]
    if single:
        parts.append(f"Only one member offered: {'; '.join(single)}.")
    conf = facts["confidential_locations"]
    if conf:
        parts.append(f"{conf} member{' has' if conf == 1 else 's have'} a confidential location, listed by county only.")
    return " ".join(parts)


def not_offered_markdown(not_offered: pd.DataFrame) -> str:
    """The services no member offers, as a Markdown list (or a sentence when there are none).

    Examples
    --------
    >>> print(not_offered_markdown(pd.DataFrame({"service": ["Food"], "group": ["Basic needs"]})))
    - Food (Basic needs)
    >>> not_offered_markdown(pd.DataFrame({"service": [], "group": []}))
    'Every e-Guide victim-service category is offered by at least one member in this period.'
    """
    if not_offered.empty:
        return "Every e-Guide victim-service category is offered by at least one member in this period."
    return "\n".join("- " + not_offered["service"] + " (" + not_offered["group"] + ")")


# ------------------------------------------------------------------- the interactive table


_CSS = """
div.tf-directory { font-size: 0.85rem; margin: 0.5rem 0 1rem; }
div.tf-directory .tf-directory-controls { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: flex-end; margin-bottom: 0.5rem; }
div.tf-directory .tf-directory-controls label { display: flex; flex-direction: column; font-weight: 600; gap: 0.15rem; }
div.tf-directory .tf-directory-controls select, div.tf-directory .tf-directory-controls input[type=search] { font: inherit; font-weight: normal; max-width: 16rem; }
div.tf-directory .tf-directory-controls label.tf-directory-check { flex-direction: row; align-items: center; gap: 0.3rem; }
div.tf-directory .tf-directory-count { color: #444; margin-left: auto; }
div.tf-directory .tf-directory-scroll { max-height: 75vh; overflow: auto; border: 1px solid #ddd; }
div.tf-directory table.tf-directory-table { border-collapse: collapse; table-layout: auto; width: max-content; min-width: 100%; margin: 0; }
div.tf-directory table.tf-directory-table th, div.tf-directory table.tf-directory-table td {
  border: none; border-bottom: 1px solid #e4e4e4; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
div.tf-directory table.tf-directory-table td { max-width: 15rem; white-space: normal; }
div.tf-directory table.tf-directory-table td.tf-number { text-align: right; }
div.tf-directory table.tf-directory-table th { position: sticky; top: 0; background: #f3f3f3; white-space: nowrap; z-index: 1; }
div.tf-directory table.tf-directory-table th button { all: unset; cursor: pointer; font-weight: 600; }
div.tf-directory table.tf-directory-table th button:focus-visible { outline: 2px solid #1f4e79; }
div.tf-directory table.tf-directory-table th[aria-sort=ascending] button::after { content: " \\25B2"; }
div.tf-directory table.tf-directory-table th[aria-sort=descending] button::after { content: " \\25BC"; }
div.tf-directory table.tf-directory-table tr[hidden] { display: none; }
@media print {
  div.tf-directory .tf-directory-scroll { max-height: none; overflow: visible; border: none; }
  div.tf-directory table.tf-directory-table { width: 100%; }
  div.tf-directory table.tf-directory-table th { position: static; }
  div.tf-directory .tf-directory-controls select, div.tf-directory .tf-directory-controls input,
  div.tf-directory .tf-directory-controls button { display: none; }
}
"""

# Columns of the table carried as tooltips rather than shown: long or technical.
_TOOLTIPS = {"county": "county FIPS", "service area": "counties served"}


def directory_html(table: pd.DataFrame, *, caption: str | None = None) -> str:
    """The directory as an HTML table readers filter and sort, working offline.

    Filters: service, county (members serving the county or located in it), population
    (minors, adults, foreign nationals, each gender), language (members listing it or
    serving any language), free text, and reachable 24/7. A click on a column header sorts
    by it, a second click reverses. The JavaScript (``resources/directory_table.js``, no
    library) and the CSS are inlined: nothing is loaded from the network. Every value is
    HTML-escaped. ``county FIPS`` and ``counties served`` are not shown as columns but as
    tooltips of ``county`` and ``service area``.

    Parameters
    ----------
    table : pandas.DataFrame
        A table from :func:`member_directory`, rows in the order to show.
    caption : str, optional
        A caption above the table.

    Returns
    -------
    str
        An HTML fragment (``<div class="tf-directory">`` with its ``<style>`` and
        ``<script>``), for ``IPython.display.HTML`` or a page of its own.

    Raises
    ------
    ValueError
        If the table lacks a column of :data:`COLUMNS` (``contact`` is optional).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> from tfanalysis.analyses.directory import member_directory
    >>> page = directory_html(member_directory(tf.load_dataset(DEMO_DIR), "2025"))
    >>> page.count("<tr data-service="), "<script src" in page
    (133, False)
    """
    missing = [c for c in COLUMNS if c not in table.columns and c != "contact"]
    if missing:
        raise ValueError(f"the directory table lacks the columns {missing}; pass the table member_directory() returns")
    shown = [c for c in table.columns if c in COLUMNS and c not in _TOOLTIPS.values()]
    text = table.astype(object).where(table.notna(), "")
    capacity = table["capacity per month"].astype("Float64")
    text["capacity per month"] = capacity.map(lambda v: f"{v:g}", na_action="ignore").astype(object).where(capacity.notna(), "")

    counties = _split(text["counties served"]) + _split(text["county"]).map(lambda c: c[:1])
    population = _population_tokens(text)
    languages = _split(text["languages"]).map(lambda items: ["*"] if ANY_LANGUAGE_WORD in items else items)

    rows = []
    for i, (label, values) in enumerate(zip(table.index, text[shown].itertuples(index=False))):
        cells = []
        for column, value in zip(shown, values):
            tip = _TOOLTIPS.get(column)
            title = f' title="{_esc(text.at[label, tip])}"' if tip and text.at[label, tip] else ""
            if column == "capacity per month":
                sort = "" if capacity.iloc[i] is pd.NA else f' data-sort="{float(capacity.iloc[i]):g}"'
                cells.append(f'<td class="tf-number"{sort}>{_esc(value)}</td>')
            else:
                cells.append(f"<td{title}>{_esc(value)}</td>")
        data = (
            f' data-service="{_esc(text.at[label, "service"])}"'
            f' data-counties="{_esc("|".join(dict.fromkeys(counties.iloc[i])))}"'
            f' data-population="{_esc("|".join(population.iloc[i]))}"'
            f' data-languages="{_esc("|".join(languages.iloc[i]))}"'
            f' data-around-the-clock="{YES_WORD if text.at[label, "24/7"] == YES_WORD else NO_WORD}"'
        )
        rows.append(f"<tr{data}>{''.join(cells)}</tr>")

    header = "".join(
        f'<th scope="col" data-type="{"number" if c == "capacity per month" else "text"}"><button type="button">{_esc(c)}</button></th>'
        for c in shown
    )
    services = sorted({s for s in text["service"] if s and s != NONE_LISTED}, key=str.casefold)
    county_options = sorted({c for items in counties for c in items}, key=str.casefold)
    language_options = sorted({lang for items in languages for lang in items if lang != "*"}, key=str.casefold)
    controls = (
        _select("service", "Service", "any service", [(s, s) for s in services])
        + _select("county", "County", "any county", [(c, c) for c in county_options])
        + _select("population", "Population", "anyone", list(_POPULATIONS.items()))
        + _select("language", "Language", "any language", [(lang, lang) for lang in language_options])
        + '<label>Search<input type="search" data-filter="search" placeholder="name, town, contact…"></label>'
        + '<label class="tf-directory-check"><input type="checkbox" data-filter="around-the-clock">24/7 only</label>'
        + '<button type="button" data-action="reset">Clear filters</button>'
        + f'<output class="tf-directory-count">Showing {len(table)} of {len(table)} rows</output>'
    )
    cap = f"<caption>{_esc(caption)}</caption>" if caption else ""
    return (
        f'<div class="tf-directory"><style>{_CSS}</style>'
        f'<div class="tf-directory-controls">{controls}</div>'
        f'<div class="tf-directory-scroll"><table class="tf-directory-table">{cap}<thead><tr>{header}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div>'
        f"<script>{_script()}</script></div>"
    )


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _split(column: pd.Series) -> pd.Series:
    return column.map(lambda v: [part.strip() for part in str(v).split(";") if part.strip()])


def _population_tokens(text: pd.DataFrame) -> pd.Series:
    """Filter tokens of the population select, read from the display words of each row."""
    ages = text["ages served"]
    minors = ages.isin([AGE_WORDS[(True, True)], AGE_WORDS[(True, False)]])
    adults = ages.isin([AGE_WORDS[(True, True)], AGE_WORDS[(False, True)]])
    foreign = text["foreign nationals"] == YES_WORD
    genders = text["genders"].astype(str).str.replace(ALL_GENDERS_WORD, "female; male; nonbinary", regex=False)
    joined = (
        np.where(minors, "minors;", "") + pd.Series(np.where(adults, "adults;", ""), index=text.index)
        + np.where(foreign, "foreign nationals;", "") + genders
    )
    return _split(joined)


def _select(name: str, label: str, everything: str, options: list[tuple[str, str]]) -> str:
    items = "".join(f'<option value="{_esc(value)}">{_esc(text)}</option>' for value, text in options)
    return f'<label>{_esc(label)}<select data-filter="{name}"><option value="">{_esc(everything)}</option>{items}</select></label>'


@functools.cache
def _script() -> str:
    source = (importlib.resources.files("tfanalysis") / "resources" / _SCRIPT).read_text(encoding="utf-8")
    return source.replace("</", "<\\/")  # a literal "</script>" inside would end the element


# --------------------------------------------------------------------------- exports


FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection)."""


def spreadsheet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Neutralize text cells a spreadsheet would run as formulas: prefix them with ``'``.

    A member's name or contact typed as ``=HYPERLINK(...)``, ``+cmd|...`` or ``@SUM(A1)``
    would be a live formula once the directory is opened in Excel or LibreOffice. OWASP's
    rule: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    gets a leading apostrophe, which spreadsheets show as text. Numbers are left alone.

    Examples
    --------
    >>> t = pd.DataFrame({"member": ["=HYPERLINK('http://x')", "Safe Harbor", "@SUM(A1)"], "capacity": [-1.0, 2.0, 3.0]})
    >>> spreadsheet_safe(t)["member"].tolist(), spreadsheet_safe(t)["capacity"].tolist()
    (["'=HYPERLINK('http://x')", 'Safe Harbor', "'@SUM(A1)"], [-1.0, 2.0, 3.0])
    """
    out = table.copy()
    for column in out.columns:
        if pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column]):
            continue
        text = out[column].astype("string")
        risky = text.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
        if risky.any():
            out[column] = text.mask(risky, "'" + text)
    return out


def export(table: pd.DataFrame, folder: str | Path | None) -> dict[str, Path]:
    """Write the directory as ``member_directory.csv`` and ``member_directory.xlsx``.

    The files hold the table (all columns, ``counties served`` included): read back with
    text columns as text, they equal it, except that a cell a spreadsheet would run as a
    formula is written with a leading ``'`` (:func:`spreadsheet_safe`), and every text
    cell of the XLSX is stored as a string, never a formula. The CSV is UTF-8 with a
    byte-order mark, so that Excel shows accented names right; the XLSX has its header
    frozen and filters on.

    Parameters
    ----------
    table : pandas.DataFrame
        A table from :func:`member_directory`.
    folder : str, pathlib.Path or None
        Where to write: the suite runner passes the run's folder (the notebook's
        ``report_dir``), so the files sit beside the report and its links to them work.
        Empty or None (an analyst in JupyterLab): nothing is written.

    Returns
    -------
    dict
        ``{"csv": path, "xlsx": path}``; empty when nothing was written.

    Examples
    --------
    >>> import tempfile
    >>> files = export(pd.DataFrame({"member": ["Safe Harbor"]}), tempfile.mkdtemp())
    >>> sorted(p.name for p in files.values())
    ['member_directory.csv', 'member_directory.xlsx']
    >>> export(pd.DataFrame({"member": ["Safe Harbor"]}), "")
    {}
    """
    if folder is None or str(folder).strip() == "":
        return {}
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    csv_path = target / f"{EXPORT_NAME}.csv"
    xlsx_path = target / f"{EXPORT_NAME}.xlsx"
    table = spreadsheet_safe(table)
    # CRLF as RFC 4180 and Excel write it: a cell holding a line break or a bare CR is quoted
    table.to_csv(csv_path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    with pd.ExcelWriter(xlsx_path, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="Member directory", index=False)
        sheet = writer.sheets["Member directory"]
        for row in sheet.iter_rows(min_row=2):  # text stays text: openpyxl makes any "=…" string a formula
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        widths = [max(len(str(c)), int(table[c].dropna().astype(str).str.len().max() if table[c].notna().any() else 0)) for c in table.columns]
        for column_cells, width in zip(sheet.columns, widths):
            sheet.column_dimensions[column_cells[0].column_letter].width = min(max(width + 2, 8), 60)
    return {"csv": csv_path, "xlsx": xlsx_path}


def export_markdown(files: dict[str, Path]) -> str:
    """Links to the exported files, relative to the report that sits in the same folder.

    Examples
    --------
    >>> print(export_markdown({"csv": Path("/r/member_directory.csv"), "xlsx": Path("/r/member_directory.xlsx")}))
    Download the directory for a spreadsheet: [member_directory.csv](member_directory.csv) · [member_directory.xlsx](member_directory.xlsx)
    >>> export_markdown({})[:40]
    'No spreadsheet copy was written: the sui'
    """
    if not files:
        return (
            "No spreadsheet copy was written: the suite runner (`tfanalysis run`) writes "
            "`member_directory.csv` and `member_directory.xlsx` beside this report; in JupyterLab, "
            "call `directory.export(table, folder)`."
        )
    links = " · ".join(f"[{p.name}]({p.name})" for p in files.values())
    return f"Download the directory for a spreadsheet: {links}"
