"""Blocks of a reader's program, and the blocks checked before: what a run after runs need not solve again.

A cube's program is often several programs side by side. Shown counts that are the sum of
smaller shown counts (a year's needs beside its four quarters) say nothing the smaller ones
do not, nor do ranges carried from other cubes that the rest of the program holds already
(a margin over every quarter); left out, they leave a program whose unknowns fall apart
into *blocks*: sets of unknowns no constraint and no target joins to another. A quarter's
counts in a cube whose only counts spanning two quarters are such form a block of their
own, and what a reader can work out of a count in it depends on that block alone.

So a block whose targets were all checked and none was pinned is known by a digest of its
content (every count in it: what it is, its value or range, which target it is, and which
of its unknowns each count sums, and each unknown's true count) and kept in
:class:`CleanBlocks`. A later program holding a block of the same digest (the next
quarter's run beside the earlier quarter's counts, the next table of a report beside the
counts of a table before it) does not solve its targets again. The digest is of the
program itself, not of the data's meaning: two blocks of the same digest are the same
program, and the same answer holds for both.

Examples
--------
>>> from scipy import sparse
>>> # four quarters shown (rows 0-3), their year (row 4) the sum of them
>>> rows = sparse.csr_matrix(np.vstack([np.eye(4), np.ones(4)]))
>>> sums_of_smaller(rows).tolist()
[False, False, False, False, True]
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

__all__ = ["CLEAN_BLOCKS", "CleanBlocks", "block_digests", "largest_inside", "rows_inside", "sums_of_smaller"]

log = logging.getLogger(__name__)

CLEAN_BLOCKS = "clean-blocks"
"""The file, in a run's ledger folder (``<out>/.ledgers/<dataset>/<run-id>/``), of the blocks it found clean."""


def sums_of_smaller(rows: sparse.csr_matrix, family: np.ndarray | None = None) -> np.ndarray:
    """Which rows (0/1 sums of unknowns) are exactly the sum of rows strictly inside them.

    Such a row adds no constraint the smaller rows do not: each one left out is the sum of
    rows that are smaller still, kept or left out in turn for the same reason, down to rows
    that are kept. A row is tried against the largest rows inside it, and against the
    largest rows inside it of each ``family`` (the counts of one table's columns: a year
    cut by quarter and by service is the sum of its quarters, though a quarter and a
    service overlap). Rows inside it that tile it in no such way leave it kept, which errs
    on the safe side: fewer blocks.

    Parameters
    ----------
    rows : scipy.sparse.csr_matrix
        One row per shown count, a 1 for each unknown it sums.
    family : numpy.ndarray of int, optional
        Each row's family (negative: none).

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> rows = sparse.csr_matrix([[1, 0, 0], [0, 1, 1], [1, 1, 1], [1, 1, 0], [1, 0, 1]])
    >>> sums_of_smaller(rows).tolist()  # the third is the first plus the second, but the fourth and fifth overlap inside it
    [False, False, False, False, False]
    >>> sums_of_smaller(rows, family=np.array([0, 0, 1, 2, 3])).tolist()  # the first two are of one table
    [False, False, True, False, False]
    """
    rows = sparse.csr_matrix((rows != 0).astype(np.int64))
    n = rows.shape[0]
    size = np.diff(rows.indptr)
    every = rows_inside(rows)
    family = np.zeros(n, np.int64) - 1 if family is None else np.asarray(family, np.int64)
    out = np.zeros(n, bool)
    for members in [np.ones(n, bool), *(family == f for f in np.unique(family[family >= 0]))]:
        # a row of the family between two leaves the inner one out of the largest inside the outer
        largest = largest_inside(sparse.csr_matrix(every.multiply(members[None, :])))
        cover = (largest @ rows).tocsr()
        most = cover.max(axis=1).toarray().ravel() if n else np.zeros(0)
        total = np.asarray(cover.sum(axis=1)).ravel()
        out |= (np.diff(largest.indptr) > 0) & (most <= 1) & (total == size)
    return out


