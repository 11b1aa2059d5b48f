"""Generated catalogues for benchmarks, built once and cached under BENCH_DIR.

A catalogue lives in ``BENCH_DIR/tracks-<N>-seed-<S>/`` (main_database,
track_files and build.json with the row counts and the build time), so
catalogues can be shared between checkouts by pointing BENCH_DIR at one
folder.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BENCH_DIR = "var/bench"
SEED = 1


@dataclass(frozen=True)
class Catalogue:
    tracks: int
    seed: int
    folder: Path

    @property
    def main(self):
        return self.folder / "main_database.sqlite3"

    @property
    def track_files(self):
        return self.folder / "track_files.sqlite3"

    @property
    def label(self):
        return f"{self.tracks / 1e6:g}M" if self.tracks >= 1_000_000 else f"{self.tracks / 1e3:g}k"

    def build_record(self):
        return json.loads((self.folder / "build.json").read_text())

    def disk_bytes(self):
        return {path.name: path.stat().st_size for path in (self.main, self.track_files)}


def bench_dir():
    return Path(os.environ.get("BENCH_DIR") or DEFAULT_BENCH_DIR)


def ensure_catalogue(tracks, seed=SEED):
    """Return the cached catalogue of ``tracks`` tracks, building it first if needed.

    The build streams through :func:`app.demo.write_catalogue`, which shows
    a progress bar and only gives the files their final names once whole;
    build.json, written last, marks the catalogue complete.
    """
    from app.demo import write_catalogue

    catalogue = Catalogue(tracks, seed, bench_dir() / f"tracks-{tracks}-seed-{seed}")
    record = catalogue.folder / "build.json"
    if not record.exists():
        print(f"bench: generating {tracks:,} tracks into {catalogue.folder} (once) …", flush=True)
        counts = write_catalogue(
            catalogue.main, catalogue.track_files, tracks=tracks, seed=seed, progress=True
        )
        record.write_text(json.dumps({"tracks": tracks, "seed": seed, "counts": counts}, indent=1))
    return catalogue


def drop_from_page_cache(catalogue):
    """Ask the kernel to drop ``catalogue``'s pages from the page cache.

    posix_fadvise(DONTNEED) needs no privilege and touches only these files
    (pages still mapped by a running process stay). Returns "before → after"
    resident sizes, as measured by fincore(1) when available.
    """
    before = _resident_mb(catalogue)
    for path in (catalogue.main, catalogue.track_files):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(descriptor)
    return f"{before} → {_resident_mb(catalogue)} MB"


def _resident_mb(catalogue):
    import shutil
    import subprocess

    if shutil.which("fincore") is None:
        return "?"
    output = subprocess.run(
        ["fincore", "--bytes", "--noheadings", "--output", "RES",
         str(catalogue.main), str(catalogue.track_files)],
        capture_output=True, text=True, check=True,
    ).stdout
    return round(sum(int(value) for value in output.split()) / 2**20)


def warm_page_cache(catalogue, chunk_bytes=8 * 2**20):
    """Read both files once so the "warm" runs find them in the page cache.

    Returns the seconds the read took (cold disk: the files' size over the
    disk's sequential speed; already cached: about memory speed).
    """
    import time

    started = time.perf_counter()
    for path in (catalogue.main, catalogue.track_files):
        with open(path, "rb", buffering=0) as file:
            while file.read(chunk_bytes):
                pass
    return time.perf_counter() - started
