"""What report 02 shows of the need profiles: released counts, rates only on shown counts."""

from __future__ import annotations

import numpy as np

from tfanalysis import load_dataset
from tfanalysis.analyses.gaps.profiles import need_profiles
from tfanalysis.reports.profiles import publish_profiles, publish_weights


def test_published_profiles_show_released_counts_and_rates_only_on_shown_counts(demo_dir) -> None:
    from tfanalysis.reports import gaps as gaps_report
    from tfanalysis.publication import Release

    data = load_dataset(demo_dir)
    profiles, weights, members = need_profiles(data, k=4, with_members=True)
    assert members.groupby(members).size().sort_index().tolist() == profiles["clients"].tolist()
    rel = Release(data, 11)
    published = publish_profiles(rel, profiles, members, gaps_report.report_scope(data), name="need profiles")
    assert "top_needs" not in published and published.index.tolist() == [1, 2, 3, 4]
    for profile in published.index:
        shown = published.loc[profile]
        true = profiles.set_index("profile").loc[profile]
        assert isinstance(shown["clients"], str) or shown["clients"] == true["clients"]
        assert isinstance(shown["needs"], str) or shown["needs"] == true["needs"]  # needs identified
        if isinstance(shown["unmet"], str) or isinstance(shown["needs"], str):
            assert np.isnan(shown["unmet_need_rate"])  # a rate beside a hidden count it rests on
        elif not np.isnan(shown["unmet_need_rate"]):  # of the needs followed: the declined ones were shown too
            assert shown["unmet_need_rate"] == round(true["unmet_need_rate"], 1)
    declined = rel.ledger.cells.query("table == 'need profiles: needs' and column == 'declined_by_client'").set_index("row")
    for profile in published.index:  # the rate is shown exactly where its three counts are
        counts_shown = not (isinstance(published.loc[profile, "unmet"], str) or isinstance(published.loc[profile, "needs"], str)
                            or declined.loc[str(profile), "hidden"])
        assert counts_shown == (not np.isnan(published.loc[profile, "unmet_need_rate"]))
    drawn = publish_weights(rel, weights, published, gaps_report.report_scope(data), name="need profiles")
    assert drawn.index.tolist() == [p for p in published.index if not isinstance(published.loc[p, "clients"], str)]
    # a need's weights, times the profiles' sizes, gave its hidden count back: only needs whose count is shown are drawn
    per_need = data.needs["need"].astype(str).value_counts()
    hidden = rel.ledger.cells.query("table == 'need profiles: needs per need' and hidden")["row"].tolist()
    small = {n for n in weights.columns if 1 <= per_need.get(n, 0) <= 10}
    assert small and small <= set(hidden)
    assert not set(drawn.columns) & set(hidden)
    assert sorted(drawn.columns) == sorted(c for c in weights.columns if c not in hidden)
    assert np.allclose(drawn.max(axis=1), 1.0)  # scaled again among the needs drawn
