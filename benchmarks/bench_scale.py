"""Benchmark: every analysis step at 10,000, 100,000 (and 1,000,000) clients, with its growth exponent.

Run::

    .venv/bin/python benchmarks/bench_scale.py                    # 10k and 100k clients
    .venv/bin/python benchmarks/bench_scale.py --million          # and 1M (generation about an hour, load several minutes)
    .venv/bin/python benchmarks/bench_scale.py --sizes 3000 10000 --steps match_needs structural_gaps

Data: ``tfanalysis demo DIR --clients N`` (:mod:`tfanalysis.demo.scale`), generated once
into ``--data`` (default ``data/processed/scale``, outside git) and reused. Each size is
loaded once with ``load_dataset`` (timed, for context: loading is not part of these
analyses), then **each step runs in a forked child process** that shares the loaded data:

* ``wall`` and ``cpu`` seconds of the step (``cpu``: user + system of the child, from
  ``getrusage``, which fork resets; on a shared 2-core machine it is the steadier figure);
* ``peak`` MiB: the child's ``VmHWM`` (high-water mark of resident memory, reset at the
  start with ``/proc/self/clear_refs``), so it includes the loaded data the child starts
  with; ``step`` MiB: peak less the resident memory at the start, the step's own need.

The growth exponent of a step is the least-squares slope of log(time) against
log(clients) over the sizes run (1: linear; 2: quadratic). Results are printed as a
Markdown table and written as JSON (``--out``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))


def _status(field: str) -> float:
    """A field of /proc/self/status in MiB (VmHWM, VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: VmHWM := VmRSS
    except OSError:
        pass


# --------------------------------------------------------------------------- the steps


def steps() -> dict[str, Callable[[dict[str, Any]], Any]]:
    """Analysis steps as the reports call them, on the whole extent (period None)."""
    from tfanalysis.analyses import collaboration, coverage
    from tfanalysis.analyses.gaps import forecast, profiles, underserved
    from tfanalysis.analyses.collaboration import network_layout
    from tfanalysis.analyses.gaps import eligibility, needs as gaps

    def picture(ctx: dict[str, Any]) -> Any:
        periods = collaboration.period_index(ctx["data"])
        return network_layout.picture_tables(ctx["data"].referrals, ctx["data"].members, periods[[0, -1]])

    return {
        "eligibility.client_needs": lambda c: eligibility.client_needs(c["data"].needs, c["data"].clients),
        "eligibility.match_needs": lambda c: eligibility.match_needs(c["needs"], c["data"].capacity, c["data"].members),
        "gaps.demand_capacity": lambda c: gaps.demand_capacity(c["data"]),
        "gaps.demand_capacity(by=None)": lambda c: gaps.demand_capacity(c["data"], by=None),
        "gaps.structural_gaps": lambda c: gaps.structural_gaps(c["data"]),
        "gaps.outcome_rates": lambda c: gaps.outcome_rates(c["data"]),
        "gaps.outcome_rates(need x county)": lambda c: gaps.outcome_rates(c["data"], by=("need", "county_fips")),
        "gaps.referral_outcomes": lambda c: gaps.referral_outcomes(c["data"]),
        "gaps.gap_needs": lambda c: gaps.gap_needs(c["data"]),
        "gaps.recommend_sites": lambda c: gaps.recommend_sites(c["data"], "legal_representation", k=3, max_miles=60),
        "underserved.model_frame": lambda c: underserved.model_frame(c["data"]),
        "underserved.adjusted_differences": lambda c: underserved.adjusted_differences(c["model_frame"], n_boot=100),
        "profiles.need_profiles": lambda c: profiles.need_profiles(c["data"]),
        "forecast.demand_forecast": lambda c: forecast.demand_forecast(c["data"]),
        "collaboration.indicators": lambda c: collaboration.indicators(c["data"]),
        "collaboration.indicator_bases": lambda c: collaboration.indicator_bases(c["data"]),
        "collaboration.membership": lambda c: collaboration.membership(c["data"]),
        "collaboration.attendance_matrix": lambda c: collaboration.attendance_matrix(c["data"]),
        "network.picture_tables": picture,
        "coverage.county_service_coverage": lambda c: coverage.county_service_coverage(c["data"], None, max_miles=60.0),
    }


def _child(step: Callable[[dict[str, Any]], Any], ctx: dict[str, Any], write: int) -> None:
    _reset_peak()
    start_rss = _status("VmRSS")
    wall = time.perf_counter()
    try:
        step(ctx)
        error = None
    except Exception as exc:  # report, do not hide
        error = f"{type(exc).__name__}: {exc}"[:300]
    wall = time.perf_counter() - wall
    usage = resource.getrusage(resource.RUSAGE_SELF)  # the child's own: fork resets it
    result = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak": _status("VmHWM"), "start": start_rss, "error": error}
    os.write(write, json.dumps(result).encode())
    os.close(write)


def run_step(step: Callable[[dict[str, Any]], Any], ctx: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run ``step`` in a forked child; its time and peak memory (or a timeout)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            _child(step, ctx, write)
        finally:
            os._exit(0)
    os.close(write)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read)
            return {"wall": float("nan"), "cpu": float("nan"), "peak": float("nan"), "start": float("nan"), "error": f"timeout after {timeout:.0f} s"}
        time.sleep(0.05)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    if not chunks:
        return {"wall": float("nan"), "cpu": float("nan"), "peak": float("nan"), "start": float("nan"), "error": f"child died (status {status})"}
    return json.loads(b"".join(chunks))


# --------------------------------------------------------------------------- sizes


def ensure_data(folder: Path, clients: int) -> tuple[Path, float | None]:
    """The generated dataset of ``clients`` clients (generated now if missing: its seconds)."""
    path = folder / f"c{clients}"
    if (path / "survey.csv").exists():
        return path, None
    start = time.perf_counter()
    command = "import sys; from tfanalysis.running.cli import main; sys.exit(main(sys.argv[1:]))"
    subprocess.run([sys.executable, "-c", command, "demo", str(path), "--clients", str(clients)], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": str(SRC)})
    return path, time.perf_counter() - start


def measure_size(path: Path, clients: int, names: list[str], timeout: float) -> list[dict[str, Any]]:
    import tfanalysis as tf
    from tfanalysis.analyses.gaps import underserved
    from tfanalysis.analyses.gaps import eligibility

    _reset_peak()
    rss = _status("VmRSS")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter()
    data = tf.load_dataset(path)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_SELF)
    rows = [{"clients": clients, "step": "load_dataset (context)", "wall": wall,
             "cpu": after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime, "peak": _status("VmHWM"), "start": rss, "error": None}]
    sizes = {name: len(getattr(data, name)) for name in ("members", "capacity", "clients", "needs", "referrals", "cj_events", "activities", "attendance", "survey")}
    print(f"  {clients:,} clients: loaded in {wall:.1f} s; " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()), flush=True)
    ctx = {"data": data, "needs": eligibility.client_needs(data.needs, data.clients), "model_frame": underserved.model_frame(data)}
    table = steps()
    for name in names:
        result = run_step(table[name], ctx, timeout)
        result.update(clients=clients, step=name)
        rows.append(result)
        note = f" ERROR {result['error']}" if result["error"] else ""
        print(f"  {name:<38} wall {result['wall']:8.2f} s  cpu {result['cpu']:8.2f} s  peak {result['peak']:8.0f} MiB  step {result['peak'] - result['start']:7.0f} MiB{note}", flush=True)
    rows[0]["tables"] = sizes
    return rows


