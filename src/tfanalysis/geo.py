"""US counties, states, ZIP codes and county population, all offline.

Everything the coverage analyses need to put members, clients and providers on a
map: county polygons and centroids, a ZIP geocoder, a simplified county layer for
choropleths, and the county population used for per-capita rates.

Sources, all shipped by installed packages (no network):

* polygons: Census cartographic boundary files 2016 (1:500k) from ``plotly-geo``,
  NAD83, returned in EPSG:4269;
* population: Census Bureau county estimates, vintage 2019 (co-est2019-alldata),
  a derived table in ``tfanalysis/resources/county_population.csv``;
* ZIP codes: ``zipcodes`` (coordinates and county names), county names resolved to
  FIPS with ``addfips``.

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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

__all__ = [
    "CRS",
    "EQUAL_AREA_CRS",
    "cache_dir",
    "counties",
    "county_centroids",
    "county_geojson",
    "county_layer",
    "county_population",
    "geocode_zip",
    "state_abbr",
    "state_codes",
    "state_fips",
    "states",
    "unmatched_population_fips",
    "unresolved_zip_counties",
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


def county_population() -> pd.DataFrame:
    """County population, Census Bureau estimates for 1 July 2019 (vintage 2019).

    The 3,142 counties and county equivalents of the 50 states and DC; Puerto Rico
    and the island areas are not in this Census file. See
    ``tfanalysis/resources/README.md`` for the provenance.

    Returns
    -------
    pandas.DataFrame
        Columns ``county_fips`` (5-character string), ``name`` (Census name,
        "Franklin County", "Baltimore city"), ``state`` (USPS code),
        ``population`` (Int64) and ``year`` (Int64, 2019), sorted by FIPS.

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
    """
    return _population_table().copy()


# ------------------------------------------------------------------------ counties


@functools.cache
def _county_shapes() -> gpd.GeoDataFrame:
    started = time.perf_counter()
    raw = gpd.read_file(
        _shapefile(_COUNTY_SHAPEFILE), columns=["GEOID", "STATEFP", "NAME", "ALAND"]
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


def _add_population(frame: pd.DataFrame) -> pd.DataFrame:
    population = _population_table()[["county_fips", "population", "year"]].rename(
        columns={"year": "population_year"}
    )
    merged = frame.merge(population, on="county_fips", how="left", validate="1:1")
    for column in ("population", "population_year"):
        merged[column] = merged[column].astype("Int64")
    return merged


@functools.cache
def _counties_with_population() -> gpd.GeoDataFrame:
    shapes = _county_shapes()
    merged = _add_population(shapes.drop(columns="geometry"))
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


def counties(state: str | Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """US county polygons with their 2019 population.

    Census cartographic boundary file 2016 at 1:500k (``cb_2016_us_county_500k``,
    shipped by plotly-geo): the 50 states, DC, Puerto Rico and the island areas,
    3,233 counties and county equivalents. The file is read once per process.

    Parameters
    ----------
    state : str or list of str, optional
        Keep only these states. Each one a USPS code ("OH"), a name ("Ohio",
        case-insensitive) or a 2-digit FIPS code as a string ("39"). None (the
        default) keeps every county.

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
    """
    return _select_states(_counties_with_population(), state)


def unmatched_population_fips() -> pd.DataFrame:
    """Counties that are in the polygons or in the population table, not both.

    Nothing is dropped because of a mismatch: a county without population keeps
    its polygon with ``population`` <NA>. With the shipped data the only
    mismatch is the 91 county equivalents of Puerto Rico (78), American Samoa
    (5), the Northern Mariana Islands (4), the U.S. Virgin Islands (3) and Guam
    (1), which the Census county estimates do not cover; every county of the
    estimates has a polygon.

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
    shapes = _county_shapes()[["county_fips", "state", "name"]]
    population = _population_table()[["county_fips", "state", "name"]]
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
def _centroids() -> pd.DataFrame:
    shapes = _county_shapes()
    # Centroids in an equal-area projection: lat/lon centroids are skewed toward
    # the poles and wrong for counties that cross the antimeridian (Aleutians West).
    points = shapes.geometry.to_crs(EQUAL_AREA_CRS).centroid.to_crs(CRS)
    return pd.DataFrame(
        {"lat": points.y.to_numpy(), "lon": points.x.to_numpy()},
        index=pd.Index(shapes["county_fips"], name="county_fips"),
    )


def county_centroids(state: str | Iterable[str] | None = None) -> pd.DataFrame:
    """The geometric centroid of each county, as latitude and longitude.

    Computed in an equal-area projection (EPSG:5070, CONUS Albers) and converted
    back to NAD83 latitude/longitude. The centroid of a county made of several
    islands, or of a strongly concave one, can fall outside it (in water).

    Parameters
    ----------
    state : str or list of str, optional
        Keep only these states (USPS code, name or FIPS, see :func:`counties`).

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
    """
    centroids = _centroids()
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
    state: str | Iterable[str] | None = None, tolerance: float = 0.01
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
    path = _layer_path(float(tolerance))
    layer = _read_layer(path) if path.is_file() else None
    if layer is None:
        _build_layer(path, float(tolerance))
        layer = _read_layer(path)
        if layer is None:
            raise RuntimeError(f"Could not read the county layer just written to {path}.")
    attributes = _add_population(layer.drop(columns="geometry"))
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
    state: str | Iterable[str] | None = None, tolerance: float = 0.01
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
    layer = county_layer(state, tolerance=tolerance)
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


def geocode_zip(zips: str | Iterable[str] | Iterable[int] | pd.Series | pd.Index) -> pd.DataFrame:
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
    """
    codes = _normalize_zips(zips)
    table = _zip_table()
    index = pd.Index(codes, dtype=_TEXT, name="zip")
    result = table.reindex(index)
    result["found"] = table.index.get_indexer(index) >= 0
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


def county_names(state: str | Iterable[str] | None = None) -> dict[str, str]:
    """County FIPS → county name (``"Franklin"``) for one or more states.

    Examples
    --------
    >>> county_names("DE")
    {'10001': 'Kent', '10003': 'New Castle', '10005': 'Sussex'}
    """
    table = counties(state)
    return dict(zip(table["county_fips"].astype(str), table["name"].astype(str)))
