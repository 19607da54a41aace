"""Demand forecast: needs identified per service in the coming quarters.

Two simple models per service, chosen between by a backtest (fit on all but the last
``horizon`` quarters, predict those, compare mean absolute errors):

- ``mean``: the mean of the last four quarters (a level, no trend);
- ``trend``: a Poisson regression of the quarterly count on a linear time trend (log link;
  statsmodels GLM).

The interval is conservative: the Poisson quantiles at the ends of the mean's confidence
interval (for ``mean``, a normal interval for the mean of four Poisson counts). On the demo
the ``mean`` model has the smaller backtest error (the demo's demand has no trend), and it
is the default. Only complete quarters count.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["backtest", "backtest_markdown", "demand_forecast", "quarterly_needs"]


def quarterly_needs(data: Any) -> pd.DataFrame:
    """Needs identified per complete quarter (rows) and service (columns), zeros included.

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> q = quarterly_needs(load_dataset(DEMO_DIR))
    >>> len(q), str(q.index[-1])
    (12, '2025Q4')
    """
    from tfanalysis.gaps import as_of_date

    needs = data.needs
    if needs.empty:  # no need identified: no quarter to count
        return pd.DataFrame(index=pd.PeriodIndex([], freq="Q", name="quarter"), dtype="int64")
    quarter = pd.to_datetime(needs["identified_on"]).dt.to_period("Q")
    table = pd.crosstab(quarter.rename("quarter"), needs["need"].astype(str).rename("service"))
    full = pd.period_range(table.index.min(), table.index.max(), freq="Q", name="quarter")
    table = table.reindex(full, fill_value=0)
    complete = table.index.end_time.normalize() <= as_of_date(data)
    return table[complete].astype("int64")


def _fit(counts: np.ndarray) -> Any:
    import statsmodels.api as sm

    t = np.arange(len(counts), dtype=float)
    return sm.GLM(counts, sm.add_constant(t), family=sm.families.Poisson()).fit()


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


def _forecast(counts: np.ndarray, horizon: int, level: float, method: str) -> pd.DataFrame:
    if method == "mean":
        return _predict_mean(counts, horizon, level)
    if method == "trend":
        return _predict(_fit(counts), len(counts), horizon, level)
    raise ValueError(f"method must be 'mean' or 'trend', got {method!r}")


def demand_forecast(data: Any, *, horizon: int = 4, level: float = 0.8, services: list[str] | None = None, method: str = "mean") -> pd.DataFrame:
    """Forecast needs identified per service for the next ``horizon`` quarters.

    Returns
    -------
    pandas.DataFrame
        ``service``, ``quarter`` (label), ``kind`` (``observed`` or ``forecast``),
        ``needs`` (observed), ``forecast``, ``low``, ``high`` (``level`` interval) and
        ``places`` (the capacity valid on the data's last day × 3 months: what a quarter
        would offer if capacity stays as it is).

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> f = demand_forecast(load_dataset(DEMO_DIR), services=["legal_representation"])
    >>> ahead = f[f["kind"] == "forecast"]
    >>> len(ahead), bool((ahead["forecast"] > ahead["places"]).all())
    (4, True)
    """
    from tfanalysis.gaps import as_of_date

    table = quarterly_needs(data)
    chosen = services if services is not None else list(table.columns)
    columns = ["service", "quarter", "kind", "needs", "forecast", "low", "high", "places"]
    if table.empty or not chosen:  # no complete quarter with needs, or no service asked for: nothing to forecast
        return pd.DataFrame(columns=columns)
    as_of = as_of_date(data)
    capacity = data.capacity
    current = (pd.to_datetime(capacity["valid_from"]) <= as_of) & (pd.to_datetime(capacity["valid_to"]).isna() | (pd.to_datetime(capacity["valid_to"]) >= as_of))
    places = 3 * pd.to_numeric(capacity.loc[current, "capacity_per_month"], errors="coerce").groupby(capacity.loc[current, "service"].astype(str)).sum()
    future = pd.period_range(table.index[-1] + 1, periods=horizon, freq="Q")
    frames = []
    for service in chosen:  # one small regression per service
        counts = table[service].to_numpy(float) if service in table else np.zeros(len(table))
        ahead = _forecast(counts, horizon, level, method)
        frames.append(pd.DataFrame({"service": service, "quarter": table.index.astype(str), "kind": "observed", "needs": counts}))
        frames.append(ahead.assign(service=service, quarter=future.astype(str), kind="forecast"))
    out = pd.concat(frames, ignore_index=True)
    out["places"] = out["service"].map(places).fillna(0.0).astype(float)
    return out[columns]


def backtest(data: Any, *, horizon: int = 4, level: float = 0.8) -> pd.DataFrame:
    """Hold out the last ``horizon`` quarters: error of the trend model against the baseline.

    Returns
    -------
    pandas.DataFrame
        Per service: ``needs``, and per method (``mean``, ``trend``) ``mae_<method>`` and
        ``coverage_<method>`` (% of held-out quarters inside the interval).

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> b = backtest(load_dataset(DEMO_DIR))
    >>> bool(b["coverage_mean"].mean() >= 60), bool(b["mae_mean"].mean() <= b["mae_trend"].mean())
    (True, True)
    """
    table = quarterly_needs(data)
    rows = []
    if len(table) <= horizon:  # nothing left to fit on once the last quarters are held out
        table = table.iloc[:0, :0]
    for service in table.columns:  # one small regression per service
        counts = table[service].to_numpy(float)
        train, test = counts[:-horizon], counts[-horizon:]
        row: dict[str, Any] = {"service": service, "needs": int(counts.sum())}
        for method in ("mean", "trend"):
            predicted = _forecast(train, horizon, level, method)
            row[f"mae_{method}"] = float(np.abs(predicted["forecast"].to_numpy() - test).mean())
            row[f"coverage_{method}"] = float(100 * ((test >= predicted["low"].to_numpy()) & (test <= predicted["high"].to_numpy())).mean())
        rows.append(row)
    columns = ["service", "needs", *(f"{m}_{k}" for k in ("mean", "trend") for m in ("mae", "coverage"))]
    return pd.DataFrame(rows, columns=columns).set_index("service")


def backtest_markdown(results: pd.DataFrame, level: float = 0.8) -> str:
    """Read the backtest in a sentence.

    Examples
    --------
    >>> b = pd.DataFrame({"needs": [10, 20], "mae_mean": [1.0, 2.0], "mae_trend": [2.0, 2.0],
    ...     "coverage_mean": [100.0, 75.0], "coverage_trend": [50.0, 50.0]}, index=["a", "b"])
    >>> print(backtest_markdown(b))
    Backtest on the last quarters held out: the mean of the last four quarters misses by 1.5 needs a quarter on average (a trend model by 2.0); 88% of held-out quarters fell inside its 80% interval.
    """
    if results.empty:
        return "Too few complete quarters with needs identified to test a forecast on (the test holds out the last four)."
    return (
        f"Backtest on the last quarters held out: the mean of the last four quarters misses by {results['mae_mean'].mean():.1f} needs a quarter "
        f"on average (a trend model by {results['mae_trend'].mean():.1f}); {results['coverage_mean'].mean():.0f}% of held-out quarters fell "
        f"inside its {100 * level:.0f}% interval."
    )


def publish_forecast(table: pd.DataFrame, threshold: int = 11) -> pd.DataFrame:
    """Hide observed quarterly counts from 1 to ``threshold - 1`` (NaN), and the forecasts of
    services whose last four observed quarters hold fewer than ``threshold`` needs.

    Examples
    --------
    >>> t = pd.DataFrame({"service": ["a"] * 3, "quarter": ["2025Q3", "2025Q4", "2026Q1"],
    ...     "kind": ["observed", "observed", "forecast"], "needs": [4.0, 12.0, np.nan],
    ...     "forecast": [np.nan, np.nan, 8.0], "low": np.nan, "high": np.nan, "places": 9.0})
    >>> publish_forecast(t)[["needs", "forecast"]].values.tolist()
    [[nan, nan], [12.0, nan], [nan, 8.0]]
    """
    out = table.copy()
    out["needs"] = out["needs"].where(~out["needs"].between(1, threshold - 1))
    observed = table[table["kind"] == "observed"]
    recent = observed.groupby("service")["needs"].apply(lambda s: s.tail(4).sum())
    small = out["service"].map(recent).fillna(0) < threshold
    out.loc[small & (out["kind"] == "forecast"), ["forecast", "low", "high"]] = np.nan
    return out
