"""Collaboration indicators against a small task force worked out by hand.

The fixture (``shared_tables.COLLAB_TABLES``): six members in Delaware, five clients, eight referrals,
four criminal cases, five activities and two survey waves, spread over 2024Q1 and 2024Q3
with nothing in 2024Q2. The latest own date is 2024-09-30 (a joint training): the data end.

Members: m1 police (law_enforcement), m2 shelter and m5 youth shelter (victim_services),
m3 clinic (health), m4 legal aid (legal_services, joined 2024-08-01), m6 prosecutor
(prosecution). Every expected number below is derived in the comment beside it.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tfanalysis as tf
from tfanalysis.analyses import collaboration as c
from tfanalysis.analyses.collaboration import catalogue, engagement, justice, series
from tfanalysis.publication import Release
from tfanalysis.reports import collaboration as report

from conftest import write_tiny_dataset
from shared_tables import COLLAB_TABLES, OPTIONAL, Q1, Q2, Q3, WAVES



@pytest.fixture(scope="module")
def collab(tmp_path_factory: pytest.TempPathFactory) -> tf.TaskForceData:
    folder = write_tiny_dataset(tmp_path_factory.mktemp("collab") / "data", **{k.replace(".", "__"): v for k, v in COLLAB_TABLES.items()})
    return tf.load_dataset(folder)


@pytest.fixture(scope="module")
def table(collab: tf.TaskForceData) -> pd.DataFrame:
    return c.indicators(collab, wave_dates=WAVES)


@pytest.fixture(scope="module")
def bases(collab: tf.TaskForceData) -> pd.DataFrame:
    return c.indicator_bases(collab)


def value(table: pd.DataFrame, period: str, name: str) -> float:
    return float(table.loc[period, name])


def assert_row(table: pd.DataFrame, name: str, expected: list[float]) -> None:
    got = table[name].to_numpy(dtype=float)
    np.testing.assert_allclose(got, np.array(expected, dtype=float), rtol=0, atol=1e-12, equal_nan=True, err_msg=name)


# --------------------------------------------------------------------------- shape


def test_every_period_from_first_to_last_with_one_column_per_indicator(table: pd.DataFrame) -> None:
    # own dates run from 2024-01-05 (k1 opened) to 2024-09-30 (a5): Q1, Q2 (empty), Q3
    assert [str(p) for p in table.index] == [Q1, Q2, Q3]
    assert isinstance(table.index, pd.PeriodIndex)
    assert list(table.columns) == [ind.name for ind in c.INDICATORS]
    assert (table.dtypes == "float64").all()


def test_an_empty_period_has_its_row_counts_zero_rates_nan(table: pd.DataFrame) -> None:
    empty = table.loc[Q2]
    for ind in c.INDICATORS:
        if ind.unit == "count" or ind.name in ("meetings", "joint_trainings", "case_reviews", "ties"):
            assert empty[ind.name] == 0, ind.name
        elif ind.unit in ("share", "days") and ind.family != "network":
            assert math.isnan(empty[ind.name]), ind.name


def test_half_years_like_tims(collab: tf.TaskForceData) -> None:
    halves = c.indicators(collab, "H")
    assert list(c.period_labels(halves.index)) == ["2024H1", "2024H2"]
    assert halves["clients_identified"].tolist() == [3.0, 2.0]
    assert halves["referrals_made"].tolist() == [5.0, 3.0]


def test_unknown_frequency_is_refused(collab: tf.TaskForceData) -> None:
    with pytest.raises(ValueError, match="unknown period frequency"):
        c.indicators(collab, "W")


# --------------------------------------------------------------------------- victim-centered


def test_clients_identified(table: pd.DataFrame) -> None:
    assert_row(table, "clients_identified", [3, 0, 2])  # c1 c2 c3 | - | c4 c5


def test_median_days_to_first_service(table: pd.DataFrame) -> None:
    # first service = earliest met_on: c1 01-15 (5 days), c2 02-21 (20), c3 none yet (longer than any)
    # -> median of 5, 20, inf = 20 (the 3 clients identified, not the 2 served); c4 07-08 (3), c5 09-20 (41) -> 22
    assert_row(table, "median_days_to_first_service", [20.0, np.nan, 22.0])


def test_a_median_wait_is_unknown_when_half_are_still_waiting() -> None:
    idx = pd.period_range("2024Q1", periods=2, freq="Q")
    dates = pd.Series(pd.to_datetime(["2024-01-02", "2024-01-03", "2024-04-01", "2024-04-02", "2024-04-03"]))
    # Q1: 4 and one still waiting -> (4 + inf) / 2: no median; Q2: 1, 3 and one waiting -> 3
    got = series.median_waiting_per_period(dates, idx, "d", [4.0, np.nan, 1.0, 3.0, np.nan])
    assert got.tolist()[0] != got.tolist()[0] and got.tolist()[1] == 3.0


def test_needs_met_within_30_and_90_days(table: pd.DataFrame) -> None:
    # Q1 needs not declined: c1 housing 5 d, c1 medical 49 d, c2 safety unmet, c2 case mgmt 20 d
    # within 30: 2 of 4; within 90: 3 of 4. Q3 ends 09-30 = the data end: not yet measurable.
    assert_row(table, "needs_met_30d_share", [0.5, np.nan, np.nan])
    assert_row(table, "needs_met_90d_share", [0.75, np.nan, np.nan])


def test_needs_met_windows_use_as_of(collab: tf.TaskForceData) -> None:
    periods = c.period_index(collab)
    later = c.needs_met_within(collab, periods, 30, as_of="2024-12-31")
    # Q3 needs: c4 medical 3 d, c4 housing in progress, c5 case mgmt 41 d -> 1 of 3
    assert later.tolist()[2] == pytest.approx(1 / 3)


def test_a_need_not_met_is_not_met_in_time_whatever_its_met_on(tmp_path: Path) -> None:
    # c2's case management still in progress, with a met_on 20 days after it was identified:
    # Q1 met within 30 days is c1's housing alone (1 of 4), as report 02 counts its bands
    tables = {k.replace(".", "__"): v for k, v in COLLAB_TABLES.items()}
    tables["needs__csv"] = tables["needs__csv"].replace("c2,case_management,2024-02-01,met,", "c2,case_management,2024-02-01,in_progress,")
    data = tf.load_dataset(write_tiny_dataset(tmp_path / "data", **tables))
    assert c.needs_met_within(data, c.period_index(data), 30, as_of="2024-12-31").tolist()[0] == pytest.approx(1 / 4)


def test_unmet_critical_need_share(table: pd.DataFrame) -> None:
    # Q1: c2's safety planning is unmet (1 of c1 c2 c3); Q3: c4's housing is in progress, not unmet
    assert_row(table, "unmet_critical_need_share", [1 / 3, np.nan, 0.0])


# --------------------------------------------------------------------------- referral system


def test_referral_counts(table: pd.DataFrame) -> None:
    assert_row(table, "referrals_made", [5, 0, 3])
    # Q1 cross-sector: r1 LE->VS, r2 VS->health, r3 LE->VS, r4 VS->LE (r5 VS->VS is not); Q3 all three
    assert_row(table, "cross_sector_referrals", [4, 0, 3])
    assert_row(table, "cross_sector_referral_share", [0.8, np.nan, 1.0])
    assert_row(table, "le_vs_referrals", [3, 0, 0])  # r1 r3 r4


@pytest.fixture(scope="module")
def answered(collab: tf.TaskForceData) -> pd.DataFrame:
    """The indicators read on 2024-10-09: 2024Q3's referrals have had the 9-day answer window."""
    return c.indicators(collab, wave_dates=WAVES, as_of="2024-10-09")


