"""Cell reading and problem reporting, worked by hand."""

from __future__ import annotations

import pandas as pd

from tfanalysis.data import contract, schema


def test_flags_numbers_and_lists_are_read() -> None:
    raw = pd.DataFrame(
        {
            "member_id": ["m1", "m2", "m3"],
            "service": ["food", "food", "food"],
            "capacity_per_month": ["2.5", "ten", "0"],
            "service_area": ["statewide", "radius:25", "39049; 39041"],
            "serves_minors": ["TRUE", "no", "maybe"],
            "serves_adults": ["1", "0", "yes"],
            "genders": ["Female ; Male", "all", "female"],
            "serves_foreign_nationals": ["true", "false", "true"],
            "languages": ["EN;es", "any", "en"],
            "available_24_7": ["false", "false", "false"],
            "valid_from": ["2024-01-01", "2024-01-01 00:00:00", "2024-01-01T00:00:00"],
        },
        dtype="string",
    )
    typed, problems = schema.coerce_table(raw, contract.CAPACITY)
    assert typed["capacity_per_month"].tolist() == [2.5, pd.NA, 0.0]
    assert typed["serves_minors"].tolist() == [True, False, pd.NA]
    assert typed["serves_adults"].tolist() == [True, False, True]
    assert typed["genders"].tolist() == ["female;male", "all", "female"]
    assert typed["languages"].tolist() == ["en;es", "any", "en"]
    assert typed["valid_from"].tolist() == [pd.Timestamp("2024-01-01")] * 3
    assert typed["valid_to"].isna().all() and typed["valid_to"].dtype == "datetime64[ns]"
    assert problems[["column", "row", "rule", "value"]].to_dict("records") == [
        {"column": "capacity_per_month", "row": 2, "rule": "must be a number", "value": "ten"},
        {"column": "serves_minors", "row": 3, "rule": "must be true or false", "value": "maybe"},
    ]
    checked = schema.validate_table(typed, contract.CAPACITY, {"member": pd.Series(["m1", "m2", "m3"])}, skip=problems)
    # service_area "39049; 39041" is a valid list; nothing else is wrong once unreadable cells are skipped
    assert checked.empty, checked


def test_list_columns_refuse_unknown_items_and_all_mixed_in() -> None:
    raw = pd.DataFrame(
        {
            "member_id": ["m1"] * 3,
            "service": ["food"] * 3,
            "capacity_per_month": ["1"] * 3,
            "service_area": ["statewide", "everywhere", "radius:ten"],
            "serves_minors": ["true"] * 3,
            "serves_adults": ["true"] * 3,
            "genders": ["female;all", "woman", "male"],
            "serves_foreign_nationals": ["true"] * 3,
            "languages": ["en", "english", "any;es"],
            "available_24_7": ["true"] * 3,
            "valid_from": ["2024-01-01", "2024-02-01", "2024-03-01"],
        },
        dtype="string",
    )
    typed, _ = schema.coerce_table(raw, contract.CAPACITY)
    p = schema.validate_table(typed, contract.CAPACITY, {"member": pd.Series(["m1"])})
    found = {(c, r) for c, r in zip(p["column"], p["row"])}
    assert found == {("genders", 1), ("genders", 2), ("languages", 2), ("languages", 3), ("service_area", 2), ("service_area", 3)}


def test_integer_column_refuses_fractions() -> None:
    raw = pd.DataFrame({"wave": ["1", "2.5"], "respondent_id": ["a", "b"], "partner_id": ["b", "a"], "level": ["3", "6"],
                        "trust": ["", "4"], "value": ["2", "2"]}, dtype="string")
    typed, problems = schema.coerce_table(raw, contract.SURVEY)
    assert typed["wave"].tolist() == [1, pd.NA]
    assert problems[["column", "row", "rule"]].to_dict("records") == [{"column": "wave", "row": 2, "rule": "must be a whole number"}]
    checked = schema.validate_table(typed, contract.SURVEY, skip=problems)
    assert checked[["column", "row", "rule"]].to_dict("records") == [{"column": "level", "row": 2, "rule": "must be at most 5"}]


