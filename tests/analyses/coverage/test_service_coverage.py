"""Tests of tfanalysis.analyses.coverage.service_coverage: coverage, access and deserts per county × service.

The tiny Delaware dataset of ``conftest.py``, extended: a fourth member (a counselling
practice in Sussex, women only, English only) offers mental health care in Sussex; the
shelter m2 (confidential) had a food row that expired in 2023; clients c1 (Kent) and c5
(Sussex, identified 2025-08) need mental health care and legal representation.
Distances are worked out with an independent haversine and the county centroids.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import TINY_TABLES, write_tiny_dataset
from shared_tables import COVERAGE_CAPACITY as CAPACITY
from shared_tables import COVERAGE_CLIENTS as CLIENTS
from shared_tables import COVERAGE_MEMBERS as MEMBERS
from shared_tables import COVERAGE_NEEDS as NEEDS

import tfanalysis as tf
from tfanalysis import demo, geo
from tfanalysis.analyses import coverage
from tfanalysis.analyses.coverage import service_coverage

R = 3958.8
KENT, NEW_CASTLE, SUSSEX = "10001", "10003", "10005"
M4 = (38.69, -75.39)  # the counselling practice, in Sussex


def haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(np.radians, (*a, *b))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return float(2 * R * np.arcsin(np.sqrt(h)))


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tf.TaskForceData:
    folder = write_tiny_dataset(
        tmp_path_factory.mktemp("coverage") / "tiny",
        members__csv=MEMBERS, capacity__csv=CAPACITY, clients__csv=CLIENTS, needs__csv=NEEDS,
    )
    return tf.load_dataset(folder)


@pytest.fixture(scope="module")
def centroids() -> dict[str, tuple[float, float]]:
    c = geo.county_centroids("DE")
    return {fips: (row.lat, row.lon) for fips, row in c.iterrows()}


@pytest.fixture(scope="module")
def population() -> dict[str, int]:
    return geo.counties("DE").set_index("county_fips")["population"].astype(int).to_dict()


def rows(table: pd.DataFrame, service: str) -> pd.DataFrame:
    return table[table["service"] == service].set_index("county_fips")


# ------------------------------------------------------------------ coverage table


def test_one_row_per_county_and_service_even_with_nothing(data: tf.TaskForceData) -> None:
    table = coverage.county_service_coverage(data, "2024", services="case_management;dental_care")
    assert len(table) == 6
    dental = rows(table, "dental_care")
    assert dental["members_serving"].tolist() == [0, 0, 0]
    assert dental["nearest_miles"].isna().all()
    assert dental["need"].tolist() == [0, 0, 0]


def test_statewide_capacity_by_hand(data: tf.TaskForceData, centroids, population) -> None:
    table = rows(coverage.county_service_coverage(data, "2024", services="case_management"), "case_management")
    assert table["members_serving"].to_dict() == {KENT: 1, NEW_CASTLE: 1, SUSSEX: 1}
    assert table["capacity_per_month"].to_dict() == {KENT: 10.0, NEW_CASTLE: 10.0, SUSSEX: 10.0}
    for fips in (KENT, NEW_CASTLE, SUSSEX):
        assert table.loc[fips, "capacity_per_100k"] == pytest.approx(10 / population[fips] * 100_000)
        assert table.loc[fips, "residents"] == population[fips]
    # c1 in Kent and c3 in Sussex need case management (c3 declined it: still identified).
    assert table["need"].to_dict() == {KENT: 1, NEW_CASTLE: 0, SUSSEX: 1}


def test_confidential_member_is_placed_at_its_county_centroid(data: tf.TaskForceData, centroids) -> None:
    table = rows(coverage.county_service_coverage(data, "2024", services="case_management"), "case_management")
    assert table.loc[NEW_CASTLE, "nearest_miles"] == pytest.approx(0.0, abs=1e-9)
    expected = haversine(centroids[KENT], centroids[NEW_CASTLE])
    assert table.loc[KENT, "nearest_miles"] == pytest.approx(expected, rel=1e-9)
    assert table.loc[KENT, "nearest_miles"] != pytest.approx(haversine(centroids[KENT], (39.60, -75.70)), rel=1e-3)


def test_nearest_distance_to_a_public_location(data: tf.TaskForceData, centroids) -> None:
    table = rows(coverage.county_service_coverage(data, "2024", services="mental_health_care"), "mental_health_care")
    assert table["members_serving"].to_dict() == {KENT: 0, NEW_CASTLE: 0, SUSSEX: 1}
    for fips in (KENT, NEW_CASTLE, SUSSEX):
        assert table.loc[fips, "nearest_miles"] == pytest.approx(haversine(centroids[fips], M4), rel=1e-9)


@pytest.mark.parametrize("period,max_miles", [("2025Q4", 60.0), (None, 25.0)])
def test_pairs_in_reach_and_nearest_providers_are_those_of_every_county_provider_pair(demo_dir: Path, period, max_miles) -> None:
    """The definition: every county centroid × every member offering a service, in that order."""
    full_data = tf.load_dataset(demo_dir)
    current, area, _, _, offers = service_coverage._prepare(full_data, period, None, None, None)
    supply = service_coverage._supply_points(current, offers)
    every = service_coverage._county_points(area).merge(supply, how="cross")
    every["miles"] = [haversine((a, b), (c, d)) for a, b, c, d in zip(every["c_lat"], every["c_lon"], every["lat"], every["lon"])]
    in_reach = every[every["miles"] <= max_miles].reset_index(drop=True)
    got = service_coverage._provider_distances(current, area, offers, max_miles)
    got = got[got["miles"] <= max_miles].reset_index(drop=True)  # found a hair wider; the miles decide
    assert len(got) == len(in_reach) > 100
    assert got[["county_fips", "service", "member_id"]].astype(str).values.tolist() == in_reach[["county_fips", "service", "member_id"]].astype(str).values.tolist()
    assert np.allclose(got["miles"], in_reach["miles"], rtol=1e-12)
    nearest = every.groupby(["county_fips", "service"])["miles"].min()
    found = service_coverage._nearest_providers(current, area, offers).set_index(["county_fips", "service"])["nearest_miles"]
    assert len(found) == len(nearest) and np.allclose(found.loc[nearest.index], nearest, rtol=1e-12)


def test_expired_capacity_and_departed_members_do_not_count(data: tf.TaskForceData) -> None:
    food_2023 = rows(coverage.county_service_coverage(data, "2023Q1", services="food"), "food")
    food_2024 = rows(coverage.county_service_coverage(data, "2024", services="food"), "food")
    assert food_2023["members_serving"].tolist() == [1, 1, 1]
    assert food_2024["members_serving"].tolist() == [0, 0, 0]
    assert food_2024["nearest_miles"].isna().all()
    legal_h2 = rows(coverage.county_service_coverage(data, "2025H2", services="legal_representation"), "legal_representation")
    assert legal_h2["members_serving"].sum() == 0  # m3 left on 2025-06-30
    assert legal_h2["need"].to_dict() == {KENT: 0, NEW_CASTLE: 0, SUSSEX: 1}


@pytest.fixture(scope="module")
def changing(tmp_path_factory: pytest.TempPathFactory) -> tf.TaskForceData:
    """m4's mental health care: 5 a month to 2024-12-31, then 8 a month (two successive rows)."""
    capacity = TINY_TABLES["capacity.csv"] + (
        "m4,mental_health_care,5,10005,false,true,female,false,en,false,2023-01-01,2024-12-31\n"
        "m4,mental_health_care,8,10005,false,true,female,false,en,false,2025-01-01,\n"
    )
    folder = write_tiny_dataset(
        tmp_path_factory.mktemp("changing") / "tiny",
        members__csv=MEMBERS, capacity__csv=capacity, clients__csv=CLIENTS, needs__csv=NEEDS,
    )
    return tf.load_dataset(folder)