def rows_inside(rows: sparse.csr_matrix, inner: np.ndarray | None = None) -> sparse.csr_matrix:
    """Which rows lie strictly inside which: ``[r, s]`` is 1 where row ``s`` (one of ``inner``) sums a strict part of row ``r``'s unknowns.

    Examples
    --------
    >>> rows = sparse.csr_matrix([[1, 1, 1], [1, 1, 0], [1, 0, 0]])
    >>> rows_inside(rows).toarray().tolist()
    [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
    """
    pattern = sparse.csr_matrix((rows != 0).astype(np.int64))
    n = pattern.shape[0]
    size = np.diff(pattern.indptr)
    inner_rows = np.arange(n) if inner is None else np.flatnonzero(inner)
    overlap = (pattern @ pattern[inner_rows].T).tocoo()
    outer, of_inner = overlap.row, inner_rows[overlap.col]
    inside = (overlap.data == size[of_inner]) & (size[of_inner] < size[outer])
    return sparse.csr_matrix((np.ones(int(inside.sum()), np.int64), (outer[inside], of_inner[inside])), shape=(n, n))


def largest_inside(holds: sparse.csr_matrix) -> sparse.csr_matrix:
    """``holds`` (:func:`rows_inside`) less the pairs with a row of it between them: the largest rows inside each.

    Examples
    --------
    >>> rows = sparse.csr_matrix([[1, 1, 1], [1, 1, 0], [1, 0, 0]])
    >>> largest_inside(rows_inside(rows)).toarray().tolist()
    [[0, 1, 0], [0, 0, 1], [0, 0, 0]]
    """
    largest = (holds - holds.multiply((holds @ holds) > 0)).tocsr()
    largest.eliminate_zeros()
    return largest


