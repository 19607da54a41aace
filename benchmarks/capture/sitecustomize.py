"""Save the reader's programs whose ranges take long to work out, from a real run (benchmarks only).

Put this folder first on ``PYTHONPATH`` and name a folder in ``CAPTURE_DIR``; every kernel of
the run then saves each call of ``ReaderProgram.extents_of_ranged`` that takes more than two
seconds on 50 ranges or more (the program, the ranges asked, the extents found, the seconds).
``benchmarks/replay_extents.py`` solves them again, on this code and on another commit's::

    CAPTURE_DIR=/tmp/cap PYTHONPATH=benchmarks/capture .venv/bin/tfanalysis run --data D --out R --period 2025H1 --only 02

The saved programs hold the true counts of the dataset: capture demo data only, never a task
force's.
"""

import os

if os.environ.get("CAPTURE_DIR"):
    import builtins
    import pickle
    import time

    _import = builtins.__import__
    _patched = [False]

    def _patch() -> None:
        import numpy as np
        from tfanalysis.publication import program

        solve = program.ReaderProgram.extents_of_ranged
        saved = [0]

        def extents_of_ranged(self, ranged, earlier=None, proven=()):
            started = time.perf_counter()
            out = solve(self, ranged, earlier, proven)
            seconds = time.perf_counter() - started
            if np.asarray(ranged).size >= 50 and seconds > 2:
                saved[0] += 1
                with open(os.path.join(os.environ["CAPTURE_DIR"], f"extents-{os.getpid()}-{saved[0]:03d}.pkl"), "wb") as f:
                    pickle.dump({"a_eq": self.a_eq, "b_eq": self.b_eq, "a_range": self.a_range, "lower": self.lower,
                                 "upper": self.upper, "ranged": np.asarray(ranged), "earlier": earlier is not None, "proven": len(proven),
                                 "lo": out.lo, "hi": out.hi, "seconds": seconds}, f)
            return out

        program.ReaderProgram.extents_of_ranged = extents_of_ranged

    def _importing(name, *args, **kwargs):
        module = _import(name, *args, **kwargs)
        if not _patched[0] and name.startswith("tfanalysis.publication"):
            _patched[0] = True
            _patch()
        return module

    builtins.__import__ = _importing
