"""Service coverage and spatial access per county × service, and service deserts.

Where are the task force's services, and who can reach them? For a reporting period and
a region (a set of counties), per county × service:

- **members serving** the county: members with a capacity row for the service whose
  ``service_area`` includes the county (:func:`tfanalysis.service_areas.served_counties`);
- **capacity per month** of those rows, and per 100,000 residents: the capacity *in
  force*, averaged over the period (:func:`tfanalysis.capacity_in_force.places_per_month`,
  the definition gaps uses for places): a member's successive rows (6 a month, then 8)
  follow each other and do not add up, and a row valid for part of the period counts for
  that part. A statewide provider's whole capacity counts in each county it serves: the
  figure is what the county's residents may draw on, not a share, and does not add up
  across counties;
- **nearest miles**: great-circle miles from the county's centroid
  (:func:`tfanalysis.geo.county_centroids`) to the nearest member location offering the
  service, wherever its service area lies;
- **need**: needs the service meets (:func:`tfanalysis.taxonomy.service_covers_need`)
  identified in the period for clients living in the county. A raw count: reports show
  it as the publication layer releases it (:func:`published_coverage`);
- **access**: the E2SFCA/2SFCA score (:func:`tfanalysis.access.access_scores`) with
  county population as demand, member capacity per month as supply, scaled to capacity
  per month per 100,000 residents within reach.

Definitions used throughout:

- *in the period*: members active and capacity rows valid at any time in it
  (:meth:`tfanalysis.io.TaskForceData.in_period`); needs identified in it.
- *offers a service*: a capacity row offers service ``s`` when it meets a need ``s``
  (:func:`~tfanalysis.taxonomy.service_covers_need`): generic ``housing`` capacity offers
  every housing subtype, and every housing subtype offers plain ``housing``.
- *member location*: the member's latitude/longitude; for a member without coordinates
  or with ``confidential_location``, the centroid of its county. Confidential addresses
  are never used, not even in distances: distances from several county centroids to one
  point would locate it (trilateration). This matches ``service_areas``' radius rule.
- *desert* (:func:`deserts`): a county × service with need identified in the period, no
  eligible capacity row whose service area includes the county, and no eligible
  member location offering the service within ``max_miles`` of the county's centroid
  (``nearest_miles > max_miles``, infinite when no member offers it at all).

Publishing: counts of needs are victim counts. Everything a report shows about them —
the needs per county × service, the deserts (where need exists shows through them), the
order of the services on the map, the distances over the pairs with need — is read from
:func:`published_coverage`, whose counts the run's :class:`~tfanalysis.publication.Release`
released; never from the raw ``need`` column.

Examples
--------
>>> from tfanalysis import load_dataset
>>> table = county_service_coverage(load_dataset(DEMO_DIR), "2025", services=["legal_representation"])
>>> meigs = table.set_index("county_fips").loc["39105"]
>>> int(meigs["members_serving"]), round(float(meigs["nearest_miles"]))
(0, 80)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis import contract, geo, service_areas, taxonomy
from tfanalysis.access import DEFAULT_STEP_WEIGHTS, EARTH_RADIUS_MILES, Weights, access_scores, gaussian_weights
from tfanalysis.capacity_in_force import period_window, places_per_month
from tfanalysis.io import TaskForceData
from tfanalysis.periods import PeriodLike, parse_period
from tfanalysis.publication import Interval, Release, Released

__all__ = [
    "DECAYS",
    "SEGMENT_KEYS",
    "access_scores",
    "county_access",
    "county_service_coverage",
    "decay_weights",
    "deserts",
    "deserts_markdown",
    "deserts_table",
    "eligible_capacity",
    "median_nearest_miles",
    "member_locations",
    "member_points",
    "published_coverage",
    "published_deserts",
    "region_counties",
    "region_geojson",
    "residents_of",
    "services_to_map",
    "worst_covered",
]

DECAYS = ("step", "gaussian", "none")
"""Distance decays of :func:`county_access`: step weights scaled to ``max_miles``, a
Gaussian reaching 0 at ``max_miles`` (:func:`~tfanalysis.access.gaussian_weights`), or
none (plain 2SFCA)."""

SEGMENT_KEYS = ("age", "gender", "nationality", "language")
"""Keys of a population segment spec, see :func:`eligible_capacity`."""

PER_RESIDENTS = 100_000

_COVERAGE_COLUMNS = [
    "county_fips", "county", "state", "service", "residents", "members_serving",
    "capacity_per_month", "capacity_per_100k", "nearest_miles", "need",
]


# ------------------------------------------------------------------ region and inputs


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
        members are located in (:func:`tfanalysis.service_areas.task_force_states`).
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
        raise ValueError(f"unknown service code(s) {unknown}; see tfanalysis.taxonomy.SERVICE_CODES")
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


# -------------------------------------------------------------------------- coverage


def _prepare(
    data: TaskForceData,
    period: PeriodLike,
    region: str | Iterable[str] | None,
    services: str | Iterable[str] | None,
    segment: Mapping[str, str] | None,
) -> tuple[TaskForceData, pd.DataFrame, list[str], pd.DataFrame, pd.DataFrame]:
    """The period's data, region counties, services, eligible capacity and what it offers."""
    current = data.in_period(period)
    area = region_counties(current.members if len(current.members) else data.members, region, vintage=geo.dataset_vintage(data))
    chosen = _services(current, services)
    capacity = eligible_capacity(current.capacity, segment)
    # A capacity row of a member who left before the period does not count either.
    capacity = capacity[capacity["member_id"].isin(current.members["member_id"]).to_numpy()]
    # The capacity in force, averaged over the period: a member's successive rows follow
    # each other (6 a month, then 8), they do not add up (the same rule as gaps' places).
    start, end, _ = period_window(data, period)
    in_force = places_per_month(capacity, start, end) if len(capacity) else pd.Series(dtype=float)
    offers = _offers(capacity, chosen).merge(
        pd.DataFrame(
            {
                "capacity_row": capacity.index,
                "member_id": capacity["member_id"].astype("string").to_numpy(),
                "capacity_per_month": in_force.fillna(0.0).to_numpy(dtype=float),
            }
        ),
        on="capacity_row",
    )
    return current, area, chosen, capacity, offers


