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

from typing import Any, Sequence

import numpy as np
import pandas as pd

__all__ = ["ATTRIBUTES", "adjusted_differences", "model_frame", "underserved_markdown"]

ATTRIBUTES: tuple[str, ...] = ("age_group", "gender", "nationality", "trafficking_type", "language")
"""Client attributes compared (``language``: en, other, unknown)."""


def model_frame(data: Any, period: Any = None, *, days: int = 90) -> pd.DataFrame:
    """Needs with a known 90-day outcome: attributes, ``need`` and ``unmet`` (0/1).

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> frame = model_frame(load_dataset(DEMO_DIR))
    >>> sorted(frame["unmet"].unique().tolist()), "language" in frame
    ([0, 1], True)
    """
    from tfanalysis import gaps
    from tfanalysis.eligibility import client_needs

    start, end, _ = gaps._window(data, period)
    scoped = data.in_period((start, end))
    frame = client_needs(scoped.needs, scoped.clients)
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
    return Pipeline([("encode", encode), ("model", LogisticRegression(C=1.0, max_iter=2000))])


def _resample_clients(client_id: pd.Series, rng: np.random.Generator) -> np.ndarray:
    """Row positions of a bootstrap sample of clients, each drawn client with all its rows."""
    codes, uniques = pd.factorize(client_id)
    order = np.argsort(codes, kind="stable")
    lengths = np.bincount(codes, minlength=len(uniques))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    picked = rng.integers(0, len(uniques), len(uniques))
    sizes = lengths[picked]
    offsets = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return order[np.repeat(starts[picked], sizes) + offsets]


def _standardized(coef: np.ndarray, intercept: float, X: Any, columns: np.ndarray) -> np.ndarray:
    """Mean predicted probability with everybody moved to each one-hot column of an attribute.

    With one-hot inputs the linear predictor of a row moved to group g is its own, less its
    current group's coefficient, plus g's: no need to re-encode copies of the data.
    """
    eta = np.asarray(X @ coef).ravel() + intercept
    own = np.asarray(X[:, columns] @ coef[columns]).ravel()
    shifted = (eta - own)[:, None] + coef[columns][None, :]
    return (1.0 / (1.0 + np.exp(-shifted))).mean(axis=0)


def adjusted_differences(
    frame: pd.DataFrame, *, threshold: int = 11, attributes: Sequence[str] = ATTRIBUTES, n_boot: int = 100, seed: int = 0, level: float = 0.9
) -> pd.DataFrame:
    """Adjusted difference in the 90-day unmet share of each group from its reference group.

    Parameters
    ----------
    frame : DataFrame
        :func:`model_frame`.
    threshold : int
        Groups with fewer clients are kept in the model but not reported.
    n_boot : int
        Bootstrap resamples of clients (the encoding is kept; the regression is refitted).
    level : float
        Interval coverage.

    Returns
    -------
    pandas.DataFrame
        ``attribute``, ``group``, ``reference``, ``clients``, ``needs``, ``observed`` (%),
        ``adjusted`` (%), ``difference`` (percentage points vs the reference),
        ``low``, ``high`` (bootstrap interval of the difference).

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
    from sklearn.base import clone

    result_columns = ["attribute", "group", "reference", "clients", "needs", "observed", "adjusted", "difference", "low", "high"]
    if frame.empty or frame["unmet"].nunique() < 2:  # no needs in the period, or none to tell apart: no model
        return pd.DataFrame(columns=result_columns)
    columns = [*attributes, "need"]
    pipeline = _pipeline(columns).fit(frame[columns], frame["unmet"])
    encoder, model = pipeline.named_steps["encode"], pipeline.named_steps["model"]
    from scipy import sparse

    X = sparse.csr_matrix(encoder.transform(frame[columns]))
    y = frame["unmet"].to_numpy()
    onehot = encoder.named_transformers_["onehot"]
    offsets = np.concatenate([[0], np.cumsum([len(c) for c in onehot.categories_])])
    fits = [(model.coef_.ravel(), float(model.intercept_[0]))]
    rng = np.random.default_rng(seed)
    for _ in range(n_boot):  # resamples, each one regression fit
        rows_ = _resample_clients(frame["client_id"], rng)
        if len(np.unique(y[rows_])) < 2:
            continue
        refit = clone(model).fit(X[rows_], y[rows_])
        fits.append((refit.coef_.ravel(), float(refit.intercept_[0])))
    alpha = (1 - level) / 2
    rows = []
    for position, attribute in enumerate(attributes):  # a handful of attributes
        categories = list(onehot.categories_[position])
        sizes = frame.groupby(attribute)["client_id"].nunique().sort_values(ascending=False)
        shown = [g for g, n in sizes.items() if n >= threshold and g != "unknown"]
        if len(shown) < 2:
            continue
        cols = offsets[position] + np.array([categories.index(g) for g in shown])
        estimates = np.array([_standardized(coef, b, X, cols) for coef, b in fits])
        observed = frame.groupby(attribute)["unmet"].mean()
        needs = frame.groupby(attribute).size()
        for i, group in enumerate(shown[1:], start=1):
            diff = estimates[1:, i] - estimates[1:, 0] if len(estimates) > 1 else np.array([np.nan])
            rows.append({
                "attribute": attribute, "group": group, "reference": shown[0], "clients": int(sizes[group]), "needs": int(needs[group]),
                "observed": 100 * observed[group], "adjusted": 100 * estimates[0, i], "difference": 100 * (estimates[0, i] - estimates[0, 0]),
                "low": 100 * np.quantile(diff, alpha) if len(estimates) > 1 else np.nan,
                "high": 100 * np.quantile(diff, 1 - alpha) if len(estimates) > 1 else np.nan,
            })
    return pd.DataFrame(rows, columns=result_columns)


def underserved_markdown(table: pd.DataFrame, threshold: int = 11) -> str:
    """Plain words: which groups wait longer once the rest is accounted for, with a caution.

    Examples
    --------
    >>> t = pd.DataFrame({"attribute": ["gender"], "group": ["male"], "reference": ["female"], "clients": [80],
    ...     "needs": [300], "observed": [30.0], "adjusted": [25.0], "difference": [12.0], "low": [5.0], "high": [19.0]})
    >>> print(underserved_markdown(t))  # doctest: +ELLIPSIS
    Once the other attributes and the needs are accounted for, these groups' needs go unmet at 90 days more often than their reference group's: **male** (gender; +12 points against female, 90% interval +5 to +19). ...
    """
    clear = table[(table["low"] > 0)].sort_values("difference", ascending=False)
    if clear.empty:
        text = "No group's needs go unmet at 90 days clearly more often than its reference group's once the other attributes and the needs are accounted for."
    else:
        items = [f"**{r.group}** ({r.attribute.replace('_', ' ')}; {r.difference:+.0f} points against {r.reference}, 90% interval {r.low:+.0f} to {r.high:+.0f})" for r in clear.itertuples()]
        text = "Once the other attributes and the needs are accounted for, these groups' needs go unmet at 90 days more often than their reference group's: " + "; ".join(items) + "."
    return text + (
        f" Caution: these are small numbers of people; an interval that spans zero is no evidence either way, groups of fewer than "
        f"{threshold} clients are not shown, and an association is not a cause (the model sees only the recorded attributes)."
    )
