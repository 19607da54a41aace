"""Who is underserved: adjusted differences in "need not met within 90 days" between client groups.

A logistic regression (scikit-learn pipeline: one-hot encoding, L2-penalized logistic
regression) of *need not met within 90 days of identification* on the client's age group,
gender, nationality, trafficking type, language (English, other, unknown) and the need.
Groups are compared by standardization (g-computation): every need of the data is
predicted as if its client were in the group, and the predictions averaged; the
difference from the reference group (the largest) is the *adjusted difference* — what is
left of the gap once the other attributes and the mix of needs are accounted for.
Uncertainty: percentile intervals from a bootstrap that resamples clients (a client's
needs stay together). Groups with fewer clients than the suppression threshold are not
named.

Only needs identified at least 90 days before the data's last date count (their outcome is
known); needs declined by the client are left out.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["ATTRIBUTES", "SOLVER_TOL", "adjusted_differences", "language_groups", "model_frame"]

ATTRIBUTES: tuple[str, ...] = ("age_group", "gender", "nationality", "trafficking_type", "language")
"""Client attributes compared (``language``: en, other, unknown)."""

SOLVER_TOL = 1e-8
"""Convergence tolerance of the logistic fits (Newton–Cholesky steps on the covariate patterns).

scikit-learn's default solver and tolerance (L-BFGS, 1e-4) stopped the fits up to about 0.1
percentage point short of the optimum, in every bootstrap resample too; on a few thousand
covariate patterns and a few dozen one-hot columns, Newton steps reach 1e-8 in about six
iterations (milliseconds)."""


def model_frame(data: Any, period: Any = None, *, days: int = 90) -> pd.DataFrame:
    """Needs with a known 90-day outcome: attributes, ``need`` and ``unmet`` (0/1).

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> frame = model_frame(load_dataset(DEMO_DIR))
    >>> sorted(frame["unmet"].unique().tolist()), "language" in frame
    ([0, 1], True)
    """
    from tfanalysis.analyses.gaps import needs as gaps
    from tfanalysis.analyses.gaps.eligibility import needs_in_period

    start, end, _ = gaps._window(data, period)
    frame = needs_in_period(data, (start, end))
    as_of = gaps.as_of_date(data)
    frame = frame[(frame["status"].astype("string") != "declined_by_client").to_numpy(bool)]
    frame = frame[(pd.to_datetime(frame["identified_on"]) <= as_of - pd.Timedelta(days=days)).to_numpy(bool)].copy()
    waited = (pd.to_datetime(frame["met_on"]) - pd.to_datetime(frame["identified_on"])).dt.days
    met_in_time = (frame["status"].astype("string") == "met").fillna(False).to_numpy(bool) & (waited <= days).fillna(False).to_numpy(bool)
    language = frame["primary_language"].astype(str).str.lower()
    frame["language"] = np.where(language == "en", "en", np.where(language.isin(["unknown", "<na>", "nan", ""]), "unknown", "other"))
    frame["unmet"] = (~met_in_time).astype(int)
    return frame[["client_id", *ATTRIBUTES, "need", "unmet"]].astype({c: str for c in ["client_id", *ATTRIBUTES, "need"]}).reset_index(drop=True)


def _pipeline(columns: Sequence[str]) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    encode = ColumnTransformer([("onehot", OneHotEncoder(handle_unknown="ignore"), list(columns))])
    return Pipeline([("encode", encode), ("model", LogisticRegression(C=1.0, max_iter=2000, solver="newton-cholesky", tol=SOLVER_TOL))])


def _client_draws(clients: int, rng: np.random.Generator) -> np.ndarray:
    """A bootstrap sample of clients: how many times each of ``clients`` clients is drawn.

    As many clients are drawn, with replacement, as there are; a drawn client brings all its
    needs (its multiplicity weighs each of them).
    """
    return np.bincount(rng.integers(0, clients, clients), minlength=clients)


def _cells(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Covariate patterns × outcome: the distinct rows of ``columns``, and each need's cell.

    Returns the patterns (one row per distinct combination), each need's cell number
    (pattern × 2 + outcome) and the number of cells. A logistic regression on categorical
    covariates depends on the data only through the needs per cell, so fitting the cells
    with these counts as weights gives the fit of the needs themselves.
    """
    codes, patterns = _factorize(frame, columns)
    return patterns, codes * 2 + frame["unmet"].to_numpy(dtype=np.int64), 2 * len(patterns)


