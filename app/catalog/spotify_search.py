"""The SQL of /v1/search: candidates in rank order, and the facts its filters read.

A search with filters finds its candidates through one part of the query
(the index walk of :mod:`app.catalog.search`, an ISRC, an artist's releases)
and then reads, in one statement, what the other filters compare for every
candidate: names, release dates, credited artists' names, genres. Every
statement is bounded by the candidate window, whatever the catalogue's size.
"""

import orjson

from app.catalog import key_list
from app.catalog import like_pattern

# Without a search index: names containing the text, most popular (or
# followed) first, the walk the native scan makes (see app.catalog.tracks),
# stopping at the window; the search's time limit bounds a rare text.
SCAN = {
    "track": """
        SELECT rowid FROM tracks INDEXED BY tracks_popularity WHERE name LIKE ? ESCAPE '\\'
        ORDER BY popularity DESC, rowid DESC LIMIT ?""",
    "album": """
        SELECT rowid FROM albums INDEXED BY album_popularity WHERE name LIKE ? ESCAPE '\\'
        ORDER BY popularity DESC, rowid DESC LIMIT ?""",
    "artist": """
        SELECT rowid FROM artists INDEXED BY artists_followers WHERE name LIKE ? ESCAPE '\\'
        ORDER BY followers_total DESC, rowid DESC LIMIT ?""",
}

TRACKS_BY_ISRC = """
SELECT rowid FROM tracks WHERE external_id_isrc = ?
ORDER BY popularity DESC, rowid DESC LIMIT ?
"""

# The tracks of albums in the albums' order, each album's in disc and track order.
TRACKS_OF_ALBUMS = """
SELECT tracks.rowid FROM json_each(?) AS wanted
JOIN tracks ON tracks.album_rowid = wanted.value
ORDER BY wanted.key, tracks.disc_number, tracks.track_number, tracks.rowid
LIMIT ?
"""

# Tracks and albums credited to artists, in the artists' order (no sort: the
# walk of the artist index stops at the window).
TRACKS_OF_ARTISTS = """
SELECT track_artists.track_rowid FROM json_each(?) AS wanted
JOIN track_artists ON track_artists.artist_rowid = wanted.value
LIMIT ?
"""
ALBUMS_OF_ARTISTS = """
SELECT artist_albums.album_rowid FROM json_each(?) AS wanted
JOIN artist_albums ON artist_albums.artist_rowid = wanted.value
WHERE artist_albums.index_in_album IS NOT NULL
LIMIT ?
"""

ARTISTS_BY_GENRE = "SELECT artist_rowid FROM artist_genres WHERE genre = ? LIMIT ?"

# The names of an album's credited artists, as a JSON array.
ALBUM_ARTIST_NAMES = """(SELECT json_group_array(artists.name) FROM artist_albums
     JOIN artists ON artists.rowid = artist_albums.artist_rowid
     WHERE artist_albums.album_rowid = albums.rowid
       AND artist_albums.index_in_album IS NOT NULL)"""

TRACK_FACTS = f"""
SELECT tracks.rowid, tracks.name, albums.name, albums.release_date,
    (SELECT json_group_array(artists.name) FROM track_artists
     JOIN artists ON artists.rowid = track_artists.artist_rowid
     WHERE track_artists.track_rowid = tracks.rowid),
    {ALBUM_ARTIST_NAMES}
FROM json_each(?) AS wanted
JOIN tracks ON tracks.rowid = wanted.value
JOIN albums ON albums.rowid = tracks.album_rowid
ORDER BY wanted.key
"""
ALBUM_FACTS = f"""
SELECT albums.rowid, albums.name, albums.release_date,
    {ALBUM_ARTIST_NAMES}
FROM json_each(?) AS wanted
JOIN albums ON albums.rowid = wanted.value
ORDER BY wanted.key
"""
ARTIST_FACTS = """
SELECT artists.rowid, artists.name,
    (SELECT json_group_array(genre) FROM artist_genres
     WHERE artist_genres.artist_rowid = artists.rowid)
FROM json_each(?) AS wanted
JOIN artists ON artists.rowid = wanted.value
ORDER BY wanted.key
"""


def scanned(connection, kind, text, window):
    """Rowids of ``kind`` whose names contain ``text``, best first, at most ``window``."""
    rows = connection.execute(SCAN[kind], (like_pattern(text), window))
    return [rowid for (rowid,) in rows]


def tracks_by_isrc(connection, isrc, window):
    return [rowid for (rowid,) in connection.execute(TRACKS_BY_ISRC, (isrc, window))]


def tracks_of_albums(connection, album_rowids, window):
    rows = connection.execute(TRACKS_OF_ALBUMS, (key_list(album_rowids), window))
    return [rowid for (rowid,) in rows]


def tracks_of_artists(connection, artist_rowids, window):
    rows = connection.execute(TRACKS_OF_ARTISTS, (key_list(artist_rowids), window))
    return list(dict.fromkeys(rowid for (rowid,) in rows))


def albums_of_artists(connection, artist_rowids, window):
    rows = connection.execute(ALBUMS_OF_ARTISTS, (key_list(artist_rowids), window))
    return list(dict.fromkeys(rowid for (rowid,) in rows))


def artists_by_genre(connection, genre, window):
    rows = connection.execute(ARTISTS_BY_GENRE, (genre, window))
    return list(dict.fromkeys(rowid for (rowid,) in rows))


def track_facts(connection, rowids):
    """[{rowid, track, album, release_date, artists}] in the order of ``rowids``;
    ``artists`` holds the track's and its album's credited names."""
    rows = connection.execute(TRACK_FACTS, (key_list(rowids),))
    return [
        {"rowid": rowid, "track": name, "album": album, "release_date": date,
         "artists": orjson.loads(track_artists) + orjson.loads(album_artists)}
        for rowid, name, album, date, track_artists, album_artists in rows
    ]


def album_facts(connection, rowids):
    rows = connection.execute(ALBUM_FACTS, (key_list(rowids),))
    return [
        {"rowid": rowid, "album": name, "release_date": date, "artists": orjson.loads(artists)}
        for rowid, name, date, artists in rows
    ]


def artist_facts(connection, rowids):
    rows = connection.execute(ARTIST_FACTS, (key_list(rowids),))
    return [
        {"rowid": rowid, "artist": name, "genres": orjson.loads(genres)}
        for rowid, name, genres in rows
    ]
