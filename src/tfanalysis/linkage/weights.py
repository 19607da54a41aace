"""Fellegi–Sunter match weights, estimated by EM on the candidate pairs (no truth needed).

Each candidate pair has an agreement level per field (:mod:`tfanalysis.linkage.comparison`).
For a field and level, ``m`` is the chance that the records of a true match show that
level and ``u`` the chance for two different people; the pair's evidence is the sum over
fields of ``log2(m / u)`` (a missing field adds nothing), and with the share ``prior`` of
matches among the candidates it gives the probability that the pair is one person:

    P(match | levels) = prior · Π m / (prior · Π m + (1 - prior) · Π u)

The coordinator has no truth, so ``m``, ``u`` and ``prior`` are estimated by
expectation–maximization (Fellegi & Sunter 1969; Winkler 1988; Jaro 1989) on the
candidate pairs themselves: the E-step gives each pair its probability of being a match
under the current estimates, the M-step re-estimates ``m`` from the pairs weighted by that
probability, ``u`` by its complement, ``prior`` by its mean. Pairs with the same levels
on every field are counted once (a few hundred distinct patterns), so each iteration costs
nothing however many pairs there are.

The fields are taken as independent given match status, which they are not quite (two
relatives share a surname and often a phone); the estimates are still good enough to
rank pairs, and the threshold is on the resulting probability.

Examples
--------
>>> levels = np.array([[0, 0], [0, 0], [0, 1], [1, 1], [1, 1], [1, 0]])
>>> model = estimate_weights(levels, [2, 2], smoothing=0.0)
>>> bool(model.probability(np.array([[0, 0]]))[0] > model.probability(np.array([[1, 1]]))[0])
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SMOOTHING = 0.5
"""Pseudo-count added to every level of ``m`` and ``u`` at each M-step, so that a level no
candidate pair shows keeps a finite weight."""


@dataclass(frozen=True)
class MatchModel:
    """Estimated ``m`` and ``u`` per field and level, and the share of matches ``prior``."""

    m: tuple[np.ndarray, ...]
    u: tuple[np.ndarray, ...]
    prior: float
    iterations: int

    def weights(self, levels: np.ndarray) -> np.ndarray:
        """Sum over known fields of ``log2(m / u)`` of each pair's level (its match weight)."""
        return log_bayes_factor(np.atleast_2d(levels), self.m, self.u) / np.log(2)

    def probability(self, levels: np.ndarray) -> np.ndarray:
        """Probability that each pair is one person."""
        return e_step(np.atleast_2d(levels), self.m, self.u, self.prior)


def log_bayes_factor(levels: np.ndarray, m: Sequence[np.ndarray], u: Sequence[np.ndarray]) -> np.ndarray:
    """Natural-log ``Π m / Π u`` of each row of levels (``-1``: the field is skipped)."""
    out = np.zeros(len(levels))
    for f, (m_f, u_f) in enumerate(zip(m, u)):
        level = levels[:, f]
        known = level >= 0
        out[known] += np.log(m_f[level[known]]) - np.log(u_f[level[known]])
    return out


def e_step(levels: np.ndarray, m: Sequence[np.ndarray], u: Sequence[np.ndarray], prior: float) -> np.ndarray:
    """Probability of a match of each row of levels, given ``m``, ``u`` and ``prior``.

    Examples
    --------
    >>> m, u = [np.array([0.9, 0.1])], [np.array([0.2, 0.8])]
    >>> e_step(np.array([[0], [1], [-1]]), m, u, 0.5).round(4).tolist()  # 0.45 / (0.45 + 0.1); 0.05 / (0.05 + 0.4); the prior
    [0.8182, 0.1111, 0.5]
    """
    log_odds = np.log(prior) - np.log1p(-prior) + log_bayes_factor(levels, m, u)
    return 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700)))


def m_step(levels: np.ndarray, counts: np.ndarray, posterior: np.ndarray, n_levels: Sequence[int], smoothing: float = SMOOTHING) -> tuple[list[np.ndarray], list[np.ndarray], float]:
    """Re-estimate ``m``, ``u`` and ``prior`` from each pattern's count and match probability.

    ``m`` of a level is the expected number of matches at that level over the expected
    number of matches whose field is known; ``u`` the same for non-matches.

    Examples
    --------
    >>> levels = np.array([[0], [1], [-1]])
    >>> m, u, prior = m_step(levels, np.array([3, 1, 2]), np.array([1.0, 0.5, 0.5]), [2], smoothing=0.0)
    >>> m[0].tolist(), u[0].tolist(), prior  # matches: 3 + 0.5 at known levels; non-matches: 0.5
    ([0.8571428571428571, 0.14285714285714285], [0.0, 1.0], 0.75)
    """
    weight_m, weight_u = counts * posterior, counts * (1.0 - posterior)
    m, u = [], []
    for f, size in enumerate(n_levels):
        level = levels[:, f]
        known = level >= 0
        m_f = np.bincount(level[known], weights=weight_m[known], minlength=size) + smoothing
        u_f = np.bincount(level[known], weights=weight_u[known], minlength=size) + smoothing
        m.append(m_f / m_f.sum())
        u.append(u_f / u_f.sum())
    prior = float(weight_m.sum() / counts.sum())
    return m, u, prior


