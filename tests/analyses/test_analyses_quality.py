"""The analysts' data-quality numbers (``tfanalysis.analyses.quality``), worked out by hand on the tiny task force."""

from __future__ import annotations

from tfanalysis.analyses.quality import completeness
from tfanalysis.data.io import load_dataset

from conftest import write_tiny_dataset

MET_WITHOUT_DATE = """client_id,need,identified_on,status,met_on,met_by
c1,housing_emergency,2024-01-10,met,2024-01-12,m2
c1,case_management,2024-01-10,in_progress,,
c2,legal_representation,2024-02-03,met,,
"""


def test_a_cell_empty_by_design_is_no_gap(tmp_path):
    """needs.met_on: of the 2 met needs, 1 has a date: 50 % (the need in progress has none by design).

    referrals.responded_on: r1 and r2 were answered and have a date; r3 was never answered
    (no date by design): 100 %. An open referral's empty outcome and a member's empty date
    left are states: 100 %. The code before said 33 %, 67 %, 100 % and 33 %.
    """
    filled = completeness(load_dataset(write_tiny_dataset(tmp_path / "tiny", needs__csv=MET_WITHOUT_DATE))).set_index(["table", "column"])
    assert filled.loc[("needs", "met_on"), "filled_pct"] == 50.0
    assert filled.loc[("referrals", "responded_on"), "filled_pct"] == 100.0
    assert filled.loc[("referrals", "outcome"), "filled_pct"] == 100.0
    assert filled.loc[("members", "left_on"), "filled_pct"] == 100.0


def test_a_rating_of_a_partner_with_no_contact_is_empty_by_design(tmp_path):
    """survey.trust and value: a partner rated at level 0 (no contact) has nothing to rate.

    Of 4 ratings, 2 at level 0 have no trust or value; of the 2 at levels 3 and 1, trust is
    given for both (100 %) and value for one (50 %). Before, every row was expected to hold
    them: 50 % and 25 % (a statistician read a second task force's 96.4 % as gaps).
    """
    survey = "wave,respondent_id,partner_id,level,trust,value\n1,m1,m2,3,3,4\n1,m2,m1,1,2,\n1,m1,m3,0,,\n1,m3,m1,0,,\n"
    filled = completeness(load_dataset(write_tiny_dataset(tmp_path / "tiny", survey__csv=survey))).set_index(["table", "column"])
    assert filled.loc[("survey", "trust"), "filled_pct"] == 100.0
    assert filled.loc[("survey", "value"), "filled_pct"] == 50.0


def test_a_case_with_no_identified_victim_is_no_gap(tmp_path):
    """cj_events.client_id: empty where the case has no identified victim (the contract says so).

    Of 3 events, the third (case k2) names no victim: before, 67 % filled, as if a third of
    the events had lost their victim; a second task force's 85.8 % read that way.
    """
    events = ("case_id,event,occurred_on,member_id,county_fips,client_id\nk1,investigation_opened,2024-01-05,m1,10001,c1\n"
              "k1,arrest,2024-02-01,m1,10001,c1\nk2,investigation_opened,2024-03-01,m1,10001,\n")
    filled = completeness(load_dataset(write_tiny_dataset(tmp_path / "tiny", cj_events__csv=events))).set_index(["table", "column"])
    assert filled.loc[("cj_events", "client_id"), "filled_pct"] == 100.0
    assert filled.loc[("cj_events", "county_fips"), "filled_pct"] == 100.0
