"""ZIP codes to coordinates and counties (``zipcodes``, county names to FIPS with ``addfips``), and county names."""

from __future__ import annotations

import logging
import functools
import re
import time
from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from tfanalysis.geo.county_shapes import _county_shapes, counties
from tfanalysis.geo.sources import (
    _ADDFIPS_VINTAGE,
    _TEXT,
    CRS,
    LEGACY_VINTAGE,
    VINTAGES,
    _addfips,
    _check_vintage,
    derived_table,
)
from tfanalysis.geo.vintages import replaced_fips, to_current_fips

logger = logging.getLogger(__name__)


# zipcodes spells some counties differently from the Census names addfips knows.
_ZIP_COUNTY_RENAMES = {
    ("AK", "Municipality of Anchorage"): "Anchorage Municipality",
    ("AK", "City and Borough of Juneau"): "Juneau City and Borough",
    ("IN", "La Porte County"): "LaPorte County",
    ("LA", "LaSalle Parish"): "La Salle Parish",
    ("TX", "De Witt County"): "DeWitt County",
}
# Valdez-Cordova Census Area (02261) was split in 2019 into Chugach (02063) and
# Copper River (02066); the 2016 polygons and the 2019 estimates still have 02261.
_ZIP_COUNTY_PREDECESSORS = {
    ("AK", "Chugach Census Area"): "02261",
    ("AK", "Copper River Census Area"): "02261",
}


@functools.cache
def _zip_table() -> pd.DataFrame:
    """Every ZIP of `zipcodes` with coordinates and county FIPS, built once (:func:`~tfanalysis.geo.sources.derived_table`)."""
    return derived_table("zip_table", _build_zip_table)


def _build_zip_table() -> pd.DataFrame:
    import zipcodes

    started = time.perf_counter()
    records = [
        (entry["zip_code"], entry["state"], entry["county"], entry["lat"], entry["long"], entry["city"])
        for entry in zipcodes.list_all()
    ]
    table = pd.DataFrame(records, columns=["zip", "state", "county_name", "lat", "lon", "city"])
    table["lat"] = pd.to_numeric(table["lat"], errors="coerce")
    table["lon"] = pd.to_numeric(table["lon"], errors="coerce")
    null_island = (table["lat"] == 0) & (table["lon"] == 0)  # zipcodes' "no coordinates"
    table.loc[null_island, ["lat", "lon"]] = np.nan
    for column in ("zip", "state", "county_name", "city"):
        table[column] = table[column].astype(_TEXT).replace("", np.nan)

    # addfips is called once per distinct (state, county name), ~3,300 calls.
    pairs = table[["state", "county_name"]].dropna().drop_duplicates()
    fips = [_county_name_fips(state, name) for state, name in pairs.itertuples(index=False)]
    pairs = pairs.assign(county_fips=pd.Series(fips, index=pairs.index, dtype=_TEXT))
    table = table.merge(pairs, on=["state", "county_name"], how="left")
    table["county_source"] = pd.Series(
        np.where(table["county_fips"].notna(), "name", None), dtype=_TEXT
    )

    # No usable county name: take the county whose polygon holds the ZIP's point.
    fallback = table["county_fips"].isna() & table["lat"].notna()
    if fallback.any():
        points = gpd.GeoDataFrame(
            index=table.index[fallback],
            geometry=gpd.points_from_xy(table.loc[fallback, "lon"], table.loc[fallback, "lat"]),
            crs=CRS,
        )
        hits = gpd.sjoin(points, _county_shapes()[["county_fips", "geometry"]], predicate="within")
        hits = hits[~hits.index.duplicated()]
        table.loc[hits.index, "county_fips"] = hits["county_fips"].astype(_TEXT)
        table.loc[hits.index, "county_source"] = "point"

    table = table.set_index("zip")[
        ["lat", "lon", "county_fips", "state", "county_name", "county_source", "city"]
    ]
    logger.info(
        "built the ZIP table (%d ZIPs, %d without county) in %.2f s",
        len(table),
        int(table["county_fips"].isna().sum()),
        time.perf_counter() - started,
    )
    return table


def _county_name_fips(state: str, name: str) -> str | None:
    predecessor = _ZIP_COUNTY_PREDECESSORS.get((state, name))
    if predecessor is not None:
        return predecessor
    name = _ZIP_COUNTY_RENAMES.get((state, name), name)
    name = re.sub(r"^St\.? ", "St. ", name)  # addfips knows "St. Louis", not "St Louis"
    return _addfips(_ADDFIPS_VINTAGE).get_county_fips(name, state=state)


