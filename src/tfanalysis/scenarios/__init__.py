"""What-if planning: a member leaves, capacity is added, a new site opens.

- :mod:`~tfanalysis.scenarios.spec`: the scenario file (YAML), read and its shape checked;
- :mod:`~tfanalysis.scenarios.apply`: a scenario applied to the data, its values checked
  against the data contract;
- :mod:`~tfanalysis.scenarios.compare`: the baseline and each scenario compared for a
  reporting period (access, deserts, structural gaps, utilization, sites, needs reached or lost);
- :mod:`~tfanalysis.scenarios.report`: what the what-if report shows, through the
  publication layer.

See ``docs/what-if.md``.
"""

from pathlib import Path

from tfanalysis.scenarios.apply import apply, check, describe, load_scenarios
from tfanalysis.scenarios.spec import Change, Scenario, ScenarioError, read_scenarios

__all__ = ["DEMO_SCENARIOS", "Change", "Scenario", "ScenarioError", "apply", "check", "describe", "load_scenarios", "read_scenarios"]

DEMO_SCENARIOS: Path = Path(__file__).resolve().parents[1] / "resources" / "scenarios" / "demo.yaml"
"""The demo task force's two scenarios (``make report``): they change two of the planted gaps."""
