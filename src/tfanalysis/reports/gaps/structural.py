"""Structural gaps (service × segment no member can serve) with their needs released, and in words."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tfanalysis.analyses.gaps import needs as gaps
from tfanalysis.analyses.gaps.eligibility import NEEDS_FRAME_VERSION
from tfanalysis.reports.gaps.scope import Scope
from tfanalysis.reports.labels import clients_words, readable
from tfanalysis.publication.released import count_text
from tfanalysis.reports.gaps.shown import MARGIN


_SEGMENT = ["service", "gap", "seg_age", "seg_gender", "seg_nationality", "seg_language", "seg_county"]

SEGMENT_ATTRIBUTES: tuple[str | None, ...] = ("need", None, "age", "gender", "nationality", "primary_language", "county_fips")
"""The needs' columns each part of a gap segment's label is a value of (the kind of gap is none)."""


def county_needs(rel: Any, where: dict[str, Any], pairs: pd.DataFrame, *, name: str) -> pd.DataFrame:
    """The needs of each county × need pair as released on the predicate of report 01's counts.

    A county gap (no eligible member serves a county for a need) exists only where the
    county has that need: listing one tells a reader the county × need count is at least
    1. That count is released here on the same predicate as report 01's needs per county
    and service (needs of that code identified in the period by clients of the county),
    so it has one key, one status and one suppression pattern in the whole run: a gap is
    listed only where the released count says there was need (:meth:`Released.at_least_one`),
    never where report 01 withholds it. One one-row table per pair (a handful: one per
    county gap), so that no margin over several counties is released beside them.

    Parameters
    ----------
    rel : tfanalysis.publication.Release
    where : dict
        The report's period (and region) as release predicates (:meth:`Scope.where`).
    pairs : pandas.DataFrame
        ``county_fips`` and ``need`` (a need code), one row per pair.
    name : str
        The released tables' name.

    Returns
    -------
    pandas.DataFrame
        ``pairs`` with ``needs`` (an int, or ``"hidden"``) and ``listed`` (bool: the release
        says the county had need).

    Examples
    --------
    >>> from tfanalysis.publication import Interval, Release
    >>> units = pd.DataFrame({"county_fips": ["1"] * 3 + ["2"] * 40, "need": "food",
    ...                       "identified_on": pd.to_datetime(["2025-02-01"] * 43)})
    >>> rel = Release(None, 11, units={"needs": units})
    >>> pairs = pd.DataFrame({"county_fips": ["1", "2"], "need": ["food", "food"]})
    >>> county_needs(rel, {"identified_on": Interval("2025-01-01", "2025-12-31")}, pairs, name="t")[["needs", "listed"]].values.tolist()
    [['hidden', True], [40, True]]
    """
    needs, listed = [], []
    for county, need in zip(pairs["county_fips"].astype(str), pairs["need"].astype(str)):  # one table per county gap
        released = rel.table("needs", rows="county_fips", where={**where, "need": need, "county_fips": [county]},
                             levels={"county_fips": [county]}, name=name)
        needs.append(released.inner().iloc[0])
        listed.append(bool(released.at_least_one().iloc[0]))
    return pairs.assign(needs=pd.Series(needs, index=pairs.index, dtype=object), listed=listed)


def publish_gaps(rel: Any, data: Any, period: Any, scope: Scope, *, name: str) -> pd.DataFrame:
    """Structural gaps with their needs released: one row per gap (service × segment).

    - An *eligibility* gap (no member offering the service is eligible for the segment):
      each of its needs is labelled with its segment (a column derived for the needs,
      named by the scope: which rows can serve whom depends on the period) and the needs
      per segment are released.
    - A *county* gap (eligible members exist, none serves the county): listed with the
      county's needs of that service as released on report 01's predicate
      (:func:`county_needs`), and only where that count says there was need, so that the
      list never tells which of report 01's withheld counts had needs, and the county's
      count has one suppression pattern in every report (a gap's own count, a part of the
      county's, would be a second pattern of the same count wherever every need of the
      county is in the gap).

    Rows are sorted by kind, then by the released counts (hidden ones last), then by service.

    Returns
    -------
    pandas.DataFrame
        ``service``, ``gap``, ``age``, ``gender``, ``nationality``, ``language``,
        ``county_fips`` (``any`` where the segment does not depend on it), ``needs``
        (released: the needs in the gap for an eligibility gap; the county's needs of the
        service identified in the period for a county gap).
    """
    found = gaps.gap_needs(data, period)
    # as structural_gaps counts them: a need whose client's county is unknown is no desert's
    found = found[found[_SEGMENT].notna().all(axis=1).to_numpy(bool)]
    columns = ["service", "gap", "age", "gender", "nationality", "language", "county_fips", "needs"]
    if found.empty:
        return pd.DataFrame(columns=columns)
    segments = found[_SEGMENT].astype("string")
    parts = []
    eligibility = segments[(segments["gap"] == "eligibility").to_numpy(bool)]
    if not eligibility.empty:
        label = eligibility["service"].str.cat([eligibility[c] for c in _SEGMENT[1:]], sep="|")
        derived = f"gaps.eligibility_gap.v{NEEDS_FRAME_VERSION}[{scope.label}]"
        rel.derive("needs", derived, label, components=SEGMENT_ATTRIBUTES)
        released = rel.table("needs", rows=derived, where=scope.where(**{derived: sorted(set(label))}), name=name)
        # listed where the count says the segment has needs: a segment of a few victims is withheld (it may be 0)
        needs = released.shown.drop(index=MARGIN).iloc[:, 0][released.at_least_one().to_numpy(bool)]
        table = eligibility.assign(label=label).drop_duplicates("label").set_index("label")
        parts.append(table.reindex(needs.index).set_axis(columns[:-1], axis=1).assign(needs=needs.to_numpy()))
    county = segments[(segments["gap"] != "eligibility").to_numpy(bool)].drop_duplicates(["service", "seg_county"])
    if not county.empty:
        pairs = county_needs(rel, scope.where(), pd.DataFrame({"county_fips": county["seg_county"].to_numpy(), "need": county["service"].to_numpy()}),
                             name=name)
        shown = county.set_axis(columns[:-1], axis=1).assign(needs=pairs["needs"].to_numpy())
        parts.append(shown[pairs["listed"].to_numpy(bool)])
    table = pd.concat(parts, ignore_index=True)
    table["_n"] = pd.to_numeric(table["needs"], errors="coerce").fillna(-1)
    table = table.sort_values(["gap", "_n", "service", "county_fips"], ascending=[True, False, True, True], kind="stable")
    return table.drop(columns="_n").reset_index(drop=True)


def gaps_table(published: pd.DataFrame, county_names: dict[str, str] | None = None) -> pd.DataFrame:
    """The structural gaps as a report table: services and counties in words (``Gallia (39053)``), ``any`` kept.

    Examples
    --------
    >>> g = pd.DataFrame({"service": ["food"], "gap": ["no eligible provider in county"], "age": ["any"], "gender": ["any"],
    ...     "nationality": ["any"], "language": ["any"], "county_fips": ["39053"], "needs": ["hidden"]})
    >>> gaps_table(g, {"39053": "Gallia"})[["service", "county", "needs"]].values.tolist()
    [['Food', 'Gallia (39053)', 'hidden']]
    """
    names = county_names or {}
    county = published["county_fips"].astype(str)
    named = county.map(lambda c: f"{names[c]} ({c})" if c in names else c)  # a handful of rows: one per gap
    return published.drop(columns="county_fips").assign(service=published["service"].map(readable)).assign(
        county=named.to_numpy())[["service", "gap", "age", "gender", "nationality", "language", "county", "needs"]]


def structural_gaps_markdown(published: pd.DataFrame, *, county_names: dict[str, str] | None = None) -> str:
    """Plain words for the structural gaps (:func:`publish_gaps`), quoting released counts.

    Examples
    --------
    >>> g = pd.DataFrame({"service": ["housing_emergency", "mental_health_care", "mental_health_care"],
    ...     "gap": ["eligibility", "no eligible provider in county", "no eligible provider in county"], "age": ["adult", "any", "any"],
    ...     "gender": ["male", "any", "any"], "nationality": ["any"] * 3, "language": ["any"] * 3,
    ...     "county_fips": ["any", "39053", "39115"], "needs": [50, "hidden", 12]})
    >>> print(structural_gaps_markdown(g, county_names={"39053": "Gallia"}))
    - **Housing: emergency** — no member serves adult, male clients: 50 needs.
    - **Mental health care (emergency and long-term)** — no eligible member serves some or all of the clients in Gallia (39053), a hidden number of needs identified there; 39115, 12 needs identified there.
    <BLANKLINE>
    A county is listed only where its released count shows need. Where a county's needs are a few victims', the count is withheld, since it would tell what they have, and the county is not listed here. Report 01 lists the counties that no member serves and no provider reaches, for each service, unless the released count of their needs is 0: a withheld count keeps a county on that list.

    A county gap quotes the county's needs of the service (:func:`publish_gaps`), not the
    gap's own count.
    """
    if published.empty:
        # the same words whether there is no gap or only gaps of counties whose counts are withheld
        return "No structural gap shows in the released counts.\n\n" + _COUNTIES_WITHHELD
    names = county_names or {}
    lines = []
    for row in published[published["gap"] == "eligibility"].itertuples(index=False):  # one sentence per gap (a handful)
        label = readable(row.service)
        who = clients_words(row._asdict()) or "any"
        lines.append(f"- **{label}** — no member serves {who} clients: {count_text(row.needs, 'needs')}.")
    deserts = published[published["gap"] != "eligibility"]
    for service, rows in deserts.groupby("service", sort=False):  # one sentence per service
        label = readable(service)
        where = "; ".join(f"{f'{names[c]} ({c})' if c in names else c}, {count_text(n, 'needs')} identified there"
                          for c, n in zip(rows["county_fips"], rows["needs"]))
        lines.append(f"- **{label}** — no eligible member serves some or all of the clients in {where}.")
    return "\n".join(lines) + "\n\n" + _COUNTIES_WITHHELD


_COUNTIES_WITHHELD = (
    "A county is listed only where its released count shows need. Where a county's needs are a few victims', the count is "
    "withheld, since it would tell what they have, and the county is not listed here. Report 01 lists the counties that no "
    "member serves and no provider reaches, for each service, unless the released count of their needs is 0: a withheld count "
    "keeps a county on that list."
)
"""Why a county gap may be missing from the list (:mod:`tfanalysis.publication.small_groups`)."""
