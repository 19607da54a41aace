"""Where the reference geography comes from, and the names shared by its modules.

The shipped files (plotly-geo's Census shapes, the population table and the county
changes in ``tfanalysis/resources``), the cache folder for derived layers, the coordinate
systems, and the two vintages of county codes every function of :mod:`tfanalysis.geo`
accepts as ``vintage=``.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.resources
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

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


def write_atomic(frame: pd.DataFrame, path: Path, *, index: bool = False) -> None:
    """Write ``frame`` as Parquet to ``path`` through a temporary file, so no reader sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        frame.to_parquet(temporary, index=index)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_GEO_CODE = Path(__file__).parent

#: The packages whose files the derived tables are built from (or whose code builds them).
_SOURCE_PACKAGES = ("zipcodes", "addfips", "plotly-geo", "geopandas", "shapely", "pyproj", "pandas", "pyarrow")


@functools.cache
def sources_fingerprint() -> str:
    """A short hash of what the derived geography is built from: this package's code and files, and the versions of its sources.

    A table cached under one fingerprint is never read under another: a new ``zipcodes``
    release, a changed county crosswalk or a change to the code that builds a table each
    build it anew.

    Examples
    --------
    >>> len(sources_fingerprint())
    16
    """
    digest = hashlib.sha256()
    for path in sorted(_GEO_CODE.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    for name in (_POPULATION_FILE, _CHANGES_FILE, _CROSSWALK_FILE):
        digest.update(name.encode() + _resource(name).read_bytes())
    for package in _SOURCE_PACKAGES:
        try:
            digest.update(f"{package}=={importlib.metadata.version(package)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{package} missing".encode())
    return digest.hexdigest()[:16]


def derived_table(name: str, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """A table derived from the shipped geography: read from :func:`cache_dir` if built before, else built and kept there.

    Every kernel of a run needs the same ZIP table and county centroids; built from the
    packages' files they take about a second a process, read back a few hundredths. The
    file is named by :func:`sources_fingerprint` (the files of other fingerprints are removed
    when it is written), written atomically (concurrent runs never read half of one), and a
    file that cannot be read, or a cache folder that cannot be written, only costs the build.

    Parameters
    ----------
    name : str
        The table's file name, without the fingerprint and suffix.
    build : callable
        Builds the table; its index is kept.

    Returns
    -------
    pandas.DataFrame
        What ``build`` returns, the same values and dtypes.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["TFANALYSIS_CACHE_DIR"] = tempfile.mkdtemp()
    >>> built = derived_table("example", lambda: pd.DataFrame({"lat": [39.1]}, index=pd.Index(["45040"], name="zip")))
    >>> derived_table("example", lambda: None).equals(built)  # read back, not built again
    True
    >>> del os.environ["TFANALYSIS_CACHE_DIR"]
    """
    path = cache_dir() / f"{name}-{sources_fingerprint()}.parquet"
    if path.is_file():
        try:
            return pd.read_parquet(path)
        except Exception as err:  # a damaged cache is rebuilt, not fatal
            logger.warning("ignoring unreadable cache file %s: %s", path, err)
    table = build()
    try:
        write_atomic(table, path, index=True)
        for stale in path.parent.glob(f"{name}-*.parquet"):  # built from other sources: never read again
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError as err:  # a read-only cache folder: built in every process
        logger.info("could not keep %s in the cache folder: %s", name, err)
    return table


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
