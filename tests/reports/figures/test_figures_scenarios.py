"""The what-if map: two panels on one colour scale per service, released counts only in the hover."""

from __future__ import annotations

import pandas as pd

from tfanalysis.reports.figures.scenarios import access_comparison_figure

GEOJSON = {"type": "FeatureCollection", "features": []}


def access_table() -> pd.DataFrame:
    rows = []
    for service, before, after in (("food", [0.0, 3.0], [6.0, 3.0]), ("dental_care", [1.0, 0.5], [0.5, 0.25])):
        for i, (fips, county) in enumerate((("10001", "Kent"), ("10005", "Sussex"))):
            rows.append({"county_fips": fips, "county": county, "service": service, "access_before": before[i], "access_after": after[i],
                         "members_serving_before": 0, "members_serving_after": 1, "nearest_miles_before": 80.0, "nearest_miles_after": 5.0,
                         "desert_before": i == 0, "desert_after": False})
    return pd.DataFrame(rows)


def test_both_panels_share_one_colour_scale_from_zero_to_the_largest_access() -> None:
    fig = access_comparison_figure(access_table(), GEOJSON, ["food", "dental_care"])
    choropleths = [t for t in fig.data if t.type == "choropleth"]
    assert {t.coloraxis for t in choropleths} == {"coloraxis"}
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (0, 6.0)  # food: the scenario's 6 is the top
    assert [t.geo for t in choropleths] == ["geo", "geo2", "geo", "geo2"]
    assert list(choropleths[0].z) == [0.0, 3.0] and list(choropleths[1].z) == [6.0, 3.0]
    # the dropdown shows one service's four traces and moves the scale's top with it
    dental = fig.layout.updatemenus[0].buttons[1]
    assert dental.args[0]["visible"] == [False] * 4 + [True] * 4
    assert dental.args[1] == {"coloraxis.cmax": 1.0}
    assert [t.visible for t in fig.data] == [True] * 4 + [False] * 4


def test_the_hover_names_hidden_counts_and_never_gives_them() -> None:
    needs = {"food": pd.Series(["hidden", 0], index=["10001", "10005"])}
    fig = access_comparison_figure(access_table(), GEOJSON, ["food"], needs=needs)
    before, after = fig.data[0].text, fig.data[1].text
    assert before[0] == ("<b>Kent</b><br>access: 0.00 per month per 100k residents<br>members serving: 0<br>nearest provider: 80 miles"
                         "<br>needs identified: hidden<br><b>service desert</b>")
    assert after[0].endswith("needs identified: hidden") and "service desert" not in after[0]
    assert before[1].endswith("needs identified: 0")
    assert fig.layout.updatemenus == ()  # one service: no dropdown


def test_member_points_per_panel() -> None:
    points = {"before": pd.DataFrame({"service": ["food"], "name": ["Food bank"], "sector": ["community"], "lat": [39.1], "lon": [-75.5]}),
              "after": pd.DataFrame({"service": ["food", "food"], "name": ["Food bank", "New pantry"], "sector": ["community", "other"],
                                     "lat": [39.1, 38.7], "lon": [-75.5, -75.2]})}
    fig = access_comparison_figure(access_table(), GEOJSON, ["food"], points=points)
    scatters = [t for t in fig.data if t.type == "scattergeo"]
    assert [list(t.text) for t in scatters] == [["Food bank"], ["Food bank", "New pantry"]]
    assert [t.geo for t in scatters] == ["geo", "geo2"]
