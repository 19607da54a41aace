"""Benchmark: the gaps analysis at 100,000 clients / 500,000 needs, and greedy site choice vs spopt MCLP.

Run::

    .venv/bin/python benchmarks/bench_gaps.py            # full size (about 2 minutes with spopt)
    .venv/bin/python benchmarks/bench_gaps.py --quick    # 10,000 clients / 50,000 needs, 800 demand points
    .venv/bin/python benchmarks/bench_gaps.py --profile  # plus cProfile of each gaps function

Part 1 (gaps) runs in a fresh subprocess so that its peak memory (``VmHWM`` of
``/proc/self/status``) is its own: ``getrusage().ru_maxrss`` is carried over from the
parent through fork/exec on Linux.

Part 2 compares :func:`tfanalysis.analyses.gaps.sites.greedy_max_coverage` (what ``recommend_sites``
uses) with the exact maximal covering location problem solved by PySAL ``spopt``
(``MCLP.from_cost_matrix`` + PuLP CBC). ``pip install spopt pulp`` first; without them the
comparison is skipped with a message.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SRC = Path(__file__).resolve().parents[1] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))


def vm(field: str = "VmHWM") -> float:
    """Peak (VmHWM) or current (VmRSS) resident memory of this process, MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- part 1: synthetic data at scale ------------------------------------------------------


def _replicate(frame: pd.DataFrame, copies: int, id_columns: list[str], date_columns: list[str], shift_days: int) -> pd.DataFrame:
    """``copies`` copies of ``frame`` with ids suffixed ``_<copy>`` and dates shifted by copy % shift_days."""
    n = len(frame)
    out = frame.take(np.tile(np.arange(n), copies)).reset_index(drop=True)
    copy = np.repeat(np.arange(copies), n)
    suffix = pd.Series(copy, dtype="int64").astype(str).radd("_").astype(frame[id_columns[0]].dtype if id_columns else "string")
    for c in id_columns:
        out[c] = (out[c] + suffix).astype(frame[c].dtype)
    shift = pd.to_timedelta(copy % shift_days, unit="D")
    for c in date_columns:
        out[c] = out[c] + shift
    return out


def build_data(n_clients: int, n_needs: int, seed: int = 0):
    """Demo task force scaled up: clients, needs and referrals replicated; members and capacity kept."""
    from tfanalysis import demo, load_dataset

    with tempfile.TemporaryDirectory() as tmp:
        demo.generate(Path(tmp) / "demo")
        base = load_dataset(Path(tmp) / "demo")
    copies = -(-n_clients // len(base.clients))
    clients = _replicate(base.clients, copies, ["client_id"], ["identified_on"], 15).iloc[:n_clients]
    needs = _replicate(base.needs, copies, ["client_id"], ["identified_on", "met_on"], 15)
    needs = needs[needs["client_id"].isin(clients["client_id"])]
    if len(needs) < n_needs:
        raise SystemExit(f"only {len(needs)} needs for {n_clients} clients; ask for fewer needs")
    rng = np.random.default_rng(seed)
    needs = needs.iloc[np.sort(rng.choice(len(needs), n_needs, replace=False))].reset_index(drop=True)
    refs = _replicate(base.referrals, copies, ["referral_id", "client_id"], ["referred_on", "responded_on"], 15)
    refs = refs[refs["client_id"].isin(clients["client_id"])].reset_index(drop=True)
    return base.replace(clients=clients.reset_index(drop=True), needs=needs, referrals=refs)


def gaps_worker(n_clients: int, n_needs: int, profile: bool) -> dict:
    """Run in a fresh process: build the data, time each gaps function, record VmHWM."""
    from tfanalysis.analyses.gaps import needs as gaps

    out: dict = {"start_hwm": vm()}
    t = time.perf_counter()
    data = build_data(n_clients, n_needs)
    out["build_s"] = time.perf_counter() - t
    out["rows"] = {"clients": len(data.clients), "needs": len(data.needs), "referrals": len(data.referrals), "capacity": len(data.capacity), "members": len(data.members)}
    out["after_build_hwm"] = vm()
    out["after_build_rss"] = vm("VmRSS")
    steps = [
        ("demand_capacity (by county)", lambda: gaps.demand_capacity(data)),
        ("demand_capacity (by=None)", lambda: gaps.demand_capacity(data, by=None)),
        ("outcome_rates (need)", lambda: gaps.outcome_rates(data)),
        ("outcome_rates (need x county)", lambda: gaps.outcome_rates(data, by=("need", "county_fips"))),
        ("structural_gaps", lambda: gaps.structural_gaps(data)),
        ("referral_outcomes", lambda: gaps.referral_outcomes(data)),
        ("gap_needs", lambda: gaps.gap_needs(data)),
    ]
    try:
        from tfanalysis.analyses.gaps import forecast, profiles, underserved

        steps += [
            ("underserved.model_frame", lambda: underserved.model_frame(data)),
            ("profiles.need_profiles", lambda: profiles.need_profiles(data)),
            ("forecast.demand_forecast", lambda: forecast.demand_forecast(data)),
        ]
    except ImportError as e:  # pragma: no cover
        print(f"extras skipped: {e}", file=sys.stderr)
    out["steps"] = []
    for name, fn in steps:
        t = time.perf_counter()
        try:
            result = fn()
            err = None
        except Exception as e:  # report, keep going
            result, err = None, f"{type(e).__name__}: {e}"
        dt = time.perf_counter() - t
        shape = getattr(result, "shape", None) if not isinstance(result, tuple) else [getattr(r, "shape", None) for r in result]
        out["steps"].append({"name": name, "s": dt, "hwm": vm(), "rss": vm("VmRSS"), "shape": str(shape), "error": err})
        del result
    if profile:
        out["profiles"] = {}
        for name, fn in steps[:6]:
            pr = cProfile.Profile()
            pr.enable()
            fn()
            pr.disable()
            buf = io.StringIO()
            pstats.Stats(pr, stream=buf).sort_stats("cumulative").print_stats(25)
            out["profiles"][name] = buf.getvalue()
    out["peak_hwm"] = vm()
    return out


def run_gaps(n_clients: int, n_needs: int, profile: bool) -> None:
    cmd = [sys.executable, __file__, "--worker", str(n_clients), str(n_needs)] + (["--profile"] if profile else [])
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        print(proc.stdout, proc.stderr)
        raise SystemExit("gaps worker failed")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"\n== Gaps analysis: {res['rows']} ==")
    print(f"building the synthetic data: {res['build_s']:.1f} s; VmHWM after imports {res['start_hwm']:.0f} MiB, after build {res['after_build_hwm']:.0f} MiB (RSS {res['after_build_rss']:.0f})")
    print(f"{'function':34s} {'s':>8s} {'VmHWM MiB':>10s} {'RSS MiB':>8s}  result")
    for s in res["steps"]:
        print(f"{s['name']:34s} {s['s']:8.2f} {s['hwm']:10.0f} {s['rss']:8.0f}  {s['error'] or s['shape']}")
    core = sum(s["s"] for s in res["steps"] if s["name"].split()[0] in {"demand_capacity", "outcome_rates", "structural_gaps", "referral_outcomes"} and "x county" not in s["name"] and "by=None" not in s["name"])
    print(f"core four (demand_capacity by county, outcome_rates by need, structural_gaps, referral_outcomes): {core:.2f} s")
    print(f"peak memory of the whole process (VmHWM): {res['peak_hwm']:.0f} MiB")
    for name, text in res.get("profiles", {}).items():
        print(f"\n--- cProfile: {name} ---\n{text}")


