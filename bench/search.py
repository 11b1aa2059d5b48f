"""Search benchmark: build the index of a generated catalogue, then time a fixed
query set through HTTP with the index and with the scan fallback.

Run on its own from the repository root (it needs nothing else of ``bench/``;
gunicorn is started by the runner the tests use, tests/support/servers.py)::

    BENCH_DIR=/work/bench-cache .venv/bin/python -m bench.search --tracks 5000000

The catalogue is ``BENCH_DIR/tracks-<N>-seed-<S>/`` (generated once, shared
with the other benchmarks); the index goes to ``search-index/`` inside it,
so the other benchmarks, which serve that folder, keep the scan fallback.
Results: a Markdown block in docs/PERFORMANCE.md between
``<!-- bench:search:begin -->`` and ``<!-- bench:search:end -->``, and JSON
under ``BENCH_DIR/results/``.
"""

import argparse
import contextlib
import datetime
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.support.servers import running_gunicorn

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DOCUMENT = REPO / "docs" / "PERFORMANCE.md"
REAL_TRACKS = 256_039_007
START_TIMEOUT_S = 120
REQUEST_TIMEOUT_S = 30

# The fixed query set: (category, kind, q). Words come from the generator's
# vocabulary, so each category means the same on every catalogue size.
QUERIES = [
    *(("common word", kind, q) for kind in ("track", "album") for q in ("love", "night", "baby", "the")),
    ("common word", "artist", "the"),
    ("common word", "artist", "lil"),
    *(("rare word", kind, q) for kind in ("track", "album") for q in ("smorgasbord", "fiance", "garcon")),
    ("rare word", "artist", "dvorak"),
    ("rare word", "artist", "silencio"),
    *(("2-char prefix", kind, q) for kind in ("track", "album", "artist") for q in ("lo", "ma", "ni")),
    *(("accented name", kind, q) for kind in ("track", "album") for q in ("corazon", "zurich", "senorita")),
    *(("accented name", "artist", q) for q in ("beyonce", "motley crue", "celine dion", "bjork")),
    *(("multi-word", kind, q) for kind in ("track", "album")
      for q in ("love you", "summer ni", "baby love night", "dark city lights")),
    ("multi-word", "artist", "sigur ros"),
    ("multi-word", "artist", "heroes del"),
    ("mid-word", "track", "ight"),
    ("mid-word", "album", "ummer"),
    ("mid-word", "artist", "oncé"),
]


def bench_dir():
    return Path(os.environ.get("BENCH_DIR") or "var/bench")


def ensure_catalogue(tracks, seed):
    """The cached catalogue folder (same layout as the other benchmarks)."""
    from app.demo import write_catalogue

    folder = bench_dir() / f"tracks-{tracks}-seed-{seed}"
    record = folder / "build.json"
    if not record.exists():
        print(f"generating {tracks:,} tracks into {folder} (once) …", flush=True)
        counts = write_catalogue(folder / "main_database.sqlite3", folder / "track_files.sqlite3",
                                 tracks=tracks, seed=seed, progress=True)
        record.write_text(json.dumps({"tracks": tracks, "seed": seed, "counts": counts}, indent=1))
    return folder


def build_index(folder, rebuild):
    """Build the index with the real command; return time, peak memory and size."""
    index = folder / "search-index" / "search.sqlite3"
    record = index.parent / "build.json"
    if record.exists() and index.exists() and not rebuild:
        return index, json.loads(record.read_text())
    index.parent.mkdir(exist_ok=True)
    load_before = os.getloadavg()
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "music-metadata-api"), "build-search-index",
         "--main-database", str(folder / "main_database.sqlite3"), "--output", str(index)],
        check=True,
    )
    build = {
        "seconds": round(time.perf_counter() - started, 1),
        # The builder is this process's only child so far: its peak RSS.
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "index_mb": round(index.stat().st_size / 1e6, 1),
        "main_mb": round((folder / "main_database.sqlite3").stat().st_size / 1e6, 1),
        "load_average": [round(value, 2) for value in load_before],
    }
    record.write_text(json.dumps(build, indent=1))
    return index, build


@contextlib.contextmanager
def service(folder, index, workers):
    """gunicorn over the catalogue, with ``index`` or (None) in scan mode; always stopped."""
    env = {
        "MUSIC_API_MAIN_DATABASE": folder / "main_database.sqlite3",
        "MUSIC_API_RATELIMIT_ENABLED": "false",
        # None: not inherited from the caller's environment either.
        "MUSIC_API_SEARCH_DATABASE": index,
    }
    with running_gunicorn(env, workers=workers, start_timeout=START_TIMEOUT_S) as server:
        with urllib.request.urlopen(server.base_url + "/health", timeout=REQUEST_TIMEOUT_S) as answer:
            mode = json.loads(answer.read())["search"]
        print(f"service up, search mode: {mode}", flush=True)
        yield server.base_url


