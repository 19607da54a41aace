"""What the needs-and-gaps report (02) shows of the demand forecast: the quarters released, the forecast and its backtest from them.

Needs identified per quarter are victim counts: the forecast and the backtest are computed
from the counts the run's release shows (:func:`release_quarters`), never from true ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.analyses.gaps.forecast import (
    MIN_QUARTERS,
    TREND_ALPHA,
    backtest_counts,
    forecast_counts,
    places_per_quarter,
    quarterly_needs,
)
from tfanalysis.reports.labels import listed, readable

__all__ = ["backtest_markdown", "interval_markdown", "publish_backtest", "publish_forecast", "release_quarters"]


def backtest_markdown(results: pd.DataFrame, level: float = 0.8, *, left_out: int = 0) -> str:
    """Read the backtest in a sentence, saying where the trend model fell back to the mean.

    ``left_out``: services not backtested because a quarterly count of theirs is hidden
    (:func:`publish_backtest`). Services whose quarters before the held-out ones are too
    few to measure how much their counts vary have no interval, so no coverage: the
    sentence says how many.

    Examples
    --------
    >>> b = pd.DataFrame({"needs": [10, 20], "mae_mean": [1.0, 2.0], "mae_trend": [2.0, 2.0],
    ...     "coverage_mean": [100.0, 75.0], "coverage_trend": [50.0, 50.0], "trend_fallback": [False, True]}, index=["a", "b"])
    >>> print(backtest_markdown(b))
    Backtest on the last quarters held out: the mean of the last four quarters misses by 1.5 needs a quarter on average (a trend model by 2.0; for 1 of 2 services the trend could not be fitted on so few needs and the mean stands in for it); 88% of the held-out quarters of 2 services fell inside its 80% interval.
    >>> print(backtest_markdown(b.iloc[:1], left_out=2))
    Backtest on the last quarters held out: the mean of the last four quarters misses by 1.0 needs a quarter on average (a trend model by 2.0); 100% of the held-out quarters of 1 service fell inside its 80% interval (2 services left out: a quarterly count is hidden, and the errors would give it back).
    >>> print(backtest_markdown(b.assign(coverage_mean=[100.0, np.nan])))
    Backtest on the last quarters held out: the mean of the last four quarters misses by 1.5 needs a quarter on average (a trend model by 2.0; for 1 of 2 services the trend could not be fitted on so few needs and the mean stands in for it); 100% of the held-out quarters of 1 service fell inside its 80% interval (1 service without an interval: for 1, too few quarters before the held-out ones to measure how much the counts vary).
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
    held = results.attrs.get("held_out")
    which = f"the last quarters held out ({held[0]} to {held[1]})" if held else "the last quarters held out"
    errors = (f"Backtest on {which}: the mean of the last four quarters misses by {results['mae_mean'].mean():.1f} needs a quarter "
              f"on average (a trend model by {results['mae_trend'].mean():.1f}{trend_note})")
    without = int(results["coverage_mean"].isna().sum())
    if without == len(results):
        return (f"{errors}; the quarters before the held-out ones are too few to measure how much the counts vary "
                f"(at least {MIN_QUARTERS}), so there is no interval to check{hidden}.")
    trended = int((results["coverage_mean"].isna() & results["trend_seen"]).sum()) if "trend_seen" in results else 0
    few = without - trended
    reasons = [f"for {few}, too few quarters before the held-out ones to measure how much the counts vary"] if few else []
    reasons += [f"for {trended}, a trend in the quarters before them, which the mean does not follow"] if trended else []
    none = f" ({without} service{'s' if without != 1 else ''} without an interval: {'; '.join(reasons)})" if without else ""
    tested = len(results) - without
    quarters = results.attrs.get("horizon")
    # how much the share rests on: a few quarters of one service are a few chances, not a rate
    base = (f"the {tested * quarters} held-out quarters of {tested} service{'s' if tested != 1 else ''}" if quarters
            else f"the held-out quarters of {tested} service{'s' if tested != 1 else ''}")
    return f"{errors}; {results['coverage_mean'].mean():.0f}% of {base} fell inside its {100 * level:.0f}% interval{none}{hidden}."


