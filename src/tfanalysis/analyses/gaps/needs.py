"""Which needs go unmet, for whom, where, and why.

Every function takes the loaded data (:class:`tfanalysis.data.io.TaskForceData`) and a period,
and returns a DataFrame with documented columns. Counts here are true counts: what the
report shows of them goes through the publication layer (:mod:`tfanalysis.reports.gaps`).

Definitions (see ``docs/gaps.md``):

- a need belongs to the period when it was *identified* in it; the capacity rows considered
  are those valid at some time in the period;
- **unmet-need rate**: needs with status ``unmet`` over the needs identified, less those the
  client declined (a client's choice is not a service failure);
- **met within 30 / 90 days** and **median days to met**: Kaplan–Meier product-limit
  estimates from identification to ``met_on``. Needs still ``in_progress`` or ``unmet`` are
  *censored* at the data's last date (they were not met as long as they were followed);
  needs declined by the client are left out. A median that the curve never reaches is
  reported as missing ("not reached"), never as the longest time seen;
- **capacity places**: ``capacity_per_month`` × the months a row is valid within the period;
  per county, the places of every row serving the county (rows serving several counties are
  counted in each: places *reachable*, not places reserved for the county);
- **utilization**: needs identified / capacity places (above 1: demand outruns capacity);
- **structural gap**: a service × population segment with identified needs and no capacity
  row that could serve them (:mod:`tfanalysis.analyses.gaps.eligibility`).

Examples
--------
>>> from tfanalysis import load_dataset
>>> data = load_dataset(DEMO_DIR)
>>> gaps = structural_gaps(data)
>>> gaps.loc[gaps["gap"] == "eligibility", ["service", "age", "gender"]].head(1).values.tolist()
[['housing_emergency', 'adult', 'male']]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

from tfanalysis.analyses.capacity_in_force import as_of_date, capacity_places, period_months
from tfanalysis.analyses.capacity_in_force import period_window as _window
from tfanalysis.analyses.gaps.eligibility import CRITERIA, match_needs, needs_in_period
from tfanalysis.analyses.gaps.sites import coverage_matrix, greedy_max_coverage, recommend_sites
from tfanalysis.analyses.gaps.survival import kaplan_meier, kaplan_meier_by, km_median, km_survival_at
from tfanalysis.data import contract
from tfanalysis.data.periods import PeriodLike

if TYPE_CHECKING:  # annotations only: loading data (pandera) is not needed to analyse it
    from tfanalysis.data.io import TaskForceData

__all__ = [
    "ANY",
    "as_of_date",
    "capacity_places",
    "demand_capacity",
    "gap_matrix",
    "gap_needs",
    "in_region",
    "kaplan_meier",
    "kaplan_meier_by",
    "km_median",
    "km_survival_at",
    "outcome_rates",
    "recommend_sites",
    "coverage_matrix",
    "greedy_max_coverage",
    "referral_outcomes",
    "region_filter",
    "structural_gaps",
    "time_to_met",
    "unmet_by_county",
]

ANY = "any"
"""Segment value of a criterion that does not keep the segment out."""

STATUS_COLUMNS = ("met", "in_progress", "unmet", "declined_by_client")
OUTCOME_ORDER = ("accepted", "completed", "declined_capacity", "declined_eligibility", "declined_other", "no_response", "open")


# --- period, region and dates ------------------------------------------------------------


def region_filter(region: str = "") -> tuple[str, list[str]] | None:
    """What a region keeps, as a client column and its values: ``county_fips`` or ``state`` (FIPS).

    ``region`` is empty (None: everything), state names or codes, or county FIPS codes,
    ``;``-separated.

    Examples
    --------
    >>> region_filter("39105;39053"), region_filter("OH"), region_filter("")
    (('county_fips', ['39105', '39053']), ('state', ['39']), None)
    """
    parts = [p.strip() for p in (region or "").split(contract.LIST_SEPARATOR) if p.strip()]
    if not parts:
        return None
    if all(p.isdigit() and len(p) == 5 for p in parts):
        return "county_fips", parts
    from tfanalysis import geo

    return "state", [geo.state_fips(p) for p in parts]


def in_region(data: TaskForceData, region: str = "") -> TaskForceData:
    """Keep the clients (and their needs and referrals) of a region.

    ``region`` is empty (everything), a state (``OH`` or ``39``), or ``;``-separated
    county FIPS codes. Capacity keeps the rows whose service area reaches a county of the
    region (:func:`~tfanalysis.analyses.service_areas.served_counties`): a member elsewhere
    may serve it, but places that serve only other counties are not the region's (a
    two-state task force's Texas report once counted California's places).

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> data = load_dataset(DEMO_DIR)
    >>> len(in_region(data, "39105;39053").clients) < len(data.clients) == len(in_region(data, "OH").clients)
    True
    """
    found = region_filter(region)
    if found is None:
        return data
    from tfanalysis.analyses.service_areas import served_counties

    column, values = found

    def of_region(county: pd.Series) -> np.ndarray:
        county = county.astype("string")
        return (county if column == "county_fips" else county.str[:2]).isin(values).fillna(False).to_numpy(bool)

    clients = data.clients[of_region(data.clients["county_fips"])]
    ids = clients["client_id"]
    served = served_counties(data.capacity, data.members)
    reaching = served.loc[of_region(served["county_fips"]), "capacity_row"]
    return data.replace(
        clients=clients,
        needs=data.needs[data.needs["client_id"].isin(ids)],
        referrals=data.referrals[data.referrals["client_id"].isin(ids)],
        capacity=data.capacity[data.capacity.index.isin(reaching)],
    )


# --- demand and capacity -----------------------------------------------------------------


def demand_capacity(data: TaskForceData, period: PeriodLike = None, *, by: str | None = "county") -> pd.DataFrame:
    """Identified needs against capacity, per service (× county).

    Parameters
    ----------
    data : TaskForceData
        The whole dataset (the period is applied here).
    period : str, pair or None
        The needs identified in it, the capacity valid in it.
    by : "county" or None
        ``"county"``: one row per service × client county; None: one row per service
        (task-force-wide capacity, each row counted once).

    Returns
    -------
    pandas.DataFrame
        ``service`` (and ``county_fips``), ``needs``, ``met``, ``in_progress``, ``unmet``,
        ``declined_by_client``, ``needs_with_eligible_member``, ``months``,
        ``capacity_places`` (per county: places of every row serving the county),
        ``needs_per_month``, ``places_per_month``, ``utilization`` (needs / places; inf
        when needs meet no place at all).

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> table = demand_capacity(load_dataset(DEMO_DIR), by=None).set_index("service")
    >>> bool(table.loc["legal_representation", "utilization"] > 1)
    True
    """
    start, end, _ = _window(data, period)
    scoped = data.in_period((start, end))
    needs = match_needs(needs_in_period(data, (start, end), scoped=scoped), scoped.capacity, scoped.members)
    needs["service"] = needs["need"].astype("string")
    keys = ["service"] + (["county_fips"] if by == "county" else [])
    status = pd.crosstab([needs[k] for k in keys], needs["status"].astype("string")).reindex(columns=list(STATUS_COLUMNS), fill_value=0)
    table = status.assign(needs=status.sum(axis=1), needs_with_eligible_member=needs.groupby(keys)["eligible_in_county"].sum())
    places = capacity_places(scoped.capacity, start, end)
    cap = pd.DataFrame({"service": scoped.capacity["service"].astype("string").to_numpy(), "places": places.to_numpy()}, index=scoped.capacity.index)
    if by == "county":
        from tfanalysis.analyses.service_areas import served_counties

        served = served_counties(scoped.capacity, scoped.members)
        served["places"] = served["capacity_row"].map(cap["places"])
        supply = served.groupby(["service", "county_fips"])["places"].sum()
    else:
        supply = cap.groupby("service")["places"].sum()
    table = table.join(supply.rename("capacity_places"), how="left").fillna({"capacity_places": 0.0})
    months = period_months(start, end)
    table["months"] = months
    table["needs_per_month"] = table["needs"] / months
    table["places_per_month"] = table["capacity_places"] / months
    with np.errstate(divide="ignore", invalid="ignore"):
        table["utilization"] = np.where(table["capacity_places"] > 0, table["needs"] / table["capacity_places"].where(table["capacity_places"] > 0, 1.0), np.inf)
    order = ["needs", *STATUS_COLUMNS, "needs_with_eligible_member", "months", "capacity_places", "needs_per_month", "places_per_month", "utilization"]
    table = table[order].reset_index()
    ints = ["needs", *STATUS_COLUMNS, "needs_with_eligible_member"]
    return table.astype({c: "int64" for c in ints}).sort_values(keys, ignore_index=True)


def gap_matrix(demand: pd.DataFrame, value: str = "unmet", *, top: int | None = None, min_total: int = 0) -> pd.DataFrame:
    """Pivot a service × county demand table into a matrix (services × counties).

    ``top`` keeps the counties with the most of ``value`` (then by FIPS), in that order;
    ``min_total`` keeps the services with at least that much of ``value`` in all counties.

    Examples
    --------
    >>> t = pd.DataFrame({"service": ["a", "a", "b"], "county_fips": ["1", "2", "1"], "unmet": [3, 0, 5]})
    >>> gap_matrix(t).values.tolist()
    [[3, 0], [5, 0]]
    """
    matrix = demand.pivot_table(index="service", columns="county_fips", values=value, aggfunc="sum", fill_value=0)
    order = matrix.sum(axis=0).sort_values(ascending=False, kind="stable").index
    matrix = matrix[order[:top] if top else order]
    matrix = matrix[demand.groupby("service")[value].sum().reindex(matrix.index).fillna(0).to_numpy() >= max(min_total, 0)]
    return matrix.astype("int64") if pd.api.types.is_integer_dtype(demand[value]) else matrix


# --- time to met -------------------------------------------------------------------------


def time_to_met(needs: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Durations for time-to-met: met needs observed, open ones censored at ``as_of``.

    Needs declined by the client are dropped. Returns ``needs`` with ``days`` and ``met``.

    Examples
    --------
    >>> needs = pd.DataFrame({"status": ["met", "unmet", "declined_by_client"],
    ...     "identified_on": pd.to_datetime(["2024-01-01"] * 3), "met_on": pd.to_datetime(["2024-01-11", None, None])})
    >>> time_to_met(needs, pd.Timestamp("2024-03-01"))[["days", "met"]].values.tolist()
    [[10.0, True], [60.0, False]]
    """
    kept = needs[needs["status"].astype("string") != "declined_by_client"].copy()
    met = (kept["status"].astype("string") == "met").fillna(False).to_numpy(bool) & kept["met_on"].notna().to_numpy(bool)
    end = pd.to_datetime(kept["met_on"]).where(met, as_of)
    kept["days"] = (end - pd.to_datetime(kept["identified_on"])).dt.days.astype(float).clip(lower=0)
    kept["met"] = met
    return kept


