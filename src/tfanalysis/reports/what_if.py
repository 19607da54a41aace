"""What the what-if report shows: every count of needs through the publication layer.

:func:`publish` turns a :class:`~tfanalysis.analyses.scenarios.compare.WhatIf` into what notebook
``06_what_if`` displays. Counts of needs are released by the notebook's
:class:`~tfanalysis.publication.Release` (``rel``), which counts them itself:

- the needs each scenario would reach or lose are a column derived for the needs
  (``scenarios.reach.v<n>.<scenario key>.<period>``, ``n`` the needs frame's version) and released per service;
- structural-gap sizes are released from each version's segment per need
  (``scenarios.gap.v<n>.<version key>.<period>``), every segment of either version listed, so a
  gap that closes shows a released 0;
- needs per county (map hover, deserts) and per service (behind utilization) are released
  per service; a utilization rests on its count of needs and is shown only where that
  count is shown;
- the sites recommended for a new provider, now and with the scenario, are chosen from the
  needs not met per county as released (a hidden county counting as half the threshold), as
  report 02 chooses its own: the analysis's sites (``Comparison.sites``), chosen from the true
  counts, would order counties the release hides.

Access, capacity, places, distances, members and counties are not victim counts and are
shown as they are. Prose quotes released values only; a change in a gap's size is named
only when both sizes are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis import geo
from tfanalysis.analyses import coverage
from tfanalysis.analyses.gaps.eligibility import NEEDS_FRAME_VERSION
from tfanalysis.analyses.scenarios.compare import Comparison, GAP_KEYS, SEGMENT_SEPARATOR, WhatIf
from tfanalysis.data import taxonomy
from tfanalysis.publication import Interval, Released
from tfanalysis.publication.privacy import HIDDEN
from tfanalysis.reports.coverage import region_geojson
from tfanalysis.reports.labels import clients_words, listed, measure_text, readable

__all__ = ["ScenarioPage", "WhatIfPage", "gap_words", "named_anew", "publish", "scenario_markdown", "show", "summary_markdown"]

REACH = ("reached", "lost")
NOT_MET = ["unmet", "in_progress"]


@dataclass
class ScenarioPage:
    """What the report shows of one scenario: tables ready to print, a figure, a paragraph."""

    name: str
    description: str
    changes: pd.DataFrame
    access: pd.DataFrame
    deserts: pd.DataFrame
    gaps: pd.DataFrame
    reach: Released
    reach_not_met: Released
    utilization: pd.DataFrame
    sites: pd.DataFrame
    counties_better: int = 0
    counties_worse: int = 0
    figure: Any = None
    text: str = ""


@dataclass
class WhatIfPage:
    """The what-if report: one page per scenario and a summary row each."""

    label: str
    pages: list[ScenarioPage] = field(default_factory=list)
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)


# --------------------------------------------------------------------------- releases


def _window(whatif: WhatIf) -> dict[str, Interval]:
    return {"identified_on": Interval(whatif.start, whatif.end)}


def _period_key(whatif: WhatIf) -> str:
    return f"{whatif.start:%Y%m%d}-{whatif.end:%Y%m%d}"


def _county_needs(rel: Any, whatif: WhatIf, service: str, counties: list[str], cache: dict) -> pd.Series:
    """Needs the service meets identified in the period, per client county, as released (cached per service)."""
    if service not in cache:
        every = pd.Series(list(taxonomy.SERVICE_CODES), dtype="string")
        codes = every[taxonomy.service_covers_need(pd.Series(service, index=every.index, dtype="string"), every).to_numpy(bool)].tolist()
        released = rel.table("needs", rows="county_fips", where={**_window(whatif), "need": codes}, levels={"county_fips": counties},
                             name=f"06 needs per county: {readable(service)}")
        cache[service] = released.inner()
        cache[(service, "at least one")] = released.at_least_one()
    return cache[service]


def _county_had_need(rel: Any, whatif: WhatIf, service: str, counties: list[str], cache: dict, county: str) -> bool:
    """Whether the released count of a county's needs of a service says there was need (above 0, or hidden and not withheld)."""
    _county_needs(rel, whatif, service, counties, cache)
    return bool(cache[(service, "at least one")].get(county, False))