# --- part 2: greedy vs spopt MCLP ---------------------------------------------------------


def site_inputs(n_demand: int, n_existing: int, n_candidates: int, seed: int = 7):
    """Demand uniform over the lower 48 with lognormal unmet-need weights; existing providers
    clustered around 40 metro areas (so that much demand is uncovered); candidates uniform."""
    rng = np.random.default_rng(seed)
    demand = pd.DataFrame({"lat": rng.uniform(25, 49, n_demand), "lon": rng.uniform(-124, -67, n_demand)})
    weights = np.round(rng.lognormal(2.0, 1.0, n_demand))
    metros = np.column_stack([rng.uniform(27, 47, 40), rng.uniform(-122, -70, 40)])
    which = rng.integers(0, 40, n_existing)
    existing = pd.DataFrame({"lat": metros[which, 0] + rng.normal(0, 0.6, n_existing), "lon": metros[which, 1] + rng.normal(0, 0.8, n_existing)})
    candidates = pd.DataFrame({"lat": rng.uniform(25, 49, n_candidates), "lon": rng.uniform(-124, -67, n_candidates)})
    return demand, weights, existing, candidates


def greedy_with_existing(demand, weights, existing, candidates, miles, k):
    """As recommend_sites would with existing providers: demand they cover counts no more."""
    from tfanalysis.analyses.gaps.sites import coverage_matrix, greedy_max_coverage

    covered = np.asarray(coverage_matrix(demand, existing, miles).sum(axis=1)).ravel() > 0
    w = np.where(covered, 0.0, weights)
    cov = coverage_matrix(demand, candidates, miles)
    chosen, gains = greedy_max_coverage(w, cov, k)
    return chosen, gains, float(weights[covered].sum())


