"""The reader's linear program (program.py): ranges worked out by hand."""

import numpy as np
from scipy import sparse

from tfanalysis.publication.program import ReaderProgram


def test_a_shown_total_less_a_hidden_count_bounds_the_other():
    # x0 + x1 + x2 = 15 shown; x0 hidden (at least 1); x1 + x2 = 9 shown: x0 is 6 exactly
    a_eq = sparse.csr_matrix([[1.0, 1.0, 1.0], [0.0, 1.0, 1.0]])
    lp = ReaderProgram(a_eq, [15.0, 9.0], sparse.csr_matrix([[1.0, 0.0, 0.0]]), [1.0], [np.inf])
    lo, hi, _ = lp.range_of(sparse.csr_matrix([[1.0, 0.0, 0.0]]))
    assert (lo, hi) == (6.0, 6.0)
    lo, hi, _ = lp.range_of(sparse.csr_matrix([[0.0, 1.0, 0.0]]))
    assert (abs(lo), hi) == (0.0, 9.0)
