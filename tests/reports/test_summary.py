"""The leadership summary: headlines computed from the data for three periods, through the release."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tfanalysis.reports import summary
from tfanalysis.data.io import load_dataset
from tfanalysis.publication import Release


def test_periods_are_the_eight_before_and_the_year_before():
    trend, previous, year_ago = summary.periods_for("2025H1")
    assert [p.label for p in trend][-3:] == ["2024H1", "2024H2", "2025H1"]
    assert (previous.label, year_ago.label) == ("2024H2", "2024H1")
    trend, previous, year_ago = summary.periods_for(None, pd.Timestamp("2025-11-15"))
    assert trend[-1].label == "2025Q3" and previous is None and year_ago is None  # the latest complete quarter


def test_a_year_is_compared_with_the_year_before_once():
    # a year's previous period is the year before: no second comparison with the same year,
    # and the opening sentence names it once (stop 32's attack read "against 2024 and, where there is one, 2024")
    trend, previous, year_ago = summary.periods_for("2025")
    assert (previous.label, year_ago) == ("2024", None)
    tile = pd.DataFrame({"label": ["Needs identified"], "report": ["02_needs_and_gaps"], "kind": ["count"], "higher_is_better": [None],
                         "now": [120.0], "previous": [100.0], "year_ago": [float("nan")], "period_label": ["2025"], "previous_label": ["2024"],
                         "year_ago_label": [None], "trend": [[100.0, 120.0]], "trend_labels": [["2024", "2025"]]}, index=["needs_identified"])
    assert summary.summary_markdown(tile, [], "2025").startswith("**2025** at a glance: each number against 2024, computed from the data")
    assert summary.tiles_html(tile).count(" vs 2024") == 1


def test_a_fiscal_year_is_compared_with_the_fiscal_year_before():
    # a statistician's fiscal-year run (--start 2024-10-01 --end 2025-09-30) failed in report 05:
    # the range's label was read back as a period, and "a year before" shifted the label's first year only
    trend, previous, year_ago = summary.periods_for("2024-10-01..2025-09-30")
    assert [p.label for p in trend][-2:] == ["2023-10-01 to 2024-09-30", "2024-10-01 to 2025-09-30"]
    assert previous.label == "2023-10-01 to 2024-09-30" and year_ago is None
    trend, previous, year_ago = summary.periods_for("2025-08-01..2025-10-31")  # three months, not a quarter
    assert (previous.label, year_ago.label) == ("2025-05-01 to 2025-07-31", "2024-08-01 to 2024-10-31")


def test_headlines_are_counted_for_each_period_by_hand(tiny_dir):
    data = load_dataset(tiny_dir)
    tiles = summary.headline_tiles(Release(data, 2), data, "2024Q1")
    # 2024Q1: clients c1 (Jan) and c2 (Feb); needs: 4 in Q1. 2023Q4 ended before the data
    # begin (2024-01-05): no data there, not 0 (a second task force read "+12 vs 2024Q3" so)
    assert tiles.loc["clients_identified", "now"] == 2.0 and math.isnan(tiles.loc["clients_identified", "previous"])
    assert tiles.loc["needs_identified", "now"] == 4.0
    assert tiles.loc["needs_met", "now"] == 2.0  # c1 housing, c2 legal
    # unmet-need rate in Q1 would be 1 of 4: its numerator (1) is hidden, so is the rate
    assert math.isnan(tiles.loc["unmet_need_rate", "now"])
    assert tiles.loc["clients_identified", "previous_label"] == "2023Q4"
    assert tiles.loc["clients_identified", "year_ago_label"] == "2023Q1"


def test_hidden_counts_are_not_shown_compared_or_drawn(tiny_dir):
    data = load_dataset(tiny_dir)
    tiles = summary.headline_tiles(Release(data, 3), data, "2024Q2")
    # one client in 2024Q2 (c3): hidden at threshold 3, and so is any change from it
    assert math.isnan(tiles.loc["clients_identified", "now"])
    page = summary.tiles_html(tiles)
    assert "hidden" in page
    assert not any("Victims identified" in s for s in summary.findings(tiles))


def test_every_sentence_names_its_periods_and_quotes_the_tiles():
    tiles = pd.DataFrame({
        "label": ["Needs identified", "Unmet-need rate", "Arrests"], "kind": ["count", "rate", "count"],
        "higher_is_better": [None, False, None], "now": [363.0, 6.0, float("nan")], "previous": [325.0, 10.9, 19.0],
        "period_label": ["2025Q4"] * 3, "previous_label": ["2025Q3"] * 3,
    }, index=["needs_identified", "unmet_need_rate", "arrests"])
    sentences = summary.findings(tiles)
    # 363 of the 688 needs of both quarters fell in the later one: p 0.158 (exact binomial, half each), so chance
    # alone could give it; a rate is not tested (its counts are not in the tiles)
    assert sentences == ["Unmet-need rate fell from 10.9% in 2025Q3 to 6.0% in 2025Q4.",
                         "Needs identified rose from 325 in 2025Q3 to 363 in 2025Q4 (chance alone could give a change this size)."]


def test_a_count_that_chance_alone_could_change_so_much_says_so_and_the_days_of_each_period_count():
    tiles = pd.DataFrame({"label": ["Arrests"], "kind": ["count"], "higher_is_better": [None], "now": [40.0], "previous": [25.0],
                          "period_label": ["b"], "previous_label": ["a"]}, index=["arrests"])
    # 40 of 65 in the later of two equal periods: two-sided exact binomial p = 0.082 -> chance could give it
    assert summary.findings(tiles) == ["Arrests rose from 25 in a to 40 in b (chance alone could give a change this size)."]
    # the later period half as long again (92 days against 61): 40 of 65 is its expected share 0.601 -> p near 1
    assert "chance alone" in summary.findings(tiles.assign(period_days=92.0, previous_days=61.0))[0]
    # the earlier one twice as long (184 days against 92): 40 of 65 against a share of 1/3: p < 0.001 -> no such words
    assert summary.findings(tiles.assign(period_days=92.0, previous_days=184.0)) == ["Arrests rose from 25 in a to 40 in b."]


def test_a_change_is_better_or_worse_by_direction():
    tile = pd.DataFrame({"label": ["Unmet-need rate"], "report": ["02_needs_and_gaps"], "kind": ["rate"], "higher_is_better": [False],
                         "now": [6.0], "previous": [10.9], "year_ago": [5.0], "period_label": ["2025Q4"], "previous_label": ["2025Q3"],
                         "year_ago_label": ["2024Q4"], "trend": [[5.0, 10.9, 6.0]], "trend_labels": [["a", "b", "c"]]}, index=["u"])
    page = summary.tiles_html(tile)
    assert "▼ −4.9 pp (better) vs 2025Q3" in page and "▲ +1.0 pp (worse) vs 2024Q4" in page
    assert 'href="02_needs_and_gaps.html"' in page and "<svg" in page


def test_a_median_of_days_to_met_is_shown_only_where_every_band_of_days_is(tiny_dir):
    # 2024Q1's four needs followed: met after 2 and 27 days (within 30), one in progress and
    # one unmet (later or not yet); none in 31 to 90 days. KM median: 27 days.
    data = load_dataset(tiny_dir)
    at_two = summary.headline_tiles(Release(data, 2), data, "2024Q1")
    assert at_two.loc["median_days_to_met", "now"] == 27.0  # bands 2, 0 and 2: all shown
    # at threshold 3 the base (4) is shown but both bands of 2 are hidden: a median of 27 days
    # would say at least half of the 4 were met within 30 days
    at_three = summary.headline_tiles(Release(data, 3), data, "2024Q1")
    assert math.isnan(at_three.loc["median_days_to_met", "now"])
    assert math.isnan(summary.headline_tiles(Release(data, 3), data, "all").loc["median_days_to_met", "now"])


def test_the_median_days_to_respond_is_report_03_s_number(tiny_dir):
    """One name, one number: 05 showed the median over answered referrals only, 03 over every referral made.

    2024Q1's referrals: r1 answered after 1 day, r2 after 2, r3 never. Report 03 counts the
    unanswered one as slower than any: median of (1, 2, never) = 2 days, shown where the
    referrals made (3) are. The code before showed 1.5 (answered only) under a gate of its own.
    """
    from tfanalysis.analyses.collaboration.referrals import median_response_days

    data = load_dataset(tiny_dir)
    tiles = summary.headline_tiles(Release(data, 2), data, "2024Q1")
    assert tiles.loc["median_response_days", "now"] == 2.0
    assert median_response_days(data, pd.period_range("2024Q1", periods=1, freq="Q")).tolist() == [2.0]
    # at threshold 4 the 3 referrals made are hidden: so is their median
    assert math.isnan(summary.headline_tiles(Release(data, 4), data, "2024Q1").loc["median_response_days", "now"])


def test_counts_that_follow_the_needs_identified_are_neither_better_nor_worse() -> None:
    """A second task force read "Needs met 500 ▲ +34 (better)" while the share met fell: the count rose with the needs identified."""
    directions = {h.name: h.higher_is_better for h in summary.HEADLINES}
    assert directions["needs_met"] is None and directions["needs_identified"] is None
    assert directions["unmet_need_rate"] is False  # the rate carries the direction
    assert summary._direction(34.0, directions["needs_met"]) == "neutral"


def test_a_region_run_names_its_region_and_what_the_links_measure():
    # a statistician's TX run: 30 arrests and 655 referrals (the region's), linked to report 03's 72 and 1,414 (the task
    # force's), and the page never said TX
    tile = pd.DataFrame({"label": ["Arrests"], "report": ["03_collaboration"], "kind": ["count"], "higher_is_better": [None],
                         "now": [30.0], "previous": [28.0], "year_ago": [float("nan")], "period_label": ["2025Q2"], "previous_label": ["2025Q1"],
                         "year_ago_label": ["2024Q2"], "trend": [[28.0, 30.0]], "trend_labels": [["2025Q1", "2025Q2"]]}, index=["arrests"])
    text = summary.summary_markdown(tile, [], "2025Q2", region="TX")
    assert text.startswith("**Region TX only**: every number below counts the clients of the region")
    assert "measures the whole task force" in text.split("\n")[0]
    assert not summary.summary_markdown(tile, [], "2025Q2").startswith("**Region")


def test_a_median_and_its_change_are_printed_to_a_tenth_as_report_03_prints_them() -> None:
    """A second task force: "6 days ▼ −2 days" beside report 03's 5.5 and −1.5 (whole days rounded 5.5 up and 1.5 up)."""
    tiles = pd.DataFrame({"label": ["Median days to respond to a referral"], "report": ["03_collaboration"], "kind": ["median"],
                          "higher_is_better": [False], "now": [5.5], "previous": [7.0], "year_ago": [float("nan")],
                          "period_label": ["2025Q3"], "previous_label": ["2024Q3"], "year_ago_label": [None], "trend": [[7.0, 5.5]],
                          "trend_labels": [["2024Q3", "2025Q3"]]}, index=["median_response_days"])
    page = summary.tiles_html(tiles)
    assert ">5.5 days<" in page and "▼ −1.5 days (better) vs 2024Q3" in page