def outcome_rates(data: TaskForceData, period: PeriodLike = None, *, by: Sequence[str] = ("need",)) -> pd.DataFrame:
    """Unmet-need rate, met within 30 and 90 days and median days to met, per group.

    Parameters
    ----------
    by : sequence of str
        Columns of the client-needs frame: ``need``, ``county_fips``, ``age``,
        ``age_group``, ``gender``, ``nationality``, ``primary_language``,
        ``trafficking_type``. Empty: one row for everything.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``needs``, ``declined_by_client``, ``unmet``, ``met``,
        ``unmet_need_rate`` (%), ``met_30d`` and ``met_90d`` (%, Kaplan–Meier),
        ``median_days_to_met`` (NaN: not reached).

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> rates = outcome_rates(load_dataset(DEMO_DIR)).set_index("need")
    >>> float(rates.loc["legal_representation", "median_days_to_met"]) > 60
    True
    """
    start, end, _ = _window(data, period)
    frame = needs_in_period(data, (start, end))
    keys = list(by)
    if not keys:
        frame = frame.assign(_all="all")
        keys = ["_all"]
    status = frame["status"].astype("string")
    counts = frame.assign(
        _declined=(status == "declined_by_client").astype(int), _unmet=(status == "unmet").astype(int), _met=(status == "met").astype(int)
    ).groupby(keys, dropna=False)[["_declined", "_unmet", "_met"]].sum()
    counts["needs"] = frame.groupby(keys, dropna=False).size()
    durations = time_to_met(frame, as_of_date(data))
    km_table = kaplan_meier_by(durations, keys, days=(30, 90))
    km_table = pd.DataFrame({"met_30d": 100 * (1 - km_table["survival_30"]), "met_90d": 100 * (1 - km_table["survival_90"]),
                             "median_days_to_met": km_table["median"]})
    table = counts.rename(columns={"_declined": "declined_by_client", "_unmet": "unmet", "_met": "met"}).join(km_table)
    base = table["needs"] - table["declined_by_client"]
    table["unmet_need_rate"] = 100 * table["unmet"] / base.where(base > 0)
    table = table[["needs", "declined_by_client", "unmet", "met", "unmet_need_rate", "met_30d", "met_90d", "median_days_to_met"]].reset_index()
    return table.drop(columns="_all") if "_all" in table else table