def test_format_problems_lists_rows_compactly() -> None:
    rows = list(range(1, 21))
    p = schema.combine_problems([
        schema.problem_table("needs", "status", "must be one of met, in_progress, unmet, declined_by_client", rows),
        schema.problem_table("members", None, "required table missing: expected members.csv, members.xlsx or members.parquet"),
        schema.problem_table("needs", "met_on", "status is met but met_on is empty", [4], severity="warning"),
    ])
    text = schema.format_problems(p, source="data/x")
    assert text.splitlines() == [  # the warnings too: a second task force's notes column went unsaid beside a refused name
        "The dataset breaks the data contract (data/x): 2 problems in 20 rows (and 1 warning).",
        "(Rows are counted from the first row after the header: row 1 is line 2 of the file, or row 2 of the sheet; a cell holding a line break makes its row span two lines.)",
        "- members: required table missing: expected members.csv, members.xlsx or members.parquet",
        "- needs.status, rows 1, 2, 3, 4, 5, 6, 7, 8 and 12 more: must be one of met, in_progress, unmet, declined_by_client",
        "- needs.met_on, row 4: warning: status is met but met_on is empty",
    ]


def test_warnings_alone_are_formatted_as_warnings() -> None:
    p = schema.problem_table("needs", "met_on", "status is met but met_on is empty", [4], severity="warning")
    assert schema.format_problems(p).splitlines() == [
        "The dataset has warnings: 1 problem in 1 row.",
        "(Rows are counted from the first row after the header: row 1 is line 2 of the file, or row 2 of the sheet; a cell holding a line break makes its row span two lines.)",
        "- needs.met_on, row 4: warning: status is met but met_on is empty",
    ]


def test_numbers_read_by_arrow_are_those_pandas_reads() -> None:
    import numpy as np

    from tfanalysis.data.coerce import _to_float

    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(0, 100, 2000), rng.uniform(-180, 180, 2000), 10.0 ** rng.uniform(-30, 30, 2000)])
    texts = [repr(v) for v in x] + [f"{v:.17g}" for v in x] + [f"{v:.9f}" for v in x] + [
        "1e-400", "4.9406564584124654e-324", "2.2250738585072011e-308", "0.1000000000000000055511151231257827",
        "9007199254740993", "1.7976931348623157e308", "1e400", "inf", "-inf", "+7", ".5", "3.", " 4 ", "1,000", "0x1A",
        "١٢", "12abc", "", "e5", "--1", "1e", "NaN"]
    cells = pd.Series(texts + [None], dtype="string")
    got = _to_float(cells).to_numpy()
    expected = pd.to_numeric(cells.astype(object), errors="coerce").astype("float64").to_numpy()
    assert np.array_equal(got, expected, equal_nan=True)
    assert got[-23:-1].tolist()[:4] == [0.0, 5e-324, 2.225073858507201e-308, 0.1]  # the largest subnormal, correctly rounded


def test_dates_are_iso_with_ascii_digits_and_a_midnight_time_at_most() -> None:
    raw = pd.DataFrame({"activity_id": [f"a{i}" for i in range(7)],
                        "date": [" 2025-01-31 ", "2025-01-31T00:00:00", "2025-01-31 00:00", "2025-01-31 10:00", "٢٠٢٥-٠١-٣١", "2025-02-30", "2025-01-31\n"],
                        "kind": ["meeting"] * 7}, dtype="string")
    typed, problems = schema.coerce_table(raw, contract.ACTIVITIES)
    assert typed["date"].tolist()[:3] == [pd.Timestamp("2025-01-31")] * 3
    assert typed["date"].isna().tolist()[3:] == [True, True, True, False]  # the line break is stripped like a space
    iso = "must be a date written YYYY-MM-DD"
    assert problems[["row", "rule"]].to_dict("records") == [
        {"row": 4, "rule": f"{iso}; looks like a date and time (keep the date only)"},
        {"row": 5, "rule": iso},  # Arabic-Indic digits: like nothing known
        {"row": 6, "rule": f"{iso}; looks like one, but no such day exists (a month past 12, or a day past the month's end)"},
    ]


def test_duplicated_rows_are_those_pandas_finds() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    n = 5000
    frame = pd.DataFrame({"a": pd.array(rng.choice(["x", "y", "z", None], n), dtype="string"),
                          "b": pd.array(rng.integers(0, 1000, n), dtype="Int64"),
                          "d": pd.to_datetime(rng.integers(0, 3, n), unit="D")})
    frame.loc[rng.random(n) < 0.05, "b"] = pd.NA
    for columns in (["a"], ["a", "b"], ["a", "b", "d"], ["b", "d"]):
        expected = frame.duplicated(columns, keep=False).to_numpy()
        assert (schema.duplicated_rows(frame, columns) == expected).all(), columns
        assert 0 < expected.sum() and (columns == ["a"] or expected.sum() < n)


def test_a_check_on_distinct_values_gives_every_cell_its_answer() -> None:
    check = schema.per_distinct(lambda s: s.str.len() > 2)
    cells = pd.Series(["abc", None, "ab", "abc", "abcd"], dtype="string")
    assert check(cells).tolist() == [True, True, False, True, True]  # a missing cell: left to nullability
