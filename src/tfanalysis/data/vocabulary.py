"""A task force's own words for needs and services, mapped to the taxonomy's codes.

A case-management system that says "shelter bed" or "counselling" keeps its words: a
vocabulary file (``vocabulary.csv``, ``term,code``, or YAML) in the dataset folder maps
them to :mod:`tfanalysis.data.taxonomy` codes when the dataset is loaded, and
``tfanalysis validate DIR --show-terms`` lists the terms still unmapped. Terms compare
as :func:`tfanalysis.data.taxonomy.normalize_term` folds them.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tfanalysis.data.identifiers import identifier_cells
from tfanalysis.data.taxonomy import CJ_NEEDS, SERVICE_CODES, normalize_term

__all__ = ["TermMapping", "VocabularyError", "load_vocabulary", "map_terms"]


@dataclass(frozen=True)
class TermMapping:
    """The result of mapping a column of terms to taxonomy codes.

    Attributes
    ----------
    codes : pandas.Series
        The code of each input term, ``<NA>`` where the term is not known.
    unmapped : pandas.DataFrame
        One row per unknown term: ``term`` and ``rows`` (how many input rows use it),
        most frequent first. Empty when every term mapped.
    """

    codes: pd.Series
    unmapped: pd.DataFrame


class VocabularyError(ValueError):
    """A vocabulary file with problems in some entries; its other entries still map.

    Attributes
    ----------
    mapping : dict
        Normalized term → code of the entries without a problem, so that one bad entry
        does not turn every term of the dataset into an unmapped one.
    """

    def __init__(self, message: str, mapping: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.mapping = dict(mapping or {})


def load_vocabulary(path: str | Path) -> dict[str, str]:
    """Read a task force's vocabulary file: its own terms → taxonomy codes.

    Two formats are accepted:

    - CSV with the columns ``term`` and ``code`` (more columns are ignored);
    - YAML, a mapping ``term: code``.

    Terms match case- and punctuation-insensitively (:func:`normalize_term`). A term that
    is itself a taxonomy code or an e-Guide label maps by itself: mapped to its own code it
    is harmless and ignored; mapped to another code it is refused (the vocabulary would
    recode every ``food`` need as housing).

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.csv``, ``.yaml`` or ``.yml`` file, UTF-8 text.

    Returns
    -------
    dict
        Normalized term → code.

    Raises
    ------
    VocabularyError
        If entries map a term to a code outside the taxonomy, map one term to two codes,
        map a taxonomy code or label onto another code, or are not UTF-8 text; the message
        lists every such entry (never quoting a term that looks like a direct identifier)
        and ``mapping`` holds the other entries, which still map.
    ValueError
        If the file as a whole cannot be read: wrong suffix or columns, empty, not CSV or
        YAML.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "vocabulary.csv"
    >>> _ = p.write_text("term,code\\nShelter bed,housing_emergency\\nCounseling,mental_health_care\\n")
    >>> load_vocabulary(p)
    {'shelter_bed': 'housing_emergency', 'counseling': 'mental_health_care'}
    >>> _ = p.write_text("term,code\\nShelter bed,housing_emergency\\nfood,housing_emergency\\nyoga,wellness\\n")
    >>> try:
    ...     load_vocabulary(p)
    ... except VocabularyError as exc:
    ...     print(exc); print(exc.mapping)
    vocabulary.csv: 2 problem(s) in the vocabulary (entries are counted from the first row after the header: entry 1 is line 2 of the file):
    - entry 2 ('food'): is itself the taxonomy code food; a vocabulary maps a task force's own words, not one code onto another
    - entry 3 ('yoga'): 'wellness' is not a taxonomy code
    {'shelter_bed': 'housing_emergency'}
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".yaml", ".yml", ".csv"}:
        raise ValueError(f"{path.name}: a vocabulary file must be .csv, .yaml or .yml")
    data = path.read_bytes()
    if _binary(data):
        raise ValueError(f"{path.name} holds binary data, not UTF-8 text: save the vocabulary as CSV UTF-8 (term,code) or UTF-8 YAML")
    pairs, foreign = _yaml_pairs(data, path.name) if suffix in {".yaml", ".yml"} else _csv_pairs(data, path.name)

    known = {**SERVICE_CODES, **CJ_NEEDS}
    words = _taxonomy_words()
    mapping: dict[str, str] = {}
    ambiguous: set[str] = set()
    problems: list[str] = []
    if foreign:
        problems.append(_not_utf8(foreign, path.name, "entry" if suffix == ".csv" else "line"))
    for entry, (term, code) in enumerate(pairs, start=1):
        if term is None:  # not UTF-8: reported above, never quoted
            continue
        key = normalize_term(term)
        shown = _shown_term(term)
        if code not in known:
            problems.append(f"entry {entry} ({shown}): {_shown_term(code)} is not a taxonomy code")
        elif key in words and words[key][0] != code:
            itself, kind = words[key]
            what = f"is itself the taxonomy code {itself}" if kind == "code" else f"is the e-Guide label of the taxonomy code {itself}"
            problems.append(f"entry {entry} ({shown}): {what}; a vocabulary maps a task force's own words, not one code onto another")
        elif key in words:  # a code or label mapped to its own code: it maps by itself already
            continue
        elif key in mapping and mapping[key] != code:
            problems.append(f"entry {entry} ({shown}): mapped to both {mapping[key]!r} and {code!r}")
            ambiguous.add(key)
        else:
            mapping.setdefault(key, code)
    mapping = {term: code for term, code in mapping.items() if term not in ambiguous}
    if problems:
        counted = _ENTRIES_COUNTED_CSV if suffix == ".csv" else _ENTRIES_COUNTED_YAML
        raise VocabularyError(f"{path.name}: {len(problems)} problem(s) in the vocabulary ({counted}):\n- " + "\n- ".join(problems), mapping)
    return mapping


