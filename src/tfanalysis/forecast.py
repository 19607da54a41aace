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

__all__ = ["backtest", "backtest_counts", "backtest_markdown", "demand_forecast", "places_per_quarter", "publish_backtest", "publish_forecast", "quarterly_needs", "release_quarters", "trend_estimable"]


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


def _forecast(counts: np.ndarray, horizon: int, level: float, method: str) -> tuple[pd.DataFrame, str]:
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
        ahead, model = _forecast(counts, horizon, level, method)
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
            predicted, model = _forecast(train, horizon, level, method)
            row[f"mae_{method}"] = float(np.abs(predicted["forecast"].to_numpy() - test).mean())
            row[f"coverage_{method}"] = float(100 * ((test >= predicted["low"].to_numpy()) & (test <= predicted["high"].to_numpy())).mean())
            if method == "trend":
                row["trend_fallback"] = model != "trend"
        rows.append(row)
    return pd.DataFrame(rows, columns=["service", *columns]).set_index("service")


def backtest_markdown(results: pd.DataFrame, level: float = 0.8, *, left_out: int = 0) -> str:
    """Read the backtest in a sentence, saying where the trend model fell back to the mean.

    ``left_out``: services not backtested because a quarterly count of theirs is hidden
    (:func:`publish_backtest`).

    Examples
    --------
    >>> b = pd.DataFrame({"needs": [10, 20], "mae_mean": [1.0, 2.0], "mae_trend": [2.0, 2.0],
    ...     "coverage_mean": [100.0, 75.0], "coverage_trend": [50.0, 50.0], "trend_fallback": [False, True]}, index=["a", "b"])
    >>> print(backtest_markdown(b))
    Backtest on the last quarters held out: the mean of the last four quarters misses by 1.5 needs a quarter on average (a trend model by 2.0; for 1 of 2 services the trend could not be fitted on so few needs and the mean stands in for it); 88% of held-out quarters fell inside its 80% interval.
    >>> print(backtest_markdown(b.iloc[:1], left_out=2))
    Backtest on the last quarters held out: the mean of the last four quarters misses by 1.0 needs a quarter on average (a trend model by 2.0); 100% of held-out quarters fell inside its 80% interval (2 services left out: a quarterly count is hidden, and the errors would give it back).
    >>> print(backtest_markdown(b.iloc[:0]))
    Too few complete quarters of data to backtest the forecast: it holds out the last four quarters and needs at least one before them.
    """
    hidden = (f" ({left_out} service{'s' if left_out != 1 else ''} left out: a quarterly count is hidden, and the errors would give it back)"
              if left_out else "")
    if results.empty and left_out:
        return "The backtest is not shown: every service it would test has a hidden quarterly count, which its errors would give back."
    if results.empty:
        return "Too few complete quarters of data to backtest the forecast: it holds out the last four quarters and needs at least one before them."
    fallback = int(results["trend_fallback"].sum()) if "trend_fallback" in results else 0
    trend_note = (f"; for {fallback} of {len(results)} service{'s' if len(results) != 1 else ''} the trend could not be fitted on so few needs "
                  "and the mean stands in for it") if fallback else ""
    return (
        f"Backtest on the last quarters held out: the mean of the last four quarters misses by {results['mae_mean'].mean():.1f} needs a quarter "
        f"on average (a trend model by {results['mae_trend'].mean():.1f}{trend_note}); {results['coverage_mean'].mean():.0f}% of held-out quarters fell "
        f"inside its {100 * level:.0f}% interval{hidden}."
    )


def release_quarters(rel: Any, data: Any, services: list[str], region: dict[str, Any] | None = None, *, name: str) -> Any:
    """Release the needs identified per complete quarter (rows) and service (columns).

    None (nothing released) without a complete quarter of needs or without a service.

    ``data`` is the data analysed (its complete quarters, :func:`quarterly_needs`);
    ``region`` the predicate of its region (:meth:`tfanalysis.reports.gaps.Scope.region`).
    Needs identified, as in the report's other tables: a quarter's count is the same count
    as that service's needs identified in a report of that quarter.
    """
    from tfanalysis.publication import ByPeriod

    quarters = quarterly_needs(data).index
    if not len(quarters) or not services:  # no complete quarter with needs, or no service: nothing to release
        return None
    where = {**(region or {}), "need": list(services)}
    return rel.table("needs", rows=ByPeriod("identified_on", quarters), columns="need", where=where, levels={"need": list(services)}, name=name)


