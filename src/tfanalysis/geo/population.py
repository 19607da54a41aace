"""County population: the Census Bureau's estimates for 1 July 2019, in either vintage of county codes."""

from __future__ import annotations

import functools
import importlib.resources

import pandas as pd

from tfanalysis.geo.sources import _POPULATION_FILE, _TEXT, LEGACY_VINTAGE, _check_vintage
from tfanalysis.geo.vintages import _changed_areas, replaced_fips


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


def county_population(vintage: int = LEGACY_VINTAGE) -> pd.DataFrame:
    """County population, Census Bureau estimates for 1 July 2019 (vintage 2019).

    The 3,142 counties and county equivalents of the 50 states and DC; Puerto Rico
    and the island areas are not in this Census file. See
    ``tfanalysis/resources/README.md`` for the provenance.

    Parameters
    ----------
    vintage : {2016, 2023}
        The county codes: those of the 2016 shapes (as the Census file has them), or
        the current county-equivalents, where the 2019 population of the counties
        they replace is apportioned to the 11 new areas along the population-weighted
        crosswalk (:func:`county_crosswalk`; 3,144 rows, same total).

    Returns
    -------
    pandas.DataFrame
        Columns ``county_fips`` (5-character string), ``name`` (Census name,
        "Franklin County", "Baltimore city", "Capitol Planning Region"), ``state``
        (USPS code), ``population`` (Int64) and ``year`` (Int64, 2019), sorted by FIPS.

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
    >>> now = county_population(2023)
    >>> now.loc[now["county_fips"] == "09110", ["name", "population"]].values.tolist()
    [['Capitol Planning Region', 970197]]
    >>> int(now["population"].sum())
    328239523
    """
    return _population_of(_check_vintage(vintage)).copy()


def _population_of(vintage: int) -> pd.DataFrame:
    return _population_table() if vintage == LEGACY_VINTAGE else _current_population()


@functools.cache
def _current_population() -> pd.DataFrame:
    table = _population_table()
    changed = _changed_areas()
    created = pd.DataFrame(
        {
            "county_fips": changed["county_fips"],
            "name": changed["census_name"],
            "state": changed["state"],
            "population": changed["population"].astype("Int64"),
            "year": changed["population_year"].astype("Int64"),
        }
    )
    kept = table[~table["county_fips"].isin(replaced_fips())]
    return pd.concat([kept, created], ignore_index=True).sort_values("county_fips", ignore_index=True)
