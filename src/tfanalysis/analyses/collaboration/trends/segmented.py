"""Did the level or the slope change at a known date? Segmented regression with exact t and F tests, several series tested together."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration.trends.time_axis import _numeric, _time_axis, after_change

MIN_POINTS_PER_SIDE = 3
"""Fewest values needed on each side of the change by :func:`segmented_regression`."""

TERMS: tuple[str, ...] = ("intercept", "pre_slope", "level_change", "slope_change")
"""Terms of the segmented regression, in the order of its result."""

CHANGE_TERMS: tuple[str, ...] = ("level_change", "slope_change")
"""The terms that make "a change": the joint test of :func:`change_tests` asks whether both are 0."""

VERDICTS: tuple[str, ...] = ("change", "inconclusive", "too short")
"""What :func:`change_verdicts` calls a series: a change the data support (after the
multiple-testing correction), a difference the data cannot tell from noise, or too few
values on a side to test."""

METHOD = "least squares with exact t and F tests (independent noise assumed)"
"""How :func:`segmented_regression` judges uncertainty, in words for reports."""


# --------------------------------------------------------------------------- segmented regression


def _design(t: np.ndarray, post: np.ndarray, t0: float | None = None) -> tuple[np.ndarray, float]:
    """The design of the segmented regression; ``t0`` the time of the first period after the change.

    ``t0`` is that of the first period on or after the change whether or not its value is
    there: the level change is the jump at the change, not at the first value shown after it.
    """
    t0 = float(t[post].min()) if t0 is None else t0
    x = np.column_stack([np.ones_like(t), t, post.astype(float), (t - t0) * post])
    return x, t0


def _least_squares(y: np.ndarray, x: np.ndarray, alpha: float) -> dict[str, np.ndarray]:
    """OLS of every row of ``y`` (series × values) on one design ``x`` (values × terms).

    Per term: estimate, standard error, t-distribution interval and p-value on
    ``n − k`` degrees of freedom; per series: the F test that both change terms are 0.
    statsmodels' ``OLS`` gives the same numbers for one series (the tests compare
    them); it has no batched form, and the simulations of the tests fit thousands.
    An exact fit (no residual variation) has zero standard errors and is flagged
    (``exact``): :func:`change_tests` gives it no interval or p-value, because values that
    fit two lines exactly (medians rounded to whole days, a share stuck at 100%) hide their
    variation rather than have none.
    """
    from scipy import stats

    n, k = x.shape
    df = n - k
    inverse = np.linalg.pinv(x)  # k × n
    unscaled = inverse @ inverse.T  # (X'X)^-1
    b = y @ inverse.T
    resid = y - b @ x.T
    rss = np.einsum("ij,ij->i", resid, resid)
    scale = np.maximum(np.abs(y).max(axis=1), 1.0)
    exact = rss <= (1e-10 * scale) ** 2 * n
    zero = np.abs(b) <= 1e-9 * scale[:, None]
    s2 = np.where(exact, 0.0, rss / df)
    se = np.sqrt(s2[:, None] * np.diag(unscaled)[None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        t_value = np.where(exact[:, None], np.where(zero, 0.0, np.inf), b / se)
    half = stats.t.ppf(1 - alpha / 2, df) * se
    change = [TERMS.index(term) for term in CHANGE_TERMS]
    bc = b[:, change]
    quad = np.einsum("ij,jk,ik->i", bc, np.linalg.inv(unscaled[np.ix_(change, change)]), bc)
    with np.errstate(divide="ignore", invalid="ignore"):
        f_value = np.where(exact, np.where(zero[:, change].all(axis=1), 0.0, np.inf), quad / len(change) / s2)
    return {
        "estimate": b, "ci_low": b - half, "ci_high": b + half, "p_value": 2 * stats.t.sf(np.abs(t_value), df),
        "change_F": f_value, "change_p": stats.f.sf(f_value, len(change), df), "df_resid": np.full(len(y), float(df)), "exact": exact,
    }


def _as_values(table: pd.DataFrame) -> np.ndarray:
    """The table's values as floats (non-numbers missing), one row per series."""
    if all(pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype) for dtype in set(table.dtypes)):
        return table.to_numpy(dtype=float, na_value=np.nan).T
    return np.vstack([_numeric(table[column]).to_numpy() for column in table.columns]) if table.shape[1] else np.empty((0, len(table)))