def _gap_table(rel: Any, whatif: WhatIf, comparison: Comparison) -> pd.DataFrame:
    """Every segment of either version, its needs released before and after, and what changed (from shown values).

    A county gap (``no eligible provider in county``) is listed only where the county's needs of the
    service, released on report 01's predicate (:func:`~tfanalysis.reports.gaps.structural.county_needs`),
    say there was need, and quotes those needs where the gap is open (0 where it is shown
    closed): its own size is a part of the county's count, which would otherwise show with
    a second suppression pattern wherever every need of the county is in the gap. What
    changed is read from the gaps' own released sizes.
    """
    from tfanalysis.reports.gaps.structural import SEGMENT_ATTRIBUTES, county_needs

    segments = comparison.gaps["segment"].tolist()
    period = _period_key(whatif)
    name = f"06 structural gaps: {comparison.scenario.name}"
    shown, open_ = {}, {}
    for when, reach, key in (("before", whatif.baseline.reach, "baseline"), ("after", comparison.version.reach, comparison.scenario.key())):
        column = f"scenarios.gap.v{NEEDS_FRAME_VERSION}.{key}.{period}"
        rel.derive("needs", column, reach["segment"], components=SEGMENT_ATTRIBUTES, separator=SEGMENT_SEPARATOR)
        released = rel.table("needs", rows=column, where={**_window(whatif), column: segments}, levels={column: segments},
                             name=f"06 structural gaps {'now' if when == 'before' else 'with'}: {comparison.scenario.name}")
        shown[when] = released.inner().reindex(segments).to_numpy(dtype=object)
        open_[when] = released.at_least_one().reindex(segments).to_numpy(bool)
    table = comparison.gaps[GAP_KEYS].copy()
    table["gap_words"] = [gap_words(row) for row in table.to_dict("records")]
    table["needs_before"], table["needs_after"] = shown["before"], shown["after"]
    table["change"] = [_change(b, a) for b, a in zip(shown["before"], shown["after"])]
    county = (table["gap"] != "eligibility").to_numpy(bool)
    # a gap is listed where a released count says it has needs (before or after): a segment's row itself
    # tells that it has some, and a withheld count (a few victims' segment) may be 0
    listed_here = open_["before"] | open_["after"]
    if not county.any():
        return table[listed_here].reset_index(drop=True)
    pairs = county_needs(rel, _window(whatif), pd.DataFrame({"county_fips": table.loc[county, "county_fips"].to_numpy(),
                                                             "need": table.loc[county, "service"].to_numpy()}), name=name)
    at = np.flatnonzero(county)
    for when, column in (("before", "needs_before"), ("after", "needs_after")):
        quoted = table[column].to_numpy(dtype=object).copy()
        closed = np.array([isinstance(v, int | np.integer) and v == 0 for v in quoted[at]], dtype=bool)  # a handful of gaps
        quoted[at] = np.where(open_[when][at], pairs["needs"].to_numpy(dtype=object), np.where(closed, np.array(0, dtype=object), HIDDEN))
        table[column] = quoted
    listed_here[county] = pairs["listed"].to_numpy(bool)
    return table[listed_here].reset_index(drop=True)


def _change(before: Any, after: Any) -> str:
    """What a gap did, read from shown values only (a hidden count compares with nothing)."""
    if after == 0 and before != 0:
        return "closed"
    if before == 0 and after != 0:
        return "opened"
    if isinstance(before, str) or isinstance(after, str):
        return ""
    return "same" if before == after else ("smaller" if after < before else "larger")


def named_anew(gaps: pd.DataFrame) -> np.ndarray:
    """The county gaps that open as a gap of eligibility closes for the same service: perhaps the same needs named anew.

    An eligible member added somewhere can turn "no member serves these clients" into "no
    eligible member serves their county": a gap opens where no need need be worse off. Such
    gaps are not counted as opened; the page says what they may be, and the needs reached
    and lost say whether any need is worse off.

    Examples
    --------
    >>> county = "no eligible provider in county"
    >>> gaps = pd.DataFrame({"service": ["food", "food", "legal"], "gap": ["eligibility", county, county],
    ...                      "change": ["closed", "opened", "opened"]})
    >>> named_anew(gaps).tolist()
    [False, True, False]
    """
    if "gap" not in gaps or "change" not in gaps:
        return np.zeros(len(gaps), dtype=bool)
    opened_in_a_county = ((gaps["change"] == "opened") & (gaps["gap"] != "eligibility")).to_numpy(bool)
    eligible_now = ((gaps["change"] == "closed") & (gaps["gap"] == "eligibility")).to_numpy(bool)
    if "service" not in gaps:
        return opened_in_a_county & eligible_now.any()
    return opened_in_a_county & gaps["service"].isin(set(gaps.loc[eligible_now, "service"])).to_numpy(bool)


