"""Eligibility-aware matching: could any member meet this client's need, where the client is?

A client-need is *matched* when at least one capacity row

- offers a service that meets the need (:func:`tfanalysis.data.taxonomy.service_covers_need`:
  generic ``housing`` capacity meets any housing need),
- serves the client's county (:func:`tfanalysis.analyses.service_areas.served_counties`, the one
  reading of ``service_area``),
- and is eligible for the client on four criteria:

  ========== ============================================ =====================================
  criterion  client value                                 capacity row must have
  ========== ============================================ =====================================
  age        ``minor``                                    ``serves_minors``
  age        ``18-24`` … ``50+`` (an *adult*)             ``serves_adults``
  age        ``unknown``                                  either flag
  gender     ``female`` / ``male`` / ``nonbinary``        ``genders`` ``all`` or listing it
  gender     ``unknown``                                  ``genders`` ``all`` only
  nationality ``foreign_national``                        ``serves_foreign_nationals``
  nationality ``us_citizen`` / ``unknown``                any row
  language   an ISO 639-1 code                            ``languages`` ``any`` or listing it
  language   ``unknown`` / missing                        any row
  ========== ============================================ =====================================

Why these choices for unknown values: a shelter that lists the genders it takes has not
said it takes someone whose gender was not recorded, so an unknown gender is matched only by
rows open to all genders (the gap shows up under ``gender = unknown`` and points at a data
gap as much as a service gap). An unknown age, nationality or language does not by itself
exclude anyone: the client is matched when some row could serve them under one reading.

The capacity rows considered are those of the data given: pass ``data.in_period(period)`` to
count only rows valid at some time in the period.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from tfanalysis.data import contract, taxonomy

__all__ = ["CRITERIA", "NEEDS_FRAME_VERSION", "age_band", "client_needs", "eligibility_flags", "match_needs", "needs_in_period"]

NEEDS_FRAME_VERSION = 2
"""How a period's needs get their client's attributes (:func:`needs_in_period`); 2: from every client.

