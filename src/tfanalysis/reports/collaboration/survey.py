"""The partner survey as the report shows it: a table per wave and what changed."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tfanalysis.analyses.collaboration import trends
from tfanalysis.data.periods import named_label


def survey_table(waves: pd.DataFrame) -> pd.DataFrame:
    """The survey waves as text for a report table.

    Examples
    --------
    >>> w = pd.DataFrame({"fielded_on": pd.to_datetime([None]), "respondents": [30.0], "level_mean": [1.866], "trust_mean": [2.2],
    ...     "value_mean": [2.4], "mutual_pairs": [300.0], "disagreeing_pairs": [60.0], "level_change_same_pairs": [float("nan")]},
    ...     index=pd.Index([1], name="wave"))
    >>> survey_table(w).iloc[0].tolist()
    ['', '30', '1.87', '2.20', '2.40', '60 of 300', '']
    """
    def num(values: pd.Series, fmt: str) -> list[str]:
        return ["" if pd.isna(v) else format(v, fmt) for v in values]

    return pd.DataFrame(
        {
            "fielded": ["" if pd.isna(d) else f"{d:%Y-%m-%d}" for d in waves["fielded_on"]],
            "members answering": num(waves["respondents"], ".0f"),
            "level (0–5)": num(waves["level_mean"], ".2f"),
            "trust (1–4)": num(waves["trust_mean"], ".2f"),
            "value (1–4)": num(waves["value_mean"], ".2f"),
            "pairs 2+ levels apart": [f"{d:.0f} of {m:.0f}" for d, m in zip(waves["disagreeing_pairs"], waves["mutual_pairs"])],
            "level change, same pairs": num(waves["level_change_same_pairs"], "+.2f"),
        },
        index=waves.index,
    )


def survey_markdown(waves: pd.DataFrame, change: Any = None, through: Any = None) -> str:
    """Sentences reading the partner survey per wave (:func:`survey_waves`).

    ``change``: the run's change date (None or empty: none). ``through``: the reporting
    period (a :class:`~tfanalysis.data.periods.Period`); waves without a date cannot be kept
    to it, and the text says so (a statistician found a wave fielded after a half-year in
    its report).

    Examples
    --------
    >>> w = pd.DataFrame({"fielded_on": pd.to_datetime(["2024-03-15", "2024-12-15"]), "respondents": [30.0, 32.0],
    ...     "level_mean": [1.9, 2.7], "trust_mean": [2.2, 2.8], "value_mean": [2.4, 2.8], "mutual_pairs": [300.0, 320.0],
    ...     "disagreeing_pairs": [60.0, 40.0], "repeated_pairs": [float("nan"), 500.0], "level_change_same_pairs": [float("nan"), 0.75]},
    ...     index=pd.Index([1, 2], name="wave"))
    >>> print(survey_markdown(w, "2024-07-01"))
    2 waves of the partner survey (30 to 32 members answering). The mean Levels of Collaboration score went from
    1.90 in wave 1 to 2.70 in wave 2 (0 no contact … 5 full collaboration); trust from 2.20 to 2.80 and value from
    2.40 to 2.80 (1–4). Between the last two waves the same respondent → partner pairs moved by +0.75 levels on
    average (500 pairs). Pairs whose ratings of each other differ by two levels or more: 60 of 300 in wave 1, 40
    of 320 in wave 2. Waves fielded after the change date (2024-07-01): wave 2.
    """
    if waves.empty:
        if waves.attrs.get("after_period") and through is not None:
            return f"No wave of the partner survey was fielded by the end of {named_label(through)}."
        return "No partner survey in the data."
    first, last = waves.iloc[0], waves.iloc[-1]
    w0, w1 = waves.index[0], waves.index[-1]
    text = (
        f"{len(waves)} wave{'s' if len(waves) != 1 else ''} of the partner survey ({_answering(waves['respondents'])}). "
        f"The mean Levels of Collaboration score went from {first['level_mean']:.2f} in wave {w0} to {last['level_mean']:.2f} in wave {w1} (0 no contact … 5 full collaboration); "
        f"trust from {first['trust_mean']:.2f} to {last['trust_mean']:.2f} and value from {first['value_mean']:.2f} to {last['value_mean']:.2f} (1–4)."
    )
    if len(waves) > 1 and not pd.isna(last["level_change_same_pairs"]):
        text += f" Between the last two waves the same respondent → partner pairs moved by {last['level_change_same_pairs']:+.2f} levels on average ({int(last['repeated_pairs'])} pairs)."
    text += (
        f" Pairs whose ratings of each other differ by two levels or more: {int(first['disagreeing_pairs'])} of {int(first['mutual_pairs'])} in wave {w0}, "
        f"{int(last['disagreeing_pairs'])} of {int(last['mutual_pairs'])} in wave {w1}."
    )
    undated = waves.index[waves["fielded_on"].isna().to_numpy(dtype=bool)].tolist()
    if through is not None and getattr(through, "end", None) is not None and undated:
        which = "The waves have" if len(undated) == len(waves) else ("Wave " if len(undated) == 1 else "Waves ") + ", ".join(map(str, undated)) + (" has" if len(undated) == 1 else " have")
        text += (f" {which} no date, so {'they are' if len(undated) > 1 else 'it is'} shown whenever fielded, even after "
                 f"{named_label(through)}; give survey_wave_dates to keep the waves to the period.")
    change = None if change is None or (isinstance(change, str) and not change.strip()) else change
    if change is not None and waves["fielded_on"].notna().any():
        after = waves.index[(waves["fielded_on"] >= trends.as_change_date(change)).fillna(False).to_numpy(dtype=bool)].tolist()
        text += f" Waves fielded after the change date ({pd.Timestamp(trends.as_change_date(change)).date()}): " + (", ".join(f"wave {w}" for w in after) if after else "none") + "."
    elif change is not None:
        text += " The waves have no dates: give survey_wave_dates to place them before or after the change."
    return text


def _answering(respondents: pd.Series) -> str:
    """How many members answered the waves, in words: "14 members answering each wave", or "30 to 32 members answering".

    >>> _answering(pd.Series([14, 14])), _answering(pd.Series([30, 32])), _answering(pd.Series([1]))
    ('14 members answering each wave', '30 to 32 members answering', '1 member answering')
    """
    low, high = int(respondents.min()), int(respondents.max())
    if low != high:
        return f"{low} to {high} members answering"
    return f"{low} member{'s' if low != 1 else ''} answering" + (" each wave" if len(respondents) > 1 else "")
