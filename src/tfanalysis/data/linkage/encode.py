"""At each agency: turn the client export into an encoded file that holds no identifier.

``tfanalysis link encode EXPORT --secret-file KEY --out ENCODED`` runs
:func:`encode_export` on the agency's own export (names, date of birth, sex, optionally a
phone, the agency's record id and the clients columns of the data contract) and writes:

- ``agency``, ``agency_record_id``: who holds the record (the agency's own id);
- the clients columns of the contract (``identified_on``, ``county_fips``, ``age_group``…),
  as exported: they are what the task force's reports count;
- ``scheme``: the encoding scheme and a fingerprint of the secret (files encoded with
  different secrets never match; the coordinator can see that they differ);
- one column per exact-match token (:mod:`tfanalysis.data.linkage.tokens`) and ``bloom``, the
  balanced Bloom filter (:mod:`tfanalysis.data.linkage.bloom`) in base64;
- the field-level encodings (:mod:`tfanalysis.data.linkage.fields`): filters of the given name
  and surname, tokens of the given name's forms, of the surname words and of the parts of
  the date of birth.

Every other column of the export — names, birth date, phone, address, notes — is left
out. A record without a given name and a family name gets no encoding (``bloom`` and
tokens empty): it will be a client of its own. A record without a date of birth is encoded
(:func:`tfanalysis.data.linkage.bloom.linkable`); the tokens that need the date are empty.

Examples
--------
>>> export = pd.DataFrame({"record_id": ["r1"], "first_name": ["Ana"], "last_name": ["Ruiz"],
...                        "date_of_birth": ["1999-12-03"], "county_fips": ["39049"], "ssn_last4": ["1234"]})
>>> encoded = encode_export(export, b"k" * 32, agency="shelter")
>>> [c for c in encoded.columns if c not in TOKENS]
['agency', 'agency_record_id', 'county_fips', 'scheme', 'bloom', 'first_bloom', 'last_bloom', 'first_forms', 'last_words', 'birth_year', 'birth_month', 'birth_day', 'sex']
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import numpy as np
import pandas as pd

from tfanalysis.data import contract, schema
from tfanalysis.data.linkage.bloom import BLOOM_BITS, SCHEME, bloom_filters, linkable
from tfanalysis.data.linkage.fields import FIELD_COLUMNS, field_encodings
from tfanalysis.data.linkage.keys import key_check
from tfanalysis.data.linkage.normalize import normalize_identifiers
from tfanalysis.data.taxonomy import normalize_term
from tfanalysis.data.linkage.tokens import TOKENS, encode_tokens

RECORD_ID_COLUMNS: tuple[str, ...] = ("agency_record_id", "record_id", "client_id", "case_number", "case_id")
"""Headers accepted for the agency's own record id (the first one present is used)."""

CLIENT_COLUMNS: tuple[str, ...] = tuple(c for c in contract.CLIENTS.column_names if c != "client_id")
"""The non-identifying columns of the contract carried into the encoded file."""


class ExportError(ValueError):
    """The agency's export cannot be encoded; the message lists every problem, no value."""


def _record_ids(export: pd.DataFrame) -> pd.Series:
    by_key = {normalize_term(c): c for c in export.columns}
    for name in RECORD_ID_COLUMNS:
        if name in by_key:
            return export[by_key[name]].astype("string").str.strip()
    raise ExportError("the export has no record id column (one of: " + ", ".join(RECORD_ID_COLUMNS) + ")")


