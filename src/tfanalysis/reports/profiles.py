"""What report 02 shows of the need profiles: clients per profile and how their needs were met, released; the profiles' weights."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["profile_names", "publish_profiles", "publish_weights", "weights_to_draw"]


def publish_profiles(rel: Any, profiles: pd.DataFrame, members: pd.Series, weights: pd.DataFrame, scope: Any, *, seed: int = 0,
                     name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Profiles for leadership: clients and needs per profile released, the unmet-need rate gated on them, names and weights from shown counts.

    Each client of the profiles, and each of their needs of the scope, is labelled with its
    profile (columns derived for clients and needs, named by the scope and the model's
    settings), and the clients per profile and the needs followed per profile and status
    are released. The weights drawn are :func:`publish_weights`; a profile is named by its
    heaviest needs *among those drawn* (:func:`profile_names`): named from every need, the
    names told which hidden needs weighed most (an outsider bounded three hidden counts from
    below by the order of a name's needs).

    Parameters
    ----------
    rel : Release
    profiles, members, weights : DataFrame, Series, DataFrame
        :func:`need_profiles` with ``with_members=True``.
    scope : tfanalysis.reports.gaps.Scope
        The period and region the profiles were found in.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The table, index ``profile``: ``name``, ``clients``, ``needs`` (identified),
        ``unmet``, ``met`` (released), ``unmet_need_rate`` (%, of the needs not declined
        by the client: where needs, those declined and unmet are shown); and the weights
        drawn (profiles shown × needs shown).
    """
    from tfanalysis.reports import gaps as gaps_report
    from tfanalysis.publication import ByGroups
    from tfanalysis.publication.cells import matches, predicate

    label = f"profiles.profile[{scope.label}|k={len(profiles)}|seed={seed}]"
    ids = [str(p) for p in profiles["profile"]]
    of_client = members.astype(str)
    clients = rel.units("clients")
    rel.derive("clients", label, clients["client_id"].map(of_client))
    needs = rel.units("needs")
    in_scope = matches(needs, predicate(scope.where()))
    rel.derive("needs", label, needs["client_id"].map(of_client).where(in_scope))
    per_client = rel.table("clients", rows=label, levels={label: ids}, name=f"{name}: clients")
    per_need = rel.table("needs", rows=label, columns=ByGroups(gaps_report.OUTCOME, gaps_report.STATUS), levels={label: ids}, name=f"{name}: needs")
    numbers = per_need.numbers(margins=True).drop(index="Total")
    out = pd.DataFrame({
        "clients": per_client.shown.drop(index="Total").iloc[:, 0].to_numpy(),
        "needs": per_need.shown.drop(index="Total")["Total"].to_numpy(),
        "unmet": per_need.shown.drop(index="Total")["unmet"].to_numpy(),
        "met": per_need.shown.drop(index="Total")["met"].to_numpy(),
    }, index=pd.Index(profiles["profile"].to_numpy(), name="profile"))
    followed = numbers["Total"] - (numbers[gaps_report.DECLINED] if gaps_report.DECLINED in numbers else 0.0)  # NaN unless both shown
    rate = 100 * numbers["unmet"] / followed.where(followed > 0)
    out["unmet_need_rate"] = rate.round(1).to_numpy()
    drawn = publish_weights(rel, weights, out["clients"], scope, name=name)
    out.insert(0, "name", profile_names(drawn, out.index))
    out.attrs["release"] = per_need.name  # its met and unmet counts: `tfanalysis audit` reads them back
    return out, drawn


def profile_names(drawn: pd.DataFrame, profiles: pd.Index, *, top: int = 3) -> list[str]:
    """Each profile's name: its ``top`` heaviest needs among those drawn; a profile not drawn is not described.

    Examples
    --------
    >>> drawn = pd.DataFrame([[1.0, 0.2, 0.5]], index=[1], columns=["food", "legal_representation", "transportation"])
    >>> profile_names(drawn, pd.Index([1, 2]), top=2)
    ['Food, Transportation', 'not described (too few clients to show)']
    """
    from tfanalysis.reports.labels import readable

    names = {p: ", ".join(readable(str(c)) for c in row[row > 0].sort_values(ascending=False, kind="stable").index[:top]) or "no need shown"
             for p, row in drawn.iterrows()}
    return [names.get(p, "not described (too few clients to show)") for p in profiles]


def publish_weights(rel: Any, weights: pd.DataFrame, clients: pd.Series, scope: Any, *, name: str) -> pd.DataFrame:
    """The profiles' weights that can be drawn: of the profiles whose clients are shown, on the needs whose counts are shown.

    A profile's weights are fitted to its clients' needs: with fewer clients than the
    threshold they could echo them, so they are not drawn. And the weights of one need
    across the profiles, times each profile's size, add up to about that need's count: an
    outsider fitted the sizes on the shown needs and read a hidden count back (cultural
    support, 8) from its weights. So a need is drawn only where its count of the scope is
    shown (released here: the same count as the needs per service), and each profile's
    weights are scaled again to a largest of 1 among the needs drawn, so that what is left
    out is not read from the rest either.

    Parameters
    ----------
    rel : Release
    weights : pandas.DataFrame
        Profiles × needs (:func:`~tfanalysis.analyses.gaps.profiles.need_profiles`).
    clients : pandas.Series
        Clients per profile as published (a hidden count is text).
    scope : tfanalysis.reports.gaps.Scope
        The period and region the profiles were found in.
    name : str
        The release's name.

    Returns
    -------
    pandas.DataFrame
        The weights drawn (:func:`weights_to_draw`): rows the profiles shown, columns the needs shown.
    """
    needs = [str(c) for c in weights.columns]
    counts = (rel.table("needs", rows="need", where={**scope.where(), "need": needs}, levels={"need": needs}, name=f"{name}: needs per need").numbers()
              if len(needs) else pd.Series(dtype=float))
    return weights_to_draw(weights, clients, counts)


def weights_to_draw(weights: pd.DataFrame, clients: pd.Series, needs: pd.Series) -> pd.DataFrame:
    """Profiles × needs weights restricted to shown counts, each profile scaled to a largest weight of 1.

    Parameters
    ----------
    weights : pandas.DataFrame
        Profiles × needs.
    clients : pandas.Series
        Clients per profile as published (a hidden count is text).
    needs : pandas.Series
        Needs per need code as released (NaN where hidden).

    Examples
    --------
    >>> w = pd.DataFrame([[1.0, 0.2, 0.5], [0.1, 1.0, 0.4]], index=[1, 2], columns=["a", "b", "c"])
    >>> drawn = weights_to_draw(w, pd.Series({1: 40, 2: 12}), pd.Series({"a": 40.0, "b": np.nan, "c": 25.0}))
    >>> drawn.columns.tolist(), drawn.round(2).values.tolist()  # b's count hidden: b not drawn, 2 scaled to c
    (['a', 'c'], [[1.0, 0.5], [0.25, 1.0]])
    >>> weights_to_draw(w, pd.Series({1: 40, 2: "hidden"}), pd.Series({"a": 40.0, "b": 30.0, "c": 25.0})).index.tolist()
    [1]
    """
    shown = clients.map(lambda v: not isinstance(v, str))
    counted = [c for c in weights.columns if pd.notna(needs.get(str(c), np.nan))]
    drawn = weights.loc[[p for p in weights.index if bool(shown.get(p, False))], counted]
    largest = drawn.max(axis=1)
    return drawn.div(largest.where(largest > 0, 1.0), axis=0)