def gap_words(segment: dict[str, Any], county_names: dict[str, str] | None = None) -> str:
    """A structural-gap segment in plain words.

    Examples
    --------
    >>> gap_words({"service": "housing_emergency", "gap": "eligibility", "age": "adult", "gender": "male",
    ...            "nationality": "any", "language": "any", "county_fips": "any"})
    'Housing: emergency — no member serves adult, male clients'
    >>> gap_words({"service": "food", "gap": "no eligible provider in county", "county_fips": "38017"}, geo.county_labels(["27053", "38017"]))
    'Food — no eligible member serves Cass, ND'
    >>> gap_words({"service": "food", "gap": "no eligible provider in county", "county_fips": "10001"}, {"10001": "Kent"})
    'Food — no eligible member serves Kent'
    >>> gap_words({"service": "food", "gap": "eligibility", "age": "any", "gender": "any", "nationality": "any", "language": "es"})
    'Food — no member serves Spanish-speaking clients'
    """
    label = readable(str(segment["service"]))
    if segment["gap"] == "eligibility":
        who = clients_words(segment)
        return f"{label} — no member serves {who} clients" if who else f"{label} — no member offers it"
    fips = str(segment["county_fips"])
    names = county_names if county_names is not None else geo.county_labels([fips])
    return f"{label} — no eligible member serves {names.get(fips, fips)}"



def _reach_column(whatif: WhatIf, comparison: Comparison) -> str:
    return f"scenarios.reach.v{NEEDS_FRAME_VERSION}.{comparison.scenario.key()}.{_period_key(whatif)}"


def _not_met_per_county(rel: Any, whatif: WhatIf, comparison: Comparison, service: str, counties: list[str],
                        reach: Released, reach_not_met: Released) -> dict[str, pd.Series]:
    """A service's needs not met per county, now and as the scenario would leave them, as released.

    With the scenario (:func:`~tfanalysis.analyses.scenarios.compare.expected_needs`), a need
    not met stays so unless the scenario reaches it, and a need it loses is not met unless the
    client declined it: two counts per county, each on columns released elsewhere (status,
    reach), never a column of their own that would hide the sum from the bounds. A county's
    count is the sum of its two where both are shown, hidden (NaN) otherwise. Where the
    released counts of needs reached (not met) or lost show a 0, that count per county is 0
    and is not released again.
    """
    column = _reach_column(whatif, comparison)
    statuses = [str(s) for s in rel.units("needs")["status"].unique() if str(s) not in (*NOT_MET, "declined_by_client", "<NA>")]
    base = {**_window(whatif), "need": service}
    levels = {"county_fips": counties}
    name = f"06 needs not met per county: {readable(service)}"
    now = rel.table("needs", rows="county_fips", where={**base, "status": NOT_MET}, levels=levels, name=name).numbers()
    kept = now if reach_not_met.value("reached", "count") == 0 else rel.table(
        "needs", rows="county_fips", where={**base, "status": NOT_MET, column: ["same", "lost"]}, levels=levels,
        name=f"{name}, not reached by: {comparison.scenario.name}").numbers()
    lost = 0 if reach.value("Total", "lost") == 0 or not statuses else rel.table(
        "needs", rows="county_fips", where={**base, "status": statuses, column: ["lost"]}, levels=levels,
        name=f"{name}, met but lost with: {comparison.scenario.name}").numbers()
    return {"before": now, "after": kept + lost}


