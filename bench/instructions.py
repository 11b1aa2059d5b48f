"""Instructions per request, counted by valgrind's callgrind: a measure that
does not move with the machine's load, unlike every timing of bench/.

    python -m bench.instructions --tracks 1000000 [--cases isrc,batch_isrcs] [--tree DIR]

Each case runs twice in a fresh Python under callgrind, with ``warm_up``
requests and then with ``warm_up + requests``; the difference divided by
``requests`` is the cost of one request, start-up and first-touch costs
cancelled out. Requests go through the app's WSGI interface in this process
(no gunicorn, no socket), with the production settings: rate limits (at a
limit never reached), the request log at INFO (written to /dev/null),
metrics, caching headers, the answer cache. The ``without …`` cases drop one
group of request hooks to show what each costs. ``--tree`` measures another
checkout (the code before a change) over the same catalogue and keys.

As a suite of ``make bench`` it runs ``SUITE_CASES`` (single lookups and
the cost of each group of hooks; the batches are bench/batch_cost.py's) on
the smallest catalogue with ``SUITE_REQUESTS`` requests per case, about two
minutes a case; ``--cases instructions=…`` chooses others.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# name: (route, settings, hook modules dropped, requests, warm-up requests)
CASES = {
    "floor": ("floor", {}, (), 400, 50),
    "isrc": ("isrc", {}, (), 400, 50),
    "isrc_hit": ("isrc_hit", {}, (), 400, 50),
    "isrc_304": ("isrc_304", {}, (), 400, 50),
    "isrc_no_answer_cache": ("isrc", {"ANSWER_CACHE_MB": 0}, (), 400, 50),
    "isrc_without_limiter": ("isrc", {"RATELIMIT_ENABLED": False}, (), 400, 50),
    "isrc_log_at_warning": ("isrc", {"LOG_LEVEL": "WARNING"}, (), 400, 50),
    "isrc_without_metrics": ("isrc", {}, ("app.metrics",), 400, 50),
    "isrc_without_caching_headers": ("isrc", {}, ("app.http_cache",), 400, 50),
    "isrc_without_any_hook": ("isrc", {"RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING"},
                              ("app.metrics", "app.http_cache", "app.logs", "app.limits",
                               "app.answer_cache"), 400, 50),
    "album_tracks": ("album_tracks", {}, (), 400, 50),
    "batch_isrcs": ("batch_isrcs", {}, (), 6, 2),
    # The same two bodies again and again: every album and artist is held
    # after the warm-up, which makes each twice (app/shared_objects.py).
    "batch_isrcs_repeated": ("batch_isrcs_repeated", {}, (), 6, 4),
    "batch_isrcs_nothing_kept": ("batch_isrcs_repeated", {"SHARED_OBJECTS_MB": 0}, (), 6, 4),
}

SUITE_CASES = (
    "floor", "isrc", "isrc_hit", "isrc_304", "isrc_without_limiter", "isrc_log_at_warning",
    "isrc_without_metrics", "isrc_without_caching_headers", "isrc_without_any_hook",
    "album_tracks",
)
SUITE_REQUESTS = 150
LABELS = {
    "floor": "bare Flask app and route (the floor), in process",
    "isrc": "ISRC lookup, a new key each time (answer cache miss)",
    "isrc_hit": "ISRC lookup, the same key again (answer cache hit)",
    "isrc_304": "conditional GET with the held ETag (304)",
    "isrc_no_answer_cache": "ISRC lookup, answer cache off",
    "isrc_without_limiter": "ISRC lookup without the rate limiter",
    "isrc_log_at_warning": "ISRC lookup, request log at WARNING",
    "isrc_without_metrics": "ISRC lookup without the metrics hooks",
    "isrc_without_caching_headers": "ISRC lookup without caching headers and answer cache",
    "isrc_without_any_hook": "ISRC lookup with every request hook removed",
    "album_tracks": "an album's tracks, a new album each time",
    "batch_isrcs": "batch of 400 ISRCs, distinct bodies",
    "batch_isrcs_repeated": "batch of 400 ISRCs, the same two bodies again",
    "batch_isrcs_nothing_kept": "the same two bodies, SHARED_OBJECTS_MB=0",
}

_collected_re = re.compile(r"Collected : (\d+)")


def production_settings(main_file):
    return {
        "MAIN_DATABASE": str(main_file),
        "RATELIMIT_DEFAULT": "1000000 per second",
        "LOG_LEVEL": "INFO",
        # Under callgrind everything runs about 50 times slower: a batch
        # would pass the production time limit and be answered 503.
        "REQUEST_TIME_LIMIT_MS": 10**9,
    }


def requests_of(route, keys, count):
    """[(method, path, body, headers)] for ``count`` requests of ``route``."""
    isrcs = keys["isrcs"]
    if route == "floor":
        return [("GET", "/floor", None, {})] * count
    if route == "isrc":
        return [("GET", f"/lookup/isrc/{isrcs[i % len(isrcs)]}", None, {}) for i in range(count)]
    if route == "album_tracks":
        albums = keys["albums"]
        return [("GET", f"/lookup/album/{albums[i % len(albums)]}/tracks", None, {})
                for i in range(count)]
    if route in ("isrc_hit", "isrc_304"):
        return [("GET", f"/lookup/isrc/{isrcs[0]}", None, {})] * count
    if route in ("batch_isrcs", "batch_isrcs_repeated"):
        bodies = len(isrcs) // 400 if route == "batch_isrcs" else 2
        return [
            ("POST", "/batch/lookup",
             json.dumps({"isrcs": isrcs[(i % bodies) * 400:][:400]}).encode(), {})
            for i in range(count)
        ]
    raise ValueError(route)


def worker(case, main_file, keys_file, count):
    """Serve ``count`` requests of ``case`` in this process (run under callgrind)."""
    import io

    from werkzeug.test import EnvironBuilder

    from app import create_app

    route, settings, dropped, _, _ = CASES[case]
    sys.stderr = open(os.devnull, "w")  # the request log at INFO
    if route == "floor":
        app = _floor_app()
    else:
        app = create_app({**production_settings(main_file), **settings})
    for funcs in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs):
        for key, hooks in funcs.items():
            hooks[:] = [hook for hook in hooks if not _module_of(hook).startswith(dropped or ("-",))]
    _collector_as_served()
    keys = json.loads(Path(keys_file).read_text())
    requests = requests_of(route, keys, count)
    tag = None
    if route == "isrc_304":
        # The client holds the tag of an earlier answer.
        tag = _call(app, EnvironBuilder(path=requests[0][1]).get_environ())[1].get("ETag")
    for method, path, body, headers in requests:
        if tag:
            headers = {"If-None-Match": tag}
        environ = EnvironBuilder(
            path=path, method=method, headers=headers,
            input_stream=io.BytesIO(body) if body else None,
            content_length=len(body) if body else None,
            content_type="application/json" if body else None,
        ).get_environ()
        status, _ = _call(app, environ)
        if status not in ("200 OK", "304 NOT MODIFIED"):
            raise RuntimeError(f"{path}: {status}")


def _collector_as_served():
    """The garbage collector as the tree's gunicorn workers get it, with the
    app loaded (app/collector.py); a tree from before it had Python's defaults."""
    import app

    # Looked for in the tree itself: the harness's editable install would
    # otherwise lend a tree without the module its own.
    if not (Path(app.__file__).parent / "collector.py").exists():
        return
    from app import collector

    collector.set_for_serving()


