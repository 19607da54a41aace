"""Criminal cases, meetings and trainings, and the partner survey of the demo task force."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tfanalysis.demo.casework import _Clients
from tfanalysis.demo.draws import (
    _CHANGE_DAY,
    _END,
    _MONTH_START,
    _N_MONTHS,
    _START,
    _day,
    _iso,
    _masked_argmin,
    _month,
)
from tfanalysis.demo.members import _COMM, _HEALTH, _LE, _LEGAL, _PROS, _VS
from tfanalysis.demo.places import _COUNTIES
from tfanalysis.demo.population import _COUNTY_WEIGHTS
from tfanalysis.demo.story import _WAVE_DATES
from tfanalysis.demo.world import _World, _active


def _cj_events(rng: np.random.Generator, world: _World, clients: _Clients) -> pd.DataFrame:
    """Criminal cases: one per client engaged with the criminal justice system, plus cases without an identified victim."""
    after = clients.day >= _CHANGE_DAY
    p = np.where(clients.source == _LE, 0.55, 0.15) * np.where(after, 1.4, 1.0) * np.where(clients.kind == "unknown", 0.5, 1.0)
    engaged = np.flatnonzero(rng.random(len(clients.day)) < p)
    n_open = 45
    client = np.concatenate([engaged, np.full(n_open, -1)])
    county_weights = np.array(list(_COUNTY_WEIGHTS.values()))
    county = np.concatenate(
        [clients.county[engaged], _COUNTIES.index(rng.choice(list(_COUNTY_WEIGHTS), n_open, p=county_weights / county_weights.sum()))]
    )
    opened = np.concatenate([clients.day[engaged] + rng.integers(-21, 15, engaged.size), rng.integers(_START, _END - 30, n_open)])
    opened = np.maximum(opened, _START)
    labor = np.concatenate([clients.kind[engaged] == "labor", np.zeros(n_open, bool)])
    k = client.size

    def step(previous: np.ndarray, happens: np.ndarray, low: int, high: int) -> np.ndarray:
        return np.where(happens & (previous >= 0), previous + rng.integers(low, high, k), -1)

    u = rng.random(k)
    suspect = step(opened, rng.random(k) < 0.8, 3, 61)
    warrant = step(suspect, rng.random(k) < 0.35, 1, 31)
    arrest = step(np.maximum(suspect, warrant), rng.random(k) < 0.65, 1, 91)
    charges = step(arrest, rng.random(k) < 0.85, 0, 11)
    indictment = step(charges, rng.random(k) < 0.5, 14, 61)
    before_disposition = np.maximum(charges, indictment)
    plea = step(before_disposition, u < 0.6, 60, 241)
    trial = step(before_disposition, (u >= 0.6) & (u < 0.75), 150, 401)
    dismissal = step(before_disposition, (u >= 0.75) & (u < 0.87), 30, 201)
    convicted_at_trial = rng.random(k) < 0.8
    verdict = step(trial, np.ones(k, bool), 3, 16)
    conviction = np.where(plea >= 0, plea, np.where(convicted_at_trial, verdict, -1))
    acquittal = np.where(~convicted_at_trial, verdict, -1)
    sentencing = step(conviction, np.ones(k, bool), 30, 91)
    events = {
        "investigation_opened": opened, "suspect_identified": suspect, "search_warrant": warrant, "arrest": arrest,
        "charges_filed": charges, "indictment": indictment, "plea": plea, "trial": trial, "conviction": conviction,
        "acquittal": acquittal, "dismissal": dismissal, "sentencing": sentencing,
    }

    # The police agency nearest the case (the state bureau on half the labor cases) and the
    # prosecutor nearest it (federal prosecutors on most labor cases).
    miles = world.member_county_miles[:, county].T
    police = _masked_argmin(miles, _active(world, opened) & (world.sector == _LE)[None, :])
    police = np.where(labor & (rng.random(k) < 0.5), np.searchsorted(world.member_id, "M08"), police)
    prosecution_day = np.where(charges >= 0, charges, opened)
    state_prosecutor = _masked_argmin(miles, _active(world, prosecution_day) & (world.sector == _PROS)[None, :] & (world.member_id != "M13")[None, :])
    prosecutor = np.where(labor & (rng.random(k) < 0.7), np.searchsorted(world.member_id, "M13"), state_prosecutor)

    order = np.lexsort((client, opened))
    case_ids = np.empty(k, dtype=object)
    case_ids[order] = [f"K{i:04d}" for i in range(1, k + 1)]
    police_events = ("investigation_opened", "suspect_identified", "search_warrant", "arrest")
    frames = []
    for rank, (event, day) in enumerate(events.items()):
        keep = (day >= 0) & (day <= _END)
        member = police if event in police_events else prosecutor
        frames.append(
            pd.DataFrame(
                {
                    "case_id": case_ids[keep],
                    "event": event,
                    "day": day[keep],
                    "rank": rank,
                    "occurred_on": _iso(day[keep]),
                    "member_id": world.member_id[member[keep]],
                    "county_fips": _COUNTIES.fips[county[keep]],
                    "client_id": np.where(client[keep] >= 0, clients.ids[np.maximum(client[keep], 0)], ""),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True).sort_values(["case_id", "day", "rank"], ignore_index=True)
    return table.drop(columns=["day", "rank"])


def _weekday_of_month(month: int, weekday: int, nth: int) -> int:
    """Day number of the ``nth`` ``weekday`` (0 = Monday) of month index ``month``."""
    first = int(_MONTH_START[month])
    first_weekday = (first + 3) % 7  # 1970-01-01 was a Thursday
    return first + (weekday - first_weekday) % 7 + 7 * (nth - 1)


def _activities(rng: np.random.Generator, world: _World) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly meetings, case reviews, joint trainings (quarterly, then every six weeks) and an awareness day each January."""
    days, kinds = [], []
    for m in range(_N_MONTHS):
        days.append(_weekday_of_month(m, 1, 2))  # second Tuesday
        kinds.append("meeting")
        if _MONTH_START[m] >= _CHANGE_DAY or m % 2 == 0:
            days.append(_weekday_of_month(m, 3, 4))  # fourth Thursday
            kinds.append("case_review")
        if _MONTH_START[m] < _CHANGE_DAY and m % 3 == 1:
            days.append(_weekday_of_month(m, 2, 3))  # third Wednesday of Feb, May, Aug, Nov
            kinds.append("joint_training")
        if m % 12 == 0:
            days.append(int(_MONTH_START[m]) + 10)  # January 11, human trafficking awareness day
            kinds.append("other")
    training = _weekday_of_month(int(_month(np.array([_CHANGE_DAY]))[0]), 2, 3)
    while training <= _END - 14:
        days.append(training)
        kinds.append("joint_training")
        training += 42
    day = np.array(days, dtype=np.int64)
    kind = np.array(kinds, dtype=object)
    order = np.lexsort((kind.astype(str), day))
    day, kind = day[order], kind[order]
    activity_ids = np.array([f"A{i:03d}" for i in range(1, day.size + 1)])
    activities = pd.DataFrame({"activity_id": activity_ids, "date": _iso(day), "kind": kind})

    after = (day >= _CHANGE_DAY)[:, None]
    core = np.isin(world.sector, [_LE, _PROS, _VS, _HEALTH, _LEGAL])[None, :]
    base = {"meeting": (0.55, 0.75), "case_review": (0.45, 0.70), "joint_training": (0.35, 0.55), "other": (0.50, 0.60)}
    p = np.zeros((day.size, world.member_id.size))
    for name, (before_p, after_p) in base.items():
        p[kind == name] = np.where(after[kind == name], after_p, before_p)
    p = np.where((kind == "case_review")[:, None] & ~core, 0.0, p)
    present = (rng.random(p.shape) < p) & _active(world, day)
    a, m = np.nonzero(present)
    attendance = pd.DataFrame({"activity_id": activity_ids[a], "member_id": world.member_id[m]})
    return activities, attendance


