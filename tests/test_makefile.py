"""`make report`: the demo's latest complete quarter, with the PDF pack; all data one option away."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from tfanalysis import demo
from tfanalysis.running.cli import _parser
from tfanalysis.data.periods import parse_period

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="no make")


def _report_command(*overrides: str) -> list[str]:
    """The `tfanalysis run` command `make report` would run (make -n: nothing is run)."""
    done = subprocess.run(["make", "-n", "-s", "report", *overrides], cwd=ROOT, capture_output=True, text=True, check=True)
    line = next(line for line in done.stdout.splitlines() if "tfanalysis run " in line)
    return shlex.split(line)[2:]  # after ".venv/bin/tfanalysis run"


def _latest_complete_quarter(last_day: str) -> str:
    end = pd.Timestamp(last_day)
    quarter = end.to_period("Q")
    if end != quarter.end_time.normalize():
        quarter -= 1
    return f"{quarter.year}Q{quarter.quarter}"


def test_make_report_renders_the_demos_latest_complete_quarter_with_the_pdf() -> None:
    args = _parser().parse_args(["run", *_report_command()])
    assert args.period == _latest_complete_quarter(demo.PERIOD_END) == "2025Q4"
    assert parse_period(args.period).end == pd.Timestamp(demo.PERIOD_END)  # complete: it ends with the data
    assert args.pdf is True
    assert args.params == Path("notebooks/params-demo.yaml")


def test_all_data_and_no_pdf_stay_options() -> None:
    args = _parser().parse_args(["run", *_report_command("PERIOD=all", "PDF=")])
    assert args.period == "all" and parse_period(args.period).start is None
    assert args.pdf is None
