"""Benchmark tfanalysis.analyses.coverage.access.access_scores against PySAL ``access``.

Run from the repository root::

    .venv/bin/python benchmarks/bench_access.py            # everything (about 2 minutes)
    .venv/bin/python benchmarks/bench_access.py --profile  # plus cProfile and stage times

State scale (3,233 and 12,800 demand points x 500 providers, uniform over a
207 x 143 mile box, about Indiana's size; 100-mile catchment, so most pairs are
in reach): the same inputs go through PySAL ``access`` given the precomputed
long cost table, through ``access_scores(cost=table)`` and through
``access_scores(coords=...)``. The results are compared and the speed-ups
printed as ratios.

National scale (85,000 x 5,000 over the lower 48 states, from coordinates,
100-mile catchment) runs alone in a fresh process so that its peak resident
memory is its own: ``VmHWM`` from ``/proc/self/status``, the kernel's high-water
mark of the process's resident set (interpreter, imports and inputs included).
Not ``getrusage().ru_maxrss``: Linux carries that over from the parent through
fork and exec, so it would report the PySAL runs' peak.

What each timing includes:

* PySAL: ``Access(...)`` construction plus ``two_stage_fca`` /
  ``enhanced_two_stage_fca`` from the long table already in memory (building the
  table is not timed).
* tfanalysis, table: ``access_scores(cost=table)``: validation, id lookup,
  duplicate check, filtering, weights, sparse products.
* tfanalysis, coords: ``access_scores(coords=...)``: validation, unit vectors,
  k-d trees and their range query, great-circle distances, weights, sparse
  products. No table is ever built.

tfanalysis timings are the best of ``--repeat`` runs (the first run is printed
too at national scale); PySAL's the best of two.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import os
import platform
import pstats
import subprocess
import sys
import time
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy

from tfanalysis.analyses.coverage.access import EARTH_RADIUS_MILES, access_scores, gaussian_weights

STATE_BOX = (38.0, 41.0, -87.5, -84.8)  # lat min/max, lon min/max
LOWER_48_BOX = (25.0, 49.0, -124.0, -67.0)
MAX_COST = 100.0  # miles


def _gaussian_scalar(d: float) -> float:
    """gaussian_weights(MAX_COST) for one cost, in plain Python: PySAL applies it row by row."""
    edge = math.exp(-0.5)
    return (math.exp(-0.5 * (d / MAX_COST) ** 2) - edge) / (1 - edge) if d <= MAX_COST else 0.0


class Variant(NamedTuple):
    label: str
    method: str
    weights: object  # for access_scores
    pysal_weight_fn: Callable[[float], float] | None  # None: PySAL's default for the method


VARIANTS = (
    # PySAL's E2SFCA default steps {10: 1, 20: 0.68, 30: 0.22}: nothing past 30 miles counts.
    Variant("e2sfca steps", "e2sfca", None, None),
    # A decay over the whole 100 miles: every pair in reach needs its distance.
    Variant("e2sfca gauss", "e2sfca", gaussian_weights(MAX_COST), _gaussian_scalar),
    Variant("2sfca", "2sfca", None, None),
)


def make_places(n_demand: int, n_supply: int, box: tuple[float, float, float, float], seed: int):
    rng = np.random.default_rng(seed)
    lat0, lat1, lon0, lon1 = box

    def points(n: int, prefix: str) -> pd.DataFrame:
        return pd.DataFrame(
            {"lat": rng.uniform(lat0, lat1, n), "lon": rng.uniform(lon0, lon1, n)},
            index=pd.Index([f"{prefix}{i:06d}" for i in range(n)], name="geoid"),
        )

    demand_points = points(n_demand, "D")
    supply_points = points(n_supply, "S")
    demand = pd.Series(rng.integers(1_000, 1_000_000, n_demand), index=demand_points.index)
    supply = pd.Series(rng.integers(1, 50, n_supply), index=supply_points.index)
    return demand, supply, demand_points, supply_points


def haversine_table(demand_points: pd.DataFrame, supply_points: pd.DataFrame) -> pd.DataFrame:
    """All-pairs long table (origin, dest, cost in great-circle miles)."""
    lat1, lon1 = (np.radians(demand_points[c].to_numpy())[:, None] for c in ("lat", "lon"))
    lat2, lon2 = (np.radians(supply_points[c].to_numpy())[None, :] for c in ("lat", "lon"))
    h = np.sin((lat2 - lat1) / 2) ** 2
    h = h + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    miles = 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(h))
    return pd.DataFrame(
        {
            "origin": np.repeat(demand_points.index.to_numpy(), len(supply_points)),
            "dest": np.tile(supply_points.index.to_numpy(), len(demand_points)),
            "cost": miles.ravel(),
        }
    )


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """(first run, best run) in seconds, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times[0], min(times), result


def ours(variant: Variant, demand, supply, **costs) -> Callable[[], pd.Series]:
    return lambda: access_scores(
        demand, supply, **costs, max_cost=MAX_COST, weights=variant.weights, method=variant.method
    )


