"""Auditing a release: what a reader can recover from everything a run (and earlier runs) showed.

Three checks, run by the suite before a run is published and by ``tfanalysis audit``:

1. :func:`audit_ledger` — the bounds of :mod:`tfanalysis.publication.bounds` over every count
   the run's ledger holds, with the ledgers of earlier published runs of the same data: any
   hidden count, or any group the released predicates single out, that a reader can pin
   inside 1..k-1.
2. :func:`audit_small_groups` — no count of this run shown, or hidden and so at least 1,
   tells what a group of 1..k-1 victims has (:mod:`tfanalysis.publication.small_groups`).
3. :func:`audit_html` — the numbers read back from the rendered reports (table cells, plotly
   arrays, base64 ``bdata`` included, and the prose): every table or figure the publication
   layer tagged must show exactly the released values, hidden counts as hidden; no hidden
   count's true value may be printed in its row.

Findings name the report, table and cell by their labels, never a count.

Examples
--------
>>> read_numbers('<table data-release="t"><tr><th>a</th><td class="num">12</td><td>&lt;11</td></tr></table>')[["kind", "label", "value"]].values.tolist()
[['table', 'a', 12.0], ['table', 'a', nan]]
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.publication.bounds import find_leaks, given_away_before
from tfanalysis.publication.privacy import HIDDEN

__all__ = ["FINDING_COLUMNS", "audit_html", "audit_ledger", "audit_pages", "audit_run", "audit_small_groups", "read_numbers"]

FINDING_COLUMNS = ["where", "table", "cell", "finding"]

_NUMBER = re.compile(r"(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.])-?\d+(?:\.\d+)?(?![\w])")
_DTYPES = {"f8": "<f8", "f4": "<f4", "i1": "<i1", "i2": "<i2", "i4": "<i4", "i8": "<i8", "u1": "<u1", "u2": "<u2", "u4": "<u4", "u8": "<u8"}


# --------------------------------------------------------------------------- the ledger


def describe(pred: tuple) -> str:
    """A released count's predicate in words (columns and the values it keeps: labels, no counts)."""
    from tfanalysis.publication.cells import Interval

    parts = []
    for column, c in pred:
        if isinstance(c, Interval):
            parts.append(f"{column} {c.label()}")
        else:
            values = sorted(c)
            parts.append(f"{column} = {', '.join(values[:4])}{' …' if len(values) > 4 else ''}")
    return "; ".join(parts) or "all"