def test_a_change_against_a_hidden_value_says_it_is_hidden_there() -> None:
    """A second task force: "n/a vs 2024" on every tile of a year, though 2024's values existed and were hidden."""
    def tile(hidden: bool) -> str:
        return summary.tiles_html(pd.DataFrame({
            "label": ["Needs identified"], "report": ["02_needs_and_gaps"], "kind": ["count"], "higher_is_better": [None],
            "now": [353.0], "previous": [float("nan")], "year_ago": [float("nan")], "previous_hidden": [hidden],
            "year_ago_hidden": [False], "period_label": ["2025"], "previous_label": ["2024"], "year_ago_label": [None],
            "trend": [[float("nan"), 353.0]], "trend_labels": [["2024", "2025"]]}, index=["needs_identified"]))
    assert "n/a vs 2024 (hidden there)" in tile(True)
    assert "n/a vs 2024<" in tile(False)  # before the data began: not measurable, nothing hidden


def test_a_value_hidden_in_the_period_itself_says_so_beside_every_comparison() -> None:
    """The demo's 2025Q4 summary: "Charges filed hidden, n/a vs 2025Q3, n/a vs 2024Q4", with no reason given;
    a median resting on a hidden band of days read "n/a", as if not measurable."""
    def tile(kind: str, hidden: bool) -> str:
        return summary.tiles_html(pd.DataFrame({
            "label": ["x"], "report": ["03_collaboration"], "kind": [kind], "higher_is_better": [None],
            "now": [float("nan")], "previous": [12.0], "year_ago": [float("nan")], "now_hidden": [hidden], "previous_hidden": [False],
            "year_ago_hidden": [True], "period_label": ["2025Q4"], "previous_label": ["2025Q3"], "year_ago_label": ["2024Q4"],
            "trend": [[12.0, float("nan")]], "trend_labels": [["2025Q3", "2025Q4"]]}, index=["x"]))
    page = tile("count", True)
    assert ">hidden<" in page and "n/a vs 2025Q3 (hidden in 2025Q4)" in page and "n/a vs 2024Q4 (hidden in 2025Q4)" in page
    assert ">hidden<" in tile("median", True) and "vs 2025Q3 (hidden in 2025Q4)" in tile("median", True)
    page = tile("median", False)  # not measurable (no need met in the period): n/a, nothing said hidden
    assert ">n/a<" in page and "hidden" not in page.split("tf-tile")[1]


