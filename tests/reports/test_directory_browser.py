"""The member directory's filters and sorting, in a real headless Chromium with the network cut.

Two pages: the fragment of :func:`tfanalysis.reports.directory.directory_html` alone, and the report
the suite runner renders from ``notebooks/04_member_directory.ipynb``; both on the hand-made
dataset of ``tests/analyses/test_directory.py`` (7 rows for all data). Expected counts are worked out from
that table:

- service "Housing: emergency": Safe Harbor (Kent; New Castle) and Sussex Youth Refuge (Sussex) → 2;
  with county "Kent County" → 1 (the refuge's 30 miles, from Sussex's centroid, miss Kent);
- county "Sussex County" (serving or located in it): Old Coalition (located), Safe Harbor case
  management (statewide), the refuge's two services → 4;
- population "serves minors": Safe Harbor case management, the refuge's two services → 3;
- language "Spanish" (listed or any): Safe Harbor's two services, the refuge's crisis line → 3;
- 24/7 only: Safe Harbor housing, the refuge's two services → 3;
- search "555-0104": the refuge's two rows → 2.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import tfanalysis as tf
from tfanalysis.analyses import directory
from tfanalysis.reports import directory as directory_report

from conftest import write_tiny_dataset
from offline_browser import CHROMIUM, launch, open_page
from shared_tables import DIRECTORY_CAPACITY as CAPACITY
from shared_tables import DIRECTORY_CONFIDENTIAL_TEXTS as CONFIDENTIAL_TEXTS
from shared_tables import DIRECTORY_MEMBERS as MEMBERS

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
pytestmark = [pytest.mark.slow]

ROWS = "div.tf-directory tbody tr"


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_dataset(tmp_path_factory.mktemp("dir-browser") / "tiny", members__csv=MEMBERS, capacity__csv=CAPACITY)


@pytest.fixture(scope="module")
def table(dataset_dir: Path) -> pd.DataFrame:
    return directory.member_directory(tf.load_dataset(dataset_dir), "all")


@pytest.fixture(scope="module")
def fragment_page(table: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dir-page") / "directory.html"
    body = directory_report.directory_html(table, caption="Member directory")
    path.write_text(f'<!doctype html><html><head><meta charset="utf-8"><title>Directory</title></head><body>{body}</body></html>', encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rendered(dataset_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """One run of the directory notebook through the suite runner, all data."""
    from tfanalysis.running import pipeline

    base = tmp_path_factory.mktemp("dir-run")
    return pipeline.run_suite(dataset_dir, base / "reports", only=["04"], run_id="directory", history=base / "history.csv")


class OfflinePage:
    """A Chromium page with every non-file request refused; errors and refused URLs recorded."""

    def __init__(self, page, errors: list[str], blocked: list[str]) -> None:
        self.page, self.errors, self.blocked = page, errors, blocked

    def visible_rows(self) -> int:
        return self.page.locator(f"{ROWS}:visible").count()

    def choose(self, name: str, value: str) -> None:
        self.page.locator(f"select[data-filter={name}]").select_option(value)

    def column(self, header: str) -> list[str]:
        index = self.page.locator("div.tf-directory thead th").all_inner_texts().index(header)
        return [row.locator("td").nth(index).inner_text().strip() for row in self.page.locator(f"{ROWS}:visible").all()]


@pytest.fixture
def open_offline() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)

        def opener(path: Path) -> OfflinePage:
            return OfflinePage(*open_page(browser, path))

        try:
            yield opener
        finally:
            browser.close()


@pytest.mark.parametrize(
    ("filters", "rows"),
    [
        ({}, 7),
        ({"service": "Housing: emergency"}, 2),
        ({"service": "Housing: emergency", "county": "Kent County"}, 1),
        ({"county": "Sussex County"}, 4),
        ({"population": "minors"}, 3),
        ({"language": "Spanish"}, 3),
    ],
    ids=["none", "service", "service-and-county", "county", "population", "language"],
)
@pytest.mark.browser
@needs_chromium
def test_filters_show_the_expected_rows(open_offline, fragment_page: Path, filters: dict[str, str], rows: int) -> None:
    view = open_offline(fragment_page)
    for name, value in filters.items():
        view.choose(name, value)
    assert view.visible_rows() == rows
    assert view.page.locator(".tf-directory-count").inner_text() == f"Showing {rows} of 7 rows"
    assert view.errors == [] and view.blocked == []


@pytest.mark.browser
@needs_chromium
def test_text_search_24_7_and_clearing(open_offline, fragment_page: Path) -> None:
    view = open_offline(fragment_page)
    view.page.locator("input[data-filter=search]").fill("555-0104")
    assert view.visible_rows() == 2
    assert set(view.column("member")) == {"Sussex Youth Refuge"}
    view.page.locator("input[data-filter=search]").fill("")
    view.page.locator("input[data-filter=around-the-clock]").check()
    assert view.visible_rows() == 3
    view.choose("service", "Case management")
    assert view.visible_rows() == 0
    view.page.locator("[data-action=reset]").click()
    assert view.visible_rows() == 7
    assert view.errors == []


@pytest.mark.browser
@needs_chromium
def test_sorting_by_a_column_and_back(open_offline, fragment_page: Path) -> None:
    view = open_offline(fragment_page)
    header = view.page.locator("div.tf-directory thead th", has_text="capacity per month")
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert view.column("capacity per month") == ["3", "4", "6", "8", "10", "", ""]  # empty cells last
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert view.column("capacity per month") == ["10", "8", "6", "4", "3", "", ""]
    view.page.locator("div.tf-directory thead th", has_text="member").locator("button").click()
    assert view.column("member") == sorted(view.column("member"), key=str.casefold)
    assert header.get_attribute("aria-sort") is None
    assert view.errors == []


@pytest.mark.browser
@needs_chromium
def test_sorting_keeps_the_filter(open_offline, fragment_page: Path) -> None:
    view = open_offline(fragment_page)
    view.choose("population", "minors")
    view.page.locator("div.tf-directory thead th", has_text="capacity per month").locator("button").click()
    assert view.column("capacity per month") == ["3", "8", "10"]


# ------------------------------------------------------------------- the rendered report


def test_rendered_report_exports_the_directory_beside_it(rendered, table: pd.DataFrame) -> None:
    folder = rendered.folder
    dtypes = {c: ("Float64" if c == "capacity per month" else "string") for c in table.columns}
    beside = pd.read_csv(folder / "member_directory.csv", dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    pd.testing.assert_frame_equal(beside.astype(dtypes), table)
    assert (folder / "member_directory.xlsx").is_file()
    metrics = {m["name"]: m["value"] for m in rendered.metrics}
    assert metrics == {"members_active": 5, "services_offered": 4, "services_not_offered": 27}
    page = (folder / "04_member_directory.html").read_text(encoding="utf-8")
    assert [t for t in CONFIDENTIAL_TEXTS if t in page] == []
    assert 'href="member_directory.csv"' in page and 'href="member_directory.xlsx"' in page


@pytest.mark.browser
@needs_chromium
def test_rendered_report_filters_offline(open_offline, rendered) -> None:
    view = open_offline(rendered.folder / "04_member_directory.html")
    assert view.visible_rows() == 7
    view.choose("service", "Housing: emergency")
    view.choose("county", "Kent County")
    assert view.visible_rows() == 1
    assert view.column("member") == ["Safe Harbor Shelter"]
    links = view.page.locator("a[href^=member_directory]")
    assert links.count() == 2
    assert all((rendered.folder / href).is_file() for href in links.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    assert view.errors == [] and view.blocked == []

