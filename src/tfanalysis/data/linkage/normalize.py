"""Normalizing the identifiers of an agency's client export before they are encoded.

Two agencies write the same person differently: ``José  GARCÍA-López`` and ``jose garcia
lopez``, ``Bob`` and ``Robert``, ``05/14/1990`` and ``1990-05-14``. This module folds
those differences away, column by column and without a loop over rows, so that the
encodings of :mod:`tfanalysis.data.linkage.tokens` and :mod:`tfanalysis.data.linkage.bloom` agree
wherever the person is the same. What it cannot decide (which of a transposed day and
month is right) is left to the encodings, which carry an order-free day/month.

Names are folded to lower-case letters (accents and marks removed, ``ß`` → ``ss``,
``đ`` → ``d``…), apostrophes dropped, hyphens and other punctuation turned into spaces,
titles and generational suffixes (``mr``, ``jr``, ``iii``…) removed. A given name has
*forms*: itself and the names it is a nickname of, after the hand-curated table of the
``nicknames`` package (``bob`` → ``bob``, ``robert``…). Two given names agree when their
forms share one, so ``Bob`` and ``Robert`` agree, and so do ``Liz`` and ``Elizabeth``.

Examples
--------
>>> import pandas as pd
>>> export = pd.DataFrame({"first_name": ["Bob", " José "], "last_name": ["O'Brien", "García-López"],
...                        "date_of_birth": ["05/14/1990", "1988-00-00"], "sex": ["M", "female"]})
>>> ids = normalize_identifiers(export)
>>> ids[["first", "last", "first_forms", "birth_year", "birth_month", "sex"]].to_dict("list")
{'first': ['bob', 'jose'], 'last': ['obrien', 'garcia lopez'], 'first_forms': ['bert;bob;bobby;robert', 'jose'], 'birth_year': [1990, 1988], 'birth_month': [5, None], 'sex': ['m', 'f']}
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from tfanalysis.data.taxonomy import normalize_term

IDENTIFIER_COLUMNS: dict[str, tuple[str, ...]] = {
    "first_name": ("first_name", "given_name", "firstname", "first", "forename"),
    "middle_name": ("middle_name", "middlename", "middle"),
    "last_name": ("last_name", "surname", "family_name", "lastname", "last"),
    "full_name": ("full_name", "name", "client_name"),
    "date_of_birth": ("date_of_birth", "dob", "birth_date", "birthdate", "born_on"),
    "sex": ("sex", "sex_at_birth"),
    "phone": ("phone", "phone_number", "telephone", "mobile", "cell_phone"),
}
"""The identifier columns an export may carry, and the headers accepted for each
(compared as :func:`tfanalysis.taxonomy.normalize_term` folds them: lower case, spaces and
punctuation as ``_``)."""

MAX_FIRST_FORMS = 6
"""A given name keeps itself and at most five of the names it is a nickname of (``al`` has
fourteen: albert, alfred, alan…), in alphabetical order."""

_TITLES = r"mr|mrs|ms|miss|mx|dr|sr|sra|srta|jr|ii|iii|iv"
_LETTER_MAP = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i", "ħ": "h"})
_SEX = {"f": "f", "female": "f", "w": "f", "woman": "f", "girl": "f", "m": "m", "male": "m", "man": "m", "boy": "m",
        "x": "x", "nonbinary": "x", "non_binary": "x", "other": "x"}
_UNKNOWN_PART = r"(?:00|0|xx|x|un|uk|\?\?|\?|--)"

# Date layouts an export may use; unknown parts may be written 00, XX, UN or ??.
_DATE_PATTERNS: tuple[str, ...] = (
    rf"(?P<year>\d{{4}})[-/.](?P<month>\d{{1,2}}|{_UNKNOWN_PART})[-/.](?P<day>\d{{1,2}}|{_UNKNOWN_PART})",  # ISO
    rf"(?P<month>\d{{1,2}}|{_UNKNOWN_PART})[-/.](?P<day>\d{{1,2}}|{_UNKNOWN_PART})[-/.](?P<year>\d{{4}})",  # US
    r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})",  # compact
    rf"(?P<year>\d{{4}})[-/.](?P<month>\d{{1,2}}|{_UNKNOWN_PART})",  # year and month
    r"(?P<year>\d{4})",  # year only
)


def identifier_columns(columns: list[str]) -> dict[str, str]:
    """Find the identifier columns of an export: standard name → the export's header.

    Examples
    --------
    >>> identifier_columns(["Client ID", "DOB", "Given name", "Surname", "county_fips"])
    {'first_name': 'Given name', 'last_name': 'Surname', 'date_of_birth': 'DOB'}
    """
    by_key = {normalize_term(c): c for c in columns}
    found = {}
    for standard, accepted in IDENTIFIER_COLUMNS.items():
        for key in accepted:
            if key in by_key:
                found[standard] = by_key[key]
                break
    return found


def fold_names(names: pd.Series) -> pd.Series:
    """Fold names to lower-case ASCII-like letters and single spaces.

    Accents and other marks are removed, titles and suffixes dropped; an empty result
    is ``<NA>``. Letters of other scripts are kept (folded to lower case), not transliterated.

    Examples
    --------
    >>> fold_names(pd.Series(["  Nguyễn  Thị ", "Mr. D'Angelo-Smith Jr.", "ØSTERGÅRD", "--", None])).tolist()
    ['nguyen thi', 'dangelo smith', 'ostergard', <NA>, <NA>]
    """
    text = names.astype("string").str.lower().str.translate(_LETTER_MAP).str.normalize("NFKD")
    text = text.str.replace(r"[\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff]", "", regex=True)
    text = text.str.replace(r"['’`´]", "", regex=True).str.replace(r"[\W\d_]+", " ", regex=True)
    text = text.str.replace(rf"\b(?:{_TITLES})\b", " ", regex=True)
    text = text.str.replace(r"\s+", " ", regex=True).str.strip()
    return text.mask(text == "").astype("string")


@functools.lru_cache(maxsize=1)
def _canonical_lookup() -> dict[str, tuple[str, ...]]:
    from nicknames import NickNamer

    table = NickNamer().canonical_lookup
    return {nick: tuple(sorted({nick, *sorted(names)[: MAX_FIRST_FORMS - 1]})) for nick, names in table.items()}


def first_name_forms(first: pd.Series) -> pd.Series:
    """The canonical forms of folded given names, ``;``-separated.

    A name gives itself and the names it is short for (``liz`` → ``elizabeth``, ``lisa``,
    ``lizzie``); the nickname table is noisy both ways, so forms are compared as sets.
    Only the first word of a multi-word given name is looked up.

    Examples
    --------
    >>> first_name_forms(pd.Series(["liz", "elizabeth", "maria jose", None])).tolist()
    ['elizabeth;lisa;liz;lizzie', 'beth;eliza;elizabeth', 'maria;mariah;marietta', <NA>]
    """
    head = first.astype("string").str.split(" ").str[0]
    unique = pd.Series(head.dropna().unique(), dtype="object")
    lookup = _canonical_lookup()
    forms = pd.Series([";".join(lookup.get(n, (n,))) for n in unique], index=unique, dtype="object")
    return head.map(forms).astype("string")


def parse_birth_dates(dates: pd.Series) -> pd.DataFrame:
    """Split dates of birth into year, month and day; unknown or impossible parts are empty.

    Accepts ``YYYY-MM-DD`` (also with ``/`` or ``.``), ``MM/DD/YYYY``, ``YYYYMMDD``,
    ``YYYY-MM`` and ``YYYY``; unknown parts written ``00``, ``XX``, ``UN`` or ``??``.
    A month above 12 or a day above 31 is taken as unknown, not guessed.

    Returns
    -------
    pandas.DataFrame
        Columns ``birth_year``, ``birth_month``, ``birth_day`` (``Int64``), same index.

    Examples
    --------
    >>> parse_birth_dates(pd.Series(["1990-05-14", "14/05/1990", "UN/UN/1985", "2001", "soon"])).to_dict("list")
    {'birth_year': [1990, 1990, 1985, 2001, None], 'birth_month': [5, None, None, None, None], 'birth_day': [14, 5, None, None, None]}
    """
    text = dates.astype("string").str.strip().str.lower()
    out = pd.DataFrame(index=dates.index, columns=["birth_year", "birth_month", "birth_day"], dtype="Int64")
    todo = text.notna().to_numpy(dtype=bool).copy()
    for pattern in _DATE_PATTERNS:
        if not todo.any():
            break
        found = text[todo].str.extract(f"^{pattern}$")
        hit = found["year"].notna().to_numpy(dtype=bool)
        rows = text.index[todo][hit]
        for part in ("year", "month", "day"):
            if part in found:
                out.loc[rows, f"birth_{part}"] = pd.to_numeric(found.loc[hit, part], errors="coerce").astype("Int64").to_numpy()
        todo[np.flatnonzero(todo)[hit]] = False
    this_year = pd.Timestamp.today().year
    out["birth_year"] = out["birth_year"].mask((out["birth_year"] < 1900) | (out["birth_year"] > this_year))
    out["birth_month"] = out["birth_month"].mask((out["birth_month"] < 1) | (out["birth_month"] > 12))
    out["birth_day"] = out["birth_day"].mask((out["birth_day"] < 1) | (out["birth_day"] > 31))
    return out


def normalize_sex(sex: pd.Series) -> pd.Series:
    """Sex as ``f``, ``m`` or ``x`` (any other recorded category); unknown is empty.

    Examples
    --------
    >>> normalize_sex(pd.Series(["F", "Male", "nonbinary", "unknown", None])).tolist()
    ['f', 'm', 'x', <NA>, <NA>]
    """
    key = sex.astype("string").str.strip().str.lower().str.replace(r"[\s-]+", "_", regex=True)
    return key.map(_SEX).astype("string")


def normalize_phone(phone: pd.Series) -> pd.Series:
    """Phone numbers as their last 10 digits (a leading country code ``1`` dropped).

    Fewer than 7 digits is no phone number.

    Examples
    --------
    >>> normalize_phone(pd.Series(["+1 (614) 555-0142", "555 0142", "12", None])).tolist()
    ['6145550142', '5550142', <NA>, <NA>]
    """
    digits = phone.astype("string").str.replace(r"\D", "", regex=True)
    digits = digits.mask((digits.str.len() == 11) & digits.str.startswith("1"), digits.str[1:])
    digits = digits.str[-10:]
    return digits.mask(digits.str.len() < 7).astype("string")


def normalize_identifiers(export: pd.DataFrame) -> pd.DataFrame:
    """Normalize the identifier columns of an agency's client export.

    Parameters
    ----------
    export : pandas.DataFrame
        The agency's records; identifier columns are found by header
        (:data:`IDENTIFIER_COLUMNS`): a given and a family name (or one full-name column,
        split at its first space), a date of birth, and optionally a middle name, sex and
        phone. Without a ``sex`` column the contract's ``gender`` is used.

    Returns
    -------
    pandas.DataFrame
        Same index; ``first``, ``middle``, ``last`` (folded names, surname words
        space-separated), ``first_forms`` (``;``-separated canonical given names),
        ``birth_year``, ``birth_month``, ``birth_day``, ``sex``, ``phone``.

    Raises
    ------
    ValueError
        If the export has no given name, family name or date of birth column.
    """
    found = identifier_columns(list(export.columns))
    if "full_name" in found and not {"first_name", "last_name"} & set(found):
        full = fold_names(export[found["full_name"]])
        first, last = full.str.split(" ", n=1).str[0], full.str.split(" ", n=1).str[1]
    else:
        missing = [c for c in ("first_name", "last_name") if c not in found]
        if missing or "date_of_birth" not in found:
            needed = missing + ([] if "date_of_birth" in found else ["date_of_birth"])
            raise ValueError(f"the export has no column for {', '.join(needed)} (accepted headers: "
                             + "; ".join(f"{c}: {', '.join(IDENTIFIER_COLUMNS[c])}" for c in needed) + ")")
        first, last = fold_names(export[found["first_name"]]), fold_names(export[found["last_name"]])
    if "date_of_birth" not in found:
        raise ValueError("the export has no date of birth column (accepted headers: " + ", ".join(IDENTIFIER_COLUMNS["date_of_birth"]) + ")")
    empty = pd.Series(pd.NA, index=export.index, dtype="string")
    middle = fold_names(export[found["middle_name"]]) if "middle_name" in found else empty
    sex_column = found.get("sex", "gender" if "gender" in export.columns else None)
    out = pd.DataFrame(
        {
            "first": first.astype("string"),
            "middle": middle,
            "last": last.astype("string"),
            "first_forms": first_name_forms(first),
        },
        index=export.index,
    )
    out = out.join(parse_birth_dates(export[found["date_of_birth"]]))
    out["sex"] = normalize_sex(export[sex_column]) if sex_column else empty
    out["phone"] = normalize_phone(export[found["phone"]]) if "phone" in found else empty
    return out
