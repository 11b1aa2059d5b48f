"""Build the search index: a sidecar SQLite file beside the read-only main file.

The build reads the main file read-only, one row at a time in rank order,
and writes in batches, so its memory does not depend on the catalogue size.
It writes a hidden temporary file and renames it over the index only once
complete: an interrupted build leaves no file the service would open.
"""

import contextlib
import json
import os
import resource
import sys
import time
from pathlib import Path

import apsw
from tqdm import tqdm

from app.catalog import search as search_sql
from app.db import open_read_only
from app.files import check_schema
from app.files import main_fingerprint

DEFAULT_NAME = "search.sqlite3"
# Rows written per executemany; also how often the progress bar moves.
BATCH_ROWS = 10_000
# SQLite page cache of the index being written, in KiB.
BUILD_CACHE_KIB = 64 * 1024
PARTIAL_MARKER = ".partial-"


def default_index_path(main_path):
    """Where the index lives unless MUSIC_API_SEARCH_DATABASE says otherwise."""
    return Path(main_path).parent / DEFAULT_NAME


def build_search_index(main_path, index_path=None, *, progress=False):
    """Build the index of ``main_path`` at ``index_path`` (default: beside it).

    :return: a dict with the rows indexed per kind, ``seconds``, ``bytes``
        (size of the index) and ``peak_rss_bytes`` of this process.
    :raise app.files.CatalogueFileError: when the main file is not a catalogue.
    """
    main_path = Path(main_path)
    index_path = Path(index_path) if index_path else default_index_path(main_path)
    check_schema(main_path, "main_database.sql")
    started = time.perf_counter()
    remove_abandoned_partials(index_path)
    partial = index_path.with_name(f".{index_path.name}{PARTIAL_MARKER}{os.getpid()}")
    try:
        counts = _write_index(main_path, partial, progress)
        _sync(partial)
        os.replace(partial, index_path)
        _sync(index_path.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return {
        **counts,
        "seconds": round(time.perf_counter() - started, 1),
        "bytes": index_path.stat().st_size,
        "peak_rss_bytes": peak_rss_bytes(),
    }


def remove_abandoned_partials(index_path):
    """Delete temporary files left by builds whose process no longer exists."""
    for partial in index_path.parent.glob(f".{index_path.name}{PARTIAL_MARKER}*"):
        pid = partial.name.rsplit(PARTIAL_MARKER, 1)[1]
        if pid.isdigit() and not _process_exists(int(pid)):
            partial.unlink(missing_ok=True)


def _process_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_index(main_path, partial, progress):
    partial.unlink(missing_ok=True)
    source = open_read_only(main_path)
    target = apsw.Connection(str(partial))
    try:
        for pragma in ("journal_mode = OFF", "synchronous = OFF",
                       "locking_mode = EXCLUSIVE", f"cache_size = {-BUILD_CACHE_KIB}"):
            target.execute(f"PRAGMA {pragma}")
        target.execute(search_sql.META_TABLE)
        counts = {}
        for kind in search_sql.KINDS:
            counts[kind + "s"] = _index_kind(source, target, kind, progress)
        _write_meta(target, main_path, counts)
        return counts
    finally:
        target.close()
        source.close()


def _index_kind(source, target, kind, progress):
    """Fill the three tables of ``kind`` in rank order; return the row count."""
    for ddl in (search_sql.RANKS_TABLE, search_sql.WORDS_TABLE, search_sql.TRIGRAMS_TABLE,
                search_sql.TERMS_TABLE):
        target.execute(ddl.format(kind=kind))
    inserts = [
        sql.format(kind=kind)
        for sql in (search_sql.INSERT_RANK, search_sql.INSERT_WORDS, search_sql.INSERT_TRIGRAMS)
    ]
    (upper_bound,) = source.execute(search_sql.SOURCE_SIZES[kind]).fetchone()
    rank = 0
    with tqdm(total=upper_bound or 0, unit=" rows", unit_scale=True, desc=f"{kind}s",
              file=sys.stderr, disable=not progress) as bar:
        for batch in _batches(source.execute(search_sql.SOURCES[kind])):
            ranked = [(rank + number, rowid, name) for number, (rowid, name) in enumerate(batch, 1)]
            rank += len(ranked)
            with target:
                target.executemany(inserts[0], [(r, rowid) for r, rowid, _ in ranked])
                target.executemany(inserts[1], [(r, name) for r, _, name in ranked])
                target.executemany(inserts[2], [(r, name) for r, _, name in ranked])
            bar.update(len(ranked))
        bar.total = bar.n
        bar.set_postfix_str("merging segments")
        for table in (f"{kind}_words", f"{kind}_trigrams"):
            with target:
                target.execute(search_sql.OPTIMIZE.format(table=table))
        with target:
            target.execute(search_sql.FILL_TERMS.format(kind=kind))
    return rank


def _batches(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_meta(target, main_path, counts):
    meta = {
        "format": search_sql.FORMAT,
        "main_fingerprint": main_fingerprint(main_path),
        "main_path": str(Path(main_path).resolve()),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "rows": counts,
    }
    with target:
        target.executemany(
            search_sql.SET_META, [(key, json.dumps(value)) for key, value in meta.items()]
        )


def _sync(path):
    """fsync a file or folder, so the rename never exposes unwritten pages."""
    fd = os.open(path, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def peak_rss_bytes():
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
