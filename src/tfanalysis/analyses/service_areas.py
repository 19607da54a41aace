"""Which counties each capacity row serves: the one reading of ``capacity.service_area``.

``capacity.service_area`` is a ``;``-list of county FIPS, ``statewide``, or ``radius:N``
(miles). Coverage, gaps and the member directory all resolve it here, so that a county
counts as served in one report exactly when it does in the others.

- a list serves its counties;
- ``statewide`` serves every county of the member's state (of every state the task force's
  members are in, when the member has no county);
- ``radius:N`` serves the counties of the task force's states whose centroid lies within
  N miles (great circle) of the member, and the member's own county. A confidential
  member's radius starts from its county's centroid, never from its address, so that the
  counties served cannot point back to a shelter.

"Counties" are those of the vintage the codes at hand follow (:func:`tfanalysis.geo.vintage_of`):
in data with Connecticut's planning regions, ``statewide`` in Connecticut serves the nine
planning regions, and a radius reaches planning regions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tfanalysis.data import contract
from tfanalysis.geo import great_circle_miles


def task_force_states(members: pd.DataFrame) -> list[str]:
    """The 2-digit state FIPS codes the members are located in.

    Examples
    --------
    >>> task_force_states(pd.DataFrame({"county_fips": ["39049", "39035", None, "21111"]}))
    ['21', '39']
    """
    return sorted(members["county_fips"].dropna().astype(str).str[:2].unique().tolist())


def served_counties(capacity: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Resolve every capacity row to the counties it serves.

    Parameters
    ----------
    capacity : pandas.DataFrame
        Contract ``capacity`` rows (any index; it is kept as ``capacity_row``).
    members : pandas.DataFrame
        Contract ``members`` with ``county_fips``, ``lat``, ``lon`` and
        ``confidential_location`` (as loaded: ZIPs already geocoded).

    Returns
    -------
    pandas.DataFrame
        One row per capacity row × county served: ``capacity_row`` (the capacity index
        label), ``member_id``, ``service``, ``county_fips``. Unique pairs, sorted.

    Examples
    --------
    >>> members = pd.DataFrame({"member_id": ["m1"], "county_fips": ["10001"], "lat": [39.16],
    ...                         "lon": [-75.50], "confidential_location": [False]})
    >>> capacity = pd.DataFrame({"member_id": ["m1", "m1"], "service": ["food", "dental_care"],
    ...                          "service_area": ["10003;10005", "statewide"]})
    >>> served_counties(capacity, members)[["capacity_row", "county_fips"]].values.tolist()
    [[0, '10003'], [0, '10005'], [1, '10001'], [1, '10003'], [1, '10005']]
    """
    from tfanalysis import geo

    where = members.drop_duplicates("member_id").set_index("member_id")
    rows = pd.DataFrame(
        {
            "capacity_row": capacity.index,
            "area": capacity["service_area"].astype("string").str.strip().str.lower().to_numpy(),
            "home": capacity["member_id"].map(where["county_fips"]).astype("string").to_numpy(),
            "confidential": capacity["member_id"].map(where["confidential_location"]).fillna(False).astype(bool).to_numpy(),
            "lat": pd.to_numeric(capacity["member_id"].map(where["lat"]), errors="coerce").astype("float64").to_numpy(),
            "lon": pd.to_numeric(capacity["member_id"].map(where["lon"]), errors="coerce").astype("float64").to_numpy(),
        }
    )
    states = task_force_states(members)
    vintage = geo.vintage_of(members["county_fips"], rows["area"].str.split(contract.LIST_SEPARATOR).explode().str.strip())
    counties = geo.counties(states, vintage=vintage)[["county_fips", "state_fips"]] if states else pd.DataFrame(columns=["county_fips", "state_fips"])
    counties = counties.astype({"county_fips": "string", "state_fips": "string"})

    radius = rows["area"].str.startswith(contract.RADIUS_PREFIX).fillna(False).astype(bool)
    statewide = (rows["area"] == contract.STATEWIDE).fillna(False).astype(bool)
    listed = rows[~radius & ~statewide & rows["area"].notna()]
    from_lists = listed[["capacity_row"]].assign(county_fips=listed["area"].str.split(contract.LIST_SEPARATOR)).explode("county_fips")
    from_lists["county_fips"] = from_lists["county_fips"].str.strip()

    wide = rows[statewide].assign(state_fips=lambda t: t["home"].str[:2])
    homeless = wide[wide["state_fips"].isna()].drop(columns="state_fips").merge(pd.DataFrame({"state_fips": pd.array(states, dtype="string")}), how="cross")
    wide = pd.concat([wide[wide["state_fips"].notna()], homeless], ignore_index=True)
    from_state = wide[["capacity_row", "state_fips"]].merge(counties, on="state_fips")[["capacity_row", "county_fips"]]

    near = rows[radius].copy()
    centroids = geo.county_centroids(states, vintage=vintage) if states else pd.DataFrame(columns=["lat", "lon"])
    home = centroids.reindex(near["home"].fillna("").astype(str))
    use_centroid = (near["confidential"] | near["lat"].isna() | near["lon"].isna()).to_numpy()
    near["lat"] = np.where(use_centroid, home["lat"].to_numpy(), near["lat"].to_numpy())
    near["lon"] = np.where(use_centroid, home["lon"].to_numpy(), near["lon"].to_numpy())
    near["miles"] = pd.to_numeric(near["area"].str.removeprefix(contract.RADIUS_PREFIX).str.strip(), errors="coerce")
    targets = centroids.rename(columns={"lat": "c_lat", "lon": "c_lon"}).rename_axis("county_fips").reset_index()
    pairs = near.merge(targets, how="cross")  # radius rows × the states' counties: small
    distance = great_circle_miles(pairs["lat"], pairs["lon"], pairs["c_lat"], pairs["c_lon"])
    within = pairs[(distance <= pairs["miles"].to_numpy(float))][["capacity_row", "county_fips"]]
    own = near[["capacity_row", "home"]].dropna().rename(columns={"home": "county_fips"})

    served = pd.concat([from_lists, from_state, within, own], ignore_index=True)
    served["county_fips"] = served["county_fips"].astype("string")
    served = served.drop_duplicates().merge(
        pd.DataFrame({"capacity_row": capacity.index, "member_id": capacity["member_id"].to_numpy(), "service": capacity["service"].to_numpy()}),
        on="capacity_row",
    )
    return served[["capacity_row", "member_id", "service", "county_fips"]].sort_values(["capacity_row", "county_fips"], ignore_index=True)