_ENTRIES_COUNTED_CSV = "entries are counted from the first row after the header: entry 1 is line 2 of the file"
_ENTRIES_COUNTED_YAML = "entry 1 is the first term: code pair; a line is the file's own line"


def _csv_pairs(data: bytes, name: str) -> tuple[list[tuple[str | None, str]], list[int]]:
    """The (term, code) entries of a CSV vocabulary; an entry that is not UTF-8 has term None and is numbered."""
    # Read as Latin-1, where every byte is a character, so that a file saved as Windows-1252
    # still parses; each cell is then decoded as UTF-8, and the entries that are not are named.
    text = data.removeprefix(codecs.BOM_UTF8).decode("latin-1")
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise ValueError(f"{name} is empty: write the header term,code, then one term,code pair per line") from None
    except pd.errors.ParserError:
        raise ValueError(f"{name} is not a readable CSV file: two columns, term and code, separated by commas") from None
    table.columns = [_utf8(str(c)) or str(c) for c in table.columns]
    missing = {"term", "code"} - set(table.columns)
    if missing:
        raise ValueError(f"{name}: a CSV vocabulary needs the columns 'term' and 'code', comma-separated (missing: {sorted(missing)})")
    pairs: list[tuple[str | None, str]] = []
    foreign: list[int] = []
    for entry, (term, code) in enumerate(zip(table["term"], table["code"]), start=1):
        term, code = _utf8(term), _utf8(code)
        if term is None or code is None:
            foreign.append(entry)
            pairs.append((None, ""))
        else:
            pairs.append((term, code.strip()))
    return pairs, foreign


def _yaml_pairs(data: bytes, name: str) -> tuple[list[tuple[str | None, str]], list[int]]:
    """The (term, code) entries of a YAML vocabulary; the lines that are not UTF-8 are left out and numbered."""
    import yaml

    lines = data.removeprefix(codecs.BOM_UTF8).split(b"\n")
    decoded = [_utf8(line.decode("latin-1")) for line in lines]
    foreign = [number for number, line in enumerate(decoded, start=1) if line is None]
    text = "\n".join(line or "" for line in decoded)
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise ValueError(f"{name} is not valid YAML{where}: write one 'term: code' pair per line, quoting a term that holds ':' or '#'") from None
    if not isinstance(raw, Mapping):
        raise ValueError(f"{name}: a YAML vocabulary must be a mapping, one 'term: code' pair per line")
    return [(str(k), str(v)) for k, v in raw.items()], foreign


