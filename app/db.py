"""The one door to the catalogue files: per-process read-only APSW connections.

Each gunicorn worker (and each thread, if threads are used) opens its own
connection on first use, after the fork; nothing is opened at import time.
The main file is opened read-only through a URI, the track_files file (and
the search index, when present) are ATTACHed to the same connection, so one
statement can join across them.
"""

import contextlib
import math
import os
import threading
import time
from pathlib import Path
from urllib.parse import quote

import apsw
from flask import current_app
from flask import g
from flask import has_request_context

from app import arrival

# Schema names the secondary files are attached under.
TRACK_FILES_SCHEMA = "files"
AUDIO_FEATURES_SCHEMA = "features"
SEARCH_SCHEMA = "search"

# How many SQLite VM steps pass between two looks at the clock.
PROGRESS_STEPS = 1000


class QueryTimeout(Exception):
    """A statement ran past its time limit and was interrupted."""


class FileUnavailable(Exception):
    """A catalogue file is missing or cannot be read right now."""


def sqlite_uri(path, *, immutable):
    """Return the URI that opens ``path`` read-only, immutable if asked.

    ``immutable=1`` tells SQLite the file cannot change, so it takes no locks
    and never re-reads the header; only safe while nothing writes the file.
    """
    uri = "file:" + quote(str(Path(path).resolve())) + "?mode=ro"
    if immutable:
        uri += "&immutable=1"
    return uri


def open_read_only(path, *, immutable=True, connection_class=apsw.Connection):
    """Open one file read-only through its URI: the only way a file is opened.

    Without SQLite's own per-connection mutex (multi-thread mode): each
    connection belongs to one thread, and APSW refuses concurrent use of a
    connection anyway; the mutex calls were 2 % of a 400-ISRC batch.
    """
    return connection_class(
        sqlite_uri(path, immutable=immutable),
        flags=apsw.SQLITE_OPEN_READONLY | apsw.SQLITE_OPEN_URI | apsw.SQLITE_OPEN_NOMUTEX,
    )


@contextlib.contextmanager
def read_only(path, *, immutable=True):
    """A short-lived read-only connection to ``path``, closed on exit."""
    connection = open_read_only(path, immutable=immutable)
    try:
        yield connection
    finally:
        with contextlib.suppress(apsw.Error):
            connection.close()


class CatalogueConnection(apsw.Connection):
    """A worker's connection to the main file, knowing which files it attaches."""

    # Names of the files served through it (app.files.CATALOGUE_FILES).
    attached = frozenset()
    # Names of the parts the attached index holds (app.index.PARTS).
    index_parts = frozenset()
    # perf_counter() after which any running statement is interrupted.
    deadline = math.inf


def open_catalogue(files, *, immutable, mmap_size, cache_size_kib):
    """Open the main file and attach the optional ones; return the connection.

    :param files: the :class:`app.files.ServedFiles`.
    """
    connection = open_read_only(
        files.main, immutable=immutable, connection_class=CatalogueConnection
    )
    connection.attached = frozenset(files)
    connection.index_parts = frozenset(files.contents.get("search", ()))
    schemas = ["main"]
    for schema, path in files.attachments():
        connection.execute(
            f"ATTACH DATABASE ? AS {schema}", (sqlite_uri(path, immutable=immutable),)
        )
        schemas.append(schema)
    _prepare_connection(connection, schemas, mmap_size, cache_size_kib)
    return connection


def _prepare_connection(connection, schemas, mmap_size, cache_size_kib):
    connection.execute("PRAGMA query_only = ON")
    for schema in schemas:
        connection.execute(f"PRAGMA {schema}.mmap_size = {int(mmap_size)}")
        # A negative cache_size is a size in KiB rather than in pages.
        connection.execute(f"PRAGMA {schema}.cache_size = {-int(cache_size_kib)}")
    connection.set_progress_handler(
        lambda: time.perf_counter() > connection.deadline, PROGRESS_STEPS
    )
    _trace_sql(connection, _thread_sql_usage())


class SqlUsage:
    """Statements run by one thread's connections.

    The count only grows; a request reads it at its start and end
    (:func:`sql_usage`) and keeps the difference. Time inside SQLite is not
    measured per statement: the two trace_v2 callbacks that took it cost as
    much as an index lookup itself (docs/PERFORMANCE.md).
    """

    def __init__(self):
        self.statements = 0

    def count_statement(self, cursor, sql, bindings):
        self.statements += 1
        return True


def _trace_sql(connection, usage):
    # The exec tracer counts statements; tests of the query budget may swap
    # it for their own for a while, which only pauses this count.
    connection.exec_trace = usage.count_statement


# Each thread's SqlUsage; a thread's connections are only used by that thread.
_sql_usage_by_thread = threading.local()


