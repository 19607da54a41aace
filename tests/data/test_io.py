"""Loading a dataset: the tiny valid fixture, then one broken copy per rule."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import tfanalysis as tf
from tfanalysis.data import schema
from tfanalysis.data import contract
from tfanalysis.data.io import read_table_text, unmapped_terms

from conftest import TINY_TABLES, write_tiny_dataset


def broken(tmp_path: Path, **replace: str | None) -> tf.DataValidationError:
    folder = write_tiny_dataset(tmp_path / "broken", **replace)
    with pytest.raises(tf.DataValidationError) as info:
        tf.load_dataset(folder)
    return info.value


def edit(name_or_text: str, old: str, new: str) -> str:
    """Replace ``old`` once in a tiny table (by file name) or in an already edited text."""
    text = TINY_TABLES.get(name_or_text, name_or_text)
    assert old in text, f"{old!r} not in the table"
    return text.replace(old, new, 1)


def rules(err: tf.DataValidationError) -> set[tuple[str, str, int | None, str]]:
    p = err.problems
    return {
        (t, c if pd.notna(c) else None, int(r) if pd.notna(r) else None, rule)
        for t, c, r, rule in zip(p["table"], p["column"], p["row"], p["rule"])
    }


# --------------------------------------------------------------------------- the valid dataset


def test_tiny_dataset_loads_with_contract_dtypes(tiny_dir: Path) -> None:
    data = tf.load_dataset(tiny_dir)
    assert len(data.members) == 3 and len(data.clients) == 4 and len(data.needs) == 5
    assert data.clients["identified_on"].dtype == "datetime64[ns]"
    assert data.capacity["serves_minors"].dtype == "boolean"
    assert data.capacity["capacity_per_month"].tolist() == [6.0, 10.0, 4.0]
    assert data.survey["level"].dtype == "Int64"
    assert data.survey["value"].isna().tolist() == [False, True]
    assert data.members["left_on"].isna().tolist() == [True, True, False]
    assert data.members["confidential_location"].tolist() == [False, True, False]
    assert data.clients["county_fips"].tolist() == ["10001", "10003", "10005", "10003"]
    # the last client has no referral source: an optional, nullable column
    assert data.clients["referral_source_sector"].isna().tolist() == [False, False, False, True]
    assert data.warnings.empty


def test_members_given_a_zip_get_coordinates_and_county(tiny_dir: Path) -> None:
    members = tf.load_dataset(tiny_dir).members.set_index("member_id")
    assert members.loc["m1", "county_fips"] == "10001"  # Dover, Kent County
    assert members.loc["m3", "county_fips"] == "10003"  # Wilmington, New Castle County
    assert members.loc["m1", "lat"] == pytest.approx(39.1564, abs=1e-3)
    assert members.loc["m1", "lon"] == pytest.approx(-75.4955, abs=1e-3)
    # coordinates given are kept as given
    assert members.loc["m2", "lat"] == pytest.approx(39.60)


def test_missing_optional_tables_are_empty_frames_with_the_contract_columns(tmp_path: Path) -> None:
    folder = write_tiny_dataset(
        tmp_path / "d", **{"referrals.csv": None, "cj_events.csv": None, "activities.csv": None, "attendance.csv": None, "survey.csv": None}
    )
    data = tf.load_dataset(folder)
    assert data.referrals.empty and list(data.referrals.columns) == contract.REFERRALS.column_names
    assert data.referrals["referred_on"].dtype == "datetime64[ns]"
    assert data.survey.empty and list(data.survey.columns) == contract.SURVEY.column_names


def test_fingerprint_hashes_every_file_read(tiny_dir: Path) -> None:
    data = tf.load_dataset(tiny_dir)
    prints = data.fingerprint()
    assert sorted(prints) == sorted(contract.TABLES)
    import hashlib

    assert prints["members"] == hashlib.sha256((tiny_dir / "members.csv").read_bytes()).hexdigest()


# --------------------------------------------------------------------------- one rule at a time


def test_required_table_missing(tmp_path: Path) -> None:
    err = broken(tmp_path, **{"needs.csv": None})
    assert rules(err) == {("needs", None, None, "required table missing: expected needs.csv, needs.xlsx or needs.parquet")}


def test_required_column_missing(tmp_path: Path) -> None:
    text = "\n".join(",".join(line.split(",")[:3] + line.split(",")[4:]) for line in TINY_TABLES["clients.csv"].splitlines()) + "\n"
    err = broken(tmp_path, **{"clients.csv": text})  # age_group dropped
    assert ("clients", "age_group", None, "required column missing from the file") in rules(err)


def test_unreadable_date(tmp_path: Path) -> None:
    err = broken(tmp_path, **{"activities.csv": edit("activities.csv", "2024-03-15", "15/03/2024")})
    assert rules(err) == {("activities", "date", 2, "must be a date written YYYY-MM-DD; looks like DD/MM/YYYY")}
    assert err.problems["value"].tolist() == ["15/03/2024"]  # activities are not client-level


def test_enumeration(tmp_path: Path) -> None:
    err = broken(tmp_path, **{"clients.csv": edit("clients.csv", "25-34,male", "25-34,Mann")})
    assert rules(err) == {("clients", "gender", 2, "must be one of female, male, nonbinary, unknown")}


def test_capacity_service_outside_the_taxonomy_is_named(tmp_path: Path) -> None:
    err = broken(tmp_path, **{"capacity.csv": edit("capacity.csv", "case_management", "yoga")})
    ((table, column, row, rule),) = rules(err)
    assert (table, column, row) == ("capacity", "service", 2)
    assert rule.startswith("term not in the taxonomy nor the vocabulary file")
    assert err.problems["value"].tolist() == ["yoga"]


def test_fips_without_leading_zero_is_refused(tmp_path: Path) -> None:
    err = broken(tmp_path, **{"cj_events.csv": edit("cj_events.csv", ",10001,c1\nk1,arrest", ",1001,c1\nk1,arrest")})
    # refused, not padded (1001 may be Kent's 10001 typed short as well as Autauga's 01001), and the message says both
    assert rules(err) == {("cj_events", "county_fips", 1, "must be a 5-digit county FIPS code: fewer digits, as when a spreadsheet drops a "
                           "leading zero (6037 for 06037) or a digit is missing; export the column as text")}


def test_zip_keeps_its_leading_zero(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("member_id,zip\nm1,02134\nm2,NA\n")
    frame, _ = read_table_text(path)
    assert frame["zip"].tolist() == ["02134", pd.NA]


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        ("needs.csv", "met,2024-01-12", "met,2024-01-02", ("needs", "met_on", 1, "met_on must be on or after identified_on")),
        ("referrals.csv", "2024-02-03,2024-02-05", "2024-02-03,2024-02-01", ("referrals", "responded_on", 2, "responded_on must be on or after referred_on")),
        ("members.csv", "2023-03-01,2025-06-30", "2023-03-01,2022-06-30", ("members", "left_on", 3, "left_on must be on or after joined_on")),
        ("capacity.csv", "2023-03-01,2025-06-30", "2023-03-01,2023-02-28", ("capacity", "valid_to", 3, "valid_to must be on or after valid_from")),
    ],
)
def test_date_order(tmp_path: Path, name: str, old: str, new: str, expected: tuple) -> None:
    assert rules(broken(tmp_path, **{name: edit(name, old, new)})) == {expected}


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        ("needs.csv", "c3,case_management", "c9,case_management", ("needs", "client_id", 5, "must name an existing clients.client_id")),
        ("referrals.csv", "r3,c2,m2,m3", "r3,c2,m2,m7", ("referrals", "to_member", 3, "must name an existing members.member_id")),
        ("capacity.csv", "m3,legal", "m8,legal", ("capacity", "member_id", 3, "must name an existing members.member_id")),
        ("attendance.csv", "a2,m2", "a9,m2", ("attendance", "activity_id", 3, "must name an existing activities.activity_id")),
        ("survey.csv", "1,m2,m1", "1,m2,m5", ("survey", "partner_id", 2, "must name an existing members.member_id")),
    ],
)
def test_referential_integrity(tmp_path: Path, name: str, old: str, new: str, expected: tuple) -> None:
    assert rules(broken(tmp_path, **{name: edit(name, old, new)})) == {expected}


def test_unique_single_key(tmp_path: Path) -> None:
    err = broken(tmp_path, **{"clients.csv": edit("clients.csv", "c4,", "c3,")})
    assert rules(err) == {
        ("clients", "client_id", 3, "must be unique: the same value appears in more than one row"),
        ("clients", "client_id", 4, "must be unique: the same value appears in more than one row"),
    }


def test_unique_compound_key(tmp_path: Path) -> None:
    text = TINY_TABLES["attendance.csv"] + "a1,m1\n"
    err = broken(tmp_path, **{"attendance.csv": text})
    assert {r[:3] for r in rules(err)} == {("attendance", "activity_id", 1), ("attendance", "activity_id", 4)}
    assert all("activity_id + member_id must be unique" in r[3] for r in rules(err))


@pytest.mark.parametrize(
    ("header", "cell", "what"),
    [
        ("first_name", "Maria", "a name or initials"),
        ("DOB", "2001-02-03", "a date of birth"),
        ("SSN", "123-45-6789", "a social security or other identity number"),
        ("Street Address", "12 Elm St", "a street address"),
        ("phone", "302-555-0100", "a phone number"),
        ("email", "someone@example.org", "an e-mail address"),
    ],
)
def test_direct_identifier_columns_are_refused(tmp_path: Path, header: str, cell: str, what: str) -> None:
    lines = TINY_TABLES["clients.csv"].splitlines()
    text = "\n".join([lines[0] + f",{header}"] + [line + f",{cell}" for line in lines[1:]]) + "\n"
    err = broken(tmp_path, **{"clients.csv": text})
    ((table, column, row, rule),) = rules(err)
    assert (table, column) == ("clients", header)
    assert rule.startswith(f"looks like {what}: a direct identifier is not accepted")
    assert cell not in str(err)


def test_identifier_values_in_an_innocent_column_are_refused(tmp_path: Path) -> None:
    lines = TINY_TABLES["needs.csv"].splitlines()
    cells = ["", "call 302-555-0199 first", "", "302-555-0142", ""]
    text = "\n".join([lines[0] + ",notes"] + [f"{line},{cell}" for line, cell in zip(lines[1:], cells)]) + "\n"
    err = broken(tmp_path, **{"needs.csv": text})
    found = rules(err)
    assert {r[:3] for r in found} == {("needs", "notes", 2), ("needs", "notes", 4)}  # inside the text too, every row named
    assert all(r[3].startswith("holds values that look like phone numbers (2 cells)") for r in found)
    assert "0142" not in str(err) and "0199" not in str(err)


def test_a_free_text_column_of_a_victims_table_is_named_in_a_warning(tmp_path: Path) -> None:
    # a note no identifier pattern finds (a first name and a 7-digit number), and a comment on needs
    lines = TINY_TABLES["clients.csv"].splitlines()
    clients = "\n".join([lines[0] + ",case_notes"] + [line + ',"met Jane at the bus station, 555-0101"' for line in lines[1:]]) + "\n"
    lines = TINY_TABLES["needs.csv"].splitlines()
    needs = "\n".join([lines[0] + ",comment"] + [line + ",ask Ana" for line in lines[1:]]) + "\n"
    lines = TINY_TABLES["members.csv"].splitlines()
    members = "\n".join([lines[0] + ",website"] + [line + ",example.org" for line in lines[1:]]) + "\n"
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "d", **{"clients.csv": clients, "needs.csv": needs, "members.csv": members}))
    named = data.warnings[data.warnings["rule"].str.startswith("not in the data contract: no report reads it")]
    assert sorted(zip(named["table"], named["column"], named["severity"])) == [("clients", "case_notes", "warning"), ("needs", "comment", "warning")]
    assert "Jane" not in data.warnings.to_string() and "Ana" not in data.warnings.to_string()
    assert data.clients["client_id"].tolist() == ["c1", "c2", "c3", "c4"]  # a warning: the data are read


def test_every_problem_is_listed_and_no_victim_value_is_echoed(tmp_path: Path) -> None:
    err = broken(
        tmp_path,
        **{
            "clients.csv": edit(edit("clients.csv", "25-34,male", "25-34,Zq7SECRET"), "2024-04-20", "20.04.2024"),
            "needs.csv": edit("needs.csv", "c2,legal_representation", "c2,Zq8SECRET"),
            "members.csv": edit("members.csv", "law_enforcement", "police"),
        },
    )
    found = rules(err)
    assert ("clients", "gender", 2, "must be one of female, male, nonbinary, unknown") in found
    assert ("clients", "identified_on", 3, "must be a date written YYYY-MM-DD; looks like DD.MM.YYYY") in found
    assert ("needs", "need", 4) in {r[:3] for r in found}
    assert ("members", "sector", 1) in {r[:3] for r in found}
    message = str(err)
    assert "Zq7SECRET" not in message and "Zq8SECRET" not in message and "20.04.2024" not in message
    assert err.problems.loc[err.problems["table"].isin(["clients", "needs"]), "value"].isna().all()
    assert err.problems.loc[err.problems["table"] == "members", "value"].tolist() == ["police"]
    assert message.splitlines()[0].startswith("The dataset breaks the data contract")
    assert message.splitlines()[1] == "(Rows are counted from the first row after the header: row 1 is line 2 of the file, or row 2 of the sheet; a cell holding a line break makes its row span two lines.)"
    assert "- clients.gender, row 2: must be one of female, male, nonbinary, unknown" in message


def test_empty_required_cell(tmp_path: Path) -> None:
    err = broken(tmp_path, **{"referrals.csv": edit("referrals.csv", "r2,c2,m1", "r2,c2,")})
    assert rules(err) == {("referrals", "from_member", 2, "must not be empty")}


def test_two_files_for_one_table(tmp_path: Path) -> None:
    folder = write_tiny_dataset(tmp_path / "d")
    pd.read_csv(folder / "survey.csv").to_parquet(folder / "survey.parquet")
    with pytest.raises(tf.DataValidationError) as info:
        tf.load_dataset(folder)
    assert rules(info.value) == {("survey", None, None, "more than one file for this table: survey.csv, survey.parquet; keep one")}


def test_status_and_met_on_disagreeing_is_a_warning(tmp_path: Path) -> None:
    folder = write_tiny_dataset(tmp_path / "d", **{"needs.csv": edit("needs.csv", "met,2024-03-01", "met,")})
    data = tf.load_dataset(folder)
    assert data.warnings[["table", "column", "row", "rule", "severity"]].to_dict("records") == [
        {"table": "needs", "column": "met_on", "row": 4, "rule": "status is met but met_on is empty", "severity": "warning"}
    ]


def test_unknown_zip_is_reported(tmp_path: Path) -> None:
    err = broken(tmp_path, **{"members.csv": edit("members.csv", "19901", "00000")})
    assert rules(err) == {("members", "zip", 1, "ZIP code not found in the ZIP code table; give lat, lon and county_fips instead")}


# --------------------------------------------------------------------------- formats and vocabulary


def test_excel_and_parquet_load_like_csv(tiny_dir: Path, tmp_path: Path) -> None:
    expected = tf.load_dataset(tiny_dir)
    for suffix in (".xlsx", ".parquet"):
        folder = tmp_path / suffix.strip(".")
        folder.mkdir()
        for name in contract.TABLES:
            frame = pd.read_csv(tiny_dir / f"{name}.csv", dtype=str, keep_default_na=False)
            if suffix == ".xlsx":
                frame.to_excel(folder / f"{name}.xlsx", index=False)
            else:
                frame.to_parquet(folder / f"{name}.parquet")
        got = tf.load_dataset(folder)
        for name in contract.TABLES:
            pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name), check_dtype=True)


def test_excel_numbers_lose_no_leading_zero(tiny_dir: Path, tmp_path: Path) -> None:
    folder = write_tiny_dataset(tmp_path / "x")
    (folder / "clients.csv").unlink()
    clients = pd.read_csv(tiny_dir / "clients.csv", dtype=str, keep_default_na=False)
    clients["county_fips"] = clients["county_fips"].astype(int)  # as a spreadsheet stores them: 10001 → 10001
    clients.loc[0, "county_fips"] = 1001  # Autauga County, AL, written by Excel as a number
    clients.to_excel(folder / "clients.xlsx", index=False)
    data = tf.load_dataset(folder)
    assert data.clients["county_fips"].tolist()[0] == "01001"
    # counted, as the ZIP+4 warning is (a second task force): one code here, Autauga's
    assert data.warnings["rule"].tolist() == ["1 FIPS code stored as a number lost its leading zero; padded to 5 digits",
                                              schema.OUTSIDE_THE_MEMBERS_STATES]  # Autauga, Alabama, beside Delaware's members


def test_vocabulary_maps_the_task_forces_own_terms(tmp_path: Path) -> None:
    needs = edit(edit("needs.csv", "c1,housing_emergency", "c1,Shelter Bed"), "c2,legal_representation", "c2,Immigration lawyer")
    folder = write_tiny_dataset(
        tmp_path / "v",
        **{"needs.csv": needs, "vocabulary.csv": "term,code\nshelter bed,housing_emergency\nImmigration lawyer,legal_representation\n"},
    )
    data = tf.load_dataset(folder)
    assert data.needs["need"].tolist() == ["housing_emergency", "case_management", "housing_emergency", "legal_representation", "case_management"]


def test_unmapped_terms_are_reported_not_dropped(tmp_path: Path) -> None:
    needs = edit(edit(edit("needs.csv", "c1,case_management", "c1,Yoga"), "c3,case_management", "c3,Yoga "), "c2,legal_representation", "c2,Yoga")
    err = broken(tmp_path, **{"needs.csv": needs})
    assert {r[:3] for r in rules(err)} == {("needs", "need", 2), ("needs", "need", 4), ("needs", "need", 5)}
    terms = unmapped_terms(tmp_path / "broken")
    assert terms.to_dict("records") == [{"table": "needs", "column": "need", "term": "Yoga", "rows": 3}]  # c1, c2, c3


def test_a_term_written_in_several_cases_is_listed_once_for_its_clients_together(tmp_path: Path) -> None:
    """A third task force: `--show-terms` listed terms differing only in case, each one line of the vocabulary to write.
    Here "Yoga" (c1, c3) and "yoga" (c2): each used for fewer than 3 clients, together for 3, so listed, once."""
    needs = edit(edit(edit("needs.csv", "c1,case_management", "c1,Yoga"), "c3,case_management", "c3,Yoga"), "c2,legal_representation", "c2,yoga")
    write_tiny_dataset(tmp_path / "broken", **{"needs.csv": needs})
    terms = unmapped_terms(tmp_path / "broken")
    assert terms.to_dict("records") == [{"table": "needs", "column": "need", "term": "Yoga", "rows": 3}]


def test_in_period_keeps_what_happened_in_it(tiny_dir: Path) -> None:
    data = tf.load_dataset(tiny_dir).in_period("2024Q1")
    assert data.clients["client_id"].tolist() == ["c1", "c2"]
    assert data.needs["client_id"].tolist() == ["c1", "c1", "c2", "c2"]
    assert data.referrals["referral_id"].tolist() == ["r1", "r2", "r3"]
    assert data.activities["activity_id"].tolist() == ["a1", "a2"]
    later = tf.load_dataset(tiny_dir).in_period("2025H2")
    # m3 left on 2025-06-30: not a member in 2025H2; its capacity row ended the same day
    assert later.members["member_id"].tolist() == ["m1", "m2"]
    assert later.capacity["member_id"].tolist() == ["m2", "m2"]
    assert later.clients.empty and later.attendance.empty
    assert len(later.survey) == 2


# --------------------------------------------------------------------------- dates, numbers and files that mislead


def test_a_far_future_open_end_is_read_as_open(tmp_path: Path) -> None:
    capacity = edit("capacity.csv", "2023-02-01,\n", "2023-02-01,9999-12-31\n")
    members = edit("members.csv", "2023-01-15,,19901", "2023-01-15,9999-12-31,19901")
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "d", **{"capacity.csv": capacity, "members.csv": members}))
    assert data.capacity["valid_to"].isna().tolist() == [True, True, False]
    assert data.members["left_on"].isna().tolist() == [True, True, False]
    assert data.warnings[["table", "column", "row"]].to_dict("records") == [
        {"table": "members", "column": "left_on", "row": 1}, {"table": "capacity", "column": "valid_to", "row": 1}]


def test_dates_after_the_export_are_refused(tmp_path: Path) -> None:
    folder = write_tiny_dataset(tmp_path / "d")
    assert tf.load_dataset(folder, export_date="2025-01-01").export_date == pd.Timestamp("2025-01-01")
    with pytest.raises(tf.DataValidationError) as info:
        tf.load_dataset(folder, export_date="2024-04-30")  # c4 was identified on 2024-05-02
    assert rules(info.value) == {
        ("clients", "identified_on", 4, "must not be after the export date (2024-04-30): a date in the future is a typo or a placeholder")}


def test_the_export_date_is_at_the_latest_the_day_the_files_were_written(tmp_path: Path) -> None:
    import os

    folder = write_tiny_dataset(tmp_path / "d")
    written = pd.Timestamp("2024-04-25 12:00").timestamp()
    for path in folder.iterdir():
        os.utime(path, (written, written))
    with pytest.raises(tf.DataValidationError) as info:
        tf.load_dataset(folder, export_date="2030-01-01")  # a later date given does not make 2024-05-02 possible
    assert {r[:3] for r in rules(info.value)} == {("clients", "identified_on", 4)}


def test_planned_capacity_may_start_after_the_export(tmp_path: Path) -> None:
    capacity = TINY_TABLES["capacity.csv"] + "m2,food,5,statewide,true,true,all,true,any,false,2099-01-01,\n"
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "d", **{"capacity.csv": capacity}))
    assert data.capacity["valid_from"].max() == pd.Timestamp("2099-01-01")


def test_infinite_capacity_is_refused(tmp_path: Path) -> None:
    err = broken(tmp_path, **{"capacity.csv": edit("capacity.csv", ",6,", ",inf,")})
    assert rules(err) == {("capacity", "capacity_per_month", 1, "must be a number")}


def test_utf16_with_its_byte_order_mark_loads_like_utf8(tiny_dir: Path, tmp_path: Path) -> None:
    folder = write_tiny_dataset(tmp_path / "d")
    (folder / "clients.csv").write_bytes(TINY_TABLES["clients.csv"].encode("utf-16"))
    pd.testing.assert_frame_equal(tf.load_dataset(folder).clients, tf.load_dataset(tiny_dir).clients)


def test_a_table_file_named_in_capitals_is_read_and_said(tmp_path: Path) -> None:
    folder = write_tiny_dataset(tmp_path / "d", **{"referrals.csv": None})
    (folder / "Referrals.CSV").write_text(TINY_TABLES["referrals.csv"])
    data = tf.load_dataset(folder)
    assert len(data.referrals) == 3 and data.files["referrals"].name == "Referrals.CSV"
    assert data.warnings["rule"].tolist() == ["read from Referrals.CSV"]


def test_a_table_without_its_header_stops_there(tmp_path: Path) -> None:
    err = broken(tmp_path, **{"members.csv": TINY_TABLES["members.csv"].replace(",", ";")})
    # one problem: no "must name an existing members.member_id" for every capacity, referral, survey… row
    assert rules(err) == {("members", None, None, "columns are separated by ';', not by commas (a regional setting of Excel): "
                                                  "save the file as 'CSV UTF-8 (Comma delimited)'")}


def test_a_header_that_differs_in_case_is_named_with_its_fix(tmp_path: Path) -> None:
    err = broken(tmp_path, **{"needs.csv": edit("needs.csv", "identified_on", "Identified On")})
    assert rules(err) == {("needs", "identified_on", None,
                           "required column missing from the file: the header 'Identified On' looks like it; rename it identified_on")}


def test_a_repeated_header_is_refused_not_renamed(tmp_path: Path) -> None:
    lines = TINY_TABLES["clients.csv"].splitlines()
    text = "\n".join([lines[0] + ",gender"] + [line + ",female" for line in lines[1:]]) + "\n"
    err = broken(tmp_path, **{"clients.csv": text})
    assert {r[:2] for r in rules(err)} == {("clients", "gender")}
    assert "appears more than once in the header" in str(err)


def test_nine_digit_client_ids_are_not_mistaken_for_social_security_numbers(tmp_path: Path) -> None:
    swap = {f"c{i}": f"10000000{i}" for i in range(1, 5)}
    tables = {}
    for name in ("clients.csv", "needs.csv", "referrals.csv", "cj_events.csv"):
        text = TINY_TABLES[name]
        for old, new in swap.items():
            text = text.replace(f"{old},", f"{new},").replace(f",{old}\n", f",{new}\n")
        tables[name] = text
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "d", **tables))
    assert data.clients["client_id"].tolist() == ["100000001", "100000002", "100000003", "100000004"]


def test_show_terms_never_prints_an_identifier_and_survives_an_unreadable_file(tmp_path: Path) -> None:
    needs = edit(edit("needs.csv", "c1,case_management", "c1,Client SSN 123-45-6789"), "c3,case_management", "c3,Yoga")
    needs = edit(edit(needs, "c1,housing_emergency", "c1,Yoga"), "c2,legal_representation", "c2,Yoga")
    # free text typed for one client: a second task force's "--show-terms" printed a name and a date of birth
    needs = edit(needs, "c2,housing_emergency", "c2,Shelter for Maria Secreta DOB 1990-01-01")
    folder = write_tiny_dataset(tmp_path / "d", **{"needs.csv": needs})
    (folder / "referrals.csv").write_bytes(b"\x00\x01\x02 binary")
    terms = unmapped_terms(folder)
    assert terms[["term", "rows"]].values.tolist() == [
        ["Yoga", 3],
        ["(1 term not shown: they look like direct identifiers)", 1],
        ["(1 term not shown: each is used for fewer than 3 clients, so it may be about one person; validate names their rows)", 1],
    ]
    assert "123-45-6789" not in terms.to_string() and "Maria" not in terms.to_string()


def test_vocabulary_terms_match_without_accents_and_bad_files_are_problems(tmp_path: Path) -> None:
    needs = edit("needs.csv", "c1,case_management", "c1,Gestión de casos")
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "v", **{"needs.csv": needs, "vocabulary.csv": "term,code\ngestion de casos,case_management\n"}))
    assert data.needs["need"].tolist()[1] == "case_management"
    err = broken(tmp_path, **{"vocabulary.yaml": "shelter: housing_emergency\n  bad: [x\n"})
    assert rules(err) == {("vocabulary", None, None,
                           "vocabulary.yaml is not valid YAML (line 2, column 6): write one 'term: code' pair per line, quoting a term that holds ':' or '#'")}


UNMAPPED = "term not in the taxonomy nor the vocabulary file (`tfanalysis validate DIR --show-terms` lists the terms to map)"


def test_one_bad_vocabulary_entry_is_one_problem_and_the_others_still_map(tmp_path: Path) -> None:
    # a second task force's typo code threw the vocabulary away: every mapped term "unmapped", in thousands of rows
    needs = edit(edit("needs.csv", "c1,housing_emergency", "c1,Shelter Bed"), "c1,case_management", "c1,Manejo de casos")
    vocabulary = "term,code\nshelter bed,housing_emergency\nManejo de casos,case_managment\n"
    err = broken(tmp_path, **{"needs.csv": needs, "vocabulary.csv": vocabulary})
    assert rules(err) == {
        ("vocabulary", None, None, "vocabulary.csv: 1 problem(s) in the vocabulary (entries are counted from the first row after the header: entry 1 is line 2 of the file): - entry 2 ('Manejo de casos'): 'case_managment' is not a taxonomy code"),
        ("needs", "need", 2, UNMAPPED),  # the bad entry's term only: row 1, "Shelter Bed", maps
    }
    assert unmapped_terms(tmp_path / "broken")["term"].tolist() == ["(1 term not shown: each is used for fewer than 3 clients, so it may be about one person; validate names their rows)"]


def test_unmapped_terms_are_not_duplicate_keys(tmp_path: Path) -> None:
    # two different unmapped terms of one client and day (one member, one start day) are not one key
    needs = edit(edit("needs.csv", "c1,housing_emergency", "c1,Yoga"), "c1,case_management", "c1,Pilates")
    capacity = edit(edit("capacity.csv", "m2,housing_emergency", "m2,Shelter"), "m2,case_management", "m2,Casework")
    err = broken(tmp_path, **{"needs.csv": needs, "capacity.csv": capacity})
    assert rules(err) == {
        ("needs", "need", 1, UNMAPPED), ("needs", "need", 2, UNMAPPED),
        ("capacity", "service", 1, UNMAPPED), ("capacity", "service", 2, UNMAPPED),
    }


def test_a_true_duplicate_need_is_still_refused(tmp_path: Path) -> None:
    needs = TINY_TABLES["needs.csv"] + "c1,case_management,2024-01-10,in_progress,,\n"
    err = broken(tmp_path, **{"needs.csv": needs})
    assert {r[:3] for r in rules(err)} == {("needs", "client_id", 2), ("needs", "client_id", 6)}
    assert all("client_id + need + identified_on must be unique" in r[3] for r in rules(err))


def test_a_vocabulary_mapping_a_code_onto_another_is_refused_not_applied(tmp_path: Path) -> None:
    # `food,housing_emergency` silently recoded every food need as housing
    needs = edit(edit("needs.csv", "c2,legal_representation", "c2,food"), "c1,case_management", "c1,Casework")
    err = broken(tmp_path, **{"needs.csv": needs, "vocabulary.csv": "term,code\nfood,housing_emergency\nCasework,case_management\n"})
    assert rules(err) == {("vocabulary", None, None,
                           "vocabulary.csv: 1 problem(s) in the vocabulary (entries are counted from the first row after the header: entry 1 is line 2 of the file): - entry 1 ('food'): is itself the taxonomy code food; "
                           "a vocabulary maps a task force's own words, not one code onto another")}


def test_a_vocabulary_saved_as_windows_1252_says_so_and_its_utf8_entries_map(tmp_path: Path) -> None:
    needs = edit(edit("needs.csv", "c1,housing_emergency", "c1,Shelter Bed"), "c1,case_management", "c1,Gestión de casos")
    folder = write_tiny_dataset(tmp_path / "broken", **{"needs.csv": needs})
    (folder / "vocabulary.csv").write_bytes("term,code\nShelter bed,housing_emergency\nGestión de casos,case_management\n".encode("cp1252"))
    with pytest.raises(tf.DataValidationError) as info:
        tf.load_dataset(folder)
    assert rules(info.value) == {
        ("vocabulary", None, None, "vocabulary.csv: 1 problem(s) in the vocabulary (entries are counted from the first row after the header: entry 1 is line 2 of the file): - entry 2: not UTF-8 text, characters of another "
                                   "encoding (Windows-1252 or Latin-1, as older Excel versions save CSV): save vocabulary.csv as 'CSV UTF-8' and read it again"),
        ("needs", "need", 2, UNMAPPED),
    }
    assert "Gesti" not in str(info.value)


def test_what_is_suspicious_across_tables_is_warned_of_by_row(tmp_path: Path) -> None:
    # a second task force: needs cut to their header read "0 needs, no change" everywhere with no warning; 40 clients
    # typed into an Ohio county beside members in California and Texas were counted by report 02 and not mapped by 01
    clients = edit("clients.csv", "c3,2024-04-20,10005", "c3,2024-04-20,39049")
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "d", **{"clients.csv": clients, "needs.csv": TINY_TABLES["needs.csv"].splitlines()[0] + "\n"}))
    warned = data.warnings[data.warnings["severity"] == "warning"].set_index("table")
    assert warned.loc["needs", "rule"] == "no rows, while clients has 4: every count of needs is 0 (did the export lose its rows?)"
    assert (warned.loc["clients", "column"], int(warned.loc["clients", "row"])) == ("county_fips", 3)  # c3, in the third row
    assert "39049" not in warned.to_string()


def test_a_second_task_forces_reasonable_exports_are_read(tmp_path: Path) -> None:
    # Excel's all-empty rows at the end gave eight "must not be empty" errors; EN was refused while Female was read
    clients = edit("clients.csv", "c2,2024-02-03,10003,25-34,male,labor,foreign_national,es,", "c2,2024-02-03,10003,25-34,male,labor,foreign_national,ES,")
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "d", **{"clients.csv": clients + ",,,,,,,,\n,,,,,,,,\n"}))
    assert data.clients["client_id"].tolist() == ["c1", "c2", "c3", "c4"]
    assert data.clients["primary_language"].tolist()[1] == "es"


def test_a_language_with_no_two_letter_code_is_read_by_its_three_letter_one(tmp_path: Path) -> None:
    """A third task force (Minnesota) could record its Hmong and Karen clients only as 'unknown'."""
    clients = edit("clients.csv", "c2,2024-02-03,10003,25-34,male,labor,foreign_national,es,", "c2,2024-02-03,10003,25-34,male,labor,foreign_national,hmn,")
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "d", **{"clients.csv": clients}))
    assert data.clients["primary_language"].tolist()[1] == "hmn"
    from tfanalysis.analyses.directory import LANGUAGE_NAMES

    assert (LANGUAGE_NAMES["hmn"], LANGUAGE_NAMES["kar"], LANGUAGE_NAMES["om"]) == ("Hmong", "Karen", "Oromo")
    wrong = edit("clients.csv", "c2,2024-02-03,10003,25-34,male,labor,foreign_national,es,", "c2,2024-02-03,10003,25-34,male,labor,foreign_national,hmong,")
    with pytest.raises(tf.DataValidationError) as err:
        tf.load_dataset(write_tiny_dataset(tmp_path / "e", **{"clients.csv": wrong}))
    assert "an ISO 639-3 code (three letters, e.g. hmn for Hmong) for a language with no two-letter code" in str(err.value)


def test_a_members_capacity_counts_only_while_it_is_a_member(tmp_path: Path) -> None:
    """A third task force: a member that left on 2025-06-30 kept its capacity rows open, and report 02 counted them all year."""
    from tfanalysis.analyses.capacity_in_force import places_per_month

    capacity = edit("capacity.csv", "m3,legal_representation,4,radius:40,false,true,all,true,en,false,2023-03-01,2025-06-30",
                    "m3,legal_representation,4,radius:40,false,true,all,true,en,false,2023-03-01,\n"
                    "m3,case_management,10,statewide,true,true,all,true,any,false,2025-07-01,")  # m3 left 2025-06-30
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "d", **{"capacity.csv": capacity}))
    warned = data.warnings[data.warnings["rule"] == schema.CAPACITY_OUTSIDE_MEMBERSHIP]
    assert warned[["table", "column"]].values.tolist() == [["capacity", "valid_to"]] * 2 and warned["row"].tolist() == [3, 4]
    m3 = data.capacity[data.capacity["member_id"] == "m3"]
    assert m3["service"].tolist() == ["legal_representation"]  # the row from after it left is left out
    assert m3["valid_to"].dt.strftime("%Y-%m-%d").tolist() == ["2025-06-30"]
    # in 2025 it offered 4 a month for the 181 days to 2025-06-30: 4 x 181 / 365 = 1.98 a month on average
    assert float(places_per_month(m3, pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31")).sum()) == pytest.approx(4 * 181 / 365)


def test_a_code_written_as_words_is_read_as_the_code(tmp_path: Path) -> None:
    """A third task force's export wrote sectors as words ('Law Enforcement'); the validator only listed the codes."""
    members = edit("members.csv", "m1,Dover Police Department,law_enforcement,", "m1,Dover Police Department,Law Enforcement,")
    members = edit(members, "m2,Safe Harbor Shelter,victim_services,", "m2,Safe Harbor Shelter,victim-services,")
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "d", **{"members.csv": members}))
    assert data.members["sector"].tolist()[:2] == ["law_enforcement", "victim_services"]
    wrong = edit("members.csv", "m1,Dover Police Department,law_enforcement,", "m1,Dover Police Department,Police,")
    with pytest.raises(tf.DataValidationError, match="must be one of"):
        tf.load_dataset(write_tiny_dataset(tmp_path / "e", **{"members.csv": wrong}))