def exponent(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of log(time) on log(clients)."""
    points = [(x, y) for x, y in points if y > 0 and math.isfinite(y)]
    if len(points) < 2:
        return float("nan")
    lx = [math.log(x) for x, _ in points]
    ly = [math.log(y) for _, y in points]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    sxx = sum((x - mx) ** 2 for x in lx)
    return sum((x - mx) * (y - my) for x, y in zip(lx, ly)) / sxx if sxx else float("nan")


def markdown(rows: list[dict[str, Any]]) -> str:
    sizes = sorted({r["clients"] for r in rows})
    names = list(dict.fromkeys(r["step"] for r in rows))
    by = {(r["step"], r["clients"]): r for r in rows}
    head = "| step | " + " | ".join(f"{n:,}: cpu s / wall s / peak MiB" for n in sizes) + " | exponent (cpu) | exponent (wall) |"
    lines = [head, "|" + "---|" * (len(sizes) + 3)]
    for name in names:
        cells = []
        for n in sizes:
            r = by.get((name, n))
            if r is None:
                cells.append("")
            elif r["error"]:
                cells.append(r["error"].split(":")[0])
            else:
                cells.append(f"{r['cpu']:.2f} / {r['wall']:.2f} / {r['peak']:,.0f}")
        cpu = exponent([(n, by[(name, n)]["cpu"]) for n in sizes if (name, n) in by])
        wall = exponent([(n, by[(name, n)]["wall"]) for n in sizes if (name, n) in by])
        lines.append(f"| `{name}` | " + " | ".join(cells) + f" | {cpu:.2f} | {wall:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="clients per run")
    parser.add_argument("--million", action="store_true", help="add 1,000,000 clients")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "processed" / "scale", help="where the generated datasets are kept")
    parser.add_argument("--steps", nargs="+", default=None, help="only these steps (names as printed)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds before a step is stopped")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes + ([1_000_000] if args.million else [])))
    names = args.steps or list(steps())
    unknown = set(names) - set(steps())
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}; known: {', '.join(steps())}")
    rows: list[dict[str, Any]] = []
    for clients in sizes:
        path, generated = ensure_data(args.data, clients)
        if generated is not None:
            print(f"  generated {clients:,} clients in {generated:.0f} s", flush=True)
        # each size in its own process, so that one size's memory does not carry into the next
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                os.write(write, json.dumps(measure_size(path, clients, names, args.timeout)).encode())
            finally:
                os._exit(0)
        os.close(write)
        chunks = []
        while chunk := os.read(read, 1 << 20):
            chunks.append(chunk)
        os.waitpid(pid, 0)
        if chunks:
            rows += json.loads(b"".join(chunks))
    print()
    print(markdown(rows))
    if args.out:
        args.out.write_text(json.dumps({"command": " ".join([Path(sys.executable).name, *sys.argv]), "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