def _supply_points(current: TaskForceData, offers: pd.DataFrame) -> pd.DataFrame:
    """Each member's capacity per month for each service it offers, at its location.

    Columns ``service``, ``member_id``, ``capacity_per_month`` (the member's total for the
    service), ``lat``, ``lon``; members with no location are left out.
    """
    supply = offers.groupby(["service", "member_id"], as_index=False)["capacity_per_month"].sum()
    return supply.join(member_locations(current.members), on="member_id", how="inner")


def _county_points(area: pd.DataFrame) -> pd.DataFrame:
    """The region's counties at their centroids: ``county_fips``, ``c_lat``, ``c_lon``, in the region's order."""
    centroids = geo.county_centroids(sorted(area["county_fips"].str[:2].unique().tolist()), vintage=geo.vintage_of(area["county_fips"]))
    return area[["county_fips"]].join(centroids, on="county_fips").rename(columns={"lat": "c_lat", "lon": "c_lon"})


def _unit_vectors(lat: Any, lon: Any) -> np.ndarray:
    lat, lon = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _located(frame: pd.DataFrame, lat: str, lon: str) -> np.ndarray:
    return np.flatnonzero(np.isfinite(frame[lat].to_numpy(dtype=float, na_value=np.nan)) & np.isfinite(frame[lon].to_numpy(dtype=float, na_value=np.nan)))


def _provider_distances(current: TaskForceData, area: pd.DataFrame, offers: pd.DataFrame, max_miles: float) -> pd.DataFrame:
    """County × member pairs within ``max_miles``, for each service the member offers, with great-circle miles.

    Columns ``county_fips``, ``service``, ``member_id``, ``capacity_per_month`` (the member's
    total for the service), ``miles``; in the order of the region's counties, then of the
    supply (the order of the county × supply table this is a part of, so sums over it are
    the same). Only the pairs a catchment can hold are found (a k-d tree on the sphere, a
    hair wider than the catchment: the miles then decide): the whole county × provider
    table grows with the square of the states covered (tens of gigabytes nationally).
    """
    from scipy.spatial import cKDTree

    supply = _supply_points(current, offers).reset_index(drop=True)
    places = _county_points(area).reset_index(drop=True)
    located_places = _located(places, "c_lat", "c_lon")
    members = supply.drop_duplicates("member_id")
    members = members.iloc[_located(members, "lat", "lon")]
    columns = ["county_fips", "service", "member_id", "capacity_per_month", "miles"]
    if not len(located_places) or not len(members):
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("capacity_per_month", "miles") else "string") for c in columns})
    chord = 2.0 * np.sin(min(float(max_miles) / EARTH_RADIUS_MILES, np.pi) / 2.0) * (1.0 + 1e-6) + 1e-12
    near = cKDTree(_unit_vectors(places["c_lat"].iloc[located_places], places["c_lon"].iloc[located_places])).sparse_distance_matrix(
        cKDTree(_unit_vectors(members["lat"], members["lon"])), chord, output_type="ndarray")
    found = pd.DataFrame({"_place": located_places[near["i"]], "member_id": members["member_id"].to_numpy()[near["j"]]})
    pairs = found.merge(supply.rename_axis("_supply").reset_index(), on="member_id")
    pairs = pairs.sort_values(["_place", "_supply"], kind="stable", ignore_index=True)
    place = places.iloc[pairs["_place"].to_numpy()]
    pairs["county_fips"] = place["county_fips"].to_numpy()
    pairs["miles"] = service_areas.great_circle_miles(place["c_lat"].to_numpy(), place["c_lon"].to_numpy(), pairs["lat"], pairs["lon"])
    return pairs[columns]


