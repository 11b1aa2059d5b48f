"""The /v1 lookups answer Spotify's shapes with the files' values."""

import pytest

from tests.support import spotify as expected
from tests.support.inprocess import assert_error
from tests.support.inprocess import make_app

BASE = "https://music.example"


@pytest.fixture(scope="module")
def v1(main_file):
    return make_app(main_file, PUBLIC_BASE_URL=BASE + "/").test_client()


def some(oracle, sql, count=1):
    rows = [row[0] for row in oracle.execute(sql + f" LIMIT {count}")]
    assert len(rows) == count, sql
    return rows if count > 1 else rows[0]


TRACKS_WITH_ALBUMS = "SELECT tracks.id FROM tracks JOIN albums ON albums.rowid = tracks.album_rowid"


def check_links(obj, kind):
    assert obj["type"] == kind
    assert obj["uri"] == f"spotify:{kind}:{obj['id']}"
    assert obj["href"] == f"{BASE}/v1/{kind}s/{obj['id']}"
    assert obj["external_urls"] == {"spotify": f"https://open.spotify.com/{kind}/{obj['id']}"}


def check_track(answer, oracle):
    want = expected.track(oracle, answer["id"])
    check_links(answer, "track")
    for key in ("name", "duration_ms", "explicit", "disc_number", "track_number", "popularity",
                "preview_url", "available_markets"):
        assert answer[key] == want[key], key
    assert answer["external_ids"] == ({"isrc": want["isrc"]} if want["isrc"] else {})
    assert answer["is_local"] is False
    assert [artist["id"] for artist in answer["artists"]] == want["artist_ids"]
    assert answer["album"]["id"] == want["album_id"]
    assert answer["album"]["name"] == want["album_name"]
    check_links(answer["album"], "album")
    assert "tracks" not in answer["album"] and "label" not in answer["album"]


def test_track_has_every_field_from_the_files(v1, oracle):
    for track_id in some(oracle, TRACKS_WITH_ALBUMS, 20):
        response = v1.get(f"/v1/tracks/{track_id}")
        assert response.status_code == 200
        check_track(response.get_json(), oracle)


def test_market_says_whether_each_track_is_playable(v1, oracle):
    track_id = some(oracle, TRACKS_WITH_ALBUMS + " JOIN available_markets m ON "
                    "m.rowid = tracks.available_markets_rowid WHERE m.available_markets NOT LIKE '%GB%'")
    assert v1.get(f"/v1/tracks/{track_id}?market=GB").get_json()["is_playable"] is False
    assert "is_playable" not in v1.get(f"/v1/tracks/{track_id}").get_json()
    assert_error(v1.get(f"/v1/tracks/{track_id}?market=GBR"), 400, "Invalid market code")


def test_several_tracks_keep_order_and_null_unknown_ids(v1, oracle):
    first, second = some(oracle, TRACKS_WITH_ALBUMS, 2)
    unknown = "0" * 22
    for separator in (",", "%2C"):
        response = v1.get(f"/v1/tracks/?ids={second}{separator}{unknown}{separator}{first}")
        tracks = response.get_json()["tracks"]
        assert [t and t["id"] for t in tracks] == [second, None, first]
        check_track(tracks[0], oracle)


@pytest.mark.parametrize("path, count", [("tracks", 51), ("albums", 21), ("artists", 51)])
def test_too_many_ids(v1, path, count):
    ids = ",".join(["0" * 22] * count)
    assert_error(v1.get(f"/v1/{path}?ids={ids}"), 400, "too many ids requested")
    assert v1.get(f"/v1/{path}?ids={','.join(['0' * 22] * (count - 1))}").status_code == 200


@pytest.mark.parametrize("path", ["/v1/tracks/short", "/v1/albums/not-an-id!!!!!!!!!!!!!!!!",
                                  "/v1/artists/x", "/v1/tracks?ids=abc", "/v1/albums?ids=",
                                  "/v1/artists", "/v1/albums/short/tracks"])
def test_malformed_ids(v1, path):
    assert_error(v1.get(path), 400, "invalid id")


@pytest.mark.parametrize("kind", ["tracks", "albums", "artists"])
def test_unknown_single_id(v1, kind):
    assert_error(v1.get(f"/v1/{kind}/{'0' * 22}"), 404, "non existing id")


