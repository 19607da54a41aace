"""US county polygons with their population, and their centroids.

Examples
--------
>>> counties("DE")["name"].tolist()
['Kent', 'New Castle', 'Sussex']
"""

from __future__ import annotations

import logging
import functools
import time
from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from tfanalysis.geo.population import _population_of
from tfanalysis.geo.sources import (
    _COUNTY_SHAPEFILE,
    _TEXT,
    CRS,
    EQUAL_AREA_CRS,
    LEGACY_VINTAGE,
    _check_vintage,
    _shapefile,
    derived_table,
)
from tfanalysis.geo.state_shapes import _select_states, _state_fips_list, _state_table
from tfanalysis.geo.vintages import _changed_areas, replaced_fips

logger = logging.getLogger(__name__)


# Territories present in the 2016 shapes that co-est2019-alldata (50 states + DC)
# does not cover: American Samoa, Guam, Northern Mariana Islands, Puerto Rico,
# U.S. Virgin Islands. Their missing population is expected, anything else is not.
_TERRITORY_FIPS = frozenset({"60", "66", "69", "72", "78"})


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
    kept = shapes[~shapes["county_fips"].isin(replaced_fips())]
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
    return derived_table(f"county_centroids_{vintage}", lambda: _build_centroids(vintage))


def _build_centroids(vintage: int) -> pd.DataFrame:
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
