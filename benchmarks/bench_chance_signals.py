"""How often report 03 finds something in series where nothing happened: control-chart signals, trends in a running level.

1. Simulates series with no change at all (independent normal values, Poisson counts of mean 3,
and medians of 15 exponential waits rounded to half days, like the median response time) and
counts the charts with at least one special cause (``trends.control_chart``: a value outside
the limits, or a run of 8 on one side): with no change date (limits from every value: rows
with 0 after) anywhere, and with one among the values after it (limits from those before),
as report 03 draws them.
2. Simulates a running level with no trend (a count of members that moves by one up or down,
   or not at all, each quarter) and counts the series the Mann–Kendall test calls a trend:
   why ``Indicator.carries_over`` indicators are not trend-tested.

    .venv/bin/python benchmarks/bench_chance_signals.py           # 2,000 charts and walks a setting
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration.trends import control_chart, mann_kendall

DRAWS = {
    "normal": lambda rng, n: rng.normal(10.0, 2.0, n),
    "poisson(3)": lambda rng, n: rng.poisson(3.0, n).astype(float),
    "median of 15 waits": lambda rng, n: np.round(np.median(rng.exponential(6.0, (n, 15)), axis=1) * 2) / 2,
}


def chance_of_a_signal(draw, before: int, after: int, charts: int, rng: np.random.Generator) -> float:
    """Share of charts of a steady process with a special cause after the change (``after=0``: anywhere, no change date)."""
    index = pd.period_range("2020Q1", periods=before + after, freq="Q")
    change = index[before].start_time if after else None
    hits = 0
    for _ in range(charts):  # one chart per draw: the function under test takes one series
        chart = control_chart(pd.Series(draw(rng, before + after), index=index), change=change)
        hits += bool(chart["special_cause"].iloc[before if after else 0:].any())
    return hits / charts


def chance_of_a_trend_in_a_walk(quarters: int, series: int, rng: np.random.Generator) -> float:
    """Share of trendless walks (steps -1, 0, +1, equally likely) that Mann–Kendall calls a trend."""
    index = pd.period_range("2020Q1", periods=quarters, freq="Q")
    walks = 40 + np.concatenate([np.zeros((series, 1)), np.cumsum(rng.choice([-1, 0, 1], size=(series, quarters - 1)), axis=1)], axis=1)
    return float(np.mean([mann_kendall(pd.Series(walk, index=index))["trend"] != "no trend" for walk in walks]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--charts", type=int, default=2000)
    args = parser.parse_args()
    rng = np.random.default_rng(20261205)
    print(f"{'process':<20} {'before':>6} {'after':>5} {'charts with a signal':>22}")
    for name, draw in DRAWS.items():
        for before, after in ((12, 0), (16, 0), (20, 0), (6, 6), (8, 4), (12, 4), (12, 8)):
            share = chance_of_a_signal(draw, before, after, args.charts, rng)
            print(f"{name:<20} {before:>6} {after:>5} {share:>21.1%}")
    print(f"\n{'quarters':>8} {'walks called a trend':>21}")
    for quarters in (8, 12, 16):
        print(f"{quarters:>8} {chance_of_a_trend_in_a_walk(quarters, args.charts, rng):>20.1%}")


if __name__ == "__main__":
    main()
