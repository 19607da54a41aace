"""The demo task force: determinism, the data contract, real places, and the planted patterns.

Every planted pattern is checked in the raw CSV files with plain pandas, for the default
seed and one other, so that later analyses can rely on finding them.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tfanalysis import demo
from tfanalysis.demo.places import _COUNTY_ROWS, _ZIPS
from tfanalysis.data import contract
from tfanalysis.data.taxonomy import SERVICE_CODES

SEEDS = (demo.DEFAULT_SEED, 11)
CHANGE = pd.Timestamp(demo.PLANTED["change_date"])
START, END = pd.Timestamp(demo.PERIOD_START), pd.Timestamp(demo.PERIOD_END)
MILES_PER_METER = 1 / 1609.344


def read_tables(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False) for name in contract.TABLES}


@pytest.fixture(scope="module", params=SEEDS, ids=lambda s: f"seed{s}")
def tables(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    return read_tables(demo.generate(tmp_path_factory.mktemp("demo"), seed=request.param))


@pytest.fixture(scope="module")
def default_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.generate(tmp_path_factory.mktemp("default") / "nested" / "demo")


def dates(column: pd.Series) -> pd.Series:
    """Parse an ISO date column strictly; empty cells become NaT."""
    return pd.to_datetime(column.replace("", None), format="%Y-%m-%d")


def items(cell: str) -> list[str]:
    return cell.split(contract.LIST_SEPARATOR)


def haversine_miles(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * 3958.8 * np.arcsin(np.sqrt(a))


@pytest.fixture(scope="module")
def ohio() -> pd.DataFrame:
    """Ohio counties: polygons (EPSG:5070) and centroids (lat/lon), from the Census file plotly-geo ships."""
    geo = pytest.importorskip("tfanalysis.geo")
    shapes = geo.counties("OH").to_crs("EPSG:5070").set_index("county_fips")
    centroids = shapes.geometry.centroid.to_crs("EPSG:4269")
    return shapes.assign(lat=centroids.y, lon=centroids.x)


def member_points(members: pd.DataFrame) -> pd.DataFrame:
    """Every member's lat/lon: as written, or the ZIP's point from ``zipcodes`` when not written."""
    zipcodes = pytest.importorskip("zipcodes")
    looked_up = {z: zipcodes.matching(z)[0] for z in members["zip"].unique()}
    written = members["lat"] != ""
    lat = np.where(written, members["lat"], [looked_up[z]["lat"] for z in members["zip"]]).astype(float)
    lon = np.where(written, members["lon"], [looked_up[z]["long"] for z in members["zip"]]).astype(float)
    return pd.DataFrame({"lat": lat, "lon": lon}, index=members["member_id"])


# --------------------------------------------------------------------------- files


def test_same_seed_gives_byte_identical_files_and_another_seed_differs(tmp_path: Path) -> None:
    first = demo.generate(tmp_path / "a", seed=5)
    second = demo.generate(tmp_path / "b", seed=5)
    other = demo.generate(tmp_path / "c", seed=6)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(f"{t}.csv" for t in contract.TABLES)
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (first / "clients.csv").read_bytes() != (other / "clients.csv").read_bytes()
    assert (first / "referrals.csv").read_bytes() != (other / "referrals.csv").read_bytes()
    # Members and capacity are the fixed design of the demo, the same for every seed.
    assert (first / "capacity.csv").read_bytes() == (other / "capacity.csv").read_bytes()


def test_generate_creates_the_folder_leaves_no_staging_and_replaces_files(default_dir: Path) -> None:
    assert default_dir.name == "demo" and default_dir.is_dir()
    assert [p.name for p in default_dir.parent.iterdir()] == ["demo"]
    (default_dir / "notes.txt").write_text("mine")
    (default_dir / "clients.csv").write_text("stale")
    demo.generate(default_dir)
    assert (default_dir / "notes.txt").read_text() == "mine"
    assert (default_dir / "clients.csv").read_text().startswith("client_id,identified_on,")
    assert [p.name for p in default_dir.parent.iterdir()] == ["demo"]


def test_a_seed_that_is_not_an_integer_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="seed must be an integer"):
        demo.generate(tmp_path, seed="7")  # type: ignore[arg-type]
    assert not any(tmp_path.iterdir())


def test_files_have_exactly_the_contract_columns_and_plausible_counts(tables: dict[str, pd.DataFrame]) -> None:
    for name, table in tables.items():
        assert list(table.columns) == contract.TABLES[name].column_names, name
    counts = {name: len(t) for name, t in tables.items()}
    assert counts["members"] == 42
    assert counts["clients"] == 600
    assert 2_500 <= counts["needs"] <= 5_000
    assert 1_500 <= counts["referrals"] <= 4_000
    assert 400 <= counts["cj_events"] <= 2_000 and counts["activities"] == 85


def test_rows_are_sorted_and_keys_unique(tables: dict[str, pd.DataFrame]) -> None:
    for name, table in tables.items():
        key = list(contract.TABLES[name].key)
        if key:
            assert not table.duplicated(key).any(), name
    assert tables["clients"]["client_id"].is_monotonic_increasing
    assert tables["referrals"]["referral_id"].is_monotonic_increasing
    assert tables["referrals"]["referred_on"].is_monotonic_increasing
    assert tables["activities"]["date"].is_monotonic_increasing


# --------------------------------------------------------------------------- values


def test_enumerations_and_codes_are_valid(tables: dict[str, pd.DataFrame]) -> None:
    m, cap, cl, nd, rf = (tables[n] for n in ("members", "capacity", "clients", "needs", "referrals"))
    assert set(m["sector"]) == set(contract.SECTORS)
    assert set(m["confidential_location"]) == {"true", "false"}
    assert set(cap["service"]) <= set(SERVICE_CODES)
    assert set(nd["need"]) <= set(SERVICE_CODES)
    assert set(rf["service"]) <= set(SERVICE_CODES)
    flags = ["serves_minors", "serves_adults", "serves_foreign_nationals", "available_24_7"]
    assert set(cap[flags].to_numpy().ravel()) == {"true", "false"}
    assert {g for cell in cap["genders"] for g in items(cell)} <= {"female", "male", "nonbinary", contract.ALL_GENDERS}
    assert all(cell == contract.ANY_LANGUAGE or all(re.fullmatch(r"[a-z]{2}", x) for x in items(cell)) for cell in cap["languages"])
    assert cap["capacity_per_month"].str.fullmatch(r"[1-9][0-9]*").all()
    area_ok = cap["service_area"].str.fullmatch(rf"{contract.STATEWIDE}|{contract.RADIUS_PREFIX}\d+|39\d{{3}}(;39\d{{3}})*")
    assert area_ok.all()
    assert set(cl["age_group"]) == set(contract.AGE_GROUPS)
    assert set(cl["gender"]) == set(contract.GENDERS)
    assert set(cl["trafficking_type"]) == set(contract.TRAFFICKING_TYPES)
    assert set(cl["nationality"]) == set(contract.NATIONALITIES)
    assert cl["primary_language"].str.fullmatch(r"[a-z]{2}").all()
    assert set(cl["referral_source_sector"]) <= {*contract.SECTORS, "unknown"}
    assert cl["county_fips"].str.fullmatch(r"39\d{3}").all()
    assert set(nd["status"]) == set(contract.NEED_STATUSES)
    assert set(rf["outcome"]) <= {*contract.REFERRAL_OUTCOMES, ""}
    assert set(contract.REFERRAL_OUTCOMES) <= set(rf["outcome"])
    assert set(tables["cj_events"]["event"]) <= set(contract.CJ_EVENTS)
    assert set(tables["activities"]["kind"]) == set(contract.ACTIVITY_KINDS)
    sv = tables["survey"]
    assert set(sv["wave"]) == {"1", "2", "3", "4"}
    assert sv["level"].astype(int).between(0, 5).all()
    for col in ("trust", "value"):
        rated = sv[col] != ""
        assert sv.loc[rated, col].astype(int).between(1, 4).all()
        assert (rated == (sv["level"] != "0")).all()  # no trust or value for a partner one has no contact with


def test_dates_parse_and_respect_their_order(tables: dict[str, pd.DataFrame]) -> None:
    m, cap, cl, nd, rf = (tables[n] for n in ("members", "capacity", "clients", "needs", "referrals"))
    assert (dates(m["left_on"]).dropna() >= dates(m["joined_on"])[m["left_on"] != ""]).all()
    valid_to = dates(cap["valid_to"])
    assert (valid_to.dropna() >= dates(cap["valid_from"])[valid_to.notna()]).all()

    identified = dates(cl["identified_on"])
    assert identified.between(START, END).all()
    need_day = dates(nd["identified_on"])
    client_day = nd["client_id"].map(dict(zip(cl["client_id"], identified)))
    assert need_day.between(START, END).all() and (need_day >= client_day).all()
    met_on = dates(nd["met_on"])
    met = nd["status"] == "met"
    assert (met == met_on.notna()).all() and (met == (nd["met_by"] != "")).all()
    assert (met_on[met] >= need_day[met]).all() and (met_on[met] <= END).all()

    referred, responded = dates(rf["referred_on"]), dates(rf["responded_on"])
    assert referred.between(START, END).all()
    assert (responded.dropna() >= referred[responded.notna()]).all() and (responded.dropna() <= END).all()
    assert responded[rf["outcome"].isin(["no_response", ""])].isna().all()
    assert responded[~rf["outcome"].isin(["no_response", ""])].notna().all()

    assert dates(tables["activities"]["date"]).between(START, END).all()


def test_criminal_cases_unfold_in_a_sensible_order(tables: dict[str, pd.DataFrame]) -> None:
    cj = tables["cj_events"].assign(day=lambda t: dates(t["occurred_on"]))
    assert cj["day"].between(START, END).all()
    wide = cj.pivot_table(index="case_id", columns="event", values="day", aggfunc="min").reindex(columns=list(contract.CJ_EVENTS), fill_value=pd.NaT)
    assert (wide.min(axis=1) == wide["investigation_opened"]).all()
    for earlier, later in [("suspect_identified", "arrest"), ("arrest", "charges_filed"), ("charges_filed", "indictment"),
                           ("charges_filed", "plea"), ("charges_filed", "conviction"), ("conviction", "sentencing"),
                           ("trial", "conviction")]:
        both = wide[[earlier, later]].dropna()
        assert (both[later] >= both[earlier]).all(), (earlier, later)
    assert not wide[["conviction", "acquittal"]].notna().all(axis=1).any()
    assert wide["arrest"].notna().sum() >= 50 and wide["conviction"].notna().sum() >= 20
    # one victim (or none) per case, the same on every row of the case
    assert (cj.groupby("case_id")["client_id"].nunique() == 1).all()
    sector = tables["members"].set_index("member_id")["sector"]
    police = cj["event"].isin(["investigation_opened", "suspect_identified", "search_warrant", "arrest"])
    assert (cj.loc[police, "member_id"].map(sector) == "law_enforcement").all()
    assert (cj.loc[~police, "member_id"].map(sector) == "prosecution").all()


def test_every_reference_exists(tables: dict[str, pd.DataFrame]) -> None:
    members = set(tables["members"]["member_id"])
    clients = set(tables["clients"]["client_id"])
    assert set(tables["capacity"]["member_id"]) <= members
    assert set(tables["needs"]["client_id"]) <= clients
    assert set(tables["needs"]["met_by"]) - {""} <= members
    rf = tables["referrals"]
    assert set(rf["client_id"]) <= clients
    assert set(rf["from_member"]) | set(rf["to_member"]) <= members
    assert (rf["from_member"] != rf["to_member"]).all()
    cj = tables["cj_events"]
    assert set(cj["member_id"]) <= members and set(cj["client_id"]) - {""} <= clients
    assert set(tables["attendance"]["activity_id"]) <= set(tables["activities"]["activity_id"])
    assert set(tables["attendance"]["member_id"]) <= members
    sv = tables["survey"]
    assert set(sv["respondent_id"]) | set(sv["partner_id"]) <= members
    assert (sv["respondent_id"] != sv["partner_id"]).all()


def test_members_act_only_while_they_belong_to_the_task_force(tables: dict[str, pd.DataFrame]) -> None:
    m = tables["members"].set_index("member_id")
    joined, left = dates(m["joined_on"]), dates(m["left_on"]).fillna(END + pd.Timedelta(days=1))

    def active(member: pd.Series, day: pd.Series) -> pd.Series:
        return (joined[member].to_numpy() <= day.to_numpy()) & (day.to_numpy() <= left[member].to_numpy())

    att = tables["attendance"].merge(tables["activities"], on="activity_id")
    assert active(att["member_id"], dates(att["date"])).all()
    rf = tables["referrals"]
    assert active(rf["from_member"], dates(rf["referred_on"])).all()
    assert active(rf["to_member"], dates(rf["referred_on"])).all()
    assert "M38" not in set(att.loc[dates(att["date"]) > pd.Timestamp("2024-03-31"), "member_id"])


def test_needs_are_met_by_a_member_offering_that_service_then(tables: dict[str, pd.DataFrame]) -> None:
    cap = tables["capacity"].assign(start=lambda t: dates(t["valid_from"]), end=lambda t: dates(t["valid_to"]).fillna(END))
    met = tables["needs"].query("status == 'met'").assign(day=lambda t: dates(t["met_on"]))
    pairs = met.merge(cap, left_on=["met_by", "need"], right_on=["member_id", "service"])
    offered = pairs[(pairs["start"] <= pairs["day"]) & (pairs["day"] <= pairs["end"])]
    assert offered[["client_id", "need"]].drop_duplicates().shape[0] == len(met)


def test_needs_cooccur_by_trafficking_type(tables: dict[str, pd.DataFrame]) -> None:
    nd = tables["needs"].merge(tables["clients"], on="client_id")
    share = pd.crosstab(nd["need"], nd["trafficking_type"]).div(tables["clients"]["trafficking_type"].value_counts())
    for need in ("sexual_assault_services", "safety_planning", "mental_health_care", "substance_abuse_services"):
        assert share.loc[need, "sex"] > share.loc[need, "labor"], need
    for need in ("legal_representation", "identification_documents", "job_placement", "translation_interpretation"):
        assert share.loc[need, "labor"] > 2 * share.loc[need, "sex"], need


def test_client_mix_follows_the_cited_statistics(tables: dict[str, pd.DataFrame]) -> None:
    cl = tables["clients"]
    kind = cl["trafficking_type"].value_counts(normalize=True)
    assert 0.74 <= kind["sex"] <= 0.86 and 0.07 <= kind["labor"] <= 0.16
    sex, labor = cl[cl["trafficking_type"] == "sex"], cl[cl["trafficking_type"] == "labor"]
    assert (sex["nationality"] == "us_citizen").mean() > 0.75
    assert (labor["nationality"] == "foreign_national").mean() > 0.85
    assert (sex["gender"] == "female").mean() > 0.8 and (labor["gender"] == "male").mean() > 0.4
    older = ["25-34", "35-49", "50+"]
    assert sex["age_group"].isin(older).mean() < 0.25 < 0.45 < labor["age_group"].isin(older).mean()
    metro = cl["county_fips"].isin(["39049", "39035", "39061", "39095", "39153", "39113"]).mean()
    assert 0.5 < metro < 0.8


# --------------------------------------------------------------------------- places


def test_member_zips_are_real_ohio_zips_in_the_county_written(default_dir: Path) -> None:
    zipcodes = pytest.importorskip("zipcodes")
    addfips = pytest.importorskip("addfips")
    fips = addfips.AddFIPS()
    members = read_tables(default_dir)["members"]
    assert (members["lat"] == "").any() and (members["lat"] != "").any()
    for z, (lat, lon, county, city) in _ZIPS.items():
        [found] = zipcodes.matching(z)
        assert found["state"] == "OH" and found["city"] == city, z
        assert fips.get_county_fips(found["county"], state="OH") == county, z
        assert (float(found["lat"]), float(found["long"])) == (lat, lon), z
    for row in members.itertuples():
        [found] = zipcodes.matching(row.zip)
        assert found["state"] == "OH"
        if row.county_fips:
            assert fips.get_county_fips(found["county"], state="OH") == row.county_fips, row.member_id
            assert (row.lat, row.lon) == (f"{float(found['lat']):.4f}", f"{float(found['long']):.4f}")
        else:
            assert row.lat == row.lon == ""


def test_the_county_reference_table_matches_the_census_file(ohio: pd.DataFrame) -> None:
    rows = [line.split(maxsplit=4) for line in _COUNTY_ROWS.strip().splitlines()]
    table = pd.DataFrame(rows, columns=["fips", "lat", "lon", "region", "name"]).set_index("fips")
    assert list(table.index) == list(ohio.index)
    assert (table["name"] == ohio["name"]).all()
    assert np.allclose(table["lat"].astype(float), ohio["lat"], atol=0.001)
    assert np.allclose(table["lon"].astype(float), ohio["lon"], atol=0.001)
    assert set(table["region"]) == {"C", "NE", "NW", "SE", "SW"}
    assert set(demo.PLANTED["desert_counties"]) <= set(table.index[table["region"] == "SE"])


# --------------------------------------------------------------------------- planted patterns


def covered_counties(row: pd.Series, point: pd.Series, ohio: pd.DataFrame) -> set[str]:
    """Counties a capacity row serves; a radius reaches a county if any part of its polygon is within it."""
    area = row["service_area"]
    if area == contract.STATEWIDE:
        return set(ohio.index)
    if area.startswith(contract.RADIUS_PREFIX):
        import geopandas as gpd

        where = gpd.GeoSeries(gpd.points_from_xy([point["lon"]], [point["lat"]]), crs="EPSG:4269").to_crs(ohio.crs)[0]
        reach = float(area[len(contract.RADIUS_PREFIX):]) / MILES_PER_METER
        return set(ohio.index[ohio.geometry.distance(where) <= reach])
    return set(items(area))


def test_rural_deserts_have_need_but_no_provider_within_60_miles(tables: dict[str, pd.DataFrame], ohio: pd.DataFrame) -> None:
    deserts, services = demo.PLANTED["desert_counties"], demo.PLANTED["desert_services"]
    assert set(deserts) == {"39105", "39053", "39111", "39121", "39115"}
    assert services == ("mental_health_care", "legal_representation")
    cap, points = tables["capacity"], member_points(tables["members"])
    nd = tables["needs"].merge(tables["clients"], on="client_id")
    for service in services:
        rows = cap[cap["service"] == service]
        assert len(rows) >= 4
        served = set().union(*(covered_counties(r, points.loc[r["member_id"]], ohio) for _, r in rows.iterrows()))
        assert not served & set(deserts), service
        # every other county whose clients need the service is served: the deserts are exactly these
        asked = set(nd.loc[nd["need"] == service, "county_fips"])
        assert asked - served == set(deserts), service
        locations = points.loc[rows["member_id"].unique()]
        for fips in deserts:
            centroid = ohio.loc[fips]
            nearest = haversine_miles(centroid["lat"], centroid["lon"], locations["lat"].to_numpy(), locations["lon"].to_numpy()).min()
            assert nearest > demo.PLANTED["desert_min_miles"], (service, fips, nearest)
    in_deserts = nd[nd["county_fips"].isin(list(deserts)) & nd["need"].isin(services)]
    assert in_deserts.groupby(["county_fips", "need"]).size().reindex(pd.MultiIndex.from_product([list(deserts), services])).notna().all()
    assert (in_deserts["status"] != "met").all()
    # the same counties are served for other services (their deserts are service-specific)
    other = nd[nd["county_fips"].isin(list(deserts)) & nd["need"].isin(["case_management", "medical_care"])]
    assert (other["status"] == "met").mean() > 0.6


def test_no_emergency_shelter_takes_adult_men(tables: dict[str, pd.DataFrame]) -> None:
    cap = tables["capacity"]
    shelters = cap[cap["service"].isin(["housing_emergency", "housing"])]
    assert len(shelters) >= 5
    takes_men = shelters["genders"].map(lambda g: g == contract.ALL_GENDERS or "male" in items(g))
    assert not ((shelters["serves_adults"] == "true") & takes_men).any()
    assert ((shelters["serves_adults"] == "true") & (shelters["genders"].str.contains("female"))).sum() >= 4

    nd = tables["needs"].merge(tables["clients"], on="client_id")
    men = nd[(nd["need"] == "housing_emergency") & (nd["gender"] == "male") & (nd["age_group"] != "minor")]
    assert len(men) >= 15
    assert (men["trafficking_type"] == "labor").mean() > 0.4
    assert (men["status"] != "met").all() and (men["status"] == "unmet").mean() > 0.8
    women = nd[(nd["need"] == "housing_emergency") & (nd["gender"] == "female")]
    assert (women["status"] == "met").mean() > 0.8
    rf = tables["referrals"].merge(tables["clients"], on="client_id")
    tried = rf[(rf["service"] == "housing_emergency") & (rf["gender"] == "male") & (rf["age_group"] != "minor")]
    assert len(tried) >= 5 and set(tried["outcome"]) <= {"declined_eligibility", ""}


def monthly_demand_and_capacity(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    months = pd.period_range(START, END, freq="M")
    nd = tables["needs"]
    demand = (
        nd.groupby([nd["need"], dates(nd["identified_on"]).dt.to_period("M")]).size().unstack(fill_value=0)
        .reindex(columns=months, fill_value=0)
    )
    cap = tables["capacity"]
    start, end = dates(cap["valid_from"]), dates(cap["valid_to"]).fillna(END)
    capacity = pd.DataFrame(
        {m: cap["capacity_per_month"].astype(int).where((start <= m.end_time) & (end >= m.start_time), 0).groupby(cap["service"]).sum() for m in months}
    )
    return demand, capacity


def test_legal_representation_demand_outruns_capacity(tables: dict[str, pd.DataFrame]) -> None:
    service = demo.PLANTED["shortfall_service"]
    demand, capacity = monthly_demand_and_capacity(tables)
    ratio = demand.mean(axis=1) / capacity.reindex(demand.index).mean(axis=1)
    assert ratio[service] > 1.5
    assert ratio.drop(service).max() < 0.75  # no other service comes close
    assert (demand.loc[service] > capacity.loc[service]).mean() > 0.6
    assert (capacity.loc[service] >= 3).all() and capacity.loc[service].max() == 4  # 3 a month, 4 from 2025

    nd = tables["needs"]
    legal = nd[nd["need"] == service]
    assert legal["status"].isin(["unmet", "in_progress"]).mean() > 0.3
    days = (dates(nd["met_on"]) - dates(nd["identified_on"])).dt.days
    median_days = days.groupby(nd["need"]).median()[nd.groupby("need").size() >= 30]
    assert median_days.idxmax() == service and median_days[service] > 1.5 * median_days.drop(service).max()
    declined = tables["referrals"].query("outcome == 'declined_capacity'")
    assert (declined["service"] == service).mean() > 0.5


def test_collaboration_improves_after_the_change_date(tables: dict[str, pd.DataFrame]) -> None:
    assert demo.PLANTED["change_date"] == "2024-07-01"
    rf = tables["referrals"]
    referred = dates(rf["referred_on"])
    after = referred >= CHANGE
    days = (dates(rf["responded_on"]) - referred).dt.days
    before_median, after_median = days[~after].median(), days[after].median()
    assert 8 <= before_median <= 12 and 2 <= after_median <= 4

    # quarterly medians: a step of several days at the change, larger than the wobble within each side
    quarterly = days.groupby(referred.dt.to_period("Q")).median()
    change_q = pd.Period(CHANGE, "Q")
    before_q, after_q = quarterly[quarterly.index < change_q], quarterly[quarterly.index >= change_q]
    assert len(before_q) == len(after_q) == 6
    assert before_q.min() >= after_q.max() + 3
    assert before_q.nunique() > 1

    sector = tables["members"].set_index("member_id")["sector"]
    s_from, s_to = rf["from_member"].map(sector), rf["to_member"].map(sector)
    cross = s_from != s_to
    police_services = ((s_from == "law_enforcement") & (s_to == "victim_services")) | (
        (s_from == "victim_services") & (s_to == "law_enforcement")
    )
    assert cross[after].mean() > cross[~after].mean() + 0.15
    assert police_services[after].mean() > 1.5 * police_services[~after].mean()
    answered = rf["outcome"] != ""
    assert (rf.loc[after & answered, "outcome"] == "no_response").mean() < (rf.loc[~after & answered, "outcome"] == "no_response").mean()

    act = tables["activities"]
    held = dates(act["date"])
    months_before = (CHANGE.year - START.year) * 12 + CHANGE.month - START.month
    months_after = 36 - months_before
    trainings = act["kind"] == "joint_training"
    assert (trainings & (held >= CHANGE)).sum() / months_after > 1.5 * (trainings & (held < CHANGE)).sum() / months_before
    meetings = act[act["kind"] == "meeting"].assign(after=lambda t: dates(t["date"]) >= CHANGE)
    present = tables["attendance"].merge(meetings, on="activity_id").groupby("after").size() / meetings.groupby("after").size()
    assert present[True] > present[False] + 3

    sv = tables["survey"]
    level = sv["level"].astype(int).groupby(sv["wave"]).mean()
    assert min(level["3"], level["4"]) > max(level["1"], level["2"]) + 0.4
    trust = sv.loc[sv["trust"] != ""].assign(trust=lambda t: t["trust"].astype(int)).groupby("wave")["trust"].mean()
    assert trust[["3", "4"]].mean() > trust[["1", "2"]].mean()
    assert set(demo.PLANTED["survey_waves_after_change"]) == {3, 4}
    assert all((pd.Timestamp(d) >= CHANGE) == (w >= 3) for w, d in demo.PLANTED["survey_wave_dates"].items())


# --------------------------------------------------------------------------- loader


def test_the_loader_reads_the_demo_without_a_problem(default_dir: Path) -> None:
    io = pytest.importorskip("tfanalysis.data.io")
    load_dataset = getattr(io, "load_dataset", None)
    if load_dataset is None:
        pytest.skip("tfanalysis.data.io.load_dataset is not written yet")
    data = load_dataset(default_dir)
    assert len(data.members) == 42 and len(data.clients) == 600
    assert data.warnings.empty
    # the loader filled the coordinates and counties of the members that gave only a ZIP
    assert data.members[["lat", "lon", "county_fips"]].notna().all().all()
    expected = data.members["zip"].map(lambda z: _ZIPS[z][2])
    assert (data.members["county_fips"] == expected).all()
