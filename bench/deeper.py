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
    """((id, rowid, rows) of the heaviest artist, median rows, [(id, rowid) of
    typical artists]) by their rows in ``table``."""
    connection = apsw.Connection(str(main_path), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        counted = connection.execute(
            f"SELECT a.id, a.rowid, count(*) FROM {table} l JOIN artists a ON a.rowid = l.artist_rowid "
            "GROUP BY l.artist_rowid ORDER BY count(*) DESC").fetchall()
    finally:
        connection.close()
    median = counted[len(counted) // 2][2]
    # Typical: artists with about the median number of rows (and at least 2).
    low = max(median, 2)
    typical = [(artist, rowid) for artist, rowid, rows in counted if low <= rows <= low * 2]
    return counted[0], median, random.Random(5).sample(typical, min(count, len(typical)))


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


# (label, table counted, path for the heaviest artist, path for typical ones).
REQUESTS = (
    ("native discography, page of 5", "artist_albums",
     "/lookup/artist/{}/albums?limit=5", "/lookup/artist/{}/albums?limit=5"),
    ("native discography, page of 5 at offset 1000 (typical: 0)", "artist_albums",
     "/lookup/artist/{}/albums?limit=5&offset=1000", "/lookup/artist/{}/albums?limit=5"),
    ("/v1 artist albums, page of 5", "artist_albums",
     "/v1/artists/{}/albums?limit=5", "/v1/artists/{}/albums?limit=5"),
    ("native top tracks (10)", "track_artists",
     "/lookup/artist/{}/top-tracks", "/lookup/artist/{}/top-tracks"),
    ("/v1 top tracks (10)", "track_artists",
     "/v1/artists/{}/top-tracks", "/v1/artists/{}/top-tracks"),
)


def measure(folder):
    """Whole requests, then the ordering step alone (with and without the index)."""
    from app import create_app
    from app.catalog import discographies
    from app.catalog import top_tracks
    from app.db import get_db
    from tests.support.inprocess import counting_statements

    app = create_app({"MAIN_DATABASE": str(folder / "main_database.sqlite3"),
                      "RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING",
                      "REQUEST_TIME_LIMIT_MS": 600_000})
    client = app.test_client()
    main = folder / "main_database.sqlite3"
    chosen = {table: artists(main, table, TYPICAL_ARTISTS) for table in ("artist_albums", "track_artists")}
    rows = []
    for label, table, heavy_path, typical_path in REQUESTS:
        (heavy, _, heavy_rows), median_rows, typical = chosen[table]
        for warm in range(3):
            client.get(heavy_path.format(heavy))
            for artist, _ in typical:
                client.get(typical_path.format(artist))
        measured = timed(client, heavy_path.format(heavy),
                         [typical_path.format(artist) for artist, _ in typical], ROUNDS)
        rows.append((label, heavy_rows, measured["heavy"], median_rows, measured["typical"]))
    with app.app_context():
        connection = get_db()
        ordering = {
            "discography page of 5 (SQL only)": (
                "artist_albums",
                lambda rowid: discographies.discography_page(
                    connection, rowid, discographies.GROUPS, 5, 0)),
            "top 10 tracks (SQL only)": (
                "track_artists", lambda rowid: top_tracks.top_track_rowids(connection, rowid, 10)),
        }
        sql_rows = []
        for label, (table, call) in ordering.items():
            (_, heavy_rowid, heavy_rows), median_rows, typical = chosen[table]
            indexed = time_calls(call, [heavy_rowid], [rowid for _, rowid in typical])
            parts = connection.index_parts
            connection.index_parts = frozenset()
            try:
                sorted_live = time_calls(call, [heavy_rowid], [heavy_rowid], rounds=5)["heavy"]
            finally:
                connection.index_parts = parts
            sql_rows.append((label, heavy_rows, indexed["heavy"], median_rows, indexed["typical"],
                             sorted_live))
        ids = [row[0] for row in connection.execute(
            "SELECT track_id FROM features.track_audio_features WHERE null_response = 0 LIMIT 100")]
    statements = {}
    for size in (1, 100):
        with counting_statements(app) as seen:
            client.post("/batch/lookup", json={"audio_features": ids[:size]})
        statements[size] = len(seen)
    features_ms = timed(client, f"/v1/audio-features?ids={','.join(ids)}",
                        [f"/v1/audio-features?ids={ids[0]}"], ROUNDS)
    return rows, sql_rows, statements, features_ms


def time_calls(call, heavy_keys, typical_keys, rounds=ROUNDS):
    """Like :func:`timed`, for a Python call instead of a request."""
    timings = {"heavy": [], "typical": []}
    for round_number in range(rounds):
        for kind, keys in (("heavy", heavy_keys), ("typical", typical_keys)):
            started = time.perf_counter()
            call(keys[round_number % len(keys)])
            timings[kind].append((time.perf_counter() - started) * 1000)
    return {kind: (statistics.median(values), sorted(values)[int(len(values) * 0.95)])
            for kind, values in timings.items()}


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
    rows, sql_rows, statements, features_ms = measure(folder)
    print("| request (in-process, warm) | heaviest artist (rows) | median / p95 ms "
          "| typical artists (median rows) | median / p95 ms | heaviest ÷ typical |")
    print("|---|---|---|---|---|---|")
    for label, heavy_rows, heavy_ms, median_rows, typical_ms in rows:
        print(f"| {label} | {heavy_rows:,} | {heavy_ms[0]:.2f} / {heavy_ms[1]:.2f} | {median_rows} "
              f"| {typical_ms[0]:.2f} / {typical_ms[1]:.2f} | {heavy_ms[0] / typical_ms[0]:.2f} |")
    print("\n| ordering step | heaviest artist (rows) | median ms, index | typical (median rows) "
          "| median ms | heaviest ÷ typical | heaviest without the index part |")
    print("|---|---|---|---|---|---|---|")
    for label, heavy_rows, heavy_ms, median_rows, typical_ms, live_ms in sql_rows:
        print(f"| {label} | {heavy_rows:,} | {heavy_ms[0]:.3f} | {median_rows} | {typical_ms[0]:.3f} "
              f"| {heavy_ms[0] / typical_ms[0]:.2f} | {live_ms[0]:.1f} ms |")
    print(f"\naudio features batch: {statements[1]} statement(s) for 1 id, {statements[100]} "
          f"for 100; /v1/audio-features median {features_ms['typical'][0]:.2f} ms (1 id), "
          f"{features_ms['heavy'][0]:.2f} ms (100 ids)")


if __name__ == "__main__":
    main()