def estimate_weights(
    levels: np.ndarray,
    n_levels: Sequence[int],
    *,
    iterations: int = 200,
    tolerance: float = 1e-7,
    smoothing: float = SMOOTHING,
) -> MatchModel:
    """Estimate ``m``, ``u`` and ``prior`` by EM on the levels of the candidate pairs.

    Parameters
    ----------
    levels : numpy.ndarray
        ``int`` array, one row per candidate pair, one column per field: the level
        (``0`` the best agreement, ``-1`` unknown).
    n_levels : sequence of int
        Number of levels of each field.
    iterations, tolerance
        EM stops after ``iterations`` or when no estimate moves more than ``tolerance``.
    smoothing : float
        See :data:`SMOOTHING`.

    Returns
    -------
    MatchModel

    Notes
    -----
    Start: ``m`` puts 0.9 on each field's best level and spreads the rest evenly (true
    matches mostly agree); ``u`` is the share of each level among all candidate pairs;
    ``prior`` 0.5. The estimates are label-free: which component is "match" is fixed by
    this start, and EM keeps it.
    """
    levels = np.asarray(levels, dtype=np.int64)
    if len(levels) == 0:
        raise ValueError("no candidate pairs to estimate match weights on")
    patterns, counts = np.unique(levels, axis=0, return_counts=True)
    counts = counts.astype(float)
    m = [np.r_[0.9, np.full(size - 1, 0.1 / (size - 1))] if size > 1 else np.ones(1) for size in n_levels]
    u = []
    for f, size in enumerate(n_levels):
        known = patterns[:, f] >= 0
        share = np.bincount(patterns[known, f], weights=counts[known], minlength=size) + 1.0
        u.append(share / share.sum())
    prior, done = 0.5, 0
    for done in range(1, iterations + 1):
        posterior = e_step(patterns, m, u, prior)
        new_m, new_u, new_prior = m_step(patterns, counts, posterior, n_levels, smoothing)
        moved = max(abs(new_prior - prior), *(np.abs(a - b).max() for a, b in zip(new_m + new_u, m + u)))
        m, u, prior = new_m, new_u, min(max(new_prior, 1e-9), 1 - 1e-9)
        if moved < tolerance:
            break
    return MatchModel(m=tuple(m), u=tuple(u), prior=prior, iterations=done)


@dataclass(frozen=True)
class NonMatchPatterns:
    """How often two *different* people show each combination of levels.

    Counted on pairs of records of one agency (one agency's records are different
    people) found by the same blocks as the candidate pairs, so it carries the same
    selection: two people who share a common name and a birth year are as likely to meet
    in one agency's blocks as across agencies. Combinations never seen get the product of
    the per-field shares: to the counts are added ``pseudo_pairs`` pairs spread by that product
    (a pattern seen often keeps its counted share, one never seen gets the product
    shrunk by the number of pairs counted).
    """

    patterns: np.ndarray
    counts: np.ndarray
    u: tuple[np.ndarray, ...]
    pseudo_pairs: float = 1000.0

    def probability(self, levels: np.ndarray) -> np.ndarray:
        """P(levels | not a match) of each row (``-1`` is a level of its own here)."""
        levels = np.atleast_2d(levels)
        total = self.counts.sum()
        independent = np.ones(len(levels))
        for f, u_f in enumerate(self.u):
            independent *= u_f[levels[:, f]]  # -1 indexes the last entry: the share of unknowns
        seen = np.zeros(len(levels))
        if len(self.patterns):
            index = {tuple(p): c for p, c in zip(self.patterns.tolist(), self.counts.tolist())}
            seen = np.array([index.get(tuple(row), 0.0) for row in levels.tolist()])
        return (seen + self.pseudo_pairs * independent) / (total + self.pseudo_pairs)


