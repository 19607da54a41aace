"""The data contract: the tables a task force dataset holds, their columns and their meanings.

A dataset is a folder; each table is one file named after it (``members.csv``,
``capacity.xlsx``, ``clients.parquet``…). This module states the contract as data, so that
the validator (:mod:`tfanalysis.data.schema`), the loader (:mod:`tfanalysis.data.io`), the demo
generator and ``docs/data-contract.md`` all read the same definitions.

Examples
--------
>>> from tfanalysis.data.contract import TABLES
>>> TABLES["clients"].key
('client_id',)
>>> [c.name for c in TABLES["attendance"].columns]
['activity_id', 'member_id']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

VERSION = 1
"""The version of the contract: raise it when what a valid dataset is, or how a file is
read into one, changes. A snapshot validated under another version is never read
(:mod:`tfanalysis.data.snapshot`); the dataset is validated again."""

ColumnKind = Literal["id", "text", "code", "fips", "zip", "date", "integer", "number", "flag", "list"]

SECTORS: tuple[str, ...] = (
    "law_enforcement",
    "prosecution",
    "victim_services",
    "health",
    "legal_services",
    "government",
    "community",
    "education",
    "labor",
    "other",
)
AGE_GROUPS: tuple[str, ...] = ("minor", "18-24", "25-34", "35-49", "50+", "unknown")
GENDERS: tuple[str, ...] = ("female", "male", "nonbinary", "unknown")
TRAFFICKING_TYPES: tuple[str, ...] = ("sex", "labor", "both", "unknown")
NATIONALITIES: tuple[str, ...] = ("us_citizen", "foreign_national", "unknown")
NEED_STATUSES: tuple[str, ...] = ("met", "in_progress", "unmet", "declined_by_client")
REFERRAL_OUTCOMES: tuple[str, ...] = (
    "accepted",
    "completed",
    "declined_capacity",
    "declined_eligibility",
    "declined_other",
    "no_response",
)
CJ_EVENTS: tuple[str, ...] = (
    "investigation_opened",
    "suspect_identified",
    "search_warrant",
    "arrest",
    "charges_filed",
    "indictment",
    "plea",
    "trial",
    "conviction",
    "acquittal",
    "dismissal",
    "sentencing",
    "other",
)
ACTIVITY_KINDS: tuple[str, ...] = ("meeting", "joint_training", "case_review", "other")

STATEWIDE = "statewide"
"""``capacity.service_area`` value for a member that serves every county of the state."""
RADIUS_PREFIX = "radius:"
"""``capacity.service_area`` as ``radius:25`` serves counties within 25 miles of the member."""
ALL_GENDERS = "all"
"""``capacity.genders`` value for a member that serves every gender."""
ANY_LANGUAGE = "any"
"""``capacity.languages`` value for a member that serves in any language (interpreters)."""
LIST_SEPARATOR = ";"

EARLIEST_DATE = "1900-01-01"
"""No date of the contract lies before it: an earlier one is a placeholder for "unknown"."""
LATEST_DATE = "2262-04-11"
"""The last day a ``datetime64[ns]`` holds; an open end written as a later placeholder
(``9999-12-31``) is read as open."""


@dataclass(frozen=True)
class Column:
    """One column of a contract table.

    Attributes
    ----------
    name : str
        The column name, exactly as in the file.
    kind : str
        How the column is read and checked: ``id`` and ``text`` (strings), ``code`` (one
        of ``values``, or a taxonomy code), ``fips`` (5 digits), ``zip`` (5 digits),
        ``date`` (YYYY-MM-DD), ``integer``, ``number``, ``flag`` (true/false), ``list``
        (``;``-separated).
    description : str
        What the column means, in the task force's words.
    required : bool
        The column must be present in the file.
    nullable : bool
        A cell may be empty.
    values : tuple of str, optional
        The allowed values of a ``code`` column (or of the items of a ``list`` column).
    minimum, maximum : float, optional
        Bounds of a numeric column, inclusive.
    default : object, optional
        The value of an optional column that is absent from the file.
    open_end : bool
        A ``date`` column that ends a window (``left_on``, ``valid_to``): empty means
        still open, a later date than the export is fine, and a far-future placeholder
        such as year 9999 is read as open.
    may_be_future : bool
        A ``date`` column that may lie after the export date (a capacity row planned to
        start next month). Every other date is refused when it is later than the export.
    filled_where : tuple of (column, values) pairs
        The rows expected to hold a value (``met_on``: needs whose ``status`` is ``met``);
        elsewhere the cell is empty by design, not missing. Empty: every row.
    empty_means : str, optional
        What an empty cell says, where it is a state rather than a gap (``outcome``: the
        referral is ``open``). A column whose empty cells are states (this, or ``open_end``)
        is complete whatever it holds.
    """

    name: str
    kind: ColumnKind
    description: str
    required: bool = True
    nullable: bool = False
    values: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: object = None
    open_end: bool = False
    may_be_future: bool = False
    filled_where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    empty_means: str | None = None

    @property
    def empty_is_a_state(self) -> bool:
        """An empty cell says something (still open, still a member): never a gap in the data."""
        return self.open_end or self.empty_means is not None


@dataclass(frozen=True)
class Table:
    """One table of the data contract.

    Attributes
    ----------
    name : str
        The table's name, and the stem of its file name.
    description : str
        What one row is.
    columns : tuple of Column
        The contract's columns; a file may carry more.
    key : tuple of str
        Columns whose values are unique together.
    required : bool
        A dataset must contain the table.
    client_level : bool
        Rows are about individual victims: values are never echoed in messages, and
        columns that look like direct identifiers are refused.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool = True
    client_level: bool = False
    rules: tuple[str, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name!r} has no contract column {name!r}")

    @property
    def column_names(self) -> list[str]:
        """The contract's column names, in order."""
        return [c.name for c in self.columns]


