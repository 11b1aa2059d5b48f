"""Serving figures for docs/DEPLOYMENT.md: worker classes, signals under load,
rate limits with 1 or 2 workers, with and without Redis.

    python -m bench.serving workers   # sync vs gthread throughput (needs wrk)
    python -m bench.serving signals   # failed requests around SIGHUP and SIGTERM
    python -m bench.serving limits    # requests let through out of 100, limit 20

(from the repository root, so the shared helpers of tests/support/ import).

Every server is a real gunicorn (and redis-server) on a free loopback port,
started and stopped here; every run is bounded in requests and time.
"""

import argparse
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from app.demo import write_catalogue
from tests.support.servers import running_gunicorn
from tests.support.servers import running_redis
from tests.support.servers import service_env
from tests.support.traffic import failures
from tests.support.traffic import stream

REPO = Path(__file__).resolve().parent.parent
TRACKS = 4000
SEED = 7
WORKER_SETUPS = [
    ("sync", 2, 1),
    ("sync", 5, 1),
    ("gthread", 2, 2),
    ("gthread", 2, 4),
    ("gthread", 2, 8),
]
WRK_SECONDS = 8


def catalogue(folder):
    main = folder / "main_database.sqlite3"
    write_catalogue(main, folder / "track_files.sqlite3", tracks=TRACKS, seed=SEED)
    return main


def track_ids(main):
    import sqlite3

    with sqlite3.connect(f"file:{main}?mode=ro", uri=True) as connection:
        return [row[0] for row in connection.execute("SELECT id FROM tracks ORDER BY rowid")]


def mixed_paths(main):
    """Track lookups, ISRC lookups and album track lists, as a paths file for wrk."""
    import sqlite3

    with sqlite3.connect(f"file:{main}?mode=ro", uri=True) as connection:
        tracks = [row[0] for row in connection.execute("SELECT id FROM tracks ORDER BY rowid")]
        albums = [row[0] for row in connection.execute("SELECT id FROM albums ORDER BY rowid")]
        isrcs = [row[0] for row in connection.execute(
            "SELECT external_id_isrc FROM tracks WHERE external_id_isrc != '' ORDER BY rowid LIMIT 2000"
        )]
    paths = []
    for index in range(2000):
        paths.append(f"/lookup/track/{tracks[index * 2 % len(tracks)]}")
        if index % 2 == 0:
            paths.append(f"/lookup/isrc/{isrcs[index % len(isrcs)]}")
        if index % 4 == 0:
            paths.append(f"/lookup/album/{albums[index % len(albums)]}/tracks")
    return paths


def run_wrk(base_url, paths_file, connections):
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{WRK_SECONDS}s", "--latency",
         "-s", str(REPO / "bench" / "paths.lua"), base_url],
        capture_output=True, text=True, timeout=WRK_SECONDS + 30,
        env={"WRK_PATHS": str(paths_file)},
    )
    figures = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            figures["per_second"] = float(parts[1])
        elif parts[:1] in (["50%"], ["99%"]):
            figures[parts[0]] = parts[1]
    return figures


def measure_workers(folder, rounds, connections):
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    main = catalogue(folder)
    paths_file = folder / "paths.txt"
    paths_file.write_text("\n".join(mixed_paths(main)) + "\n")
    results = {setup: [] for setup in WORKER_SETUPS}
    # Rounds interleave the setups, so a burst of other load on the machine
    # hits all of them alike.
    for _ in range(rounds):
        for setup in WORKER_SETUPS:
            worker_class, workers, threads = setup
            env = service_env(main, LOG_LEVEL="WARNING", GUNICORN_WORKER_CLASS=worker_class,
                              GUNICORN_THREADS=threads)
            with running_gunicorn(env, workers=workers) as server:
                run_wrk(server.base_url, paths_file, connections)  # warm-up
                results[setup].append(run_wrk(server.base_url, paths_file, connections))
    print(f"| worker class | workers | threads | requests/s (median of {rounds}) | p50 | p99 |")
    print("|---|---|---|---|---|---|")
    for (worker_class, workers, threads), runs in results.items():
        median = statistics.median(run["per_second"] for run in runs)
        p50 = "/".join(run.get("50%", "?") for run in runs)
        p99 = "/".join(run.get("99%", "?") for run in runs)
        print(f"| {worker_class} | {workers} | {threads} | {median:.0f} | {p50} | {p99} |")


def measure_signals(folder, rounds):
    main = catalogue(folder)
    paths = [f"/lookup/track/{track_id}" for track_id in track_ids(main)]
    print("| signal | run | requests sent | started before the signal | failed among them "
          "| started after | failed after (refused/reset) |")
    print("|---|---|---|---|---|---|---|")
    for sig in (signal.SIGHUP, signal.SIGTERM):
        for run in range(1, rounds + 1):
            with running_gunicorn(service_env(main, LOG_LEVEL="WARNING"), workers=2) as server:
                sent = {}

                def send_signal():
                    time.sleep(0.5)
                    sent["at"] = time.monotonic()
                    server.process.send_signal(sig)

                thread = threading.Thread(target=send_signal)
                thread.start()
                outcomes = stream(server.base_url, paths, clients=8)
                thread.join()
            before = [outcome for outcome in outcomes if outcome.started < sent["at"]]
            after = [outcome for outcome in outcomes if outcome.started >= sent["at"]]
            print(f"| {sig.name} | {run} | {len(outcomes)} | {len(before)} | {len(failures(before))} "
                  f"| {len(after)} | {len(failures(after))} |")


def measure_limits(folder, limit=20, requests=100):
    main = catalogue(folder)
    paths = [f"/lookup/track/{track_id}" for track_id in track_ids(main)[:requests]]
    print(f"| storage | workers | let through out of {requests} (limit {limit} per hour) |")
    print("|---|---|---|")
    for storage in ("memory", "redis"):
        for workers in (1, 2):
            with running_redis() as redis_server:
                uri = redis_server.url if storage == "redis" else "memory://"
                env = service_env(main, LOG_LEVEL="WARNING", RATELIMIT_ENABLED="true",
                                  RATELIMIT_DEFAULT=f"{limit} per hour", RATELIMIT_STORAGE_URI=uri,
                                  GUNICORN_WORKER_CLASS="sync")
                with running_gunicorn(env, workers=workers) as server:
                    outcomes = stream(server.base_url, paths, clients=8)
            allowed = sum(outcome.status != 429 for outcome in outcomes)
            print(f"| {storage} | {workers} | {allowed} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["workers", "signals", "limits"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-serving-") as folder:
        folder = Path(folder)
        if options.what == "workers":
            measure_workers(folder, options.rounds, options.connections)
        elif options.what == "signals":
            measure_signals(folder, options.rounds)
        else:
            measure_limits(folder)


if __name__ == "__main__":
    main()