def nonmatch_patterns(levels: np.ndarray, n_levels: Sequence[int], pseudo_pairs: float = 1000.0) -> NonMatchPatterns:
    """Count the combinations of levels of pairs known to be different people.

    Examples
    --------
    >>> nm = nonmatch_patterns(np.array([[1, 0], [1, 0], [1, -1]]), [2, 2], pseudo_pairs=1)
    >>> nm.probability(np.array([[1, 0], [0, 0]])).round(4).tolist()  # (2 + 4/6 * 3/6) / (3 + 1); (0 + 1/6 * 3/6) / (3 + 1)
    [0.5833, 0.0208]
    """
    levels = np.asarray(levels, dtype=np.int64).reshape(-1, len(n_levels))
    patterns, counts = np.unique(levels, axis=0, return_counts=True)
    u = []
    for f, size in enumerate(n_levels):
        share = np.bincount(np.where(levels[:, f] < 0, size, levels[:, f]), minlength=size + 1) + 1.0
        share = share / share.sum()
        u.append(np.r_[share[:size], share[size]])  # last entry: unknown (indexed by -1)
    return NonMatchPatterns(patterns=patterns, counts=counts.astype(float), u=tuple(u), pseudo_pairs=pseudo_pairs)


@dataclass(frozen=True)
class MixtureModel:
    """Matches with independent fields (``m``, unknown as a level), non-matches as counted."""

    m: tuple[np.ndarray, ...]
    nonmatch: NonMatchPatterns
    prior: float
    iterations: int

    def probability(self, levels: np.ndarray) -> np.ndarray:
        """Probability that each pair is one person."""
        levels = np.atleast_2d(levels)
        return _posterior(_match_likelihood(levels, self.m), self.nonmatch.probability(levels), self.prior)


def _match_likelihood(levels: np.ndarray, m: Sequence[np.ndarray]) -> np.ndarray:
    out = np.ones(len(levels))
    for f, m_f in enumerate(m):
        out *= m_f[levels[:, f]]  # -1: the share of unknowns, last entry
    return out


def _posterior(p_match: np.ndarray, p_nonmatch: np.ndarray, prior: float) -> np.ndarray:
    top = prior * p_match
    return np.divide(top, top + (1 - prior) * p_nonmatch, out=np.zeros(len(top)), where=(top + (1 - prior) * p_nonmatch) > 0)


def estimate_mixture(levels: np.ndarray, nonmatch: NonMatchPatterns, n_levels: Sequence[int], *, iterations: int = 200, tolerance: float = 1e-7, smoothing: float = SMOOTHING) -> MixtureModel:
    """Estimate ``m`` and ``prior`` by EM on the candidate pairs, non-matches fixed to ``nonmatch``.

    Parameters
    ----------
    levels : numpy.ndarray
        Levels of the candidate pairs (``-1`` unknown), one column per field.
    nonmatch : NonMatchPatterns
        From :func:`nonmatch_patterns` on pairs of records of one agency.
    n_levels : sequence of int
        Number of levels of each field (unknown not counted).

    Examples
    --------
    >>> nm = nonmatch_patterns(np.array([[1, 1]] * 8 + [[0, 1], [1, 0]]), [2, 2], pseudo_pairs=1)
    >>> model = estimate_mixture(np.array([[0, 0]] * 5 + [[1, 1]] * 5), nm, [2, 2])
    >>> round(model.prior, 2), model.probability(np.array([[0, 0], [1, 1]])).round(1).tolist()
    (0.5, [1.0, 0.0])
    """
    levels = np.asarray(levels, dtype=np.int64)
    if len(levels) == 0:
        raise ValueError("no candidate pairs to estimate match weights on")
    patterns, counts = np.unique(levels, axis=0, return_counts=True)
    counts = counts.astype(float)
    p_nonmatch = nonmatch.probability(patterns)
    m = [np.r_[0.9, np.full(size - 1, 0.1 / max(size - 1, 1)), 1.0] if size > 1 else np.r_[1.0, 1.0] for size in n_levels]
    m = [x / x.sum() for x in m]
    prior, done = 0.5, 0
    for done in range(1, iterations + 1):
        posterior = _posterior(_match_likelihood(patterns, m), p_nonmatch, prior)
        weight = counts * posterior
        new_m = []
        for f, size in enumerate(n_levels):
            slot = np.where(patterns[:, f] < 0, size, patterns[:, f])
            m_f = np.bincount(slot, weights=weight, minlength=size + 1) + smoothing
            new_m.append(m_f / m_f.sum())
        new_prior = min(max(float(weight.sum() / counts.sum()), 1e-9), 1 - 1e-9)
        moved = max(abs(new_prior - prior), *(np.abs(a - b).max() for a, b in zip(new_m, m)))
        m, prior = new_m, new_prior
        if moved < tolerance:
            break
    return MixtureModel(m=tuple(m), nonmatch=nonmatch, prior=prior, iterations=done)
