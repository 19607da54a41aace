"""The national-scale demo (``tfanalysis demo OUT --clients N``): sizes in proportion, real places, valid, deterministic."""

from __future__ import annotations

import filecmp
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tfanalysis import demo, geo
from tfanalysis.demo import scale
from tfanalysis.data import contract
from tfanalysis.running import cli

N = 1300  # three chapters: 434, 433 and 433 clients


def read(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False) for name in contract.TABLES}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scale") / "national"
    assert cli.main(["demo", str(out), "--clients", str(N)]) == 0
    return out


@pytest.fixture(scope="module")
def tables(folder: Path) -> dict[str, pd.DataFrame]:
    return read(folder)


@pytest.fixture(scope="module")
def ohio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    return read(demo.generate(tmp_path_factory.mktemp("ohio") / "demo"))


def test_every_table_grows_with_the_chapters(tables: dict[str, pd.DataFrame], ohio: dict[str, pd.DataFrame]) -> None:
    chapters = 3
    assert len(tables["clients"]) == N
    for name in ("members", "capacity", "activities"):  # the Ohio design, once per chapter
        assert len(tables[name]) == chapters * len(ohio[name]), name
    per_client = {name: len(tables[name]) / N for name in ("needs", "referrals", "cj_events")}
    for name, ratio in per_client.items():  # needs and events grow with the clients (sampling noise aside)
        ohio_ratio = len(ohio[name]) / len(ohio["clients"])
        assert 0.8 < ratio / ohio_ratio < 1.25, (name, ratio, ohio_ratio)
    for name in ("attendance", "survey"):  # these grow with the members
        assert 0.8 < len(tables[name]) / (chapters * len(ohio[name])) < 1.25, name
    assert list(tables["clients"].columns) == contract.TABLES["clients"].column_names


def test_chapters_sit_on_real_counties_of_two_states(tables: dict[str, pd.DataFrame]) -> None:
    counties = geo.county_population().set_index("county_fips")["state"]
    members, clients = tables["members"], tables["clients"]
    assert clients["county_fips"].isin(counties.index).all() and members["county_fips"].isin(counties.index).all()
    assert sorted(counties[clients["county_fips"]].unique()) == scale.chapter_states(3)
    # a referral stays within its client's chapter, hence its state
    state_of_member = members.set_index("member_id")["county_fips"].map(counties)
    refs = tables["referrals"].merge(clients[["client_id", "county_fips"]], on="client_id")
    assert (refs["from_member"].map(state_of_member) == refs["county_fips"].map(counties)).all()
    listed = tables["capacity"]["service_area"]
    listed = listed[~listed.isin([contract.STATEWIDE]) & ~listed.str.startswith(contract.RADIUS_PREFIX)]
    assert listed.str.split(contract.LIST_SEPARATOR).explode().isin(counties.index).all()


def test_ids_are_unique_and_every_reference_exists(tables: dict[str, pd.DataFrame]) -> None:
    members = set(tables["members"]["member_id"])
    assert tables["members"]["member_id"].is_unique and tables["clients"]["client_id"].is_unique
    assert tables["referrals"]["referral_id"].is_unique and tables["activities"]["activity_id"].is_unique
    assert set(tables["capacity"]["member_id"]) <= members
    assert set(tables["referrals"]["from_member"]) | set(tables["referrals"]["to_member"]) <= members
    assert set(tables["needs"]["met_by"]) - {""} <= members
    assert set(tables["attendance"]["member_id"]) <= members
    assert set(tables["survey"]["respondent_id"]) | set(tables["survey"]["partner_id"]) <= members
    assert set(tables["cj_events"]["member_id"]) <= members
    assert set(tables["needs"]["client_id"]) <= set(tables["clients"]["client_id"])
    assert set(tables["attendance"]["activity_id"]) <= set(tables["activities"]["activity_id"])
    # a case is one chapter's: one state throughout
    state = tables["cj_events"]["county_fips"].str[:2]
    assert (state.groupby(tables["cj_events"]["case_id"]).nunique() == 1).all()


def test_needs_are_met_by_a_member_offering_the_service(tables: dict[str, pd.DataFrame]) -> None:
    met = tables["needs"][tables["needs"]["met_by"] != ""]
    offered = set(zip(tables["capacity"]["member_id"], tables["capacity"]["service"]))
    assert np.mean([pair in offered for pair in zip(met["met_by"], met["need"])]) == 1.0
    statuses = tables["needs"]["status"].value_counts(normalize=True)
    assert 0.7 < statuses["met"] < 0.95 and statuses["unmet"] > 0.03


def test_the_loader_accepts_it(folder: Path) -> None:
    from tfanalysis import load_dataset

    data = load_dataset(folder)
    assert len(data.clients) == N and len(data.warnings) == 0


def test_same_size_and_seed_give_the_same_files(folder: Path, tmp_path: Path) -> None:
    again = demo.generate(tmp_path / "again", clients=N)
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))  # .tfanalysis/: the loader's snapshot
    assert names == sorted(p.name for p in again.iterdir()) == sorted(f"{t}.csv" for t in contract.TABLES)
    assert all(filecmp.cmp(folder / n, again / n, shallow=False) for n in names)
    other = demo.generate(tmp_path / "other", clients=N, seed=7)
    assert not filecmp.cmp(folder / "clients.csv", other / "clients.csv", shallow=False)


def test_a_size_that_is_not_a_positive_count_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["demo", str(tmp_path / "x"), "--clients", "0"])
    assert stop.value.code == 2 and "at least 1" in capsys.readouterr().err
    with pytest.raises(ValueError, match="positive integer"):
        scale.generate(tmp_path / "y", clients=2.5)  # type: ignore[arg-type]
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
