"""Snapshots: a validated dataset read back exactly, and never when anything it came from changed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

import tfanalysis as tf
from tfanalysis.data import contract, io, snapshot
from tfanalysis.data.schema import OUTSIDE_THE_MEMBERS_STATES
from tfanalysis.data.snapshot import cache_dir, is_snapshot, read_snapshot, write_snapshot

from conftest import TINY_TABLES, write_tiny_dataset

# Awkward values on purpose: quoted commas, quotes and a line break inside a cell; a cell
# reading "NA" (missing) beside one reading "None of it" (text); accents; a ZIP and a FIPS
# with leading zeros; a far-future open end (read as open, with a warning); a need met
# with no date (a warning); a survey rating left empty (a missing Int64); coordinates
# given to many digits beside ones looked up from a ZIP; a vocabulary term; an optional
# table absent (an empty, typed frame).
AWKWARD = {
    "members.csv": """member_id,name,sector,joined_on,left_on,zip,lat,lon,county_fips,confidential_location,notes
m1,Dover Police Department,law_enforcement,2023-01-15,,19901,,,,false,"Shelter, ""north"" wing"
m2,Safe Harbor Shelter,victim_services,2023-02-01,,,39.600000001,-75.7,10003,true,NA
m3,"Centro Latino — Señora, Inc.",legal_services,2023-03-01,2025-06-30,19801,,,,false,"None of it
two lines"
m4,Boston Legal Aid,legal_services,2023-03-01,,02134,,,,false,
""",
    "capacity.csv": TINY_TABLES["capacity.csv"].replace("2023-02-01,\nm2,case", "2023-02-01,9999-12-31\nm2,case"),
    "clients.csv": TINY_TABLES["clients.csv"] + "c5,2024-05-03,01001,50+,female,labor,foreign_national,vi,community\n",
    "needs.csv": TINY_TABLES["needs.csv"].replace("c1,housing_emergency", "c1,Shelter Bed") + "c5,food,2024-05-03,met,,\n",
    "vocabulary.csv": "term,code\nshelter bed,housing_emergency\n",
    "cj_events.csv": None,
}


def awkward(tmp_path: Path) -> Path:
    return write_tiny_dataset(tmp_path / "awkward", **{k.replace(".", "__"): v for k, v in AWKWARD.items()})


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders validated from their raw files (each call of the loader's validation)."""
    calls: list[Path] = []
    real = io._validate_folder

    def counted(folder, *args, **kwargs):
        calls.append(Path(folder))
        return real(folder, *args, **kwargs)

    monkeypatch.setattr(io, "_validate_folder", counted)
    return calls


def assert_same_dataset(got: tf.TaskForceData, expected: tf.TaskForceData) -> None:
    for name in contract.TABLES:
        a, b = getattr(got, name), getattr(expected, name)
        assert list(a.dtypes.astype(str)) == list(b.dtypes.astype(str)), name
        assert [repr(t) for t in a.dtypes] == [repr(t) for t in b.dtypes], name  # na_value of strings included
        pd.testing.assert_frame_equal(a, b, check_exact=True, check_dtype=True, check_index_type=True, check_column_type=True)
    pd.testing.assert_frame_equal(got.warnings, expected.warnings, check_exact=True)
    assert got.vocabulary == expected.vocabulary
    assert got.export_date == expected.export_date
    assert got.files == expected.files and got.source == expected.source
    assert got.fingerprint() == expected.fingerprint()


def touch_like(path: Path, text: str) -> None:
    """Rewrite a file, keeping its size and modification time (as a careless copy could)."""
    before = path.stat()
    assert len(text.encode()) == before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


# --------------------------------------------------------------------------- exact round trip


