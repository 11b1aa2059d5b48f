"""What a lookup reads from disk when the catalogue is not in the page cache.

    python -m bench.cold_pages --tracks 1000000,5000000 --lookups 300

For each catalogue: sample ISRCs (which reads part of the files), drop both
files from the page cache (posix_fadvise DONTNEED; pages another process
still maps stay, so the resident size before and after is reported), then
run ISRC lookups with the service's own SQL over a connection opened as the
service opens it (immutable; mmap as configured, then without mmap, where
SQLite reads pages with pread into its own cache). Per lookup it counts major page faults
(a page that had to be read from disk) and the bytes the kernel read for the
process (/proc/self/io read_bytes, readahead included), and times it. The
first lookups pay for the B-trees' upper levels; the later ones show the
steady cold cost, which is what a random key costs on the real 216 GB files
for a long time.

As a suite of ``make bench`` it runs on every catalogue of the run, with
``SUITE_LOOKUPS`` lookups, mmap on and off.
"""

import argparse
import json
import resource
import statistics
import time
from pathlib import Path

from app.catalog import tracks
from app.db import open_catalogue
from app.files import ServedFiles
from bench.catalogues import drop_from_page_cache
from bench.catalogues import ensure_catalogue
from bench.keys import sample_keys
from bench.report import Section
from bench.report import Table

PAGE = 4096
SUITE_LOOKUPS = 300
MMAP_SIZES = "274877906944,0"


def _read_bytes():
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("read_bytes:"):
            return int(line.split()[1])
    return 0


def cold_lookups(catalogue, count, mmap_size):
    isrcs = sample_keys(catalogue.main, count, seed=99)["isrcs"]
    dropped = drop_from_page_cache(catalogue)
    connection = open_catalogue(
        ServedFiles(main=catalogue.main, track_files=catalogue.track_files),
        immutable=True, mmap_size=mmap_size, cache_size_kib=8192,
    )
    faults, pages_read, milliseconds = [], [], []
    try:
        for isrc in isrcs:
            faults_before = resource.getrusage(resource.RUSAGE_SELF).ru_majflt
            read_before = _read_bytes()
            started = time.perf_counter()
            tracks.tracks_by_isrc(connection, [isrc])
            milliseconds.append((time.perf_counter() - started) * 1000)
            faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_majflt - faults_before)
            pages_read.append((_read_bytes() - read_before) / PAGE)
    finally:
        connection.close()

    def summary(values):
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        return {"mean": statistics.fmean(values), "p50": cuts[49], "p99": cuts[98]}

    first = min(50, count // 4)
    return {
        "tracks": catalogue.tracks,
        "mmap_size": mmap_size,
        "lookups": count,
        "resident_before_after_drop": dropped,
        "first_lookups": first,
        "first": {"major_faults": summary(faults[:first]), "pages_read": summary(pages_read[:first]),
                  "ms": summary(milliseconds[:first])},
        "later": {"major_faults": summary(faults[first:]), "pages_read": summary(pages_read[first:]),
                  "ms": summary(milliseconds[first:])},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.cold_pages", description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", default="1000000,5000000")
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--mmap-size", default=MMAP_SIZES,
                        help="PRAGMA mmap_size values to compare (the service's default, then reads)")
    args = parser.parse_args(argv)
    results = {"load_before": Path("/proc/loadavg").read_text().split()[:3], "catalogues": []}
    for size in args.tracks.split(","):
        for mmap_size in args.mmap_size.split(","):
            results["catalogues"].append(
                cold_lookups(ensure_catalogue(int(size)), args.lookups, int(mmap_size))
            )
    results["load_after"] = Path("/proc/loadavg").read_text().split()[:3]
    print(json.dumps(results, indent=1))


def run(context):
    lookups = 40 if context.quick else SUITE_LOOKUPS
    measured = [
        (catalogue, cold_lookups(catalogue, lookups, int(mmap_size)))
        for catalogue in context.catalogues for mmap_size in MMAP_SIZES.split(",")
    ]
    results = [result for _, result in measured]
    context.raw["cold_pages"] = results
    rows = []
    for catalogue, result in measured:
        first, later = result["first"], result["later"]
        rows.append([
            catalogue.label, "on (default)" if result["mmap_size"] else "off",
            result["resident_before_after_drop"],
            f"{first['major_faults']['mean']:.1f} / {first['pages_read']['mean']:,.0f}, "
            f"{first['ms']['p50']:.1f} ms",
            round(later["major_faults"]["mean"], 2),
            f"{later['pages_read']['mean']:,.0f}, {later['pages_read']['p50']:,.0f}",
            round(later["ms"]["p50"], 1), round(later["ms"]["p99"], 1),
        ])
    table = Table(["catalogue", "mmap", "resident before → after the drop",
                   "first lookups: faults / pages read per lookup (mean), p50 ms",
                   "later: faults per lookup", "later: pages read per lookup (mean, p50)",
                   "later: p50 ms", "later: p99 ms"], rows,
                  title=f"{lookups} ISRC lookups per row, the first "
                        f"{results[0]['first_lookups']} apart")
    intro = "`python -m bench.cold_pages` (module docstring): pages are 4 kB, readahead included."
    return [Section("cold_pages", "Cold cache: what a lookup reads from disk", intro, [table])]


if __name__ == "__main__":
    main()