def interval_markdown(published: pd.DataFrame, level: float = 0.8) -> str:
    """Say what the forecast's interval assumes, and how much each service's shown counts vary beyond chance.

    ``published``: :func:`publish_forecast`. Services with no forecast (a quarter it rests on
    is hidden) are not named; those with a forecast but too few quarters shown to measure
    the variation are, as having no interval.

    Examples
    --------
    >>> f = pd.DataFrame({"service": ["a", "a", "b", "c", "d"], "kind": ["observed"] + ["forecast"] * 4,
    ...     "forecast": [np.nan, 9.0, 4.0, 20.0, np.nan], "dispersion": [np.nan, 2.345, np.nan, 0.8, np.nan], "model": "mean"})
    >>> print(interval_markdown(f))
    The 80% interval is for a quarter's count. It assumes the level of the last four quarters holds (no trend, no change to come) and allows for two things: that level is itself estimated, and the counts vary about it by as much as they did in the quarters shown, measured as a multiple of chance alone (Poisson variation): **a** 2.3 times and **c** 0.8 times. It is left out for **b**: fewer than 6 quarters shown, too few to measure that variation.
    """
    columns = [c for c in ("dispersion", "model", "low", "trend_p") if c in published]
    ahead = published[(published["kind"] == "forecast") & published["forecast"].notna()].groupby("service", sort=False)[columns].first()
    if ahead.empty:
        return ""
    when = _horizon_text(published)
    assumes = ("the trend of the quarters shown goes on" if (ahead["model"] == "trend").all()
               else "the level of the last four quarters holds (no trend, no change to come)")
    measured = ahead["dispersion"].dropna()
    text = (f"{when}The {100 * level:.0f}% interval is for a quarter's count. It assumes {assumes} and allows for two things: "
            "that level is itself estimated, and the counts vary about it by as much as they did in the quarters shown")
    if len(measured):
        # "times" after each: a multiple, never read as a count of the service it follows
        text += ", measured as a multiple of chance alone (Poisson variation): " + listed(
            f"**{readable(name)}** {value:.1f} times" for name, value in measured.items())
    text += "."
    trended = ahead[ahead["low"].isna() & ahead["dispersion"].notna()] if "low" in ahead else ahead.iloc[:0]
    untested = trended[trended["trend_p"].isna()] if "trend_p" in trended else trended.iloc[:0]
    trended = trended.drop(index=untested.index)
    if len(untested):
        text += (f" It is left out for {listed(f'**{readable(name)}**' for name in untested.index)}: a quarter is hidden (a small "
                 "count, or one that would give a small one back), so whether the quarters have a trend cannot be tested without it, "
                 "and their variation is measured without it.")
    if len(trended):
        each = listed(f"**{readable(name)}** (p {_p_text(row['trend_p'])})" for name, row in trended.iterrows())
        text += (f" It is left out for {each}: the quarters shown have a trend (a log-linear trend differing from a flat "
                 f"level at the {100 * TREND_ALPHA:.0f}% level), so the level of the last four quarters is not a forecast "
                 "whose interval would hold.")
    missing = [str(name) for name in ahead.index if name not in measured.index]
    if missing:
        text += (f" It is left out for {listed(f'**{readable(name)}**' for name in missing)}: fewer than {MIN_QUARTERS} quarters shown, "
                 "too few to measure that variation.")
    return text


def _horizon_text(published: pd.DataFrame) -> str:
    """Which quarters the forecast is for, and those of them the data already record (:func:`publish_forecast`).

    A report on a past period forecasts from the quarters up to the period's end: a
    statistician read "the coming quarters" of a fiscal-year run whose data already held
    the first of them, outside its interval. The sentence names the quarters and says the
    forecast is the one the period's end allowed, not compared here with what came.
    """
    recorded = published.attrs.get("recorded") or {}
    if not recorded:
        return ""
    ahead = list(dict.fromkeys(published.loc[published["kind"] == "forecast", "quarter"].astype(str)))
    span = ahead[0] if len(ahead) == 1 else f"{ahead[0]} to {ahead[-1]}"
    whole = [q for q, w in recorded.items() if w]
    part = [q for q, w in recorded.items() if not w]
    held = listed(whole + [f"part of {q}" for q in part])
    return (f"The forecast is for {span}, made from the quarters up to the end of the period only. The data already record "
            f"{held} (to {published.attrs['recorded_through']}): this report neither uses them nor compares the forecast with them. ")