def _floor_app():
    """The Flask floor: bench/floor_app.py's bare route, built here because
    this script imports nothing of bench from the measured tree. (A route
    added to the service's app, hooks removed, would still pass through what
    the service wraps around every view, such as its answer cache.)"""
    from flask import Flask
    from flask import jsonify

    app = Flask("floor")
    constant = {"status": "ok", "service": "floor"}
    app.add_url_rule("/floor", "floor", lambda: jsonify(constant))
    return app


def _module_of(hook):
    return getattr(hook, "__module__", "") or type(getattr(hook, "__self__", hook)).__module__


def _call(app, environ):
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    for _ in app(environ, start_response):
        pass
    return answer["status"], answer["headers"]


def count_instructions(case, main_file, keys_file, count, tree):
    """Instructions of a whole run of ``count`` requests, as callgrind counts them."""
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONHASHSEED="0")
    completed = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         # As a script, so ``app`` is imported from ``tree`` (PYTHONPATH), not from here.
         sys.executable, str(Path(__file__).resolve()), "--worker", case,
         "--main", str(main_file), "--keys", str(keys_file), "--count", str(count)],
        cwd=REPO, env=env, capture_output=True, text=True, check=False,
    )
    found = _collected_re.search(completed.stderr)
    if completed.returncode != 0 or not found:
        raise RuntimeError(f"{case}: callgrind failed:\n{completed.stderr[-3000:]}")
    return int(found.group(1))


