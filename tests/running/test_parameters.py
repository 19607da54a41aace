"""Run parameters: typed as the notebooks declare, meant as the rules say, all problems in one message."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from tfanalysis.running import parameters, pipeline
from tfanalysis.running.suite import check_notebook_params

from conftest import write_tiny_dataset

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("declared", "value", "expected"),
    [
        ("int", 3, (3, None)),
        ("int", 10.0, (10, None)),
        ("int", 10.9, (None, "must be a whole number (got 10.9)")),
        ("int", "three", (None, "must be a whole number (got the text 'three')")),
        ("int", True, (None, "must be a whole number (got true)")),
        ("float", 25, (25.0, None)),
        ("float", float("inf"), (None, "must be a finite number (got inf)")),
        ("float", "far", (None, "must be a number (got the text 'far')")),
        ("str", dt.date(2024, 7, 1), ("2024-07-01", None)),
        ("str", 2134, (None, "must be text (got int 2134): write it in quotes in the YAML file")),
        ("bool", "yes", (None, "must be true or false (got the text 'yes')")),
    ],
)
def test_values_are_read_as_the_declared_type(declared: str, value: object, expected: tuple) -> None:
    assert parameters.coerce(declared, value) == expected


@pytest.mark.parametrize(
    ("name", "declared", "value", "problem"),
    [
        ("suppression_threshold", "int", 0, "must be at least 3: a threshold of 0 hides no count at all"),
        ("suppression_threshold", "int", 1, "must be at least 3: a threshold of 1 hides no count at all"),
        ("suppression_threshold", "int", 2, "must be at least 3: with a threshold of 2 every hidden count could only be 1, which hides nothing"),
        ("suppression_threshold", "int", 3, None),
        ("site_count", "int", 0, "must be at least 1"),
        ("max_miles", "float", -10, "must be more than 0"),
        ("bootstrap_resamples", "int", 5, "must be at least 20: a 90% interval needs at least 20 resamples"),
        ("decay", "str", "linear", "must be one of step, gaussian, none"),
        ("freq", "str", "H", None),
        ("freq", "str", "weekly", "must be Q (quarters), H (half-years), M (months) or Y (years)"),
        ("change_date", "str", "July 2024", "must be a date written YYYY-MM-DD, or empty"),
        ("change_date", "str", "2024-02-30", "must be a date written YYYY-MM-DD, or empty"),
        ("change_date", "str", dt.date(2024, 7, 1), None),
        ("network_periods", "str", "2024Q2", "must be two periods separated by ';', like 2024Q2;2025Q4, or empty"),
        ("survey_wave_dates", "str", "1=2023-06-15;2:2024-03-15", None),
        ("survey_wave_dates", "str", "June", "must be wave:date pairs separated by ';', like 1:2023-06-15;2:2024-03-15, or empty"),
        ("services", "str", "food;yoga", "must be service codes of the taxonomy separated by ';' (not codes: yoga)"),
        ("site_service", "str", "food;shelter", "must be one service code of the taxonomy, or empty"),
        ("region", "str", "OH;10001", None),
        ("region", "str", "ZZ", "must be a state (OH, Ohio or 39) or county FIPS codes separated by ';' (not understood: 'ZZ')"),
    ],
)
def test_each_parameter_is_checked_for_what_it_means(name: str, declared: str, value: object, problem: str | None) -> None:
    assert parameters.check_value(name, declared, value) == problem


def test_every_problem_is_in_one_message_before_any_kernel(tmp_path: Path) -> None:
    data = write_tiny_dataset(tmp_path / "data")
    given = {"02_needs_and_gaps": {"site_count": "three", "max_miles": -1}, "03": {"freq": "M", "change_date": "July 2024"}}
    with pytest.raises(pipeline.SuiteError) as info:
        pipeline.run_suite(data, tmp_path / "out", period="2025Q5", suppression_threshold=10.9, region="ZZ", notebook_params=given, only=["00"])
    message = str(info.value)
    assert message.splitlines()[0] == "the run's parameters are wrong; nothing was run:"
    assert message.splitlines()[1:] == [
        "- period: cannot read the period '2025Q5'; write a year (2025), a half (2025H1), a quarter (2025Q3), a month (2025-07), "
        "a (start, end) pair of dates, last-quarter / last-month / last-half / last-year, or nothing for all data",
        "- suppression threshold: must be a whole number (got 10.9)",
        "- region: must be a state (OH, Ohio or 39) or county FIPS codes separated by ';' (not understood: 'ZZ')",
        "- 02_needs_and_gaps: site_count must be a whole number (got the text 'three')",
        "- 02_needs_and_gaps: max_miles must be more than 0",
        "- 03_collaboration: change_date must be a date written YYYY-MM-DD, or empty",
    ]
    assert not (tmp_path / "out").exists()  # nothing written, no kernel started


def test_a_yaml_date_and_whole_floats_are_taken_as_meant(tmp_path: Path) -> None:
    suite = sorted((ROOT / "notebooks").glob("*.ipynb"))
    chosen = [p for p in suite if p.stem.startswith(("02", "03"))]
    resolved, problems = check_notebook_params(chosen, {"03": {"change_date": dt.date(2024, 7, 1)}, "02": {"site_count": 4.0}}, suite=suite)
    assert problems == []
    assert resolved["03_collaboration"] == {"change_date": "2024-07-01"}
    assert resolved["02_needs_and_gaps"] == {"site_count": 4} and isinstance(resolved["02_needs_and_gaps"]["site_count"], int)


def test_runner_parameters_cannot_be_set_per_notebook() -> None:
    suite = sorted((ROOT / "notebooks").glob("*.ipynb"))
    _, problems = check_notebook_params(suite, {"00": {"suppression_threshold": 2}}, suite=suite)
    assert problems == ["00_data_quality: suppression_threshold is set for every notebook by the run, not per notebook"]


def test_the_command_line_refuses_a_threshold_of_2_with_exit_1(tmp_path: Path) -> None:
    data = write_tiny_dataset(tmp_path / "data")
    params = tmp_path / "run.yaml"
    params.write_text("threshold: 10.9\nnotebooks:\n  02_needs_and_gaps:\n    site_count: three\n")
    done = subprocess.run([sys.executable, "-m", "tfanalysis.running.cli", "run", "--data", str(data), "--out", str(tmp_path / "r"), "--params", str(params),
                           "--threshold", "2", "--quiet"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "- suppression threshold: must be at least 3" in done.stderr  # the command line wins over the file
    assert "- 02_needs_and_gaps: site_count must be a whole number (got the text 'three')" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "r").exists()
