"""What an index says about itself, and whether the service can use it.

The ``search_meta`` table of an index holds, JSON-encoded: its format, the
parts it holds, the rows of each, and the main file it was built from (path,
fingerprint, time). The table keeps the name it had in format 1, so an index
of an older format is refused for its format rather than as "not an index".
"""

import json
import time
from pathlib import Path

import apsw

from app.db import read_only

# Bump when the layout of the meta or of a part's tables changes: the
# service refuses an index of another format. 2: the meta lists the parts.
FORMAT = 2

TABLE = """
CREATE TABLE search_meta (key TEXT PRIMARY KEY NOT NULL, value) WITHOUT ROWID
"""
SET = "INSERT OR REPLACE INTO search_meta (key, value) VALUES (?, ?)"
READ = "SELECT key, value FROM search_meta"

REBUILD = "rebuild it with `music-metadata-api build-search-index`"


class UnusableIndex(Exception):
    """The file is not an index, is of another format, or was built from another main file."""


def write_meta(connection, *, main_path, fingerprint, rows):
    """Record what was built, and from what.

    :param rows: {part name: {what: row count}}, in build order.
    """
    meta = {
        "format": FORMAT,
        "parts": list(rows),
        "main_fingerprint": fingerprint,
        "main_path": str(Path(main_path).resolve()),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "rows": rows,
    }
    with connection:
        connection.executemany(SET, [(key, json.dumps(value)) for key, value in meta.items()])


def read_meta(connection):
    """Return the index's meta as a dict (values JSON-decoded)."""
    return {key: json.loads(value) for key, value in connection.execute(READ)}


def check_index(path, main, fingerprint):
    """Check that ``path`` is an index of this format built from ``main`` as it is now.

    :param fingerprint: :func:`app.files.main_fingerprint` of ``main`` now.
    :return: the names of the parts the index holds, in build order.
    :raise UnusableIndex: naming the index, what is wrong and how to rebuild it.
    """
    try:
        with read_only(path) as connection:
            meta = read_meta(connection)
    except (apsw.Error, ValueError) as exc:
        raise UnusableIndex(f"{path}: not a search index ({exc}); {REBUILD}") from exc
    if meta.get("format") != FORMAT:
        raise UnusableIndex(
            f"{path}: search index format {meta.get('format')}, this version reads "
            f"format {FORMAT}; {REBUILD}"
        )
    if meta.get("main_fingerprint") != fingerprint:
        raise UnusableIndex(
            f"{path}: stale or foreign search index: built from "
            f"{meta.get('main_path')} on {meta.get('built_at')}, which is not {main} "
            f"as it is now; {REBUILD}"
        )
    return list(meta["parts"])