def test_the_answer_window_is_the_days_within_which_95_in_100_referrals_were_answered(collab: tf.TaskForceData) -> None:
    # answered: r1 1 d, r2 8, r3 4, r6 1, r7 9, r8 2 (r4 no_response and r5 open have no date) -> 1 1 2 4 8 9;
    # the 95th percentile lies 0.95 x 5 = 4.75 steps in: 8 + 0.75 x (9 - 8) = 8.75, rounded up to 9 days
    assert c.referrals.answer_window(collab) == 9
    quarters = pd.period_range("2024Q1", "2024Q3", freq="Q")
    # 2024Q3 ends on 2024-09-30, the data end: settled on 2024-10-09, not a day before
    assert c.referrals.outcomes_settled(collab, quarters).tolist() == [True, True, False]
    assert c.referrals.outcomes_settled(collab, quarters, "2024-10-08").tolist() == [True, True, False]
    assert c.referrals.outcomes_settled(collab, quarters, "2024-10-09").tolist() == [True, True, True]
    # report 02's period, by its last day: the same rule (2024-06-30 + 9 days is before the data end)
    assert c.referrals.answered_by_now(collab, "2024-06-30") and not c.referrals.answered_by_now(collab, "2024-09-30")
    assert c.referrals.answered_by_now(collab, "2024-09-30", "2024-10-09") and not c.referrals.answered_by_now(collab, None)