def test_a_period_whose_outcomes_are_still_coming_in_is_not_settled_or_provisional_and_never_compared(tiny_dir):
    """A statistician: the demo's 2025Q4 acceptance (17 referrals open) and unmet-need rate (51 needs in progress)
    were compared with finished quarters, and read as better.

    Tiny task force, data end 2024-05-02 (c4 identified). Needs met after 2 and 27 days: the met window is the
    95th percentile, 2 + 0.95 x 25 = 25.75 -> 26 days. Referrals answered after 1 and 2 days: 1.95 -> 2 days.
    2024Q1 (ends 03-31) has had both by 04-26; 2024Q2 (ends 06-30) has had neither.
    """
    data = load_dataset(tiny_dir)
    q2 = summary.headline_tiles(Release(data, 2), data, "2024Q2")
    assert q2.loc["unmet_need_rate", "now_provisional"] and not q2.loc["unmet_need_rate", "previous_provisional"]
    assert q2.loc["needs_met", "now_provisional"] and not q2.loc["needs_identified", "now_provisional"]
    assert math.isnan(q2.loc["needs_met", "trend"][-1]) and q2.loc["needs_met", "trend_released"][-1] is None  # not drawn
    assert q2.loc["referral_acceptance_rate", "now_unsettled"] and math.isnan(q2.loc["referral_acceptance_rate", "now"])
    assert not q2.loc["referral_acceptance_rate", "previous_unsettled"]
    q1 = summary.headline_tiles(Release(data, 2), data, "2024Q1")
    assert not q1.loc["unmet_need_rate", "now_provisional"] and not q1.loc["referral_acceptance_rate", "now_unsettled"]
    # 2024Q1's referrals: r1 accepted, r2 declined, r3 no response: 1 accepted of 3 with an outcome, hidden at threshold 2
    assert q1.loc["referral_acceptance_rate", "now_hidden"] and math.isnan(q1.loc["referral_acceptance_rate", "now"])


