"""Keys of a catalogue worth showing a new user: popular and well connected."""


from app.db import read_only

# The most popular track that has an ISRC shared with another track, its
# album and its first credited artist, all found through indexes.
EXAMPLE = """
SELECT tracks.id, tracks.external_id_isrc, albums.id, artists.id, artists.name
FROM tracks INDEXED BY tracks_popularity
JOIN albums ON albums.rowid = tracks.album_rowid
JOIN track_artists ON track_artists.track_rowid = tracks.rowid
JOIN artists ON artists.rowid = track_artists.artist_rowid
WHERE tracks.external_id_isrc <> ''
  AND (SELECT count(*) FROM tracks AS same
       WHERE same.external_id_isrc = tracks.external_id_isrc) > 1
ORDER BY tracks.popularity DESC, tracks.rowid DESC
LIMIT 1
"""


# A barcode of the most popular albums (most albums have one).
EXAMPLE_UPC = """
SELECT external_id_upc FROM albums INDEXED BY album_popularity
WHERE external_id_upc <> ''
ORDER BY popularity DESC
LIMIT 1
"""


def example_keys(main_file):
    """Return {"track", "isrc", "album", "artist"} ids from ``main_file``,
    "artist_name" and "upc", or None when it has no track with a shared ISRC."""
    with read_only(main_file) as connection:
        row = connection.execute(EXAMPLE).fetchone()
        upc = connection.execute(EXAMPLE_UPC).fetchone()
    if row is None:
        return None
    keys = dict(zip(("track", "isrc", "album", "artist", "artist_name"), row))
    keys["upc"] = upc and upc[0]
    return keys
