"""A/B experiments: the same lookups against variants of the service, the
HTTP floor among them, interleaved and repeated.

    python -m bench.compare --tracks 1000000 --seconds 6 --rounds 3 \\
        'this checkout={}' \\
        'sync workers={"env": {"GUNICORN_WORKER_CLASS": "sync"}}' \\
        'before={"tree": "/path/to/other/checkout"}'

Each variant is NAME=JSON with optional "env" (added to the service's
environment), "tree" (serve the app and gunicorn.conf.py of another
checkout) and "workers". On a shared machine one run's req/s moves by tens
of percent with whatever else runs, so every round runs every variant (the
floor included), each round starting one variant further on so that none is
always first or last; each route is loaded briefly before it is measured
(a new worker faults the files in). The table gives each figure's median
over the rounds with the spread of req/s and the load average of every
round.
Server CPU per request is the steadier figure; instruction counts
(bench/gunicorn_instructions.py) do not move at all. Not a suite of
``make bench`` (it has no ``run``): its figures back the "what was tried"
notes of docs/PERFORMANCE.md.
"""

import argparse
import json
import statistics

from bench.__main__ import BenchContext
from bench.__main__ import load_average
from bench.catalogues import ensure_catalogue
from bench.catalogues import warm_page_cache
from bench.keys import sample_keys
from bench.load import Request
from bench.lookups import service_requests
from tests.support.servers import running_gunicorn


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+", metavar="NAME=JSON")
    parser.add_argument("--tracks", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--routes", default="isrc,track,batch_isrcs")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", metavar="FILE", help="also write every round's results here")
    return parser.parse_args(argv)


FLOOR = "HTTP floor (bare Flask)"
# Workers of the floor and of a variant that does not say.
WORKERS = 2


def main(argv=None):
    args = parse_args(argv)
    catalogue = ensure_catalogue(args.tracks)
    context = BenchContext([catalogue], args.seconds, args.connections, workers=WORKERS)
    requests = service_requests(sample_keys(catalogue.main, 3000))
    warm_page_cache(catalogue)
    variants = [(FLOOR, None)] + [
        (name, json.loads(spec or "{}"))
        for name, _, spec in (variant.partition("=") for variant in args.variants)
    ]
    results, rounds = {}, []
    for round_number in range(args.rounds):
        shift = round_number % len(variants)
        load_start = load_average()
        for name, spec in variants[shift:] + variants[:shift]:
            for route, result in run_variant(context, catalogue, requests, args.routes, spec):
                results.setdefault((name, route), []).append(result)
        rounds.append({"round": round_number + 1, "first": variants[shift][0],
                       "load_start": load_start, "load_end": load_average()})
        print(f"round {round_number + 1} done, load {load_start} → {load_average()}", flush=True)
    print(table(results))
    for done in rounds:
        print(f"- round {done['round']} (first: {done['first']}): load average "
              f"{done['load_start']} at the start, {done['load_end']} at the end")
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"rounds": rounds, "results": [
                {"variant": name, "route": route, "rounds": [result.as_dict() for result in runs]}
                for (name, route), runs in results.items()
            ]}, file, indent=1)


def run_variant(context, catalogue, requests, routes, spec):
    """[(route, LoadResult)] of one variant (the floor when ``spec`` is None)."""
    if spec is None:
        with running_gunicorn(app="bench.floor_app:app", workers=WORKERS,
                              health_path="/floor") as server:
            return [("floor", context.load(server, [Request("GET", "/floor")]))]
    context.service_tree = spec.get("tree", "")
    context.service_overrides = spec.get("env", {})
    context.workers = spec.get("workers", WORKERS)
    measured = []
    with context.service(catalogue) as server:
        for route in routes.split(","):
            # New workers first fault the files in and fill their caches:
            # a short load, not counted, so the variant first in a round
            # is not the one that pays for it.
            context.load(server, requests[route], seconds=max(1.0, context.seconds / 4))
            measured.append((route, context.load(server, requests[route])))
    return measured


def table(results):
    """Markdown: the median of each figure over the rounds, req/s with its range."""
    lines = ["| variant | route | req/s (median, min–max) | server CPU ms/request | p50 ms | "
             "p99 ms | errors (all rounds) |", "|---|---|---|---|---|---|---|"]
    for (name, route), runs in results.items():
        rps = [result.rps for result in runs]
        lines.append(
            f"| {name} | {route} | {statistics.median(rps):,.0f} ({min(rps):,.0f}–{max(rps):,.0f}) | "
            f"{statistics.median(result.server_cpu_ms for result in runs):.3f} | "
            f"{statistics.median(result.p50_ms for result in runs):.2f} | "
            f"{statistics.median(result.p99_ms for result in runs):.2f} | "
            f"{sum(result.errors for result in runs)} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