def _observed(quarters: Any) -> pd.DataFrame:
    """Released quarterly counts (quarters × services), NaN where hidden (empty without a release)."""
    return quarters.numbers() if quarters is not None else pd.DataFrame(index=pd.Index([], name="quarter", dtype=str))


def publish_forecast(data: Any, quarters: Any, *, horizon: int = 4, level: float = 0.8, method: str = "mean") -> pd.DataFrame:
    """The forecast as the report shows it: fitted to released quarterly counts, only where all it rests on is shown.

    A forecast rests on the quarters its model fits: the last four (``mean``), every one
    (``trend``). A service with one of them hidden has no forecast (nor interval); its
    shown quarters are drawn, its hidden ones are gaps.

    Parameters
    ----------
    data : TaskForceData
        The data analysed (the places a quarter, :func:`places_per_quarter`).
    quarters : Released
        :func:`release_quarters`.

    Returns
    -------
    pandas.DataFrame
        Like :func:`demand_forecast`: ``service``, ``quarter``, ``kind``, ``needs``
        (released, NaN where hidden), ``forecast``, ``low``, ``high``, ``places``, ``model``.

    Examples
    --------
    >>> from tfanalysis.publication import ByPeriod, Release
    >>> days = ["2024-02-01"] * 12 + ["2024-05-01"] * 14 + ["2024-08-01"] * 4 + ["2024-11-01"] * 16 + ["2025-02-01"] * 20
    >>> units = pd.DataFrame({"identified_on": pd.to_datetime(days), "need": "a", "gaps.outcome": "unmet"})
    >>> q = Release(None, 11, units={"needs": units}).table("needs", rows=ByPeriod("identified_on", pd.period_range("2024Q1", periods=5, freq="Q")), columns="need")
    >>> f = publish_forecast(None, q, horizon=1)  # 4 hidden, and 12 with it (the total is released)
    >>> f["needs"].tolist()[:5], f["forecast"].tolist()[-1]
    ([nan, 14.0, nan, 16.0, 20.0], nan)
    """
    observed = _observed(quarters)
    places = places_per_quarter(data) if data is not None else pd.Series(dtype=float)
    future = pd.period_range(pd.Period(observed.index[-1], freq="Q") + 1, periods=horizon, freq="Q").astype(str) if len(observed) else []
    frames = []
    for service in observed.columns:  # one small model per service (a few)
        counts = observed[service]
        rests = counts if method == "trend" else counts.tail(4)
        frames.append(pd.DataFrame({"service": service, "quarter": observed.index.astype(str), "kind": "observed", "needs": counts.to_numpy()}))
        if rests.notna().all() and len(counts):
            ahead, model = _forecast(counts.to_numpy(float), horizon, level, method)
        else:
            ahead, model = pd.DataFrame({"forecast": np.nan, "low": np.nan, "high": np.nan}, index=range(horizon)), method
        frames.append(ahead.assign(service=service, quarter=list(future), kind="forecast", model=model))
    columns = ["service", "quarter", "kind", "needs", "forecast", "low", "high", "places", "model"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out["places"] = out["service"].map(places).fillna(0.0).astype(float)
    return out.reindex(columns=columns)


def publish_backtest(quarters: Any, *, horizon: int = 4, level: float = 0.8) -> tuple[pd.DataFrame, int]:
    """:func:`backtest_counts` on the services whose released quarterly counts are all shown.

    Returns the backtest and the number of services left out (a hidden quarter: the
    backtest's errors would give it back).
    """
    observed = _observed(quarters)
    if len(observed) <= horizon:
        return backtest_counts(observed.fillna(0).astype("int64"), horizon=horizon, level=level), 0  # too few quarters: nothing to show
    complete = observed.columns[observed.notna().all(axis=0).to_numpy()]
    return backtest_counts(observed[complete].astype("int64"), horizon=horizon, level=level), int(len(observed.columns) - len(complete))