def _survey(rng: np.random.Generator, world: _World) -> pd.DataFrame:
    """Each wave, most active members rate every other active member."""
    sectors = world.sector
    same = sectors[:, None] == sectors[None, :]
    pair = frozenset
    affinity = np.full(same.shape, 1.4)
    close = {pair((_LE, _PROS)): 3.0, pair((_VS, _HEALTH)): 2.4, pair((_VS, _LEGAL)): 2.4, pair((_VS, _COMM)): 2.2,
             pair((_LE, _VS)): 1.5, pair((_PROS, _VS)): 2.0, pair((_HEALTH, _LEGAL)): 1.8}
    for i, si in enumerate(sectors):
        for j, sj in enumerate(sectors):
            affinity[i, j] = 2.8 if si == sj else close.get(pair((si, sj)), 1.4)
    le_vs = np.isin(sectors, [_LE, _VS])[:, None] & np.isin(sectors, [_LE, _VS])[None, :] & ~same
    shift = {1: 0.0, 2: 0.1, 3: 0.8, 4: 1.1}
    frames = []
    for wave, date in _WAVE_DATES.items():
        active = _active(world, np.array([_day(date)]))[0]
        respondents = np.flatnonzero(active & (rng.random(active.size) < 0.85))
        partners = np.flatnonzero(active)
        r, q = np.meshgrid(respondents, partners, indexing="ij")
        r, q = r.ravel(), q.ravel()
        keep = r != q
        r, q = r[keep], q[keep]
        respondent_effect = rng.normal(0.0, 0.4, world.member_id.size)[r]
        raw = affinity[r, q] + shift[wave] + np.where(le_vs[r, q] & (wave >= 3), 0.6, 0.0) + respondent_effect + rng.normal(0.0, 0.7, r.size)
        level = np.clip(np.rint(raw), 0, 5).astype(np.int64)
        trust = np.clip(np.rint(1.2 + 0.5 * level + 0.2 * (wave >= 3) + rng.normal(0.0, 0.5, r.size)), 1, 4).astype(np.int64)
        value = np.clip(np.rint(1.4 + 0.45 * level + 0.2 * (wave >= 3) + rng.normal(0.0, 0.5, r.size)), 1, 4).astype(np.int64)
        rated = level > 0  # a partner one has no contact with gets no trust or value rating
        frames.append(
            pd.DataFrame(
                {
                    "wave": str(wave),
                    "respondent_id": world.member_id[r],
                    "partner_id": world.member_id[q],
                    "level": level.astype(str),
                    "trust": np.where(rated, trust.astype(str), ""),
                    "value": np.where(rated, value.astype(str), ""),
                }
            )
        )
    return pd.concat(frames, ignore_index=True).sort_values(["wave", "respondent_id", "partner_id"], ignore_index=True)
