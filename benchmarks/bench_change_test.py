"""False-positive rate and speed of the before/after change test on task-force lengths.

Simulates series with no change (a level, a trend that carries on, noise) of 3 + 3 to
12 + 12 quarters, independent or AR(1) noise, and reports how often
``trends.change_tests`` calls them a change at the 5% level: one indicator alone, and
any of six tested together (``trends.change_verdicts``, Holm). For comparison, the
earlier test (Newey–West standard errors without small-sample correction, t reference)
on fewer series. Run: ``.venv/bin/python benchmarks/bench_change_test.py``.
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration import trends

SERIES = 6000  # per setting: the SE of a 5% rate is 0.28 points
FAMILIES = SERIES // 6
OLD_SERIES = 1000


def noise(rng: np.random.Generator, n: int, series: int, rho: float) -> np.ndarray:
    """``n`` × ``series`` stationary AR(1) noise with unit innovations."""
    e = rng.standard_normal((n, series))
    y = np.empty_like(e)
    y[0] = e[0] / math.sqrt(1 - rho**2)
    for i in range(1, n):  # n <= 24 steps, each vectorized over the series
        y[i] = rho * y[i - 1] + e[i]
    return y


def null_table(rng: np.random.Generator, side: int, series: int, rho: float) -> pd.DataFrame:
    values = 10 + 0.3 * np.arange(2 * side)[:, None] + 2 * noise(rng, 2 * side, series, rho)
    return pd.DataFrame(values, index=pd.period_range("2022Q1", periods=2 * side, freq="Q"))


def old_rates(table: pd.DataFrame, side: int) -> tuple[float, float, float]:
    """Level, slope and either rejected by OLS with uncorrected Newey-West errors (the earlier method)."""
    import statsmodels.api as sm

    n = 2 * side
    t = np.arange(n, dtype=float)
    post = (t >= side).astype(float)
    x = np.column_stack([np.ones(n), t, post, (t - side) * post])
    lags = int(max(1, min(math.floor(4 * (n / 100) ** (2 / 9)), max(n - 5, 1))))
    level = slope = either = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for column in table.columns:  # the earlier method has no batched form
            fit = sm.OLS(table[column].to_numpy(), x).fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)
            a, b = fit.pvalues[2] < 0.05, fit.pvalues[3] < 0.05
            level, slope, either = level + a, slope + b, either + (a or b)
    m = len(table.columns)
    return level / m, slope / m, either / m


def main() -> None:
    rng = np.random.default_rng(20261202)
    rows = []
    for side in (3, 4, 6, 12):
        for rho in (0.0, 0.3, 0.5):
            table = null_table(rng, side, SERIES, rho)
            started = time.perf_counter()
            tests = trends.change_tests(table, table.index[side])
            seconds = time.perf_counter() - started
            verdicts = trends.change_verdicts(tests.assign(family=np.repeat(np.arange(FAMILIES), 6)), family="family")
            any_of_six = (verdicts["verdict"] == "change").groupby(verdicts["family"]).any().mean()
            row = {
                "quarters": f"{side} + {side}", "AR(1) rho": rho,
                "change (one indicator)": (tests["change_p"] < 0.05).mean(),
                "level alone": (tests["level_change_p"] < 0.05).mean(),
                "any of 6, Holm": any_of_six,
                "any of 6, uncorrected": (tests["change_p"] < 0.05).to_numpy().reshape(FAMILIES, 6).any(axis=1).mean(),
                "seconds": seconds,
            }
            if rho in (0.0, 0.3) and side in (3, 6, 12):
                row["old: level"], row["old: slope"], row["old: either"] = old_rates(table.iloc[:, :OLD_SERIES], side)
            rows.append(row)
    out = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.3f}".format):
        print(f"false-positive rates at a nominal 5% ({SERIES} null series per row; the earlier method on {OLD_SERIES})")
        print(out.to_string(index=False))


if __name__ == "__main__":
    main()