def test_the_fixture_is_awkward(tmp_path: Path) -> None:
    data = tf.load_dataset(awkward(tmp_path), cache=False)
    notes = data.members.set_index("member_id")["notes"]
    assert notes["m1"] == 'Shelter, "north" wing' and pd.isna(notes["m2"]) and notes["m3"] == "None of it\ntwo lines"
    assert data.members.set_index("member_id").loc["m4", "zip"] == "02134"
    assert data.clients["county_fips"].tolist()[-1] == "01001"
    assert data.capacity["valid_to"].isna().tolist() == [True, True, False]
    assert data.survey["value"].dtype == "Int64" and data.survey["value"].isna().tolist() == [False, True]
    assert data.cj_events.empty and data.cj_events["occurred_on"].dtype == "datetime64[ns]"
    assert data.vocabulary == {"shelter_bed": "housing_emergency"}
    assert set(data.warnings["rule"]) == {
        "a far-future placeholder was read as an open end (no end date); an empty cell says the same",
        "status is met but met_on is empty",
        OUTSIDE_THE_MEMBERS_STATES,  # a client in Autauga, Alabama, beside Delaware's members
    }
    kinds = {str(t) for frame in data.tables().values() for t in frame.dtypes}
    assert {"string", "boolean", "Int64", "Float64", "datetime64[ns]"} <= kinds


def test_a_dataset_read_back_from_its_snapshot_equals_the_one_read_from_csv(tmp_path: Path, validations: list[Path]) -> None:
    folder = awkward(tmp_path)
    from_csv = tf.load_dataset(folder, cache=False)
    assert not (folder / ".tfanalysis").exists()  # cache=False writes nothing
    first = tf.load_dataset(folder)  # validated again, and its snapshot written
    assert is_snapshot(cache_dir(folder)) and len(validations) == 2
    again = tf.load_dataset(folder)
    assert len(validations) == 2  # read from the snapshot
    assert_same_dataset(first, from_csv)
    assert_same_dataset(again, from_csv)
    assert sorted(p.name for p in cache_dir(folder).iterdir()) == sorted(
        [snapshot.MANIFEST, f"{snapshot.WARNINGS}.parquet", *(f"{t}.parquet" for t in contract.TABLES)])
    assert {oct(p.stat().st_mode & 0o777) for p in cache_dir(folder).glob("*.parquet")} == {"0o600"}


def test_a_categorical_column_and_another_index_survive_the_snapshot(tmp_path: Path) -> None:
    data = tf.load_dataset(awkward(tmp_path), cache=False)
    kinds = pd.Categorical(["b", None, "a", "b"], categories=["b", "a", "z"], ordered=True)
    odd = data.replace(members=data.members.assign(kind=kinds).set_index(pd.Index([7, 3, 5, 1], name="row")))
    back = read_snapshot(write_snapshot(odd, tmp_path / "snap"))
    pd.testing.assert_frame_equal(back.tables["members"], odd.members, check_exact=True)
    assert back.tables["members"]["kind"].dtype == kinds.dtype


# --------------------------------------------------------------------------- never stale


def test_a_file_changed_under_the_same_size_and_time_is_validated_again(tmp_path: Path, validations: list[Path]) -> None:
    folder = awkward(tmp_path)
    tf.load_dataset(folder)
    text = (folder / "clients.csv").read_text(encoding="utf-8")
    touch_like(folder / "clients.csv", text.replace("c1,2024-01-10", "c1,2024-01-11"))
    data = tf.load_dataset(folder)
    assert len(validations) == 2
    assert data.clients["identified_on"].iloc[0] == pd.Timestamp("2024-01-11")
    tf.load_dataset(folder)
    assert len(validations) == 2  # and the new snapshot serves the next load


def test_data_broken_after_a_snapshot_give_the_same_message_and_no_copy_is_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = awkward(tmp_path)
    tf.load_dataset(folder)
    broken = (folder / "clients.csv").read_text(encoding="utf-8").replace("c4,", "c3,")
    touch_like(folder / "clients.csv", broken)
    with pytest.raises(tf.DataValidationError) as cached:
        tf.load_dataset(folder)
    assert not cache_dir(folder).exists()  # the copy of data that no longer validate is gone
    fresh = write_tiny_dataset(tmp_path / "fresh", **{k.replace(".", "__"): v for k, v in {**AWKWARD, "clients.csv": broken}.items()})
    with pytest.raises(tf.DataValidationError) as uncached:
        tf.load_dataset(fresh, cache=False)
    assert str(cached.value).replace(str(folder), "X") == str(uncached.value).replace(str(fresh), "X")
    assert "clients.client_id, rows 3, 4: must be unique" in str(cached.value)
    from tfanalysis.running.cli import main

    assert main(["validate", str(folder)]) == 2
    assert capsys.readouterr().out.strip() == str(uncached.value).replace(str(fresh), str(folder))