def _p_text(p: float) -> str:
    """A p-value in a sentence: ``< 0.001`` or three decimals."""
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


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


def publish_forecast(data: Any, quarters: Any, *, horizon: int = 4, level: float = 0.8, method: str = "mean",
                     recorded_through: Any = None) -> pd.DataFrame:
    """The forecast as the report shows it: fitted to released quarterly counts, only where all it rests on is shown.

    A forecast rests on the quarters its model fits: the last four (``mean``), every one
    (``trend``). A service with one of them hidden has no forecast (nor interval); its
    shown quarters are drawn, its hidden ones are gaps. The interval's dispersion is
    measured on the quarters shown only (a hidden one is left out of its fit); with fewer
    than six shown there is no interval (:func:`tfanalysis.analyses.gaps.forecast.dispersion`).

    Parameters
    ----------
    data : TaskForceData
        The data analysed (the places a quarter, :func:`places_per_quarter`).
    quarters : Released
        :func:`release_quarters`.
    recorded_through : date, optional
        The last date the whole data record (:func:`tfanalysis.gaps.as_of_date`). A report on
        a past period forecasts from the quarters up to its end, and the quarters it forecasts
        may be recorded already: their labels go to ``attrs["recorded"]`` (with the date to
        ``attrs["recorded_through"]``), and :func:`interval_markdown` says the forecast is the
        one made at the period's end, not a look at quarters still to come.

    Returns
    -------
    pandas.DataFrame
        Like :func:`demand_forecast`: ``service``, ``quarter``, ``kind``, ``needs``
        (released, NaN where hidden), ``forecast``, ``low``, ``high``, ``dispersion``, ``places``, ``model``.

    Examples
    --------
    >>> from tfanalysis.publication import ByPeriod, Release
    >>> days = ["2024-02-01"] * 12 + ["2024-05-01"] * 14 + ["2024-08-01"] * 4 + ["2024-11-01"] * 16 + ["2025-02-01"] * 20
    >>> units = pd.DataFrame({"identified_on": pd.to_datetime(days), "need": "a", "gaps.outcome": "unmet"})
    >>> q = Release(None, 11, units={"needs": units}).table("needs", rows=ByPeriod("identified_on", pd.period_range("2024Q1", periods=5, freq="Q")), columns="need")
    >>> f = publish_forecast(None, q, horizon=1)  # 4 hidden, and 12 with it (the total is released)
    >>> f["needs"].tolist()[:5], f["forecast"].tolist()[-1]
    ([nan, 14.0, nan, 16.0, 20.0], nan)
    >>> publish_forecast(None, q, horizon=3, recorded_through="2025-08-15").attrs["recorded"]  # 2025Q2 whole, 2025Q3 in part
    {'2025Q2': True, '2025Q3': False}
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
            ahead, model = forecast_counts(counts.to_numpy(float), horizon, level, method)
        else:
            ahead, model = pd.DataFrame({"forecast": np.nan, "low": np.nan, "high": np.nan, "dispersion": np.nan, "trend_p": np.nan},
                                        index=range(horizon)), method
        frames.append(ahead.assign(service=service, quarter=list(future), kind="forecast", model=model))
    columns = ["service", "quarter", "kind", "needs", "forecast", "low", "high", "dispersion", "trend_p", "places", "model"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out["places"] = out["service"].map(places).fillna(0.0).astype(float)
    out = out.reindex(columns=columns)
    out.attrs["release"] = getattr(quarters, "name", "") or ""  # the figure's observed needs are that table's counts
    out.attrs.update(_recorded_ahead(future, recorded_through))
    return out


def _recorded_ahead(future: Any, recorded_through: Any) -> dict[str, Any]:
    """Forecast quarters the data already record: ``{"recorded": {quarter: whole}, "recorded_through": date}``, or nothing."""
    if recorded_through is None or pd.isna(pd.Timestamp(recorded_through)) or not len(future):
        return {}
    through = pd.Timestamp(recorded_through).normalize()
    spans = pd.PeriodIndex(list(future), freq="Q")
    begun = spans.start_time <= through
    whole = spans.end_time.normalize() <= through
    recorded = {str(q): bool(w) for q, b, w in zip(spans, begun, whole, strict=True) if b}  # a few quarters
    return {"recorded": recorded, "recorded_through": str(through.date())} if recorded else {}


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