def _normalize_zips(zips: Any) -> pd.Series:
    if isinstance(zips, (str, int, np.integer)):
        zips = [zips]
    if isinstance(zips, (pd.Series, pd.Index)):
        values = pd.Series(np.asarray(zips, dtype=object), dtype=object)
    else:
        values = pd.Series(list(zips), dtype=object)
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind == "empty":
        return pd.Series([np.nan] * len(values), dtype=_TEXT)
    if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
        # A number has no leading zeros to lose, so 2134 can only mean ZIP 02134.
        number = pd.to_numeric(values, errors="coerce").astype("Float64")
        valid = number.notna() & (number % 1 == 0) & number.between(0, 999_999_999)
        codes = number.where(valid.fillna(False)).astype("Int64").astype(_TEXT)
        plus_four = (number > 99999).fillna(False).astype(bool)  # ZIP+4 as a number: 21341234 is 02134-1234
        return codes.str.zfill(5).where(~plus_four, codes.str.zfill(9).str[:5])
    if kind == "string":
        codes = values.astype(_TEXT).str.strip()
        plus_four = codes.str.fullmatch(r"\d{5}-?\d{4}").fillna(False).astype(bool)
        codes = codes.where(~plus_four, codes.str[:5])
        short = codes.str.fullmatch(r"\d{1,4}").fillna(False).astype(bool)
        if short.any():
            logger.warning(
                "%d ZIP code(s) have fewer than 5 digits (e.g. %r) and are treated as unknown: "
                "leading zeros were probably lost; read ZIP columns as text, "
                "e.g. pd.read_csv(..., dtype={'zip': str}).",
                int(short.sum()),
                codes[short].iloc[0],
            )
        return codes
    raise TypeError(
        f"ZIP codes must be strings such as '02134' (or integers), got values of kind {kind!r}; "
        "convert them first, e.g. series.astype(str)."
    )


def geocode_zip(
    zips: str | Iterable[str] | Iterable[int] | pd.Series | pd.Index, vintage: int = LEGACY_VINTAGE
) -> pd.DataFrame:
    """Latitude, longitude, county and state of ZIP codes, offline.

    One lookup table of all 42,789 ZIPs of the ``zipcodes`` package is built on
    the first call (about a second) and kept in memory; every call is then a
    single vectorized join.

    The county comes from the ZIP's county name in ``zipcodes``, resolved to a
    FIPS code with ``addfips`` (``county_source`` "name"). Where the name is
    missing or unknown (DC, Puerto Rico, a few misspellings or neighbouring-state
    names), the county whose polygon contains the ZIP's point is used instead
    (``county_source`` "point"). Military (AA/AE/AP) and Pacific freely associated
    state ZIPs have no county. :func:`unresolved_zip_counties` lists them all.

    Parameters
    ----------
    zips : str, list, Series or Index
        ZIP codes as 5-character strings ("02134"). "02134-1234" and "021341234"
        (ZIP+4) count as "02134", and so does the number 21341234. Integers are zero-padded (2134 is "02134"), since a number cannot
        keep a leading zero; strings shorter than 5 digits are *not* padded but
        reported as unknown with a warning, because they usually mean a column
        that lost its zeros upstream and should be read as text.
    vintage : {2016, 2023}
        The county codes returned. With 2023, a ZIP of Connecticut or Valdez-Cordova
        gets the current area that holds its point (:func:`to_current_fips`;
        ``county_source`` "point"), ``county_name`` staying the one of ``zipcodes``.

    Returns
    -------
    pandas.DataFrame
        One row per input ZIP, in input order (duplicates kept), indexed by the
        normalized ZIP (``zip``), columns:

        - ``lat``, ``lon``: float64 degrees, NaN if unknown or no coordinates;
        - ``county_fips``: 5-character string, NaN if unknown;
        - ``state``: USPS code (also AA/AE/AP for military ZIPs);
        - ``county_name``: the county name given by ``zipcodes``;
        - ``county_source``: "name", "point" or NaN (see above);
        - ``city``: the USPS city name of the ZIP;
        - ``found``: bool, False for a ZIP that is not in the table.

    Raises
    ------
    TypeError
        If the ZIPs are neither strings nor integers.

    See Also
    --------
    unresolved_zip_counties : ZIPs whose county name could not be resolved.

    Examples
    --------
    >>> geocode_zip(["43215", "02134", "00000"])[["county_fips", "state", "found"]]
          county_fips state  found
    zip
    43215       39049    OH   True
    02134       25025    MA   True
    00000         NaN   NaN  False
    >>> geocode_zip([2134])[["lat", "lon"]].values.tolist()
    [[42.3535, -71.1329]]
    >>> geocode_zip(["06103", "99686"], vintage=2023)["county_fips"].tolist()  # Hartford, Valdez
    ['09110', '02063']
    """
    vintage = _check_vintage(vintage)
    codes = _normalize_zips(zips)
    table = _zip_table()
    index = pd.Index(codes, dtype=_TEXT, name="zip")
    result = table.reindex(index)
    result["found"] = table.index.get_indexer(index) >= 0
    if vintage != LEGACY_VINTAGE:
        old = result["county_fips"].isin(replaced_fips()).to_numpy(dtype=bool)
        if old.any():
            moved = to_current_fips(result["county_fips"].iloc[old].reset_index(drop=True),
                                    result["lat"].iloc[old].to_numpy(), result["lon"].iloc[old].to_numpy())
            result.iloc[np.flatnonzero(old), result.columns.get_loc("county_fips")] = moved["county_fips"].to_numpy()
            by_point = np.flatnonzero(old)[(moved["how"] == "location").to_numpy(dtype=bool)]
            result.iloc[by_point, result.columns.get_loc("county_source")] = "point"
    return result