Columns a report derives for the needs from them (a structural gap, a what-if segment) carry
it in their name: a ledger refuses one name with two meanings, and runs before version 2
called the needs of clients identified before the period ``unknown``.
"""

CRITERIA: tuple[str, ...] = ("age", "gender", "nationality", "language")
"""The eligibility criteria, in the order segments are reported."""

ADULT = "adult"
"""Age band of clients 18 and over (the ``serves_adults`` flag)."""

_CLIENT_COLUMNS = ("age", "gender", "nationality", "primary_language")  # the client's value of each criterion
_RULE_COLUMNS = ("serves_minors", "serves_adults", "serves_foreign_nationals", "genders", "languages")


def age_band(age_group: pd.Series) -> pd.Series:
    """Collapse contract age groups to the bands capacity rows distinguish.

    Examples
    --------
    >>> age_band(pd.Series(["minor", "25-34", "unknown", None])).tolist()
    ['minor', 'adult', 'unknown', 'unknown']
    """
    age = age_group.astype("string").fillna("unknown")
    band = np.where(age == "minor", "minor", np.where(age == "unknown", "unknown", ADULT))
    return pd.Series(band, index=age_group.index, dtype="string")


def client_needs(needs: pd.DataFrame, clients: pd.DataFrame) -> pd.DataFrame:
    """Needs with the attributes of their client (one row per need, the needs' order).

    Returns
    -------
    pandas.DataFrame
        The needs' columns plus ``county_fips``, ``age_group``, ``age`` (minor, adult,
        unknown), ``gender``, ``nationality``, ``primary_language``, ``trafficking_type``;
        attributes of a client not in ``clients`` are ``unknown``.

    Examples
    --------
    >>> needs = pd.DataFrame({"client_id": ["c1"], "need": ["food"]})
    >>> clients = pd.DataFrame({"client_id": ["c1"], "county_fips": ["10001"], "age_group": ["minor"],
    ...     "gender": ["male"], "nationality": ["us_citizen"], "primary_language": ["en"], "trafficking_type": ["sex"]})
    >>> client_needs(needs, clients)[["need", "age", "gender"]].values.tolist()
    [['food', 'minor', 'male']]
    """
    columns = ["county_fips", "age_group", "gender", "nationality", "primary_language", "trafficking_type"]
    people = clients.drop_duplicates("client_id").set_index("client_id")
    frame = needs.reset_index(drop=True).copy()
    for column in columns:
        values = frame["client_id"].map(people[column]) if column in people else pd.Series(pd.NA, index=frame.index)
        frame[column] = values.astype("string")
        if column != "county_fips":
            frame[column] = frame[column].fillna("unknown")
    frame["age"] = age_band(frame["age_group"])
    return frame


def needs_in_period(data: Any, period: Any = None, *, scoped: Any = None) -> pd.DataFrame:
    """The needs identified in a period with the attributes of their client (:func:`client_needs`).

    A need identified in the period may belong to a client identified before it: the client
    keeps their county, age and gender (``data.in_period`` keeps only the clients identified
    in the period, so joining its clients would call that need's client ``unknown`` and leave
    its county empty). Every per-need analysis of a period reads its needs from here.

    Parameters
    ----------
    data : TaskForceData
        The whole dataset (of a region, if restricted to one).
    period : str, (start, end) pair or None
        See :mod:`tfanalysis.data.periods`; None: every need.
    scoped : TaskForceData, optional
        ``data.in_period(period)``, when the caller holds it already (not worked out twice).

    Examples
    --------
    >>> import tfanalysis as tf
    >>> data = tf.load_dataset(DEMO_DIR)
    >>> frame = needs_in_period(data, "2025Q4")
    >>> quarter = data.in_period("2025Q4")  # its clients: those identified in the quarter
    >>> int(frame["county_fips"].isna().sum()), int(client_needs(quarter.needs, quarter.clients)["county_fips"].isna().sum()) > 0
    (0, True)
    """
    return client_needs((scoped if scoped is not None else data.in_period(period)).needs, data.clients)


def _capacity_rules(capacity: pd.DataFrame) -> pd.DataFrame:
    """Capacity eligibility columns in a form boolean operations can use."""
    genders = capacity["genders"].astype("string").str.lower().str.strip().fillna(contract.ALL_GENDERS)
    languages = capacity["languages"].astype("string").str.lower().str.strip().fillna(contract.ANY_LANGUAGE)
    sep = contract.LIST_SEPARATOR
    return pd.DataFrame(
        {
            "capacity_row": capacity.index,
            "service": capacity["service"].astype("string").to_numpy(),
            "serves_minors": capacity["serves_minors"].fillna(False).astype(bool).to_numpy(),
            "serves_adults": capacity["serves_adults"].fillna(False).astype(bool).to_numpy(),
            "serves_foreign_nationals": capacity["serves_foreign_nationals"].fillna(False).astype(bool).to_numpy(),
            # padded with separators so that a code matches as a whole item: ";en;es;"
            "genders": (sep + genders.str.replace(" ", "") + sep).to_numpy(),
            "languages": (sep + languages.str.replace(" ", "") + sep).to_numpy(),
            "capacity_per_month": pd.to_numeric(capacity["capacity_per_month"], errors="coerce").fillna(0).astype(float).to_numpy(),
        }
    )


def _contains_item(padded_lists: pd.Series, items: pd.Series) -> np.ndarray:
    """Row by row: is ``item`` one of the ``;``-separated items of the padded list ``;a;b;``?"""
    sep = contract.LIST_SEPARATOR
    haystack = padded_lists.astype(str).to_numpy(dtype=str)
    needle = (sep + items.astype(str) + sep).to_numpy(dtype=str)
    return np.char.find(haystack, needle) >= 0  # elementwise; numpy 1.26 has no np.strings


def eligibility_flags(pairs: pd.DataFrame) -> pd.DataFrame:
    """Evaluate each criterion on rows pairing a client-need with a capacity row.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Columns ``age``, ``gender``, ``nationality``, ``primary_language`` (client) and
        ``serves_minors``, ``serves_adults``, ``serves_foreign_nationals``, ``genders``,
        ``languages`` (capacity; lists padded as ``;a;b;``).

    Returns
    -------
    pandas.DataFrame
        Boolean columns ``age``, ``gender``, ``nationality``, ``language``, ``eligible``.

    Examples
    --------
    >>> pairs = pd.DataFrame({"age": ["adult", "unknown"], "gender": ["male", "unknown"],
    ...     "nationality": ["foreign_national", "unknown"], "primary_language": ["es", "unknown"],
    ...     "serves_minors": [False, True], "serves_adults": [True, False],
    ...     "serves_foreign_nationals": [True, False], "genders": [";female;nonbinary;", ";female;"],
    ...     "languages": [";en;es;", ";en;"]})
    >>> eligibility_flags(pairs).values.tolist()
    [[True, False, True, True, False], [True, False, True, True, False]]
    """
    sep = contract.LIST_SEPARATOR
    age = pairs["age"].to_numpy(dtype=object)
    minors, adults = pairs["serves_minors"].to_numpy(bool), pairs["serves_adults"].to_numpy(bool)
    age_ok = np.where(age == "minor", minors, np.where(age == ADULT, adults, minors | adults))
    gender = pairs["gender"].astype(str)
    all_genders = pairs["genders"].astype(str) == f"{sep}{contract.ALL_GENDERS}{sep}"
    listed = _contains_item(pairs["genders"], gender)
    gender_ok = all_genders.to_numpy() | (listed & (gender != "unknown").to_numpy())
    foreign_ok = (pairs["nationality"].astype(str) != "foreign_national").to_numpy() | pairs["serves_foreign_nationals"].to_numpy(bool)
    language = pairs["primary_language"].astype(str).str.lower()
    any_language = pairs["languages"].astype(str) == f"{sep}{contract.ANY_LANGUAGE}{sep}"
    speaks = _contains_item(pairs["languages"], language)
    language_ok = any_language.to_numpy() | speaks | language.isin(["unknown", "<na>", "nan", ""]).to_numpy()
    flags = pd.DataFrame({"age": age_ok, "gender": gender_ok, "nationality": foreign_ok, "language": language_ok}, index=pairs.index)
    flags["eligible"] = flags.all(axis=1)
    return flags.astype(bool)


def _factorize_rows(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Code each row by its values in ``columns``; a missing value is a value of its own.

    Returns the codes (0 … k-1, in order of first appearance) and the k distinct rows, so
    that ``distinct.iloc[codes]`` gives ``frame[columns]`` back.
    """
    columns = list(columns)
    if len(frame) == 0:
        return np.zeros(0, dtype=np.int64), frame[columns].iloc[0:0].reset_index(drop=True)
    parts, sizes = [], []
    for column in columns:
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        parts.append(codes.astype(np.int64))
        sizes.append(max(len(uniques), 1))
    if float(np.prod(np.asarray(sizes, dtype=float))) < 2.0**62:
        key = np.ravel_multi_index(parts, sizes)
    else:  # too many combinations for one integer: hash the tuples
        key = pd.MultiIndex.from_arrays(parts).factorize()[0]
    codes = pd.factorize(key)[0].astype(np.int64)
    first = np.unique(codes, return_index=True)[1]
    return codes, frame[columns].iloc[first].reset_index(drop=True)