def test_a_need_before_its_client_and_clients_with_no_row_are_said(tmp_path: Path) -> None:
    needs = edit("needs.csv", "c2,legal_representation,2024-02-03", "c2,legal_representation,2023-12-01")  # c2 identified 2024-02-03
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "d", **{"needs.csv": needs}))
    early = data.warnings[data.warnings["column"] == "identified_on"]
    assert early[["table", "row"]].values.tolist() == [["needs", 4]]
    assert early["rule"].iloc[0].startswith("before its client was identified")
    err = broken(tmp_path, **{"clients.csv": TINY_TABLES["clients.csv"].splitlines()[0] + "\n"})
    assert ("clients", None, None, "no rows (a header only?), while needs, referrals, cj_events name clients: export the clients again") in rules(err)
    # before the first client: criminal cases with no victim identified name no client, and nothing is refused
    cases = "\n".join(line if i == 0 else ",".join(line.split(",")[:-1] + [""]) for i, line in enumerate(TINY_TABLES["cj_events.csv"].splitlines())) + "\n"
    header_only = {name: TINY_TABLES[name].splitlines()[0] + "\n" for name in ("clients.csv", "needs.csv", "referrals.csv")}
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "first", **header_only, **{"cj_events.csv": cases}))
    assert data.clients.empty and len(data.cj_events) == len(TINY_TABLES["cj_events.csv"].splitlines()) - 1


