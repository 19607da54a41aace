"""Encoding at the agency: keyed tokens, keyed balanced Bloom filters, the encoded file."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tfanalysis.data.linkage.bloom import BLOOM_BITS, balance_permutation, bloom_filters
from tfanalysis.data.linkage.encode import ExportError, decode_blooms, encode_export, read_encoded, write_encoded
from tfanalysis.data.linkage.keys import key_check, read_secret
from tfanalysis.data.linkage.normalize import normalize_identifiers
from tfanalysis.data.linkage.scoring import dice
from tfanalysis.data.linkage.fields import FIELD_COLUMNS
from tfanalysis.data.linkage.tokens import TOKENS, encode_tokens

SECRET = b"0123456789abcdef0123456789abcdef"

EXPORT = pd.DataFrame(
    {
        "case_number": ["SH-1", "SH-2", "SH-3"],
        "first_name": ["Xiomara", "Bartholomew", "Quetzalli"],
        "last_name": ["Zúñiga-Ocampo", "Thistlewood", "Yzaguirre"],
        "date_of_birth": ["1991-07-23", "08/30/1985", "2003-11-00"],
        "sex": ["F", "M", "F"],
        "phone": ["(937) 555-0199", "", "614.555.0177"],
        "street_address": ["12 Larkspur Lane", "9 Elm", "3 Oak"],
        "identified_on": ["2025-01-02", "2025-02-03", "2025-03-04"],
        "county_fips": ["39049", "39035", "39061"],
        "age_group": ["25-34", "35-49", "18-24"],
        "gender": ["female", "male", "female"],
    },
    dtype="string",
)


def ids_of(frame: pd.DataFrame) -> pd.DataFrame:
    return normalize_identifiers(frame)


def test_the_same_person_written_two_ways_gets_the_same_tokens_and_filter() -> None:
    a = pd.DataFrame({"first_name": ["JOSÉ"], "last_name": ["García  López"], "date_of_birth": ["1990-05-07"], "sex": ["M"]})
    b = pd.DataFrame({"first_name": [" jose"], "last_name": ["garcia-lopez"], "date_of_birth": ["05/07/1990"], "sex": ["male"]})
    assert encode_tokens(ids_of(a), SECRET).iloc[0].tolist() == encode_tokens(ids_of(b), SECRET).iloc[0].tolist()
    assert (bloom_filters(ids_of(a), SECRET) == bloom_filters(ids_of(b), SECRET)).all()


def test_tokens_change_with_the_secret_and_are_128_bit_hex() -> None:
    ids = ids_of(EXPORT)
    mine, other = encode_tokens(ids, SECRET), encode_tokens(ids, b"another secret, 32 bytes long..!")
    assert mine.loc[1, "last_dob"] != other.loc[1, "last_dob"]
    assert int(mine.loc[1, "last_dob"], 16) >= 0 and len(mine.loc[1, "last_dob"]) == 32
    # a compound surname gives one token per surname word
    assert len(mine.loc[0, "last_dob"].split(";")) == 2


def test_a_transposed_day_and_month_keeps_the_any_order_token_only() -> None:
    ids = ids_of(pd.DataFrame({"first_name": ["Ana", "Ana"], "last_name": ["Ruiz", "Ruiz"], "date_of_birth": ["1999-03-04", "1999-04-03"]}))
    toks = encode_tokens(ids, SECRET)
    assert toks.loc[0, "names_any_order"] == toks.loc[1, "names_any_order"]
    assert toks.loc[0, "name_dob"] != toks.loc[1, "name_dob"]


def test_tokens_need_every_part() -> None:
    toks = encode_tokens(ids_of(EXPORT), SECRET)
    # record 3 has no day of birth: no token of the full date, but the name-and-year token
    assert pd.isna(toks.loc[2, "name_dob"]) and pd.notna(toks.loc[2, "name_year"])
    # record 2 has no phone
    assert pd.isna(toks.loc[1, "phone_first"]) and pd.notna(toks.loc[0, "phone_first"])


def test_balanced_filters_all_weigh_half_their_length() -> None:
    filters = bloom_filters(ids_of(EXPORT), SECRET)
    assert filters.shape == (3, 2 * BLOOM_BITS // 8)
    assert np.unpackbits(filters, axis=1).sum(axis=1).tolist() == [BLOOM_BITS] * 3


def test_the_balancing_permutation_is_a_keyed_permutation() -> None:
    p, q = balance_permutation(SECRET), balance_permutation(b"x" * 32)
    assert sorted(p.tolist()) == list(range(2 * BLOOM_BITS))
    assert (p == balance_permutation(SECRET)).all() and not (p == q).all()


def test_dice_ranks_a_typo_above_another_person() -> None:
    ids = ids_of(pd.DataFrame({"first_name": ["Katherine", "Katherin", "Katherine"], "last_name": ["Moss", "Moss", "Moss"],
                               "date_of_birth": ["1988-02-11", "1988-02-11", "1971-09-30"]}))
    f = bloom_filters(ids, SECRET)
    same, typo, other = dice(f, f, np.array([0, 0, 0]), np.array([0, 1, 2]))
    assert same == 1.0 and 0.9 < typo < 1.0 and other < 0.85


def test_raw_identifiers_cannot_be_found_in_the_encoded_file(tmp_path: Path) -> None:
    encoded = encode_export(EXPORT, SECRET, agency="shelter")
    ids = ids_of(EXPORT)
    secrets_of_the_victims = set()
    for column in ("first_name", "last_name", "date_of_birth", "phone", "street_address"):
        for value in EXPORT[column].dropna():
            if value.strip():
                secrets_of_the_victims |= {value, value.lower(), value.upper(), value.strip()}
    for column in ("first", "last", "phone"):
        secrets_of_the_victims |= set(ids[column].dropna())
    secrets_of_the_victims |= {"1991-07-23", "1991", "1985-08-30", "9375550199", "5550199", "xiomara", "zuniga", "ocampo", "bartholomew"}
    for path in (tmp_path / "enc.csv", tmp_path / "enc.parquet"):
        data = write_encoded(encoded, path).read_bytes()
        for value in secrets_of_the_victims:
            assert value.encode("utf-8") not in data, f"{value!r} found in {path.name}"
    # nor in the decoded Bloom filters, read as text
    raw = b"".join(base64.b64decode(b) for c in ("bloom", "first_bloom", "last_bloom") for b in encoded[c].dropna())
    assert not any(v.encode() in raw for v in ("xiomara", "thistlewood", "1991"))
    assert list(encoded.columns) == ["agency", "agency_record_id", "identified_on", "county_fips", "age_group", "gender", "scheme", *TOKENS, "bloom", *FIELD_COLUMNS]


def test_the_encoded_file_reads_back(tmp_path: Path) -> None:
    encoded = encode_export(EXPORT, SECRET, agency="shelter")
    back = read_encoded(write_encoded(encoded, tmp_path / "enc.csv"))
    assert back["agency_record_id"].tolist() == ["SH-1", "SH-2", "SH-3"]
    assert (decode_blooms(back["bloom"]) == bloom_filters(ids_of(EXPORT), SECRET)).all()
    assert back.loc[0, "scheme"].endswith(key_check(SECRET))


def test_a_record_without_a_family_name_gets_no_encoding_one_without_a_birth_date_does() -> None:
    export = EXPORT.copy()
    export.loc[1, "date_of_birth"] = pd.NA
    export.loc[2, "last_name"] = "--"
    encoded = encode_export(export, SECRET, agency="shelter")
    assert encoded["bloom"].isna().tolist() == [False, False, True]
    assert encoded.loc[2, [*TOKENS, *FIELD_COLUMNS]].isna().all()
    # no date of birth: the name encoded, every token that needs the date empty
    assert encoded.loc[1, ["first_bloom", "last_bloom", "first_forms", "last_words", "sex"]].notna().all()
    assert encoded.loc[1, ["birth_year", "birth_month", "birth_day", "name_dob", "name_year", "last_dob", "sounds_year"]].isna().all()


def test_a_file_of_another_scheme_says_to_encode_again(tmp_path: Path) -> None:
    encoded = encode_export(EXPORT, SECRET, agency="shelter")
    old = encoded.assign(scheme=encoded["scheme"].str.replace("tfanalysis-link/2", "tfanalysis-link/1", regex=False))
    with pytest.raises(ValueError) as info:
        read_encoded(write_encoded(old.drop(columns=list(FIELD_COLUMNS)), tmp_path / "old.csv"))
    assert str(info.value).startswith("old.csv: some records were encoded with tfanalysis-link/1")
    assert "encode every export again with this version" in str(info.value)


def test_a_bad_export_gets_one_message_without_values() -> None:
    export = EXPORT.assign(case_number=["SH-1", "SH-1", pd.NA], county_fips=["123-45-6789", "39035", "39061"]).drop(columns="date_of_birth")
    with pytest.raises(ExportError) as info:
        encode_export(export, SECRET, agency="shelter")
    message = str(info.value)
    assert "record id empty in 1 row(s), first row 3" in message
    assert "record id repeated in 2 rows, first row 1" in message
    assert "date_of_birth" in message and "social security" in message
    assert "SH-1" not in message and "123-45-6789" not in message


def test_a_short_secret_is_refused(tmp_path: Path) -> None:
    (tmp_path / "key").write_text("tooshort\n")
    with pytest.raises(ValueError, match="too short"):
        read_secret(tmp_path / "key")
    (tmp_path / "key").write_text("a" * 64 + "\n")
    assert read_secret(tmp_path / "key") == b"a" * 64