def _need_service_codes(needs: pd.Index, services: pd.Index) -> pd.DataFrame:
    """Every (need, service) pair, as positions in ``needs`` and ``services``, where the service meets the need."""
    need_pos, service_pos = np.meshgrid(np.arange(len(needs)), np.arange(len(services)), indexing="ij")
    need_pos, service_pos = need_pos.ravel(), service_pos.ravel()
    codes = pd.Series(np.asarray(needs, dtype=object)[need_pos], dtype="string")
    offered = pd.Series(np.asarray(services, dtype=object)[service_pos], dtype="string")
    keep = taxonomy.service_covers_need(offered, codes).to_numpy(bool) if len(codes) else np.zeros(0, bool)
    return pd.DataFrame({"need": need_pos[keep], "service": service_pos[keep]})


_SUBSETS = np.arange(2 ** len(CRITERIA))
_SUBSET_SIZE = np.array([bin(s).count("1") for s in _SUBSETS])
# tie-break between equally small sets: criteria earlier in CRITERIA first ({age, gender} before {age, language})
_SUBSET_RANK = np.array(
    [sorted(_SUBSETS.tolist(), key=lambda t: (bin(t).count("1"), [k for k in range(len(CRITERIA)) if t >> k & 1])).index(s) for s in _SUBSETS]
)


