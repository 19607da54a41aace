"""The metrics history: each run's headline numbers, with the part of the period each is of."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tfanalysis.data.periods import parse_period
from tfanalysis.running.history import HISTORY_COLUMNS, history_rows, history_with, read_history


def test_a_metric_of_the_last_quarter_keeps_its_label_beside_an_older_history_without_labels(tmp_path: Path) -> None:
    # a run of 2025 records 03's acceptance rate of 2025Q4 (91.7): the row says which quarter,
    # not only the run's period (an outsider read "2025: 91.7" where 2025's rate is 87.9)
    old = tmp_path / "metrics_history.csv"
    old.write_text("run_id,dataset,region,suppression_threshold,period,period_start,period_end,notebook,name,value,display,unit\n"
                   "r0,d,,11,2024,2024-01-01,2024-12-31,03_collaboration,referral_acceptance_rate,88.5,88.5,%\n", encoding="utf-8")
    rows = history_rows("r1", {"dataset": "d", "region": "", "suppression_threshold": "11"}, parse_period("2025"), [
        {"notebook": "03_collaboration", "name": "referral_acceptance_rate", "label": "Referral acceptance rate (2025Q4)",
         "value": 91.7, "display": "91.7", "unit": "%"},
        {"notebook": "03_collaboration", "name": "arrests", "label": "Arrests (2025-01-01 to 2025-12-31)", "value": None,
         "display": "hidden", "unit": "events"},
    ])
    history = history_with(read_history(old), rows)
    assert list(history.columns) == list(HISTORY_COLUMNS)
    assert history[["run_id", "period", "label", "value", "display"]].values.tolist() == [
        ["r0", "2024", "", "88.5", "88.5"],  # written before labels were kept
        ["r1", "2025", "Referral acceptance rate (2025Q4)", "91.7", "91.7"],
        ["r1", "2025", "Arrests (2025-01-01 to 2025-12-31)", "", "hidden"],
    ]
    history.to_csv(old, index=False)
    assert read_history(old)["label"].tolist() == ["", "Referral acceptance rate (2025Q4)", "Arrests (2025-01-01 to 2025-12-31)"]
