"""Artists: rows, genres and images, loaded for many artists at a time."""

from app.catalog import columns
from app.catalog import each_key
from app.catalog import group_distinct
from app.catalog import group_image_lists
from app.catalog import image_lists
from app.catalog import key_set
from app.catalog.rows import row_reader

ARTIST_FIELDS = ("rowid", "id", "name", "followers_total", "popularity")
ARTIST_COLUMNS = columns("artists", ARTIST_FIELDS)
artist_rows = row_reader(ARTIST_FIELDS)

ARTISTS_BY_ROWID = f"""
SELECT {ARTIST_COLUMNS} FROM {each_key("artists", "rowid")}
"""

ARTISTS_BY_ID = f"""
SELECT {ARTIST_COLUMNS} FROM {each_key("artists", "id")}
"""

# Genre rows in rowid order, the artist_rowid index's order (its entries end
# with the rowid), so no sort; repeats are dropped when grouping.
GENRES = f"""
SELECT artist_genres.artist_rowid, genre FROM {each_key("artist_genres", "artist_rowid")}
"""

IMAGES = image_lists("artist_images", "artist_rowid")

# Search without an index: walk artists from most to least followed and keep
# the names that contain the pattern, so a common word stops early.
SEARCH_BY_NAME = f"""
SELECT {ARTIST_COLUMNS} FROM artists INDEXED BY artists_followers
WHERE artists.name LIKE ? ESCAPE '\\'
ORDER BY artists.followers_total DESC, artists.rowid DESC
LIMIT ? OFFSET ?
"""


ARTIST_ROWID_BY_ID = "SELECT rowid FROM artists WHERE id = ?"


def artist_rowid(connection, artist_id):
    """Return the rowid of the artist with ``artist_id``, or None."""
    for (rowid,) in connection.execute(ARTIST_ROWID_BY_ID, (artist_id,)):
        return rowid
    return None


def artists_by_rowid(connection, rowids):
    """Return {rowid: artist} with genres and images, for the rowids that exist."""
    rows = connection.execute(ARTISTS_BY_ROWID, (key_set(rowids),))
    return _with_details(connection, artist_rows(rows))


def artists_in_order(connection, rowids):
    """Return the artists of ``rowids`` (a search's ranking), with genres
    and images, in that order; a rowid without an artist row is skipped."""
    artists = artists_by_rowid(connection, rowids)
    return [artists[rowid] for rowid in rowids if rowid in artists]


def artists_by_id(connection, ids):
    """Return {id: artist} with genres and images, for the ids that exist."""
    rows = connection.execute(ARTISTS_BY_ID, (key_set(ids),))
    artists = _with_details(connection, artist_rows(rows))
    return {artist["id"]: artist for artist in artists.values()}


def search_artists_by_scan(connection, pattern, limit, offset):
    """Return artists whose name matches the LIKE ``pattern``, most followed first."""
    rows = connection.execute(SEARCH_BY_NAME, (pattern, limit, offset))
    artists = artist_rows(rows)
    details = _with_details(connection, artists)
    return [details[artist["rowid"]] for artist in artists]


def _with_details(connection, artists):
    by_rowid = {artist["rowid"]: artist for artist in artists}
    keys = key_set(by_rowid)
    genres = group_distinct(connection.execute(GENRES, (keys,)))
    images = group_image_lists(connection.execute(IMAGES, (keys,)))
    for rowid, artist in by_rowid.items():
        artist["genres"] = genres.get(rowid, [])
        artist["images"] = images.get(rowid, [])
    return by_rowid