def _c(name: str, kind: ColumnKind, description: str, **kw: object) -> Column:
    return Column(name, kind, description, **kw)  # type: ignore[arg-type]


MEMBERS = Table(
    "members",
    "one member organization of the task force",
    (
        _c("member_id", "id", "Stable identifier of the member organization."),
        _c("name", "text", "The organization's name (organizations are not victims: names are fine here)."),
        _c("sector", "code", "The member's discipline.", values=SECTORS),
        _c("joined_on", "date", "Date the member joined the task force (MOU or first meeting)."),
        _c("left_on", "date", "Date the member left: its last day as a member; empty while a member.", required=False, nullable=True, open_end=True),
        _c("zip", "zip", "ZIP code of the service location; gives coordinates and county when those are empty.", required=False, nullable=True),
        _c("lat", "number", "Latitude (WGS84 degrees) of the service location.", required=False, nullable=True, minimum=-90, maximum=90),
        _c("lon", "number", "Longitude (WGS84 degrees) of the service location.", required=False, nullable=True, minimum=-180, maximum=180),
        _c("county_fips", "fips", "5-digit county FIPS of the location; filled from the ZIP when empty.", required=False, nullable=True),
        _c("confidential_location", "flag", "True for a confidential location (e.g. a shelter): used in distance computations, never drawn or listed.", required=False, default=False),
    ),
    key=("member_id",),
    rules=("left_on on or after joined_on", "a ZIP, or both lat and lon"),
)

CAPACITY = Table(
    "capacity",
    "one service a member offers, with its eligibility, over a validity window",
    (
        _c("member_id", "id", "The member offering the service (a members.member_id)."),
        _c("service", "code", "The service, as a victim-need taxonomy code (housing subtypes allowed)."),
        _c("capacity_per_month", "number", "Clients (or service episodes) the member can take per month.", minimum=0),
        _c("service_area", "text", "Counties served: a ';'-separated list of county FIPS, 'statewide', or 'radius:N' (N miles around the member's location)."),
        _c("serves_minors", "flag", "Serves clients under 18."),
        _c("serves_adults", "flag", "Serves clients 18 and over."),
        _c("genders", "list", "Genders served, ';'-separated, or 'all'.", values=("female", "male", "nonbinary", ALL_GENDERS)),
        _c("serves_foreign_nationals", "flag", "Serves foreign nationals (e.g. T-visa or continued-presence cases)."),
        _c("languages", "list", "Languages served as ISO 639-1 codes (ISO 639-3, three letters, for a language with no two-letter code: hmn Hmong, kar Karen), ';'-separated, or 'any'."),
        _c("available_24_7", "flag", "Reachable around the clock."),
        _c("valid_from", "date", "First day this row holds (may be after the export: planned capacity).", may_be_future=True),
        _c("valid_to", "date", "Last day this row holds; empty while current.", required=False, nullable=True, open_end=True),
    ),
    key=("member_id", "service", "valid_from"),
    rules=("valid_to on or after valid_from", "member_id exists in members",
           "counted only while its member belongs to the task force (joined_on to left_on); a row outside that is warned of and cut"),
)

