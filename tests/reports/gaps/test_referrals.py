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