def _fail_bits(flags: pd.DataFrame) -> np.ndarray:
    """One integer per row: bit k set when the row fails criterion ``CRITERIA[k]``."""
    bits = np.zeros(len(flags), dtype=np.int64)
    for k, criterion in enumerate(CRITERIA):
        bits |= (~flags[criterion].to_numpy(bool)).astype(np.int64) << k
    return bits


def _excluding_sets(groups: pd.DataFrame, offers: pd.DataFrame) -> np.ndarray:
    """Per (need, profile) group: the smallest set of criteria on which every offering row fails it.

    ``groups``: one row per group, ``need``, ``needs`` (how many client-needs) and the
    profile's value codes ``v_<criterion>``; ``offers``: ``group`` and ``bits`` (failed
    criteria) of each rule class offering the need. A set S *excludes* the group when every
    offering row fails at least one criterion of S: then every client sharing the group's
    values on S is excluded too, whatever their other values, so the gap is that segment.
    Among the smallest such sets the one holding the most needs wins (fragments of one
    gap merge into it), then the order of :data:`CRITERIA`. A group that some row serves
    gets the empty set; one that no row offers at all, the empty set too (nobody is served).

    Returns a bit mask per group (bit k: ``CRITERIA[k]``).
    """
    k = len(groups)
    valid = np.ones((k, len(_SUBSETS)), dtype=bool)
    if len(offers):
        hits = (offers["bits"].to_numpy()[:, None] & _SUBSETS[None, :]) != 0
        every = pd.DataFrame(hits).groupby(offers["group"].to_numpy()).all()
        valid[every.index.to_numpy()] = every.to_numpy(bool)
    excluded = valid.any(axis=1)
    chosen = np.zeros(k, dtype=np.int64)
    if not excluded.any():
        return chosen
    # the smallest sets; then the one holding the most needs: those of the same need code
    # sharing the group's values on the set (counted over every group, excluded or not)
    size = np.where(valid, _SUBSET_SIZE[None, :], len(CRITERIA) + 1)
    smallest = valid & (size == size.min(axis=1, keepdims=True))
    held = np.zeros((k, len(_SUBSETS)), dtype=np.int64)
    needs = groups["needs"].to_numpy(np.int64)
    for s in np.flatnonzero(smallest[excluded].any(axis=0)):
        parts = [groups["need"].to_numpy(np.int64), *[groups[f"v_{c}"].to_numpy(np.int64) for i, c in enumerate(CRITERIA) if s >> i & 1]]
        key = np.ravel_multi_index(parts, [int(p.max()) + 1 for p in parts])
        _, inverse = np.unique(key, return_inverse=True)
        held[:, s] = np.bincount(inverse, weights=needs)[inverse].astype(np.int64)
    score = np.where(smallest, (int(needs.sum()) + 1 - held) * len(_SUBSETS) + _SUBSET_RANK[None, :], np.iinfo(np.int64).max)
    chosen[excluded] = _SUBSETS[score[excluded].argmin(axis=1)]
    return chosen


