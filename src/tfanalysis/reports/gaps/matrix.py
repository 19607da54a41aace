"""Needs not met per group of services × county, released as fine as the release can protect."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from tfanalysis.publication import ByGroups
from tfanalysis.publication.cells import MISSING
from tfanalysis.reports.gaps.outcomes import NOT_MET, OUTCOME
from tfanalysis.reports.gaps.scope import Scope
from tfanalysis.reports.gaps.shown import MARGIN


OTHER_COUNTIES = "other counties"
ALL_COUNTIES = "all counties"


def _need_groups(codes: Iterable[str]) -> dict[str, list[str]]:
    """The e-Guide groups of these need codes (in the taxonomy's order), each with its codes."""
    from tfanalysis.data.taxonomy import GROUP_LABELS, NEED_GROUPS

    groups: dict[str, list[str]] = {}
    order = list(GROUP_LABELS)
    for code in sorted({str(c) for c in codes if str(c) != MISSING}):
        groups.setdefault(NEED_GROUPS.get(code, "other"), []).append(code)
    ranked = sorted(groups, key=lambda g: order.index(g) if g in order else len(order))
    return {GROUP_LABELS.get(g, "Other needs"): groups[g] for g in ranked}


def publish_gap_matrix(rel: Any, scope: Scope, *, counties: int = 5, name: str) -> pd.DataFrame:
    """Needs not met per group of services × county: the counties whose own count is shown, then the rest.

    The counties are those with the most needs not met among the counties whose count is
    shown (a per-county table is released first); the others are one column, and a last
    column holds every county. Rows are the e-Guide's groups of needs: a group is a set of
    need codes, so every count stays a predicate on the ``need`` column.

    When no suppression pattern of the table can protect it against what the run already
    released (:class:`~tfanalysis.publication.DisclosureError`), it is released coarser:
    with one county of its own fewer at a time, down to the groups in all counties. A table
    that cannot be protected even then is not shown (an empty frame).

    Returns
    -------
    pandas.DataFrame
        Rows: group labels; columns: county FIPS codes, ``other counties`` (when any),
        ``all counties``; released counts (ints or ``hidden``).
    """
    from tfanalysis.publication import DisclosureError

    not_met = {OUTCOME: list(NOT_MET)}
    per_county = rel.table("needs", rows="county_fips", where=scope.where(**not_met), name=f"{name}: per county")
    numbers = per_county.numbers()
    numbers = numbers[(numbers > 0) & (numbers.index != MISSING)]
    ranked = sorted(numbers.index, key=lambda c: (-numbers[c], c))[: max(counties, 0)]
    units = rel.units("needs")
    present = scope.counties(pd.unique(units["county_fips"].to_numpy(dtype=object)))
    groups = ByGroups("need", _need_groups(pd.unique(units["need"].to_numpy(dtype=object))))
    where = scope.where(region=scope.region_column != "county_fips", **not_met)
    for n in range(len(ranked), -1, -1):  # the finest table the release can protect
        own = ranked[:n]
        others = [c for c in present if c not in own]
        try:
            if not own:
                in_region = {"county_fips": others} if scope.region_column == "county_fips" else {}
                table = rel.table("needs", rows=groups, where={**where, **in_region}, name=name)
                return _tagged(table.shown.drop(index=MARGIN).set_axis([ALL_COUNTIES], axis=1), table.name)
            columns = {c: [c] for c in own}
            if others:
                columns[OTHER_COUNTIES] = others
            table = rel.table("needs", rows=groups, columns=ByGroups("county_fips", columns), where=where, name=name)
            return _tagged(table.shown.drop(index=MARGIN).rename(columns={MARGIN: ALL_COUNTIES}), table.name)
        except DisclosureError:  # nothing was released: try one county fewer
            continue
    return pd.DataFrame(index=pd.Index([], name="need"), columns=[ALL_COUNTIES])


def _tagged(shown: pd.DataFrame, name: str) -> pd.DataFrame:
    """The matrix with the name of the table it shows and the label its total has there (figures tag their traces with them for ``tfanalysis audit``)."""
    shown.attrs["release"] = name
    shown.attrs["released_as"] = {ALL_COUNTIES: MARGIN}
    return shown