CLIENTS = Table(
    "clients",
    "one identified victim, pseudonymous (no names, dates of birth or contact details)",
    (
        _c("client_id", "id", "Pseudonymous identifier, the same across tables."),
        _c("identified_on", "date", "Date the person was identified as a victim by the task force."),
        _c("county_fips", "fips", "County where the client was identified or lives."),
        _c("age_group", "code", "Age group when identified.", values=AGE_GROUPS),
        _c("gender", "code", "Gender.", values=GENDERS),
        _c("trafficking_type", "code", "Type of trafficking.", values=TRAFFICKING_TYPES),
        _c("nationality", "code", "Citizenship status.", values=NATIONALITIES),
        _c("primary_language", "code", "Primary language, ISO 639-1 code (two letters), or ISO 639-3 (three letters) for a language with no two-letter code (hmn Hmong, kar Karen, mam Mam), or 'unknown'."),
        _c("referral_source_sector", "code", "Sector of the member that identified or referred the client.", required=False, nullable=True, values=(*SECTORS, "unknown")),
    ),
    key=("client_id",),
    client_level=True,
)

NEEDS = Table(
    "needs",
    "one need identified for a client",
    (
        _c("client_id", "id", "The client (a clients.client_id)."),
        _c("need", "code", "The need, as a victim-need taxonomy code (or a term of the task force's vocabulary file)."),
        _c("identified_on", "date", "Date the need was identified."),
        _c("status", "code", "Where the need stands.", values=NEED_STATUSES),
        _c("met_on", "date", "Date the need was met; empty unless met.", required=False, nullable=True,
           filled_where=(("status", ("met",)),)),
        _c("met_by", "id", "The member that met the need (a members.member_id).", required=False, nullable=True,
           filled_where=(("status", ("met",)),)),
    ),
    key=("client_id", "need", "identified_on"),
    client_level=True,
    rules=("met_on on or after identified_on", "status met has a met_on date (warning)"),
)

REFERRALS = Table(
    "referrals",
    "one referral of a client from one member to another",
    (
        _c("referral_id", "id", "Identifier of the referral."),
        _c("client_id", "id", "The client referred (a clients.client_id)."),
        _c("from_member", "id", "The referring member (a members.member_id)."),
        _c("to_member", "id", "The member referred to (a members.member_id)."),
        _c("service", "code", "The service asked for, as a taxonomy code."),
        _c("referred_on", "date", "Date of the referral."),
        _c("responded_on", "date", "Date the receiving member answered; empty if it has not.", required=False, nullable=True,
           filled_where=(("outcome", tuple(o for o in REFERRAL_OUTCOMES if o != "no_response")),)),
        _c("outcome", "code", "What came of it; empty while open.", nullable=True, values=REFERRAL_OUTCOMES, empty_means="open"),
    ),
    key=("referral_id",),
    required=False,
    client_level=True,
    rules=("responded_on on or after referred_on",),
)

