"""A task force's own words for needs and services, mapped to the taxonomy's codes.

A case-management system that says "shelter bed" or "counselling" keeps its words: a
vocabulary file (``vocabulary.csv``, ``term,code``, or YAML) in the dataset folder maps
them to :mod:`tfanalysis.data.taxonomy` codes when the dataset is loaded, and
``tfanalysis validate DIR --show-terms`` lists the terms still unmapped. Terms compare
as :func:`tfanalysis.data.taxonomy.normalize_term` folds them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tfanalysis.data.identifiers import identifier_cells
from tfanalysis.data.taxonomy import CJ_NEEDS, SERVICE_CODES, normalize_term

__all__ = ["TermMapping", "load_vocabulary", "map_terms"]


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


def load_vocabulary(path: str | Path) -> dict[str, str]:
    """Read a task force's vocabulary file: its own terms → taxonomy codes.

    Two formats are accepted:

    - CSV with the columns ``term`` and ``code`` (more columns are ignored);
    - YAML, a mapping ``term: code``.

    Terms match case- and punctuation-insensitively (:func:`normalize_term`).

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.csv``, ``.yaml`` or ``.yml`` file.

    Returns
    -------
    dict
        Normalized term → code.

    Raises
    ------
    ValueError
        If the file has the wrong columns, maps a term to a code outside the taxonomy,
        or maps one term to two codes; the message lists every such line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "vocabulary.csv"
    >>> _ = p.write_text("term,code\\nShelter bed,housing_emergency\\nCounseling,mental_health_care\\n")
    >>> load_vocabulary(p)
    {'shelter_bed': 'housing_emergency', 'counseling': 'mental_health_care'}
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".yaml", ".yml", ".csv"}:
        raise ValueError(f"{path.name}: a vocabulary file must be .csv, .yaml or .yml")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{path.name} is not UTF-8 text: save it as UTF-8 (CSV UTF-8 in Excel)") from None
    if suffix in {".yaml", ".yml"}:
        import yaml

        try:
            raw = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
            raise ValueError(f"{path.name} is not valid YAML{where}: write one 'term: code' pair per line, quoting a term that holds ':' or '#'") from None
        if not isinstance(raw, Mapping):
            raise ValueError(f"{path.name}: a YAML vocabulary must be a mapping, one 'term: code' pair per line")
        pairs = [(str(k), str(v)) for k, v in raw.items()]
    else:
        try:
            table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError):
            raise ValueError(f"{path.name} is not a readable CSV file: two columns, term and code, separated by commas") from None
        missing = {"term", "code"} - set(table.columns)
        if missing:
            raise ValueError(f"{path.name}: a CSV vocabulary needs the columns 'term' and 'code', comma-separated (missing: {sorted(missing)})")
        pairs = list(zip(table["term"], table["code"].str.strip()))

    known = {**SERVICE_CODES, **CJ_NEEDS}
    mapping: dict[str, str] = {}
    problems: list[str] = []
    for line, (term, code) in enumerate(pairs, start=1):
        key = normalize_term(term)
        shown = _shown_term(term)
        if code not in known:
            problems.append(f"entry {line} ({shown}): {_shown_term(code)} is not a taxonomy code")
        elif key in mapping and mapping[key] != code:
            problems.append(f"entry {line} ({shown}): mapped to both {mapping[key]!r} and {code!r}")
        else:
            mapping[key] = code
    if problems:
        raise ValueError(f"{path.name}: {len(problems)} problem(s) in the vocabulary:\n- " + "\n- ".join(problems))
    return mapping


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
    vocabulary names it. Matching folds case, spaces and punctuation. Missing values stay
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
    """
    codes = list(codes)
    allowed = set(codes)
    lookup: dict[str, str] = {}
    for code in codes:
        lookup[normalize_term(code)] = code
        label = SERVICE_CODES.get(code) or CJ_NEEDS.get(code)
        if label:
            lookup.setdefault(normalize_term(label), code)
    for term, code in (vocabulary or {}).items():
        if code in allowed:
            lookup[normalize_term(term)] = code

    terms = terms.astype("string")
    distinct = pd.Series(terms.dropna().unique(), dtype="string")
    folded = distinct.map(normalize_term, na_action="ignore")
    distinct_codes = pd.Series(folded.map(lookup).to_numpy(), index=distinct.to_numpy(), dtype="string")
    mapped = terms.map(distinct_codes).astype("string")
    mapped.index = terms.index

    unknown = terms[terms.notna() & mapped.isna()]
    unmapped = (
        unknown.value_counts()
        .rename_axis("term")
        .reset_index(name="rows")
        .sort_values(["rows", "term"], ascending=[False, True], ignore_index=True)
    )
    unmapped["term"] = unmapped["term"].astype(object)
    unmapped["rows"] = unmapped["rows"].astype(int)
    return TermMapping(codes=mapped, unmapped=unmapped)