def audit_ledger(release: Any, *, earlier_alone: list | None = None) -> pd.DataFrame:
    """Every count a reader can pin inside 1..k-1 from what the release and earlier runs showed.

    Parameters
    ----------
    release : tfanalysis.publication.Release
        With its ledger (this run's counts and, fixed, earlier published runs').
    earlier_alone : list, optional
        Where to put, instead of returning them, the findings the earlier runs' counts give
        away by themselves: the bound's certificate (the counts and floors it rests on) holds
        none of this run's counts, nor a floor (floors are not traced to a run).

    Returns
    -------
    pandas.DataFrame
        :data:`FINDING_COLUMNS`; empty when nothing can be recovered.
    """
    rows = []
    universes = {key_universe(k) for k in release.ledger.cells["key"]}
    for universe in sorted(universes):
        cells = release.ledger.universe_cells(universe)
        for leak in find_leaks(cells, release.units(universe), release.threshold):
            if earlier_alone is not None and given_away_before(leak, cells["fixed"].astype(bool), cells["floor"]):
                earlier_alone.append((universe, leak))
                continue
            if leak.cell is not None:
                cell = cells.loc[leak.cell]
                rows.append({"where": f"{universe} (run {cell['run'] or 'this'})", "table": cell["table"],
                             "cell": _cell_label(cell), "finding": "a hidden count a reader can pin inside 1..k-1"})
            else:
                rows.append({"where": universe, "table": "(several)", "cell": f"a group singled out by counts on {', '.join(leak.columns)}",
                             "finding": "a group of units the released counts pin inside 1..k-1"})
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def audit_small_groups(release: Any) -> pd.DataFrame:
    """Counts this run released that tell what a handful of victims have.

    A count shown (0 or more), or hidden and so known to be at least 1, one of whose groups
    (its predicate less one or more categorical columns:
    :func:`~tfanalysis.publication.small_groups.ancestors`) is 1 to k-1 people says what they have: a county of one victim, its needs per service shown
    as 0 or hidden, lists her needs. The layer withholds such counts; this finds any that
    reached a page another way. A 0 that refines a count shown as 0 is known to every
    reader (:func:`~tfanalysis.publication.small_groups.refines`: the layer shows a zero
    under a line total of 0). Counts first released by earlier runs are theirs.

    Returns
    -------
    pandas.DataFrame
        :data:`FINDING_COLUMNS`; empty when no count tells of a small group.
    """
    from tfanalysis.publication.small_groups import refines

    cells = release.ledger.cells
    if cells.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    hidden, withheld = cells["hidden"].to_numpy(bool), cells["withheld"].to_numpy(bool)
    telling = ~cells["fixed"].to_numpy(bool) & (~hidden | (hidden & ~withheld))
    universe_of = cells["key"].map(key_universe)
    rows = []
    for universe in sorted(set(universe_of[telling])):  # a handful of universes
        part = cells[telling & (universe_of == universe).to_numpy(bool)]
        preds = [_pred_of_key(key) for key in part["key"]]
        small = release.in_small_group(universe, list(part["key"]))
        zeros = cells[(universe_of == universe).to_numpy(bool) & ~hidden & (cells["true"].to_numpy() == 0)]
        shown_zero = [_pred_of_key(key) for key in zeros["key"]]
        for (_, cell), pred, is_small in zip(part.iterrows(), preds, small):  # findings: none in a sound run
            if not is_small or (cell["true"] == 0 and any(refines(pred, z) for z in shown_zero if z != pred)):
                continue
            rows.append({"where": f"{universe} (run {cell['run'] or 'this'})", "table": cell["table"], "cell": _cell_label(cell),
                         "finding": "a count of a small group of victims shown, or hidden as at least 1: it tells what they have"})
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def _pred_of_key(key: str) -> tuple:
    """A count's predicate from its key."""
    from tfanalysis.publication.cells import predicate_from_key

    return predicate_from_key(key)[1]


def key_universe(key: str) -> str:
    return json.loads(key)[0]


def _cell_label(cell: pd.Series) -> str:
    row, column = str(cell.get("row", "") or ""), str(cell.get("column", "") or "")
    return " × ".join(x for x in (row, column) if x) or describe(cell["pred"])


# --------------------------------------------------------------------------- the html


def _decode(values: Any) -> list:
    """A plotly array as a list: plain JSON, or ``{"dtype": ..., "bdata": base64}``."""
    if isinstance(values, dict) and "bdata" in values:
        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=_DTYPES.get(values.get("dtype", "f8"), "<f8"))
        return array.astype(float).tolist()
    if isinstance(values, list):
        out = []
        for v in values:
            out.extend(_decode(v) if isinstance(v, (list, dict)) else [v])
        return out
    return [values]


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def _points(trace: dict, meta: dict) -> list[tuple[str, str, float]]:
    """A trace's drawn values with what each is drawn at: (category, series, value), hidden points (NaN) left out.

    The category is the axis the values are not on (``y`` of a horizontal bar, a map's
    ``locations``; rows and columns of a heatmap). A trace drawn from a released table
    names the table's own labels in its ``meta`` (``rows``, ``columns``, ``column``) where
    it shows others (county names for FIPS codes): those are read, in words as the ledger's
    labels are (:func:`_words`).

    >>> _points({"type": "heatmap", "z": [[3, None], [12, 0]], "x": ["Kent", "Sussex"], "y": ["a", "b"]}, {"columns": ["10001", "10005"]})
    [('a', '10001', 3.0), ('b', '10001', 12.0), ('b', '10005', 0.0)]
    >>> _points({"type": "bar", "orientation": "h", "y": ["food"], "x": [14], "name": "met"}, {})
    [('food', 'met', 14.0)]
    """
    def labels(given: Any, drawn: Any) -> list[str]:
        return [_words(v) for v in given] if isinstance(given, list) else [str(v) for v in _decode(drawn)]

    out: list[tuple[str, str, float]] = []
    if trace.get("type") == "heatmap" and "z" in trace:
        rows, columns = labels(meta.get("rows"), trace.get("y", [])), labels(meta.get("columns"), trace.get("x", []))
        for i, line in enumerate(_grid(trace["z"])):
            for j, v in enumerate(line):
                number = _as_number(v)
                if number is not None and not np.isnan(number) and i < len(rows) and j < len(columns):
                    out.append((rows[i], columns[j], number))
        return out
    horizontal = trace.get("orientation") == "h"
    drawn_at = trace.get("locations", trace.get("y" if horizontal else "x", trace.get("labels", [])))
    categories = labels(meta.get("rows"), drawn_at)
    series = _words(meta["column"]) if "column" in meta else str(trace.get("name", ""))
    for key in (("x",) if horizontal else ("y", "z", "values")) + ("customdata",):
        if key not in trace:
            continue
        for i, v in enumerate(_decode(trace[key])):
            number = _as_number(v)
            if number is not None and not np.isnan(number):
                out.append((categories[i] if i < len(categories) else "", series, number))
    return out


