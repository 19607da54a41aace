"""Underserved groups: the model recovers a planted difference and names no small group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tfanalysis import load_dataset
from tfanalysis.analyses.gaps.underserved import (
    _cells,
    _client_draws,
    _needs_per_cell,
    adjusted_differences,
    model_frame,
)
from tfanalysis.reports.underserved import underserved_markdown


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


def test_the_intervals_hold_for_every_comparison_together() -> None:
    """A statistician: seven 90% intervals of their own named a group in 34% of tables with no difference at all.

    Two comparisons (male and nonbinary against female, nonbinary made large enough to be shown): each
    interval is the difference +- z bootstrap standard errors, z = the normal quantile at 1 - 0.10 / (2 x 2)
    = 1.95996 (Bonferroni over the 2). At the level where that z is 1 (1 - 4 x 0.158655 = 0.36538) the same
    resamples give the standard error itself: the ratio of the two half-widths is z.
    """
    from scipy.stats import norm

    frame = _frame().assign(gender=lambda t: np.where(np.arange(len(t)) % 10 == 0, "nonbinary", t["gender"]))
    wide = adjusted_differences(frame, attributes=["gender"], n_boot=40, level=0.9).set_index("group")
    one_se = adjusted_differences(frame, attributes=["gender"], n_boot=40, level=1 - 4 * norm.sf(1.0)).set_index("group")
    assert sorted(wide.index) == ["male", "nonbinary"]
    pd.testing.assert_series_equal(wide["difference"], one_se["difference"])
    ratio = (wide["high"] - wide["difference"]) / (one_se["high"] - one_se["difference"])
    np.testing.assert_allclose(ratio, [1.959964, 1.959964], rtol=1e-5)
    np.testing.assert_allclose(wide["difference"] - wide["low"], wide["high"] - wide["difference"])


def test_small_groups_are_not_named() -> None:
    frame = _frame()
    assert (frame["gender"] == "nonbinary").sum() < 11
    table = adjusted_differences(frame, attributes=["gender"], n_boot=5)
    assert "nonbinary" not in set(table["group"])


def test_bootstrap_weights_are_the_needs_of_the_drawn_clients_per_cell() -> None:
    # clients a (3 needs), b (2), c (1): draw clients with replacement, take each drawn
    # client's needs as rows, count them per covariate pattern x outcome: that is the weight
    frame = pd.DataFrame({"client_id": ["a", "b", "a", "c", "b", "a"], "gender": ["f", "m", "f", "f", "m", "f"],
                          "need": ["x", "x", "y", "x", "y", "x"], "unmet": [1, 0, 0, 1, 1, 0]})
    patterns, cell, n_cells = _cells(frame, ["gender", "need"])
    assert len(patterns) == 4 and n_cells == 8
    draws = _client_draws(3, np.random.default_rng(0))
    assert draws.sum() == 3
    codes, _ = pd.factorize(frame["client_id"])
    rows = np.concatenate([np.flatnonzero(codes == k).repeat(draws[k]) for k in range(3)])  # whole clients only
    weights = _needs_per_cell(cell, n_cells, frame["client_id"]) @ draws.astype(float)
    assert weights.tolist() == np.bincount(cell[rows], minlength=n_cells).astype(float).tolist()


def test_the_fit_on_patterns_equals_the_fit_on_the_needs() -> None:
    # g-computation done the plain way: fit on every need, predict copies of the data moved
    # into each group; the pattern-weighted fit must give the same adjusted shares. The few
    # nonbinary clients are not reported, but their needs move to each group like the rest
    # (they used to keep their own coefficient on top of the group's)
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    frame = _frame(n=800, seed=3).assign(age=lambda t: np.where(np.arange(len(t)) % 3 == 0, "minor", "adult"))
    columns = ["gender", "age", "need"]
    plain = Pipeline([("encode", ColumnTransformer([("onehot", OneHotEncoder(handle_unknown="ignore"), columns)])),
                      ("model", LogisticRegression(C=1.0, max_iter=2000, tol=1e-10))]).fit(frame[columns], frame["unmet"])
    shares = {g: plain.predict_proba(frame[columns].assign(gender=g))[:, 1].mean() for g in ("female", "male")}
    table = adjusted_differences(frame, attributes=["gender", "age"], n_boot=0).set_index("group")
    assert table.loc["male", "adjusted"] == pytest.approx(100 * shares["male"], abs=1e-4)
    assert table.loc["male", "difference"] == pytest.approx(100 * (shares["male"] - shares["female"]), abs=1e-4)


def test_demo_model_frame_and_caution(demo_dir) -> None:
    data = load_dataset(demo_dir)
    frame = model_frame(data)
    assert "declined_by_client" not in set(frame.columns)
    assert frame["unmet"].isin([0, 1]).all()
    table = adjusted_differences(frame, n_boot=30)
    assert (table["clients"] >= 11).all()
    text = underserved_markdown(table)
    assert "Caution" in text and "male" in text  # adult men: the planted shelter hole


def test_language_groups_are_the_model_frames_groups() -> None:
    from tfanalysis.analyses.gaps.underserved import language_groups

    assert language_groups(["en", "es", "uk", "unknown", "EN"]) == {"en": ["EN", "en"], "other": ["es", "uk"], "unknown": ["unknown"]}
