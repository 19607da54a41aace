"""Runs that go wrong: signals, two runs at once, a broken history, a folder that cannot be written.

Each test runs the real runner (a subprocess, as cron would) on the tiny dataset with a
suite of one small notebook, so that the kernels are cheap: the runner is what is tested.
A notebook that sleeps gives a signal time to arrive while a kernel runs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from tfanalysis.running import pipeline, reports_folder

from conftest import write_tiny_dataset

pytestmark = pytest.mark.slow


ASLEEP = "asleep"
"""What the slow notebook writes into its run folder when its kernel is about to sleep: a signal sent after it finds the kernel in its cell."""


def write_suite(folder: Path, body: str, name: str = "00_probe") -> Path:
    """A suite of one notebook: the runner's shared parameters, then ``body``."""
    folder.mkdir(parents=True, exist_ok=True)
    params = 'data_dir: str = ""\nperiod: str = "all"\nrun_id: str = ""\nreport_dir: str = ""\nhistory_file: str = ""'
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Probe"),
        nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def start(data: Path, out: Path, suite: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tfanalysis.running.cli", "run", "--data", str(data), "--out", str(out), "--notebooks", str(suite), "--quiet", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def run(data: Path, out: Path, suite: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = start(data, out, suite, *args)
    stdout, stderr = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def wait_for_kernel(out: Path, proc: subprocess.Popen[str], seconds: float = 120) -> None:
    """Wait until the run's kernel is in the sleeping cell (the slow notebook writes ``asleep`` into the run folder first)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        assert proc.poll() is None, proc.communicate()
        if list(out.glob(f".tmp-*/{ASLEEP}")):
            return
        time.sleep(0.1)
    raise AssertionError("the run never reached its sleeping cell")


def stray(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith((".tmp-", ".latest-")) or p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def setting(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The tiny dataset, two suites, and a reports folder holding one good run, ``good``."""
    base = tmp_path_factory.mktemp("faults")
    data = write_tiny_dataset(base / "data")
    quick = write_suite(base / "quick", "from pathlib import Path\nfrom tfanalysis.reports import notebook\n"
                        "Path(report_dir, 'seen.txt').write_text(Path(history_file).read_text())\n"
                        "notebook.record_metric('probe', 1, label='Probe')")
    slow = write_suite(base / "slow", f"import time\nfrom pathlib import Path\nPath(report_dir, {ASLEEP!r}).touch()\ntime.sleep(120)")
    setting = {"base": base, "data": data, "quick": quick, "slow": slow, "reports": base / "reports"}
    good_run(setting, setting["reports"], "good")
    return setting


def good_run(setting: dict[str, Path], out: Path, run_id: str, *, warned: tuple[str, ...] = ()) -> None:
    """A quiet run that succeeds, printing on stderr only the run's own warnings (``warned``, in order)."""
    done = run(setting["data"], out, setting["quick"], "--run-id", run_id)
    assert done.returncode == 0, done.stderr
    # --quiet: nothing but the index path and the run's warnings, not even a kernel's warning about TCP
    assert [line for line in done.stderr.splitlines() if line] == list(warned)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_stops_the_run_keeps_latest_and_leaves_no_temporary_folder(setting: dict[str, Path], sig: signal.Signals) -> None:
    out = setting["reports"]
    proc = start(setting["data"], out, setting["slow"], "--run-id", f"stopped-{sig.name}")
    wait_for_kernel(out, proc)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in stderr
    assert (out / "latest").resolve().name == "good"
    assert stray(out) == []
    assert (out / ".failed" / f"stopped-{sig.name}" / "run.log").exists()
    assert not (out / f"stopped-{sig.name}").exists()


def test_a_killed_run_is_swept_into_failed_by_the_next_run(setting: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "reports"
    proc = start(setting["data"], out, setting["slow"], "--run-id", "killed")
    wait_for_kernel(out, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert (out / ".tmp-killed").exists()  # nothing can clean up after SIGKILL…
    assert not (out / "latest").exists() and not (out / "killed").exists()
    good_run(setting, out, "next", warned=(f"failed run kept in {out / '.failed' / 'killed'}",
                                           "run killed had died without cleaning up: its folder is now .failed/killed"))  # …but the next run does
    assert stray(out) == []
    assert (out / ".failed" / "killed" / "run.log").exists()
    assert (out / "latest").resolve().name == "next"
    assert "run killed had died without cleaning up" in (out / "next" / "run.log").read_text()


def test_two_runs_with_one_id_never_share_a_folder(setting: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "reports"
    first = start(setting["data"], out, setting["slow"], "--run-id", "twin")
    wait_for_kernel(out, first)
    second = run(setting["data"], out, setting["quick"], "--run-id", "twin")
    assert second.returncode == 1
    assert "a run with the id 'twin' is in progress" in second.stderr
    first.send_signal(signal.SIGTERM)
    first.communicate(timeout=120)
    assert sorted(p.name for p in (out / ".failed" / "twin" / "notebooks").iterdir()) == ["00_probe.ipynb"]  # the first run's only
    assert stray(out) == []


def test_two_runs_started_together_get_their_own_ids(setting: dict[str, Path]) -> None:
    out = setting["base"] / "reports-cron"
    procs = [start(setting["data"], out, setting["quick"], "--period", "2024") for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    runs = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))
    assert len(runs) == 2 and all(r.endswith("2024") or r.endswith("2024-2") for r in runs)
    assert stray(out) == []
    history = pd.read_csv(out / pipeline.HISTORY_FILE, dtype=str)
    assert sorted(history["run_id"].unique()) == runs  # both runs' metrics, neither lost to the other


def test_claimed_ids_are_unique_within_a_second(tmp_path: Path) -> None:
    label = "2025Q3"
    base = pipeline.make_run_id(label)
    (tmp_path / base).mkdir()
    (tmp_path / f".tmp-{base}-2").mkdir()
    assert reports_folder.claim_run_id(tmp_path, None, label) in {f"{base}-3", pipeline.make_run_id(label)}


def test_a_temporary_folder_of_a_dead_run_is_moved_to_failed(tmp_path: Path) -> None:
    dead = tmp_path / ".tmp-dead"
    (dead / "notebooks").mkdir(parents=True)
    (dead / "report.html").write_text("half a report")
    live = tmp_path / ".tmp-live"
    live.mkdir()
    holder = reports_folder.hold(live / reports_folder.RUNNING)  # this process is the live run
    try:
        reports_folder.sweep(tmp_path)
    finally:
        reports_folder.release(holder, live)
    assert not dead.exists() and (tmp_path / ".failed" / "dead" / "notebooks").is_dir()
    assert not (tmp_path / ".failed" / "dead" / "report.html").exists()  # no half report kept as if it were one
    assert live.exists()


# --------------------------------------------------------------------------- the metrics history


def test_a_corrupt_history_stops_the_run_before_anything_is_written(setting: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    history = out / pipeline.HISTORY_FILE
    history.write_bytes(b'\x00\xff garbage "unclosed\n' * 3)
    done = run(setting["data"], out, setting["quick"], "--run-id", "second")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"the metrics history {history} cannot be read" in done.stderr and "nothing was run" in done.stderr
    assert sorted(p.name for p in out.iterdir()) == [pipeline.HISTORY_FILE]  # no run, no latest, not even a failed one
    history.write_text("when,what\n2025-01-01,x\n")
    with pytest.raises(pipeline.SuiteError, match="is not a metrics history"):
        pipeline.run_suite(setting["data"], out, notebooks_dir=setting["quick"])


def test_a_history_that_cannot_be_written_stops_the_run_before_anything_is_written(setting: dict[str, Path], tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the history's folder should be")  # tests run as root: permission bits would not stop it
    with pytest.raises(pipeline.SuiteError, match="cannot create the folder of the metrics history"):
        pipeline.run_suite(setting["data"], tmp_path / "out", notebooks_dir=setting["quick"], history=blocker / "history.csv")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_reports_folder_that_cannot_be_written_is_a_message(setting: dict[str, Path], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    done = run(setting["data"], blocker / "reports", setting["quick"])
    assert done.returncode == 1
    assert "cannot create the reports folder" in done.stderr and "Traceback" not in done.stderr


def test_history_is_kept_per_reports_folder_and_compared_only_within_dataset_region_and_threshold(setting: dict[str, Path], tmp_path: Path) -> None:
    import tfanalysis as tf

    out = tmp_path / "reports"
    out.mkdir()
    mine = pipeline.dataset_key(setting["data"], tf.load_dataset(setting["data"]))
    other = write_tiny_dataset(tmp_path / "another-task-force")
    theirs = pipeline.dataset_key(other, tf.load_dataset(other))
    assert theirs != mine
    rows = [
        ("same", mine, "", "11"), ("threshold-5", mine, "", "5"), ("a-region", mine, "10001", "11"), ("other-data", theirs, "", "11"),
    ]
    seeded = pd.DataFrame([{"run_id": r, "dataset": d, "region": g, "suppression_threshold": t, "period": "2024Q1", "name": "arrests", "value": "7"}
                           for r, d, g, t in rows])
    legacy = pd.DataFrame([{"run_id": "before-keys", "period": "2024Q1", "name": "arrests", "value": "9"}])  # a history from before keys
    pd.concat([seeded, legacy]).to_csv(out / pipeline.HISTORY_FILE, index=False)
    done = run(setting["data"], out, setting["quick"], "--run-id", "now")
    assert done.returncode == 0, done.stderr
    seen = pd.read_csv(out / "now" / "seen.txt", dtype=str)  # the earlier runs the notebooks were given
    assert seen["run_id"].tolist() == ["same"]
    history = pd.read_csv(out / pipeline.HISTORY_FILE, dtype=str, keep_default_na=False)
    assert history["run_id"].unique().tolist() == ["same", "threshold-5", "a-region", "other-data", "before-keys", "now"]
    assert set(history.loc[history["run_id"] == "now", "dataset"]) == {mine}


def test_the_log_and_executed_notebooks_name_no_absolute_path(setting: dict[str, Path]) -> None:
    folder = setting["reports"] / "good"
    for path in [folder / "run.log", folder / "notebooks" / "00_probe.ipynb", folder / "run.json"]:
        text = path.read_text(encoding="utf-8")
        assert str(setting["base"]) not in text and str(Path.home()) + os.sep not in text, path.name
    executed = json.loads((folder / "notebooks" / "00_probe.ipynb").read_text(encoding="utf-8"))
    assert executed["metadata"]["papermill"]["parameters"]["data_dir"] == f"<run>/{pipeline.SNAPSHOT_DIR}"  # the run's snapshot of the data
    assert executed["metadata"]["papermill"]["input_path"] == "<notebooks>/00_probe.ipynb"


def test_a_run_started_with_sigint_ignored_still_stops_on_it(setting: dict[str, Path], tmp_path: Path) -> None:
    """A parent that ignores SIGINT (a test runner, a shell's background job) passes that on to the run.

    Measured in the whole test suite: such a run went on for 120 s after a SIGINT and published.
    """
    out = tmp_path / "reports"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tfanalysis.running.cli", "run", "--data", str(setting["data"]), "--out", str(out),
         "--notebooks", str(setting["slow"]), "--quiet", "--run-id", "ignored"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    wait_for_kernel(out, proc)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1, stderr
    assert not (out / "ignored").exists()
    assert (out / ".failed" / "ignored" / "run.log").exists()
