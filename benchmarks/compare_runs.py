"""Are two report runs the same? A one-off check that a change of code layout changed no number.

    python benchmarks/compare_runs.py BEFORE AFTER [--data BEFORE_DATA AFTER_DATA]

BEFORE and AFTER are the ``--out`` folders of two ``tfanalysis run`` calls with the same data,
parameters and ``--run-id`` (and the same ``--export-date``: by default it is the day the newest
file was written). Compared, per run folder:

- ``metrics.json``, ``member_directory.csv`` and ``metrics_history.csv``: byte for byte;
- every HTML report: every number a reader sees (``read_numbers`` of the run audit: table
  cells, figure arrays, numbers in prose, with their labels), the visible text of the page
  (scripts and styles left out; the time a run was created masked), and every figure's traces
  (plotly's random ``uid`` left out);
- the spreadsheets (the member directory, the grant worksheet): every cell's value (the time
  the worksheet was made masked);
- the run's publication ledgers (``.ledgers/``): every released cell and derived column.

``--data`` also compares two dataset folders file by file, byte for byte (the demo generator
before and after). Exit 0 when everything is identical, 1 otherwise, listing each difference.

The layout change of issue 17 was checked with (the same data folder for both runs: the
history's dataset key includes its path)::

    tfanalysis demo /tmp/layout-base/demo                       # on main, once
    nice tfanalysis run --data /tmp/layout-base/demo --out /tmp/layout-before --period 2025Q4 \\
        --params notebooks/params-demo.yaml --export-date 2026-01-15 --run-id demo-2025Q4 --grant-worksheet
    # on the branch: the same run into /tmp/layout-after, and the demo generated anew
    tfanalysis demo /tmp/layout-after-src/demo
    python benchmarks/compare_runs.py /tmp/layout-before /tmp/layout-after --data /tmp/layout-base/demo /tmp/layout-after-src/demo

It printed ``identical``. The pages' bytes differ only in plotly's random element ids, the run's
time on the index and, on report 04, the comment of the directory's script (it names the
module that inlines it, which moved).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import pandas as pd


def _read_numbers():
    try:
        from tfanalysis.running.audit import read_numbers
    except ImportError:  # the layout before issue 17
        from tfanalysis.publication.audit import read_numbers
    return read_numbers


_STAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:[+-]\d\d:\d\d|Z)?")
"""When a run or a worksheet was made (the index's ``created``, the worksheet's ``made``): the one
thing two runs of the same inputs differ in."""


def visible_text(html: str) -> str:
    """The text a reader sees: every text node outside scripts and styles, whitespace folded."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    text = re.sub(r"\s+", " ", soup.get_text(" ")).strip()
    return _STAMP.sub("<time>", text)


def figure_traces(html: str) -> list:
    """Every figure's traces and layout (``Plotly.newPlot(id, data, layout, ...)``), plotly's random ``uid`` left out."""
    decoder = json.JSONDecoder()
    found = []
    for match in re.finditer(r"Plotly\.newPlot\(\s*", html):
        pos = match.end()
        parts = []
        try:
            _, pos = decoder.raw_decode(html, pos)  # the div id: random
            for _ in range(2):  # data, layout
                pos = html.index(",", pos) + 1
                while html[pos].isspace():
                    pos += 1
                value, pos = decoder.raw_decode(html, pos)
                parts.append(value)
        except (ValueError, IndexError):
            parts.append("unreadable")
        found.append(parts)
    text = json.dumps(found, sort_keys=True)
    return json.loads(re.sub(r'"uid": "[^"]*"', '"uid": ""', text))


