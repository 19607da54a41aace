"""The two vintages of county codes: which codes each has, which one a dataset follows, and the crosswalk.

``2016`` are the counties of the shapes (the default everywhere); ``2023`` the current
Census county-equivalents (Connecticut's planning regions 09110–09190 instead of its
counties, Chugach 02063 and Copper River 02066 instead of Valdez-Cordova 02261).
:func:`vintage_of` tells which one a set of codes follows, :func:`to_current_fips` and
:func:`current_service_area` read old codes in the current vintage. Putting a whole
dataset in one vintage is :func:`tfanalysis.data.county_codes.harmonize_vintage`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from tfanalysis.geo.sources import (
    _CHANGES_FILE,
    _COUNTY_SHAPEFILE,
    _CROSSWALK_FILE,
    _TEXT,
    CRS,
    CURRENT_VINTAGE,
    EQUAL_AREA_CRS,
    LEGACY_VINTAGE,
    _check_vintage,
    _resource,
    _shapefile,
)
from tfanalysis.geo.state_shapes import _state_table


@functools.cache
def _changed_areas() -> gpd.GeoDataFrame:
    """The county-equivalents of the current vintage that the 2016 shapes lack (11)."""
    import json

    with _resource(_CHANGES_FILE).open("r", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    areas = gpd.GeoDataFrame.from_features(features, crs=CRS)
    usps = _state_table().set_index("state_fips")["state"]
    out = gpd.GeoDataFrame(
        {
            "county_fips": areas["county_fips"].astype(_TEXT),
            "state_fips": areas["county_fips"].str[:2].astype(_TEXT),
            "state": areas["county_fips"].str[:2].map(usps).astype(_TEXT),
            "name": areas["name"].astype(_TEXT),
            "land_area_m2": areas["land_area_m2"].astype("int64"),
            "census_name": areas["census_name"].astype(_TEXT),
            "population": areas["population"].astype("Int64"),
            "population_year": areas["population_year"].astype("Int64"),
            "replaces": areas["replaces"].astype(_TEXT),
        },
        geometry=areas.geometry.values,
        crs=CRS,
    )
    return out.sort_values("county_fips", ignore_index=True)


@functools.cache
def _crosswalk_table() -> pd.DataFrame:
    with _resource(_CROSSWALK_FILE).open("r", encoding="utf-8") as handle:
        table = pd.read_csv(
            handle,
            dtype={"from_fips": _TEXT, "from_name": _TEXT, "to_fips": _TEXT, "to_name": _TEXT},
            keep_default_na=False,
            na_values=[""],
        )
    return table.astype({"population": "int64", "weight_population": "int64", "zips": "int64"})


@functools.cache
def replaced_fips() -> frozenset[str]:
    """2016 county codes that the current vintage no longer has (Connecticut's 8 counties, Valdez-Cordova).

    Examples
    --------
    >>> sorted(replaced_fips())[:2], len(replaced_fips())
    (['02261', '09001'], 9)
    """
    return frozenset(_crosswalk_table()["from_fips"])


@functools.cache
def _created_fips() -> frozenset[str]:
    """Current county-equivalent codes that the 2016 shapes do not have."""
    return frozenset(_crosswalk_table()["to_fips"])


@functools.cache
def _legacy_codes() -> frozenset[str]:
    raw = gpd.read_file(_shapefile(_COUNTY_SHAPEFILE), columns=["GEOID"], read_geometry=False)
    return frozenset(raw["GEOID"].astype(str))


def known_county_fips(vintage: int | None = None) -> frozenset[str]:
    """The county codes of a vintage, or of either vintage.

    Parameters
    ----------
    vintage : {2016, 2023} or None
        ``2016``: the 3,233 counties and county equivalents of the 2016 shapes (50
        states, DC, Puerto Rico and the island areas); ``2023``: the current Census
        county-equivalents (3,235: Connecticut's 9 planning regions instead of its 8
        counties, Chugach and Copper River instead of Valdez-Cordova); None: a code of
        either (3,244).

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> sorted({"09001", "09110", "02261", "02063"} & known_county_fips(2023))
    ['02063', '09110']
    >>> len(known_county_fips()), "39049" in known_county_fips(2016)
    (3244, True)
    """
    legacy = _legacy_codes()
    current = (legacy - replaced_fips()) | _created_fips()
    if vintage is None:
        return legacy | current
    return legacy if _check_vintage(vintage) == LEGACY_VINTAGE else current


def _codes(values: Any) -> pd.Series:
    if isinstance(values, str):
        values = [values]
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    return series.dropna().astype(str).str.strip()


def vintage_of(*fips: Any) -> int:
    """The vintage a dataset's county codes follow: 2023 if any is a code created since 2016.

    Codes that both vintages share (nearly all) say nothing, so data without any
    Connecticut or Valdez-Cordova area read as 2016, the vintage of the shapes.

    Parameters
    ----------
    *fips : str, list or Series
        County FIPS codes (missing values are ignored).

    Returns
    -------
    int
        :data:`CURRENT_VINTAGE` (2023) or :data:`LEGACY_VINTAGE` (2016).

    Examples
    --------
    >>> vintage_of(["39049", None]), vintage_of(pd.Series(["09003"]), "09110")
    (2016, 2023)
    """
    created = _created_fips()
    found = any(bool(_codes(values).isin(created).any()) for values in fips)
    return CURRENT_VINTAGE if found else LEGACY_VINTAGE


def county_crosswalk() -> pd.DataFrame:
    """From the 2016 counties to the current county-equivalents, weighted by population.

    One row per old county × new area that shares residents with it: Connecticut's 8
    counties × 9 planning regions (18 pairs) and Valdez-Cordova × Chugach, Copper River.
    The weights are the ACS 2018–2022 population of the ZIP code areas (ZCTAs) whose
    interior point lies in both; ``population`` is the old county's 2019 estimate
    shared by those weights (whole people, adding up to the county). See
    ``docs/geography.md`` for the method and its limits.

    Returns
    -------
    pandas.DataFrame
        ``from_fips``, ``from_name``, ``to_fips``, ``to_name``, ``population`` (int64),
        ``share_of_from`` (of the old county's residents, in the new area),
        ``share_of_to`` (of the new area's residents, from the old county),
        ``weight_population`` and ``zips`` (the ZCTA population and count behind the
        weights), sorted by ``from_fips``, ``to_fips``.

    Examples
    --------
    >>> walk = county_crosswalk()
    >>> walk.loc[walk["from_fips"] == "09013", ["to_name", "share_of_from"]].values.tolist()
    [['Capitol', 1.0]]
    >>> bool(walk.groupby("from_fips")["share_of_from"].sum().sub(1).abs().max() < 1e-5)
    True
    """
    return _crosswalk_table().copy()


def to_current_fips(fips: Any, lat: Any = None, lon: Any = None) -> pd.DataFrame:
    """Read county codes in the current vintage: old codes go to the area that holds them.

    A code the current vintage still has is kept. A 2016 code it replaced (Connecticut's
    counties, Valdez-Cordova) goes to the current area holding the row's location when
    ``lat``/``lon`` are given (or the nearest area of the same state, for a point just
    off the simplified coast), else to the area holding most of the old county's
    residents (:func:`county_crosswalk`).

    Parameters
    ----------
    fips : list or Series
        County FIPS codes; missing values stay missing.
    lat, lon : list or Series, optional
        The location of each row (degrees, NAD83), NaN where unknown.

    Returns
    -------
    pandas.DataFrame
        Same index and length as ``fips``: ``county_fips`` and ``how`` (``"kept"``,
        ``"location"``, ``"population"``; missing for missing codes).

    Examples
    --------
    >>> to_current_fips(["39049", "09001", "09001"], lat=[None, None, 41.05], lon=[None, None, -73.54])
      county_fips         how
    0       39049        kept
    1       09190  population
    2       09190    location
    """
    codes = pd.Series(fips, dtype=object) if not isinstance(fips, pd.Series) else fips.astype(object)
    codes = codes.astype(_TEXT).str.strip()
    old = codes.isin(replaced_fips()).to_numpy(dtype=bool)
    out = codes.copy()
    how = pd.Series(np.where(codes.notna().to_numpy(dtype=bool), "kept", None), index=codes.index, dtype=_TEXT)
    if not old.any():
        return pd.DataFrame({"county_fips": out, "how": how})
    located = np.zeros(len(codes), dtype=bool)
    if lat is not None and lon is not None:
        lats = pd.to_numeric(pd.Series(np.asarray(lat, dtype=object)), errors="coerce").to_numpy(dtype=float)
        lons = pd.to_numeric(pd.Series(np.asarray(lon, dtype=object)), errors="coerce").to_numpy(dtype=float)
        located = old & np.isfinite(lats) & np.isfinite(lons)
        if located.any():
            out.iloc[np.flatnonzero(located)] = _area_of_points(
                lats[located], lons[located], codes[located].str[:2].to_numpy()
            )
    modal = _crosswalk_table().sort_values(["from_fips", "share_of_from"], kind="stable")
    modal = modal.drop_duplicates("from_fips", keep="last").set_index("from_fips")["to_fips"]
    rest = old & ~located
    out.iloc[np.flatnonzero(rest)] = codes[rest].map(modal).to_numpy()
    how.iloc[np.flatnonzero(located)] = "location"
    how.iloc[np.flatnonzero(rest)] = "population"
    return pd.DataFrame({"county_fips": out, "how": how})


def _area_of_points(lat: np.ndarray, lon: np.ndarray, state_fips: np.ndarray) -> np.ndarray:
    """The created area of each point's state holding it, or the nearest one."""
    areas = _changed_areas()[["county_fips", "state_fips", "geometry"]].to_crs(EQUAL_AREA_CRS)
    points = gpd.GeoDataFrame(
        {"state_fips": state_fips}, geometry=gpd.points_from_xy(lon, lat), crs=CRS
    ).to_crs(EQUAL_AREA_CRS)
    found = np.empty(len(points), dtype=object)
    for state in np.unique(state_fips):
        mine = np.flatnonzero(state_fips == state)
        hits = gpd.sjoin_nearest(points.iloc[mine], areas[areas["state_fips"] == state][["county_fips", "geometry"]])
        hits = hits[~hits.index.duplicated()]
        found[mine] = hits.loc[points.index[mine], "county_fips"].to_numpy()
    return found


def current_service_area(areas: pd.Series) -> pd.Series:
    """Read ``service_area`` lists in the current vintage.

    A list naming 2016 counties that the current vintage replaced serves the current
    areas most of whose residents (at least half, :func:`county_crosswalk`
    ``share_of_to``) live in the listed counties, and, for each listed county, the
    area holding most of its residents. Other items, ``statewide`` and ``radius:N``
    are kept as they are.

    Examples
    --------
    >>> current_service_area(pd.Series(["09001;09009", "09013", "statewide", "39049"])).tolist()
    ['09120;09140;09170;09190', '09110', 'statewide', '39049']
    """
    text = areas.astype(_TEXT)
    items = text.reset_index(drop=True).str.split(";").explode().str.strip()  # index: row position
    old = items.isin(replaced_fips()).fillna(False).astype(bool).to_numpy()
    if not old.any():
        return text
    walk = _crosswalk_table()
    listed = pd.DataFrame({"row": items.index[old], "from_fips": items[old].to_numpy()})
    pairs = listed.drop_duplicates().merge(walk, on="from_fips")
    majority = pairs.groupby(["row", "to_fips"], as_index=False)["share_of_to"].sum()
    majority = majority[majority["share_of_to"] >= 0.5 - 1e-9]
    largest = pairs.sort_values(["row", "from_fips", "share_of_from"], kind="stable")
    largest = largest.drop_duplicates(["row", "from_fips"], keep="last")
    targets = pd.concat([majority[["row", "to_fips"]], largest[["row", "to_fips"]]])
    rows = np.unique(listed["row"].to_numpy())
    others = items[~old & np.isin(items.index, rows) & items.notna().to_numpy()]
    others = pd.DataFrame({"row": others.index, "to_fips": others.to_numpy(), "order": 0})
    merged = pd.concat([others, targets.sort_values(["row", "to_fips"]).assign(order=1)], ignore_index=True)
    merged = merged[merged["to_fips"].astype(str) != ""].drop_duplicates(["row", "to_fips"])
    lists = merged.sort_values(["row", "order"], kind="stable").groupby("row")["to_fips"].agg(";".join)
    out = text.copy()
    out.iloc[rows] = lists.reindex(rows).to_numpy()
    return out


FIPS_TABLES = ("members", "clients", "cj_events")
"""The tables of the data contract whose ``county_fips`` :func:`dataset_vintage` reads."""


def _table(data: Any, name: str) -> pd.DataFrame | None:
    frame = data.get(name) if isinstance(data, Mapping) else getattr(data, name, None)
    return frame if isinstance(frame, pd.DataFrame) else None


def dataset_vintage(data: Any) -> int:
    """The vintage of a dataset's county codes (:func:`vintage_of` over all of them).

    Reads ``county_fips`` of ``members``, ``clients`` and ``cj_events`` and the county
    lists of ``capacity.service_area``.

    Parameters
    ----------
    data : TaskForceData or mapping of table name → DataFrame

    Examples
    --------
    >>> dataset_vintage({"clients": pd.DataFrame({"county_fips": ["09110"]})})
    2023
    >>> dataset_vintage({"capacity": pd.DataFrame({"service_area": ["39049;39041", "statewide"]})})
    2016
    """
    codes = [frame["county_fips"] for name in FIPS_TABLES
             if (frame := _table(data, name)) is not None and "county_fips" in frame]
    capacity = _table(data, "capacity")
    if capacity is not None and "service_area" in capacity:
        codes.append(capacity["service_area"].astype(_TEXT).str.split(";").explode().str.strip())
    return vintage_of(*codes)
