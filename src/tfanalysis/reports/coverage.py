"""What the coverage report (01) shows: needs per county × service as released, deserts, the services to map, the sentences.

Counts of needs are victim counts. Everything the report shows about them — the needs per
county × service, the deserts (where need exists shows through them), the order of the
services on the map, the distances over the pairs with need — is read from
:func:`published_coverage`, whose counts the run's :class:`~tfanalysis.publication.Release`
released; never from the raw ``need`` column of
:func:`~tfanalysis.analyses.coverage.service_coverage.county_service_coverage`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis import geo
from tfanalysis.analyses.coverage.service_coverage import as_deserts, without_provider
from tfanalysis.data import taxonomy
from tfanalysis.data.periods import PeriodLike, parse_period
from tfanalysis.publication import Interval, Release, Released
from tfanalysis.reports.labels import listed, readable

__all__ = [
    "deserts_markdown",
    "deserts_table",
    "median_nearest_miles",
    "published_coverage",
    "published_deserts",
    "region_geojson",
    "shown_deserts",
    "residents_of",
    "services_to_map",
    "unmapped_markdown",
    "worst_covered",
]


def published_coverage(
    table: pd.DataFrame,
    release: Release,
    period: PeriodLike = None,
    *,
    name: str = "Coverage: needs per county and service",
) -> pd.DataFrame:
    """The coverage table with every count of needs as the publication layer releases it.

    The needs of a county for a service are victim counts: they are counted again by
    ``release`` (:class:`tfanalysis.publication.Release`) from the units of the whole
    dataset, as needs identified in the period by clients living in the county, and
    released as one county × need table (its margins too: needs per county, per need)
    with the suppression pattern the whole run shares. A service that meets needs of
    several codes present in the data (generic ``housing``, or a housing subtype where
    plain ``housing`` needs were recorded) gets a table of its own over the same counties.
    Members, capacity, distances, access and population are not counts of victims and
    are left as they are.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`county_service_coverage` for ``period``.
    release : tfanalysis.publication.Release
        The run's release, built on the whole dataset (:func:`tfanalysis.reports.notebook.release`).
    period : str, (start, end) or None
        The period of ``table``: needs identified in it are counted.
    name : str
        The released table's name (what the audit reports).

    Returns
    -------
    pandas.DataFrame
        ``table`` with ``need`` as released (an int, or ``"hidden"`` where hidden) and
        ``has_need`` (boolean): True where the release shows at least one need (a count
        above 0, or a hidden one: a hidden count is at least 1 since zeros are shown),
        False where it shows 0, ``<NA>`` where the count is withheld with its whole line
        (zeros hidden too, so the release does not say whether there was need).

    Examples
    --------
    >>> from tfanalysis.publication import Release
    >>> units = pd.DataFrame({"county_fips": ["1"] * 3 + ["2"] * 40, "need": "food",
    ...                       "identified_on": pd.to_datetime(["2025-02-01"] * 43)})
    >>> t = pd.DataFrame({"county_fips": ["1", "2", "3"], "service": "food", "need": [3, 40, 0]})
    >>> published_coverage(t, Release(None, 11, units={"needs": units}), "2025")[["need", "has_need"]].values.tolist()
    [['hidden', True], ['hidden', True], [0, False]]
    """
    if table.empty:
        return table.assign(need=pd.Series(dtype=object), has_need=pd.Series(dtype="boolean"))
    counties = sorted(table["county_fips"].astype(str).unique())
    services = sorted(table["service"].astype(str).unique())
    where = {"identified_on": _identified_in(period), "county_fips": counties}
    codes = _need_codes(services, release.units("needs")["need"])
    parts = []
    single = sorted({c[0] for c in codes.values() if len(c) == 1})
    if single:
        grid = release.table("needs", rows="county_fips", columns="need", where=where,
                             levels={"county_fips": counties, "need": single}, name=name)
        cells = _released_long(grid)
        for service in services:
            if len(codes[service]) == 1:
                parts.append(cells[cells["code"] == codes[service][0]].assign(service=service))
    for service in services:
        if len(codes[service]) > 1:
            own = release.table("needs", rows="county_fips", where={**where, "need": list(codes[service])},
                                levels={"county_fips": counties}, name=f"{name}: {readable(service)}")
            parts.append(_released_long(own).assign(service=service))
    released = pd.concat(parts, ignore_index=True).astype({"county_fips": table["county_fips"].dtype, "service": table["service"].dtype})
    out = table.drop(columns=["need", "has_need"], errors="ignore").merge(
        released[["county_fips", "service", "need", "has_need"]], on=["county_fips", "service"], how="left")
    return out[[*table.columns.drop("has_need", errors="ignore"), "has_need"]]


def _identified_in(period: PeriodLike) -> Interval:
    """The period as the publication layer's range of ``identified_on`` days."""
    p = parse_period(period)
    return Interval(p.start, p.end)


