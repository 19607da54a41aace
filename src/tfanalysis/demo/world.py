"""The demo's world: members, capacity rows and counties as arrays, day by day."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tfanalysis.data.contract import ALL_GENDERS, ANY_LANGUAGE, LIST_SEPARATOR, RADIUS_PREFIX, STATEWIDE
from tfanalysis.demo.draws import _MONTH_START, _day
from tfanalysis.demo.members import _MEMBERS, _OFFERS
from tfanalysis.demo.places import _COUNTIES, _ZIPS
from tfanalysis.demo.population import _GENDERS
from tfanalysis.geo import great_circle_miles


@dataclass(frozen=True)
class _World:
    """Members and capacity as arrays, with their distances to every county."""

    member_id: np.ndarray
    sector: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    joined: np.ndarray
    left: np.ndarray
    member_county_miles: np.ndarray  # members × counties
    offer_member: np.ndarray  # index into members
    offer_service: np.ndarray
    offer_capacity: np.ndarray
    offer_from: np.ndarray
    offer_to: np.ndarray
    offer_covers: np.ndarray  # offers × counties
    offer_minors: np.ndarray
    offer_adults: np.ndarray
    offer_genders: np.ndarray  # offers × _GENDERS
    offer_foreign: np.ndarray
    offer_languages: tuple[frozenset[str] | None, ...]  # None: any language
    slots: np.ndarray  # offers × months: places a month


def _world() -> _World:
    ids = np.array([m.member_id for m in _MEMBERS])
    lat = np.array([_ZIPS[m.zip][0] for m in _MEMBERS])
    lon = np.array([_ZIPS[m.zip][1] for m in _MEMBERS])
    joined = np.array([_day(m.joined_on) for m in _MEMBERS], dtype=np.int64)
    left = np.array([_day(m.left_on) for m in _MEMBERS], dtype=np.int64)
    to_county = great_circle_miles(lat[:, None], lon[:, None], _COUNTIES.lat[None, :], _COUNTIES.lon[None, :])

    member = np.searchsorted(ids, [o.member_id for o in _OFFERS])
    covers = np.zeros((len(_OFFERS), len(_COUNTIES.fips)), dtype=bool)
    for i, offer in enumerate(_OFFERS):
        if offer.area == STATEWIDE:
            covers[i] = True
        elif offer.area.startswith(RADIUS_PREFIX):
            covers[i] = to_county[member[i]] <= float(offer.area[len(RADIUS_PREFIX):])
        else:
            covers[i, _COUNTIES.index(offer.area.split(LIST_SEPARATOR))] = True
    genders = np.array(
        [[offer.genders == ALL_GENDERS or g in offer.genders.split(LIST_SEPARATOR) for g in _GENDERS] for offer in _OFFERS]
    )
    genders[:, _GENDERS.index("unknown")] = [offer.genders == ALL_GENDERS for offer in _OFFERS]
    valid_from = np.maximum(np.array([_day(o.valid_from) if o.valid_from else 0 for o in _OFFERS]), joined[member])
    valid_to = np.minimum(np.array([_day(o.valid_to) for o in _OFFERS]), left[member])
    capacity = np.array([o.capacity for o in _OFFERS], dtype=np.int64)
    month_first, month_last = _MONTH_START[:-1], _MONTH_START[1:] - 1
    open_in_month = (valid_from[:, None] <= month_last[None, :]) & (valid_to[:, None] >= month_first[None, :])
    return _World(
        member_id=ids,
        sector=np.array([m.sector for m in _MEMBERS]),
        lat=lat,
        lon=lon,
        joined=joined,
        left=left,
        member_county_miles=to_county,
        offer_member=member,
        offer_service=np.array([o.service for o in _OFFERS]),
        offer_capacity=capacity,
        offer_from=valid_from,
        offer_to=valid_to,
        offer_covers=covers,
        offer_minors=np.array([o.minors for o in _OFFERS]),
        offer_adults=np.array([o.adults for o in _OFFERS]),
        offer_genders=genders,
        offer_foreign=np.array([o.foreign for o in _OFFERS]),
        offer_languages=tuple(None if o.languages == ANY_LANGUAGE else frozenset(o.languages.split(LIST_SEPARATOR)) for o in _OFFERS),
        slots=np.where(open_in_month, capacity[:, None], 0),
    )


def _active(world: _World, days: np.ndarray) -> np.ndarray:
    """Rows of ``days`` × members: the member belonged to the task force that day."""
    days = np.asarray(days)[:, None]
    return (world.joined[None, :] <= days) & (world.left[None, :] >= days)
