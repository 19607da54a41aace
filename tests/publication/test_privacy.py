"""Tests of disclosure control: hand-worked tables, audits of unsafe tables, properties.

The hand-worked expectations follow the rules in ``tfanalysis.publication.privacy``'s docstring; the
reasoning for each is written next to it so that a failing test can be checked by hand.
"""

from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from tfanalysis.publication.privacy import DisclosureWarning, audit, suppress

H = "hidden"


def frame(rows: list[list], index=None, columns=None) -> pd.DataFrame:
    """An expected published table: object dtype when something is hidden."""
    hidden = any(isinstance(v, str) for row in rows for v in row)
    return pd.DataFrame(rows, index=index, columns=columns, dtype=object if hidden else np.int64)


def issues(table: pd.DataFrame) -> list[tuple]:
    return list(table.itertuples(index=False, name=None))


def quiet_suppress(table, **kwargs):
    """suppress, returning (result, whether it warned)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = suppress(table, **kwargs)
    return result, any(issubclass(w.category, DisclosureWarning) for w in caught)


# --------------------------------------------------------------------------------------
# suppress: hand-worked tables
# --------------------------------------------------------------------------------------


def test_one_small_cell_hides_a_rectangle():
    counts = pd.DataFrame([[4, 20, 30], [15, 25, 35], [12, 40, 50]])
    # 4 is primary. Row 0 and column 0 each have one hidden cell; every candidate
    # (20, 30, 15, 12) would open a new line, so the smallest goes first: 12 (col 0).
    # Then row 0 and row 2 are unsafe: 20 is the smallest. Column 1 and row 2 are now
    # unsafe and 40 mends both. Lines: 4+20=24, 12+40=52, 4+12=16, 20+40=60, each with two
    # hidden cells, so each hidden cell may be anything from 1 to 15 or more.
    expected = frame([[H, H, 30], [15, 25, 35], [H, H, 50]])
    pd.testing.assert_frame_equal(suppress(counts), expected)


def test_zeros_are_shown_and_never_used_as_complements():
    counts = pd.DataFrame([[0, 3, 25], [0, 30, 40], [0, 12, 18]], columns=["a", "b", "c"])
    # 3 is primary; the zero beside it is not a candidate. Column b: 12 (smallest), then
    # row 2: 18, then 25 mends row 0 and column c at once.
    expected = frame(
        [[0, H, H], [0, 30, 40], [0, H, H]], columns=["a", "b", "c"]
    )
    pd.testing.assert_frame_equal(suppress(counts), expected)


def test_nothing_small_returns_the_counts_unchanged():
    counts = pd.DataFrame({"labor": [0, 20], "sex": [30, 11]}, index=["Kent", "Sussex"])
    result = suppress(counts)
    pd.testing.assert_frame_equal(result, counts.astype(np.int64))
    with_margins = suppress(counts, margins=True)
    expected = pd.DataFrame(
        {"labor": [0, 20, 20], "sex": [30, 11, 41], "Total": [30, 31, 61]},
        index=["Kent", "Sussex", "Total"],
    )
    pd.testing.assert_frame_equal(with_margins, expected)


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (10, [[10, 20], [30, 40]]),  # CDC WONDER: 10 may be shown
        # CMS: 10 is hidden, then 20 (row 0), 30 (column 0) and 40 (mends row 1 and
        # column 1): a 2x2 table with one small cell loses every cell.
        (11, [[H, H], [H, H]]),
    ],
)
def test_threshold_decides_what_is_small(threshold, expected):
    result = suppress(pd.DataFrame([[10, 20], [30, 40]]), threshold=threshold)
    pd.testing.assert_frame_equal(result, frame(expected))


def test_series_is_one_line_with_a_public_total():
    victims = pd.Series([3, 0, 25, 40, 12], index=list("abcde"), name="victims")
    # 3 alone would be total - 77; the smallest other non-zero count, 12, hides with it.
    # 3 + 12 = 15, so each may be up to 14: not known to be small.
    expected = pd.Series([H, 0, 25, 40, H], index=list("abcde"), name="victims", dtype=object)
    pd.testing.assert_series_equal(suppress(victims), expected)


def test_series_range_rule_with_another_threshold():
    victims = pd.Series([3, 0, 25, 40, 12], index=list("abcde"), name="victims")
    # threshold 16: 3 and 12 are both primary; together 15, so each is at most 14 < 16:
    # hide 25 as well (now 40 in three cells: each up to 38).
    expected = pd.Series(
        ["hidden", 0, "hidden", 40, "hidden"], index=list("abcde"), name="victims", dtype=object
    )
    pd.testing.assert_series_equal(suppress(victims, threshold=16), expected)


def test_series_margins_append_a_total():
    victims = pd.Series([3, 0, 25, 40, 12], index=list("abcde"), name="victims")
    expected = pd.Series(
        [H, 0, 25, 40, H, 80], index=[*"abcde", "Total"], name="victims", dtype=object
    )
    pd.testing.assert_series_equal(suppress(victims, margins=True), expected)


def test_margins_hide_a_small_total_and_protect_it():
    counts = pd.DataFrame(
        {"labor": [4, 0, 20], "sex": [3, 25, 30]}, index=["Kent", "New Castle", "Sussex"]
    )
    # Kent's cells (4, 3) and its total (7) are primary. Column labor (4 alone), column
    # sex (3 alone) and the Total column (7 alone) are unsafe. Smallest candidate: 20;
    # then 30 mends row Sussex and column sex; then Sussex's total (50) mends the Total
    # column without opening a line (row Sussex already has two hidden cells).
    # Kent-labor is then at most 23 (labor total 24, Sussex-labor >= 1); Kent's total at
    # most 55: none is known to be small, none is exact.
    expected = frame(
        [[H, H, H], [0, 25, 25], [H, H, H], [24, 58, 82]],
        index=["Kent", "New Castle", "Sussex", "Total"],
        columns=["labor", "sex", "Total"],
    )
    pd.testing.assert_frame_equal(suppress(counts, margins=True), expected)


def test_margins_with_a_small_grand_total_hide_every_non_zero_count():
    counts = pd.DataFrame([[2, 0], [0, 3]])
    # every total is small; hidden cells then only satisfy "sums equal sums", which any
    # multiple of the table also satisfies: nothing can be bounded.
    expected = frame(
        [[H, 0, H], [0, H, H], [H, H, H]], index=[0, 1, "Total"], columns=[0, 1, "Total"]
    )
    pd.testing.assert_frame_equal(suppress(counts, margins=True), expected)


def test_small_row_total_without_margins_warns_and_margins_fix_it():
    counts = pd.DataFrame([[3, 0], [20, 30]])
    # Row 0's public total is 3: no suppression can hide that cell. suppress still
    # protects it along column 0 (20, then 30: the only candidate of row 1) and warns.
    with pytest.warns(DisclosureWarning, match=r"margins=True"):
        result = suppress(counts)
    pd.testing.assert_frame_equal(result, frame([[H, 0], [H, H]]))
    assert issues(audit(result, true_counts=counts)) == [
        (0, 0, "single_hidden_row"),
        (1, 0, "derivable"),  # row 1 and column 1 give 30, then 20 (a tree of hidden cells)
        (1, 1, "single_hidden_column"),
    ]
    # With margins the 3 of row 0's total is hidden too; 20, then row 1's total (50,
    # mending row 1 and the Total column) protect both.
    expected = frame(
        [[H, 0, H], [H, 30, H], [23, 30, 53]], index=[0, 1, "Total"], columns=[0, 1, "Total"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", DisclosureWarning)
        pd.testing.assert_frame_equal(suppress(counts, margins=True), expected)


def test_labels_of_any_kind_are_kept():
    values = [[4, 20, 30], [15, 25, 35], [12, 40, 50]]
    rows = pd.MultiIndex.from_tuples(
        [("DE", "Kent"), ("DE", "Sussex"), ("MD", "Cecil")], names=["state", "county"]
    )
    cols = pd.CategoricalIndex(["labor", "sex", "both"], name="type")
    result = suppress(pd.DataFrame(values, index=rows, columns=cols), margins=True)
    plain = suppress(pd.DataFrame(values), margins=True)
    assert result.to_numpy().tolist() == plain.to_numpy().tolist()
    assert list(result.index) == [*rows, ("Total", "")]
    assert result.index.names == ["state", "county"]
    assert list(result.columns) == ["labor", "sex", "both", "Total"]
    assert result.columns.name == "type"
    # the margins are the true totals where visible: Sussex 75, column both 115, grand 231
    assert result.loc[("DE", "Sussex"), "Total"] == 75
    assert result.loc[("Total", ""), "both"] == 115
    assert result.loc[("Total", ""), "Total"] == 231
    # integer labels without margins are kept as they are
    ints = suppress(pd.DataFrame(values, index=[10, 20, 30], columns=[1, 2, 3]))
    assert list(ints.index) == [10, 20, 30] and list(ints.columns) == [1, 2, 3]


def test_visible_cells_are_ints_and_hidden_cells_the_marker():
    result = suppress(pd.DataFrame([[4, 20, 30], [15, 25, 35], [12, 40, 50]]), threshold=13)
    assert result.dtypes.tolist() == [object] * 3
    assert type(result.iloc[1, 0]) is int and result.iloc[1, 0] == 15
    assert result.iloc[0, 0] == "hidden"


def test_nullable_and_float_integer_counts_are_accepted():
    counts = pd.DataFrame({"a": pd.array([4, 20], dtype="Int64"), "b": [30.0, 25.0]})
    expected = frame([[H, H], [H, H]], columns=["a", "b"])
    pd.testing.assert_frame_equal(suppress(counts), expected)


# --------------------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (pd.DataFrame({"a": [1, -2]}), "negative at \\(1, 'a'\\)"),
        (pd.DataFrame({"a": [1.5, 2.0]}), "not whole numbers at \\(0, 'a'\\)"),
        (pd.DataFrame({"a": [1.0, np.nan]}), "missing counts at \\(1, 'a'\\)"),
        (pd.DataFrame({"a": [1, "x"]}, dtype=object), "must be numbers"),
        (pd.DataFrame({"a": [True, False]}), "True/False"),
        (pd.DataFrame({"Total": [1, 2]}), "reserved for margins"),
        (pd.Series([1, 2], index=["a", "Total"]), "reserved for margins"),
        (pd.Series([np.inf, 2.0]), "infinite"),
    ],
)
def test_bad_counts_are_refused_with_a_reason(counts, message):
    with pytest.raises(ValueError, match=message):
        suppress(counts)


@pytest.mark.parametrize("threshold", [1, 0, -5])
def test_threshold_below_two_is_refused(threshold):
    with pytest.raises(ValueError, match="at least 2"):
        suppress(pd.Series([1, 2]), threshold=threshold)
    with pytest.raises(ValueError, match="at least 2"):
        audit(pd.Series([1, 2]), threshold=threshold)


@pytest.mark.parametrize("threshold", [11.0, "11", True, None])
def test_threshold_must_be_an_integer(threshold):
    with pytest.raises(TypeError, match="threshold must be an integer"):
        suppress(pd.Series([1, 2]), threshold=threshold)


def test_not_a_table_is_refused():
    with pytest.raises(TypeError, match="Series or DataFrame"):
        suppress([[1, 2], [3, 4]])
    with pytest.raises(TypeError, match="margins must be True or False"):
        suppress(pd.Series([1, 2]), margins="yes")


# --------------------------------------------------------------------------------------
# audit: hand-made tables
# --------------------------------------------------------------------------------------


def test_audit_flags_a_visible_small_count():
    published = pd.DataFrame({"a": [5, 20], "b": [30, 40]}, index=["x", "y"])
    assert issues(audit(published)) == [("x", "a", "small_count")]
    assert issues(audit(published, threshold=5)) == []


def test_audit_flags_a_lone_hidden_cell_in_its_row_and_column():
    published = pd.DataFrame({"a": ["hidden", 20], "b": [30, 25]}, index=["x", "y"])
    assert issues(audit(published)) == [
        ("x", "a", "single_hidden_row"),
        ("x", "a", "single_hidden_column"),
    ]


def test_audit_flags_a_lone_hidden_total():
    # Kent's total is hidden but its cells are all visible: it is their sum. The Total
    # column then holds a single hidden cell too.
    published = pd.DataFrame(
        {"labor": [20, 25, 45], "sex": [30, 40, 70], "Total": ["hidden", 65, 115]},
        index=["Kent", "Sussex", "Total"],
    )
    assert issues(audit(published)) == [
        ("Kent", "Total", "single_hidden_row"),
        ("Kent", "Total", "single_hidden_column"),
    ]


SMALL_RANGE = pd.DataFrame(
    {"a": ["hidden", "hidden", 23], "b": ["hidden", "hidden", 32], "c": [30, 40, 70], "Total": [37, 88, 125]},
    index=[0, 1, "Total"],
)
SMALL_RANGE_TRUE = pd.DataFrame({"a": [3, 20], "b": [4, 28], "c": [30, 40]})


def test_audit_flags_hidden_cells_whose_sum_is_small():
    # Row 0: 37 - 30 = 7 between two hidden cells, each >= 1: both are 1..6.
    expected = [(0, "a", "small_range_row"), (0, "b", "small_range_row")]
    assert issues(audit(SMALL_RANGE)) == expected
    assert issues(audit(SMALL_RANGE, true_counts=SMALL_RANGE_TRUE)) == expected


def test_audit_needs_totals_for_the_range_rules():
    inner = SMALL_RANGE.iloc[:2, :3]
    # no margins and no true counts: the totals are public but unknown to the auditor
    assert issues(audit(inner)) == []
    assert issues(audit(inner, true_counts=SMALL_RANGE_TRUE)) == [
        (0, "a", "small_range_row"),
        (0, "b", "small_range_row"),
    ]


def test_audit_range_rule_counts_the_other_hidden_cells_as_at_least_one():
    # 5 + 6 = 11 is not below 11, yet each of two cells summing to 11 is at most 10.
    published = pd.DataFrame({"a": ["hidden", "hidden", 25], "b": ["hidden", "hidden", 60], "c": [30, 40, 70]})
    true = pd.DataFrame({"a": [5, 20], "b": [6, 54], "c": [30, 40]})
    assert issues(audit(published.iloc[:2], true_counts=true)) == [
        (0, "a", "small_range_row"),
        (0, "b", "small_range_row"),
    ]
    true_ok = pd.DataFrame({"a": [5, 20], "b": [7, 53], "c": [30, 40]})  # up to 11: fine
    assert issues(audit(published.iloc[:2], true_counts=true_ok)) == []


def test_audit_flags_a_cell_derivable_from_several_lines():
    # Two 2x2 blocks of hidden cells joined by one hidden cell (1, 2): every line has two
    # or more hidden cells, yet rows 0-1 minus columns 0-1 leave exactly that cell:
    # (70 + 60 - 45) - (70 + 70 - 60) = 5.
    true = pd.DataFrame(
        [[20, 20, 15, 15], [20, 20, 5, 15], [15, 15, 20, 20], [15, 15, 20, 20]]
    )
    hidden = np.zeros((4, 4), dtype=bool)
    hidden[:2, :2] = hidden[2:, 2:] = True
    hidden[1, 2] = True
    published = true.astype(object).mask(hidden, H)
    assert issues(audit(published)) == [(1, 2, "derivable")]
    assert issues(audit(published, true_counts=true)) == [(1, 2, "derivable")]


def test_derivable_cells_are_those_of_leverage_one_in_the_line_equations() -> None:
    """The bridges of the graph lines--hidden cells are the cells the equations fix: numpy's SVD as the oracle."""
    from tfanalysis.publication.privacy import grid

    def leverage_one(g) -> np.ndarray:  # the rank test, on the dense incidence of lines and hidden cells
        out = np.zeros(g.hidden.shape, dtype=bool)
        a, b = np.nonzero(g.hidden & g.exists)
        if not g.rows or a.size == 0:
            return out
        incidence = np.zeros((sum(g.hidden.shape), a.size))
        incidence[a, np.arange(a.size)] = incidence[g.hidden.shape[0] + b, np.arange(a.size)] = 1.0
        _, sing, vt = np.linalg.svd(incidence, full_matrices=False)
        out[a, b] = (vt[: int((sing > 1e-9 * sing[0]).sum())] ** 2).sum(axis=0) > 1 - 1e-8
        return out

    rng = np.random.default_rng(7)
    fixed = 0
    for _ in range(400):
        shape = tuple(rng.integers(1, 8, 2))
        g = grid._grid(rng.integers(0, 30, shape).astype(float), is_series=bool(rng.random() < 0.1))
        g.hidden = rng.random(shape) < rng.uniform(0.1, 0.8)
        g.exists = rng.random(shape) < 0.9 if rng.random() < 0.2 else g.exists
        assert np.array_equal(grid._derivable(g), leverage_one(g))
        fixed += int(grid._derivable(g).sum())
    assert fixed > 100  # the grids hold both kinds of hidden cell
    square = grid._grid(np.ones((3, 3)), is_series=False)
    square.hidden[:2, :2] = True  # a cycle of four hidden cells: none is fixed
    assert not grid._derivable(square).any()
    square.hidden[1, 0] = False  # a path of three: each is fixed
    assert grid._derivable(square).tolist() == [[True, True, False], [False, True, False], [False, False, False]]


