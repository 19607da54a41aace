"""The corpus of bad inputs (tests/fixtures/bad/): every case through ``tfanalysis validate``.

Each case is the tiny dataset of conftest.py with one thing broken (see
tests/fixtures/bad/make_corpus.py). Every one must exit 2 with one message that names the
table (and the column, or the cause and what to do, for a problem of the whole file),
with no traceback and no cell value of the case in it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tfanalysis.running import cli

from conftest import write_tiny_dataset

CORPUS = Path(__file__).parents[1] / "fixtures" / "bad"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.yaml").is_file())


def build(case: str, target: Path) -> dict:
    """The tiny dataset with the case's files laid over it; returns the case's case.yaml."""
    folder = CORPUS / case
    meta = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    write_tiny_dataset(target, **{name.replace(".", "__"): None for name in meta.get("remove") or []})
    for path in folder.iterdir():
        if path.name != "case.yaml":
            shutil.copyfile(path, target / path.name)
    return meta


def test_the_corpus_is_large_and_covers_every_client_level_table() -> None:
    tables = {yaml.safe_load((CORPUS / c / "case.yaml").read_text(encoding="utf-8"))["table"] for c in CASES}
    assert len(CASES) >= 90
    assert {"clients", "needs", "referrals", "cj_events", "members", "capacity", "vocabulary"} <= tables


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gets_one_clean_message_and_exit_2(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meta = build(case, tmp_path / case)
    code = cli.main(["validate", str(tmp_path / case)])  # an exception here is a traceback the user would see
    out = capsys.readouterr()
    output = out.out + out.err
    assert code == 2, output
    assert "Traceback" not in output
    assert output.startswith("The dataset breaks the data contract"), output
    assert f"- {meta['table']}" in output, output
    if meta.get("column"):
        assert f"- {meta['table']}.{meta['column']}" in output, output
    if meta.get("says"):
        assert meta["says"] in output, output
    for secret in meta.get("secrets") or []:
        assert secret not in output, f"{secret!r} echoed"
