"""Coverage and spatial access per county × service, service deserts, and the member points a map may draw.

Examples
--------
>>> from tfanalysis import load_dataset
>>> table = county_service_coverage(load_dataset(DEMO_DIR), "2025", services=["legal_representation"])
>>> meigs = table.set_index("county_fips").loc["39105"]
>>> int(meigs["members_serving"]), round(float(meigs["nearest_miles"]))
(0, 80)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis import geo
from tfanalysis.analyses import service_areas
from tfanalysis.analyses.capacity_in_force import period_window, places_per_month
from tfanalysis.analyses.coverage.access import DEFAULT_STEP_WEIGHTS, Weights, access_scores, gaussian_weights
from tfanalysis.analyses.coverage.providers import (
    _offers,
    _services,
    eligible_capacity,
    member_locations,
    region_counties,
)
from tfanalysis.data import taxonomy
from tfanalysis.data.io import TaskForceData
from tfanalysis.data.periods import PeriodLike

DECAYS = ("step", "gaussian", "none")
"""Distance decays of :func:`county_access`: step weights scaled to ``max_miles``, a
Gaussian reaching 0 at ``max_miles`` (:func:`~tfanalysis.analyses.coverage.access.gaussian_weights`), or
none (plain 2SFCA)."""


PER_RESIDENTS = 100_000

_COVERAGE_COLUMNS = [
    "county_fips", "county", "state", "service", "residents", "members_serving",
    "capacity_per_month", "capacity_per_100k", "nearest_miles", "need",
]


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
    chord = 2.0 * np.sin(min(float(max_miles) / geo.EARTH_RADIUS_MILES, np.pi) / 2.0) * (1.0 + 1e-6) + 1e-12
    near = cKDTree(_unit_vectors(places["c_lat"].iloc[located_places], places["c_lon"].iloc[located_places])).sparse_distance_matrix(
        cKDTree(_unit_vectors(members["lat"], members["lon"])), chord, output_type="ndarray")
    found = pd.DataFrame({"_place": located_places[near["i"]], "member_id": members["member_id"].to_numpy()[near["j"]]})
    pairs = found.merge(supply.rename_axis("_supply").reset_index(), on="member_id")
    pairs = pairs.sort_values(["_place", "_supply"], kind="stable", ignore_index=True)
    place = places.iloc[pairs["_place"].to_numpy()]
    pairs["county_fips"] = place["county_fips"].to_numpy()
    pairs["miles"] = geo.great_circle_miles(place["c_lat"].to_numpy(), place["c_lon"].to_numpy(), pairs["lat"], pairs["lon"])
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
        miles = geo.great_circle_miles(c_lat, c_lon, lat, lon).min(axis=1)
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
        Reporting period (:mod:`tfanalysis.data.periods`); None for all the data.
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
    :func:`~tfanalysis.analyses.coverage.access.gaussian_weights`. ``none``: None (plain 2SFCA).

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
        Catchment in miles (``max_cost`` of :func:`~tfanalysis.analyses.coverage.access.access_scores`).
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
    return as_deserts(table[(table["need"] > 0) & without_provider(table, max_miles)])


def without_provider(table: pd.DataFrame, max_miles: float) -> pd.Series:
    """No member serves the county and none offering the service is within ``max_miles``."""
    nearest = table["nearest_miles"]
    return (table["members_serving"] == 0) & (nearest.isna() | (nearest > max_miles))


def as_deserts(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of a coverage table as deserts: ``kind`` is "no provider" or "none within reach"."""
    rows = rows.assign(kind=np.where(rows["nearest_miles"].isna(), "no provider", "none within reach"))
    return rows[["county_fips", "county", "service", "need", "nearest_miles", "residents", "kind"]].reset_index(drop=True)


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
