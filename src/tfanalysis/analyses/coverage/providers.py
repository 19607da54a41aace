"""Who offers what, and where: the region's counties, the services, member locations, capacity eligible for a segment.

*Member location*: the member's latitude/longitude; for a member without coordinates or
with ``confidential_location``, the centroid of its county. Confidential addresses are
never used, not even in distances: distances from several county centroids to one point
would locate it (trilateration). This matches ``service_areas``' radius rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from tfanalysis import geo
from tfanalysis.analyses import service_areas
from tfanalysis.data import contract, taxonomy
from tfanalysis.data.io import TaskForceData

SEGMENT_KEYS = ("age", "gender", "nationality", "language")
"""Keys of a population segment spec, see :func:`eligible_capacity`."""


def region_counties(
    members: pd.DataFrame, region: str | Iterable[str] | None = None, *, vintage: int | None = None
) -> pd.DataFrame:
    """The counties of the region analysed, with their population.

    Parameters
    ----------
    members : pandas.DataFrame
        Contract ``members`` (their ``county_fips`` give the default region).
    region : str or list of str, optional
        A state (``"OH"``, ``"Ohio"``, ``"39"``), a ``;``-list of states or of 5-digit
        county FIPS, or a list of them. Empty or None: every county of the states the
        members are located in (:func:`tfanalysis.analyses.service_areas.task_force_states`).
    vintage : {2016, 2023}, optional
        The county codes (:mod:`tfanalysis.geo`); by default the vintage the members'
        and the region's codes follow (:func:`tfanalysis.geo.vintage_of`).

    Returns
    -------
    pandas.DataFrame
        ``county_fips``, ``county`` (name), ``state`` (USPS), ``residents`` (2019
        estimate, Int64), sorted by FIPS.

    Examples
    --------
    >>> region_counties(pd.DataFrame({"county_fips": ["10001"]}), "10001;10005")["county"].tolist()
    ['Kent', 'Sussex']
    """
    if region is None or (isinstance(region, str) and not region.strip()):
        parts = service_areas.task_force_states(members)
    else:
        raw = region.split(contract.LIST_SEPARATOR) if isinstance(region, str) else list(region)
        parts = [str(p).strip() for p in raw if str(p).strip()]
    fips = [p for p in parts if p.isdigit() and len(p) == 5]
    states = [p for p in parts if p not in fips]
    wanted = sorted({*states, *(f[:2] for f in fips)})
    if vintage is None:
        vintage = geo.vintage_of(members["county_fips"], fips)
    table = geo.counties(wanted, vintage=vintage) if wanted else geo.counties([])
    if fips:
        unknown = sorted(set(fips) - set(table["county_fips"]))
        if unknown:
            raise ValueError(
                f"region lists unknown county FIPS {unknown}; use 5-digit codes such as 39105 "
                f"of the data's county vintage ({vintage}, see tfanalysis.geo.vintage_of)"
            )
        table = table[table["county_fips"].isin(fips) | table["state_fips"].isin(
            [geo.state_fips(s) for s in states])]
    return pd.DataFrame(
        {
            "county_fips": table["county_fips"].astype("string").to_numpy(),
            "county": table["name"].astype("string").to_numpy(),
            "state": table["state"].astype("string").to_numpy(),
            "residents": table["population"].astype("Int64").to_numpy(),
        }
    ).sort_values("county_fips", ignore_index=True)


def _services(data: TaskForceData, services: str | Iterable[str] | None) -> list[str]:
    """The services analysed: given, or every one offered or needed in the period."""
    if services is None or (isinstance(services, str) and not services.strip()):
        found = set(data.capacity["service"].dropna()) | set(data.needs["need"].dropna())
        return sorted(str(s) for s in found)
    raw = services.split(contract.LIST_SEPARATOR) if isinstance(services, str) else list(services)
    chosen = [str(s).strip() for s in raw if str(s).strip()]
    unknown = sorted(set(chosen) - set(taxonomy.SERVICE_CODES))
    if unknown:
        raise ValueError(f"unknown service code(s) {unknown}; see tfanalysis.data.taxonomy.SERVICE_CODES")
    return sorted(set(chosen))


def _offers(capacity: pd.DataFrame, services: list[str]) -> pd.DataFrame:
    """Capacity rows × the analysed services they offer: ``capacity_row``, ``service``."""
    rows = pd.DataFrame({"capacity_row": capacity.index, "offered": capacity["service"].astype("string").to_numpy()})
    pairs = rows.merge(pd.DataFrame({"service": pd.array(services, dtype="string")}), how="cross")
    keep = taxonomy.service_covers_need(pairs["offered"], pairs["service"]).to_numpy()
    return pairs.loc[keep, ["capacity_row", "service"]].reset_index(drop=True)


def member_locations(members: pd.DataFrame) -> pd.DataFrame:
    """Where each member is placed for distances: ``member_id``-indexed ``lat``, ``lon``.

    Confidential members and members without coordinates are placed at their county's
    centroid; members with neither are left out.

    Examples
    --------
    >>> m = pd.DataFrame({"member_id": ["a", "b"], "lat": [39.6, None], "lon": [-75.7, None],
    ...                   "county_fips": ["10003", "10005"], "confidential_location": [True, False]})
    >>> member_locations(m).round(2)
                 lat    lon
    member_id
    a          39.58 -75.65
    b          38.66 -75.39
    """
    members = members.drop_duplicates("member_id")
    lat = pd.to_numeric(members["lat"], errors="coerce").astype("float64").to_numpy()
    lon = pd.to_numeric(members["lon"], errors="coerce").astype("float64").to_numpy()
    county = members["county_fips"].astype("string")
    states = sorted(county.dropna().str[:2].unique().tolist())
    vintage = geo.vintage_of(county)
    centroids = geo.county_centroids(states, vintage=vintage) if states else pd.DataFrame(columns=["lat", "lon"], dtype=float)
    home = centroids.reindex(county.fillna("").to_numpy())
    hidden = members["confidential_location"].fillna(False).astype(bool).to_numpy()
    use_home = hidden | np.isnan(lat) | np.isnan(lon)
    out = pd.DataFrame(
        {
            "lat": np.where(use_home, home["lat"].to_numpy(dtype=float), lat),
            "lon": np.where(use_home, home["lon"].to_numpy(dtype=float), lon),
        },
        index=pd.Index(members["member_id"].astype("string").to_numpy(), name="member_id"),
    )
    return out.dropna()


# ------------------------------------------------------------------------ eligibility


def eligible_capacity(capacity: pd.DataFrame, segment: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The capacity rows that serve a population segment.

    Parameters
    ----------
    capacity : pandas.DataFrame
        Contract ``capacity`` rows.
    segment : dict, optional
        Any of ``age`` (``"minor"`` or ``"adult"``: ``serves_minors`` /
        ``serves_adults``), ``gender`` (``"female"``, ``"male"``, ``"nonbinary"``:
        listed in ``genders`` or ``genders == "all"``), ``nationality``
        (``"foreign_national"``: ``serves_foreign_nationals``; ``"us_citizen"``
        filters nothing), ``language`` (an ISO 639-1 code: listed in ``languages`` or
        ``languages == "any"``). All keys must hold. None or ``{}``: every row.

    Returns
    -------
    pandas.DataFrame
        The rows kept, index unchanged. A missing flag or list counts as not served.

    Examples
    --------
    >>> cap = pd.DataFrame({"serves_minors": [True, False], "serves_adults": [True, True],
    ...                     "genders": ["female", "all"], "serves_foreign_nationals": [True, False],
    ...                     "languages": ["en;es", "any"]})
    >>> eligible_capacity(cap, {"gender": "male", "age": "adult"}).index.tolist()
    [1]
    >>> eligible_capacity(cap, {"language": "es", "nationality": "foreign_national"}).index.tolist()
    [0]
    """
    if not segment:
        return capacity
    unknown = sorted(set(segment) - set(SEGMENT_KEYS))
    if unknown:
        raise ValueError(f"unknown segment key(s) {unknown}; use {list(SEGMENT_KEYS)}")
    keep = pd.Series(True, index=capacity.index)
    age = segment.get("age")
    if age is not None:
        flags = {"minor": "serves_minors", "adult": "serves_adults", "adults": "serves_adults"}
        if age not in flags:
            raise ValueError(f"segment age must be 'minor' or 'adult', got {age!r}")
        keep &= capacity[flags[age]].fillna(False).astype(bool)
    gender = segment.get("gender")
    if gender is not None:
        if gender not in contract.GENDERS:
            raise ValueError(f"segment gender must be one of {list(contract.GENDERS)}, got {gender!r}")
        keep &= _listed(capacity["genders"], gender, contract.ALL_GENDERS)
    nationality = segment.get("nationality")
    if nationality is not None:
        if nationality not in contract.NATIONALITIES:
            raise ValueError(f"segment nationality must be one of {list(contract.NATIONALITIES)}, got {nationality!r}")
        if nationality == "foreign_national":
            keep &= capacity["serves_foreign_nationals"].fillna(False).astype(bool)
    language = segment.get("language")
    if language is not None:
        keep &= _listed(capacity["languages"], str(language), contract.ANY_LANGUAGE)
    return capacity[keep.to_numpy()]


def _listed(column: pd.Series, value: str, everyone: str) -> pd.Series:
    """Whether ``value`` is an item of each ``;``-list (or the list is ``everyone``)."""
    items = column.astype("string").str.lower().str.replace(" ", "", regex=False)
    sep = re.escape(contract.LIST_SEPARATOR)
    item = rf"(?:^|{sep}){re.escape(value.strip().lower())}(?:{sep}|$)"
    hit = (items == everyone) | items.str.contains(item, regex=True)
    return hit.fillna(False).astype(bool)
