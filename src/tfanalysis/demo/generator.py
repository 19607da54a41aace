"""The demo task force written as a dataset folder, atomically."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from tfanalysis.demo.story import DEFAULT_SEED
from tfanalysis.demo.tables import _staged, _tables


def generate(out_dir: str | os.PathLike[str], seed: int = DEFAULT_SEED, *, clients: int | None = None) -> Path:
    """Write the demo task force, one CSV file per contract table, into ``out_dir``.

    The folder is created if missing. Files of the same names are replaced; other files
    are left alone. The tables are written to a temporary folder beside ``out_dir`` first
    and moved in only once all are complete, so a crash never leaves a half-written table.

    Parameters
    ----------
    out_dir : str or path-like
        The dataset folder to write.
    seed : int, default :data:`DEFAULT_SEED`
        Seed of :func:`numpy.random.default_rng`. The same seed gives byte-identical
        files; another seed gives another task force with the same planted patterns
        (:data:`PLANTED`).
    clients : int, optional
        None (default): the documented Ohio demo of 600 clients. A number: the
        national-scale variant for benchmarks (:mod:`tfanalysis.demo.scale`), that many
        clients in regional chapters of 600 across several states, members, capacity,
        referrals, cases, activities and survey in proportion; not the Ohio demo, even at 600.

    Returns
    -------
    pathlib.Path
        ``out_dir``, holding ``members.csv``, ``capacity.csv``, ``clients.csv``,
        ``needs.csv``, ``referrals.csv``, ``cj_events.csv``, ``activities.csv``,
        ``attendance.csv`` and ``survey.csv``.

    Raises
    ------
    TypeError
        If ``seed`` is not an integer.

    See Also
    --------
    tfanalysis.load_dataset : read and validate the folder.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = generate(tmp)
    ...     members = pd.read_csv(folder / "members.csv", dtype=str)
    ...     clients = pd.read_csv(folder / "clients.csv", dtype=str)
    >>> len(members), members["sector"].nunique(), len(clients)
    (42, 10, 600)
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, got {type(seed).__name__}: pass e.g. seed=7")
    if clients is not None:
        from tfanalysis.demo import scale

        return scale.generate(out_dir, clients, seed=int(seed))
    out = Path(out_dir)
    tables = _tables(int(seed))
    with _staged(out, tables) as staging:
        for name, table in tables.items():
            table.to_csv(staging / f"{name}.csv", index=False, lineterminator="\n", encoding="utf-8")
    return out
