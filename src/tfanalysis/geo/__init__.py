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

Modules, each imports only those listed before it: :mod:`~tfanalysis.geo.sources` (the
files, the cache folder, CRSs and vintages), :mod:`~tfanalysis.geo.state_shapes`,
:mod:`~tfanalysis.geo.vintages`, :mod:`~tfanalysis.geo.population`,
:mod:`~tfanalysis.geo.county_shapes`, :mod:`~tfanalysis.geo.layer` (the cached map layer),
:mod:`~tfanalysis.geo.zips` and :mod:`~tfanalysis.geo.distances`. The lowest layer of the
package (``docs/architecture.md``): nothing here imports the rest of ``tfanalysis``.
"""

from __future__ import annotations

from tfanalysis.geo.county_shapes import counties, county_centroids, unmatched_population_fips
from tfanalysis.geo.distances import EARTH_RADIUS_MILES, great_circle_miles
from tfanalysis.geo.layer import county_geojson, county_layer
from tfanalysis.geo.population import county_population
from tfanalysis.geo.sources import CRS, CURRENT_VINTAGE, EQUAL_AREA_CRS, LEGACY_VINTAGE, VINTAGES, cache_dir
from tfanalysis.geo.state_shapes import state_abbr, state_codes, state_fips, states
from tfanalysis.geo.vintages import (
    FIPS_TABLES,
    county_crosswalk,
    current_service_area,
    dataset_vintage,
    known_county_fips,
    replaced_fips,
    to_current_fips,
    vintage_of,
)
from tfanalysis.geo.zips import county_labels, county_names, geocode_zip, unresolved_zip_counties

__all__ = [
    "CRS",
    "CURRENT_VINTAGE",
    "EARTH_RADIUS_MILES",
    "EQUAL_AREA_CRS",
    "FIPS_TABLES",
    "LEGACY_VINTAGE",
    "VINTAGES",
    "cache_dir",
    "counties",
    "county_centroids",
    "county_crosswalk",
    "county_geojson",
    "county_labels",
    "county_layer",
    "county_names",
    "county_population",
    "current_service_area",
    "dataset_vintage",
    "geocode_zip",
    "great_circle_miles",
    "known_county_fips",
    "replaced_fips",
    "state_abbr",
    "state_codes",
    "state_fips",
    "states",
    "to_current_fips",
    "unmatched_population_fips",
    "unresolved_zip_counties",
    "vintage_of",
]
