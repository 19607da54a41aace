"""tfanalysis: the analysis suite of a multidisciplinary anti-human-trafficking task force.

Three questions, per period and per place: where are services and who can reach them
(:mod:`tfanalysis.coverage`), which identified victim needs outrun member capacity
(:mod:`tfanalysis.gaps`), and whether the collaboration grows more effective over time
(:mod:`tfanalysis.collaboration`).

``import tfanalysis`` loads nothing heavy: the names below, and every module, are imported
on first use (``tf.load_dataset`` brings in the data contract's validation; ``tf.gaps``,
``tf.coverage``… their own libraries), so a report that only reads recorded metrics never
pays for pandas' validation layer, scipy or scikit-learn.

Examples
--------
>>> import tfanalysis as tf
>>> sorted(tf.taxonomy.VICTIM_NEEDS)[:3]
['case_management', 'child_dependent_assistance', 'civil_legal_award']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tfanalysis.data import contract, taxonomy
    from tfanalysis.data.io import TaskForceData, load_dataset
    from tfanalysis.data.schema import DataValidationError

__version__ = "0.1.0"

__all__ = ["DataValidationError", "TaskForceData", "contract", "load_dataset", "taxonomy", "__version__"]

_LAZY = {
    "load_dataset": "tfanalysis.data.io",
    "TaskForceData": "tfanalysis.data.io",
    "DataValidationError": "tfanalysis.data.schema",
}

_MODULES = {"contract": "tfanalysis.data.contract"}
"""Public submodule names that live in a layer's subpackage (``tf.contract``)."""


def __getattr__(name: str) -> Any:
    """Import a public name, or a submodule (``tf.gaps``), the first time it is used (PEP 562)."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    elif not name.startswith("_"):
        try:
            value = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
