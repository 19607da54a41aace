"""The runner's own error: a run that failed for a reason other than invalid data."""

from __future__ import annotations

__all__ = ["SuiteError"]


class SuiteError(RuntimeError):
    """A run of the suite failed for a reason other than invalid data."""
