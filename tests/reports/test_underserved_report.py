"""What report 02 shows of the underserved groups: shares resting on shown counts only."""

from __future__ import annotations

import numpy as np
import pandas as pd


def test_published_shares_rest_on_shown_counts_only() -> None:
    """A share beside its base gives the count back: a group's shares need its counts shown, a difference its reference's too."""
    from tfanalysis.reports import gaps as gaps_report
    from tfanalysis.publication import Release
    from tfanalysis.reports.underserved import publish_underserved

    day = pd.Timestamp("2025-01-01")
    spec = {("female", 10): 30, ("female", None): 14, ("male", 60): 20, ("male", None): 25, ("nonbinary", 10): 2, ("nonbinary", None): 4}
    rows = [(g, "met" if d is not None else "unmet", day + pd.Timedelta(days=d) if d is not None else pd.NaT) for (g, d), n in spec.items() for _ in range(n)]
    units = pd.DataFrame(rows, columns=["gender", "status", "met_on"]).assign(identified_on=day)
    rel = Release(None, 11, units={"needs": units})
    table = pd.DataFrame({"attribute": "gender", "group": ["female", "male", "nonbinary"], "reference": "female",
                          "clients": [40, 40, 5], "needs": [44, 45, 6], "observed": [31.8, 55.6, 66.7], "adjusted": [32.0, 55.0, 60.0],
                          "difference": [0.0, 23.0, 28.0], "low": [0.0, 15.0, 5.0], "high": [0.0, 31.0, 50.0]})
    scope = gaps_report.Scope(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-06-30"))
    out = publish_underserved(rel, table, scope, pd.Timestamp("2025-12-31"), name="needs with a 90-day outcome per group").set_index("group")
    # nonbinary's 6 needs are hidden, and female's with them (complementary suppression): male's 45 are shown
    assert out["needs"].tolist() == ["hidden", 45, "hidden"]
    assert out.loc["nonbinary", ["observed", "adjusted", "difference", "low", "high"]].isna().all()
    assert out.loc["male", ["observed", "adjusted"]].tolist() == [55.6, 55.0]  # its own counts are shown
    assert out.loc["male", ["difference", "low", "high"]].isna().all()  # its reference's (female) are not
    assert out.loc["female", ["observed", "adjusted"]].isna().all()
    released = rel.ledger.cells[rel.ledger.cells["table"] == "needs with a 90-day outcome per group: gender"]
    assert released.set_index(["row", "column"]).loc[("male", "not met"), "true"] == 25  # the counts the shares rest on


def test_a_sentence_of_the_groups_shown_says_nothing_of_the_hidden_ones() -> None:
    # a statistician's fiscal-year run: "No group's needs go unmet ... clearly more often" while the male row
    # (+6.5 points, 90% interval +4.8 to +8.2 by a client bootstrap) was hidden to protect other counts
    from tfanalysis.reports.underserved import underserved_markdown

    rows = pd.DataFrame({"attribute": ["nationality", "gender"], "group": ["foreign", "male"], "reference": ["us", "female"],
                         "clients": [40, 60], "needs": [120, 200], "observed": [20.0, 30.0], "adjusted": [19.0, 29.0],
                         "difference": [-0.9, np.nan], "low": [-3.0, np.nan], "high": [1.4, np.nan]})
    text = underserved_markdown(rows, threshold=6)
    assert text.startswith("No group whose difference is shown (1 of 2) has its needs go unmet at 90 days clearly more often")
    assert "The difference of 1 more group is not shown (a count it rests on is hidden): nothing is said of them." in text
    assert not text.startswith("No group's needs")


def test_the_groups_compared_are_chosen_from_released_counts_not_from_clients() -> None:
    """An outsider's attack on a small task force (2026-12-07), rebuilt.

    The groups were those of 11 or more clients on the true counts, so a missing nonbinary row
    told a reader that 1 to 10 nonbinary victims had needs; with a shown 0 of the age × gender
    table that made one a minor. Now a group is compared where its released needs are shown
    and at least the threshold, however many clients are behind them: here 4 nonbinary
    clients with 3 needs each (12, shown) are compared, and 30 women are the reference.
    """
    from tfanalysis.analyses.gaps.underserved import adjusted_differences
    from tfanalysis.publication import Release
    from tfanalysis.reports import gaps as gaps_report
    from tfanalysis.reports.underserved import groups_to_compare

    day = pd.Timestamp("2025-01-10")
    clients = [("f", 30, 2), ("m", 15, 2), ("nb", 4, 3)]  # prefix, clients, needs each
    rows = [(f"{p}{i}", {"f": "female", "m": "male", "nb": "nonbinary"}[p], f"n{j}") for p, n, each in clients for i in range(n) for j in range(each)]
    frame = pd.DataFrame(rows, columns=["client_id", "gender", "need"])
    frame["unmet"] = (np.arange(len(frame)) % 3 == 0).astype(int)
    units = frame.assign(status=np.where(frame["unmet"] == 1, "unmet", "met"),
                         met_on=np.where(frame["unmet"] == 1, pd.NaT, day + pd.Timedelta(days=10)), identified_on=day)
    units["met_on"] = pd.to_datetime(units["met_on"])
    rel = Release(None, 11, units={"needs": units.drop(columns=["unmet"])})
    scope = gaps_report.Scope(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-03-31"))
    compared = groups_to_compare(rel, scope, pd.Timestamp("2025-12-31"), attributes=["gender"], name="per group")
    assert compared == {"gender": ["female", "male", "nonbinary"]}  # needs 60, 30, 12: all shown
    table = adjusted_differences(frame, attributes=["gender"], groups=compared, n_boot=5)
    assert table["group"].tolist() == ["male", "nonbinary"] and set(table["reference"]) == {"female"}
    assert table.set_index("group").loc["nonbinary", "clients"] == 4  # what the old rule (11 clients) left out
    assert adjusted_differences(frame, attributes=["gender"], n_boot=5)["group"].tolist() == ["male"]