def _need_codes(services: list[str], present: pd.Series) -> dict[str, tuple[str, ...]]:
    """The need codes each service meets among those the data hold (the service's own code if none)."""
    codes = pd.Series(pd.unique(present.astype(str).to_numpy()), dtype="string")
    pairs = pd.DataFrame({"service": pd.array(services, dtype="string")}).merge(codes.rename("code").to_frame(), how="cross")
    pairs = pairs[taxonomy.service_covers_need(pairs["service"], pairs["code"]).to_numpy()]
    met = pairs.groupby("service")["code"].agg(lambda c: tuple(sorted(c.astype(str))))
    return {s: met.get(s) or (s,) for s in services}


def _released_long(released: Released) -> pd.DataFrame:
    """One row per inner count of a released county table: county_fips, code, need, has_need.

    ``has_need``: :meth:`Released.at_least_one` where the count is not withheld, missing
    where it is (a withheld count may be 0 or more).
    """
    def cells(frame: pd.DataFrame | pd.Series) -> np.ndarray:
        return frame.to_frame().to_numpy() if released.is_series else frame.to_numpy()

    shown = released.inner()
    codes = [""] if released.is_series else [str(c) for c in shown.columns]
    has_need = pd.array(cells(released.at_least_one()).ravel().astype(bool), dtype="boolean")
    return pd.DataFrame({
        "county_fips": np.repeat(shown.index.astype(str).to_numpy(), len(codes)),
        "code": np.tile(np.array(codes, dtype=object), len(shown.index)),
        "need": cells(shown).astype(object).ravel(),
        "has_need": pd.Series(has_need).mask(cells(released.is_withheld()).ravel().astype(bool)),
    })


def published_deserts(published: pd.DataFrame, *, max_miles: float = 60.0) -> pd.DataFrame:
    """The service deserts the release shows, and the pairs without a provider whose need it does not say.

    A county × service of a :func:`published_coverage` table is listed when no member
    serves the county and none offering the service is within ``max_miles``, unless its
    released count of needs is a shown 0. ``need_shown`` is True where the count says
    there was need (``has_need``: above 0, or hidden, which is at least 1): a service
    desert. Where the count is withheld (it would tell what a few victims have:
    :mod:`tfanalysis.publication.small_groups`, or give another count away) the release
    does not say whether there was need; the pair is listed all the same, as the supply
    it is (no provider in reach is no victim count), with ``need_shown`` False. So a rural
    county of a few victims is not dropped from the list, and the list never tells which
    withheld counts are zero.

    Returns
    -------
    pandas.DataFrame
        As :func:`deserts`, ``need`` as released, and ``need_shown``.

    Examples
    --------
    >>> p = pd.DataFrame({"county_fips": ["1", "2", "3"], "county": ["A", "B", "C"], "service": "food",
    ...                   "need": ["hidden", 0, "hidden"], "has_need": pd.array([True, False, pd.NA], dtype="boolean"),
    ...                   "members_serving": 0, "nearest_miles": [80.0, 90.0, None], "residents": [10, 20, 30]})
    >>> published_deserts(p)[["county", "need", "kind", "need_shown"]].values.tolist()
    [['A', 'hidden', 'none within reach', True], ['C', 'hidden', 'no provider', False]]
    """
    has_need = published["has_need"]
    listed = (has_need.isna() | has_need.fillna(False).astype(bool)).to_numpy(bool) & without_provider(published, max_miles).to_numpy(bool)
    rows = published[listed]
    return as_deserts(rows).assign(need_shown=rows["has_need"].fillna(False).astype(bool).to_numpy())