def _sites(rel: Any, whatif: WhatIf, comparison: Comparison, counties: list[str], reach: Released, reach_not_met: Released) -> pd.DataFrame:
    """The sites recommended for a new provider of each service the scenario's rows name, now and with it, from released counts.

    As report 02 (:func:`tfanalysis.reports.gaps.sites.publish_sites`): greedy maximal coverage
    (:func:`~tfanalysis.analyses.gaps.sites.recommend_sites`) on the needs not met per county as
    released, a hidden county counting as half the threshold; a service with no such need shown
    or hidden, now or with the scenario, is left out.

    Returns
    -------
    pandas.DataFrame
        ``service`` (label), ``rank``, ``site now``, ``site with the scenario`` (county names,
        empty when fewer sites are worth recommending).
    """
    from tfanalysis.analyses.gaps.sites import recommend_sites
    from tfanalysis.analyses.scenarios.compare import sites_side_by_side
    from tfanalysis.reports.gaps.sites import released_demand

    columns = ["service", "rank", "site now", "site with the scenario"]
    parts = []
    for service in comparison.named_services:  # the few services a scenario's rows name
        shown = _not_met_per_county(rel, whatif, comparison, service, counties, reach, reach_not_met)
        picked = {}
        for when, data, counts in (("site now", whatif.baseline.data, shown["before"]), ("site with the scenario", comparison.version.data, shown["after"])):
            weights = released_demand(counts, rel.threshold)
            picked[when] = (recommend_sites(data, service, k=whatif.site_count, max_miles=whatif.max_miles, demand=weights)
                            if len(weights) else pd.DataFrame(columns=["rank", "name"]))
        if all(t.empty for t in picked.values()):
            continue
        parts.append(sites_side_by_side(picked).assign(service=readable(service)))
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def _reach(rel: Any, whatif: WhatIf, comparison: Comparison) -> tuple[Released, Released]:
    column = _reach_column(whatif, comparison)
    rel.derive("needs", column, comparison.reach)
    where = {**_window(whatif), column: list(REACH)}
    levels = {column: list(REACH)}
    name = comparison.scenario.name
    # a need is reached or lost only where the scenario changes the capacity that meets it: the rows are
    # the needs of the services it touches (public: the scenario says them), not every need of the data
    touched = [code for code in taxonomy.SERVICE_CODES if code in set(comparison.services)]
    by_service = rel.table("needs", rows="need", columns=column, where=where, levels={**levels, "need": touched},
                           name=f"06 needs reached or lost: {name}")
    not_met = rel.table("needs", rows=column, where={**where, "status": NOT_MET}, levels=levels, name=f"06 needs reached or lost, not met: {name}")
    return by_service, not_met


def _utilization(rel: Any, whatif: WhatIf, comparison: Comparison) -> pd.DataFrame:
    table = comparison.utilization
    services = table["service"].astype(str).tolist()
    if not services:
        return pd.DataFrame(columns=["service", "needs", "places a month now", "places a month with", "utilization now", "utilization with"])
    released = rel.table("needs", rows="need", where={**_window(whatif), "need": services}, levels={"need": services},
                         name=f"06 needs per service: {comparison.scenario.name}")
    shown = released.inner().reindex(services)
    visible = released.numbers().reindex(services).notna().to_numpy(bool)
    return pd.DataFrame({
        "service": [readable(s) for s in services],
        "needs": shown.to_numpy(dtype=object),
        "places a month now": table["places_per_month_before"].round(1).to_numpy(),
        "places a month with": table["places_per_month_after"].round(1).to_numpy(),
        # needs ÷ places gives the count back: shown only where the count is
        "utilization now": np.where(visible, table["utilization_before"].round(2), np.nan),
        "utilization with": np.where(visible, table["utilization_after"].round(2), np.nan),
    })


# --------------------------------------------------------------------------- pages


