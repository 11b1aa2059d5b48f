"""The upcs part: barcode → albums, most popular first.

``album_upcs`` holds one row per album whose ``external_id_upc`` is digits
only, keyed by the barcode as a number (so 12-, 13- and 14-digit forms of
one barcode share a key) and ordered most popular first within it: a
lookup is one range seek (:mod:`app.catalog.upcs`).
"""

from app.catalog.upcs import upc_key

NAME = "upcs"

DDL = (
    """
    CREATE TABLE album_upcs (
        upc INTEGER NOT NULL, popularity INTEGER NOT NULL, album_rowid INTEGER NOT NULL,
        PRIMARY KEY (upc, popularity DESC, album_rowid DESC)
    ) WITHOUT ROWID
    """,
    # Loaded in the main file's order, then copied in key order: SQLite's
    # external sort beats inserting 58M rows at random places in the tree.
    "CREATE TEMP TABLE upc_load (upc INTEGER, popularity INTEGER, album_rowid INTEGER)",
)

SOURCE = "SELECT rowid, external_id_upc, popularity FROM main.albums WHERE external_id_upc <> ''"
SOURCE_SIZE = "SELECT max(rowid) FROM main.albums"
INSERT_LOAD = "INSERT INTO temp.upc_load VALUES (?, ?, ?)"
COPY_SORTED = """
INSERT INTO album_upcs SELECT upc, popularity, album_rowid FROM temp.upc_load
ORDER BY upc, popularity DESC, album_rowid DESC
"""


def build(source, writer):
    """Fill ``album_upcs`` from the main file; return its row count."""
    (upper_bound,) = source.execute(SOURCE_SIZE).fetchone()
    rows = (
        (key, popularity, rowid)
        for rowid, text, popularity in source.execute(SOURCE)
        if (key := upc_key(text)) is not None
    )
    with writer.step("upcs", upper_bound) as step:
        count = step.load(rows, lambda connection, batch: connection.executemany(INSERT_LOAD, batch))
        step.finish("sorting", [COPY_SORTED, "DROP TABLE temp.upc_load"])
    return {"upcs": count}
