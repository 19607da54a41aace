"""Need profiles: NMF finds needs planted to occur together."""

from __future__ import annotations

import pandas as pd

from tfanalysis import load_dataset
from tfanalysis.analyses.gaps.profiles import need_matrix, need_profiles


def test_need_matrix_is_zero_one() -> None:
    m = need_matrix(pd.DataFrame({"client_id": ["a", "a", "a", "b"], "need": ["x", "x", "y", "y"]}))
    assert m.to_dict() == {"x": {"a": 1, "b": 0}, "y": {"a": 1, "b": 1}}


def test_demo_profiles_separate_labor_and_sex_trafficking_needs(demo_dir) -> None:
    data = load_dataset(demo_dir)
    profiles, weights = need_profiles(data, k=4)
    assert profiles["profile"].tolist() == [1, 2, 3, 4]
    assert profiles["clients"].is_monotonic_decreasing
    tops = profiles["top_needs"].str.split(";")
    # the generator gives labor trafficking legal representation with translation: one profile holds both
    assert any({"legal_representation", "translation_interpretation"} <= set(t) for t in tops)
    assert (weights.max(axis=1) == 1).all()
