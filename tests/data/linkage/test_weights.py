"""Match probabilities: non-matches counted within agencies, matches by EM (hand-worked)."""

from __future__ import annotations

import numpy as np
import pytest

from tfanalysis.data.linkage.weights import estimate_mixture, nonmatch_patterns, pattern_codes

# one field, two levels (0 agree, 1 disagree): ten pairs within agencies, six across
WITHIN = np.array([[0]] * 2 + [[1]] * 8)
ACROSS = np.array([[0]] * 4 + [[1]] * 2)


def test_nonmatch_patterns_are_the_counted_shares_plus_the_independent_product() -> None:
    nonmatch = nonmatch_patterns(WITHIN, [2], pseudo_pairs=0)
    assert nonmatch.probability(np.array([[0], [1]])).tolist() == pytest.approx([0.2, 0.8])
    # with 10 pseudo-pairs spread as the per-field shares, each count plus one:
    # agree (2 + 1) / 13, disagree (8 + 1) / 13, unknown (0 + 1) / 13
    smoothed = nonmatch_patterns(WITHIN, [2], pseudo_pairs=10)
    assert smoothed.probability(np.array([[0], [-1]])).tolist() == pytest.approx([(2 + 10 * 3 / 13) / 20, (0 + 10 * 1 / 13) / 20])


def test_nonmatch_patterns_keep_what_two_fields_do_together() -> None:
    # two fields that always agree together: counted, [0, 0] is 0.5, not the product 0.25
    nonmatch = nonmatch_patterns(np.array([[0, 0], [1, 1]] * 5), [2, 2], pseudo_pairs=0)
    assert nonmatch.probability(np.array([[0, 0], [0, 1]])).tolist() == [0.5, 0.0]


def test_fields_of_the_case_are_independent_of_the_name_pattern_among_non_matches() -> None:
    # field 0 a name (0 agree, 1 not), field 1 the county; within agencies, 4 pairs:
    # [0, 0], [1, 0], [1, 1], [1, 1]
    levels = np.array([[0, 0], [1, 0], [1, 1], [1, 1]])
    counted = nonmatch_patterns(levels, [2, 2], pseudo_pairs=0)
    assert counted.probability(np.array([[0, 1]])).tolist() == [0.0]  # never seen together: impossible
    apart = nonmatch_patterns(levels, [2, 2], pseudo_pairs=0, independent=[1])
    # the name counted alone: agree 1/4; the county by its own share, each count plus one:
    # same (2 + 1) / 7, different (2 + 1) / 7, unknown (0 + 1) / 7
    assert apart.probability(np.array([[0, 1], [1, 0], [0, -1]])).tolist() == pytest.approx([1 / 4 * 3 / 7, 3 / 4 * 3 / 7, 1 / 4 * 1 / 7])


def test_one_em_iteration_by_hand() -> None:
    nonmatch = nonmatch_patterns(WITHIN, [2], pseudo_pairs=0)  # u = 0.2, 0.8
    model = estimate_mixture(ACROSS, nonmatch, [2], iterations=1, smoothing=0.0)
    # start: m = 0.9, 0.1 (nothing unknown), prior 0.5
    # E-step: agree 0.45 / (0.45 + 0.10) = 9/11; disagree 0.05 / (0.05 + 0.40) = 1/9
    # M-step: matches expected 4 * 9/11 + 2 * 1/9 = 3.4949...; m = (36/11, 2/9) / 3.4949; prior = 3.4949 / 6
    expected = 4 * 9 / 11 + 2 / 9
    assert model.m[0].tolist() == pytest.approx([36 / 11 / expected, 2 / 9 / expected, 0.0])
    assert model.prior == pytest.approx(expected / 6)
    # the probability of an agreeing pair under those estimates
    m0, prior = 36 / 11 / expected, expected / 6
    assert model.probability(np.array([[0]]))[0] == pytest.approx(prior * m0 / (prior * m0 + (1 - prior) * 0.2))


def test_em_separates_matches_from_the_counted_non_matches() -> None:
    # two fields; the non-matches agree on one field at most; across agencies 5 agree on both
    nonmatch = nonmatch_patterns(np.array([[1, 1]] * 6 + [[0, 1]] * 2 + [[1, 0]] * 2), [2, 2], pseudo_pairs=0)
    model = estimate_mixture(np.array([[0, 0]] * 5 + [[1, 1]] * 4 + [[0, 1]]), nonmatch, [2, 2], smoothing=0.0)
    # the fixed point (approached slowly, from above): the five [0, 0] pairs are matches and nothing else is
    assert model.prior == pytest.approx(0.5, abs=1e-3)
    agree, disagree, one = model.probability(np.array([[0, 0], [1, 1], [0, 1]]))
    assert agree == pytest.approx(1.0) and disagree < 1e-6 and one < 0.01


def test_an_unknown_field_is_a_level_of_its_own() -> None:
    nonmatch = nonmatch_patterns(np.array([[1, -1]] * 4 + [[1, 0]] * 4), [2, 2], pseudo_pairs=0)
    model = estimate_mixture(np.array([[0, -1]] * 3 + [[0, 0]] * 3 + [[1, 0]] * 2), nonmatch, [2, 2], smoothing=0.0)
    assert model.probability(np.array([[0, -1]]))[0] == pytest.approx(1.0)
    assert pattern_codes(np.array([[0, -1], [-1, 1]]), [3, 3]).tolist() == [4, 2]
