"""/v1/search latency with Spotify's field filters, on a generated catalogue.

    BENCH_DIR=/work/bench-cache .venv/bin/python -m bench.spotify_search --tracks 5000000

The catalogue is ``BENCH_DIR/tracks-<N>-seed-<S>/`` (as bench.search makes
it); its search index is the one bench.search builds (``search-index/``), or
``--index PATH``. The queries are the forms clients send, filled with names,
ISRCs and genres read from the catalogue at fixed rowids, so each run asks
the same things: beets' album search (`album:"X" artist:"Y"`), its singleton
search (`Title artist:"Y"`), spotipy-style `isrc:`, a word with a year
range, an artist by genre. Results: a Markdown block in docs/PERFORMANCE.md
between ``<!-- bench:spotify-search:begin -->`` and ``…:end -->``.
"""

import argparse
import datetime
import os
import sqlite3
import urllib.error
import urllib.parse
import urllib.request

from bench.search import bench_dir
from bench.search import percentiles
from bench.search import time_paths
from bench.search import write_block
from tests.support.servers import running_gunicorn

START_TIMEOUT_S = 120
SAMPLES_PER_FORM = 10


def sample_queries(main_file):
    """[(form, type, q)] with values from evenly spaced rowids of the catalogue."""
    db = sqlite3.connect(f"file:{main_file}?mode=ro", uri=True)
    (albums,) = db.execute("SELECT max(rowid) FROM albums").fetchone()
    (tracks,) = db.execute("SELECT max(rowid) FROM tracks").fetchone()
    queries = []
    for step in range(SAMPLES_PER_FORM):
        album_rowid = 1 + step * albums // SAMPLES_PER_FORM
        track_rowid = 1 + step * tracks // SAMPLES_PER_FORM
        album = db.execute(
            "SELECT albums.name, artists.name FROM albums JOIN artist_albums "
            "ON artist_albums.album_rowid = albums.rowid AND index_in_album IS NOT NULL "
            "JOIN artists ON artists.rowid = artist_albums.artist_rowid "
            "WHERE albums.rowid >= ? AND albums.name <> '' LIMIT 1", (album_rowid,)).fetchone()
        track = db.execute(
            "SELECT tracks.name, artists.name, tracks.external_id_isrc FROM tracks "
            "JOIN track_artists ON track_artists.track_rowid = tracks.rowid "
            "JOIN artists ON artists.rowid = track_artists.artist_rowid "
            "WHERE tracks.rowid >= ? AND tracks.name <> '' AND tracks.external_id_isrc <> '' "
            "LIMIT 1", (track_rowid,)).fetchone()
        genre = db.execute("SELECT genre FROM artist_genres WHERE rowid >= ? LIMIT 1",
                           (1 + step * 1000,)).fetchone()
        queries += [
            ("album: artist: (beets album)", "album",
             f"album:'{album[0]}' artist:'{album[1]}'"),
            ("title artist: (beets singleton)", "track", f"{track[0]} artist:'{track[1]}'"),
            ("isrc:", "track", f"isrc:{track[2]}"),
            ("word year:range", "track", f"{track[0].split()[0]} year:1990-2010"),
            ("genre:", "artist", f"genre:{genre[0]}" if genre else "genre:pop"),
            ("free words, 3 types", "track,album,artist", album[0]),
        ]
    db.close()
    return queries


def time_queries(base, queries, repeats):
    paths = [
        (form, "/v1/search?" + urllib.parse.urlencode({"q": q, "type": kind, "limit": 20}))
        for form, kind, q in queries
    ]
    return time_paths(base, paths, repeats)


def markdown(tracks, seed, rows, repeats, count, load):
    lines = [
        f"Catalogue: {tracks:,} generated tracks (seed {seed}) with its search index. Command: "
        f"`BENCH_DIR=… python -m bench.spotify_search --tracks {tracks}`, "
        f"{datetime.date.today().isoformat()}, {os.cpu_count()} cores, load average {load}. "
        f"1 gunicorn worker, one client, limit=20, {repeats} rounds of {count} queries "
        f"({SAMPLES_PER_FORM} per form, values read from the catalogue); milliseconds:",
        "",
        "| /v1/search form | p50 | p95 | p99 | requests | non-200 |",
        "|---|---|---|---|---|---|",
    ]
    for form, row in rows.items():
        lines.append(f"| {form} | {row['p50']} | {row['p95']} | {row['p99']} | "
                     f"{row['requests']} | {row['failed']} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--index", help="the search index (default: the catalogue's search-index/)")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--no-write", action="store_true")
    arguments = parser.parse_args()
    folder = bench_dir() / f"tracks-{arguments.tracks}-seed-{arguments.seed}"
    index = arguments.index or folder / "search-index" / "search.sqlite3"
    queries = sample_queries(folder / "main_database.sqlite3")
    env = {
        "MUSIC_API_MAIN_DATABASE": folder / "main_database.sqlite3",
        "MUSIC_API_SEARCH_DATABASE": index,
        "MUSIC_API_RATELIMIT_ENABLED": "false",
        "MUSIC_API_LOG_LEVEL": "WARNING",
    }
    load_before = os.getloadavg()
    with running_gunicorn(env, workers=1, start_timeout=START_TIMEOUT_S) as server:
        time_queries(server.base_url, queries, 1)  # warm the page cache and the worker
        samples = time_queries(server.base_url, queries, arguments.repeats)
    every = [sample for values in samples.values() for sample in values]
    rows = {}
    for form, values in [*samples.items(), ("all", every)]:
        times = [elapsed for elapsed, _ in values]
        rows[form] = {
            **{key: round(value, 1) for key, value in percentiles(times).items()},
            "requests": len(values),
            "failed": sum(1 for _, status in values if status != 200),
        }
    load = [round(max(a, b), 2) for a, b in zip(load_before, os.getloadavg())]
    text = markdown(arguments.tracks, arguments.seed, rows, arguments.repeats, len(queries), load)
    print(text)
    if not arguments.no_write:
        write_block(text, "spotify-search")


if __name__ == "__main__":
    main()