# --------------------------------------------------------------------------- a second task force's own exports


def test_zip_plus_four_codes_are_read_as_their_five_digits(tmp_path: Path) -> None:
    members = edit(edit("members.csv", ",19901,", ",19901-4321,"), ",19801,", ",198011234,")
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "d", **{"members.csv": members}))
    assert data.members["zip"].tolist() == ["19901", pd.NA, "19801"]
    assert data.members["county_fips"].tolist() == ["10001", "10003", "10003"]  # located by the 5 digits
    warned = data.warnings[["table", "column", "row", "rule", "severity"]].values.tolist()
    rule = "2 ZIP+4 codes read as the 5-digit ZIP (the 4 digits after it dropped)"
    assert warned == [["members", "zip", 1, rule, "warning"], ["members", "zip", 3, rule, "warning"]]
    assert data.warnings["value"].isna().all()
    # a number in Excel or Parquet lost the ZIP's leading zero: 2134-1234 stored as 21341234
    raw = pd.DataFrame({"member_id": ["m1"], "zip": ["21341234"]}, dtype="string")
    typed, found = schema.coerce_table(raw, contract.MEMBERS, ["zip"])
    assert typed["zip"].tolist() == ["02134"]
    assert found["rule"].tolist() == ["1 ZIP+4 code read as the 5-digit ZIP (the 4 digits after it dropped)"]
    # the same in a CSV is text, 8 digits: a second task force got "not found in the ZIP code table" and "must be a
    # 5-digit ZIP code" for one cell; now the one cause, as for 2134 (not guessed: a digit may be missing instead)
    typed, found = schema.coerce_table(pd.DataFrame({"member_id": ["m1", "m2"], "zip": ["21341234", "2134-1234"]}, dtype="string"), contract.MEMBERS, [])
    assert typed["zip"].isna().all() and found["rule"].str.startswith("must be a 5-digit ZIP code: fewer digits").tolist() == [True, True]


