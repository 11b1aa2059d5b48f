"""An artist's most popular tracks (credited on them, album row present).

For artists with more than :data:`LIGHT_LINKS` track credits, the sidecar
index holds the first :data:`TOP_TRACKS` in order
(:mod:`app.index.top_tracks`); the others have few enough to sort whole.
"""

from app.db import SEARCH_SCHEMA

PART = "top_tracks"
# The longest list answered, and how many the index keeps per artist.
TOP_TRACKS = 50
# An artist with at most this many track_artists rows is sorted per request.
LIGHT_LINKS = 50

# Most popular first, ties by the higher rowid, as everywhere; a duplicated
# credit counts once, a track whose album row is missing is not shown.
TOP_TRACK_ROWIDS = """
SELECT tracks.rowid FROM track_artists
JOIN tracks ON tracks.rowid = track_artists.track_rowid
JOIN albums ON albums.rowid = tracks.album_rowid
WHERE track_artists.artist_rowid = ?
GROUP BY tracks.rowid
ORDER BY tracks.popularity DESC, tracks.rowid DESC
LIMIT ?
"""
INDEXED_TOP_TRACK_ROWIDS = f"""
SELECT track_rowid FROM {SEARCH_SCHEMA}.artist_top_tracks
WHERE artist_rowid = ? ORDER BY position LIMIT ?
"""


def top_track_rowids(connection, artist_rowid, limit):
    """Return the rowids of the artist's ``limit`` most popular tracks, best first."""
    if PART in connection.index_parts:
        rowids = [row[0] for row in connection.execute(
            INDEXED_TOP_TRACK_ROWIDS, (artist_rowid, limit))]
        if rowids:
            return rowids
    return [row[0] for row in connection.execute(TOP_TRACK_ROWIDS, (artist_rowid, limit))]
