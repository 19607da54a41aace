"""What-if planning: a member leaves, capacity is added, a new site opens.

- :mod:`~tfanalysis.analyses.scenarios.spec`: the scenario file (YAML), read and its shape checked;
- :mod:`~tfanalysis.analyses.scenarios.apply`: a scenario applied to the data, its values checked
  against the data contract;
- :mod:`~tfanalysis.analyses.scenarios.compare`: the baseline and each scenario compared for a
  reporting period (access, deserts, structural gaps, utilization, sites, needs reached or lost);
- :mod:`~tfanalysis.reports.what_if`: what the what-if report shows, through the
  publication layer.

See ``docs/what-if.md``.
"""

from pathlib import Path

from tfanalysis.analyses.scenarios.apply import apply, check, describe, load_scenarios
from tfanalysis.analyses.scenarios.spec import Change, Scenario, ScenarioError, read_scenarios

__all__ = ["DEMO_SCENARIOS", "Change", "Scenario", "ScenarioError", "apply", "check", "describe", "load_scenarios", "read_scenarios"]

DEMO_SCENARIOS: Path = Path(__file__).resolve().parents[2] / "resources" / "scenarios" / "demo.yaml"
"""The demo task force's two scenarios (``make report``): they change two of the planted gaps."""