# --- structural gaps ---------------------------------------------------------------------


def gap_needs(data: TaskForceData, period: PeriodLike = None) -> pd.DataFrame:
    """The needs of the period that no member can serve where the client is, each with its gap.

    The per-need side of :func:`structural_gaps` (see there for the two kinds of gap and
    their segments).

    Returns
    -------
    pandas.DataFrame
        One row per such need, indexed by the need's row label in ``data.needs``: the
        client-need columns, ``service``, ``gap``, ``seg_age``, ``seg_gender``,
        ``seg_nationality``, ``seg_language`` and ``seg_county`` (``any`` where the
        segment does not depend on it).

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> data = load_dataset(DEMO_DIR)
    >>> found = gap_needs(data)
    >>> found.index.isin(data.needs.index).all(), sorted(found["gap"].unique())
    (np.True_, ['eligibility', 'no eligible provider in county'])
    """
    start, end, _ = _window(data, period)
    scoped = data.in_period((start, end))
    needs = match_needs(needs_in_period(data, (start, end), scoped=scoped), scoped.capacity, scoped.members)
    needs.index = scoped.needs.index  # one row per need, in the needs' order
    open_ = needs[~needs["eligible_in_county"]].copy()
    eligibility = ~open_["eligible_anywhere"].to_numpy(bool)
    client_value = {"age": "age", "gender": "gender", "nationality": "nationality", "language": "primary_language"}
    for criterion in CRITERIA:
        shown = eligibility & open_[f"excluded_by_{criterion}"].to_numpy(bool)
        open_[f"seg_{criterion}"] = np.where(shown, open_[client_value[criterion]].astype(str), ANY)
    open_["gap"] = np.where(eligibility, "eligibility", "no eligible provider in county")
    open_["seg_county"] = np.where(eligibility, ANY, open_["county_fips"].astype(str))
    open_["service"] = open_["need"].astype(str)
    return open_


