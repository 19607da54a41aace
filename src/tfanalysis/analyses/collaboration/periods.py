"""The periods of the collaboration indicators: quarters by default, half-years, months or years.

A row belongs to the period of its own date; every period from the first to the last in
the data has its row (:func:`period_index`), and a report on a past period reads the data
as they stood at its end (:func:`up_to`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from tfanalysis.analyses.collaboration import trends
from tfanalysis.data.periods import PeriodLike

if TYPE_CHECKING:  # annotations only: loading data (pandera) is not needed to analyse it
    from tfanalysis.data.io import TaskForceData


_FREQS: dict[str, str] = {"Q": "Q", "QUARTER": "Q", "H": "2Q", "2Q": "2Q", "HALF": "2Q", "HALF-YEAR": "2Q", "M": "M", "MONTH": "M", "Y": "Y", "A": "Y", "YEAR": "Y"}
_PER_YEAR: dict[str, int] = {"Q": 4, "2Q": 2, "M": 12, "Y": 1}


def freq_code(freq: str) -> str:
    """The pandas frequency of a period word (``Q``, ``H``/half-year, ``M``, ``Y``), refused when unknown."""
    key = str(freq).strip().upper()
    if key not in _FREQS:
        raise ValueError(f"unknown period frequency {freq!r}: use 'Q' (quarters), 'H' (half-years), 'M' (months) or 'Y' (years)")
    return _FREQS[key]


def _period_of(day: pd.Timestamp, freq: str) -> pd.Period:
    if freq == "2Q":  # half-years start in January and July (pandas' 2Q periods start anywhere)
        return pd.Period(f"{day.year}Q{1 if day.month <= 6 else 3}", freq="2Q")
    return pd.Period(day, freq=freq)


def _victims_dates(data: TaskForceData) -> list[pd.Series]:
    return [data.clients["identified_on"], data.needs["identified_on"], data.referrals["referred_on"], data.cj_events["occurred_on"]]


def _own_dates(data: TaskForceData) -> list[pd.Series]:
    return [*_victims_dates(data), data.activities["date"]]


def data_start(data: TaskForceData) -> pd.Timestamp | None:
    """The first date of any victims' table (None without one): a period that ended before it has no data, not zero.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> data_start(tf.load_dataset(DEMO_DIR)) >= pd.Timestamp("2023-01-01")
    True
    """
    firsts = [pd.to_datetime(s).min() for s in _victims_dates(data) if s.notna().any()]
    return min(firsts) if firsts else None


def data_as_of(data: TaskForceData, as_of: Any = None) -> pd.Timestamp | None:
    """The data end: ``as_of`` when given, else the latest own date of the data (None when there is none)."""
    if as_of is not None:
        return pd.Timestamp(as_of).normalize()
    latest = [s.max() for s in _own_dates(data) if s.notna().any()]
    return max(latest) if latest else None


def period_index(data: TaskForceData, freq: str = "Q") -> pd.PeriodIndex:
    """Every period from the first to the last dated row of the data.

    The dates are the rows' own dates (clients, needs, referrals, criminal-justice events,
    activities); membership dates and survey waves do not stretch the range.

    Parameters
    ----------
    data : TaskForceData
    freq : str
        ``"Q"`` quarters, ``"H"`` half-years (January–June, July–December), ``"M"``
        months or ``"Y"`` years.

    Returns
    -------
    pandas.PeriodIndex
        Named ``period``; empty when the data hold no dated row.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> idx = period_index(tf.load_dataset(DEMO_DIR), "H")
    >>> period_labels(idx).tolist()
    ['2023H1', '2023H2', '2024H1', '2024H2', '2025H1', '2025H2']
    """
    code = freq_code(freq)
    dates = [s.dropna() for s in _own_dates(data)]
    dates = [s for s in dates if len(s)]
    if not dates:
        return pd.PeriodIndex([], freq=code, name="period")
    first = min(s.min() for s in dates)
    last = max(s.max() for s in dates)
    return pd.period_range(_period_of(first, code), _period_of(last, code), freq=code, name="period")


def period_labels(index: pd.Index) -> pd.Index:
    """How reports name periods: ``2025Q3``, ``2025H2`` (half-years), ``2025-07``, ``2025``.

    Examples
    --------
    >>> period_labels(pd.PeriodIndex([pd.Period("2024Q3", freq="2Q")])).tolist()
    ['2024H2']
    >>> period_labels(pd.period_range("2024Q4", periods=2, freq="Q")).tolist()
    ['2024Q4', '2025Q1']
    """
    if not isinstance(index, pd.PeriodIndex):
        return pd.Index([str(v) for v in index], name=index.name)
    if index.freqstr.startswith("2Q"):
        labels = [f"{p.start_time.year}H{1 if p.start_time.month <= 6 else 2}" for p in index]
    else:
        labels = [str(p) for p in index]
    return pd.Index(labels, name=index.name)


def period_word(index: pd.Index) -> str:
    """The name of one period of ``index``: quarter, half-year, month, year.

    Examples
    --------
    >>> period_word(pd.PeriodIndex([pd.Period("2024Q1", freq="2Q")]))
    'half-year'
    """
    if not isinstance(index, pd.PeriodIndex):
        return "period"
    return {"Q": "quarter", "2": "half-year", "M": "month", "Y": "year"}.get(index.freqstr[0], "period")


def periods_per_year(index: pd.PeriodIndex) -> int:
    """How many periods of the index's frequency make a year (4 quarters, 2 half-years, 12 months)."""
    base = "2Q" if index.freqstr.startswith("2Q") else index.freqstr[0]
    return _PER_YEAR.get(base, 4)


