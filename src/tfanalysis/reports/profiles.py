"""What report 02 shows of the need profiles: clients per profile and how their needs were met, released; the profiles' weights."""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["publish_profiles", "publish_weights"]


def publish_profiles(rel: Any, profiles: pd.DataFrame, members: pd.Series, scope: Any, *, seed: int = 0, name: str) -> pd.DataFrame:
    """Profiles for leadership: clients and needs per profile released, the unmet-need rate gated on them.

    Each client of the profiles, and each of their needs of the scope, is labelled with its
    profile (columns derived for clients and needs, named by the scope and the model's
    settings), and the clients per profile and the needs followed per profile and status
    are released.

    Parameters
    ----------
    rel : Release
    profiles, members : DataFrame, Series
        :func:`need_profiles` with ``with_members=True``.
    scope : tfanalysis.reports.gaps.Scope
        The period and region the profiles were found in.

    Returns
    -------
    pandas.DataFrame
        Index ``profile``: ``name``, ``clients``, ``needs`` (identified), ``unmet``, ``met``
        (released), ``unmet_need_rate`` (%, of the needs not declined by the client: where
        needs, those declined and unmet are shown).
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
        "name": profiles["name"].to_numpy(),
        "clients": per_client.shown.drop(index="Total").iloc[:, 0].to_numpy(),
        "needs": per_need.shown.drop(index="Total")["Total"].to_numpy(),
        "unmet": per_need.shown.drop(index="Total")["unmet"].to_numpy(),
        "met": per_need.shown.drop(index="Total")["met"].to_numpy(),
    }, index=pd.Index(profiles["profile"].to_numpy(), name="profile"))
    followed = numbers["Total"] - (numbers[gaps_report.DECLINED] if gaps_report.DECLINED in numbers else 0.0)  # NaN unless both shown
    rate = 100 * numbers["unmet"] / followed.where(followed > 0)
    out["unmet_need_rate"] = rate.round(1).to_numpy()
    out.attrs["release"] = per_need.name  # its met and unmet counts: `tfanalysis audit` reads them back
    return out


def publish_weights(weights: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """The profiles' weights, for the profiles whose number of clients is shown.

    A profile's weights are fitted to its clients' needs: with fewer clients than the
    threshold they could echo them, so they are not drawn.

    Examples
    --------
    >>> w = pd.DataFrame([[1.0, 0.2], [0.1, 1.0]], index=[1, 2], columns=["a", "b"])
    >>> publish_weights(w, pd.DataFrame({"clients": [40, "hidden"]}, index=[1, 2])).index.tolist()
    [1]
    """
    shown = published["clients"].map(lambda v: not isinstance(v, str))
    return weights.loc[[p for p in weights.index if bool(shown.get(p, False))]]
