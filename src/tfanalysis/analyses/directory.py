"""The member capacity directory: who offers which service, where, for whom, and how to reach them.

The e-Guide asks a task force to keep "a directory of all member organizations so that
everyone on the task force can easily identify the capacity of the other members", with
members "transparent about what services and populations they are able to serve". This
module builds that directory from the ``members`` and ``capacity`` tables for a period:

- :func:`member_directory`: one row per member × service, in plain words;
- :func:`coverage_matrix`: services × sectors, how many members offer each service;
- :func:`services_not_offered`: the e-Guide categories no member offers;
- :func:`directory_facts`: the headline numbers.

The paragraphs, the filterable HTML table and the exports are
:mod:`tfanalysis.reports.directory`.

The directory is for members, not the public. Confidential locations (shelters) appear as
their county only: no town, ZIP code or coordinates, in the table (and so in the HTML and
the exports);
the radius of a confidential member's service area is measured from its county's centroid,
so that the list of counties it serves does not point at the shelter either. Coordinates of
other members are not listed either: the town and ZIP code say where they are.

Every number here counts or measures member organizations, never victims: nothing goes
through :mod:`tfanalysis.publication.privacy` (see :func:`coverage_matrix`).

Examples
--------
>>> import tfanalysis as tf
>>> data = tf.load_dataset(DEMO_DIR)
>>> table = member_directory(data, "2025Q3")
>>> for_minors = table[(table["service"] == "Housing: emergency") & table["ages served"].str.contains("minors")]
>>> for_minors[["member", "county", "town", "capacity per month"]].values.tolist()
[['Youth crisis shelter', 'Franklin County', <NA>, 4.0]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tfanalysis.data import contract, taxonomy
from tfanalysis.data.io import TaskForceData
from tfanalysis.data.periods import Period, PeriodLike, parse_period

__all__ = [
    "AGE_WORDS",
    "ALL_GENDERS_WORD",
    "ANY_LANGUAGE_WORD",
    "COLUMNS",
    "CONTACT_COLUMNS",
    "EXPORT_NAME",
    "LANGUAGE_NAMES",
    "NO_WORD",
    "NONE_LISTED",
    "SECTOR_LABELS",
    "YES_WORD",
    "coverage_matrix",
    "directory_facts",
    "member_directory",
    "services_not_offered",
]

COLUMNS: tuple[str, ...] = (
    "member",
    "sector",
    "county",
    "county FIPS",
    "town",
    "ZIP",
    "service",
    "capacity per month",
    "service area",
    "counties served",
    "ages served",
    "genders",
    "foreign nationals",
    "languages",
    "24/7",
    "contact",
    "notes",
)
"""Columns of :func:`member_directory`, in order (``contact`` only when the data have one)."""

CONTACT_COLUMNS: tuple[str, ...] = ("contact", "phone", "email", "website")
"""Extra ``members`` columns joined into the directory's ``contact`` column, in this order.

Members are organizations: their phone numbers and e-mail addresses belong in a directory.
Put no street address of a confidential location in them: they are listed as given.
"""

NONE_LISTED = "none listed"
"""The ``service`` of a member with no capacity row in the period."""

EXPORT_NAME = "member_directory"
"""Stem of the exported files."""

SECTOR_LABELS: dict[str, str] = {code: code.replace("_", " ").capitalize() for code in contract.SECTORS}
"""Sector code → plain words (``law_enforcement`` → ``Law enforcement``)."""

LANGUAGE_NAMES: dict[str, str] = {
    "am": "Amharic", "ar": "Arabic", "bn": "Bengali", "bs": "Bosnian", "de": "German",
    "el": "Greek", "en": "English", "es": "Spanish", "fa": "Persian", "fr": "French",
    "gu": "Gujarati", "ha": "Hausa", "he": "Hebrew", "hi": "Hindi",
    "ht": "Haitian Creole", "hy": "Armenian", "id": "Indonesian", "ig": "Igbo", "it": "Italian",
    "ja": "Japanese", "km": "Khmer", "ko": "Korean", "ku": "Kurdish", "lo": "Lao",
    "mn": "Mongolian", "my": "Burmese", "ne": "Nepali", "nv": "Navajo", "pa": "Punjabi", "pl": "Polish",
    "ps": "Pashto", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "so": "Somali",
    "sq": "Albanian", "sr": "Serbian", "sw": "Swahili", "ta": "Tamil", "te": "Telugu",
    "th": "Thai", "ti": "Tigrinya", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian",
    "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "yo": "Yoruba", "zh": "Chinese", "om": "Oromo", "mh": "Marshallese",
    # ISO 639-3, for languages with no two-letter code
    "hmn": "Hmong", "kar": "Karen", "mam": "Mam", "quc": "K'iche'", "chk": "Chuukese",
}
"""ISO 639-1 (or, where a language has none, ISO 639-3) code → English name, for the languages most often needed in US victim services.

