"""The `tiemnang` command: set-up, the whole chain, summaries, exports; synthetic data and benchmarks from tiemnang_tools."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

log = logging.getLogger("tiemnang")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def cmd_setup(args: argparse.Namespace) -> int:
    from tiemnang import runner

    runner.setup_environment()
    runner.ensure_metadata_db()
    figures = runner.prepare_warehouse()
    print(f"local set-up ready: warehouse {figures}, Airflow home {runner.airflow_environment()['AIRFLOW_HOME']}")
    return 0


def cmd_airflow(args: argparse.Namespace) -> int:
    """Run an `airflow` CLI command against the local set-up (e.g. `tiemnang airflow standalone`)."""
    import os

    from tiemnang import runner

    runner.setup_environment()
    user, password = runner.ensure_ui_login()
    if args.airflow_args[:1] == ["standalone"]:
        runner.ensure_metadata_db()  # with the publication pool, which the scheduler needs before Friday
        port = os.environ["AIRFLOW__API__PORT"]
        print(f"Airflow UI: http://127.0.0.1:{port}/  login: {user} / {password}", flush=True)
    bin_dir = Path(sys.executable).parent
    # `airflow standalone` starts its components as `airflow …` subprocesses: they must be on PATH.
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    airflow = str(bin_dir / "airflow")
    os.execv(airflow, [airflow, *args.airflow_args])


def _tool(module: str):
    """A module of the tooling package, imported only when one of its commands runs (never by the pipeline)."""
    import importlib

    try:
        return importlib.import_module(f"tiemnang_tools.{module}")
    except ModuleNotFoundError as exc:
        if exc.name not in ("tiemnang_tools", f"tiemnang_tools.{module}"):
            raise
        raise SystemExit("tiemnang: this command needs the tools package tiemnang_tools, which is not installed: it "
                         "ships in the source tree (include/tiemnang_tools/, on the path after `pip install -e .` "
                         "from a checkout), not in the runtime wheel or image (docs/deploy.md)") from None


def cmd_generate(args: argparse.Namespace) -> int:
    summary = _tool("generate").generate(out=Path(args.out), persons=args.persons, seed=args.seed, communes=args.communes,
                                         profile=args.profile, collection=not args.no_collection)
    print(f"generated world in {args.out}: {summary}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from tiemnang import runner

    landing = Path(args.landing).resolve() if args.landing else None
    if landing is not None and not landing.is_dir():
        print(f"tiemnang run: landing folder {landing} does not exist", file=sys.stderr)
        return 2
    if not args.in_process:
        argv = ["run", "--as-of", args.as_of.isoformat()] + (["--landing", str(landing)] if landing else [])
        return runner.run_stoppable((["--verbose"] if args.verbose else []) + argv)
    from tiemnang.processes import die_with_parent

    die_with_parent()
    try:
        timings = runner.run_chain(args.as_of, landing)
    except runner.RunFailed as exc:
        print(f"tiemnang run: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"tiemnang run --as-of {args.as_of}: success ({', '.join(f'{k} {v}s' for k, v in timings.items())})")
    return 0


def _with_airflow_settings() -> None:
    """Airflow's settings for this process, so a `tiemnang_warehouse` connection made in the UI is found."""
    import os

    from tiemnang import runner

    os.environ.update(runner.airflow_environment())


def cmd_summary(args: argparse.Namespace) -> int:
    from tiemnang.reporting import print_summary

    _with_airflow_settings()
    print_summary(args.weeks)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from tiemnang import config
    from tiemnang.publish.export import export_province

    _with_airflow_settings()
    out = Path(args.out) if args.out else config.export_dir()
    paths = export_province(config.warehouse_conninfo(), args.province, args.week, out)
    print(f"{len(paths)} workbooks written under {out}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    return _tool("evaluate").main(args)


def cmd_bench(args: argparse.Namespace) -> int:
    return _tool("bench").main(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tiemnang", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("setup", help="start the local PostgreSQL, migrate Airflow's and the warehouse's databases")
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("airflow", help="run an airflow command against the local set-up (e.g. standalone)")
    p.add_argument("airflow_args", nargs=argparse.REMAINDER, help="arguments for the airflow CLI")
    p.set_defaults(func=cmd_airflow)

    p = sub.add_parser("generate", help="write a synthetic landing folder and its ground truth")
    p.add_argument("--out", required=True, help="output folder (landing/ and truth/ are created in it)")
    p.add_argument("--persons", type=int, default=2000, help="register persons in the world")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same world)")
    p.add_argument("--communes", type=int, help="spread the world over this many communes (default: by size)")
    p.add_argument("--profile", default="default",
                   help="noise profile: default, names, dates, ids, places, households, harsh (docs/matching.md)")
    p.add_argument("--no-collection", action="store_true",
                   help="leave out the collection/ source (agents, targets, field results); other files are the same")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("run", help="run the whole chain once for a reference date through Airflow")
    p.add_argument("--as-of", required=True, type=_date, help="reference date D (YYYY-MM-DD)")
    p.add_argument("--landing", help="landing root (default: TIEMNANG_LANDING_DIR or the Airflow Variable)")
    # the chain itself, in the child process that `tiemnang run` supervises (runner.run_stoppable)
    p.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("summary", help="rows per list and province for the published weeks")
    p.add_argument("--weeks", type=int, default=2, help="how many of the latest published weeks")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("export", help="write one Excel workbook per commune for a province and week")
    p.add_argument("--province", required=True, help="province code, e.g. 79")
    p.add_argument("--week", required=True, help="ISO week, e.g. 2026-W47")
    p.add_argument("--out", help="export folder (default: TIEMNANG_EXPORT_DIR or .local/exports)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("eval", help="matching precision and recall against a generated world's truth")
    p.add_argument("--persons", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default="docs/matching-eval.json")
    p.add_argument("--locale", help="create the eval warehouse with this LC_COLLATE/LC_CTYPE (e.g. C)")
    p.add_argument("--profile", nargs="+", default=["default"],
                   help="noise profiles to evaluate one after the other (docs/matching.md), or 'all'")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("bench", help="benchmark the whole chain on a generated world")
    p.add_argument("--persons", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", help="folder for the result JSON (default: docs/benchmarks)")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