def shown_deserts(found: pd.DataFrame) -> pd.DataFrame:
    """The pairs of :func:`published_deserts` whose released counts show need: the service deserts (at least these)."""
    return found[found["need_shown"].to_numpy(bool)] if "need_shown" in found else found


def services_to_map(published: pd.DataFrame, found: pd.DataFrame, limit: int = 5) -> list[str]:
    """The services worth a map: those with deserts, then those needed in the most counties, then those served in the most.

    Read from what is released only: the deserts of :func:`published_deserts` and the
    counties whose released count shows need (``has_need``), never from true counts (an
    order picked from them would tell hidden counts apart). Ties by service code. Where
    that leaves room (every count withheld), the services members serve fill it: the map
    of access is a map of providers.

    Examples
    --------
    >>> p = pd.DataFrame({"service": ["a", "b", "b", "c"],
    ...                   "has_need": pd.array([True, True, True, False], dtype="boolean")})
    >>> services_to_map(p, pd.DataFrame({"service": ["c"]}), limit=2)
    ['c', 'b']
    >>> withheld = p.assign(has_need=pd.array([pd.NA] * 4, dtype="boolean"), members_serving=[0, 1, 1, 2])
    >>> services_to_map(withheld, pd.DataFrame({"service": []}), limit=2)
    ['b', 'c']
    """
    service = published["service"].astype(str)
    with_need = published["has_need"].fillna(False).astype(bool).groupby(service).sum()
    with_deserts = found["service"].astype(str).value_counts()
    order = pd.DataFrame({"deserts": with_deserts.reindex(with_need.index, fill_value=0), "counties": with_need})
    order = order[(order["counties"] > 0) | (order["deserts"] > 0)].sort_index()
    order = order.sort_values(["deserts", "counties"], ascending=False, kind="stable")
    chosen = [str(s) for s in order.index[:limit]]
    if len(chosen) < limit and "members_serving" in published:
        # room left (a small task force's needs withheld: publication.small_groups): the services
        # members offer, by the counties they serve; providers are no victim count
        served = (pd.to_numeric(published["members_serving"], errors="coerce").fillna(0) > 0).groupby(service).sum()
        served = served[(served > 0) & ~served.index.isin(chosen)].sort_index()
        chosen += [str(s) for s in served.sort_values(ascending=False, kind="stable").index[:limit - len(chosen)]]
    return chosen


def unmapped_markdown(found: pd.DataFrame, mapped: list[str]) -> str:
    """What the map leaves out: the services with deserts it has no room for (empty when it maps them all).

    Examples
    --------
    >>> found = pd.DataFrame({"service": ["food", "food", "crisis_intervention", "dental_care"]})
    >>> unmapped_markdown(found, ["food", "dental_care"])
    'The menu holds 2 services: 1 more with deserts, Crisis intervention, is in the table of deserts below but not on the map.'
    >>> unmapped_markdown(found, ["food", "dental_care", "crisis_intervention"])
    ''
    """
    left = sorted(set(found["service"].astype(str)) - set(mapped)) if len(found) else []
    if not left:
        return ""
    names = listed([str(readable(s)) for s in left])
    more = f"{len(left)} more with deserts, {names}," if len(left) == 1 else f"{len(left)} more with deserts ({names})"
    return f"The menu holds {len(mapped)} service{'s' if len(mapped) != 1 else ''}: {more} {'is' if len(left) == 1 else 'are'} in the table of deserts below but not on the map."


