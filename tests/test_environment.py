"""environment.yml (conda users) lists the same runtime dependencies and test extras as pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _parse(requirement: str) -> tuple[str, str]:
    name, spec = _REQ.match(requirement).groups()  # type: ignore[union-attr]
    return re.sub(r"[-_.]+", "-", name).lower(), spec.replace(" ", "")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return dict(_parse(r) for r in [*project["dependencies"], *project["optional-dependencies"]["test"]])


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found: dict[str, str] = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            if item.startswith("-e") or item.startswith("."):
                continue
            name, spec = _parse(item)
            if name not in {"python", "pip"}:
                found[name] = spec
    return found


def test_environment_lists_the_runtime_dependencies_and_test_extras_of_pyproject() -> None:
    assert _environment() == _pyproject()


def test_environment_asks_for_python_311_from_conda_forge() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    assert "python>=3.11" in env["dependencies"]
