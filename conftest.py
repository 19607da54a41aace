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
