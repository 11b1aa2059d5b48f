"""/v1 audio features, artists' albums and top tracks, markets and the upc:
filter, compared with the files (tests/support/expected.py)."""

from urllib.parse import urlsplit

import pytest

from tests.support import expected
from tests.support.inprocess import assert_error
from tests.support.inprocess import make_app

BASE = "https://music.example"
AUDIO_FEATURES_FIELDS = {
    "acousticness", "analysis_url", "danceability", "duration_ms", "energy", "id",
    "instrumentalness", "key", "liveness", "loudness", "mode", "speechiness", "tempo",
    "time_signature", "track_href", "type", "uri", "valence",
}


@pytest.fixture(scope="module")
def v1(main_file, index_file):
    return make_app(main_file, SEARCH_DATABASE=str(index_file), PUBLIC_BASE_URL=BASE).test_client()


def features_of(oracle, sql, count):
    ids = [row[0] for row in oracle.execute(f"{sql} ORDER BY rowid LIMIT {count}")]
    assert len(ids) == count, sql
    return ids


def spotify_features(oracle, track_id):
    native = expected.audio_features(oracle, track_id)
    if native is None:
        return None
    return {**native, "type": "audio_features", "uri": f"spotify:track:{track_id}",
            "track_href": f"{BASE}/v1/tracks/{track_id}",
            "analysis_url": f"{BASE}/v1/audio-analysis/{track_id}"}


def test_audio_features_object_has_spotifys_18_fields(v1, oracle):
    for track_id in features_of(oracle, "SELECT track_id FROM features.track_audio_features "
                                        "WHERE null_response = 0 AND typeof(tempo) = 'integer'", 5):
        body = v1.get(f"/v1/audio-features/{track_id}").get_json()
        assert set(body) == AUDIO_FEATURES_FIELDS
        assert body == spotify_features(oracle, track_id)
        assert isinstance(body["tempo"], float)


def test_several_audio_features_keep_the_order_with_nulls(v1, oracle):
    present = features_of(oracle, "SELECT track_id FROM features.track_audio_features "
                                  "WHERE null_response = 0", 97)
    null = features_of(oracle, "SELECT track_id FROM features.track_audio_features "
                               "WHERE null_response = 1", 2)
    ids = present[:50] + null + ["0" * 22] + present[50:]
    body = v1.get("/v1/audio-features?ids=" + ",".join(ids)).get_json()
    assert body == {"audio_features": [spotify_features(oracle, track_id) for track_id in ids]}
    assert body["audio_features"][50:53] == [None, None, None]
    assert_error(v1.get("/v1/audio-features?ids=" + ",".join(ids + ["1" * 22])), 400,
                 "too many ids requested")
    assert_error(v1.get(f"/v1/audio-features/{null[0]}"), 404, "non existing id")


def test_audio_features_without_the_file_are_403(tmp_path, main_file, oracle):
    (tmp_path / "main_database.sqlite3").symlink_to(main_file)
    client = make_app(tmp_path / "main_database.sqlite3").test_client()
    (track_id,) = features_of(oracle, "SELECT track_id FROM features.track_audio_features", 1)
    for path in (f"/v1/audio-features/{track_id}", f"/v1/audio-features?ids={track_id}"):
        assert_error(client.get(path), 403)


def heaviest_artist(oracle, table):
    row = oracle.execute(
        f"SELECT a.rowid, a.id FROM {table} l JOIN artists a ON a.rowid = l.artist_rowid "
        "GROUP BY a.rowid ORDER BY count(*) DESC LIMIT 1").fetchone()
    return row["rowid"], row["id"]


def follow_pages(client, url):
    """Every item, following ``next`` links as Spotify's clients do."""
    items, pages = [], []
    while url:
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == BASE
        page = client.get(f"{parts.path}?{parts.query}").get_json()
        pages.append(page)
        items += page["items"]
        url = page["next"]
    return items, pages


@pytest.mark.parametrize("groups", [None, "appears_on,album", "compilation"])
def test_artist_albums_pages_follow_to_the_end(v1, oracle, groups):
    rowid, artist_id = heaviest_artist(oracle, "artist_albums")
    query = f"?limit=7&include_groups={groups}" if groups else "?limit=7"
    items, pages = follow_pages(v1, f"{BASE}/v1/artists/{artist_id}/albums{query}")
    wanted = expected.discography(oracle, rowid, groups.split(",") if groups else expected.ALBUM_GROUPS)
    assert [(item["album_group"], item["id"]) for item in items] == [
        (group, expected.album(oracle, album_rowid)["id"]) for group, album_rowid in wanted
    ]
    assert {page["total"] for page in pages} == {len(wanted)}
    assert all(item["type"] == "album" and "available_markets" in item for item in items)


def test_artist_albums_errors(v1, oracle):
    _, artist_id = heaviest_artist(oracle, "artist_albums")
    assert_error(v1.get(f"/v1/artists/{'0' * 22}/albums"), 404, "non existing id")
    assert_error(v1.get(f"/v1/artists/{artist_id}/albums?limit=51"), 400)
    assert_error(v1.get(f"/v1/artists/{artist_id}/albums?include_groups=nope"), 400)


@pytest.mark.parametrize("query", ["", "?market=SE", "?country=SE"])
def test_top_tracks_are_the_ten_most_popular(v1, oracle, query):
    rowid, artist_id = heaviest_artist(oracle, "track_artists")
    body = v1.get(f"/v1/artists/{artist_id}/top-tracks{query}").get_json()
    wanted = [expected.track(oracle, track)["id"] for track in expected.top_track_rowids(oracle, rowid, 10)]
    assert [track["id"] for track in body["tracks"]] == wanted
    assert all(("is_playable" in track) == bool(query) for track in body["tracks"])


@pytest.mark.parametrize("indexed", [True, False], ids=["index", "no index"])
def test_markets_are_every_code(v1, client, oracle, indexed):
    codes = set()
    for (text,) in oracle.execute("SELECT available_markets FROM available_markets"):
        if text != "unavailable":
            codes.update(code for code in text.split(",") if code)
    body = (v1 if indexed else client).get("/v1/markets").get_json()
    assert body == {"markets": sorted(codes)}


@pytest.mark.parametrize("length", [12, 13, 14])
def test_upc_filter_finds_an_album_by_any_form(v1, oracle, length):
    barcode = oracle.execute("SELECT external_id_upc FROM albums WHERE length(external_id_upc) = ? "
                             "ORDER BY rowid LIMIT 1", (length,)).fetchone()[0]
    wanted = [expected.album(oracle, rowid)["id"] for rowid in expected.upc_album_rowids(oracle, barcode)]
    digits = barcode.lstrip("0")
    for form in {digits.zfill(width) for width in (12, 13, 14) if len(digits) <= width}:
        body = v1.get(f"/v1/search?type=album&q=upc:{form}").get_json()
        assert [album["id"] for album in body["albums"]["items"]] == wanted, form
    name = expected.album(oracle, expected.upc_album_rowids(oracle, barcode)[0])["name"]
    other = v1.get(f"/v1/search?type=album&q=upc:{barcode} album:zzzqqq").get_json()
    assert other["albums"]["items"] == [] or name.lower().startswith("zzzqqq")