def block_digests(eq: sparse.csr_matrix, eq_value: np.ndarray, eq_label: list, is_count: np.ndarray, family: np.ndarray,
                  ranged: sparse.csr_matrix, lower: np.ndarray, upper: np.ndarray, range_label: list,
                  target_rows: np.ndarray, target_true: np.ndarray, target_classes: np.ndarray,
                  class_truth: np.ndarray, k: int, implied: Callable[[np.ndarray], np.ndarray] | None = None) -> list[str | None]:
    """The digest of the block each target lies in: hidden-count targets first, then single unknowns.

    Parameters
    ----------
    eq, eq_value, eq_label : sparse matrix, array, list
        The program's equations: shown counts, and ties between unknowns (``is_count`` False).
    family : array of int
        Each equation's family (the set of columns of its count; see :func:`sums_of_smaller`).
    ranged, lower, upper, range_label : sparse matrix, arrays, list
        Its hidden counts and their ranges.
    target_rows, target_true : arrays
        The hidden counts checked (positions among ``ranged``) and their true values.
    target_classes : array
        The unknowns checked on their own (their true values are in ``class_truth``).
    class_truth : array
        Each unknown's true count.
    k : int
        The threshold.
    implied : callable, optional
        Given hidden counts (positions among ``ranged``) whose ranges join blocks, which of
        them the rest of the program holds inside their ranges already
        (:meth:`~tfanalysis.publication.program.ReaderProgram.implied`): those are left out.
        None: every range is kept.

    Returns
    -------
    list of str or None
        None where the target sums no unknown. A tie between unknowns, which no count
        names, is named by the counts of the finer column's unknown it ties.

    Examples
    --------
    A half of 52 shown beside its quarters (20 and 32), each quarter two unknowns, all four
    hidden; the first (6) and the last (2) are checked. The half is the sum of the
    quarters: each quarter is a block, and the two targets lie in different blocks.

    >>> quarters = sparse.csr_matrix([[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1]])
    >>> hidden = sparse.csr_matrix(np.eye(4))
    >>> def digests(eq, values, labels, family):
    ...     return block_digests(eq, np.array(values, float), labels, np.ones(len(labels), bool), np.array(family),
    ...                          hidden, np.ones(4), np.full(4, np.inf), ["x0", "x1", "x2", "x3"],
    ...                          np.array([0, 3]), np.array([6, 2]), np.array([], int), np.array([6, 14, 30, 2]), 11)
    >>> first, last = digests(quarters, [20, 32, 52], ["q1", "q2", "half"], [0, 0, 1])
    >>> first != last
    True

    With the second quarter not shown, the half joins them: one block.

    >>> first, last = digests(quarters[[0, 2]], [20, 52], ["q1", "half"], [0, 1])
    >>> first == last
    True
    """
    counts = np.flatnonzero(is_count)
    dropped = np.zeros(eq.shape[0], bool)
    dropped[counts[sums_of_smaller(eq[counts], family[counts])]] = True
    targets = np.zeros(ranged.shape[0], bool)
    targets[target_rows] = True
    restricting = ~((lower <= 0) & np.isposinf(upper)) & ~targets
    kept_eq = np.flatnonzero(~dropped)
    if implied is not None and restricting.any():
        # a range joining blocks the equations and targets leave apart (a margin over every quarter,
        # its range carried from another cube) is left out where the rest hold it inside its range
        _, apart = _components(sparse.vstack([eq[kept_eq], ranged[targets]]))
        candidates = np.flatnonzero(restricting)
        joins = _blocks_of_rows(ranged[candidates], apart) < 0
        if joins.any():
            restricting[candidates[joins][implied(candidates[joins])]] = False
    _, class_block = _components(sparse.vstack([eq[kept_eq], ranged[restricting | targets]]))
    kept_range = np.flatnonzero(restricting | targets)
    rows = sparse.vstack([eq[kept_eq], ranged[kept_range]]).tocsr()
    row_block = _blocks_of_rows(rows, class_block)
    wanted = np.concatenate([row_block[len(kept_eq) + np.searchsorted(kept_range, np.asarray(target_rows, np.int64))],
                             class_block[target_classes] if len(target_classes) else np.zeros(0, np.int64)])
    true_of = dict(zip(np.asarray(target_rows).tolist(), np.asarray(target_true).tolist()))
    by_class = rows.tocsc()
    # a row's own description: what it is and what the reader knows of it (no unknowns yet)
    # (reprs of tuples: a label holding any character cannot make two rows read alike)
    is_tie = np.concatenate([~is_count[kept_eq], np.zeros(len(kept_range), bool)])
    described = [repr(("=", str(eq_label[r]), float(eq_value[r]))) if is_count[r] else "" for r in kept_eq]
    described += [repr(("~", str(range_label[r]), float(lower[r]), float(upper[r]), true_of.get(r))) for r in kept_range]
    for t in np.flatnonzero(is_tie).tolist():
        # a tie has no label: it is named by the counts of the finer column's unknown it ties (its -1)
        finer = rows.indices[rows.indptr[t]:rows.indptr[t + 1]][rows.data[rows.indptr[t]:rows.indptr[t + 1]] < 0]
        named = sorted(described[r] for c in finer.tolist() for r in by_class.indices[by_class.indptr[c]:by_class.indptr[c + 1]].tolist()
                       if not is_tie[r])
        described[t] = repr(("tie", named, float(eq_value[kept_eq[t]])))
    blocked = set(wanted[wanted >= 0].tolist())
    digests = {}
    by_block_rows = _grouped(row_block, blocked)
    by_block_classes = _grouped(class_block, blocked)
    rank = np.empty(rows.shape[0], np.int64)  # each row's place among its block's rows (blocks share no row)
    for block in blocked:
        mine = by_block_rows.get(block, np.zeros(0, np.int64))
        mine = np.array(sorted(mine.tolist(), key=described.__getitem__), dtype=np.int64)
        rank[mine] = np.arange(len(mine))

        def unknown(c: int) -> bytes:  # the rows an unknown lies in, with its coefficient in each, and its true count
            start, end = by_class.indptr[c], by_class.indptr[c + 1]
            places = rank[by_class.indices[start:end]]
            order = np.argsort(places, kind="stable")
            return (places[order].tobytes() + by_class.data[start:end][order].astype(np.float64).tobytes()
                    + int(class_truth[c]).to_bytes(8, "little", signed=True))

        digest = hashlib.sha256(f"k={k}\n".encode())
        digest.update("\n".join(described[r] for r in mine.tolist()).encode())
        for one in sorted(unknown(c) for c in by_block_classes.get(block, np.zeros(0, np.int64)).tolist()):
            digest.update(b"\x01" + len(one).to_bytes(4, "little") + one)  # its length first: no two lists read alike
        digests[block] = digest.hexdigest()[:32]
    return [digests.get(b) if b >= 0 else None for b in wanted.tolist()]