def test_audit_flags_a_cell_bounded_by_combining_lines():
    # No line rule is broken, but: column c says Kent-c = c-total; the Total row says
    # labor-total + c-total = 152 - 43 = 109; column a says labor-total = 100 + Sussex-a.
    # So Sussex-a + c-total = 9: both (and Kent-c) are at most 8.
    published = pd.DataFrame(
        {
            "a": [100, "hidden", "hidden"],
            "b": ["hidden", "hidden", 43],
            "c": ["hidden", 0, "hidden"],
            "Total": ["hidden", "hidden", 152],
        },
        index=["Kent", "Sussex", "Total"],
    )
    true = pd.DataFrame({"a": [100, 3], "b": [40, 3], "c": [6, 0]}, index=["Kent", "Sussex"])
    expected = [("Kent", "c", "bounded"), ("Sussex", "a", "bounded"), ("Total", "c", "bounded")]
    assert issues(audit(published)) == expected
    assert issues(audit(published, true_counts=true)) == expected


def test_audit_of_a_series():
    assert issues(audit(pd.Series(["hidden", 20, 30], name="victims"))) == [
        (0, "victims", "single_hidden_column")
    ]
    published = pd.Series(["hidden", "hidden", 30, 37], index=["a", "b", "c", "Total"], name="victims")
    assert issues(audit(published)) == [
        ("a", "victims", "small_range_column"),
        ("b", "victims", "small_range_column"),
    ]
    assert issues(audit(pd.Series(["hidden", "hidden", 30, 45], index=["a", "b", "c", "Total"]))) == []


