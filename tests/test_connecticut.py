"""A second task force, made by hand in another state: Connecticut, with its current county codes.

``tests/fixtures/connecticut`` holds seven members, 30 clients identified in 2025 and 60 needs
(two each), coded with Connecticut's 2022 planning regions (09110–09190, the Census county-
equivalents), in the task force's own words (``vocabulary.csv``: "Shelter bed", "Lawyer",
"Counseling"...), with no ``radius:N`` service area. Four codes of the old counties are
mixed in, as real exports do: the coalition M6 located in Bridgeport but coded Fairfield
County (09001), its service area written as Fairfield County, client C08 coded Tolland
County (09013) and one arrest coded Hartford County (09003).

Every expected number below is worked out by hand from the CSV files (the reasoning is
written beside it); the Census numbers come from ``tfanalysis.geo.county_population(2023)``.

Where the services are (capacity.csv, after reading the old codes):

=======  =====================  ================================  ===========================
member   service                service area                      located at
=======  =====================  ================================  ===========================
M2       housing_emergency 6    09170; 09110 (female adults)      confidential: 09170 centroid
M2       case_management 10     statewide                         confidential: 09170 centroid
M3       legal_representation 4 09170; 09120                      New Haven (ZIP 06510)
M4       mental_health_care 8   09180; 09150                      Norwich (ZIP 06360)
M5       crisis_intervention 20 statewide                         Hartford (ZIP 06106)
M6       food 15                09001 → 09120; 09190              Bridgeport (lat/lon)
=======  =====================  ================================  ===========================

Nobody offers dental care.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import tfanalysis as tf
from tfanalysis import geo
from tfanalysis.analyses import coverage
from tfanalysis.analyses.gaps import needs as gaps

REGIONS = ["09110", "09120", "09130", "09140", "09150", "09160", "09170", "09180", "09190"]


@pytest.fixture(scope="module")
def ct(ct_dir: Path) -> tf.TaskForceData:
    return tf.load_dataset(ct_dir)


@pytest.fixture(scope="module")
def table(ct: tf.TaskForceData) -> pd.DataFrame:
    return coverage.county_service_coverage(ct, "2025").set_index(["service", "county_fips"])


# ------------------------------------------------------------------ loading


def test_old_codes_are_read_in_the_current_vintage_with_a_warning(ct: tf.TaskForceData) -> None:
    assert geo.dataset_vintage(ct) == geo.CURRENT_VINTAGE
    assert ct.members.set_index("member_id")["county_fips"].to_dict() == {
        "M1": "09110", "M2": "09170", "M3": "09170", "M4": "09180", "M5": "09110", "M6": "09120", "M7": "09170"}
    assert ct.capacity.set_index("member_id").loc["M6", "service_area"] == "09120;09190"
    assert ct.clients.set_index("client_id").loc["C08", "county_fips"] == "09110"  # Tolland lives in Capitol
    assert ct.cj_events["county_fips"].tolist() == ["09110"] * 3 + ["09170"] * 3
    warned = ct.warnings[ct.warnings["rule"].str.contains("2016 county FIPS")]
    assert warned[["table", "column", "row"]].values.tolist() == [
        ["members", "county_fips", 6], ["capacity", "service_area", 6], ["clients", "county_fips", 8],
        ["cj_events", "county_fips", 2]]
    assert warned["value"].tolist()[:2] == ["09001", "09001"]
    assert warned["value"].iloc[2:].isna().all()  # client-level tables: no value echoed


# ------------------------------------------------------------------ coverage


def test_coverage_has_one_row_per_planning_region(table: pd.DataFrame) -> None:
    regions = table.xs("food", level="service")
    assert regions.index.tolist() == REGIONS
    assert regions["residents"].tolist() == geo.counties("CT", vintage=2023)["population"].tolist()


def test_statewide_services_serve_every_planning_region(table: pd.DataFrame) -> None:
    for service, per_month in {"case_management": 10.0, "crisis_intervention": 20.0}.items():
        rows = table.xs(service, level="service")
        assert rows["members_serving"].tolist() == [1] * 9
        assert rows["capacity_per_month"].tolist() == [per_month] * 9


def test_the_confidential_shelter_beds_count_where_it_serves(ct: tf.TaskForceData, table: pd.DataFrame) -> None:
    beds = table.xs("housing_emergency", level="service")["capacity_per_month"]
    assert beds[beds > 0].to_dict() == {"09110": 6.0, "09170": 6.0}
    # Its distance is measured from the South Central centroid, and its point is never drawn.
    assert table.loc[("housing_emergency", "09170"), "nearest_miles"] == 0.0
    assert "M2" not in set(coverage.member_points(ct, "2025")["member_id"])


def test_needs_count_in_their_planning_region(table: pd.DataFrame) -> None:
    need = table["need"]
    # Shelter bed: C01 C03 C06 C08 (Capitol), C09 C11 C12 (South Central), C17, C21, C27.
    assert need.xs("housing_emergency", level="service")[lambda s: s > 0].to_dict() == {
        "09110": 4, "09120": 1, "09140": 1, "09170": 3, "09180": 1}
    # Case mgmt: C01 C03 C04 C05 C07 | C17 C20 | C27 | C25 | C10 C13 C15 | C23 | C30.
    assert need.xs("case_management", level="service")[lambda s: s > 0].to_dict() == {
        "09110": 5, "09120": 2, "09140": 1, "09150": 1, "09170": 3, "09180": 1, "09190": 1}
    assert int(need.sum()) == 60


def test_deserts_are_the_hand_counted_ones(ct: tf.TaskForceData) -> None:
    found = coverage.deserts(ct, "2025", max_miles=60)
    # Dental care: nobody offers it, needed in Capitol (C06), Greater Bridgeport (C20, declined
    # but identified), Northeastern (C26) and South Central (C14). Counseling in Western CT (C29):
    # M4 does not serve it and Norwich lies 72 miles from its centre. Every other unserved need
    # has a provider within 45 miles (housing, legal, food, counseling elsewhere).
    assert found[["service", "county_fips", "kind"]].values.tolist() == [
        ["dental_care", "09110", "no provider"], ["dental_care", "09120", "no provider"],
        ["dental_care", "09150", "no provider"], ["dental_care", "09170", "no provider"],
        ["mental_health_care", "09190", "none within reach"]]
    assert found.loc[found["service"] == "mental_health_care", "nearest_miles"].round(0).tolist() == [72.0]


# ------------------------------------------------------------------ gaps


def test_structural_gaps_are_the_hand_counted_ones(ct: tf.TaskForceData) -> None:
    found = gaps.structural_gaps(ct, "2025")
    eligibility = found[found["gap"] == "eligibility"]
    # Dental care, offered by no one: one gap open to all (C06, C14, C20, C26). Shelter beds are
    # for women only: the men needing one (C03 in Capitol, C12 in South Central).
    assert eligibility[["service", "gender", "clients"]].values.tolist() == [
        ["dental_care", "any", 4], ["housing_emergency", "male", 2]]
    # Eligible capacity exists, but not in the client's region.
    in_county = found[found["gap"] == "no eligible provider in county"]
    assert sorted(map(tuple, in_county[["service", "county_fips"]].values.tolist())) == [
        ("food", "09140"),  # C28: the coalition serves Greater Bridgeport and Western CT
        ("housing_emergency", "09120"), ("housing_emergency", "09140"), ("housing_emergency", "09180"),  # C17 C27 C21
        ("legal_representation", "09110"), ("legal_representation", "09180"),  # C04 C23
        ("mental_health_care", "09110"), ("mental_health_care", "09170"), ("mental_health_care", "09190"),  # C02 C10 C29
    ]


# ------------------------------------------------------------------ the whole suite


@pytest.fixture(scope="module")
def ct_run(tmp_path_factory: pytest.TempPathFactory, ct_dir: Path):
    """The whole suite on the Connecticut task force for 2025, once for the tests below."""
    from tfanalysis.running import pipeline

    base = tmp_path_factory.mktemp("ct-run")
    result = pipeline.run_suite(ct_dir, base / "reports", period="2025", run_id="ct", history=base / "history.csv",
                                notebook_params={"02": {"bootstrap_resamples": 20}})
    return result, base / "reports" / "ct"


@pytest.mark.slow
def test_headline_numbers_equal_the_hand_count(ct_run) -> None:
    result, folder = ct_run
    metrics = {m["name"]: m for m in json.loads((folder / "metrics.json").read_text())}
    values = {name: metrics[name]["value"] for name in (
        "clients_identified", "needs_identified", "referrals_made", "desert_county_services", "residents_in_deserts",
        "unmet_need_rate", "needs_met", "structural_gaps", "biggest_gap_service", "median_days_to_met",
        "members_active", "services_offered", "services_not_offered")}
    assert values == {
        "clients_identified": 30,  # C01–C30, all identified in 2025
        "needs_identified": 60,  # two per client
        "referrals_made": 12,  # R01–R12
        # dental care × 4 regions and counseling × Western CT have no provider in reach, but each region's
        # 2025 needs are a few clients' (30 over 9 regions): their counts are withheld (publication.small_groups),
        # so report 01 names those pairs without claiming need, and counts no desert (until 2026-12-07: 5)
        "desert_county_services": 0,
        "residents_in_deserts": 0,
        # 15 unmet (shelter 5: C03 C12 C17 C21 C27; dental 3: C06 C14 C26; counseling 3: C02 C10 C29;
        # lawyer 3: C04 C18 C23; groceries 1: C28) over 60 needs less 3 declined (C07 C15 C20).
        # through the publication layer (report 02): the rate of the 57 needs followed rests on the 3
        # declined ones, hidden (26.3% of 57 beside 60 needs and 15 unmet would give them back)
        "unmet_need_rate": None,
        "needs_met": 35,  # 60 − 15 unmet − 3 declined − 7 in progress (C03 C07 C08 C11 C19 C20 C24)
        # 2 eligibility gaps and 9 service × region gaps: the 9 are regions of a few clients (30 over 9 regions), and
        # one eligibility gap's segment is a few clients' too: withheld, not listed (until 2026-12-07: 11)
        "structural_gaps": 1,
        "biggest_gap_service": None,  # 5 unmet shelter beds, 3 for any other need: every count hidden, none named
        # Kaplan–Meier over the 57 needs not declined: 35 met after 0 (3), 1 (11), 2 (3), 3, 5 (2),
        # 6, 7 (2), 8 (3), 9, 10 (2)... days; one censored at 1 day (C28's groceries, as of
        # 2025-11-04). S(9) = 0.521, S(10) = 0.485: the median is 10 days.
        "median_days_to_met": None,  # it rests on the 57 needs followed too
        "members_active": 7,
        "services_offered": 6,  # shelter (housing), case mgmt, lawyer, counseling, crisis line, groceries
        "services_not_offered": 25,  # of the 31 e-Guide categories
    }
    # the five regions without a provider in reach (970,197 + 321,160 + 94,405 + 563,651 + 610,647 residents
    # until 2026-12-07) are named all the same, their need not said
    page = (folder / "01_service_coverage.html").read_text(encoding="utf-8")
    said = page[page.index("pairs have no provider in reach"):][:1500]
    for region in ("Capitol", "Greater Bridgeport", "Northeastern", "South Central", "Western Connecticut"):
        assert region in said, region
    assert metrics["active_members"]["display"] == "7"  # member organizations are not victims: shown as they are


@pytest.mark.slow
def test_every_report_is_written_and_the_map_draws_the_regions(ct_run) -> None:
    result, folder = ct_run
    assert sorted(p.name for p in folder.glob("*.html")) == [
        "00_data_quality.html", "01_service_coverage.html", "02_needs_and_gaps.html", "03_collaboration.html",
        "04_member_directory.html", "05_leadership_summary.html", "06_what_if.html", "index.html"]
    page = (folder / "01_service_coverage.html").read_text(encoding="utf-8")
    for fips in REGIONS:
        assert f'"id":"{fips}"' in page.replace(" ", "")
    for old in ("09001", "09003", "09009"):
        assert f'"id":"{old}"' not in page.replace(" ", "")
    # Areas are named as they are: "Western Connecticut", never "Western Connecticut County".
    assert "Western Connecticut" in page and "Western Connecticut County" not in page and "%{text} County" not in page
