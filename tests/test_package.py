"""The package itself: ``import tfanalysis`` is light, its public names come on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pandas", "pandera", "numpy", "scipy", "sklearn", "statsmodels", "plotly", "networkx", "geopandas", "pyarrow")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", f"import sys; {code}; print(' '.join(sys.modules))"], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_importing_the_package_imports_no_heavy_library() -> None:
    loaded = _modules_after("import tfanalysis")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_public_names_and_modules_arrive_on_first_use() -> None:
    loaded = _modules_after("import tfanalysis as tf; tf.load_dataset; tf.DataValidationError; tf.TaskForceData; tf.gaps")
    assert {"tfanalysis.data.io", "tfanalysis.data.schema", "tfanalysis.analyses.gaps.needs", "pandera"} <= loaded
    import tfanalysis as tf
    from tfanalysis import DataValidationError, load_dataset

    assert load_dataset.__module__ == "tfanalysis.data.io" and issubclass(DataValidationError, Exception)
    assert "load_dataset" in dir(tf)
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        tf.no_such_thing  # noqa: B018