def _nearest_providers(current: TaskForceData, area: pd.DataFrame, offers: pd.DataFrame) -> pd.DataFrame:
    """Miles from each county's centroid to the nearest member offering each service, wherever it is.

    ``county_fips``, ``service``, ``nearest_miles``: the least great-circle miles over the
    service's members (a k-d tree per service finds the few nearest on the sphere; the
    miles of those decide, so the result is the least of all the miles).
    """
    from scipy.spatial import cKDTree

    supply = _supply_points(current, offers)
    places = _county_points(area).reset_index(drop=True)
    places = places.iloc[_located(places, "c_lat", "c_lon")]
    supply = supply.iloc[_located(supply, "lat", "lon")]
    if not len(places) or not len(supply):
        return pd.DataFrame({"county_fips": pd.Series(dtype="string"), "service": pd.Series(dtype="string"), "nearest_miles": pd.Series(dtype="float64")})
    xyz = _unit_vectors(places["c_lat"], places["c_lon"])
    c_lat, c_lon = places["c_lat"].to_numpy(dtype=float)[:, None], places["c_lon"].to_numpy(dtype=float)[:, None]
    parts = []
    for service, offered in supply.groupby("service", sort=True):  # one tree per service: a few dozen
        k = min(8, len(offered))  # the 8 nearest chords: ties of the miles to the last bit are among them
        _, at = cKDTree(_unit_vectors(offered["lat"], offered["lon"])).query(xyz, k=k)
        at = np.asarray(at).reshape(len(xyz), k)
        lat, lon = offered["lat"].to_numpy(dtype=float)[at], offered["lon"].to_numpy(dtype=float)[at]
        miles = service_areas.great_circle_miles(c_lat, c_lon, lat, lon).min(axis=1)
        parts.append(pd.DataFrame({"county_fips": places["county_fips"].to_numpy(), "service": service, "nearest_miles": miles}))
    return pd.concat(parts, ignore_index=True)


def _need_by_county(data: TaskForceData, current: TaskForceData, services: list[str]) -> pd.DataFrame:
    """Needs identified in the period that each service meets, by client county."""
    # Clients identified before the period keep their county: look them up in all the data.
    home = data.clients.drop_duplicates("client_id").set_index("client_id")["county_fips"]
    needs = pd.DataFrame(
        {
            "county_fips": current.needs["client_id"].map(home).astype("string").to_numpy(),
            "need_code": current.needs["need"].astype("string").to_numpy(),
        }
    ).dropna()
    per_code = needs.groupby(["county_fips", "need_code"], as_index=False).size()
    pairs = per_code.merge(pd.DataFrame({"service": pd.array(services, dtype="string")}), how="cross")
    pairs = pairs[taxonomy.service_covers_need(pairs["service"], pairs["need_code"]).to_numpy()]
    return pairs.groupby(["county_fips", "service"], as_index=False)["size"].sum().rename(columns={"size": "need"})


