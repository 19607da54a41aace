"""The units victim counts count, one frame per universe, built once from the whole dataset.

A universe is a table whose rows are about victims: ``clients`` (identified victims),
``needs`` (a client's need), ``referrals`` (a client referred between members) and
``cj_events`` (criminal-justice events of a case). Each frame keeps the row labels of the
loaded table, so a count is the same count in every report and every run of the same data,
and carries the columns released predicates use: the table's own categorical and date
columns, the client's attributes for needs and referrals, members' sectors for referrals.
Categorical columns are normalized (:func:`tfanalysis.publication.cells.normalize`).

Examples
--------
>>> import tfanalysis as tf
>>> frames = unit_frames(tf.load_dataset(DEMO_DIR))
>>> sorted(frames)
['cj_events', 'clients', 'needs', 'referrals']
>>> frames["needs"][["need", "status", "age"]].iloc[0].tolist()
['case_management', 'met', 'adult']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from tfanalysis.publication.cells import normalize

__all__ = ["CASE_EVENT", "CASE_START", "CLIENT_ATTRIBUTES", "FILLED", "FINER", "FIRST_CHARGES", "KNOWN_OF", "NEED_OUTCOME", "SECTOR_LINK", "TIE",
           "UNIVERSES", "finer_pairs", "unit_frames", "with_need_outcome"]

UNIVERSES: tuple[str, ...] = ("clients", "needs", "referrals", "cj_events")
"""Tables whose rows are about victims: their counts are disclosure-controlled."""

CLIENT_ATTRIBUTES: tuple[str, ...] = (
    "county_fips", "age_group", "gender", "nationality", "trafficking_type", "primary_language",
)
"""Client columns carried onto each need and referral (by ``client_id``)."""

NEED_OUTCOME = "gaps.outcome"
"""Needs: the status, a met need split by the days to meet it (:func:`tfanalysis.analyses.gaps.outcomes.need_outcomes`).

(Named after the report that first derived it: published ledgers know it by this name.)"""

CASE_START = "collaboration.case_start"
"""Criminal-justice events, as report 03 derives them: on the event a case starts with, ``victim_served``, ``victim_not_served`` or ``no_victim``."""
FIRST_CHARGES = "collaboration.first_charges"
"""Criminal-justice events, as report 03 derives them: True on a case's first ``charges_filed`` event."""
CASE_EVENT = "collaboration.case_event"
"""Criminal-justice events, as report 03 derives them: the event with its place in its case
(``victim_served | investigation_opened`` where a case with a victim served starts,
``later first charges | charges_filed``, ``later | arrest``). The event, the case's start
(:data:`CASE_START`) and its first charges (:data:`FIRST_CHARGES`) are each a function of it."""

SECTOR_LINK = "collaboration.sector_link"
"""Referrals, as report 03 derives them: ``le_vs`` (law enforcement ↔ victim services), ``cross_other`` (other sectors apart) or ``same``."""
TIE = "collaboration.tie"
"""Referrals, as report 03 derives them: the member pair ``A|B`` (ids in order) of a referral between two members; missing for self-referrals."""

KNOWN_OF: dict[str, dict[str, str]] = {
    "referrals": {SECTOR_LINK: TIE, "from_sector": "from_member", "to_sector": "to_member"},
}
"""Per universe, ``{column: other}``: columns every reader knows as a function of another.

Members' sectors are public (report 04), so a referral's sector link is known of its pair
of members: beside a tie, the link is no attribute of the tie's few referred victims
(:func:`tfanalysis.publication.small_groups.in_small_group`). Declared, never read off the
data: a column that happens to be a function of another in a few units tells a reader
something."""

FINER: dict[str, dict[str, str]] = {
    "clients": {"age": "age_group", "state": "county_fips"},
    "needs": {"age": "age_group", "state": "county_fips", "status": NEED_OUTCOME},
    "referrals": {"age": "age_group", "state": "county_fips", "answered": "outcome"},
    "cj_events": {"state": "county_fips", "event": CASE_EVENT, CASE_START: CASE_EVENT, FIRST_CHARGES: CASE_EVENT},
}
"""Per universe, columns that are a function of a finer one: ``{coarse: fine}``.

A reader who sees a count of unmet needs and a count of needs by outcome band knows they
count the same needs; two columns for one concept would hide that from the bounds. So the
layer writes every count on a coarse column as a count on its finer one
(:func:`tfanalysis.publication.cells.on_finer_columns`): the age band is a set of age groups, a state
a set of counties, a status a set of outcomes, whether a referral was answered a set of its outcomes
(where the data say so: an outsider once read 2025Q4's 4 referrals never answered as report 00's
21 without a date answered less its 17 without an outcome), and a criminal-justice event's kind, its
case's start and first charges its place in the case (:data:`CASE_EVENT`: an outsider once read
2025Q4's 26 investigations opened less its 23 cases with a victim served as at most 3 cases not
served, the cases started being the investigations opened)."""

FILLED = "quality.filled."
"""Prefix of a report's column telling whether a unit's value of a column is recorded (``quality.filled.met_on``)."""

_FILLED_FROM: dict[str, tuple[str, ...]] = {"needs": (NEED_OUTCOME,), "referrals": ("outcome", "answered")}
"""Per universe, the columns whose values may tell whether another is recorded, finest first, tried
before the column itself: a need's ``met_on`` and ``met_by`` by its outcome band, a referral's
``responded_on`` by its outcome (no date for one open or never answered), else by ``answered``."""


