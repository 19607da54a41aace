"""How good a linkage is, against known truth: pairwise precision, recall and F1.

A linkage says, for every two agency records, "same person" or not. Against the truth of
a synthetic population (:mod:`tfanalysis.linkage.synthetic`):

- precision: of the pairs put together, the share that are one person;
- recall: of the pairs that are one person, the share put together;
- F1: their harmonic mean.

Counting pairs (not clusters) is the usual measure in record linkage: a cluster of three
records that should be two people costs as many pairs as it joins wrongly.

Examples
--------
>>> crosswalk = pd.DataFrame({"agency": ["a", "b", "c", "a"], "agency_record_id": ["1", "1", "1", "2"],
...                           "client_id": ["x", "x", "x", "y"]})
>>> truth = pd.DataFrame({"agency": ["a", "b", "c", "a"], "agency_record_id": ["1", "1", "1", "2"],
...                       "person_id": [7, 7, 8, 8]})
>>> pairwise_quality(crosswalk, truth)
{'true_pairs': 2, 'linked_pairs': 3, 'correct_pairs': 1, 'precision': 0.3333333333333333, 'recall': 0.5, 'f1': 0.4}
"""

from __future__ import annotations

import pandas as pd


def _pairs(group_sizes: pd.Series) -> int:
    return int((group_sizes * (group_sizes - 1) // 2).sum())


def pairwise_quality(crosswalk: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a crosswalk against the truth.

    Parameters
    ----------
    crosswalk : pandas.DataFrame
        ``agency``, ``agency_record_id``, ``client_id``.
    truth : pandas.DataFrame
        ``agency``, ``agency_record_id``, ``person_id``; the same records.

    Returns
    -------
    dict
        ``true_pairs``, ``linked_pairs``, ``correct_pairs`` (counts), ``precision``,
        ``recall``, ``f1`` (1.0 where nothing was to be found or nothing was linked).

    Raises
    ------
    ValueError
        If the crosswalk and the truth do not hold the same records.
    """
    keys = ["agency", "agency_record_id"]
    both = crosswalk[[*keys, "client_id"]].astype({"agency_record_id": "string", "agency": "string"}).merge(
        truth[[*keys, "person_id"]].astype({"agency_record_id": "string", "agency": "string"}), on=keys, how="outer", indicator=True
    )
    if (both["_merge"] != "both").any():
        raise ValueError("the crosswalk and the truth do not hold the same records")
    true_pairs = _pairs(both.groupby("person_id").size())
    linked_pairs = _pairs(both.groupby("client_id").size())
    correct = _pairs(both.groupby(["client_id", "person_id"]).size())
    precision = correct / linked_pairs if linked_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"true_pairs": true_pairs, "linked_pairs": linked_pairs, "correct_pairs": correct, "precision": precision, "recall": recall, "f1": f1}
