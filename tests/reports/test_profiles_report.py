"""What report 02 shows of the need profiles: released counts, rates only on shown counts."""

from __future__ import annotations

import numpy as np

from tfanalysis import load_dataset
from tfanalysis.analyses.gaps.profiles import need_profiles
from tfanalysis.reports.labels import readable
from tfanalysis.reports.profiles import publish_profiles


def test_published_profiles_show_released_counts_and_rates_only_on_shown_counts(demo_dir) -> None:
    from tfanalysis.reports import gaps as gaps_report
    from tfanalysis.publication import Release

    data = load_dataset(demo_dir)
    profiles, weights, members = need_profiles(data, k=4, with_members=True)
    assert members.groupby(members).size().sort_index().tolist() == profiles["clients"].tolist()
    rel = Release(data, 11)
    published, drawn = publish_profiles(rel, profiles, members, weights, gaps_report.report_scope(data), name="need profiles")
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
    assert drawn.index.tolist() == [p for p in published.index if not isinstance(published.loc[p, "clients"], str)]
    # a need's weights, times the profiles' sizes, gave its hidden count back: only needs whose count is shown are drawn
    per_need = data.needs["need"].astype(str).value_counts()
    hidden = rel.ledger.cells.query("table == 'need profiles: needs per need' and hidden")["row"].tolist()
    small = {n for n in weights.columns if 1 <= per_need.get(n, 0) <= 10}
    assert small and small <= set(hidden)
    assert not set(drawn.columns) & set(hidden)
    assert sorted(drawn.columns) == sorted(c for c in weights.columns if c not in hidden)
    assert np.allclose(drawn.max(axis=1), 1.0)  # scaled again among the needs drawn
    # names from the needs drawn: from every need, a name's order bounded hidden counts from below
    labels = {code: readable(code) for code in weights.columns}
    for profile in published.index:
        named = published.loc[profile, "name"]
        if profile in drawn.index:
            heaviest = drawn.loc[profile].sort_values(ascending=False, kind="stable").index[:3]
            assert named == ", ".join(labels[c] for c in heaviest)
        else:
            assert named == "not described (too few clients to show)"
        assert not any(labels[c] in named for c in hidden)


def test_a_profile_is_never_named_by_a_need_whose_count_is_hidden(demo_dir) -> None:
    # stop 35's outsider: 2025Q4's profile 4 was named "Mental health care, Criminal justice
    # assistance, Legal representation"; criminal justice assistance had 7 needs (hidden), and its
    # place in the name bounded its weight, hence its count, from below
    from tfanalysis.reports import gaps as gaps_report
    from tfanalysis.publication import Release

    data = load_dataset(demo_dir)
    profiles, weights, members = need_profiles(data, "2025Q4", k=4, with_members=True)
    assert "Criminal justice assistance" in profiles.loc[3, "name"]  # the analysis names it from every need
    rel = Release(data, 11)
    published, drawn = publish_profiles(rel, profiles, members, weights, gaps_report.report_scope(data, "2025Q4"), name="need profiles")
    hidden = set(rel.ledger.cells.query("table == 'need profiles: needs per need' and hidden")["row"])
    assert "criminal_justice_assistance" in hidden
    assert published.loc[4, "name"] == ("Mental health care (emergency and long-term), Legal representation (immigration, criminal, civil), "
                                        "Housing: emergency")
    assert not any(readable(code) in name for name in published["name"] for code in hidden)