def publish(rel: Any, whatif: WhatIf, *, map_services: int = 2, top_counties: int = 12) -> WhatIfPage:
    """Release what the report shows and lay out one page per scenario.

    Parameters
    ----------
    rel : tfanalysis.publication.Release
        The notebook's release, on the whole dataset.
    whatif : WhatIf
        :func:`tfanalysis.analyses.scenarios.compare.compare`.
    map_services : int
        Services a scenario's map offers: of the services its rows name, those whose access
        changes most.
    top_counties : int
        Counties listed in a scenario's table of access changes (the largest changes).

    Returns
    -------
    WhatIfPage
    """
    from tfanalysis.reports.figures.scenarios import access_comparison_figure

    page = WhatIfPage(whatif.label)
    counties = sorted(whatif.baseline.coverage["county_fips"].astype(str).unique().tolist())
    cache: dict = {}
    # the gaps' counties too (a client's county in a neighbouring state), with their state when two are involved, as report 02 names them
    names = geo.county_labels(counties, *(c.gaps["county_fips"].astype(str) for c in whatif.comparisons))
    for comparison in whatif.comparisons:  # a handful of scenarios
        access = comparison.access
        delta = (access["access_after"].astype(float) - access["access_before"].astype(float)).fillna(0)
        changed = access[access["changed"].to_numpy(bool)].assign(_delta=delta.abs())
        # the services the scenario's rows name, those whose access changes most first
        moved = changed[changed["service"].isin(comparison.named_services)]
        mapped = moved.groupby("service")["_delta"].max().sort_values(ascending=False, kind="stable").index[:map_services].tolist()
        needs = {s: _county_needs(rel, whatif, s, counties, cache) for s in mapped}
        flips = access[access["desert_before"].astype(bool) != access["desert_after"].astype(bool)]
        # a desert is need without a provider: the analysis reads need off the true counts, the page only where
        # the released count says there was need (a county of few victims' count is withheld, and may be 0)
        flips = flips[np.array([_county_had_need(rel, whatif, s, counties, cache, str(c))
                                for s, c in zip(flips["service"], flips["county_fips"])], dtype=bool)]  # a handful of flips
        deserts = pd.DataFrame({
            "service": flips["service"].map(readable).to_numpy(),
            "county": flips["county"].to_numpy(),
            "desert": np.where(flips["desert_before"].astype(bool), "closed", "opened"),
            "needs identified": [_county_needs(rel, whatif, s, counties, cache).get(c) for s, c in zip(flips["service"], flips["county_fips"])],
            "nearest miles now": flips["nearest_miles_before"].round(1).to_numpy(),
            "nearest miles with": flips["nearest_miles_after"].round(1).to_numpy(),
            "members serving with": flips["members_serving_after"].to_numpy(),
        })
        reach, reach_not_met = _reach(rel, whatif, comparison)
        # the services the scenario names (its emergency beds, not also the "housing" they meet), if their access moved
        listed = moved if len(moved) else changed
        biggest = listed.sort_values("_delta", ascending=False, kind="stable").head(top_counties)
        shown_access = pd.DataFrame({
            "service": biggest["service"].map(readable).to_numpy(),
            "county": biggest["county"].to_numpy(),
            "access now": biggest["access_before"].round(2).to_numpy(),
            "access with": biggest["access_after"].round(2).to_numpy(),
            "members serving now": biggest["members_serving_before"].to_numpy(),
            "members serving with": biggest["members_serving_after"].to_numpy(),
            "nearest miles now": biggest["nearest_miles_before"].round(1).to_numpy(),
            "nearest miles with": biggest["nearest_miles_after"].round(1).to_numpy(),
        })
        sites = _sites(rel, whatif, comparison, counties, reach, reach_not_met)
        gap_table = _gap_table(rel, whatif, comparison)
        gap_table["gap_words"] = [gap_words(r, names) for r in gap_table[GAP_KEYS].to_dict("records")]
        points = {when: coverage.member_points(d, whatif.period, services=mapped) for when, d in
                  (("before", whatif.baseline.data), ("after", comparison.version.data))} if mapped else {}
        figure = access_comparison_figure(access[access["service"].isin(mapped)], region_geojson(access), mapped,
                                          needs=needs, points=points,
                                          title=f"Access per county: now and with “{comparison.scenario.name}”") if mapped else None
        scenario_page = ScenarioPage(
            name=comparison.scenario.name, description=comparison.scenario.description, changes=comparison.changes,
            access=shown_access, deserts=deserts, gaps=gap_table, reach=reach, reach_not_met=reach_not_met,
            utilization=_utilization(rel, whatif, comparison), sites=sites,
            counties_better=int(changed.loc[delta[changed.index] > 1e-9, "county_fips"].nunique()),
            counties_worse=int(changed.loc[delta[changed.index] < -1e-9, "county_fips"].nunique()),
            figure=figure,
        )
        scenario_page.text = scenario_markdown(scenario_page, whatif.label, comparison.services)
        page.pages.append(scenario_page)
    page.summary = _summary(page)
    return page