def test_audit_is_empty_on_safe_tables():
    assert audit(suppress(pd.DataFrame([[4, 20, 30], [15, 25, 35], [12, 40, 50]]))).empty
    result = audit(pd.DataFrame({"a": [0, 20], "b": [30, 11]}))
    assert result.empty
    assert list(result.columns) == ["row", "column", "reason"]


def test_audit_refuses_inconsistent_inputs():
    published = pd.DataFrame({"a": [H, 20], "b": [30, 25]})
    with pytest.raises(ValueError, match="labels of the published table"):
        audit(published, true_counts=pd.DataFrame({"a": [4, 20], "c": [30, 25]}))
    with pytest.raises(ValueError, match=r"disagree with visible published cells at \(1, 'a'\)"):
        audit(published, true_counts=pd.DataFrame({"a": [4, 21], "b": [30, 25]}))
    with pytest.raises(ValueError, match="negative"):
        audit(pd.DataFrame({"a": [H, -20], "b": [30, 25]}))
    with pytest.raises(ValueError, match="must be the last row"):
        audit(pd.DataFrame({"a": [1, 2]}, index=["Total", "x"]))
    with pytest.raises(ValueError, match="does not add up"):
        audit(pd.DataFrame({"a": [20, 25], "Total": [20, 26]}))


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

