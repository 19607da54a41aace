"""The taxonomy against the e-Guide's own lists."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tfanalysis.data import taxonomy

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "forming-a-task-force.txt"


def _bullets(after: str, before: str) -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    block = text[text.index(after) : text.index(before)]
    return [line.strip().lstrip("•").strip() for line in block.splitlines() if line.strip().startswith("•")]


@pytest.mark.skipif(not SEED.exists(), reason="the e-Guide seed text lives in ../shared beside the repo")
def test_victim_needs_are_the_eguide_bullets_with_housing_once() -> None:
    bullets = _bullets("Needs of victims", "Needs of the criminal justice process")
    assert len(bullets) == 32
    assert bullets.count("Housing") == 1 and "Housing (emergency, transitional, permanent)" in bullets
    labels = [b.replace("’", "'") for b in bullets if b != "Housing"]
    assert sorted(taxonomy.VICTIM_NEEDS.values()) == sorted(labels)


@pytest.mark.skipif(not SEED.exists(), reason="the e-Guide seed text lives in ../shared beside the repo")
def test_cj_needs_are_the_eguide_bullets() -> None:
    bullets = _bullets("Needs of the criminal justice process", "Attempts to respond")
    assert list(taxonomy.CJ_NEEDS.values()) == bullets
    assert len(taxonomy.CJ_NEEDS) == 20


def test_codes_are_stable_snake_case_and_grouped() -> None:
    for code in [*taxonomy.SERVICE_CODES, *taxonomy.CJ_NEEDS]:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", code), code
    assert set(taxonomy.NEED_GROUPS) == set(taxonomy.SERVICE_CODES)
    assert set(taxonomy.CJ_NEED_GROUPS) == set(taxonomy.CJ_NEEDS)
    assert set(taxonomy.NEED_GROUPS.values()) | set(taxonomy.CJ_NEED_GROUPS.values()) <= set(taxonomy.GROUP_LABELS)
    assert taxonomy.NEED_GROUPS["mental_health_care"] == "health"
    assert taxonomy.NEED_GROUPS["housing_transitional"] == "basic_needs"


def test_housing_subtypes_roll_up_and_match() -> None:
    assert [taxonomy.need_category(c) for c in taxonomy.HOUSING_SUBTYPES] == ["housing"] * 3
    with pytest.raises(KeyError, match="not a victim-need code"):
        taxonomy.need_category("evidence")
    covers = taxonomy.service_covers_need(
        pd.Series(["housing_transitional", "housing", "food", "housing_permanent"]),
        pd.Series(["housing_transitional", "housing_emergency", "clothing", "housing"]),
    )
    assert covers.tolist() == [True, True, False, True]
