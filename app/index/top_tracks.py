"""The top_tracks part: the most popular tracks of every heavy artist.

An artist with more than :data:`app.catalog.top_tracks.LIGHT_LINKS` track
credits gets its first :data:`app.catalog.top_tracks.TOP_TRACKS` in
``artist_top_tracks`` (position 1 the most popular), read with one seek;
lighter artists are sorted per request (:mod:`app.catalog.top_tracks`).
"""

from app.catalog.top_tracks import LIGHT_LINKS
from app.catalog.top_tracks import TOP_TRACK_ROWIDS
from app.catalog.top_tracks import TOP_TRACKS

NAME = "top_tracks"

DDL = (
    """
    CREATE TABLE artist_top_tracks (
        artist_rowid INTEGER NOT NULL, position INTEGER NOT NULL, track_rowid INTEGER NOT NULL,
        PRIMARY KEY (artist_rowid, position)
    ) WITHOUT ROWID
    """,
)

# A walk of the covering index: artists in rowid order, with their row counts.
HEAVY_ARTISTS = """
SELECT artist_rowid FROM main.track_artists INDEXED BY track_artists_artist_id
GROUP BY artist_rowid HAVING count(*) > ?
"""
INSERT = "INSERT INTO artist_top_tracks VALUES (?, ?, ?)"


def build(source, writer):
    """Fill ``artist_top_tracks`` for every heavy artist; return row counts."""
    heavy = [rowid for (rowid,) in source.execute(HEAVY_ARTISTS, (LIGHT_LINKS,))]

    def rows():
        for artist_rowid in heavy:
            top = source.execute(TOP_TRACK_ROWIDS, (artist_rowid, TOP_TRACKS))
            for position, (track_rowid,) in enumerate(top, 1):
                yield artist_rowid, position, track_rowid

    with writer.step("top tracks", len(heavy) * TOP_TRACKS) as step:
        count = step.load(rows(), lambda connection, batch: connection.executemany(INSERT, batch))
    return {"heavy_top_tracks": len(heavy), "top_tracks": count}
