"""The ``tfanalysis`` command.

``tfanalysis demo OUT_DIR`` writes the demo task force; ``tfanalysis validate DIR`` lists
every problem of a dataset; ``tfanalysis run --data DIR`` renders every report;
``tfanalysis audit RUN_DIR --data DIR`` re-checks a rendered run for recoverable counts;
``tfanalysis link encode|match`` counts each victim once across agencies
(:mod:`tfanalysis.data.linkage`). Exit codes: 0 success, 2 invalid data
(or a what-if scenario file that does not fit it), 1 any other failure.
A user error is a message, never a traceback.

Examples
--------
>>> main(["validate", "/nonexistent/folder"])
2
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tfanalysis import __version__

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_INVALID_DATA = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tfanalysis",
        description="Analysis suite of a multidisciplinary anti-human-trafficking task force.",
    )
    parser.add_argument("--version", action="version", version=f"tfanalysis {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="write the synthetic demo task force (one CSV per table)")
    demo.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    demo.add_argument("--seed", type=int, default=None, help="random seed (the default gives the documented demo)")
    demo.add_argument("--clients", type=_positive_int, default=None, metavar="N",
                      help="national-scale variant for benchmarks: N clients in chapters across several states (default: the Ohio demo)")

    validate = sub.add_parser("validate", help="check a dataset folder against the data contract")
    validate.add_argument("data_dir", type=Path, metavar="DIR")
    validate.add_argument("--vocabulary", type=Path, default=None, help="vocabulary file (default: vocabulary.csv/.yaml in DIR)")
    validate.add_argument("--export-date", default=None, metavar="YYYY-MM-DD",
                          help="the day the data were exported: later dates are refused (default: the day the newest file was written)")
    validate.add_argument("--scenarios", type=Path, default=None, metavar="FILE.yaml",
                          help="also check a what-if scenario file against the dataset (docs/what-if.md)")
    validate.add_argument(
        "--show-terms",
        action="store_true",
        help="also list the need and service terms that do not map to the taxonomy (for writing the vocabulary file; "
        "they come from client-level tables: keep them on this machine)",
    )
    run = sub.add_parser(
        "run",
        help="run every report notebook on a dataset and render the reports",
        description="Validate the data, run every notebook of the suite, render offline HTML reports into "
        "OUT/<run-id>/ and point OUT/latest at it. Exit 0 on success, 2 on invalid data (nothing written), "
        "1 on any other failure (the last good report is kept).",
    )
    run.add_argument("--data", type=Path, default=None, metavar="DIR", help="dataset folder (or 'data' in --params)")
    run.add_argument("--out", type=Path, default=None, metavar="DIR", help="reports folder (default: reports)")
    when = run.add_mutually_exclusive_group()
    when.add_argument("--period", default=None, help="2025Q3, 2025H1, 2025, 2025-07, last-quarter, last-year… (default: all data)")
    when.add_argument("--start", default=None, metavar="YYYY-MM-DD", help="first day of a custom period (with --end)")
    run.add_argument("--end", default=None, metavar="YYYY-MM-DD", help="last day of a custom period (with --start)")
    run.add_argument("--region", default=None, help="a state (OH) or ';'-separated county FIPS to focus on")
    run.add_argument("--threshold", type=_number_or_text, default=None, help="suppression threshold: counts 1 to N-1 hidden (default 11, at least 3)")
    run.add_argument("--export-date", default=None, metavar="YYYY-MM-DD",
                     help="the day the data were exported: later dates are refused (default: the day the newest file was written)")
    run.add_argument("--params", type=Path, default=None, metavar="FILE.yaml", help="YAML parameters: the options above and per-notebook values under 'notebooks:'")
    run.add_argument("--only", nargs="+", default=None, metavar="NAME", help="run only these notebooks (name or prefix, e.g. 00)")
    run.add_argument("--run-id", default=None, help="name of the run folder (default: timestamp and period)")
    run.add_argument("--notebooks", type=Path, default=None, metavar="DIR", help="folder of report notebooks (default: the suite's notebooks/)")
    run.add_argument("--quiet", action="store_true", help="no progress bars; print only the index path, warnings and errors")
    run.add_argument("--pdf", action="store_true", default=None,
                     help="also print every report into OUT/<run-id>/report.pdf, the leadership summary first "
                     "(needs Debian's chromium: apt-get install chromium)")
    run.add_argument("--grant-worksheet", nargs="?", const=True, default=None, metavar="CROSSWALK.yaml",
                     help="also write the grant performance worksheet for the period, exact counts for the funder, "
                     "beside the run folder as OUT/<run-id>.grant_worksheet.xlsx (default crosswalk: federal "
                     "anti-trafficking grantee measures; see docs/grant-reporting.md)")
    run.add_argument("--scenarios", type=Path, default=None, metavar="FILE.yaml",
                     help="what-if scenarios to compare with the data in the what-if report (docs/what-if.md); "
                     "checked before anything runs (exit 2 when a scenario does not fit)")
    audit = sub.add_parser(
        "audit",
        help="re-check a rendered run folder against the true data: can any hidden count be recovered?",
        description="Bound every victim count the run released (with the earlier runs of the same data in its "
        "output folder) and read every report's numbers back from its HTML. Exit 0 when nothing can be "
        "recovered, 1 when something can (each finding names the report, table and cell, never a count), "
        "2 on invalid data.",
    )
    audit.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run folder, e.g. reports/latest")
    audit.add_argument("--data", type=Path, required=True, metavar="DIR", help="the dataset folder the run was made from")
    from tfanalysis.data.linkage.commands import add_link_parser

    add_link_parser(sub)
    return parser


def _number_or_text(text: str) -> object:
    """A command-line value as YAML would read it (a number when it is one), checked by the runner."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "run":
            return _run(args)
        if args.command == "audit":
            return _audit(args)
        if args.command == "link":
            from tfanalysis.data.linkage.commands import run_link

            return run_link(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_FAILURE
    raise AssertionError(f"unhandled command {args.command}")  # argparse refuses unknown commands


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _demo(args: argparse.Namespace) -> int:
    from tfanalysis import demo

    kwargs = {} if args.seed is None else {"seed": args.seed}
    if args.clients is not None:
        kwargs["clients"] = args.clients
    try:
        out = demo.generate(args.out_dir, **kwargs)
    except OSError as exc:
        print(f"tfanalysis demo: cannot write {args.out_dir}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"demo task force written to {out}")
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from tfanalysis.data.io import load_dataset, unmapped_terms
    from tfanalysis.data.schema import DataValidationError, format_problems

    if not args.data_dir.is_dir():
        print(f"tfanalysis validate: {args.data_dir} is not a folder", file=sys.stderr)
        return EXIT_INVALID_DATA
    try:
        export_date = _date_arg(args.export_date)
    except ValueError as err:
        print(f"tfanalysis validate: {err}", file=sys.stderr)
        return EXIT_FAILURE
    code = EXIT_OK
    try:
        data = load_dataset(args.data_dir, vocabulary=args.vocabulary, export_date=export_date)
    except DataValidationError as err:
        print(str(err))
        code = EXIT_INVALID_DATA
    else:
        sizes = ", ".join(f"{name} {len(frame):,}" for name, frame in data.tables().items())
        print(f"{args.data_dir}: valid ({sizes}).")
        if len(data.warnings):
            print(format_problems(data.warnings))
        if args.scenarios is not None:
            code = _validate_scenarios(args.scenarios, data)
    if args.show_terms:
        terms = unmapped_terms(args.data_dir, vocabulary=args.vocabulary)
        if terms.empty:
            print("Every need and service term maps to the taxonomy.")
        else:
            print("Terms to map in a vocabulary file (term,code):")
            print(terms.to_string(index=False))
    return code


def _validate_scenarios(path: Path, data: object) -> int:
    from tfanalysis.analyses.scenarios import ScenarioError, load_scenarios

    try:
        found = load_scenarios(path, data)
    except ScenarioError as err:
        print(str(err))
        return EXIT_INVALID_DATA
    print(f"{path}: {len(found)} scenario(s), each fits the data.")
    return EXIT_OK


def _audit(args: argparse.Namespace) -> int:
    from tfanalysis.data.io import load_dataset
    from tfanalysis.running.audit import audit_run
    from tfanalysis.data.schema import DataValidationError

    if not (args.run_dir / "run.json").is_file():
        print(f"tfanalysis audit: {args.run_dir} is not a run folder (no run.json)", file=sys.stderr)
        return EXIT_FAILURE
    try:
        data = load_dataset(args.data)
    except DataValidationError as err:
        print(str(err))
        return EXIT_INVALID_DATA
    try:
        findings = audit_run(args.run_dir, data)
    except (OSError, ValueError) as exc:
        print(f"tfanalysis audit: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    if findings.empty:
        print(f"{args.run_dir}: nothing recoverable (every released count bounded; every tagged table and figure shows what was released)")
        return EXIT_OK
    print(f"{args.run_dir}: {len(findings)} finding(s)")
    print(findings.to_string(index=False))
    return EXIT_FAILURE


def _date_arg(text: str | None) -> str | None:
    if text is None:
        return None
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(text)).isoformat()
    except ValueError:
        raise ValueError(f"--export-date must be a date written YYYY-MM-DD (got {text!r})") from None


def _read_params(path: Path | None) -> dict:
    if path is None:
        return {}
    import yaml

    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read the parameters file {path}: {exc}") from None
    if not isinstance(loaded, dict):
        raise ValueError(f"the parameters file {path} must be a mapping of names to values")
    allowed = {"data", "out", "period", "start", "end", "region", "threshold", "suppression_threshold", "only", "notebooks",
               "pdf", "grant_worksheet", "export_date", "scenarios"}
    unknown = sorted(set(loaded) - allowed)
    if unknown:
        raise ValueError(f"the parameters file {path} has unknown keys {unknown}; allowed: {sorted(allowed)}")
    return loaded


def _crosswalk_choice(value: object) -> bool | Path:
    """``--grant-worksheet`` alone (or ``true`` in the parameters file): the default crosswalk; a path: that one."""
    if isinstance(value, bool) or value is None:
        return bool(value)
    return Path(str(value))


def _run(args: argparse.Namespace) -> int:
    import logging

    from tfanalysis.running.pipeline import SuiteError, run_suite
    from tfanalysis.analyses.scenarios import ScenarioError
    from tfanalysis.data.schema import DataValidationError

    try:
        params = _read_params(args.params)
    except ValueError as exc:
        print(f"tfanalysis run: {exc}", file=sys.stderr)
        return EXIT_FAILURE

    def pick(flag: object, key: str, default: object = None) -> object:
        return flag if flag is not None else params.get(key, default)

    data_dir = pick(args.data, "data")
    if data_dir is None:
        print("tfanalysis run: name the dataset with --data DIR (or 'data:' in --params)", file=sys.stderr)
        return EXIT_FAILURE
    start, end = pick(args.start, "start"), pick(args.end, "end")
    if (start is None) != (end is None):
        print("tfanalysis run: --start and --end go together", file=sys.stderr)
        return EXIT_FAILURE
    period = (str(start), str(end)) if start is not None else pick(args.period, "period")
    threshold = pick(args.threshold, "threshold", params.get("suppression_threshold", 11))
    progress = not args.quiet and sys.stderr.isatty()
    # nbclient's event loop: what it reports while a run lives goes to the run's log; what it
    # reports once the run has ended (a kernel the run stopped, collected late) is not news
    logging.getLogger("asyncio").addHandler(logging.NullHandler())
    # warnings reach the console with --quiet too: a scheduled run of a period outside the data
    # (a quarter of zeros) must not publish in silence; the run's log has them and everything else
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING)
    console.setFormatter(logging.Formatter("%(message)s"))
    logging.getLogger("tfanalysis").addHandler(console)
    try:
        export_date = _date_arg(pick(args.export_date, "export_date"))
        result = run_suite(
            Path(str(data_dir)),
            Path(str(pick(args.out, "out", "reports"))),
            period=None if period is None else (period if isinstance(period, tuple) else str(period)),
            region=pick(args.region, "region", "") or "",
            suppression_threshold=threshold,
            notebook_params=params.get("notebooks") or {},
            only=args.only or params.get("only"),
            run_id=args.run_id,
            notebooks_dir=args.notebooks,
            progress=progress,
            pdf=bool(pick(args.pdf, "pdf", False)),
            grant_worksheet=_crosswalk_choice(pick(args.grant_worksheet, "grant_worksheet", False)),
            export_date=export_date,
            scenarios=None if pick(args.scenarios, "scenarios") is None else Path(str(pick(args.scenarios, "scenarios"))),
        )
    except (DataValidationError, ScenarioError) as err:
        print(str(err), file=sys.stderr)
        return EXIT_INVALID_DATA
    except (SuiteError, FileNotFoundError, ValueError) as exc:
        print(f"tfanalysis run: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    print(result.index)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
