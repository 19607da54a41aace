"""The crosswalk (agency record → client id) and the linkage-quality report.

The crosswalk is what the coordinator keeps: one row per agency record, the pseudonymous
``client_id`` shared by the records of one person. Ids are ``TF`` and a number, numbered
in the order of each person's first record (by agency name, then record id), so the same
inputs give the same ids.

The linkage-quality report says how far to trust the counts: how many records each
agency sent and how many could be linked, how the candidate pairs were found, how many
pairs lie in each band of score (pairs just below the threshold are the likeliest missed
links; just above, the likeliest false ones), the links per pair of agencies and the
clusters by size. It is for the coordinator and the analysts: it holds counts, no
records.

Examples
--------
>>> records = pd.DataFrame({"agency": ["shelter", "police", "police"], "agency_record_id": ["s1", "p2", "p1"]})
>>> make_crosswalk(records, np.array([0, 1, 0]))["client_id"].tolist()
['TF000001', 'TF000002', 'TF000001']
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

SCORE_EDGES: tuple[float, ...] = (0.0, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0)
"""Edges of the score bands of the report (the threshold is added to them): the score is the
probability of being one person, and most pairs lie near 0 or 1."""


def make_crosswalk(records: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """Give each cluster of records a client id.

    Parameters
    ----------
    records : pandas.DataFrame
        ``agency``, ``agency_record_id``, one row per record.
    labels : numpy.ndarray
        The cluster of each record.

    Returns
    -------
    pandas.DataFrame
        ``agency``, ``agency_record_id``, ``client_id`` (``string``), in the order of ``records``.
    """
    order = np.lexsort((records["agency_record_id"].to_numpy(dtype=str), records["agency"].to_numpy(dtype=str)))
    first_seen = pd.unique(np.asarray(labels)[order])
    number = pd.Series(np.arange(1, len(first_seen) + 1), index=first_seen)
    width = max(6, len(str(len(first_seen))))
    ids = "TF" + pd.Series(number.reindex(labels).to_numpy()).astype(str).str.zfill(width)
    return pd.DataFrame(
        {"agency": records["agency"].to_numpy(), "agency_record_id": records["agency_record_id"].to_numpy(), "client_id": ids.to_numpy()}
    ).astype("string")


def linkage_quality(
    records: pd.DataFrame,
    candidates: pd.DataFrame,
    links: pd.DataFrame,
    crosswalk: pd.DataFrame,
    *,
    settings: dict[str, object],
    dropped_links: int,
    usable: int,
) -> dict[str, pd.DataFrame]:
    """The linkage-quality report, as tables of counts.

    Parameters
    ----------
    records : pandas.DataFrame
        The stacked encoded files (``agency``, ``bloom``…).
    candidates : pandas.DataFrame
        Candidate pairs with ``found_by`` and ``score`` (``attrs``: ``kinds``, ``skipped_blocks``).
    links : pandas.DataFrame
        The links kept (``agency_i``, ``agency_j``, ``score``).
    crosswalk : pandas.DataFrame
        From :func:`make_crosswalk`.
    settings : dict
        Threshold and blocking settings.
    dropped_links : int
        Links left out to keep one record per agency in a cluster.
    usable : int
        Records with an encoding.

    Returns
    -------
    dict of pandas.DataFrame
        ``summary`` (item, value), ``agencies``, ``blocks``, ``score_bands``,
        ``agency_pairs``, ``cluster_sizes``.
    """
    threshold = float(settings["threshold"])  # type: ignore[arg-type]
    cluster_size = crosswalk.groupby("client_id")["agency"].transform("size")
    agencies = pd.DataFrame(
        {
            "records": records.groupby("agency").size(),
            "linkable": records["bloom"].notna().groupby(records["agency"]).sum(),
            "linked_elsewhere": (cluster_size > 1).groupby(crosswalk["agency"]).sum(),
        }
    ).astype("int64")
    agencies.index.name = "agency"
    kinds = candidates.attrs.get("kinds", [])
    skipped = candidates.attrs.get("skipped_blocks", {})
    mask = candidates["found_by"].to_numpy() if len(candidates) else np.zeros(0, dtype=np.int64)
    blocks = pd.DataFrame(
        {
            "candidate_pairs": [int(((mask >> b) & 1).sum()) for b in range(len(kinds))],
            "only_this_kind": [int((mask == (1 << b)).sum()) for b in range(len(kinds))],
            "blocks_skipped": [int(skipped.get(k, 0)) for k in kinds],
        },
        index=pd.Index(kinds, name="block_kind"),
    )
    edges = sorted(set(SCORE_EDGES) | {threshold})
    bands = pd.IntervalIndex.from_breaks(edges, closed="left")
    labels = [f"{b.left:.2f}–{b.right:.2f}" + (" (≥ threshold)" if b.left >= threshold else "") for b in bands]
    capped = np.minimum(candidates["score"].to_numpy(), np.nextafter(1.0, 0))
    score_bands = pd.DataFrame(
        {
            "candidate_pairs": np.bincount(np.searchsorted(edges, capped, side="right") - 1, minlength=len(bands))[: len(bands)],
            "links": np.bincount(np.searchsorted(edges, np.minimum(links["score"].to_numpy(), np.nextafter(1.0, 0)), side="right") - 1, minlength=len(bands))[: len(bands)],
        },
        index=pd.Index(labels, name="score"),
    ).astype("int64")
    agency_pairs = links.groupby(["agency_i", "agency_j"]).size().rename("links").reset_index()
    sizes = cluster_size.groupby(crosswalk["client_id"]).first().value_counts().sort_index()
    cluster_sizes = pd.DataFrame({"clients": sizes, "records": sizes * sizes.index}).astype("int64")
    cluster_sizes.index.name = "records_per_client"
    summary = pd.DataFrame(
        [
            ("threshold", threshold),
            ("agencies", len(agencies)),
            ("agency records", len(records)),
            ("records with an encoding", usable),
            ("candidate pairs scored", len(candidates)),
            ("pairs at or above the threshold", int((candidates["score"] >= threshold).sum())),
            ("links kept (one-to-one per agency pair)", len(links) + dropped_links),
            ("links left out (two records of one agency in a cluster)", dropped_links),
            ("unduplicated clients", int(crosswalk["client_id"].nunique())),
        ],
        columns=["item", "value"],
    )
    return {"summary": summary, "agencies": agencies, "blocks": blocks, "score_bands": score_bands, "agency_pairs": agency_pairs, "cluster_sizes": cluster_sizes}


def quality_markdown(quality: dict[str, pd.DataFrame]) -> str:
    """The linkage-quality report as Markdown (tables in fixed-width blocks)."""
    titles = {
        "summary": "Summary",
        "agencies": "Records per agency",
        "blocks": "How candidate pairs were found",
        "score_bands": "Candidate pairs and links by score (probability of being one person)",
        "agency_pairs": "Links per pair of agencies",
        "cluster_sizes": "Clients by number of agency records",
    }
    parts = ["# Linkage quality", ""]
    for key, title in titles.items():
        table = quality[key]
        text = table.to_string(index=key not in {"summary", "agency_pairs"})
        parts += [f"## {title}", "", "```", text, "```", ""]
    return "\n".join(parts)


def write_outputs(result: object, out_dir: str | Path, *, overwrite: bool = False) -> dict[str, Path]:
    """Write a linkage result: ``crosswalk.csv``, ``clients.csv``, ``linkage-quality.md`` and ``.json``.

    ``clients.csv`` (the agencies' records, ``agency`` and ``agency_record_id`` beside the
    clients columns) and ``crosswalk.csv`` are the two files
    :func:`tfanalysis.load_dataset` needs to count each victim once.

    Raises
    ------
    FileExistsError
        If one of the files exists and ``overwrite`` is false.
    """
    out = Path(out_dir)
    paths = {name: out / name for name in ("crosswalk.csv", "clients.csv", "linkage-quality.md", "linkage-quality.json")}
    existing = [p.name for p in paths.values() if p.exists()]
    if existing and not overwrite:
        raise FileExistsError(f"{out} already holds {', '.join(existing)}; choose another folder or overwrite")
    out.mkdir(parents=True, exist_ok=True)
    result.crosswalk.to_csv(paths["crosswalk.csv"], index=False)  # type: ignore[attr-defined]
    result.clients.to_csv(paths["clients.csv"], index=False)  # type: ignore[attr-defined]
    quality = result.quality  # type: ignore[attr-defined]
    paths["linkage-quality.md"].write_text(quality_markdown(quality), encoding="utf-8")
    as_json = {k: json.loads(v.reset_index().to_json(orient="records")) if k not in {"summary", "agency_pairs"} else json.loads(v.to_json(orient="records")) for k, v in quality.items()}
    paths["linkage-quality.json"].write_text(json.dumps(as_json, indent=2, ensure_ascii=False), encoding="utf-8")
    return paths
