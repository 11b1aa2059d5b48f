"""Build the index of a main file: every part of :data:`app.index.PARTS`, into one new file.

The build reads the main file read-only, one row at a time in the order
each part asks for, and writes in batches, so its memory does not depend on
the catalogue size. It writes a hidden partial file renamed over the index
only once complete (:func:`app.atomic.atomic_path`): an interrupted build
leaves no file the service would open.
"""

import contextlib
import resource
import sys
import time
from pathlib import Path

import apsw
from tqdm import tqdm

from app.atomic import atomic_path
from app.atomic import prepare_bulk_load
from app.db import open_read_only
from app.files import CATALOGUE_FILES_BY_NAME
from app.files import check_schema
from app.files import main_fingerprint
from app.index import PARTS
from app.index import meta

# Rows written per transaction; also how often the progress bar moves.
BATCH_ROWS = 10_000
# SQLite page cache of the index being written, in KiB.
BUILD_CACHE_KIB = 64 * 1024


def default_index_path(main_path):
    """Where the index lives unless MUSIC_API_SEARCH_DATABASE says otherwise."""
    return Path(main_path).parent / CATALOGUE_FILES_BY_NAME["search"].default_name


def build_search_index(main_path, index_path=None, *, progress=False):
    """Build the index of ``main_path`` at ``index_path`` (default: beside it).

    :return: a dict with the rows of every part (``tracks``, ``albums``…),
        ``part_seconds`` ({part: seconds}), ``seconds``, ``bytes`` (size of the
        index) and ``peak_rss_bytes`` of this process.
    :raise app.files.CatalogueFileError: when the main file is not a catalogue.
    """
    main_path = Path(main_path)
    index_path = Path(index_path) if index_path else default_index_path(main_path)
    check_schema(main_path, "main_database.sql")
    started = time.perf_counter()
    with atomic_path(index_path) as partial:
        rows, part_seconds = _write_index(main_path, partial, progress)
    return {
        **{what: count for part_rows in rows.values() for what, count in part_rows.items()},
        "part_seconds": part_seconds,
        "seconds": round(time.perf_counter() - started, 1),
        "bytes": index_path.stat().st_size,
        "peak_rss_bytes": peak_rss_bytes(),
    }


def _write_index(main_path, partial, progress):
    """Write every part and the meta into ``partial``; return rows and seconds per part."""
    source = open_read_only(main_path)
    target = apsw.Connection(str(partial))
    try:
        prepare_bulk_load(target, BUILD_CACHE_KIB)
        target.execute(meta.TABLE)
        writer = IndexWriter(target, progress=progress)
        rows, part_seconds = {}, {}
        for part in PARTS:
            part_started = time.perf_counter()
            for ddl in part.DDL:
                target.execute(ddl)
            rows[part.NAME] = part.build(source, writer)
            part_seconds[part.NAME] = round(time.perf_counter() - part_started, 1)
        meta.write_meta(
            target, main_path=main_path, fingerprint=main_fingerprint(main_path), rows=rows
        )
        return rows, part_seconds
    finally:
        target.close()
        source.close()


class IndexWriter:
    """What a part writes its tables through: one step (progress bar) at a time."""

    def __init__(self, connection, *, progress):
        self.connection = connection
        self.progress = progress

    @contextlib.contextmanager
    def step(self, label, total):
        """A step of the build behind one progress bar of ``total`` rows (an upper bound)."""
        with tqdm(total=total or 0, unit=" rows", unit_scale=True, desc=label,
                  file=sys.stderr, disable=not self.progress) as bar:
            yield Step(self.connection, bar)


class Step:
    """Loads rows in batches, then runs the statements that complete the tables."""

    def __init__(self, connection, bar):
        self.connection = connection
        self.bar = bar

    def load(self, rows, write_batch):
        """Pass ``rows`` to ``write_batch(connection, batch)``, a transaction a batch.

        :return: how many rows there were.
        """
        count = 0
        for batch in _batches(rows):
            with self.connection:
                write_batch(self.connection, batch)
            count += len(batch)
            self.bar.update(len(batch))
        self.bar.total = self.bar.n
        return count

    def finish(self, note, statements):
        """Run ``statements`` one transaction each, with ``note`` beside the bar."""
        self.bar.set_postfix_str(note)
        for statement in statements:
            with self.connection:
                self.connection.execute(statement)


def _batches(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def peak_rss_bytes():
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
