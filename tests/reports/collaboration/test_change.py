"""Report 03 before and after a change: the trend figure's title and caption, the control chart's caption.

An independent statistician read the seed-11 demo run for fiscal year 2024-10-01..2025-09-30
with no change date: the report rightly said there was no before/after estimate, yet the trend
figure was titled "Indicator trends around the change" and captioned with fitted and
counterfactual lines that were not drawn; and the control chart's limits, from 11 quarters,
were not marked provisional although the docs say limits from fewer than 12 values are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import tfanalysis as tf
from tfanalysis import demo
from tfanalysis.analyses import collaboration as ac
from tfanalysis.analyses.collaboration import trends
from tfanalysis.data.periods import parse_period
from tfanalysis.publication import Release
from tfanalysis.reports import collaboration as c
from tfanalysis.reports.figures import collaboration as figures

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / "03_collaboration.ipynb"
CHANGE_WORDS = ("change", "fitted", "dotted", "counterfactual", "carried on")
# a statistician: "what the trend alone would have given" claimed a cause a design with one group cannot support
WITH_CHANGE = ("The indicators per period, with the fitted line before and after the change (orange) and the pre-change line "
               "carried on (dotted), for comparison: it is not an estimate of what would have happened without the change. "
               "Lines are drawn only for indicators with no value hidden (a line on the shown values would lean on which are small). "
               "Gaps are periods whose value is hidden or not yet measurable.")
# a statistician: "special causes, not ordinary variation" overclaimed; a steady process gets a signal in 4-20% of charts
# (benchmarks/bench_chance_signals.py)
SPECIAL = (". A point outside them, or a run of 8 on one side of the centre line, is a signal worth looking into, not proof of a change: "
           "a process that did not change at all gives at least one such signal in up to about one chart in five of 12 to 20 periods.")
PROVISIONAL = " The limits are provisional: they rest on fewer than 12 values, and will move as periods are added."
SHIFTS = (" Limits from every period span any lasting shift: where the values moved from one level to another, points on both "
          "sides of the shift can fall outside limits drawn between the two levels; give the run the shift's date as its change "
          "date to draw limits from the periods before it.")


def _quarters(values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.period_range("2023Q1", periods=len(values), freq="Q"), dtype=float)


# --------------------------------------------------------------------------- the trend figure


@pytest.mark.parametrize("change", ["", None])
def test_without_a_change_date_the_trend_figure_says_what_it_draws_and_nothing_of_a_change(change) -> None:
    assert c.trend_title(change) == "Indicators per period"
    caption = c.trend_caption(change)
    assert caption == "The indicators per period, as published. Gaps are periods whose value is hidden or not yet measurable."
    assert not any(word in caption.lower() for word in CHANGE_WORDS)


def test_with_a_change_date_the_trend_figure_keeps_its_title_and_caption() -> None:
    assert c.trend_title("2024-07-01") == "Indicator trends around the change"
    assert c.trend_caption("2024-07-01") == WITH_CHANGE


def test_without_a_change_date_the_section_does_not_describe_a_change_analysis() -> None:
    assert c.change_section_markdown("") == (
        "## Indicators over time\n\nEach indicator per period as published, and a control chart of the median response time.")
    assert c.change_section_markdown("2024-07-01").startswith(
        "## Before and after the change\n\nAn interrupted time series for each indicator: the level and the slope before the change date,")


def test_the_notebook_takes_the_trend_and_control_chart_captions_from_the_package() -> None:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    prose = " ".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    code = " ".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    assert "fitted line before and after" not in prose and "dotted" not in prose and "control chart of" not in prose
    assert "Indicator trends around the change" not in code and "An interrupted time series" not in prose
    assert "change_section_markdown(change_date)" in code
    assert "trend_caption(change_date)" in code and "trend_title(change_date)" in code
    assert "control_chart_caption(chart, change_date" in code


# --------------------------------------------------------------------------- the control chart's caption


def test_limits_from_11_values_are_provisional_from_12_they_are_not() -> None:
    eleven = trends.control_chart(_quarters([10, 11, 10, 12, 11, 10, 11, 10, 12, 11, 10]))
    twelve = trends.control_chart(_quarters([10, 11, 10, 12, 11, 10, 11, 10, 12, 11, 10, 11]))
    label = "the median response time"
    assert c.control_chart_caption(eleven, "", label=label) == (
        f"A control chart of the median response time, with limits from every period{SPECIAL}{SHIFTS}{PROVISIONAL}")
    assert c.control_chart_caption(twelve, "", label=label) == (
        f"A control chart of the median response time, with limits from every period{SPECIAL}{SHIFTS}")


def test_with_a_change_date_the_limits_come_from_the_periods_before_it() -> None:
    # 12 quarters 2023Q1-2025Q4, change 2024-07-01: the baseline is 2023Q1-2024Q2, 6 values, provisional
    chart = trends.control_chart(_quarters([10, 11, 10, 12, 11, 10, 3, 4, 3, 3, 4, 3]), change="2024-07-01")
    assert chart.attrs["baseline_n"] == 6
    assert c.control_chart_caption(chart, "2024-07-01", label="the median response time") == (
        f"A control chart of the median response time, with limits from the periods before the change date (2024-07-01){SPECIAL}{PROVISIONAL}")


def test_a_chart_without_limits_is_not_called_provisional() -> None:
    chart = trends.control_chart(_quarters([10]))
    assert c.control_chart_caption(chart, "", label="x") == (
        f"A control chart of x, with limits from every period{SPECIAL} Too few periods are shown to compute limits.")


# --------------------------------------------------------------------------- the statistician's run


@pytest.fixture(scope="module")
def fiscal_2025(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, c.ReleasedCounts]:
    """The seed-11 demo for fiscal year 2024-10-01..2025-09-30: quarters 2023Q1-2025Q3 (11)."""
    data = tf.load_dataset(demo.generate(tmp_path_factory.mktemp("seed11") / "demo", seed=11))
    period = parse_period("2024-10-01..2025-09-30")
    table = ac.indicators(data, "Q", as_of=ac.data_end(data), through=period)
    return table, c.release_counts(Release(data), data, period, "Q")


def test_the_fiscal_year_run_without_a_change_date_reads_as_drawn(fiscal_2025) -> None:
    table, counts = fiscal_2025
    lines = c.trend_lines(table, counts, "", ["median_response_days", "cross_sector_tie_share"])
    fig = figures.trend_figure(lines, first_post=c.first_post_label(table.index, ""), title=c.trend_title(""))
    assert fig.layout.title.text == "Indicators per period"
    assert {t.name for t in fig.data} == {"observed"}  # nothing fitted, nothing named as fitted
    chart = c.control_chart(table, counts, "median_response_days", "")
    assert len(chart) == 11 and chart.attrs["baseline_n"] == 11  # every quarter's median shown
    assert c.control_chart_caption(chart, "", label="the median response time").endswith(PROVISIONAL)
    title = figures.control_chart_figure(chart, label="median days to respond to a referral", unit="days").layout.title.text
    assert title == "Control chart (XmR): median days to respond to a referral (provisional limits: from fewer than 12 values)"