def _summary(page: WhatIfPage) -> pd.DataFrame:
    rows = []
    for p in page.pages:
        rows.append({
            "scenario": p.name,
            "counties with more access": p.counties_better,
            "counties with less access": p.counties_worse,
            "deserts closed": int((p.deserts["desert"] == "closed").sum()),
            "deserts opened": int((p.deserts["desert"] == "opened").sum()),
            "gaps closed": int((p.gaps["change"] == "closed").sum()),
            "gaps opened": int(((p.gaps["change"] == "opened").to_numpy(bool) & ~named_anew(p.gaps)).sum()),
            "gaps named anew": int(named_anew(p.gaps).sum()),
            "needs reached": p.reach.shown.loc["Total", "reached"],
            "needs lost": p.reach.shown.loc["Total", "lost"],
        })
    return pd.DataFrame(rows).set_index("scenario") if rows else pd.DataFrame()


# --------------------------------------------------------------------------- words


def scenario_markdown(page: ScenarioPage, period_label: str, services: list[str]) -> str:
    """One paragraph reading a scenario's page: only released counts, only shown comparisons.

    Examples
    --------
    >>> from tfanalysis.publication import Release
    >>> rel = Release(None, 11, units={"needs": pd.DataFrame({"need": ["food"] * 12, "r": ["reached"] * 12})})
    >>> reach = rel.table("needs", rows="need", columns="r", levels={"r": ["reached", "lost"]}, name="reach")
    >>> none = rel.table("needs", rows="r", where={"r": ["lost"]}, levels={"r": ["reached", "lost"]}, name="not met")
    >>> p = ScenarioPage("Food bank", "", pd.DataFrame(), pd.DataFrame({"county": ["Kent"], "access now": [0.0],
    ...     "access with": [2.5], "service": ["Food"]}), pd.DataFrame(columns=["service", "county", "desert"]),
    ...     pd.DataFrame(columns=["gap_words", "change"]), reach, none, pd.DataFrame(columns=["service"]),
    ...     pd.DataFrame(columns=["service"]), counties_better=1)
    >>> print(scenario_markdown(p, "2025Q4", ["food"]))  # doctest: +NORMALIZE_WHITESPACE
    In 2025Q4, access to Food rises in 1 county and falls in none; the largest change is in Kent (0.0 → 2.5 a month per
    100,000 residents within reach). No service desert closes or opens where the released counts show need. No structural gap the released counts show closes or opens. Of the needs
    identified in 2025Q4, the change would reach 12 that had no eligible member serving the client's county (0 of them
    not met) and would lose 0.
    """
    parts = []
    during = "over all the data" if period_label == "all data" else f"in {period_label}"
    sentence_start = during[0].upper() + during[1:]
    labels = listed([readable(s) for s in services])
    if not services:
        parts.append(f"The scenario changes no capacity row: access, deserts, places and sites stay as they are {during}.")
    elif page.counties_better or page.counties_worse:
        counts = [(page.counties_better, "rises"), (page.counties_worse, "falls")]
        counts.sort(key=lambda item: -item[0])  # the larger first: "falls in 2 counties and rises in none"
        (n, first), (m, second) = counts
        sentence = f"{sentence_start}, access to {labels} {first} in {n} count{'y' if n == 1 else 'ies'} and {second} in {m or 'none'}"
        top = page.access.iloc[0] if len(page.access) else None  # the largest change first
        if top is not None:
            sentence += (f"; the largest change is in {top['county']} ({measure_text(top['access now'])} → {measure_text(top['access with'])} a month per "
                         f"100,000 residents within reach)")
        parts.append(sentence + ".")
    else:
        parts.append(f"{sentence_start}, access per county to {labels} does not change.")
    for word, verb in (("closed", "closes"), ("opened", "opens")):
        flipped = page.deserts[page.deserts["desert"] == word]
        if len(flipped):
            where = "; ".join(f"{s}: {listed(rows['county'])}" for s, rows in flipped.groupby("service", sort=True))
            parts.append(f"It {verb[:-1]}s {len(flipped)} service desert{'s' if len(flipped) != 1 else ''} ({where}).")
    if page.deserts.empty:
        parts.append("No service desert closes or opens where the released counts show need.")
    moved = page.gaps[page.gaps["change"].isin(["closed", "opened"])]
    for word in ("closed", "opened"):
        hit = moved[moved["change"] == word]
        if len(hit):
            parts.append(f"Structural gaps {word}: {'; '.join(hit['gap_words'])}.")
    if named_anew(page.gaps).any():
        # an eligible provider added somewhere turns "nobody serves these clients" into "nobody serves their county"
        parts.append("A county gap that opens as another closes can be the same needs named anew: clients no member could serve "
                     "anywhere, for whom an eligible member now exists, though not in their county. The needs reached and lost, "
                     "below, say whether any need is worse off.")
    if moved.empty:
        parts.append("No structural gap the released counts show closes or opens.")
    reach, not_met = page.reach, page.reach_not_met
    parts.append(
        f"Of the needs identified {during}, the change would reach {reach.text('Total', 'reached')} that had no eligible "
        f"member serving the client's county ({not_met.text('reached', 'count')} of them not met) and would lose "
        f"{reach.text('Total', 'lost')}" + (f" ({not_met.text('lost', 'count')} of them not met)." if reach.value("Total", "lost") != 0 else ".")
    )
    for row in page.utilization.to_dict("records"):
        if row["places a month now"] != row["places a month with"]:
            use = (f"; utilization {measure_text(row['utilization now'])} → {measure_text(row['utilization with'])}" if pd.notna(row["utilization now"])
                   else " (its utilization is not shown: its count of needs is hidden)")
            parts.append(f"{row['service']}: {measure_text(row['places a month now'])} → {measure_text(row['places a month with'])} places a month{use}.")
    for service, rows in page.sites.groupby("service", sort=False):
        first = rows.sort_values("rank").iloc[0]
        now, then = first["site now"], first["site with the scenario"]
        if pd.notna(now) and pd.notna(then) and now != then:
            parts.append(f"The first site recommended for a new provider of {service} moves from {now} to {then}.")
        elif pd.notna(now) and pd.isna(then):
            parts.append(f"No new provider of {service} is recommended any more (none would reach needs left not met).")
    return " ".join(parts)


