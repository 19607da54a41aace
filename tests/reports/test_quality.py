"""Data-quality tables as leadership sees them: victims' counts released, the rest as is."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tfanalysis.data.io import load_dataset
from tfanalysis.publication import Release
from tfanalysis.reports import quality

from conftest import write_tiny_dataset


def test_sizes_release_victim_tables_and_show_organizations(tiny_dir):
    data = load_dataset(tiny_dir)
    sizes = quality.published_sizes(Release(data, 2), data, "2024Q1")
    # by hand: clients c1, c2; needs of 2024-01-10 (2) and 2024-02-03 (2); referrals r1-r3; events k1 x2
    assert sizes[["clients", "needs", "referrals", "cj_events"]].tolist() == [2, 4, 3, 2]
    assert sizes["members"] == 3 and sizes["activities"] == 2
    # the survey's two ratings carry no date: both counted, and the table says it is every wave
    assert sizes["survey (every wave: waves carry no date)"] == 2 and "survey" not in sizes.index
    assert "survey" in quality.published_sizes(Release(data, 2), data, None).index


def test_a_small_table_size_is_hidden_at_the_threshold(tiny_dir):
    data = load_dataset(tiny_dir)
    sizes = quality.published_sizes(Release(data, 3), data, "2024Q2")
    # 2024Q2: one client (c3), one need: both 1..2, hidden
    assert sizes["clients"] == "hidden" and sizes["needs"] == "hidden"


def test_months_are_released_series_with_hidden_months_as_gaps(tiny_dir):
    data = load_dataset(tiny_dir)
    months = quality.published_records_per_month(Release(data, 2), data, None)
    # needs: January 2, February 2, March 0, April 1 (hidden, and one more to protect it)
    needs = months["needs"]
    assert needs["2024-03"] == 0
    assert math.isnan(needs["2024-04"])
    assert needs.isna().sum() >= 2
    assert months["activities"].tolist() == [1.0, 0.0, 1.0, 0.0, 0.0]  # not victims: as they are


def test_taxonomy_counts_needs_per_category_and_hides_small_ones(tiny_dir):
    data = load_dataset(tiny_dir)
    used = quality.published_taxonomy_use(Release(data, 2), data, None)
    housing = used.loc["Housing (emergency, transitional, permanent)"]
    assert housing["needs"] == 2 and housing["offered"] == "yes"
    assert used.loc["Legal representation (immigration, criminal, civil)", "needs"] == "hidden"


MET_WITHOUT_DATES = """client_id,need,identified_on,status,met_on,met_by
c1,housing_emergency,2024-01-10,met,2024-01-12,m2
c1,case_management,2024-01-10,met,2024-01-20,m2
c2,housing_emergency,2024-02-03,met,2024-02-10,m2
c2,legal_representation,2024-02-03,met,,
c3,case_management,2024-04-20,met,,
c4,case_management,2024-05-02,unmet,,
"""
"""Five needs met, two of them without a date met or a member; one need unmet (no date by design)."""


def test_a_date_empty_by_design_is_no_gap_and_one_missing_is_counted_among_the_rows_that_should_hold_it(tmp_path):
    """Shares of filled cells count the rows expected to hold a value (contract ``filled_where``).

    needs.met_on: of the 5 met needs, 3 have a date: 60.0 % (3 and 2 shown at threshold 2;
    the unmet need's empty date is no gap and is not counted). referrals.responded_on: the
    referral never answered (r3) has no date by design: complete, not listed. The open
    outcome is a state: never listed. The code before counted every need (3 of 6, 50 %) and
    listed responded_on (2 of 3), which with the outcomes gave the never-answered count back.
    """
    data = load_dataset(write_tiny_dataset(tmp_path / "tiny", needs__csv=MET_WITHOUT_DATES))
    filled = quality.published_completeness(Release(data, 2), data, None).set_index(["table", "column"])
    assert filled.loc[("needs", "met_on"), "filled_pct"] == 60.0
    assert ("referrals", "responded_on") not in filled.index and ("referrals", "outcome") not in filled.index


def test_a_share_of_filled_cells_is_hidden_when_it_would_give_a_small_count_back(tmp_path):
    """Threshold 3: met_on is filled for 3 met needs and empty for 2: the 2 is hidden, and the share with it."""
    data = load_dataset(write_tiny_dataset(tmp_path / "tiny", needs__csv=MET_WITHOUT_DATES))
    filled = quality.published_completeness(Release(data, 3), data, None).set_index(["table", "column"])
    assert filled.loc[("needs", "met_on"), "filled_pct"] == "hidden"


def test_a_column_is_listed_as_having_empty_cells_only_where_the_released_counts_say_so(tmp_path):
    """Listing a column says its empty count is at least 1: not where the layer withheld that count (it may be 0).

    Threshold 6, the 6 needs shown first: of the 5 met, met_on is filled for 3 and empty for
    2, both hidden and each at most 5 beside the 5 met (shown by status), so the line is
    withheld whole; needs.met_on is then not listed.
    """
    data = load_dataset(write_tiny_dataset(tmp_path / "tiny", needs__csv=MET_WITHOUT_DATES))
    rel = Release(data, 6)
    assert rel.count("needs", name="needs").value() == 6
    assert rel.count("needs", where={"status": "met"}, name="needs met").value() is None
    filled = quality.published_completeness(rel, data, None)
    assert filled.loc[filled["table"] == "needs", "column"].tolist() == []
    cells = rel.ledger.cells.set_index(["table", "row"])
    assert cells.loc[("00 needs.met_on filled or empty", "False"), ["true", "withheld"]].tolist() == [2, True]


def test_the_summary_quotes_only_what_the_tables_show():
    sizes = pd.Series({"clients": "hidden", "needs": 40, "referrals": 12, "members": 9})
    taxonomy = pd.DataFrame({"offered": ["no", "yes"], "needs": ["hidden", 0]}, index=["Dental care", "Food"])
    taxonomy.attrs["with_needs"] = ["Dental care"]  # hidden, not withheld: at least 1 (Released.at_least_one)
    text = quality.published_summary_markdown(sizes, pd.DataFrame(columns=["table", "column", "required", "filled_pct"]), taxonomy,
                                              pd.DataFrame(), "2025Q3")
    assert "a hidden number of clients" in text and "40 identified needs" in text
    assert "Dental care" in text  # hidden but not zero: it has needs


def test_the_summary_does_not_count_a_withheld_category_as_having_needs():
    """A withheld count may be 0: 'needs fall in 2 of 3' would tell a reader it is at least 1."""
    sizes = pd.Series({"clients": 30, "needs": 40, "referrals": 12, "members": 9})
    taxonomy = pd.DataFrame({"offered": ["no", "yes", "yes"], "needs": ["hidden", "hidden", 25]}, index=["Dental care", "Food", "Housing"])
    taxonomy.attrs["withheld"] = ["Dental care"]
    taxonomy.attrs["with_needs"] = ["Food", "Housing"]
    text = quality.published_summary_markdown(sizes, pd.DataFrame(columns=["table", "column", "required", "filled_pct"]), taxonomy,
                                              pd.DataFrame(), "2025Q3")
    assert "Needs fall in at least 2 of the 3 e-Guide categories, and every one of them is offered by a member" in text
    # withheld: never said to hold needs, but that no member offers it is said (a second task
    # force read "every one of them is offered" beside a dental need nobody offered)
    assert "1 more, whose counts are withheld, is offered by no member (Dental care): it may hold needs" in text


def test_a_category_is_released_as_the_count_of_its_services(tiny_dir):
    """00's category total and 02's service by status: ESL 13 beside ESL met 12 gave the 1 in progress back.

    A category of one service is that service's count (one count, one key, one status in
    every table); housing is the sum of its subtypes. As a derived column the bounds saw
    no link between the two tables.
    """
    from tfanalysis.data import taxonomy

    data = load_dataset(tiny_dir)
    rel = Release(data, 2)
    used = quality.published_taxonomy_use(rel, data, None)
    by_service = rel.table("needs", rows="need", columns="status", name="02 demand")
    category_keys = set(rel.ledger.cells.loc[rel.ledger.cells["table"] == "00 needs per e-Guide category", "key"])
    legal = "legal_representation"
    assert by_service.keys.loc[legal, "Total"] in category_keys
    assert used.loc[taxonomy.VICTIM_NEEDS[legal], "needs"] == by_service.shown.loc[legal, "Total"]
    housing = [code for code in by_service.shown.index if str(code).startswith("housing")]
    assert used.loc[taxonomy.VICTIM_NEEDS["housing"], "needs"] == sum(by_service._true.loc[h, "Total"] for h in housing) == 2
    # the categories the summary says hold needs: shown above 0 (housing, 2) or hidden (case management, legal)
    assert used.attrs["with_needs"] == [taxonomy.VICTIM_NEEDS[c] for c in ("case_management", "housing", "legal_representation")]


def test_the_summary_refuses_a_taxonomy_table_that_does_not_say_which_categories_hold_needs():
    """Without the release's answer it would read 'in 0 of the 2 categories' whatever the counts."""
    sizes = pd.Series({"clients": 30, "needs": 40, "referrals": 12, "members": 9})
    taxonomy = pd.DataFrame({"offered": ["no", "yes"], "needs": [25, 15]}, index=["Dental care", "Food"])
    with pytest.raises(ValueError, match="published_taxonomy_use"):
        quality.published_summary_markdown(sizes, pd.DataFrame(columns=["table", "column", "required", "filled_pct"]), taxonomy,
                                           pd.DataFrame(), "2025Q3")


