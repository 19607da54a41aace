"""At the coordinator: link the encoded files of the member agencies.

``tfanalysis link match ENCODED... --out DIR`` runs :func:`link_records`: candidate pairs
from the blocks (:mod:`~tfanalysis.data.linkage.blocking`), compared field by field
(:mod:`~tfanalysis.data.linkage.comparison`) and given the probability of being one person
(:func:`match_probability`, Fellegi–Sunter weights by EM, :mod:`~tfanalysis.data.linkage.weights`), the pairs at or above the threshold made one-to-one
within each pair of agencies and grouped into people across agencies
(:mod:`~tfanalysis.data.linkage.clustering`), and the crosswalk and the linkage-quality report
(:mod:`~tfanalysis.data.linkage.crosswalk`). The coordinator never sees an identifier and does
not need the secret.

Examples
--------
>>> from tfanalysis.data.linkage.encode import encode_export
>>> people = pd.DataFrame({"record_id": ["1", "2"], "first_name": ["Ana", "Tom"], "last_name": ["Ruiz", "Lee"],
...                        "date_of_birth": ["1999-12-03", "1970-01-01"]})
>>> shelter = encode_export(people, b"k" * 32, agency="shelter")
>>> police = encode_export(people.assign(record_id=["p9", "p8"], first_name=["Anna", "Tom"]), b"k" * 32, agency="police")
>>> result = link_records([shelter, police])
>>> result.crosswalk.sort_values(["client_id", "agency"]).to_dict("list")
{'agency': ['police', 'shelter', 'police', 'shelter'], 'agency_record_id': ['p8', '2', 'p9', '1'], 'client_id': ['TF000001', 'TF000001', 'TF000002', 'TF000002']}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tfanalysis.data.linkage import blocking
from tfanalysis.data.linkage.clustering import clusters, one_to_one
from tfanalysis.data.linkage.crosswalk import linkage_quality, make_crosswalk
from tfanalysis.data.linkage.encode import CLIENT_COLUMNS, decode_blooms, scheme_problem
from tfanalysis.data.linkage.comparison import CONTEXT_FIELDS, FIELDS, compare_pairs
from tfanalysis.data.linkage.weights import estimate_mixture, nonmatch_patterns
from tfanalysis.data.linkage.tokens import TOKENS

THRESHOLD = 0.5
"""Probability of being one person (:func:`match_probability`) at or above which two
records are linked: the pair is likelier one person than two.

Chosen on synthetic populations (``benchmarks/bench_linkage.py``, ``docs/linkage.md``);
the linkage-quality report shows how many pairs lie near it."""


@dataclass(frozen=True)
class LinkageResult:
    """What :func:`link_records` finds.

    Attributes
    ----------
    crosswalk : pandas.DataFrame
        ``agency``, ``agency_record_id``, ``client_id``: one row per agency record.
    clients : pandas.DataFrame
        ``agency``, ``agency_record_id`` and the clients columns of the contract the
        encoded files carried: the agencies' client tables, without encodings.
    links : pandas.DataFrame
        The links kept: ``agency_i``, ``record_i``, ``agency_j``, ``record_j``, ``score``.
    quality : dict of pandas.DataFrame
        The linkage-quality report (:func:`tfanalysis.data.linkage.crosswalk.linkage_quality`).
    settings : dict
        Threshold and blocking settings used.
    candidates : pandas.DataFrame
        Every pair of records of two agencies that was scored: ``i``, ``j`` (rows of
        ``crosswalk``), ``found_by`` (:func:`tfanalysis.data.linkage.blocking.candidate_pairs`),
        ``score``. For the coordinator's checks and for measuring where links are missed
        (:func:`tfanalysis.data.linkage.evaluation.recall_losses`); never written out.
    """

    crosswalk: pd.DataFrame
    clients: pd.DataFrame
    links: pd.DataFrame
    quality: dict[str, pd.DataFrame]
    settings: dict[str, object] = field(default_factory=dict)
    candidates: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"i": [], "j": [], "found_by": [], "score": []}))


def check_encoded(encoded: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Stack encoded files and check they can be linked together.

    Raises
    ------
    ValueError
        If no file is given, a file was encoded by another scheme (another version of
        tfanalysis, :data:`tfanalysis.data.linkage.bloom.SCHEME`), the files use different secrets,
        or an agency record id appears twice. The message lists every problem and quotes no record.
    """
    if not encoded:
        raise ValueError("give at least one encoded file")
    records = pd.concat(list(encoded), ignore_index=True)
    problems = []
    other_scheme = scheme_problem(records["scheme"])
    if other_scheme:
        problems.append(other_scheme)
    if records["scheme"].isna().any():
        problems.append(f"{int(records['scheme'].isna().sum())} rows have no scheme (not an encoded file?)")
    schemes = records["scheme"].dropna().unique()
    if len(schemes) > 1 and not other_scheme:
        problems.append(
            f"the files were encoded with {len(schemes)} different schemes or secrets; every agency must use "
            "the same version of tfanalysis and the same secret file"
        )
    repeated = records.duplicated(["agency", "agency_record_id"], keep=False)
    if repeated.any():
        problems.append(f"{int(repeated.sum())} rows repeat an agency and record id (was one agency's file given twice?)")
    if records["agency"].isna().any() or records["agency_record_id"].isna().any():
        problems.append("some rows have no agency or no record id")
    if problems:
        raise ValueError("the encoded files cannot be linked:\n- " + "\n- ".join(problems))
    return records