def time_queries(base, repeats):
    """Return {category: [(milliseconds, status), …]} over ``repeats`` rounds of QUERIES."""
    paths = [
        (category, f"/search/{kind}?" + urllib.parse.urlencode({"q": q, "limit": 20}))
        for category, kind, q in QUERIES
    ]
    return time_paths(base, paths, repeats)


def time_paths(base, paths, repeats):
    """GET each (category, path) ``repeats`` times in turn; return
    {category: [(milliseconds, status), …]}."""
    samples = {}
    for _ in range(repeats):
        for category, path in paths:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(base + path, timeout=REQUEST_TIMEOUT_S) as answer:
                    answer.read()
                    status = answer.status
            except urllib.error.HTTPError as error:
                error.read()
                status = error.code
            elapsed = (time.perf_counter() - started) * 1000
            samples.setdefault(category, []).append((elapsed, status))
    return samples


def percentiles(values):
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


def summarise(samples):
    rows = {}
    every = [sample for values in samples.values() for sample in values]
    for category, values in [*samples.items(), ("all", every)]:
        times = [elapsed for elapsed, _ in values]
        rows[category] = {
            **{key: round(value, 1) for key, value in percentiles(times).items()},
            "requests": len(values),
            "timeouts": sum(1 for _, status in values if status == 408),
        }
    return rows


def markdown(result):
    build, tracks = result["build"], result["tracks"]
    scale = REAL_TRACKS / tracks
    lines = [
        f"Catalogue: {tracks:,} generated tracks (seed {result['seed']}), main file "
        f"{build['main_mb']:,} MB. Command: `BENCH_DIR=… python -m bench.search "
        f"--tracks {tracks}`, {result['date']}, {os.cpu_count()} cores; load average "
        f"{build['load_average']} at build, {result['load_average']} during the queries.",
        "",
        "| build | measured | extrapolated to 256M tracks (× " + f"{scale:.0f})" + " |",
        "|---|---|---|",
        f"| time | {build['seconds']:,} s | ≈ {build['seconds'] * scale / 60:,.0f} min |",
        f"| peak memory (RSS) | {build['peak_rss_mb']} MB | same (bounded: batches of rows, "
        "64 MiB page cache, FTS5's own flush size) |",
        f"| index size | {build['index_mb']:,} MB | ≈ {build['index_mb'] * scale / 1000:,.0f} GB |",
        "",
        f"Latency through HTTP (1 gunicorn worker, one client, limit=20, "
        f"{result['repeats']} rounds of {len(QUERIES)} queries; milliseconds):",
        "",
        "| queries | index p50 | p95 | p99 | scan p50 | p95 | p99 | scan 408s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for category, index_row in result["index"].items():
        scan_row = result["scan"].get(category, {})
        lines.append(
            f"| {category} | {index_row['p50']} | {index_row['p95']} | {index_row['p99']} | "
            f"{scan_row.get('p50', '–')} | {scan_row.get('p95', '–')} | "
            f"{scan_row.get('p99', '–')} | {scan_row.get('timeouts', '–')}/"
            f"{scan_row.get('requests', '–')} |"
        )
    return "\n".join(lines)


def write_block(text, name="search"):
    """Replace (or append) the block ``name`` in docs/PERFORMANCE.md."""
    begin, end = f"<!-- bench:{name}:begin -->", f"<!-- bench:{name}:end -->"
    block = f"{begin}\n{text}\n{end}"
    document = DOCUMENT.read_text() if DOCUMENT.exists() else "# Performance\n"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    if pattern.search(document):
        document = pattern.sub(lambda _: block, document)
    else:
        document = document.rstrip("\n") + "\n\n" + block + "\n"
    DOCUMENT.parent.mkdir(exist_ok=True)
    DOCUMENT.write_text(document)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=20, help="rounds of the query set (index)")
    parser.add_argument("--scan-repeats", type=int, default=3, help="rounds for the scan fallback")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index even if cached")
    parser.add_argument("--no-write", action="store_true", help="print only; leave the docs alone")
    arguments = parser.parse_args()
    folder = ensure_catalogue(arguments.tracks, arguments.seed)
    index, build = build_index(folder, arguments.rebuild)
    print("build:", json.dumps(build), flush=True)
    load_before = os.getloadavg()
    with service(folder, index, workers=1) as base:
        time_queries(base, 1)  # warm the page cache and the worker
        indexed = summarise(time_queries(base, arguments.repeats))
    with service(folder, None, workers=1) as base:
        scan = summarise(time_queries(base, arguments.scan_repeats))
    result = {
        "tracks": arguments.tracks, "seed": arguments.seed, "repeats": arguments.repeats,
        "date": datetime.date.today().isoformat(), "build": build, "index": indexed, "scan": scan,
        "load_average": [round(max(a, b), 2) for a, b in zip(load_before, os.getloadavg())],
    }
    results = bench_dir() / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"search-{arguments.tracks}-{int(time.time())}.json").write_text(
        json.dumps(result, indent=1))
    text = markdown(result)
    print(text)
    if not arguments.no_write:
        write_block(text)


if __name__ == "__main__":
    main()
