"""What every figure shares: a figure whose every value is hidden is said, not drawn."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from tfanalysis.reports.figures.common import ALL_HIDDEN, no_data_figure, not_drawn, not_drawn_html
from tfanalysis.reports.figures.gaps import gap_heatmap, referral_outcomes_figure

import pandas as pd


def test_bars_of_hidden_counts_only_are_not_drawn() -> None:
    """"Why referrals fail" in 2025Q4: every service's declines hidden, an empty frame was printed."""
    table = pd.DataFrame({"declined for capacity": ["hidden", "hidden", 14], "declined for eligibility": ["hidden", 0, 12]},
                         index=["a", "b", "Total"])
    assert not_drawn(referral_outcomes_figure(table.drop(index="Total").assign(**{"declined for eligibility": ["hidden", "hidden"]}))) == ALL_HIDDEN
    assert not_drawn(referral_outcomes_figure(table)) is None  # b's 0 is a value: drawn as 0


def test_values_are_read_from_plotly_typed_arrays_and_plain_lists() -> None:
    fig = go.Figure(go.Heatmap(z=np.array([[np.nan, np.nan], [np.nan, 3.0]])))
    assert "bdata" in str(fig.to_dict()["data"][0]["z"])  # plotly sends numbers base64-encoded
    assert not_drawn(fig.to_dict()) is None
    assert not_drawn(go.Figure(go.Heatmap(z=[[None, None]])).to_dict()) == ALL_HIDDEN
    assert not_drawn(go.Figure(go.Scatter(x=["2025Q1", "2025Q2"], y=[None, None])).to_dict()) == ALL_HIDDEN
    assert not_drawn(go.Figure(go.Bar(x=["a"], y=[np.nan])).to_dict()) == ALL_HIDDEN  # vertical: y holds the values
    assert not_drawn(go.Figure(go.Scattergeo(lat=[40.0], lon=[-82.0])).to_dict()) is None  # markers: drawn


def test_a_figure_with_no_trace_says_its_own_note() -> None:
    assert not_drawn(go.Figure().to_dict()) == ALL_HIDDEN
    assert not_drawn(no_data_figure("Needs per quarter", "Nothing to forecast.")) == "Nothing to forecast."


def test_a_figure_of_a_table_the_data_leave_out_does_not_say_its_counts_are_hidden() -> None:
    """A third task force left the survey out: report 03 said "No partner survey in the data", then "every count it would show is hidden"."""
    from tfanalysis.reports.figures.collaboration import survey_figure
    from tfanalysis.reports.figures.common import NOTHING_TO_DRAW

    empty = pd.DataFrame({"fielded_on": pd.to_datetime([]), "level_mean": [], "trust_mean": [], "value_mean": []}, index=pd.Index([], name="wave"))
    assert not_drawn(survey_figure(empty)) == NOTHING_TO_DRAW
    hidden = pd.DataFrame({"fielded_on": pd.to_datetime([None]), "level_mean": [np.nan], "trust_mean": [np.nan], "value_mean": [np.nan]},
                          index=pd.Index([1], name="wave"))
    assert not_drawn(survey_figure(hidden)) == ALL_HIDDEN  # a wave whose values are there but not shown


def test_a_heatmap_of_hidden_cells_only_is_not_drawn() -> None:
    shown = pd.DataFrame({"39001": ["hidden", "hidden"], "all counties": ["hidden", "hidden"]}, index=["Housing", "Legal"])
    assert not_drawn(gap_heatmap(shown)) == ALL_HIDDEN
    assert not_drawn(gap_heatmap(shown.assign(**{"all counties": [14, "hidden"]}))) is None


def test_the_sentence_names_the_figure_and_escapes_it() -> None:
    fig = go.Figure(layout={"title": {"text": "Needs <b>not</b> met"}}).to_dict()
    assert not_drawn_html(fig, "x.") == '<p class="figure-not-drawn"><strong>Needs &lt;b&gt;not&lt;/b&gt; met</strong>: x.</p>'


def test_points_on_a_categorical_axis_are_drawn() -> None:
    """Sixty rows of markers: numbers on x, categories on y (the pack's tall-figure test)."""
    fig = go.Figure(go.Scatter(x=list(range(3)), y=["row 0", "row 1", "row 2"], mode="markers"))
    assert not_drawn(fig) is None
    assert not_drawn(go.Figure(go.Scatter(y=[np.nan, 4.0]))) is None  # x is the index
    assert not_drawn(go.Figure(go.Scatter(x=["2025Q1"], y=[np.nan]), layout={"title": "t"})) == ALL_HIDDEN


def test_a_share_is_drawn_as_printed_not_as_the_fraction_it_came_from() -> None:
    """An outsider read report 03's 48.10126582278481 % of needs met within 30 days from the page's plotly data and
    took it for 114 of 237 (stop 58): the page printed 48.1 %. Every figure a report shows now carries its values
    that are not whole as printed (3 significant digits, at least 1 decimal); counts stay whole, places stay put."""
    from tfanalysis.reports.notebook import _offline_renderer
    from tfanalysis.running.audit import read_numbers

    fig = go.Figure([go.Scatter(x=["2026Q1", "2026Q2"], y=np.array([100 * 114 / 237, 100 * 70 / 89]), name="share"),
                     go.Bar(x=["a", "b"], y=np.array([1234.0, 12.0]), name="counts"),
                     go.Scattergeo(lat=[35.0818123], lon=[-106.6482456], name="site"),
                     go.Scatter(x=["a"], y=[1], customdata=[["2026Q1", 100 * 114 / 237]], name="hover data with names")])
    page = _offline_renderer().to_mimebundle(fig.to_dict())["text/html"]
    numbers = read_numbers(page)
    drawn = sorted(numbers.loc[numbers["kind"] == "figure", "value"].dropna().tolist())
    assert 48.1 in drawn and 78.7 in drawn  # 70 / 89 = 78.65...
    assert not any(abs(v - 100 * 114 / 237) < 1e-6 for v in drawn)
    assert 1234.0 in drawn and 12.0 in drawn  # whole counts as they are
    assert "35.0818123" in page and "-106.6482456" in page  # a site where it is
    assert "48.1012" not in page and "2026Q1" in page  # a share among names: rounded, the names kept
