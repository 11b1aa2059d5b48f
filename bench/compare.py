"""A/B experiments: the same lookups against variants of the service, run one
after another in one process, with the HTTP floor first for reference.

    python -m bench.compare --tracks 1000000 --seconds 6 \\
        'this checkout={}' \\
        'sync workers={"env": {"GUNICORN_WORKER_CLASS": "sync"}}' \\
        'before={"tree": "/path/to/other/checkout"}'

Each variant is NAME=JSON with optional "env" (added to the service's
environment), "tree" (serve the app and gunicorn.conf.py of another
checkout) and "workers". Server CPU per request is the figure to compare on
a shared machine; req/s moves with whatever else runs. Not a suite of
``make bench`` (it has no ``run``): its figures back the "what was tried"
notes of docs/PERFORMANCE.md.
"""

import argparse
import json

from bench.__main__ import BenchContext
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
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    catalogue = ensure_catalogue(args.tracks)
    context = BenchContext([catalogue], args.seconds, args.connections, workers=2)
    requests = service_requests(sample_keys(catalogue.main, 3000))
    warm_page_cache(catalogue)
    with running_gunicorn(app="bench.floor_app:app", workers=context.workers, health_path="/floor") as server:
        report("HTTP floor", "floor", context.load(server, [Request("GET", "/floor")]))
    for variant in args.variants:
        name, _, spec = variant.partition("=")
        spec = json.loads(spec or "{}")
        context.service_tree = spec.get("tree", "")
        context.service_overrides = spec.get("env", {})
        context.workers = spec.get("workers", 2)
        with context.service(catalogue) as server:
            for route in args.routes.split(","):
                report(name, route, context.load(server, requests[route]))
            memory = server.worker_memory()
            print(f"| {name} | worker memory | RSS {memory['rss_mb']:.0f} MB, "
                  f"private {memory['anon_mb']:.0f} MB | | | | |", flush=True)


def report(name, route, result):
    """One Markdown row: variant, route, req/s, server CPU ms/request, p50, p99, errors."""
    print(f"| {name} | {route} | {result.rps:,.0f} | {result.server_cpu_ms:.3f} | "
          f"{result.p50_ms:.2f} | {result.p99_ms:.2f} | {result.errors} |", flush=True)


if __name__ == "__main__":
    main()
