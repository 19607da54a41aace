"""A synthetic population of victims seen by several agencies, with the truth known.

Used to measure how well linkage works (tests, ``benchmarks/bench_linkage.py``): each
person appears at some agencies, each agency writes them down with its own errors, and
the truth says which records are the same person.

The people: names drawn from Faker's lists — U.S. given names and surnames weighted by
their frequency (Social Security and Census tables), Mexican names with two surnames,
Vietnamese, Brazilian and Romanian names with their accents — with Zipf weights where
Faker gives none, so that common names repeat as they do in life. Ages at identification
from 12 to 65, most between 16 and 30; identification dates 2023–2025.

The errors, per record (rates in :class:`RecordErrors`, each independent): a typo in a
name (a letter replaced, dropped, doubled or two letters swapped), a nickname for the
given name, given and family name swapped, the second surname dropped, a married name
(a new surname), an alias (another given name), an unknown day (or day and month) of
birth, no date of birth, day and month transposed, a wrong digit in the date, a wrong
sex, a new phone number; and harmless differences an agency's system makes (capitals,
accents dropped, extra spaces, hyphens, US or ISO dates, ``F``/``female``).

Examples
--------
>>> exports, truth = population(200, seed=1)
>>> sorted(exports), len(truth) == sum(len(e) for e in exports.values())
(['legal_aid', 'police', 'shelter'], True)
>>> sorted(exports["police"].columns)[:5]
['age_group', 'agency_record_id', 'county_fips', 'date_of_birth', 'first_name']
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

LOCALES: dict[str, tuple[float, str]] = {
    "en_US": (0.55, "en"),
    "es_MX": (0.30, "es"),
    "vi_VN": (0.05, "vi"),
    "pt_BR": (0.05, "pt"),
    "ro_RO": (0.05, "ro"),
}
"""Faker locale → (share of the population, primary language)."""

COUNTIES: tuple[str, ...] = ("39049", "39035", "39061", "39153", "39113", "39095", "39151", "39099", "39057", "39017")
"""Where the synthetic people are identified (ten Ohio counties)."""


@dataclass(frozen=True)
class RecordErrors:
    """How often an agency writes a person down differently (probability per record).

    The defaults are the *realistic-error* setting of the benchmark; ``RecordErrors.none()``
    gives perfect records.
    """

    typo: float = 0.05
    nickname: float = 0.08
    swapped_names: float = 0.02
    dropped_second_surname: float = 0.30
    married_name: float = 0.02
    alias: float = 0.01
    unknown_day: float = 0.03
    no_birth_date: float = 0.01
    transposed_birth_date: float = 0.03
    birth_date_typo: float = 0.02
    wrong_sex: float = 0.005
    new_phone: float = 0.25
    formatting: float = 0.30

    @classmethod
    def none(cls) -> "RecordErrors":
        """Every agency writes every person the same way."""
        return cls(**{name: 0.0 for name in cls.__dataclass_fields__})


@functools.lru_cache(maxsize=None)
def _name_lists(locale: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Faker's given names (by sex) and surnames of a locale, with weights summing to 1."""
    import importlib

    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    out = {}
    for key, attribute in (("f", "first_names_female"), ("m", "first_names_male"), ("last", "last_names")):
        names = getattr(provider, attribute)
        if isinstance(names, dict):
            values, weights = np.array(list(names), dtype=object), np.array(list(names.values()), dtype=float)
        else:
            values = np.array(sorted(set(names)), dtype=object)
            order = np.random.default_rng(len(values)).permutation(len(values))
            weights = 1.0 / (order + 3.0)  # Zipf-like: a few names are common, most rare
        out[key] = (values, weights / weights.sum())
    middle = getattr(provider, "middle_names", None)
    if middle:
        values = np.array(sorted(set(middle)), dtype=object)
        out["middle"] = (values, np.full(len(values), 1 / len(values)))
    return out


