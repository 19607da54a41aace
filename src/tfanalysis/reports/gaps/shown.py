"""How the report reads a released table: its ``Total`` margin, its shown values, the largest of them.

A released cell is an int or the string ``hidden``; these read shown cells as numbers,
and rank among shown values only (a sentence quotes a count with
:func:`tfanalysis.publication.released.count_text`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MARGIN = "Total"


def ranked(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows by a released column, largest first (hidden or missing last, then by label); ``Total`` last.

    Examples
    --------
    >>> t = pd.DataFrame({"utilization": [0.5, np.nan, 1.2, 0.7]}, index=["a", "b", "c", "Total"])
    >>> ranked(t, "utilization").index.tolist()
    ['c', 'a', 'b', 'Total']
    """
    body = table.drop(index=MARGIN, errors="ignore")
    values = pd.to_numeric(body[column], errors="coerce").fillna(-np.inf)
    order = sorted(range(len(body)), key=lambda i: (-values.iloc[i], str(body.index[i])))
    out = pd.concat([body.iloc[order], table.loc[table.index == MARGIN]]) if MARGIN in table.index else body.iloc[order]
    out.attrs = dict(table.attrs)  # the release it shows
    return out


def _shown(values: pd.Series) -> pd.Series:
    """Released cells as numbers without the margin, hidden ones dropped."""
    return pd.to_numeric(values.drop(index=MARGIN, errors="ignore"), errors="coerce").dropna()


def _top(values: pd.Series, n: int) -> list:
    """Labels of the ``n`` largest positive values, ties by label."""
    values = values[values > 0]
    return sorted(values.index, key=lambda label: (-values[label], str(label)))[:n]


def _leaders(values: pd.Series) -> list:
    """Labels of the largest positive value, every one tied at it (by label): a sentence naming "the most" names them all.

    >>> _leaders(pd.Series({"b": 33, "a": 33, "c": 28})), _leaders(pd.Series({"a": 0}))
    (['a', 'b'], [])
    """
    values = values[values > 0]
    return sorted((label for label in values.index if values[label] == values.max()), key=str)

