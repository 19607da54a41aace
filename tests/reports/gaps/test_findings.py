"""What report 02 names and says: sentences and headline numbers from shown values only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tfanalysis.reports.gaps.findings import NO_NEED, default_site_service, gaps_markdown, headline_metrics, site_service_markdown
from tfanalysis.reports.gaps.shown import MARGIN


def test_the_summary_names_the_most_unmet_among_shown_counts_only() -> None:
    """Sentences: "most for Housing: emergency (26)" quoted a count the table hid."""
    demand = pd.DataFrame({"needs": [80, 60, 140], "unmet": ["hidden", 15, 41], "utilization": [0.5, 0.4, 0.45],
                           "needs_per_month": [6.7, 5.0, 11.7], "places_per_month": [13.3, 12.5, 25.8]},
                          index=["housing_emergency", "food", MARGIN])
    rates = pd.DataFrame({"unmet_need_rate": [np.nan, 25.0, 29.3], "median_days_to_met": [np.nan, 12.0, 20.0]}, index=demand.index)
    text = gaps_markdown(demand, rates)
    assert "Of the services whose counts are shown, the most unmet needs are in **Food** (15, 25% of its needs" in text
    assert "Housing" not in text and "26" not in text


def test_the_summary_says_so_when_no_need_was_identified() -> None:
    demand = pd.DataFrame({"needs": [0], "unmet": [0], "utilization": [np.nan], "needs_per_month": [0.0], "places_per_month": [3.0]}, index=[MARGIN])
    assert gaps_markdown(demand, pd.DataFrame(index=[MARGIN])) == NO_NEED
    hidden = demand.astype(object).assign(needs="hidden")  # a hidden total is one or more: not "no need"
    assert gaps_markdown(hidden, pd.DataFrame({"unmet_need_rate": [np.nan], "median_days_to_met": [np.nan]}, index=[MARGIN])) != NO_NEED


def test_headline_metrics_from_released_values() -> None:
    demand = pd.DataFrame({"needs": [60, "hidden", 68], "met": [20, "hidden", 27], "unmet": [30, "hidden", 33]}, index=["a", "b", MARGIN])
    rates = pd.DataFrame({"unmet_need_rate": [50.0, np.nan, np.nan], "median_days_to_met": [79.0, np.nan, 60.0]}, index=demand.index)
    m = headline_metrics(demand, rates, pd.DataFrame({"service": ["a", "b"]}))
    assert m["needs_met"]["value"] == 27 and m["structural_gaps"]["value"] == 2
    assert m["unmet_need_rate"]["value"] is None and m["unmet_need_rate"]["hidden"]
    assert m["median_days_to_met"]["value"] == 60.0 and m["biggest_gap_service"]["value"] == "a"
    hidden_met = headline_metrics(demand.assign(met=["hidden", "hidden", "hidden"]), rates, pd.DataFrame())
    assert hidden_met["needs_met"]["value"] is None and hidden_met["needs_met"]["hidden"]


def test_the_most_unmet_needs_name_every_service_tied() -> None:
    demand = pd.DataFrame({"needs": [60, 40, 100], "utilization": [0.5, 0.4, 0.45], "needs_per_month": [2.0, 1.3, 3.3],
                           "places_per_month": [4.0, 3.3, 7.3], "unmet": [12, 12, 24]}, index=["food", "clothing", MARGIN])
    rates = pd.DataFrame({"unmet_need_rate": [20.0, 30.0, 24.0], "median_days_to_met": [7.0, np.nan, 9.0]}, index=demand.index)
    assert gaps_markdown(demand, rates).endswith(
        "The most unmet needs are in **Clothing** (12, 30% of its needs not declined by the client; median not reached) and "
        "**Food** (12, 20% of its needs not declined by the client; median 7 days to met).")


def test_the_sites_say_which_service_they_are_for_and_why() -> None:
    """A statistician read report 02's Case management sites (3 of its 34 needs not met) as the greatest need:
    no service's count of needs not met was shown, so the service was the one with the most needs identified."""
    demand = pd.DataFrame({"needs": [34, 13, 30, 77], "unmet": ["hidden", "hidden", 12, 21], "in_progress": ["hidden", 0, 0, 51]},
                          index=["case_management", "legal_representation", "food", MARGIN])
    # food's needs not met (12 unmet + 0 in progress) are the only ones shown: the most needs not met shown
    assert default_site_service(demand) == "food"
    assert site_service_markdown(demand, "food") == ("The sites are for **Food**: the most needs not yet met (unmet or still in "
                                                     "progress) among the services whose counts are shown.")
    none_shown = demand.assign(unmet="hidden", in_progress="hidden")
    assert default_site_service(none_shown) == "case_management"  # 34, the most needs identified
    assert "most needs identified among those whose count is shown, not the one with the most needs not met" in site_service_markdown(none_shown, "case_management")
    zeros = demand.assign(unmet=["hidden", "hidden", 0, 21], in_progress=["hidden", 0, 0, 51])  # a shown 0 is no need not met
    assert site_service_markdown(zeros, "case_management") == site_service_markdown(none_shown, "case_management")
    unmet_only = demand.assign(in_progress="hidden", unmet=["hidden", 14, 0, 21])
    assert default_site_service(unmet_only) == "legal_representation"  # 14 unmet shown, its in-progress hidden
    assert site_service_markdown(unmet_only, "legal_representation").endswith("the most unmet needs among the services whose unmet count is shown.")
    # a service the run was asked for (or any other than the default) is said to be asked for, never "the most"
    for asked in ("legal_representation", ""):
        text = site_service_markdown(none_shown, "legal_representation", asked=asked)
        assert text == "The sites are for **Legal representation (immigration, criminal, civil)**, the service the run was asked to place them for."
    assert site_service_markdown(demand, "") == ""
