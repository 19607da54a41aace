"""Write the corpus of bad inputs under ``tests/data/bad/``: one folder per case.

Each case is the tiny Delaware task force of ``tests/conftest.py`` with one thing broken.
A case folder holds only what differs from the tiny dataset (files that replace or add
to it) and ``case.yaml``:

``about``
    What is wrong, in a sentence.
``table``, ``column``
    What the message must name (``column`` empty for a problem of the whole file).
``says``
    Words the message must contain (the cause and what to do), when it names no column.
``secrets``
    Cell values that must not appear anywhere in the output.
``remove``
    Files of the tiny dataset the case leaves out.

``tests/test_bad_inputs.py`` runs every case through ``tfanalysis validate``. Text cases
can be edited by hand; this script wrote them all and is the record of the binary ones
(encodings, Excel, Parquet). Run it from the repository root::

    .venv/bin/python tests/data/bad/make_corpus.py
"""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _tiny() -> dict[str, str]:
    sys.path.insert(0, str(HERE.parents[1]))
    from conftest import TINY_TABLES

    return dict(TINY_TABLES)


def add_column(text: str, header: str, cells: list[str]) -> str:
    """Append a column; ``cells`` is cycled over the data rows ('' leaves a row empty)."""
    lines = text.strip("\n").split("\n")
    out = [lines[0] + "," + header]
    for i, line in enumerate(lines[1:]):
        cell = cells[i % len(cells)]
        out.append(line + "," + (f'"{cell}"' if "," in cell else cell))
    return "\n".join(out) + "\n"


def edit(text: str, old: str, new: str) -> str:
    assert old in text, (old, text)
    return text.replace(old, new, 1)


