"""How good a linkage is, against known truth: pairwise precision, recall and F1.

A linkage says, for every two agency records, "same person" or not. Against the truth of
a synthetic population (:mod:`tfanalysis.data.linkage.synthetic`):

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

import numpy as np
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


def recall_by_error(crosswalk: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Recall of the pairs that are one person, by the kind of error either record carries.

    Parameters
    ----------
    crosswalk : pandas.DataFrame
        ``agency``, ``agency_record_id``, ``client_id``.
    truth : pandas.DataFrame
        ``agency``, ``agency_record_id``, ``person_id``, ``errors`` (``;``-separated kinds,
        empty for a record written without error).

    Returns
    -------
    pandas.DataFrame
        Indexed by error kind (``none``: both records without error), columns
        ``true_pairs``, ``linked``, ``recall``; a pair with two kinds counts under both.

    Examples
    --------
    >>> cw = pd.DataFrame({"agency": ["a", "b", "a", "b"], "agency_record_id": ["1", "1", "2", "2"], "client_id": ["x", "x", "y", "z"]})
    >>> tr = cw[["agency", "agency_record_id"]].assign(person_id=[1, 1, 2, 2], errors=["", "", "typo", ""])
    >>> recall_by_error(cw, tr)["recall"].to_dict()
    {'none': 1.0, 'typo': 0.0}
    """
    keys = ["agency", "agency_record_id"]
    records = crosswalk[[*keys, "client_id"]].merge(truth[[*keys, "person_id", "errors"]], on=keys)
    pairs = records.merge(records, on="person_id", suffixes=("_a", "_b"))
    pairs = pairs[(pairs["agency_a"] + "\x00" + pairs["agency_record_id_a"]) < (pairs["agency_b"] + "\x00" + pairs["agency_record_id_b"])]
    kinds = (pairs["errors_a"].fillna("") + ";" + pairs["errors_b"].fillna("")).str.split(";")
    exploded = pd.DataFrame({"pair": kinds.index.repeat(kinds.str.len()), "kind": [k for ks in kinds for k in ks]})
    exploded = exploded[exploded["kind"] != ""].drop_duplicates()
    clean = pairs.index.difference(exploded["pair"])
    exploded = pd.concat([exploded, pd.DataFrame({"pair": clean, "kind": "none"})], ignore_index=True)
    exploded["linked"] = (pairs.loc[exploded["pair"], "client_id_a"].to_numpy() == pairs.loc[exploded["pair"], "client_id_b"].to_numpy())
    out = exploded.groupby("kind")["linked"].agg(true_pairs="size", linked="sum")
    out["recall"] = out["linked"] / out["true_pairs"]
    out.index.name = "error"
    return out.sort_values("true_pairs", ascending=False)



LOSSES: tuple[str, ...] = ("linked", "record not encoded", "never a candidate", "scored below the threshold", "left out by one-to-one or clusters")
"""What became of the pairs that are one person, in the order :func:`recall_losses` decides it."""


def recall_losses(result: object, truth: pd.DataFrame, encoded: pd.Series | None = None) -> pd.DataFrame:
    """Where the pairs that are one person were lost: at encoding, blocking, scoring or one-to-one.

    A pair of records of one person, at two agencies, is *linked* when the crosswalk puts
    them together (directly or through a third record). Otherwise it was lost because a
    record had no encoding (no given or family name), because no block paired them, because
    their score was below the threshold, or — scored at or above it — because the one-to-one
    links or the clusters left the link out.

    Parameters
    ----------
    result : tfanalysis.data.linkage.match.LinkageResult
        The linkage (its ``crosswalk``, ``candidates`` and ``settings``).
    truth : pandas.DataFrame
        ``agency``, ``agency_record_id``, ``person_id``.
    encoded : pandas.Series, optional
        Whether each row of the crosswalk had an encoding (the ``bloom`` column of the
        stacked encoded files, not empty); without it no pair counts as not encoded.

    Returns
    -------
    pandas.DataFrame
        Indexed by :data:`LOSSES`: ``true_pairs`` and their ``share``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> cw = pd.DataFrame({"agency": list("ababab"), "agency_record_id": list("112233"), "client_id": list("xxyzuv")})
    >>> scored = pd.DataFrame({"i": [0, 2], "j": [1, 3], "score": [0.99, 0.2]})
    >>> linked = SimpleNamespace(crosswalk=cw, candidates=scored, settings={"threshold": 0.5})
    >>> recall_losses(linked, cw[["agency", "agency_record_id"]].assign(person_id=[1, 1, 2, 2, 3, 3]))["true_pairs"].tolist()
    [1, 0, 1, 1, 0]
    """
    crosswalk, candidates = result.crosswalk, result.candidates  # type: ignore[attr-defined]
    threshold = float(result.settings["threshold"])  # type: ignore[attr-defined]
    keys = ["agency", "agency_record_id"]
    rows = crosswalk[[*keys, "client_id"]].astype("string").reset_index(drop=True)
    rows["row"] = np.arange(len(rows))
    rows["encoded"] = True if encoded is None else np.asarray(encoded, dtype=bool)
    rows = rows.merge(truth[[*keys, "person_id"]].astype({"agency": "string", "agency_record_id": "string"}), on=keys)
    pairs = rows.merge(rows, on="person_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["row_a"] < pairs["row_b"]]
    pairs = pairs[(pairs["agency_a"] != pairs["agency_b"]).to_numpy(dtype=bool)]
    n = len(rows) + 1
    scored = pd.Series(
        candidates["score"].to_numpy(dtype=float),
        index=np.minimum(candidates["i"], candidates["j"]).to_numpy(np.int64) * n + np.maximum(candidates["i"], candidates["j"]).to_numpy(np.int64),
    )
    score = scored.reindex(pairs["row_a"].to_numpy(np.int64) * n + pairs["row_b"].to_numpy(np.int64)).to_numpy()
    status = np.select(
        [
            (pairs["client_id_a"] == pairs["client_id_b"]).to_numpy(dtype=bool),
            ~(pairs["encoded_a"] & pairs["encoded_b"]).to_numpy(dtype=bool),
            np.isnan(score),
            score < threshold,
        ],
        list(LOSSES[:4]),
        LOSSES[4],
    )
    counts = pd.Series(status, dtype=object).value_counts().reindex(list(LOSSES), fill_value=0).astype("int64")
    return pd.DataFrame({"true_pairs": counts, "share": counts / max(len(pairs), 1)}).rename_axis("pairs")