def test_a_code_a_spreadsheet_wrote_as_a_number_in_a_csv_is_read_with_a_warning(tmp_path: Path) -> None:
    # a second task force (New Mexico): 87102.0 got "not found in the ZIP code table; give lat, lon and
    # county_fips instead" and "must be a 5-digit ZIP code": the advice led away from the cause
    members = edit(edit("members.csv", ",19901,", ",19901.0,"), ",19801,", ",19801.00,")
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "d", **{"members.csv": members}))
    assert data.members["zip"].tolist() == ["19901", pd.NA, "19801"]
    assert data.members["county_fips"].tolist() == ["10001", "10003", "10003"]
    rule = "2 ZIP codes written as numbers read as text (87102.0 as 87102, 2134.0 as 02134); export the column as text"
    assert data.warnings[["table", "column", "row", "rule", "severity"]].values.tolist() == [
        ["members", "zip", 1, rule, "warning"], ["members", "zip", 3, rule, "warning"]]
    # a county FIPS that lost its zero too (6037.0), as from an Excel cell
    typed, found = schema.coerce_table(pd.DataFrame({"member_id": ["m1"], "county_fips": ["6037.0"]}, dtype="string"), contract.MEMBERS, [])
    assert typed["county_fips"].tolist() == ["06037"]
    assert found["rule"].tolist() == ["1 FIPS code written as a number read as text (35001.0 as 35001, 6037.0 as 06037); export the column as text"]


