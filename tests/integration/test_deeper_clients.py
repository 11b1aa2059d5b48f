"""Real Spotify clients against the deeper /v1 routes, over a real gunicorn:
beets' spotifysync stores audio features and ISRCs, tekore validates the
audio features and discography objects, and a harmony-style barcode search
(spotipy) finds an album by its 12-, 13- and 14-digit forms."""

import warnings

import beets
import pytest
import requests
import spotipy
import tekore
from beets.library import Item
from beets.library import Library
from beetsplug.spotify import SpotifyPlugin
from tekore._client import base as tekore_base
from tekore.model import UnknownModelAttributeWarning

from tests.support import expected
from tests.support.servers import running_gunicorn
from tests.support.servers import service_env


@pytest.fixture(scope="module")
def server(main_file, index_file):
    # The audio features file sits beside the main file, served by default.
    with running_gunicorn(service_env(main_file, SEARCH_DATABASE=index_file), workers=1) as running:
        yield running


@pytest.fixture()
def spotify_plugin(server, tmp_path, monkeypatch):
    """beets' own spotify plugin, pointed at the service instead of api.spotify.com."""
    beets.config.clear()
    beets.config.read(user=False, defaults=True)
    beets.config["import"]["write"] = False
    beets.config["spotify"]["tokenfile"] = str(tmp_path / "spotify_token.json")
    for name, path in (("oauth_token_url", "/api/token"), ("search_url", "/v1/search"),
                       ("album_url", "/v1/albums/"), ("track_url", "/v1/tracks"),
                       ("audio_features_url", "/v1/audio-features")):
        monkeypatch.setattr(SpotifyPlugin, name, server.base_url + path)
    return SpotifyPlugin()


def album_with_features(oracle):
    """(album rowid, its track ids): an album whose tracks have features,
    one of them a null response or a missing row when the catalogue has such."""
    row = oracle.execute(
        "SELECT t.album_rowid FROM tracks t "
        "LEFT JOIN features.track_audio_features f ON f.track_id = t.id "
        "GROUP BY t.album_rowid HAVING count(*) >= 5 AND sum(f.rowid IS NULL OR f.null_response) >= 1 "
        "ORDER BY t.album_rowid LIMIT 1").fetchone()
    assert row is not None
    ids = [track_id for (track_id,) in oracle.execute(
        "SELECT id FROM tracks WHERE album_rowid = ? ORDER BY disc_number, track_number", (row[0],))]
    return row[0], ids


def test_beets_spotifysync_stores_audio_features_and_isrcs(spotify_plugin, oracle, tmp_path):
    _, track_ids = album_with_features(oracle)
    library = Library(str(tmp_path / "library.db"))
    items = [Item(title=f"track {number}", track=number, spotify_track_id=track_id,
                  path=str(tmp_path / f"{number}.mp3"))
             for number, track_id in enumerate(track_ids, 1)]
    library.add_album(items)
    (sync,) = [command for command in spotify_plugin.commands() if command.name == "spotifysync"]
    options, arguments = sync.parser.parse_args(["--force"])
    sync.func(library, options, arguments)

    assert spotify_plugin.audio_features_available
    for item in library.items():
        stored = library.get_item(item.id)
        want = expected.audio_features(oracle, stored.spotify_track_id)
        isrc = oracle.execute("SELECT external_id_isrc FROM tracks WHERE id = ?",
                              (stored.spotify_track_id,)).fetchone()[0]
        assert stored.get("isrc") == (isrc or None)
        if want is None:
            assert "spotify_tempo" not in stored
            continue
        # beets keeps flexible attributes as text once stored.
        assert float(stored["spotify_tempo"]) == want["tempo"]
        assert int(stored["spotify_key"]) == want["key"]
        assert float(stored["spotify_energy"]) == want["energy"]
        assert int(stored["spotify_time_signature"]) == want["time_signature"]


def test_beets_turns_features_off_on_a_403(main_file, tmp_path, monkeypatch, oracle):
    (tmp_path / "served").mkdir()
    (tmp_path / "served" / "main_database.sqlite3").symlink_to(main_file)
    env = service_env(tmp_path / "served" / "main_database.sqlite3")
    with running_gunicorn(env, workers=1) as bare:
        beets.config.clear()
        beets.config.read(user=False, defaults=True)
        beets.config["spotify"]["tokenfile"] = str(tmp_path / "token.json")
        for name, path in (("oauth_token_url", "/api/token"), ("track_url", "/v1/tracks"),
                           ("audio_features_url", "/v1/audio-features")):
            monkeypatch.setattr(SpotifyPlugin, name, bare.base_url + path)
        plugin = SpotifyPlugin()
        _, track_ids = album_with_features(oracle)
        assert plugin.track_audio_features_batch(track_ids) == {}
        assert plugin.audio_features_available is False


@pytest.fixture()
def tekore_client(server, monkeypatch):
    monkeypatch.setattr(tekore_base, "prefix", server.base_url + "/v1/")
    sender = tekore.SyncSender()
    yield tekore.Spotify("any-token", sender=sender)
    sender.client.close()


def strictly(call):
    """Run a tekore call; any field tekore does not know is an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownModelAttributeWarning)
        return call()


def test_tekore_validates_audio_features(tekore_client, oracle):
    _, track_ids = album_with_features(oracle)
    single = next(track_id for track_id in track_ids if expected.audio_features(oracle, track_id))
    features = strictly(lambda: tekore_client.track_audio_features(single))
    assert features.tempo == expected.audio_features(oracle, single)["tempo"]
    several = strictly(lambda: tekore_client.tracks_audio_features(track_ids))
    assert [item.id if item else None for item in several] == [
        track_id if expected.audio_features(oracle, track_id) else None for track_id in track_ids
    ]


def test_tekore_validates_discographies_top_tracks_and_markets(tekore_client, oracle):
    row = oracle.execute(
        "SELECT a.rowid, a.id FROM artist_albums l JOIN artists a ON a.rowid = l.artist_rowid "
        "GROUP BY a.rowid ORDER BY count(*) DESC LIMIT 1").fetchone()
    first = strictly(lambda: tekore_client.artist_albums(row[1], limit=50))
    albums = strictly(lambda: list(tekore_client.all_items(first)))
    assert [album.id for album in albums] == [
        expected.album(oracle, rowid)["id"] for _, rowid in expected.discography(oracle, row[0])
    ]
    assert first.total == len(albums)
    top = strictly(lambda: tekore_client.artist_top_tracks(row[1], market="SE"))
    assert len(top) <= 10
    assert strictly(tekore_client.markets)


def test_harmony_style_barcode_search_finds_every_form(server, oracle):
    barcode, album_id = oracle.execute(
        "SELECT external_id_upc, id FROM albums WHERE length(external_id_upc) = 12 "
        "ORDER BY rowid LIMIT 1").fetchone()
    with requests.Session() as session:
        client = spotipy.Spotify(auth="any-token", requests_session=session,
                                 requests_timeout=10, retries=0)
        client.prefix = server.base_url + "/v1/"
        # Harmony asks for the barcode as the release gives it, in each form.
        for form in (barcode, "0" + barcode, "00" + barcode):
            found = client.search(q=f"upc:{form}", type="album", limit=1)
            assert [album["id"] for album in found["albums"]["items"]] == [album_id], form
