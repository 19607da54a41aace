"""The baseline and each scenario, compared for one reporting period.

Each version of the data (the baseline, and the data as a scenario would make them,
:func:`tfanalysis.analyses.scenarios.apply.apply`) goes through the suite's own analyses, with the
same period, region and thresholds:

- **access** per county × service (:func:`tfanalysis.analyses.coverage.county_service_coverage`)
  for the services the scenario touches (the services of the capacity rows it adds, removes
  or changes, and those they meet: generic ``housing`` meets every housing subtype), and
  the **deserts** among them (:func:`tfanalysis.analyses.coverage.deserts`);
- **structural gaps** (:func:`tfanalysis.analyses.gaps.needs.structural_gaps`, read from the needs' reach);
- **utilization** per service (:func:`tfanalysis.analyses.gaps.needs.demand_capacity`, ``by=None``);
- the **reach** of every need identified in the period (:func:`need_reach`): whether some
  eligible capacity row serves the client's county (:func:`tfanalysis.analyses.gaps.eligibility.match_needs`),
  and if not the structural-gap segment it falls in. A need is *reached* by the scenario
  when it had no eligible in-county capacity and has some, *lost* the other way round;
- **recommended sites** (:func:`tfanalysis.analyses.gaps.needs.recommend_sites`) for the touched services,
  with the needs as the scenario would leave them (:func:`expected_needs`).

The tables here hold true counts of needs: the report shows them through the publication
layer (:mod:`tfanalysis.reports.what_if`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tfanalysis.analyses import coverage
from tfanalysis.analyses.capacity_in_force import period_window
from tfanalysis.analyses.gaps import needs as gaps
from tfanalysis.analyses.gaps.eligibility import CRITERIA, match_needs, needs_in_period
from tfanalysis.analyses.scenarios.apply import apply_all
from tfanalysis.analyses.scenarios.spec import Scenario
from tfanalysis.data import contract, taxonomy
from tfanalysis.data.io import TaskForceData
from tfanalysis.data.periods import PeriodLike, named_label, parse_period

__all__ = [
    "GAP_KEYS",
    "Comparison",
    "Version",
    "WhatIf",
    "access_changes",
    "analyse",
    "compare",
    "expected_needs",
    "gap_changes",
    "need_reach",
    "reach_changes",
    "site_changes",
    "sites_side_by_side",
    "touched_services",
    "utilization_changes",
]

GAP_KEYS: list[str] = ["service", "gap", *CRITERIA, "county_fips"]
"""The columns that name a structural-gap segment (as in :func:`tfanalysis.analyses.gaps.needs.structural_gaps`)."""

SEGMENT_SEPARATOR = " | "

_COVERAGE_COLUMNS = ["county_fips", "county", "state", "service", "residents", "members_serving", "capacity_per_month",
                     "capacity_per_100k", "nearest_miles", "need", "access"]


@dataclass
class Version:
    """One version of the data analysed for the period (the baseline, or a scenario's)."""

    name: str
    data: TaskForceData
    coverage: pd.DataFrame
    reach: pd.DataFrame
    gaps: pd.DataFrame
    demand: pd.DataFrame


@dataclass
class Comparison:
    """A scenario against the baseline: each table compares the two versions."""

    scenario: Scenario
    version: Version
    changes: pd.DataFrame
    services: list[str]
    named_services: list[str]
    access: pd.DataFrame
    gaps: pd.DataFrame
    reach: pd.Series
    utilization: pd.DataFrame
    sites: pd.DataFrame


@dataclass
class WhatIf:
    """The baseline and every scenario compared, for one period."""

    baseline: Version
    comparisons: list[Comparison] = field(default_factory=list)
    period: PeriodLike = None
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    label: str = ""
    max_miles: float = 60.0
    site_count: int = 3


# --------------------------------------------------------------------------- per version


def touched_services(before: pd.DataFrame, after: pd.DataFrame, *, met: bool = True) -> list[str]:
    """Services whose capacity differs between two capacity tables, and the services they meet.

    A row is compared by its label: present in one table only, or with another value in
    a contract column. ``met=False``: the rows' own service codes only.

    Examples
    --------
    >>> before = pd.DataFrame({"member_id": ["a", "b"], "service": ["food", "housing"], "capacity_per_month": [3.0, 2.0]})
    >>> after = before.assign(capacity_per_month=[3.0, 5.0])
    >>> touched_services(before, after)
    ['housing', 'housing_emergency', 'housing_permanent', 'housing_transitional']
    >>> touched_services(before, after, met=False)
    ['housing']
    """
    columns = [c for c in contract.CAPACITY.column_names if c in before.columns and c in after.columns]
    common = before.index.intersection(after.index)
    differs = (before.loc[common, columns].astype("string").fillna("") != after.loc[common, columns].astype("string").fillna("")).any(axis=1)
    rows = pd.concat([
        before.loc[before.index.difference(after.index), "service"], after.loc[after.index.difference(before.index), "service"],
        before.loc[common[differs.to_numpy(bool)], "service"], after.loc[common[differs.to_numpy(bool)], "service"],
    ]).dropna().astype(str).unique()
    if not len(rows) or not met:
        return sorted(rows)
    pairs = pd.MultiIndex.from_product([rows, list(taxonomy.SERVICE_CODES)], names=["offered", "service"]).to_frame(index=False)
    met = pairs[taxonomy.service_covers_need(pairs["offered"], pairs["service"]).to_numpy(bool)]
    return sorted(set(met["service"]))


def need_reach(data: TaskForceData, period: PeriodLike = None) -> pd.DataFrame:
    """For every need identified in the period: can an eligible member serve it where the client is?

    Parameters
    ----------
    data : TaskForceData
        The whole dataset (or a scenario's version of it).
    period : str, pair or None

    Returns
    -------
    pandas.DataFrame
        Indexed by the needs' row labels in ``data.needs``: ``need``, ``status``,
        ``client_id``, ``reached`` (bool: some eligible capacity row serves the client's
        county), the structural-gap segment of the needs not reached (:data:`GAP_KEYS`, as
        in :func:`tfanalysis.analyses.gaps.needs.structural_gaps`; empty for needs reached) and
        ``segment``, the same as one text.
    """
    start, end, _ = period_window(data, period)
    scoped = data.in_period((start, end))
    matched = match_needs(needs_in_period(data, (start, end), scoped=scoped), scoped.capacity, scoped.members)
    matched.index = scoped.needs.index  # client_needs keeps the needs' order: give them their labels back
    reached = matched["eligible_in_county"].to_numpy(bool)
    eligibility = ~reached & ~matched["eligible_anywhere"].to_numpy(bool)
    client_value = {"age": "age", "gender": "gender", "nationality": "nationality", "language": "primary_language"}
    out = pd.DataFrame({"need": matched["need"].astype("string"), "status": matched["status"].astype("string"),
                        "client_id": matched["client_id"].astype("string"), "reached": reached}, index=matched.index)
    out["service"] = out["need"]
    out["gap"] = np.where(eligibility, "eligibility", "no eligible provider in county")
    for criterion in CRITERIA:
        shown = eligibility & matched[f"blocked_{criterion}"].to_numpy(bool)
        out[criterion] = np.where(shown, matched[client_value[criterion]].astype(str), gaps.ANY)
    out["county_fips"] = np.where(eligibility, gaps.ANY, matched["county_fips"].astype(str))
    out[GAP_KEYS] = out[GAP_KEYS].astype("string").mask(np.broadcast_to(reached[:, None], (len(out), len(GAP_KEYS))))
    out["segment"] = out[GAP_KEYS[0]].str.cat(out[GAP_KEYS[1:]], sep=SEGMENT_SEPARATOR)
    return out


def analyse(data: TaskForceData, period: PeriodLike, name: str, *, services: Sequence[str], region: str | None = None,
            max_miles: float = 60.0, decay: str = "step") -> Version:
    """Run the analyses the comparison needs on one version of the data."""
    if services:
        table = coverage.county_service_coverage(data, period, region=region, services=list(services), max_miles=max_miles, decay=decay)
        found = coverage.deserts(table=table, max_miles=max_miles)
        keys = pd.MultiIndex.from_frame(found[["county_fips", "service"]].astype(str))
        table["desert"] = pd.MultiIndex.from_frame(table[["county_fips", "service"]].astype(str)).isin(keys)
    else:
        table = pd.DataFrame(columns=[*_COVERAGE_COLUMNS, "desert"])
    reach = need_reach(data, period)
    return Version(name, data, table, reach, structural_gaps(reach), gaps.demand_capacity(data, period, by=None))


def structural_gaps(reach: pd.DataFrame) -> pd.DataFrame:
    """The structural gaps of :func:`tfanalysis.analyses.gaps.needs.structural_gaps`, from :func:`need_reach` (one matching, not two).

    Examples
    --------
    >>> reach = pd.DataFrame({"client_id": ["c1", "c1", "c2"], "status": ["unmet", "met", "unmet"],
    ...     **{k: ["food", "food", pd.NA] if k == "service" else ["any", "any", pd.NA] for k in GAP_KEYS}}).assign(need="food")
    >>> structural_gaps(reach)[["service", "clients", "needs", "met"]].values.tolist()
    [['food', 1, 2, 1]]
    """
    open_ = reach[reach["service"].notna().to_numpy(bool)]
    open_ = open_.assign(_met=(open_["status"] == "met").fillna(False).astype("int64"))
    table = open_.groupby(GAP_KEYS).agg(clients=("client_id", "nunique"), needs=("need", "size"), met=("_met", "sum")).reset_index()
    table = table.sort_values(["gap", "needs", "service"], ascending=[True, False, True], ignore_index=True)
    return table.astype({c: "string" for c in GAP_KEYS}).astype({c: "int64" for c in ("clients", "needs", "met")})


# --------------------------------------------------------------------------- before and after


def access_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Coverage per county × service, before and after (tables of :func:`analyse`'s ``coverage``).

    Returns
    -------
    pandas.DataFrame
        ``county_fips``, ``county``, ``service``, ``residents``; ``access``,
        ``members_serving``, ``capacity_per_month``, ``nearest_miles`` and ``desert``, each
        ``_before`` and ``_after``; ``changed`` (any of them differs). No count of needs.

    Examples
    --------
    >>> b = pd.DataFrame({"county_fips": ["1", "2"], "county": ["A", "B"], "service": ["food"] * 2, "residents": [10, 20],
    ...     "access": [0.0, 5.0], "members_serving": [0, 1], "capacity_per_month": [0.0, 2.0], "nearest_miles": [80.0, 3.0],
    ...     "desert": [True, False]})
    >>> a = b.assign(access=[4.0, 5.0], members_serving=[1, 1], nearest_miles=[10.0, 3.0], desert=[False, False])
    >>> access_changes(b, a)[["county", "access_before", "access_after", "desert_before", "desert_after", "changed"]].values.tolist()
    [['A', 0.0, 4.0, True, False, True], ['B', 5.0, 5.0, False, False, False]]
    """
    keys = ["county_fips", "county", "service", "residents"]
    measures = ["access", "members_serving", "capacity_per_month", "nearest_miles", "desert"]
    table = before[keys + measures].merge(after[["county_fips", "service", *measures]], on=["county_fips", "service"],
                                           how="outer", suffixes=("_before", "_after"))
    differs = np.zeros(len(table), dtype=bool)
    for m in measures:
        a, b = table[f"{m}_before"], table[f"{m}_after"]
        if m in ("access", "capacity_per_month", "nearest_miles"):
            same = np.isclose(a.astype(float), b.astype(float), equal_nan=True)
        else:
            same = (a.astype("string").fillna("") == b.astype("string").fillna("")).to_numpy(bool)
        differs |= ~same
    table["changed"] = differs
    columns = keys + [f"{m}_{when}" for m in measures for when in ("before", "after")] + ["changed"]
    return table[columns].sort_values(["service", "county_fips"], ignore_index=True)


def gap_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Structural gaps before and after, segment by segment (true counts).

    Examples
    --------
    >>> seg = {"service": ["housing_emergency"], "gap": ["eligibility"], "age": ["adult"], "gender": ["male"],
    ...        "nationality": ["any"], "language": ["any"], "county_fips": ["any"]}
    >>> b = pd.DataFrame({**seg, "clients": [4], "needs": [5], "met": [0]})
    >>> gap_changes(b, b.iloc[:0])[["service", "needs_before", "needs_after"]].values.tolist()
    [['housing_emergency', 5, 0]]
    """
    table = before[GAP_KEYS + ["clients", "needs"]].merge(after[GAP_KEYS + ["clients", "needs"]], on=GAP_KEYS, how="outer",
                                                           suffixes=("_before", "_after"))
    counts = ["clients_before", "needs_before", "clients_after", "needs_after"]
    table[counts] = table[counts].fillna(0).astype("int64")
    table["segment"] = table[GAP_KEYS[0]].astype(str).str.cat(table[GAP_KEYS[1:]].astype(str), sep=SEGMENT_SEPARATOR)
    return table.sort_values(["gap", "service", "segment"], ignore_index=True)


def reach_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.Series:
    """Per need: ``reached`` (eligible in-county capacity appears), ``lost`` (it disappears) or ``same``.

    Examples
    --------
    >>> b = pd.DataFrame({"reached": [False, True, True]}, index=[10, 11, 12])
    >>> reach_changes(b, pd.DataFrame({"reached": [True, False, True]}, index=[10, 11, 12])).tolist()
    ['reached', 'lost', 'same']
    """
    was, now = before["reached"].to_numpy(bool), after["reached"].reindex(before.index).fillna(False).to_numpy(bool)
    return pd.Series(np.where(now & ~was, "reached", np.where(was & ~now, "lost", "same")), index=before.index, name="reach", dtype="string")


def utilization_changes(before: pd.DataFrame, after: pd.DataFrame, services: Iterable[str]) -> pd.DataFrame:
    """Places and utilization per service, before and after (:func:`tfanalysis.analyses.gaps.needs.demand_capacity`, ``by=None``).

    Returns
    -------
    pandas.DataFrame
        ``service``, ``needs`` (true count: release it), ``needs_per_month``,
        ``places_per_month_before``/``_after``, ``utilization_before``/``_after``.

    Examples
    --------
    >>> b = pd.DataFrame({"service": ["food"], "needs": [12], "needs_per_month": [4.0], "places_per_month": [2.0], "utilization": [2.0]})
    >>> utilization_changes(b, b.assign(places_per_month=[8.0], utilization=[0.5]), ["food"])[["utilization_before", "utilization_after"]].values.tolist()
    [[2.0, 0.5]]
    """
    wanted = pd.DataFrame({"service": pd.array(sorted(set(services)), dtype="string")})
    cols = ["service", "places_per_month", "utilization"]
    table = wanted.merge(before[["service", "needs", "needs_per_month", *cols[1:]]].astype({"service": "string"}), on="service", how="left")
    table = table.merge(after[cols].astype({"service": "string"}), on="service", how="left", suffixes=("_before", "_after"))
    table = table[table["needs"].notna() | table["places_per_month_before"].notna()]
    return table.fillna({"needs": 0}).astype({"needs": "int64"}).reset_index(drop=True)


def expected_needs(data: TaskForceData, reach: pd.Series) -> TaskForceData:
    """The needs as a scenario would leave them, as far as reach goes.

    A need not met (``unmet`` or ``in_progress``) that the scenario reaches counts as met;
    a need the scenario loses (its only eligible in-county capacity gone) counts as unmet,
    unless the client declined it. Places are not modelled: a reach, not a simulation.

    Examples
    --------
    >>> needs = pd.DataFrame({"status": ["unmet", "met", "met", "declined_by_client"]})
    >>> d = TaskForceData(*[needs if n == "needs" else pd.DataFrame() for n in contract.TABLES])
    >>> expected_needs(d, pd.Series(["reached", "lost", "same", "lost"])).needs["status"].tolist()
    ['met', 'unmet', 'met', 'declined_by_client']
    """
    change = reach.reindex(data.needs.index).fillna("same").to_numpy(dtype=object)
    status = data.needs["status"].astype("string")
    open_ = status.isin(["unmet", "in_progress"]).to_numpy(bool)
    declined = (status == "declined_by_client").to_numpy(bool)
    new = np.where((change == "reached") & open_, "met", np.where((change == "lost") & ~declined, "unmet", status.to_numpy(dtype=object)))
    return data.replace(needs=data.needs.assign(status=pd.array(new, dtype="string")))


def sites_side_by_side(sites: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Site lists (``rank``, ``name``) side by side by rank: one column of county names per list, empty past its end.

    Examples
    --------
    >>> a, b = pd.DataFrame({"rank": [1, 2], "name": ["Hocking", "Ashland"]}), pd.DataFrame({"rank": [1], "name": ["Ashland"]})
    >>> sites_side_by_side({"now": a, "with": b}).fillna("").values.tolist()
    [[1, 'Hocking', 'Ashland'], [2, 'Ashland', '']]
    """
    ranks = pd.DataFrame({"rank": np.arange(1, max(len(t) for t in sites.values()) + 1)})
    for column, table in sites.items():
        ranks = ranks.merge(table[["rank", "name"]].astype({"rank": "int64"}).rename(columns={"name": column}), on="rank", how="left")
    return ranks


def site_changes(before: TaskForceData, after: TaskForceData, services: Iterable[str], *, period: PeriodLike, k: int = 3,
                 max_miles: float = 60.0) -> pd.DataFrame:
    """Recommended sites per service, before and after (:func:`tfanalysis.analyses.gaps.needs.recommend_sites`).

    Returns
    -------
    pandas.DataFrame
        ``service``, ``rank``, ``site_before``, ``site_after`` (county names; empty when
        fewer sites are worth recommending).
    """
    parts = []
    for service in services:  # a few touched services
        sites = [gaps.recommend_sites(d, service, k=k, max_miles=max_miles, period=period) for d in (before, after)]
        if sites[0].empty and sites[1].empty:
            continue
        parts.append(sites_side_by_side({"site_before": sites[0], "site_after": sites[1]}).assign(service=service))
    if not parts:
        return pd.DataFrame(columns=["service", "rank", "site_before", "site_after"])
    return pd.concat(parts, ignore_index=True)[["service", "rank", "site_before", "site_after"]]


# --------------------------------------------------------------------------- everything


def compare(data: TaskForceData, scenarios: Sequence[Scenario], period: PeriodLike = None, *, region: str | None = None,
            max_miles: float = 60.0, decay: str = "step", site_count: int = 3) -> WhatIf:
    """Compare the baseline with each scenario for a reporting period.

    Parameters
    ----------
    data : TaskForceData
        The whole dataset (the baseline).
    scenarios : sequence of Scenario
        Checked against the data (:func:`tfanalysis.analyses.scenarios.apply.load_scenarios`).
    period : str, pair or None
    region : str, optional
        The counties the access maps cover (:func:`tfanalysis.analyses.coverage.region_counties`).
    max_miles, decay
        Catchment and distance decay of access, and the desert threshold (as in the
        coverage report); ``max_miles`` is also the reach of a recommended site.
    site_count : int
        Sites recommended per touched service.

    Returns
    -------
    WhatIf
    """
    start, end, label = period_window(data, period)
    if parse_period(period).start is not None:
        label = named_label(parse_period(period))  # 2025-10-01..2025-12-31 from the runner reads 2025Q4
    versions = [(scenario, changed, log) for scenario, (changed, log) in zip(scenarios, apply_all(data, scenarios))]
    touched = {scenario.name: touched_services(data.capacity, changed.capacity) for scenario, changed, _ in versions}
    every = sorted(set().union(*touched.values())) if touched else []
    baseline = analyse(data, period, "baseline", services=every, region=region, max_miles=max_miles, decay=decay)
    out = WhatIf(baseline, [], period, start, end, label, max_miles, site_count)
    for scenario, changed, log in versions:  # a handful of scenarios
        services = touched[scenario.name]
        version = analyse(changed, period, scenario.name, services=services, region=region, max_miles=max_miles, decay=decay)
        mine = baseline.coverage[baseline.coverage["service"].isin(services)] if len(baseline.coverage) else baseline.coverage
        reach = reach_changes(baseline.reach, version.reach)
        needed = [s for s in services if (baseline.reach["need"] == s).any()]
        out.comparisons.append(Comparison(
            scenario=scenario,
            version=version,
            changes=log,
            services=services,
            named_services=touched_services(data.capacity, changed.capacity, met=False),
            access=access_changes(mine, version.coverage),
            gaps=gap_changes(baseline.gaps, version.gaps),
            reach=reach,
            utilization=utilization_changes(baseline.demand, version.demand, services),
            sites=site_changes(data, expected_needs(changed, reach), needed, period=period, k=site_count, max_miles=max_miles),
        ))
    return out