def _grid(values: Any) -> list[list]:
    """A plotly 2-D array as rows: nested lists, or ``bdata`` with its ``shape``."""
    if isinstance(values, dict) and "bdata" in values:
        flat = _decode(values)
        shape = [int(n) for n in str(values.get("shape", len(flat))).split(",")]
        width = shape[1] if len(shape) > 1 else len(flat)
        return [flat[r * width:(r + 1) * width] for r in range(len(flat) // max(width, 1))]
    return [line if isinstance(line, list) else [line] for line in values] if isinstance(values, list) else []


def _figures(html: str) -> list[dict]:
    """Every plotly figure's traces in a page (``Plotly.newPlot(id, data, layout...)``)."""
    decoder = json.JSONDecoder()
    out = []
    for match in re.finditer(r"Plotly\.newPlot\(\s*", html):
        pos = match.end()
        try:
            _, pos = decoder.raw_decode(html, pos)  # the div id
            pos = html.index(",", pos) + 1
            while html[pos].isspace():
                pos += 1
            data, _ = decoder.raw_decode(html, pos)
        except (ValueError, IndexError):
            continue
        if isinstance(data, list):
            out.extend(t for t in data if isinstance(t, dict))
    return out


def read_numbers(html: str) -> pd.DataFrame:
    """Every number a reader sees in a page: table cells, figure arrays, prose.

    Returns
    -------
    pandas.DataFrame
        ``kind`` (table, figure, text), ``release`` (the table or trace's publication tag,
        empty when untagged), ``label`` (the row label, the trace point's category, or the
        sentence), ``column``, ``value`` (float; NaN for a hidden marker: ``hidden``, or ``<11`` in reports rendered before it).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    rows = []
    for table in soup.find_all("table"):
        tag = table.get("data-release", "")
        header = [th.get_text(strip=True) for th in table.find_all("tr")[0].find_all(["th", "td"])] if table.find("thead") else []
        for tr in table.find_all("tr"):
            if tr.parent.name == "thead":
                continue
            label = " / ".join(th.get_text(strip=True) for th in tr.find_all("th"))
            offset = len(tr.find_all("th"))
            for j, td in enumerate(tr.find_all("td")):
                text = td.get_text(strip=True)
                value = float("nan") if text == HIDDEN or text.startswith("<") else _as_number(text)  # "<k": reports before 2026-12
                if value is not None:
                    column = header[offset + j] if offset + j < len(header) else ""
                    rows.append({"kind": "table", "release": tag, "label": label, "column": column, "value": value})
    for trace in _figures(html):
        meta = trace.get("meta") if isinstance(trace.get("meta"), dict) else {}
        tag = meta.get("release", "")
        rows += [{"kind": "figure", "release": tag, "label": label, "column": column, "value": number}
                 for label, column, number in _points(trace, meta)]
        for key in ("text", "hovertext"):
            for text in _decode(trace.get(key, [])):
                for number in _NUMBER.findall(str(text)):
                    rows.append({"kind": "figure", "release": tag, "label": str(text), "column": key, "value": _as_number(number)})
    for block in soup.select(".jp-RenderedMarkdown, .jp-RenderedText"):
        for sentence in re.split(r"(?<=[.!?])\s+", block.get_text(" ", strip=True)):
            for number in _NUMBER.findall(sentence):
                rows.append({"kind": "text", "release": "", "label": sentence, "column": "", "value": _as_number(number)})
    return pd.DataFrame(rows, columns=["kind", "release", "label", "column", "value"])


_REPORT = re.compile(r"^(\d{2})_")
"""A report page's number (``02_needs_and_gaps.html``)."""

_TABLE_OF_REPORT = r"^(\d{2}) "
"""A released table's report number (``02 needs followed per service``)."""


def audit_html(html: str, ledger_cells: pd.DataFrame, threshold: int, where: str = "") -> pd.DataFrame:
    """Check a rendered page against the release: tagged tables and figures show what was released.

    A tagged table cell or figure point whose row (or category) and column name a released
    count must show its released value, or nothing where it is hidden; a hidden count's true
    value in 1..k-1 printed in a sentence that names its row is a finding too (for the page
    of a report ``NN_...``, rows of the tables of that report, ``NN ...``, and of tables of
    no numbered report).
    """
    numbers = read_numbers(html)
    cells = ledger_cells
    findings = []
    tagged = numbers[numbers["release"] != ""]
    if len(tagged) or "data-release" in html:
        # tables are shown in words (tfanalysis.reports.labels): read the ledger's labels the same way
        lookup = cells.assign(row=cells["row"].map(_words), column=cells["column"].map(_words)).set_index(["table", "row", "column"])
        for rec in tagged.itertuples(index=False):
            key, cell = _released_cell(lookup, rec.release, rec.label, rec.column)
            if cell is None:
                continue
            hidden = bool(cell["hidden"])
            if (hidden and not np.isnan(rec.value)) or (not hidden and rec.value != float(cell["true"])):
                findings.append({"where": where, "table": rec.release, "cell": f"{key[1]} × {key[2]}",
                                 "finding": "shows a value other than the released one"})
        findings += _trend_lines_redrawn(html, lookup, where)
    small_hidden = cells[cells["hidden"] & (cells["true"] >= 1) & (cells["true"] < threshold) & (cells["row"].astype(str) != "")]
    # a page's sentences are read against its own report's tables and the tables of no report
    # ("02 ..." is report 02's, for the page 02_needs_and_gaps.html): another report's hidden
    # count whose row a long sentence happens to name beside an unrelated number is not its prose
    page = _REPORT.match(Path(where).name)
    if page:
        owner = small_hidden["table"].astype(str).str.extract(_TABLE_OF_REPORT, expand=False)
        small_hidden = small_hidden[owner.isna().to_numpy(bool) | (owner == page.group(1)).to_numpy(bool)]
    small_hidden = small_hidden.assign(row=small_hidden["row"].map(_words))
    text = numbers[numbers["kind"] == "text"]
    if len(small_hidden) and len(text):
        for cell in small_hidden.itertuples(index=False):
            row = str(cell.row)
            if row in ("Total", "count", "all") or (row.isdigit() and len(row) < 3):  # a number of one or two digits names nothing
                continue
            named = text["label"].str.contains(r"(?<!\w)" + re.escape(row) + r"(?!\w)", regex=True)  # the row's name as words
            said = text[named & (text["value"] == float(cell.true))]
            said = said[said["label"].map(lambda sentence, c=cell: _says_count_of(sentence, str(c.row), int(c.true)))]
            if len(said):
                findings.append({"where": where, "table": cell.table, "cell": str(cell.row),
                                 "finding": "a sentence naming this row prints its hidden count"})
    return pd.DataFrame(findings, columns=FINDING_COLUMNS).drop_duplicates()


def _released_cell(lookup: pd.DataFrame, release: str, row: str, column: str) -> tuple[tuple, pd.Series | None]:
    """The released cell a shown value stands for (its table, row and column in words; a one-column table's
    column is ``Count``), and its key; None when the release holds no such cell."""
    key = (release, row, column)
    if key not in lookup.index:
        key = (release, row, "Count")
        if key not in lookup.index:
            return key, None
    cell = lookup.loc[key]
    return key, cell.iloc[0] if isinstance(cell, pd.DataFrame) else cell


def _trend_lines_redrawn(html: str, lookup: pd.DataFrame, where: str) -> list[dict]:
    """The small trend lines of the leadership summary that differ from the same lines drawn from the release.

    Each names its released series and periods (:func:`tfanalysis.reports.summary._sparkline`):
    drawn again from the released values (a hidden one a gap), it must be the same drawing.
    A line whose periods the release does not hold is not read.
    """
    from bs4 import BeautifulSoup
    from tfanalysis.reports.summary import _sparkline

    out = []
    if 'class="tf-spark" data-release' not in html:  # only the summary draws them: no second reading of other pages
        return out
    for svg in BeautifulSoup(html, "html.parser").select("svg.tf-spark[data-release]"):
        name, periods = svg["data-release"], json.loads(svg.get("data-periods", "[]"))
        cells = [None if period is None else _released_cell(lookup, name, _words(period), "Count")[1] for period in periods]
        if any(cell is None for cell, period in zip(cells, periods) if period is not None):
            continue
        values = [float("nan") if cell is None or bool(cell["hidden"]) else float(cell["true"]) for cell in cells]
        drawn = [(tag.name, sorted(tag.attrs.items())) for tag in svg.find_all(["polyline", "circle"])]
        again = BeautifulSoup(_sparkline(values), "html.parser")
        if drawn != [(tag.name, sorted(tag.attrs.items())) for tag in again.find_all(["polyline", "circle"])]:
            out.append({"where": where, "table": name, "cell": "trend line", "finding": "draws values other than the released ones"})
    return out


_NOT_VICTIMS = re.compile(r"\s*(?:%|per ?cent|days?|weeks?|months?|quarters?|years?|periods?|counties|county|services?|members?|"
                          r"organizations?|sectors?|miles?|places?|combinations?|scenarios?|times?|indicators?|series|tests?|x\b"
                          # a rate: ``7.0 needs a month`` (a quarter's 21 needs, a third of them a month)
                          r"|(?:[^\W\d]+\s+){0,2}?(?:a|an|per|each|every)\s+(?:day|week|month|quarter|year)\b)")
"""What follows a number that is not a count of victims: a unit, a share, a rate."""
_NEAR = 40
"""How close (in characters, within one sentence) a number must stand to a row's label to be read as its count."""


def _says_count_of(sentence: str, label: str, value: int) -> bool:
    """Whether a sentence prints ``value`` as the count of ``label``.

    Read as the label's count: the first number after the label or the last one before it,
    within a few words and with no other number between, that is not days, counties, a
    share, a rate (so many a month), part of a date or a code.

    Examples
    --------
    >>> _says_count_of("Declined most for Housing: emergency (6).", "Housing: emergency", 6)
    True
    >>> _says_count_of("6 needs of Housing: emergency were declined.", "Housing: emergency", 6)
    True
    >>> _says_count_of("Housing: emergency — no member serves 2 counties: Gallia, Morgan.", "Housing: emergency", 2)
    False
    >>> _says_count_of("Needs in 2025Q4: 8 of them met within 9 days.", "2025Q4", 9)
    False
    >>> _says_count_of("From 2023Q1 to 2025Q4 (2025-10-01 to 2025-12-31).", "2023Q1", 10)
    False
    >>> _says_count_of("39 members at the end of 2023 to 40 in 10 sectors at the end of 2025, with 5 joining.", "2023", 5)
    False
    >>> _says_count_of("Over the periods to 2025Q3, 9 indicators show a significant improving trend.", "2025Q3", 9)
    False
    >>> _says_count_of("Demand outruns capacity: Legal aid (7.0 needs a month against 4.0 places).", "Legal aid", 7)
    False
    >>> _says_count_of("Legal aid (7 needs declined, 2 a month).", "Legal aid", 7)
    True
    """
    def counts(text: str) -> list[re.Match[str]]:  # numbers, but not the parts of a date such as 2025-10-01
        return [m for m in _NUMBER.finditer(text)
                if not re.match(r"[-/]\d", text[m.end():m.end() + 2]) and text[max(0, m.start() - 1):m.start()] not in ("-", "/")]

    for found in re.finditer(re.escape(label), sentence):
        after = sentence[found.end(): found.end() + _NEAR]
        before = sentence[max(0, found.start() - _NEAR): found.start()]
        nearest = [(m, after) for m in counts(after)[:1]] + [(m, before) for m in counts(before)[-1:]]
        for m, text in nearest:
            if _as_number(m.group()) == value and not _NOT_VICTIMS.match(text, m.end()):
                return True
    return False


def _words(label: Any) -> str:
    """A ledger label as a report shows it (each part through tfanalysis.reports.labels)."""
    from tfanalysis.reports.notebook import _header
    from tfanalysis.reports.labels import readable

    parts = str(label).split(" / ")
    return " / ".join(str(readable(p)) for p in parts) if len(parts) > 1 else _header(label)


def audit_run(run_dir: str | Path, data: Any) -> pd.DataFrame:
    """Re-check a rendered run folder against the true data (``tfanalysis audit``).

    Reads the run's private ledger (``<out>/.ledgers/<dataset>/<run-id>``, next to the run
    folder) with the ledgers of the earlier published runs of the same data, bounds every
    count, and reads every report's numbers back from its HTML.
    """
    from tfanalysis.publication.release import Release
    from tfanalysis.running.ledgers import publishing_key

    run_dir = Path(run_dir).resolve()
    info = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    threshold = int(info.get("parameters", {}).get("suppression threshold", info.get("suppression_threshold", 11)))
    fingerprint = data.fingerprint()
    key = publishing_key(run_dir.parent, make=False)
    keyed = keyed_fingerprint(fingerprint, key) if key is not None else None
    if info["fingerprint"] not in (keyed, fingerprint):  # runs before keyed fingerprints published the bare digests
        raise ValueError(f"{run_dir.name} was made from other data than the folder given (the file fingerprints differ)")
    ledger = ledger_dir_of(run_dir.parent, fingerprint, info["run_id"])
    if not (ledger / "cells.parquet").exists():
        raise FileNotFoundError(f"{run_dir.name}: no ledger at {ledger}; audit a run made by this version, in its own output folder")
    release = Release(data, threshold, ledger_dir=ledger, run=info["run_id"])
    pages = [page for page in sorted(run_dir.glob("*.html")) if page.name != "index.html"]
    return pd.concat([audit_ledger(release), audit_small_groups(release), audit_pages(pages, release, info["run_id"])], ignore_index=True)


def audit_pages(pages: Sequence[Path], release: Any, run_id: str) -> pd.DataFrame:
    """:func:`audit_html` of each rendered page against the counts run ``run_id`` released (``release``'s ledger).

    What ``tfanalysis audit`` reads back of a published run, and what a run reads of its own
    pages before publishing them (:func:`tfanalysis.running.pipeline._audit_release`).
    """
    mine = release.ledger.shown_in(run_id)  # every table's cells, counts another table released first too
    found = [audit_html(page.read_text(encoding="utf-8"), mine, release.threshold, where=page.name) for page in pages]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=FINDING_COLUMNS)


def keyed_fingerprint(fingerprint: dict[str, str], key: str) -> dict[str, str]:
    """The input fingerprint a run publishes: each file's SHA-256 keyed (HMAC-SHA256) with a secret.

    ``run.json`` and ``index.html`` name the files a run read by these digests, so that runs
    of the same files are seen to be so, and ``tfanalysis audit`` can tell whether a data
    folder is the one a run was made from (it holds the reports folder's key,
    :func:`tfanalysis.running.ledgers.publishing_key`). A bare SHA-256 would let anyone with
    a candidate copy of the data confirm it offline.

    Examples
    --------
    >>> prints = keyed_fingerprint({"clients": "ab" * 32}, "k1")
    >>> len(prints["clients"]), prints == keyed_fingerprint({"clients": "ab" * 32}, "k2")
    (64, False)
    """
    import hashlib
    import hmac

    return {name: hmac.new(key.encode("utf-8"), f"{name}:{digest}".encode("utf-8"), hashlib.sha256).hexdigest()
            for name, digest in sorted(fingerprint.items())}


def dataset_id(fingerprint: dict[str, str]) -> str:
    """A short identity of a dataset: the digest of its files' digests."""
    import hashlib

    text = json.dumps(sorted(fingerprint.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def ledger_dir_of(out_dir: str | Path, fingerprint: dict[str, str], run_id: str) -> Path:
    """Where a run's ledger lives: ``<out>/.ledgers/<dataset>/<run-id>`` (private; never sent)."""
    from tfanalysis.running.ledgers import folder_ledgers

    return folder_ledgers(out_dir, dataset_id(fingerprint)) / run_id
