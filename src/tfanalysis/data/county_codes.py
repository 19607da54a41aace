"""A dataset's county codes put in one vintage, with a warning for every row read anew.

Exports made before Connecticut's 2022 planning regions, or a ZIP geocoded to its 2016
county, mix old codes into data that otherwise use the current county-equivalents.
:func:`harmonize_vintage` reads them in the dataset's vintage
(:func:`tfanalysis.geo.dataset_vintage`) when the dataset is loaded; the warnings it
returns join the validation's (``docs/geography.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.data import contract
from tfanalysis.geo import (
    FIPS_TABLES,
    LEGACY_VINTAGE,
    current_service_area,
    dataset_vintage,
    geocode_zip,
    replaced_fips,
    to_current_fips,
)

__all__ = ["harmonize_vintage"]

_TEXT = pd.StringDtype(na_value=np.nan)


def _table(tables: Mapping[str, Any], name: str) -> pd.DataFrame | None:
    frame = tables.get(name)
    return frame if isinstance(frame, pd.DataFrame) else None


_MOVED_RULES = {
    "location": "a 2016 county FIPS code in data that use the current county-equivalents "
    "(codes created since 2016, such as Connecticut's planning regions 09110–09190, appear in them): "
    "read as the current area holding the member's location",
    "population": "a 2016 county FIPS code in data that use the current county-equivalents "
    "(codes created since 2016, such as Connecticut's planning regions 09110–09190, appear in them): "
    "read as the current area where most of the county's residents live "
    "(tfanalysis.geo.county_crosswalk); give the current code to be exact",
    "service_area": "lists 2016 county FIPS codes in data that use the current county-equivalents: "
    "read as the current areas most of whose residents live in the listed counties "
    "(tfanalysis.geo.current_service_area)",
}


def harmonize_vintage(tables: Mapping[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Put every county code of a dataset in one vintage, and say where codes were read anew.

    Data that carry any code created since 2016 (:func:`dataset_vintage` 2023) are read
    in the current county-equivalents: an old code they also carry (an export made
    before the change, a ZIP geocoded to its 2016 county) is mapped by
    :func:`to_current_fips` — by the member's location (``lat``/``lon``, else its ZIP)
    where there is one, else to the area holding most of the old county's residents —
    and county lists of ``capacity.service_area`` by :func:`current_service_area`.
    Data without such a code are returned as they are (2016).

    Parameters
    ----------
    tables : mapping of table name → DataFrame
        Typed contract tables (``members``, ``clients``, ``cj_events``, ``capacity``...).

    Returns
    -------
    (dict, pandas.DataFrame)
        The tables (changed ones copied) and one warning per row read anew, with the
        columns of :data:`tfanalysis.data.schema.PROBLEM_COLUMNS` (``row`` 1-based; no value
        for client-level tables).

    Examples
    --------
    >>> tables = {"clients": pd.DataFrame({"county_fips": ["09110", "09013"]})}
    >>> fixed, moved = harmonize_vintage(tables)
    >>> fixed["clients"]["county_fips"].tolist(), moved[["table", "row"]].values.tolist()
    (['09110', '09110'], [['clients', 2]])
    """
    out = dict(tables)
    found: list[pd.DataFrame] = []
    if dataset_vintage(tables) == LEGACY_VINTAGE:
        return out, _moved_rows("", "", [], "", [])
    replaced = replaced_fips()
    for name in FIPS_TABLES:
        frame = _table(out, name)
        if frame is None or "county_fips" not in frame:
            continue
        old = frame["county_fips"].isin(replaced).fillna(False).to_numpy(dtype=bool)
        if not old.any():
            continue
        lat = lon = None
        if {"lat", "lon"} <= set(frame.columns):
            lat = pd.to_numeric(frame["lat"], errors="coerce").astype("float64").to_numpy(na_value=np.nan)
            lon = pd.to_numeric(frame["lon"], errors="coerce").astype("float64").to_numpy(na_value=np.nan)
            if "zip" in frame:
                unplaced = old & (np.isnan(lat) | np.isnan(lon)) & frame["zip"].notna().to_numpy(dtype=bool)
                if unplaced.any():
                    points = geocode_zip(frame["zip"].iloc[unplaced].astype(str).tolist())
                    lat[unplaced], lon[unplaced] = points["lat"].to_numpy(), points["lon"].to_numpy()
        moved = to_current_fips(frame["county_fips"].reset_index(drop=True), lat, lon)
        frame = frame.copy()
        frame["county_fips"] = pd.array(moved["county_fips"].to_numpy(), dtype=frame["county_fips"].dtype)
        client_level = contract.TABLES[name].client_level if name in contract.TABLES else True
        for how in ("location", "population"):
            rows = np.flatnonzero(old & (moved["how"] == how).to_numpy(dtype=bool))
            values = None if client_level else tables[name]["county_fips"].iloc[rows].tolist()
            found.append(_moved_rows(name, "county_fips", rows + 1, _MOVED_RULES[how], values))
        out[name] = frame
    capacity = _table(out, "capacity")
    if capacity is not None and "service_area" in capacity:
        areas = current_service_area(capacity["service_area"])
        before = capacity["service_area"].astype(_TEXT).fillna("")
        changed = (areas.fillna("") != before).to_numpy(dtype=bool)
        if changed.any():
            rows = np.flatnonzero(changed)
            found.append(_moved_rows("capacity", "service_area", rows + 1, _MOVED_RULES["service_area"],
                                     capacity["service_area"].iloc[rows].tolist()))
            out["capacity"] = capacity.assign(service_area=pd.array(areas.to_numpy(), dtype=capacity["service_area"].dtype))
    found = [part for part in found if len(part)]
    return out, pd.concat(found, ignore_index=True) if found else _moved_rows("", "", [], "", [])


def _moved_rows(table: str, column: str, rows: Any, rule: str, values: list[object] | None) -> pd.DataFrame:
    rows = list(rows)
    n = len(rows)
    return pd.DataFrame(
        {
            "table": pd.Series([table] * n, dtype="string"),
            "column": pd.Series([column] * n, dtype="string"),
            "row": pd.Series(rows, dtype="Int64"),
            "rule": pd.Series([rule] * n, dtype="string"),
            "severity": pd.Series(["warning"] * n, dtype="string"),
            "value": pd.Series([pd.NA] * n if values is None else [str(v) for v in values], dtype="string"),
        }
    )
