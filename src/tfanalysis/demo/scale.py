"""The demo task force at national scale, for benchmarks: ``tfanalysis demo OUT --clients N``.

``N`` clients are split into regional *chapters* of about 600 clients each. A chapter is the
Ohio demo's design (:mod:`tfanalysis.demo`) laid over real counties elsewhere: its own 42
member organizations and 137 capacity rows with the same sectors, services, capacities and
eligibility rules, the same client mix, needs, referral habits, criminal cases, meeting
schedule and partner survey, and the same collaboration change on 2024-07-01. So members,
capacity, referrals, criminal-justice events, activities, attendance and survey rows all
grow in proportion to ``N``.

Where the chapters are: the most populous states of the lower 48 (Connecticut left out, its
counties changed in 2022), about one state per ten chapters and at least two (all 47 at a
million clients); chapters are shared among the states by population, and each gets a home
county drawn by population. Ohio's map around Franklin County (Columbus) is laid over the
home county, scaled to the state's county spacing: each Ohio county, member location and
county list of a service area goes to the state's county nearest its image. Clients are
drawn by the demo's county weights through the same map, so metro counties stay busy and
rural ones get few; ``statewide`` rows serve the chapter's whole state, ``radius:N`` rows
keep their radius.

Placement: each need waits at the nearest eligible capacity row of its chapter that has a
place within its patience, first come first served month by month (the Ohio demo instead
tries every eligible row in turn). The Ohio demo's planted patterns exist in each chapter's
design (no shelter for adult men, a legal representation shortfall, the change date), but
their sizes are not checked at scale: this dataset is for timing, not for findings.

Determinism: the same ``N`` and seed give byte-identical files. Tables are built and written
a block of chapters at a time, so memory stays bounded: rows are sorted within a block.
The default demo (:func:`tfanalysis.demo.generate` without ``clients``) is not affected.

Examples
--------
>>> import tempfile, pandas as pd
>>> from tfanalysis import demo
>>> with tempfile.TemporaryDirectory() as tmp:
...     folder = demo.generate(tmp, clients=1500)
...     members = pd.read_csv(folder / "members.csv", dtype=str)
...     clients = pd.read_csv(folder / "clients.csv", dtype=str)
>>> len(clients), len(members), clients["county_fips"].str[:2].nunique()
(1500, 126, 2)
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tfanalysis.data.contract import LIST_SEPARATOR, RADIUS_PREFIX, STATEWIDE, TABLES
from tfanalysis.demo.activities import _activities, _cj_events, _survey
from tfanalysis.demo.casework import (
    _NO_PLACE,
    _NO_PROVIDER,
    _PLACED,
    _WAITING,
    _Clients,
    _Needs,
    _needs_and_referrals,
    _people,
)
from tfanalysis.demo.draws import _N_MONTHS, _NEVER, _day, _flag, _iso, _masked_argmin, _month
from tfanalysis.demo.members import _MEMBERS
from tfanalysis.demo.places import _COUNTIES, _ZIPS
from tfanalysis.demo.population import _CLIENTS_PER_YEAR
from tfanalysis.demo.story import DEFAULT_SEED
from tfanalysis.demo.tables import _capacity_table as _ohio_capacity_table
from tfanalysis.demo.tables import _clients_table, _staged
from tfanalysis.demo.world import _World, _world

__all__ = ["CHAPTER_CLIENTS", "chapter_states", "generate"]

CHAPTER_CLIENTS = 600
"""Clients per chapter (the Ohio demo's size)."""

_LEFT_OUT = ("AK", "HI", "CT", "DC")  # not contiguous; Connecticut's counties changed in 2022; DC is one county
_CHAPTERS_PER_BLOCK = 20  # chapters built and written together (about 12,000 clients)
_MILES_PER_DEGREE = 69.0


@dataclass(frozen=True)
class _Map:
    """Where each chapter is: its state and the national county of every Ohio county and member."""

    state: np.ndarray  # chapters: USPS code
    county: np.ndarray  # chapters × 88 Ohio counties -> national FIPS
    member_county: np.ndarray  # chapters × 42 members -> national FIPS
    member_lat: np.ndarray  # chapters × 42
    member_lon: np.ndarray


def _planar(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """Miles east and north of (lat0, lon0): good enough over a state."""
    x = (np.asarray(lon) - lon0) * _MILES_PER_DEGREE * math.cos(math.radians(lat0))
    y = (np.asarray(lat) - lat0) * _MILES_PER_DEGREE
    return np.column_stack([x, y])


def _spacing(points: np.ndarray) -> float:
    """Median distance from a county centroid to the nearest other one."""
    from scipy.spatial import cKDTree

    if len(points) < 2:
        return 1.0
    distance, _ = cKDTree(points).query(points, k=2)
    return float(np.median(distance[:, 1]))


def _counties() -> pd.DataFrame:
    """Counties of the lower 48 (less those left out): FIPS, state, population, centroid."""
    from tfanalysis import geo

    table = geo.county_population().merge(geo.county_centroids().reset_index(), on="county_fips")
    table = table[~table["state"].isin(_LEFT_OUT)]
    return table[["county_fips", "state", "population", "lat", "lon"]].astype({"population": "int64"}).reset_index(drop=True)


def chapter_states(chapters: int, counties: pd.DataFrame | None = None) -> list[str]:
    """The states the chapters are spread over: one per ten chapters (at least two), most populous first.

    Examples
    --------
    >>> chapter_states(2), len(chapter_states(167)), len(chapter_states(1667))
    (['CA', 'TX'], 17, 47)
    """
    counties = _counties() if counties is None else counties
    order = counties.groupby("state")["population"].sum().sort_values(ascending=False, kind="stable").index.tolist()
    wanted = min(len(order), chapters, max(2, math.ceil(chapters / 10)))
    return order[:wanted]


def _share(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` in proportion to ``weights`` (largest remainders), at least 1 each."""
    k = len(weights)
    base = np.ones(k, dtype=np.int64)
    rest = total - k
    quota = rest * weights / weights.sum()
    base += np.floor(quota).astype(np.int64)
    left = total - int(base.sum())
    base[np.argsort(-(quota - np.floor(quota)), kind="stable")[:left]] += 1
    return base


def _chapter_map(rng: np.random.Generator, chapters: int) -> _Map:
    from scipy.spatial import cKDTree

    counties = _counties()
    states = chapter_states(chapters, counties)
    population = counties.groupby("state")["population"].sum().reindex(states).to_numpy(float)
    per_state = _share(chapters, population)
    c = _COUNTIES
    franklin = int(c.index(["39049"])[0])
    lat0, lon0 = float(c.lat[franklin]), float(c.lon[franklin])
    ohio_xy = _planar(c.lat, c.lon, lat0, lon0)
    zips = [_ZIPS[m.zip] for m in _MEMBERS]
    member_xy = _planar([z[0] for z in zips], [z[1] for z in zips], lat0, lon0)
    ohio_spacing = _spacing(ohio_xy)

    state_of, county_of, member_of = [], [], []
    for state, k in zip(states, per_state):
        here = counties[counties["state"] == state]
        slat, slon = float(here["lat"].mean()), float(here["lon"].mean())
        xy = _planar(here["lat"].to_numpy(), here["lon"].to_numpy(), slat, slon)
        tree = cKDTree(xy)
        scale = _spacing(xy) / ohio_spacing
        weights = here["population"].to_numpy(float)
        homes = rng.choice(len(here), size=k, replace=k > len(here), p=weights / weights.sum())
        fips = here["county_fips"].to_numpy(dtype=object)
        for home in homes:
            county_of.append(fips[tree.query(xy[home] + scale * ohio_xy)[1]])
            member_of.append(fips[tree.query(xy[home] + scale * member_xy)[1]])
            state_of.append(state)
    county = np.array(county_of, dtype=object)
    members = np.array(member_of, dtype=object)
    where = counties.set_index("county_fips")
    jitter = rng.uniform(-0.01, 0.01, (2, *members.shape))  # a member sits near its county's centroid
    return _Map(
        state=np.array(state_of, dtype=object),
        county=county,
        member_county=members,
        member_lat=where["lat"].reindex(members.ravel()).to_numpy().reshape(members.shape) + jitter[0],
        member_lon=where["lon"].reindex(members.ravel()).to_numpy().reshape(members.shape) + jitter[1],
    )


# --------------------------------------------------------------------------- ids and names


def _ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    return (prefix + pd.Series(np.asarray(numbers), dtype="int64").astype(str).str.zfill(width)).to_numpy(dtype=object)


_OHIO_PLACES = re.compile(
    r"\b(Columbus|Cleveland|Cincinnati|Toledo|Akron|Dayton|Youngstown|Findlay|Central Ohio|Northeast Ohio|Southwest Ohio|"
    r"Southeast Ohio|Appalachian Ohio|Mid-Ohio Valley|West Ohio|Southern Ohio)(-area)?\s*"
)


def _kind(name: str) -> str:
    """An Ohio member's name without its place: "Columbus-area police trafficking unit" -> "police trafficking unit"."""
    return _OHIO_PLACES.sub("", name).strip()


@dataclass
class _ChapterClients:
    """Clients of a block of chapters, in the Ohio design's coordinates (county, members), plus their chapter."""

    day: np.ndarray
    county: np.ndarray
    age: np.ndarray
    gender: np.ndarray
    kind: np.ndarray
    nationality: np.ndarray
    language: np.ndarray
    source: np.ndarray
    lead: np.ndarray
    hub: np.ndarray
    chapter: np.ndarray
    ids: np.ndarray


def _clients(rng: np.random.Generator, world: _World, chapters: np.ndarray, sizes: np.ndarray, first_id: int, width: int) -> _ChapterClients:
    """The clients of some chapters (the Ohio demo's distributions, sorted by chapter and date)."""
    n = int(sizes.sum())
    chapter = np.repeat(chapters, sizes)
    per_year = np.asarray(_CLIENTS_PER_YEAR, dtype=float)
    year = rng.choice(3, n, p=per_year / per_year.sum())
    first = np.array([_day(f"{y}-01-01") for y in (2023, 2024, 2025)])
    last = np.array([_day(f"{y}-12-31") for y in (2023, 2024, 2025)])
    days = first[year] + np.floor(rng.random(n) * (last - first + 1)[year]).astype(np.int64)
    order = np.lexsort((days, chapter))
    days, chapter = days[order], chapter[order]
    people = _people(rng, world, days, fill_deserts=False)
    fields = {f: getattr(people, f) for f in _Clients.__dataclass_fields__}
    return _ChapterClients(**fields, chapter=chapter, ids=_ids("C", first_id + np.arange(n), width))


def _monthly_queue(rng: np.random.Generator, world: _World, clients: _ChapterClients, needs: _Needs,
                   eligible: np.ndarray, searching: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First come, first served at one capacity row per need, month by month, for all chapters at once.

    Each searching need waits at the nearest eligible row of its chapter that has places
    within its patience (2 to 4 months); each month a row's places go to its oldest waiting
    needs. Returns the outcome, the row and the month of the place, as :func:`demo._queue`.
    """
    n = len(needs.day)
    month = _month(needs.day)
    patience = rng.integers(2, 5, n)
    last = month + patience
    open_months = np.concatenate([np.zeros((world.slots.shape[0], 1), np.int64), np.cumsum(world.slots > 0, axis=1)], axis=1)
    window = open_months[:, np.minimum(last, _N_MONTHS - 1) + 1].T - open_months[:, np.minimum(month, _N_MONTHS)].T
    county = clients.county[needs.client]
    miles = world.member_county_miles[world.offer_member][:, county].T
    offer = _masked_argmin(miles, eligible & (window > 0))
    result = np.full(n, _NO_PROVIDER)
    placed_month = np.full(n, -1)
    waiting = searching & (offer >= 0)
    result[waiting] = np.where(last[waiting] >= _N_MONTHS, _WAITING, _NO_PLACE)
    queue = clients.chapter[needs.client] * world.slots.shape[0] + offer
    order = np.lexsort((np.arange(n), needs.day, queue))
    order = order[waiting[order]]
    q, first_month, last_month, row = queue[order], month[order], last[order], offer[order]
    still = np.ones(order.size, dtype=bool)
    for m in range(int(first_month.min()) if order.size else _N_MONTHS, _N_MONTHS):
        at = np.flatnonzero(still & (first_month <= m) & (last_month >= m))
        if not at.size:
            continue
        starts = np.flatnonzero(np.r_[True, q[at][1:] != q[at][:-1]])
        rank = np.arange(at.size) - np.repeat(starts, np.diff(np.r_[starts, at.size]))
        took = at[rank < world.slots[row[at], m]]
        still[took] = False
        placed_month[order[took]] = m
        result[order[took]] = _PLACED
    offer = np.where(waiting, offer, -1)
    return result, np.where(result == _PLACED, offer, -1), placed_month


# --------------------------------------------------------------------------- tables of a block


def _national_members(ids: np.ndarray, chapter: np.ndarray, world: _World, member_ids: np.ndarray) -> np.ndarray:
    """Ohio member ids ("M05", or "" for none) of rows of some chapters -> the chapters' own member ids."""
    ids = np.asarray(ids, dtype=object)
    present = ids != ""
    out = np.full(ids.shape, "", dtype=object)
    position = np.searchsorted(world.member_id, ids[present].astype(str))
    out[present] = member_ids[np.asarray(chapter)[present], position]
    return out


def _national_counties(fips: np.ndarray, chapter: np.ndarray, where: _Map) -> np.ndarray:
    fips = np.asarray(fips, dtype=object)
    present = fips != ""
    out = np.full(fips.shape, "", dtype=object)
    out[present] = where.county[np.asarray(chapter)[present], _COUNTIES.index(fips[present].astype(str))]
    return out


def _members_table(chapters: np.ndarray, where: _Map, member_ids: np.ndarray, names: pd.Series) -> pd.DataFrame:
    world_members = _MEMBERS
    k = len(world_members)
    chapter = np.repeat(chapters, k)
    archetype = np.tile(np.arange(k), len(chapters))
    joined = np.array([_day(m.joined_on) for m in world_members])[archetype]
    left = np.array([_day(m.left_on) for m in world_members])[archetype]
    has_left = left < _NEVER
    county = where.member_county[chapter, archetype]
    return pd.DataFrame({
        "member_id": member_ids[chapter, archetype],
        "name": (names.reindex(county).to_numpy(dtype=object) + " " + np.array([_kind(m.name) for m in world_members], dtype=object)[archetype]),
        "sector": np.array([m.sector for m in world_members], dtype=object)[archetype],
        "joined_on": _iso(joined),
        "left_on": _iso(np.where(has_left, left, 0), has_left),
        "zip": "",
        "lat": [f"{v:.4f}" for v in where.member_lat[chapter, archetype]],
        "lon": [f"{v:.4f}" for v in where.member_lon[chapter, archetype]],
        "county_fips": county,
        "confidential_location": _flag([world_members[a].confidential for a in archetype]),
    })


def _capacity_table(chapters: np.ndarray, where: _Map, member_ids: np.ndarray, world: _World) -> pd.DataFrame:
    base = _ohio_capacity_table(world)  # the Ohio rows, sorted: the row order of every chapter
    areas = base["service_area"].tolist()
    listed = {area: _COUNTIES.index(area.split(LIST_SEPARATOR)) for area in set(areas)
              if area != STATEWIDE and not area.startswith(RADIUS_PREFIX)}
    frames = []
    for chapter in chapters:
        mapped = {area: LIST_SEPARATOR.join(np.unique(where.county[chapter, idx].astype(str))) for area, idx in listed.items()}
        table = base.copy()
        table["member_id"] = member_ids[chapter, np.searchsorted(world.member_id, base["member_id"].to_numpy(dtype=str))]
        table["service_area"] = [mapped.get(a, a) for a in areas]
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


class _Writer:
    """Append blocks of rows to one CSV file per table (header once)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started: set[str] = set()

    def write(self, name: str, table: pd.DataFrame) -> None:
        table = table[TABLES[name].column_names]
        first = name not in self.started
        table.to_csv(self.folder / f"{name}.csv", mode="w" if first else "a", header=first, index=False, lineterminator="\n", encoding="utf-8")
        self.started.add(name)


def _write_block(rng: np.random.Generator, writer: _Writer, world: _World, where: _Map, member_ids: np.ndarray,
                 names: pd.Series, chapters: np.ndarray, sizes: np.ndarray, counters: dict[str, int], widths: dict[str, int]) -> None:
    writer.write("members", _members_table(chapters, where, member_ids, names))
    writer.write("capacity", _capacity_table(chapters, where, member_ids, world))
    clients = _clients(rng, world, chapters, sizes, counters["clients"] + 1, widths["clients"])
    counters["clients"] += len(clients.day)
    writer.write("clients", _clients_table(clients, where.county[clients.chapter, clients.county]))  # type: ignore[arg-type]
    chapter_of = pd.Series(clients.chapter, index=clients.ids)
    needs, referrals = _needs_and_referrals(rng, world, clients, queue=_monthly_queue)  # type: ignore[arg-type]
    needs["met_by"] = _national_members(needs["met_by"].to_numpy(), chapter_of.reindex(needs["client_id"]).to_numpy(), world, member_ids)
    writer.write("needs", needs)
    chapter = chapter_of.reindex(referrals["client_id"]).to_numpy()
    referrals["from_member"] = _national_members(referrals["from_member"].to_numpy(), chapter, world, member_ids)
    referrals["to_member"] = _national_members(referrals["to_member"].to_numpy(), chapter, world, member_ids)
    referrals["referral_id"] = _ids("R", counters["referrals"] + 1 + np.arange(len(referrals)), widths["referrals"])
    counters["referrals"] += len(referrals)
    writer.write("referrals", referrals)

    events, activities, attendance, survey = [], [], [], []
    for c in chapters:  # criminal cases, meetings and the survey of each chapter (its 42 members)
        mine = clients.chapter == c
        part = _ChapterClients(*(getattr(clients, f)[mine] for f in _ChapterClients.__dataclass_fields__))
        cases = _cj_events(rng, world, part)  # type: ignore[arg-type]
        case_numbers = pd.factorize(cases["case_id"])[0]
        cases["case_id"] = _ids("K", counters["cases"] + 1 + case_numbers, widths["cases"])
        counters["cases"] += int(case_numbers.max()) + 1 if len(cases) else 0
        cases["member_id"] = _national_members(cases["member_id"].to_numpy(), np.full(len(cases), c), world, member_ids)
        cases["county_fips"] = _national_counties(cases["county_fips"].to_numpy(), np.full(len(cases), c), where)
        events.append(cases)
        meetings, present = _activities(rng, world)
        numbers = np.searchsorted(meetings["activity_id"].to_numpy(dtype=str), present["activity_id"].to_numpy(dtype=str))
        ids = _ids("A", counters["activities"] + 1 + np.arange(len(meetings)), widths["activities"])
        meetings["activity_id"] = ids
        present = present.assign(activity_id=ids[numbers], member_id=_national_members(present["member_id"].to_numpy(), np.full(len(present), c), world, member_ids))
        counters["activities"] += len(meetings)
        activities.append(meetings)
        attendance.append(present)
        answers = _survey(rng, world)
        for column in ("respondent_id", "partner_id"):
            answers[column] = _national_members(answers[column].to_numpy(), np.full(len(answers), c), world, member_ids)
        survey.append(answers)
    writer.write("cj_events", pd.concat(events, ignore_index=True))
    writer.write("activities", pd.concat(activities, ignore_index=True))
    writer.write("attendance", pd.concat(attendance, ignore_index=True))
    writer.write("survey", pd.concat(survey, ignore_index=True))


def generate(out_dir: str | os.PathLike[str], clients: int, seed: int = DEFAULT_SEED) -> Path:
    """Write a national-scale demo task force of ``clients`` clients into ``out_dir``.

    Use :func:`tfanalysis.demo.generate` with ``clients=N`` (the same function); the
    folder handling (created if missing, files replaced only once all are written) is the
    same.

    Parameters
    ----------
    out_dir : str or path-like
        The dataset folder to write.
    clients : int
        Number of clients (at least 1); chapters of :data:`CHAPTER_CLIENTS`.
    seed : int
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    pathlib.Path
        ``out_dir``.
    """
    if isinstance(clients, bool) or not isinstance(clients, (int, np.integer)) or clients < 1:
        raise ValueError(f"clients must be a positive integer, got {clients!r}: pass e.g. clients=100000")
    rng = np.random.default_rng(seed)
    world = _world()
    chapters = math.ceil(clients / CHAPTER_CLIENTS)
    sizes = np.full(chapters, clients // chapters, dtype=np.int64)
    sizes[: clients - int(sizes.sum())] += 1
    where = _chapter_map(rng, chapters)
    n_members = len(_MEMBERS)
    widths = {"members": len(str(chapters * n_members)), "clients": max(4, len(str(clients))),
              "referrals": max(5, len(str(clients * 10))), "cases": max(4, len(str(clients))), "activities": max(3, len(str(chapters * 100)))}
    member_ids = _ids("M", np.arange(1, chapters * n_members + 1), widths["members"]).reshape(chapters, n_members)
    from tfanalysis import geo

    names = geo.county_population().set_index("county_fips")["name"]
    out = Path(out_dir)
    with _staged(out, TABLES) as staging:
        writer = _Writer(staging)
        counters = {"clients": 0, "referrals": 0, "cases": 0, "activities": 0}
        for start in range(0, chapters, _CHAPTERS_PER_BLOCK):
            block = np.arange(start, min(start + _CHAPTERS_PER_BLOCK, chapters))
            _write_block(rng, writer, world, where, member_ids, names, block, sizes[block], counters, widths)
    return out
