"""Shared fixtures: a tiny, valid task force in Delaware written as CSV files.

Three counties (Kent 10001, New Castle 10003, Sussex 10005), three members, four clients.
Tests break one rule at a time by editing one file of a copy.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` (``make test``): one worker more than the cores this process may use.

    The end-to-end tests wait on notebook kernels and Chromium; a third worker on this
    2-core machine fills those waits (the suite: 264 s with two workers, 249 s with three,
    276 s with four; docs/performance.md).
    """
    return len(os.sched_getaffinity(0)) + 1 if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1) + 1

TINY_TABLES: dict[str, str] = {
    "members.csv": """member_id,name,sector,joined_on,left_on,zip,lat,lon,county_fips,confidential_location
m1,Dover Police Department,law_enforcement,2023-01-15,,19901,,,,false
m2,Safe Harbor Shelter,victim_services,2023-02-01,,,39.60,-75.70,10003,true
m3,Legal Aid of Delaware,legal_services,2023-03-01,2025-06-30,19801,,,,false
""",
    "capacity.csv": """member_id,service,capacity_per_month,service_area,serves_minors,serves_adults,genders,serves_foreign_nationals,languages,available_24_7,valid_from,valid_to
m2,housing_emergency,6,10001;10003,false,true,female,true,en;es,true,2023-02-01,
m2,case_management,10,statewide,true,true,all,true,any,false,2023-02-01,
m3,legal_representation,4,radius:40,false,true,all,true,en,false,2023-03-01,2025-06-30
""",
    "clients.csv": """client_id,identified_on,county_fips,age_group,gender,trafficking_type,nationality,primary_language,referral_source_sector
c1,2024-01-10,10001,18-24,female,sex,us_citizen,en,law_enforcement
c2,2024-02-03,10003,25-34,male,labor,foreign_national,es,community
c3,2024-04-20,10005,minor,female,sex,us_citizen,en,unknown
c4,2024-05-02,10003,35-49,nonbinary,both,unknown,unknown,
""",
    "needs.csv": """client_id,need,identified_on,status,met_on,met_by
c1,housing_emergency,2024-01-10,met,2024-01-12,m2
c1,case_management,2024-01-10,in_progress,,
c2,housing_emergency,2024-02-03,unmet,,
c2,legal_representation,2024-02-03,met,2024-03-01,m3
c3,case_management,2024-04-20,declined_by_client,,
""",
    "referrals.csv": """referral_id,client_id,from_member,to_member,service,referred_on,responded_on,outcome
r1,c1,m1,m2,housing_emergency,2024-01-10,2024-01-11,accepted
r2,c2,m1,m2,housing_emergency,2024-02-03,2024-02-05,declined_eligibility
r3,c2,m2,m3,legal_representation,2024-02-06,,no_response
""",
    "cj_events.csv": """case_id,event,occurred_on,member_id,county_fips,client_id
k1,investigation_opened,2024-01-05,m1,10001,c1
k1,arrest,2024-02-01,m1,10001,c1
""",
    "activities.csv": """activity_id,date,kind
a1,2024-01-20,meeting
a2,2024-03-15,joint_training
""",
    "attendance.csv": """activity_id,member_id
a1,m1
a1,m2
a2,m2
""",
    "survey.csv": """wave,respondent_id,partner_id,level,trust,value
1,m1,m2,3,3,4
1,m2,m1,1,2,
""",
}


def write_tiny_dataset(folder: Path, **replace: str | None) -> Path:
    """Write the tiny dataset into ``folder``; ``replace`` maps a file name to new text (None drops it)."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = {**TINY_TABLES, **{k.replace("__", "."): v for k, v in replace.items()}}
    for name, text in tables.items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session", autouse=True)
def _fixtures_left_as_committed():
    """No test leaves a dataset snapshot (``.tfanalysis/``) among the fixtures: .gitignore would hide it."""
    before = set(FIXTURES.rglob(".tfanalysis"))
    yield
    left = sorted(str(p.relative_to(FIXTURES)) for p in set(FIXTURES.rglob(".tfanalysis")) - before)
    assert not left, f"tests wrote snapshots into tests/fixtures: {left}; load a copy (see ct_dir)"


@pytest.fixture(scope="session")
def ct_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the hand-made Connecticut task force (tests/fixtures/connecticut).

    A copy, because loading a folder keeps its snapshot inside it (``.tfanalysis/``): the
    fixtures in the repository are never written to.
    """
    return Path(shutil.copytree(FIXTURES / "connecticut", tmp_path_factory.mktemp("ct") / "connecticut"))


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    """A folder holding the tiny valid dataset."""
    return write_tiny_dataset(tmp_path / "tiny")


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory: pytest.TempPathFactory):
    """The tiny dataset, loaded once (tests that only read it)."""
    from tfanalysis import load_dataset

    return load_dataset(write_tiny_dataset(tmp_path_factory.mktemp("tiny-data") / "tiny"))


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory):
    """One run of the data-quality notebook on the tiny dataset, 2024Q1 given as last-quarter.

    Returns (RunResult, reports folder, history file).
    """
    from tfanalysis.running import pipeline

    base = tmp_path_factory.mktemp("run")
    data = write_tiny_dataset(base / "tiny-data")
    history = base / "history.csv"
    result = pipeline.run_suite(
        data,
        base / "reports",
        period="last-quarter",
        today="2024-04-15",
        suppression_threshold=3,
        only=["00"],
        run_id="q1",
        history=history,
    )
    return result, base / "reports", history


@pytest.fixture(scope="session")
def demo_runs(tmp_path_factory: pytest.TempPathFactory):
    """The whole suite on the demo task force for 2025Q4, after a 2025Q3 run of two notebooks.

    The 2025Q4 run also prints the PDF pack (when Debian's chromium is there), writes the
    grant worksheet beside its folder and compares the demo's two what-if scenarios. Returns
    (RunResult of 2025Q4, reports folder). The history of both runs is kept apart.
    """
    from offline_browser import CHROMIUM
    from tfanalysis import demo
    from tfanalysis.running import pipeline
    from tfanalysis.analyses.scenarios import DEMO_SCENARIOS

    base = tmp_path_factory.mktemp("demo-run")
    data = demo.generate(base / "demo")
    history = base / "history.csv"
    pipeline.run_suite(data, base / "reports", period="2025Q3", only=["00", "03"], run_id="q3", history=history)
    result = pipeline.run_suite(data, base / "reports", period="2025Q4", run_id="q4", history=history,
                                notebook_params={"03": {"change_date": demo.PLANTED["change_date"]}},
                                pdf=CHROMIUM is not None, grant_worksheet=True, scenarios=DEMO_SCENARIOS)
    return result, base / "reports"
