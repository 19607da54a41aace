"""Benchmark: privacy-preserving record linkage on synthetic populations with known truth.

Run::

    .venv/bin/python benchmarks/bench_linkage.py             # 10,000 and 100,000 identities, then 100k x 100k timing
    .venv/bin/python benchmarks/bench_linkage.py --quick     # 10,000 identities only
    .venv/bin/python benchmarks/bench_linkage.py --sizes 20000 --seed 5
    .venv/bin/python benchmarks/bench_linkage.py --quick --error-scale 0.5   # every error rate halved
    .venv/bin/python benchmarks/bench_linkage.py --seed 7 --no-scale          # a second population, no 100k x 100k
    .venv/bin/python benchmarks/bench_linkage.py --without-case-fields        # names, dates, sex and phone only

Part 1 — quality: a population of N people seen by three agencies (police, shelter, legal
aid; each sees a person with probability 0.6, everyone by at least one) with the
realistic errors of :class:`tfanalysis.data.linkage.synthetic.RecordErrors`. Each agency's
export is encoded (:func:`tfanalysis.data.linkage.encode.encode_export`) and the three files
linked (:func:`tfanalysis.data.linkage.match.link_records`). Pairwise precision, recall and
F1 against the truth, recall by kind of error, and the time of each step.

Part 2 — scale: two agencies with exactly 100,000 records each (a population of 133,334
people each seen with probability 0.75, cut to 100,000 records per agency), the time to
link 100,000 x 100,000 records (candidate pairs, scoring, one-to-one, clusters, crosswalk,
report) and its quality. Encoding is timed apart: it runs at each agency, not at the
coordinator.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

SRC = Path(__file__).resolve().parents[1] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from tfanalysis.data.linkage.encode import encode_export  # noqa: E402
from tfanalysis.data.linkage.evaluation import pairwise_quality, recall_by_error, recall_losses  # noqa: E402
from tfanalysis.data.linkage.match import THRESHOLD, link_records  # noqa: E402
from tfanalysis.data.linkage.synthetic import RecordErrors, population  # noqa: E402

SECRET = b"benchmark secret, never use a literal one" + b"\x00" * 8


def vm_peak() -> float:
    """Peak resident memory of this process (VmHWM), MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(exports: dict[str, pd.DataFrame], truth: pd.DataFrame, label: str, thresholds: tuple[float, ...] = ()) -> None:
    start = time.perf_counter()
    encoded = [encode_export(frame, SECRET, agency=name) for name, frame in exports.items()]
    encode_s = time.perf_counter() - start
    start = time.perf_counter()
    result = link_records(encoded)
    link_s = time.perf_counter() - start
    q = pairwise_quality(result.crosswalk, truth)
    sizes = " x ".join(f"{len(f):,}" for f in exports.values())
    print(f"\n== {label}: records {sizes}; people {truth['person_id'].nunique():,}")
    print(f"encode (all agencies) {encode_s:.1f} s; link {link_s:.1f} s; peak memory {vm_peak():,.0f} MiB")
    print(
        f"threshold {THRESHOLD}: precision {q['precision']:.4f}  recall {q['recall']:.4f}  F1 {q['f1']:.4f}  "
        f"(true pairs {q['true_pairs']:,}, linked {q['linked_pairs']:,}, correct {q['correct_pairs']:,})"
    )
    summary = result.quality["summary"].set_index("item")["value"]
    print(f"candidate pairs scored {int(summary['candidate pairs scored']):,}; unduplicated clients {int(summary['unduplicated clients']):,} "
          f"of {int(summary['agency records']):,} agency records")
    print("where the pairs that are one person went:")
    stacked = pd.concat(encoded, ignore_index=True)
    print(recall_losses(result, truth, encoded=stacked["bloom"].notna()).round(4).to_string())
    print("recall by error kind (a pair counts under each kind either record carries):")
    print(recall_by_error(result.crosswalk, truth).round(4).to_string())
    for threshold in thresholds:
        other = pairwise_quality(link_records(encoded, threshold=threshold).crosswalk, truth)
        print(f"threshold {threshold}: precision {other['precision']:.4f}  recall {other['recall']:.4f}  F1 {other['f1']:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--quick", action="store_true", help="10,000 identities only, no 100k x 100k")
    parser.add_argument("--no-scale", action="store_true", help="no 100k x 100k part")
    parser.add_argument("--without-case-fields", action="store_true", help="drop county_fips and identified_on from the exports (names, dates, sex, phone only)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--thresholds", type=float, nargs="*", default=[0.3, 0.7, 0.9], help="other thresholds to measure precision and recall at")
    parser.add_argument("--error-scale", type=float, default=1.0, help="multiply every error rate (formatting and new phones excepted)")
    args = parser.parse_args()
    sizes = [10_000] if args.quick else args.sizes
    errors = RecordErrors()
    if args.error_scale != 1.0:
        kept = {"formatting", "new_phone", "dropped_second_surname"}
        errors = RecordErrors(**{k: v if k in kept else v * args.error_scale for k, v in vars(errors).items()})
    label = "realistic errors" if args.error_scale == 1.0 else f"error rates x {args.error_scale:g}"
    if args.without_case_fields:
        label += ", without county and identification date"
    for n in sizes:
        exports, truth = population(n, errors=errors, seed=args.seed)
        if args.without_case_fields:
            exports = {name: frame.drop(columns=["county_fips", "identified_on"]) for name, frame in exports.items()}
        run(exports, truth, f"{n:,} identities, three agencies, {label}, seed {args.seed}", tuple(args.thresholds))
    if args.quick or args.no_scale:
        return
    exports, truth = population(133_334, ("shelter", "legal_aid"), seen_by=0.75, seed=args.seed + 1)
    exports = {name: frame.iloc[:100_000] for name, frame in exports.items()}
    if args.without_case_fields:
        exports = {name: frame.drop(columns=["county_fips", "identified_on"]) for name, frame in exports.items()}
    kept = pd.concat([f[["agency_record_id"]].assign(agency=name) for name, f in exports.items()])
    truth = truth.merge(kept, on=["agency", "agency_record_id"])
    run(exports, truth, f"100,000 x 100,000 records, two agencies, {label}, seed {args.seed + 1}")


if __name__ == "__main__":
    main()
