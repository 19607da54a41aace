"""Where the reference geography comes from, and the names shared by its modules.

The shipped files (plotly-geo's Census shapes, the population table and the county
changes in ``tfanalysis/resources``), the cache folder for derived layers, the coordinate
systems, and the two vintages of county codes every function of :mod:`tfanalysis.geo`
accepts as ``vintage=``.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


#: CRS of every layer returned here: NAD83 geographic, what the Census files use.
CRS = "EPSG:4269"
#: Equal-area projection (CONUS Albers, NAD83) used for centroids.
EQUAL_AREA_CRS = "EPSG:5070"

_TEXT = pd.StringDtype(na_value=np.nan)

_SHAPES_PACKAGE = "_plotly_geo"
_COUNTY_SHAPEFILE = "cb_2016_us_county_500k.shp"
_STATE_SHAPEFILE = "cb_2016_us_state_500k.shp"
_POPULATION_FILE = "county_population.csv"
_CHANGES_FILE = "county_changes.geojson"
_CROSSWALK_FILE = "county_crosswalk.csv"

#: The counties of the 2016 shapes and of the 2019 population table.
LEGACY_VINTAGE = 2016
#: The current Census county-equivalents (2022 on; boundaries of the 2023 files).
CURRENT_VINTAGE = 2023
#: The vintages of county codes that every function here accepts as ``vintage=``.
VINTAGES = (LEGACY_VINTAGE, CURRENT_VINTAGE)

# addfips vintage closest to the 2016 boundaries of the polygons.
_ADDFIPS_VINTAGE = 2015


def cache_dir() -> Path:
    """Folder where derived geography (the simplified county layer) is cached.

    Resolved on every call, in this order:

    1. the environment variable ``TFANALYSIS_CACHE_DIR``, if set and not empty;
    2. ``<repo>/data/processed`` when running from a source checkout that has it;
    3. ``$XDG_CACHE_HOME/tfanalysis``, by default ``~/.cache/tfanalysis``.

    The folder is created only when something is written into it.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import os
    >>> os.environ["TFANALYSIS_CACHE_DIR"] = "/tmp/tf-cache"
    >>> cache_dir()
    PosixPath('/tmp/tf-cache')
    >>> del os.environ["TFANALYSIS_CACHE_DIR"]
    """
    configured = os.environ.get("TFANALYSIS_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    checkout = Path(__file__).resolve().parents[3] / "data" / "processed"
    if checkout.is_dir():
        return checkout
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tfanalysis"


def _shapefile(name: str) -> str:
    try:
        folder = importlib.resources.files(_SHAPES_PACKAGE) / "package_data"
    except ModuleNotFoundError as err:
        raise ImportError(
            "The US county and state polygons come from the plotly-geo package, "
            "which is not installed: pip install plotly-geo"
        ) from err
    path = Path(str(folder / name))
    if not path.is_file():
        raise FileNotFoundError(
            f"{name} is missing from the plotly-geo package ({path.parent}); "
            "reinstall it: pip install --force-reinstall plotly-geo"
        )
    return str(path)


def _check_vintage(vintage: object) -> int:
    text = str(vintage).strip() if isinstance(vintage, (int, str, np.integer)) and not isinstance(vintage, bool) else ""
    if text not in {str(v) for v in VINTAGES}:
        raise ValueError(
            f"Unknown county vintage {vintage!r}: use {LEGACY_VINTAGE} (the counties of the 2016 "
            f"shapes) or {CURRENT_VINTAGE} (the current Census county-equivalents, with "
            "Connecticut's planning regions)."
        )
    return int(text)


def _resource(name: str) -> Any:
    return importlib.resources.files("tfanalysis") / "resources" / name


@functools.cache
def _addfips(vintage: int | None) -> Any:
    from addfips import AddFIPS

    return AddFIPS(vintage=vintage)
