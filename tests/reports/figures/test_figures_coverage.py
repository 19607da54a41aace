"""The coverage report's figures on the demo: one choropleth per service, no confidential location, published needs only."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tfanalysis as tf
from tfanalysis.analyses import coverage
from tfanalysis.publication import Release
from tfanalysis.reports import coverage as coverage_report
from tfanalysis.reports.figures import coverage as coverage_figures


@pytest.fixture(scope="module")
def demo_figures(demo_dir: Path):
    data = tf.load_dataset(demo_dir)
    table = coverage.county_service_coverage(data, "2025", max_miles=60)
    published = coverage_report.published_coverage(table, Release(data, 11), "2025")
    found = coverage_report.published_deserts(published, max_miles=60)
    services = coverage_report.services_to_map(published, found, limit=5)
    points = coverage.member_points(data, "2025", services=services)
    fig_map = coverage_figures.access_map_figure(published, coverage_report.region_geojson(published), points, services)
    fig_dist = coverage_figures.nearest_distance_figure(published, services, max_miles=60, deserts=found)
    return data, services, fig_map, fig_dist


def numbers_in(fig, key: str) -> np.ndarray:
    values = [np.asarray(trace[key], dtype=float) for trace in fig.data if trace.type == "scattergeo" and trace[key] is not None]
    return np.concatenate(values) if values else np.array([])


def test_map_has_a_dropdown_with_one_choropleth_per_service(demo_figures) -> None:
    _, services, fig, _ = demo_figures
    assert [t.type for t in fig.data] == ["choropleth", "scattergeo"] * len(services)
    assert [t.visible for t in fig.data[::2]] == [True] + [False] * (len(services) - 1)
    buttons = fig.layout.updatemenus[0].buttons
    assert len(buttons) == len(services)
    assert list(buttons[1].args[0]["visible"]) == [False, False, True, True] + [False] * (2 * len(services) - 4)
    assert set(services[:2]) == {"legal_representation", "mental_health_care"}


def test_no_confidential_member_location_in_the_figures(demo_figures) -> None:
    data, _, fig_map, fig_dist = demo_figures
    hidden = data.members[data.members["confidential_location"].fillna(False).astype(bool)]
    hidden = hidden[hidden["lat"].notna()]
    assert len(hidden) > 0
    lats, lons = numbers_in(fig_map, "lat"), numbers_in(fig_map, "lon")
    assert len(lats) > 0
    for lat, lon in zip(hidden["lat"].astype(float), hidden["lon"].astype(float)):
        assert not (np.isclose(lats, lat, atol=1e-3) & np.isclose(lons, lon, atol=1e-3)).any()
    text = fig_map.to_json() + fig_dist.to_json()
    for name in hidden["name"]:
        assert name not in text
    # Everything but the county polygons (whose vertices can share digits with anything).
    drawn = json.loads(fig_map.to_json())
    for trace in drawn["data"]:
        trace.pop("geojson", None)
    text = json.dumps(drawn) + fig_dist.to_json()
    for value in np.r_[hidden["lat"].astype(float), hidden["lon"].astype(float)]:
        assert f"{value:.4f}".rstrip("0") not in text


def test_no_client_level_data_and_only_published_needs_in_the_figures(demo_figures) -> None:
    data, _, fig_map, fig_dist = demo_figures
    text = fig_map.to_json() + fig_dist.to_json()
    assert not any(client in text for client in data.clients["client_id"].head(200))
    hover = [line for trace in fig_map.data if trace.type == "choropleth" for line in trace.text]
    shown = [h.split("needs identified: ")[1] for h in hover]
    assert all(value in ("0", coverage_figures.SUPPRESSED_HOVER) or int(value.replace(",", "")) >= 11 for value in shown)
    assert coverage_figures.SUPPRESSED_HOVER in shown
    points = json.loads(fig_map.to_json())["data"][1]
    assert set(points) >= {"lat", "lon", "text"}


def test_hover_names_the_area_itself_and_a_service_without_rows_draws_empty() -> None:
    """A planning region is not a "County"; a service with no county rows (an empty column
    formatted as text) used to raise under pandas 3."""
    published = pd.DataFrame({"county_fips": ["09110"], "county": ["Capitol"], "service": ["food"], "access": [2.5],
                              "members_serving": [1], "capacity_per_100k": [5.0], "nearest_miles": [3.0], "need": ["hidden"],
                              "has_need": [True]})
    points = pd.DataFrame({"name": [], "sector": [], "service": [], "lat": [], "lon": []})
    fig = coverage_figures.access_map_figure(published, {"type": "FeatureCollection", "features": []}, points,
                                             ["food", "dental_care"])
    assert fig.data[0].text[0].startswith("<b>Capitol</b><br>access: 2.5 per month")
    assert list(fig.data[2].text) == []
