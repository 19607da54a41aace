"""Clients identified, their needs, and the referrals that meet them (or not), month by month."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tfanalysis.demo.draws import (
    _CHANGE_DAY,
    _END,
    _MONTH_START,
    _N_MONTHS,
    _choose,
    _codes,
    _day,
    _iso,
    _lognormal_days,
    _masked_argmin,
    _month,
    _response_medians,
)
from tfanalysis.demo.members import _COMM, _LABOR, _VS
from tfanalysis.demo.places import _COUNTIES
from tfanalysis.demo.population import (
    _AGE_P,
    _AGES,
    _CLIENTS_PER_YEAR,
    _COUNTY_WEIGHTS,
    _DEFAULT_START_DAYS,
    _FIRST_WEEK_NEEDS,
    _FOREIGN_LANGUAGE_P,
    _FOREIGN_LANGUAGES,
    _GENDER_P,
    _GENDERS,
    _LABOR_COUNTY_WEIGHTS,
    _NATIONALITIES,
    _NATIONALITY_P,
    _NEED_P,
    _NOT_FOR_MINORS,
    _SOURCE_P,
    _SOURCE_SECTORS,
    _START_DAYS,
    _TYPE_P,
    _TYPES,
)
from tfanalysis.demo.story import _DESERT_SERVICES, _DESERTS
from tfanalysis.demo.world import _World, _active


@dataclass
class _Clients:
    day: np.ndarray
    county: np.ndarray  # index into _COUNTIES
    age: np.ndarray
    gender: np.ndarray
    kind: np.ndarray  # trafficking type
    nationality: np.ndarray
    language: np.ndarray
    source: np.ndarray  # referral source sector
    lead: np.ndarray  # member who identified the client (-1: none)
    hub: np.ndarray  # victim-service member coordinating the client's services (-1: none)

    @property
    def ids(self) -> np.ndarray:
        return np.array([f"C{i:04d}" for i in range(1, len(self.day) + 1)])


def _clients(rng: np.random.Generator, world: _World) -> _Clients:
    days = np.concatenate(
        [rng.integers(_day(f"{year}-01-01"), _day(f"{year}-12-31") + 1, n) for year, n in zip((2023, 2024, 2025), _CLIENTS_PER_YEAR)]
    )
    days.sort()
    return _people(rng, world, days)


def _people(rng: np.random.Generator, world: _World, days: np.ndarray, *, fill_deserts: bool = True) -> _Clients:
    """Clients identified on ``days``: attributes, county, source, lead member and hub.

    ``fill_deserts``: move a few clients into each desert county that has fewer than three
    (the Ohio demo; the national-scale demo's chapters leave their counties as drawn).
    """
    n = len(days)
    kind = _choose(rng, _TYPES, _TYPE_P, n)
    age, gender, nationality = (np.empty(n, dtype=object) for _ in range(3))
    county = np.empty(n, dtype=np.int64)
    for t in _TYPES:
        at = np.flatnonzero(kind == t)
        age[at] = _choose(rng, _AGES, _AGE_P[t], at.size)
        gender[at] = _choose(rng, _GENDERS, _GENDER_P[t], at.size)
        nationality[at] = _choose(rng, _NATIONALITIES, _NATIONALITY_P[t], at.size)
        weights = _LABOR_COUNTY_WEIGHTS if t == "labor" else _COUNTY_WEIGHTS
        county[at] = _COUNTIES.index(_choose(rng, tuple(weights), tuple(weights.values()), at.size).astype(str))
    # Every desert county has clients (a few whatever the seed): take them from the metro counties.
    for fips in _DESERTS if fill_deserts else ():
        short = 3 - int((county == _COUNTIES.index(fips)).sum())
        if short > 0:
            movable = np.flatnonzero(np.isin(county, _COUNTIES.index(["39049", "39035", "39061"])) & (kind == "sex"))
            county[movable[:short]] = _COUNTIES.index(fips)
    language = np.where(rng.random(n) < 0.03, "es", "en").astype(object)
    foreign = nationality == "foreign_national"
    language[foreign] = _choose(rng, _FOREIGN_LANGUAGES, _FOREIGN_LANGUAGE_P, int(foreign.sum()))
    language[nationality == "unknown"] = np.where(rng.random(int((nationality == "unknown").sum())) < 0.2, "es", "en")

    after = days >= _CHANGE_DAY
    source = np.where(after, _choose(rng, _SOURCE_SECTORS, _SOURCE_P["after"], n), _choose(rng, _SOURCE_SECTORS, _SOURCE_P["before"], n))
    source[(kind == "labor") & (rng.random(n) < 0.3)] = _LABOR

    active = _active(world, days)
    miles = world.member_county_miles[:, county].T  # clients × members
    lead = _masked_argmin(miles, active & (world.sector[None, :] == source[:, None]))
    # A referral source must be a member: where no member of that sector was active, a community partner was it.
    orphan = (lead < 0) & (source != "unknown")
    source[orphan] = _COMM
    lead[orphan] = _masked_argmin(miles[orphan], active[orphan] & (world.sector[None, :] == _COMM))
    case_management = np.flatnonzero(world.offer_service == "case_management")
    hub_offer = _masked_argmin(
        world.member_county_miles[world.offer_member[case_management]][:, county].T,
        world.offer_covers[case_management][:, county].T
        & (world.sector[world.offer_member[case_management]] == _VS)[None, :]
        & (world.offer_from[case_management][None, :] <= days[:, None])
        & (world.offer_to[case_management][None, :] >= days[:, None]),
    )
    hub = np.where(hub_offer >= 0, world.offer_member[case_management][hub_offer], -1)
    return _Clients(days, county, age, gender, kind, nationality, language, source, lead, hub)


@dataclass
class _Needs:
    client: np.ndarray
    need: np.ndarray
    day: np.ndarray


def _needs(rng: np.random.Generator, clients: _Clients) -> _Needs:
    n = len(clients.day)
    type_index = _codes(clients.kind, _TYPES)
    # A client-level severity makes needs co-occur beyond what the trafficking type explains.
    severity = np.exp(rng.normal(0.0, 0.35, n))
    minor = clients.age == "minor"
    speaks_other = ~np.isin(clients.language, ["en", "unknown"])
    foreign = clients.nationality == "foreign_national"
    desert = np.isin(_COUNTIES.fips[clients.county], list(_DESERTS))
    parts_client, parts_need = [], []
    for need, by_type in _NEED_P.items():
        p = np.asarray(by_type)[type_index] * severity
        if need == "translation_interpretation":
            p = np.where(speaks_other, 0.85, 0.0)
        elif need == "esl_classes":
            p = np.where(speaks_other, 0.30, 0.0)
        elif need == "repatriation_assistance":
            p = np.where(foreign, 0.04, 0.0)
        elif need == "cultural_community_support":
            p = np.where(foreign, 0.20, p)
        elif need == "education_ged":
            p = np.where(minor, 0.35, p)
        elif need in ("mental_health_care", "substance_abuse_services", "legal_representation"):
            p = np.where(desert, p * 1.5, p)  # the opioid epidemic's counties
        if need in _NOT_FOR_MINORS:
            p = np.where(minor, 0.0, p)
        has = rng.random(n) < np.minimum(p, 0.95)
        parts_client.append(np.flatnonzero(has))
        parts_need.append(np.full(int(has.sum()), need, dtype=object))
    # Each desert county's clients need each desert service, whatever the seed.
    for fips in _DESERTS:
        first_client = np.flatnonzero(clients.county == _COUNTIES.index(fips))[:1]
        for service in _DESERT_SERVICES:
            asked = np.isin(parts_client[list(_NEED_P).index(service)], np.flatnonzero(clients.county == _COUNTIES.index(fips)))
            if not asked.any():
                parts_client.append(first_client)
                parts_need.append(np.full(first_client.size, service, dtype=object))
    client = np.concatenate(parts_client)
    need = np.concatenate(parts_need)
    early = np.isin(need, _FIRST_WEEK_NEEDS)
    offset = np.where(early, rng.integers(0, 4, client.size), rng.integers(0, 46, client.size))
    day = clients.day[client] + offset
    keep = day <= _END
    order = np.lexsort((need[keep].astype(str), client[keep]))
    return _Needs(client[keep][order], need[keep][order], day[keep][order])


def _eligible(world: _World, clients: _Clients, needs: _Needs) -> np.ndarray:
    """Needs × offers: the offer could meet the need (service, county, age, gender, nationality, language)."""
    c = needs.client
    same_service = needs.need[:, None] == world.offer_service[None, :]
    covers = world.offer_covers[:, clients.county[c]].T
    minor = (clients.age[c] == "minor")[:, None]
    age_ok = np.where(minor, world.offer_minors[None, :], world.offer_adults[None, :])
    gender_ok = world.offer_genders[:, _codes(clients.gender[c], _GENDERS)].T
    foreign_ok = ~(clients.nationality[c] == "foreign_national")[:, None] | world.offer_foreign[None, :]
    languages = np.array(sorted(set(clients.language)))
    speaks = np.array([[langs is None or lang in langs or lang == "unknown" for lang in languages] for langs in world.offer_languages])
    language_ok = speaks[:, np.searchsorted(languages, clients.language[c].astype(str))].T
    return same_service & covers & age_ok & gender_ok & foreign_ok & language_ok


# Outcome of the search for a place.
_PLACED, _NO_PROVIDER, _NO_PLACE, _WAITING, _DECLINED, _DISENGAGED, _CLOSED = 0, 1, 2, 3, 4, 5, 6


def _queue(rng: np.random.Generator, world: _World, clients: _Clients, needs: _Needs, eligible: np.ndarray,
           searching: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First come, first served: each need takes a place at the nearest eligible offer with one free.

    Places are the offers' monthly capacity. A need waits up to its patience (2 to 4
    months) for a place and then gives up; one still waiting at the end of the data
    stays waiting.
    """
    slots = world.slots.copy()
    month = _month(needs.day)
    patience = rng.integers(2, 5, len(needs.day))
    miles = world.member_county_miles[world.offer_member]  # offers × counties
    result = np.full(len(needs.day), _NO_PROVIDER)
    offer = np.full(len(needs.day), -1)
    placed_month = np.full(len(needs.day), -1)
    for i in np.flatnonzero(searching)[np.argsort(needs.day[searching], kind="stable")]:
        rows = np.flatnonzero(eligible[i])
        if rows.size == 0:
            continue
        rows = rows[np.argsort(miles[rows, clients.county[needs.client[i]]], kind="stable")]
        last = month[i] + patience[i]
        result[i] = _WAITING if last >= _N_MONTHS else _NO_PLACE
        for m in range(month[i], min(last, _N_MONTHS - 1) + 1):
            free = rows[slots[rows, m] > 0]
            if free.size:
                slots[free[0], m] -= 1
                result[i], offer[i], placed_month[i] = _PLACED, free[0], m
                break
    return result, offer, placed_month


def _senders(rng: np.random.Generator, world: _World, clients: _Clients, needs: _Needs, to: np.ndarray,
             after: np.ndarray) -> np.ndarray:
    """The member making each referral (-1: none).

    Before the change clients mostly moved within one discipline's network: the referral
    comes from another member of the receiving member's sector (a shelter to a shelter, a
    clinic to a clinic) or from the client's victim-service hub. After it the member who
    identified the client (often the police) refers across sectors directly. A hub asked
    by its own network mostly provides the service without a referral (-1).
    """
    n = to.size
    c = needs.client
    miles = world.member_county_miles[:, clients.county[c]].T  # needs × members
    to_sector = world.sector[np.maximum(to, 0)]
    peer = _masked_argmin(
        miles, _active(world, needs.day) & (world.sector[None, :] == to_sector[:, None]) & (np.arange(world.member_id.size)[None, :] != to[:, None])
    )
    u = rng.random(n)
    p_peer, p_hub = np.where(after, 0.10, 0.40), np.where(after, 0.40, 0.45)
    by_lead = u >= p_peer + p_hub
    in_house = (to == clients.hub[c]) & ~by_lead & (rng.random(n) < 0.8)
    candidates = (np.where(u < p_peer, peer, np.where(by_lead, clients.lead[c], clients.hub[c])), clients.hub[c], clients.lead[c])
    sender = np.full(n, -1)
    for candidate in candidates:  # fall back to the hub, then the lead, where the first choice is missing or the receiver
        usable = (sender < 0) & (candidate >= 0) & (candidate != to)
        sender[usable] = candidate[usable]
    return np.where(in_house, -1, sender)


def _needs_and_referrals(rng: np.random.Generator, world: _World, clients: _Clients, queue: Any = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Needs and referrals; ``queue`` places the needs (default :func:`_queue`; the national-scale demo passes its own)."""
    needs = _needs(rng, clients)
    n = len(needs.day)
    eligible = _eligible(world, clients, needs)
    declined = rng.random(n) < 0.05
    disengaged = ~declined & (rng.random(n) < 0.06)
    reason, offer, placed_month = (queue or _queue)(rng, world, clients, needs, eligible, ~declined & ~disengaged)
    reason[declined], reason[disengaged] = _DECLINED, _DISENGAGED
    after = needs.day >= _CHANGE_DAY
    c = needs.client
    county = clients.county[c]

    # To whom: the member placing the need, or the nearest that could (or, with no eligible
    # offer, the nearest offering the service at all, which declines for eligibility).
    offer_miles = world.member_county_miles[world.offer_member][:, county].T  # needs × offers
    open_on_day = (world.offer_from[None, :] <= needs.day[:, None]) & (world.offer_to[None, :] >= needs.day[:, None])
    nearest_eligible = _masked_argmin(offer_miles, eligible & open_on_day)
    nearest_offering = _masked_argmin(offer_miles, (needs.need[:, None] == world.offer_service[None, :]) & open_on_day)
    target_offer = np.select([reason == _PLACED, reason == _NO_PROVIDER], [offer, nearest_offering], nearest_eligible)
    to = np.where(target_offer >= 0, world.offer_member[np.maximum(target_offer, 0)], -1)

    sender = _senders(rng, world, clients, needs, to, after)
    referred = (to >= 0) & (sender >= 0) & (sender != to) & (reason != _DECLINED)
    referred &= np.select([reason == _NO_PROVIDER, reason == _DISENGAGED], [rng.random(n) < 0.7, rng.random(n) < 0.5], True)

    t0 = needs.day + rng.integers(0, np.where(after, 3, 6))
    # Some referrals first go to a member that does not answer or declines; the coordinator
    # made that rarer.
    failed_first = referred & (reason == _PLACED) & (rng.random(n) < np.where(after, 0.10, 0.20))
    failed_outcome = np.where(
        rng.random(n) < np.where(after, 0.25, 0.45), "no_response", np.where(rng.random(n) < 0.85, "declined_other", "declined_capacity")
    )
    failed_to = np.where(nearest_offering >= 0, world.offer_member[np.maximum(nearest_offering, 0)], to)
    failed_to = np.where(failed_to == sender, to, failed_to)
    medians = _response_medians(rng)

    def response_days(day: np.ndarray) -> np.ndarray:
        return _lognormal_days(rng, medians[np.clip(_month(day), 0, _N_MONTHS - 1)], 0.6)

    failed_response = response_days(t0)
    failed_answered = failed_outcome != "no_response"
    main_day = np.where(
        failed_first, np.where(failed_answered, t0 + failed_response, t0 + rng.integers(14, 29, n)) + rng.integers(0, 4, n), t0
    )
    # A place found in a later month may be at a member that joined meanwhile.
    main_day = np.where(reason == _PLACED, np.maximum(main_day, world.offer_from[np.maximum(offer, 0)]), main_day)
    responded = main_day + response_days(main_day)
    start_mean = np.array([_START_DAYS.get(s, _DEFAULT_START_DAYS) for s in needs.need]) * np.where(after, 0.7, 1.0)
    start = np.rint(rng.gamma(2.0, start_mean / 2.0)).astype(np.int64)
    ready = np.where(referred, responded, t0)
    met_day = np.maximum(ready, _MONTH_START[np.maximum(placed_month, 0)]) + start
    # A program that closes (or a member that leaves) starts its last clients before closing,
    # and cannot take one whose referral is answered after it closed.
    closes = world.offer_to[np.maximum(offer, 0)]
    closed = (reason == _PLACED) & (ready > closes)
    reason[closed] = _CLOSED
    met_day = np.minimum(met_day, closes)
    met = (reason == _PLACED) & (met_day <= _END)

    status = np.select(
        [reason == _DECLINED, met, np.isin(reason, [_PLACED, _WAITING]), reason == _DISENGAGED, needs.day > _END - 30],
        ["declined_by_client", "met", "in_progress", "unmet", "in_progress"],
        "unmet",
    ).astype(object)
    ids = clients.ids
    needs_table = pd.DataFrame(
        {
            "client_id": ids[c],
            "need": needs.need,
            "identified_on": _iso(needs.day),
            "status": status,
            "met_on": _iso(met_day, met),
            "met_by": np.where(met, world.member_id[np.maximum(to, 0)], ""),
        }
    )

    main_outcome = np.select(
        [reason == _NO_PROVIDER, reason == _NO_PLACE, reason == _CLOSED, met],
        ["declined_eligibility", "declined_capacity", "declined_other", "completed"],
        "accepted",
    )
    # A need that found no place is often tried with a second member too.
    second_offer = _masked_argmin(offer_miles, eligible & open_on_day & (world.offer_member[None, :] != to[:, None]))
    second_to = world.offer_member[np.maximum(second_offer, 0)]
    second_try = referred & (reason == _NO_PLACE) & (rng.random(n) < 0.4) & (second_offer >= 0) & (second_to != sender)
    second_day = responded + rng.integers(0, 8, n)
    second_answer = second_day + response_days(second_day)

    parts = [
        (failed_first, failed_to, t0, np.where(failed_answered, t0 + failed_response, -1), failed_outcome),
        (referred, to, main_day, responded, main_outcome),
        (second_try, second_to, second_day, second_answer, np.full(n, "declined_capacity")),
    ]
    frames = []
    for mask, to_member, day, answered, outcome in parts:
        # Both members belong to the task force on the day of the referral, which falls in the data's period.
        members_active = _active(world, day)
        rows = np.arange(n)
        keep = mask & (day <= _END) & members_active[rows, np.maximum(sender, 0)] & members_active[rows, np.maximum(to_member, 0)]
        answered, outcome = answered[keep], outcome[keep].astype(object)
        is_open = (answered > _END) | ((outcome == "no_response") & (day[keep] + 30 > _END))
        outcome[is_open] = ""
        frames.append(
            pd.DataFrame(
                {
                    "client_id": ids[c[keep]],
                    "from_member": world.member_id[sender[keep]],
                    "to_member": world.member_id[to_member[keep]],
                    "service": needs.need[keep],
                    "day": day[keep],
                    "referred_on": _iso(day[keep]),
                    "responded_on": _iso(answered, (answered >= 0) & ~is_open),
                    "outcome": outcome,
                }
            )
        )
    referrals = pd.concat(frames, ignore_index=True).sort_values(["day", "client_id", "service"], kind="stable", ignore_index=True)
    referrals.insert(0, "referral_id", [f"R{i:05d}" for i in range(1, len(referrals) + 1)])
    return needs_table, referrals.drop(columns="day")
