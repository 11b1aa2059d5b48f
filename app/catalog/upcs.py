"""Albums by barcode. The dump has no index on albums.external_id_upc.

A barcode is compared as a number: the 12-digit UPC-A, its 13-digit EAN-13
and 14-digit GTIN-14 forms (the same digits behind leading zeros) are one
key. With the sidecar index's ``upcs`` part (:mod:`app.index.upcs`) a lookup
is one seek; without it, the albums are walked most popular first under
the search time limit.
"""

from app.db import SEARCH_SCHEMA

PART = "upcs"

INDEXED_ALBUM_ROWIDS = f"""
SELECT album_rowid FROM {SEARCH_SCHEMA}.album_upcs
WHERE upc = ? ORDER BY popularity DESC, album_rowid DESC LIMIT ?
"""
# A stored value is a barcode when it is digits only.
SCANNED_ALBUM_ROWIDS = """
SELECT rowid FROM albums INDEXED BY album_popularity
WHERE external_id_upc <> '' AND external_id_upc NOT GLOB '*[^0-9]*'
  AND CAST(external_id_upc AS INTEGER) = ?
ORDER BY popularity DESC, rowid DESC
LIMIT ?
"""


def upc_key(text):
    """The number a stored barcode is looked up by, or None when it is not
    one (empty, or not digits only)."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def album_rowids_by_upc(connection, upc, limit):
    """Return the rowids of the albums with barcode ``upc`` (an int), most popular first."""
    sql = INDEXED_ALBUM_ROWIDS if PART in connection.index_parts else SCANNED_ALBUM_ROWIDS
    return [row[0] for row in connection.execute(sql, (upc, limit))]