CJ_EVENTS_TABLE = Table(
    "cj_events",
    "one event of a criminal case",
    (
        _c("case_id", "id", "Identifier of the criminal case."),
        _c("event", "code", "What happened.", values=CJ_EVENTS),
        _c("occurred_on", "date", "Date of the event."),
        _c("member_id", "id", "The member (agency) that recorded it (a members.member_id)."),
        _c("county_fips", "fips", "County (jurisdiction) of the event.", required=False, nullable=True),
        # empty says the case has no identified victim: a state, not a gap in the data (report 00 counted
        # 14 % of the demo's events as missing a victim that no one had identified)
        _c("client_id", "id", "A victim in the case (a clients.client_id); empty if none identified.", required=False, nullable=True,
           empty_means="no victim identified"),
    ),
    key=(),
    required=False,
    client_level=True,
)

ACTIVITIES = Table(
    "activities",
    "one task force meeting, joint training or case review",
    (
        _c("activity_id", "id", "Identifier of the activity."),
        _c("date", "date", "Date held."),
        _c("kind", "code", "Kind of activity.", values=ACTIVITY_KINDS),
    ),
    key=("activity_id",),
    required=False,
)

ATTENDANCE = Table(
    "attendance",
    "one member present at one activity",
    (
        _c("activity_id", "id", "The activity (an activities.activity_id)."),
        _c("member_id", "id", "The member present (a members.member_id)."),
    ),
    key=("activity_id", "member_id"),
    required=False,
)

SURVEY = Table(
    "survey",
    "one member's rating of one partner in one wave of the partner survey",
    (
        _c("wave", "integer", "Survey wave, 1, 2, 3…", minimum=1),
        _c("respondent_id", "id", "The member answering (a members.member_id)."),
        _c("partner_id", "id", "The member rated (a members.member_id)."),
        _c("level", "integer", "Levels of Collaboration Scale (Frey et al. 2006): 0 none, 1 networking, 2 cooperation, 3 coordination, 4 coalition, 5 collaboration.", minimum=0, maximum=5),
        _c("trust", "integer", "Trust in the partner, 1 (low) to 4 (high).", nullable=True, minimum=1, maximum=4,
           filled_where=(("level", ("1", "2", "3", "4", "5")),)),  # no contact (level 0): nothing to rate
        _c("value", "integer", "Value of the partnership, 1 (low) to 4 (high).", nullable=True, minimum=1, maximum=4,
           filled_where=(("level", ("1", "2", "3", "4", "5")),)),  # no contact (level 0): nothing to rate
    ),
    key=("wave", "respondent_id", "partner_id"),
    required=False,
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (MEMBERS, CAPACITY, CLIENTS, NEEDS, REFERRALS, CJ_EVENTS_TABLE, ACTIVITIES, ATTENDANCE, SURVEY)
}
"""Every contract table by name, in the order they are validated."""

FILE_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".parquet")
"""File formats a table may come in."""

VOCABULARY_FILES: tuple[str, ...] = ("vocabulary.csv", "vocabulary.yaml", "vocabulary.yml")
"""The file names under which a folder's own vocabulary is read, when none is given."""

NA_VALUES: tuple[str, ...] = ("", "NA", "N/A", "n/a", "NULL", "null", "None", "NaN", "nan", "#N/A", "-")
"""Cell texts read as missing. Nothing else is (pandas' own list is not used)."""


_KIND_WORDS: dict[str, str] = {
    "id": "identifier (text)",
    "text": "text",
    "code": "code",
    "fips": "county FIPS (5 digits, as text)",
    "zip": "ZIP (5 digits, as text)",
    "date": "date YYYY-MM-DD",
    "integer": "whole number",
    "number": "number",
    "flag": "true / false",
    "list": "`;`-separated list",
}

