"""The answer cache under a Zipf-distributed workload, in process.

    python -m bench.zipf_cache --tracks 1000000 --sizes 20 --requests 300000

Track lookups whose popularity follows Zipf's law (exponent 1.1 over the
catalogue's visible tracks, ranked in a seeded random order) go through the
app's WSGI interface with production settings (limits at a rate never
reached, the log at WARNING so the harness's output stays readable). For
each cache size it reports the hit rate over the run, the entries and bytes
the cache holds at its end and the growth of the process's private memory
(RssAnon: the catalogue's mapped pages left out); then the CPU of one hit
and of one miss (time.process_time over repeated requests). Run one size
per process for the memory figure to be that size's alone.

As a suite of ``make bench`` it runs ``SUITE_SIZES_MB`` on the smallest
catalogue, each size in a process of its own.
"""

import argparse
import bisect
import io
import itertools
import json
import random
import subprocess
import sys
import time
from pathlib import Path

from prometheus_client import REGISTRY
from werkzeug.test import EnvironBuilder

from app import create_app
from app.db import read_only
from bench.report import Section
from bench.report import Table

EXPONENT = 1.1
SUITE_SIZES_MB = (20, 200)
SUITE_REQUESTS = 300_000
VISIBLE_TRACK_IDS = """
SELECT tracks.id FROM tracks JOIN albums ON albums.rowid = tracks.album_rowid
"""


def zipf_paths(main_file, count, seed=11):
    """``count`` track lookup paths, Zipf-distributed over all visible tracks."""
    with read_only(main_file) as connection:
        ids = [track_id for (track_id,) in connection.execute(VISIBLE_TRACK_IDS)]
    rng = random.Random(seed)
    rng.shuffle(ids)
    cumulative = list(itertools.accumulate(1 / rank**EXPONENT for rank in range(1, len(ids) + 1)))
    total = cumulative[-1]
    return [
        f"/lookup/track/{ids[bisect.bisect_left(cumulative, rng.random() * total)]}"
        for _ in range(count)
    ]


def _app(main_file, megabytes):
    return create_app({
        "MAIN_DATABASE": str(main_file),
        "RATELIMIT_DEFAULT": "1000000 per second",
        "LOG_LEVEL": "WARNING",
        "ANSWER_CACHE_MB": megabytes,
    })


def _get(app, path):
    environ = EnvironBuilder(path=path, input_stream=io.BytesIO()).get_environ()
    for _ in app(environ, lambda status, headers, exc_info=None: None):
        pass


def private_memory_mb():
    """This process's own memory (RssAnon), without the catalogue's mapped pages."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _counter(name):
    return REGISTRY.get_sample_value(name) or 0


def hit_rate(main_file, megabytes, paths):
    app = _app(main_file, megabytes)
    hits = _counter("music_api_answer_cache_hits_total")
    misses = _counter("music_api_answer_cache_misses_total")
    anon_before = private_memory_mb()
    started = time.process_time()
    for path in paths:
        _get(app, path)
    cpu = time.process_time() - started
    hits = _counter("music_api_answer_cache_hits_total") - hits
    misses = _counter("music_api_answer_cache_misses_total") - misses
    cache = app.extensions["answer_cache"]
    return {
        "megabytes": megabytes,
        "requests": len(paths),
        "hit_rate": hits / (hits + misses),
        "entries": len(cache),
        "cache_mb": cache.size_bytes() / 2**20,
        "private_memory_growth_mb": private_memory_mb() - anon_before,
        "cpu_ms_per_request": cpu * 1000 / len(paths),
    }


def cpu_per_request(main_file, paths, megabytes, repeats):
    """CPU ms of one request: the same path ``repeats`` times (a hit every
    time once cached), or distinct paths with the cache off (misses)."""
    app = _app(main_file, megabytes)
    chosen = [paths[0]] * repeats if megabytes else paths[:repeats]
    _get(app, chosen[0])
    started = time.process_time()
    for path in chosen:
        _get(app, path)
    return (time.process_time() - started) * 1000 / repeats


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.zipf_cache", description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=1_000_000)
    parser.add_argument("--sizes", default="20", help="cache sizes in MB, comma-separated")
    parser.add_argument("--requests", type=int, default=300_000)
    args = parser.parse_args(argv)
    from bench.catalogues import ensure_catalogue

    catalogue = ensure_catalogue(args.tracks)
    paths = zipf_paths(catalogue.main, args.requests)
    results = {"load_before": open("/proc/loadavg").read().split()[:3],
               "distinct_tracks": len(set(paths)), "requests": len(paths)}
    results["hit_path_cpu_ms"] = cpu_per_request(catalogue.main, paths, 64, 3000)
    results["miss_path_cpu_ms"] = cpu_per_request(catalogue.main, paths, 0, 3000)
    results["sizes"] = [hit_rate(catalogue.main, float(size), paths) for size in args.sizes.split(",")]
    results["load_after"] = open("/proc/loadavg").read().split()[:3]
    print(json.dumps(results, indent=1))


def run(context):
    catalogue = context.catalogues[0]
    runs = []
    requests = 3000 if context.quick else SUITE_REQUESTS
    for size in SUITE_SIZES_MB:
        completed = subprocess.run(
            [sys.executable, "-m", "bench.zipf_cache", "--tracks", str(catalogue.tracks),
             "--sizes", str(size), "--requests", str(requests)],
            capture_output=True, text=True, check=True,
        )
        runs.append(json.loads(completed.stdout))
    context.raw["zipf_cache"] = {"tracks": catalogue.tracks, "runs": runs}
    rows = [
        [f"{size['megabytes']:g} MB", size["entries"], f"{size['hit_rate']:.1%}",
         round(size["cache_mb"], 1), round(size["private_memory_growth_mb"]),
         round(size["cpu_ms_per_request"], 2), round(one["hit_path_cpu_ms"], 2),
         round(one["miss_path_cpu_ms"], 2), f"{' '.join(one['load_before'])} → {' '.join(one['load_after'])}"]
        for one in runs for size in one["sizes"]
    ]
    table = Table(["setting", "entries held at the end", "hit rate", "cache's own count MB",
                   "private memory growth MB", "CPU ms per request (all)", "a hit: CPU ms",
                   "a miss: CPU ms", "load average (start → end)"], rows,
                  title=f"{catalogue.label} tracks, {requests:,} requests, "
                        f"{runs[0]['distinct_tracks']:,} distinct tracks asked")
    intro = (f"`python -m bench.zipf_cache --tracks {catalogue.tracks} --sizes N "
             f"--requests {requests}`, one size per process (module docstring).")
    return [Section("zipf_cache", "Answer cache under Zipf traffic (exponent 1.1)", intro, [table])]


if __name__ == "__main__":
    main()