def summary_markdown(page: WhatIfPage, scenarios_file: str = "") -> str:
    """The report's opening paragraph; an honest page when no scenario was given.

    Examples
    --------
    >>> print(summary_markdown(WhatIfPage("2025Q4")))  # doctest: +ELLIPSIS
    **No scenario was given for this run.** ... `tfanalysis run --scenarios FILE` ...
    """
    if not page.pages:
        return ("**No scenario was given for this run.** This report compares the task force as it is with changes "
                "leadership is weighing — a member leaving, capacity added, a new member opening in a county. Write them in "
                "a scenario file (see `docs/what-if.md`) and run `tfanalysis run --scenarios FILE` (or `scenarios:` in the "
                "parameters file).")
    names = listed([f"**{p.name}**" for p in page.pages])
    period = "all the data" if page.label == "all data" else page.label
    return (f"{len(page.pages)} scenario{'s' if len(page.pages) != 1 else ''} compared with the task force as it is, for "
            f"{period}: {names}. Each is applied to the members and capacity tables and the period's analyses are run "
            "again on the result; the needs identified stay as they were.")


def show(page: WhatIfPage) -> None:
    """Display each scenario's section of the report: heading, paragraph, tables and the map."""
    from IPython.display import Markdown, display

    from tfanalysis.reports.notebook import show_table

    for p in page.pages:  # a handful of scenarios
        display(Markdown(f"## {p.name}\n\n{p.description}\n\n{p.text}"))
        changes = p.changes.assign(service=p.changes["service"].map(lambda c: readable(c) if c else ""))
        show_table(changes.set_index(["change", "member"])[["service", "what"]], caption="What the scenario changes")
        if p.figure is not None:
            display(p.figure)
        if len(p.access):
            show_table(p.access.set_index(["service", "county"]), caption="Counties whose access changes most (capacity a month per 100,000 residents within reach)")
        if len(p.deserts):
            show_table(p.deserts.set_index(["service", "county"]), caption="Service deserts that close or open (needs as released)")
        gaps = p.gaps.rename(columns={"gap_words": "structural gap", "needs_before": "needs now", "needs_after": "needs with"})
        show_table(gaps.set_index("structural gap")[["needs now", "needs with", "change"]], caption="Structural gaps: needs identified in the period (as released)")
        reach = p.reach.shown.rename(index={c: readable(c) for c in p.reach.shown.index if c != "Total"}).rename_axis("service")
        show_table(reach, caption="Needs identified in the period that the change would reach or lose, per service (as released)")
        if len(p.utilization):
            show_table(p.utilization.set_index("service"), caption="Places and utilization of the services touched (needs as released)")
        if len(p.sites):
            show_table(p.sites.set_index(["service", "rank"]), caption="Where a new provider would reach the most needs not met")
