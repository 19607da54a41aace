"""Where to add capacity: sites for new providers of a service, chosen from released counts only."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.reports.gaps.outcomes import NOT_MET, OUTCOME
from tfanalysis.reports.gaps.scope import Scope
from tfanalysis.reports.labels import readable
from tfanalysis.publication.released import count_text


def _county_frame(data: Any) -> pd.DataFrame:
    from tfanalysis import geo
    from tfanalysis.analyses.service_areas import task_force_states

    vintage = geo.dataset_vintage(data)
    states = task_force_states(data.members)
    counties = geo.counties(states, vintage=vintage).set_index("county_fips")[["name"]]
    return counties.join(geo.county_centroids(states, vintage=vintage))


def released_demand(numbers: pd.Series, threshold: int) -> pd.Series:
    """Demand per county to place sites on, from released counts: a hidden county counts as half the threshold.

    The one rule every report places sites by (report 02 here, report 06's what-if): the
    choice depends on nothing the release does not show. Counties of no demand are left out.

    Examples
    --------
    >>> released_demand(pd.Series({"a": 12.0, "b": float("nan"), "c": 0.0}), 11).to_dict()
    {'a': 12.0, 'b': 5.0}
    """
    weights = numbers.astype(float).fillna((threshold - 1) / 2)
    return weights[weights > 0]


def publish_sites(rel: Any, data: Any, service: str, scope: Scope, *, k: int = 3, max_miles: float = 60.0,
                  period: Any = None, name: str) -> tuple[pd.DataFrame, pd.Series]:
    """Where new providers of ``service`` would reach the most needs not met, from released counts only.

    The needs of ``service`` not met are released per county of the task force's states
    (of the region; a county with none shows 0). The sites are chosen by greedy maximal
    coverage (:func:`tfanalysis.analyses.gaps.sites.recommend_sites`) on those released counts, a hidden
    county counting as half the threshold: the choice depends on nothing the release does
    not show. The needs within reach of the sites so far are released as counts of their
    own, and their share of all the service's needs not met is shown where both are shown.

    Returns
    -------
    (sites, per_county)
        ``sites``: one row per site: ``rank``, ``county_fips``, ``name``,
        ``needs_within_reach`` (released, cumulative), ``share_of_needs_not_met`` (%,
        cumulative), ``counties_within_reach`` (counties of the region within
        ``max_miles`` of the sites so far: geography, not a victim count), ``lat``, ``lon``.
        ``per_county``: the released counts per county (ints or ``hidden``), for the map.
        Both empty without a service.
    """
    from tfanalysis.analyses.gaps.sites import coverage_matrix, recommend_sites

    columns = ["rank", "county_fips", "name", "needs_within_reach", "share_of_needs_not_met", "counties_within_reach", "lat", "lon"]
    if not service:
        return pd.DataFrame(columns=columns), pd.Series(dtype=object)
    where = scope.where(need=service, **{OUTCOME: list(NOT_MET)})
    frame = _county_frame(data)
    counties = scope.counties(frame.index)
    by_county = rel.table("needs", rows="county_fips", where=where, levels={"county_fips": counties}, name=f"{name}: per county")
    weights = released_demand(by_county.numbers(), by_county.threshold)
    sites = recommend_sites(data, service, k=k, max_miles=max_miles, period=period, demand=weights) if len(weights) else pd.DataFrame()
    if sites.empty:
        return pd.DataFrame(columns=columns), by_county.inner()
    located = frame.reindex(counties).dropna(subset=["lat", "lon"])
    reached = np.cumsum(coverage_matrix(located, sites, max_miles).toarray() > 0, axis=1) > 0
    total = by_county.value()
    rows = []
    for j, site in enumerate(sites.itertuples(index=False)):  # one released count per site (a few)
        within = located.index[reached[:, j]].tolist()
        count = rel.count("needs", where={**where, "county_fips": within}, name=f"{name}: within reach of sites 1 to {j + 1}")
        value = count.value()
        share = round(100 * value / total, 1) if value is not None and total else np.nan
        rows.append((site.rank, site.county_fips, site.name, count.shown.iloc[0, 0], share, len(within), site.lat, site.lon))
    return pd.DataFrame(rows, columns=columns), by_county.inner()


def sites_markdown(sites: pd.DataFrame, service: str, max_miles: float, per_county: pd.Series | None = None) -> str:
    """Read the recommended sites (:func:`publish_sites`) in a sentence.

    Sites in more than one state name their state. Where every county's count of needs
    not met is hidden (``per_county``, as :func:`publish_sites` returns it), each county
    weighed the same (half the threshold): the sentence says that the order is one of
    counties reached, not of need.

    Examples
    --------
    >>> s = pd.DataFrame({"rank": [1], "county_fips": ["39073"], "name": ["Hocking"], "needs_within_reach": [29],
    ...     "share_of_needs_not_met": [64.4], "counties_within_reach": [7]})
    >>> print(sites_markdown(s, "mental_health_care", 60))
    A new provider of Mental health care (emergency and long-term) in **Hocking** County would reach 29 needs not yet met in the 7 counties within 60 miles (64% of them).
    >>> two = pd.DataFrame({"rank": [1, 2], "county_fips": ["06063", "48057"], "name": ["Plumas", "Calhoun"],
    ...     "needs_within_reach": ["hidden", 14], "share_of_needs_not_met": [np.nan, 50.0], "counties_within_reach": [3, 9]})
    >>> print(sites_markdown(two, "mental_health_care", 60, pd.Series({"06063": "hidden", "48057": "hidden", "48001": 0})))  # doctest: +NORMALIZE_WHITESPACE
    A new provider of Mental health care (emergency and long-term) in **Plumas** (CA), then **Calhoun** (TX) Counties would
    reach 14 needs not yet met in the 9 counties within 60 miles (50% of them). Every county's count of these needs that is
    not shown as 0 is hidden, so each such county weighed the same: the sites are those that reach the most of them, in
    that order, not a ranking of need.

    A third task force read "a hidden number" beside its table's 27 for the first site alone:

    >>> three = pd.DataFrame({"rank": [1, 2, 3], "county_fips": ["27171", "27061", "27033"], "name": ["Wright", "Itasca", "Cottonwood"],
    ...     "needs_within_reach": [27, "hidden", "hidden"], "share_of_needs_not_met": [58.7, np.nan, np.nan], "counties_within_reach": [22, 30, 39]})
    >>> print(sites_markdown(three, "case_management", 60))  # doctest: +NORMALIZE_WHITESPACE
    A new provider of Case management in **Wright**, then **Itasca**, then **Cottonwood** Counties would reach at least 27
    needs (all 3 together: a hidden number) not yet met in the 39 counties within 60 miles.
    """
    if not service:
        return "No service's count of needs is shown (or none was identified in this period): no site is placed."
    label = readable(service)
    if sites.empty:
        return f"No need of {label} not yet met is shown: no site is placed."
    states = sites["county_fips"].astype(str).str[:2]
    if states.nunique() > 1:
        from tfanalysis import geo

        names = ", then ".join(f"**{n}** ({geo.state_abbr(st)})" for n, st in zip(sites["name"], states))
    else:
        names = ", then ".join(f"**{n}**" for n in sites["name"])
    last = sites.iloc[-1]
    place = "County" if len(sites) == 1 else "Counties"
    share = "" if pd.isna(last["share_of_needs_not_met"]) else f" ({last['share_of_needs_not_met']:.0f}% of them)"
    reach = count_text(last["needs_within_reach"], "needs")
    shown_before = [v for v in sites["needs_within_reach"].iloc[:-1] if not isinstance(v, str) and pd.notna(v)]
    if isinstance(last["needs_within_reach"], str) and shown_before:  # the sites' counts add up: the first ones shown bound the total
        reach = f"at least {int(max(shown_before)):,} needs (all {len(sites)} together: a hidden number)"
    text = (
        f"A new provider of {label} in {names} {place} would reach {reach} not yet met "
        f"in the {int(last['counties_within_reach'])} counties within {max_miles:g} miles{share}."
    )
    if per_county is not None:
        with_need = per_county[per_county.map(lambda v: isinstance(v, str) or (pd.notna(v) and v != 0))]
        if len(with_need) and with_need.map(lambda v: isinstance(v, str)).all():
            # said of the counties not shown as 0 only: the map beside it shows the zeros
            text += (" Every county's count of these needs that is not shown as 0 is hidden, so each such county weighed the "
                     "same: the sites are those that reach the most of them, in that order, not a ranking of need.")
    return text
