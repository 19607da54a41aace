"""``tfanalysis link encode`` and ``link match`` run as a user would (a subprocess)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from tfanalysis.data.linkage.evaluation import pairwise_quality
from tfanalysis.data.linkage.synthetic import RecordErrors, population


def tfanalysis(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tfanalysis.running.cli", *args], capture_output=True, text=True, timeout=300)


def test_encode_at_each_agency_then_match_at_the_coordinator(tmp_path: Path) -> None:
    exports, truth = population(80, ("police", "shelter"), errors=RecordErrors.none(), seed=4)
    key = tmp_path / "linkage.key"
    key.write_text("9f" * 32 + "\n")
    encoded = []
    for name, frame in exports.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
        out = tmp_path / "encoded" / f"{name}.csv"
        done = tfanalysis("link", "encode", str(tmp_path / f"{name}.csv"), "--secret-file", str(key), "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert f"{len(frame):,} records encoded" in done.stdout
        encoded.append(str(out))
    done = tfanalysis("link", "match", *encoded, "--out", str(tmp_path / "linked"))
    assert done.returncode == 0, done.stderr
    crosswalk = pd.read_csv(tmp_path / "linked" / "crosswalk.csv", dtype=str)
    assert pairwise_quality(crosswalk, truth)["f1"] == 1.0  # perfect records, agency = export file name
    clients = pd.read_csv(tmp_path / "linked" / "clients.csv", dtype=str)
    assert list(clients.columns[:3]) == ["agency", "agency_record_id", "identified_on"] and len(clients) == len(truth)
    assert "# Linkage quality" in (tmp_path / "linked" / "linkage-quality.md").read_text()
    # a second run does not overwrite the first unless asked
    again = tfanalysis("link", "match", *encoded, "--out", str(tmp_path / "linked"))
    assert again.returncode == 1 and "already holds" in again.stderr


def test_an_export_without_dates_of_birth_exits_2_without_quoting_it(tmp_path: Path) -> None:
    key = tmp_path / "k"
    key.write_text("ab" * 32)
    (tmp_path / "shelter.csv").write_text("record_id,first_name,last_name\nS1,Quetzalli,Yzaguirre\n")
    done = tfanalysis("link", "encode", str(tmp_path / "shelter.csv"), "--secret-file", str(key), "--out", str(tmp_path / "e.csv"))
    assert done.returncode == 2
    assert "date_of_birth" in done.stderr and "Quetzalli" not in done.stderr + done.stdout
    assert not (tmp_path / "e.csv").exists()


def test_a_missing_secret_file_exits_1(tmp_path: Path) -> None:
    (tmp_path / "shelter.csv").write_text("record_id,first_name,last_name,dob\nS1,A,B,2000-01-01\n")
    done = tfanalysis("link", "encode", str(tmp_path / "shelter.csv"), "--secret-file", str(tmp_path / "nope"), "--out", str(tmp_path / "e.csv"))
    assert done.returncode == 1 and "secret file" in done.stderr


def test_a_file_of_an_older_scheme_exits_2_saying_to_encode_again(tmp_path: Path) -> None:
    from tfanalysis.data.linkage.encode import encode_export, write_encoded

    exports, _ = population(20, ("police", "shelter"), errors=RecordErrors.none(), seed=2)
    files = []
    for name, frame in exports.items():
        encoded = encode_export(frame, b"ab" * 16, agency=name)
        if name == "shelter":  # as the earlier version wrote it
            encoded["scheme"] = encoded["scheme"].str.replace("tfanalysis-link/2", "tfanalysis-link/1", regex=False)
        files.append(str(write_encoded(encoded, tmp_path / f"{name}.csv")))
    done = tfanalysis("link", "match", *files, "--out", str(tmp_path / "linked"))
    assert done.returncode == 2
    assert "shelter.csv: some records were encoded with tfanalysis-link/1" in done.stderr and "encode every export again" in done.stderr
    assert not (tmp_path / "linked").exists()
