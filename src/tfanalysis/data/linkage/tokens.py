"""Exact-match tokens: keyed hashes of combinations of normalized identifiers.

A token is HMAC-SHA256, under a key derived from the shared secret and the token's
name, of a few normalized fields joined together (``robert|garcia|1990-05-14``). Two
records of the same person written the same way give the same token; without the
secret, nobody can compute the token of a guessed name. Each kind of token forgives
one kind of error: ``first_dob_sex`` survives a changed surname, ``last_dob`` a
misspelled given name, ``names_any_order`` swapped names and a transposed day and
month, ``name_year`` an unknown or mistyped day and month of birth, ``name_month_day``
a mistyped year, ``sounds_year`` small misspellings in either order. The coordinator
only uses tokens to find candidate pairs (blocking); the pairs are scored on the Bloom
filters (:mod:`tfanalysis.data.linkage.bloom`).

Every token combines at least two fields, one of them the date of birth or the whole
name: a token of one common field alone (a birth year, a surname) would show the
coordinator how often each value occurs.

Examples
--------
>>> import pandas as pd
>>> from tfanalysis.data.linkage.normalize import normalize_identifiers
>>> ids = normalize_identifiers(pd.DataFrame({"first_name": ["Bob", "Robert", "Smith"], "last_name": ["Smith", "SMITH", "Bob"],
...                                           "date_of_birth": ["1990-05-07", "1990-05-07", "1990-07-05"], "sex": "m"}))
>>> toks = encode_tokens(ids, b"k" * 32)
>>> bool(set(toks.loc[0, "name_dob"].split(";")) & set(toks.loc[1, "name_dob"].split(";")))  # Bob is Robert
True
>>> toks.loc[0, "names_any_order"] == toks.loc[2, "names_any_order"], toks.loc[0, "name_dob"] == toks.loc[2, "name_dob"]
(True, False)
"""

from __future__ import annotations

import jellyfish
import numpy as np
import pandas as pd

from tfanalysis.data.linkage.keys import derive_key, keyed_digests

TOKENS: dict[str, tuple[str, ...]] = {
    "name_dob": ("first_form", "last_word", "dob"),
    "name_year": ("first_form", "last_word", "birth_year"),
    "name_month_day": ("first_form", "last_word", "month_day_any_order"),
    "names_any_order": ("names_sorted", "dob_any_order"),
    "names_any_order_year": ("names_sorted", "birth_year"),
    "first_dob_sex": ("first_form", "dob", "sex"),
    "last_dob": ("last_word", "dob"),
    "sounds_year": ("sounds_sorted", "birth_year"),
    "initials_dob": ("initials", "dob_any_order"),
    "phone_first": ("phone", "first_initial"),
}
"""Token name → the normalized parts it joins. A part may hold several values
(``;``-separated: the forms of a nickname, the words of a compound surname); the token
then has one value per combination."""

TOKEN_BYTES = 16
"""Tokens keep the first 16 bytes (128 bits) of the HMAC: collisions stay negligible."""


def token_parts(ids: pd.DataFrame) -> pd.DataFrame:
    """The parts tokens are made of, from normalized identifiers (empty where unknown).

    Examples
    --------
    >>> from tfanalysis.data.linkage.normalize import normalize_identifiers
    >>> ids = normalize_identifiers(pd.DataFrame({"first_name": ["Ana"], "last_name": ["Ruiz Paz"], "date_of_birth": ["1999-12-03"]}))
    >>> token_parts(ids).loc[0, ["last_word", "dob", "dob_any_order", "names_sorted", "initials"]].tolist()
    ['ruiz;paz', '1999-12-03', '1999|03|12', 'ana paz ruiz', 'ar']
    """
    year = ids["birth_year"].astype("string")
    month = ids["birth_month"].astype("string").str.zfill(2)
    day = ids["birth_day"].astype("string").str.zfill(2)
    low = ids[["birth_month", "birth_day"]].min(axis=1).astype("Int64").astype("string").str.zfill(2)
    high = ids[["birth_month", "birth_day"]].max(axis=1).astype("Int64").astype("string").str.zfill(2)
    complete = ids[["birth_year", "birth_month", "birth_day"]].notna().all(axis=1)
    full = (ids["first"].fillna("") + " " + ids["last"].fillna("")).str.strip()
    return pd.DataFrame(
        {
            "first_form": ids["first_forms"],
            "last_word": ids["last"].str.replace(" ", ";", regex=False),
            "dob": (year + "-" + month + "-" + day).where(complete),
            "dob_any_order": (year + "|" + low + "|" + high).where(complete),
            "month_day_any_order": (low + "|" + high).where(ids["birth_month"].notna() & ids["birth_day"].notna()),
            "birth_year": year,
            "sex": ids["sex"],
            "names_sorted": _sorted_words(full),
            "sounds_sorted": _sounds(full),
            "initials": (ids["first"].str[0] + ids["last"].str[0]).astype("string"),
            "first_initial": ids["first"].str[0].astype("string"),
            "phone": ids["phone"],
        },
        index=ids.index,
    ).astype("string")