def county_service_coverage(
    data: TaskForceData,
    period: PeriodLike = None,
    *,
    region: str | Iterable[str] | None = None,
    services: str | Iterable[str] | None = None,
    segment: Mapping[str, str] | None = None,
    max_miles: float = 60.0,
    decay: str = "step",
) -> pd.DataFrame:
    """Coverage of every county of the region for every service, in a period.

    Parameters
    ----------
    data : TaskForceData
        The whole dataset (:func:`tfanalysis.load_dataset`).
    period : str, (start, end) or None
        Reporting period (:mod:`tfanalysis.periods`); None for all the data.
    region : str or list of str, optional
        See :func:`region_counties`; default the members' states.
    services : str or list of str, optional
        Service codes (a ``;``-list or a list); default every service offered or needed
        in the period.
    segment : dict, optional
        Count only capacity serving this population segment (:func:`eligible_capacity`).
    max_miles : float, default 60
        Catchment of the access score, in miles.
    decay : {"step", "gaussian", "none"}
        Distance decay of the access score, see :func:`county_access`.

    Returns
    -------
    pandas.DataFrame
        One row per county × service, every county of the region (also those with
        nothing), sorted by service then FIPS. Columns ``county_fips``, ``county``,
        ``state``, ``service``, ``residents``, ``members_serving`` (int),
        ``capacity_per_month``, ``capacity_per_100k``, ``nearest_miles`` (NaN when no
        member offers the service), ``need`` (int, raw: publish through
        :func:`published_coverage`) and ``access`` (capacity per month per 100,000
        residents within reach, :func:`county_access`).

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> t = county_service_coverage(load_dataset(DEMO_DIR), "2025Q1", services="mental_health_care")
    >>> len(t), int(t["members_serving"].max()) > 0
    (88, True)
    """
    current, area, chosen, capacity, offers = _prepare(data, period, region, services, segment)
    served = service_areas.served_counties(capacity, current.members)[["capacity_row", "county_fips"]]
    served = served.merge(offers, on="capacity_row")
    served_stats = served.groupby(["county_fips", "service"], as_index=False).agg(
        members_serving=("member_id", "nunique"), capacity_per_month=("capacity_per_month", "sum")
    )
    pairs = _provider_distances(current, area, offers, max_miles)
    nearest = _nearest_providers(current, area, offers)
    need = _need_by_county(data, current, chosen)

    grid = area.merge(pd.DataFrame({"service": pd.array(chosen, dtype="string")}), how="cross")
    for part in (served_stats, nearest, need):
        part = part.astype({"county_fips": "string", "service": "string"})
        grid = grid.merge(part, on=["county_fips", "service"], how="left")
    grid["members_serving"] = grid["members_serving"].fillna(0).astype("int64")
    grid["capacity_per_month"] = grid["capacity_per_month"].fillna(0.0).astype("float64")
    grid["need"] = grid["need"].fillna(0).astype("int64")
    grid["nearest_miles"] = grid["nearest_miles"].astype("float64")
    residents = grid["residents"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        grid["capacity_per_100k"] = np.where(residents > 0, grid["capacity_per_month"] / residents * PER_RESIDENTS, np.nan)
    scores = _access(pairs, area, chosen, max_miles=max_miles, decay=decay)
    grid = grid.merge(scores, on=["county_fips", "service"], how="left")
    return grid[[*_COVERAGE_COLUMNS, "access"]].sort_values(["service", "county_fips"], ignore_index=True)


# ---------------------------------------------------------------------------- access


def decay_weights(decay: str, max_miles: float) -> Weights:
    """The E2SFCA weights of a named decay, scaled to the catchment.

    ``step``: Luo & Qi's steps (1, 0.68, 0.22) at a third, two thirds and all of
    ``max_miles`` (their 10/20/30 with a 30 catchment). ``gaussian``:
    :func:`~tfanalysis.access.gaussian_weights`. ``none``: None (plain 2SFCA).

    Examples
    --------
    >>> decay_weights("step", 60)
    {20.0: 1.0, 40.0: 0.68, 60.0: 0.22}
    """
    if decay == "step":
        top = max(DEFAULT_STEP_WEIGHTS)
        return {float(k) / top * float(max_miles): float(v) for k, v in DEFAULT_STEP_WEIGHTS.items()}
    if decay == "gaussian":
        return gaussian_weights(max_miles)
    if decay == "none":
        return None
    raise ValueError(f"decay must be one of {list(DECAYS)}, got {decay!r}")


def _access(
    pairs: pd.DataFrame,
    area: pd.DataFrame,
    services: list[str],
    *,
    max_miles: float,
    decay: str = "step",
    method: str | None = None,
    weights: Weights = None,
    demand: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Access of every county × service in one sparse computation.

    Demand ids are ``county|service`` and supply ids ``member|service``: a provider of one
    service is never in reach of the demand for another.
    """
    if method is None:
        method = "2sfca" if decay == "none" and weights is None else "e2sfca"
    if weights is None and method == "e2sfca":
        weights = decay_weights(decay, max_miles)
    grid = area[["county_fips", "residents"]].merge(pd.DataFrame({"service": pd.array(services, dtype="string")}), how="cross")
    if demand is None:
        grid["demand"] = grid["residents"].astype("Float64").fillna(0).astype(float)
    else:
        grid = grid.merge(demand.astype({"county_fips": "string", "service": "string"}), on=["county_fips", "service"], how="left")
        grid["demand"] = grid["demand"].astype("Float64").fillna(0).astype(float)
    grid["id"] = grid["county_fips"].astype(str) + "|" + grid["service"].astype(str)
    pairs = pairs[pairs["miles"] <= max_miles]
    supply = pairs.drop_duplicates(["member_id", "service"])
    supply_ids = supply["member_id"].astype(str) + "|" + supply["service"].astype(str)
    cost = pd.DataFrame(
        {
            "origin": (pairs["county_fips"].astype(str) + "|" + pairs["service"].astype(str)).to_numpy(),
            "dest": (pairs["member_id"].astype(str) + "|" + pairs["service"].astype(str)).to_numpy(),
            "cost": pairs["miles"].to_numpy(dtype=float),
        }
    )
    cost = cost[cost["origin"].isin(grid["id"])]
    scores = access_scores(
        pd.Series(grid["demand"].to_numpy(), index=grid["id"].to_numpy()),
        pd.Series(supply["capacity_per_month"].to_numpy(dtype=float), index=supply_ids.to_numpy()),
        cost=cost,
        max_cost=float(max_miles),
        weights=None if method == "2sfca" else weights,
        method=method,
    )
    scale = PER_RESIDENTS if demand is None else 1.0
    return pd.DataFrame(
        {"county_fips": grid["county_fips"], "service": grid["service"], "access": scores.to_numpy() * scale}
    )


def county_access(
    data: TaskForceData,
    period: PeriodLike = None,
    *,
    region: str | Iterable[str] | None = None,
    services: str | Iterable[str] | None = None,
    max_miles: float = 60.0,
    method: str = "e2sfca",
    decay: str = "step",
    weights: Weights = None,
    segment: Mapping[str, str] | None = None,
    demand: str = "residents",
) -> pd.DataFrame:
    """Spatial access (E2SFCA or 2SFCA) of every county of the region to each service.

    Demand: the county's residents (or ``demand="need"``: needs identified in the
    period that the service meets) at its centroid. Supply: each member's capacity per
    month for the service (rows valid in the period, members active in it, serving the
    ``segment`` if given) at the member's location (:func:`member_locations`).
    Catchment: ``max_miles`` great-circle miles.

    Parameters
    ----------
    data, period, region, services, segment
        As in :func:`county_service_coverage`.
    max_miles : float, default 60
        Catchment in miles (``max_cost`` of :func:`~tfanalysis.access.access_scores`).
    method : {"e2sfca", "2sfca"}
        Enhanced (distance-decayed) or plain two-step floating catchment area.
    decay : {"step", "gaussian", "none"}
        E2SFCA decay when ``weights`` is not given (:func:`decay_weights`).
    weights : dict or callable, optional
        Explicit E2SFCA weights (miles), overriding ``decay``.
    demand : {"residents", "need"}
        What competes for the capacity.

    Returns
    -------
    pandas.DataFrame
        ``county_fips``, ``service``, ``access``: capacity per month per 100,000
        residents within reach (``demand="residents"``), or per identified need
        (``demand="need"``); 0 where nothing is in reach.

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> a = county_access(load_dataset(DEMO_DIR), "2025", services="legal_representation")
    >>> float(a.loc[a["county_fips"] == "39105", "access"].iloc[0])
    0.0
    """
    if demand not in ("residents", "need"):
        raise ValueError(f"demand must be 'residents' or 'need', got {demand!r}")
    current, area, chosen, _, offers = _prepare(data, period, region, services, segment)
    pairs = _provider_distances(current, area, offers, max_miles)
    need = _need_by_county(data, current, chosen).rename(columns={"need": "demand"}) if demand == "need" else None
    if method == "2sfca":
        decay = "none"
    return _access(pairs, area, chosen, max_miles=max_miles, decay=decay, method=method, weights=weights, demand=need)


# --------------------------------------------------------------------------- deserts


def deserts(
    data: TaskForceData | None = None,
    period: PeriodLike = None,
    *,
    max_miles: float = 60.0,
    region: str | Iterable[str] | None = None,
    services: str | Iterable[str] | None = None,
    segment: Mapping[str, str] | None = None,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """County × service pairs with identified need and no eligible provider in reach.

    A county × service is a desert when, in the period, (1) clients living in the county
    had at least one need the service meets, (2) no eligible capacity row for it has the
    county in its service area, and (3) no eligible member location offering it is within
    ``max_miles`` of the county's centroid (or none exists anywhere).

    Parameters
    ----------
    data, period, region, services, segment
        As in :func:`county_service_coverage` (ignored when ``table`` is given).
    max_miles : float, default 60
        Distance threshold in miles.
    table : pandas.DataFrame, optional
        A raw :func:`county_service_coverage` table to read instead of computing one.

    Returns
    -------
    pandas.DataFrame
        ``county_fips``, ``county``, ``service``, ``need`` (raw count), ``nearest_miles``
        (NaN: no provider at all), ``residents``, ``kind`` (``"no provider"`` or
        ``"none within reach"``), sorted by service then FIPS. Raw need counts: a report
        lists :func:`published_deserts` instead, where need is read from the release.

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> d = deserts(load_dataset(DEMO_DIR), None, services="legal_representation")
    >>> d["county"].tolist()
    ['Gallia', 'Meigs', 'Monroe', 'Morgan', 'Noble']
    """
    if table is None:
        if data is None:
            raise TypeError("give data (and a period) or a coverage table=")
        table = county_service_coverage(data, period, region=region, services=services, segment=segment, max_miles=max_miles)
    return _as_deserts(table[(table["need"] > 0) & _without_provider(table, max_miles)])


# ------------------------------------------------------------------------- publishing


def published_coverage(
    table: pd.DataFrame,
    release: Release,
    period: PeriodLike = None,
    *,
    name: str = "Coverage: needs per county and service",
) -> pd.DataFrame:
    """The coverage table with every count of needs as the publication layer releases it.

    The needs of a county for a service are victim counts: they are counted again by
    ``release`` (:class:`tfanalysis.publication.Release`) from the units of the whole
    dataset, as needs identified in the period by clients living in the county, and
    released as one county × need table (its margins too: needs per county, per need)
    with the suppression pattern the whole run shares. A service that meets needs of
    several codes present in the data (generic ``housing``, or a housing subtype where
    plain ``housing`` needs were recorded) gets a table of its own over the same counties.
    Members, capacity, distances, access and population are not counts of victims and
    are left as they are.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`county_service_coverage` for ``period``.
    release : tfanalysis.publication.Release
        The run's release, built on the whole dataset (:func:`tfanalysis.notebook.release`).
    period : str, (start, end) or None
        The period of ``table``: needs identified in it are counted.
    name : str
        The released table's name (what the audit reports).

    Returns
    -------
    pandas.DataFrame
        ``table`` with ``need`` as released (an int, or ``"<k"`` where hidden) and
        ``has_need`` (boolean): True where the release shows at least one need (a count
        above 0, or a hidden one: a hidden count is at least 1 since zeros are shown),
        False where it shows 0, ``<NA>`` where the count is withheld with its whole line
        (zeros hidden too, so the release does not say whether there was need).

    Examples
    --------
    >>> from tfanalysis.publication import Release
    >>> units = pd.DataFrame({"county_fips": ["1"] * 3 + ["2"] * 40, "need": "food",
    ...                       "identified_on": pd.to_datetime(["2025-02-01"] * 43)})
    >>> t = pd.DataFrame({"county_fips": ["1", "2", "3"], "service": "food", "need": [3, 40, 0]})
    >>> published_coverage(t, Release(None, 11, units={"needs": units}), "2025")[["need", "has_need"]].values.tolist()
    [['<11', True], ['<11', True], [0, False]]
    """
    if table.empty:
        return table.assign(need=pd.Series(dtype=object), has_need=pd.Series(dtype="boolean"))
    counties = sorted(table["county_fips"].astype(str).unique())
    services = sorted(table["service"].astype(str).unique())
    where = {"identified_on": _identified_in(period), "county_fips": counties}
    codes = _need_codes(services, release.units("needs")["need"])
    parts = []
    single = sorted({c[0] for c in codes.values() if len(c) == 1})
    if single:
        grid = release.table("needs", rows="county_fips", columns="need", where=where,
                             levels={"county_fips": counties, "need": single}, name=name)
        cells = _released_long(release, grid)
        for service in services:
            if len(codes[service]) == 1:
                parts.append(cells[cells["code"] == codes[service][0]].assign(service=service))
    for service in services:
        if len(codes[service]) > 1:
            own = release.table("needs", rows="county_fips", where={**where, "need": list(codes[service])},
                                levels={"county_fips": counties}, name=f"{name}: {_label(service)}")
            parts.append(_released_long(release, own).assign(service=service))
    released = pd.concat(parts, ignore_index=True)
    known = pd.Series(released["hidden"].to_numpy() | (pd.to_numeric(released["need"], errors="coerce").fillna(0).to_numpy() > 0),
                      dtype="boolean")
    released["has_need"] = known.mask(released["withheld"].to_numpy(bool))
    released = released.astype({"county_fips": table["county_fips"].dtype, "service": table["service"].dtype})
    out = table.drop(columns=["need", "has_need"], errors="ignore").merge(
        released[["county_fips", "service", "need", "has_need"]], on=["county_fips", "service"], how="left")
    return out[[*table.columns.drop("has_need", errors="ignore"), "has_need"]]


def _identified_in(period: PeriodLike) -> Interval:
    """The period as the publication layer's range of ``identified_on`` days."""
    p = parse_period(period)
    return Interval(p.start, p.end)


def _need_codes(services: list[str], present: pd.Series) -> dict[str, tuple[str, ...]]:
    """The need codes each service meets among those the data hold (the service's own code if none)."""
    codes = pd.Series(pd.unique(present.astype(str).to_numpy()), dtype="string")
    pairs = pd.DataFrame({"service": pd.array(services, dtype="string")}).merge(codes.rename("code").to_frame(), how="cross")
    pairs = pairs[taxonomy.service_covers_need(pairs["service"], pairs["code"]).to_numpy()]
    met = pairs.groupby("service")["code"].agg(lambda c: tuple(sorted(c.astype(str))))
    return {s: met.get(s) or (s,) for s in services}


def _released_long(release: Release, released: Released) -> pd.DataFrame:
    """One row per inner count of a released county table: county_fips, code, need, hidden, withheld."""
    inner = (slice(None, -1), slice(None, -1)) if not released.is_series else (slice(None, -1), slice(None))
    shown = released.shown.iloc[inner]
    hidden = released.hidden.iloc[inner].to_numpy(bool)
    keys = released.keys.iloc[inner].to_numpy(dtype=object)
    # a count withheld with its line (zeros too) is recorded in the ledger, where its status lives
    withheld_by_key = release.ledger.cells.set_index("key")["withheld"]
    withheld = withheld_by_key.reindex(keys.ravel()).fillna(False).to_numpy(bool).reshape(keys.shape)
    codes = ["" for _ in shown.columns] if released.is_series else [str(c) for c in shown.columns]
    return pd.DataFrame({
        "county_fips": np.repeat(shown.index.astype(str).to_numpy(), len(codes)),
        "code": np.tile(np.array(codes, dtype=object), len(shown.index)),
        "need": shown.to_numpy(dtype=object).ravel(),
        "hidden": hidden.ravel(),
        "withheld": withheld.ravel() & hidden.ravel(),
    })


def _without_provider(table: pd.DataFrame, max_miles: float) -> pd.Series:
    """No member serves the county and none offering the service is within ``max_miles``."""
    nearest = table["nearest_miles"]
    return (table["members_serving"] == 0) & (nearest.isna() | (nearest > max_miles))


def _as_deserts(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.assign(kind=np.where(rows["nearest_miles"].isna(), "no provider", "none within reach"))
    return rows[["county_fips", "county", "service", "need", "nearest_miles", "residents", "kind"]].reset_index(drop=True)


def published_deserts(published: pd.DataFrame, *, max_miles: float = 60.0) -> pd.DataFrame:
    """The service deserts the release shows: no provider in reach, need shown to exist.

    A county × service of a :func:`published_coverage` table is listed when no member
    serves the county, none offering the service is within ``max_miles`` and the released
    count of needs says there was need (``has_need``: a count above 0, or hidden, which
    is at least 1). A count withheld with its line says nothing either way: that pair is
    not listed (:func:`deserts_markdown` counts such pairs), so that which hidden counts
    are zero never shows through the list.

    Returns
    -------
    pandas.DataFrame
        As :func:`deserts`, ``need`` as released.

    Examples
    --------
    >>> p = pd.DataFrame({"county_fips": ["1", "2", "3"], "county": ["A", "B", "C"], "service": "food",
    ...                   "need": ["<11", 0, "<11"], "has_need": pd.array([True, False, pd.NA], dtype="boolean"),
    ...                   "members_serving": 0, "nearest_miles": [80.0, 90.0, None], "residents": [10, 20, 30]})
    >>> published_deserts(p)[["county", "need", "kind"]].values.tolist()
    [['A', '<11', 'none within reach']]
    """
    shown = published["has_need"].fillna(False).astype(bool)
    return _as_deserts(published[shown & _without_provider(published, max_miles)])


def member_points(data: TaskForceData, period: PeriodLike = None, *, services: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Member locations that may be drawn: never confidential ones, never guessed ones.

    Returns
    -------
    pandas.DataFrame
        One row per member × service offered in the period: ``member_id``, ``name``,
        ``sector``, ``service``, ``lat``, ``lon``. Members with ``confidential_location``
        or without their own coordinates are left out.

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> p = member_points(load_dataset(DEMO_DIR), "2025")
    >>> bool(p["member_id"].isin(load_dataset(DEMO_DIR).members.query("confidential_location")["member_id"]).any())
    False
    """
    current, _, chosen, _, offers = _prepare(data, period, None, services, None)
    members = current.members.drop_duplicates("member_id")
    public = members[~members["confidential_location"].fillna(True).astype(bool).to_numpy()]
    public = public[public["lat"].notna().to_numpy() & public["lon"].notna().to_numpy()]
    points = offers[["member_id", "service"]].drop_duplicates().merge(
        public[["member_id", "name", "sector", "lat", "lon"]].astype({"member_id": "string"}), on="member_id"
    )
    points = points.astype({"lat": "float64", "lon": "float64"})
    return points[["member_id", "name", "sector", "service", "lat", "lon"]].sort_values(["service", "member_id"], ignore_index=True)


def services_to_map(published: pd.DataFrame, found: pd.DataFrame, limit: int = 5) -> list[str]:
    """The services worth a map: those with deserts, then those needed in the most counties.

    Read from what is released only: the deserts of :func:`published_deserts` and the
    counties whose released count shows need (``has_need``), never from true counts (an
    order picked from them would tell hidden counts apart). Ties by service code.

    Examples
    --------
    >>> p = pd.DataFrame({"service": ["a", "b", "b", "c"],
    ...                   "has_need": pd.array([True, True, True, False], dtype="boolean")})
    >>> services_to_map(p, pd.DataFrame({"service": ["c"]}), limit=2)
    ['c', 'b']
    """
    with_need = published["has_need"].fillna(False).astype(bool).groupby(published["service"].astype(str)).sum()
    with_deserts = found["service"].astype(str).value_counts()
    order = pd.DataFrame({"deserts": with_deserts.reindex(with_need.index, fill_value=0), "counties": with_need})
    order = order[(order["counties"] > 0) | (order["deserts"] > 0)].sort_index()
    order = order.sort_values(["deserts", "counties"], ascending=False, kind="stable")
    return [str(s) for s in order.index[:limit]]


def worst_covered(published: pd.DataFrame, services: Iterable[str], n: int = 3) -> pd.DataFrame:
    """The ``n`` counties with the lowest access per service (ties: the farthest first).

    Chosen by access and distance, never by needs; the needs shown are those of
    :func:`published_coverage`.

    Returns
    -------
    pandas.DataFrame
        Indexed by service label and county, columns ``access per 100k``, ``nearest
        miles``, ``members serving``, ``needs`` (as released).

    Examples
    --------
    >>> p = pd.DataFrame({"service": "food", "county": ["A", "B", "C"], "access": [0.0, 0.0, 5.0],
    ...                   "nearest_miles": [10.0, 70.0, 1.0], "members_serving": [1, 0, 2], "need": [0, "<11", 25]})
    >>> worst_covered(p, ["food"], n=2)["needs"].tolist()
    ['<11', 0]
    """
    t = published[published["service"].isin(list(services))]
    t = t.assign(_far=t["nearest_miles"].fillna(np.inf))
    t = t.sort_values(["service", "access", "_far"], ascending=[True, True, False], kind="stable")
    worst = t.groupby("service", sort=True).head(n)
    return pd.DataFrame(
        {
            "access per 100k": worst["access"].round(1).to_numpy(),
            "nearest miles": worst["nearest_miles"].round(0).to_numpy(),
            "members serving": worst["members_serving"].to_numpy(),
            "needs": worst["need"].to_numpy(),
        },
        index=pd.MultiIndex.from_arrays(
            [worst["service"].map(_label).to_numpy(), worst["county"].to_numpy()], names=["service", "county"]
        ),
    )


def deserts_table(found: pd.DataFrame) -> pd.DataFrame:
    """The deserts of :func:`published_deserts` as the report shows them.

    Examples
    --------
    >>> f = pd.DataFrame({"county": ["A"], "service": ["food"], "need": ["<11"], "nearest_miles": [80.4],
    ...                   "residents": [1000], "kind": ["none within reach"]})
    >>> deserts_table(f).reset_index().values.tolist()
    [['Food', 'A', '<11', 80.0, 1000, 'none within reach']]
    """
    return pd.DataFrame(
        {
            "needs": found["need"].to_numpy(),
            "nearest miles": found["nearest_miles"].round(0).to_numpy(),
            "residents": found["residents"].to_numpy(),
            "kind": found["kind"].to_numpy(),
        },
        index=pd.MultiIndex.from_arrays([found["service"].map(_label).to_numpy(), found["county"].to_numpy()],
                                        names=["service", "county"]),
    )


def _label(code: str) -> str:
    return taxonomy.VICTIM_NEEDS.get(code, str(code).replace("_", " "))


def residents_of(found: pd.DataFrame) -> int:
    """Residents of the counties listed (each county once), e.g. of the deserts found.

    Examples
    --------
    >>> residents_of(pd.DataFrame({"county_fips": ["1", "1", "2"], "residents": [1000, 1000, 2500]}))
    3500
    """
    counties = found.drop_duplicates("county_fips")
    return int(pd.to_numeric(counties["residents"], errors="coerce").fillna(0).sum())


def deserts_markdown(published: pd.DataFrame, *, max_miles: float, period_label: str) -> str:
    """A paragraph reading the deserts the release shows (no victim counts in it).

    Parameters
    ----------
    published : pandas.DataFrame
        :func:`published_coverage`; its deserts are :func:`published_deserts`.
    max_miles : float
        The distance threshold.
    period_label : str
        How the report names the period.

    Examples
    --------
    >>> p = pd.DataFrame({"county_fips": ["1", "2", "3"], "county": ["A", "B", "C"], "service": "food",
    ...                   "need": ["<11", 25, "<11"], "has_need": pd.array([True, True, pd.NA], dtype="boolean"),
    ...                   "members_serving": 0, "nearest_miles": [None, None, None], "residents": [1000, 2500, 700]})
    >>> print(deserts_markdown(p, max_miles=60, period_label="2025"))
    In 2025, 2 county × service pairs of the 1 service analysed are service deserts (need identified, no eligible provider serving the county or within 60 miles of its centre): Food (2 counties: A, B). 3,500 residents live in these 2 counties. No member offers Food at all in the period. For 1 more pair without a provider in reach, the count of needs is withheld to protect other counts, so the report does not say whether there was need.
    """
    found = published_deserts(published, max_miles=max_miles)
    analysed = published["service"].nunique()
    services = f"{analysed} service{'s' if analysed != 1 else ''} analysed"
    unknown = int((published["has_need"].isna() & _without_provider(published, max_miles)).sum())
    if found.empty:
        text = (
            f"In {period_label}, no county of the region had needs identified (as the counts released show) for one of "
            f"the {services} without a provider serving it or within {max_miles:g} miles."
        )
    else:
        parts = []
        for service, rows in found.groupby("service", sort=True):
            names = ", ".join(sorted(rows["county"].astype(str)))
            parts.append(f"{_label(service)} ({len(rows)} count{'ies' if len(rows) != 1 else 'y'}: {names})")
        counties = found["county_fips"].nunique()
        none_at_all = sorted(found.loc[found["kind"] == "no provider", "service"].map(_label).unique())
        pairs = f"{len(found)} county × service pair{'s' if len(found) != 1 else ''}"
        text = (
            f"In {period_label}, {pairs} of the {services} {'are service deserts' if len(found) != 1 else 'is a service desert'} "
            f"(need identified, no eligible provider serving the county or within {max_miles:g} miles of its centre): "
            f"{'; '.join(parts)}. {residents_of(found):,} residents live in "
            f"{f'these {counties} counties' if counties != 1 else 'this county'}."
        )
        if none_at_all:
            text += f" No member offers {', '.join(none_at_all)} at all in the period."
    if unknown:
        text += (
            f" For {unknown}{' more' if len(found) else ''} pair{'s' if unknown != 1 else ''} without a provider in reach, the count "
            "of needs is withheld to protect other counts, so the report does not say whether there was need."
        )
    return text


def median_nearest_miles(published: pd.DataFrame) -> float:
    """Median distance to the nearest provider over the county × service pairs with need.

    The pairs are those whose released count shows need (``has_need`` of
    :func:`published_coverage`); a withheld count leaves its pair out. Distances are not
    victim counts; which pairs count is read from the release only.

    Examples
    --------
    >>> median_nearest_miles(pd.DataFrame({"has_need": pd.array([True, True, False, pd.NA], dtype="boolean"),
    ...                                    "nearest_miles": [10.0, 30.0, 99.0, 1.0]}))
    20.0
    """
    miles = published.loc[published["has_need"].fillna(False).astype(bool).to_numpy(), "nearest_miles"].dropna()
    return float(miles.median()) if len(miles) else float("nan")


def region_geojson(table: pd.DataFrame) -> dict[str, Any]:
    """The simplified county layer of the table's counties only, for the choropleth.

    Examples
    --------
    >>> g = region_geojson(pd.DataFrame({"county_fips": ["10001", "10005"]}))
    >>> [f["properties"]["county_fips"] for f in g["features"]]
    ['10001', '10005']
    """
    wanted = set(table["county_fips"].astype(str))
    layer = geo.county_geojson(sorted({f[:2] for f in wanted}), vintage=geo.vintage_of(list(wanted)))
    return {**layer, "features": [f for f in layer["features"] if f["properties"]["county_fips"] in wanted]}