def worst_covered(published: pd.DataFrame, services: Iterable[str], n: int = 3) -> pd.DataFrame:
    """The ``n`` counties with the lowest access per service (ties: the farthest first).

    Chosen by access and distance, never by needs; the needs shown are those of
    :func:`published_coverage`.

    Returns
    -------
    pandas.DataFrame
        Indexed by service label and county, columns ``access per 100k``, ``nearest
        miles``, ``members serving``, ``needs`` (as released).

    Examples
    --------
    >>> p = pd.DataFrame({"service": "food", "county": ["A", "B", "C"], "access": [0.0, 0.0, 5.0],
    ...                   "nearest_miles": [10.0, 70.0, 1.0], "members_serving": [1, 0, 2], "need": [0, "hidden", 25]})
    >>> worst_covered(p, ["food"], n=2)["needs"].tolist()
    ['hidden', 0]
    """
    t = published[published["service"].isin(list(services))]
    t = t.assign(_far=t["nearest_miles"].fillna(np.inf))
    t = t.sort_values(["service", "access", "_far"], ascending=[True, True, False], kind="stable")
    worst = t.groupby("service", sort=True).head(n)
    return pd.DataFrame(
        {
            "access per 100k": worst["access"].round(1).to_numpy(),
            "nearest miles": worst["nearest_miles"].round(1).to_numpy(),  # to a tenth, as the deserts table and every other table
            "members serving": worst["members_serving"].to_numpy(),
            "needs": worst["need"].to_numpy(),
        },
        index=pd.MultiIndex.from_arrays(
            [worst["service"].map(readable).to_numpy(), worst["county"].to_numpy()], names=["service", "county"]
        ),
    )


def deserts_table(found: pd.DataFrame) -> pd.DataFrame:
    """The deserts of :func:`published_deserts` as the report shows them.

    Examples
    --------
    >>> f = pd.DataFrame({"county": ["A"], "service": ["food"], "need": ["hidden"], "nearest_miles": [80.4],
    ...                   "residents": [1000], "kind": ["none within reach"]})
    >>> deserts_table(f).reset_index().values.tolist()
    [['Food', 'A', 'hidden', 80.4, 1000, 'none within reach']]
    """
    return pd.DataFrame(
        {
            "needs": found["need"].to_numpy(),
            "nearest miles": found["nearest_miles"].round(1).to_numpy(),  # to a tenth, as the distance figure beside it
            "residents": found["residents"].to_numpy(),
            "kind": found["kind"].to_numpy(),
        },
        index=pd.MultiIndex.from_arrays([found["service"].map(readable).to_numpy(), found["county"].to_numpy()],
                                        names=["service", "county"]),
    )


def residents_of(found: pd.DataFrame) -> int:
    """Residents of the counties listed (each county once), e.g. of the deserts found.

    Examples
    --------
    >>> residents_of(pd.DataFrame({"county_fips": ["1", "1", "2"], "residents": [1000, 1000, 2500]}))
    3500
    """
    counties = found.drop_duplicates("county_fips")
    return int(pd.to_numeric(counties["residents"], errors="coerce").fillna(0).sum())


