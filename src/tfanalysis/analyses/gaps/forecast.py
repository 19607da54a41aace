"""Demand forecast: needs identified per service in the coming quarters.

Two simple models per service, chosen between by a backtest (fit on all but the last
``horizon`` quarters, predict those, compare mean absolute errors):

- ``mean``: the mean of the last four quarters (a level, no trend);
- ``trend``: a Poisson regression of the quarterly count on a linear time trend (log link;
  statsmodels GLM). On small data it may have no fit at all: when every need of the
  quarters fitted falls in the first or the last of them (or there is none), the
  log-linear trend that fits best is infinitely steep and its forecast diverges. Such
  a service falls back to ``mean``, and the tables and the sentence say so
  (:func:`trend_estimable`).

The interval is conservative: the Poisson quantiles at the ends of the mean's confidence
interval (for ``mean``, a normal interval for the mean of four Poisson counts). On the demo
the ``mean`` model has the smaller backtest error (the demo's demand has no trend), and it
is the default. Only complete quarters count.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "backtest",
    "backtest_counts",
    "demand_forecast",
    "forecast_counts",
    "places_per_quarter",
    "quarterly_needs",
    "trend_estimable",
]


def quarterly_needs(data: Any) -> pd.DataFrame:
    """Needs identified per complete quarter (rows) and service (columns), zeros included.

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> q = quarterly_needs(load_dataset(DEMO_DIR))
    >>> len(q), str(q.index[-1])
    (12, '2025Q4')
    """
    from tfanalysis.analyses.capacity_in_force import as_of_date

    needs = data.needs
    if needs.empty:  # no need identified: no quarter to count
        return pd.DataFrame(index=pd.PeriodIndex([], freq="Q", name="quarter"), dtype="int64")
    quarter = pd.to_datetime(needs["identified_on"]).dt.to_period("Q")
    table = pd.crosstab(quarter.rename("quarter"), needs["need"].astype(str).rename("service"))
    full = pd.period_range(table.index.min(), table.index.max(), freq="Q", name="quarter")
    table = table.reindex(full, fill_value=0)
    complete = table.index.end_time.normalize() <= as_of_date(data)
    return table[complete].astype("int64")


def trend_estimable(counts: Any) -> bool:
    """Whether a Poisson log-linear trend has a finite fit on these quarterly counts.

    The fit solves Σ μ_t = Σ y_t and Σ t μ_t = Σ t y_t with μ_t = exp(a + b t) > 0, so the
    needs' mean time must lie strictly between the first and the last quarter: it has no
    solution (the slope runs to ±infinity) when there are no needs, or when every need
    falls in the first or in the last quarter fitted.

    Examples
    --------
    >>> trend_estimable([0, 0, 0, 5]), trend_estimable([0, 0, 0, 0]), trend_estimable([0, 2, 0, 5])
    (False, False, True)
    """
    y = np.asarray(counts, dtype=float)
    total = float(y.sum())
    if len(y) < 2 or not np.isfinite(total) or total <= 0:
        return False
    mean_time = float((np.arange(len(y)) * y).sum() / total)
    return 1e-9 < mean_time < len(y) - 1 - 1e-9


def _fit(counts: np.ndarray) -> Any:
    """The Poisson trend, or None when it has no finite fit (see :func:`trend_estimable`)."""
    import warnings

    import statsmodels.api as sm

    if not trend_estimable(counts):
        return None
    t = np.arange(len(counts), dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a failed fit is told by converged / finite, below
        try:
            fit = sm.GLM(counts, sm.add_constant(t), family=sm.families.Poisson()).fit()
        except (ValueError, np.linalg.LinAlgError):
            return None
    return fit if fit.converged and np.isfinite(np.asarray(fit.params)).all() else None


def _predict(fit: Any, start: int, horizon: int, level: float) -> pd.DataFrame:
    import statsmodels.api as sm
    from scipy import stats

    t = np.arange(start, start + horizon, dtype=float)
    frame = fit.get_prediction(sm.add_constant(t, has_constant="add")).summary_frame(alpha=1 - level)
    alpha = (1 - level) / 2
    return pd.DataFrame({
        "forecast": frame["mean"].to_numpy(),
        "low": stats.poisson.ppf(alpha, frame["mean_ci_lower"].to_numpy()),
        "high": stats.poisson.ppf(1 - alpha, frame["mean_ci_upper"].to_numpy()),
    })


def _predict_mean(counts: np.ndarray, horizon: int, level: float) -> pd.DataFrame:
    from scipy import stats

    recent = counts[-4:]
    mu = float(recent.mean())
    half = stats.norm.ppf(0.5 + level / 2) * np.sqrt(max(mu, 0.0) / len(recent))
    alpha = (1 - level) / 2
    return pd.DataFrame({
        "forecast": np.full(horizon, mu),
        "low": np.full(horizon, stats.poisson.ppf(alpha, max(mu - half, 0.0))),
        "high": np.full(horizon, stats.poisson.ppf(1 - alpha, mu + half)),
    })


def forecast_counts(counts: np.ndarray, horizon: int, level: float, method: str) -> tuple[pd.DataFrame, str]:
    """The forecast and the model that made it (``trend`` falls back to ``mean`` without a fit)."""
    if method == "mean":
        return _predict_mean(counts, horizon, level), "mean"
    if method == "trend":
        fit = _fit(counts)
        if fit is None:
            return _predict_mean(counts, horizon, level), "mean"
        return _predict(fit, len(counts), horizon, level), "trend"
    raise ValueError(f"method must be 'mean' or 'trend', got {method!r}")


def demand_forecast(data: Any, *, horizon: int = 4, level: float = 0.8, services: list[str] | None = None, method: str = "mean") -> pd.DataFrame:
    """Forecast needs identified per service for the next ``horizon`` quarters.

    Returns
    -------
    pandas.DataFrame
        ``service``, ``quarter`` (label), ``kind`` (``observed`` or ``forecast``),
        ``needs`` (observed), ``forecast``, ``low``, ``high`` (``level`` interval),
        ``places`` (the capacity in force on the data's last day × 3 months: what a
        quarter would offer if capacity stays as it is) and ``model`` (of the forecast
        rows: ``mean``, or ``trend``; a service whose trend has no fit on its counts
        falls back to ``mean``).

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> f = demand_forecast(load_dataset(DEMO_DIR), services=["legal_representation"])
    >>> ahead = f[f["kind"] == "forecast"]
    >>> len(ahead), bool((ahead["forecast"] > ahead["places"]).all())
    (4, True)
    """
    table = quarterly_needs(data)
    chosen = services if services is not None else list(table.columns)
    columns = ["service", "quarter", "kind", "needs", "forecast", "low", "high", "places", "model"]
    if table.empty or not chosen:  # no complete quarter with needs, or no service asked for: nothing to forecast
        return pd.DataFrame(columns=columns)
    places = places_per_quarter(data)
    future = pd.period_range(table.index[-1] + 1, periods=horizon, freq="Q")
    frames = []
    for service in chosen:  # one small regression per service
        counts = table[service].to_numpy(float) if service in table else np.zeros(len(table))
        ahead, model = forecast_counts(counts, horizon, level, method)
        frames.append(pd.DataFrame({"service": service, "quarter": table.index.astype(str), "kind": "observed", "needs": counts}))
        frames.append(ahead.assign(service=service, quarter=future.astype(str), kind="forecast", model=model))
    out = pd.concat(frames, ignore_index=True)
    out["places"] = out["service"].map(places).fillna(0.0).astype(float)
    return out[["service", "quarter", "kind", "needs", "forecast", "low", "high", "places", "model"]]


def places_per_quarter(data: Any) -> pd.Series:
    """Places a quarter per service if capacity stays as it is: the capacity in force on the data's last day × 3 months.

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> float(places_per_quarter(load_dataset(DEMO_DIR))["legal_representation"])
    12.0
    """
    from tfanalysis.analyses.capacity_in_force import as_of_date, places_per_month

    as_of = as_of_date(data)
    capacity = data.capacity
    in_force = places_per_month(capacity, as_of, as_of)  # the rows in force on the last day, per month
    return 3 * in_force.groupby(capacity["service"].astype(str).to_numpy()).sum()


def backtest(data: Any, *, horizon: int = 4, level: float = 0.8) -> pd.DataFrame:
    """Hold out the last ``horizon`` quarters: error of the trend model against the baseline.

    Returns
    -------
    pandas.DataFrame
        Per service: ``needs``, per method (``mean``, ``trend``) ``mae_<method>`` and
        ``coverage_<method>`` (% of held-out quarters inside the interval), and
        ``trend_fallback``: the trend had no fit on the quarters before the held-out
        ones, so its figures are the mean's.

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> b = backtest(load_dataset(DEMO_DIR))
    >>> bool(b["coverage_mean"].mean() >= 60), bool(b["mae_mean"].mean() <= b["mae_trend"].mean())
    (True, True)
    """
    return backtest_counts(quarterly_needs(data), horizon=horizon, level=level)


def backtest_counts(table: pd.DataFrame, *, horizon: int = 4, level: float = 0.8) -> pd.DataFrame:
    """:func:`backtest` on a table of quarterly counts (quarters × services), e.g. the released ones.

    Examples
    --------
    >>> t = pd.DataFrame({"a": [10, 12, 11, 9, 10, 12, 11, 10]}, index=pd.period_range("2024Q1", periods=8, freq="Q"))
    >>> backtest_counts(t).loc["a", ["needs", "mae_mean"]].tolist()
    [85.0, 0.75]
    """
    columns = ["needs", "mae_mean", "coverage_mean", "mae_trend", "coverage_trend", "trend_fallback"]
    if len(table) <= horizon:
        # Nothing left to fit on once the last `horizon` quarters are held out.
        return pd.DataFrame(columns=columns, index=pd.Index([], name="service", dtype=str))
    rows = []
    for service in table.columns:  # one small regression per service
        counts = table[service].to_numpy(float)
        train, test = counts[:-horizon], counts[-horizon:]
        row: dict[str, Any] = {"service": service, "needs": int(counts.sum())}
        for method in ("mean", "trend"):
            predicted, model = forecast_counts(train, horizon, level, method)
            row[f"mae_{method}"] = float(np.abs(predicted["forecast"].to_numpy() - test).mean())
            row[f"coverage_{method}"] = float(100 * ((test >= predicted["low"].to_numpy()) & (test <= predicted["high"].to_numpy())).mean())
            if method == "trend":
                row["trend_fallback"] = model != "trend"
        rows.append(row)
    return pd.DataFrame(rows, columns=["service", *columns]).set_index("service")
