"""``python -m bench`` (``make bench``): run every suite of the package in one
go and write the results into docs/PERFORMANCE.md (and as JSON under
BENCH_DIR/results/).

A suite is any module of this package with a ``run(context)`` function
returning report sections; it is found here without being listed.
"""

import argparse
import contextlib
import datetime
import importlib
import json
import os
import pkgutil
import platform
import signal
import sys
from dataclasses import dataclass
from dataclasses import field

import apsw

import bench
from bench import report
from bench.catalogues import bench_dir
from bench.catalogues import ensure_catalogue
from bench.load import run_wrk
from tests.support.servers import REPO
from tests.support.servers import running_gunicorn

DEFAULT_TRACKS = (1_000_000, 10_000_000)


@dataclass
class BenchContext:
    """What a suite gets: the catalogues (smallest first), the run's limits,
    and helpers to start the service and load it."""

    catalogues: list
    seconds: float
    connections: int
    workers: int
    # Experiments: extra environment for the service only, and another
    # checkout to serve from (to compare a change against its parent).
    service_overrides: dict = field(default_factory=dict)
    service_tree: str = ""
    # {suite: [case, …]} chosen with --cases; a suite not named runs its defaults.
    cases: dict = field(default_factory=dict)
    # --quick: suites that take minutes (callgrind, Zipf) run a token amount,
    # enough to try the harness, not to quote.
    quick: bool = False
    raw: dict = field(default_factory=dict)

    def cases_of(self, suite, defaults):
        """The cases ``suite`` runs: those chosen for it, or its ``defaults``."""
        return self.cases.get(suite) or list(defaults)

    def service_env(self, catalogue, **overrides):
        # Production settings, except a rate limit no benchmark reaches: the
        # limiter still runs on every request, but one client IP sending
        # thousands of requests a second is what a benchmark is.
        env = {
            "MUSIC_API_MAIN_DATABASE": catalogue.main,
            "MUSIC_API_RATELIMIT_DEFAULT": "1000000 per second",
        }
        env.update(self.service_overrides)
        env.update(overrides)
        if self.service_tree:
            env["PYTHONPATH"] = self.service_tree
        return env

    def service(self, catalogue, **overrides):
        """Run the service (``wsgi:app``) over ``catalogue``; a context manager."""
        return running_gunicorn(
            self.service_env(catalogue, **overrides),
            workers=self.workers, cwd=self.service_tree or REPO,
        )

    def load(self, server, requests, *, rate=0, seconds=None, connections=None):
        """Load ``server`` with ``requests``; the result includes the server's
        CPU time per request."""
        cpu_before = server.cpu_seconds()
        result = run_wrk(
            server.base_url, requests, connections=connections or self.connections,
            seconds=seconds or self.seconds, rate=rate,
        )
        if result.requests:
            result.server_cpu_ms = (server.cpu_seconds() - cpu_before) * 1000 / result.requests
        return result


def find_suites(selected=None):
    suites = []
    for module_info in pkgutil.iter_modules(bench.__path__):
        if module_info.name.startswith("_") or (selected and module_info.name not in selected):
            continue
        # *_app modules are the servers a suite starts under gunicorn, not
        # suites; importing the peer would need the bench extra (Datasette).
        if module_info.name.endswith("_app"):
            continue
        module = importlib.import_module(f"bench.{module_info.name}")
        if callable(getattr(module, "run", None)):
            suites.append(module)
    return suites


def machine_section(context, started, load_before, load_after):
    lines = [
        f"- run started {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {apsw.sqlite_lib_version()}, "
        f"{context.workers} gunicorn workers, wrk with {context.connections} connections, "
        f"{context.seconds:g} s per measurement",
        f"- service experiment: env {context.service_overrides or 'none'}, "
        f"tree {context.service_tree or 'this checkout'}",
        f"- load average (uptime) before: {load_before}; after: {load_after}",
    ]
    return report.Section("run", "The run", "\n".join(lines))


def chosen_cases(items):
    """{suite: [case, …]} from --cases' SUITE=CASE,CASE items."""
    cases = {}
    for item in items:
        suite, separator, names = item.partition("=")
        if not separator or not names:
            raise SystemExit(f"--cases {item!r}: expected SUITE=CASE[,CASE…]")
        cases.setdefault(suite, []).extend(names.split(","))
    return cases


def run_suite(suite, context):
    """The suite's sections, each noting the load average at the suite's
    start and end: on a shared machine every timing depends on it."""
    name = suite.__name__.rpartition(".")[2]
    load_start = load_average()
    sections = suite.run(context)
    load_end = load_average()
    context.raw.setdefault("load_average", {})[name] = {"start": load_start, "end": load_end}
    for section in sections:
        section.notes.append(f"load average (1, 5, 15 min) at the suite's start: {load_start}; "
                             f"at its end: {load_end}")
    return sections


def load_average():
    with open("/proc/loadavg") as file:
        return " ".join(file.read().split()[:3])


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", default=",".join(map(str, DEFAULT_TRACKS)),
                        help="catalogue sizes, comma-separated (default: %(default)s)")
    parser.add_argument("--seconds", type=float, default=10, help="length of each load run")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="gunicorn workers (default: one per core, as in production)")
    parser.add_argument("--suite", action="append", help="run only this suite (repeatable)")
    parser.add_argument("--cases", action="append", default=[], metavar="SUITE=CASE,CASE",
                        help="run only these cases of a suite that has cases (repeatable), "
                             "e.g. instructions=isrc,isrc_hit")
    parser.add_argument("--service-env", action="append", default=[], metavar="NAME=VALUE",
                        help="experiment: extra environment for the service only (implies --no-docs)")
    parser.add_argument("--service-tree", default="", metavar="DIR",
                        help="experiment: serve the app from another checkout (implies --no-docs)")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/PERFORMANCE.md")
    parser.add_argument("--quick", action="store_true",
                        help="try the harness: a 50k catalogue, 3 s runs, token amounts of the "
                             "callgrind, Zipf and cold-cache suites, no docs")
    args = parser.parse_args(argv)
    if args.quick:
        args.tracks, args.seconds, args.no_docs = "50000", 3, True
    if args.service_env or args.service_tree:
        # The documented tables describe the service as shipped.
        args.no_docs = True
    return args


def main(argv=None):
    args = parse_args(argv)
    started = datetime.datetime.now(datetime.UTC)
    catalogues = [ensure_catalogue(int(size)) for size in sorted(args.tracks.split(","), key=int)]
    context = BenchContext(
        catalogues, args.seconds, args.connections, args.workers,
        service_overrides=dict(item.split("=", 1) for item in args.service_env),
        service_tree=args.service_tree,
        cases=chosen_cases(args.cases),
        quick=args.quick,
    )
    load_before = load_average()
    sections = []
    for suite in find_suites(args.suite):
        print(f"bench: suite {suite.__name__}", flush=True)
        sections.extend(run_suite(suite, context))
    sections.insert(0, machine_section(context, started, load_before, load_average()))
    for section in sections:
        print("\n" + section.markdown())
    results = bench_dir() / "results"
    results.mkdir(parents=True, exist_ok=True)
    raw_file = results / f"{started:%Y%m%dT%H%M%S}.json"
    raw_file.write_text(json.dumps(context.raw, indent=1, default=str))
    print(f"\nbench: raw results in {raw_file}")
    if not args.no_docs:
        report.write_sections(sections)
        print(f"bench: wrote {report.DOCUMENT}")


def _exit_on_sigterm(signum, frame):
    # As SystemExit, so every server's context manager still stops it.
    sys.exit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
