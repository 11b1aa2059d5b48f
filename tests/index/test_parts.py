"""The index parts of the deeper catalogue, read back and compared with the main file."""

import contextlib
import json
import sqlite3

import pytest

from app.catalog.discographies import GROUPS
from app.catalog.discographies import LIGHT_LINKS as LIGHT_ALBUM_LINKS
from app.catalog.top_tracks import LIGHT_LINKS as LIGHT_TRACK_LINKS
from app.catalog.top_tracks import TOP_TRACKS
from tests.support import expected


@pytest.fixture(scope="module")
def index(index_file):
    with contextlib.closing(sqlite3.connect(f"file:{index_file}?mode=ro", uri=True)) as connection:
        yield connection


def heavy_artists(oracle, table, light):
    return [row[0] for row in oracle.execute(
        f"SELECT artist_rowid FROM {table} GROUP BY artist_rowid HAVING count(*) > ? "
        "ORDER BY artist_rowid", (light,))]


def test_meta_lists_every_part(index):
    parts = json.loads(index.execute("SELECT value FROM search_meta WHERE key = 'parts'").fetchone()[0])
    assert parts == ["names", "upcs", "discographies", "top_tracks", "markets"]


def test_upcs_hold_every_digit_barcode_by_number(index, oracle):
    wanted = sorted(
        (int(row[0]), -row[1], -row[2]) for row in oracle.execute(
            "SELECT external_id_upc, popularity, rowid FROM albums WHERE external_id_upc <> ''")
        if row[0].isdigit()
    )
    stored = index.execute("SELECT upc, -popularity, -album_rowid FROM album_upcs").fetchall()
    assert stored == wanted


def test_discographies_of_heavy_artists_only(index, oracle):
    heavy = heavy_artists(oracle, "artist_albums", LIGHT_ALBUM_LINKS)
    assert len(heavy) >= 3
    assert [row[0] for row in index.execute(
        "SELECT DISTINCT artist_rowid FROM artist_album_counts ORDER BY artist_rowid")] == heavy
    for artist_rowid in heavy:
        stored = index.execute(
            "SELECT album_group, album_rowid FROM artist_albums_ordered WHERE artist_rowid = ? "
            "ORDER BY album_group, position", (artist_rowid,)).fetchall()
        assert [(GROUPS[group], rowid) for group, rowid in stored] == \
            expected.discography(oracle, artist_rowid)
        counts = dict(index.execute(
            "SELECT album_group, albums FROM artist_album_counts WHERE artist_rowid = ?",
            (artist_rowid,)))
        assert sum(counts.values()) == len(stored)


def test_top_tracks_of_heavy_artists_only(index, oracle):
    heavy = heavy_artists(oracle, "track_artists", LIGHT_TRACK_LINKS)
    assert len(heavy) >= 3
    assert [row[0] for row in index.execute(
        "SELECT DISTINCT artist_rowid FROM artist_top_tracks ORDER BY artist_rowid")] == heavy
    for artist_rowid in heavy:
        stored = [row[0] for row in index.execute(
            "SELECT track_rowid FROM artist_top_tracks WHERE artist_rowid = ? ORDER BY position",
            (artist_rowid,))]
        assert stored == expected.top_track_rowids(oracle, artist_rowid, TOP_TRACKS)


def test_markets_are_every_code_listed(index, oracle):
    codes = set()
    for (text,) in oracle.execute("SELECT available_markets FROM available_markets"):
        codes.update(code for code in text.split(",") if code)
    assert [row[0] for row in index.execute("SELECT code FROM markets")] == sorted(codes)
