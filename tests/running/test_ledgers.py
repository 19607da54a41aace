"""Published ledgers shared between reports folders through the data folder (running/ledgers.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tfanalysis.publication import Interval, Release
from tfanalysis.running import ledgers
from tfanalysis.running.ledgers import folder_id, pull, push

K = 11


def _ledger(folder: Path, published: bool = True) -> Path:
    folder.mkdir(parents=True)
    (folder / "cells.parquet").write_bytes(b"cells of " + folder.name.encode())
    if published:
        (folder / "complete").write_text("published\n", encoding="utf-8")
    return folder


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_published_ledgers_go_beside_the_data_and_into_other_folders_but_unpublished_ones_do_not(tmp_path: Path) -> None:
    first, second, data = tmp_path / "reports", tmp_path / "scheduled", tmp_path / "data"
    _ledger(first / ".ledgers" / "d1" / "q1")
    _ledger(first / ".ledgers" / "d1" / "q2", published=False)  # a run that failed or is running
    _ledger(first / ".ledgers" / "d1" / "h1@0123456789")  # taken earlier from a third folder
    assert push(first, data, "d1") == 2
    assert _names(data / ".tfanalysis" / "ledgers" / "d1") == sorted([f"q1@{folder_id(first)}", "h1@0123456789"])
    assert len(folder_id(first)) == 10 and folder_id(first) == folder_id(first) != folder_id(second)  # made once, kept
    assert push(first, data, "d1") == 0  # kept once
    assert pull(second, data, "d1") == 2
    assert _names(second / ".ledgers" / "d1") == sorted([f"q1@{folder_id(first)}", "h1@0123456789"])
    assert (second / ".ledgers" / "d1" / f"q1@{folder_id(first)}" / "cells.parquet").read_bytes() == b"cells of q1"
    assert pull(second, data, "d1") == 0
    assert pull(second, data, "other data") == 0 and not (second / ".ledgers" / "other data").exists()


def test_a_folder_gets_its_own_published_ledger_back_under_its_run_id(tmp_path: Path) -> None:
    out, data = tmp_path / "reports", tmp_path / "data"
    own = _ledger(out / ".ledgers" / "d1" / "q1")
    push(out, data, "d1")
    for path in own.iterdir():
        path.unlink()
    own.rmdir()  # the reports folder lost it; its reports were sent all the same
    assert pull(out, data, "d1") == 1
    assert _names(out / ".ledgers" / "d1") == ["q1"] and (own / "complete").exists()


def test_an_unpublished_ledger_in_the_way_is_replaced_by_the_published_one(tmp_path: Path) -> None:
    first, second, data = tmp_path / "a", tmp_path / "b", tmp_path / "data"
    _ledger(first / ".ledgers" / "d1" / "q1")
    push(first, data, "d1")
    stale = _ledger(second / ".ledgers" / "d1" / f"q1@{folder_id(first)}", published=False)
    (stale / "cells.parquet").write_bytes(b"half written")
    assert pull(second, data, "d1") == 1
    assert (stale / "cells.parquet").read_bytes() == b"cells of q1" and (stale / "complete").exists()


def test_a_data_folder_that_cannot_be_written_is_an_os_error(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    _ledger(out / ".ledgers" / "d1" / "q1")
    blocked = tmp_path / "data"
    blocked.write_text("a file where the data folder's .tfanalysis would go", encoding="utf-8")
    with pytest.raises(OSError):
        push(out, blocked, "d1")


def _needs() -> pd.DataFrame:
    """Needs of two kinds in 2025Q1 and Q2: a has 15 and 8, b 30 and 30."""
    days = [("a", "2025-02-01")] * 15 + [("a", "2025-05-01")] * 8 + [("b", "2025-02-01")] * 30 + [("b", "2025-05-01")] * 30
    return pd.DataFrame({"need": [n for n, _ in days], "identified_on": pd.to_datetime([d for _, d in days])})


def _release_and_publish(out: Path, run: str, period: Interval, data: Path | None) -> pd.Series:
    """One run's table of needs by kind, as the pipeline runs it: take the shared ledgers, release, publish, share."""
    dataset = out / ".ledgers" / "d1"
    if data is not None:
        pull(out, data, "d1")
    rel = Release(None, K, units={"needs": _needs()}, ledger_dir=dataset / run, run=run)
    shown = rel.table("needs", rows="need", where={"identified_on": period}, name=f"needs {run}")
    rel.ledger.mark_complete()
    if data is not None:
        push(out, data, "d1")
    return shown.numbers()