def deserts_markdown(published: pd.DataFrame, *, max_miles: float, period_label: str) -> str:
    """A paragraph reading the deserts the release shows (no victim counts in it).

    Parameters
    ----------
    published : pandas.DataFrame
        :func:`published_coverage`; its deserts are :func:`published_deserts`.
    max_miles : float
        The distance threshold.
    period_label : str
        How the report names the period.

    Examples
    --------
    >>> p = pd.DataFrame({"county_fips": ["1", "2", "3"], "county": ["A", "B", "C"], "service": "food",
    ...                   "need": ["hidden", 25, "hidden"], "has_need": pd.array([True, True, pd.NA], dtype="boolean"),
    ...                   "members_serving": 0, "nearest_miles": [None, None, None], "residents": [1000, 2500, 700]})
    >>> print(deserts_markdown(p, max_miles=60, period_label="2025"))
    In 2025, at least 2 county × service pairs of the 1 service analysed are service deserts (need identified, no provider serving the county or within 60 miles of its centre, for any client): Food (2 counties: A, B). 3,500 residents live in these 2 counties. Groups of clients no member can serve where a provider exists for others (minors, a language) are report 02's structural gaps. No member offers Food at all in the period. 1 more pair has no provider in reach, and its count of needs is withheld (it would tell what a few victims have, or give another count away), so the report does not say whether there was need: Food (C).
    """
    everything = published_deserts(published, max_miles=max_miles)
    found = shown_deserts(everything)
    unknown = everything[~everything["need_shown"].to_numpy(bool)]
    analysed = published["service"].nunique()
    services = f"{analysed} service{'s' if analysed != 1 else ''} analysed"
    if not analysed:
        return (f"In {period_label} there is nothing to analyse: no member of the task force was active in the region, "
                "or no service was offered or needed.")
    if found.empty:
        text = (
            f"In {period_label}, no county of the region had needs identified (as the counts released show) for one of "
            f"the {services} without a provider serving it or within {max_miles:g} miles."
        )
    else:
        counties = found["county_fips"].nunique()
        none_at_all = sorted(found.loc[found["kind"] == "no provider", "service"].map(readable).unique())
        pairs = f"{len(found)} county × service pair{'s' if len(found) != 1 else ''}"
        at_least = "at least " if len(unknown) else ""  # a pair whose count is withheld may be a desert too
        text = (
            f"In {period_label}, {at_least}{pairs} of the {services} {'are service deserts' if len(found) != 1 else 'is a service desert'} "
            f"(need identified, no provider serving the county or within {max_miles:g} miles of its centre, for any client): "
            f"{_by_service(found)}. {residents_of(found):,} residents live in "
            f"{f'these {counties} counties' if counties != 1 else 'this county'}. Groups of clients no member can serve where a "
            "provider exists for others (minors, a language) are report 02's structural gaps."
        )
        if none_at_all:
            text += f" No member offers {', '.join(none_at_all)} at all in the period."
    if len(unknown):
        n = len(unknown)
        text += (
            f" {n}{' more' if len(found) else ''} pair{'s' if n != 1 else ''} {'have' if n != 1 else 'has'} no provider in reach, "
            f"and {'their counts' if n != 1 else 'its count'} of needs {'are' if n != 1 else 'is'} withheld (it would tell what a few "
            f"victims have, or give another count away), so the report does not say whether there was need: {_by_service(unknown, counts=False)}."
        )
    return text


def _by_service(found: pd.DataFrame, *, counts: bool = True) -> str:
    """``Food (2 counties: A, B); Legal (C)``: the counties of each service, by service code."""
    parts = []
    for service, rows in found.groupby("service", sort=True):  # one phrase per service (a handful)
        names = ", ".join(sorted(rows["county"].astype(str)))
        many = f"{len(rows)} count{'ies' if len(rows) != 1 else 'y'}: " if counts else ""
        parts.append(f"{readable(service)} ({many}{names})")
    return "; ".join(parts)


def median_nearest_miles(published: pd.DataFrame) -> float:
    """Median distance to the nearest provider over the county × service pairs with need.

    The pairs are those whose released count shows need (``has_need`` of
    :func:`published_coverage`); a withheld count leaves its pair out. Distances are not
    victim counts; which pairs count is read from the release only.

    Examples
    --------
    >>> median_nearest_miles(pd.DataFrame({"has_need": pd.array([True, True, False, pd.NA], dtype="boolean"),
    ...                                    "nearest_miles": [10.0, 30.0, 99.0, 1.0]}))
    20.0
    """
    miles = published.loc[published["has_need"].fillna(False).astype(bool).to_numpy(), "nearest_miles"].dropna()
    return float(miles.median()) if len(miles) else float("nan")


def region_geojson(table: pd.DataFrame) -> dict[str, Any]:
    """The simplified county layer of the table's counties only, for the choropleth.

    Examples
    --------
    >>> g = region_geojson(pd.DataFrame({"county_fips": ["10001", "10005"]}))
    >>> [f["properties"]["county_fips"] for f in g["features"]]
    ['10001', '10005']
    >>> region_geojson(pd.DataFrame({"county_fips": []}))["features"]  # a period before any member: no county
    []
    """
    wanted = set(table["county_fips"].astype(str))
    if not wanted:
        return {"type": "FeatureCollection", "features": []}
    layer = geo.county_geojson(sorted({f[:2] for f in wanted}), vintage=geo.vintage_of(list(wanted)))
    return {**layer, "features": [f for f in layer["features"] if f["properties"]["county_fips"] in wanted]}
