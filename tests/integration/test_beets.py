"""beets imports with its own spotify plugin matching through /v1 of a real gunicorn.

The audio files are written here (tiny MP3s of each track's length, tagged
as a user's rip would be); beets must find the album (more than 50 tracks,
so its plugin follows ``next``) and a singleton, and write Spotify's ids,
the label and the dates, all checked against the files.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.support import spotify as expected
from tests.support.audio import write_track
from tests.support.servers import BIN

SHIM_FOLDER = Path(__file__).resolve().parents[1] / "support" / "beetsplug"


@pytest.fixture()
def beets(spotify_server, tmp_path):
    """Run ``beet`` with a fresh library configured for the service; return
    (run, library path)."""
    home = tmp_path / "beets"
    home.mkdir()
    library = home / "library.db"
    (home / "config.yaml").write_text(f"""
directory: {tmp_path / "music"}
library: {library}
pluginpath: [{SHIM_FOLDER}]
plugins: [musicapi, spotify]
musicapi:
  base_url: {spotify_server.base_url}
import:
  copy: no
  write: no
  quiet: yes
  resume: no
  incremental: no
  log: {home / "import.log"}
""")

    def run(*arguments):
        result = subprocess.run(
            [str(BIN / "beet"), *arguments], capture_output=True, text=True, timeout=600,
            env=dict(os.environ, BEETSDIR=str(home), HOME=str(tmp_path)),
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    return run, library


def big_album(oracle):
    """An album of more than 50 tracks, all named, its first track credited."""
    for (album_id,) in oracle.execute(
        "SELECT albums.id FROM albums JOIN tracks ON tracks.album_rowid = albums.rowid "
        "WHERE albums.name <> '' GROUP BY albums.rowid "
        "HAVING count(*) > 50 AND min(tracks.name <> '') = 1 ORDER BY count(*) DESC"
    ):
        if expected.album(oracle, album_id)["artist_ids"]:
            return album_id
    pytest.fail("the catalogue holds no album of more than 50 named tracks")


def artist_names(oracle, ids):
    return ", ".join(expected.artist(oracle, artist_id)["name"] for artist_id in ids)


def write_album(folder, oracle, album_id):
    want = expected.album(oracle, album_id)
    folder.mkdir()
    for position, track_id in enumerate(want["track_ids"], start=1):
        track = expected.track(oracle, track_id)
        write_track(
            folder / f"{position:03}.mp3", track["duration_ms"] / 1000,
            title=track["name"], artist=artist_names(oracle, track["artist_ids"]),
            album=want["name"], albumartist=artist_names(oracle, want["artist_ids"]),
            track=track["track_number"], disc=track["disc_number"],
        )
    return want


def test_album_of_more_than_fifty_tracks(beets, oracle, tmp_path):
    run, library = beets
    album_id = big_album(oracle)
    want = write_album(tmp_path / "album", oracle, album_id)
    output = run("import", str(tmp_path / "album"))
    with sqlite3.connect(library) as db:
        albums = db.execute("SELECT id, album, label, year FROM albums").fetchall()
        assert len(albums) == 1, output
        (rowid, name, label, year) = albums[0]
        attributes = dict(db.execute(
            "SELECT key, value FROM album_attributes WHERE entity_id = ?", (rowid,)))
        items = db.execute("SELECT rowid FROM items ORDER BY track").fetchall()
        track_ids = [row[0] for row in db.execute(
            "SELECT value FROM item_attributes JOIN items ON items.id = entity_id "
            "WHERE key = 'spotify_track_id' ORDER BY items.disc, items.track")]
    assert attributes.get("spotify_album_id") == album_id, output
    assert (name, label) == (want["name"], want["label"])
    assert year == int(want["release_date"][:4])
    assert len(items) == len(want["track_ids"]) > 50
    assert track_ids == want["track_ids"]


def test_singleton(beets, oracle, tmp_path):
    run, library = beets
    track_id, = oracle.execute(
        "SELECT tracks.id FROM tracks JOIN albums ON albums.rowid = tracks.album_rowid "
        "WHERE tracks.name <> '' AND EXISTS (SELECT 1 FROM track_artists "
        "JOIN artists ON artists.rowid = artist_rowid WHERE track_rowid = tracks.rowid) "
        "ORDER BY tracks.popularity DESC LIMIT 1").fetchone()
    track = expected.track(oracle, track_id)
    path = tmp_path / "single.mp3"
    write_track(path, track["duration_ms"] / 1000, title=track["name"],
                artist=artist_names(oracle, track["artist_ids"]))
    output = run("import", "--singletons", str(path))
    with sqlite3.connect(library) as db:
        found = db.execute(
            "SELECT value FROM item_attributes WHERE key = 'spotify_track_id'").fetchall()
        title = db.execute("SELECT title FROM items").fetchall()
    assert found == [(track_id,)], output
    assert title == [(track["name"],)]
