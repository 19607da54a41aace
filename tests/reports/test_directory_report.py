"""What the member directory report shows: the filterable HTML table, the exports, the paragraphs.

On the hand-made task force of ``tests/analyses/test_directory.py``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

import tfanalysis as tf
from tfanalysis.analyses import directory
from tfanalysis.data import taxonomy
from tfanalysis.reports import directory as directory_report

from conftest import write_tiny_dataset
from shared_tables import DIRECTORY_CAPACITY as CAPACITY
from shared_tables import DIRECTORY_CONFIDENTIAL_TEXTS as CONFIDENTIAL_TEXTS
from shared_tables import DIRECTORY_MEMBERS as MEMBERS
from shared_tables import DIRECTORY_PUBLIC_TEXTS as PUBLIC_TEXTS

COLUMNS = list(directory.COLUMNS)

NA = pd.NA

LEGAL = taxonomy.VICTIM_NEEDS["legal_representation"]


# Period "all", worked out by hand from the two tables above.
EXPECTED_ALL = [
    # member, sector, county, county FIPS, town, ZIP, service, capacity per month, service area, counties served,
    # ages served, genders, foreign nationals, languages, 24/7, contact, notes
    ["Dover Police Department", "Law enforcement", "Kent County", "10001", "Dover", "19901", "none listed", NA, NA, NA,
     NA, NA, NA, NA, NA, "302-555-0101", NA],
    ["Legal Aid of Delaware", "Legal services", "New Castle County", "10003", "Wilmington", "19801", LEGAL, 4.0,
     "within 40 miles", "New Castle County", "adults only", "all", "yes", "English; Haitian Creole; qu", "no",
     "intake@legalaid.example", "member until 2025-06-30; service listed until 2025-06-30"],
    ["Old Coalition", "Community", "Sussex County", "10005", "Lewes", "19958", "none listed", NA, NA, NA,
     NA, NA, NA, NA, NA, NA, "member until 2022-12-31"],
    ["Safe Harbor Shelter", "Victim services", "New Castle County", "10003", NA, NA, "Case management", 10.0,
     "statewide", "Kent County; New Castle County; Sussex County", "minors and adults", "all", "yes",
     "any (interpreters)", "no", "302-555-0102; help@safeharbor.example", NA],
    ["Safe Harbor Shelter", "Victim services", "New Castle County", "10003", NA, NA, "Housing: emergency", 6.0,
     "Kent County; New Castle County", "Kent County; New Castle County", "adults only", "female", "yes",
     "English; Spanish", "yes", "302-555-0102; help@safeharbor.example", NA],
    ["Sussex Youth Refuge", "Victim services", "Sussex County", "10005", NA, NA, "Crisis intervention", 8.0,
     "Sussex County", "Sussex County", "minors and adults", "all", "yes", "any (interpreters)", "yes",
     "302-555-0104", NA],
    ["Sussex Youth Refuge", "Victim services", "Sussex County", "10005", NA, NA, "Housing: emergency", 3.0,
     "within 30 miles", "Sussex County", "minors only", "all", "no", "English", "yes", "302-555-0104", NA],
]


def expected(rows: list[list[object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({c: ("Float64" if c == "capacity per month" else "string") for c in COLUMNS})


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tf.TaskForceData:
    folder = write_tiny_dataset(tmp_path_factory.mktemp("directory") / "tiny", members__csv=MEMBERS, capacity__csv=CAPACITY)
    return tf.load_dataset(folder)


@pytest.fixture(scope="module")
def table(data: tf.TaskForceData) -> pd.DataFrame:
    return directory.member_directory(data, "all")


def test_html_rows_carry_what_the_filters_need(table: pd.DataFrame) -> None:
    page = directory_report.directory_html(table)
    assert page.count("<tr data-service=") == len(table) == 7
    assert ('<tr data-service="Housing: emergency" data-counties="Kent County|New Castle County"'
            ' data-population="adults|foreign nationals|female" data-languages="English|Spanish" data-around-the-clock="yes">') in page
    assert ('<tr data-service="Case management" data-counties="Kent County|New Castle County|Sussex County"'
            ' data-population="minors|adults|foreign nationals|female|male|nonbinary" data-languages="*" data-around-the-clock="no">') in page
    # A member without services is found in the county it is located in.
    assert '<tr data-service="none listed" data-counties="Sussex County" data-population="" data-languages="" data-around-the-clock="no">' in page
    assert '<option value="Sussex County">' in page and '<option value="Housing: emergency">' in page


def test_html_is_self_contained_and_escaped(table: pd.DataFrame) -> None:
    from tfanalysis.running.render import external_references

    hostile = table.assign(member=table["member"].where(table["member"] != "Old Coalition", '<script>alert("x")</script> & Co'))
    page = directory_report.directory_html(hostile)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page
    assert page.count("<script>") == 1 and "</script>" in page
    assert external_references(page) == [] and "http" not in page


def test_html_refuses_a_table_that_is_not_the_directory(table: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="counties served"):
        directory_report.directory_html(table.drop(columns="counties served"))


def test_exports_read_back_equal_the_table(table: pd.DataFrame, tmp_path: Path) -> None:
    files = directory_report.export(table, tmp_path / "run")
    assert {k: p.name for k, p in files.items()} == {"csv": "member_directory.csv", "xlsx": "member_directory.xlsx"}
    dtypes = {c: ("Float64" if c == "capacity per month" else "string") for c in table.columns}
    from_csv = pd.read_csv(files["csv"], dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig").astype(dtypes)
    from_xlsx = pd.read_excel(files["xlsx"], dtype=str, keep_default_na=False, na_values=[""]).astype(dtypes)
    pd.testing.assert_frame_equal(from_csv, table)
    pd.testing.assert_frame_equal(from_xlsx, table)


def test_no_export_without_a_folder(table: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert directory_report.export(table, "") == {}
    assert directory_report.export(table, None) == {}
    assert list(tmp_path.iterdir()) == []
    assert "tfanalysis run" in directory_report.export_markdown({})


def test_confidential_locations_appear_nowhere(data: tf.TaskForceData, table: pd.DataFrame, tmp_path: Path) -> None:
    files = directory_report.export(table, tmp_path)
    with zipfile.ZipFile(files["xlsx"]) as book:
        xlsx_text = "".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml"))
    outputs = {
        "html": directory_report.directory_html(table),
        "csv": files["csv"].read_text(encoding="utf-8-sig"),
        "xlsx": xlsx_text,
    }
    refuge = data.members.set_index("member_id").loc["m4"]
    assert (round(float(refuge["lat"]), 3), round(float(refuge["lon"]), 3)) == (38.679, -75.393)  # the fixture geocodes
    for name, text in outputs.items():
        leaked = [t for t in CONFIDENTIAL_TEXTS if t in text]
        assert leaked == [], f"{name} shows confidential locations: {leaked}"
        assert [t for t in PUBLIC_TEXTS if t not in text] == [], f"{name} lost public locations"


def test_export_markdown_links_beside_the_report(tmp_path: Path) -> None:
    text = directory_report.export_markdown({"csv": tmp_path / "member_directory.csv", "xlsx": tmp_path / "member_directory.xlsx"})
    assert "[member_directory.csv](member_directory.csv)" in text and str(tmp_path) not in text


def test_not_offered_markdown_lists_every_missing_service(data: tf.TaskForceData) -> None:
    text = directory_report.not_offered_markdown(directory.services_not_offered(data, "2025H2"))
    assert text.count("\n- ") + text.startswith("- ") == 28
    assert f"- {LEGAL} (Legal)" in text


PAYLOADS = ['=HYPERLINK("http://example.invalid/x","Click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_exports_carry_no_live_formula(table: pd.DataFrame, tmp_path: Path, payload: str) -> None:
    import openpyxl

    poisoned = table.copy()
    poisoned.loc[poisoned.index[0], "member"] = payload
    files = directory_report.export(poisoned, tmp_path)
    from_csv = pd.read_csv(files["csv"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert from_csv.loc[0, "member"] == "'" + payload  # what a spreadsheet shows as text
    assert from_csv.loc[1:, "member"].tolist() == table.loc[table.index[1:], "member"].tolist()  # the others untouched
    sheet = openpyxl.load_workbook(files["xlsx"]).active
    cell = sheet.cell(row=2, column=list(table.columns).index("member") + 1)
    assert cell.data_type == "s" and cell.value == "'" + payload.replace("\r", "\n")  # XML reads a CR back as a line feed
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