def up_to(data: TaskForceData, period: PeriodLike) -> TaskForceData:
    """The data up to the end of a reporting period: the history its trends are read from.

    Rows dated after the period's last day are left out (members who joined later too);
    survey waves are kept whole (they have no dates). ``"all"`` keeps everything.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> period_labels(period_index(up_to(data, "2024Q3")))[-1]
    '2024Q3'
    """
    return data.up_to(period)


def compare_periods(index: pd.PeriodIndex, change: Any, chosen: str = "") -> pd.PeriodIndex:
    """The two periods the network pictures compare.

    Parameters
    ----------
    index : pandas.PeriodIndex
        The periods of the indicators.
    change : date-like
        The change date.
    chosen : str
        Two periods as ``"2024Q1;2025Q4"`` (labels of ``index``); empty for the last period
        before the change and the latest period (the first and the latest when the change
        is outside the data).

    Examples
    --------
    >>> idx = pd.period_range("2023Q1", "2025Q4", freq="Q")
    >>> period_labels(compare_periods(idx, "2024-07-01")).tolist()
    ['2024Q2', '2025Q4']
    >>> period_labels(compare_periods(idx, "2024-07-01", "2023Q3; 2025Q1")).tolist()
    ['2023Q3', '2025Q1']
    """
    labels = list(period_labels(index))
    if chosen and chosen.strip():
        wanted = [c.strip().upper() for c in chosen.split(";") if c.strip()]
        missing = [w for w in wanted if w not in labels]
        if len(wanted) != 2 or missing:
            raise ValueError(f"network_periods: give two periods of the data separated by ';' (e.g. {labels[0]};{labels[-1]}); not found: {missing or wanted}")
        return index[[labels.index(w) for w in wanted]]
    if len(index) == 0:
        return index
    before = index[index.start_time < trends.as_change_date(change)]
    first = before[-1] if 0 < len(before) < len(index) else index[0]
    return pd.PeriodIndex([first, index[-1]], name=index.name)


def data_end(data: TaskForceData) -> pd.Timestamp | None:
    """The latest own date of the data (the default ``as_of`` of the indicators).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> data_end(tf.load_dataset(DEMO_DIR))
    Timestamp('2025-12-31 00:00:00')
    """
    return data_as_of(data)