def unresolved_zip_counties() -> pd.DataFrame:
    """ZIPs whose county name in ``zipcodes`` was empty or not resolved by addfips.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``zip``, the columns of :func:`geocode_zip` except ``found``;
        ``county_fips`` is the county from the ZIP's point where there is one
        (``county_source`` "point"), else NaN.

    Examples
    --------
    >>> unresolved = unresolved_zip_counties()
    >>> unresolved.loc["20252", ["state", "county_fips", "county_source"]].tolist()
    ['DC', '11001', 'point']
    >>> unresolved.loc["09001", ["state", "county_fips"]].isna().tolist()  # military ZIP
    [False, True]
    """
    table = _zip_table()
    return table[table["county_source"].ne("name").fillna(True).astype(bool)].copy()


def county_labels(*codes: Iterable[object]) -> dict[str, str]:
    """County FIPS → how a report names the county: ``"Gallia"``, or ``"Franklin, OH"`` when the codes lie in several states.

    Every county of the states the codes name, wherever the task force's members are (a
    client's county in a neighbouring state is named too), and the state added as soon
    as two states are involved (Franklin, Madison and Lamar are counties of several states).

    Examples
    --------
    >>> county_labels(["10001"])["10001"], county_labels(["10001", "39049"])["39049"]
    ('Kent', 'Franklin, OH')
    >>> county_labels([None, "99999"])  # no state: no name
    {}
    """
    from tfanalysis.geo.state_shapes import state_codes

    table = state_codes()
    abbr = dict(zip(table["state_fips"], table["state"]))
    known = set(abbr)
    wanted = {str(c) for part in codes for c in part if isinstance(c, str) and len(c) == 5 and c[:2] in known}
    states = sorted({c[:2] for c in wanted})
    if not states:
        return {}
    names = county_names(states)
    if len(states) == 1:
        return names
    return {code: f"{name}, {abbr[code[:2]]}" for code, name in names.items()}


def county_names(state: str | Iterable[str] | None = None, vintage: int | None = None) -> dict[str, str]:
    """County FIPS → county name (``"Franklin"``) for one or more states.

    ``vintage`` None gives the names of both vintages: a code never names two areas,
    so a label lookup needs no vintage.

    Examples
    --------
    >>> county_names("DE")
    {'10001': 'Kent', '10003': 'New Castle', '10005': 'Sussex'}
    >>> names = county_names("CT")
    >>> names["09003"], names["09110"], len(names)
    ('Hartford', 'Capitol', 17)
    """
    vintages = VINTAGES if vintage is None else (_check_vintage(vintage),)
    table = pd.concat([counties(state, vintage=v)[["county_fips", "name"]] for v in vintages])
    table = table.drop_duplicates("county_fips").sort_values("county_fips")
    return dict(zip(table["county_fips"].astype(str), table["name"].astype(str)))