_INTRO = """# The data contract

<!-- Generated from src/tfanalysis/data/contract.py by `make docs`; edit the contract, not this file.
     tests/data/test_contract.py fails when the two disagree. -->

A dataset is a folder with one file per table, named after the table: `members.csv`,
`capacity.xlsx`, `clients.parquet`… (CSV in UTF-8, the first sheet of an XLSX, or Parquet).
A table may carry more columns than listed here; the listed ones keep their names and
meanings. `tfanalysis validate DIR` checks a folder and lists every problem at once
(table, column, row, rule; rows are counted from the first row after the header: row 1 is
line 2 of the file, or row 2 of the sheet); `tfanalysis.load_dataset(DIR)` loads it.

Reading rules, for every table:

- A table's file is found whatever the case of its name (`Referrals.CSV` is read, and the
  validator says so); a file named after a table in another format (`survey.xls`,
  `clients.txt`) is an error that says what to save it as.
- CSV files are UTF-8 (as Excel's "CSV UTF-8" saves them; UTF-16 with its byte-order mark
  is read too), separated by commas, with the header on the first line. A file in another
  encoding, separated by `;` or tabs (a European Excel's CSV is often both: one message says
  both), with title lines above the header, with its data on
  a second Excel sheet, with a row longer than the header or an unclosed quote is refused
  with the cause and what to do, naming the column and rows where they are known. A column
  name that appears twice in a header is refused (it is not renamed). A header that
  differs from the contract's name only in case or spacing (`Client_ID`, `identified on`)
  is named with the name to give it; while a table's header is wrong its rows are not
  checked, and nothing that refers to it is either.
- Rows with every cell empty at the end of a file (Excel writes them as `,,,,,`) are not
  rows. Every cell is read as text first, so FIPS and ZIP codes keep their leading zeros. A code
  stored as a number in Excel or Parquet is padded back to 5 digits, with a warning. A ZIP+4
  code (`43215-1234`, `432151234`) is read as its 5-digit ZIP, with a warning that counts them.
- Only these cell texts mean *missing*: {na}. `NA` as a language code or a name is not
  guessed at: use the empty cell.
- Dates are ISO, `YYYY-MM-DD`, from {earliest} on; a date written otherwise is refused
  with the format it looks like (`MM/DD/YYYY`, a date and time, an Excel serial number…),
  told by its pattern, never by its value. A date after the export date (given
  with `--export-date`; by default, and at the latest, the day the newest file was
  written) is refused, except the end of a window (`left_on`, `valid_to`) and the start of
  planned capacity (`valid_from`). In `left_on` and `valid_to` a far-future placeholder
  (`9999-12-31`) is read as an open end, with a warning. Numbers are finite (`inf` is not
  a capacity). Flags are `true`/`false` (also `yes`/`no`, `1`/`0`).
- Lists inside a cell are `;`-separated (`en;es`, `39049;39041`).
- Codes are read without regard to case (`Female`, `EN`), and a code of fixed values written as its words reads as the code (`Law Enforcement`, `victim-services`); need and service codes come from the taxonomy
  (`tfanalysis.taxonomy`: 31 victim-need categories of the e-Guide, with `housing` split
  into `housing_emergency`, `housing_transitional`, `housing_permanent` where known).
- **A vocabulary file** (`vocabulary.csv` with columns `term,code`, or `vocabulary.yaml`
  with `term: code` lines) in the folder maps the task force's own words for needs and
  services (`needs.need`, `capacity.service`, `referrals.service`) to taxonomy codes;
  e-Guide labels ("Mental health care (emergency and long-term)") map by themselves.
  Terms match without regard to case, accents or punctuation. The file is UTF-8 text
  (`CSV UTF-8` in Excel). Each bad entry — a code outside the taxonomy, a term mapped to
  two codes, an entry not saved as UTF-8, a taxonomy code or e-Guide label mapped onto
  another code (`food,housing_emergency` would recode every `food` need as housing: a
  vocabulary maps the task force's own words, not one code onto another) — is one problem
  of the vocabulary, and the other entries still map; a code mapped to itself is harmless.
  A term that maps nowhere is an error, never dropped: `tfanalysis validate DIR
  --show-terms` lists them, but never one that looks like a direct identifier, nor a need
  or referral term used for fewer than 3 clients (free text typed for one person, "Shelter
  for <a name> DOB <a date>", is not vocabulary): those are counted, and `validate`'s
  message names their rows.
- **Client-level tables** (clients, needs, referrals, cj_events) are pseudonymous: a column
  whose header names a direct identifier — a name or initials, a date of birth, a social
  security, passport or alien number, a street address, a phone number, an e-mail address;
  in English, Spanish, French or Portuguese (`fecha_de_nacimiento`, `nombre`, `teléfono`) —
  is refused, and so is a column any of whose cells holds something that looks like a
  social security number, an e-mail address or a phone number anywhere in its text
  ("Client SSN 123-45-6789, see file", `(614)555-1234`, `6145551234`). De-identify the
  export first: drop such a column, but where the column is the contract's own (a phone
  number typed into `needs.need`) remove the identifiers from those cells. Messages about these tables name the column and rows, never a cell's value.
  Any other column of theirs that the contract does not name (a case note, a comment) is
  named in a warning: no report reads it (a grant crosswalk may declare one to count by),
  and free text about a victim can name them in words no pattern finds.
- Keys are unique (a row whose key cell is empty, unreadable or a term that maps nowhere
  is not compared: that cell is already a problem, and two unmapped terms are not one);
  every `member_id`, `client_id` and `activity_id` referenced exists in its table (a
  clients table with no row is said once); a later date is never before an earlier one
  (listed under each table).
- Warned of, across tables: `needs` with no row beside clients (every report would read
  "0 needs"), a client whose county lies in a state where no member is (report 01 maps
  the members' states only; report 02 counts the needs), a need identified before its
  client was.

- `members` may carry `contact`, `phone`, `email` or `website` columns (organizations'
  public contact details): the member directory prints them as given, so never put a
  confidential location's street address there.

Required tables: {required}. The others are optional: when a file is absent, the table is
empty and the analyses that need it say so.

**Validated once.** A folder that validates gets a hidden folder of its own,
`.tfanalysis/snapshot/`: the validated tables as typed Parquet files (readable by their
owner only), which the next `validate`, `load_dataset` or `run` of the same folder reads
in seconds instead of validating again. It is read only while nothing it came from has
changed — every file of the folder (name, size, time written, SHA-256), the vocabulary and
export date given, this contract's version and the code — and removed when the folder no
longer validates; anything else, and the folder is validated again. It holds the same
client-level rows as the folder, stays with it, and is never where reports are written;
delete it whenever you like. A read-only folder is simply validated each time.
"""


