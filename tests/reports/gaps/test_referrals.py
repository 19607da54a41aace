"""Referral outcomes per service: released with their totals, and in sentences that give no hidden count back."""

from __future__ import annotations

import pandas as pd

from tfanalysis.publication import Release
from tfanalysis.reports.gaps.referrals import publish_referrals, referral_markdown
from tfanalysis.reports.gaps.shown import MARGIN

from gaps_fixtures import DAY, K, YEAR, small_shown


def test_referral_sentences_give_no_share_of_a_total_beside_a_hidden_part() -> None:
    """Sentences: "declined for lack of capacity: 11, 36 % of them for case management" -> 4."""
    table = pd.DataFrame({"declined for capacity": ["hidden", "hidden", 11], "declined for eligibility": [0, 24, 24]},
                         index=["case_management", "housing_emergency", MARGIN])
    text = referral_markdown(table)
    assert text.startswith("Referrals declined for lack of capacity: 11; no service's count is shown.")
    assert "%" not in text.split(".")[0] and "Case management" not in text
    assert "most for Housing: emergency (24, 100% of them)" in text


def test_released_referrals_keep_the_services_with_declines_and_the_total() -> None:
    rows = [("a", "declined_capacity")] * 14 + [("a", "completed")] * 30 + [("b", "completed")] * 40 + [("b", "declined_capacity")] * 12 \
        + [("b", "declined_eligibility")] * 15 + [("c", "declined_eligibility")] * 3 + [("c", "accepted")] * 20 + [("c", "open")] * 12 \
        + [("e", "completed")] * 25
    units = pd.DataFrame(rows, columns=["service", "outcome"]).assign(referred_on=DAY)
    rel = Release(None, K, units={"referrals": units})
    shown = publish_referrals(rel, YEAR, name="referral outcomes per service")
    assert shown.index.tolist() == ["a", "b", "c", MARGIN]  # e has no decline; the total counts it
    total = shown.loc[MARGIN]
    assert [total["accepted or completed"], total["declined for capacity"], total["Total"]] == [115, 26, 171]  # 30 + 40 + 20 + 25
    assert isinstance(shown.loc["c", "declined for eligibility"], str)  # 3: hidden
    assert shown.loc["c", "declined for capacity"] == 0  # a true zero is shown as 0
    assert small_shown(shown) == []


def test_a_service_is_listed_for_its_declines_only_where_the_released_counts_say_it_has_one() -> None:
    """Listing a service says it had a decline: not where its decline counts are withheld (they may be 0).

    b's 11 referrals (7 completed, 4 declined for capacity) are shown as one count first;
    the table's line for b then cannot hide 4 and 7 (each at most 10 beside the 11) and is
    withheld whole. The code before listed b all the same, which told a reader b's declines
    are at least 1.
    """
    rows = [("a", "completed")] * 30 + [("a", "declined_capacity")] * 14 + [("b", "declined_capacity")] * 4 \
        + [("b", "completed")] * 7 + [("e", "completed")] * 25
    units = pd.DataFrame(rows, columns=["service", "outcome"]).assign(referred_on=DAY)
    rel = Release(None, K, units={"referrals": units})
    assert rel.count("referrals", where={"service": ["b"]}, name="b's referrals").value() == 11
    shown = publish_referrals(rel, YEAR, name="referral outcomes per service")
    assert shown.index.tolist() == ["a", MARGIN]
    assert shown.loc[MARGIN, "declined for capacity"] == 18  # 14 + 4: the total still counts b
    assert small_shown(shown) == []


def test_a_tie_at_the_most_names_every_service_tied() -> None:
    # a statistician's fiscal-year run: "most for Housing: emergency (33, 35% of them)" while mental health care had 33 too
    table = pd.DataFrame({"declined for capacity": [0, 0, 0, 0], "declined for eligibility": [33, 33, 28, 94]},
                         index=["housing_emergency", "mental_health_care", "legal_representation", MARGIN])
    text = referral_markdown(table)
    assert text.endswith("Referrals declined because the client was not eligible: 94; of the services whose counts are shown, most for "
                         "Housing: emergency and Mental health care (emergency and long-term) (33, 35% of them each).")


def test_outcomes_not_yet_settled_say_so_before_anything_else() -> None:
    """An outsider read report 02's 2025Q4 "No referral was declined for lack of capacity" beside report 03's
    "not settled yet": the declines still to come were not in the counts."""
    from tfanalysis.reports.gaps.referrals import NOT_SETTLED, referral_markdown

    t = pd.DataFrame({"declined for capacity": [0, 0], "declined for eligibility": [0, 0]}, index=["food", "Total"])
    assert referral_markdown(t) == ("No referral was declined for lack of capacity. "
                                    "No referral was declined because the client was not eligible.")
    assert referral_markdown(t, settled=False) == NOT_SETTLED + " " + referral_markdown(t)
