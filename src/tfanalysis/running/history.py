"""The metrics history of a reports folder: every run's headline numbers, keyed by dataset.

A run compares itself with earlier runs of the same dataset, region and suppression
threshold only (:func:`comparable_rows`); its rows are added when it is published.

Examples
--------
>>> history_path("reports").name
'metrics_history.csv'
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd


from tfanalysis.running.errors import SuiteError

__all__ = [
    "HISTORY_COLUMNS", "HISTORY_FILE", "comparable_rows", "history_path", "history_rows", "history_with", "read_history",
    "write_pending",
]


HISTORY_FILE = "metrics_history.csv"


HISTORY_COLUMNS: tuple[str, ...] = (
    "run_id", "dataset", "region", "suppression_threshold", "period", "period_start", "period_end",
    "notebook", "name", "label", "value", "display", "unit",
)
"""Columns of the metrics history; ``dataset``, ``region`` and ``suppression_threshold``
key it: a run compares itself with earlier runs that share all three. ``label`` is the
metric's own, which names the part of the period a value is of where it is not the whole
(a rate of the period's last quarter: "Referral acceptance rate (2025Q4)" in a run of 2025)."""


def history_path(out_dir: str | Path = "reports") -> Path:
    """Where the metrics of every run into a reports folder are kept: ``OUT/metrics_history.csv``."""
    return Path(out_dir) / HISTORY_FILE


def read_history(path: Path) -> pd.DataFrame:
    """The metrics history, or an empty one; a history that cannot be read stops the run, named."""
    if not path.exists():
        return pd.DataFrame(columns=list(HISTORY_COLUMNS), dtype="string")
    try:
        rows = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise SuiteError(
            f"the metrics history {path} cannot be read ({reason}); nothing was run. Move it aside "
            "(a new one starts with this run) or restore it from a backup."
        ) from None
    missing = {"run_id", "period", "name", "value"} - set(rows.columns)
    if missing:
        raise SuiteError(
            f"the metrics history {path} is not a metrics history (no {', '.join(sorted(missing))} column); nothing was run. "
            "Move it aside (a new one starts with this run) or restore it from a backup."
        )
    for column in HISTORY_COLUMNS:  # a history from before runs were keyed matches no key
        if column not in rows.columns:
            rows[column] = ""
    return rows[list(HISTORY_COLUMNS)].astype("string")


def comparable_rows(history: pd.DataFrame, key: Mapping[str, str]) -> pd.DataFrame:
    """The history rows of earlier runs of the same dataset, region and threshold."""
    same = pd.Series(True, index=history.index)
    for column, value in key.items():
        same &= (history[column] == value).fillna(False)
    return history[same.to_numpy(dtype=bool)]


def history_rows(run_id: str, key: Mapping[str, str], period: Any, metrics: list[dict[str, Any]]) -> pd.DataFrame:
    """One history row per metric of a run (``metrics`` as ``metrics.json`` lists them), with the run's period.

    Examples
    --------
    >>> from tfanalysis.data.periods import parse_period
    >>> rows = history_rows("r1", {"dataset": "d"}, parse_period("2025"), [
    ...     {"notebook": "03", "name": "referral_acceptance_rate", "label": "Referral acceptance rate (2025Q4)", "value": 91.7}])
    >>> rows.loc[0, ["period", "label", "value"]].tolist()
    ['2025', 'Referral acceptance rate (2025Q4)', '91.7']
    """
    rows = pd.DataFrame(
        [
            {
                "run_id": run_id,
                **key,
                "period": period.label,
                "period_start": "" if period.start is None else str(period.start.date()),
                "period_end": "" if period.end is None else str(period.end.date()),
                "notebook": m["notebook"],
                "name": m["name"],
                "label": _text(m.get("label")),
                "value": _text(m.get("value")),
                "display": _text(m.get("display")),
                "unit": _text(m.get("unit")),
            }
            for m in metrics
        ],
        columns=list(HISTORY_COLUMNS),
        dtype="string",
    )
    return rows.fillna("")


def _text(value: object) -> str:
    """A metric's value as the history writes it: ``4`` stays ``4``, a hidden or missing one is empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def history_with(history: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([history, rows], ignore_index=True) if len(history) else rows


def write_pending(path: Path, rows: pd.DataFrame, run_id: str) -> Path:
    """Write the new history beside the old one; it replaces it once the run is published."""
    pending = path.with_name(f".{path.name}.{run_id}.tmp")
    try:
        rows.to_csv(pending, index=False)
    except OSError as exc:
        raise SuiteError(f"cannot write the metrics history {path}: {exc.strerror}; the run was not published") from None
    return pending
