"""Coverage of the forecast's 80% one-step-ahead interval on task-force lengths.

Simulates quarterly counts of 8, 12 and 24 quarters, Poisson (variance = mean) and
negative binomial with variance 1.8, 2.5 and 3.2 times the mean (the task forces'
quarterly counts vary 1.8–3.2 times more than Poisson), at a level of ``LEVEL_START``
needs a quarter, flat or growing 4% a quarter. Each series' last quarter is held out;
the forecast (``mean`` and ``trend`` models) is made from the quarters before it, and the
table gives the share of series whose held-out count falls inside the interval (the
nominal 80%), and the share given no interval (too few quarters to measure the
variation). ``true law %``: the coverage of the true distribution's own 10th–90th
percentiles, above 80% because counts are whole: the most a forecast could be expected
to reach. Run: ``.venv/bin/python benchmarks/bench_forecast_coverage.py [series]``.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import pandas as pd

from tfanalysis.analyses.gaps.forecast import forecast_counts

SERIES = 1000  # per setting (or the first argument): the SE of an 80% rate is 1.3 points
LEVEL_START = 20.0
LENGTHS = (8, 12, 24)
DISPERSIONS = (1.0, 1.8, 2.5, 3.2)
GROWTH = {"flat": 0.0, "trend +4%/q": 0.04}


def simulate(rng: np.random.Generator, n: int, dispersion: float, growth: float, series: int) -> np.ndarray:
    """``series`` × ``n`` counts with mean ``LEVEL_START·exp(growth·t)`` and variance ``dispersion`` × mean.

    Negative binomial with ``size = mean / (dispersion − 1)``; Poisson at dispersion 1.
    """
    mean = LEVEL_START * np.exp(growth * np.arange(n))[None, :].repeat(series, axis=0)
    if dispersion == 1.0:
        return rng.poisson(mean).astype(float)
    return rng.negative_binomial(mean / (dispersion - 1), 1 / dispersion).astype(float)


def best_possible(n: int, dispersion: float, growth: float, level: float = 0.8) -> float:
    """% coverage of the interval between the true distribution's own quantiles: above the nominal level by whole counts alone."""
    from scipy import stats

    mean = LEVEL_START * np.exp(growth * (n - 1))
    law = stats.poisson(mean) if dispersion == 1.0 else stats.nbinom(mean / (dispersion - 1), 1 / dispersion)
    low, high = law.ppf(0.5 - level / 2), law.ppf(0.5 + level / 2)
    return float(100 * (law.cdf(high) - law.cdf(low - 1)))


def coverage(counts: np.ndarray, method: str, level: float = 0.8) -> tuple[float, float]:
    """% of series whose last count is inside the interval made from the others, and % given none."""
    inside, none = 0, 0
    for y in counts:  # one small model per series
        ahead, _ = forecast_counts(y[:-1], 1, level, method)
        low, high = float(ahead["low"].iloc[0]), float(ahead["high"].iloc[0])
        if np.isnan(low):
            none += 1
            continue
        inside += low <= y[-1] <= high
    given = len(counts) - none
    return (100 * inside / given if given else float("nan")), 100 * none / len(counts)


def main(series: int = SERIES) -> None:
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(20260)
    rows = []
    start = time.perf_counter()
    for growth_name, growth in GROWTH.items():
        for dispersion in DISPERSIONS:
            for n in LENGTHS:
                counts = simulate(rng, n, dispersion, growth, series)
                row = {"growth": growth_name, "variance/mean": dispersion, "quarters": n, "true law %": best_possible(n, dispersion, growth)}
                for method in ("mean", "trend"):
                    row[f"{method} %"], row[f"{method} no interval %"] = coverage(counts, method)
                rows.append(row)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(f"{series} series per setting, level {LEVEL_START:g} needs a quarter; nominal 80%")
        print(table.round(1).to_string(index=False))
    print(f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else SERIES)