def _required_words(col: Column) -> str:
    """``yes``, or ``no`` with what a table without the column reads (``no; left out: false``)."""
    if col.required:
        return "yes"
    if col.default is None or col.nullable:
        return "no"
    default = str(col.default).lower() if isinstance(col.default, bool) else str(col.default)
    return f"no; left out: {default}"


def markdown() -> str:
    """Render the data contract as the Markdown of ``docs/data-contract.md``.

    Examples
    --------
    >>> markdown().splitlines()[0]
    '# The data contract'
    """
    na = ", ".join(f"`{v}`" if v else "the empty cell" for v in NA_VALUES)
    required = ", ".join(f"`{t.name}`" for t in TABLES.values() if t.required)
    parts = [_INTRO.format(na=na, required=required, earliest=EARLIEST_DATE)]
    for table in TABLES.values():
        flags = ["required" if table.required else "optional"]
        if table.client_level:
            flags.append("client-level")
        parts.append(f"\n## `{table.name}` ({', '.join(flags)})\n\nOne row per {table.description}.")
        if table.key:
            parts.append(f"Key: {' + '.join(f'`{k}`' for k in table.key)}.")
        parts.append("\n| column | kind | required | may be empty | meaning |\n|---|---|---|---|---|")
        for col in table.columns:
            meaning = col.description
            if col.values is not None and col.kind == "code":
                meaning += " One of " + ", ".join(f"`{v}`" for v in col.values) + "."
            bounds = []
            if col.minimum is not None:
                bounds.append(f"≥ {col.minimum:g}")
            if col.maximum is not None:
                bounds.append(f"≤ {col.maximum:g}")
            if bounds:
                meaning += " (" + ", ".join(bounds) + ")"
            parts.append(
                # a column that may be left out is not one whose cells may be empty: where it is given,
                # every cell is read (a blank confidential_location is refused, never read as false)
                f"| `{col.name}` | {_KIND_WORDS[col.kind]} | {_required_words(col)} | "
                f"{'yes' if col.nullable else 'no'} | {meaning} |"
            )
        if table.rules:
            parts.append("\nRules: " + "; ".join(table.rules) + ".")
    return "\n".join(parts) + "\n"
