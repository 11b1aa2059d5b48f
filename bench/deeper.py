"""Benchmark of the deeper catalogue: index parts, heavy artists, audio features.

On a cached catalogue (:mod:`bench.catalogues`) it

1. writes the audio features file of the catalogue and builds the sidecar
   index with every part, in a folder of its own (the catalogue's files are
   linked, never written), timing each part and measuring its size;
2. times discography and top-track requests in-process (the Flask app,
   warm page cache) for the heaviest artists (most albums, most tracks)
   and for typical ones, interleaved, and reports medians and their ratio;
3. counts the statements of a 1-id and a 100-id audio-features batch.

    python -m bench.deeper --tracks 1000000
"""

import argparse
import random
import statistics
import time
from pathlib import Path

import apsw

from bench.catalogues import bench_dir
from bench.catalogues import ensure_catalogue

# The real dump, for extrapolating the index parts.
REAL = {"tracks": 256_039_007, "albums": 58_590_982, "artists": 15_430_442}
ROUNDS = 300
TYPICAL_ARTISTS = 20


def prepare(catalogue, output):
    """Return the folder (under ``output``) serving ``catalogue`` with an
    audio features file and a full index."""
    from app.demo.audio_features import build_audio_features
    from app.index.builder import build_search_index

    folder = output / f"deeper-{catalogue.folder.name}"
    folder.mkdir(parents=True, exist_ok=True)
    for path in (catalogue.main, catalogue.track_files):
        link = folder / path.name
        if not link.exists():
            link.symlink_to(path.resolve())
    features = folder / "spotify_clean_audio_features.sqlite3"
    report = {}
    if not features.exists():
        started = time.perf_counter()
        partial = features.with_name(features.name + ".partial")
        partial.unlink(missing_ok=True)
        build_audio_features(catalogue.main, partial, catalogue.tracks, catalogue.seed)
        partial.rename(features)
        report["features_seconds"] = round(time.perf_counter() - started, 1)
    report["features_bytes"] = features.stat().st_size
    report["index"] = build_search_index(folder / "main_database.sqlite3", folder / "search.sqlite3")
    report["part_bytes"] = part_sizes(folder / "search.sqlite3")
    return folder, report


# Tables (and their indexes) of each part, for its size on disk.
PART_TABLES = {
    "names": tuple(f"{kind}_{table}" for kind in ("track", "album", "artist")
                   for table in ("ranks", "words", "trigrams", "terms")),
    "upcs": ("album_upcs",),
    "discographies": ("artist_albums_ordered", "artist_album_counts"),
    "top_tracks": ("artist_top_tracks",),
    "markets": ("markets",),
}