def test_acceptance_rate_counts_no_response_and_leaves_open_referrals_out(table: pd.DataFrame, answered: pd.DataFrame) -> None:
    # Q1 with an outcome: r1 accepted, r2 completed, r3 declined_capacity, r4 no_response (r5 open) -> 2/4
    # Q3: r6 completed, r7 declined_eligibility, r8 accepted -> 2/3, read once its 9-day answer window has passed
    assert_row(answered, "referral_acceptance_rate", [0.5, np.nan, 2 / 3])
    assert_row(answered, "declined_capacity_share", [0.25, np.nan, 0.0])
    # at the data end (2024-09-30) Q3's referrals have not all had it: not read yet
    assert_row(table, "referral_acceptance_rate", [0.5, np.nan, np.nan])
    assert_row(table, "declined_capacity_share", [0.25, np.nan, np.nan])


def test_median_response_days(table: pd.DataFrame, answered: pd.DataFrame) -> None:
    # Q1: r1 1 d, r2 8 d, r3 4 d, r4 and r5 not answered (longer than any) -> median of 1 4 8 inf inf = 8
    # (over the 5 referrals made: an unanswered referral is not left out); Q3: r6 1, r7 9, r8 2 -> 2
    assert_row(answered, "median_response_days", [8.0, np.nan, 2.0])
    assert_row(table, "median_response_days", [8.0, np.nan, np.nan])


def test_closed_loop_share(table: pd.DataFrame, answered: pd.DataFrame) -> None:
    # Q1: r1 r2 r3 answered; r4 no_response and r5 open are not closed -> 3/5; Q3: 3/3
    assert_row(answered, "closed_loop_share", [0.6, np.nan, 1.0])
    assert_row(table, "closed_loop_share", [0.6, np.nan, np.nan])


# --------------------------------------------------------------------------- network


def test_network_measures(table: pd.DataFrame) -> None:
    # Q1 nodes m1 m2 m3 m5 m6 (m4 joins 08-01); ties m1->m2, m2->m3, m2->m1, m2->m5
    assert_row(table, "active_members", [5, 5, 6])
    assert_row(table, "ties", [4, 0, 2])
    assert_row(table, "network_density", [4 / 20, 0.0, 2 / 30])
    assert_row(table, "reciprocity", [0.5, np.nan, 0.0])  # m1<->m2: 2 of 4 ties
    # Q1 undirected: m2 has 3 partners, m1 m3 m5 one, m6 none: (2+2+2+3+0)/(4*3) = 9/12
    # Q2 no tie: all degrees 0. Q3: m1-m3, m2-m4; m5 m6 isolated: (0+0+0+0+1+1)/(5*4)
    assert_row(table, "degree_centralization", [9 / 12, 0.0, 2 / 20])
    assert_row(table, "cross_sector_tie_share", [0.75, np.nan, 1.0])  # m2->m5 is within victim services
    assert_row(table, "le_vs_tie_share", [0.5, np.nan, 0.0])
    assert_row(table, "isolates", [1, 5, 2])  # m6 | everyone | m5 m6
    assert_row(table, "ties_new", [np.nan, 0, 2])
    assert_row(table, "ties_lost", [np.nan, 4, 0])


# --------------------------------------------------------------------------- justice


