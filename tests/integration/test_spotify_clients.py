"""spotipy and tekore, unchanged but for their base and token URLs, against
a real gunicorn serving /v1; every value is checked against the files."""

import httpx
import pytest
import spotipy
import tekore
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyClientCredentials

from tests.support import spotify as expected


@pytest.fixture(scope="module")
def spotipy_client(spotify_server):
    # The README's lines: the token URL, then the API prefix.
    # The token in memory: spotipy's default writes it to ./.cache, where a
    # later run would find a token another server signed.
    credentials = SpotifyClientCredentials(
        client_id="any-id", client_secret="any-secret", cache_handler=MemoryCacheHandler()
    )
    credentials.OAUTH_TOKEN_URL = f"{spotify_server.base_url}/api/token"
    client = spotipy.Spotify(client_credentials_manager=credentials, retries=0, requests_timeout=30)
    client.prefix = f"{spotify_server.base_url}/v1/"
    yield client
    client._session.close()
    credentials._session.close()


@pytest.fixture()
def tekore_client(spotify_server, monkeypatch):
    # tekore keeps both addresses in module globals.
    monkeypatch.setattr("tekore._client.base.prefix", f"{spotify_server.base_url}/v1/")
    token_url = f"{spotify_server.base_url}/api/token"
    monkeypatch.setattr("tekore._auth.expiring.client.OAUTH_TOKEN_URL", token_url)
    sender = tekore.SyncSender(httpx.Client(timeout=30))
    token = tekore.RefreshingCredentials("any-id", "any-secret", sender=sender).request_client_token()
    yield tekore.Spotify(token, sender=sender)
    sender.close()


@pytest.fixture(scope="module")
def samples(oracle):
    tracks = [row[0] for row in oracle.execute(
        "SELECT tracks.id FROM tracks JOIN albums ON albums.rowid = tracks.album_rowid "
        "WHERE tracks.external_id_isrc <> '' ORDER BY tracks.rowid LIMIT 5")]
    artists = [row[0] for row in oracle.execute("SELECT id FROM artists ORDER BY rowid LIMIT 5")]
    big_album, _ = expected.album_with_many_tracks(oracle, 51)
    return {"tracks": tracks, "artists": artists, "big_album": big_album}


def album_query(oracle):
    """An album, its first credited artist, and q as beets and scripts write it."""
    album_id, album, artist = oracle.execute(
        "SELECT albums.id, albums.name, artists.name FROM albums "
        "JOIN artist_albums ON artist_albums.album_rowid = albums.rowid AND index_in_album = 0 "
        "JOIN artists ON artists.rowid = artist_albums.artist_rowid "
        "WHERE albums.name <> '' ORDER BY albums.popularity DESC LIMIT 1").fetchone()
    return album_id, f'album:"{album}" artist:"{artist}"'


def assert_track(track, oracle):
    want = expected.track(oracle, track["id"])
    assert track["name"] == want["name"]
    assert track["duration_ms"] == want["duration_ms"]
    assert track["external_ids"].get("isrc") == want["isrc"]
    assert [artist["id"] for artist in track["artists"]] == want["artist_ids"]
    assert track["album"]["id"] == want["album_id"]


def test_spotipy_tracks(spotipy_client, oracle, samples):
    assert_track(spotipy_client.track(samples["tracks"][0]), oracle)
    several = spotipy_client.tracks(samples["tracks"])["tracks"]
    assert [track["id"] for track in several] == samples["tracks"]
    for track in several:
        assert_track(track, oracle)


def test_spotipy_album_and_its_tracks_past_fifty(spotipy_client, oracle, samples):
    album_id = samples["big_album"]
    want = expected.album(oracle, album_id)
    album = spotipy_client.album(album_id)
    assert (album["name"], album["label"], album["popularity"]) == (
        want["name"], want["label"], want["popularity"])
    page = spotipy_client.album_tracks(album_id, limit=50)
    seen = [track["id"] for track in page["items"]]
    while page["next"]:
        page = spotipy_client.next(page)
        seen += [track["id"] for track in page["items"]]
    assert len(seen) > 50 and seen == want["track_ids"]


def test_spotipy_artists(spotipy_client, oracle, samples):
    artist = spotipy_client.artist(samples["artists"][0])
    want = expected.artist(oracle, samples["artists"][0])
    assert (artist["name"], artist["followers"]["total"]) == (want["name"], want["followers"])
    several = spotipy_client.artists(samples["artists"])["artists"]
    assert [a["name"] for a in several] == [expected.artist(oracle, i)["name"] for i in samples["artists"]]


def test_spotipy_search_by_isrc_and_by_album_and_artist(spotipy_client, oracle, samples):
    isrc = expected.track(oracle, samples["tracks"][0])["isrc"]
    found = spotipy_client.search(f"isrc:{isrc}", type="track")["tracks"]["items"]
    want = {row[0] for row in oracle.execute(
        "SELECT tracks.id FROM tracks JOIN albums ON albums.rowid = tracks.album_rowid "
        "WHERE external_id_isrc = ?", (isrc,))}
    assert {track["id"] for track in found} == want
    album_id, q = album_query(oracle)
    albums = spotipy_client.search(q, type="album", limit=5)["albums"]["items"]
    assert albums[0]["id"] == album_id or album_id in {album["id"] for album in albums}


def test_tekore_models_accept_every_object(tekore_client, oracle, samples):
    # tekore validates strictly and warns on unknown fields; pytest makes
    # that warning an error, so any stray or missing field fails here.
    track = tekore_client.track(samples["tracks"][0])
    assert track.name == expected.track(oracle, track.id)["name"]
    assert [t.id for t in tekore_client.tracks(samples["tracks"])] == samples["tracks"]
    album = tekore_client.album(samples["big_album"])
    want = expected.album(oracle, samples["big_album"])
    assert album.label == want["label"] and album.tracks.total == len(want["track_ids"])
    items = list(tekore_client.all_items(tekore_client.album_tracks(samples["big_album"], limit=50)))
    assert [item.id for item in items] == want["track_ids"]
    artist = tekore_client.artist(samples["artists"][0])
    assert artist.followers.total == expected.artist(oracle, artist.id)["followers"]
    assert len(tekore_client.artists(samples["artists"])) == len(samples["artists"])


def test_tekore_search(tekore_client, oracle, samples):
    isrc = expected.track(oracle, samples["tracks"][0])["isrc"]
    (tracks,) = tekore_client.search(f"isrc:{isrc}", types=("track",))
    assert samples["tracks"][0] in {track.id for track in tracks.items}
    album_id, q = album_query(oracle)
    albums, artists = tekore_client.search(q, types=("album", "artist"), limit=5)
    assert album_id in {album.id for album in albums.items}
