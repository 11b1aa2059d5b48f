"""Instructions per request through gunicorn: the service as deployed (the
checkout's gunicorn.conf.py, one gthread worker) under valgrind's callgrind,
driven over loopback by a client outside valgrind.

    python -m bench.gunicorn_instructions --tracks 1000000 [--cases floor,isrc] [--tree DIR]

Each case starts gunicorn twice under callgrind (it follows the fork into the
worker, one output file per process): once for ``warm_up`` requests, once
for ``warm_up + requests``; the worker's total instructions differ by what
``requests`` cost, start-up, first touches and shutdown cancelled out. Load
on the machine changes how long this takes, not what it counts, so the
ratio floor ÷ lookup is the throughput ratio of one core whatever else runs.
The floor is a bare Flask route (bench/floor_app.py) under the same gunicorn
configuration. Idle wake-ups of the worker (gthread's one-second poll, timer
threads) are counted too; they are a few thousand instructions a second,
well under 1 % of a case.
"""

import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import instructions
from bench.report import Section
from bench.report import Table
from tests.support.servers import REPO
from tests.support.servers import free_port

# name: (route of bench.instructions, requests, warm-up requests)
CASES = {
    "floor": ("floor", 300, 30),
    "isrc": ("isrc", 150, 30),
    "isrc_hit": ("isrc_hit", 150, 30),
    "album_tracks": ("album_tracks", 150, 30),
    "batch_isrcs": ("batch_isrcs", 6, 2),
    "batch_isrcs_repeated": ("batch_isrcs_repeated", 6, 2),
}
DEFAULT_CASES = ("floor", "isrc", "isrc_hit", "album_tracks", "batch_isrcs")
LABELS = {
    "floor": "bare Flask route (the floor)",
    "isrc": "ISRC lookup, a new key each time (answer cache miss)",
    "isrc_hit": "ISRC lookup, the same key again (answer cache hit, where there is one)",
    "album_tracks": "an album's tracks, a new album each time",
    "batch_isrcs": "batch of 400 ISRCs, distinct bodies",
    "batch_isrcs_repeated": "batch of 400 ISRCs, the same two bodies again",
}
# A request under callgrind runs about 50 times slower than without.
CLIENT_TIMEOUT_S = 600
START_TIMEOUT_S = 600
_totals_re = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)


def server_environment(tree, main_file, port):
    env = dict(os.environ)
    env.update(
        # The tree's app first; this checkout after it for bench.floor_app.
        PYTHONPATH=os.pathsep.join([str(tree), str(REPO)]),
        PYTHONHASHSEED="0",
        MUSIC_API_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        MUSIC_API_MAIN_DATABASE=str(main_file),
        MUSIC_API_RATELIMIT_DEFAULT="1000000 per second",
        MUSIC_API_LOG_LEVEL="INFO",
        MUSIC_API_REQUEST_TIME_LIMIT_MS=str(10**9),
        # Neither a worker restart nor a heartbeat timeout in the middle.
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_TIMEOUT="3600",
    )
    return env