def sheet_values(path: Path) -> dict[str, list[tuple]]:
    """Every worksheet's cell values, row by row."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    def cell(value: object) -> object:
        return _STAMP.sub("<time>", value) if isinstance(value, str) else value

    return {ws.title: [tuple(cell(v) for v in row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def _frame_problem(before: pd.DataFrame, after: pd.DataFrame) -> str | None:
    try:
        pd.testing.assert_frame_equal(before.reset_index(drop=True), after.reset_index(drop=True), check_exact=True)
    except AssertionError as exc:
        return str(exc).splitlines()[0] + " " + " ".join(str(exc).split()[1:12])
    return None


def compare_runs(before: Path, after: Path) -> list[str]:
    """Every difference between two ``--out`` folders (empty: the same)."""
    problems: list[str] = []
    runs = sorted(p.name for p in before.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != "latest")
    if not runs:
        return [f"{before}: no run folder"]
    for name in ("metrics_history.csv",):
        problems += _bytes(before / name, after / name)
    read_numbers = _read_numbers()
    for run in runs:
        b, a = before / run, after / run
        if not a.is_dir():
            problems.append(f"{run}: missing in {after}")
            continue
        for name in ("metrics.json", "member_directory.csv"):
            problems += _bytes(b / name, a / name)
        pages = sorted(p.name for p in b.glob("*.html"))
        if pages != sorted(p.name for p in a.glob("*.html")):
            problems.append(f"{run}: other reports: {pages} / {sorted(p.name for p in a.glob('*.html'))}")
        for page in pages:
            if not (a / page).is_file():
                continue
            old, new = (b / page).read_text(encoding="utf-8"), (a / page).read_text(encoding="utf-8")
            problem = _frame_problem(read_numbers(old), read_numbers(new))
            if problem:
                problems.append(f"{run}/{page}: numbers differ: {problem}")
            if visible_text(old) != visible_text(new):
                problems.append(f"{run}/{page}: visible text differs: {_first_difference(visible_text(old), visible_text(new))}")
            if figure_traces(old) != figure_traces(new):
                problems.append(f"{run}/{page}: figures differ")
        for sheet in sorted(b.glob("*.xlsx")) + sorted(before.glob(f"{run}*.xlsx")):
            twin = after / sheet.relative_to(before)
            if not twin.is_file():
                problems.append(f"{sheet.relative_to(before)}: missing in {after}")
            elif sheet_values(sheet) != sheet_values(twin):
                problems.append(f"{sheet.relative_to(before)}: cell values differ")
    for ledger in sorted((before / ".ledgers").rglob("*.parquet")):
        twin = after / ledger.relative_to(before)
        if not twin.is_file():
            problems.append(f"{ledger.relative_to(before)}: missing in {after}")
            continue
        problem = _frame_problem(pd.read_parquet(ledger), pd.read_parquet(twin))
        if problem:
            problems.append(f"{ledger.relative_to(before)}: {problem}")
    return problems


def compare_data(before: Path, after: Path) -> list[str]:
    """Every file of two dataset folders, byte for byte."""
    names = sorted(p.name for p in before.iterdir() if p.is_file())
    problems = [] if names == sorted(p.name for p in after.iterdir() if p.is_file()) else [f"data: other files in {after}"]
    for name in names:
        problems += _bytes(before / name, after / name)
    return problems


def _bytes(before: Path, after: Path) -> list[str]:
    if not before.is_file():
        return []
    if not after.is_file():
        return [f"{after}: missing"]
    return [] if before.read_bytes() == after.read_bytes() else [f"{after.name}: bytes differ ({before} / {after})"]


def _first_difference(old: str, new: str) -> str:
    at = next((i for i, (x, y) in enumerate(zip(old, new)) if x != y), min(len(old), len(new)))
    return f"at character {at}: {old[max(0, at - 60):at + 60]!r} / {new[max(0, at - 60):at + 60]!r}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--data", nargs=2, type=Path, metavar=("BEFORE_DATA", "AFTER_DATA"))
    args = parser.parse_args(argv)
    problems = compare_runs(args.before, args.after)
    if args.data:
        problems += compare_data(*args.data)
    for problem in problems:
        print(problem)
    print("identical" if not problems else f"{len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