def pysal_installed() -> bool:
    try:
        import access  # noqa: F401
    except ModuleNotFoundError:
        return False
    return True


def pysal_run(variant: Variant, demand, supply, table) -> pd.Series:
    from access import Access

    model = Access(
        demand_df=demand.rename("demand").to_frame(),
        demand_index=True,
        demand_value="demand",
        supply_df=supply.rename("supply").to_frame(),
        supply_index=True,
        supply_value="supply",
        cost_df=table,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    if variant.method == "2sfca":
        out = model.two_stage_fca(name="ref", max_cost=MAX_COST)
    else:
        out = model.enhanced_two_stage_fca(
            name="ref", max_cost=MAX_COST, weight_fn=variant.pysal_weight_fn
        )
    return out["ref_supply"]


def compare(scores: pd.Series, reference: pd.Series) -> tuple[float, int, bool]:
    """Max relative difference where PySAL is finite, PySAL's NaN count, ours 0 there?"""
    reference = reference.reindex(scores.index).to_numpy()
    scores = scores.to_numpy()
    finite = np.isfinite(reference)
    rel = np.abs(scores[finite] - reference[finite]) / np.abs(reference[finite])
    return (float(rel.max()) if rel.size else 0.0), int((~finite).sum()), bool(
        (scores[~finite] == 0).all()
    )


def state_scale(n_demand: int, n_supply: int, repeat: int) -> list[dict]:
    demand, supply, demand_points, supply_points = make_places(n_demand, n_supply, STATE_BOX, 1)
    table = haversine_table(demand_points, supply_points)
    in_reach = float((table["cost"] <= MAX_COST).mean())
    rows = []
    for variant in VARIANTS:
        _, t_pysal, reference = timed(lambda: pysal_run(variant, demand, supply, table), 2)
        _, t_table, from_table = timed(ours(variant, demand, supply, cost=table), repeat)
        coords = (demand_points, supply_points)
        _, t_coords, from_coords = timed(ours(variant, demand, supply, coords=coords), repeat)
        rel_table, n_nan, zeros_table = compare(from_table, reference)
        rel_coords, _, zeros_coords = compare(from_coords, reference)
        rows.append(
            {
                "size": f"{n_demand:,} x {n_supply:,}",
                "variant": variant.label,
                "in_reach": in_reach,
                "pysal_s": t_pysal,
                "table_s": t_table,
                "coords_s": t_coords,
                "max_rel_diff": max(rel_table, rel_coords),
                "pysal_nan": n_nan,
                "zero_where_nan": zeros_table and zeros_coords,
            }
        )
    return rows


def peak_rss_mib() -> float:
    """High-water mark of this process's resident set (Linux ``VmHWM``), in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # the line is "VmHWM:  123456 kB"
    raise RuntimeError("no VmHWM in /proc/self/status: peak memory needs Linux")


def national_child(repeat: int, profile: bool) -> None:
    """Runs in its own process: prints one JSON line with times and peak memory."""
    demand, supply, demand_points, supply_points = make_places(85_000, 5_000, LOWER_48_BOX, 2)
    coords = (demand_points, supply_points)
    result = {"rss_before_mib": peak_rss_mib(), "runs": {}}
    for variant in VARIANTS:
        first, best, scores = timed(ours(variant, demand, supply, coords=coords), repeat)
        result["runs"][variant.label] = {
            "first_s": first,
            "best_s": best,
            "with_access": int((scores > 0).sum()),
        }
    result["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps(result))
    if profile:
        for variant in VARIANTS:
            print(f"\n--- cProfile, national, {variant.label}, coords ---", file=sys.stderr)
            _profile(ours(variant, demand, supply, coords=coords))
            best: dict[str, float] = {}
            for _ in range(repeat):
                times = stage_times(demand, supply, demand_points, supply_points, variant)
                best = {k: min(v, best.get(k, v)) for k, v in times.items()}
            print(f"--- stages, national, {variant.label}, coords (best of {repeat}) ---",
                  file=sys.stderr)
            for stage, seconds in best.items():
                print(f"  {stage:<26} {seconds * 1000:7.1f} ms", file=sys.stderr)


def stage_times(demand, supply, demand_points, supply_points, variant: Variant) -> dict:
    """Seconds per stage of the coordinates path, through the module's private helpers.

    Fragile by design (it mirrors access_scores step by step); for --stages only.
    """
    from scipy.spatial import cKDTree

    import tfanalysis.analyses.coverage.access as impl
    import tfanalysis.analyses.coverage.reach as reach_impl

    times: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        times[stage] = times.get(stage, 0.0) + now - clock
        clock = now

    d = impl._check_amounts(demand, "demand")
    s = impl._check_amounts(supply, "supply")
    weight_fn, reach = impl._weight_function(variant.method, variant.weights, MAX_COST)
    d_xyz = reach_impl._unit_vectors(demand_points, demand.index, "demand")
    s_xyz = reach_impl._unit_vectors(supply_points, supply.index, "supply")
    limit = reach_impl._chord_limit(reach)
    lap("validate, unit vectors")
    small_tree, order = cKDTree(s_xyz), cKDTree(d_xyz).indices
    lap("k-d trees (whole sides)")
    blocks, start, block = [], 0, 64
    while start < len(order):
        members = order[start : start + block]
        tree = cKDTree(d_xyz[members])
        lap("k-d trees (blocks)")
        radius = limit * (1 + 1e-9) + 1e-15
        pairs = tree.sparse_distance_matrix(small_tree, radius, output_type="ndarray")
        lap("range queries")
        rows, cols, chord = reach_impl._select(pairs["v"] <= limit, pairs["i"], pairs["j"], pairs["v"])
        rows = members.astype(np.int32)[rows]
        cols = cols.astype(np.int32)
        lap("pair bookkeeping")
        miles = reach_impl._chord_to_miles(chord) if weight_fn is not None else None
        lap("chord -> miles")
        blocks.append(impl._weight_matrix(rows, cols, miles, weight_fn, (len(d), len(s))))
        lap("weights, sparse blocks")
        start += block
        per_point = max(len(pairs), 1) / len(members)
        block = int(min(8 * block, max(16, reach_impl._PAIRS_PER_BLOCK / per_point)))
    impl._two_step(blocks, d, s)
    lap("two sparse products")
    return times


def _profile(fn: Callable[[], object]) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(10)


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        access_version = version("access")
    except PackageNotFoundError:
        access_version = "not installed"
    return (
        f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"pandas {pd.__version__}, access {access_version}; {platform.machine()}, "
        f"{os.cpu_count()} CPUs, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per tfanalysis timing")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile and time the stages of the larger runs"
    )
    parser.add_argument("--skip-state", action="store_true")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--national-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.national_child:
        national_child(args.repeat, args.profile)
        return

    print(versions())
    if not args.skip_state and not pysal_installed():
        print("\nPySAL `access` is not installed (pip install access): no state-scale comparison.")
    elif not args.skip_state:
        print(
            f"\nState scale: uniform over lat {STATE_BOX[:2]}, lon {STATE_BOX[2:]}, "
            f"max_cost {MAX_COST:g} mi. Seconds; ratio = PySAL time / tfanalysis time."
        )
        print(
            f"{'size':>13} {'variant':>12} {'in reach':>8} {'PySAL':>7} {'table':>7} "
            f"{'coords':>7} {'PySAL/table':>11} {'PySAL/coords':>12} {'max rel diff':>12} "
            f"{'NaN->0':>7}"
        )
        for n_demand in (3_233, 12_800):
            for row in state_scale(n_demand, 500, args.repeat):
                print(
                    f"{row['size']:>13} {row['variant']:>12} {row['in_reach']:>8.0%} "
                    f"{row['pysal_s']:>7.3f} {row['table_s']:>7.4f} {row['coords_s']:>7.4f} "
                    f"{row['pysal_s'] / row['table_s']:>10.1f}x "
                    f"{row['pysal_s'] / row['coords_s']:>11.1f}x "
                    f"{row['max_rel_diff']:>12.1e} "
                    f"{row['pysal_nan']:>3} {'ok' if row['zero_where_nan'] else 'NO':>3}"
                )
        if args.profile:
            demand, supply, demand_points, supply_points = make_places(12_800, 500, STATE_BOX, 1)
            table = haversine_table(demand_points, supply_points)
            for variant in VARIANTS:
                print(f"\n--- cProfile, 12,800 x 500, {variant.label}, table ---", file=sys.stderr)
                _profile(ours(variant, demand, supply, cost=table))
            for variant in VARIANTS:
                best = {}
                for _ in range(args.repeat):
                    times = stage_times(demand, supply, demand_points, supply_points, variant)
                    best = {k: min(v, best.get(k, v)) for k, v in times.items()}
                print(f"--- stages, 12,800 x 500, {variant.label}, coords "
                      f"(best of {args.repeat}) ---", file=sys.stderr)
                for stage, seconds in best.items():
                    print(f"  {stage:<26} {seconds * 1000:7.1f} ms", file=sys.stderr)

    if not args.skip_national:
        command = [sys.executable, __file__, "--national-child", "--repeat", str(args.repeat)]
        if args.profile:
            command.append("--profile")
        child = subprocess.run(command, capture_output=True, text=True)
        sys.stderr.write(child.stderr)
        child.check_returncode()
        result = json.loads(child.stdout.splitlines()[0])
        print(
            f"\nNational scale: 85,000 x 5,000 uniform over lat {LOWER_48_BOX[:2]}, "
            f"lon {LOWER_48_BOX[2:]}, from coordinates, max_cost {MAX_COST:g} mi"
        )
        for label, run in result["runs"].items():
            print(
                f"  {label:>12}: first run {run['first_s']:.3f} s, best of {args.repeat} "
                f"{run['best_s']:.3f} s; {run['with_access']:,} places with access > 0"
            )
        print(
            f"  peak RSS (VmHWM) of the process: {result['peak_rss_mib']:.0f} MiB "
            f"(after imports and inputs, before the runs: {result['rss_before_mib']:.0f} MiB)"
        )


if __name__ == "__main__":
    main()
