"""A linked dataset: agency records plus the crosswalk load as unduplicated contract tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import tfanalysis as tf
from tfanalysis.analyses import quality

from conftest import write_tiny_dataset

AGENCY_CLIENTS = """agency,agency_record_id,identified_on,county_fips,age_group,gender,trafficking_type,nationality,primary_language,referral_source_sector
police,P-17,2024-01-10,10001,18-24,female,sex,us_citizen,en,law_enforcement
shelter,S-3,2024-01-08,10001,18-24,unknown,labor,unknown,en,victim_services
police,P-18,2024-02-03,10003,25-34,male,labor,foreign_national,es,community
legal,L-1,2024-04-20,10005,minor,female,sex,us_citizen,en,unknown
legal,L-2,2024-05-02,10003,35-49,nonbinary,both,unknown,unknown,
"""

CROSSWALK = """agency,agency_record_id,client_id
police,P-17,c1
shelter,S-3,c1
police,P-18,c2
legal,L-1,c3
legal,L-2,c4
"""

NEEDS_BY_RECORD = """agency,agency_record_id,need,identified_on,status,met_on,met_by
shelter,S-3,housing_emergency,2024-01-10,met,2024-01-12,m2
police,P-17,case_management,2024-01-10,in_progress,,
police,P-18,housing_emergency,2024-02-03,unmet,,
"""


def linked(tmp_path: Path, **replace: str | None) -> Path:
    return write_tiny_dataset(tmp_path / "linked", **{"clients__csv": AGENCY_CLIENTS, "crosswalk__csv": CROSSWALK, **replace})


def test_agency_records_fold_into_one_client_per_victim(tmp_path: Path) -> None:
    data = tf.load_dataset(linked(tmp_path))
    clients = data.clients.set_index("client_id")
    assert clients.index.tolist() == ["c1", "c2", "c3", "c4"]
    c1 = clients.loc["c1"]
    # earliest identification; the earliest record that knows a value gives it; sex + labor = both
    assert c1["identified_on"] == pd.Timestamp("2024-01-08")
    assert (c1["gender"], c1["nationality"], c1["trafficking_type"], c1["referral_source_sector"]) == ("female", "us_citizen", "both", "victim_services")
    assert (c1["agency_records"], c1["agencies"]) == ("2", "shelter;police")
    assert clients.loc["c4", "trafficking_type"] == "both" and clients.loc["c2", "gender"] == "male"
    assert data.files["crosswalk"].name == "crosswalk.csv"


def test_needs_may_name_their_client_by_agency_record(tmp_path: Path) -> None:
    data = tf.load_dataset(linked(tmp_path, needs__csv=NEEDS_BY_RECORD))
    assert data.needs["client_id"].tolist() == ["c1", "c1", "c2"]


def test_quality_shows_agency_records_beside_unduplicated_clients(tmp_path: Path, tiny_dir: Path) -> None:
    table = quality.agency_records(tf.load_dataset(linked(tmp_path)))
    assert table.to_dict("index") == {
        "legal": {"agency_records": 2, "unduplicated_clients": 2},
        "police": {"agency_records": 2, "unduplicated_clients": 2},
        "shelter": {"agency_records": 1, "unduplicated_clients": 1},
        "all agencies": {"agency_records": 5, "unduplicated_clients": 4},
    }
    # without a crosswalk, each client row is one record
    assert quality.agency_records(tf.load_dataset(tiny_dir)).to_dict("index") == {"all agencies": {"agency_records": 4, "unduplicated_clients": 4}}


def test_a_record_missing_from_the_crosswalk_is_an_error_without_its_id(tmp_path: Path) -> None:
    crosswalk = CROSSWALK.replace("police,P-18,c2\n", "")
    with pytest.raises(tf.DataValidationError) as info:
        tf.load_dataset(linked(tmp_path, crosswalk__csv=crosswalk))
    problems = info.value.problems
    found = problems[problems["rule"].str.startswith("agency record not in the crosswalk")]
    assert found[["table", "column", "row"]].values.tolist() == [["clients", "agency_record_id", 3]]
    assert "P-18" not in str(info.value)


def test_bad_agency_records_and_crosswalk_rows_are_listed_with_their_file_rows(tmp_path: Path) -> None:
    clients = AGENCY_CLIENTS.replace("2024-01-08,10001,18-24,unknown", "08/01/2024,10001,18-24,unknown")
    crosswalk = CROSSWALK + "police,P-17,c9\n"
    with pytest.raises(tf.DataValidationError) as info:
        tf.load_dataset(linked(tmp_path, clients__csv=clients, crosswalk__csv=crosswalk))
    p = info.value.problems
    assert ["crosswalk", "agency_record_id", 6] in p[["table", "column", "row"]].astype(object).values.tolist()
    with pytest.raises(tf.DataValidationError) as info:
        tf.load_dataset(linked(tmp_path / "second", clients__csv=clients))
    p = info.value.problems
    assert ["clients", "identified_on", 2, "must be a date written YYYY-MM-DD; looks like MM/DD/YYYY or DD/MM/YYYY"] in p[["table", "column", "row", "rule"]].astype(object).values.tolist()


def test_a_shared_clients_table_with_a_crosswalk_is_refused(tmp_path: Path) -> None:
    with pytest.raises(tf.DataValidationError, match="columns agency and agency_record_id in place of client_id"):
        tf.load_dataset(write_tiny_dataset(tmp_path / "mixed", crosswalk__csv=CROSSWALK))
