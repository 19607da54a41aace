"""Structural gaps (service × segment no member can serve) with their needs released, and in words."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tfanalysis.analyses.gaps import needs as gaps
from tfanalysis.analyses.gaps.eligibility import NEEDS_FRAME_VERSION
from tfanalysis.reports.gaps.scope import Scope
from tfanalysis.reports.labels import readable
from tfanalysis.publication.released import count_text
from tfanalysis.reports.gaps.shown import MARGIN


_SEGMENT = ["service", "gap", "seg_age", "seg_gender", "seg_nationality", "seg_language", "seg_county"]


def publish_gaps(rel: Any, data: Any, period: Any, scope: Scope, *, name: str) -> pd.DataFrame:
    """Structural gaps with their needs released: one row per gap (service × segment).

    Each need in a gap is labelled with its gap (a column derived for the needs, named by
    the scope: which rows can serve whom depends on the period) and the needs per gap are
    released. Rows are sorted by the released counts (hidden ones last), then by service.

    Returns
    -------
    pandas.DataFrame
        ``service``, ``gap``, ``age``, ``gender``, ``nationality``, ``language``,
        ``county_fips`` (``any`` where the segment does not depend on it), ``needs``
        (released).
    """
    found = gaps.gap_needs(data, period)
    # as structural_gaps counts them: a need whose client's county is unknown is no desert's
    found = found[found[_SEGMENT].notna().all(axis=1).to_numpy(bool)]
    columns = ["service", "gap", "age", "gender", "nationality", "language", "county_fips", "needs"]
    if found.empty:
        return pd.DataFrame(columns=columns)
    segments = found[_SEGMENT].astype("string")
    label = segments["service"].str.cat([segments[c] for c in _SEGMENT[1:]], sep="|")
    derived = f"gaps.structural_gap.v{NEEDS_FRAME_VERSION}[{scope.label}]"
    rel.derive("needs", derived, label)
    released = rel.table("needs", rows=derived, where=scope.where(**{derived: sorted(set(label))}), name=name)
    needs = released.shown.drop(index=MARGIN).iloc[:, 0]
    table = segments.assign(label=label).drop_duplicates("label").set_index("label")
    table = table.reindex(needs.index).set_axis(columns[:-1], axis=1).assign(needs=needs.to_numpy())
    table["_n"] = pd.to_numeric(table["needs"], errors="coerce").fillna(-1)
    table = table.sort_values(["gap", "_n", "service", "county_fips"], ascending=[True, False, True, True], kind="stable")
    return table.drop(columns="_n").reset_index(drop=True)


def gaps_table(published: pd.DataFrame, county_names: dict[str, str] | None = None) -> pd.DataFrame:
    """The structural gaps as a report table: services and counties in words (``Gallia (39053)``), ``any`` kept.

    Examples
    --------
    >>> g = pd.DataFrame({"service": ["food"], "gap": ["no provider in county"], "age": ["any"], "gender": ["any"],
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
    ...     "gap": ["eligibility", "no provider in county", "no provider in county"], "age": ["adult", "any", "any"],
    ...     "gender": ["male", "any", "any"], "nationality": ["any"] * 3, "language": ["any"] * 3,
    ...     "county_fips": ["any", "39053", "39115"], "needs": [50, "hidden", 12]})
    >>> print(structural_gaps_markdown(g, county_names={"39053": "Gallia"}))
    - **Housing: emergency** — no member serves adult, male clients: 50 needs.
    - **Mental health care (emergency and long-term)** — no eligible member serves clients in Gallia (39053), a hidden number of needs; 39115, 12 needs.
    """
    from tfanalysis.analyses.gaps.eligibility import CRITERIA
    if published.empty:
        return "No structural gap: every identified need had at least one member able to serve it."
    names = county_names or {}
    lines = []
    for row in published[published["gap"] == "eligibility"].itertuples(index=False):  # one sentence per gap (a handful)
        label = readable(row.service)
        who = ", ".join(str(getattr(row, c)) for c in CRITERIA if getattr(row, c) != gaps.ANY) or "any"
        lines.append(f"- **{label}** — no member serves {who} clients: {count_text(row.needs, 'needs')}.")
    deserts = published[published["gap"] != "eligibility"]
    for service, rows in deserts.groupby("service", sort=False):  # one sentence per service
        label = readable(service)
        where = "; ".join(
            f"{names[c]} ({c}), {count_text(n, 'needs')}" if c in names else f"{c}, {count_text(n, 'needs')}"
            for c, n in zip(rows["county_fips"], rows["needs"])
        )
        lines.append(f"- **{label}** — no eligible member serves clients in {where}.")
    return "\n".join(lines)
