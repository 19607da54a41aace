"""US states: their codes in any spelling (USPS code, name, FIPS) and their polygons.

Examples
--------
>>> state_fips("Ohio"), state_abbr("39")
('39', 'OH')
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import pandas as pd

from tfanalysis.geo.sources import _STATE_SHAPEFILE, _TEXT, CRS, _addfips, _shapefile


@functools.cache
def _state_table() -> pd.DataFrame:
    raw = gpd.read_file(
        _shapefile(_STATE_SHAPEFILE), columns=["STATEFP", "STUSPS", "NAME"], read_geometry=False
    )
    table = pd.DataFrame(
        {
            "state_fips": raw["STATEFP"].astype(_TEXT),
            "state": raw["STUSPS"].astype(_TEXT),
            "name": raw["NAME"].astype(_TEXT),
        }
    )
    return table.sort_values("state_fips", ignore_index=True)


@functools.cache
def _state_spellings() -> dict[str, str]:
    """Lower-cased USPS code, name or FIPS -> state FIPS."""
    table = _state_table()
    spellings: dict[str, str] = {}
    for column in ("state_fips", "state", "name"):
        spellings.update(zip(table[column].str.lower(), table["state_fips"], strict=True))
    return spellings


def state_codes() -> pd.DataFrame:
    """The states, DC and territories of the polygons with their codes.

    Returns
    -------
    pandas.DataFrame
        One row per state (56: 50 states, DC, AS, GU, MP, PR, VI), sorted by
        FIPS, columns ``state_fips`` ("39"), ``state`` (USPS code, "OH") and
        ``name`` ("Ohio").

    See Also
    --------
    state_fips, state_abbr : convert one spelling.

    Examples
    --------
    >>> codes = state_codes()
    >>> len(codes)
    56
    >>> codes.iloc[0].tolist()
    ['01', 'AL', 'Alabama']
    """
    return _state_table().copy()


def _resolve_state(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(
            f"state must be a string or a list of strings, got {value!r} "
            f"({type(value).__name__}); write FIPS codes as 2-character strings, e.g. '39'."
        )
    key = value.strip().lower()
    fips = _state_spellings().get(key)
    if fips is None and key:
        # addfips knows aliases such as "D.C." or "U.S. Virgin Islands".
        fips = _addfips(None).get_state_fips(key)
        if fips not in set(_state_table()["state_fips"]):
            fips = None
    if fips is None:
        raise ValueError(_unknown_state_message(value))
    return fips


def _unknown_state_message(value: str) -> str:
    message = (
        f"Unknown state {value!r}: give a USPS code ('OH'), a state name ('Ohio') "
        "or a 2-digit FIPS code as a string ('39')"
    )
    if value.strip().isdigit() and len(value.strip()) < 2:
        return message + f"; FIPS codes keep their leading zero: {value.strip().zfill(2)!r}."
    table = _state_table()
    candidates = list(table["name"]) + list(table["state"])
    close = difflib.get_close_matches(value.strip().title(), candidates, n=1, cutoff=0.75)
    if not close:
        close = difflib.get_close_matches(value.strip().upper(), candidates, n=1, cutoff=0.75)
    return message + (f"; did you mean {close[0]!r}?" if close else ".")


def _state_fips_list(state: str | Iterable[str] | None) -> list[str] | None:
    if state is None:
        return None
    values = [state] if isinstance(state, str) or not isinstance(state, Iterable) else list(state)
    if not values:
        raise ValueError("state is an empty list: pass None for every state.")
    return list(dict.fromkeys(_resolve_state(value) for value in values))


def state_fips(state: str) -> str:
    """The 2-digit FIPS code of a state given in any spelling.

    Parameters
    ----------
    state : str
        USPS code ("OH", any case), name ("Ohio", any case) or FIPS code ("39").

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If the state is unknown; the message says how to spell it.

    Examples
    --------
    >>> state_fips("ohio"), state_fips("OH"), state_fips("39")
    ('39', '39', '39')
    """
    return _resolve_state(state)


def state_abbr(state: str) -> str:
    """The USPS code of a state given in any spelling.

    Parameters
    ----------
    state : str
        USPS code, name or 2-digit FIPS code.

    Returns
    -------
    str

    Examples
    --------
    >>> state_abbr("39"), state_abbr("District of Columbia")
    ('OH', 'DC')
    """
    table = _state_table()
    return table.loc[table["state_fips"] == _resolve_state(state), "state"].iloc[0]


@functools.cache
def _state_shapes() -> gpd.GeoDataFrame:
    raw = gpd.read_file(_shapefile(_STATE_SHAPEFILE), columns=["STATEFP"])
    shapes = gpd.GeoDataFrame(
        {"state_fips": raw["STATEFP"].astype(_TEXT)}, geometry=raw.geometry.values, crs=CRS
    )
    shapes = _state_table().merge(shapes, on="state_fips", how="left", validate="1:1")
    return gpd.GeoDataFrame(shapes, geometry="geometry", crs=CRS)


def states(state: str | Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """US state polygons (2016 Census cartographic boundaries, 1:500k).

    Parameters
    ----------
    state : str or list of str, optional
        Keep only these states (USPS code, name or FIPS, see :func:`counties`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per state sorted by FIPS, columns ``state_fips``, ``state``,
        ``name``, ``geometry``; CRS EPSG:4269.

    Examples
    --------
    >>> states(["OH", "Delaware"])[["state_fips", "state", "name"]].values.tolist()
    [['10', 'DE', 'Delaware'], ['39', 'OH', 'Ohio']]
    """
    return _select_states(_state_shapes(), state)


def _select_states(frame: pd.DataFrame, state: str | Iterable[str] | None) -> Any:
    wanted = _state_fips_list(state)
    if wanted is None:
        return frame.copy()
    return frame[frame["state_fips"].isin(wanted)].reset_index(drop=True)
