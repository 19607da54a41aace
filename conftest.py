"""Doctest namespace: docstring examples in src/ can use the demo task force as ``DEMO_DIR``."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory):
    from tfanalysis import demo

    return demo.generate(tmp_path_factory.mktemp("demo") / "demo")


@pytest.fixture(autouse=True)
def _doctest_demo(doctest_namespace: dict, request: pytest.FixtureRequest) -> None:
    if isinstance(request.node, pytest.DoctestItem) and "DEMO_DIR" in request.node.dtest.docstring:
        doctest_namespace["DEMO_DIR"] = request.getfixturevalue("demo_dir")


# `make test` runs the tests on every core (pytest-xdist, ``--dist loadgroup``). A group runs
# whole on one worker, so a session fixture its tests share is built once, not once per worker:
# the tests that read a shared end-to-end run form one group each, and every other test is
# grouped with its file (module fixtures are built once too). Longest work first, so that no
# worker is left alone with a long group at the end: the shared runs, then the files holding
# end-to-end runs (marked ``slow``), then the rest in their order.
SHARED_RUNS: tuple[str, ...] = ("demo_runs", "tiny_run")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not getattr(config.option, "loadgroup", False):  # set on the workers of --dist loadgroup
        return
    group: dict[str, str] = {}
    rank: dict[str, int] = {}
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        run = next((name for name in SHARED_RUNS if name in fixtures), None)
        name = run or item.nodeid.split("::", 1)[0]  # its file, as pytest names it
        group[item.nodeid] = name
        slow = item.get_closest_marker("slow") is not None
        rank[name] = min(rank.get(name, 2), 0 if run else 1 if slow else 2)
        item.add_marker(pytest.mark.xdist_group(name))
    items.sort(key=lambda item: rank[group[item.nodeid]])