def test_a_blank_row_is_one_problem_not_one_per_required_column(tmp_path: Path) -> None:
    # a second task force (New Mexico): a blank line in members.csv gave six errors at "row 6" (member_id, name,
    # sector, joined_on, confidential_location "must not be empty", and "needs a ZIP code") and no hint it was blank.
    # By hand: the blank line is line 3, row 2; a row of commas only (",,,") is blank too (row 4); m3 is row 5
    members = edit(edit("members.csv", "\nm2,", "\n\nm2,"), "\nm3,", "\n,,,,,,,,,\nm3,")
    err = broken(tmp_path, **{"members.csv": members})
    from tfanalysis.data.io import BLANK_ROW
    assert rules(err) == {("members", None, 2, BLANK_ROW), ("members", None, 4, BLANK_ROW)}


def test_a_european_excel_csv_is_told_its_encoding_and_its_delimiter_at_once(tmp_path: Path) -> None:
    # Windows-1252 and ';': the encoding was said, and once the file was saved again, the delimiter
    needs = edit("needs.csv", "c1,case_management,", "c1,Gestión de caso,").replace(",", ";")
    folder = write_tiny_dataset(tmp_path / "d")
    (folder / "needs.csv").write_bytes(needs.encode("cp1252"))
    with pytest.raises(tf.DataValidationError) as info:
        tf.load_dataset(folder)
    assert rules(info.value) == {(
        "needs", "need", 2,
        "needs.csv is not UTF-8 text: these cells hold characters of another encoding (Windows-1252 or Latin-1, as older Excel "
        "versions save CSV), and its columns are separated by ';', not by commas (a regional setting of Excel): save the file "
        "as 'CSV UTF-8 (Comma delimited)' and read it again",
    )}
    assert "Gesti" not in str(info.value)


