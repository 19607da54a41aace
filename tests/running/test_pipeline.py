"""The suite runner, end to end on the tiny dataset: real papermill, real kernels, real nbconvert.

The whole suite on the demo data runs in tests/running/test_reports.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import tfanalysis as tf
from tfanalysis.running import pipeline
from tfanalysis.running.suite import check_notebook_params
from tfanalysis.running.render import external_references, local_scripts

from conftest import TINY_TABLES, write_tiny_dataset

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_a_run_lands_in_its_folder_and_latest_points_at_it(tiny_run) -> None:
    result, reports, _ = tiny_run
    assert result.folder == reports / "q1"
    assert (reports / "latest").resolve() == (reports / "q1").resolve()
    assert sorted(p.name for p in result.folder.iterdir()) == [
        "00_data_quality.html", "index.html", "metrics.json", "notebooks", "plotly.min.js", "run.json", "run.log"
    ]
    assert not list(reports.glob(".tmp-*"))


def test_relative_period_and_parameters_reach_the_notebook(tiny_run) -> None:
    result, _, _ = tiny_run
    executed = nbformat.read(result.folder / "notebooks" / "00_data_quality.ipynb", as_version=4)
    passed = executed.metadata.papermill.parameters
    assert passed["period"] == "2024-01-01..2024-03-31"  # last-quarter seen from 2024-04-15
    assert passed["suppression_threshold"] == 3
    assert passed["run_id"] == "q1"
    run = json.loads((result.folder / "run.json").read_text())
    assert run["parameters"]["period"] == "2024Q1"


def test_metrics_are_collected_and_small_counts_suppressed(tiny_run) -> None:
    result, _, history = tiny_run
    metrics = {m["name"]: m for m in json.loads((result.folder / "metrics.json").read_text())}
    # 2024Q1 of the tiny dataset: clients c1, c2 (2: below the threshold of 3, hidden); needs of c1 (2) and c2 (2);
    # referrals r1-r3; members m1-m3
    assert metrics["clients_identified"]["value"] is None and metrics["clients_identified"]["display"] == "hidden"
    assert metrics["needs_identified"]["value"] == 4
    assert metrics["referrals_made"]["value"] == 3
    assert metrics["active_members"]["value"] == 3
    assert all(m["notebook"] == "00_data_quality" for m in metrics.values())
    rows = pd.read_csv(history, dtype=str)
    assert rows[["run_id", "period", "suppression_threshold", "name", "value"]].head(2).fillna("").to_dict("records") == [
        {"run_id": "q1", "period": "2024Q1", "suppression_threshold": "3", "name": "clients_identified", "value": ""},
        {"run_id": "q1", "period": "2024Q1", "suppression_threshold": "3", "name": "needs_identified", "value": "4"},
    ]


def test_index_links_reports_and_states_inputs(tiny_run) -> None:
    result, reports, _ = tiny_run
    page = result.index.read_text()
    assert '<a href="00_data_quality.html">Data quality</a>' in page
    import hashlib
    import hmac

    digest = hashlib.sha256(TINY_TABLES["clients.csv"].encode()).hexdigest()
    key = (reports / ".ledgers" / ".publishing-key").read_text().strip()
    assert hmac.new(key.encode(), f"clients:{digest}".encode(), hashlib.sha256).hexdigest()[:16] in page
    assert digest[:16] not in page  # the bare digest would confirm a guessed copy of the file
    assert "2024Q1" in page
    assert "notebooks/" not in page  # executed notebooks are for analysts, not linked


def test_nothing_sent_names_the_dataset_by_its_files_digests(tiny_run) -> None:
    # an outsider hashed the regenerated demo's files as dataset_id does and matched the ledger path the
    # executed notebooks carried (<reports>/.ledgers/<dataset id>/<run>) after run.json's digests were keyed
    from tfanalysis.running.audit import dataset_id

    result, reports, history = tiny_run
    dataset = dataset_id(tf.load_dataset(reports.parent / "tiny-data").fingerprint())
    assert (reports / ".ledgers" / dataset / "q1").is_dir()  # the private ledger is named by it
    sent = [p for p in result.folder.rglob("*") if p.is_file() and p.suffix in {".html", ".json", ".ipynb", ".log", ".csv"}]
    assert len(sent) >= 5 and not [p.name for p in sent if dataset in p.read_text(encoding="utf-8")]
    executed = json.loads((result.folder / "notebooks" / "00_data_quality.ipynb").read_text(encoding="utf-8"))
    assert executed["metadata"]["papermill"]["parameters"]["ledger_dir"] == "<ledger>"
    # stop 36's outsider confirmed the data folder's path and state from run.json's history key, an
    # unkeyed hash of "<data folder>|<states>": the history's key stays in the private history only
    from tfanalysis.running.pipeline import dataset_key

    history_key = dataset_key(reports.parent / "tiny-data", tf.load_dataset(reports.parent / "tiny-data"))
    assert history_key in history.read_text(encoding="utf-8")
    assert not [p.name for p in sent if history_key in p.read_text(encoding="utf-8")]


def test_reports_are_offline_code_free_and_name_no_local_path(tiny_run) -> None:
    result, _, _ = tiny_run
    data_dir = str(result.folder.parent.parent / "tiny-data")
    for report in result.reports:
        page = report.read_text()
        assert external_references(page) == []
        assert "require.min.js" not in page and "tex-svg" not in page
        assert 'class="jp-CodeMirrorEditor' not in page and "notebook.setup()" not in page  # no code cells
        assert "Traceback" not in page
        assert data_dir not in page and "tiny-data" not in page
        assert "plotly.js v" not in page and local_scripts(page) == ["plotly.min.js"]  # loaded from beside it, not inlined
        assert (report.parent / "plotly.min.js").is_file()
        assert "@media print" in page


def test_invalid_data_exits_2_and_writes_nothing(tiny_run, tmp_path: Path) -> None:
    _, reports, _ = tiny_run
    before = sorted(p.name for p in reports.iterdir())
    bad = write_tiny_dataset(tmp_path / "bad", **{"clients.csv": TINY_TABLES["clients.csv"].replace("c4,", "c3,")})
    done = subprocess.run(
        [sys.executable, "-m", "tfanalysis.running.cli", "run", "--data", str(bad), "--out", str(reports), "--quiet"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 2
    assert "clients.client_id, rows 3, 4: must be unique" in done.stderr
    assert sorted(p.name for p in reports.iterdir()) == before
    assert (reports / "latest").resolve().name == "q1"


def test_a_failing_notebook_exits_1_and_keeps_the_last_good_report(tiny_run, tmp_path: Path) -> None:
    _, reports, _ = tiny_run
    suite = tmp_path / "suite"
    suite.mkdir()
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('data_dir: str = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print('needs in progress: 1'); 7"),
        nbformat.v4.new_code_cell("raise RuntimeError('broken analysis')"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, suite / "00_broken.ipynb")
    data = write_tiny_dataset(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "tfanalysis.running.cli", "run", "--data", str(data), "--out", str(reports),
         "--notebooks", str(suite), "--run-id", "broken", "--quiet"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 1
    assert "notebook 00_broken.ipynb failed in cell" in done.stderr and "broken analysis" in done.stderr
    assert not (reports / "broken").exists()
    assert (reports / "latest").resolve().name == "q1"
    assert (reports / ".failed" / "broken" / "run.log").exists()
    assert not (reports / ".failed" / "broken" / pipeline.SNAPSHOT_DIR).exists()  # the data stay in the data folder
    # what the failed run computed was never audited: its notebook keeps the error, nothing it printed or showed
    kept = nbformat.read(reports / ".failed" / "broken" / "notebooks" / "00_broken.ipynb", as_version=4)
    outputs = [output for cell in kept.cells if cell.cell_type == "code" for output in cell.outputs]
    assert [output.output_type for output in outputs] == ["error"] and outputs[0].evalue == "broken analysis"
    assert sorted(p.name for p in (reports / ".failed" / "broken").iterdir()) == ["notebooks", "run.log"]
    assert (reports / ".failed" / "broken").stat().st_mode & 0o007 == 0  # closed to others (owner and group keep theirs)
    assert (reports / ".failed").stat().st_mode & 0o007 == 0
    assert not list(reports.glob(".tmp-*"))


def test_notebooks_read_the_runs_snapshot_not_the_raw_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    probe = (
        "import json, pathlib\nimport tfanalysis as tf\ndata = tf.load_dataset(data_dir)\n"
        "pathlib.Path(report_dir, 'seen.json').write_text(json.dumps({'clients': len(data.clients), 'needs': len(data.needs), "
        "'source': data.source.name, 'data_dir': pathlib.Path(data_dir).name, 'fingerprint': data.fingerprint()}))"
    )
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Probe"),
        nbformat.v4.new_code_cell('data_dir: str = ""\nreport_dir: str = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(probe),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, suite / "00_probe.ipynb")
    data = write_tiny_dataset(tmp_path / "data")
    validated = pipeline.load_dataset

    def validate_then_remove(folder, **kwargs):
        loaded = validated(folder, **kwargs)
        for raw in Path(folder).glob("*.csv"):  # from here on only the run's snapshot holds the data
            raw.unlink()
        return loaded

    monkeypatch.setattr(pipeline, "load_dataset", validate_then_remove)
    result = pipeline.run_suite(data, tmp_path / "reports", notebooks_dir=suite, run_id="snap", history=tmp_path / "h.csv")
    seen = json.loads((result.folder / "seen.json").read_text())
    import hashlib
    import hmac

    assert seen == {"clients": 4, "needs": 5, "source": "data", "data_dir": pipeline.SNAPSHOT_DIR,
                    "fingerprint": {name.removesuffix(".csv"): hashlib.sha256(text.encode()).hexdigest() for name, text in sorted(TINY_TABLES.items())}}
    assert not (result.folder / pipeline.SNAPSHOT_DIR).exists()
    # what the run publishes of its inputs is keyed with the reports folder's private key: a bare
    # SHA-256 let an outsider confirm the demo's files regenerated with the public generator
    key = (tmp_path / "reports" / ".ledgers" / ".publishing-key").read_text().strip()
    published = json.loads((result.folder / "run.json").read_text())["fingerprint"]
    assert published == {name: hmac.new(key.encode(), f"{name}:{digest}".encode(), hashlib.sha256).hexdigest()
                         for name, digest in seen["fingerprint"].items()}
    shown = (result.folder / "index.html").read_text()
    assert not any(digest[:16] in shown or digest in json.dumps(published) for digest in seen["fingerprint"].values())
    assert published["clients"][:16] in shown


def test_parameters_file_errors_name_the_notebook_and_parameter(tmp_path: Path) -> None:
    data = write_tiny_dataset(tmp_path / "data")
    params = tmp_path / "params.yaml"
    params.write_text("period: '2024Q1'\nnotebooks:\n  00_data_quality:\n    distance_miles: 30\n")
    done = subprocess.run(
        [sys.executable, "-m", "tfanalysis.running.cli", "run", "--data", str(data), "--out", str(tmp_path / "r"),
         "--params", str(params), "--quiet"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 1
    assert "00_data_quality has no parameter 'distance_miles'" in done.stderr
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


def test_unknown_only_name_lists_the_suite(tmp_path: Path) -> None:
    with pytest.raises(pipeline.SuiteError, match="matches no notebook; the suite has: 00_data_quality"):
        pipeline.discover_notebooks(ROOT / "notebooks", ["99_nothing"])


def test_leadership_summary_is_listed_first() -> None:
    paths = [Path("00_data_quality.ipynb"), Path("05_leadership_summary.ipynb"), Path("01_service_coverage.ipynb")]
    assert [p.stem for p in pipeline.order_for_index(paths)] == ["05_leadership_summary", "00_data_quality", "01_service_coverage"]


def test_parameters_for_a_notebook_left_out_by_only_are_ignored_but_unknown_ones_refused(tmp_path: Path) -> None:
    suite = sorted((ROOT / "notebooks").glob("*.ipynb"))
    chosen = [p for p in suite if p.stem.startswith("00")]
    given = {"03_collaboration": {"change_date": "2024-07-01"}}
    assert check_notebook_params(chosen, given, suite=suite) == ({"00_data_quality": {}}, [])
    _, problems = check_notebook_params(chosen, {"99_nothing": {}}, suite=suite)
    assert problems == ["parameters for '99_nothing', which is not a notebook of the suite"]


def test_runs_of_the_same_data_into_two_reports_folders_read_each_other(tmp_path: Path) -> None:
    """A run into ``scheduled/`` reads what a run into ``reports/`` published, through the data folder.

    The same period and notebook twice: every count the second run releases keeps the
    status the first gave it (one suppression pattern per count, whichever folder).
    """
    from tfanalysis.running.audit import dataset_id, ledger_dir_of
    from tfanalysis.running.ledgers import folder_id

    data = write_tiny_dataset(tmp_path / "d")
    runs = [pipeline.run_suite(data, tmp_path / name, period="2024Q1", suppression_threshold=3, only=["00"], run_id="q1")
            for name in ("reports", "scheduled")]
    fingerprint = tf.load_dataset(data).fingerprint()
    dataset = dataset_id(fingerprint)
    first, second = tmp_path / "reports", tmp_path / "scheduled"
    assert sorted(p.name for p in (data / ".tfanalysis" / "ledgers" / dataset).iterdir() if p.is_dir()) == sorted(
        [f"q1@{folder_id(first)}", f"q1@{folder_id(second)}"])
    taken = ledger_dir_of(second, fingerprint, f"q1@{folder_id(first)}")
    assert (taken / "complete").exists()
    assert "read with this run: 1 published run(s) of the same data from other reports folders" in (runs[1].folder / "run.log").read_text()
    cells = [pd.read_parquet(ledger_dir_of(out, fingerprint, "q1") / "cells.parquet").set_index("key") for out in (first, second)]
    assert len(cells[0]) > 0 and cells[1].empty  # every count the second run released was released before, as it was
    assert not (first / ".ledgers" / dataset / f"q1@{folder_id(second)}").exists()  # taken by the next run into reports/


def test_a_period_outside_the_data_is_warned_about(tiny_data, caplog):
    """The tiny data run from 2024-01-05 to 2024-04-20: 2026Q3 (``last-quarter`` from a late export) and 2023Q3 are warned about, 2024Q2 is not."""
    import logging

    from tfanalysis.data.periods import parse_period
    from tfanalysis.running.pipeline import _warn_outside_the_data

    with caplog.at_level(logging.WARNING, logger="tfanalysis.run"):
        for period in ("2026Q3", "2023Q3", "2024Q2"):
            _warn_outside_the_data(parse_period(period), tiny_data)
    said = [r.getMessage() for r in caplog.records]
    assert said == ["period 2026Q3 lies outside the data (2024-01-05 to 2024-04-20): every count of the run is 0 or n/a",
                    "period 2023Q3 lies outside the data (2024-01-05 to 2024-04-20): every count of the run is 0 or n/a"]


@pytest.mark.slow
def test_a_quiet_run_of_a_period_outside_the_data_says_so_and_logs_it(tiny_dir, tmp_path):
    # a second task force's cron run of 2019Q1 (data from 2023) exited 0 printing only the index path:
    # the warning went to no console under --quiet and was logged before run.log was opened
    done = subprocess.run([sys.executable, "-m", "tfanalysis.running.cli", "run", "--data", str(tiny_dir), "--out", str(tmp_path / "r"),
                           "--period", "2023Q3", "--only", "00", "--quiet"], capture_output=True, text=True, timeout=300)
    said = "period 2023Q3 lies outside the data (2024-01-05 to 2024-04-20): every count of the run is 0 or n/a"
    assert done.returncode == 0 and done.stderr.strip() == said
    assert said in next((tmp_path / "r").glob("2*/run.log")).read_text(encoding="utf-8")


def test_a_region_outside_the_data_is_refused_before_anything_is_written(tiny_dir, tmp_path):
    """The tiny task force is in Delaware: NY would make every report read 0; a county code that does not exist is refused too."""
    from tfanalysis.running import pipeline

    for region, says in (("NY", "lies outside the data (their counties are in states 10)"), ("10999", "unknown county FIPS")):
        with pytest.raises(ValueError, match=re.escape(says)):
            pipeline.run_suite(tiny_dir, tmp_path / "reports", period="2024Q1", region=region, only=["00"])
        assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())
