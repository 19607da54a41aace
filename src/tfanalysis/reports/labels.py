"""Plain words for what a reader sees: taxonomy codes, contract values and column names.

Reports print tables and figures the analyses build with codes (``legal_representation``,
``declined_by_client``, ``needs_per_month``). :func:`readable` turns any of them into the
words leadership reads: the e-Guide's label for a need or service, a sentence-case phrase
for a contract value or a column. :func:`tfanalysis.reports.notebook.table_html` applies it to every
table's headers, row labels and text cells, and the plotly renderer of
:func:`tfanalysis.reports.notebook.setup` to every figure's categories, trace names, axis and
legend titles, so a code never reaches a reader whatever report shows it.

Examples
--------
>>> readable("legal_representation"), readable("declined_by_client"), readable("needs_per_month")
('Legal representation (immigration, criminal, civil)', 'Declined by the client', 'Needs a month')
>>> readable("Housing: emergency"), readable("hidden"), readable("2025Q3")
('Housing: emergency', 'hidden', '2025Q3')
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Iterable
from typing import Any

__all__ = ["COLUMN_LABELS", "is_code", "listed", "readable"]

COLUMN_LABELS: dict[str, str] = {
    # counts and statuses
    "needs": "Needs", "clients": "Clients", "referrals": "Referrals", "cj_events": "Criminal-justice events",
    "met": "Met", "unmet": "Unmet", "in_progress": "In progress", "declined_by_client": "Declined by the client",
    "not_met": "Not met", "needs_met": "Needs met", "needs_identified": "Needs identified",
    "clients_identified": "Victims identified", "capacity_rows": "Capacity rows",
    # referral outcomes
    "accepted": "Accepted", "completed": "Completed", "declined_capacity": "Declined: no capacity",
    "declined_eligibility": "Declined: not eligible", "declined_other": "Declined: other reason",
    "no_response": "No response", "open": "Open (no outcome yet)",
    # demand and capacity
    "needs_per_month": "Needs a month", "places_per_month": "Places a month", "capacity_places": "Places",
    "capacity_per_month": "Capacity a month", "utilization": "Needs per place", "months": "Months",
    "needs_with_eligible_member": "Needs an eligible member could serve",
    # outcome rates
    "unmet_need_rate": "Unmet-need rate (%)", "met_30d": "Met within 30 days (%)", "met_90d": "Met within 90 days (%)",
    "median_days_to_met": "Median days to met",
    # coverage
    "nearest_miles": "Miles to the nearest provider", "residents": "Residents", "access": "Access score",
    "access_per_100k": "Access per 100,000 residents", "members_serving": "Members serving the county",
    "county_fips": "County", "service": "Service", "need": "Need",
    # dates of the contract
    "identified_on": "date identified", "met_on": "date met", "met_by": "member that met it", "referred_on": "date referred",
    "responded_on": "date answered", "occurred_on": "date of the event", "joined_on": "date joined", "left_on": "date left",
    "valid_from": "valid from", "valid_to": "valid to", "client_id": "client", "case_id": "case", "member_id": "member",
    "from_member": "referring member", "to_member": "receiving member", "referral_id": "referral", "activity_id": "activity",
    # people
    "age_group": "Age group", "age": "Age", "gender": "Gender", "nationality": "Nationality",
    "trafficking_type": "Trafficking type", "primary_language": "Language", "language": "Language",
    "us_citizen": "U.S. citizen", "foreign_national": "Foreign national", "nonbinary": "Nonbinary",
    # sectors
    "law_enforcement": "Law enforcement", "prosecution": "Prosecution", "victim_services": "Victim services",
    "legal_services": "Legal services",
    # criminal-justice events
    "investigation_opened": "Investigation opened", "suspect_identified": "Suspect identified",
    "charges_filed": "Charges filed", "conviction": "Conviction", "arrest": "Arrest",
    # gaps
    "share_of_unmet": "Share of needs not met reached (%)", "counties_covered": "Counties reached",
    "share_of_declined_capacity": "Share of capacity declines (%)", "filled_pct": "Filled (%)",
}
"""Column names and contract values with a wording of their own (others: see :func:`readable`)."""

_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")


def is_code(text: str) -> bool:
    """A snake_case identifier (``declined_by_client``), not words a reader should see.

    Examples
    --------
    >>> is_code("needs_per_month"), is_code("Needs a month"), is_code("met")
    (True, False, False)
    """
    return bool(_CODE.match(text))


@lru_cache(maxsize=4096)
def _readable(text: str) -> str:
    from tfanalysis.data import taxonomy

    if text in taxonomy.SERVICE_CODES:
        return taxonomy.SERVICE_CODES[text]
    if text in taxonomy.CJ_NEEDS:
        return taxonomy.CJ_NEEDS[text]
    if text in COLUMN_LABELS:
        return COLUMN_LABELS[text]
    if is_code(text):
        words = text.replace("_", " ")
        return words[0].upper() + words[1:]
    return text


def listed(items: Iterable[object]) -> str:
    """Items in a sentence: ``a``, ``a and b``, ``a, b and c``.

    >>> listed(["Food"]), listed(["Food", "Clothing", "Transportation"])
    ('Food', 'Food, Clothing and Transportation')
    """
    words = [str(item) for item in items]
    return ", ".join(words[:-1]) + f" and {words[-1]}" if len(words) > 1 else "".join(words)


def measure_text(value: float) -> str:
    """A measure that is not a count (miles, access, places, utilization, a rate) as every table and sentence prints it: to a tenth.

    One way, so that a sentence never quotes a value its table beside it prints otherwise
    (an outsider read "0.00 → 1.95" above a table showing 1.9).

    >>> measure_text(1.95), measure_text(1234.56), measure_text(0.0)
    ('1.9', '1,234.6', '0.0')
    """
    return f"{value:,.1f}"


def clients_words(segment: Any) -> str:
    """The clients a structural gap leaves unserved, in words: ``adult, male``, ``Spanish-speaking`` ("" when every criterion is "any").

    One wording for report 02's gap list and report 06's gap table; a language is named
    (:data:`tfanalysis.analyses.directory.LANGUAGE_NAMES`), as the member directory names it.

    >>> clients_words({"age": "adult", "gender": "male", "nationality": "any", "language": "any"})
    'adult, male'
    >>> clients_words({"age": "any", "gender": "any", "nationality": "any", "language": "es"}), clients_words({"language": "qu"})
    ('Spanish-speaking', 'qu-speaking')
    """
    from tfanalysis.analyses.directory import LANGUAGE_NAMES
    from tfanalysis.analyses.gaps.eligibility import CRITERIA

    words = []
    for criterion in CRITERIA:
        value = segment.get(criterion)
        if value is None or str(value) == "any":
            continue
        words.append(f"{LANGUAGE_NAMES.get(str(value).lower(), str(value))}-speaking" if criterion == "language" else str(value))
    return ", ".join(words)


def readable(value: Any) -> Any:
    """The words for a code or column name; anything else unchanged.

    Parameters
    ----------
    value : object
        A label or cell. Only text is changed: a taxonomy code becomes the e-Guide's label,
        a contract value or column name its wording in :data:`COLUMN_LABELS`, any other
        snake_case identifier sentence-case words; numbers, ``hidden`` and ordinary words stay.
    """
    if isinstance(value, str):
        return _readable(value)
    if isinstance(value, tuple):
        return tuple(readable(v) for v in value)
    return value


_TOKEN = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_TRACE_TEXT = ("name", "x", "y", "labels", "text", "hovertext", "ids")
_LAYOUT_TEXT = ("text", "label", "title")


def readable_text(text: str) -> str:
    """Every code inside a piece of text replaced by its words.

    Examples
    --------
    >>> readable_text("legal_representation: 12 needs (declined_by_client)")
    'Legal representation (immigration, criminal, civil): 12 needs (Declined by the client)'
    """
    return _TOKEN.sub(lambda m: _readable(m.group(0)), text)


def readable_known(text: str) -> str:
    """Every code inside a piece of text (prose) in words; file names left as they are.

    Taxonomy codes and known column names read as their labels; any other snake_case word
    (an activity kind, an indicator's or a parameter's name) as plain lower-case words.
    Unlike :func:`readable_text`, a file name such as ``member_directory.csv`` is left as it
    is, and unknown codes are not capitalized in the middle of a sentence.

    Examples
    --------
    >>> readable_known("most unmet in legal_representation; see member_directory.csv")
    'most unmet in Legal representation (immigration, criminal, civil); see member_directory.csv'
    >>> readable_known("Activities of kind case_review; give survey_wave_dates")
    'Activities of kind case review; give survey wave dates'
    """
    from tfanalysis.data import taxonomy

    known = {**taxonomy.SERVICE_CODES, **taxonomy.CJ_NEEDS, **COLUMN_LABELS}

    def words(m: re.Match) -> str:
        code = m.group(0)
        return code if _in_file_name(text, m) else known.get(code, code.replace("_", " "))

    return _TOKEN.sub(words, text)


def _in_file_name(text: str, match: re.Match) -> bool:
    return text[match.end():match.end() + 1] == "." and text[match.end() + 1:match.end() + 2].isalpha()


def _words_in(value: Any) -> Any:
    if isinstance(value, str):
        known = readable(value)  # a whole code, one-word ones too ("food", "met")
        return known if known != value else readable_text(value)
    if isinstance(value, list):
        return [_words_in(v) for v in value]
    return value


def _layout_words(node: Any, key: str | None = None) -> Any:
    if isinstance(node, dict):
        return {k: _layout_words(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_layout_words(v, key) for v in node]
    if isinstance(node, str) and key in _LAYOUT_TEXT:
        return _words_in(node)
    return node


def readable_figure(fig: dict) -> dict:
    """A plotly figure (as a dict) with codes in its categories, names, titles and menus in words.

    Numbers, ``customdata`` and hover templates are left alone.

    Examples
    --------
    >>> fig = {"data": [{"type": "bar", "x": ["legal_representation", "food"], "y": [3, 4], "name": "needs_per_month"}],
    ...        "layout": {"xaxis": {"title": {"text": "service"}}, "updatemenus": [{"buttons": [{"label": "mental_health_care"}]}]}}
    >>> out = readable_figure(fig)
    >>> out["data"][0]["x"], out["data"][0]["name"], out["layout"]["updatemenus"][0]["buttons"][0]["label"]
    (['Legal representation (immigration, criminal, civil)', 'Food'], 'Needs a month', 'Mental health care (emergency and long-term)')
    """
    data = []
    for trace in fig.get("data", []):
        trace = dict(trace)
        for key in _TRACE_TEXT:
            if key in trace and isinstance(trace[key], (str, list)):
                trace[key] = _words_in(trace[key])
        data.append(trace)
    return {**fig, "data": data, "layout": _layout_words(fig.get("layout", {}))}
