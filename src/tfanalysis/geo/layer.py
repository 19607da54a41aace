"""The simplified county layer for maps: built once, cached as GeoParquet, served as GeoJSON."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from tfanalysis.geo.county_shapes import _add_population, _county_shapes
from tfanalysis.geo.sources import _TEXT, CRS, LEGACY_VINTAGE, _check_vintage, cache_dir, write_atomic
from tfanalysis.geo.state_shapes import _state_fips_list
from tfanalysis.geo.vintages import _changed_areas, replaced_fips

logger = logging.getLogger(__name__)


def _layer_path(tolerance: float) -> Path:
    return cache_dir() / f"counties_simplified_{tolerance:g}.parquet"


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
    write_atomic(layer, path)
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
        kept = layer[~layer["county_fips"].isin(replaced_fips())]
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