def match_probability(levels: pd.DataFrame, within: np.ndarray) -> np.ndarray:
    """The probability that each pair of records of different agencies is one person.

    Parameters
    ----------
    levels : pandas.DataFrame
        Agreement levels of every pair the blocks found (:func:`tfanalysis.data.linkage.comparison.compare_pairs`).
    within : numpy.ndarray
        Whether each pair holds two records of one agency (two different people).

    Returns
    -------
    numpy.ndarray
        One probability per pair of different agencies (``~within``), in order: the
        non-matches counted on the pairs within agencies
        (:func:`tfanalysis.data.linkage.weights.nonmatch_patterns`), the matches and their
        share estimated by EM (:func:`tfanalysis.data.linkage.weights.estimate_mixture`).
    """
    n_levels = [len(v) for v in FIELDS.values()]
    values = levels[list(FIELDS)].to_numpy(np.int64)
    nonmatch = nonmatch_patterns(values[within], n_levels, independent=[list(FIELDS).index(f) for f in CONTEXT_FIELDS])
    model = estimate_mixture(values[~within], nonmatch, n_levels)
    return model.probability(values[~within])


def link_records(
    encoded: Sequence[pd.DataFrame],
    *,
    threshold: float = THRESHOLD,
    bands: int = blocking.BANDS,
    bits_per_band: int = blocking.BITS_PER_BAND,
    max_block: int = blocking.MAX_BLOCK,
) -> LinkageResult:
    """Link the records of several agencies into unduplicated clients.

    Parameters
    ----------
    encoded : sequence of pandas.DataFrame
        The agencies' encoded files (:func:`tfanalysis.data.linkage.encode.read_encoded`).
    threshold : float
        Smallest probability of a link (default :data:`THRESHOLD`).
    bands, bits_per_band, max_block : int
        Blocking settings (:mod:`tfanalysis.data.linkage.blocking`).

    Returns
    -------
    LinkageResult
    """
    if not 0 < threshold <= 1:
        raise ValueError("the threshold is a probability above 0 and at most 1")
    records = check_encoded(encoded)
    agency_code = pd.factorize(records["agency"], sort=True)[0]
    usable = np.flatnonzero(records["bloom"].notna().to_numpy(dtype=bool))
    filters = decode_blooms(records["bloom"].iloc[usable])
    tokens = records[list(TOKENS)].iloc[usable].reset_index(drop=True)
    settings = {"threshold": threshold, "bands": bands, "bits_per_band": bits_per_band, "max_block": max_block}
    code = agency_code[usable]
    # blocks pair every two records, of one agency or not: pairs within an agency are pairs
    # of different people found by the same blocks, from which the non-matches are learned
    fields = records[list(blocking.FIELD_KEY_COLUMNS)].iloc[usable].reset_index(drop=True)
    found = blocking.candidate_pairs(tokens, filters, np.arange(len(usable)), fields, bands=bands, bits_per_band=bits_per_band, max_block=max_block)
    swap = code[found["i"].to_numpy()] > code[found["j"].to_numpy()]
    found["i"], found["j"] = np.where(swap, found["j"], found["i"]), np.where(swap, found["i"], found["j"])
    within = code[found["i"].to_numpy()] == code[found["j"].to_numpy()]
    candidates = found[~within].reset_index(drop=True)
    candidates.attrs = found.attrs
    levels = compare_pairs(records.iloc[usable].reset_index(drop=True), found["i"].to_numpy(), found["j"].to_numpy())
    candidates["score"] = match_probability(levels, within) if len(candidates) else np.zeros(0)
    above = candidates[candidates["score"] >= threshold]
    kept = one_to_one(above[["i", "j", "score"]], agency_code[usable])
    kept = kept.assign(i=usable[kept["i"].to_numpy()], j=usable[kept["j"].to_numpy()])
    labels, dropped = clusters(kept, agency_code)
    crosswalk = make_crosswalk(records[["agency", "agency_record_id"]], labels)
    links = pd.DataFrame(
        {
            "agency_i": records["agency"].to_numpy()[kept["i"]],
            "record_i": records["agency_record_id"].to_numpy()[kept["i"]],
            "agency_j": records["agency"].to_numpy()[kept["j"]],
            "record_j": records["agency_record_id"].to_numpy()[kept["j"]],
            "score": kept["score"].to_numpy(),
        }
    )
    quality = linkage_quality(records, candidates, links, crosswalk, settings=settings, dropped_links=dropped, usable=len(usable))
    clients = records[["agency", "agency_record_id", *[c for c in CLIENT_COLUMNS if c in records.columns]]]
    scored = candidates.assign(i=usable[candidates["i"].to_numpy()], j=usable[candidates["j"].to_numpy()])
    return LinkageResult(crosswalk=crosswalk, clients=clients, links=links, quality=quality, settings=settings, candidates=scored)