def part_sizes(index_path):
    """{part: bytes} from SQLite's dbstat table."""
    connection = apsw.Connection(str(index_path), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        by_table = dict(connection.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
    finally:
        connection.close()
    sizes = {}
    for part, prefixes in PART_TABLES.items():
        sizes[part] = sum(size for name, size in by_table.items() if name.startswith(prefixes))
    return sizes


def artists(main_path, table, count):
    """(heaviest artist id, its rows, [typical artist ids]) by rows in ``table``."""
    connection = apsw.Connection(str(main_path), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        counted = connection.execute(
            f"SELECT a.id, count(*) FROM {table} l JOIN artists a ON a.rowid = l.artist_rowid "
            "GROUP BY l.artist_rowid ORDER BY count(*) DESC").fetchall()
    finally:
        connection.close()
    heaviest = counted[0]
    median = counted[len(counted) // 2][1]
    # Typical: artists with about the median number of rows (and at least 2).
    typical = [artist for artist, rows in counted if max(median, 2) <= rows <= max(median, 2) * 2]
    return heaviest, median, random.Random(5).sample(typical, min(count, len(typical)))


def timed(client, heavy_path, typical_paths, rounds):
    """Median and 95th percentile in ms of GET ``heavy_path`` and of the
    ``typical_paths``, alternated call by call so both see the same machine."""
    timings = {"heavy": [], "typical": []}
    for round_number in range(rounds):
        for kind, path in (("heavy", heavy_path),
                           ("typical", typical_paths[round_number % len(typical_paths)])):
            started = time.perf_counter()
            response = client.get(path)
            timings[kind].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
    return {kind: (statistics.median(values), sorted(values)[int(len(values) * 0.95)])
            for kind, values in timings.items()}


def measure(folder):
    from app import create_app
    from tests.support.inprocess import counting_statements

    app = create_app({"MAIN_DATABASE": str(folder / "main_database.sqlite3"),
                      "RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING",
                      "REQUEST_TIME_LIMIT_MS": 600_000})
    client = app.test_client()
    rows = []
    for route, table, paths in (
        ("discography, first page of 50", "artist_albums", "/lookup/artist/{}/albums?limit=50"),
        ("discography, page of 50 at offset 40", "artist_albums",
         "/lookup/artist/{}/albums?limit=50&offset=40"),
        ("/v1 artist albums, page of 50", "artist_albums", "/v1/artists/{}/albums?limit=50"),
        ("top tracks (10)", "track_artists", "/lookup/artist/{}/top-tracks"),
        ("/v1 top tracks", "track_artists", "/v1/artists/{}/top-tracks"),
    ):
        (heavy, heavy_rows), median_rows, typical = artists(
            folder / "main_database.sqlite3", table, TYPICAL_ARTISTS)
        for warm in (heavy, *typical):
            client.get(paths.format(warm))
        measured = timed(client, paths.format(heavy), [paths.format(artist) for artist in typical],
                         ROUNDS)
        rows.append((route, heavy_rows, measured["heavy"], median_rows, measured["typical"]))
    with app.app_context():
        from app.db import get_db
        ids = [row[0] for row in get_db().execute(
            "SELECT track_id FROM features.track_audio_features WHERE null_response = 0 LIMIT 100")]
    statements = {}
    for size in (1, 100):
        with counting_statements(app) as seen:
            client.post("/batch/lookup", json={"audio_features": ids[:size]})
        statements[size] = len(seen)
    features_ms = timed(client, f"/v1/audio-features?ids={','.join(ids)}",
                        [f"/v1/audio-features?ids={ids[0]}"], ROUNDS)
    return rows, statements, features_ms


def extrapolate(catalogue, report):
    """Seconds and bytes of each part scaled to the real dump (linear in the rows it reads)."""
    counts = catalogue.build_record()["counts"]
    scale = {
        "names": REAL["tracks"] / counts["tracks"],
        "upcs": REAL["albums"] / counts["albums"],
        "discographies": REAL["albums"] / counts["albums"],
        "top_tracks": REAL["tracks"] / counts["tracks"],
        "markets": 1,
    }
    return {
        part: (report["index"]["part_seconds"][part] * factor,
               report["part_bytes"].get(part, 0) * factor)
        for part, factor in scale.items()
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=1_000_000)
    parser.add_argument("--output", type=Path, default=None, help="where the features file and "
                        "the index go (default: BENCH_DIR); the catalogue's own files are only read")
    arguments = parser.parse_args()
    catalogue = ensure_catalogue(arguments.tracks)
    folder, report = prepare(catalogue, arguments.output or bench_dir())
    print(f"## Deeper catalogue, {catalogue.label} tracks ({folder})\n")
    print(f"audio features file: {report['features_bytes'] / 1e6:,.0f} MB"
          + (f", written in {report['features_seconds']} s" if "features_seconds" in report else ""))
    index = report["index"]
    print(f"index: {index['bytes'] / 1e6:,.0f} MB in {index['seconds']} s, "
          f"peak memory {index['peak_rss_bytes'] / 1e6:,.0f} MB\n")
    print("| part | rows | build s | MB | real dump, linear: build | size |")
    print("|---|---|---|---|---|---|")
    real = extrapolate(catalogue, report)
    part_rows = {"names": index["tracks"] + index["albums"] + index["artists"],
                 "upcs": index["upcs"], "discographies": index["discography_albums"],
                 "top_tracks": index["top_tracks"], "markets": index["markets"]}
    for part, seconds in index["part_seconds"].items():
        real_seconds, real_bytes = real[part]
        print(f"| {part} | {part_rows[part]:,} | {seconds} | {report['part_bytes'][part] / 1e6:,.1f} "
              f"| {real_seconds / 60:,.0f} min | {real_bytes / 1e9:,.1f} GB |")
    print(f"\nheavy artists in the index: {index['heavy_discographies']:,} (discographies), "
          f"{index['heavy_top_tracks']:,} (top tracks)\n")
    rows, statements, features_ms = measure(folder)
    print("| request | heaviest artist (rows) | median / p95 ms | typical artist (median rows) "
          "| median / p95 ms | heaviest ÷ typical |")
    print("|---|---|---|---|---|---|")
    for route, heavy_rows, heavy_ms, median_rows, typical_ms in rows:
        print(f"| {route} | {heavy_rows:,} | {heavy_ms[0]:.2f} / {heavy_ms[1]:.2f} | {median_rows} "
              f"| {typical_ms[0]:.2f} / {typical_ms[1]:.2f} | {heavy_ms[0] / typical_ms[0]:.2f} |")
    print(f"\naudio features batch: {statements[1]} statement(s) for 1 id, {statements[100]} "
          f"for 100; /v1/audio-features median {features_ms['typical'][0]:.2f} ms (1 id), "
          f"{features_ms['heavy'][0]:.2f} ms (100 ids)")


if __name__ == "__main__":
    main()
