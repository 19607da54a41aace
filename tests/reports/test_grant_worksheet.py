"""The grant performance worksheet: a crosswalk kept as data, evaluated on the tiny dataset.

Expected counts are worked out by hand from tests/conftest.py's TINY_TABLES:
clients c1 (2024-01-10, 18-24, female, sex, US citizen, referred by law enforcement),
c2 (2024-02-03, 25-34, male, labor, foreign national, community), c3 (2024-04-20, minor,
female, sex, US citizen, unknown), c4 (2024-05-02, 35-49, nonbinary, both, unknown, empty);
needs: c1 housing_emergency met 2024-01-12, c1 case_management in progress, c2
housing_emergency unmet, c2 legal_representation met 2024-03-01, c3 case_management declined;
referrals r1 (c1, m1 -> m2, housing, accepted), r2 (c2, m1 -> m2, housing, declined), r3 (c2,
m2 -> m3, legal, no response), all in 2024Q1; case k1: investigation opened 2024-01-05, arrest
2024-02-01 (victim c1); a meeting on 2024-01-20 (m1, m2), a joint training on 2024-03-15 (m2).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from tfanalysis.reports import grant_worksheet as gw
from tfanalysis.reports.grant_worksheet.crosswalk import _DANGEROUS_START
from tfanalysis import load_dataset
from tfanalysis.running.cli import main

from conftest import TINY_TABLES, write_tiny_dataset


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):
    return load_dataset(write_tiny_dataset(tmp_path_factory.mktemp("grant") / "tiny"))


def _counts(sheet: gw.Worksheet) -> dict[tuple[str, str], int | None]:
    """(item id, category) -> count; category '' for an item without breakdown."""
    frame = sheet.items
    return {(i, c): (None if pd.isna(n) else int(n)) for i, c, n in zip(frame["id"], frame["category"], frame["count"])}


# --------------------------------------------------------------------------- clients served


def test_clients_served_new_and_continuing_by_hand(tiny) -> None:
    served = gw.clients_served(tiny, "2024Q2")
    # c3, c4 identified in Q2; c1's case management is still in progress; c2's needs closed before Q2
    assert dict(zip(served["client_id"], served["client_status"])) == {"c1": "continuing", "c3": "new", "c4": "new"}
    assert dict(zip(served["client_id"], served["adult_or_minor"])) == {"c1": "adult", "c3": "minor", "c4": "adult"}


@pytest.mark.parametrize(
    ("file", "extra_row", "continuing"),
    [
        ("referrals.csv", "r4,c2,m2,m3,legal_representation,2024-05-10,,\n", ["c1", "c2"]),  # referred in Q2
        ("needs.csv", "c2,case_management,2024-03-20,met,2024-04-02,m2\n", ["c1", "c2"]),  # a need met in Q2
        ("needs.csv", "c2,case_management,2024-03-20,met,2024-03-30,m2\n", ["c1"]),  # met before Q2
        ("needs.csv", "c2,food,2024-07-01,in_progress,,\n", ["c1"]),  # identified after Q2
        ("needs.csv", "c2,food,2024-03-01,unmet,,\n", ["c1"]),  # closed unmet: not served
    ],
)
def test_what_makes_a_client_continuing(tmp_path: Path, file: str, extra_row: str, continuing: list[str]) -> None:
    data = load_dataset(write_tiny_dataset(tmp_path / "d", **{file: TINY_TABLES[file] + extra_row}))
    served = gw.clients_served(data, "2024Q2")
    assert sorted(served.loc[served["client_status"] == "continuing", "client_id"]) == continuing


def test_with_no_period_every_client_is_new(tiny) -> None:
    served = gw.clients_served(tiny, None)
    assert sorted(served["client_id"]) == ["c1", "c2", "c3", "c4"] and set(served["client_status"]) == {"new"}


# --------------------------------------------------------------------------- the default crosswalk


def test_default_crosswalk_counts_2024q2_by_hand(tiny) -> None:
    counts = _counts(gw.fill(tiny, "2024Q2"))
    assert counts[("1.1", "")] == 3 and counts[("1.2", "")] == 2 and counts[("1.3", "")] == 1
    assert [counts[("1.4", c)] for c in ("Adult (18 or over)", "Minor (under 18)", "Unknown")] == [2, 1, 0]
    assert counts[("1.5", "Continuing (identified earlier) · Adult (18 or over)")] == 1
    assert counts[("1.5", "New (identified in the period) · Minor (under 18)")] == 1
    assert [counts[("1.6", c)] for c in ("Sex", "Labor", "Sex and labor", "Unknown")] == [2, 0, 1, 0]
    assert [counts[("1.7", c)] for c in ("Female", "Male", "Nonbinary", "Unknown")] == [2, 0, 1, 0]
    assert [counts[("1.8", c)] for c in ("U.S. citizen", "Foreign national", "Unknown")] == [2, 0, 1]
    assert counts[("3.6", "Unknown")] == 1 and counts[("3.6", "Not recorded")] == 1  # c3 says unknown, c4 is empty


def test_default_crosswalk_counts_2024q1_by_hand(tiny) -> None:
    counts = _counts(gw.fill(tiny, "2024Q1"))
    assert counts[("1.1", "")] == 2 and counts[("1.3", "")] == 0
    assert counts[("2.1", "")] == 2  # housing for c1 (01-12), legal representation for c2 (03-01)
    assert counts[("2.2", "Basic needs")] == 1 and counts[("2.2", "Legal")] == 1 and counts[("2.2", "Health")] == 0
    assert counts[("2.3", "Housing: emergency")] == 1
    assert counts[("3.1", "")] == 3 and counts[("3.5", "")] == 1  # only r1 was accepted
    assert counts[("3.2", "Law enforcement")] == 2 and counts[("3.2", "Victim services")] == 1
    assert counts[("3.3", "Victim services")] == 2 and counts[("3.3", "Legal services")] == 1
    assert counts[("3.6", "Law enforcement")] == 1 and counts[("3.6", "Community")] == 1
    assert counts[("4.1", "")] == 1 and counts[("4.4", "")] == 1 and counts[("4.5", "")] == 0
    assert counts[("4.2", "Victim services")] == 1 and counts[("4.2", "Law enforcement")] == 0  # m1 came to the meeting only
    assert [counts[(i, "")] for i in ("5.1", "5.2", "5.3", "5.5", "5.7")] == [1, 1, 0, 0, 1]


def test_the_default_crosswalk_asks_what_federal_grantees_report() -> None:
    crosswalk = gw.load_crosswalk()
    answered = [i for i in crosswalk.items if not i.unsupported]
    breakdowns = {b for i in answered if i.table == "clients_served" for b in i.by}
    assert {"adult_or_minor", "trafficking_type", "gender", "nationality", "client_status"} <= breakdowns
    assert {i.table for i in answered} >= {"clients_served", "needs", "referrals", "activities", "attendance", "cj_events"}
    events = {v for i in answered if i.table == "cj_events" for v in i.where.get("event", ())}
    assert {"investigation_opened", "arrest", "charges_filed", "conviction"} <= events
    assert any("people trained" in i.item.lower() for i in crosswalk.items if i.unsupported)


def test_unsupported_items_are_listed_without_a_number(tiny) -> None:
    items = gw.fill(tiny, "2024Q1").items.set_index("id")
    assert pd.isna(items.loc["4.3", "count"])
    assert items.loc["4.3", "status"].startswith("Not supported by the data: attendance records which member organizations")


def test_a_table_missing_from_the_data_is_not_a_zero(tmp_path: Path) -> None:
    data = load_dataset(write_tiny_dataset(tmp_path / "d", **{"cj_events.csv": None}))
    sheet = gw.fill(data, "2024Q1")
    cj = sheet.items[sheet.items["id"].str.startswith("5.")]
    answered = cj[cj["status"] == "Not in the data: no cj_events table in the data"]
    assert len(answered) == 6 and answered["count"].isna().all()
    # an empty table that was provided is a real zero
    empty = load_dataset(write_tiny_dataset(tmp_path / "e", **{"cj_events.csv": TINY_TABLES["cj_events.csv"].splitlines()[0] + "\n"}))
    assert _counts(gw.fill(empty, "2024Q1"))[("5.1", "")] == 0


# --------------------------------------------------------------------------- reconciliation


def test_checks_reconcile_on_the_default_crosswalk(tiny) -> None:
    checks = gw.fill(tiny, "2024Q2").checks
    first = checks.iloc[0]
    assert (first["check"], first["found"], first["expected"], first["result"]) == ("New + continuing = clients served", 3, 3, "OK")
    assert checks["result"].eq("OK").all() and len(checks) == 13


def _crosswalk(items: list[dict], checks: list[dict] | None = None, **top) -> gw.Crosswalk:
    return gw.parse_crosswalk({"items": items, "checks": checks or [], **top}, source="test.yaml")


def test_a_breakdown_that_counts_a_client_twice_does_not_reconcile(tiny) -> None:
    # needs identified in 2024Q1: c1 (basic needs, advocacy), c2 (basic needs, legal) -> 4 by category, 2 clients
    crosswalk = _crosswalk(
        [{"id": "a", "item": "Clients with needs", "table": "needs", "count": "client_id"},
         {"id": "b", "item": "Clients with needs by category", "table": "needs", "count": "client_id", "by": "service_category"}],
        [{"check": "each client once", "sum": ["b"], "equals": "a"}],
    )
    check = gw.fill(tiny, "2024Q1", crosswalk).checks.iloc[0]
    assert (check["found"], check["expected"], check["result"]) == (4, 2, "DOES NOT RECONCILE")


def test_a_check_on_an_unanswered_item_is_not_checked(tiny) -> None:
    crosswalk = _crosswalk(
        [{"id": "a", "item": "Clients", "table": "clients", "count": "client_id"},
         {"id": "b", "item": "Clients by race", "unsupported": "no race column"}],
        [{"check": "race adds up", "sum": ["b"], "equals": "a"}],
    )
    assert gw.fill(tiny, "2024Q1", crosswalk).checks.iloc[0]["result"] == "not checked: item b has no number"


# --------------------------------------------------------------------------- the grammar


def test_every_problem_of_a_crosswalk_is_listed_at_once() -> None:
    with pytest.raises(gw.CrosswalkError) as caught:
        _crosswalk(
            [{"id": "a", "item": "x", "table": "clients", "count": "client_id", "by": "gendr"},
             {"id": "a", "item": "y", "table": "needs", "where": {"status": "mett"}, "count": "rows"},
             {"id": "c", "item": "z", "table": "victims", "count": "client_id"},
             {"id": "d", "item": "w", "table": "needs", "during": "need", "count": "rows", "colour": "red"},
             {"id": "e", "item": "v", "table": "needs"}],
            [{"check": "k", "sum": ["a", "zz"], "equals": "a"}],
        )
    assert caught.value.problems == [
        "item a: clients has no column 'gendr'",
        "item a: needs.status has no code 'mett' (codes: met, in_progress, unmet, declined_by_client)",
        "item c: table 'victims' is not one of clients, clients_served, needs, referrals, cj_events, activities, attendance, members (or say why it is unsupported)",
        "item d: unknown key 'colour'",
        "item d: 'during' names a date column; needs.need is not one",
        "item e: say what to count ('count: client_id', a list of columns, or 'rows')",
        "item id 'a' is used more than once",
        "check 'k': no item 'zz'",
    ]


def test_extra_columns_of_an_export_can_be_declared(tmp_path: Path) -> None:
    clients = TINY_TABLES["clients.csv"].splitlines()
    text = "\n".join([clients[0] + ",program"] + [row + f",p{i % 2}" for i, row in enumerate(clients[1:])]) + "\n"
    data = load_dataset(write_tiny_dataset(tmp_path / "d", **{"clients.csv": text}))
    item = {"id": "a", "item": "Clients by program", "table": "clients", "count": "client_id", "by": "program"}
    with pytest.raises(gw.CrosswalkError, match="clients has no column 'program'"):
        _crosswalk([item])
    counts = _counts(gw.fill(data, "2024", _crosswalk([item], extra_columns={"clients": ["program"]})))
    assert counts[("a", "p0")] == 2 and counts[("a", "p1")] == 2


def test_yaml_flags_match_flag_columns(tiny) -> None:
    item = {"id": "a", "item": "Confidential locations", "table": "members", "where": {"confidential_location": True}, "count": "member_id"}
    assert _counts(gw.fill(tiny, "2024Q1", _crosswalk([item])))[("a", "")] == 1  # m2, the shelter


# --------------------------------------------------------------------------- the workbook


def test_the_workbook_says_what_it_is_and_holds_numbers_as_numbers(tiny, tmp_path: Path) -> None:
    path = gw.write_worksheet(gw.fill(tiny, "2024Q2"), tmp_path / gw.WORKSHEET_FILE)
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == gw.FIRST_ROW and ws["A1"].value.startswith("EXACT COUNTS FOR THE FUNDER")
    assert "not linked from index.html" in ws["A1"].value
    assert "current questionnaire" in ws["A2"].value
    assert "period 2024Q2 (2024-04-01 to 2024-06-30)" in ws["A3"].value
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(("Item", "Section", "Question", "Breakdown", "Category", "Count", "Status", "How it is counted"))
    first = rows[header + 1]
    assert first[:3] == ("1.1", "Clients served", "Clients served in the period (new and continuing)") and first[5] == 3
    assert ws.cell(row=header + 2, column=6).data_type == "n"
    checks = rows.index(("Reconciliation checks", None, None, None, None, "Found", "Expected", "Result"))
    assert rows[checks + 1][2:] == ("New + continuing = clients served", None, None, 3, 3, "OK")
    assert not list(tmp_path.glob(".*.tmp"))


def test_text_cells_are_strings_that_no_spreadsheet_runs(tmp_path: Path) -> None:
    members = TINY_TABLES["members.csv"].replace("Safe Harbor Shelter", '=HYPERLINK("http://x.example")')
    data = load_dataset(write_tiny_dataset(tmp_path / "d", **{"members.csv": members}))
    crosswalk = _crosswalk([
        {"id": "@1", "section": "+ section", "item": "-members at trainings", "table": "attendance", "count": "member_id", "by": "member_name"},
        {"id": "2", "item": "\tTab first", "unsupported": "\rcarriage return first"},
    ], title="=1+1")
    path = gw.write_worksheet(gw.fill(data, "2024Q1", crosswalk), tmp_path / "w.xlsx")
    ws = openpyxl.load_workbook(path).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if c.data_type == "s"}
    assert {"'@1", "'+ section", "'-members at trainings", "'\tTab first"} <= texts
    assert '\'=HYPERLINK("http://x.example")' in texts
    assert any(v.startswith("'=1+1 · period 2024Q1") for v in texts)
    assert not any(isinstance(v, str) and v.startswith(_DANGEROUS_START) for v in texts)
    assert all(c.data_type in {"s", "n"} for c in cells)


# --------------------------------------------------------------------------- the command


def test_a_bad_crosswalk_stops_the_run_before_anything_is_written(tmp_path: Path, capsys) -> None:
    data = write_tiny_dataset(tmp_path / "d")
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"items": [{"id": "1", "item": "x", "table": "clients", "count": "client_idd"}]}))
    code = main(["run", "--data", str(data), "--out", str(tmp_path / "reports"), "--grant-worksheet", str(bad), "--quiet"])
    assert code == 1
    assert "the crosswalk bad.yaml has 1 problem(s):\n- item 1: clients has no column 'client_idd'" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()


@pytest.mark.slow
def test_a_run_writes_the_worksheet_beside_its_folder_and_never_links_it(demo_runs) -> None:
    result, reports = demo_runs
    worksheet = reports / "q4.grant_worksheet.xlsx"
    assert worksheet.is_file()
    assert not [p for p in result.folder.rglob("*") if "grant" in p.name]  # nothing in the folder sent to leadership
    index = result.index.read_text().lower()
    assert "worksheet" not in index and ".xlsx" not in index
    ws = openpyxl.load_workbook(worksheet).active
    assert ws["A1"].value == gw.FIRST_ROW
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0] in {"1.1", "1.2", "1.3"} and r[4] is None}
    # new clients counted straight from the demo's clients file: identified in 2025Q4
    clients = pd.read_csv(result.folder.parents[1] / "demo" / "clients.csv", dtype=str)
    new = int(pd.to_datetime(clients["identified_on"]).between("2025-10-01", "2025-12-31").sum())
    assert rows["1.2"][5] == new > 0
    assert rows["1.1"][5] == rows["1.2"][5] + rows["1.3"][5] and rows["1.3"][5] > 0
    results = [r[7] for r in ws.iter_rows(values_only=True) if r[2] and str(r[2]).startswith(("New +", "Each client"))]
    assert results and set(results) == {"OK"}
