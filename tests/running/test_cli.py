"""The command line: exit codes and messages, run as a user would (a subprocess)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import TINY_TABLES, write_tiny_dataset


def tfanalysis(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tfanalysis.running.cli", *args], capture_output=True, text=True, timeout=120)


def test_validate_a_valid_dataset_exits_0(tiny_dir: Path) -> None:
    done = tfanalysis("validate", str(tiny_dir))
    assert done.returncode == 0, done.stderr
    assert "valid (members 3, capacity 3, clients 4, needs 5, referrals 3" in done.stdout


def test_validate_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    clients = TINY_TABLES["clients.csv"].replace("25-34,male", "25-34,Zq9SECRET").replace("c4,", "c3,")
    folder = write_tiny_dataset(tmp_path / "bad", **{"clients.csv": clients})
    done = tfanalysis("validate", str(folder))
    assert done.returncode == 2
    assert "- clients.gender, row 2: must be one of female, male, nonbinary, unknown" in done.stdout
    assert "- clients.client_id, rows 3, 4: must be unique" in done.stdout
    assert "Zq9SECRET" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_validate_show_terms_lists_terms_to_map(tmp_path: Path) -> None:
    needs = TINY_TABLES["needs.csv"].replace("c1,case_management", "c1,Counselling").replace("c3,case_management", "c3,Counselling")
    needs = needs.replace("c2,legal_representation", "c2,Counselling")  # used for three clients: vocabulary, listed
    folder = write_tiny_dataset(tmp_path / "terms", **{"needs.csv": needs})
    done = tfanalysis("validate", str(folder), "--show-terms")
    assert done.returncode == 2
    assert "Counselling" in done.stdout.split("Terms to map")[1]


def test_validate_a_missing_folder_exits_2(tmp_path: Path) -> None:
    done = tfanalysis("validate", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert "is not a folder" in done.stderr


def test_unknown_command_exits_non_zero() -> None:
    assert tfanalysis("frobnicate").returncode != 0
