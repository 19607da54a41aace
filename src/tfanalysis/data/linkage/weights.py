"""The probability that a candidate pair is one person: Fellegi–Sunter, fitted without truth.

Each candidate pair has an agreement level per field (:mod:`tfanalysis.data.linkage.comparison`).
As in Fellegi & Sunter (1969), a pair's levels are explained as a mixture of matches and
non-matches,

    P(levels) = prior · P(levels | match) + (1 - prior) · P(levels | non-match)

and the pair's probability of being one person is ``prior · P(levels | match) / P(levels)``
(its match weight is the log of the ratio of the two likelihoods). The coordinator has no
truth, so both parts are estimated from the encoded files themselves:

- **non-matches are counted**, not modelled: two records of one agency are two people, so
  the pairs that the same blocks find *within* an agency show how often two different
  people agree on each combination of levels (:func:`nonmatch_patterns`). Counting whole
  combinations keeps what the textbook's independent ``u`` per field loses: two different
  people who share a common given name *and* surname are found together by the blocks far
  more often than the product of the two shares says, and a date of birth that agrees only
  in the year is then no evidence of a match.
- **matches are estimated by EM** (Winkler 1988; Jaro 1989) on the pairs across agencies,
  with fields independent given a match (``m`` per field and level, an unknown field a
  level of its own) and the share of matches ``prior`` (:func:`estimate_mixture`): the
  E-step gives each pair its probability of being a match under the current ``m`` and
  ``prior``, the M-step re-estimates ``m`` from the pairs weighted by that probability and
  ``prior`` as its mean. Pairs with the same levels are counted once (a few hundred
  distinct combinations), so an iteration costs nothing whatever the number of pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SMOOTHING = 0.5
"""Pseudo-count added to every level of ``m`` at each M-step, so that a level no candidate
pair shows keeps a finite weight."""


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

    Only the fields of ``joint`` are counted together; each other field is taken as
    independent of the rest among non-matches and enters through its own share ``u``.
    That is right for what the agencies record about the case rather than the person
    (the county, the date of identification): two different people agree on them by
    chance, whatever their names. Counting them into the combinations as well would split
    the counts into cells too small to estimate (most combinations seen once or never).
    """

    patterns: np.ndarray
    counts: np.ndarray
    u: tuple[np.ndarray, ...]
    pseudo_pairs: float = 1000.0
    joint: tuple[int, ...] | None = None

    def probability(self, levels: np.ndarray) -> np.ndarray:
        """P(levels | not a match) of each row (``-1`` is a level of its own here)."""
        levels = np.atleast_2d(levels)
        joint = tuple(range(len(self.u))) if self.joint is None else self.joint
        independent, apart = np.ones(len(levels)), np.ones(len(levels))
        for f, u_f in enumerate(self.u):
            share = u_f[levels[:, f]]  # -1 indexes the last entry: the share of unknowns
            if f in joint:
                independent *= share
            else:
                apart *= share
        seen = np.zeros(len(levels))
        if len(self.patterns):
            sizes = [len(self.u[f]) for f in joint]
            known, asked = pattern_codes(self.patterns, sizes), pattern_codes(levels[:, list(joint)], sizes)
            order = np.argsort(known)
            at = np.clip(np.searchsorted(known[order], asked), 0, len(known) - 1)
            seen = np.where(known[order][at] == asked, self.counts[order][at], 0.0)
        return apart * (seen + self.pseudo_pairs * independent) / (self.counts.sum() + self.pseudo_pairs)


def pattern_codes(levels: np.ndarray, sizes: Sequence[int]) -> np.ndarray:
    """One integer per row of levels (``-1`` allowed), given each field's number of values.

    Examples
    --------
    >>> pattern_codes(np.array([[0, 0], [1, -1], [-1, 2]]), [3, 4]).tolist()  # (0 + 1) * 5 + (0 + 1); 2 * 5 + 0; 0 * 5 + 3
    [6, 10, 3]
    """
    code = np.zeros(len(levels), dtype=np.int64)
    for f, size in enumerate(sizes):
        code = code * (size + 1) + (levels[:, f] + 1)
    return code


