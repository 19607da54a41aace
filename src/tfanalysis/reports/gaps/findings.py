"""What the report finds: the services it names, its headline numbers and its summary, from released values only."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.reports.gaps.shown import MARGIN, _leaders, _shown, _top
from tfanalysis.reports.labels import listed, readable


NO_NEED = "No need was identified in this period: there is no demand to set against the members' capacity."
"""What the report says when the period (and region) holds no need."""


def default_site_service(published_demand: pd.DataFrame) -> str:
    """The service to place a new provider for: the most needs not yet met among the services whose counts are shown.

    Then the most unmet needs shown; where no service's unmet count is shown, the most
    needs identified shown (as the forecast chooses, :func:`pressed_services`), so that
    report 02 places sites wherever report 06 can ("" only when no count is shown).

    Examples
    --------
    >>> d = pd.DataFrame({"unmet": [30, "hidden", 12], "in_progress": [0, "hidden", 25], "needs": [90, 40, 130]}, index=["a", "b", "Total"])
    >>> default_site_service(d), default_site_service(d.assign(unmet="hidden", in_progress="hidden"))
    ('a', 'a')
    """
    return site_service_choice(published_demand)[0]


def site_service_choice(published_demand: pd.DataFrame) -> tuple[str, str]:
    """:func:`default_site_service` and what it was chosen by: ``not met``, ``unmet``, ``needs`` or ``""`` (none)."""
    not_met = (_shown(published_demand["unmet"]) + _shown(published_demand["in_progress"])).dropna()
    for basis, counts in (("not met", not_met), ("unmet", _shown(published_demand["unmet"])),
                          ("needs", _shown(published_demand["needs"]) if "needs" in published_demand else pd.Series(dtype=float))):
        top = _top(counts, 1)
        if top:
            return str(top[0]), basis
    return "", ""


def site_service_markdown(published_demand: pd.DataFrame, service: str, asked: str = "") -> str:
    """Say why the sites below are for ``service``: the run asked for it (``asked``), or how :func:`default_site_service` chose it.

    Leadership reads a recommended site as the answer to the greatest need; where no count
    of needs not met is shown, the service is only the one with the most needs identified,
    and the report says so (a statistician read the demo's Case management sites, 3 of its
    34 needs not met, as needs-based).

    Examples
    --------
    >>> d = pd.DataFrame({"unmet": ["hidden", "hidden", 21], "in_progress": ["hidden", 0, 51], "needs": [34, 13, 363]},
    ...                  index=["case_management", "legal_representation", "Total"])
    >>> print(site_service_markdown(d, "case_management"))
    The sites are for **Case management**: no service has needs not met shown (each count is hidden or 0), so it is the service with the most needs identified among those whose count is shown, not the one with the most needs not met; an analyst can choose another service for the sites.
    >>> print(site_service_markdown(d, "legal_representation", asked="legal_representation"))
    The sites are for **Legal representation (immigration, criminal, civil)**, the service the run was asked to place them for.
    """
    if not service:
        return ""
    name = f"**{readable(service)}**"
    chosen, basis = site_service_choice(published_demand)
    if asked or chosen != service:
        return f"The sites are for {name}, the service the run was asked to place them for."
    if basis == "not met":
        return f"The sites are for {name}: the most needs not yet met (unmet or still in progress) among the services whose counts are shown."
    if basis == "unmet":
        return f"The sites are for {name}: the most unmet needs among the services whose unmet count is shown."
    return (f"The sites are for {name}: no service has needs not met shown (each count is hidden or 0), so it is the service "
            "with the most needs identified among those whose count is shown, not the one with the most needs not met; an analyst "
            "can choose another service for the sites.")


def pressed_services(published_demand: pd.DataFrame, n: int = 3) -> list[str]:
    """The ``n`` services with the most unmet needs, of those whose counts are shown; then the most needs.

    Examples
    --------
    >>> d = pd.DataFrame({"unmet": [30, "hidden", 12, 42], "needs": [90, 200, 40, 132]}, index=["a", "b", "c", "Total"])
    >>> pressed_services(d, 3)
    ['a', 'c', 'b']
    """
    chosen = _top(_shown(published_demand["unmet"]), n)
    more = [s for s in _top(_shown(published_demand["needs"]), len(published_demand)) if s not in chosen]
    return [str(s) for s in (chosen + more)[:n]]


def pressed_services_markdown(published_demand: pd.DataFrame, pressed: list[str]) -> str:
    """Say how :func:`pressed_services` chose the services it names: by shown unmet counts, then by needs.

    Examples
    --------
    >>> d = pd.DataFrame({"unmet": [30, "hidden", 12, 42], "needs": [90, 200, 40, 132]}, index=["food", "b", "c", "Total"])
    >>> pressed_services_markdown(d, ["food", "c", "b"])
    'The services forecast are **Food** and **c** (the most unmet needs among the services whose unmet count is shown), then **b** (the most needs identified of the rest).'
    >>> pressed_services_markdown(d.assign(unmet="hidden"), ["b", "food", "c"])
    'No service’s unmet count is shown: the services forecast are **b**, **Food** and **c**, those with the most needs identified.'
    >>> pressed_services_markdown(d.assign(unmet=0), ["b", "food", "c"])
    'No service has a need shown as unmet: the services forecast are **b**, **Food** and **c**, those with the most needs identified.'
    """
    if not pressed:
        return "No service has a shown count of needs to forecast."
    by_unmet = set(_top(_shown(published_demand["unmet"]), len(published_demand)))
    first = [s for s in pressed if s in by_unmet]
    rest = [s for s in pressed if s not in by_unmet]

    def names(services: list[str]) -> str:
        return listed([f"**{readable(s)}**" for s in services])

    if not first:
        shown = _shown(published_demand["unmet"])
        why = "No service has a need shown as unmet" if len(shown) and (shown == 0).all() else "No service’s unmet count is shown"
        return f"{why}: the services forecast are {names(rest)}, those with the most needs identified."
    text = f"The services forecast are {names(first)} (the most unmet needs among the services whose unmet count is shown)"
    if rest:
        text += f", then {names(rest)} (the most needs identified of the rest)"
    return text + "."


def headline_metrics(published_demand: pd.DataFrame, published_rates: pd.DataFrame, published_gaps: pd.DataFrame, threshold: int = 11) -> dict[str, dict[str, Any]]:
    """The report's headline numbers, as keyword arguments for ``notebook.record_metric``.

    Every value is a released count, a rate whose counts are shown (``hidden`` says when
    it is not), or a name chosen among shown values only.

    Examples
    --------
    >>> d = pd.DataFrame({"needs": [60, "hidden", 68], "met": [20, "hidden", 27], "unmet": [30, 0, 30]}, index=["a", "b", "Total"])
    >>> r = pd.DataFrame({"unmet_need_rate": [50.0, np.nan, 44.1], "median_days_to_met": [79.0, np.nan, 60.0]}, index=["a", "b", "Total"])
    >>> m = headline_metrics(d, r, pd.DataFrame({"service": ["a"]}))
    >>> m["needs_met"]["value"], m["unmet_need_rate"]["value"], m["biggest_gap_service"]["value"]
    (27, 44.1, 'a')
    """
    met = published_demand.loc[MARGIN, "met"]
    rate = published_rates.loc[MARGIN, "unmet_need_rate"] if MARGIN in published_rates.index else np.nan
    median = published_rates.loc[MARGIN, "median_days_to_met"] if MARGIN in published_rates.index else np.nan
    top = _top(_shown(published_demand["unmet"]), 1)
    biggest = str(top[0]) if top else None
    return {
        "unmet_need_rate": {"value": None if pd.isna(rate) else float(rate), "hidden": bool(pd.isna(rate)), "label": "Unmet-need rate (needs still in progress are not unmet yet)", "unit": "%", "higher_is_better": False},
        "needs_met": {"value": None if isinstance(met, str) else int(met), "hidden": isinstance(met, str), "label": "Needs met", "count": True, "threshold": threshold, "higher_is_better": None},
        "structural_gaps": {"value": int(len(published_gaps)), "label": "Structural gaps (service × segment) the released counts show: at least", "higher_is_better": False},
        "biggest_gap_service": {"value": biggest, "label": "Most unmet needs (of the services whose counts are shown)" + (f": {readable(biggest)}" if biggest else "")},
        "median_days_to_met": {"value": None if pd.isna(median) else float(median), "hidden": bool(pd.isna(median)), "label": "Median days from need to met", "unit": "days", "higher_is_better": False},
    }


def gaps_markdown(published_demand: pd.DataFrame, published_rates: pd.DataFrame, *, as_of: Any = None, period_end: Any = None) -> str:
    """Read demand against capacity and the unmet needs in a paragraph, from released values only.

    ``as_of`` (the data end) after ``period_end`` (the reporting period's last day): the
    needs' statuses are those the data record on ``as_of``, and the paragraph says so (a
    statistician read a half-year's "in progress 0" as the state at its end: 57 of its
    needs met were met after it).

    Examples
    --------
    >>> d = pd.DataFrame({"needs": [60, 20, "hidden", 90], "utilization": [1.9, 0.3, np.nan, 0.9],
    ...     "needs_per_month": [6.4, 1.0, np.nan, 9.2], "places_per_month": [3.3, 3.0, 4.0, 10.3], "unmet": [30, 0, "hidden", 35]},
    ...     index=["a", "b", "c", "Total"])
    >>> r = pd.DataFrame({"unmet_need_rate": [50.0, 0.0, np.nan, 40.0], "median_days_to_met": [79.0, 5.0, np.nan, 30.0]}, index=d.index)
    >>> print(gaps_markdown(d, r))  # doctest: +NORMALIZE_WHITESPACE
    Of the services whose counts are shown, demand outruns capacity for 1 service: **a** (6.4 needs a month against 3.3 places; 1.9 times). Of the services whose counts are shown, the most unmet needs are in **a** (30, 50% of its needs not declined by the client; median 79 days to met).
    >>> print(gaps_markdown(d.assign(unmet=[30, 30, "hidden", 65]), r).split(". ")[-1])  # a tie: both named
    Of the services whose counts are shown, the most unmet needs are in **a** (30, 50% of its needs not declined by the client; median 79 days to met) and **b** (30, 0% of its needs not declined by the client; median 5 days to met).
    """
    total = published_demand.loc[MARGIN, "needs"] if MARGIN in published_demand.index else 0
    if not isinstance(total, str) and not total:  # a shown 0 (a hidden total is one or more)
        return NO_NEED
    services = published_demand.drop(index=MARGIN, errors="ignore")
    partly = services["needs"].map(lambda v: isinstance(v, str)).any()
    among = "Of the services whose counts are shown, d" if partly else "D"
    over = services[pd.to_numeric(services["utilization"], errors="coerce") > 1]
    over = over.loc[sorted(over.index, key=lambda s: (-over.loc[s, "utilization"], s))]
    if over.empty:
        text = ("Of the services whose counts are shown, none" if partly else "No service") + " had more needs than places over the period."
    else:
        items = [
            f"**{readable(s)}** ({r.needs_per_month:.1f} needs a month against {r.places_per_month:.1f} places; {r.utilization:.1f} times)"
            if np.isfinite(r.utilization) else f"**{readable(s)}** (no capacity at all)"
            for s, r in zip(over.index, over.itertuples(index=False))
        ]
        text = f"{among}emand outruns capacity for {len(over)} service{'s' if len(over) > 1 else ''}: " + "; ".join(items) + "."
    unmet = _shown(published_demand["unmet"])
    top = _leaders(unmet)  # every service tied at the most
    if top:
        partly_unmet = services["unmet"].map(lambda v: isinstance(v, str)).any()
        lead = "Of the services whose counts are shown, the" if partly_unmet else "The"
        text += f" {lead} most unmet needs are in " + listed([f"**{readable(s)}** ({_unmet_details(s, unmet, published_rates)})" for s in top]) + "."
    return text + status_as_of(as_of, period_end)


def status_as_of(as_of: Any, period_end: Any) -> str:
    """A sentence saying the needs' statuses are those of the data end, where it falls after the period ("" otherwise).

    >>> status_as_of(pd.Timestamp("2025-12-31"), pd.Timestamp("2025-06-30"))
    ' Statuses (met, in progress, unmet) are as the data record them on 2025-12-31, not at the end of the period: a need identified in the period and met since counts as met.'
    >>> status_as_of(pd.Timestamp("2025-06-30"), pd.Timestamp("2025-06-30"))
    ''
    """
    if as_of is None or period_end is None or pd.isna(as_of) or pd.isna(period_end) or pd.Timestamp(as_of) <= pd.Timestamp(period_end):
        return ""
    return (f" Statuses (met, in progress, unmet) are as the data record them on {pd.Timestamp(as_of).date()}, not at the end of "
            "the period: a need identified in the period and met since counts as met.")


def _unmet_details(service: str, unmet: pd.Series, published_rates: pd.DataFrame) -> str:
    """``30, 50% of its needs not declined by the client; median 79 days to met``: a service's unmet needs as shown."""
    rate = published_rates.loc[service, "unmet_need_rate"] if service in published_rates.index else np.nan
    median = published_rates.loc[service, "median_days_to_met"] if service in published_rates.index else np.nan
    details = [f"{int(unmet[service])}"]
    if pd.notna(rate):
        details.append(f"{rate:.0f}% of its needs not declined by the client")
    if pd.notna(median):
        details.append(f"median {median:.0f} days to met")
    elif pd.notna(rate):
        details.append("median not reached")
    return "; ".join([", ".join(details[:2])] + details[2:])
