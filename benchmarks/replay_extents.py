"""Solve saved reader's programs again on this code and on another commit's, and compare (benchmarks only).

The programs are saved from a run by ``benchmarks/capture/sitecustomize.py``. Each is solved
in turn by the two codes (so that a machine whose speed drifts slows both alike); the extents
must equal the saved ones::

    .venv/bin/python benchmarks/replay_extents.py /tmp/cap 6320db6
"""

from __future__ import annotations

import argparse
import importlib.util
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from tfanalysis.publication import program as this_code


def program_of(commit: str):
    """``tfanalysis.publication.program`` as it was at ``commit``."""
    source = subprocess.run(["git", "show", f"{commit}:src/tfanalysis/publication/program.py"], check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "program_then.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("program_then", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the folder of saved programs (CAPTURE_DIR)")
    parser.add_argument("commit", help="the code to compare with")
    args = parser.parse_args(argv)
    codes = {args.commit: program_of(args.commit), "this code": this_code}
    seconds = dict.fromkeys(codes, 0.0)
    first = dict.fromkeys(codes, 0.0)
    same = True
    saved = sorted(args.folder.glob("extents-*.pkl"))
    for path in saved:
        with open(path, "rb") as f:
            p = pickle.load(f)
        carried = bool(np.isfinite(p["upper"][p["ranged"]]).mean() > 0.5)  # most ranges carried from another cube
        for name, code in codes.items():
            lp = code.ReaderProgram(p["a_eq"], p["b_eq"], p["a_range"], p["lower"], p["upper"])
            started = time.perf_counter()
            out = lp.extents_of_ranged(p["ranged"])
            took = time.perf_counter() - started
            seconds[name] += took
            first[name] += 0.0 if carried else took
            same &= bool(np.allclose(out.lo, p["lo"], atol=1e-6, equal_nan=True) and np.allclose(out.hi, p["hi"], atol=1e-6, equal_nan=True))
    for name in codes:
        print(f"{name}: {seconds[name]:.1f} s for {len(saved)} programs ({first[name]:.1f} s of them on ranges worked out first)")
    print("the same extents as saved" if same else "EXTENTS DIFFER")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