def distinct_patterns(levels: np.ndarray, sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``levels`` (in the order of their :func:`pattern_codes`) and how often each occurs.

    Much faster than ``np.unique(levels, axis=0)``, which sorts the rows as byte strings.

    Examples
    --------
    >>> patterns, counts = distinct_patterns(np.array([[1, 0], [0, -1], [1, 0]]), [2, 2])
    >>> patterns.tolist(), counts.tolist()
    ([[0, -1], [1, 0]], [1, 2])
    """
    _, first, counts = np.unique(pattern_codes(levels, sizes), return_index=True, return_counts=True)
    return levels[first], counts


def nonmatch_patterns(levels: np.ndarray, n_levels: Sequence[int], pseudo_pairs: float = 1000.0, *, independent: Sequence[int] = ()) -> NonMatchPatterns:
    """Count the combinations of levels of pairs known to be different people.

    Parameters
    ----------
    levels : numpy.ndarray
        Levels of the pairs (``-1`` unknown), one column per field.
    n_levels : sequence of int
        Number of levels of each field (unknown not counted).
    pseudo_pairs : float
        Pairs spread as the product of the per-field shares (see :class:`NonMatchPatterns`).
    independent : sequence of int
        Fields (column positions) not counted into the combinations: their shares multiply.

    Examples
    --------
    >>> nm = nonmatch_patterns(np.array([[1, 0], [1, 0], [1, -1]]), [2, 2], pseudo_pairs=1)
    >>> nm.probability(np.array([[1, 0], [0, 0]])).round(4).tolist()  # (2 + 4/6 * 3/6) / (3 + 1); (0 + 1/6 * 3/6) / (3 + 1)
    [0.5833, 0.0208]
    >>> apart = nonmatch_patterns(np.array([[1, 0], [1, 0], [1, -1]]), [2, 2], pseudo_pairs=1, independent=[1])
    >>> apart.probability(np.array([[1, 0]])).round(4).tolist()  # (3 + 4/6) / (3 + 1) * 3/6
    [0.4583]
    """
    levels = np.asarray(levels, dtype=np.int64).reshape(-1, len(n_levels))
    joint = tuple(f for f in range(len(n_levels)) if f not in set(independent))
    patterns, counts = distinct_patterns(levels[:, list(joint)], [n_levels[f] for f in joint])
    u = []
    for f, size in enumerate(n_levels):
        share = np.bincount(np.where(levels[:, f] < 0, size, levels[:, f]), minlength=size + 1) + 1.0
        share = share / share.sum()
        u.append(np.r_[share[:size], share[size]])  # last entry: unknown (indexed by -1)
    return NonMatchPatterns(patterns=patterns, counts=counts.astype(float), u=tuple(u), pseudo_pairs=pseudo_pairs, joint=joint)


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
    iterations, tolerance
        EM stops after ``iterations`` or when no estimate moves more than ``tolerance``.
    smoothing : float
        See :data:`SMOOTHING`.

    Returns
    -------
    MixtureModel

    Notes
    -----
    Start: ``prior`` 0.5; ``m`` gives a field's unknown level its share among the pairs,
    and of the rest 0.9 to the best level and 0.1 spread evenly over the others (true
    matches mostly agree). That start is what makes the estimated component the matches.

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
    patterns, counts = distinct_patterns(levels, n_levels)
    counts = counts.astype(float)
    p_nonmatch = nonmatch.probability(patterns)
    m = []
    for f, size in enumerate(n_levels):
        unknown = counts[patterns[:, f] < 0].sum() / counts.sum()
        known = np.r_[0.9, np.full(size - 1, 0.1 / (size - 1))] if size > 1 else np.ones(1)
        m.append(np.r_[known * (1 - unknown), unknown])
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
