"""Structural gaps in words, quoting released counts only."""

from __future__ import annotations

import pandas as pd

from tfanalysis.reports.gaps.structural import structural_gaps_markdown


def test_desert_sentences_list_counties_without_a_hidden_count() -> None:
    g = pd.DataFrame({"service": ["mental_health_care"] * 2, "gap": ["no provider in county"] * 2, "age": ["any"] * 2, "gender": ["any"] * 2,
                      "nationality": ["any"] * 2, "language": ["any"] * 2, "county_fips": ["39053", "39115"], "needs": ["hidden", 12]})
    text = structural_gaps_markdown(g, county_names={"39053": "Gallia", "39115": "Morgan"})
    assert text == ("- **Mental health care (emergency and long-term)** — no eligible member serves clients in "
                    "Gallia (39053), a hidden number of needs; Morgan (39115), 12 needs.")


def test_the_gaps_table_names_services_and_counties_in_words() -> None:
    # a second task force's table showed 48005 beside "Angelina (48005)" in the sentence above it, and the code food
    from tfanalysis.reports.gaps.structural import gaps_table

    published = pd.DataFrame({"service": ["food", "housing_emergency"], "gap": ["no provider in county", "eligibility"],
                              "age": ["any", "adult"], "gender": ["any", "male"], "nationality": ["any", "any"], "language": ["any", "any"],
                              "county_fips": ["48005", "any"], "needs": ["hidden", 50]})
    table = gaps_table(published, {"48005": "Angelina, TX"})
    assert table[["service", "county", "needs"]].values.tolist() == [["Food", "Angelina, TX (48005)", "hidden"],
                                                                      ["Housing: emergency", "any", 50]]
