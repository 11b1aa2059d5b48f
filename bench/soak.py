"""Soak: 10 minutes of mixed traffic against 2 workers; worker memory and
file descriptors sampled every minute. Not part of CI (`make soak`).

    python -m bench.soak [--minutes 10] [--tracks 200000]   # from the repository root

Prints one line per sample and a verdict: worker RSS (and its private part)
may not grow more than 10% from the first sample to the last, and the count
of open files must stay flat. A first minute of traffic warms up, unsampled.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

from app.demo import write_catalogue
from bench.keys import sample_keys
from tests.support.load import mixed_requests
from tests.support.load import run_load
from tests.support.servers import running_gunicorn

REPO = Path(__file__).resolve().parent.parent
MAX_RSS_GROWTH = 0.10


def worker_stats(master_pid):
    """RSS, private (anonymous) RSS and open files of each worker.

    RSS counts the catalogue pages a worker touched through mmap, which are
    shared page cache; a leak shows in the private part. Sockets are left out
    of the file count: a keep-alive client may or may not be connected at the
    moment of the sample.
    """
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    stats = {}
    for pid in children:
        status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
        files = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        stats[int(pid)] = {
            "rss_mib": round(int(status["VmRSS"].split()[0]) / 1024, 1),
            "private_mib": round(int(status["RssAnon"].split()[0]) / 1024, 1),
            "files": sum(not target.startswith("socket:") for target in files),
        }
    return stats


def catalogue(tracks):
    folder = REPO / "var" / "bench" / f"soak-{tracks}"
    main = folder / "main_database.sqlite3"
    if not main.exists():
        write_catalogue(main, folder / "track_files.sqlite3", tracks=tracks, seed=1, progress=True)
    return main


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--tracks", type=int, default=200_000)
    arguments = parser.parse_args()
    main_file = catalogue(arguments.tracks)
    make_request = mixed_requests(sample_keys(main_file, 20000))
    environment = {"MUSIC_API_MAIN_DATABASE": main_file, "MUSIC_API_RATELIMIT_ENABLED": "false"}
    samples = []
    with running_gunicorn(environment, workers=2) as server:
        port = int(server.base_url.rsplit(":", 1)[1])
        # Warm-up, not sampled: each worker thread opens its connection on its
        # first request, so a worker's memory and files grow until all have.
        run_load("127.0.0.1", port, make_request, seconds=60, connections=4, seed=0)
        for minute in range(1, arguments.minutes + 1):
            result = run_load("127.0.0.1", port, make_request, seconds=60, connections=4, seed=minute)
            sample = {"minute": minute, "load": result.summary(), "workers": worker_stats(server.process.pid)}
            samples.append(sample)
            print(json.dumps(sample), flush=True)
    first, last = samples[0]["workers"], samples[-1]["workers"]
    verdict = {
        "same_workers": set(first) == set(last),
        "rss_growth": {
            pid: round(last[pid]["rss_mib"] / first[pid]["rss_mib"] - 1, 3) for pid in first if pid in last
        },
        "private_growth": {
            pid: round(last[pid]["private_mib"] / first[pid]["private_mib"] - 1, 3)
            for pid in first
            if pid in last
        },
        "files": {pid: (first[pid]["files"], last[pid]["files"]) for pid in first if pid in last},
        "requests": sum(s["load"]["requests"] for s in samples),
        "failures": sum(sum(s["load"]["errors"].values()) for s in samples),
    }
    ok = (
        verdict["same_workers"]
        and all(growth <= MAX_RSS_GROWTH for growth in verdict["rss_growth"].values())
        and all(growth <= MAX_RSS_GROWTH for growth in verdict["private_growth"].values())
        and all(before == after for before, after in verdict["files"].values())
        and verdict["failures"] == 0
    )
    print(json.dumps({"verdict": "pass" if ok else "fail", **verdict}), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    started = time.monotonic()
    status = main()
    print(f"soak took {time.monotonic() - started:.0f} s")
    sys.exit(status)
