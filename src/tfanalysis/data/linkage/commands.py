"""The ``tfanalysis link`` commands: ``encode`` at each agency, ``match`` at the coordinator.

Exit codes as for the other commands: 0 success, 2 invalid data (an export or encoded
file that cannot be used; nothing written), 1 any other failure. Messages never quote
an identifier.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="tfanalysis"); sub = parser.add_subparsers(dest="command")
>>> add_link_parser(sub)
>>> parser.parse_args(["link", "match", "a.csv", "b.csv", "--out", "linked"]).encoded
[PosixPath('a.csv'), PosixPath('b.csv')]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILURE, EXIT_INVALID_DATA = 0, 1, 2


def add_link_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``link encode`` and ``link match`` to the ``tfanalysis`` command line."""
    link = sub.add_parser(
        "link",
        help="count each victim once across member agencies, without sharing who they are",
        description="Privacy-preserving record linkage: each agency encodes its client export with a secret shared among "
        "the agencies (`link encode`); the coordinator links the encoded files (`link match`) without the secret. "
        "See docs/linkage.md.",
    )
    steps = link.add_subparsers(dest="link_command", required=True, metavar="STEP")
    encode = steps.add_parser("encode", help="at an agency: encode the client export (writes no identifier)")
    encode.add_argument("export", type=Path, metavar="AGENCY_EXPORT", help="the agency's client export with identifiers (.csv, .xlsx, .parquet)")
    encode.add_argument("--secret-file", type=Path, required=True, metavar="KEY", help="the secret shared by the agencies (never the coordinator)")
    encode.add_argument("--out", type=Path, required=True, metavar="ENCODED", help="the encoded file to write (.csv or .parquet)")
    encode.add_argument("--agency", default=None, help="the agency's name as the coordinator knows it (default: the export's file name)")
    match = steps.add_parser("match", help="at the coordinator: link the agencies' encoded files")
    match.add_argument("encoded", type=Path, nargs="+", metavar="ENCODED", help="the encoded files, one per agency")
    match.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for crosswalk.csv, clients.csv and the linkage-quality report")
    match.add_argument("--threshold", type=float, default=None, help="smallest probability of being one person for a link (default: tfanalysis.data.linkage.match.THRESHOLD, 0.5)")
    match.add_argument("--overwrite", action="store_true", help="replace the files of an earlier run in DIR")


def run_link(args: argparse.Namespace) -> int:
    """Run ``tfanalysis link encode`` or ``tfanalysis link match``; return the exit code."""
    return _encode(args) if args.link_command == "encode" else _match(args)


def _encode(args: argparse.Namespace) -> int:
    from tfanalysis.data.io import read_table_text
    from tfanalysis.data.linkage.encode import ExportError, encode_export, write_encoded
    from tfanalysis.data.linkage.keys import read_secret

    try:
        secret = read_secret(args.secret_file)
    except (OSError, ValueError) as exc:
        print(f"tfanalysis link encode: cannot use the secret file: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    if args.out.suffix.lower() not in {".csv", ".parquet"}:
        print("tfanalysis link encode: --out must end in .csv or .parquet", file=sys.stderr)
        return EXIT_FAILURE
    try:
        export, _ = read_table_text(args.export)
    except (OSError, ValueError) as exc:
        print(f"tfanalysis link encode: cannot read {args.export.name}: {type(exc).__name__}", file=sys.stderr)
        return EXIT_INVALID_DATA
    try:
        encoded = encode_export(export, secret, agency=args.agency or args.export.stem)
    except ExportError as exc:
        print(f"tfanalysis link encode: {args.export.name}: {exc}", file=sys.stderr)
        return EXIT_INVALID_DATA
    write_encoded(encoded, args.out)
    usable = int(encoded["bloom"].notna().sum())
    print(f"{len(encoded):,} records encoded ({usable:,} with enough identifiers to link) into {args.out}")
    return EXIT_OK


def _match(args: argparse.Namespace) -> int:
    from tfanalysis.data.linkage.crosswalk import write_outputs
    from tfanalysis.data.linkage.encode import read_encoded
    from tfanalysis.data.linkage.match import THRESHOLD, link_records

    try:
        encoded = [read_encoded(p) for p in args.encoded]
        result = link_records(encoded, threshold=THRESHOLD if args.threshold is None else args.threshold)
    except FileNotFoundError as exc:
        print(f"tfanalysis link match: {exc.filename or exc}: no such file", file=sys.stderr)
        return EXIT_INVALID_DATA
    except ValueError as exc:
        print(f"tfanalysis link match: {exc}", file=sys.stderr)
        return EXIT_INVALID_DATA
    try:
        paths = write_outputs(result, args.out, overwrite=args.overwrite)
    except (FileExistsError, OSError) as exc:
        print(f"tfanalysis link match: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    summary = result.quality["summary"].set_index("item")["value"]
    print(
        f"{int(summary['agency records']):,} agency records → {int(summary['unduplicated clients']):,} unduplicated clients; "
        f"wrote {', '.join(p.name for p in paths.values())} to {args.out}"
    )
    return EXIT_OK