def people(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` people with their true identifiers and case attributes.

    Returns
    -------
    pandas.DataFrame
        ``person_id``, ``locale``, ``sex``, ``first_name``, ``last_name``,
        ``second_surname`` (Mexican names; else empty), ``birth_date``, ``identified_on``,
        ``phone`` (empty for 40%), ``county_fips``, ``trafficking_type``, ``nationality``,
        ``primary_language``.
    """
    locales = list(LOCALES)
    locale = rng.choice(locales, size=n, p=[LOCALES[x][0] for x in locales])
    sex = np.where(rng.random(n) < 0.7, "f", "m")
    first = np.empty(n, dtype=object)
    last = np.empty(n, dtype=object)
    second = np.full(n, None, dtype=object)
    for loc in locales:
        lists = _name_lists(loc)
        for s in ("f", "m"):
            rows = np.flatnonzero((locale == loc) & (sex == s))
            first[rows] = rng.choice(lists[s][0], size=len(rows), p=lists[s][1])
        rows = np.flatnonzero(locale == loc)
        last[rows] = rng.choice(lists["last"][0], size=len(rows), p=lists["last"][1])
        if loc == "es_MX":
            second[rows] = rng.choice(lists["last"][0], size=len(rows), p=lists["last"][1])
    identified = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365, n), unit="D")
    age_days = np.clip(12 + rng.gamma(2.2, 6.0, n), 12, 65) * 365.25
    birth = (identified - pd.to_timedelta(age_days.astype(int), unit="D")).normalize()
    phone = pd.Series(rng.choice([614, 216, 513, 419, 330, 937], n) * 10**7 + rng.integers(0, 10**7, n)).astype("string")
    kind = rng.choice(["sex", "labor", "both", "unknown"], size=n, p=[0.80, 0.11, 0.02, 0.07])
    foreign = (locale != "en_US") & (rng.random(n) < 0.7) | ((kind == "labor") & (rng.random(n) < 0.9))
    return pd.DataFrame(
        {
            "person_id": np.arange(n),
            "locale": locale,
            "sex": sex,
            "first_name": first,
            "last_name": last,
            "second_surname": second,
            "birth_date": birth,
            "identified_on": identified,
            "phone": phone.mask(rng.random(n) < 0.4),
            "county_fips": rng.choice(COUNTIES, size=n),
            "trafficking_type": kind,
            "nationality": np.where(foreign, "foreign_national", "us_citizen"),
            "primary_language": [LOCALES[x][1] for x in locale],
        }
    )


def _typos(names: pd.Series, rng: np.random.Generator) -> pd.Series:
    """One keyboard error in each name: a letter replaced, dropped, doubled, or two swapped."""
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    kinds = rng.integers(0, 4, len(names))
    where = rng.random(len(names))
    out = []
    # a generator's loop over the few records that get a typo; the analysis code has none
    for name, kind, at, letter in zip(names.tolist(), kinds, where, rng.choice(letters, len(names))):
        k = int(at * max(len(name) - 1, 1))
        if len(name) < 3:
            out.append(name)
        elif kind == 0:
            out.append(name[:k] + letter + name[k + 1 :])
        elif kind == 1:
            out.append(name[:k] + name[k + 1 :])
        elif kind == 2:
            out.append(name[: k + 1] + name[k:])
        else:
            out.append(name[:k] + name[k + 1] + name[k] + name[k + 2 :])
    return pd.Series(out, index=names.index, dtype="object")


def _nicknames(first: pd.Series, rng: np.random.Generator) -> pd.Series:
    """A nickname of each given name where the nickname table has one (else the name)."""
    from nicknames import NickNamer

    table = NickNamer().nickname_lookup
    picks = [sorted(table.get(name.lower(), {name}))[int(u * len(table.get(name.lower(), {name})))] for name, u in zip(first, rng.random(len(first)))]
    return pd.Series(picks, index=first.index, dtype="object").str.capitalize()


def agency_records(persons: pd.DataFrame, agency: str, errors: RecordErrors, rng: np.random.Generator) -> pd.DataFrame:
    """How one agency writes down the people it serves: its export, errors included.

    Parameters
    ----------
    persons : pandas.DataFrame
        From :func:`people`: the people this agency serves.
    agency : str
        The agency's name (its record ids start with it).
    errors : RecordErrors
        Error rates.
    rng : numpy.random.Generator
        Random source.

    Returns
    -------
    pandas.DataFrame
        ``agency_record_id``, ``person_id`` and ``errors`` (the truth: the person, and
        the kinds of error applied, ``;``-separated; drop both before encoding), the
        identifiers ``first_name``, ``last_name``, ``date_of_birth``, ``sex``, ``phone``,
        and the clients columns of the contract.
    """
    n = len(persons)
    p = persons.reset_index(drop=True)

    def pick(rate: float) -> np.ndarray:
        return rng.random(n) < rate

    first, last = p["first_name"].copy(), p["last_name"].copy()
    has_second = p["second_surname"].notna().to_numpy()
    applied: dict[str, np.ndarray] = {}
    applied["dropped_second_surname"] = has_second & pick(errors.dropped_second_surname)
    keep_second = has_second & ~applied["dropped_second_surname"]
    last = last.where(~keep_second, last + " " + p["second_surname"].fillna(""))
    nick = pick(errors.nickname)
    first[nick] = _nicknames(first[nick], rng)
    applied["nickname"] = nick & (first != p["first_name"]).to_numpy()
    applied["alias"] = alias = pick(errors.alias)
    first[alias] = people(int(alias.sum()), rng)["first_name"].to_numpy()
    applied["married_name"] = married = pick(errors.married_name) & (p["sex"] == "f").to_numpy()
    last[married] = people(int(married.sum()), rng)["last_name"].to_numpy()
    applied["typo"] = np.zeros(n, dtype=bool)
    for names in (first, last):
        typo = pick(errors.typo)
        names[typo] = _typos(names[typo], rng)
        applied["typo"] |= typo
    applied["swapped_names"] = swap = pick(errors.swapped_names)
    first[swap], last[swap] = last[swap].to_numpy(), first[swap].to_numpy()

    birth = p["birth_date"]
    year, month, day = birth.dt.year.astype("Int64"), birth.dt.month.astype("Int64"), birth.dt.day.astype("Int64")
    applied["transposed_birth_date"] = transpose = pick(errors.transposed_birth_date) & (day <= 12).to_numpy() & (day != month).to_numpy()
    month, day = month.where(~transpose, day), day.where(~transpose, month)
    applied["birth_date_typo"] = typo = pick(errors.birth_date_typo)
    which = rng.integers(0, 2, n)
    day = day.where(~(typo & (which == 0)), ((day + rng.choice([-10, -1, 1, 10], n) - 1) % 28) + 1)
    year = year.where(~(typo & (which == 1)), year + rng.choice([-1, 1, -10], n))
    applied["unknown_day"] = unknown_day = pick(errors.unknown_day)
    day = day.mask(unknown_day)
    month = month.mask(unknown_day & pick(0.3))
    us_dates = rng.random() < 0.4  # an agency's system writes one date format
    applied["no_birth_date"] = pick(errors.no_birth_date)
    dob = _format_dates(year, month, day, us=us_dates).mask(applied["no_birth_date"])

    applied["wrong_sex"] = pick(errors.wrong_sex)
    sex = pd.Series(np.where(applied["wrong_sex"], np.where(p["sex"] == "f", "m", "f"), p["sex"]))
    phone = p["phone"].copy()
    applied["new_phone"] = new = pick(errors.new_phone) & p["phone"].notna().to_numpy()
    phone[new] = people(int(new.sum()), rng)["phone"].to_numpy()
    phone = phone.mask(pick(0.3))

    styled = pick(errors.formatting)
    first, last = _restyle(first, styled, rng), _restyle(last, styled, rng)
    identified = p["identified_on"] + pd.to_timedelta(np.round(rng.exponential(45, n) * (rng.random(n) < 0.8)), unit="D")
    age = (identified - p["birth_date"]).dt.days / 365.25
    return pd.DataFrame(
        {
            "agency_record_id": [f"{agency[:3].upper()}-{k:06d}" for k in rng.permutation(n) + 1],
            "person_id": p["person_id"].to_numpy(),
            "first_name": first.to_numpy(),
            "last_name": last.to_numpy(),
            "date_of_birth": dob.to_numpy(),
            "sex": sex.map({"f": "F", "m": "M"} if rng.random() < 0.5 else {"f": "female", "m": "male"}).to_numpy(),
            "phone": phone.to_numpy(),
            "identified_on": identified.dt.strftime("%Y-%m-%d").to_numpy(),
            "county_fips": np.where(pick(0.1), rng.choice(COUNTIES, n), p["county_fips"]),
            "age_group": pd.cut(age, [0, 18, 25, 35, 50, 200], right=False, labels=["minor", "18-24", "25-34", "35-49", "50+"]).astype(str),
            "gender": np.where(pick(0.03), "unknown", np.where(p["sex"] == "f", "female", "male")),
            "trafficking_type": np.where(pick(0.05), "unknown", p["trafficking_type"]),
            "nationality": np.where(pick(0.05), "unknown", p["nationality"]),
            "primary_language": np.where(pick(0.03), "unknown", p["primary_language"]),
            "referral_source_sector": rng.choice(["law_enforcement", "victim_services", "community", "health"], n),
            "errors": _error_list(applied),
        }
    )


def _error_list(applied: dict[str, np.ndarray]) -> np.ndarray:
    """The kinds of error applied to each record, ``;``-separated (empty: none)."""
    names = np.array(sorted(applied), dtype=object)
    table = np.column_stack([applied[k] for k in names])
    return np.array([";".join(names[row]) for row in table], dtype=object)


def _format_dates(year: pd.Series, month: pd.Series, day: pd.Series, *, us: bool) -> pd.Series:
    """Dates as an agency writes them; unknown parts as ``00`` (ISO) or ``UN`` (US)."""
    unknown = "UN" if us else "00"
    y = year.astype("string")
    m = month.astype("string").str.zfill(2).fillna(unknown)
    d = day.astype("string").str.zfill(2).fillna(unknown)
    return (m + "/" + d + "/" + y) if us else (y + "-" + m + "-" + d)


def _restyle(names: pd.Series, styled: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """What systems do to names: capitals, accents dropped, stray spaces, hyphens."""
    out = names.astype("string")
    how = rng.integers(0, 4, len(names))
    out = out.mask(styled & (how == 0), out.str.upper())
    plain = out.str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True)
    out = out.mask(styled & (how == 1), plain)
    out = out.mask(styled & (how == 2), "  " + out + " ")
    out = out.mask(styled & (how == 3), out.str.replace(" ", "-", regex=False))
    return out.astype("object")


def population(
    identities: int,
    agencies: Sequence[str] = ("police", "shelter", "legal_aid"),
    *,
    seen_by: float | Sequence[float] = 0.6,
    errors: RecordErrors | None = None,
    seed: int = 0,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """A population of ``identities`` people and the exports of the agencies that saw them.

    Parameters
    ----------
    identities : int
        People in the population; each is seen by at least one agency.
    agencies : sequence of str
        The agencies' names.
    seen_by : float or sequence of float
        Probability that an agency sees a given person (one value, or one per agency).
    errors : RecordErrors, optional
        Error rates (default: the realistic setting, ``RecordErrors()``).
    seed : int
        Random seed: the same seed gives the same population.

    Returns
    -------
    (dict, pandas.DataFrame)
        Agency → its export (identifiers and clients columns, no truth); and the truth:
        ``agency``, ``agency_record_id``, ``person_id``, ``errors`` (the kinds of error
        in the record, ``;``-separated).
    """
    rng = np.random.default_rng(seed)
    errors = RecordErrors() if errors is None else errors
    shares = np.broadcast_to(np.asarray(seen_by, dtype=float), (len(agencies),))
    persons = people(identities, rng)
    seen = rng.random((identities, len(agencies))) < shares
    nobody = ~seen.any(axis=1)
    seen[nobody, rng.integers(0, len(agencies), int(nobody.sum()))] = True
    exports, truth = {}, []
    for k, agency in enumerate(agencies):
        records = agency_records(persons[seen[:, k]], agency, errors, rng)
        truth.append(records[["agency_record_id", "person_id", "errors"]].assign(agency=agency))
        exports[agency] = records.drop(columns=["person_id", "errors"])
    return exports, pd.concat(truth, ignore_index=True)[["agency", "agency_record_id", "person_id", "errors"]]
