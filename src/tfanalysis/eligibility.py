"""Eligibility-aware matching: could any member meet this client's need, where the client is?

A client-need is *matched* when at least one capacity row

- offers a service that meets the need (:func:`tfanalysis.taxonomy.service_covers_need`:
  generic ``housing`` capacity meets any housing need),
- serves the client's county (:func:`tfanalysis.service_areas.served_counties`, the one
  reading of ``service_area``),
- and is eligible for the client on four criteria:

  ========== ============================================ =====================================
  criterion  client value                                 capacity row must have
  ========== ============================================ =====================================
  age        ``minor``                                    ``serves_minors``
  age        ``18-24`` … ``50+`` (an *adult*)             ``serves_adults``
  age        ``unknown``                                  either flag
  gender     ``female`` / ``male`` / ``nonbinary``        ``genders`` ``all`` or listing it
  gender     ``unknown``                                  ``genders`` ``all`` only
  nationality ``foreign_national``                        ``serves_foreign_nationals``
  nationality ``us_citizen`` / ``unknown``                any row
  language   an ISO 639-1 code                            ``languages`` ``any`` or listing it
  language   ``unknown`` / missing                        any row
  ========== ============================================ =====================================

Why these choices for unknown values: a shelter that lists the genders it takes has not
said it takes someone whose gender was not recorded, so an unknown gender is matched only by
rows open to all genders (the gap shows up under ``gender = unknown`` and points at a data
gap as much as a service gap). An unknown age, nationality or language does not by itself
exclude anyone: the client is matched when some row could serve them under one reading.

The capacity rows considered are those of the data given: pass ``data.in_period(period)`` to
count only rows valid at some time in the period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tfanalysis import contract, taxonomy
from tfanalysis.service_areas import served_counties

__all__ = ["CRITERIA", "age_band", "client_needs", "eligibility_flags", "match_needs"]

CRITERIA: tuple[str, ...] = ("age", "gender", "nationality", "language")
"""The eligibility criteria, in the order segments are reported."""

ADULT = "adult"
"""Age band of clients 18 and over (the ``serves_adults`` flag)."""


def age_band(age_group: pd.Series) -> pd.Series:
    """Collapse contract age groups to the bands capacity rows distinguish.

    Examples
    --------
    >>> age_band(pd.Series(["minor", "25-34", "unknown", None])).tolist()
    ['minor', 'adult', 'unknown', 'unknown']
    """
    age = age_group.astype("string").fillna("unknown")
    band = np.where(age == "minor", "minor", np.where(age == "unknown", "unknown", ADULT))
    return pd.Series(band, index=age_group.index, dtype="string")


def client_needs(needs: pd.DataFrame, clients: pd.DataFrame) -> pd.DataFrame:
    """Needs with the attributes of their client (one row per need, the needs' order).

    Returns
    -------
    pandas.DataFrame
        The needs' columns plus ``county_fips``, ``age_group``, ``age`` (minor, adult,
        unknown), ``gender``, ``nationality``, ``primary_language``, ``trafficking_type``;
        attributes of a client not in ``clients`` are ``unknown``.

    Examples
    --------
    >>> needs = pd.DataFrame({"client_id": ["c1"], "need": ["food"]})
    >>> clients = pd.DataFrame({"client_id": ["c1"], "county_fips": ["10001"], "age_group": ["minor"],
    ...     "gender": ["male"], "nationality": ["us_citizen"], "primary_language": ["en"], "trafficking_type": ["sex"]})
    >>> client_needs(needs, clients)[["need", "age", "gender"]].values.tolist()
    [['food', 'minor', 'male']]
    """
    columns = ["county_fips", "age_group", "gender", "nationality", "primary_language", "trafficking_type"]
    people = clients.drop_duplicates("client_id").set_index("client_id")
    frame = needs.reset_index(drop=True).copy()
    for column in columns:
        values = frame["client_id"].map(people[column]) if column in people else pd.Series(pd.NA, index=frame.index)
        frame[column] = values.astype("string")
        if column != "county_fips":
            frame[column] = frame[column].fillna("unknown")
    frame["age"] = age_band(frame["age_group"])
    return frame


def _capacity_rules(capacity: pd.DataFrame) -> pd.DataFrame:
    """Capacity eligibility columns in a form boolean operations can use."""
    genders = capacity["genders"].astype("string").str.lower().str.strip().fillna(contract.ALL_GENDERS)
    languages = capacity["languages"].astype("string").str.lower().str.strip().fillna(contract.ANY_LANGUAGE)
    sep = contract.LIST_SEPARATOR
    return pd.DataFrame(
        {
            "capacity_row": capacity.index,
            "service": capacity["service"].astype("string").to_numpy(),
            "serves_minors": capacity["serves_minors"].fillna(False).astype(bool).to_numpy(),
            "serves_adults": capacity["serves_adults"].fillna(False).astype(bool).to_numpy(),
            "serves_foreign_nationals": capacity["serves_foreign_nationals"].fillna(False).astype(bool).to_numpy(),
            # padded with separators so that a code matches as a whole item: ";en;es;"
            "genders": (sep + genders.str.replace(" ", "") + sep).to_numpy(),
            "languages": (sep + languages.str.replace(" ", "") + sep).to_numpy(),
            "capacity_per_month": pd.to_numeric(capacity["capacity_per_month"], errors="coerce").fillna(0).astype(float).to_numpy(),
        }
    )


def _contains_item(padded_lists: pd.Series, items: pd.Series) -> np.ndarray:
    """Row by row: is ``item`` one of the ``;``-separated items of the padded list ``;a;b;``?"""
    sep = contract.LIST_SEPARATOR
    haystack = padded_lists.astype(str).to_numpy(dtype=str)
    needle = (sep + items.astype(str) + sep).to_numpy(dtype=str)
    return np.char.find(haystack, needle) >= 0  # elementwise; numpy 1.26 has no np.strings


def eligibility_flags(pairs: pd.DataFrame) -> pd.DataFrame:
    """Evaluate each criterion on rows pairing a client-need with a capacity row.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Columns ``age``, ``gender``, ``nationality``, ``primary_language`` (client) and
        ``serves_minors``, ``serves_adults``, ``serves_foreign_nationals``, ``genders``,
        ``languages`` (capacity; lists padded as ``;a;b;``).

    Returns
    -------
    pandas.DataFrame
        Boolean columns ``age``, ``gender``, ``nationality``, ``language``, ``eligible``.

    Examples
    --------
    >>> pairs = pd.DataFrame({"age": ["adult", "unknown"], "gender": ["male", "unknown"],
    ...     "nationality": ["foreign_national", "unknown"], "primary_language": ["es", "unknown"],
    ...     "serves_minors": [False, True], "serves_adults": [True, False],
    ...     "serves_foreign_nationals": [True, False], "genders": [";female;nonbinary;", ";female;"],
    ...     "languages": [";en;es;", ";en;"]})
    >>> eligibility_flags(pairs).values.tolist()
    [[True, False, True, True, False], [True, False, True, True, False]]
    """
    sep = contract.LIST_SEPARATOR
    age = pairs["age"].to_numpy(dtype=object)
    minors, adults = pairs["serves_minors"].to_numpy(bool), pairs["serves_adults"].to_numpy(bool)
    age_ok = np.where(age == "minor", minors, np.where(age == ADULT, adults, minors | adults))
    gender = pairs["gender"].astype(str)
    all_genders = pairs["genders"].astype(str) == f"{sep}{contract.ALL_GENDERS}{sep}"
    listed = _contains_item(pairs["genders"], gender)
    gender_ok = all_genders.to_numpy() | (listed & (gender != "unknown").to_numpy())
    foreign_ok = (pairs["nationality"].astype(str) != "foreign_national").to_numpy() | pairs["serves_foreign_nationals"].to_numpy(bool)
    language = pairs["primary_language"].astype(str).str.lower()
    any_language = pairs["languages"].astype(str) == f"{sep}{contract.ANY_LANGUAGE}{sep}"
    speaks = _contains_item(pairs["languages"], language)
    language_ok = any_language.to_numpy() | speaks | language.isin(["unknown", "<na>", "nan", ""]).to_numpy()
    flags = pd.DataFrame({"age": age_ok, "gender": gender_ok, "nationality": foreign_ok, "language": language_ok}, index=pairs.index)
    flags["eligible"] = flags.all(axis=1)
    return flags.astype(bool)


def _need_service_pairs(needs: pd.Series, services: pd.Series) -> pd.DataFrame:
    """Every (need, service) code pair where the service meets the need (a small table)."""
    grid = pd.MultiIndex.from_product(
        [pd.unique(needs.dropna().astype(str)), pd.unique(services.dropna().astype(str))], names=["need", "service"]
    ).to_frame(index=False)
    keep = taxonomy.service_covers_need(grid["service"], grid["need"]).to_numpy()
    return grid[keep].astype("string").reset_index(drop=True)


def match_needs(needs: pd.DataFrame, capacity: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """For every client-need, is there a member that could meet it, where the client is?

    Parameters
    ----------
    needs : pandas.DataFrame
        Client-needs as from :func:`client_needs` (``need``, ``county_fips``, ``age``,
        ``gender``, ``nationality``, ``primary_language``).
    capacity, members : pandas.DataFrame
        Contract tables (the rows to consider, e.g. valid in the period).

    Returns
    -------
    pandas.DataFrame
        ``needs`` (index reset) plus boolean columns:

        - ``offered_in_county``: some row meeting the need serves the county;
        - ``eligible_in_county``: some such row is eligible for the client (*matched*);
        - ``eligible_anywhere``: some row meeting the need, in any county, is eligible;
        - ``blocked_<criterion>`` for age, gender, nationality, language: some row meeting
          the need (anywhere) fails this criterion for the client — which criteria keep a
          segment out when ``eligible_anywhere`` is False;

        and ``eligible_places``: the monthly places of the eligible rows serving the county.

    Examples
    --------
    >>> members = pd.DataFrame({"member_id": ["m1"], "county_fips": ["10001"], "lat": [39.16],
    ...     "lon": [-75.50], "confidential_location": [False]})
    >>> capacity = pd.DataFrame({"member_id": ["m1"], "service": ["housing_emergency"],
    ...     "capacity_per_month": [4], "service_area": ["10001"], "serves_minors": [False],
    ...     "serves_adults": [True], "genders": ["female"], "serves_foreign_nationals": [True], "languages": ["any"]})
    >>> needs = pd.DataFrame({"need": ["housing_emergency"] * 3, "county_fips": ["10001", "10001", "10003"],
    ...     "age": ["adult"] * 3, "gender": ["female", "male", "female"], "nationality": ["us_citizen"] * 3,
    ...     "primary_language": ["en"] * 3})
    >>> match_needs(needs, capacity, members)[["eligible_in_county", "eligible_anywhere", "blocked_gender"]].values.tolist()
    [[True, True, False], [False, False, True], [False, True, False]]
    """
    frame = needs.reset_index(drop=True).copy()
    frame["_row"] = np.arange(len(frame))
    rules = _capacity_rules(capacity)
    pairs_table = _need_service_pairs(frame["need"], rules["service"])
    served = served_counties(capacity, members)[["capacity_row", "county_fips"]]

    client_cols = ["_row", "need", "county_fips", "age", "gender", "nationality", "primary_language"]
    candidates = (
        frame[client_cols].astype({"need": "string"})
        .merge(pairs_table, on="need")
        .merge(rules, on="service")
    )
    flags = eligibility_flags(candidates)
    candidates = pd.concat([candidates[["_row", "capacity_row", "county_fips", "capacity_per_month"]], flags], axis=1)
    # Join on the county too: joining on the row alone pairs every need with every county the
    # row serves (76 M rows at 500,000 needs) before keeping the few in the client's county.
    here = candidates.merge(served.dropna(subset=["county_fips"]), on=["capacity_row", "county_fips"])

    n = len(frame)
    def _any(rows: pd.DataFrame, column: str | None) -> np.ndarray:
        hit = np.zeros(n, dtype=bool)
        picked = rows["_row"] if column is None else rows.loc[rows[column], "_row"]
        hit[picked.to_numpy(dtype=int)] = True
        return hit

    frame["offered_in_county"] = _any(here, None)
    frame["eligible_in_county"] = _any(here, "eligible")
    frame["eligible_anywhere"] = _any(candidates, "eligible")
    for criterion in CRITERIA:
        frame[f"blocked_{criterion}"] = _any(candidates.assign(_fail=~candidates[criterion]), "_fail")
    places = here.loc[here["eligible"]].drop_duplicates(["_row", "capacity_row"]).groupby("_row")["capacity_per_month"].sum()
    frame["eligible_places"] = places.reindex(frame["_row"]).fillna(0.0).to_numpy()
    return frame.drop(columns="_row")
