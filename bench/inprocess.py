"""Lookups without HTTP, in this process: the database floor (the catalogue
functions over an APSW connection opened as the service opens it), the
whole app through its WSGI interface, and statements per request."""

import contextlib
import random
import statistics
import time
from dataclasses import dataclass

from app import create_app
from app.catalog import albums
from app.catalog import tracks
from app.db import close_db
from app.db import get_db
from app.db import open_catalogue


@dataclass
class InProcessResult:
    calls: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self):
        return self.calls / self.seconds


def time_calls(call, keys, seconds, seed=7):
    """Call ``call(key)`` with random keys for ``seconds``; return the timings."""
    rng = random.Random(seed)
    for key in keys[:20]:
        call(key)
    timings = []
    started = time.perf_counter()
    deadline = started + seconds
    while True:
        before = time.perf_counter()
        if before > deadline:
            break
        call(rng.choice(keys))
        timings.append(time.perf_counter() - before)
    return _summary(timings, time.perf_counter() - started)


def _summary(timings, elapsed):
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return InProcessResult(
        calls=len(timings), seconds=elapsed,
        p50_ms=cuts[49] * 1000, p95_ms=cuts[94] * 1000, p99_ms=cuts[98] * 1000,
    )


@contextlib.contextmanager
def database_calls(catalogue, settings):
    """Yield {lookup: call(key)} running the service's own SQL, no HTTP, no JSON.

    The connection is closed on exit, so its mapped pages are released
    (a cold-cache run after this one must be able to drop them).
    """
    connection = open_catalogue(
        _files(catalogue),
        immutable=True,
        mmap_size=settings["SQLITE_MMAP_SIZE"],
        cache_size_kib=settings["SQLITE_CACHE_SIZE_KIB"],
    )

    def album_with_tracks(album_id):
        return tracks.tracks_of_album(
            connection, albums.album_rowid(connection, album_id)
        )

    def mixed(keys):
        tracks.tracks_by_id(connection, keys["tracks"])
        albums.albums_by_id_whole(connection, keys["albums"])
        tracks.tracks_by_isrc(connection, keys["isrcs"])

    try:
        yield {
            "isrc": lambda isrc: tracks.tracks_by_isrc(connection, [isrc]),
            "track": lambda track_id: tracks.tracks_by_id(connection, [track_id]),
            "album_tracks": album_with_tracks,
            "batch_isrcs": lambda isrcs: tracks.tracks_by_isrc(connection, isrcs),
            "batch_mixed": mixed,
        }
    finally:
        connection.close()


def _files(catalogue):
    from app.files import ServedFiles

    return ServedFiles(main=catalogue.main, track_files=catalogue.track_files)


def wsgi_app(catalogue):
    """The service as gunicorn serves it (rate limits on but never reached)."""
    return create_app({
        "MAIN_DATABASE": str(catalogue.main),
        "RATELIMIT_DEFAULT": "1000000 per second",
        # One log line per request would fill the harness's own output.
        "LOG_LEVEL": "WARNING",
    })


def statements_per_request(app, requests):
    """Return {name: statements} for each (name, Request), counted by an APSW exec tracer."""
    counts = {}
    client = app.test_client()
    with app.app_context():
        connection = get_db()
        seen = []
        connection.exec_trace = lambda cursor, sql, bindings: seen.append(sql) or True
        try:
            for name, request in requests:
                seen.clear()
                response = client.open(
                    request.path, method=request.method, data=request.body or None,
                    content_type="application/json" if request.body else None,
                )
                if response.status_code != 200:
                    raise RuntimeError(f"{request.path}: {response.status_code}")
                counts[name] = len(seen)
        finally:
            connection.exec_trace = None
            close_db()
    return counts