def cases(tiny: dict[str, str]) -> dict[str, dict]:
    """Case name → {"files": {name: str | bytes}, "table", "column", "secrets", "remove", "about"}."""
    c: dict[str, dict] = {}

    def case(name: str, about: str, table: str, column: str | None, files: dict, secrets: list[str] = (), remove: list[str] = (),
             says: str | None = None) -> None:
        c[name] = {"about": about, "table": table, "column": column, "files": files, "secrets": list(secrets), "remove": list(remove),
                   "says": says}

    clients, needs, members = tiny["clients.csv"], tiny["needs.csv"], tiny["members.csv"]
    capacity, referrals, cj = tiny["capacity.csv"], tiny["referrals.csv"], tiny["cj_events.csv"]

    # ---------------------------------------------------------------- direct identifiers by header
    headers = [
        ("id-header-dob-format", "DOB (mm/dd/yyyy)", ["02/03/2001"]),
        ("id-header-birth-dt", "birth_dt", ["2001-02-03"]),
        ("id-header-fecha-de-nacimiento", "fecha_de_nacimiento", ["03/02/2001"]),
        ("id-header-nombre", "nombre", ["Zqmaria"]),
        ("id-header-apellido", "Apellido", ["Zqlopez"]),
        ("id-header-ssn-last4", "ssn_last4", ["6789"]),
        ("id-header-contact-number", "contact_number", ["302-555-0188"]),
        ("id-header-telephone-number", "telephone_number", ["3025550188"]),
        ("id-header-telefono-accent", "Teléfono", ["302 555 0177"]),
        ("id-header-victim-initials", "victim_initials", ["ZQM"]),
        ("id-header-correo", "correo_electronico", ["zq@example.org"]),
        ("id-header-direccion", "Dirección", ["12 Zqelm St"]),
        ("id-header-domicilio", "domicilio", ["Calle Zq 12"]),
        ("id-header-date-of-birth", "Date of Birth", ["2001-02-03"]),
        ("id-header-email-address", "Email Address", ["zq@example.org"]),
        ("id-header-mobile", "Mobile", ["302-555-0100"]),
        ("id-header-alien-number", "A-Number", ["A123456789"]),
        ("id-header-passport", "passport_no", ["ZQ1234567"]),
        ("id-header-full-name", "Full Name", ["Zqmaria Zqlopez"]),
    ]
    for name, header, cells in headers:
        case(name, f"clients carry a '{header}' column", "clients", header, {"clients.csv": add_column(clients, header, cells)}, cells)
    case("id-header-defendant-name", "cj_events carry the defendant's name", "cj_events", "defendant_name",
         {"cj_events.csv": add_column(cj, "defendant_name", ["Zqjohn Zqdoe"])}, ["Zqjohn Zqdoe"])
    case("id-header-client-phone-referrals", "referrals carry the client's phone", "referrals", "client_phone",
         {"referrals.csv": add_column(referrals, "client_phone", ["(302) 555-0101"])}, ["555-0101"])
    case("id-header-nombre-completo-needs", "needs carry nombre_completo", "needs", "nombre_completo",
         {"needs.csv": add_column(needs, "nombre_completo", ["Zqana Zqruiz"])}, ["Zqana Zqruiz"])

    # ---------------------------------------------------------------- direct identifiers in cells
    values = [
        ("id-value-ssn-in-text", "Client SSN 123-45-6789, see file", "123-45-6789"),
        ("id-value-email-in-text", "write to zq.maria@example.org today", "zq.maria@example.org"),
        ("id-value-phone-parens", "(614)555-1234", "555-1234"),
        ("id-value-phone-digits", "6145551234", "6145551234"),
        ("id-value-ssn-digits", "ssn 123456789", "123456789"),
        ("id-value-phone-plus1", "call +1 614 555 1234 after 5", "555 1234"),
        ("id-value-phone-dots", "614.555.1234", "614.555.1234"),
        ("id-value-ssn-spaces", "123 45 6789", "123 45 6789"),
    ]
    for name, cell, secret in values:
        case(name, "a notes column holds a direct identifier inside its text", "needs", "notes",
             {"needs.csv": add_column(needs, "notes", ["", cell])}, [secret])
    case("id-value-ssn-as-client-id", "client ids are social security numbers", "clients", "client_id",
         {"clients.csv": edit(clients, "c1,", "123-45-6789,"), "needs.csv": needs.replace("c1,", "123-45-6789,"),
          "referrals.csv": referrals.replace("r1,c1,", "r1,123-45-6789,"), "cj_events.csv": cj.replace(",c1", ",123-45-6789")},
         ["123-45-6789"])
    case("id-value-email-as-client-id", "client ids are e-mail addresses", "clients", "client_id",
         {"clients.csv": edit(clients, "c2,", "zq@example.org,"), "needs.csv": needs.replace("c2,", "zq@example.org,"),
          "referrals.csv": referrals.replace(",c2,", ",zq@example.org,")},
         ["zq@example.org"])
    case("id-value-phone-in-cj-note", "a cj_events note holds a phone number", "cj_events", "note",
         {"cj_events.csv": add_column(cj, "note", ["victim cell 302-555-0111", ""])}, ["302-555-0111"])

    # ---------------------------------------------------------------- dates
    case("date-9999-in-identified-on", "9999-12-31 where a date of identification belongs", "clients", "identified_on",
         {"clients.csv": edit(clients, "2024-02-03", "9999-12-31")}, ["9999-12-31"])
    case("date-0001-in-met-on", "0001-01-01 as a date met", "needs", "met_on",
         {"needs.csv": edit(needs, "2024-01-12", "0001-01-01")}, ["0001-01-01"])
    case("date-0001-in-valid-from", "0001-01-01 as the start of a capacity row", "capacity", "valid_from",
         {"capacity.csv": edit(capacity, "2023-02-01,\n", "0001-01-01,\n")}, ["0001-01-01"])
    case("date-past-pandas-range", "2262-04-12, one day past what datetime64[ns] holds", "referrals", "referred_on",
         {"referrals.csv": edit(referrals, "2024-02-06", "2262-04-12")}, ["2262-04-12"])
    case("date-before-1900", "a victim identified in 1850", "clients", "identified_on",
         {"clients.csv": edit(clients, "2024-04-20", "1850-04-20")}, ["1850-04-20"])
    case("date-future-need", "a need identified in 2099", "needs", "identified_on",
         {"needs.csv": edit(needs, "c3,case_management,2024-04-20", "c3,case_management,2099-04-20")}, ["2099-04-20"])
    case("date-future-referral", "a referral made in 2098", "referrals", "referred_on",
         {"referrals.csv": edit(referrals, "2024-02-06", "2098-02-06")}, ["2098-02-06"])
    case("date-future-cj-event", "an arrest in 2097", "cj_events", "occurred_on",
         {"cj_events.csv": edit(cj, "2024-02-01", "2097-02-01")}, ["2097-02-01"])
    case("date-future-activity", "a meeting in 2096", "activities", "date",
         {"activities.csv": edit(tiny["activities.csv"], "2024-01-20", "2096-01-20")}, ["2096-01-20"])
    case("date-future-client", "a client identified in 2099", "clients", "identified_on",
         {"clients.csv": edit(clients, "2024-05-02", "2099-05-02")}, ["2099-05-02"])
    case("date-9999-in-met-on", "9999-12-31 as the date a need was met (not an open end)", "needs", "met_on",
         {"needs.csv": edit(needs, "2024-03-01", "9999-12-31")}, ["9999-12-31"])
    case("date-day-first", "a day-first date in a client table", "clients", "identified_on",
         {"clients.csv": edit(clients, "2024-04-20", "20.04.2024")}, ["20.04.2024"])

    # ---------------------------------------------------------------- numbers
    for name, cell in [("number-inf", "inf"), ("number-minus-inf", "-inf"), ("number-1e400", "1e400"), ("number-infinity", "Infinity")]:
        case(f"capacity-{name}", f"capacity_per_month of {cell}", "capacity", "capacity_per_month",
             {"capacity.csv": edit(capacity, ",6,", f",{cell},")})
    case("members-lat-inf", "a latitude of inf", "members", "lat", {"members.csv": edit(members, "39.60", "inf")})
    case("capacity-negative", "a negative capacity", "capacity", "capacity_per_month", {"capacity.csv": edit(capacity, ",4,", ",-4,")})
    case("survey-level-out-of-scale", "a collaboration level of 9", "survey", "level", {"survey.csv": edit(tiny["survey.csv"], "1,m1,m2,3", "1,m1,m2,9")})

    # ---------------------------------------------------------------- encodings and binary files
    latin = add_column(clients, "comment", ["", "niño Zqsecreto"]).encode("latin-1")
    case("encoding-latin1-clients", "clients.csv saved as Latin-1, not UTF-8", "clients", "comment", {"clients.csv": latin}, ["Zqsecreto"])
    cp1252 = edit(members, "Safe Harbor Shelter", "Casa Segura – Albergue").encode("cp1252")
    case("encoding-cp1252-members", "members.csv saved as Windows-1252", "members", "name", {"members.csv": cp1252}, ["Casa Segura"])
    case("binary-xlsx-named-csv", "clients.csv is really an Excel workbook", "clients", None, {"clients.csv": _xlsx_bytes(clients)}, says='Excel')
    case("binary-random-bytes", "needs.csv holds binary bytes", "needs", None,
         {"needs.csv": bytes(range(256)) * 4}, says='binary data')
    case("binary-pdf", "members.csv is a PDF", "members", None, {"members.csv": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"}, says='not a CSV')
    case("binary-nul-bytes", "clients.csv has NUL bytes inside a cell", "clients", "gender",
         {"clients.csv": edit(clients, "25-34,male", "25-34,ma\x00le").encode()})
    case("empty-file-members", "members.csv is empty (0 bytes)", "members", None, {"members.csv": ""}, says='empty')
    case("blank-lines-members", "members.csv holds only blank lines", "members", None, {"members.csv": "\n\n  \n"}, says='empty')
    case("xlsx-is-csv-text", "clients.xlsx holds CSV text", "clients", None, {"clients.xlsx": clients}, remove=["clients.csv"], says='not an Excel')
    case("parquet-truncated", "needs.parquet is cut short", "needs", None, {"needs.parquet": _parquet_bytes(needs)[:200]}, remove=["needs.csv"], says='Parquet')

    # ---------------------------------------------------------------- layout of the file
    case("delimiter-semicolon", "needs.csv separated by ';' (a regional Excel setting)", "needs", None,
         {"needs.csv": needs.replace(",", ";")}, says="';'")
    case("delimiter-semicolon-members", "members.csv separated by ';': references to members must not cascade", "members", None,
         {"members.csv": members.replace(",", ";")}, says="';'")
    case("delimiter-tab", "clients.csv separated by tabs", "clients", None, {"clients.csv": clients.replace(",", "\t")}, says='tab')
    case("excel-second-sheet", "capacity.xlsx keeps its data on the second sheet", "capacity", None,
         {"capacity.xlsx": _xlsx_bytes(capacity, first_sheet="Notes")}, remove=["capacity.csv"], says='sheet')
    case("excel-second-sheet-clients", "clients.xlsx: first sheet empty, data on the second", "clients", None,
         {"clients.xlsx": _xlsx_bytes(clients, first_sheet="")}, remove=["clients.csv"], says='sheet')
    case("header-case-and-space", "clients header 'Client_ID ' (capitals, trailing space)", "clients", "client_id",
         {"clients.csv": edit(clients, "client_id,", "Client_ID ,")})
    case("header-space-for-underscore", "needs header 'identified on'", "needs", "identified_on",
         {"needs.csv": edit(needs, "identified_on", "identified on")})
    case("header-title-case", "members header 'Member ID'", "members", "member_id",
         {"members.csv": edit(members, "member_id", "Member ID")})
    case("header-duplicate-client", "clients carry 'gender' twice", "clients", "gender",
         {"clients.csv": add_column(clients, "gender", ["Zqother"])}, ["Zqother"])
    case("header-duplicate-members", "members carry 'sector' twice", "members", "sector",
         {"members.csv": add_column(members, "sector", ["community"])})
    case("header-missing", "clients.csv has no header line", "clients", None,
         {"clients.csv": "\n".join(clients.splitlines()[1:]) + "\n"}, says='header')
    case("header-below-title-rows", "capacity.csv starts with two title lines above the header", "capacity", None,
         {"capacity.csv": "Capacity export\ngenerated by the case system\n" + capacity}, says='line 3')
    case("ragged-row", "a client row with one cell too many", "clients", None,
         {"clients.csv": edit(clients, "c2,2024-02-03,10003,25-34,male", "c2,2024-02-03,10003,25-34,male,Zqextra")}, ["Zqextra"], says='cells')
    case("unclosed-quote", "a quote opened and never closed", "needs", None,
         {"needs.csv": edit(needs, "c2,housing_emergency", 'c2,"housing_emergency')}, says='quote')
    case("old-excel-optional-table", "survey.xls (Excel 97-2003) beside no survey.csv", "survey", None,
         {"survey.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504}, remove=["survey.csv"], says='.xlsx')
    case("wrong-suffix-required-table", "clients.txt instead of clients.csv", "clients", None,
         {"clients.txt": clients}, remove=["clients.csv"], says='clients.txt')
    case("case-insensitive-name", "Referrals.CSV with a bad outcome must be read, not ignored", "referrals", "outcome",
         {"Referrals.CSV": edit(referrals, "accepted", "acepted")}, remove=["referrals.csv"])
    case("case-insensitive-name-survey", "Survey.xlsx with a level of 7 must be read", "survey", "level",
         {"Survey.xlsx": _xlsx_bytes(edit(tiny["survey.csv"], "1,m1,m2,3", "1,m1,m2,7"))}, remove=["survey.csv"])
    case("two-files-case-only", "clients.csv and Clients.csv", "clients", None, {"Clients.csv": clients}, says='Clients.csv')

    # ---------------------------------------------------------------- vocabulary files
    case("vocabulary-yaml-malformed", "vocabulary.yaml is not YAML", "vocabulary", None,
         {"vocabulary.yaml": "shelter bed: housing_emergency\n  counselling: [mental_health_care\n"}, says='YAML')
    case("vocabulary-yaml-list", "vocabulary.yaml is a list", "vocabulary", None, {"vocabulary.yaml": "- shelter bed\n- housing_emergency\n"}, says='mapping')
    case("vocabulary-csv-columns", "vocabulary.csv without term/code columns", "vocabulary", None,
         {"vocabulary.csv": "word;code\nshelter;housing_emergency\n"}, says='term')
    case("vocabulary-unknown-code", "vocabulary.csv maps to a code outside the taxonomy", "vocabulary", None,
         {"vocabulary.csv": "term,code\nshelter bed,hotel_room\n"}, says='taxonomy code')
    case("vocabulary-latin1", "vocabulary.csv saved as Latin-1", "vocabulary", None,
         {"vocabulary.csv": "term,code\nniño,food\n".encode("latin-1")}, says='UTF-8')
    case("vocabulary-binary", "vocabulary.yaml holds binary bytes", "vocabulary", None, {"vocabulary.yaml": bytes(range(256))}, says='UTF-8')

    # ---------------------------------------------------------------- the contract's own rules (regressions)
    case("enum-gender-secret", "a gender outside the enumeration", "clients", "gender",
         {"clients.csv": edit(clients, "25-34,male", "25-34,Zq9SECRET")}, ["Zq9SECRET"])
    case("duplicate-client-id", "two clients share an id", "clients", "client_id", {"clients.csv": edit(clients, "c4,", "c3,")})
    case("unknown-member-reference", "capacity names a member that does not exist", "capacity", "member_id",
         {"capacity.csv": edit(capacity, "m3,legal", "m9,legal")})
    case("met-before-identified", "a need met before it was identified", "needs", "met_on",
         {"needs.csv": edit(needs, "2024-01-12", "2023-12-12")})
    case("fips-short", "a FIPS code lost its leading zero", "clients", "county_fips", {"clients.csv": edit(clients, "10001", "1001")})
    case("unmapped-need-term-with-ssn", "a need term holding an SSN", "needs", "need",
         {"needs.csv": edit(needs, "c1,case_management", "c1,Client SSN 123-45-6789")}, ["123-45-6789"])
    case("required-table-missing", "no clients table", "clients", None, {}, remove=["clients.csv"], says='required table missing')
    case("empty-required-cell", "a referral without its sender", "referrals", "from_member", {"referrals.csv": edit(referrals, "r2,c2,m1", "r2,c2,")})
    case("service-area-garbage", "a service area that is neither FIPS, statewide nor radius", "capacity", "service_area",
         {"capacity.csv": edit(capacity, "radius:40", "radius:forty")})
    return c


def _xlsx_bytes(csv_text: str, first_sheet: str | None = None) -> bytes:
    import pandas as pd

    frame = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        if first_sheet is not None:
            notes = pd.DataFrame({"About this export": ["Exported from the case system"]}) if first_sheet else pd.DataFrame()
            notes.to_excel(writer, sheet_name=first_sheet or "Sheet1", index=False)
        frame.to_excel(writer, sheet_name="Data", index=False)
    return buffer.getvalue()


def _parquet_bytes(csv_text: str) -> bytes:
    import pandas as pd

    frame = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


def write(target: Path = HERE) -> int:
    """(Re)write every case folder; return how many there are."""
    import yaml

    all_cases = cases(_tiny())
    for old in target.iterdir():
        if old.is_dir() and (old / "case.yaml").exists():
            shutil.rmtree(old)
    for name, spec in all_cases.items():
        folder = target / name
        folder.mkdir()
        for file_name, content in spec["files"].items():
            path = folder / file_name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", newline="")
        meta = {k: spec[k] for k in ("about", "table", "column", "says", "secrets", "remove")}
        (folder / "case.yaml").write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return len(all_cases)


if __name__ == "__main__":
    print(f"{write()} cases written to {HERE}")
