"""Orders SQLite no longer sorts: tracks of an ISRC most popular first
(sorted in Python), and credits and genres in rowid order (the index's
order), each the order the former ORDER BY gave, dirty rows included."""

import pytest

from app.catalog import artists
from app.catalog import tracks
from app.db import CatalogueConnection
from app.demo.tables import ddl_statements

ISRC = "GBAAP0000867"
OTHER_ISRC = "USAAA0000001"


@pytest.fixture()
def connection():
    connection = CatalogueConnection(":memory:")
    for statement in ddl_statements("main_database.sql"):
        connection.execute(statement)
    connection.executemany(
        "INSERT INTO albums (rowid, id, fetched_at, name, album_type, available_markets_rowid,"
        " label, popularity, release_date, release_date_precision, total_tracks)"
        " VALUES (?, ?, 0, '', 'album', 1, '', 0, '0000', 'year', 1)",
        [(1, "album1"), (2, "album2")],
    )
    connection.executemany(
        "INSERT INTO artists VALUES (?, ?, 0, ?, 0, 0)",
        [(rowid, f"artist{rowid}", f"name {rowid}") for rowid in (5, 7, 9)],
    )
    yield connection
    connection.close()


def add_tracks(connection, rows):
    """rows: (rowid, isrc, popularity, album rowid)."""
    connection.executemany(
        "INSERT INTO tracks (rowid, id, fetched_at, name, album_rowid, track_number,"
        " external_id_isrc, popularity, available_markets_rowid, disc_number, duration_ms,"
        " explicit) VALUES (?1, 'track' || ?1, 0, '', ?4, 1, ?2, ?3, 1, 1, 0, 0)",
        rows,
    )


def sqlite_most_popular_first(connection, isrcs):
    """[(isrc, [track rowid, …])] as the former statement's ORDER BY gave them."""
    by_isrc = {}
    for rowid, isrc in connection.execute(
        "SELECT tracks.rowid, external_id_isrc FROM tracks JOIN albums"
        " ON albums.rowid = tracks.album_rowid"
        f" WHERE external_id_isrc IN ({', '.join('?' * len(isrcs))}) {tracks.MOST_POPULAR_FIRST}",
        isrcs,
    ):
        by_isrc.setdefault(isrc, []).append(rowid)
    return list(by_isrc.items())


def found_order(connection, isrcs):
    found = tracks.tracks_by_isrc(connection, isrcs)
    return [(isrc, [track["rowid"] for track in found_tracks]) for isrc, found_tracks in found.items()]


def test_isrc_tracks_come_most_popular_first_ties_newest_first(connection):
    # Rowids out of popularity order, ties on popularity, a track without
    # its album (left out), another ISRC in between, a NULL and an empty ISRC.
    add_tracks(connection, [
        (10, ISRC, 3, 1), (11, OTHER_ISRC, 50, 2), (12, ISRC, 90, 2), (13, ISRC, 3, 2),
        (14, ISRC, 0, 1), (15, OTHER_ISRC, 2, 1), (16, ISRC, 99, 404), (17, None, 99, 1),
        (18, "", 99, 1),
    ])
    expected = sqlite_most_popular_first(connection, [ISRC, OTHER_ISRC])
    assert expected == [(ISRC, [12, 13, 10, 14]), (OTHER_ISRC, [11, 15])]
    assert found_order(connection, [OTHER_ISRC, ISRC]) == expected


def test_popularities_of_other_types_sort_as_sqlite_sorts_them(connection):
    # NOT NULL INTEGER is declared but not enforced: text, a real, a blob.
    add_tracks(connection, [
        (20, ISRC, "popular", 1), (21, ISRC, 7.5, 1), (22, ISRC, 8, 2), (23, ISRC, b"\x01", 2),
        (24, ISRC, "Popular", 1), (25, OTHER_ISRC, 7, 1), (26, ISRC, 7.5, 2),
    ])
    expected = sqlite_most_popular_first(connection, [ISRC, OTHER_ISRC])
    assert expected == [(ISRC, [23, 20, 24, 22, 26, 21]), (OTHER_ISRC, [25])]
    assert found_order(connection, [ISRC, OTHER_ISRC]) == expected


def test_track_credits_keep_rowid_order_without_repeats(connection):
    add_tracks(connection, [(30, ISRC, 1, 1), (31, ISRC, 2, 1)])
    # Artist rowids against rowid order, a duplicate pair, a missing artist.
    connection.executemany("INSERT INTO track_artists VALUES (?, ?)", [
        (31, 9), (30, 9), (30, 5), (31, 404), (30, 9), (30, 7), (31, 5),
    ])
    found = {track["rowid"]: track for track in tracks.tracks_by_isrc(connection, [ISRC])[ISRC]}
    assert [artist["rowid"] for artist in found[30]["artists"]] == [9, 5, 7]
    assert [artist["rowid"] for artist in found[31]["artists"]] == [9, 5]


def test_genres_keep_rowid_order_without_repeats(connection):
    connection.executemany("INSERT INTO artist_genres VALUES (?, ?)", [
        (7, "rock"), (5, "pop"), (7, "ambient"), (7, "rock"), (5, ""), (404, "jazz"),
    ])
    found = artists.artists_by_rowid(connection, [5, 7, 9, 404])
    assert {rowid: artist["genres"] for rowid, artist in found.items()} == {
        5: ["pop", ""], 7: ["rock", "ambient"], 9: [],
    }