def test_a_provisional_value_is_shown_but_not_compared_and_an_unsettled_one_not_shown():
    tiles = pd.DataFrame({
        "label": ["Unmet-need rate", "Referrals accepted"], "report": ["02_needs_and_gaps", "03_collaboration"], "kind": ["rate", "rate"],
        "higher_is_better": [False, True], "now": [6.0, float("nan")], "previous": [10.9, 84.6], "year_ago": [5.0, 87.0],
        "period_label": ["2025Q4"] * 2, "previous_label": ["2025Q3"] * 2, "year_ago_label": ["2024Q4"] * 2,
        "now_provisional": [True, False], "now_unsettled": [False, True],
        "trend": [[5.0, 10.9, float("nan")], [87.0, 84.6, float("nan")]], "trend_labels": [["a", "b", "c"]] * 2,
    }, index=["unmet_need_rate", "referral_acceptance_rate"])
    page = summary.tiles_html(tiles)
    assert "6.0% (provisional)" in page and "n/a vs 2025Q3 (provisional in 2025Q4)" in page and "(better)" not in page
    assert "not settled yet" in page and "n/a vs 2025Q3 (not settled in 2025Q4)" in page and "92" not in page
    assert summary.findings(tiles) == []
    assert summary.findings(tiles.assign(now_provisional=False)) == ["Unmet-need rate fell from 10.9% in 2025Q3 to 6.0% in 2025Q4."]