def _thread_sql_usage():
    usage = getattr(_sql_usage_by_thread, "usage", None)
    if usage is None:
        usage = _sql_usage_by_thread.usage = SqlUsage()
    return usage


def sql_statements():
    """Return how many statements this thread's connections have run so far."""
    return _thread_sql_usage().statements


def init_app(app):
    # Each app keeps its own connections, one per thread.
    app.extensions["catalogue_connections"] = threading.local()
    app.before_request(start_request_clock)


def get_db():
    """Return this process's (and thread's) catalogue connection.

    Connections are keyed by process id as well, so a connection made before
    a fork is never used by the child.
    """
    # The proxies are read once: each read through one costs more than a
    # short statement (callgrind, docs/PERFORMANCE.md).
    app = current_app._get_current_object()
    local = app.extensions["catalogue_connections"]
    files = app.extensions["catalogue_files"]
    in_request = has_request_context()
    fingerprint = request_files_fingerprint() if in_request else files_fingerprint(files)
    identity = (os.getpid(), fingerprint)
    if getattr(local, "identity", None) != identity:
        close_db()
        config = app.config
        local.connection = open_catalogue(
            files,
            immutable=config["SQLITE_IMMUTABLE"],
            mmap_size=config["SQLITE_MMAP_SIZE"],
            cache_size_kib=config["SQLITE_CACHE_SIZE_KIB"],
        )
        local.identity = identity
    # Outside a request (the CLI, tests) statements run without a limit.
    local.connection.deadline = (
        g._get_current_object().get("sql_deadline", math.inf) if in_request else math.inf
    )
    return local.connection


def files_fingerprint(files):
    """Return (device, inode, size, mtime) of each served file.

    Checked at every request (a few microseconds of stat): a file that was
    replaced, restored or cut short gets a fresh connection rather than one
    whose memory map points past the file's new end, where a read would kill
    the worker with SIGBUS; the answer cache is emptied and the ETags change.

    :raise FileUnavailable: when a file is gone or cannot be stat'ed.
    """
    fingerprint = []
    for path in files.values():
        try:
            status = os.stat(path)
        except OSError as exc:
            raise FileUnavailable(f"{path}: {exc.strerror}") from exc
        fingerprint.append((status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns))
    return tuple(fingerprint)


def request_files_fingerprint():
    """The files' fingerprint, taken once per request (the answer cache and
    the connection both ask for it)."""
    request_globals = g._get_current_object()
    fingerprint = request_globals.get("files_fingerprint")
    if fingerprint is None:
        fingerprint = request_globals.files_fingerprint = files_fingerprint(
            current_app.extensions["catalogue_files"]
        )
    return fingerprint


def close_db():
    """Close this thread's connection, so the next request opens a fresh one."""
    local = current_app.extensions["catalogue_connections"]
    connection = getattr(local, "connection", None)
    local.connection = None
    local.identity = None
    if connection is not None:
        with contextlib.suppress(apsw.Error):
            connection.close()


@contextlib.contextmanager
def time_limit(connection, milliseconds):
    """Interrupt any statement of ``connection`` still running after the limit.

    The check runs inside SQLite through the progress handler, so even a
    scan that returns no row is stopped. A tighter limit inside the request's
    own (see :func:`get_db`) applies until the block ends.

    :raise QueryTimeout: when the limit passed.
    """
    request_deadline = connection.deadline
    # Counted from the request's arrival (see app.arrival), not from now.
    started = g.request_arrived if has_request_context() else time.perf_counter()
    connection.deadline = min(request_deadline, started + milliseconds / 1000)
    try:
        yield
    except apsw.InterruptError as exc:
        raise QueryTimeout() from exc
    finally:
        connection.deadline = request_deadline


def start_request_clock():
    # Every request's statements share one budget, counted from its arrival,
    # its wait for a free thread included (app.arrival).
    request_globals = g._get_current_object()
    arrived = request_globals.request_arrived = arrival.take_ready_moment()
    request_globals.sql_deadline = arrived + current_app.config["REQUEST_TIME_LIMIT_MS"] / 1000
    request_globals.sql_statements_at_start = sql_statements()


def request_statements():
    """Statements this thread's connections ran since the request started,
    or None before its clock started (metrics and traces both report it)."""
    started = g.get("sql_statements_at_start")
    return None if started is None else sql_statements() - started


# Errors that mean a file went missing or bad under the running server.
UNAVAILABLE_ERRORS = (
    FileUnavailable,
    apsw.IOError,
    apsw.CorruptError,
    apsw.NotADBError,
    apsw.CantOpenError,
)


def search_mode():
    """``index`` when a search index is attached, else ``scan``."""
    return "index" if "search" in current_app.extensions["catalogue_files"] else "scan"