def structural_gaps(data: TaskForceData, period: PeriodLike = None) -> pd.DataFrame:
    """Service × population segments with identified needs and no member able to serve them.

    Each client-need of the period with no eligible capacity row serving the client's
    county (see :mod:`tfanalysis.analyses.gaps.eligibility`) falls in one of two kinds of gap:

    - ``eligibility``: no capacity row anywhere meeting the need is eligible for the client.
      The segment names, in the contract's words, the client's values on the smallest set
      of criteria on which every row offering the service fails the client (age
      ``minor``/``adult``/``unknown``, ``gender``, ``nationality``, ``language``; see
      ``excluded_by_<criterion>`` of :func:`tfanalysis.analyses.gaps.eligibility.match_needs`): one gap
      per segment nobody serves, not one per combination of the other criteria. Criteria
      outside that set are ``any``.
    - ``no eligible provider in county``: an eligible row exists, but none serves the client's
      county (a provider may serve the county for other clients: adults, not this minor).
      The segment is the county. Until 2026-12-05 it read "no provider in county", which a
      third task force read as false where a provider served the county's adults.

    Returns
    -------
    pandas.DataFrame
        One row per gap: ``service``, ``gap``, ``age``, ``gender``, ``nationality``,
        ``language``, ``county_fips`` (``any`` for eligibility gaps), ``clients`` and
        ``needs`` affected, ``met`` (needs met all the same, e.g. outside the task force),
        sorted by needs (most first). Counts are true counts: publish with
        :func:`publish_counts`.

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> gaps = structural_gaps(load_dataset(DEMO_DIR))
    >>> sorted(gaps.loc[gaps["gap"] == "no eligible provider in county", "county_fips"].unique().tolist())
    ['39053', '39105', '39111', '39115', '39121']
    """
    open_ = gap_needs(data, period)
    keys = ["service", "gap", *[f"seg_{c}" for c in CRITERIA], "seg_county"]
    columns = ["service", "gap", *CRITERIA, "county_fips", "clients", "needs", "met"]
    if open_.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("clients", "needs", "met") else "string") for c in columns})
    open_["_met"] = (open_["status"].astype("string") == "met").fillna(False).to_numpy(bool).astype("int64")
    table = open_.groupby(keys).agg(clients=("client_id", "nunique"), needs=("need", "size"), met=("_met", "sum")).reset_index()
    table.columns = columns
    table = table.sort_values(["gap", "needs", "service"], ascending=[True, False, True], ignore_index=True)
    return table.astype({c: "string" for c in columns[:7]}).astype({c: "int64" for c in columns[7:]})


