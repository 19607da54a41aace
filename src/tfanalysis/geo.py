"""US counties, states, ZIP codes and county population, all offline.

Everything the coverage analyses need to put members, clients and providers on a
map: county polygons and centroids, a ZIP geocoder, a simplified county layer for
choropleths, and the county population used for per-capita rates.

Sources, all shipped by installed packages or with tfanalysis (no network):

* polygons: Census cartographic boundary files 2016 (1:500k) from ``plotly-geo``,
  NAD83, returned in EPSG:4269;
* population: Census Bureau county estimates, vintage 2019 (co-est2019-alldata),
  a derived table in ``tfanalysis/resources/county_population.csv``;
* ZIP codes: ``zipcodes`` (coordinates and county names), county names resolved to
  FIPS with ``addfips``;
* the county-equivalents created since 2016 (Connecticut's planning regions, Alaska's
  Chugach and Copper River) and the crosswalk to them from the counties they replace,
  in ``tfanalysis/resources/county_changes.geojson`` and ``county_crosswalk.csv``.

Two *vintages* of county codes are supported (:data:`VINTAGES`): ``2016``, the
counties of the shapes (the default everywhere), and ``2023``, the current Census
county-equivalents (Connecticut's nine planning regions 09110–09190 instead of its
eight counties, 2022; Chugach 02063 and Copper River 02066 instead of Valdez-Cordova
02261, 2019). :func:`vintage_of` tells which one a set of codes follows, and
:func:`to_current_fips` maps the old codes to the current ones.

Text columns (FIPS, ZIPs, USPS codes, names) use the pandas string dtype with NaN
for missing values (the default ``str`` dtype of pandas 3, on pandas 2.3 too);
counts are ``Int64`` with ``<NA>`` for missing values.

Examples
--------
>>> from tfanalysis import geo
>>> geo.counties("DE")["name"].tolist()
['Kent', 'New Castle', 'Sussex']
"""

from __future__ import annotations

import difflib
import functools
import importlib.resources
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

__all__ = [
    "CRS",
    "CURRENT_VINTAGE",
    "EQUAL_AREA_CRS",
    "LEGACY_VINTAGE",
    "VINTAGES",
    "cache_dir",
    "counties",
    "county_centroids",
    "county_crosswalk",
    "county_geojson",
    "county_layer",
    "county_names",
    "county_population",
    "current_service_area",
    "dataset_vintage",
    "geocode_zip",
    "harmonize_vintage",
    "known_county_fips",
    "state_abbr",
    "state_codes",
    "state_fips",
    "states",
    "to_current_fips",
    "unmatched_population_fips",
    "unresolved_zip_counties",
    "vintage_of",
]

logger = logging.getLogger(__name__)

#: CRS of every layer returned here: NAD83 geographic, what the Census files use.
CRS = "EPSG:4269"
#: Equal-area projection (CONUS Albers, NAD83) used for centroids.
EQUAL_AREA_CRS = "EPSG:5070"

_TEXT = pd.StringDtype(na_value=np.nan)

_SHAPES_PACKAGE = "_plotly_geo"
_COUNTY_SHAPEFILE = "cb_2016_us_county_500k.shp"
_STATE_SHAPEFILE = "cb_2016_us_state_500k.shp"
_POPULATION_FILE = "county_population.csv"
_CHANGES_FILE = "county_changes.geojson"
_CROSSWALK_FILE = "county_crosswalk.csv"

#: The counties of the 2016 shapes and of the 2019 population table.
LEGACY_VINTAGE = 2016
#: The current Census county-equivalents (2022 on; boundaries of the 2023 files).
CURRENT_VINTAGE = 2023
#: The vintages of county codes that every function here accepts as ``vintage=``.
VINTAGES = (LEGACY_VINTAGE, CURRENT_VINTAGE)

# Territories present in the 2016 shapes that co-est2019-alldata (50 states + DC)
# does not cover: American Samoa, Guam, Northern Mariana Islands, Puerto Rico,
# U.S. Virgin Islands. Their missing population is expected, anything else is not.
_TERRITORY_FIPS = frozenset({"60", "66", "69", "72", "78"})

_COUNTY_COLUMNS = ["county_fips", "state_fips", "state", "name", "land_area_m2"]

# addfips vintage closest to the 2016 boundaries of the polygons.
_ADDFIPS_VINTAGE = 2015
# zipcodes spells some counties differently from the Census names addfips knows.
_ZIP_COUNTY_RENAMES = {
    ("AK", "Municipality of Anchorage"): "Anchorage Municipality",
    ("AK", "City and Borough of Juneau"): "Juneau City and Borough",
    ("IN", "La Porte County"): "LaPorte County",
    ("LA", "LaSalle Parish"): "La Salle Parish",
    ("TX", "De Witt County"): "DeWitt County",
}
# Valdez-Cordova Census Area (02261) was split in 2019 into Chugach (02063) and
# Copper River (02066); the 2016 polygons and the 2019 estimates still have 02261.
_ZIP_COUNTY_PREDECESSORS = {
    ("AK", "Chugach Census Area"): "02261",
    ("AK", "Copper River Census Area"): "02261",
}


# --------------------------------------------------------------------------- paths


