"""The partner survey: Levels of Collaboration, trust and value per wave and pair of members."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tfanalysis.analyses.collaboration import network


def parse_wave_dates(text: str | Mapping[int, Any] | None) -> dict[int, pd.Timestamp]:
    """Read survey wave dates written as ``"1:2023-06-15;2:2024-03-15"`` (or a mapping).

    Examples
    --------
    >>> parse_wave_dates("1:2023-06-15; 2:2024-03-15")
    {1: Timestamp('2023-06-15 00:00:00'), 2: Timestamp('2024-03-15 00:00:00')}
    >>> parse_wave_dates("")
    {}
    """
    if text is None:
        return {}
    if isinstance(text, Mapping):
        return {int(k): pd.Timestamp(v) for k, v in text.items()}
    out: dict[int, pd.Timestamp] = {}
    for part in (p.strip() for p in str(text).split(";")):
        if not part:
            continue
        m = re.fullmatch(r"(\d+)\s*[:=]\s*(\d{4}-\d{2}-\d{2})", part)
        if not m:
            raise ValueError(f"survey wave dates: cannot read {part!r}; write wave:date pairs separated by ';', e.g. 1:2023-06-15;2:2024-03-15")
        out[int(m[1])] = pd.Timestamp(m[2])
    return out


SURVEY_COLUMNS: tuple[str, ...] = (
    "fielded_on", "respondents", "ratings", "level_mean", "trust_mean", "value_mean",
    "mutual_pairs", "disagreeing_pairs", "disagreeing_share", "repeated_pairs", "level_change_same_pairs", "trust_change_same_pairs",
)

if TYPE_CHECKING:  # annotations only: loading data (pandera) is not needed to analyse it
    from tfanalysis.data.io import TaskForceData


def survey_waves(data: TaskForceData, wave_dates: Mapping[int, Any] | str | None = None, through: Any = None) -> pd.DataFrame:
    """Partner-survey results per wave.

    Parameters
    ----------
    data : TaskForceData
    wave_dates : mapping or str, optional
        Wave → date fielded (the survey table has no dates); see :func:`parse_wave_dates`.
    through : Period, optional
        The reporting period: a wave dated after its end is left out (a wave without a date
        cannot be placed, and stays); ``attrs["after_period"]`` counts the waves left out.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``wave``; columns ``fielded_on``, ``respondents`` (members answering),
        ``ratings``, ``level_mean`` (Levels of Collaboration, 0–5), ``trust_mean`` and
        ``value_mean`` (1–4, over the ratings giving them), ``mutual_pairs`` (pairs who
        rated each other), ``disagreeing_pairs`` (mutual pairs whose levels differ by 2
        or more), ``disagreeing_share``, ``repeated_pairs`` (respondent → partner ratings
        also given in the previous wave), ``level_change_same_pairs`` and
        ``trust_change_same_pairs`` (mean change over those pairs; NaN for the first
        wave). Empty, with these columns, when there is no survey.

    Examples
    --------
    >>> import tfanalysis as tf
    >>> waves = survey_waves(tf.load_dataset(DEMO_DIR))
    >>> waves["level_mean"].round(2).tolist()
    [1.87, 1.94, 2.68, 2.89]
    """
    dates = parse_wave_dates(wave_dates) if not isinstance(wave_dates, Mapping) else parse_wave_dates(dict(wave_dates))
    s = data.survey
    if s.empty:
        return pd.DataFrame(columns=list(SURVEY_COLUMNS), index=pd.Index([], name="wave", dtype="int64"))
    s = pd.DataFrame(
        {
            "wave": s["wave"].to_numpy(dtype="int64"),
            "respondent_id": s["respondent_id"].to_numpy(dtype=object),
            "partner_id": s["partner_id"].to_numpy(dtype=object),
            "level": s["level"].to_numpy(dtype=float, na_value=np.nan),
            "trust": s["trust"].to_numpy(dtype=float, na_value=np.nan),
            "value": s["value"].to_numpy(dtype=float, na_value=np.nan),
        }
    )
    by_wave = s.groupby("wave")
    out = pd.DataFrame(
        {
            "respondents": by_wave["respondent_id"].nunique().astype("float64"),
            "ratings": by_wave.size().astype("float64"),
            "level_mean": by_wave["level"].mean(),
            "trust_mean": by_wave["trust"].mean(),
            "value_mean": by_wave["value"].mean(),
        }
    )
    # mutual pairs: a rated b and b rated a in the same wave; each pair once (a < b)
    mutual = s.merge(s, left_on=["wave", "respondent_id", "partner_id"], right_on=["wave", "partner_id", "respondent_id"], suffixes=("", "_back"))
    mutual = mutual[mutual["respondent_id"] < mutual["partner_id"]]
    mutual = mutual.assign(disagree=(mutual["level"] - mutual["level_back"]).abs() >= 2)
    out["mutual_pairs"] = mutual.groupby("wave").size().reindex(out.index, fill_value=0).astype("float64")
    out["disagreeing_pairs"] = mutual.groupby("wave")["disagree"].sum().reindex(out.index, fill_value=0).astype("float64")
    out["disagreeing_share"] = (out["disagreeing_pairs"] / out["mutual_pairs"]).where(out["mutual_pairs"] > 0)
    # the same respondent → partner pair in this wave and the previous one
    order = pd.Series(np.arange(len(out.index)), index=out.index)
    previous = s.assign(wave=s["wave"].map(pd.Series(out.index[1:].to_numpy(), index=out.index[:-1])))
    previous = previous[previous["wave"].notna()].astype({"wave": "int64"})
    same = s.merge(previous, on=["wave", "respondent_id", "partner_id"], suffixes=("", "_prev"))
    same = same.assign(level_change=same["level"] - same["level_prev"], trust_change=same["trust"] - same["trust_prev"])
    out["repeated_pairs"] = same.groupby("wave").size().reindex(out.index, fill_value=0).astype("float64")
    out["level_change_same_pairs"] = same.groupby("wave")["level_change"].mean().reindex(out.index)
    out["trust_change_same_pairs"] = same.groupby("wave")["trust_change"].mean().reindex(out.index)
    out.loc[order[order == 0].index, "repeated_pairs"] = np.nan
    out["fielded_on"] = pd.to_datetime(pd.Series([dates.get(int(w)) for w in out.index], index=out.index, dtype=object))
    out.index.name = "wave"
    end = getattr(through, "end", None)
    after = np.zeros(len(out), dtype=bool)
    if end is not None:  # waves after the period, dated: not of it (compared with the wave before, as above)
        after = (out["fielded_on"] > pd.Timestamp(end)).to_numpy(dtype=bool)
    out = out[~after][list(SURVEY_COLUMNS)]
    out.attrs["after_period"] = int(after.sum())  # waves left out: fielded after the reporting period
    return out


def _survey_by_period(data: TaskForceData, periods: pd.PeriodIndex, wave_dates: Any) -> pd.DataFrame:
    names = ["survey_level_mean", "survey_trust_mean", "survey_value_mean", "survey_disagreeing_pairs", "survey_level_change_same_pairs"]
    out = pd.DataFrame(np.nan, index=periods, columns=names, dtype="float64")
    waves = survey_waves(data, wave_dates)
    dated = waves[waves["fielded_on"].notna()]
    if dated.empty or len(periods) == 0:
        return out
    placed = dated.assign(period=network.assign_periods(dated["fielded_on"], periods).to_numpy())
    placed = placed[placed["period"].notna()].groupby("period").last()  # two waves in one period: the later
    values = placed[["level_mean", "trust_mean", "value_mean", "disagreeing_pairs", "level_change_same_pairs"]].set_axis(names, axis=1)
    out.loc[pd.PeriodIndex(values.index, freq=periods.freq), names] = values.to_numpy(dtype=float)
    return out