# --- referrals ---------------------------------------------------------------------------


def referral_outcomes(data: TaskForceData, period: PeriodLike = None) -> pd.DataFrame:
    """Referral outcomes per service: how many were accepted, completed, declined and why.

    Returns
    -------
    pandas.DataFrame
        Index ``service``; columns ``accepted``, ``completed``, ``declined_capacity``,
        ``declined_eligibility``, ``declined_other``, ``no_response``, ``open`` (no outcome
        yet), then ``referrals`` (all) and ``share_of_declined_capacity`` (%: this
        service's part of all capacity declines in the period).

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> table = referral_outcomes(load_dataset(DEMO_DIR))
    >>> table["share_of_declined_capacity"].idxmax()
    'legal_representation'
    """
    start, end, _ = _window(data, period)
    refs = data.in_period((start, end)).referrals
    outcome = refs["outcome"].astype("string").fillna("open")
    table = pd.crosstab(refs["service"].astype("string").rename("service"), outcome).reindex(columns=list(OUTCOME_ORDER), fill_value=0)
    table.columns.name = None
    table["referrals"] = table[list(OUTCOME_ORDER)].sum(axis=1)
    total = table["declined_capacity"].sum()
    table["share_of_declined_capacity"] = 100 * table["declined_capacity"] / total if total else np.nan
    return table.astype({c: "int64" for c in [*OUTCOME_ORDER, "referrals"]})


# --- unmet need per county ----------------------------------------------------------------


def unmet_by_county(data: TaskForceData, service: str, period: PeriodLike = None) -> pd.Series:
    """Needs of a service not (yet) met, per client county (true counts).

    Examples
    --------
    >>> from tfanalysis import load_dataset
    >>> unmet_by_county(load_dataset(DEMO_DIR), "legal_representation").loc["39105"]
    np.int64(10)
    """
    from tfanalysis.analyses.gaps.sites import unmet_demand

    start, end, _ = _window(data, period)
    return unmet_demand(needs_in_period(data, (start, end)), service)


