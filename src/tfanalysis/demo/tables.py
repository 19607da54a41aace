"""The demo's tables in the data contract's columns, and the staging folder they are written through."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from tfanalysis.data.contract import TABLES
from tfanalysis.demo.activities import _activities, _cj_events, _survey
from tfanalysis.demo.casework import _Clients, _clients, _needs_and_referrals
from tfanalysis.demo.draws import _NEVER, _flag, _iso
from tfanalysis.demo.members import _MEMBERS, _OFFERS
from tfanalysis.demo.places import _COUNTIES, _ZIPS
from tfanalysis.demo.world import _World, _world


def _members_table(world: _World) -> pd.DataFrame:
    with_coords = np.array([m.writes_coordinates for m in _MEMBERS])
    left = np.array([m.left_on is not None for m in _MEMBERS])
    return pd.DataFrame(
        {
            "member_id": world.member_id,
            "name": [m.name for m in _MEMBERS],
            "sector": world.sector,
            "joined_on": _iso(world.joined),
            "left_on": _iso(np.where(left, world.left, 0), left),
            "zip": [m.zip for m in _MEMBERS],
            "lat": np.where(with_coords, [f"{v:.4f}" for v in world.lat], ""),
            "lon": np.where(with_coords, [f"{v:.4f}" for v in world.lon], ""),
            "county_fips": np.where(with_coords, [_ZIPS[m.zip][2] for m in _MEMBERS], ""),
            "confidential_location": _flag([m.confidential for m in _MEMBERS]),
        }
    )


def _capacity_table(world: _World) -> pd.DataFrame:
    ends = world.offer_to < _NEVER
    table = pd.DataFrame(
        {
            "member_id": world.member_id[world.offer_member],
            "service": world.offer_service,
            "capacity_per_month": world.offer_capacity.astype(str),
            "service_area": [o.area for o in _OFFERS],
            "serves_minors": _flag(world.offer_minors),
            "serves_adults": _flag(world.offer_adults),
            "genders": [o.genders for o in _OFFERS],
            "serves_foreign_nationals": _flag(world.offer_foreign),
            "languages": [o.languages for o in _OFFERS],
            "available_24_7": _flag([o.always_open for o in _OFFERS]),
            "valid_from": _iso(world.offer_from),
            "valid_to": _iso(np.where(ends, world.offer_to, 0), ends),
        }
    )
    return table.sort_values(["member_id", "service", "valid_from"], ignore_index=True)


def _clients_table(clients: _Clients, county_fips: np.ndarray) -> pd.DataFrame:
    """The clients table (``county_fips``: the FIPS of each client's county)."""
    return pd.DataFrame(
        {
            "client_id": clients.ids,
            "identified_on": _iso(clients.day),
            "county_fips": county_fips,
            "age_group": clients.age,
            "gender": clients.gender,
            "trafficking_type": clients.kind,
            "nationality": clients.nationality,
            "primary_language": clients.language,
            "referral_source_sector": clients.source,
        }
    )


def _tables(seed: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    world = _world()
    clients = _clients(rng, world)
    needs, referrals = _needs_and_referrals(rng, world, clients)
    activities, attendance = _activities(rng, world)
    tables = {
        "members": _members_table(world),
        "capacity": _capacity_table(world),
        "clients": _clients_table(clients, _COUNTIES.fips[clients.county]),
        "needs": needs,
        "referrals": referrals,
        "cj_events": _cj_events(rng, world, clients),
        "activities": activities,
        "attendance": attendance,
        "survey": _survey(rng, world),
    }
    return {name: tables[name][TABLES[name].column_names] for name in TABLES}


@contextlib.contextmanager
def _staged(out: Path, names: Iterable[str]) -> Iterator[Path]:
    """A folder beside ``out`` to write ``<name>.csv`` files into, moved into ``out`` only once all are written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        yield staging
        out.mkdir(exist_ok=True)
        for name in names:
            os.replace(staging / f"{name}.csv", out / f"{name}.csv")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
