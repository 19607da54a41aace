"""What report 02 shows of the underserved groups: the adjusted differences of groups large enough to name, released, and the sentence."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from tfanalysis.analyses.gaps.underserved import ATTRIBUTES, language_groups

__all__ = ["groups_to_compare", "publish_underserved", "underserved_markdown"]


def publish_underserved(rel: Any, table: pd.DataFrame, scope: Any, as_of: pd.Timestamp, *, days: int = 90, name: str) -> pd.DataFrame:
    """The underserved-groups table with its counts released and its shares gated on them.

    For each attribute compared, the needs of the model (followed, identified in the period
    and at least ``days`` before ``as_of``) are released per group, split into those met
    within ``days`` and the rest. A group's observed share rests on both counts; its
    adjusted share, difference and interval also on its reference group's.

    Parameters
    ----------
    rel : Release
    table : DataFrame
        :func:`adjusted_differences`.
    scope : tfanalysis.reports.gaps.Scope
        The period and region of :func:`model_frame`.
    as_of : Timestamp
        The data's last date (:func:`tfanalysis.analyses.gaps.needs.as_of_date` of the data analysed).
    days : int
        90: the window of :func:`model_frame` (the released outcomes are those of
        :func:`tfanalysis.reports.gaps.need_outcomes`).

    Returns
    -------
    pandas.DataFrame
        ``attribute``, ``group``, ``reference``, ``needs`` (released), ``observed``,
        ``adjusted``, ``difference``, ``low``, ``high`` (NaN where a count they rest on
        is hidden).
    """
    if days != 90:
        raise ValueError(f"the released time-to-met bands end at 90 days, got days={days}")
    columns = ["attribute", "group", "reference", "needs", "observed", "adjusted", "difference", "low", "high"]
    counts = None if table.empty else _released_counts(rel, pd.unique(table["attribute"]), scope, as_of, days=days, name=name)
    if counts is None:
        return pd.DataFrame(columns=columns)
    out = table[["attribute", "group", "reference"]].merge(counts, on=["attribute", "group"], how="left")
    reference = counts.rename(columns={"group": "reference", "_needs": "_ref_needs", "_not_met": "_ref_not_met"}).drop(columns="needs")
    out = out.merge(reference, on=["attribute", "reference"], how="left")
    own = (out["_needs"] > 0) & out["_not_met"].notna()
    both = own & (out["_ref_needs"] > 0) & out["_ref_not_met"].notna()
    for column in ("observed", "adjusted"):
        out[column] = table[column].where(own.to_numpy(bool)).to_numpy()
    for column in ("difference", "low", "high"):
        out[column] = table[column].where(both.to_numpy(bool)).to_numpy()
    return out[columns]


def groups_to_compare(rel: Any, scope: Any, as_of: pd.Timestamp, *, attributes: Sequence[str] = ATTRIBUTES, threshold: int = 11,
                      days: int = 90, name: str) -> dict[str, list[str]]:
    """The groups of each attribute the model compares, chosen from released counts: the reference first.

    A group is compared where its needs of the model (those :func:`publish_underserved`
    releases) are shown and at least ``threshold``, largest first; ``unknown`` never.
    Chosen on true counts (groups of ``threshold`` clients or more), a missing row told a
    reader that a group had fewer than ``threshold`` clients: an outsider bounded a small
    task force's nonbinary victims to 1–10 that way, and with a shown 0 of report 02's age
    × gender table found one a minor (docs/disclosure.md, rule 10).

    Parameters
    ----------
    rel : Release
    scope : tfanalysis.reports.gaps.Scope
    as_of : Timestamp
        The data's last date.
    attributes : sequence of str
        The model's attributes (:data:`~tfanalysis.analyses.gaps.underserved.ATTRIBUTES`).
    threshold : int
        The fewest needs shown for a group to be compared.
    days : int
        90 (:func:`publish_underserved`).
    name : str
        The released tables' name, as :func:`publish_underserved`'s.

    Returns
    -------
    dict
        ``{attribute: [groups]}``, for :func:`~tfanalysis.analyses.gaps.underserved.adjusted_differences`.

    Examples
    --------
    >>> from tfanalysis.publication import Release
    >>> from tfanalysis.reports.gaps import Scope
    >>> units = pd.DataFrame({"gender": ["female"] * 30 + ["male"] * 20 + ["nonbinary"] * 3 + ["unknown"] * 12, "status": "unmet",
    ...                       "met_on": pd.NaT, "identified_on": pd.Timestamp("2025-02-01")})
    >>> rel = Release(None, 11, units={"needs": units})
    >>> groups_to_compare(rel, Scope(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-06-30")), pd.Timestamp("2025-12-31"),
    ...                   attributes=["gender"], name="t")
    {'gender': ['female', 'male']}

    (Nonbinary's 3 are hidden, and the 12 of unknown gender with them; unknown is never compared.)
    """
    counts = _released_counts(rel, list(attributes), scope, as_of, days=days, name=name)
    if counts is None:
        return {}
    known = ~counts["group"].isin(["unknown", "<NA>"]) & (counts["_needs"] >= threshold)
    ranked = counts[known.to_numpy(bool)].sort_values(["attribute", "_needs", "group"], ascending=[True, False, True], kind="stable")
    return {attribute: ranked.loc[ranked["attribute"] == attribute, "group"].tolist() for attribute in attributes}


def _released_counts(rel: Any, attributes: Sequence[str], scope: Any, as_of: pd.Timestamp, *, days: int, name: str) -> pd.DataFrame | None:
    """The model's needs per group of each attribute, released, split by met within ``days`` or not (None: no such need can be)."""
    from tfanalysis.reports import gaps as gaps_report
    from tfanalysis.publication import ByGroups, Interval

    if days != 90:
        raise ValueError(f"the released time-to-met bands end at 90 days, got days={days}")
    last = min(pd.Timestamp(scope.end), pd.Timestamp(as_of) - pd.Timedelta(days=days))
    if last < pd.Timestamp(scope.start) or not len(attributes):
        return None
    met = (gaps_report.MET_30, gaps_report.MET_90)
    outcome = ByGroups(gaps_report.OUTCOME, {"met": met, "not met": tuple(v for v in gaps_report.FOLLOWED if v not in met)})
    where = scope.where(identified_on=Interval(scope.start, last))
    parts = []
    for attribute in attributes:  # a handful of attributes, one table each
        rows = ByGroups("primary_language", language_groups(pd.unique(rel.units("needs")["primary_language"]))) if attribute == "language" else attribute
        released = rel.table("needs", rows=rows, columns=outcome, where=where, name=f"{name}: {attribute}")
        numbers = released.numbers(margins=True).drop(index="Total")
        parts.append(pd.DataFrame({
            "attribute": attribute, "group": numbers.index.astype(str), "needs": released.shown["Total"].drop(index="Total").to_numpy(),
            "_needs": numbers["Total"].to_numpy(), "_not_met": numbers["not met"].to_numpy() if "not met" in numbers else np.nan,
        }))
    return pd.concat(parts, ignore_index=True)


def underserved_markdown(table: pd.DataFrame, threshold: int = 11) -> str:
    """Plain words: which groups wait longer once the rest is accounted for, with a caution.

    Examples
    --------
    >>> t = pd.DataFrame({"attribute": ["gender"], "group": ["male"], "reference": ["female"], "clients": [80],
    ...     "needs": [300], "observed": [30.0], "adjusted": [25.0], "difference": [12.0], "low": [5.0], "high": [19.0]})
    >>> print(underserved_markdown(t))  # doctest: +ELLIPSIS
    Once the other attributes and the needs are accounted for, these groups' needs go unmet at 90 days more often than their reference group's: **male** (gender; +12 points against female, interval +5 to +19). ...
    >>> print(underserved_markdown(t.iloc[0:0]))  # doctest: +ELLIPSIS
    No group is compared: the period's needs identified at least 90 days before the data end are too few, ...
    >>> print(underserved_markdown(t.assign(difference=np.nan, low=np.nan, high=np.nan)))  # doctest: +ELLIPSIS
    No group's difference from its reference group is shown (a count it rests on is hidden): ...
    >>> two = pd.concat([t.assign(difference=-0.9, low=-3.0, high=1.4), t.assign(group="nonbinary", difference=np.nan, low=np.nan, high=np.nan)])
    >>> print(underserved_markdown(two))  # doctest: +ELLIPSIS
    No group whose difference is shown (1 of 2) has its needs go unmet ... The difference of 1 more group is not shown (a count it rests on is hidden): nothing is said of them. ...
    """
    clear = table[(table["low"] > 0)].sort_values("difference", ascending=False)
    hidden = int(table["difference"].isna().sum())
    shown = len(table) - hidden
    if table.empty:
        # empty for any of three reasons the table does not tell apart: say all of them
        text = ("No group is compared: the period's needs identified at least 90 days before the data end are too few, "
                "or too few of them are shown per group, or they all have the same outcome, for the model to compare groups. "
                "Nothing can be said either way.")
    elif table["difference"].isna().all():
        text = "No group's difference from its reference group is shown (a count it rests on is hidden): nothing can be said either way."
    elif clear.empty:
        among = "No group's needs go" if not hidden else f"No group whose difference is shown ({shown} of {shown + hidden}) has its needs go"
        text = f"{among} unmet at 90 days clearly more often than its reference group's once the other attributes and the needs are accounted for."
    else:
        items = [f"**{r.group}** ({r.attribute.replace('_', ' ')}; {r.difference:+.0f} points against {r.reference}, interval {r.low:+.0f} to {r.high:+.0f})" for r in clear.itertuples()]
        text = "Once the other attributes and the needs are accounted for, these groups' needs go unmet at 90 days more often than their reference group's: " + "; ".join(items) + "."
    if hidden and shown:  # a sentence of the groups shown says nothing of the others
        text += (f" The difference of {hidden} more group{'s' if hidden != 1 else ''} is not shown (a count it rests on is hidden): "
                 "nothing is said of them.")
    together = (f" The intervals are 90% intervals for the {len(table)} comparisons together: a group is named only when its interval "
                "lies above zero, so that a table of groups that all fare alike names one by chance at most one time in twenty."
                if len(table) > 1 else "")
    return text + together + (
        f" Caution: these are small numbers of people; an interval that spans zero is no evidence either way, a group is compared only "
        f"where its needs are shown and number at least {threshold}, and an association is not a cause (the model sees only the recorded attributes). "
        "Its ridge penalty (scikit-learn's C = 1) pulls every difference toward zero, the more the fewer the needs behind it: "
        "a small group's difference can be half what an unpenalized fit gives, so the differences shown are cautious and a "
        "group not named may still fare worse."
    )
