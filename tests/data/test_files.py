"""Reading a table's file as text (files.py): Arrow's fast reader against pandas on edge cases and the bad-input corpus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


# --------------------------------------------------------------------------- the fast CSV reader

_EDGE_CSV = {
    "quotes": 'a,b\nab"cd,x\n"ab"cd,y\n"x""y",2\n" ",  \n',
    "line breaks in quotes": 'a,b\r\n"x\r\ny",2\r\n"p\nq",3\n',
    "missing markers": 'a,b\nNA,""\n"NA",None of it\n-,#N/A\n',
    "blank lines and no final newline": 'a,b\n\n1,2\n\n3,4',
    "short row": 'a,b\n1\n3,4\n',
    "trailing comma": 'a,b\n1,2,\n',
    "whitespace line": 'a,b\n1,2\n   \n3,4\n',
    "leading blank line": '\na,b\n1,2\n',
    "comma in a quoted header": '"a,x",b\n1,2\n',
    "accents": 'a,b\nñ,日本\n',
}


@pytest.mark.parametrize("text", list(_EDGE_CSV.values()), ids=list(_EDGE_CSV))
def test_the_arrow_reader_reads_a_csv_as_pandas_does_or_declines(text: str) -> None:
    import io as stdio

    from tfanalysis.data import files as tffiles

    fast = tffiles._read_csv_arrow(text.encode("utf-8"), tffiles._first_records(text, 25)[0])
    slow = pd.read_csv(stdio.StringIO(text), dtype=str, keep_default_na=False, na_values=list(tffiles.NA_VALUES), header=0, skip_blank_lines=False).astype("string")
    if fast is None:  # declined: pandas reads it, as before
        return
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


def test_the_arrow_reader_declines_what_pandas_pads_or_refuses() -> None:
    from tfanalysis.data import files as tffiles

    for name in ("short row", "trailing comma", "whitespace line"):
        text = _EDGE_CSV[name]
        assert tffiles._read_csv_arrow(text.encode(), tffiles._first_records(text, 25)[0]) is None, name
    text = _EDGE_CSV["missing markers"]
    frame = tffiles._read_csv_arrow(text.encode(), ["a", "b"])
    assert frame["a"].isna().tolist() == [True, True, True] and frame["b"].tolist()[1:] == ["None of it", pd.NA]


def test_every_csv_of_the_bad_input_corpus_reads_as_pandas_reads_it() -> None:
    import io as stdio

    from tfanalysis.data import files as tffiles

    compared = 0
    for path in sorted((Path(__file__).parents[1] / "fixtures").rglob("*.csv")):
        data = path.read_bytes()
        try:
            text = tffiles._decode_csv(data, path.name)
        except tffiles.UnreadableFile:
            continue
        if not text.strip() or "\x00" in text:
            continue
        fast = tffiles._read_csv_arrow(text.encode("utf-8"), tffiles._first_records(text, 25)[0])
        if fast is None:
            continue
        slow = pd.read_csv(stdio.StringIO(text), dtype=str, keep_default_na=False, na_values=list(tffiles.NA_VALUES), header=0, skip_blank_lines=False).astype("string")
        pd.testing.assert_frame_equal(fast.set_axis(range(fast.shape[1]), axis=1), slow.set_axis(range(slow.shape[1]), axis=1), check_exact=True)
        compared += 1
    assert compared >= 80


# --------------------------------------------------------------------------- row numbers


def test_a_blank_row_between_rows_is_a_row_so_later_rows_keep_their_numbers(tmp_path) -> None:
    # a second task force put a bad status on line 21 of needs.csv below a blank line 11 and
    # was told "row 19" (line 20): the blank line had been skipped. By hand: header on line 1,
    # rows 1..9 on lines 2..10, the blank line 11 is row 10, line 12 is row 11.
    from tfanalysis.data import files as tffiles

    lines = ["a,b"] + [f"x{i},y{i}" for i in range(1, 10)] + [""] + ["x10,BAD"]
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = tffiles.read_table_file(path, ["a", "b"])[0] if hasattr(tffiles, "read_table_file") else None
    frame = frame if frame is not None else tffiles._read_csv(path, ["a", "b"])[1]
    assert len(frame) == 11 and frame["b"].isna().tolist()[9] and frame["b"].tolist()[10] == "BAD"
    # the same in a sheet: row 11 of the sheet is blank, row 12 holds the bad cell (row 11 of the data)
    xlsx = tmp_path / "t.xlsx"
    pd.DataFrame([line.split(",") if line else [None, None] for line in lines[1:]], columns=["a", "b"]).to_excel(xlsx, index=False)
    sheet = tffiles._read_xlsx(xlsx, ["a", "b"])[1]
    assert len(sheet) == 11 and pd.isna(sheet["b"].iloc[9]) and sheet["b"].iloc[10] == "BAD"


def test_an_unclosed_quote_past_the_csv_modules_limit_is_told_not_a_traceback(tmp_path) -> None:
    # a ragged row and a stray quote swallowing more than 128 KB raised _csv.Error out of validate
    from tfanalysis.data import files as tffiles

    rows = ["a,b", "1,2,extra", '3,"4'] + [f"{i},{'z' * 200}" for i in range(1000)]
    path = tmp_path / "t.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(tffiles.UnreadableFile, match="a double quote opens a value that is never closed"):
        tffiles._read_csv(path, ["a", "b"])
