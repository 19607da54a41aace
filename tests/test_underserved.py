"""Underserved groups: the model recovers a planted difference and names no small group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tfanalysis import load_dataset
from tfanalysis.underserved import _resample_clients, adjusted_differences, model_frame, underserved_markdown


def _frame(n: int = 600, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    gender = rng.choice(["female", "male", "nonbinary"], n, p=[0.6, 0.385, 0.015])
    need = rng.choice(["a", "b"], n)
    # men wait more (0.4 vs 0.1), need b is harder for everybody (+0.1)
    p = np.where(gender == "male", 0.4, 0.1) + np.where(need == "b", 0.1, 0.0)
    return pd.DataFrame({"client_id": [f"c{i}" for i in range(n)], "gender": gender, "need": need, "unmet": (rng.random(n) < p).astype(int)})


def test_recovers_the_planted_difference_with_an_interval_around_it() -> None:
    table = adjusted_differences(_frame(), attributes=["gender"], n_boot=60).set_index("group")
    male = table.loc["male"]
    assert male["reference"] == "female"
    assert 20 < male["difference"] < 40  # planted 30 points
    assert male["low"] < 30 < male["high"] and male["low"] > 0


def test_small_groups_are_not_named() -> None:
    frame = _frame()
    assert (frame["gender"] == "nonbinary").sum() < 11
    table = adjusted_differences(frame, attributes=["gender"], n_boot=5)
    assert "nonbinary" not in set(table["group"])


def test_bootstrap_keeps_each_client_whole() -> None:
    ids = pd.Series(["a", "b", "a", "c", "b", "a"])
    rows = _resample_clients(ids, np.random.default_rng(0))
    drawn = ids.iloc[rows]
    sizes = drawn.value_counts()
    expected = ids.value_counts()
    assert all(sizes[c] % expected[c] == 0 for c in sizes.index)  # whole clients only


def test_demo_model_frame_and_caution(demo_dir) -> None:
    data = load_dataset(demo_dir)
    frame = model_frame(data)
    assert "declined_by_client" not in set(frame.columns)
    assert frame["unmet"].isin([0, 1]).all()
    table = adjusted_differences(frame, n_boot=30)
    assert (table["clients"] >= 11).all()
    text = underserved_markdown(table)
    assert "Caution" in text and "male" in text  # adult men: the planted shelter hole