def test_criminal_justice_event_counts(table: pd.DataFrame) -> None:
    assert_row(table, "investigations_opened", [3, 0, 1])  # k1 k2 k4 | k3
    assert_row(table, "arrests", [1, 0, 1])  # k1 02-01 | k2 07-10
    assert_row(table, "charges_filed", [1, 0, 1])  # k1 03-01 | k3 09-01
    assert_row(table, "convictions", [0, 0, 1])  # k1 08-15


def test_joint_cases_and_their_share(table: pd.DataFrame, bases: pd.DataFrame) -> None:
    # started in Q1: k1 (victim c1, served), k2 (no victim), k4 (victim c3, declined her only need)
    # started in Q3: k3 (victim c4, served)
    assert_row(table, "joint_cases", [1, 0, 1])
    assert_row(bases, "cases_with_victims", [2, 0, 1])
    assert_row(table, "cases_with_services_share", [0.5, np.nan, 1.0])


def test_days_from_investigation_to_charges_by_period_of_charges(table: pd.DataFrame) -> None:
    # k1: 2024-01-05 -> 2024-03-01 = 26 + 29 + 1 = 56 days; k3: 2024-07-20 -> 2024-09-01 = 11 + 31 + 1 = 43
    assert_row(table, "median_days_investigation_to_charges", [56.0, np.nan, 43.0])


def test_multi_agency_cases(table: pd.DataFrame) -> None:
    # k1: m1 then m6 from 03-01 -> multi in Q1 and (conviction) Q3
    # k2: one agency, counties 10003 then 10005 from 07-10 -> multi in Q3 only (in Q1 it was not yet)
    # k3: m6 joins 09-01 -> Q3; k4: one agency, one county
    assert_row(table, "multi_agency_cases", [1, 0, 3])


