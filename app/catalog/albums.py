"""Albums: rows, images and artist credits."""

from app.catalog import artists as artists_sql
from app.catalog import attach_artists
from app.catalog import columns
from app.catalog import each_key
from app.catalog import group_distinct
from app.catalog import group_image_lists
from app.catalog import image_lists
from app.catalog import key_list
from app.catalog import key_set
from app.catalog.rows import row_reader

ALBUM_FIELDS = (
    "rowid", "id", "name", "album_type", "label", "release_date",
    "release_date_precision", "external_id_upc", "total_tracks", "copyright_c", "copyright_p",
    "popularity", "available_markets_rowid", "external_id_amgid",
)
ALBUM_COLUMNS = columns("albums", ALBUM_FIELDS)
album_rows = row_reader(ALBUM_FIELDS)

ALBUMS_BY_ID = f"""
SELECT {ALBUM_COLUMNS} FROM {each_key("albums", "id")}
"""

# In the order of the given rowids (a search's ranking).
ALBUMS_BY_ROWID = f"""
SELECT {ALBUM_COLUMNS} FROM json_each(?) AS wanted
JOIN albums ON albums.rowid = wanted.value
ORDER BY wanted.key
"""

# Search without an index: walk albums from most to least popular and keep
# the names that contain the pattern, so a common word stops early.
SEARCH_BY_NAME = f"""
SELECT {ALBUM_COLUMNS} FROM albums INDEXED BY album_popularity
WHERE albums.name LIKE ? ESCAPE '\\'
ORDER BY albums.popularity DESC, albums.rowid DESC
LIMIT ? OFFSET ?
"""

ALBUM_ROWID_BY_ID = "SELECT rowid FROM albums WHERE id = ?"

IMAGES = image_lists("album_images", "album_rowid")

# Only rows with an index_in_album are album credits; the two "appears on"
# kinds (index NULL) are the artist's view of other people's albums.
CREDITS = f"""
SELECT artist_albums.album_rowid, artist_rowid FROM {each_key("artist_albums", "album_rowid")}
WHERE index_in_album IS NOT NULL
ORDER BY artist_albums.album_rowid, index_in_album, artist_albums.rowid
"""

# The Spotify family's credits: an album with no credited artist that exists
# takes the artists of its first track instead, since its clients cannot
# handle an album without artists. Album credits first, then track credits.
CREDITS_OR_FIRST_TRACK = f"""
SELECT album_rowid, artist_rowid FROM (
    SELECT artist_albums.album_rowid, artist_rowid, 0 AS source, index_in_album AS position,
           artist_albums.rowid AS tie
    FROM {each_key("artist_albums", "album_rowid", "?1")}
    WHERE index_in_album IS NOT NULL
    UNION ALL
    SELECT wanted.value, track_artists.artist_rowid, 1, 0, track_artists.rowid
    FROM json_each(?1) AS wanted
    JOIN track_artists ON track_artists.track_rowid = (
        SELECT tracks.rowid FROM tracks WHERE tracks.album_rowid = wanted.value
        ORDER BY tracks.disc_number, tracks.track_number, tracks.rowid LIMIT 1
    )
    WHERE NOT EXISTS (
        SELECT 1 FROM artist_albums JOIN artists ON artists.rowid = artist_albums.artist_rowid
        WHERE artist_albums.album_rowid = wanted.value AND artist_albums.index_in_album IS NOT NULL
    )
)
ORDER BY album_rowid, source, position, tie
"""


def album_rowid(connection, album_id):
    """Return the rowid of the album with ``album_id``, or None."""
    for (rowid,) in connection.execute(ALBUM_ROWID_BY_ID, (album_id,)):
        return rowid
    return None


def albums_by_id(connection, ids):
    """Return {id: album row}, without images or credits, for the ids that exist."""
    rows = connection.execute(ALBUMS_BY_ID, (key_set(ids),))
    return {album["id"]: album for album in album_rows(rows)}


def albums_by_id_whole(connection, ids, *, credits_fallback=False):
    """Return {id: album} with images and artists, for the ids that exist.

    :param credits_fallback: give an album without credits its first track's
        artists (:data:`CREDITS_OR_FIRST_TRACK`).
    """
    albums = albums_by_id(connection, ids)
    _make_whole(connection, list(albums.values()), credits_fallback)
    return albums


def albums_by_rowid_whole(connection, rowids, *, credits_fallback=False):
    """Return the albums with these rowids, whole, in the order given."""
    rows = connection.execute(ALBUMS_BY_ROWID, (key_list(rowids),))
    return _make_whole(connection, album_rows(rows), credits_fallback)


def search_albums_by_scan(connection, pattern, limit, offset):
    """Return whole albums whose name matches the LIKE ``pattern``, most popular first."""
    rows = connection.execute(SEARCH_BY_NAME, (pattern, limit, offset))
    return _make_whole(connection, album_rows(rows))


def _make_whole(connection, albums, credits_fallback=False):
    """Give each album its images and artists with a fixed number of statements."""
    credits = add_images_and_credits(connection, albums, credits_fallback)
    artist_rowids = {rowid for rowids in credits.values() for rowid in rowids}
    artists = artists_sql.artists_by_rowid(connection, artist_rowids)
    attach_artists(albums, credits, artists)
    return albums


def add_images_and_credits(connection, albums, credits_fallback=False):
    """Give each album its images; return {album rowid: [artist rowid, …]}.

    The credits stay rowids so the caller can load every artist of a request
    in one go.
    """
    keys = key_set(album["rowid"] for album in albums)
    images = group_image_lists(connection.execute(IMAGES, (keys,)))
    for album in albums:
        album["images"] = images.get(album["rowid"], [])
    credits = CREDITS_OR_FIRST_TRACK if credits_fallback else CREDITS
    return group_distinct(connection.execute(credits, (keys,)))