def cache_dir() -> Path:
    """Folder where derived geography (the simplified county layer) is cached.

    Resolved on every call, in this order:

    1. the environment variable ``TFANALYSIS_CACHE_DIR``, if set and not empty;
    2. ``<repo>/data/processed`` when running from a source checkout that has it;
    3. ``$XDG_CACHE_HOME/tfanalysis``, by default ``~/.cache/tfanalysis``.

    The folder is created only when something is written into it.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import os
    >>> os.environ["TFANALYSIS_CACHE_DIR"] = "/tmp/tf-cache"
    >>> cache_dir()
    PosixPath('/tmp/tf-cache')
    >>> del os.environ["TFANALYSIS_CACHE_DIR"]
    """
    configured = os.environ.get("TFANALYSIS_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    checkout = Path(__file__).resolve().parents[2] / "data" / "processed"
    if checkout.is_dir():
        return checkout
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tfanalysis"


def _shapefile(name: str) -> str:
    try:
        folder = importlib.resources.files(_SHAPES_PACKAGE) / "package_data"
    except ModuleNotFoundError as err:
        raise ImportError(
            "The US county and state polygons come from the plotly-geo package, "
            "which is not installed: pip install plotly-geo"
        ) from err
    path = Path(str(folder / name))
    if not path.is_file():
        raise FileNotFoundError(
            f"{name} is missing from the plotly-geo package ({path.parent}); "
            "reinstall it: pip install --force-reinstall plotly-geo"
        )
    return str(path)


# -------------------------------------------------------------------------- states


@functools.cache
def _state_table() -> pd.DataFrame:
    raw = gpd.read_file(
        _shapefile(_STATE_SHAPEFILE), columns=["STATEFP", "STUSPS", "NAME"], read_geometry=False
    )
    table = pd.DataFrame(
        {
            "state_fips": raw["STATEFP"].astype(_TEXT),
            "state": raw["STUSPS"].astype(_TEXT),
            "name": raw["NAME"].astype(_TEXT),
        }
    )
    return table.sort_values("state_fips", ignore_index=True)


@functools.cache
def _state_spellings() -> dict[str, str]:
    """Lower-cased USPS code, name or FIPS -> state FIPS."""
    table = _state_table()
    spellings: dict[str, str] = {}
    for column in ("state_fips", "state", "name"):
        spellings.update(zip(table[column].str.lower(), table["state_fips"], strict=True))
    return spellings


def state_codes() -> pd.DataFrame:
    """The states, DC and territories of the polygons with their codes.

    Returns
    -------
    pandas.DataFrame
        One row per state (56: 50 states, DC, AS, GU, MP, PR, VI), sorted by
        FIPS, columns ``state_fips`` ("39"), ``state`` (USPS code, "OH") and
        ``name`` ("Ohio").

    See Also
    --------
    state_fips, state_abbr : convert one spelling.

    Examples
    --------
    >>> codes = state_codes()
    >>> len(codes)
    56
    >>> codes.iloc[0].tolist()
    ['01', 'AL', 'Alabama']
    """
    return _state_table().copy()


def _resolve_state(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(
            f"state must be a string or a list of strings, got {value!r} "
            f"({type(value).__name__}); write FIPS codes as 2-character strings, e.g. '39'."
        )
    key = value.strip().lower()
    fips = _state_spellings().get(key)
    if fips is None and key:
        # addfips knows aliases such as "D.C." or "U.S. Virgin Islands".
        fips = _addfips(None).get_state_fips(key)
        if fips not in set(_state_table()["state_fips"]):
            fips = None
    if fips is None:
        raise ValueError(_unknown_state_message(value))
    return fips


def _unknown_state_message(value: str) -> str:
    message = (
        f"Unknown state {value!r}: give a USPS code ('OH'), a state name ('Ohio') "
        "or a 2-digit FIPS code as a string ('39')"
    )
    if value.strip().isdigit() and len(value.strip()) < 2:
        return message + f"; FIPS codes keep their leading zero: {value.strip().zfill(2)!r}."
    table = _state_table()
    candidates = list(table["name"]) + list(table["state"])
    close = difflib.get_close_matches(value.strip().title(), candidates, n=1, cutoff=0.75)
    if not close:
        close = difflib.get_close_matches(value.strip().upper(), candidates, n=1, cutoff=0.75)
    return message + (f"; did you mean {close[0]!r}?" if close else ".")


def _state_fips_list(state: str | Iterable[str] | None) -> list[str] | None:
    if state is None:
        return None
    values = [state] if isinstance(state, str) or not isinstance(state, Iterable) else list(state)
    if not values:
        raise ValueError("state is an empty list: pass None for every state.")
    return list(dict.fromkeys(_resolve_state(value) for value in values))


def state_fips(state: str) -> str:
    """The 2-digit FIPS code of a state given in any spelling.

    Parameters
    ----------
    state : str
        USPS code ("OH", any case), name ("Ohio", any case) or FIPS code ("39").

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If the state is unknown; the message says how to spell it.

    Examples
    --------
    >>> state_fips("ohio"), state_fips("OH"), state_fips("39")
    ('39', '39', '39')
    """
    return _resolve_state(state)


def state_abbr(state: str) -> str:
    """The USPS code of a state given in any spelling.

    Parameters
    ----------
    state : str
        USPS code, name or 2-digit FIPS code.

    Returns
    -------
    str

    Examples
    --------
    >>> state_abbr("39"), state_abbr("District of Columbia")
    ('OH', 'DC')
    """
    table = _state_table()
    return table.loc[table["state_fips"] == _resolve_state(state), "state"].iloc[0]


@functools.cache
def _state_shapes() -> gpd.GeoDataFrame:
    raw = gpd.read_file(_shapefile(_STATE_SHAPEFILE), columns=["STATEFP"])
    shapes = gpd.GeoDataFrame(
        {"state_fips": raw["STATEFP"].astype(_TEXT)}, geometry=raw.geometry.values, crs=CRS
    )
    shapes = _state_table().merge(shapes, on="state_fips", how="left", validate="1:1")
    return gpd.GeoDataFrame(shapes, geometry="geometry", crs=CRS)


def states(state: str | Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """US state polygons (2016 Census cartographic boundaries, 1:500k).

    Parameters
    ----------
    state : str or list of str, optional
        Keep only these states (USPS code, name or FIPS, see :func:`counties`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per state sorted by FIPS, columns ``state_fips``, ``state``,
        ``name``, ``geometry``; CRS EPSG:4269.

    Examples
    --------
    >>> states(["OH", "Delaware"])[["state_fips", "state", "name"]].values.tolist()
    [['10', 'DE', 'Delaware'], ['39', 'OH', 'Ohio']]
    """
    return _select_states(_state_shapes(), state)


def _select_states(frame: pd.DataFrame, state: str | Iterable[str] | None) -> Any:
    wanted = _state_fips_list(state)
    if wanted is None:
        return frame.copy()
    return frame[frame["state_fips"].isin(wanted)].reset_index(drop=True)


# ---------------------------------------------------------------------- population


@functools.cache
def _population_table() -> pd.DataFrame:
    resource = importlib.resources.files("tfanalysis") / "resources" / _POPULATION_FILE
    with resource.open("r", encoding="utf-8") as handle:
        table = pd.read_csv(
            handle,
            dtype={"county_fips": _TEXT, "name": _TEXT, "state": _TEXT},
            keep_default_na=False,
            na_values=[""],
        )
    for column in ("population", "year"):
        table[column] = table[column].astype("Int64")
    return table


def county_population(vintage: int = LEGACY_VINTAGE) -> pd.DataFrame:
    """County population, Census Bureau estimates for 1 July 2019 (vintage 2019).

    The 3,142 counties and county equivalents of the 50 states and DC; Puerto Rico
    and the island areas are not in this Census file. See
    ``tfanalysis/resources/README.md`` for the provenance.

    Parameters
    ----------
    vintage : {2016, 2023}
        The county codes: those of the 2016 shapes (as the Census file has them), or
        the current county-equivalents, where the 2019 population of the counties
        they replace is apportioned to the 11 new areas along the population-weighted
        crosswalk (:func:`county_crosswalk`; 3,144 rows, same total).

    Returns
    -------
    pandas.DataFrame
        Columns ``county_fips`` (5-character string), ``name`` (Census name,
        "Franklin County", "Baltimore city", "Capitol Planning Region"), ``state``
        (USPS code), ``population`` (Int64) and ``year`` (Int64, 2019), sorted by FIPS.

    See Also
    --------
    unmatched_population_fips : counties in the polygons but not in this table.

    Examples
    --------
    >>> pop = county_population()
    >>> pop.loc[pop["county_fips"] == "39049"].values.tolist()
    [['39049', 'Franklin County', 'OH', 1316756, 2019]]
    >>> int(pop["population"].sum())
    328239523
    >>> now = county_population(2023)
    >>> now.loc[now["county_fips"] == "09110", ["name", "population"]].values.tolist()
    [['Capitol Planning Region', 970197]]
    >>> int(now["population"].sum())
    328239523
    """
    return _population_of(_check_vintage(vintage)).copy()


def _population_of(vintage: int) -> pd.DataFrame:
    return _population_table() if vintage == LEGACY_VINTAGE else _current_population()


@functools.cache
def _current_population() -> pd.DataFrame:
    table = _population_table()
    changed = _changed_areas()
    created = pd.DataFrame(
        {
            "county_fips": changed["county_fips"],
            "name": changed["census_name"],
            "state": changed["state"],
            "population": changed["population"].astype("Int64"),
            "year": changed["population_year"].astype("Int64"),
        }
    )
    kept = table[~table["county_fips"].isin(_replaced_fips())]
    return pd.concat([kept, created], ignore_index=True).sort_values("county_fips", ignore_index=True)


# ------------------------------------------------------------------------ vintages


def _check_vintage(vintage: object) -> int:
    text = str(vintage).strip() if isinstance(vintage, (int, str, np.integer)) and not isinstance(vintage, bool) else ""
    if text not in {str(v) for v in VINTAGES}:
        raise ValueError(
            f"Unknown county vintage {vintage!r}: use {LEGACY_VINTAGE} (the counties of the 2016 "
            f"shapes) or {CURRENT_VINTAGE} (the current Census county-equivalents, with "
            "Connecticut's planning regions)."
        )
    return int(text)


def _resource(name: str) -> Any:
    return importlib.resources.files("tfanalysis") / "resources" / name


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
def _replaced_fips() -> frozenset[str]:
    """2016 county codes that the current vintage no longer has."""
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
    current = (legacy - _replaced_fips()) | _created_fips()
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
    old = codes.isin(_replaced_fips()).to_numpy(dtype=bool)
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
    old = items.isin(_replaced_fips()).fillna(False).astype(bool).to_numpy()
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


_FIPS_TABLES = ("members", "clients", "cj_events")


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
    codes = [frame["county_fips"] for name in _FIPS_TABLES
             if (frame := _table(data, name)) is not None and "county_fips" in frame]
    capacity = _table(data, "capacity")
    if capacity is not None and "service_area" in capacity:
        codes.append(capacity["service_area"].astype(_TEXT).str.split(";").explode().str.strip())
    return vintage_of(*codes)


_MOVED_RULES = {
    "location": "a 2016 county FIPS code in data that use the current county-equivalents "
    "(codes created since 2016, such as Connecticut's planning regions 09110–09190, appear in them): "
    "read as the current area holding the member's location",
    "population": "a 2016 county FIPS code in data that use the current county-equivalents "
    "(codes created since 2016, such as Connecticut's planning regions 09110–09190, appear in them): "
    "read as the current area where most of the county's residents live "
    "(tfanalysis.geo.county_crosswalk); give the current code to be exact",
    "service_area": "lists 2016 county FIPS codes in data that use the current county-equivalents: "
    "read as the current areas most of whose residents live in the listed counties "
    "(tfanalysis.geo.current_service_area)",
}


def harmonize_vintage(tables: Mapping[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Put every county code of a dataset in one vintage, and say where codes were read anew.

    Data that carry any code created since 2016 (:func:`dataset_vintage` 2023) are read
    in the current county-equivalents: an old code they also carry (an export made
    before the change, a ZIP geocoded to its 2016 county) is mapped by
    :func:`to_current_fips` — by the member's location (``lat``/``lon``, else its ZIP)
    where there is one, else to the area holding most of the old county's residents —
    and county lists of ``capacity.service_area`` by :func:`current_service_area`.
    Data without such a code are returned as they are (2016).

    Parameters
    ----------
    tables : mapping of table name → DataFrame
        Typed contract tables (``members``, ``clients``, ``cj_events``, ``capacity``...).

    Returns
    -------
    (dict, pandas.DataFrame)
        The tables (changed ones copied) and one warning per row read anew, with the
        columns of :data:`tfanalysis.data.schema.PROBLEM_COLUMNS` (``row`` 1-based; no value
        for client-level tables).

    Examples
    --------
    >>> tables = {"clients": pd.DataFrame({"county_fips": ["09110", "09013"]})}
    >>> fixed, moved = harmonize_vintage(tables)
    >>> fixed["clients"]["county_fips"].tolist(), moved[["table", "row"]].values.tolist()
    (['09110', '09110'], [['clients', 2]])
    """
    from tfanalysis.data import contract

    out = dict(tables)
    found: list[pd.DataFrame] = []
    if dataset_vintage(tables) == LEGACY_VINTAGE:
        return out, _moved_rows("", "", [], "", [])
    replaced = _replaced_fips()
    for name in _FIPS_TABLES:
        frame = _table(out, name)
        if frame is None or "county_fips" not in frame:
            continue
        old = frame["county_fips"].isin(replaced).fillna(False).to_numpy(dtype=bool)
        if not old.any():
            continue
        lat = lon = None
        if {"lat", "lon"} <= set(frame.columns):
            lat = pd.to_numeric(frame["lat"], errors="coerce").astype("float64").to_numpy(na_value=np.nan)
            lon = pd.to_numeric(frame["lon"], errors="coerce").astype("float64").to_numpy(na_value=np.nan)
            if "zip" in frame:
                unplaced = old & (np.isnan(lat) | np.isnan(lon)) & frame["zip"].notna().to_numpy(dtype=bool)
                if unplaced.any():
                    points = geocode_zip(frame["zip"].iloc[unplaced].astype(str).tolist())
                    lat[unplaced], lon[unplaced] = points["lat"].to_numpy(), points["lon"].to_numpy()
        moved = to_current_fips(frame["county_fips"].reset_index(drop=True), lat, lon)
        frame = frame.copy()
        frame["county_fips"] = pd.array(moved["county_fips"].to_numpy(), dtype=frame["county_fips"].dtype)
        client_level = contract.TABLES[name].client_level if name in contract.TABLES else True
        for how in ("location", "population"):
            rows = np.flatnonzero(old & (moved["how"] == how).to_numpy(dtype=bool))
            values = None if client_level else tables[name]["county_fips"].iloc[rows].tolist()
            found.append(_moved_rows(name, "county_fips", rows + 1, _MOVED_RULES[how], values))
        out[name] = frame
    capacity = _table(out, "capacity")
    if capacity is not None and "service_area" in capacity:
        areas = current_service_area(capacity["service_area"])
        before = capacity["service_area"].astype(_TEXT).fillna("")
        changed = (areas.fillna("") != before).to_numpy(dtype=bool)
        if changed.any():
            rows = np.flatnonzero(changed)
            found.append(_moved_rows("capacity", "service_area", rows + 1, _MOVED_RULES["service_area"],
                                     capacity["service_area"].iloc[rows].tolist()))
            out["capacity"] = capacity.assign(service_area=pd.array(areas.to_numpy(), dtype=capacity["service_area"].dtype))
    found = [part for part in found if len(part)]
    return out, pd.concat(found, ignore_index=True) if found else _moved_rows("", "", [], "", [])


def _moved_rows(table: str, column: str, rows: Any, rule: str, values: list[object] | None) -> pd.DataFrame:
    rows = list(rows)
    n = len(rows)
    return pd.DataFrame(
        {
            "table": pd.Series([table] * n, dtype="string"),
            "column": pd.Series([column] * n, dtype="string"),
            "row": pd.Series(rows, dtype="Int64"),
            "rule": pd.Series([rule] * n, dtype="string"),
            "severity": pd.Series(["warning"] * n, dtype="string"),
            "value": pd.Series([pd.NA] * n if values is None else [str(v) for v in values], dtype="string"),
        }
    )


# ------------------------------------------------------------------------ counties


@functools.cache
def _county_shapes() -> gpd.GeoDataFrame:
    started = time.perf_counter()
    # The .dbf is UTF-8 but has no .cpg: read as the DBF default (latin-1), Doña Ana
    # (35013) and Puerto Rico's municipios came out garbled.
    raw = gpd.read_file(
        _shapefile(_COUNTY_SHAPEFILE), columns=["GEOID", "STATEFP", "NAME", "ALAND"], encoding="utf-8"
    )
    usps = _state_table().set_index("state_fips")["state"]
    shapes = gpd.GeoDataFrame(
        {
            "county_fips": raw["GEOID"].astype(_TEXT),
            "state_fips": raw["STATEFP"].astype(_TEXT),
            "state": raw["STATEFP"].map(usps).astype(_TEXT),
            "name": raw["NAME"].astype(_TEXT),
            "land_area_m2": raw["ALAND"].astype("int64"),
        },
        geometry=raw.geometry.values,
        crs=CRS,  # the files have no .prj; Census cartographic boundaries are NAD83
    )
    shapes = shapes.sort_values("county_fips", ignore_index=True)
    logger.debug("read %d county polygons in %.2f s", len(shapes), time.perf_counter() - started)
    return shapes


@functools.cache
def _shapes_of(vintage: int) -> gpd.GeoDataFrame:
    """The county polygons of a vintage: the 2016 ones, with the created areas swapped in."""
    shapes = _county_shapes()
    if vintage == LEGACY_VINTAGE:
        return shapes
    created = _changed_areas()[shapes.columns.tolist()]
    kept = shapes[~shapes["county_fips"].isin(_replaced_fips())]
    merged = pd.concat([kept, created], ignore_index=True).sort_values("county_fips", ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=CRS)


def _add_population(frame: pd.DataFrame, vintage: int = LEGACY_VINTAGE) -> pd.DataFrame:
    population = _population_of(vintage)[["county_fips", "population", "year"]].rename(
        columns={"year": "population_year"}
    )
    merged = frame.merge(population, on="county_fips", how="left", validate="1:1")
    for column in ("population", "population_year"):
        merged[column] = merged[column].astype("Int64")
    return merged


@functools.cache
def _counties_with_population(vintage: int = LEGACY_VINTAGE) -> gpd.GeoDataFrame:
    shapes = _shapes_of(vintage)
    merged = _add_population(shapes.drop(columns="geometry"), vintage)
    merged = gpd.GeoDataFrame(merged, geometry=shapes.geometry.values, crs=CRS)
    _log_unmatched()
    return merged


def _log_unmatched() -> None:
    unmatched = unmatched_population_fips()
    if unmatched.empty:
        return
    expected = unmatched["county_fips"].str[:2].isin(_TERRITORY_FIPS) & (
        unmatched["missing_from"] == "population"
    )
    if expected.any():
        logger.info(
            "%d territory county equivalents have polygons but no population "
            "(not in the Census 2019 county estimates): %s",
            int(expected.sum()),
            unmatched.loc[expected, "state"].value_counts().sort_index().to_dict(),
        )
    if (~expected).any():
        logger.warning(
            "Counties in only one of polygons and population table, kept with missing "
            "values: %s (see tfanalysis.geo.unmatched_population_fips())",
            ", ".join(unmatched.loc[~expected, "county_fips"]),
        )


def counties(
    state: str | Iterable[str] | None = None, vintage: int = LEGACY_VINTAGE
) -> gpd.GeoDataFrame:
    """US county polygons with their 2019 population.

    Census cartographic boundary file 2016 at 1:500k (``cb_2016_us_county_500k``,
    shipped by plotly-geo): the 50 states, DC, Puerto Rico and the island areas,
    3,233 counties and county equivalents. The file is read once per process.
    With ``vintage=2023``, the current Census county-equivalents (3,235): the 11
    areas created since 2016 (Connecticut's planning regions 09110–09190, Chugach
    02063 and Copper River 02066) replace the 9 counties they superseded, with
    polygons derived from the Census 2023 boundaries and a 2019 population
    apportioned along :func:`county_crosswalk` (see ``docs/geography.md``).

    Parameters
    ----------
    state : str or list of str, optional
        Keep only these states. Each one a USPS code ("OH"), a name ("Ohio",
        case-insensitive) or a 2-digit FIPS code as a string ("39"). None (the
        default) keeps every county.
    vintage : {2016, 2023}
        Which county codes (:data:`VINTAGES`); see :func:`vintage_of` to tell the
        vintage of a dataset.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per county sorted by FIPS, CRS EPSG:4269, columns:

        - ``county_fips``: 5-character GEOID, leading zeros kept ("01001");
        - ``state_fips``: 2 characters ("01");
        - ``state``: USPS code ("AL");
        - ``name``: county name without its kind ("Autauga", "Baltimore");
        - ``land_area_m2``: land area in square metres (int64);
        - ``population``: 2019 estimate (Int64), <NA> where the estimates have
          none (the territories, see :func:`unmatched_population_fips`);
        - ``population_year``: year of ``population`` (Int64);
        - ``geometry``: (Multi)Polygon.

    Raises
    ------
    ValueError
        If a state is unknown; the message says how to spell it.

    See Also
    --------
    county_layer : simplified polygons for maps.
    county_centroids : one point per county.

    Examples
    --------
    >>> de = counties("DE")
    >>> de["county_fips"].tolist()
    ['10001', '10003', '10005']
    >>> de.crs.to_epsg()
    4269
    >>> len(counties("Ohio")), len(counties())
    (88, 3233)
    >>> counties("CT", vintage=2023)["name"].tolist()[:3]
    ['Capitol', 'Greater Bridgeport', 'Lower Connecticut River Valley']
    """
    return _select_states(_counties_with_population(_check_vintage(vintage)), state)


def unmatched_population_fips(vintage: int = LEGACY_VINTAGE) -> pd.DataFrame:
    """Counties that are in the polygons or in the population table, not both.

    Nothing is dropped because of a mismatch: a county without population keeps
    its polygon with ``population`` <NA>. With the shipped data the only
    mismatch is the 91 county equivalents of Puerto Rico (78), American Samoa
    (5), the Northern Mariana Islands (4), the U.S. Virgin Islands (3) and Guam
    (1), which the Census county estimates do not cover; every county of the
    estimates has a polygon, in either vintage.

    Parameters
    ----------
    vintage : {2016, 2023}
        Which county codes (:data:`VINTAGES`).

    Returns
    -------
    pandas.DataFrame
        Columns ``county_fips``, ``state``, ``name`` and ``missing_from``
        ("population": polygon without population; "polygons": population
        without polygon), sorted by FIPS.

    Examples
    --------
    >>> unmatched = unmatched_population_fips()
    >>> unmatched["missing_from"].unique().tolist()
    ['population']
    >>> unmatched["state"].value_counts().to_dict()
    {'PR': 78, 'AS': 5, 'MP': 4, 'VI': 3, 'GU': 1}
    """
    vintage = _check_vintage(vintage)
    shapes = _shapes_of(vintage)[["county_fips", "state", "name"]]
    population = _population_of(vintage)[["county_fips", "state", "name"]]
    no_population = shapes[~shapes["county_fips"].isin(population["county_fips"])]
    no_polygon = population[~population["county_fips"].isin(shapes["county_fips"])]
    unmatched = pd.concat(
        [
            no_population.assign(missing_from="population"),
            no_polygon.assign(missing_from="polygons"),
        ],
        ignore_index=True,
    )
    unmatched["missing_from"] = unmatched["missing_from"].astype(_TEXT)
    return unmatched.sort_values("county_fips", ignore_index=True)


@functools.cache
def _centroids(vintage: int = LEGACY_VINTAGE) -> pd.DataFrame:
    shapes = _shapes_of(vintage)
    # Centroids in an equal-area projection: lat/lon centroids are skewed toward
    # the poles and wrong for counties that cross the antimeridian (Aleutians West).
    points = shapes.geometry.to_crs(EQUAL_AREA_CRS).centroid.to_crs(CRS)
    return pd.DataFrame(
        {"lat": points.y.to_numpy(), "lon": points.x.to_numpy()},
        index=pd.Index(shapes["county_fips"], name="county_fips"),
    )


def county_centroids(
    state: str | Iterable[str] | None = None, vintage: int = LEGACY_VINTAGE
) -> pd.DataFrame:
    """The geometric centroid of each county, as latitude and longitude.

    Computed in an equal-area projection (EPSG:5070, CONUS Albers) and converted
    back to NAD83 latitude/longitude. The centroid of a county made of several
    islands, or of a strongly concave one, can fall outside it (in water).

    Parameters
    ----------
    state : str or list of str, optional
        Keep only these states (USPS code, name or FIPS, see :func:`counties`).
    vintage : {2016, 2023}
        Which county codes (:data:`VINTAGES`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``county_fips``, sorted, columns ``lat`` and ``lon`` (float64,
        degrees, EPSG:4269).

    Examples
    --------
    >>> county_centroids("DE").round(2)
                   lat    lon
    county_fips
    10001        39.09 -75.57
    10003        39.58 -75.65
    10005        38.66 -75.39
    >>> county_centroids("CT", vintage=2023).loc["09110"].round(2).tolist()
    [41.82, -72.57]
    """
    centroids = _centroids(_check_vintage(vintage))
    wanted = _state_fips_list(state)
    if wanted is None:
        return centroids.copy()
    return centroids[centroids.index.str[:2].isin(wanted)].copy()


# ------------------------------------------------------------------ map layer cache


def _layer_path(tolerance: float) -> Path:
    return cache_dir() / f"counties_simplified_{tolerance:g}.parquet"


def _write_atomic(frame: gpd.GeoDataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        frame.to_parquet(temporary, index=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _build_layer(path: Path, tolerance: float) -> None:
    started = time.perf_counter()
    shapes = _county_shapes()
    # Each polygon is simplified on its own, so shared borders may drift apart by
    # up to `tolerance`: invisible at map scale, unlike the invalid geometries
    # that topology-preserving tools (topojson) produced.
    layer = gpd.GeoDataFrame(
        shapes[["county_fips", "state_fips", "state", "name"]],
        geometry=shapes.geometry.simplify(tolerance, preserve_topology=True).values,
        crs=CRS,
    )
    _write_atomic(layer, path)
    logger.info(
        "built %s (tolerance %g degrees) in %.2f s", path, tolerance, time.perf_counter() - started
    )


def county_layer(
    state: str | Iterable[str] | None = None, tolerance: float = 0.01, vintage: int = LEGACY_VINTAGE
) -> gpd.GeoDataFrame:
    """Simplified county polygons for maps, cached as GeoParquet.

    The first call for a tolerance simplifies every county (about a second) and
    writes ``counties_simplified_<tolerance>.parquet`` into :func:`cache_dir`
    (atomically, so concurrent runs never read a half-written file); later calls,
    in this process or another, read that file (a few hundredths of a second).
    At 0.01 degrees (about 1 km) the national layer has 82k vertices instead of
    1.04 million. Delete the file to rebuild it.

    Parameters
    ----------
    state : str or list of str, optional
        Keep only these states (USPS code, name or FIPS, see :func:`counties`).
    tolerance : float, default 0.01
        Maximum distance in degrees between a simplified border and the original.
    vintage : {2016, 2023}
        Which county codes (:data:`VINTAGES`); the 11 areas created since 2016 are
        simplified on each call (a few milliseconds) and never cached.

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of :func:`counties` except ``land_area_m2``: ``county_fips``,
        ``state_fips``, ``state``, ``name``, ``population``, ``population_year``,
        ``geometry``; CRS EPSG:4269.

    See Also
    --------
    county_geojson : the same layer as a GeoJSON dict for plotly.

    Examples
    --------
    >>> layer = county_layer("DE")
    >>> layer["county_fips"].tolist(), layer.crs.to_epsg()
    (['10001', '10003', '10005'], 4269)
    >>> (cache_dir() / "counties_simplified_0.01.parquet").is_file()
    True
    """
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)):
        raise TypeError(f"tolerance must be a number of degrees, got {tolerance!r}.")
    if not np.isfinite(tolerance) or tolerance <= 0:
        raise ValueError(
            f"tolerance must be a positive number of degrees, got {tolerance!r}; "
            "use counties() for the full-resolution polygons."
        )
    wanted = _state_fips_list(state)  # validate before any work
    vintage = _check_vintage(vintage)
    path = _layer_path(float(tolerance))
    layer = _read_layer(path) if path.is_file() else None
    if layer is None:
        _build_layer(path, float(tolerance))
        layer = _read_layer(path)
        if layer is None:
            raise RuntimeError(f"Could not read the county layer just written to {path}.")
    if vintage != LEGACY_VINTAGE:
        created = _changed_areas()[layer.columns.tolist()]
        created = created.assign(geometry=created.geometry.simplify(float(tolerance), preserve_topology=True))
        kept = layer[~layer["county_fips"].isin(_replaced_fips())]
        layer = pd.concat([kept, created], ignore_index=True).sort_values("county_fips", ignore_index=True)
        layer = gpd.GeoDataFrame(layer, geometry="geometry", crs=CRS)
    attributes = _add_population(layer.drop(columns="geometry"), vintage)
    layer = gpd.GeoDataFrame(attributes, geometry=layer.geometry.values, crs=CRS)
    if wanted is not None:
        layer = layer[layer["state_fips"].isin(wanted)].reset_index(drop=True)
    return layer


def _read_layer(path: Path) -> gpd.GeoDataFrame | None:
    """The cached layer, or None if the file is unreadable or from another version."""
    try:
        layer = gpd.read_parquet(path)
    except Exception as err:  # a damaged cache is rebuilt, not fatal
        logger.warning("ignoring unreadable cache file %s: %s", path, err)
        return None
    expected = ["county_fips", "state_fips", "state", "name", "geometry"]
    if list(layer.columns) != expected or layer.crs is None or layer.crs.to_epsg() != 4269:
        logger.warning("ignoring cache file %s: unexpected columns or CRS", path)
        return None
    for column in expected[:-1]:
        layer[column] = layer[column].astype(_TEXT)
    return layer


def county_geojson(
    state: str | Iterable[str] | None = None, tolerance: float = 0.01, vintage: int = LEGACY_VINTAGE
) -> dict[str, Any]:
    """The simplified county layer as a GeoJSON dict for plotly choropleths.

    Use it as ``plotly.graph_objects.Choropleth(geojson=county_geojson(),
    locations=table["county_fips"], featureidkey="properties.county_fips", ...)``;
    each feature's ``id`` is the county FIPS too, so plotly's default
    ``featureidkey="id"`` works as well. Coordinates are longitude/latitude
    (EPSG:4326, which NAD83 matches to within a metre or two).

    Parameters
    ----------
    state : str or list of str, optional
        Keep only these states (USPS code, name or FIPS, see :func:`counties`).
    tolerance : float, default 0.01
        Simplification tolerance in degrees, see :func:`county_layer`.
    vintage : {2016, 2023}
        Which county codes (:data:`VINTAGES`).

    Returns
    -------
    dict
        A GeoJSON FeatureCollection; feature properties ``county_fips``,
        ``state`` and ``name``.

    Examples
    --------
    >>> geojson = county_geojson("DE")
    >>> [feature["properties"]["county_fips"] for feature in geojson["features"]]
    ['10001', '10003', '10005']
    """
    layer = county_layer(state, tolerance=tolerance, vintage=vintage)
    layer = layer[["county_fips", "state", "name", "geometry"]].set_index(
        layer["county_fips"].rename(None)
    )
    return layer.to_crs("EPSG:4326").to_geo_dict(drop_id=False)


# ----------------------------------------------------------------------- ZIP codes


@functools.cache
def _addfips(vintage: int | None) -> Any:
    from addfips import AddFIPS

    return AddFIPS(vintage=vintage)


@functools.cache
def _zip_table() -> pd.DataFrame:
    """Every ZIP of `zipcodes` with coordinates and county FIPS, built once."""
    import zipcodes

    started = time.perf_counter()
    records = [
        (entry["zip_code"], entry["state"], entry["county"], entry["lat"], entry["long"], entry["city"])
        for entry in zipcodes.list_all()
    ]
    table = pd.DataFrame(records, columns=["zip", "state", "county_name", "lat", "lon", "city"])
    table["lat"] = pd.to_numeric(table["lat"], errors="coerce")
    table["lon"] = pd.to_numeric(table["lon"], errors="coerce")
    null_island = (table["lat"] == 0) & (table["lon"] == 0)  # zipcodes' "no coordinates"
    table.loc[null_island, ["lat", "lon"]] = np.nan
    for column in ("zip", "state", "county_name", "city"):
        table[column] = table[column].astype(_TEXT).replace("", np.nan)

    # addfips is called once per distinct (state, county name), ~3,300 calls.
    pairs = table[["state", "county_name"]].dropna().drop_duplicates()
    fips = [_county_name_fips(state, name) for state, name in pairs.itertuples(index=False)]
    pairs = pairs.assign(county_fips=pd.Series(fips, index=pairs.index, dtype=_TEXT))
    table = table.merge(pairs, on=["state", "county_name"], how="left")
    table["county_source"] = pd.Series(
        np.where(table["county_fips"].notna(), "name", None), dtype=_TEXT
    )

    # No usable county name: take the county whose polygon holds the ZIP's point.
    fallback = table["county_fips"].isna() & table["lat"].notna()
    if fallback.any():
        points = gpd.GeoDataFrame(
            index=table.index[fallback],
            geometry=gpd.points_from_xy(table.loc[fallback, "lon"], table.loc[fallback, "lat"]),
            crs=CRS,
        )
        hits = gpd.sjoin(points, _county_shapes()[["county_fips", "geometry"]], predicate="within")
        hits = hits[~hits.index.duplicated()]
        table.loc[hits.index, "county_fips"] = hits["county_fips"].astype(_TEXT)
        table.loc[hits.index, "county_source"] = "point"

    table = table.set_index("zip")[
        ["lat", "lon", "county_fips", "state", "county_name", "county_source", "city"]
    ]
    logger.info(
        "built the ZIP table (%d ZIPs, %d without county) in %.2f s",
        len(table),
        int(table["county_fips"].isna().sum()),
        time.perf_counter() - started,
    )
    return table


def _county_name_fips(state: str, name: str) -> str | None:
    predecessor = _ZIP_COUNTY_PREDECESSORS.get((state, name))
    if predecessor is not None:
        return predecessor
    name = _ZIP_COUNTY_RENAMES.get((state, name), name)
    name = re.sub(r"^St\.? ", "St. ", name)  # addfips knows "St. Louis", not "St Louis"
    return _addfips(_ADDFIPS_VINTAGE).get_county_fips(name, state=state)


def _normalize_zips(zips: Any) -> pd.Series:
    if isinstance(zips, (str, int, np.integer)):
        zips = [zips]
    if isinstance(zips, (pd.Series, pd.Index)):
        values = pd.Series(np.asarray(zips, dtype=object), dtype=object)
    else:
        values = pd.Series(list(zips), dtype=object)
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind == "empty":
        return pd.Series([np.nan] * len(values), dtype=_TEXT)
    if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
        # A number has no leading zeros to lose, so 2134 can only mean ZIP 02134.
        number = pd.to_numeric(values, errors="coerce").astype("Float64")
        valid = number.notna() & (number % 1 == 0) & number.between(0, 99999)
        codes = number.where(valid.fillna(False)).astype("Int64").astype(_TEXT)
        return codes.str.zfill(5)
    if kind == "string":
        codes = values.astype(_TEXT).str.strip()
        plus_four = codes.str.fullmatch(r"\d{5}-\d{4}").fillna(False).astype(bool)
        codes = codes.where(~plus_four, codes.str[:5])
        short = codes.str.fullmatch(r"\d{1,4}").fillna(False).astype(bool)
        if short.any():
            logger.warning(
                "%d ZIP code(s) have fewer than 5 digits (e.g. %r) and are treated as unknown: "
                "leading zeros were probably lost; read ZIP columns as text, "
                "e.g. pd.read_csv(..., dtype={'zip': str}).",
                int(short.sum()),
                codes[short].iloc[0],
            )
        return codes
    raise TypeError(
        f"ZIP codes must be strings such as '02134' (or integers), got values of kind {kind!r}; "
        "convert them first, e.g. series.astype(str)."
    )


def geocode_zip(
    zips: str | Iterable[str] | Iterable[int] | pd.Series | pd.Index, vintage: int = LEGACY_VINTAGE
) -> pd.DataFrame:
    """Latitude, longitude, county and state of ZIP codes, offline.

    One lookup table of all 42,789 ZIPs of the ``zipcodes`` package is built on
    the first call (about a second) and kept in memory; every call is then a
    single vectorized join.

    The county comes from the ZIP's county name in ``zipcodes``, resolved to a
    FIPS code with ``addfips`` (``county_source`` "name"). Where the name is
    missing or unknown (DC, Puerto Rico, a few misspellings or neighbouring-state
    names), the county whose polygon contains the ZIP's point is used instead
    (``county_source`` "point"). Military (AA/AE/AP) and Pacific freely associated
    state ZIPs have no county. :func:`unresolved_zip_counties` lists them all.

    Parameters
    ----------
    zips : str, list, Series or Index
        ZIP codes as 5-character strings ("02134"). "02134-1234" (ZIP+4) counts as
        "02134". Integers are zero-padded (2134 is "02134"), since a number cannot
        keep a leading zero; strings shorter than 5 digits are *not* padded but
        reported as unknown with a warning, because they usually mean a column
        that lost its zeros upstream and should be read as text.
    vintage : {2016, 2023}
        The county codes returned. With 2023, a ZIP of Connecticut or Valdez-Cordova
        gets the current area that holds its point (:func:`to_current_fips`;
        ``county_source`` "point"), ``county_name`` staying the one of ``zipcodes``.

    Returns
    -------
    pandas.DataFrame
        One row per input ZIP, in input order (duplicates kept), indexed by the
        normalized ZIP (``zip``), columns:

        - ``lat``, ``lon``: float64 degrees, NaN if unknown or no coordinates;
        - ``county_fips``: 5-character string, NaN if unknown;
        - ``state``: USPS code (also AA/AE/AP for military ZIPs);
        - ``county_name``: the county name given by ``zipcodes``;
        - ``county_source``: "name", "point" or NaN (see above);
        - ``city``: the USPS city name of the ZIP;
        - ``found``: bool, False for a ZIP that is not in the table.

    Raises
    ------
    TypeError
        If the ZIPs are neither strings nor integers.

    See Also
    --------
    unresolved_zip_counties : ZIPs whose county name could not be resolved.

    Examples
    --------
    >>> geocode_zip(["43215", "02134", "00000"])[["county_fips", "state", "found"]]
          county_fips state  found
    zip
    43215       39049    OH   True
    02134       25025    MA   True
    00000         NaN   NaN  False
    >>> geocode_zip([2134])[["lat", "lon"]].values.tolist()
    [[42.3535, -71.1329]]
    >>> geocode_zip(["06103", "99686"], vintage=2023)["county_fips"].tolist()  # Hartford, Valdez
    ['09110', '02063']
    """
    vintage = _check_vintage(vintage)
    codes = _normalize_zips(zips)
    table = _zip_table()
    index = pd.Index(codes, dtype=_TEXT, name="zip")
    result = table.reindex(index)
    result["found"] = table.index.get_indexer(index) >= 0
    if vintage != LEGACY_VINTAGE:
        old = result["county_fips"].isin(_replaced_fips()).to_numpy(dtype=bool)
        if old.any():
            moved = to_current_fips(result["county_fips"].iloc[old].reset_index(drop=True),
                                    result["lat"].iloc[old].to_numpy(), result["lon"].iloc[old].to_numpy())
            result.iloc[np.flatnonzero(old), result.columns.get_loc("county_fips")] = moved["county_fips"].to_numpy()
            by_point = np.flatnonzero(old)[(moved["how"] == "location").to_numpy(dtype=bool)]
            result.iloc[by_point, result.columns.get_loc("county_source")] = "point"
    return result


def unresolved_zip_counties() -> pd.DataFrame:
    """ZIPs whose county name in ``zipcodes`` was empty or not resolved by addfips.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``zip``, the columns of :func:`geocode_zip` except ``found``;
        ``county_fips`` is the county from the ZIP's point where there is one
        (``county_source`` "point"), else NaN.

    Examples
    --------
    >>> unresolved = unresolved_zip_counties()
    >>> unresolved.loc["20252", ["state", "county_fips", "county_source"]].tolist()
    ['DC', '11001', 'point']
    >>> unresolved.loc["09001", ["state", "county_fips"]].isna().tolist()  # military ZIP
    [False, True]
    """
    table = _zip_table()
    return table[table["county_source"].ne("name").fillna(True).astype(bool)].copy()


def county_names(state: str | Iterable[str] | None = None, vintage: int | None = None) -> dict[str, str]:
    """County FIPS → county name (``"Franklin"``) for one or more states.

    ``vintage`` None gives the names of both vintages: a code never names two areas,
    so a label lookup needs no vintage.

    Examples
    --------
    >>> county_names("DE")
    {'10001': 'Kent', '10003': 'New Castle', '10005': 'Sussex'}
    >>> names = county_names("CT")
    >>> names["09003"], names["09110"], len(names)
    ('Hartford', 'Capitol', 17)
    """
    vintages = VINTAGES if vintage is None else (_check_vintage(vintage),)
    table = pd.concat([counties(state, vintage=v)[["county_fips", "name"]] for v in vintages])
    table = table.drop_duplicates("county_fips").sort_values("county_fips")
    return dict(zip(table["county_fips"].astype(str), table["name"].astype(str)))