def test_indicators_build_the_case_table_once(collab: tf.TaskForceData, table: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    # the four case indicators share one case table (it was built four times per call)
    calls = []
    build = justice.criminal_cases
    monkeypatch.setattr(catalogue, "criminal_cases", lambda data: calls.append(1) or build(data))
    again = c.indicators(collab, wave_dates=WAVES)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(again, table)


def test_meeting_counts_are_the_seat_totals_without_the_seats(collab: tf.TaskForceData) -> None:
    # expected and present per meeting, counted without building meetings x members rows
    seats = engagement._meeting_seats(collab)
    per_meeting = seats.groupby("activity_id").agg(expected=("present", "size"), present=("present", "sum"))
    counts = engagement._meeting_counts(collab).set_index("activity_id")[["expected", "present"]]
    pd.testing.assert_frame_equal(counts.loc[per_meeting.index], per_meeting.astype("int64"), check_names=False)
    assert (counts.drop(index=per_meeting.index)["expected"] == 0).all()


# --------------------------------------------------------------------------- engagement


def test_meetings_and_attendance(table: pd.DataFrame) -> None:
    assert_row(table, "meetings", [2, 0, 1])
    # a1: 3 of 5 members, a2: 2 of 5 -> 5/10; a4: 4 of 6 (m4 has joined) -> 2/3
    assert_row(table, "meeting_attendance_rate", [0.5, np.nan, 4 / 6])


def test_joint_trainings_and_sectors(table: pd.DataFrame) -> None:
    assert_row(table, "joint_trainings", [1, 0, 1])
    assert_row(table, "joint_training_sectors", [3, np.nan, 1])  # a3: LE VS health | a5: m2 m5 both VS
    assert_row(table, "case_reviews", [0, 0, 0])


def test_attendance_by_member(collab: tf.TaskForceData) -> None:
    a = c.attendance_by_member(collab)
    assert a.loc[(pd.Period(Q1, "Q"), "m3"), ["meetings_expected", "meetings_attended", "meeting_attendance_rate"]].tolist() == [2.0, 1.0, 0.5]
    assert (pd.Period(Q1, "Q"), "m4") not in a.index  # not yet a member
    assert a.loc[(pd.Period(Q3, "Q"), "m4"), "meeting_attendance_rate"] == 1.0


def test_sector_indicators(collab: tf.TaskForceData) -> None:
    s = c.sector_indicators(collab)
    le = s.loc[(pd.Period(Q1, "Q"), "law_enforcement")]
    assert le["active_members"] == 1
    assert le["referrals_sent"] == 2  # r1 r3
    assert le["referrals_received"] == 1  # r4
    assert le["acceptance_rate_received"] == 0.0  # r4 no_response
    assert math.isnan(le["median_response_days_received"])
    assert le["cross_sector_sent_share"] == 1.0
    assert le["meeting_attendance_rate"] == 1.0
    assert le["joint_training_attendances"] == 1
    vs = s.loc[(pd.Period(Q1, "Q"), "victim_services")]
    assert vs["cross_sector_sent_share"] == pytest.approx(2 / 3)  # r2 r4 cross, r5 not
    assert vs["meeting_attendance_rate"] == pytest.approx(2 / 4)  # m2 at both, m5 at none


# --------------------------------------------------------------------------- survey


def test_survey_waves(collab: tf.TaskForceData) -> None:
    w = c.survey_waves(collab, WAVES)
    assert w["respondents"].tolist() == [3.0, 2.0]
    assert w["level_mean"].tolist() == pytest.approx([2.25, 7 / 3])
    assert w["trust_mean"].tolist() == pytest.approx([2.5, 3.5])
    assert w["value_mean"].tolist() == pytest.approx([8 / 3, 3.5])
    assert w["mutual_pairs"].tolist() == [2.0, 1.0]  # m1-m2, m1-m3 | m1-m2
    assert w["disagreeing_pairs"].tolist() == [1.0, 0.0]  # m1-m2 rate each other 1 and 4
    assert w["repeated_pairs"].tolist()[1] == 2.0  # m1->m2, m2->m1
    assert w["level_change_same_pairs"].tolist()[1] == pytest.approx(1.0)  # +2 and 0
    assert w["trust_change_same_pairs"].tolist()[1] == pytest.approx(1.0)
    assert w["fielded_on"].tolist() == [pd.Timestamp("2024-02-15"), pd.Timestamp("2024-08-15")]


def test_a_wave_dated_after_the_reporting_period_is_not_of_it(collab: tf.TaskForceData) -> None:
    from tfanalysis.data.periods import parse_period
    from tfanalysis.reports.collaboration.survey import survey_markdown

    # waves of 2024-02-15 and 2024-08-15: a report on 2024H1 reads the first only
    assert c.survey_waves(collab, WAVES, through=parse_period("2024H1")).index.tolist() == [1]
    assert c.survey_waves(collab, WAVES, through=parse_period("2024")).index.tolist() == [1, 2]
    # undated waves cannot be placed: all are read, and the report says a later one may be among them
    undated = c.survey_waves(collab, through=parse_period("2024H1"))
    assert undated.index.tolist() == [1, 2]
    text = survey_markdown(undated, "", through=parse_period("2024H1"))
    assert "The waves have no date, so they are shown whenever fielded, even after 2024H1" in text and "change" not in text  # empty: none
    assert "no date" not in survey_markdown(c.survey_waves(collab, WAVES, through=parse_period("2024")), None, through=parse_period("2024"))
    # one wave dated, one not: the undated one is named
    partly = c.survey_waves(collab, {1: "2024-02-15"}, through=parse_period("2024H1"))
    assert "Wave 2 has no date, so it is shown whenever fielded, even after 2024H1" in survey_markdown(partly, None, through=parse_period("2024H1"))
    # every dated wave after the period: none of it, and said so (not "no partner survey")
    none = c.survey_waves(collab, WAVES, through=parse_period("2023H2"))
    assert none.empty and survey_markdown(none, None, through=parse_period("2023H2")) == "No wave of the partner survey was fielded by the end of 2023H2."


def test_survey_columns_sit_at_the_wave_periods(table: pd.DataFrame, collab: tf.TaskForceData) -> None:
    assert_row(table, "survey_level_mean", [2.25, np.nan, 7 / 3])
    assert_row(table, "survey_disagreeing_pairs", [1, np.nan, 0])
    undated = c.indicators(collab)
    assert undated["survey_level_mean"].isna().all()


def test_wave_dates_are_checked() -> None:
    with pytest.raises(ValueError, match="wave:date pairs"):
        c.parse_wave_dates("1-2024-02-15")


# --------------------------------------------------------------------------- missing tables


def test_empty_optional_tables_give_nan_columns(tmp_path: Path) -> None:
    folder = write_tiny_dataset(tmp_path / "d", **{k.replace(".", "__"): (None if k in OPTIONAL else v) for k, v in COLLAB_TABLES.items()})
    # tiny's own optional files are written too unless dropped
    for name in OPTIONAL:
        (folder / name).unlink(missing_ok=True)
    data = tf.load_dataset(folder)
    t = c.indicators(data)
    assert list(t.columns) == [ind.name for ind in c.INDICATORS]
    assert [str(p) for p in t.index] == [Q1, Q2, Q3]
    for ind in c.INDICATORS:
        if ind.source in OPTIONAL_TABLES:
            assert t[ind.name].isna().all(), ind.name
    assert t["clients_identified"].tolist() == [3.0, 0.0, 2.0]
    assert t["active_members"].tolist() == [5.0, 5.0, 6.0]
    b = c.indicator_bases(data)
    assert b["referrals_closed"].isna().all()
    assert c.survey_waves(data).empty
    counts = report.release_counts(Release(data), data)
    assert {"referrals_made", "arrests", "joint_cases"} <= counts.unknown and "clients_identified" not in counts.unknown
    card = report.scorecard(t, counts)
    assert card.loc["referrals_made", "trend"] == "too short" and card.loc["referrals_made", "note"] == "not recorded"
    assert card.loc["clients_identified", "hidden"] and card.loc["clients_identified", "note"] == "hidden (disclosure control)"  # 2 clients
    ev = c.evidence(data)
    assert ev["cross_sector_referrals"].isna().all() and ev["joint_trainings"].isna().all()


OPTIONAL_TABLES = {"referrals", "cj_events", "activities", "attendance", "survey"}


def test_no_dated_rows_at_all(tmp_path: Path) -> None:
    header_only = {k: v.splitlines()[0] + "\n" for k, v in COLLAB_TABLES.items() if k not in ("members.csv", "capacity.csv")}
    folder = write_tiny_dataset(tmp_path / "e", **{k.replace(".", "__"): v for k, v in {**COLLAB_TABLES, **header_only}.items()})
    data = tf.load_dataset(folder)
    t = c.indicators(data)
    assert len(t) == 0 and list(t.columns) == [ind.name for ind in c.INDICATORS]
    assert report.scorecard_markdown(report.scorecard(t, report.release_counts(Release(data), data))).startswith("No indicator")


# --------------------------------------------------------------------------- for leadership


def test_reportable_masks_rates_from_small_bases(table: pd.DataFrame, bases: pd.DataFrame) -> None:
    shown = c.reportable(table, bases, threshold=11)
    assert math.isnan(shown.loc[Q1, "referral_acceptance_rate"])  # 4 referrals with an outcome
    assert shown.loc[Q1, "network_density"] == table.loc[Q1, "network_density"]  # organizations: not masked
    assert shown.loc[Q1, "referrals_made"] == 5  # counts are publish()'s business
    loose = c.reportable(table, bases, threshold=4)
    assert loose.loc[Q1, "referral_acceptance_rate"] == 0.5  # a base of 4 is not below 4
    assert math.isnan(loose.loc[Q3, "referral_acceptance_rate"])  # base 3


def test_up_to_cuts_the_history_at_the_period_end(collab: tf.TaskForceData) -> None:
    cut = c.up_to(collab, "2024Q1")
    assert [str(p) for p in c.period_index(cut)] == [Q1]
    assert c.up_to(collab, "all") is collab


def test_a_past_period_reads_what_became_of_its_cases_by_the_data_end(tmp_path: Path) -> None:
    # c3 (identified 2024-03-20, the victim on case k4 opened 2024-03-10) has one more need,
    # identified 2024-07-01 and met 2024-07-11: k4's victim was served, after 2024Q1.
    needs = COLLAB_TABLES["needs.csv"] + "c3,case_management,2024-07-01,met,2024-07-11,m2\n"
    folder = write_tiny_dataset(tmp_path / "d", **{k.replace(".", "__"): v for k, v in {**COLLAB_TABLES, "needs.csv": needs}.items()})
    data = tf.load_dataset(folder)
    whole = c.indicators(data)
    q1 = c.indicators(data, through="2024Q1")
    assert [str(p) for p in q1.index] == [Q1]
    # cases started in Q1 with a victim: k1 (c1 served) and k4 (c3 served 2024-07-11): 2 of 2
    assert q1.loc[Q1, "joint_cases"] == whole.loc[Q1, "joint_cases"] == 2
    assert q1.loc[Q1, "cases_with_services_share"] == 1.0
    # the data cut at 2024-03-31 do not hold c3's service: 1 of 2, what the report said before
    cut = c.indicators(c.up_to(data, "2024Q1"))
    assert cut.loc[Q1, "joint_cases"] == 1 and cut.loc[Q1, "cases_with_services_share"] == 0.5
    # a reporting period ending inside a quarter: that quarter holds only what is dated up to its end;
    # by 2024-02-15: clients c1 and c2, case k1 (k4 opens 2024-03-10) with c1 served 2024-01-15
    part = c.indicators(data, through=("2024-01-01", "2024-02-15"))
    assert [str(p) for p in part.index] == [Q1]
    assert part.loc[Q1, "clients_identified"] == 2 and part.loc[Q1, "joint_cases"] == 1
    assert c.indicators(data, through="all").equals(whole)


def test_compare_periods(table: pd.DataFrame) -> None:
    assert list(c.period_labels(c.compare_periods(table.index, "2024-07-01"))) == [Q2, Q3]
    assert list(c.period_labels(c.compare_periods(table.index, "2030-01-01"))) == [Q1, Q3]
    with pytest.raises(ValueError, match="two periods"):
        c.compare_periods(table.index, "2024-07-01", "2024Q1")


def test_evidence_per_year(collab: tf.TaskForceData) -> None:
    ev = c.evidence(collab)
    row = ev.loc["2024"]
    assert row["joint_cases"] == 2 and row["cross_sector_referrals"] == 7 and row["le_vs_referrals"] == 3
    assert row["joint_trainings"] == 2 and row["training_sectors"] == 3 and row["case_reviews"] == 0
    assert row["members"] == 6 and row["members_joined"] == 1 and row["sectors"] == 5


def test_membership(collab: tf.TaskForceData) -> None:
    m = c.membership(collab)
    assert m["members"].tolist() == [5.0, 5.0, 6.0]
    assert m["joined"].tolist() == [0.0, 0.0, 1.0]
    assert m.loc[Q3, "legal_services"] == 1.0 and m.loc[Q1, "legal_services"] == 0.0


def test_a_member_belongs_on_its_last_day(tmp_path: Path) -> None:
    """left_on is a member's last day: a member leaving on a quarter's last day is a member at its end.

    A statistician read report 03's 40 members on 31 March beside report 04's police unit
    "member until 2025-03-31": 41 by every other reading of the same table.
    """
    from tfanalysis.data.io import TaskForceData

    members = pd.DataFrame({"member_id": ["a", "b", "c"], "sector": ["law_enforcement", "victim_services", "law_enforcement"],
                            "joined_on": pd.to_datetime(["2024-01-01"] * 3), "left_on": pd.to_datetime(["2024-03-31", "2024-03-30", None])})
    activities = pd.DataFrame({"activity_id": ["x", "y"], "date": pd.to_datetime(["2024-01-10", "2024-06-10"]), "kind": "meeting"})
    empty = {name: frame.iloc[:0] for name, frame in tf.load_dataset(write_tiny_dataset(tmp_path / "tiny")).tables().items()}
    data = TaskForceData(**{**empty, "members": members, "activities": activities})
    m = c.membership(data)
    # on 31 March: a (its last day) and c; b left the day before. On 30 June: c alone
    assert m["members"].tolist() == [2.0, 1.0] and m["left"].tolist() == [2.0, 0.0]
    assert m["law_enforcement"].tolist() == [2.0, 1.0] and m["victim_services"].tolist() == [0.0, 0.0]


def test_indicator_info_documents_every_indicator() -> None:
    info = c.indicator_info()
    assert list(info.index) == [ind.name for ind in c.INDICATORS]
    assert info["definition"].str.len().min() > 20
    assert set(info["family"]) == set(c.FAMILIES)
    assert {b for b in info["base"].dropna()} <= set(c.BASES)
