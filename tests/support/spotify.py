"""What a /v1 answer must hold, read straight from the files with sqlite3.

Deliberately naive (one small query per object), so a bug in the service's
SQL or schemas cannot hide behind its own output. Shared by the route tests
and the real-client tests.
"""


def markets(oracle, rowid):
    row = oracle.execute("SELECT available_markets FROM available_markets WHERE rowid = ?",
                         (rowid,)).fetchone()
    if row is None or row[0] in ("", "unavailable"):
        return []
    return row[0].split(",")


def credited_artist_ids(oracle, sql, key):
    ids = []
    for (artist_id,) in oracle.execute(sql, (key,)):
        if artist_id not in ids:
            ids.append(artist_id)
    return ids


def track_artist_ids(oracle, track_rowid):
    return credited_artist_ids(oracle, """
        SELECT artists.id FROM track_artists JOIN artists ON artists.rowid = track_artists.artist_rowid
        WHERE track_rowid = ? ORDER BY track_artists.rowid""", track_rowid)


def album_artist_ids(oracle, album_rowid):
    ids = credited_artist_ids(oracle, """
        SELECT artists.id FROM artist_albums JOIN artists ON artists.rowid = artist_albums.artist_rowid
        WHERE album_rowid = ? AND index_in_album IS NOT NULL
        ORDER BY index_in_album, artist_albums.rowid""", album_rowid)
    if ids:
        return ids
    first = oracle.execute("SELECT rowid FROM tracks WHERE album_rowid = ? "
                           "ORDER BY disc_number, track_number, rowid LIMIT 1", (album_rowid,)).fetchone()
    return track_artist_ids(oracle, first[0]) if first else []


def album_track_ids(oracle, album_rowid):
    return [row[0] for row in oracle.execute(
        "SELECT id FROM tracks WHERE album_rowid = ? ORDER BY disc_number, track_number, rowid",
        (album_rowid,))]


def track(oracle, track_id):
    """The fields of a TrackObject that come from the files, by Spotify's names."""
    row = oracle.execute("SELECT * FROM tracks WHERE id = ?", (track_id,)).fetchone()
    album = oracle.execute("SELECT * FROM albums WHERE rowid = ?", (row["album_rowid"],)).fetchone()
    return {
        "id": row["id"],
        "name": row["name"],
        "duration_ms": row["duration_ms"],
        "explicit": bool(row["explicit"]),
        "disc_number": row["disc_number"],
        "track_number": row["track_number"],
        "popularity": row["popularity"],
        "preview_url": row["preview_url"],
        "isrc": row["external_id_isrc"] or None,
        "available_markets": markets(oracle, row["available_markets_rowid"]),
        "artist_ids": track_artist_ids(oracle, row["rowid"]),
        "album_id": album["id"],
        "album_name": album["name"],
    }


def album(oracle, album_id):
    """The fields of an AlbumObject that come from the files."""
    row = oracle.execute("SELECT * FROM albums WHERE id = ?", (album_id,)).fetchone()
    copyrights = [{"text": text, "type": kind}
                  for kind, text in (("C", row["copyright_c"]), ("P", row["copyright_p"])) if text]
    return {
        "id": row["id"],
        "name": row["name"],
        "album_type": row["album_type"],
        "label": row["label"],
        "release_date": row["release_date"],
        "popularity": row["popularity"],
        "upc": row["external_id_upc"] or None,
        "copyrights": copyrights,
        "available_markets": markets(oracle, row["available_markets_rowid"]),
        "artist_ids": album_artist_ids(oracle, row["rowid"]),
        "track_ids": album_track_ids(oracle, row["rowid"]),
    }


def artist(oracle, artist_id):
    row = oracle.execute("SELECT * FROM artists WHERE id = ?", (artist_id,)).fetchone()
    genres = []
    for (genre,) in oracle.execute(
        "SELECT genre FROM artist_genres WHERE artist_rowid = ? ORDER BY rowid", (row["rowid"],)
    ):
        if genre not in genres:
            genres.append(genre)
    return {"id": row["id"], "name": row["name"], "followers": row["followers_total"],
            "popularity": row["popularity"], "genres": genres}


def album_with_many_tracks(oracle, at_least):
    """(album id, album rowid) of the first album holding ``at_least`` tracks or more."""
    return tuple(oracle.execute(
        "SELECT albums.id, albums.rowid FROM albums JOIN tracks ON tracks.album_rowid = albums.rowid "
        "GROUP BY albums.rowid HAVING count(*) >= ? ORDER BY albums.rowid LIMIT 1", (at_least,)
    ).fetchone())