def _binary(data: bytes) -> bool:
    """Whether a file that is not UTF-8 holds binary data rather than text of another encoding."""
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        pass
    head = data[:65536]
    controls = sum(head.count(bytes([b])) for b in (*range(0, 9), 11, 12, *range(14, 32)))
    return controls > max(2, len(head) // 100)


def _utf8(cell: str) -> str | None:
    """A cell read as Latin-1, decoded as the UTF-8 it should be; None if it is not UTF-8."""
    try:
        return cell.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return None


def _not_utf8(numbers: list[int], name: str, what: str) -> str:
    """The problem of vocabulary entries (or YAML lines) that are not UTF-8, without quoting them."""
    where = f"{what} {numbers[0]}" if len(numbers) == 1 else f"{'entries' if what == 'entry' else what + 's'} " + ", ".join(map(str, numbers))
    if what == "entry":
        return (f"{where}: not UTF-8 text, characters of another encoding (Windows-1252 or Latin-1, as older "
                f"Excel versions save CSV): save {name} as 'CSV UTF-8' and read it again")
    return f"{where}: not UTF-8 text, characters of another encoding (Windows-1252 or Latin-1): save {name} as UTF-8 and read it again"


def _taxonomy_words() -> dict[str, tuple[str, str]]:
    """Every taxonomy code and e-Guide label, folded → (its code, ``"code"`` or ``"label"``)."""
    words: dict[str, tuple[str, str]] = {}
    for codes in (SERVICE_CODES, CJ_NEEDS):
        for code in codes:
            words[normalize_term(code)] = (code, "code")
    for codes in (SERVICE_CODES, CJ_NEEDS):
        for code, label in codes.items():
            if label:
                words.setdefault(normalize_term(label), (code, "label"))
    return words


def _shown_term(term: str) -> str:
    """A vocabulary term as a message may quote it: not when it looks like a direct identifier."""
    hits, _ = identifier_cells(pd.Series([term], dtype="string"))
    return "a term that looks like a direct identifier, not shown" if bool(hits.iloc[0]) else repr(term)


def map_terms(
    terms: pd.Series,
    vocabulary: Mapping[str, str] | None = None,
    *,
    codes: Iterable[str] = tuple(SERVICE_CODES),
) -> TermMapping:
    """Map a column of terms to taxonomy codes; report the terms that do not map.

    A term maps when it is already a code, when it is a code's e-Guide label, or when the
    vocabulary names it; a vocabulary never maps a code or label onto another code. Matching folds case, spaces and punctuation. Missing values stay
    missing and are not reported as unmapped.

    Parameters
    ----------
    terms : pandas.Series
        Terms as recorded by the task force.
    vocabulary : mapping, optional
        Term → code, as returned by :func:`load_vocabulary`.
    codes : iterable of str
        The codes the column may hold; victim needs and housing subtypes by default,
        pass ``CJ_NEEDS`` for criminal-justice needs.

    Returns
    -------
    TermMapping
        The codes (aligned with ``terms``) and the unmapped terms with their row counts.

    Examples
    --------
    >>> result = map_terms(pd.Series(["Food", "Shelter bed", "food", "Yoga"]),
    ...                    {"shelter_bed": "housing_emergency"})
    >>> result.codes.tolist()
    ['food', 'housing_emergency', 'food', <NA>]
    >>> result.unmapped.to_dict("records")
    [{'term': 'Yoga', 'rows': 1}]
    >>> map_terms(pd.Series(["Yoga", "yoga", "YOGA ", "yoga"])).unmapped.to_dict("records")  # one term, however written
    [{'term': 'yoga', 'rows': 4}]
    """
    codes = list(codes)
    allowed = set(codes)
    lookup: dict[str, str] = {}
    for code in codes:
        lookup[normalize_term(code)] = code
        label = SERVICE_CODES.get(code) or CJ_NEEDS.get(code)
        if label:
            lookup.setdefault(normalize_term(label), code)
    for term, code in (vocabulary or {}).items():  # never recodes a code or label: they map by themselves
        if code in allowed:
            lookup.setdefault(normalize_term(term), code)

    terms = terms.astype("string")
    distinct = pd.Series(terms.dropna().unique(), dtype="string")
    folded = distinct.map(normalize_term, na_action="ignore")
    distinct_codes = pd.Series(folded.map(lookup).to_numpy(), index=distinct.to_numpy(), dtype="string")
    mapped = terms.map(distinct_codes).astype("string")
    mapped.index = terms.index

    unknown = terms[terms.notna() & mapped.isna()]
    # spellings that fold to one term are one line to write in the vocabulary: listed once, by
    # their most frequent spelling, with every spelling's rows
    spellings = unknown.value_counts().rename_axis("term").reset_index(name="rows")
    spellings["folded"] = spellings["term"].map(normalize_term)
    spellings = spellings.sort_values(["rows", "term"], ascending=[False, True])
    unmapped = (
        spellings.groupby("folded", sort=False).agg(term=("term", "first"), rows=("rows", "sum"))
        .sort_values(["rows", "term"], ascending=[False, True], ignore_index=True)
    )
    unmapped["term"] = unmapped["term"].astype(object)
    unmapped["rows"] = unmapped["rows"].astype(int)
    return TermMapping(codes=mapped, unmapped=unmapped)
