"""Tally how the suite answers bad inputs, bad parameters, faults and injection payloads.

Not a timing benchmark: a reproducible count for issue 12 ("runs and inputs that never
mislead"). Every case is classified as

- ``clean``: refused with a clear message (exit 2 for data, 1 for parameters and faults),
  naming what is wrong, no traceback, no cell value echoed, nothing published;
- ``traceback``: a Python traceback reached the user;
- ``silent``: accepted, or a fault that left a misleading state (exit 0 on bad input, a
  stray temporary folder, ``latest`` moved by a failed run, a live formula in an export);
- ``unclear``: refused, but the message does not name the table and column (or the
  parameter), or it echoes a value, or the refusal came only after a kernel started.

Run against the code on ``sys.path`` (the checkout by default; point ``PYTHONPATH`` at
another ``src/`` to tally an older version)::

    .venv/bin/python benchmarks/tally_inputs.py [bad] [params] [faults] [injection]
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import TINY_TABLES, write_tiny_dataset  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "bad"


def build_case(case_dir: Path, target: Path) -> dict:
    """Write the tiny dataset with one corpus case applied into ``target``; return its case.yaml."""
    meta = yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8"))
    write_tiny_dataset(target, **{name: None for name in meta.get("remove") or []})
    for path in case_dir.iterdir():
        if path.name != "case.yaml":
            shutil.copyfile(path, target / path.name)
    return meta


def validate_in_process(folder: Path) -> tuple[int | None, str]:
    """Run ``tfanalysis validate`` in this process; (exit code or None on an exception, output)."""
    from tfanalysis.running import cli

    out, err = io.StringIO(), io.StringIO()
    code: int | None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(["validate", str(folder)])
        except SystemExit as exc:
            code = int(exc.code or 0)
        except BaseException:
            traceback.print_exc()
            code = None
    return code, out.getvalue() + err.getvalue()


def classify_bad(meta: dict, code: int | None, output: str) -> str:
    if code is None or "Traceback" in output:
        return "traceback"
    if code == 0:
        return "silent"
    named = meta["table"] in output and (not meta.get("column") or f"{meta['table']}.{meta['column']}" in output)
    named = named and (not meta.get("says") or meta["says"] in output)
    leaked = any(s and s in output for s in meta.get("secrets") or [])
    return "clean" if code == 2 and named and not leaked else "unclear"


def tally_bad() -> Counter:
    counts: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for case_dir in sorted(p for p in CORPUS.iterdir() if (p / "case.yaml").exists()):
            folder = Path(tmp) / case_dir.name
            meta = build_case(case_dir, folder)
            code, output = validate_in_process(folder)
            verdict = classify_bad(meta, code, output)
            counts[verdict] += 1
            if verdict != "clean":
                first = output.strip().splitlines()[-1] if output.strip() else ""
                print(f"  bad/{case_dir.name}: {verdict} (exit {code}) {first[:150]}")
    return counts


# --------------------------------------------------------------------------- parameters

PARAM_CASES: list[tuple[str, list[str], str, str]] = [
    # (name, extra CLI args, parameters file text, the word the message must name)
    ("threshold-fraction", [], "threshold: 10.9\n", "threshold"),
    ("threshold-0", [], "threshold: 0\n", "threshold"),
    ("threshold-1", [], "threshold: 1\n", "threshold"),
    ("threshold-2", [], "threshold: 2\n", "threshold"),
    ("threshold-negative", [], "threshold: -5\n", "threshold"),
    ("threshold-word", [], "threshold: eleven\n", "threshold"),
    ("threshold-bool", [], "threshold: yes\n", "threshold"),
    ("threshold-cli-2", ["--threshold", "2"], "", "threshold"),
    ("period-bad-quarter", [], "period: 2025Q5\n", "period"),
    ("period-unknown-word", [], "period: last-decade\n", "period"),
    ("start-after-end", [], "start: 2025-06-30\nend: 2025-01-01\n", "start"),
    ("region-number", [], "region: 10001\n", "region"),
    ("region-unknown-state", [], "region: ZZ\n", "region"),
    ("only-list-of-numbers", [], "only: [0]\n", "only"),
    ("site-count-word", ["--only", "02"], "notebooks:\n  02_needs_and_gaps:\n    site_count: three\n", "site_count"),
    ("site-count-zero", ["--only", "02"], "notebooks:\n  02_needs_and_gaps:\n    site_count: 0\n", "site_count"),
    ("site-count-fraction", ["--only", "02"], "notebooks:\n  02_needs_and_gaps:\n    site_count: 2.5\n", "site_count"),
    ("max-miles-negative", ["--only", "01"], "notebooks:\n  01_service_coverage:\n    max_miles: -10\n", "max_miles"),
    ("max-miles-inf", ["--only", "01"], "notebooks:\n  01_service_coverage:\n    max_miles: .inf\n", "max_miles"),
    ("decay-unknown", ["--only", "01"], "notebooks:\n  01_service_coverage:\n    decay: linear\n", "decay"),
    ("map-services-zero", ["--only", "01"], "notebooks:\n  01_service_coverage:\n    map_services: 0\n", "map_services"),
    ("freq-weekly", ["--only", "03"], "notebooks:\n  03_collaboration:\n    freq: weekly\n", "freq"),
    ("change-date-words", ["--only", "03"], "notebooks:\n  03_collaboration:\n    change_date: July 2024\n", "change_date"),
    ("forecast-quarters-zero", ["--only", "02"], "notebooks:\n  02_needs_and_gaps:\n    forecast_quarters: 0\n", "forecast_quarters"),
    ("bootstrap-negative", ["--only", "02"], "notebooks:\n  02_needs_and_gaps:\n    bootstrap_resamples: -1\n", "bootstrap_resamples"),
    ("heatmap-word", ["--only", "02"], "notebooks:\n  02_needs_and_gaps:\n    heatmap_counties: all\n", "heatmap_counties"),
    ("two-problems-one-message", ["--only", "02"], "threshold: 1\nnotebooks:\n  02_needs_and_gaps:\n    site_count: three\n", "site_count"),
]


def run_cli(args: list[str], timeout: int = 900) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p.endswith("src") and "site-packages" not in p)}
    return subprocess.run([sys.executable, "-m", "tfanalysis.running.cli", *args], capture_output=True, text=True, timeout=timeout, env=env)


def tally_params() -> Counter:
    counts: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        data = write_tiny_dataset(Path(tmp) / "data")
        chosen = os.environ.get("TALLY_CASES", "").split(",") if os.environ.get("TALLY_CASES") else None
        for name, extra, text, word in PARAM_CASES:
            if chosen and name not in chosen:
                continue
            out = Path(tmp) / f"out-{name}"
            params = Path(tmp) / f"{name}.yaml"
            params.write_text(text or "{}\n")
            args = ["run", "--data", str(data), "--out", str(out), "--quiet", "--params", str(params), *extra]
            if "--only" not in extra and "only:" not in text:
                args += ["--only", "00"]
            done = run_cli(args)
            output = done.stdout + done.stderr
            kernel_started = (out / ".failed").exists() or "failed in cell" in output
            if "Traceback" in output:
                verdict = "traceback"
            elif done.returncode == 0:
                verdict = "silent"
            elif word in output and not kernel_started:
                verdict = "clean"
            else:
                verdict = "unclear"
            counts[verdict] += 1
            if verdict != "clean":
                print(f"  params/{name}: {verdict} (exit {done.returncode}) {output.strip().splitlines()[-1][:150] if output.strip() else ''}")
    return counts


# --------------------------------------------------------------------------- faults


def _good_run(data: Path, out: Path, run_id: str) -> None:
    done = run_cli(["run", "--data", str(data), "--out", str(out), "--only", "00", "--quiet", "--run-id", run_id, "--period", "2024"])
    assert done.returncode == 0, done.stderr


def _latest(out: Path) -> str | None:
    latest = out / "latest"
    return latest.resolve().name if latest.exists() else None


def _stray(out: Path) -> list[str]:
    return [p.name for p in out.iterdir() if p.name.startswith((".tmp-", ".latest-"))] if out.exists() else []


def _spawn(args: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p.endswith("src") and "site-packages" not in p)}
    return subprocess.Popen([sys.executable, "-m", "tfanalysis.running.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _wait_for_kernel(out: Path, proc: subprocess.Popen, seconds: float = 180) -> None:
    end = time.time() + seconds
    while time.time() < end and proc.poll() is None:
        if list(out.glob(".tmp-*/notebooks/*.ipynb")):
            time.sleep(3)
            return
        time.sleep(0.2)


def _history_files(out: Path) -> list[Path]:
    from tfanalysis.running import pipeline

    try:
        where = pipeline.history_path(out)
    except TypeError:  # before histories were kept per reports folder: one global file
        where = pipeline.history_path()
    return [where] if where.exists() else []


def _verdict(ok: bool, output: str) -> str:
    return "clean" if ok else ("traceback" if "Traceback" in output else "silent")


def _suite(folder: Path, name: str, body: str) -> Path:
    import nbformat

    folder.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('data_dir: str = ""', metadata={"tags": ["parameters"]}), nbformat.v4.new_code_cell(body)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def tally_faults() -> Counter:
    """Nine faults: SIGTERM, SIGINT, SIGKILL, two pairs of concurrent runs, two histories, two --out folders."""
    counts: Counter = Counter()
    verdicts: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = write_tiny_dataset(tmp / "data")
        sleepy, quick = _suite(tmp / "sleepy", "00_sleepy", "import time\ntime.sleep(60)"), _suite(tmp / "quick", "00_quick", "x = 1")
        nap = _suite(tmp / "nap", "00_nap", "import time\ntime.sleep(5)")
        out = tmp / "reports"
        _good_run(data, out, "good")

        for sig, name in ((signal.SIGTERM, "sigterm"), (signal.SIGINT, "sigint"), (signal.SIGKILL, "sigkill")):
            proc = _spawn(["run", "--data", str(data), "--out", str(out), "--notebooks", str(sleepy), "--quiet", "--run-id", name])
            _wait_for_kernel(out, proc)
            proc.send_signal(sig)
            _, err = proc.communicate(timeout=180)
            if sig == signal.SIGKILL:  # nothing can clean up after SIGKILL: the next run must
                _good_run(data, out, "after-kill")
                ok = _latest(out) == "after-kill" and not _stray(out) and (out / ".failed" / name).exists()
            else:
                ok = proc.returncode != 0 and _latest(out) == "good" and not _stray(out) and "Traceback" not in err
            verdicts[name] = _verdict(ok, err)

        # the same --run-id while the first runs; two runs started in the same second (cron). Two suites
        # with differently named notebooks: a run folder holding both notebooks mixed two runs.
        for name in ("same-run-id", "default-ids-same-second"):
            target = tmp / f"reports-{name}"
            if name == "same-run-id":
                first = _spawn(["run", "--data", str(data), "--out", str(target), "--notebooks", str(sleepy), "--quiet", "--run-id", "twin"])
                _wait_for_kernel(target, first)
                second = _spawn(["run", "--data", str(data), "--out", str(target), "--notebooks", str(quick), "--quiet", "--run-id", "twin"])
                expected_codes, expected_runs = [0, 1], 1
            else:
                first = _spawn(["run", "--data", str(data), "--out", str(target), "--notebooks", str(nap), "--quiet", "--period", "2024"])
                second = _spawn(["run", "--data", str(data), "--out", str(target), "--notebooks", str(quick), "--quiet", "--period", "2024"])
                expected_codes, expected_runs = [0, 0], 2
            results = [(p.wait(timeout=600), p.stderr.read()) for p in (first, second)]
            runs = [p for p in target.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")]
            mixed = any(len(list((r / "notebooks").glob("*.ipynb"))) != 1 for r in runs)
            if name == "same-run-id":  # the run that started first must be the one that lands, whole
                mixed |= not (target / "twin" / "notebooks" / "00_sleepy.ipynb").exists()
            tb = any("Traceback" in e for _, e in results)
            ok = sorted(c for c, _ in results) == expected_codes and len(runs) == expected_runs and not mixed and not _stray(target)
            verdicts[name] = _verdict(ok and not tb, "Traceback" if tb else "")

        for name in ("history-corrupted", "history-unwritable"):
            target = tmp / f"reports-{name}"
            _good_run(data, target, "first")
            history = _history_files(target)[0]
            saved = history.read_bytes()
            if name == "history-corrupted":
                history.write_bytes(b'\x00\xff garbage "unclosed\n' * 3)
            else:  # tests run as root: a directory where the file should be is unwritable for anyone
                history.unlink()
                history.mkdir()
            try:
                done = run_cli(["run", "--data", str(data), "--out", str(target), "--only", "00", "--quiet", "--run-id", "second", "--period", "2024"])
            finally:
                if history.is_dir():
                    history.rmdir()
                history.write_bytes(saved)
            output = done.stdout + done.stderr
            ok = done.returncode == 1 and _latest(target) == "first" and "metrics_history" in output and "Traceback" not in output
            verdicts[name] = _verdict(ok, output)

        blocker = tmp / "a-file"
        blocker.write_text("")
        done = run_cli(["run", "--data", str(data), "--out", str(blocker / "reports"), "--only", "00", "--quiet"])
        output = done.stdout + done.stderr
        verdicts["out-unwritable"] = _verdict(done.returncode == 1 and "Traceback" not in output, output)
        done = run_cli(["run", "--data", str(data), "--out", str(data / "reports"), "--only", "00", "--quiet"])
        output = done.stdout + done.stderr
        verdicts["out-inside-data"] = _verdict(done.returncode != 0 and not (data / "reports").exists(), output)
    for name, verdict in verdicts.items():
        counts[verdict] += 1
        if verdict != "clean":
            print(f"  faults/{name}: {verdict}")
    return counts


def tally_empty() -> Counter:
    """The whole suite on header-only client tables and on a period past the data."""
    counts: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        empty = write_tiny_dataset(tmp / "empty", **{n: TINY_TABLES[n].splitlines()[0] + "\n" for n in ("clients.csv", "needs.csv", "referrals.csv", "cj_events.csv")})
        data = write_tiny_dataset(tmp / "data")
        for name, folder, extra in (("header-only", empty, []), ("2099Q1", data, ["--period", "2099Q1"])):
            done = run_cli(["run", "--data", str(folder), "--out", str(tmp / f"r-{name}"), "--quiet", "--threshold", "3", *extra])
            output = done.stdout + done.stderr
            verdict = "clean" if done.returncode == 0 else ("traceback" if "Traceback" in output else "unclear")
            counts[verdict] += 1
            if verdict != "clean":
                print(f"  empty/{name}: {verdict} {output.strip().splitlines()[-1][:200] if output.strip() else ''}")
    return counts


# --------------------------------------------------------------------------- injection

PAYLOADS: list[str] = [
    '=HYPERLINK("http://example.invalid/x","Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
    "=cmd|' /C notepad'!'A1'",
    "+1 (302) 555-0100",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(2)</script>",
    "[click](javascript:alert(1))",
]


def tally_injection() -> Counter:
    import openpyxl
    import pandas as pd

    import tfanalysis as tf
    from tfanalysis.analyses import directory
    from tfanalysis.reports import directory as directory_report

    counts: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for i, payload in enumerate(PAYLOADS):
            members = pd.read_csv(io.StringIO(TINY_TABLES["members.csv"]), dtype=str, keep_default_na=False)
            members.loc[0, "name"] = payload
            folder = write_tiny_dataset(tmp / f"d{i}", **{"members.csv": None})
            members.to_csv(folder / "members.csv", index=False, lineterminator="\r\n")  # a CR inside a cell is quoted
            data = tf.load_dataset(folder)
            table = directory.member_directory(data)
            files = directory_report.export(table, tmp / f"x{i}")
            html = directory_report.directory_html(table)
            csv_cells = pd.read_csv(files["csv"], dtype=str, keep_default_na=False, encoding="utf-8-sig").to_numpy().ravel().tolist()
            sheet = openpyxl.load_workbook(files["xlsx"]).active
            xlsx_cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
            live_csv = any(str(v)[:1] in ("=", "+", "-", "@", "\t", "\r") for v in csv_cells)
            live_xlsx = any(c.data_type == "f" or (isinstance(c.value, str) and c.value[:1] in ("=", "+", "-", "@", "\t", "\r")) for c in xlsx_cells)
            raw_markup = "<script>alert" in html or "<img src=x" in html
            verdict = "silent" if (live_csv or live_xlsx or raw_markup) else "clean"
            counts[verdict] += 1
            if verdict != "clean":
                print(f"  injection/{payload!r}: live in {'csv ' if live_csv else ''}{'xlsx ' if live_xlsx else ''}{'html' if raw_markup else ''}")
    return counts


SECTIONS = {"bad": tally_bad, "params": tally_params, "faults": tally_faults, "empty": tally_empty, "injection": tally_injection}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(SECTIONS)
    totals: dict[str, Counter] = {}
    for section in chosen:
        print(f"== {section}")
        totals[section] = SECTIONS[section]()
        c = totals[section]
        print(f"{section}: {sum(c.values())} cases: {c['clean']} clean, {c['traceback']} tracebacks, {c['silent']} silently accepted, {c['unclear']} unclear")
    print(json.dumps({k: dict(v) for k, v in totals.items()}))