def _needs_per_cell(cell: np.ndarray, cells: int, client_id: pd.Series) -> Any:
    """Sparse cells × clients matrix of needs: a bootstrap sample's cell weights are it times the draws."""
    from scipy import sparse

    clients, uniques = pd.factorize(client_id)
    return sparse.csr_matrix((np.ones(len(cell)), (cell, clients)), shape=(cells, len(uniques)))


def _factorize(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    parts = [pd.factorize(frame[c], use_na_sentinel=False)[0].astype(np.int64) for c in columns]
    sizes = [int(p.max()) + 1 if len(p) else 1 for p in parts]
    codes = pd.factorize(np.ravel_multi_index(parts, sizes) if parts and len(frame) else np.zeros(len(frame), np.int64))[0]
    first = np.unique(codes, return_index=True)[1]
    return codes.astype(np.int64), frame[list(columns)].iloc[first].reset_index(drop=True)


def _standardized(coef: np.ndarray, intercept: float, X: Any, attribute: np.ndarray, groups: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Mean predicted probability with everybody moved to each of ``groups`` (one-hot columns).

    With one-hot inputs the linear predictor of a row moved to group g is its own, less its
    current group's coefficient (one of ``attribute``, all the attribute's columns: a row of
    a group not reported moves too), plus g's: no need to re-encode copies of the data.
    ``X`` holds the covariate patterns and ``weights`` how many needs have each.
    """
    eta = np.asarray(X @ coef).ravel() + intercept
    own = np.asarray(X[:, attribute] @ coef[attribute]).ravel()
    shifted = (eta - own)[:, None] + coef[groups][None, :]
    return weights @ (1.0 / (1.0 + np.exp(-shifted))) / weights.sum()


def _fit(model: Any, X: Any, cell_weights: np.ndarray) -> tuple[np.ndarray, float] | None:
    """Refit ``model`` on the cells with these weights (None when one outcome is missing)."""
    from sklearn.base import clone

    y = np.tile([0, 1], len(cell_weights) // 2)
    keep = cell_weights > 0
    if len(np.unique(y[keep])) < 2:
        return None
    fitted = clone(model).fit(X[np.flatnonzero(keep) // 2], y[keep], sample_weight=cell_weights[keep])
    return fitted.coef_.ravel(), float(fitted.intercept_[0])


def adjusted_differences(
    frame: pd.DataFrame, *, threshold: int = 11, attributes: Sequence[str] = ATTRIBUTES, n_boot: int = 100, seed: int = 0, level: float = 0.9,
    groups: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Adjusted difference in the 90-day unmet share of each group from its reference group.

    Parameters
    ----------
    frame : DataFrame
        :func:`model_frame`.
    threshold : int
        Groups with fewer clients are kept in the model but not reported (without ``groups``).
    n_boot : int
        Bootstrap resamples of clients (the encoding is kept; the regression is refitted).
    level : float
        Interval coverage, of all the intervals together: the chance that any of them
        misses its group's true difference is at most ``1 − level``.
    groups : mapping, optional
        ``{attribute: groups}``: the groups of each attribute to report, the reference
        first, instead of those of ``threshold`` clients or more. A report chooses them from
        released counts (:func:`tfanalysis.reports.underserved.groups_to_compare`): which
        groups a table compares must not tell how many clients the others have.

    Returns
    -------
    pandas.DataFrame
        ``attribute``, ``group``, ``reference``, ``clients``, ``needs``, ``observed`` (%),
        ``adjusted`` (%), ``difference`` (percentage points vs the reference),
        ``low``, ``high`` (the interval of the difference: the difference ± z bootstrap
        standard errors, z Bonferroni's for the table's comparisons together, so that a
        table of seven comparisons does not name a group by chance one time in three).

    Notes
    -----
    Every fit, the first and the bootstrap ones, is made on the covariate patterns × outcome
    with the number of needs in each as frequency weights: for a logistic regression on
    categorical covariates this is the same likelihood (and the same L2 penalty) as the
    fit on the needs, so the same estimate, in time that stops growing with the rows once
    the patterns are all there. A bootstrap sample (clients drawn with replacement, each with
    all its needs) only changes the weights: the count of each client's needs per cell times
    how often the client is drawn. BLAS runs on one thread (many small fits: threads only
    spin).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = pd.DataFrame({"client_id": [f"c{i}" for i in range(400)], "gender": np.repeat(["female", "male"], 200),
    ...     "need": "a"}).assign(unmet=lambda t: (rng.random(400) < np.where(t["gender"] == "male", 0.5, 0.1)).astype(int))
    >>> out = adjusted_differences(f, attributes=["gender"], n_boot=20)
    >>> row = out.set_index("group").loc["male"]
    >>> bool(25 < row["difference"] < 55 and row["low"] > 0)
    True
    """
    from scipy import sparse
    from threadpoolctl import threadpool_limits

    result_columns = ["attribute", "group", "reference", "clients", "needs", "observed", "adjusted", "difference", "low", "high"]
    if frame.empty or frame["unmet"].nunique() < 2:  # no needs in the period, or none to tell apart: no model
        return pd.DataFrame(columns=result_columns)
    columns = [*attributes, "need"]
    patterns, cell, n_cells = _cells(frame, columns)
    pipeline = _pipeline(columns)
    encoder, model = pipeline.named_steps["encode"], pipeline.named_steps["model"]
    encoder.fit(frame[columns])  # categories of the needs themselves
    X = sparse.csr_matrix(encoder.transform(patterns))
    onehot = encoder.named_transformers_["onehot"]
    offsets = np.concatenate([[0], np.cumsum([len(c) for c in onehot.categories_])])
    per_client = _needs_per_cell(cell, n_cells, frame["client_id"])
    needs_per_cell = np.asarray(per_client.sum(axis=1)).ravel()
    pattern_needs = needs_per_cell[0::2] + needs_per_cell[1::2]
    rng = np.random.default_rng(seed)
    with threadpool_limits(limits=1, user_api="blas"):
        first = _fit(model, X, needs_per_cell)
        if first is None:
            raise ValueError("the outcome takes one value only: every need in the frame is met in time, or none is")
        fits = [first]
        for _ in range(n_boot):  # resamples, each one regression fit on the cells
            refit = _fit(model, X, per_client @ _client_draws(per_client.shape[1], rng).astype(float))
            if refit is not None:
                fits.append(refit)
    rows, spreads = [], []
    for position, attribute in enumerate(attributes):  # a handful of attributes
        categories = list(onehot.categories_[position])
        sizes = frame.groupby(attribute)["client_id"].nunique().sort_values(ascending=False)
        if groups is None:
            shown = [g for g, n in sizes.items() if n >= threshold and g != "unknown"]
        else:
            shown = [g for g in groups.get(attribute, ()) if g in categories]
        if len(shown) < 2:
            continue
        cols = offsets[position] + np.array([categories.index(g) for g in shown])
        every = np.arange(offsets[position], offsets[position + 1])
        estimates = np.array([_standardized(coef, b, X, every, cols, pattern_needs) for coef, b in fits])
        observed = frame.groupby(attribute)["unmet"].mean()
        needs = frame.groupby(attribute).size()
        for i, group in enumerate(shown[1:], start=1):
            spreads.append(100 * float(np.std(estimates[1:, i] - estimates[1:, 0], ddof=1)) if len(estimates) > 2 else np.nan)
            rows.append({
                "attribute": attribute, "group": group, "reference": shown[0], "clients": int(sizes[group]), "needs": int(needs[group]),
                "observed": 100 * observed[group], "adjusted": 100 * estimates[0, i], "difference": 100 * (estimates[0, i] - estimates[0, 0]),
            })
    out = pd.DataFrame(rows, columns=result_columns)
    if len(out):  # every comparison of the table at once (Bonferroni): 1 - level is the chance that any interval misses
        from scipy.stats import norm

        half = norm.ppf(1 - (1 - level) / (2 * len(out))) * np.asarray(spreads)
        out["low"], out["high"] = out["difference"] - half, out["difference"] + half
    return out


def language_groups(values: Any) -> dict[str, list[str]]:
    """The contract's language codes as :func:`model_frame` groups them: ``en``, ``other``, ``unknown``.

    Examples
    --------
    >>> language_groups(["en", "es", "unknown", "<NA>", "EN"])
    {'en': ['EN', 'en'], 'other': ['es'], 'unknown': ['<NA>', 'unknown']}
    """
    out: dict[str, list[str]] = {"en": [], "other": [], "unknown": []}
    for value in sorted({str(v) for v in values}):  # the distinct codes (a few dozen), not the rows
        lower = value.lower()
        out["en" if lower == "en" else "unknown" if lower in _UNKNOWN_LANGUAGE else "other"].append(value)
    return {group: codes for group, codes in out.items() if codes}


_UNKNOWN_LANGUAGE = ("unknown", "<na>", "nan", "")
