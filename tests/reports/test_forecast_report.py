"""The forecast report 02 shows: computed from released quarters, none resting on a hidden one."""

from __future__ import annotations

import numpy as np


def _released_quarters(counts: dict[str, list[int]]):
    """Needs followed per quarter from 2024Q1, released per quarter x service (threshold 11)."""
    import pandas as pd

    from tfanalysis.publication import ByPeriod, Release

    days = pd.period_range("2024Q1", periods=len(next(iter(counts.values()))), freq="Q").start_time + pd.Timedelta(days=30)
    rows = [(day, need) for need, per in counts.items() for day, n in zip(days, per) for _ in range(n)]
    units = pd.DataFrame(rows, columns=["identified_on", "need"]).assign(**{"gaps.outcome": "unmet"})
    rel = Release(None, 11, units={"needs": units})
    quarters = pd.period_range("2024Q1", periods=len(days), freq="Q")
    return rel.table("needs", rows=ByPeriod("identified_on", quarters), columns="need", name="needs per quarter")


def test_a_forecast_of_released_quarters_is_the_mean_of_the_last_four_shown() -> None:
    from tfanalysis.reports.forecast import publish_forecast

    f = publish_forecast(None, _released_quarters({"a": [12, 14, 16, 18, 20]}), horizon=2)
    seen, ahead = f[f["kind"] == "observed"], f[f["kind"] == "forecast"]
    assert seen["needs"].tolist() == [12.0, 14.0, 16.0, 18.0, 20.0]
    assert ahead["quarter"].tolist() == ["2025Q2", "2025Q3"]
    assert ahead["forecast"].tolist() == [17.0, 17.0]  # (14 + 16 + 18 + 20) / 4
    assert (ahead["low"] < 17).all() and (ahead["high"] > 17).all()


def test_no_forecast_rests_on_a_hidden_quarter() -> None:
    """Fits drawn from true counts gave hidden points back: a hidden quarter means no forecast."""
    from tfanalysis.reports.forecast import publish_forecast

    f = publish_forecast(None, _released_quarters({"a": [12, 14, 4, 16, 20]}), horizon=1)
    seen, ahead = f[f["kind"] == "observed"], f[f["kind"] == "forecast"]
    assert np.isnan(seen["needs"].iloc[2])  # 4: hidden, drawn as a gap
    assert ahead[["forecast", "low", "high"]].isna().all().all()
    shown = seen["needs"].dropna()
    assert set(shown.tolist()) <= {12.0, 14.0, 16.0, 20.0}


def test_the_backtest_leaves_out_services_with_a_hidden_quarter() -> None:
    import pandas as pd

    from tfanalysis.analyses.gaps.forecast import backtest_counts
    from tfanalysis.reports.forecast import publish_backtest

    c = [40, 44, 38, 41, 42, 45]
    quarters = _released_quarters({"a": [30, 32, 28, 31, 29, 33], "b": [20, 3, 25, 22, 24, 21], "c": c})
    # b's 3 is hidden; a's first two quarters with it (complementary suppression): only c is whole
    assert quarters.numbers().notna().all().tolist() == [False, False, True]
    results, left_out = publish_backtest(quarters)
    assert results.index.tolist() == ["c"] and left_out == 2
    truth = backtest_counts(pd.DataFrame({"c": c}, index=pd.period_range("2024Q1", periods=6, freq="Q")))
    assert results.loc["c", "mae_mean"] == truth.loc["c", "mae_mean"] == 2.0  # mean of 40, 44 = 42 against 38, 41, 42, 45
