"""How long a search that runs into its time limit keeps its client waiting,
under concurrent load (issue 12: 408s after 2.0 s at the median with a
1,000 ms limit).

Every request is a scan search for a word no name holds, so each runs until
its limit; more clients than the server has threads means requests wait for
a thread first. Run from the repository root::

    .venv/bin/python -m bench.time_limits --tracks 400000 --clients 16

It prints one JSON line: statuses, and the client-side seconds per answer
(median, 90th percentile, max). Results are in docs/PERFORMANCE.md
("Time limits under load").
"""

import argparse
import json
import statistics
from concurrent.futures import ThreadPoolExecutor

from bench.catalogues import ensure_catalogue
from tests.support.servers import running_gunicorn
from tests.support.traffic import send


def measure(main_file, *, limit_ms, clients, rounds, workers):
    env = {
        "MUSIC_API_MAIN_DATABASE": main_file,
        "MUSIC_API_RATELIMIT_ENABLED": "false",
        "MUSIC_API_SEARCH_TIME_LIMIT_MS": str(limit_ms),
        "MUSIC_API_LOG_LEVEL": "WARNING",
    }
    with running_gunicorn(env, workers=workers) as server:
        alone = send(server.base_url, "/search/track?q=zzqqxxnothere")
        # Distinct queries, all matching nothing: every one scans to its limit.
        paths = [f"/search/track?q=zzqq{number}xx" for number in range(clients * rounds)]
        with ThreadPoolExecutor(clients) as pool:
            outcomes = list(pool.map(lambda path: send(server.base_url, path), paths))
    seconds = sorted(outcome.finished - outcome.started for outcome in outcomes)
    statuses = {}
    for outcome in outcomes:
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    return {
        "limit_ms": limit_ms,
        "clients": clients,
        "workers": workers,
        "alone_s": round(alone.finished - alone.started, 3),
        "statuses": statuses,
        "median_s": round(statistics.median(seconds), 3),
        "p90_s": round(seconds[int(len(seconds) * 0.9)], 3),
        "max_s": round(seconds[-1], 3),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=400_000)
    parser.add_argument("--limit-ms", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=4, help="requests per client")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--main-database", help="serve this file instead of a generated catalogue")
    args = parser.parse_args()
    main_file = args.main_database or ensure_catalogue(args.tracks).main
    result = measure(
        main_file,
        limit_ms=args.limit_ms, clients=args.clients, rounds=args.rounds, workers=args.workers,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
