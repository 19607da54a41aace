"""Referral outcomes per service, released, and where capacity or eligibility make referrals fail."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tfanalysis.publication import ByGroups
from tfanalysis.reports.gaps.scope import Scope
from tfanalysis.reports.labels import listed, readable
from tfanalysis.reports.gaps.shown import MARGIN, _leaders


REFERRAL_RESULTS: dict[str, tuple[str, ...]] = {
    "accepted or completed": ("accepted", "completed"),
    "declined for capacity": ("declined_capacity",),
    "declined for eligibility": ("declined_eligibility",),
    "declined otherwise, no response or open": ("declined_other", "no_response", "open"),
}
"""Referral outcomes as the report groups them (each a set of values of ``outcome``)."""


def publish_referrals(rel: Any, scope: Scope, *, name: str) -> pd.DataFrame:
    """Referral outcomes per service (:data:`REFERRAL_RESULTS`), released with their totals.

    Rows: the services with any referral declined for capacity or for eligibility, as
    released (:meth:`~tfanalysis.publication.Released.at_least_one`: shown above 0, or
    hidden and not withheld), then ``Total`` (every service).
    """
    groups = ByGroups("outcome", REFERRAL_RESULTS)
    table = rel.table("referrals", rows="service", columns=groups, where=scope.where("referred_on"), name=name)
    declines = ["declined for capacity", "declined for eligibility"]
    keep = table.at_least_one(margins=True)[declines].any(axis=1)
    keep[MARGIN] = True
    out = table.shown[keep.to_numpy(bool)]
    out.attrs["release"] = table.name
    return out


NOT_SETTLED = ("The period's referrals have not all had time to be answered (report 03's answer window): these outcomes are "
               "not settled yet, and declines still to come are not in them.")
"""What report 02 says first of a period's referral outcomes that are not settled yet."""


def referral_markdown(published: pd.DataFrame, settled: bool = True) -> str:
    """Where capacity and where eligibility make referrals fail, from :func:`publish_referrals`.

    The service named is the one with the most among the services whose counts are shown,
    and its share of all such declines is given only where both counts are shown.
    ``settled``: whether the period's referrals have all had time to be answered
    (:func:`~tfanalysis.analyses.collaboration.referrals.answered_by_now`); where not, the
    text says first that declines still to come are not in these counts (an outsider read
    the demo's 2025Q4 "No referral was declined for lack of capacity" beside report 03's
    "not settled yet").

    Examples
    --------
    >>> t = pd.DataFrame({"declined for capacity": [13, "hidden", 15], "declined for eligibility": [0, 24, "hidden"]},
    ...     index=["legal_representation", "housing_emergency", "Total"])
    >>> print(referral_markdown(t))
    Referrals declined for lack of capacity: 15; of the services whose counts are shown, most for Legal representation (immigration, criminal, civil) (13, 87% of them). The number of referrals declined because the client was not eligible is hidden; of the services whose counts are shown, most for Housing: emergency (24).
    >>> zeros = pd.DataFrame({"declined for capacity": [0, "hidden", "hidden", 29], "declined for eligibility": [0, 0, 0, 0]},
    ...                      index=["housing_emergency", "food", "legal_representation", "Total"])
    >>> print(referral_markdown(zeros))  # a statistician read "no service's count is shown" beside a shown 0
    Referrals declined for lack of capacity: 29; each service whose count is shown had none, and the others' counts are hidden. No referral was declined because the client was not eligible.
    >>> tied = pd.DataFrame({"declined for capacity": [33, 33, 94], "declined for eligibility": [0, 0, 0]}, index=["mental_health_care", "housing_emergency", "Total"])
    >>> print(referral_markdown(tied))  # doctest: +ELLIPSIS
    Referrals declined for lack of capacity: 94; of the services whose counts are shown, most for Housing: emergency and Mental health care (emergency and long-term) (33, 35% of them each). ...
    """
    parts = [] if settled else [NOT_SETTLED]
    for column, why in (("declined for capacity", "for lack of capacity"), ("declined for eligibility", "because the client was not eligible")):
        total = published.loc[MARGIN, column] if MARGIN in published.index else 0
        if not isinstance(total, str) and total == 0:
            parts.append(f"No referral was declined {why}.")
            continue
        text = f"The number of referrals declined {why} is hidden" if isinstance(total, str) else f"Referrals declined {why}: {int(total):,}"
        cells = pd.to_numeric(published[column].drop(index=MARGIN, errors="ignore"), errors="coerce")
        top = _leaders(cells.dropna())
        if not top:  # every count shown is 0 (the declines are in hidden ones), or none is shown
            parts.append(text + ("; no service's count is shown." if cells.dropna().empty else
                                 "; each service whose count is shown had none, and the others' counts are hidden."))
            continue
        each = " each" if len(top) > 1 else ""
        share = "" if isinstance(total, str) else f", {100 * cells[top[0]] / total:.0f}% of them{each}"
        parts.append(text + f"; of the services whose counts are shown, most for {listed([readable(s) for s in top])} ({int(cells[top[0]])}{each if not share else ''}{share}).")
    return " ".join(parts)
