"""Direct identifiers in client-level tables: names, birth dates, phone numbers, addresses.

Client-level tables carry a pseudonymous ``client_id`` only. A column whose header names a
person's identifying detail, or whose cells look like one (an e-mail address, a phone or
social security number), is refused before anything else is read, without echoing a value.

Examples
--------
>>> identifier_header("Victim First Name")
'a name or initials'
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from tfanalysis.data import taxonomy
from tfanalysis.data.contract import Table

from tfanalysis.data.coerce import READ_PER_DISTINCT, distinct_cells
from tfanalysis.data.problems import combine_problems, empty_problems, problem_table

__all__ = ["columns_beyond_the_contract", "direct_identifiers", "identifier_cells", "identifier_header"]

_EDGE_L, _EDGE_R = r"(?:^|[^0-9])", r"(?:[^0-9]|$)"


def _t(words: str) -> str:
    return rf"(?:^|_)(?:{words})(?:_|$)"


_PERSON = "first|last|middle|full|given|family|maiden|nick|preferred|legal|birth|client|victim|survivor|person|defendant|suspect|offender|trafficker|perpetrator|witness|guardian|parent|mother|father|child|minor|contact|caller"


_IDENTIFIER_HEADERS: dict[str, re.Pattern[str]] = {
    "an e-mail address": re.compile(_t(r"e_?mails?|e_?mail_address(?:es)?|correo|correo_electronico|courriel")),
    "a date of birth": re.compile(
        _t(r"dob|d_o_b|birth_?dates?|birthdays?|born(?:_on)?|date_of_birth")
        + "|" + _t(r"(?:fecha|date|data|dt|f)_(?:de_|of_|da_)?(?:birth|nacimiento|naissance|nascimento)")
        + "|" + _t(r"(?:birth|nacimiento|naissance|nascimento)_(?:date|dt|fecha|day|d|data)")
        + "|" + _t(r"(?:fecha|fec|f|dt)_?nac|fnac|nac_(?:date|dt|fecha)|year_of_birth|birth_?year|yob")
    ),
    "a social security or other identity number": re.compile(
        _t(r"ssns?\d*|ss_?no|ss_?num(?:ber)?|social_security|socsec|seguro_social|itin|passport|pasaporte|passeport"
           r"|last_?\d_?(?:of_)?ssn|last\dssn|ssn_?last_?\d"
           r"|a_?number|a_no|alien_(?:number|no|registration)|uscis_(?:number|no)|drivers?_licen[cs]e|licencia_de_conducir"
           r"|licen[cs]e(?:_(?:no|number|num|id))?|dl_(?:no|number|num)"
           r"|medicaid_(?:id|number|no)|medicare_(?:id|number|no)|license_plate|plate_number")
        + r"|^sin$"
    ),
    "a phone number": re.compile(
        _t(r"phones?|phone_?(?:number|no|num)s?|telephones?|telephone_number|tel|mobile|cell|cellphone|cell_phone"
           r"|celular|movil|telefono|telefone|whatsapp|fax")
        + "|" + _t(r"contact_(?:number|no|num|phone|info|details)")
    ),
    "a street address": re.compile(
        _t(r"street|streets|street_address|address|addresses|addr|apartment|apt|direccion|domicilio|calle|adresse|endereco"
           r"|mailing_address|postal_address|address_line_?\d?")
    ),
    "a name or initials": re.compile(
        r"^(?:names?|full_?name|surnames?|alias(?:es)?|aka|nom|nome)$"
        + "|" + _t(rf"(?:{_PERSON})_?names?|names?_of_(?:the_)?(?:{_PERSON})|surnames?|first_?last|nombres?|apellidos?|nombre_completo|sobrenome|prenom|prenoms")
        + "|" + _t(r"initials|iniciales|emergency_contact|next_of_kin|social_media|facebook|instagram|username|user_name|handle|maiden")
        # a column named for a person holds who they are: "victim", "guardian", "mother"
        + r"|^(?:victim|survivor|guardian|parent|mother|father|spouse|partner|husband|wife|contact|caller|witness"
          r"|trafficker|perpetrator|defendant|suspect|offender|tutor|madre|padre|victima)s?$"
    ),
}


_IDENTIFIER_VALUES: dict[str, str] = {
    "social security numbers": _EDGE_L + r"\d{3}[- ]\d{2}[- ]\d{4}" + _EDGE_R,
    "e-mail addresses": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    "phone numbers": _EDGE_L + r"(?:\+?1[-. ]?)?(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}" + _EDGE_R,
}


_BARE_DIGITS: dict[str, str] = {
    "social security numbers": _EDGE_L + r"\d{9}" + _EDGE_R,
    "phone numbers": _EDGE_L + r"(?:\+?1)?\d{10}" + _EDGE_R,
}


def direct_identifiers(raw: pd.DataFrame, table: Table, *, typed_columns_checked: bool = True) -> pd.DataFrame:
    """Refuse columns of a client-level table that hold direct identifiers.

    A column is refused when its header names a direct identifier (a name or initials, a
    date of birth, a social security, passport or alien number, a street address, a phone
    number, an e-mail address; in English, Spanish, French or Portuguese), or when any of
    its cells holds something that looks like a social security number, an e-mail address
    or a phone number, anywhere in the text. The problem names the column and the rows,
    never the value.

    Parameters
    ----------
    raw : pandas.DataFrame
        The table as read, every cell as text.
    table : Table
        The contract table; tables that are not client-level are not checked.
    typed_columns_checked : bool
        The contract's date, FIPS, ZIP, number and flag columns will be read by their own
        strict rules (free text cannot pass them), so their cells are not searched. Pass
        ``False`` where nothing else reads them (an agency's export before it is encoded).

    Returns
    -------
    pandas.DataFrame
        Problems, one per refused column (with the rows of the cells found).

    Examples
    --------
    >>> from tfanalysis.data import contract
    >>> raw = pd.DataFrame({"client_id": ["c1", "c2"], "fecha_de_nacimiento": ["2001-02-03", ""],
    ...                     "notes": ["", "Client SSN 123-45-6789, see file"]}, dtype="string")
    >>> found = direct_identifiers(raw, contract.CLIENTS)
    >>> found[["column", "row"]].to_dict("records")
    [{'column': 'fecha_de_nacimiento', 'row': None}, {'column': 'notes', 'row': 2}]
    >>> [rule[:58] for rule in found["rule"]]
    ['looks like a date of birth: a direct identifier is not acc', 'holds values that look like social security numbers (1 cel']
    """
    if not table.client_level:
        return empty_problems()
    parts = []
    contract_kinds = {c.name: c.kind for c in table.columns}
    for name in raw.columns:
        what = identifier_header(name)
        if what is not None:
            parts.append(problem_table(table.name, name, f"looks like {what}: {_DEIDENTIFY}"))
            continue
        kind = contract_kinds.get(name)
        if typed_columns_checked and kind in {"date", "fips", "zip", "integer", "number", "flag"}:
            continue  # read strictly by their own rules: free text cannot pass them
        if kind in READ_PER_DISTINCT:  # few distinct texts: each searched once
            codes, distinct = distinct_cells(raw[name])
            found_in, what_found = identifier_cells(distinct, bare_digits=True)
            hits = pd.Series(np.append(found_in.to_numpy(dtype=bool), False)[codes], index=raw.index)
        else:
            hits, what_found = identifier_cells(raw[name], bare_digits=kind != "id")
        if what_found:
            rows = (np.flatnonzero(hits.to_numpy(dtype=bool)) + 1).tolist()
            n = len(rows)
            found = " and ".join(what_found)
            advice = _DEIDENTIFY if kind is None else _remove_from_cells(found, name, kind)
            parts.append(problem_table(table.name, name, f"holds values that look like {found} ({n} cell{'s' if n != 1 else ''}): {advice}", rows))
    return combine_problems(parts)


def columns_beyond_the_contract(frame: pd.DataFrame, table: Table, keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """Warn of the columns of a client-level table that the data contract does not name.

    A case note or a comment column can name a victim or a place in words no pattern finds
    ("met Jane at the bus station"). No report reads such a column (a grant crosswalk's
    ``extra_columns`` may declare one to count by, such as a program); the warning names it,
    never a value, so that whoever prepares the export can leave free text out of it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as read.
    table : Table
        Its contract table; other tables' extra columns (a member's website) are not named.
    keep : tuple of str
        Columns made by the suite itself (a crosswalk's ``agency_records``, ``agencies``).

    Returns
    -------
    pandas.DataFrame
        One warning per such column.

    Examples
    --------
    >>> from tfanalysis.data import contract
    >>> raw = pd.DataFrame({"client_id": ["c1"], "case_notes": ["met at the bus station"]}, dtype="string")
    >>> columns_beyond_the_contract(raw, contract.CLIENTS)[["table", "column", "severity"]].to_dict("records")
    [{'table': 'clients', 'column': 'case_notes', 'severity': 'warning'}]
    """
    if not table.client_level:
        return empty_problems()
    extra = [c for c in frame.columns if c not in table.column_names and c not in keep]
    return combine_problems([problem_table(table.name, c, _BEYOND, severity="warning") for c in extra])


_BEYOND = (
    "not in the data contract: no report reads it (a grant crosswalk may count by it); "
    "free text about a victim can name them: leave such a column out of the export"
)


def identifier_header(header: str) -> str | None:
    """What direct identifier a column header names, or None.

    Examples
    --------
    >>> identifier_header("DOB (mm/dd/yyyy)"), identifier_header("Teléfono"), identifier_header("victim_initials")
    ('a date of birth', 'a phone number', 'a name or initials')
    >>> identifier_header("country_of_birth") is None, identifier_header("identified_on") is None
    (True, True)
    """
    folded = _fold_header(header)
    for what, pattern in _IDENTIFIER_HEADERS.items():
        if pattern.search(folded):
            return what
    return None


def _fold_header(header: str) -> str:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", str(header))  # DateOfBirth -> Date_Of_Birth
    return taxonomy.normalize_term(spaced)


def identifier_cells(cells: pd.Series, *, bare_digits: bool = True) -> tuple[pd.Series, list[str]]:
    """Find cells holding a social security number, e-mail address or phone number.

    One combined pattern is searched over the whole column with Arrow's RE2 engine
    (``pyarrow.compute``: no Python call per cell, a million cells in about a second);
    only a column with hits is searched again per kind, to say what was found.

    Parameters
    ----------
    cells : pandas.Series
        Text cells.
    bare_digits : bool
        Also read 9 bare digits as a social security number and 10 as a phone number.

    Returns
    -------
    (pandas.Series of bool, list of str)
        Which cells hold an identifier, and the kinds found (plural words).

    Examples
    --------
    >>> hits, found = identifier_cells(pd.Series(["call (614)555-1234", "2 of 3", "id 123456789"]))
    >>> hits.tolist(), found
    ([True, False, True], ['social security numbers', 'phone numbers'])
    """
    text = pyarrow.array(cells.astype("string[pyarrow]").array)
    patterns = dict(_IDENTIFIER_VALUES)
    if bare_digits:
        for what, extra in _BARE_DIGITS.items():
            patterns[what] = f"(?:{patterns[what]})|(?:{extra})"

    def search(pattern: str, values: pyarrow.Array) -> np.ndarray:
        found = pc.fill_null(pc.match_substring_regex(values, pattern), False)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)

    combined = "|".join(f"(?:{p})" for p in patterns.values())
    hits = search(combined, text)
    if not hits.any():
        return pd.Series(hits, index=cells.index), []
    found_in = pc.filter(text, pyarrow.array(hits))
    found = [what for what, p in patterns.items() if search(p, found_in).any()]
    return pd.Series(hits, index=cells.index), found


def _remove_from_cells(found: str, column: str, kind: str) -> str:
    """The advice for identifiers found in cells of a contract column: the column stays, the identifiers go.

    Dropping ``needs.need`` would drop every need; the cells are cleaned instead.

    >>> _remove_from_cells("phone numbers", "need", "code")
    'a direct identifier is not accepted in a client-level table; remove the phone numbers from those cells and keep the column: the need text must describe the need only'
    """
    noun = "identifier" if kind == "id" else column.replace("_", " ")
    return (f"a direct identifier is not accepted in a client-level table; remove the {found} from those cells and keep the column: "
            f"the {column} text must describe the {noun} only")


_DEIDENTIFY = (
    "a direct identifier is not accepted in a client-level table; de-identify the export "
    "first (drop the column, keep only the pseudonymous client_id)"
)