@pytest.mark.parametrize("shared", [False, True])
def test_a_quarter_released_into_another_folder_hides_what_the_half_year_gives_away(tmp_path: Path, shared: bool) -> None:
    """The attack of two reports folders, rebuilt: 2025H1 into ``reports/``, 2025Q1 into ``scheduled/``.

    Worked by hand: H1 shows a = 23 and b = 60. A Q1 table showing a = 15 gives Q2's
    a = 23 - 15 = 8 away. Without the shared ledgers the Q1 run knows nothing of H1 and
    shows 15 (the attack); with them it hides a, and b with it (Q1's total would give a back).
    """
    data = tmp_path / "data" if shared else None
    half = _release_and_publish(tmp_path / "reports", "h1", Interval("2025-01-01", "2025-06-30"), data)
    assert half.to_dict() == {"a": 23, "b": 60}
    quarter = _release_and_publish(tmp_path / "scheduled", "q1", Interval("2025-01-01", "2025-03-31"), data)
    if not shared:
        assert quarter.to_dict() == {"a": 15, "b": 30}  # 23 - 15 = 8: a hidden count of 2025Q2 given away
    else:
        assert quarter.isna().all(), quarter.to_dict()


def test_a_count_shown_by_one_folder_and_hidden_by_another_is_read_as_shown(tmp_path: Path) -> None:
    """Runs of two folders before they shared ledgers may disagree on a count: once shown, it is public."""
    from tfanalysis.publication.ledger import Ledger

    for run, hidden in (("a-run", True), ("b-run", False)):
        pd.DataFrame({"key": ["needs|k"], "table": ["t"], "row": [""], "column": [""], "true": [30], "hidden": [hidden],
                      "withheld": [False], "run": [run]}).to_parquet(_ledger(tmp_path / run) / "cells.parquet")
    ledger = Ledger(None, earlier=[tmp_path / "a-run", tmp_path / "b-run"])
    assert ledger.cells["hidden"].tolist() == [False]


def test_the_module_names_what_it_keeps() -> None:
    assert ledgers.SHARED == Path(".tfanalysis") / "ledgers"