def test_a_new_file_beside_the_tables_is_seen(tmp_path: Path, validations: list[Path]) -> None:
    folder = awkward(tmp_path)
    tf.load_dataset(folder)
    (folder / "client.csv").write_text("client_id\nc9\n", encoding="utf-8")
    data = tf.load_dataset(folder)
    assert len(validations) == 2
    assert "client.csv is not a table of the contract and was not read" in " ".join(data.warnings["rule"])


def test_other_options_or_another_contract_validate_again(tmp_path: Path, validations: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    folder = awkward(tmp_path)
    tf.load_dataset(folder)
    assert tf.load_dataset(folder, export_date="2025-01-01").export_date == pd.Timestamp("2025-01-01")
    assert len(validations) == 2
    with pytest.raises(tf.DataValidationError, match="must not be after the export date"):
        tf.load_dataset(folder, export_date="2024-04-30")  # c4 identified 2024-05-02
    assert len(validations) == 3
    tf.load_dataset(folder)
    tf.load_dataset(folder)
    assert len(validations) == 4
    monkeypatch.setattr(contract, "VERSION", contract.VERSION + 1)
    snapshot.code_key.cache_clear()
    try:
        tf.load_dataset(folder)
    finally:
        monkeypatch.undo()
        snapshot.code_key.cache_clear()
    assert len(validations) == 5


def test_a_damaged_snapshot_is_passed_over(tmp_path: Path, validations: list[Path]) -> None:
    folder = awkward(tmp_path)
    expected = tf.load_dataset(folder)
    target = cache_dir(folder) / "clients.parquet"
    target.write_bytes(target.read_bytes()[:200])
    assert_same_dataset(tf.load_dataset(folder), expected)
    assert len(validations) == 2


def test_a_folder_that_cannot_hold_a_snapshot_is_validated_each_time(tmp_path: Path, validations: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(snapshot, "write_snapshot", refuse)
    folder = awkward(tmp_path)
    tf.load_dataset(folder)
    tf.load_dataset(folder)
    assert len(validations) == 2 and not cache_dir(folder).exists()


# --------------------------------------------------------------------------- a snapshot folder


def test_a_snapshot_folder_loads_as_validated(tmp_path: Path, validations: list[Path]) -> None:
    folder = awkward(tmp_path)
    data = tf.load_dataset(folder, cache=False)
    snap = write_snapshot(data, tmp_path / "run" / ".snapshot")
    for raw in folder.glob("*.csv"):
        raw.unlink()  # the raw files are not read again
    back = tf.load_dataset(snap)
    assert len(validations) == 1
    assert_same_dataset(back, data)
    with pytest.raises(ValueError, match="is a snapshot, read as it was validated"):
        tf.load_dataset(snap, export_date="2025-01-01")


def test_a_snapshot_written_by_other_code_is_refused(tmp_path: Path) -> None:
    snap = write_snapshot(tf.load_dataset(awkward(tmp_path), cache=False), tmp_path / "snap")
    manifest = json.loads((snap / snapshot.MANIFEST).read_text())
    manifest["code"]["contract"] = "0"
    (snap / snapshot.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(snapshot.SnapshotError, match="written under another version of the data contract"):
        tf.load_dataset(snap)


def test_a_runs_snapshot_stays_readable_while_the_code_changes(tmp_path: Path) -> None:
    data = tf.load_dataset(awkward(tmp_path), cache=False)
    snap = write_snapshot(data, tmp_path / "snap")
    manifest = json.loads((snap / snapshot.MANIFEST).read_text())
    manifest["code"]["code"] = "0" * 64  # an edit to an analysis module mid-run
    (snap / snapshot.MANIFEST).write_text(json.dumps(manifest))
    assert_same_dataset(tf.load_dataset(snap), data)


def test_a_table_from_another_snapshot_is_refused(tmp_path: Path) -> None:
    data = tf.load_dataset(awkward(tmp_path), cache=False)
    one = write_snapshot(data, tmp_path / "one")
    other = write_snapshot(data, tmp_path / "other")
    (one / "clients.parquet").write_bytes((other / "clients.parquet").read_bytes())
    with pytest.raises(snapshot.SnapshotError, match="clients.parquet is not the table the snapshot lists"):
        read_snapshot(one)