def test_album_embeds_first_fifty_tracks_with_absolute_next(v1, oracle):
    album_id, _ = expected.album_with_many_tracks(oracle, 51)
    want = expected.album(oracle, album_id)
    answer = v1.get(f"/v1/albums/{album_id}").get_json()
    check_links(answer, "album")
    for key in ("name", "album_type", "label", "popularity", "copyrights", "available_markets"):
        assert answer[key] == want[key], key
    assert answer["external_ids"].get("upc") == want["upc"]
    assert answer["genres"] == []
    assert [artist["id"] for artist in answer["artists"]] == want["artist_ids"]
    page = answer["tracks"]
    assert [track["id"] for track in page["items"]] == want["track_ids"][:50]
    assert page["total"] == len(want["track_ids"])
    assert page["next"] == f"{BASE}/v1/albums/{album_id}/tracks?offset=50&limit=50"
    assert page["previous"] is None
    assert all("album" not in track and "popularity" not in track for track in page["items"])


def test_album_tracks_pages_follow_next_to_the_end(v1, oracle):
    album_id, _ = expected.album_with_many_tracks(oracle, 51)
    url, seen = f"/v1/albums/{album_id}/tracks?limit=7", []
    while url:
        page = v1.get(url.removeprefix(BASE)).get_json()
        seen += [track["id"] for track in page["items"]]
        url = page["next"]
    assert seen == expected.album(oracle, album_id)["track_ids"]
    last = v1.get(f"/v1/albums/{album_id}/tracks?limit=7&offset=14").get_json()
    assert last["previous"] == f"{BASE}/v1/albums/{album_id}/tracks?offset=7&limit=7"


def test_release_date_precision_agrees_with_the_date(v1, oracle):
    album_ids = some(oracle, "SELECT id FROM albums ORDER BY rowid", 200)
    for start in range(0, 200, 20):
        answer = v1.get(f"/v1/albums?ids={','.join(album_ids[start:start + 20])}").get_json()
        for album in answer["albums"]:
            parts = album["release_date"].split("-")
            assert all(part.isdigit() for part in parts)
            assert album["release_date_precision"] == ("year", "month", "day")[len(parts) - 1]


def test_album_without_credits_takes_its_first_tracks_artists(v1, oracle):
    uncredited = some(oracle, """
        SELECT albums.id FROM albums WHERE EXISTS (SELECT 1 FROM tracks WHERE album_rowid = albums.rowid)
        AND NOT EXISTS (SELECT 1 FROM artist_albums JOIN artists ON artists.rowid = artist_rowid
                        WHERE album_rowid = albums.rowid AND index_in_album IS NOT NULL)""", 5)
    checked = 0
    for album_id in uncredited:
        want = expected.album(oracle, album_id)["artist_ids"]
        answer = v1.get(f"/v1/albums/{album_id}").get_json()
        assert [artist["id"] for artist in answer["artists"]] == want
        checked += bool(want)
    assert checked


def test_artist(v1, oracle):
    for artist_id in some(oracle, "SELECT id FROM artists", 10):
        answer = v1.get(f"/v1/artists/{artist_id}").get_json()
        want = expected.artist(oracle, artist_id)
        check_links(answer, "artist")
        assert answer["followers"] == {"href": None, "total": want["followers"]}
        assert answer["genres"] == want["genres"]
        assert (answer["name"], answer["popularity"]) == (want["name"], want["popularity"])


def test_answers_go_through_the_native_hooks(v1, oracle):
    track_id = some(oracle, TRACKS_WITH_ALBUMS)
    response = v1.get(f"/v1/tracks/{track_id}")
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert v1.get(f"/v1/tracks/{track_id}",
                  headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert v1.head(f"/v1/tracks/{track_id}").status_code == 200


def test_links_follow_the_trusted_forwarded_address(main_file, oracle):
    client = make_app(main_file, TRUSTED_PROXIES=1).test_client()
    track_id = some(oracle, TRACKS_WITH_ALBUMS)
    answer = client.get(f"/v1/tracks/{track_id}", headers={
        "X-Forwarded-Proto": "https", "X-Forwarded-Host": "api.example", "X-Forwarded-Prefix": "/music",
    }).get_json()
    assert answer["href"] == f"https://api.example/music/v1/tracks/{track_id}"