def units(part: int, whole: int, per: int = 1) -> pd.DataFrame:
    """``whole`` units of ``whole // per`` victims, the first ``part`` of them marked as the rate's part."""
    return pd.DataFrame({"_part": np.arange(whole) < part, "client_id": np.arange(whole) // per})


def test_a_rate_s_change_is_set_against_chance_by_fisher_s_exact_test_by_hand():
    # 0 of 10 against 10 of 10: only the observed table and its mirror are as extreme, p = 2 / C(20, 10) = 1.08e-5
    assert not summary._rates_could_be_chance(units(0, 10), units(10, 10))
    # 1 of 2 against 1 of 2: no change at all, p = 1; 2 of 4 against 0 of 4: p = 2 * C(4,2)C(4,0)/C(8,2) = 12/28 = 0.43
    assert summary._rates_could_be_chance(units(1, 2), units(1, 2)) and summary._rates_could_be_chance(units(2, 4), units(0, 4))


def test_a_rate_s_units_of_one_victim_count_as_one_cluster():
    # 0 of 10 against 10 of 10 is p 1e-5 as ten units each; as two victims of five units a period, whole
    # victims marked or not, the regression on 4 clusters is too few to tell the periods apart
    assert not summary._rates_could_be_chance(units(0, 10, 5), units(10, 10, 5))
    assert summary._rates_could_be_chance(units(0, 10, 5), units(10, 10, 5), "client_id")


def test_a_referral_share_s_answers_by_one_member_come_together_by_hand():
    """Two members a period, two referrals each: a accepts both, b neither; before, none of four.

    The share both periods have together is 2 / 8 = 0.25. The later period's variance under
    no change: 2 / 1 ((2 - 0.5)^2 + (0 - 0.5)^2) / 4^2 = 0.3125; the earlier's 2 / 1 (0.25 +
    0.25) / 16 = 0.0625; t = 0.5 / sqrt(0.375) = 0.8165 on 2 df, whose two-sided p is exactly
    1 - t / sqrt(t^2 + 2) = 0.5.
    """
    later = pd.DataFrame({"_part": [True, True, False, False], "client_id": list("pqrs"), "to_member": list("aabb")})
    earlier = pd.DataFrame({"_part": [False] * 4, "client_id": list("tuvw"), "to_member": list("ccdd")})
    assert summary._clustered_share_p(later, earlier, "to_member") == pytest.approx(0.5)
    # 40 referrals to each of 10 members a period: 45 declined before, 36 of them by one full member, 10 after (one each).
    # By referral (or victim) the fall is far beyond chance; by member, one member's quarter: chance could give it
    members = pd.Series(np.arange(400) // 40).map("m{}".format)
    before = units(0, 400).assign(_part=np.arange(400) % 40 < np.where(np.arange(400) < 40, 36, 1), to_member=members)
    after = units(0, 400).assign(_part=np.arange(400) % 40 == 0, to_member=members)
    assert (int(before["_part"].sum()), int(after["_part"].sum())) == (45, 10)
    assert not summary._rates_could_be_chance(after, before, "client_id")
    assert summary._rates_could_be_chance(after, before, "client_id", *summary.SHARES_ALSO_CLUSTERED_BY["referrals"])


def test_a_count_s_change_is_set_against_chance_with_its_victims_clusters_by_hand():
    # 160 against 100 in equal periods: exact p < 0.001. The score statistic (160 - 130)^2 / (260 / 4) = 13.85;
    # at a design effect of 6 (six needs a victim) 2.31, p 0.13: chance could give it; at 2, 6.92, p 0.009: not
    assert not summary._chance_alone(160, 100)
    assert summary._chance_alone(160, 100, inflation=6.0) and not summary._chance_alone(160, 100, inflation=2.0)
    # clusters within each period: a victim with 3 needs, one with 1 (Σ n² = 10 of 4 needs) and one with 2 (4 of 2)
    later, earlier = pd.DataFrame({"client_id": ["a", "a", "a", "b"]}), pd.DataFrame({"client_id": ["a", "a"]})
    assert summary.design_effect(later, earlier, universe="needs") == pytest.approx(14 / 6)
    # victims: those named on one criminal case are one cluster (2 on k1: 4 of 2), the one on none is alone (1 of 1)
    victims = pd.DataFrame({"client_id": ["a", "b", "c"], "case_id": pd.array(["k1", "k1", None], dtype="string")})
    assert summary.design_effect(victims, universe="clients") == pytest.approx(5 / 3)


def test_a_median_s_change_is_set_against_chance_by_the_log_rank_test_by_hand():
    from statsmodels.duration.survfunc import survdiff

    ended = np.ones(3, dtype=bool)
    # waits 1, 2, 3 days against 4, 5, 6, every wait over: at days 1, 2, 3 the first period has 3, 2, 1 of the
    # 6, 5, 4 still waiting, so O - E = 3 - (1/2 + 2/5 + 1/4) = 1.85 and V = 1/4 + 6/25 + 3/16 = 0.6775;
    # chi-square 1.85^2 / 0.6775 = 5.05, p 0.025: not chance
    assert survdiff(np.array([1.0, 2, 3, 4, 5, 6]), np.ones(6), np.repeat([1, 0], 3))[0] == pytest.approx(1.85 ** 2 / 0.6775)
    assert not summary._waits_could_be_chance(np.array([1.0, 2, 3]), ended, np.array([4.0, 5, 6]), ended)
    # 1, 2 against 3, 4: O - E = 2 - (1/2 + 1/3), V = 1/4 + 2/9; chi-square 2.88, p 0.090: chance could give it
    assert summary._waits_could_be_chance(np.array([1.0, 2]), ended[:2], np.array([3.0, 4]), ended[:2])
    # a victim's waits go together: at a design effect of 2 the chi-square is 2.53, p 0.11
    assert summary._waits_could_be_chance(np.array([1.0, 2, 3]), ended, np.array([4.0, 5, 6]), ended, inflation=2.0)
    # a wait not over by the data end is censored there: 1, 2, 3 over against three still waiting at day 6
    # has the same risk sets as 4, 5, 6 all over, and no event after day 3 counts: O - E and V as the first case
    assert not summary._waits_could_be_chance(np.array([1.0, 2, 3]), ended, np.array([6.0, 6, 6]), ~ended)


def test_tiles_and_sentences_say_a_rate_or_median_change_could_be_chance_where_the_tiles_test_says_so():
    tiles = pd.DataFrame({
        "label": ["Unmet-need rate", "Median days to respond"], "report": ["02_needs_and_gaps", "03_collaboration"],
        "kind": ["rate", "median"], "higher_is_better": [False, False], "now": [6.0, 4.0], "previous": [10.9, 3.0],
        "year_ago": [5.0, 6.0], "period_label": ["2025Q3"] * 2, "previous_label": ["2025Q2"] * 2, "year_ago_label": ["2024Q3"] * 2,
        "previous_chance": [True, False], "year_ago_chance": [False, True],
        "trend": [[5.0, 10.9, 6.0], [6.0, 3.0, 4.0]], "trend_labels": [["a", "b", "c"]] * 2,
    }, index=["unmet_need_rate", "median_response_days"])
    page = summary.tiles_html(tiles)
    assert "▼ −4.9 pp (better, could be chance) vs 2025Q2" in page and "▲ +1.0 pp (worse) vs 2024Q3" in page
    assert "▲ +1.0 days (worse) vs 2025Q2" in page and "▼ −2.0 days (better, could be chance) vs 2024Q3" in page
    # a change beyond chance comes first, though the rate's relative change is larger (a statistician read two
    # chance-level rises listed before a clear one left out)
    assert summary.findings(tiles) == [
        "Median days to respond rose from 3.0 days in 2025Q2 to 4.0 days in 2025Q3.",
        "Unmet-need rate fell from 10.9% in 2025Q2 to 6.0% in 2025Q3 (chance alone could give a change this size)."]
    assert summary.findings(tiles, limit=1) == ["Median days to respond rose from 3.0 days in 2025Q2 to 4.0 days in 2025Q3."]


def test_the_summary_says_outcomes_are_read_on_the_data_end_for_every_period():
    # a statistician read a half-year's needs met as they stood at its end: they are those of the data end
    tile = pd.DataFrame({"label": ["Needs met"], "report": ["02_needs_and_gaps"], "kind": ["count"], "higher_is_better": [None],
                         "now": [683.0], "previous": [599.0], "year_ago": [float("nan")], "period_label": ["2025H1"],
                         "previous_label": ["2024H2"], "year_ago_label": [None], "trend": [[599.0, 683.0]], "trend_labels": [["a", "b"]]},
                        index=["needs_met"])
    tile.attrs["as_of"] = pd.Timestamp("2025-12-31")
    assert "Outcomes (needs met, referrals answered) are those the data record on 2025-12-31, for every period alike" in (
        summary.summary_markdown(tile, [], "2025H1"))


def test_the_tiles_test_each_headline_on_its_own_units_clustered_by_victim(demo_dir):
    """The wiring of the tiles' tests, worked out again from the raw needs: the demo's 2025Q3 against 2025Q2.

    Needs identified: 325 of 92 days against 358 of 91; each victim's needs of a period one
    cluster. The design effect and the two tests are computed here from ``data.needs`` alone.
    """
    from scipy.stats import binomtest, chi2

    data = load_dataset(demo_dir)
    tiles = summary.headline_tiles(Release(data), data, "2025Q3")
    needs = data.needs
    q3 = needs[(needs["identified_on"] >= "2025-07-01") & (needs["identified_on"] <= "2025-09-30")]
    q2 = needs[(needs["identified_on"] >= "2025-04-01") & (needs["identified_on"] <= "2025-06-30")]
    assert (len(q3), len(q2)) == (tiles.loc["needs_identified", "now"], tiles.loc["needs_identified", "previous"]) == (325, 358)
    sizes = np.concatenate([q3["client_id"].value_counts().to_numpy(), q2["client_id"].value_counts().to_numpy()]).astype(float)
    effect = (sizes ** 2).sum() / sizes.sum()
    share = 92 / (92 + 91)
    exact = binomtest(325, 683, share).pvalue
    clustered = chi2.sf((325 - 683 * share) ** 2 / (683 * share * (1 - share)) / effect, 1)
    assert effect > 3  # a victim brings several needs
    units = Release(data).units("needs")  # what the tiles test: the release's units, their victims as clusters
    in_q3 = (units["identified_on"] >= "2025-07-01") & (units["identified_on"] <= "2025-09-30")
    in_q2 = (units["identified_on"] >= "2025-04-01") & (units["identified_on"] <= "2025-06-30")
    assert summary.design_effect(units[in_q3], units[in_q2], universe="needs") == pytest.approx(effect)
    assert tiles.loc["needs_identified", "previous_chance"] == bool(exact >= 0.05 or clustered >= 0.05)


def test_a_period_neither_drawn_nor_compared_is_not_released_and_hides_nothing_beside_it(tmp_path):
    """A fiscal year's 39 arrests against the 31 of the year before, whose year before holds 3 months of data.

    Arrests 2 in Jan-Mar 2023 (the data begin on 2023-01-10), 31 from April 2023 to March 2024, 39
    from April 2024 to March 2025. The 2 of the partial year were released (never shown) and, hidden,
    hid the 31 beside them: a statistician read "n/a vs 2023-04-01 to 2024-03-31 (hidden there)".
    """
    from conftest import write_tiny_dataset

    days = ["2023-01-10", "2023-02-10"] + [f"2023-{m:02d}-15" for m in range(4, 13)] * 3 + ["2024-01-15", "2024-02-15", "2024-03-15", "2024-03-20"] \
        + [f"2024-{m:02d}-15" for m in range(4, 13)] * 4 + ["2025-01-15", "2025-02-15", "2025-03-15"]
    rows = "".join(f"k{i},arrest,{day},m1,10001,\n" for i, day in enumerate(days))
    folder = write_tiny_dataset(tmp_path / "fy", cj_events__csv="case_id,event,occurred_on,member_id,county_fips,client_id\n" + rows)
    data = load_dataset(folder)
    assert len(days) == 2 + 31 + 39
    rel = Release(data, 11)
    tiles = summary.headline_tiles(rel, data, "2024-04-01..2025-03-31")
    assert (tiles.loc["arrests", "now"], tiles.loc["arrests", "previous"]) == (39.0, 31.0)
    arrests = rel.ledger.cells[rel.ledger.cells["table"] == "05 Arrests per period"]
    assert len(arrests) and not arrests["row"].astype(str).str.contains("2022-04-01").any()  # the partial year: not released


def test_a_trend_period_holding_only_some_of_its_months_is_neither_drawn_nor_compared(tiny_dir):
    """The tiny task force's data begin on 2024-01-05: a year 2023-07-01..2024-06-30 holds 6 of its 12 months.

    A statistician read a fiscal year holding 9 of its 12 months drawn as the low of a steep rise. Quarters
    from 2024Q1 on begin in the data's first month and are drawn; a half-year 2023H2 is before the data.
    """
    from tfanalysis.data.periods import parse_period

    assert not summary._whole_months_in_data(parse_period("2023-07-01..2024-06-30"), pd.Timestamp("2024-01-05"))
    data = load_dataset(tiny_dir)
    tiles = summary.headline_tiles(Release(data, 2), data, "2024-07-01..2025-06-30")
    # the previous fiscal year (2023-07-01..2024-06-30) is partial: n/a, not compared, not drawn
    assert math.isnan(tiles.loc["needs_identified", "previous"]) and tiles.loc["needs_identified", "previous_label"]
    assert math.isnan(tiles.loc["needs_identified", "trend"][-2]) and tiles.loc["needs_identified", "trend_released"][-2] is None
    quarter = summary.headline_tiles(Release(data, 2), data, "2024Q2")
    assert quarter.loc["clients_identified", "previous"] == 2.0  # 2024Q1 begins in the data's first month: compared


def test_the_page_counts_its_comparisons():
    tiles = pd.DataFrame({"label": ["a", "b"], "kind": ["count"] * 2, "now": [5.0, 6.0], "previous": [4.0, float("nan")],
                          "year_ago": [3.0, 2.0], "previous_label": ["p"] * 2, "year_ago_label": ["y"] * 2,
                          "now_provisional": [False, True], "period_label": ["n"] * 2, "higher_is_better": [None] * 2}, index=["a", "b"])
    # a: now against previous and a year ago (2); b: now provisional, compared with nothing
    assert "so of the page's 2 comparisons" in summary.summary_markdown(tiles, [], "n")


def test_a_count_of_some_of_a_victim_s_units_varies_with_the_clusters_of_all_of_them():
    """Needs met, one of each victim's six needs: 70 victims in 2024Q2, 40 in 2024Q1 (91 days each).

    Counted alone the met needs are one a victim (design effect 1): 70 of 110 is p 0.005, no words. They
    follow the needs identified, six a victim (design effect 6): the score 15^2 / 27.5 = 8.18, over 6 is
    1.36, p 0.24: chance could give it (a statistician read such a rise as real beside a chance-level one).
    """
    from tfanalysis.data.periods import parse_period

    def needs(victims: int, day: str, first: int = 0) -> pd.DataFrame:
        return pd.DataFrame({"client_id": np.repeat(np.arange(first, first + victims), 6).astype(str), "identified_on": pd.Timestamp(day),
                             "_part": np.tile([True] + [False] * 5, victims)})

    met = next(h for h in summary.HEADLINES if h.name == "needs_met")
    series = pd.Series({"2024Q1": 40.0, "2024Q2": 70.0})
    tested = pd.concat([needs(70, "2024-05-01"), needs(40, "2024-02-01", first=100)], ignore_index=True)
    assert summary._could_be_chance(met, series, tested, parse_period("2024Q2"), parse_period("2024Q1"), pd.Timestamp("2024-12-31"))
    assert not summary._chance_alone(70, 40, 91, 91, 1.0)


def test_an_all_data_rate_whose_base_is_hidden_says_hidden_not_n_a(tiny_dir):
    """A second task force read "Referrals accepted … n/a" for all data, where the base was hidden.

    The tiny task force's 3 referrals all have an outcome (accepted, declined, no response): the base
    of 3 is hidden at threshold 11, and with it the rate.
    """
    data = load_dataset(tiny_dir)
    tiles = summary.headline_tiles(Release(data, 11), data, "all")
    assert math.isnan(tiles.loc["referral_acceptance_rate", "now"]) and tiles.loc["referral_acceptance_rate", "now_hidden"]
    assert not tiles.loc["needs_identified", "now_hidden"] or math.isnan(tiles.loc["needs_identified", "now"])
    page = summary.tiles_html(tiles)
    tile = page[page.index("Referrals accepted"):][:400]
    assert "hidden" in tile and "n/a" not in tile