def test_runs_of_the_same_data_audit_and_publish_one_at_a_time(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The publishing lock, held by one run, keeps a run into another folder waiting until it is let go (and it says so)."""
    import threading
    import time

    order: list[str] = []
    held = threading.Event()

    def first() -> None:
        with ledgers.publishing(tmp_path / "reports", tmp_path / "data", "d1"):
            held.set()
            time.sleep(0.5)
            order.append("first published")

    def second() -> None:
        held.wait()
        with ledgers.publishing(tmp_path / "scheduled", tmp_path / "data", "d1"):
            order.append("second audited")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    with caplog.at_level("INFO", logger="tfanalysis.run"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert order == ["first published", "second audited"]
    assert caplog.text.count("waiting for another run of this data to finish publishing") == 1
    assert (tmp_path / "data" / ".tfanalysis" / "ledgers" / "d1" / ".lock").exists()


def test_without_a_writable_data_folder_the_lock_is_the_reports_folders(tmp_path: Path) -> None:
    blocked = tmp_path / "data"
    blocked.write_text("not a folder", encoding="utf-8")
    with ledgers.publishing(tmp_path / "reports", blocked, "d1"):
        assert (tmp_path / "reports" / ".ledgers" / "d1" / ".lock").exists()


def test_a_published_ledger_is_never_replaced_and_copies_under_way_are_not_shared(tmp_path: Path) -> None:
    first, second, data = tmp_path / "a", tmp_path / "b", tmp_path / "data"
    _ledger(first / ".ledgers" / "d1" / "q1")
    _ledger(first / ".ledgers" / "d1" / ".q2.part-999")  # a copy a killed run left: it carries the marker
    there = _ledger(data / ".tfanalysis" / "ledgers" / "d1" / f"q1@{folder_id(first)}")
    (there / "cells.parquet").write_bytes(b"the copy already there")
    assert push(first, data, "d1") == 0
    assert (there / "cells.parquet").read_bytes() == b"the copy already there"
    assert pull(second, data, "d1") == 1 and _names(second / ".ledgers" / "d1") == [f"q1@{folder_id(first)}"]


def test_an_id_published_before_is_not_given_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tfanalysis.running import reports_folder
    from tfanalysis.running.errors import SuiteError
    from tfanalysis.running.reports_folder import claim_run_id

    monkeypatch.setattr(reports_folder, "make_run_id", lambda label: f"today-{label}")

    out = tmp_path / "reports"
    out.mkdir()
    dataset = out / ".ledgers" / "d1"
    _ledger(dataset / "q1")  # its run folder was deleted; its reports were sent
    _ledger(dataset / "q2", published=False)  # a failed run's
    with pytest.raises(SuiteError, match="was published from"):
        claim_run_id(out, "q1", "2025Q1", ledgers=dataset)
    assert claim_run_id(out, "q2", "2025Q1", ledgers=dataset) == "q2"
    _ledger(dataset / "today-2025Q1")
    assert claim_run_id(out, None, "2025Q1", ledgers=dataset) == "today-2025Q1-2"


def _released_alone(folder: Path, run: str, period: Interval, *, published: bool = True) -> Path:
    """A run's ledger as a folder that saw no other run would have written it."""
    ledger = folder / run
    rel = Release(None, K, units={"needs": _needs()}, ledger_dir=ledger, run=run)
    rel.table("needs", rows="need", where={"identified_on": period}, name=f"needs {run}")
    if published:
        rel.ledger.mark_complete()
    return ledger


def _gathered(tmp_path: Path, *ledgers: Path) -> Path:
    """The ledgers side by side in one dataset folder, as sharing leaves them."""
    import shutil

    dataset = tmp_path / "gathered" / "d1"
    for ledger in ledgers:
        shutil.copytree(ledger, dataset / ledger.name)
    return dataset


H1, Q1 = Interval("2025-01-01", "2025-06-30"), Interval("2025-01-01", "2025-03-31")


def test_what_earlier_runs_gave_away_alone_is_logged_and_not_held_against_the_run(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Two folders before they shared: H1 (a = 23) and Q1 (a = 15) give Q2's 8 away. A later run cannot take that back."""
    from tfanalysis.running.pipeline import _audit_release

    dataset = _gathered(tmp_path, _released_alone(tmp_path / "reports", "h1", H1), _released_alone(tmp_path / "scheduled", "q1", Q1))
    now = Release(None, K, units={"needs": _needs()}, ledger_dir=dataset / "now", run="now")
    now.table("needs", rows="need", where={"identified_on": H1}, name="needs now")  # the same counts again: nothing new
    with caplog.at_level("WARNING", logger="tfanalysis.run"):
        _audit_release(None, dataset / "now", K, "now", units={"needs": _needs()})
    assert "published before this run, by earlier runs alone" in caplog.text


def test_a_run_that_gives_a_count_away_with_an_earlier_run_fails_its_audit(tmp_path: Path) -> None:
    from tfanalysis.running.errors import SuiteError
    from tfanalysis.running.pipeline import _audit_release

    # this run's ledger as a run that did not read the earlier one would write it
    dataset = _gathered(tmp_path, _released_alone(tmp_path / "reports", "h1", H1), _released_alone(tmp_path / "other", "now", Q1, published=False))
    with pytest.raises(SuiteError, match="disclosure audit: counts a reader could recover"):
        _audit_release(None, dataset / "now", K, "now", units={"needs": _needs()})