def change_tests(table: pd.DataFrame | pd.Series, change: Any, *, alpha: float = 0.05) -> pd.DataFrame:
    """Segmented regression of every column of ``table`` at once (see :func:`segmented_regression`).

    Each column is one series (an indicator) on the table's time index; missing values
    are dropped per column and keep their place in time. Columns missing the same
    periods share one least-squares solve, so thousands of simulated series take
    milliseconds.

    Parameters
    ----------
    table : pandas.DataFrame or Series
        Series in columns, indexed by period, timestamp or integer time.
    change : date-like, pandas.Period or number
        The change date (a number for an integer index).
    alpha : float
        1 − confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per column of ``table`` (index ``series``): ``n_pre``, ``n_post``,
        ``first_post``, ``df_resid`` (n − 4); per term of :data:`TERMS` the estimate
        (column named as the term), ``<term>_low``, ``<term>_high``, ``<term>_p``;
        ``change_F`` and ``change_p``: the F test (2 and n − 4 degrees of freedom) that
        neither the level nor the slope changed; ``exact`` (the values fit the two lines
        exactly: estimates, but no interval or p-value, and :func:`change_verdicts` calls
        it inconclusive); ``note`` (why there is no estimate, or that the fit is exact).
        Series with fewer than :data:`MIN_POINTS_PER_SIDE` values on a side have NaN
        estimates and p-values. The level change is the jump at the first period after
        the change date, whether or not that period's value is shown.

    Examples
    --------
    >>> table = pd.DataFrame({"response_days": [10, 11, 10, 10, 10, 10, 3, 3, 4, 3, 3, 3.0],
    ...                       "acceptance": [.86, .78, .79, .79, .78, .84, .81, .77, .88, .80, .79, .83]},
    ...                      index=pd.period_range("2023Q1", periods=12, freq="Q"))
    >>> tests = change_tests(table, "2024-07-01")
    >>> tests["level_change"].round(2).tolist(), tests["change_p"].lt(0.05).tolist(), tests["df_resid"].tolist()
    ([-6.63, 0.01], [True, False], [8.0, 8.0])
    """
    frame = table.to_frame(name="value") if isinstance(table, pd.Series) else table
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame (one series per column) or Series, not {type(table).__name__}")
    t = _time_axis(frame.index)
    post = after_change(frame.index, change)
    t0 = float(t[post].min()) if post.any() else None  # the first period after the change, shown or not
    y = _as_values(frame)
    m = len(y)
    out: dict[str, Any] = {
        "n_pre": np.zeros(m, dtype=np.int64), "n_post": np.zeros(m, dtype=np.int64), "first_post": np.full(m, None, dtype=object),
        "df_resid": np.full(m, np.nan),
        **{name: np.full(m, np.nan) for term in TERMS for name in (term, f"{term}_low", f"{term}_high", f"{term}_p")},
        "change_F": np.full(m, np.nan), "change_p": np.full(m, np.nan), "exact": np.zeros(m, dtype=bool), "note": np.full(m, "", dtype=object),
    }
    present_all = ~np.isnan(y)
    if m == 0 or present_all.all(axis=None) or (~present_all).all(axis=None):
        patterns, group = present_all[:1], np.zeros(m, dtype=np.int64)
    else:  # group the series by which periods they miss (rows packed to bytes: a narrow sort)
        _, first, group = np.unique(np.packbits(present_all, axis=1), axis=0, return_index=True, return_inverse=True)
        patterns, group = present_all[first], group.reshape(-1)
    for g, present in enumerate(patterns):  # one solve per pattern of missing values (usually one or two)
        rows = group == g
        tt, pp = t[present], post[present]
        n_pre, n_post = int((~pp).sum()), int(pp.sum())
        out["n_pre"][rows], out["n_post"][rows] = n_pre, n_post
        out["first_post"][rows] = str(frame.index[present][pp][0]) if n_post else None
        if n_pre < MIN_POINTS_PER_SIDE or n_post < MIN_POINTS_PER_SIDE:
            out["note"][rows] = (
                f"too short to conclude: {n_pre} value{'s' if n_pre != 1 else ''} before the change and {n_post} from it; "
                f"at least {MIN_POINTS_PER_SIDE} are needed on each side"
            )
            continue
        x, _ = _design(tt, pp, t0)
        if np.linalg.matrix_rank(x) < x.shape[1]:
            out["note"][rows] = "too short to conclude: the values on one side of the change share one time"
            continue
        fit = _least_squares(y[rows][:, present], x, alpha)
        for i, term in enumerate(TERMS):
            out[term][rows] = fit["estimate"][:, i]
            out[f"{term}_low"][rows], out[f"{term}_high"][rows] = fit["ci_low"][:, i], fit["ci_high"][:, i]
            out[f"{term}_p"][rows] = fit["p_value"][:, i]
        for name in ("change_F", "change_p", "df_resid"):
            out[name][rows] = fit[name]
        exact = np.flatnonzero(rows)[fit["exact"]]
        for name in ("change_F", "change_p", *(f"{term}{end}" for term in TERMS for end in ("_low", "_high", "_p"))):
            out[name][exact] = np.nan  # no variation to judge the estimates against: no interval, no test
        out["exact"][exact] = True
        out["note"][rows] = np.where(fit["exact"], "the fit is exact: no residual variation to judge uncertainty against", "")
    return pd.DataFrame(out, index=pd.Index(frame.columns, name="series"))


