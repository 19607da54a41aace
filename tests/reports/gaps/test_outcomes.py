"""Needs by status and time to met, released; the demand and rate tables shown only on shown counts.

Hand-worked on small unit frames (``Release(None, 11, units=...)``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tfanalysis.publication import Release
from tfanalysis.reports.gaps.outcomes import need_outcomes, publish_demand, publish_rates, release_outcomes
from tfanalysis.reports.gaps.shown import MARGIN

from gaps_fixtures import DAY, K, YEAR


def _needs(spec: dict[tuple[str, str, int | None], int]) -> pd.DataFrame:
    """Needs identified on 2025-01-01 from {(need, status, days to met or None): count}."""
    rows = [(need, status, DAY + pd.Timedelta(days=days) if days is not None else pd.NaT)
            for (need, status, days), n in spec.items() for _ in range(n)]
    frame = pd.DataFrame(rows, columns=["need", "status", "met_on"])
    return frame.assign(identified_on=DAY, county_fips="10001")


# needs per service: a 45 met (30 within 30 days, 15 in 31-90), 12 in progress, 20 unmet
# (and 14 declined by the client: 91 identified, 77 followed); b 41 met, 1 unmet (42 needs at 2.4 %: the attack);
# c 25 met, 15 unmet; d 5 met (a small service).
SPEC = {
    ("a", "met", 10): 30, ("a", "met", 60): 15, ("a", "in_progress", None): 12, ("a", "unmet", None): 20,
    ("a", "declined_by_client", None): 14,
    ("b", "met", 5): 41, ("b", "unmet", None): 1,
    ("c", "met", 20): 25, ("c", "unmet", None): 15,
    ("d", "met", 200): 5,
}
FOLLOWED = {"a": 77, "b": 42, "c": 40, "d": 5}
IDENTIFIED = {"a": 91, "b": 42, "c": 40, "d": 5}
UNMET = {"a": 20, "b": 1, "c": 15, "d": 0}


@pytest.fixture
def outcomes():
    rel = Release(None, K, units={"needs": _needs(SPEC)})
    return rel, release_outcomes(rel, YEAR, "need", name="needs identified per service")


def test_need_outcomes_band_the_days_to_met_at_30_and_90() -> None:
    needs = pd.DataFrame({"status": ["met"] * 5 + ["in_progress"], "identified_on": [DAY] * 6,
                          "met_on": [DAY + pd.Timedelta(days=d) for d in (30, 31, 90, 91)] + [pd.NaT, pd.NaT]})
    assert need_outcomes(needs).tolist() == [
        "met within 30 days", "met in 31 to 90 days", "met in 31 to 90 days", "met after 90 days", "met, date missing", "in_progress"]


def test_released_outcomes_count_the_needs_identified_by_hand(outcomes) -> None:
    _, released = outcomes
    status = released.status
    # d's five needs are five people's (a frame without client_id: each need its own person), a small group:
    # its counts are withheld, zeros too. Shown, a's 12 in progress and 14 declined, with b's and c's zeros, would
    # equal their columns' totals and leave d's withheld counts at 0 (none of d's five people has a need in
    # progress or declined: rule 3, the bounds' "withheld zero", stop 58); a's are hidden, and a second count of
    # a's row with them. b's 1 unmet and d's 5 needs are hidden as before, c's with them (complementary).
    assert status.shown.loc["a"].tolist() == ["hidden", "hidden", 20, "hidden", 91]  # met, in progress, unmet, declined, identified
    assert status.shown.loc["b"].tolist() == [41, 0, "hidden", 0, "hidden"]
    assert status.shown.loc[MARGIN].tolist() == [116, 12, 36, 14, 178]
    assert status.hidden.loc["d", "Total"] and status.hidden.loc["b", "unmet"]  # 5 needs; 1 unmet
    assert status.is_withheld().loc["d"].all() and not status.is_withheld().loc["a"].any()
    # both tables count the same needs per row, the needs identified: one count, one status
    assert (status.hidden["Total"] == released.time_to_met.hidden["Total"]).all()
    assert released.time_to_met.value("Total", "within 30 days") == 96  # 30 + 41 + 25
    assert released.time_to_met.value("Total", "declined by the client") == 14
    assert released.time_to_met.value("a", "declined by the client") is None  # the one count of a, one status: hidden


def test_demand_shows_needs_a_month_and_utilization_only_where_the_needs_are_shown(outcomes) -> None:
    _, released = outcomes
    demand = pd.DataFrame({"service": ["a", "b", "c", "d"], "months": 12.0, "capacity_places": [24.0, 120.0, 36.0, 12.0]})
    shown = publish_demand(demand, released)
    assert shown.columns.tolist()[:5] == ["needs", "met", "in_progress", "unmet", "declined_by_client"]
    assert shown.loc["a", "needs"] == 91 and shown.loc["a", "needs_per_month"] == 7.58  # 91 / 12
    assert shown.loc["a", "utilization"] == 3.79  # 91 / 24
    assert shown.loc["b", "places_per_month"] == 10.0  # capacity is not a victim count: always shown
    assert isinstance(shown.loc["d", "needs"], str)  # 5 needs: hidden, and what is computed from them
    assert np.isnan(shown.loc["d", "needs_per_month"]) and np.isnan(shown.loc["d", "utilization"])
    assert shown.loc[MARGIN, "needs"] == 178 and shown.loc[MARGIN, "places_per_month"] == 16.0  # 192 / 12


def test_a_rate_is_shown_only_where_its_numerator_and_base_are_shown(outcomes) -> None:
    """Rates give counts back: 42 needs at 2.4 % unmet -> 1 unmet. The rate of b is not shown."""
    _, released = outcomes
    rates = pd.DataFrame({"need": ["a", "b", "c", "d"], "unmet_need_rate": [100 * UNMET[s] / FOLLOWED[s] for s in "abcd"],
                          "met_30d": [39.0, 97.6, 62.5, 0.0], "met_90d": [58.4, 97.6, 62.5, 0.0], "median_days_to_met": [10.0, 5.0, 20.0, 200.0]})
    overall = pd.DataFrame({"unmet_need_rate": [100 * 36 / 164], "met_30d": [58.5], "met_90d": [67.7], "median_days_to_met": [10.0]})
    shown = publish_rates(rates, released, overall=overall)
    assert np.isnan(shown.loc["b", "unmet_need_rate"])
    # 20 of the 91 - 14 = 77 followed: a's 14 declined are hidden (they would pin d's withheld 0, above), and
    # 26.0 % of 91 - d with 20 unmet would give them back
    assert shown.loc["a", ["needs", "unmet"]].tolist() == [91, 20] and np.isnan(shown.loc["a", "unmet_need_rate"])
    assert np.isnan(shown.loc["a", "met_30d"])  # a's 30 met within 30 days hidden
    # a median is a floor on the needs met by its day: a's (10 days) would say at least 39 of
    # its 77 were met within 30 days, and that count is hidden
    assert np.isnan(shown.loc["a", "median_days_to_met"])
    assert np.isnan(shown.loc["d", "median_days_to_met"])  # a median rests on its base count (hidden)
    assert shown.loc[MARGIN, "unmet_need_rate"] == 22.0 and shown.loc[MARGIN, "met_30d"] == 58.5  # 36 of 164; 96 of 164
    assert np.isnan(shown.loc[MARGIN, "met_90d"])  # those met later or not yet: hidden
    # every rate shown multiplies back only to counts that are shown
    status = released.status
    for need, rate in shown["unmet_need_rate"].drop(MARGIN).dropna().items():
        base = status.value(need, "Total") - status.value(need, "declined_by_client")
        assert round(rate * base / 100) == status.value(need, "unmet")


def test_a_median_is_shown_where_every_band_of_days_is_shown() -> None:
    """Worked by hand: e 20 met on day 10, 15 on day 60, 12 unmet (47 followed); g 30 on day 5, 11 on day 40, 14 unmet.

    A median of 60 days says fewer than half were met within 30 days and at least half
    within 90: bounds on the bands, all shown here, so the medians are shown (a hidden
    band hides the median: a's above).
    """
    spec = {("e", "met", 10): 20, ("e", "met", 60): 15, ("e", "unmet", None): 12,
            ("g", "met", 5): 30, ("g", "met", 40): 11, ("g", "unmet", None): 14}
    rel = Release(None, K, units={"needs": _needs(spec)})
    released = release_outcomes(rel, YEAR, "need", name="needs identified per service")
    rates = pd.DataFrame({"need": ["e", "g"], "unmet_need_rate": [100 * 12 / 47, 100 * 14 / 55], "met_30d": [42.6, 54.5],
                          "met_90d": [74.5, 74.5], "median_days_to_met": [60.0, 5.0]})
    overall = pd.DataFrame({"unmet_need_rate": [25.5], "met_30d": [49.0], "met_90d": [74.5], "median_days_to_met": [10.0]})
    shown = publish_rates(rates, released, overall=overall)
    assert released.time_to_met.shown.loc["e", ["within 30 days", "31 to 90 days", "later or not yet"]].tolist() == [20, 15, 12]
    assert shown["median_days_to_met"].tolist() == [60.0, 5.0, 10.0]  # e, g, Total


def test_a_rate_from_needs_followed_is_not_shown_when_the_declined_ones_are_hidden() -> None:
    """One count, two patterns: needs identified (31) beside needs followed (26) gave 5 declined back.

    The report releases the needs identified with the declined ones as a column, and a rate of
    the needs followed only where both are shown."""
    spec = {("a", "met", 10): 30, ("a", "unmet", None): 20, ("a", "declined_by_client", None): 5, ("b", "met", 10): 60, ("b", "unmet", None): 12}
    rel = Release(None, K, units={"needs": _needs(spec)})
    released = release_outcomes(rel, YEAR, "need", name="needs per service")
    assert released.status.value("a", "Total") == 55 and released.status.value("a", "declined_by_client") is None
    rates = pd.DataFrame({"need": ["a", "b"], "unmet_need_rate": [40.0, 16.7], "met_30d": [60.0, 83.3], "met_90d": [40.0, 16.7],
                          "median_days_to_met": [10.0, 10.0]})
    shown = publish_rates(rates, released)
    assert shown.loc["a", ["unmet_need_rate", "met_30d", "met_90d", "median_days_to_met"]].isna().all()  # 20 / 40% = 50 = 55 - 5


def test_a_share_met_within_90_days_is_not_shown_for_a_period_most_of_whose_needs_are_younger_than_90_days() -> None:
    """The e and g needs above, read as 2025Q4's with the data ending 2025-12-31.

    Within 30 days: 62 of 2025Q4's 92 days lie 30 days or more before the end (shown, as
    counted for the whole year). Within 90 days: 2 of 92 (left empty: the share would
    rest on the needs of October's first two days). The same needs read as 2025's:
    both shown.
    """
    from tfanalysis.reports.gaps.scope import Scope

    spec = {("e", "met", 10): 20, ("e", "met", 60): 15, ("e", "unmet", None): 12,
            ("g", "met", 5): 30, ("g", "met", 40): 11, ("g", "unmet", None): 14}
    released = release_outcomes(Release(None, K, units={"needs": _needs(spec)}), YEAR, "need", name="needs identified per service")
    rates = pd.DataFrame({"need": ["e", "g"], "unmet_need_rate": [100 * 12 / 47, 100 * 14 / 55], "met_30d": [42.6, 54.5],
                          "met_90d": [74.5, 74.5], "median_days_to_met": [60.0, 5.0]})
    q4 = Scope(pd.Timestamp("2025-10-01"), pd.Timestamp("2025-12-31"))
    shown = publish_rates(rates, released, scope=q4, as_of=pd.Timestamp("2025-12-31"))
    assert shown["met_30d"].tolist()[:2] == [42.6, 54.5] and shown["met_90d"].isna().all()
    year = publish_rates(rates, released, scope=Scope(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31")), as_of=pd.Timestamp("2025-12-31"))
    assert year["met_90d"].tolist()[:2] == [74.5, 74.5]
