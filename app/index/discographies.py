"""The discographies part: the albums of every heavy artist, in answer order.

An artist with more than :data:`app.catalog.discographies.LIGHT_LINKS`
artist_albums rows ("Various Artists", composers, labels' house artists)
gets, per group (album, single, compilation, appears_on):

- ``artist_album_counts``: how many albums the group holds;
- ``artist_albums_ordered``: its albums, position 1 the newest.

A page of any set of groups is then a seek per group it touches
(:mod:`app.catalog.discographies`); lighter artists are sorted per request.
"""

import itertools

from app.catalog.discographies import DISCOGRAPHY
from app.catalog.discographies import LIGHT_LINKS

NAME = "discographies"

DDL = (
    """
    CREATE TABLE artist_albums_ordered (
        artist_rowid INTEGER NOT NULL, album_group INTEGER NOT NULL,
        position INTEGER NOT NULL, album_rowid INTEGER NOT NULL,
        PRIMARY KEY (artist_rowid, album_group, position)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE artist_album_counts (
        artist_rowid INTEGER NOT NULL, album_group INTEGER NOT NULL, albums INTEGER NOT NULL,
        PRIMARY KEY (artist_rowid, album_group)
    ) WITHOUT ROWID
    """,
)

# A walk of the covering index: artists in rowid order, with their row counts.
HEAVY_ARTISTS = """
SELECT artist_rowid FROM main.artist_albums INDEXED BY artist_album_artist_id
GROUP BY artist_rowid HAVING count(*) > ?
"""
INSERT_ORDERED = "INSERT INTO artist_albums_ordered VALUES (?, ?, ?, ?)"
INSERT_COUNT = "INSERT INTO artist_album_counts VALUES (?, ?, ?)"


def build(source, writer):
    """Fill both tables for every heavy artist; return row counts."""
    heavy = [rowid for (rowid,) in source.execute(HEAVY_ARTISTS, (LIGHT_LINKS,))]

    def rows():
        for artist_rowid in heavy:
            discography = source.execute(DISCOGRAPHY, {"artist": artist_rowid})
            for group, albums in itertools.groupby(discography, key=lambda row: row[0]):
                for position, (_, album_rowid) in enumerate(albums, 1):
                    yield artist_rowid, group, position, album_rowid

    def write_batch(connection, batch):
        connection.executemany(INSERT_ORDERED, batch)

    with writer.step("discographies", None) as step:
        count = step.load(rows(), write_batch)
        step.finish("counting", [
            "INSERT INTO artist_album_counts SELECT artist_rowid, album_group, max(position) "
            "FROM artist_albums_ordered GROUP BY artist_rowid, album_group",
        ])
    return {"heavy_discographies": len(heavy), "discography_albums": count}
