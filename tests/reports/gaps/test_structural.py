"""Structural gaps in words, quoting released counts only."""

from __future__ import annotations

import pandas as pd

from tfanalysis.reports.gaps.structural import structural_gaps_markdown


def test_desert_sentences_list_counties_without_a_hidden_count() -> None:
    g = pd.DataFrame({"service": ["mental_health_care"] * 2, "gap": ["no eligible provider in county"] * 2, "age": ["any"] * 2, "gender": ["any"] * 2,
                      "nationality": ["any"] * 2, "language": ["any"] * 2, "county_fips": ["39053", "39115"], "needs": ["hidden", 12]})
    text = structural_gaps_markdown(g, county_names={"39053": "Gallia", "39115": "Morgan"})
    assert text == ("- **Mental health care (emergency and long-term)** — no eligible member serves some or all of the clients in "
                    "Gallia (39053), a hidden number of needs identified there; Morgan (39115), 12 needs identified there.\n\n"
                    "A county is listed only where its released count shows need. Where a county's needs are a few victims', the "
                    "count is withheld, since it would tell what they have, and the county is not listed here. Report 01 lists "
                    "the counties that no member serves and no provider reaches, for each service, unless the released count of "
                    "their needs is 0: a withheld count keeps a county on that list.")
    # no gap listed reads the same whether there is none or only withheld ones
    assert structural_gaps_markdown(g.iloc[:0]).startswith("No structural gap shows in the released counts")


def test_the_gaps_table_names_services_and_counties_in_words() -> None:
    # a second task force's table showed 48005 beside "Angelina (48005)" in the sentence above it, and the code food
    from tfanalysis.reports.gaps.structural import gaps_table

    published = pd.DataFrame({"service": ["food", "housing_emergency"], "gap": ["no eligible provider in county", "eligibility"],
                              "age": ["any", "adult"], "gender": ["any", "male"], "nationality": ["any", "any"], "language": ["any", "any"],
                              "county_fips": ["48005", "any"], "needs": ["hidden", 50]})
    table = gaps_table(published, {"48005": "Angelina, TX"})
    assert table[["service", "county", "needs"]].values.tolist() == [["Food", "Angelina, TX (48005)", "hidden"],
                                                                      ["Housing: emergency", "any", 50]]


def _county_need_units(counts: dict[tuple[str, str], int]) -> pd.DataFrame:
    rows = [pair for pair, n in counts.items() for _ in range(n)]
    return pd.DataFrame(rows, columns=["county_fips", "need"]).assign(identified_on=pd.Timestamp("2025-02-01"))


def test_a_county_gap_is_not_listed_where_report_01_withholds_the_county_count() -> None:
    # stop 35's outsider: report 01 withheld five counties' legal-representation counts, and
    # report 02's gap list named the one of them with needs (Meigs, 1): the gap was listed on
    # its own label, whatever report 01 did with the county's count. By hand: county 1 has
    # food 5 and legal 6 (11, shown as the county's total) and no shelter; a shown shelter 0
    # would give food + legal = 11 with each at least 1, food at most 10, so the layer
    # withholds county 1's line (every cell "hidden", zeros too).
    from tfanalysis.publication import Interval, Release
    from tfanalysis.reports.gaps.structural import county_needs

    units = _county_need_units({("1", "food"): 5, ("1", "legal"): 6, ("2", "food"): 30, ("2", "legal"): 40, ("2", "shelter"): 20})
    rel = Release(None, 11, units={"needs": units})
    year = {"identified_on": Interval("2025-01-01", "2025-12-31")}
    assert rel.table("needs", rows="county_fips", where=year, name="needs per county").shown["count"].tolist() == [11, 90, 101]
    grid = rel.table("needs", rows="county_fips", columns="need", where=year, levels={"need": ["food", "legal", "shelter"]},
                     name="01 needs per county and service")
    assert grid.is_withheld().loc["1"].tolist() == [True, True, True]
    keys = len(rel.ledger.cells)
    pairs = pd.DataFrame({"county_fips": ["1", "1", "2"], "need": ["food", "legal", "food"]})
    out = county_needs(rel, year, pairs, name="02 structural gaps")
    assert out["listed"].tolist() == [False, False, True]
    assert out["needs"].tolist() == ["hidden", "hidden", "hidden"]
    assert len(rel.ledger.cells) == keys  # the same counts as report 01's: no new key, one status each


def test_county_gap_counts_are_report_01s_counts_in_the_demo(demo_dir) -> None:
    # the county gaps of report 02 quote the very counts report 01 releases (one key each), in
    # a region run too: nothing new enters the ledger, so nothing is shown under a second pattern
    from tfanalysis import load_dataset
    from tfanalysis.analyses import coverage as coverage_analysis
    from tfanalysis.analyses import gaps
    from tfanalysis.publication import Release
    from tfanalysis.reports import gaps as gaps_report
    from tfanalysis.reports.coverage import published_coverage

    # over all the data: the demo's rural counties have few victims in a quarter or a year, and their counts are
    # withheld (publication.small_groups); Meigs's thirteen over three years list two county gaps. The region's
    # 2025Q4 lists none (each county's quarter is a few victims') and adds no count either
    whole = load_dataset(demo_dir)
    for region, period in (("", None), ("39053;39105;39115;39121;39111;39009", "2025Q4")):
        rel = Release(whole, 11)
        table = coverage_analysis.county_service_coverage(whole, period, region=region or None)
        published = published_coverage(table, rel, period).set_index(["county_fips", "service"])
        keys = len(rel.ledger.cells)
        data = gaps.in_region(whole, region)
        listed = gaps_report.publish_gaps(rel, data, period, gaps_report.report_scope(data, period, region), name="02 structural gaps")
        county = listed[listed["gap"] != "eligibility"]
        assert len(county) == (2 if not region else 0), region
        new = rel.ledger.cells["key"].iloc[keys:]
        assert new.str.contains("gaps.eligibility_gap").all()  # the eligibility labels and their total only
        for row in county.itertuples():
            assert published.loc[(row.county_fips, row.service), "need"] == row.needs
            assert bool(published.loc[(row.county_fips, row.service), "has_need"])