def per_request(case, main_file, keys_file, tree, requests=0):
    _, _, _, case_requests, warm_up = CASES[case]
    requests = requests if requests and not case.startswith("batch") else case_requests
    low = count_instructions(case, main_file, keys_file, warm_up, tree)
    high = count_instructions(case, main_file, keys_file, warm_up + requests, tree)
    return (high - low) / requests


def tracks_per_batch(case, main_file, keys):
    """Tracks in the answers to the batches a case measures (after its
    warm-up), as this checkout answers them outside callgrind: answers are
    the same in every tree, and counting them under callgrind would be
    counted."""
    from app import create_app

    route, settings, _, requests, warm_up = CASES[case]
    app = create_app({**production_settings(main_file), **settings, "LOG_LEVEL": "WARNING"})
    client = app.test_client()
    counts = [
        sum(len(found) for found in client.post(path, data=body, content_type="application/json")
            .get_json()["isrcs"].values())
        for _, path, body, _ in requests_of(route, keys, warm_up + requests)[warm_up:]
    ]
    return sum(counts) / len(counts)


def measure_cases(cases, main_file, tree, requests=0, progress=print):
    """({case: instructions per request}, {batch case: tracks per answer});
    a case the tree cannot run is left out."""
    from bench.keys import sample_keys

    results, tracks = {}, {}
    keys = sample_keys(main_file, 4000)
    with tempfile.TemporaryDirectory() as scratch:
        keys_file = Path(scratch) / "keys.json"
        keys_file.write_text(json.dumps(keys))
        for case in cases:
            try:
                results[case] = per_request(case, main_file, keys_file, tree, requests)
            except RuntimeError as error:
                progress(str(error))
                continue
            progress(f"{case}: {results[case] / 1e6:.3f} M instructions per request")
            if case.startswith("batch"):
                tracks[case] = tracks_per_batch(case, main_file, keys)
    return results, tracks


def section(results, tracks, tracks_label):
    from bench.report import Section
    from bench.report import Table

    lookup = results.get("isrc")
    rows = []
    for case, count in results.items():
        # A group of hooks costs what the lookup saves without it.
        saved = f"{(lookup - count) / 1e6:.3f} M" if lookup and case.startswith("isrc_") else ""
        per_track = f"{count / tracks[case] / 1e6:.3f} M" if case in tracks else ""
        rows.append([LABELS.get(case, case), case, f"{count / 1e6:.3f} M", saved, per_track])
    table = Table(["case", "name", "instructions per request", "less than the ISRC lookup",
                   "per answered track"], rows,
                  title=f"{tracks_label} tracks, in process (WSGI), production settings")
    intro = ("`python -m bench.instructions` (module docstring): each case in a fresh Python "
             "under callgrind with W and W + N requests, the difference ÷ N; what gunicorn "
             "adds is in the section on instructions through gunicorn.")
    return Section("instructions", "Instructions per request in process (callgrind)", intro, [table])


def run(context):
    catalogue = context.catalogues[0]
    cases = context.cases_of("instructions", ("isrc",) if context.quick else SUITE_CASES)
    requests = 10 if context.quick else SUITE_REQUESTS
    results, tracks = measure_cases(cases, catalogue.main, context.service_tree or REPO, requests)
    context.raw["instructions"] = {"tracks": catalogue.tracks, "requests": requests,
                                   "per_request": results, "tracks_per_answer": tracks}
    return [section(results, tracks, catalogue.label)]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.instructions",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=1_000_000)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--tree", default=str(REPO), help="checkout whose app is measured")
    parser.add_argument("--requests", type=int, default=0,
                        help="requests per single-lookup case (default: the case's own)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--main", help=argparse.SUPPRESS)
    parser.add_argument("--keys", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.main, args.keys, args.count)
        return 0
    from bench.catalogues import ensure_catalogue

    catalogue = ensure_catalogue(args.tracks)
    load_start = _load_average()
    results, tracks = measure_cases(
        args.cases.split(","), catalogue.main, args.tree, args.requests,
        progress=lambda line: print(line, file=sys.stderr, flush=True))
    print(json.dumps({"tracks": args.tracks, "tree": args.tree, "requests": args.requests,
                      "load_start": load_start, "load_end": _load_average(),
                      "per_request": results, "tracks_per_answer": tracks}))
    return 0


def _load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


if __name__ == "__main__":
    sys.exit(main())