# many zeros and small counts, some large ones
cells = st.one_of(st.just(0), st.integers(1, 15), st.integers(16, 120))


@st.composite
def count_tables(draw, max_side: int = 6) -> pd.DataFrame:
    rows = draw(st.integers(1, max_side))
    cols = draw(st.integers(1, max_side))
    row = st.lists(cells, min_size=cols, max_size=cols)
    values = draw(st.lists(row, min_size=rows, max_size=rows))
    return pd.DataFrame(values, columns=[f"c{j}" for j in range(cols)])


thresholds = st.integers(2, 15)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def hidden_mask(published: pd.DataFrame | pd.Series) -> np.ndarray:
    values = published.to_numpy(dtype=object)
    return np.vectorize(lambda v: isinstance(v, str), otypes=[bool])(values)


def with_totals(counts: pd.DataFrame) -> np.ndarray:
    values = counts.to_numpy()
    out = np.zeros((values.shape[0] + 1, values.shape[1] + 1), dtype=np.int64)
    out[:-1, :-1] = values
    out[:-1, -1] = values.sum(axis=1)
    out[-1, :-1] = values.sum(axis=0)
    out[-1, -1] = values.sum()
    return out


def check_cells(published, truth: np.ndarray, threshold: int) -> None:
    """Visible cells are the true counts (as ints); hidden ones the marker; zeros shown."""
    hidden = hidden_mask(published)
    values = published.to_numpy(dtype=object)
    assert (values[hidden] == "hidden").all()
    assert all(type(v) in (int, np.int64) for v in values[~hidden])
    assert (values[~hidden].astype(np.int64) == truth[~hidden]).all()
    # primary suppression: every count of 1..threshold-1 is hidden ...
    assert hidden[(truth >= 1) & (truth < threshold)].all()
    # ... and no zero is: a line can always be protected with non-zero cells (with
    # margins its total is one), and where it cannot (no margins, all its non-zero cells
    # hidden) hiding a zero would not change the sum the public total reveals.
    assert not hidden[truth == 0].any()