def run_sites(n_demand: int, n_existing: int, n_candidates: int, miles: float, k: int, repeats: int) -> None:
    from tfanalysis.geo import great_circle_miles

    demand, weights, existing, candidates = site_inputs(n_demand, n_existing, n_candidates)
    total = float(weights.sum())
    print(f"\n== Sites: {n_demand:,} demand points x {n_existing} existing + {n_candidates} candidate sites, {miles:g} miles, k={k} ==")
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        chosen, gains, existing_cov = greedy_with_existing(demand, weights, existing, candidates, miles, k)
        times.append(time.perf_counter() - t)
    greedy_new = float(sum(gains))
    print(f"total demand {total:,.0f}; covered by the existing sites {existing_cov:,.0f} ({100 * existing_cov / total:.1f} %)")
    print(f"greedy (coverage_matrix x2 from coordinates + greedy_max_coverage): best {min(times) * 1000:.1f} ms, median {np.median(times) * 1000:.1f} ms of {repeats}")
    print(f"greedy: new demand covered {greedy_new:,.0f}; total covered {existing_cov + greedy_new:,.0f}; sites {chosen}")
    # stage split
    from tfanalysis.analyses.gaps.sites import coverage_matrix, greedy_max_coverage

    t = time.perf_counter(); cov_e = coverage_matrix(demand, existing, miles); t1 = time.perf_counter()
    cov_c = coverage_matrix(demand, candidates, miles); t2 = time.perf_counter()
    w = np.where(np.asarray(cov_e.sum(axis=1)).ravel() > 0, 0.0, weights)
    greedy_max_coverage(w, cov_c, k); t3 = time.perf_counter()
    print(f"  stages: coverage existing {1000 * (t1 - t):.1f} ms, coverage candidates {1000 * (t2 - t1):.1f} ms, greedy {1000 * (t3 - t2):.1f} ms")
    try:
        import pulp
        from spopt.locate import MCLP
    except ImportError as e:
        print(f"SKIP spopt comparison: {e} (pip install spopt pulp)")
        return
    sites = pd.concat([existing, candidates], ignore_index=True)
    i, j = np.repeat(np.arange(n_demand), len(sites)), np.tile(np.arange(len(sites)), n_demand)
    cost = great_circle_miles(demand["lat"].to_numpy()[i], demand["lon"].to_numpy()[i], sites["lat"].to_numpy()[j], sites["lon"].to_numpy()[j]).reshape(n_demand, len(sites))
    predefined = np.arange(len(sites)) < n_existing
    t = time.perf_counter()
    model = MCLP.from_cost_matrix(cost, weights, service_radius=miles, p_facilities=n_existing + k, predefined_facilities_arr=predefined, name="mclp")
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    t_solve = time.perf_counter() - t
    status = pulp.LpStatus[model.problem.status]
    opt_total = float(pulp.value(model.problem.objective))
    opt_new = opt_total - existing_cov
    open_ = [v for v in range(len(sites)) if model.fac_vars[v].value() and model.fac_vars[v].value() > 0.5]
    new_sites = sorted(v - n_existing for v in open_ if v >= n_existing)
    # check the optimum's coverage independently
    mask = (cost[:, open_] <= miles).any(axis=1)
    check = float(weights[mask].sum())
    print(f"spopt MCLP ({status}): build {t_build:.2f} s, solve {t_solve:.2f} s, total {t_build + t_solve:.2f} s")
    print(f"spopt: total covered {opt_total:,.0f} (recomputed {check:,.0f}), new demand covered {opt_new:,.0f}; new sites {new_sites}")
    print(f"greedy / optimum: total covered {100 * (existing_cov + greedy_new) / opt_total:.3f} %, new demand {100 * greedy_new / opt_new:.3f} %  (target >= 99 %)")
    print(f"speed: spopt (build + solve) / greedy best = {(t_build + t_solve) / min(times):.0f}x; build alone {t_build / min(times):.0f}x  (target >= 20x)")
    # the same problem with the existing sites folded into the weights (as greedy sees it)
    w = np.where(np.asarray(cov_e.sum(axis=1)).ravel() > 0, 0.0, weights)
    t = time.perf_counter()
    small = MCLP.from_cost_matrix(cost[:, n_existing:], w, service_radius=miles, p_facilities=k, name="mclp_uncovered")
    tb = time.perf_counter() - t
    t = time.perf_counter()
    small = small.solve(pulp.PULP_CBC_CMD(msg=False))
    ts = time.perf_counter() - t
    opt2 = float(pulp.value(small.problem.objective))
    print(f"spopt MCLP on uncovered demand only ({n_candidates} candidates, p={k}; {pulp.LpStatus[small.problem.status]}): build {tb:.2f} s, solve {ts:.2f} s; optimum {opt2:,.0f}; greedy/opt {100 * greedy_new / opt2:.3f} %; {(tb + ts) / min(times):.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--profile", action="store_true", help="cProfile each gaps function")
    parser.add_argument("--skip-gaps", action="store_true")
    parser.add_argument("--skip-sites", action="store_true")
    parser.add_argument("--worker", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        res = gaps_worker(*args.worker, profile=args.profile)
        print(json.dumps(res))
        return
    import numpy, scipy  # noqa: E401

    print(f"Python {sys.version.split()[0]}, numpy {numpy.__version__}, pandas {pd.__version__}, scipy {scipy.__version__}, CPUs {os.cpu_count()}")
    try:
        import pulp
        import spopt

        print(f"spopt {spopt.__version__}, pulp {pulp.__version__}")
    except ImportError:
        pass
    if not args.skip_gaps:
        run_gaps(*((10_000, 50_000) if args.quick else (100_000, 500_000)), args.profile)
    if not args.skip_sites:
        if args.quick:
            run_sites(800, 125, 75, 100.0, 10, 5)
        else:
            run_sites(3_200, 500, 300, 100.0, 10, 5)


if __name__ == "__main__":
    main()