def _components(rows: sparse.spmatrix) -> tuple[np.ndarray, np.ndarray]:
    """The block of each row and of each unknown: joined by the rows they share."""
    linked = sparse.csr_matrix((rows != 0).astype(np.int8))
    graph = sparse.bmat([[None, linked], [linked.T, None]]).tocsr()
    _, component = connected_components(graph, directed=False)
    return component[: linked.shape[0]], component[linked.shape[0]:]


def _blocks_of_rows(rows: sparse.spmatrix, class_block: np.ndarray) -> np.ndarray:
    """The block each row's unknowns all lie in; -1 where they lie in several, or it sums none."""
    rows = sparse.csr_matrix(rows)
    out = np.full(rows.shape[0], -1, np.int64)
    filled = np.flatnonzero(np.diff(rows.indptr) > 0)
    if filled.size:
        blocks = class_block[rows.indices]
        lowest = np.minimum.reduceat(blocks, rows.indptr[filled])
        highest = np.maximum.reduceat(blocks, rows.indptr[filled])
        out[filled] = np.where(lowest == highest, lowest, -1)
    return out


def _grouped(labels: np.ndarray, wanted: set) -> dict[int, np.ndarray]:
    """Positions of each wanted label, in order."""
    picked = np.flatnonzero(np.isin(labels, list(wanted)))
    order = np.argsort(labels[picked], kind="stable")
    picked = picked[order]
    cuts = np.flatnonzero(np.diff(labels[picked])) + 1
    return {int(labels[group[0]]): group for group in np.split(picked, cuts) if len(group)}


class CleanBlocks:
    """Digests of blocks whose targets were checked and none pinned, kept in a file for later runs.

    Parameters
    ----------
    path : path, optional
        This run's file: one digest per line, appended to as blocks are found clean (a
        line is written whole or, cut short by a crash, never matches; a file that cannot
        be read or written leaves every block to be solved). None keeps them in memory.
    earlier : iterable of paths
        The files of earlier *published* runs of the same data, read only. A run reads no
        other run's: which blocks it skips, and so the points its programs start from,
        follow from the data, the threshold and the published runs alone, as the rest of
        the release does.

    The files live in the runs' ledger folders, which hold true counts, and are as private
    as they are (the digests are of true counts).

    Examples
    --------
    >>> clean = CleanBlocks()
    >>> clean.add(["ab", None]); "ab" in clean, "cd" in clean, None in clean
    (True, False, False)
    """

    def __init__(self, path: str | Path | None = None, *, earlier: Iterable[str | Path] = ()) -> None:
        self.path = Path(path) if path is not None else None
        self._known: set[str] = set()
        for source in [*earlier, *([self.path] if self.path is not None else [])]:
            self._known |= _read_digests(Path(source))

    def __contains__(self, digest: object) -> bool:
        return digest in self._known

    def __len__(self) -> int:
        return len(self._known)

    def add(self, digests: Iterable[str | None]) -> None:
        """Keep these digests (None and those known already are skipped)."""
        new = sorted({d for d in digests if d is not None} - self._known)
        if not new:
            return
        self._known.update(new)
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # the owner and the group (a team's scheduled account and its analysts), as the ledgers
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o660)
            try:
                os.write(fd, "".join(f"{d}\n" for d in new).encode())
            finally:
                os.close(fd)
        except OSError as error:  # a read-only folder: the next run solves these blocks again
            log.debug("clean blocks not kept: %s", error)


def _read_digests(path: Path) -> set[str]:
    try:
        if path.is_file():
            return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) == 32}
    except (OSError, UnicodeDecodeError) as error:  # unreadable: its blocks are solved again
        log.debug("clean blocks not read: %s", error)
    return set()
