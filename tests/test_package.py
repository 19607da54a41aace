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
    assert {"tfanalysis.data.io", "tfanalysis.data.schema", "tfanalysis.analyses.gaps.needs"} <= loaded
    # pandera comes with the first validation, not with the data layer: a notebook reading
    # the run's validated snapshot never imports it
    assert "pandera" not in loaded
    assert "pandera" in _modules_after("import pandas as pd; from tfanalysis.data import contract, schema; "
                                       "schema.validate_table(pd.DataFrame({'member_id': ['m1']}), contract.MEMBERS)")
    import tfanalysis as tf
    from tfanalysis import DataValidationError, load_dataset

    assert load_dataset.__module__ == "tfanalysis.data.io" and issubclass(DataValidationError, Exception)
    assert "load_dataset" in dir(tf)
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        tf.no_such_thing  # noqa: B018


# --------------------------------------------------------------------------- the README's public names


def test_the_readme_names_are_the_layers_functions() -> None:
    """Every public name of the README (and DESIGN.md) still imports, as the function that does the work."""
    import tfanalysis as tf
    import tfanalysis.collaboration
    import tfanalysis.coverage
    import tfanalysis.gaps
    import tfanalysis.privacy
    import tfanalysis.taxonomy
    import tfanalysis.trends
    from tfanalysis.analyses.collaboration.catalogue import indicators
    from tfanalysis.analyses.collaboration.trends.segmented import segmented_regression
    from tfanalysis.analyses.coverage.access import access_scores
    from tfanalysis.analyses.gaps.needs import structural_gaps
    from tfanalysis.analyses.gaps.sites import recommend_sites
    from tfanalysis.data.io import load_dataset
    from tfanalysis.data.schema import DataValidationError
    from tfanalysis.demo.generator import generate
    from tfanalysis.geo.county_shapes import counties
    from tfanalysis.geo.zips import geocode_zip
    from tfanalysis.publication.privacy.control import audit, suppress

    assert tf.load_dataset is load_dataset and tf.DataValidationError is DataValidationError
    assert tfanalysis.coverage.access_scores is access_scores
    assert tfanalysis.gaps.structural_gaps is structural_gaps and tfanalysis.gaps.recommend_sites is recommend_sites
    assert tfanalysis.collaboration.indicators is indicators
    assert tfanalysis.trends.segmented_regression is segmented_regression
    assert tfanalysis.privacy.suppress is suppress and tfanalysis.privacy.audit is audit
    assert tf.geo.counties is counties and tf.geo.geocode_zip is geocode_zip and tf.demo.generate is generate
    assert (len(tfanalysis.taxonomy.VICTIM_NEEDS), len(tfanalysis.taxonomy.CJ_NEEDS)) == (31, 20)
    assert tf.contract.TABLES["clients"].key == ("client_id",)


def test_the_public_names_compute(tiny_dir) -> None:
    """Worked out by hand: the tiny Delaware task force, a 2SFCA over two places, one suppressed line."""
    import pandas as pd

    import tfanalysis as tf
    from tfanalysis.coverage import access_scores
    from tfanalysis.privacy import suppress

    assert tf.load_dataset(tiny_dir).clients["client_id"].tolist() == ["c1", "c2", "c3", "c4"]
    # one provider of 8 places, 100 + 300 people within reach: 8 / 400 each
    demand, supply = pd.Series([100.0, 300.0], index=["x", "y"]), pd.Series([8.0], index=["p"])
    cost = pd.DataFrame({"origin": ["x", "y"], "dest": ["p", "p"], "cost": [5.0, 15.0]})
    assert access_scores(demand, supply, cost=cost, max_cost=20, method="2sfca").tolist() == [0.02, 0.02]
    # 5 is small; alone it would be the public total 55 minus 20 and 30, so 20 is hidden too
    assert suppress(pd.Series([5, 20, 30], index=list("abc"))).tolist() == ["hidden", "hidden", 30]


OLD_NAMES = {
    "coverage": ["DECAYS", "SEGMENT_KEYS", "access_scores", "county_access", "county_service_coverage", "decay_weights",
                 "deserts", "deserts_markdown", "deserts_table", "eligible_capacity", "median_nearest_miles",
                 "member_locations", "member_points", "published_coverage", "published_deserts", "region_counties",
                 "region_geojson", "residents_of", "services_to_map", "worst_covered"],
    "collaboration": ["CASE_START", "COUNTS", "CRITICAL_NEEDS", "EVIDENCE_COUNTS", "FAMILIES", "FIRST_CHARGES", "INDICATORS",
                      "Indicator", "NUMERATORS", "ReleasedCounts", "SECTOR_LINK", "TIE", "UNMET_CRITICAL", "change_effects",
                      "indicators", "publish", "release_counts", "scorecard", "survey_waves", "trend_lines", "up_to"],
    "trends": ["mann_kendall", "segmented_regression", "change_tests", "change_verdicts", "segmented_fit", "control_chart"],
    "privacy": ["MARGIN", "REASONS", "DisclosureWarning", "audit", "protect_grid", "suppress"],
    "taxonomy": ["VICTIM_NEEDS", "CJ_NEEDS", "SERVICE_CODES", "NEED_GROUPS", "normalize_term", "load_vocabulary", "map_terms"],
    "gaps": ["structural_gaps", "recommend_sites", "demand_capacity", "outcome_rates", "kaplan_meier", "in_region"],
}


@pytest.mark.parametrize("module", sorted(OLD_NAMES))
def test_a_public_module_keeps_the_names_it_had(module: str) -> None:
    """A public module split across layers still offers what analysts' notebooks called on it."""
    import importlib

    public = importlib.import_module(f"tfanalysis.{module}")
    assert [name for name in OLD_NAMES[module] if not hasattr(public, name) or name not in public.__all__] == []