def test_a_date_in_another_format_is_named_by_the_format_it_looks_like(tmp_path: Path) -> None:
    clients = edit(edit(edit("clients.csv", "c1,2024-01-10,", "c1,01/10/2024,"), "c2,2024-02-03,", "c2,2024-02-03 09:30,"), "c4,2024-05-02,", "c4,soon,")
    needs = edit(edit("needs.csv", "met,2024-01-12,m2", "met,45303,m2"), "c2,housing_emergency,2024-02-03", "c2,housing_emergency,2024-02-30")
    err = broken(tmp_path, **{"clients.csv": clients, "needs.csv": needs})
    iso = "must be a date written YYYY-MM-DD"
    assert rules(err) == {
        ("clients", "identified_on", 1, f"{iso}; looks like MM/DD/YYYY or DD/MM/YYYY"),  # 01/10: either way
        ("clients", "identified_on", 2, f"{iso}; looks like a date and time (keep the date only)"),
        ("clients", "identified_on", 4, iso),  # like nothing known
        ("needs", "met_on", 1, f"{iso}; looks like an Excel serial number (a date cell saved as a number): format the column as a date"),
        ("needs", "identified_on", 3, f"{iso}; looks like one, but no such day exists (a month past 12, or a day past the month's end)"),
        # no "status is met but met_on is empty" beside it: the cell is not empty, it is refused (a second task force)
    }
    assert err.problems["value"].isna().all() and "01/10" not in str(err) and "45303" not in str(err)