def change_verdicts(tests: pd.DataFrame, *, alpha: float = 0.05, family: str | None = None) -> pd.DataFrame:
    """Call each series of :func:`change_tests` a change, inconclusive or too short, tested together.

    The series' ``change_p`` (level and slope together) form one family, corrected with
    Holm's step-down method: the chance that any series with no change is called a
    "change" stays at most ``alpha``, whatever the number of series and however they
    are related. Series too short to test are not in the family. The adjusted p-values
    equal ``statsmodels.stats.multitest.multipletests(p, method="holm")`` (the tests
    check it); they are computed here for many families at once, because statsmodels
    takes one family a call and collects garbage at each (0.2 s), too slow for the
    simulations that check the false-positive rate.

    Parameters
    ----------
    tests : pandas.DataFrame
        With a ``change_p`` column (:func:`change_tests`).
    alpha : float
        Family-wise error rate.
    family : str, optional
        A column of ``tests`` naming families corrected apart (simulated task forces);
        by default every row is in one family.

    Returns
    -------
    pandas.DataFrame
        ``tests`` with ``change_p_holm`` (the Holm-adjusted p-value; NaN when too short)
        and ``verdict`` (:data:`VERDICTS`: ``change`` when the adjusted p-value is below
        ``alpha``, ``inconclusive`` otherwise and for an exact fit, ``too short`` without a
        test).
        ``attrs["family_size"]``: the series tested together (the largest family).

    Examples
    --------
    >>> tests = pd.DataFrame({"change_p": [0.001, 0.03, 0.4, float("nan")]}, index=["a", "b", "c", "d"])
    >>> v = change_verdicts(tests)
    >>> v["change_p_holm"].round(3).tolist(), v["verdict"].tolist()
    ([0.003, 0.06, 0.4, nan], ['change', 'inconclusive', 'inconclusive', 'too short'])
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    p = tests["change_p"].to_numpy(dtype=float)
    tested = ~np.isnan(p)
    families = tests[family].to_numpy() if family is not None else np.zeros(len(p), dtype=np.int64)
    ranked = pd.DataFrame({"family": families[tested], "p": p[tested]}, index=np.flatnonzero(tested))
    ranked = ranked.sort_values(["family", "p"], kind="stable")
    by_family = ranked.groupby("family", sort=False)
    size = by_family["p"].transform("size").to_numpy()
    # Holm: the i-th smallest of m p-values times (m - i + 1), never below an earlier one, at most 1
    raw = pd.Series((size - by_family.cumcount().to_numpy()) * ranked["p"].to_numpy(), index=ranked.index)
    adjusted = np.full(len(p), np.nan)
    adjusted[raw.index.to_numpy()] = raw.groupby(ranked["family"].to_numpy(), sort=False).cummax().clip(upper=1.0).to_numpy()
    exact = tests["exact"].to_numpy(dtype=bool) if "exact" in tests else np.zeros(len(p), dtype=bool)
    with np.errstate(invalid="ignore"):
        verdict = np.where(exact, "inconclusive", np.where(~tested, "too short", np.where(adjusted < alpha, "change", "inconclusive")))
    out = tests.assign(change_p_holm=adjusted, verdict=verdict.astype(object))
    out.attrs["family_size"] = int(by_family.size().max()) if len(ranked) else 0
    return out


def segmented_regression(series: pd.Series, change: Any, *, alpha: float = 0.05) -> pd.DataFrame:
    """Interrupted time series: did the level or the slope change at ``change``?

    Fits ``y_t = b0 + b1 t + b2 post_t + b3 (t − t0) post_t`` by ordinary least squares,
    where ``t`` counts periods from the first value, ``post_t`` is 1 from the first period
    that starts on or after ``change`` (``t0``), and 0 before. ``level_change`` (b2) is the
    jump at ``t0`` beyond the pre-change trend; ``slope_change`` (b3) the change of slope
    per period. Intervals and p-values use the t distribution on n − 4 degrees of
    freedom, and ``attrs["change_p"]`` is the F test (2 and n − 4 degrees of freedom)
    that neither changed: exact for independent normal noise at any length, so that 6 +
    6 quarters of noise are called a change 5% of the time, not more. Autocorrelated
    noise raises that rate (see ``docs/collaboration.md``); no test of 8–24 values can
    correct for it, because so few values cannot estimate it.

    Parameters
    ----------
    series : pandas.Series
        Values indexed by period (``PeriodIndex``), timestamp (consecutive periods, one
        step each) or integer time. Missing values are dropped.
    change : date-like, pandas.Period or number
        The change date (``"2024-07-01"``); a number for an integer index.
    alpha : float
        1 − confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``term`` (:data:`TERMS`: ``intercept``, ``pre_slope``,
        ``level_change``, ``slope_change``), columns ``estimate``, ``ci_low``,
        ``ci_high``, ``p_value``. ``attrs`` holds ``n_pre``, ``n_post``, ``first_post``
        (the first post-change period), ``df_resid``, ``change_F``, ``change_p``,
        ``method`` and ``note``. With fewer than :data:`MIN_POINTS_PER_SIDE` values on
        either side the estimates are NaN and the note says why: too short to conclude,
        not "no change". To test several series together use :func:`change_tests` and
        :func:`change_verdicts`.

    Raises
    ------
    TypeError
        If ``series`` is not a Series with a period, timestamp or integer index.
    ValueError
        If ``change`` cannot be read as a date.

    Examples
    --------
    A series with a level drop of 5 and a slope change of −1 at the 7th value:

    >>> t = pd.Series(range(12), dtype=float)
    >>> y = 20 + 0.5 * t - 5 * (t >= 6) - 1 * (t - 6) * (t >= 6)
    >>> y.index = pd.period_range("2023Q1", periods=12, freq="Q")
    >>> segmented_regression(y, "2024-07-01")["estimate"].round(6).tolist()
    [20.0, 0.5, -5.0, -1.0]

    Too short to say:

    >>> short = segmented_regression(y.iloc[:8], "2024-07-01")
    >>> short.attrs["note"]
    'too short to conclude: 6 values before the change and 2 from it; at least 3 are needed on each side'
    """
    if not isinstance(series, pd.Series):
        raise TypeError(f"expected a pandas Series of values indexed by period, not {type(series).__name__}")
    row = change_tests(series, change, alpha=alpha).iloc[0]
    out = pd.DataFrame(
        {
            "estimate": [row[term] for term in TERMS], "ci_low": [row[f"{term}_low"] for term in TERMS],
            "ci_high": [row[f"{term}_high"] for term in TERMS], "p_value": [row[f"{term}_p"] for term in TERMS],
        },
        index=pd.Index(TERMS, name="term"),
        dtype=float,
    )
    out.attrs.update(
        {
            "n_pre": int(row["n_pre"]), "n_post": int(row["n_post"]), "first_post": row["first_post"], "df_resid": float(row["df_resid"]),
            "change_F": float(row["change_F"]), "change_p": float(row["change_p"]), "method": METHOD, "note": str(row["note"]),
        }
    )
    return out


def segmented_fit(series: pd.Series, change: Any) -> pd.DataFrame:
    """Observed values with the segmented regression's fitted line and its counterfactual.

    Parameters
    ----------
    series : pandas.Series
        As for :func:`segmented_regression`.
    change : date-like
        The change date.

    Returns
    -------
    pandas.DataFrame
        Same index; columns ``observed``, ``post`` (bool), ``fitted`` (the two segments)
        and ``counterfactual`` (the pre-change line carried on after the change, NaN
        before it). The fitted columns are NaN when the series is too short.

    Examples
    --------
    >>> y = pd.Series([5.0, 6, 7, 2, 3, 4], index=pd.period_range("2024Q1", periods=6, freq="Q"))
    >>> segmented_fit(y, "2024-10-01")[["fitted", "counterfactual"]].round(6).to_dict("list")
    {'fitted': [5.0, 6.0, 7.0, 2.0, 3.0, 4.0], 'counterfactual': [nan, nan, nan, 8.0, 9.0, 10.0]}
    """
    values = _numeric(series)
    fit = segmented_regression(values, change)
    t = _time_axis(values.index)
    post = after_change(values.index, change)
    b = fit["estimate"].to_numpy()
    out = pd.DataFrame({"observed": values.to_numpy(), "post": post}, index=values.index)
    if np.isnan(b).any() or not post.any():
        out["fitted"] = np.nan
        out["counterfactual"] = np.nan
        return out
    x, _ = _design(t, post)
    out["fitted"] = x @ b
    out["counterfactual"] = np.where(post, b[0] + b[1] * t, np.nan)
    return out