def test_successive_capacity_rows_are_averaged_not_added(changing: tf.TaskForceData) -> None:
    def sussex(period: object) -> pd.Series:
        table = coverage.county_service_coverage(changing, period, services="mental_health_care")
        return rows(table, "mental_health_care").loc[SUSSEX]

    assert sussex("2024")["capacity_per_month"] == pytest.approx(5.0)
    assert sussex("2025")["capacity_per_month"] == pytest.approx(8.0)
    # 2024-2025: 366 days at 5 and 365 at 8, over 731 days = 6.50 a month in force (not 5 + 8 = 13)
    both = sussex(("2024-01-01", "2025-12-31"))
    assert both["capacity_per_month"] == pytest.approx((5 * 366 + 8 * 365) / 731)
    assert both["members_serving"] == 1
    # a quarter in which the rows change: 2024Q4 at 5, then 2025Q1 at 8; 2024-12-01..2025-01-31: 31 days each
    assert sussex(("2024-12-01", "2025-01-31"))["capacity_per_month"] == pytest.approx(6.5)
    # the access score scales with it: one provider in reach, the same demand
    access = {p: coverage.county_access(changing, p, services="mental_health_care").set_index("county_fips").loc[SUSSEX, "access"]
              for p in ("2024", ("2024-01-01", "2025-12-31"))}
    assert access[("2024-01-01", "2025-12-31")] / access["2024"] == pytest.approx((5 * 366 + 8 * 365) / 731 / 5)


def test_coverage_and_gaps_count_the_same_capacity_in_force(changing: tf.TaskForceData) -> None:
    from tfanalysis.analyses.gaps import needs as gaps

    for period in ("2025", ("2024-01-01", "2025-12-31"), None):
        table = rows(coverage.county_service_coverage(changing, period, services="mental_health_care"), "mental_health_care")
        demand = gaps.demand_capacity(changing, period).set_index(["service", "county_fips"])
        assert table.loc[SUSSEX, "capacity_per_month"] == pytest.approx(demand.loc[("mental_health_care", SUSSEX), "places_per_month"], rel=1e-12)