def encode_export(export: pd.DataFrame, secret: bytes, *, agency: str) -> pd.DataFrame:
    """Encode an agency's client export.

    Parameters
    ----------
    export : pandas.DataFrame
        The agency's records, cells as text: a record id (:data:`RECORD_ID_COLUMNS`),
        identifiers (:data:`tfanalysis.data.linkage.normalize.IDENTIFIER_COLUMNS`) and any of
        the clients columns of the contract.
    secret : bytes
        The secret the agencies share (never the coordinator).
    agency : str
        The agency's name, as the coordinator will know it.

    Returns
    -------
    pandas.DataFrame
        The columns described in the module notes, one row per record, in export order.

    Raises
    ------
    ExportError
        If the export has no record id or identifier columns, a record id is empty or
        repeated, or a carried column looks like a direct identifier. Values are never
        quoted.
    """
    if not str(agency).strip():
        raise ExportError("name the agency (--agency): the coordinator tells records apart by agency and record id")
    record_id = _record_ids(export)
    problems = []
    if record_id.isna().any() or (record_id == "").any():
        rows = np.flatnonzero((record_id.isna() | (record_id == "")).to_numpy(dtype=bool)) + 1
        problems.append(f"record id empty in {len(rows)} row(s), first row {rows[0]}")
    repeated = record_id.duplicated(keep=False) & record_id.notna()
    if repeated.any():
        problems.append(f"record id repeated in {int(repeated.sum())} rows, first row {int(np.flatnonzero(repeated.to_numpy(dtype=bool))[0]) + 1}")
    try:
        ids = normalize_identifiers(export)
    except ValueError as exc:
        problems.append(str(exc))
    carried = {c: export[c].astype("string") for c in CLIENT_COLUMNS if c in export.columns}
    out = pd.DataFrame({"agency": pd.Series(str(agency).strip(), index=export.index, dtype="string"), "agency_record_id": record_id, **carried})
    leaks = schema.direct_identifiers(out.drop(columns="agency"), contract.CLIENTS, typed_columns_checked=False)
    problems += [f"{c}: {r}" for c, r in zip(leaks["column"], leaks["rule"])]
    if problems:
        raise ExportError("the export cannot be encoded:\n- " + "\n- ".join(problems))
    usable = linkable(ids).to_numpy()
    tokens = encode_tokens(ids, secret).where(pd.Series(usable, index=ids.index), axis=0)
    filters = bloom_filters(ids, secret)
    blooms = np.array([base64.b64encode(row.tobytes()).decode("ascii") for row in filters], dtype=object)
    out["scheme"] = f"{SCHEME};bits={BLOOM_BITS};key={key_check(secret)}"
    out = out.join(tokens)
    out["bloom"] = pd.Series(blooms, index=export.index, dtype="string").where(usable)
    out = out.join(field_encodings(ids, secret).where(pd.Series(usable, index=ids.index), axis=0))
    return out.reset_index(drop=True)


def decode_blooms(blooms: pd.Series) -> np.ndarray:
    """The packed filters of an encoded file's ``bloom`` column (all rows non-empty).

    Returns
    -------
    numpy.ndarray
        ``uint8`` rows, one per record.
    """
    if not len(blooms):
        return np.empty((0, 0), np.uint8)
    raw = [base64.b64decode(b) for b in blooms.astype(str)]
    widths = {len(r) for r in raw}
    if len(widths) > 1:
        raise ValueError("the Bloom filters differ in length: the files were not encoded with one scheme")
    return np.frombuffer(b"".join(raw), dtype=np.uint8).reshape(len(raw), widths.pop())


def scheme_problem(schemes: pd.Series) -> str | None:
    """What is wrong with the ``scheme`` column of encoded records, if they were not encoded by this version's :data:`SCHEME`.

    Examples
    --------
    >>> scheme_problem(pd.Series([f"{SCHEME};bits=1024;key=abc"])) is None
    True
    >>> scheme_problem(pd.Series(["tfanalysis-link/1;bits=1024;key=abc", "Ana Ruiz"]))
    'some records were encoded with an unknown scheme and tfanalysis-link/1, and this version of tfanalysis links tfanalysis-link/2 files only: encode every export again with this version (and the same secret file)'
    """
    names = pd.Series(schemes.dropna().astype(str).str.split(";").str[0].unique(), dtype=object)
    other = names[names != SCHEME]
    if not len(other):
        return None
    # a scheme name is ours; anything else in the column is not echoed
    shown = sorted({n if re.fullmatch(r"tfanalysis-link/\d+", n) else "an unknown scheme" for n in other})
    return (
        f"some records were encoded with {' and '.join(shown)}, and this version of tfanalysis links {SCHEME} "
        "files only: encode every export again with this version (and the same secret file)"
    )


def write_encoded(encoded: pd.DataFrame, path: str | Path) -> Path:
    """Write an encoded file as CSV or Parquet (by the suffix of ``path``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        encoded.to_parquet(path, index=False)
    elif path.suffix.lower() == ".csv":
        encoded.to_csv(path, index=False)
    else:
        raise ValueError(f"{path.name}: write the encoded file as .csv or .parquet")
    return path


def read_encoded(path: str | Path) -> pd.DataFrame:
    """Read an encoded file written by :func:`write_encoded` (every cell as text).

    Raises
    ------
    ValueError
        If the file lacks the columns of an encoded file.
    """
    from tfanalysis.data.io import read_table_text

    frame, _ = read_table_text(Path(path))
    if "scheme" in frame.columns and (problem := scheme_problem(frame["scheme"])):
        raise ValueError(f"{Path(path).name}: {problem}")
    missing = [c for c in ("agency", "agency_record_id", "scheme", "bloom", *TOKENS, *FIELD_COLUMNS) if c not in frame.columns]
    if missing:
        raise ValueError(f"{Path(path).name} is not an encoded file of this scheme: no column {', '.join(missing)}")
    return frame
