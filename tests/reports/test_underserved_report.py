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