def test_agency_records_count_the_clients_identified_in_the_period(tiny_dir):
    """Beside tables of the period, the unduplicated clients are the period's: c1 and c2 in 2024Q1, all four in all data."""
    data = load_dataset(tiny_dir)
    assert quality.published_agency_records(Release(data, 2), data, "2024Q1").loc["all agencies"].tolist() == [2, 2]
    assert quality.published_agency_records(Release(data, 2), data, None).loc["all agencies"].tolist() == [4, 4]


def test_the_summary_says_it_reads_the_whole_dataset_and_names_a_table_empty_only_now():
    """A second task force ran with a region and read report 00 as the region's; its referrals of the quarter had not been exported."""
    sizes = pd.Series({"clients": 30, "needs": 40, "referrals": 0, "members": 9})
    taxonomy = pd.DataFrame({"offered": ["yes"], "needs": [40]}, index=["Food"])
    taxonomy.attrs["with_needs"] = ["Food"]
    text = quality.published_summary_markdown(sizes, pd.DataFrame(columns=["table", "column", "required", "filled_pct"]), taxonomy,
                                              pd.DataFrame(), "2025Q3", region="09110;09170", empty_now=["referrals"])
    assert "No row of referrals falls in the period though earlier periods have some" in text
    assert text.endswith("This report reads the whole dataset: the region (09110;09170) narrows the other reports, not this one.")


def test_a_warning_about_a_column_says_the_whole_column_not_a_number_of_rows(tmp_path):
    # a second task force read "Rows 0" beside the warning on an extra case-note column, which applies to every row
    from conftest import TINY_TABLES

    clients = TINY_TABLES["clients.csv"].splitlines()
    extra = "\n".join([clients[0] + ",intake_team"] + [line + ",north" for line in clients[1:]]) + "\n"
    data = load_dataset(write_tiny_dataset(tmp_path / "d", **{"clients.csv": extra}))
    table = quality.published_warnings(Release(data, 3), data)
    about = table[(table["table"] == "clients") & (table["column"] == "intake_team")]
    assert about["rows"].tolist() == [quality.WHOLE_COLUMN]
