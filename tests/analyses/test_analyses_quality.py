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