def test_a_phone_number_inside_a_need_is_to_be_removed_from_the_cell_not_the_column(tmp_path: Path) -> None:
    # "drop the column" would have dropped every need
    needs = edit("needs.csv", "c1,case_management,", "c1,case management call 302-555-0199,")
    err = broken(tmp_path, **{"needs.csv": needs})
    assert rules(err) == {
        ("needs", "need", 2, "holds values that look like phone numbers (1 cell): a direct identifier is not accepted in a client-level "
                             "table; remove the phone numbers from those cells and keep the column: the need text must describe the need only"),
        ("needs", "need", 2, UNMAPPED),
    }
    assert "0199" not in str(err)
    # a column the contract does not name still goes whole
    notes = "\n".join(line + (",notes" if i == 0 else ",call 302-555-0199") for i, line in enumerate(TINY_TABLES["needs.csv"].splitlines())) + "\n"
    (rule,) = {r[3] for r in rules(broken(tmp_path / "notes", **{"needs.csv": notes}))}
    assert rule.endswith("de-identify the export first (drop the column, keep only the pseudonymous client_id)")


def test_the_fingerprint_stays_the_files_digests_where_a_vocabulary_is_used(tiny_dir: Path, tmp_path: Path) -> None:
    """The ledgers of a dataset are found by its fingerprint: a new definition orphans every earlier run's.

    An outsider's pair of runs (2026-12-07): the vocabulary's digest, added to the fingerprint
    between a quarter's run and its half-year's, gave the half-year another dataset id; it
    never saw what the quarter released, and a month's clients came back as 35 − 11 − 15.
    """
    import shutil

    from tfanalysis.running.audit import dataset_id

    folder = tmp_path / "with-vocabulary"
    shutil.copytree(tiny_dir, folder)
    (folder / "vocabulary.csv").write_text("term,code\nCase Mgmt,case_management\n")
    data = tf.load_dataset(folder)
    assert data.vocabulary  # one is used
    assert sorted(data.fingerprint()) == sorted(contract.TABLES)
    assert dataset_id(data.fingerprint()) == dataset_id(tf.load_dataset(tiny_dir).fingerprint())
