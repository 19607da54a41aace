"""Day numbers and the random draws the generator shares."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tfanalysis.demo.story import _CHANGE, PERIOD_END, PERIOD_START

_NEVER = np.iinfo(np.int64).max // 4  # day number of "no end date"


def _day(iso: str | None) -> int:
    """Day number (days since 1970-01-01) of an ISO date; :data:`_NEVER` for None."""
    return _NEVER if iso is None else int(np.datetime64(iso, "D").astype(np.int64))


_START, _END, _CHANGE_DAY = _day(PERIOD_START), _day(PERIOD_END), _day(_CHANGE)
_MONTH0 = int(np.datetime64(PERIOD_START, "M").astype(np.int64))
_N_MONTHS = int(np.datetime64(PERIOD_END, "M").astype(np.int64)) - _MONTH0 + 1
_MONTH_START = np.arange(_MONTH0, _MONTH0 + _N_MONTHS + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _month(days: np.ndarray) -> np.ndarray:
    """Month index (0 = January 2023) of day numbers."""
    return np.asarray(days).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) - _MONTH0


def _iso(days: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """ISO strings of day numbers; empty where ``present`` is False."""
    days = np.asarray(days, dtype=np.int64)
    present = np.ones(days.shape, bool) if present is None else np.asarray(present, bool)
    out = np.full(days.shape, "", dtype=object)
    if present.any():
        out[present] = np.datetime_as_string(days[present].astype("datetime64[D]"))
    return out


def _flag(values: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(values, bool), "true", "false").astype(object)


def _masked_argmin(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Column of the smallest value per row among ``mask``; -1 for rows with none."""
    best = np.where(mask, values, np.inf).argmin(axis=1)
    return np.where(mask.any(axis=1), best, -1)


def _codes(values: np.ndarray, options: tuple[str, ...]) -> np.ndarray:
    """Position of each value in ``options``."""
    return pd.Categorical(np.asarray(values, dtype=object), categories=list(options)).codes.astype(np.int64)


def _choose(rng: np.random.Generator, options: tuple[str, ...], p: tuple[float, ...] | np.ndarray, size: int) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=size, p=p / p.sum())]


def _lognormal_days(rng: np.random.Generator, median: np.ndarray, sigma: float) -> np.ndarray:
    return np.rint(median * np.exp(rng.normal(0.0, sigma, np.shape(median)))).astype(np.int64)


def _response_medians(rng: np.random.Generator) -> np.ndarray:
    """Median days to answer a referral, per month: about 10 before the change, 3 after.

    A slow drift and a month-to-month wobble keep the quarterly series from being flat.
    """
    month_first = _MONTH_START[:-1]
    years = (month_first - _START) / 365.25
    base = np.where(month_first >= _CHANGE_DAY, 3.2 - 0.3 * (years - 1.5), 10.5 - 0.4 * years)
    return base * np.exp(rng.normal(0.0, 0.12, _N_MONTHS))