def test_region_restricts_the_counties(data: tf.TaskForceData) -> None:
    table = coverage.county_service_coverage(data, "2024", region="10001;10005", services="food")
    assert table["county_fips"].tolist() == [KENT, SUSSEX]
    with pytest.raises(ValueError, match="unknown county FIPS"):
        coverage.region_counties(data.members, "10009")


# ----------------------------------------------------------------------- access


def test_2sfca_with_everything_in_reach_shares_capacity_over_all_residents(data, population) -> None:
    scores = coverage.county_access(data, "2024", services="case_management", method="2sfca", max_miles=200)
    expected = 10 / sum(population.values()) * 100_000
    assert scores["access"].to_numpy() == pytest.approx([expected] * 3)


def test_e2sfca_step_weights_scaled_to_the_threshold(data, centroids, population) -> None:
    weights = coverage.decay_weights("step", 60)
    assert weights == {20.0: 1.0, 40.0: 0.68, 60.0: 0.22}
    miles = {f: haversine(centroids[f], centroids[NEW_CASTLE]) for f in (KENT, NEW_CASTLE, SUSSEX)}
    step = {f: next((w for t, w in sorted(weights.items()) if d <= t), 0.0) for f, d in miles.items()}
    ratio = 10 / sum(population[f] * step[f] for f in step)
    scores = coverage.county_access(data, "2024", services="case_management", max_miles=60).set_index("county_fips")
    for fips in step:
        assert scores.loc[fips, "access"] == pytest.approx(ratio * step[fips] * 100_000)


# ------------------------------------------------------------------ eligibility


def test_eligible_capacity_by_segment(data: tf.TaskForceData) -> None:
    cap = data.capacity
    kept = lambda segment: sorted(coverage.eligible_capacity(cap, segment)["service"].tolist())  # noqa: E731
    assert kept({"gender": "male", "age": "adult"}) == ["case_management", "food", "legal_representation"]
    assert kept({"age": "minor"}) == ["case_management", "food"]
    assert kept({"language": "es"}) == ["case_management", "food", "housing_emergency"]
    assert kept({"nationality": "foreign_national"}) == ["case_management", "food", "housing_emergency", "legal_representation"]
    assert kept({"gender": "female", "language": "en", "age": "adult"}) == sorted(cap["service"].tolist())
    with pytest.raises(ValueError, match="segment key"):
        coverage.eligible_capacity(cap, {"sex": "male"})


def test_access_for_a_segment_drops_ineligible_capacity(data: tf.TaskForceData) -> None:
    everyone = coverage.county_access(data, "2024", services="mental_health_care")
    men = coverage.county_access(data, "2024", services="mental_health_care", segment={"gender": "male"})
    assert everyone["access"].max() > 0
    assert men["access"].tolist() == [0.0, 0.0, 0.0]


# ---------------------------------------------------------------------- deserts


def test_no_desert_when_a_provider_is_within_reach(data: tf.TaskForceData) -> None:
    assert coverage.deserts(data, "2024", services="mental_health_care", max_miles=60).empty


def test_desert_when_the_only_provider_is_beyond_the_threshold(data, centroids, population) -> None:
    assert haversine((39.085960, -75.568425), M4) == pytest.approx(29.0, abs=0.1)  # Kent to m4
    found = coverage.deserts(data, "2024", services="mental_health_care", max_miles=25)
    assert found[["county_fips", "service", "need", "kind"]].values.tolist() == [
        [KENT, "mental_health_care", 1, "none within reach"]
    ]
    assert found["nearest_miles"].iloc[0] == pytest.approx(haversine(centroids[KENT], M4))
    assert found["residents"].iloc[0] == population[KENT]


def test_desert_with_no_provider_at_all(data: tf.TaskForceData) -> None:
    found = coverage.deserts(data, "2025H2", services="legal_representation;mental_health_care")
    assert found[["county_fips", "service", "kind"]].values.tolist() == [[SUSSEX, "legal_representation", "no provider"]]
    assert np.isnan(found["nearest_miles"].iloc[0])


def test_serving_the_county_is_never_a_desert_however_far(data: tf.TaskForceData) -> None:
    # m2's statewide case management serves Sussex although it is ~65 miles away.
    assert coverage.deserts(data, "2024", services="case_management", max_miles=1).empty


def test_demo_deserts_are_exactly_the_planted_ones(demo_dir: Path) -> None:
    data = tf.load_dataset(demo_dir)
    found = coverage.deserts(data, None, max_miles=60)
    planted = {(f, s) for f in demo.PLANTED["desert_counties"] for s in demo.PLANTED["desert_services"]}
    assert set(zip(found["county_fips"], found["service"])) == planted
    assert len(found) == 10
    assert (found["nearest_miles"] > demo.PLANTED["desert_min_miles"]).all()
