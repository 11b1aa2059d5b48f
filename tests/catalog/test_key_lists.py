"""Key lists joined to the tables: each key read once, and rows in the order
an IN list gave them (sorted keys), which the dicts built from them keep."""

import random

import orjson
import pytest

from app.catalog import albums
from app.catalog import artists
from app.catalog import audio_features
from app.catalog import key_set
from app.catalog import tracks
from app.db import get_db
from tests.support.inprocess import make_app


@pytest.fixture(scope="module")
def connection(main_file):
    app = make_app(main_file)
    with app.app_context():
        yield get_db()


def shuffled(keys):
    keys = random.Random(14).sample(keys, len(keys))
    assert keys != sorted(keys)
    return keys


def test_key_set_sends_each_key_once_in_the_order_sqlite_sorts_them(connection):
    keys = [3, "b", None, 1, "a", 3, "b", "É", "Z", "😀", "\uffff", 2.5, -7, "", "10", "9"]
    sent = orjson.loads(key_set(keys))
    sorted_by_sqlite = [
        value for (value,) in connection.execute(
            "SELECT DISTINCT value FROM json_each(?) WHERE value IS NOT NULL ORDER BY value",
            (orjson.dumps(keys).decode(),),
        )
    ]
    assert sent == sorted_by_sqlite
    assert len(sent) == len(set(sent)) == 13


def test_a_repeated_isrc_reads_each_of_its_tracks_once(connection):
    isrc, count = connection.execute(
        "SELECT external_id_isrc, count(*) FROM tracks JOIN albums ON albums.rowid = album_rowid "
        "WHERE external_id_isrc IS NOT NULL "
        "GROUP BY external_id_isrc HAVING count(*) > 1 LIMIT 1"
    ).fetchone()
    found = tracks.tracks_by_isrc(connection, [isrc, isrc, isrc])
    rowids = [track["rowid"] for track in found[isrc]]
    assert len(rowids) == len(set(rowids)) == count


def test_a_repeated_album_counts_and_pages_its_tracks_once(connection):
    album_rowid, count = connection.execute(
        "SELECT album_rowid, count(*) FROM tracks GROUP BY album_rowid HAVING count(*) > 1 LIMIT 1"
    ).fetchone()
    pages, totals = tracks.album_track_pages(connection, [album_rowid] * 3, limit=50, offset=0)
    assert totals == {album_rowid: count}
    rowids = [track["rowid"] for track in pages[album_rowid]]
    assert len(rowids) == len(set(rowids)) == min(count, 50)


@pytest.mark.parametrize("load, table", [
    (tracks.tracks_by_id, "tracks"),
    (albums.albums_by_id, "albums"),
    (artists.artists_by_id, "artists"),
])
def test_found_by_id_in_id_order_whatever_the_order_asked(connection, load, table):
    ids = [key for (key,) in connection.execute(f"SELECT id FROM {table} ORDER BY rowid LIMIT 40")]
    found = load(connection, shuffled(ids) + ["missing"])
    assert len(found) > 20
    assert list(found) == sorted(found)


def test_artists_found_in_rowid_order_whatever_the_order_asked(connection):
    rowids = [key for (key,) in connection.execute("SELECT rowid FROM artists LIMIT 40")]
    found = artists.artists_by_rowid(connection, shuffled(rowids))
    assert list(found) == sorted(rowids)


def test_audio_features_in_track_id_order_whatever_the_order_asked(connection):
    assert audio_features.served(connection)
    ids = [
        key for (key,) in connection.execute(
            "SELECT track_id FROM track_audio_features WHERE null_response = 0 LIMIT 40"
        )
    ]
    found = audio_features.features_by_track_id(connection, shuffled(ids))
    assert list(found) == sorted(ids)