def _sorted_words(names: pd.Series) -> pd.Series:
    """The words of each name in alphabetical order (two words at least), once per distinct name."""
    unique = names.dropna().unique()
    ordered = pd.Series([" ".join(sorted(n.split())) if len(n.split()) >= 2 else None for n in unique], index=unique, dtype="object")
    return names.map(ordered).astype("string")


def _sounds(names: pd.Series) -> pd.Series:
    """The Metaphone codes (jellyfish) of the words of each name, in alphabetical order, once per distinct name."""
    unique = names.dropna().unique()
    codes = pd.Series([" ".join(sorted(jellyfish.metaphone(w) or w for w in n.split())) if len(n.split()) >= 2 else None for n in unique], index=unique, dtype="object")
    return names.map(codes).astype("string")


def encode_tokens(ids: pd.DataFrame, secret: bytes, tokens: dict[str, tuple[str, ...]] = TOKENS) -> pd.DataFrame:
    """Compute the keyed tokens of normalized identifiers.

    Parameters
    ----------
    ids : pandas.DataFrame
        From :func:`tfanalysis.data.linkage.normalize.normalize_identifiers`.
    secret : bytes
        The shared linkage secret.
    tokens : dict, optional
        Token name → parts (default :data:`TOKENS`).

    Returns
    -------
    pandas.DataFrame
        Same index, one ``string`` column per token: hex digests, ``;``-separated when a
        record has several, ``<NA>`` when a part is unknown.
    """
    parts = token_parts(ids)
    position = np.arange(len(ids))
    out = {}
    for name, needed in tokens.items():
        combos = pd.DataFrame({"record": position, "value": ""})
        for i, part in enumerate(needed):
            values = parts[part].reset_index(drop=True).str.split(";").explode().dropna()
            values = values[values != ""]
            combos = combos.merge(pd.DataFrame({"record": values.index.to_numpy(), "part": values.to_numpy()}), on="record")
            combos["value"] = combos["value"] + ("" if i == 0 else "|") + combos["part"]
            combos = combos.drop(columns="part")
        out[name] = _hash_values(combos, derive_key(secret, f"token:{name}"), len(ids))
    return pd.DataFrame(out, index=ids.index).astype("string")


def _hash_values(combos: pd.DataFrame, key: bytes, n: int) -> np.ndarray:
    """Hash each distinct value once; join each record's tokens with ``;``."""
    result = np.full(n, None, dtype=object)
    if combos.empty:
        return result
    unique = combos["value"].drop_duplicates()
    digests = pd.Series([d[:TOKEN_BYTES].hex() for d in keyed_digests(key, unique)], index=unique.to_numpy())
    combos = combos.assign(token=combos["value"].map(digests)).drop_duplicates(["record", "token"]).sort_values(["record", "token"])
    combos["rank"] = combos.groupby("record").cumcount()
    wide = combos.pivot(index="record", columns="rank", values="token")
    joined = wide[0].str.cat([wide[c] for c in wide.columns[1:]], sep=";", na_rep="").str.rstrip(";") if wide.shape[1] > 1 else wide[0]
    result[wide.index.to_numpy()] = joined.to_numpy(dtype=object)
    return result
