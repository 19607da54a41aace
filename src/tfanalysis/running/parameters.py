"""Run parameters, checked before the first kernel starts.

A scheduled run must not find out in its third notebook that ``site_count`` is
``"three"``, nor turn a threshold of ``10.9`` into ``10`` without a word. Every parameter
of a run is checked here, all at once, against

- the type its notebook declares in the ``parameters`` cell (``site_count: int = 3``),
  read with papermill: a whole number for ``int`` (``10.0`` is 10, ``10.9`` is refused,
  ``true`` is not a number), a finite number for ``float``, text for ``str`` (a YAML date
  such as ``2024-07-01`` is taken as its ISO text; a number is refused, as YAML reads
  ``02134`` as an octal number), ``true``/``false`` for ``bool``;
- the meaning of the parameter, by name, wherever a notebook declares it
  (:data:`RULES`): bounds (``site_count`` at least 1), choices (``decay``), formats
  (``change_date`` a date, ``region`` a state or county FIPS codes).

Problems are returned as plain sentences naming the notebook and the parameter; the
runner joins them into one message.

Examples
--------
>>> check_value("site_count", "int", "three")
"must be a whole number (got the text 'three')"
>>> check_value("suppression_threshold", "int", 2)
'must be at least 3: with a threshold of 2 every hidden count could only be 1, which hides nothing'
>>> check_value("max_miles", "float", 25) is None
True
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

MIN_SUPPRESSION_THRESHOLD = 3
"""The smallest suppression threshold a run accepts. A threshold ``k`` hides counts of 1
to ``k - 1``; at 2 a hidden cell ("hidden", not zero) could only be 1, so hiding it tells the
reader the count. From 3 on a hidden cell has at least two possible values."""

MIN_BOOTSTRAP_RESAMPLES = 20
"""A 90 % interval takes the 5th and 95th percentiles of the resamples: with fewer than
20 there is no 5th percentile distinct from the smallest value."""


def _whole(value: Any) -> tuple[int | None, str | None]:
    if isinstance(value, bool):
        return None, f"must be a whole number (got {str(value).lower()})"
    if isinstance(value, int):
        return value, None
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value), None
        return None, f"must be a whole number (got {value:g})"
    return None, f"must be a whole number (got {describe_value(value)})"


def _number(value: Any) -> tuple[float | None, str | None]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, f"must be a number (got {describe_value(value)})"
    if not math.isfinite(value):
        return None, f"must be a finite number (got {value})"
    return float(value), None


def describe_value(value: Any) -> str:
    """A value as a message may name it: its kind, and the value unless it is long.

    Examples
    --------
    >>> describe_value("three"), describe_value(True), describe_value([1])
    ("the text 'three'", 'true', 'a list')
    """
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return f"{type(value).__name__} {value!r}"


def coerce(declared: str, value: Any) -> tuple[Any, str | None]:
    """Read a value as the type a notebook declares; return (value, problem or None).

    Examples
    --------
    >>> coerce("int", 10.0), coerce("int", 10.9)[1], coerce("str", _dt.date(2024, 7, 1))
    ((10, None), 'must be a whole number (got 10.9)', ('2024-07-01', None))
    >>> coerce("str", 2134)[1]
    'must be text (got int 2134): write it in quotes in the YAML file'
    """
    if declared == "int":
        return _whole(value)
    if declared == "float":
        return _number(value)
    if declared == "bool":
        if isinstance(value, bool):
            return value, None
        return None, f"must be true or false (got {describe_value(value)})"
    if declared == "str":
        if isinstance(value, str):
            return value, None
        if isinstance(value, _dt.date):  # YAML reads 2024-07-01 as a date
            return value.isoformat(), None
        return None, f"must be text (got {describe_value(value)}): write it in quotes in the YAML file"
    return value, None  # a type papermill could not infer: passed as given


# --------------------------------------------------------------------------- rules by name

Check = Callable[[Any], "str | None"]


def _at_least(low: float, why: str = "") -> Check:
    def check(value: Any) -> str | None:
        return None if value >= low else f"must be at least {low:g}" + (f": {why}" if why else "")

    return check


def _above(low: float) -> Check:
    def check(value: Any) -> str | None:
        return None if value > low else f"must be more than {low:g}"

    return check


def _one_of(choices: tuple[str, ...]) -> Check:
    def check(value: Any) -> str | None:
        return None if value in choices else "must be one of " + ", ".join(choices)

    return check


def _threshold(value: int) -> str | None:
    if value >= MIN_SUPPRESSION_THRESHOLD:
        return None
    if value == 2:
        return f"must be at least {MIN_SUPPRESSION_THRESHOLD}: with a threshold of 2 every hidden count could only be 1, which hides nothing"
    return f"must be at least {MIN_SUPPRESSION_THRESHOLD}: a threshold of {value} hides no count at all"


def _date_or_empty(value: str) -> str | None:
    if not value.strip():
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            _dt.date.fromisoformat(value.strip())
            return None
        except ValueError:
            pass
    return "must be a date written YYYY-MM-DD, or empty"


def _wave_dates(value: str) -> str | None:
    from tfanalysis.analyses.collaboration.survey import parse_wave_dates

    try:
        parse_wave_dates(value)
    except ValueError:
        return "must be wave:date pairs separated by ';', like 1:2023-06-15;2:2024-03-15, or empty"
    return None


def _network_periods(value: str) -> str | None:
    parts = [p.strip() for p in value.split(";") if p.strip()]
    if not parts:
        return None
    if len(parts) != 2 or not all(re.fullmatch(r"\d{4}(Q[1-4]|H[12])?", p.upper()) for p in parts):
        return "must be two periods separated by ';', like 2024Q2;2025Q4, or empty"
    return None


def _frequency(value: str) -> str | None:
    from tfanalysis.analyses.collaboration.periods import freq_code

    try:
        freq_code(value)
    except ValueError:
        return "must be Q (quarters), H (half-years), M (months) or Y (years)"
    return None


def _decay(value: str) -> str | None:
    from tfanalysis.analyses.coverage import DECAYS

    return _one_of(DECAYS)(value)


def _services(value: str) -> str | None:
    from tfanalysis.data.taxonomy import SERVICE_CODES

    unknown = [p.strip() for p in value.split(";") if p.strip() and p.strip() not in SERVICE_CODES]
    if unknown:
        return f"must be service codes of the taxonomy separated by ';' (not codes: {', '.join(unknown)})"
    return None


def _service(value: str) -> str | None:
    if ";" in value:
        return "must be one service code of the taxonomy, or empty"
    return _services(value)


def region_problem(value: str) -> str | None:
    """Why a region is not a state or a list of county FIPS codes, or None.

    Examples
    --------
    >>> region_problem("OH") is None, region_problem("39049;39041") is None, region_problem("") is None
    (True, True, True)
    >>> region_problem("ZZ")
    "must be a state (OH, Ohio or 39) or county FIPS codes separated by ';' (not understood: 'ZZ')"
    """
    from tfanalysis.geo import state_fips

    wrong = []
    for part in (p.strip() for p in value.split(";")):
        if not part or re.fullmatch(r"\d{5}", part):
            continue
        try:
            state_fips(part)
        except (ValueError, KeyError):
            wrong.append(part)
    if wrong:
        return "must be a state (OH, Ohio or 39) or county FIPS codes separated by ';' (not understood: " + ", ".join(map(repr, wrong)) + ")"
    return None


RULES: dict[str, Check] = {
    "suppression_threshold": _threshold,
    "site_count": _at_least(1),
    "heatmap_counties": _at_least(1),
    "profile_count": _at_least(1),
    "forecast_quarters": _at_least(1),
    "map_services": _at_least(1),
    "bootstrap_resamples": _at_least(MIN_BOOTSTRAP_RESAMPLES, "a 90% interval needs at least 20 resamples"),
    "max_miles": _above(0),
    "decay": _decay,
    "freq": _frequency,
    "change_date": _date_or_empty,
    "survey_wave_dates": _wave_dates,
    "network_periods": _network_periods,
    "services": _services,
    "site_service": _service,
    "region": region_problem,
}
"""What each parameter means, wherever a notebook declares it: value → problem or None."""


def check_value(name: str, declared: str, value: Any) -> str | None:
    """The problem with one parameter value, or None.

    Parameters
    ----------
    name : str
        The parameter.
    declared : str
        Its type as the notebook declares it (papermill's ``inferred_type_name``).
    value : object
        The value given (from YAML or the command line).
    """
    return check_and_coerce(name, declared, value)[1]


def check_and_coerce(name: str, declared: str, value: Any) -> tuple[Any, str | None]:
    """Read a value as its declared type and check its meaning; return (value, problem)."""
    typed, problem = coerce(declared, value)
    if problem is None and name in RULES:
        problem = RULES[name](typed)
    return typed, problem
