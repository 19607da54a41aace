"""Share of non-zero victim counts shown (not hidden) in the runs of a reports folder (issue 10).

Reads the private ledgers of the published runs (``REPORTS/.ledgers/*/*/cells.parquet``): every count a run
released for the first time, its true value and whether it was shown. Prints, per run and
per report (the table name's first word), the non-zero counts released and the share
shown.

    .venv/bin/python benchmarks/share_shown.py REPORTS_DIR
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd


def share_shown(reports: Path) -> pd.DataFrame:
    """Non-zero counts released and the share shown, per run and report."""
    frames = [pd.read_parquet(path).assign(ledger=path.parent.name) for path in sorted(reports.glob(".ledgers/*/*/cells.parquet"))
              if (path.parent / "complete").exists() and "@" not in path.parent.name]  # this folder's published runs only
    if not frames:
        return pd.DataFrame(columns=["run", "report", "nonzero", "shown", "share_shown_pct"])
    cells = pd.concat(frames, ignore_index=True)
    cells = cells[cells["true"] > 0].assign(report=cells["table"].str.split().str[0],
                                            shown=~(cells["hidden"] | cells.get("withheld", False)))
    per = cells.groupby(["ledger", "report"]).agg(nonzero=("shown", "size"), shown=("shown", "sum")).reset_index()
    every = cells.groupby("ledger").agg(nonzero=("shown", "size"), shown=("shown", "sum")).reset_index().assign(report="all")
    out = pd.concat([per, every], ignore_index=True).rename(columns={"ledger": "run"}).sort_values(["run", "report"])
    return out.assign(share_shown_pct=(100 * out["shown"] / out["nonzero"]).round(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", type=Path)
    args = parser.parse_args(argv)
    print(share_shown(args.reports).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
