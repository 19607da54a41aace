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
    from tfanalysis.reports.forecast import interval_markdown, publish_forecast

    f = publish_forecast(None, _released_quarters({"a": [12, 14, 16, 18, 20]}), horizon=2)
    seen, ahead = f[f["kind"] == "observed"], f[f["kind"] == "forecast"]
    assert seen["needs"].tolist() == [12.0, 14.0, 16.0, 18.0, 20.0]
    assert ahead["quarter"].tolist() == ["2025Q2", "2025Q3"]
    assert ahead["forecast"].tolist() == [17.0, 17.0]  # (14 + 16 + 18 + 20) / 4
    # five quarters: 3 degrees of freedom about a trend, too few to measure how much the counts vary
    assert ahead[["low", "high", "dispersion"]].isna().all().all()
    # seven quarters rising 12 to 22: a trend (p = 0.016), which the mean of the last four does not follow: no interval
    f = publish_forecast(None, _released_quarters({"a": [12, 14, 16, 18, 20, 22, 18]}), horizon=1)
    ahead = f[f["kind"] == "forecast"]
    assert ahead["forecast"].tolist() == [19.5] and ahead["dispersion"].iloc[0] < 1  # they vary less than Poisson about the trend
    assert ahead[["low", "high"]].isna().all().all() and round(ahead["trend_p"].iloc[0], 3) == 0.016
    assert "It is left out for **a** (p = 0.016): the quarters shown have a trend" in interval_markdown(f)
    # seven flat quarters: mean (21 + 20 + 17 + 23) / 4 = 20.25, phi 0.265 on 5 df; variance phi (20.25 + 20.25 / 4) = 6.70,
    # widened by (t_5 / z)^2 = (1.476 / 1.282)^2 to 8.89, below the mean: the normal interval 20.25 -+ 1.282 * 2.98, rounded
    f = publish_forecast(None, _released_quarters({"a": [18, 22, 19, 21, 20, 17, 23]}), horizon=1)
    ahead = f[f["kind"] == "forecast"]
    assert ahead[["forecast", "low", "high"]].values.tolist() == [[20.25, 16.0, 24.0]] and ahead["trend_p"].iloc[0] > 0.5


def test_no_interval_where_a_quarter_is_hidden_the_trend_check_would_lean_on_which() -> None:
    """A hidden quarter is a small one: the check for a trend on the rest would lean on which it is.

    A second task force's legal representation, quarters [7, 17, 25, 13, 12, 18, 22, 23, 26, 23] with 7 and
    12 hidden, had p 0.19 for a trend on the quarters shown and 0.022 on all ten: its interval was drawn,
    though the level it assumes did not hold.
    """
    from tfanalysis.analyses.gaps.forecast import dispersion
    from tfanalysis.reports.forecast import interval_markdown, publish_forecast

    counts = [30, 4, 12, 40, 32, 35, 28, 44]
    f = publish_forecast(None, _released_quarters({"a": counts}), horizon=1)
    seen, ahead = f[f["kind"] == "observed"], f[f["kind"] == "forecast"]
    shown = seen["needs"].to_numpy(float)
    assert np.isnan(shown[1:3]).all() and np.isfinite(shown[3:]).all()  # 4 hidden, and 12 with it: six shown
    assert ahead["forecast"].iloc[0] == (40 + 32 + 35 + 28 + 44 - 40) / 4 == 34.75  # the last four quarters, all shown
    assert ahead[["low", "high", "trend_p"]].isna().all().all()  # no interval, and no trend p-value: not tested
    assert ahead["dispersion"].iloc[0] == dispersion(shown)[0]
    assert interval_markdown(f).endswith("It is left out for **a**: a quarter is hidden (a small count, or one that would give a small "
                                         "one back), so whether the quarters have a trend cannot be tested without it, and their "
                                         "variation is measured without it.")


def test_a_forecast_of_quarters_the_data_already_record_says_so() -> None:
    """A fiscal-year run presented the next quarter as coming, though the data held it (recorded 35, outside 18-30).

    Seven quarters 2024Q1-2025Q3, a forecast of two: 2025Q4 (1 Oct - 31 Dec) and 2026Q1.
    """
    from tfanalysis.reports.forecast import interval_markdown, publish_forecast

    quarters = _released_quarters({"a": [18, 22, 19, 21, 20, 17, 23]})
    f = publish_forecast(None, quarters, horizon=2, recorded_through="2025-12-31")  # the data end on 2025Q4's last day
    assert f.attrs["recorded"] == {"2025Q4": True}
    assert interval_markdown(f).startswith(
        "The forecast is for 2025Q4 to 2026Q1, made from the quarters up to the end of the period only. The data already record "
        "2025Q4 (to 2025-12-31): this report neither uses them nor compares the forecast with them. The 80% interval")
    f = publish_forecast(None, quarters, horizon=2, recorded_through="2026-01-01")  # one day into 2026Q1: a part of it
    assert f.attrs["recorded"] == {"2025Q4": True, "2026Q1": False}
    assert "The data already record 2025Q4 and part of 2026Q1 (to 2026-01-01)" in interval_markdown(f)
    # the data end on the period's end (2025-09-30): nothing ahead is recorded, nothing said
    f = publish_forecast(None, quarters, horizon=2, recorded_through="2025-09-30")
    assert "recorded" not in f.attrs and interval_markdown(f).startswith("The 80% interval")


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


def test_the_backtest_sentence_names_its_quarters_and_why_a_service_has_no_interval() -> None:
    # a statistician: "the last quarters held out" named neither how many nor which; and a service whose mean
    # interval is withheld for a trend was said to have "too few quarters"
    import pandas as pd

    from tfanalysis.analyses.gaps.forecast import backtest_counts
    from tfanalysis.reports.forecast import backtest_markdown

    quarters = pd.period_range("2023Q1", periods=12, freq="Q")
    table = pd.DataFrame({"rising": [10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32], "flat": [18, 22, 19, 21, 20, 17, 23, 20, 19, 21, 22, 18],
                          "short": [0, 0, 0, 0, 0, 0, 0, 5, 6, 4, 5, 6]}, index=quarters)
    results = backtest_counts(table)
    assert results.attrs["held_out"] == ("2025Q1", "2025Q4")
    assert results["trend_seen"].tolist() == [True, False, False]
    text = backtest_markdown(results)
    assert text.startswith("Backtest on the last quarters held out (2025Q1 to 2025Q4): ")
    assert "for 1, a trend in the quarters before them, which the mean does not follow" in text
    # an outsider: "50% of held-out quarters" did not say it rested on one service's four quarters.
    # flat (all 4 inside) and short (1 of 4) keep an interval, rising (a trend) none: 5 of 8
    assert "62% of the 8 held-out quarters of 2 services fell inside its 80% interval" in text