def worker_instructions(tree, main_file, app, requests):
    """The gunicorn worker's instructions over a whole run serving
    ``requests``, and the answers' bodies."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="callgrind-") as scratch:
        log_path = Path(scratch) / "gunicorn.log"
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                # Forks are followed without --trace-children (that is for exec).
                ["valgrind", "--tool=callgrind",
                 f"--callgrind-out-file={scratch}/callgrind.%p",
                 sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", app],
                cwd=tree, env=server_environment(tree, main_file, port),
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        try:
            answers = _send(port, requests, server, log_path)
        except (OSError, http.client.HTTPException) as error:
            raise RuntimeError(f"{error!r}:\n{log_path.read_text()[-3000:]}") from error
        finally:
            server.terminate()
            try:
                server.wait(timeout=START_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        workers = [path for path in Path(scratch).glob("callgrind.*")
                   if path.name != f"callgrind.{server.pid}"]
        if len(workers) != 1:
            raise RuntimeError(f"expected one worker's output, found {len(workers)}:\n"
                               f"{log_path.read_text()[-3000:]}")
        found = _totals_re.search(workers[0].read_text(errors="replace"))
        if not found:
            raise RuntimeError(f"no totals in {workers[0].name}")
        return int(found.group(1)), answers


def _send(port, requests, server, log_path):
    """Send ``requests`` one after another on one kept-alive connection."""
    connection = _connect(port, server, log_path)
    answers = []
    try:
        for method, path, body, headers in requests:
            headers = {**headers, "Content-Type": "application/json"} if body else headers
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status} {payload[:300]!r}")
            answers.append(payload)
    finally:
        connection.close()
    return answers


def _connect(port, server, log_path):
    # Until gunicorn listens, connections are refused and never reach the
    # worker; once it listens, the first request waits in the backlog until
    # the worker is up. No probe request is sent: it would be counted.
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT_S)
        except ConnectionRefusedError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
            continue
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT_S)
        connection.sock = sock
        return connection


def _tracks_in(payload):
    return sum(len(tracks) for tracks in json.loads(payload)["isrcs"].values())


def measure(case, tree, main_file, keys, requests=0):
    """{"per_request": instructions, "bytes", "tracks" (per answer, means)}."""
    route, case_requests, warm_up = CASES[case]
    requests = requests if requests and not case.startswith("batch") else case_requests
    app = "bench.floor_app:app" if route == "floor" else "wsgi:app"
    low, _ = worker_instructions(tree, main_file, app, instructions.requests_of(route, keys, warm_up))
    high, answers = worker_instructions(
        tree, main_file, app, instructions.requests_of(route, keys, warm_up + requests))
    measured = answers[warm_up:]
    result = {
        "per_request": (high - low) / requests,
        "requests": requests,
        "warm_up": warm_up,
        "bytes": sum(map(len, measured)) / len(measured),
    }
    if route.startswith("batch"):
        result["tracks"] = sum(map(_tracks_in, measured)) / len(measured)
        result["per_track"] = result["per_request"] / result["tracks"]
    return result


def measure_cases(cases, tree, catalogue, keys, requests=0, progress=print):
    results = {}
    for case in cases:
        try:
            results[case] = measure(case, tree, catalogue.main, keys, requests)
        except RuntimeError as error:  # a case the measured tree cannot run
            progress(f"{case}: {error}")
            continue
        progress(f"{case}: {results[case]['per_request'] / 1e6:.3f} M instructions per request")
    return results


def section(results, tracks_label, load="", tree=""):
    rows = []
    floor = results.get("floor", {}).get("per_request")
    for case, result in results.items():
        # A batch answers hundreds of tracks: its ratio to the floor says nothing.
        ratio = f"{floor / result['per_request']:.2f}" if floor and "per_track" not in result else ""
        per_track = f"{result['per_track'] / 1e6:.3f} M" if "per_track" in result else ""
        rows.append([LABELS[case], f"{result['per_request'] / 1e6:.3f} M", ratio,
                     per_track, round(result["bytes"]), result["requests"], result["warm_up"]])
    table = Table(["case (one gthread worker)", "instructions per request",
                   "throughput ÷ floor's (floor ÷ case)", "per answered track",
                   "answer bytes (mean)", "requests", "warm-up"], rows,
                  title=f"{tracks_label} tracks" + (f", tree {tree}" if tree else ""))
    intro = ("`python -m bench.gunicorn_instructions` (module docstring): the worker's "
             "instructions under callgrind, W and W + N requests, the difference ÷ N. "
             "Floor ÷ case is the share of the floor's throughput a case reaches on one core."
             + (f" Load average {load}." if load else ""))
    return Section("gunicorn_instructions", "Instructions per request through gunicorn (callgrind)",
                   intro, [table])


def run(context):
    from bench.keys import sample_keys

    catalogue = context.catalogues[0]
    keys = sample_keys(catalogue.main, 4000)
    cases = context.cases_of("gunicorn_instructions", ("floor",) if context.quick else DEFAULT_CASES)
    results = measure_cases(cases, context.service_tree or REPO, catalogue, keys,
                            requests=10 if context.quick else 0)
    context.raw["gunicorn_instructions"] = {"tracks": catalogue.tracks, "results": results}
    return [section(results, catalogue.label)]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.gunicorn_instructions",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=1_000_000)
    parser.add_argument("--cases", default=",".join(DEFAULT_CASES), help=f"of {', '.join(CASES)}")
    parser.add_argument("--tree", default=str(REPO), help="checkout whose app is measured")
    parser.add_argument("--requests", type=int, default=0,
                        help="requests per single-lookup case (default: the case's own)")
    args = parser.parse_args(argv)
    from bench.__main__ import load_average
    from bench.catalogues import ensure_catalogue
    from bench.keys import sample_keys

    catalogue = ensure_catalogue(args.tracks)
    load_start = load_average()
    keys = sample_keys(catalogue.main, 4000)
    results = measure_cases(args.cases.split(","), args.tree, catalogue, keys, args.requests,
                            progress=lambda line: print(line, file=sys.stderr, flush=True))
    load_end = load_average()
    print(section(results, catalogue.label, f"{load_start} at the start, {load_end} at the end",
                  args.tree).markdown(), file=sys.stderr)
    print(json.dumps({"tracks": args.tracks, "tree": args.tree, "load_start": load_start,
                      "load_end": load_end, "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