def finer_pairs(universe: str, columns: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The ``{coarse: fine}`` pairs of a universe whose columns are ``columns``: :data:`FINER`, and each "is it recorded" column.

    Each coarse column comes with its candidates, finest first; the layer takes the first
    the units show it to be a function of (:func:`~tfanalysis.publication.cells.finer_columns`).
    Whether a unit's value is recorded (:data:`FILLED`) is a function of the value itself
    where the column is categorical (missing reads ``<NA>``), and often of a column that
    tells it: a need's ``met_on`` and ``met_by`` are recorded for met needs (its outcome
    band), a referral's ``responded_on`` when it was answered. An outsider once read
    2025Q4's needs met (258, hidden by reports 02 and 05) off report 00's share of needs
    with a ``met_on``: the same needs, under a column of their own.

    Examples
    --------
    >>> finer_pairs("needs", ["status", NEED_OUTCOME, "quality.filled.met_by", "met_by"])
    {'status': ('gaps.outcome',), 'quality.filled.met_by': ('gaps.outcome', 'met_by')}
    """
    columns = list(columns)
    pairs = {coarse: (fine,) for coarse, fine in FINER.get(universe, {}).items() if coarse in columns and fine in columns}
    for column in columns:
        if column.startswith(FILLED):
            candidates = (*_FILLED_FROM.get(universe, ()), column[len(FILLED):])
            pairs[column] = tuple(c for c in candidates if c in columns)
    return pairs

_DATES = {
    "clients": ("identified_on",),
    "needs": ("identified_on", "met_on"),
    "referrals": ("referred_on", "responded_on"),
    "cj_events": ("occurred_on",),
}


def _categorical(frame: pd.DataFrame, dates: tuple[str, ...]) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        if column in dates:
            out[column] = pd.to_datetime(frame[column])
        else:
            out[column] = normalize(frame[column]).to_numpy()
    return out


def _with_client(frame: pd.DataFrame, clients: pd.DataFrame) -> pd.DataFrame:
    from tfanalysis.analyses.gaps.eligibility import age_band

    people = clients.drop_duplicates("client_id").set_index("client_id")
    ids = frame["client_id"]
    for column in CLIENT_ATTRIBUTES:
        if column in people:
            frame[column] = ids.map(people[column]).astype("string")
    frame["age"] = age_band(frame["age_group"]) if "age_group" in frame else "unknown"
    return frame


def with_need_outcome(needs: pd.DataFrame) -> pd.DataFrame:
    """The needs with their outcome (:data:`NEED_OUTCOME`), computed where they lack it and can have it.

    Every release's needs carry it, from the data (:func:`unit_frames`) or from frames a
    caller hands in (``Release(units=...)``) that hold ``status``, ``identified_on`` and
    ``met_on``: reports count on it and never derive it themselves.

    Examples
    --------
    >>> needs = pd.DataFrame({"status": ["met", "unmet"], "identified_on": pd.to_datetime(["2025-01-01"] * 2),
    ...                       "met_on": pd.to_datetime(["2025-01-20", None])})
    >>> with_need_outcome(needs)[NEED_OUTCOME].tolist()
    ['met within 30 days', 'unmet']
    """
    if NEED_OUTCOME in needs or not {"status", "identified_on", "met_on"} <= set(needs.columns):
        return needs
    from tfanalysis.analyses.gaps.outcomes import need_outcomes

    return needs.assign(**{NEED_OUTCOME: need_outcomes(needs)})


def unit_frames(data: Any) -> dict[str, pd.DataFrame]:
    """One normalized frame per universe, row labels those of the loaded tables.

    Parameters
    ----------
    data : TaskForceData
        The whole dataset: not restricted to a period or region (counts say what they
        restrict in their predicates).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``clients``, ``needs``, ``referrals``, ``cj_events``. Needs and referrals carry
        their client's attributes (:data:`CLIENT_ATTRIBUTES`) and ``age`` (minor, adult,
        unknown); clients carry ``age``; needs carry their outcome (:data:`NEED_OUTCOME`); referrals carry ``from_sector``, ``to_sector``
        and ``answered`` (a ``responded_on`` date is recorded); every frame carries ``state`` (the first two digits of its
        ``county_fips``).
    """
    from tfanalysis.analyses.gaps.eligibility import age_band

    clients = data.clients.copy()
    clients["age"] = age_band(clients["age_group"])
    needs = with_need_outcome(_with_client(data.needs.drop(columns=[c for c in CLIENT_ATTRIBUTES if c in data.needs]).copy(), data.clients))
    referrals = _with_client(data.referrals.copy(), data.clients)
    sectors = data.members.drop_duplicates("member_id").set_index("member_id")["sector"]
    referrals["from_sector"] = referrals["from_member"].map(sectors)
    referrals["to_sector"] = referrals["to_member"].map(sectors)
    referrals["outcome"] = referrals["outcome"].astype("string").fillna("open")
    referrals["answered"] = referrals["responded_on"].notna()
    events = data.cj_events.copy()
    frames = {"clients": clients, "needs": needs, "referrals": referrals, "cj_events": events}
    out = {}
    for name, frame in frames.items():
        if "county_fips" in frame:
            frame["state"] = frame["county_fips"].astype("string").str[:2]
        out[name] = _categorical(frame, _DATES[name])
    return out