def match_needs(needs: pd.DataFrame, capacity: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """For every client-need, is there a member that could meet it, where the client is?

    Parameters
    ----------
    needs : pandas.DataFrame
        Client-needs as from :func:`client_needs` (``need``, ``county_fips``, ``age``,
        ``gender``, ``nationality``, ``primary_language``).
    capacity, members : pandas.DataFrame
        Contract tables (the rows to consider, e.g. valid in the period).

    Returns
    -------
    pandas.DataFrame
        ``needs`` (index reset) plus boolean columns:

        - ``offered_in_county``: some row meeting the need serves the county;
        - ``eligible_in_county``: some such row is eligible for the client (*matched*);
        - ``eligible_anywhere``: some row meeting the need, in any county, is eligible;
        - ``blocked_<criterion>`` for age, gender, nationality, language: some row meeting
          the need (anywhere) fails this criterion for the client;

        then ``eligible_places``: the monthly places of the eligible rows serving the county;
        and ``excluded_by_<criterion>``: where ``eligible_anywhere`` is False, the criteria
        of the smallest set on which every row meeting the need fails the client — the
        segment (the client's values on these criteria) that no member serves; all False
        when no row meets the need at all, and where some row is eligible.

    Notes
    -----
    Eligibility depends on the client only through the *profile* (age band, gender,
    nationality, language) and on a capacity row only through its *rule* (the four
    eligibility columns), so it is decided once per profile × rule that occurs, and the
    county once per need × profile × county segment against the places per service ×
    county × rule: memory grows with the segments, not with needs × capacity rows.

    Examples
    --------
    >>> members = pd.DataFrame({"member_id": ["m1"], "county_fips": ["10001"], "lat": [39.16],
    ...     "lon": [-75.50], "confidential_location": [False]})
    >>> capacity = pd.DataFrame({"member_id": ["m1"], "service": ["housing_emergency"],
    ...     "capacity_per_month": [4], "service_area": ["10001"], "serves_minors": [False],
    ...     "serves_adults": [True], "genders": ["female"], "serves_foreign_nationals": [True], "languages": ["any"]})
    >>> needs = pd.DataFrame({"need": ["housing_emergency"] * 3, "county_fips": ["10001", "10001", "10003"],
    ...     "age": ["adult"] * 3, "gender": ["female", "male", "female"], "nationality": ["us_citizen"] * 3,
    ...     "primary_language": ["en"] * 3})
    >>> match_needs(needs, capacity, members)[["eligible_in_county", "eligible_anywhere", "blocked_gender"]].values.tolist()
    [[True, True, False], [False, False, True], [False, True, False]]
    """
    from tfanalysis.analyses.service_areas import served_counties  # geography: imported when matching

    frame = needs.reset_index(drop=True).copy()
    n = len(frame)
    capacity = capacity.reset_index(drop=True)  # row positions identify the capacity rows below
    rules = _capacity_rules(capacity)
    rule, rule_values = _factorize_rows(rules, _RULE_COLUMNS)
    service, services = pd.factorize(rules["service"])
    need, need_values = pd.factorize(frame["need"].astype("string"))
    profile, profile_values = _factorize_rows(frame, _CLIENT_COLUMNS)
    county, county_values = pd.factorize(frame["county_fips"].astype("string"))
    covers = _need_service_codes(need_values, services)

    # (need, profile) groups and the rule classes offering the need anywhere
    known = need >= 0
    group_of = np.full(n, -1, dtype=np.int64)
    group_of[known], groups = _factorize_rows(pd.DataFrame({"need": need[known], "profile": profile[known]}), ["need", "profile"])
    groups["needs"] = np.bincount(group_of[known], minlength=len(groups))
    groups["group"] = np.arange(len(groups))
    offered = pd.DataFrame({"service": service, "rule": rule})[service >= 0].drop_duplicates()
    anywhere = groups[["group", "need", "profile"]].merge(covers, on="need").merge(offered, on="service")
    anywhere = anywhere[["group", "profile", "rule"]].drop_duplicates()

    # (need, profile, county) segments and the places per service x county x rule serving them
    here = known & (county >= 0)
    segment_of = np.full(n, -1, dtype=np.int64)
    segment_of[here], segments = _factorize_rows(
        pd.DataFrame({"need": need[here], "profile": profile[here], "county": county[here]}), ["need", "profile", "county"]
    )
    segments["segment"] = np.arange(len(segments))
    served = served_counties(capacity, members)[["capacity_row", "county_fips"]]
    row = served["capacity_row"].to_numpy(dtype=np.int64)
    supply = pd.DataFrame({
        "service": service[row],
        "county": pd.Index(county_values).get_indexer(served["county_fips"].astype("string")),
        "rule": rule[row],
        "places": rules["capacity_per_month"].to_numpy(float)[row],
    })
    supply = supply[(supply["service"] >= 0) & (supply["county"] >= 0)]
    supply = supply.groupby(["service", "county", "rule"], sort=False)["places"].sum().reset_index()
    local = segments.merge(covers, on="need").merge(supply, on=["service", "county"])[["segment", "profile", "rule", "places"]]

    # eligibility, once per profile x rule that occurs
    wanted = pd.concat([anywhere[["profile", "rule"]], local[["profile", "rule"]]], ignore_index=True).drop_duplicates(ignore_index=True)
    pairs = pd.concat(
        [profile_values.iloc[wanted["profile"].to_numpy()].reset_index(drop=True), rule_values.iloc[wanted["rule"].to_numpy()].reset_index(drop=True)],
        axis=1,
    )
    wanted["bits"] = _fail_bits(eligibility_flags(pairs)) if len(pairs) else np.zeros(0, dtype=np.int64)
    anywhere = anywhere.merge(wanted, on=["profile", "rule"])
    local = local.merge(wanted, on=["profile", "rule"])

    per_group = pd.DataFrame({"group": anywhere["group"].to_numpy(), "eligible": anywhere["bits"].to_numpy() == 0})
    for k, criterion in enumerate(CRITERIA):
        per_group[criterion] = (anywhere["bits"].to_numpy() >> k & 1).astype(bool)
    per_group = per_group.groupby("group").any().reindex(groups["group"], fill_value=False)
    value_codes = {f"v_{c}": pd.factorize(profile_values[column], use_na_sentinel=False)[0][groups["profile"].to_numpy()]
                   for c, column in zip(CRITERIA, _CLIENT_COLUMNS)}
    excluding = _excluding_sets(groups.assign(**value_codes), anywhere[["group", "bits"]])

    eligible_local = local["bits"].to_numpy() == 0
    per_segment = pd.DataFrame({
        "segment": local["segment"].to_numpy(),
        "offered": True,
        "eligible": eligible_local,
        "places": np.where(eligible_local, local["places"].to_numpy(float), 0.0),
    }).groupby("segment").agg(offered=("offered", "any"), eligible=("eligible", "any"), places=("places", "sum"))
    per_segment = per_segment.reindex(segments["segment"]).fillna({"offered": False, "eligible": False, "places": 0.0})

    # back to the client-needs
    def spread(values: np.ndarray, where: np.ndarray, fill: object) -> np.ndarray:
        out = np.full(n, fill, dtype=np.asarray(values).dtype)
        out[where >= 0] = np.asarray(values)[where[where >= 0]]
        return out

    frame["offered_in_county"] = spread(per_segment["offered"].to_numpy(bool), segment_of, False)
    frame["eligible_in_county"] = spread(per_segment["eligible"].to_numpy(bool), segment_of, False)
    frame["eligible_anywhere"] = spread(per_group["eligible"].to_numpy(bool), group_of, False)
    for criterion in CRITERIA:
        frame[f"blocked_{criterion}"] = spread(per_group[criterion].to_numpy(bool), group_of, False)
    frame["eligible_places"] = spread(per_segment["places"].to_numpy(float), segment_of, 0.0)
    for k, criterion in enumerate(CRITERIA):
        frame[f"excluded_by_{criterion}"] = spread((excluding >> k & 1).astype(bool), group_of, False)
    return frame