@PROPERTY
@given(counts=count_tables(), threshold=thresholds)
def test_with_margins_suppress_passes_its_audit(counts, threshold):
    published, warned = quiet_suppress(counts, threshold=threshold, margins=True)
    assert not warned
    check_cells(published, with_totals(counts), threshold)
    found = audit(published, threshold=threshold, true_counts=counts)
    assert found.empty, issues(found)
    # an auditor without the true counts reads the totals off the margins: same verdict
    assert audit(published, threshold=threshold).empty


def cells_with_nothing_left_to_hide(hidden: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Cells in a row or a column whose non-zero counts are all hidden."""
    spare = ~hidden & (truth > 0)
    return ~spare.any(axis=1)[:, None] | ~spare.any(axis=0)[None, :]


@PROPERTY
@given(counts=count_tables(), threshold=thresholds)
def test_without_margins_suppress_warns_exactly_when_its_audit_is_not_empty(counts, threshold):
    published, warned = quiet_suppress(counts, threshold=threshold)
    truth = counts.to_numpy()
    check_cells(published, truth, threshold)
    found = audit(published, threshold=threshold, true_counts=counts)
    assert warned == (not found.empty)
    assert "small_count" not in set(found["reason"])
    # suppress gives up on a cell only when a row or column through it has nothing
    # non-zero left to hide: its public total then gives it away, whatever is hidden.
    stuck = cells_with_nothing_left_to_hide(hidden_mask(published), truth)
    positions = {(counts.index.get_loc(r), counts.columns.get_loc(c)) for r, c, _ in issues(found)}
    assert all(stuck[p] for p in positions)
    # an auditor with less information finds no more
    assert set(issues(audit(published, threshold=threshold))) <= set(issues(found))


@PROPERTY
@given(
    values=st.lists(cells, min_size=1, max_size=12),
    threshold=thresholds,
    margins=st.booleans(),
)
def test_series_suppress_passes_its_audit(values, threshold, margins):
    counts = pd.Series(values, name="victims")
    published, warned = quiet_suppress(counts, threshold=threshold, margins=margins)
    truth = np.array([*values, sum(values)]) if margins else np.array(values)
    check_cells(published, truth, threshold)
    found = audit(published, threshold=threshold, true_counts=counts)
    assert warned == (not found.empty)
    # a Series can fail only when its total is itself public and its non-zero counts
    # are all hidden, with room for none of them to reach the threshold
    hidden = hidden_mask(published)[: len(values)]
    nonzero = np.array(values) > 0
    n_hidden = int(hidden.sum())
    exposed = n_hidden > 0 and hidden[nonzero].all() and sum(values) - (n_hidden - 1) < threshold
    assert (not found.empty) == (exposed and not margins)


@PROPERTY
@given(
    counts=count_tables(max_side=6),
    threshold=thresholds,
)
def test_tables_without_small_counts_come_back_unchanged(counts, threshold):
    # idempotence: a table that is already safe (nothing 1..threshold-1, so no small
    # total either) is its own suppression, with or without margins.
    values = counts.to_numpy()
    safe = counts.where((values == 0) | (values >= threshold), 0)
    pd.testing.assert_frame_equal(suppress(safe, threshold=threshold), safe.astype(np.int64))
    published = suppress(safe, threshold=threshold, margins=True)
    assert published.dtypes.tolist() == [np.int64] * (counts.shape[1] + 1)
    assert (published.to_numpy() == with_totals(safe)).all()


@PROPERTY
@given(counts=count_tables(), threshold=thresholds, margins=st.booleans())
def test_suppress_is_deterministic_and_ignores_labels(counts, threshold, margins):
    first, _ = quiet_suppress(counts, threshold=threshold, margins=margins)
    relabelled = counts.set_axis([f"r{i}" for i in range(len(counts))], axis=0).set_axis(
        list(range(100, 100 + counts.shape[1])), axis=1
    )
    second, _ = quiet_suppress(relabelled, threshold=threshold, margins=margins)
    assert first.to_numpy().tolist() == second.to_numpy().tolist()


@PROPERTY
@given(data=st.data(), counts=count_tables(max_side=5))
def test_exact_recovery_is_flagged_exactly_at_the_bridges(data, counts):
    # Independent check of the linear algebra: with public totals, a hidden cell follows
    # from the row and column sums exactly when it is a bridge of the graph whose nodes
    # are rows and columns and whose edges are the hidden cells.
    shape = counts.shape
    size = shape[0] * shape[1]
    flags = data.draw(st.lists(st.booleans(), min_size=size, max_size=size))
    hidden = np.array(flags).reshape(shape)
    published = counts.astype(object).mask(hidden, H)
    graph = nx.Graph()
    graph.add_edges_from((("row", i), ("col", j)) for i, j in zip(*np.nonzero(hidden)))
    bridges = {
        (a[1], b[1]) if a[0] == "row" else (b[1], a[1]) for a, b in nx.bridges(graph)
    }
    found = audit(published)
    exact = {
        (r, counts.columns.get_loc(c))
        for r, c, why in issues(found)
        if why in {"single_hidden_row", "single_hidden_column", "derivable"}
    }
    assert exact == bridges


def integer_attack(published: pd.DataFrame, counts: pd.DataFrame) -> dict:
    """Smallest and largest value of each hidden cell, by integer programming.

    Written independently of tfanalysis.publication.privacy: unknowns are the hidden cells of the
    published table (margins included), each >= 1; every row and column of the table
    with margins must add up to its last cell.
    """
    truth = with_totals(counts)
    hidden = hidden_mask(published)
    cells = list(zip(*np.nonzero(hidden)))
    index = {cell: n for n, cell in enumerate(cells)}
    n_rows, n_cols = truth.shape
    lines = [[(i, j) for j in range(n_cols)] for i in range(n_rows)]
    lines += [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
    rows, rhs = [], []
    for line in lines:
        coef = np.zeros(len(cells))
        const = 0.0
        for pos, cell in enumerate(line):
            sign = -1.0 if pos == len(line) - 1 else 1.0  # the last cell is the total
            if cell in index:
                coef[index[cell]] += sign
            else:
                const -= sign * truth[cell]
        if coef.any():
            rows.append(coef)
            rhs.append(const)
    out = {}
    for cell, n in index.items():
        ends = []
        for sign in (1.0, -1.0):
            cost = np.zeros(len(cells))
            cost[n] = sign
            res = milp(
                cost,
                constraints=LinearConstraint(np.array(rows), rhs, rhs),
                integrality=np.ones(len(cells)),
                bounds=Bounds(1, 10**6),  # 10**6 stands for "unbounded"
            )
            assert res.status == 0
            ends.append(sign * res.fun)
        out[cell] = (round(ends[0]), round(ends[1]), truth[cell])
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=count_tables(max_side=4), threshold=thresholds)
# Line rules alone leave this one open: with 12 shown, the hidden totals of columns 1 and
# 2 sum to 83 - 60 = 23, so the four small cells below 12 and 0 sum to 11: each <= 8.
@example(counts=pd.DataFrame([[20, 12, 0], [0, 5, 3], [40, 1, 2]]), threshold=10)
def test_an_integer_attacker_learns_nothing_from_margins(counts, threshold):
    published = suppress(counts, threshold=threshold, margins=True)
    for cell, (low, high, true) in integer_attack(published, counts).items():
        assert low < high, f"{cell} is exactly {true}"
        if true < threshold:
            assert high >= threshold, f"{cell} (true {true}) is known to be at most {high}"