A code not listed here is shown as the code itself (``qu``).
"""

_TEXT = "string"

# The display words of the eligibility columns; directory_html reads them back into
# filter tokens, so they are defined once here.
AGE_WORDS = {(True, True): "minors and adults", (True, False): "minors only", (False, True): "adults only", (False, False): "none"}
ALL_GENDERS_WORD = "all"
ANY_LANGUAGE_WORD = "any (interpreters)"
YES_WORD, NO_WORD = "yes", "no"
_SERVICE_AREA_NAMES_SHOWN = 3  # longer county lists are summarized as "N counties"


def member_directory(data: TaskForceData, period: PeriodLike = None) -> pd.DataFrame:
    """The member capacity directory for a period: one row per member × service.

    Members active at any time in the period are listed (those who left before it are
    not); a member with no capacity row valid in the period has one row with the service
    ``none listed``. When a member's terms for a service changed during the period (two
    capacity rows), the latest ones are listed.

    Parameters
    ----------
    data : TaskForceData
        The loaded dataset.
    period : str, (start, end) pair, Period or None
        The reporting period (see :mod:`tfanalysis.data.periods`); all data by default.

    Returns
    -------
    pandas.DataFrame
        Sorted by member then service, columns (text columns ``string`` dtype, empty
        cells ``<NA>``):

        - ``member``: the organization's name; ``sector``: its discipline in plain words;
        - ``county``: the county of its location (Census name, "Franklin County", with
          ", OH" when the directory spans several states); ``county FIPS``;
        - ``town``, ``ZIP``: the location's town and ZIP code, empty for confidential
          locations (and when no ZIP is known);
        - ``service``: the e-Guide label ("Housing: emergency"), or ``none listed``;
        - ``capacity per month`` (Float64): clients the member can take per month;
        - ``service area``: "statewide", "within 40 miles", the county names (up to 3)
          or "17 counties"; ``counties served``: every county served, "; "-separated
          (a radius counts the counties of the task force's states whose centroid is
          within it, and the member's own county);
        - ``ages served``: "minors and adults", "minors only", "adults only" or "none";
        - ``genders``: "all" or e.g. "female; nonbinary";
        - ``foreign nationals``, ``24/7``: "yes" or "no";
        - ``languages``: "any (interpreters)" or names, "English; Spanish";
        - ``contact``: the members table's ``contact``, ``phone``, ``email`` and
          ``website`` columns, "; "-separated; only when the data have at least one;
        - ``notes``: "member until 2025-03-31", "service listed until 2024-12-31" when
          that date is on or before the period's last day (any such date, for all data);
          "member from 2025-01-01", "service listed from 2025-01-01" when it is after the
          period's first day; "these terms from 2025-01-01, 6 a month before" where the
          terms listed replaced others in the period (any such change, for all data).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> table = member_directory(tf.load_dataset(DEMO_DIR), "2025")
    >>> len(table), table["member"].nunique()
    (133, 41)
    >>> shelter = table[table["member"] == "Columbus women's emergency shelter"]
    >>> shelter[["county", "town", "ZIP"]].drop_duplicates().values.tolist()
    [['Franklin County', <NA>, <NA>]]
    """
    p = parse_period(period)
    current = data.in_period(p)
    members = current.members.reset_index(drop=True)
    capacity = _latest_terms(current.capacity[current.capacity["member_id"].isin(members["member_id"])])
    names = _county_names(_fips_mentioned(members, capacity))

    located = _locations(members, names)
    offers = _offers(capacity, members, names)
    table = located.merge(offers, on="member_id", how="left", validate="1:m")
    table["service"] = table["service"].fillna(NONE_LISTED)
    table["notes"] = _notes(table, p)
    table = table.sort_values(["member", "service"], key=lambda s: s.str.casefold(), kind="stable", ignore_index=True)
    columns = [c for c in COLUMNS if c in table.columns]
    out = table[columns].copy()
    for column in columns:
        out[column] = out[column].astype("Float64" if column == "capacity per month" else _TEXT)
    return out


def _latest_terms(capacity: pd.DataFrame) -> pd.DataFrame:
    """One capacity row per member × service: the one that started last, with the places a month of the one before it (``earlier``)."""
    ordered = capacity.sort_values(["member_id", "service", "valid_from"], kind="stable")
    earlier = ordered.groupby(["member_id", "service"], sort=False)["capacity_per_month"].shift()
    return ordered.assign(earlier=earlier).drop_duplicates(["member_id", "service"], keep="last").reset_index(drop=True)


def _fips_mentioned(members: pd.DataFrame, capacity: pd.DataFrame) -> pd.Series:
    listed = capacity["service_area"].str.split(contract.LIST_SEPARATOR).explode().str.strip()
    return pd.concat([members["county_fips"].dropna(), listed[listed.str.fullmatch(r"\d{5}").fillna(False).astype(bool)]]).astype(_TEXT)


def _county_names(fips: pd.Series) -> pd.DataFrame:
    """Display names of every county of the states in ``fips``.

    Census names ("Baltimore city" and "Baltimore County" differ) from the population
    table, the polygons' names for the territories it lacks; the USPS code is appended when
    more than one state is involved.
    """
    from tfanalysis import geo

    known_states = set(geo.state_codes()["state_fips"])
    states = sorted({f[:2] for f in fips.dropna().unique()} & known_states)
    if not states:
        return pd.DataFrame({"county_fips": pd.Series(dtype=_TEXT), "state_fips": pd.Series(dtype=_TEXT), "name": pd.Series(dtype=_TEXT)})
    vintage = geo.vintage_of(fips)
    shapes = pd.DataFrame(geo.counties(states, vintage=vintage).drop(columns="geometry"))[["county_fips", "state_fips", "state", "name"]]
    census = geo.county_population(vintage).set_index("county_fips")["name"]
    names = shapes["county_fips"].map(census).fillna(shapes["name"])
    if len(states) > 1:
        names = names + ", " + shapes["state"]
    return pd.DataFrame({"county_fips": shapes["county_fips"], "state_fips": shapes["state_fips"], "name": names}).astype(_TEXT)


def _towns(zips: pd.Series) -> pd.Series:
    """ZIP code → town (the USPS city name), from the ZIP table :mod:`tfanalysis.geo` builds once."""
    from tfanalysis import geo

    known = zips.dropna()
    towns = pd.Series(pd.NA, index=zips.index, dtype=_TEXT)
    if len(known):
        towns[known.index] = geo.geocode_zip(known.tolist())["city"].astype(_TEXT).to_numpy()
    return towns


def _locations(members: pd.DataFrame, names: pd.DataFrame) -> pd.DataFrame:
    """Member, sector, county, and town/ZIP for locations that are not confidential."""
    confidential = members["confidential_location"].fillna(False).astype(bool)
    county_name = members["county_fips"].map(names.set_index("county_fips")["name"])
    zips = members["zip"].astype(_TEXT).where(~confidential)
    out = pd.DataFrame(
        {
            "member_id": members["member_id"],
            "member": members["name"],
            "sector": members["sector"].map(SECTOR_LABELS),
            "county": county_name.fillna(members["county_fips"]),
            "county FIPS": members["county_fips"],
            "town": _towns(zips),
            "ZIP": zips,
            "joined_on": members["joined_on"],
            "left_on": members["left_on"],
        }
    )
    contact = _contact(members)
    if contact is not None:
        out["contact"] = contact
    return out


def _contact(members: pd.DataFrame) -> pd.Series | None:
    present = [c for c in CONTACT_COLUMNS if c in members.columns]
    if not present:
        return None
    long = members[["member_id", *present]].astype({c: _TEXT for c in present}).melt(id_vars="member_id", value_name="value")
    long["value"] = long["value"].str.strip()
    long = long[long["value"].notna() & (long["value"] != "")]
    joined = long.groupby("member_id", sort=False)["value"].agg("; ".join)
    return members["member_id"].map(joined).astype(_TEXT)


def _offers(capacity: pd.DataFrame, members: pd.DataFrame, names: pd.DataFrame) -> pd.DataFrame:
    """The services columns of the directory, one row per capacity row."""
    cap = capacity.reset_index(drop=True)
    served = _counties_served(cap, members, names)
    area = cap["service_area"].str.strip()
    lower = area.str.lower()
    radius = lower.str.startswith(contract.RADIUS_PREFIX).fillna(False).astype(bool)
    miles = pd.to_numeric(lower.where(radius).str.removeprefix(contract.RADIUS_PREFIX), errors="coerce")
    n_served = served["counties"].reindex(cap.index)
    listed = ~radius & (lower != contract.STATEWIDE)
    described = pd.Series(pd.NA, index=cap.index, dtype=_TEXT)
    described[lower == contract.STATEWIDE] = "statewide"
    described[radius] = "within " + miles[radius].map("{:g}".format).astype(_TEXT) + " miles"  # astype: an empty float Series is no text
    few = listed & (n_served <= _SERVICE_AREA_NAMES_SHOWN)
    described[few] = served["names"].reindex(cap.index)[few]
    described[listed & ~few] = n_served[listed & ~few].astype("Int64").astype(_TEXT) + " counties"

    genders = cap["genders"].str.strip().str.replace(r"\s*;\s*", "; ", regex=True)
    languages = cap["languages"].str.split(contract.LIST_SEPARATOR).explode().str.strip()
    language_names = languages.str.lower().map(LANGUAGE_NAMES).fillna(languages).astype(_TEXT)
    language_names[(languages.str.lower() == contract.ANY_LANGUAGE).fillna(False).astype(bool)] = ANY_LANGUAGE_WORD
    minors = cap["serves_minors"].fillna(False).astype(bool).to_numpy()
    adults = cap["serves_adults"].fillna(False).astype(bool).to_numpy()
    ages = pd.Series(
        np.select([minors & adults, minors, adults], [AGE_WORDS[(True, True)], AGE_WORDS[(True, False)], AGE_WORDS[(False, True)]], AGE_WORDS[(False, False)]),
        index=cap.index,
        dtype=_TEXT,
    )
    return pd.DataFrame(
        {
            "member_id": cap["member_id"],
            "service": cap["service"].map(taxonomy.SERVICE_CODES),
            "capacity per month": cap["capacity_per_month"],
            "service area": described,
            "counties served": served["names"].reindex(cap.index),
            "ages served": ages,
            "genders": genders.where(cap["genders"].str.strip().str.lower() != contract.ALL_GENDERS, ALL_GENDERS_WORD),
            "foreign nationals": _yes_no(cap["serves_foreign_nationals"]),
            "languages": language_names.groupby(level=0).agg("; ".join).reindex(cap.index),
            "24/7": _yes_no(cap["available_24_7"]),
            "valid_from": cap["valid_from"],
            "valid_to": cap["valid_to"],
            "earlier": cap["earlier"],
        }
    )


def _yes_no(flags: pd.Series) -> pd.Series:
    return pd.Series(np.where(flags.fillna(False).astype(bool), YES_WORD, NO_WORD), index=flags.index, dtype=_TEXT)


def _counties_served(cap: pd.DataFrame, members: pd.DataFrame, names: pd.DataFrame) -> pd.DataFrame:
    """Every county each capacity row serves: ``names`` ("; "-joined, sorted) and ``counties`` (how many).

    The service area is read by :func:`tfanalysis.analyses.service_areas.served_counties`, as in the
    coverage and gaps reports.
    """
    from tfanalysis.analyses.service_areas import served_counties

    served = served_counties(cap, members).rename(columns={"capacity_row": "row"})
    served["name"] = served["county_fips"].map(names.set_index("county_fips")["name"]).fillna(served["county_fips"])
    served = served.sort_values(["row", "name"], key=lambda s: s.str.casefold() if s.name == "name" else s)
    grouped = served.groupby("row")["name"]
    return pd.DataFrame({"names": grouped.agg("; ".join).astype(_TEXT), "counties": grouped.size()})


def _notes(table: pd.DataFrame, period: Period) -> pd.Series:
    """Dates a reader needs: a member joining or leaving, a service starting, changing its terms or ending, inside the period.

    The directory lists a member × service's latest terms: where they began after the
    period's first day, the places a month shown were not offered all the period (a
    statistician read a fiscal year's legal clinic at 1 a month with no note, listed from
    its tenth month, beside report 02's average month). "Terms from" says the terms changed,
    with the places a month before; for all data (no first day) only changes are noted.
    """
    end = period.end if period.end is not None else pd.Timestamp.max
    start = period.start if period.start is not None else pd.Timestamp.max  # all data: nothing began "inside" it
    day = "%Y-%m-%d"
    joined = table["joined_on"].where((table["joined_on"] > start) & (table["joined_on"] <= end))
    left = table["left_on"].where(table["left_on"] <= end)
    earlier = pd.to_numeric(table["earlier"], errors="coerce").astype(float)  # the places a month of the terms replaced
    began = table["valid_from"].where((table["valid_from"] > start) & earlier.isna())
    changed = table["valid_from"].where(earlier.notna())
    ends = table["valid_to"].where(table["valid_to"] <= end)
    parts = [
        "member from " + joined.dt.strftime(day),
        "member until " + left.dt.strftime(day),
        "service listed from " + began.dt.strftime(day),
        "these terms from " + changed.dt.strftime(day) + ", " + earlier.map("{:g}".format, na_action="ignore").astype(_TEXT) + " a month before",
        "service listed until " + ends.dt.strftime(day),
    ]
    notes = pd.Series(pd.NA, index=table.index, dtype=_TEXT)
    for part in (part.astype(_TEXT) for part in parts):  # five kinds of note, each a column at once
        notes = notes.str.cat(part, sep="; ").fillna(notes).fillna(part)
    return notes


# ------------------------------------------------------------------- who covers what


def coverage_matrix(data: TaskForceData, period: PeriodLike = None) -> pd.DataFrame:
    """How many members offer each e-Guide service category, by sector.

    A member offers a category when it has a capacity row for it (or, for housing, for a
    housing subtype) valid at any time in the period while it is a member.

    The cells count member organizations, not victims, and are shown as they are, without
    :func:`tfanalysis.publication.privacy.suppress`: the directory names every one of these members
    with its services, so hiding "2 shelters" would protect nobody, and disclosure control
    exists to protect victims, whom these counts do not describe.

    Parameters
    ----------
    data : TaskForceData
        The loaded dataset.
    period : str, (start, end) pair, Period or None
        The reporting period; all data by default.

    Returns
    -------
    pandas.DataFrame
        One row per e-Guide victim-service category (all 31, in the e-Guide's order, zero
        rows included; index ``service``, the e-Guide labels), one column per sector of
        the period's members (contract order, plain words; columns named ``sector``) and
        ``all members``; int64 counts of members.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> matrix = coverage_matrix(tf.load_dataset(DEMO_DIR), "2025")
    >>> matrix.loc["Housing (emergency, transitional, permanent)", ["Victim services", "all members"]].tolist()
    [8, 9]
    """
    current = data.in_period(parse_period(period))
    members = current.members
    offers = current.capacity[current.capacity["member_id"].isin(members["member_id"])]
    offers = pd.DataFrame(
        {
            "category": offers["service"].map(taxonomy.need_category),
            "member_id": offers["member_id"],
        }
    ).drop_duplicates()
    offers["sector"] = offers["member_id"].map(members.set_index("member_id")["sector"])
    sectors = [s for s in contract.SECTORS if s in set(members["sector"].dropna())]
    categories = list(taxonomy.VICTIM_NEEDS)
    counts = pd.crosstab(offers["category"], offers["sector"]).reindex(index=categories, columns=sectors, fill_value=0)
    counts = counts.astype("int64")
    counts["all members"] = offers.groupby("category")["member_id"].nunique().reindex(categories, fill_value=0).astype("int64")
    counts.index = pd.Index([taxonomy.VICTIM_NEEDS[c] for c in categories], name="service")
    counts.columns = pd.Index([SECTOR_LABELS.get(c, c) for c in counts.columns], name="sector")
    return counts


def services_not_offered(data: TaskForceData, period: PeriodLike = None) -> pd.DataFrame:
    """The e-Guide victim-service categories that no member offers in the period.

    Parameters
    ----------
    data : TaskForceData
        The loaded dataset.
    period : str, (start, end) pair, Period or None
        The reporting period; all data by default.

    Returns
    -------
    pandas.DataFrame
        One row per category nobody offers, in the e-Guide's order; columns ``code``,
        ``service`` (the e-Guide label) and ``group`` (its group, in words). Empty when
        every category has a provider.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> services_not_offered(tf.load_dataset(DEMO_DIR), "2025").empty
    True
    """
    matrix = coverage_matrix(data, period)
    codes = pd.Series(list(taxonomy.VICTIM_NEEDS), dtype=_TEXT)
    missing = codes[(matrix["all members"] == 0).to_numpy()]
    return pd.DataFrame(
        {
            "code": missing,
            "service": missing.map(taxonomy.VICTIM_NEEDS),
            "group": missing.map(lambda c: taxonomy.GROUP_LABELS[taxonomy.NEED_GROUPS[c]]),
        }
    ).astype(_TEXT).reset_index(drop=True)


# --------------------------------------------------------------------- numbers and prose


def directory_facts(data: TaskForceData, period: PeriodLike = None) -> dict[str, object]:
    """The headline numbers of the directory.

    Returns
    -------
    dict
        ``members`` (organizations in the period), ``members_without_services`` (no
        capacity row in it), ``confidential_locations`` (members whose location is
        confidential), ``categories`` (31), ``services_offered`` (categories with at least
        one provider), ``services_not_offered`` (their labels, list), ``single_provider``
        (labels of the categories exactly one member offers, list).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> facts = directory_facts(tf.load_dataset(DEMO_DIR), "2025")
    >>> facts["members"], facts["services_offered"], facts["services_not_offered"]
    (41, 31, [])
    """
    current = data.in_period(parse_period(period))
    members = current.members
    matrix = coverage_matrix(data, period)
    offering = set(current.capacity["member_id"]) & set(members["member_id"])
    providers = matrix["all members"]
    return {
        "members": int(len(members)),
        "members_without_services": int((~members["member_id"].isin(offering)).sum()),
        "confidential_locations": int(members["confidential_location"].fillna(False).astype(bool).sum()),
        "categories": int(len(matrix)),
        "services_offered": int((providers > 0).sum()),
        "services_not_offered": providers.index[providers == 0].tolist(),
        "single_provider": providers.index[providers == 1].tolist(),
    }
