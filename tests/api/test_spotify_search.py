"""GET /v1/search: Spotify's filters, checked against the files."""

import pytest

from app.search_query import folded_words
from tests.support.inprocess import assert_error
from tests.support.inprocess import make_app


@pytest.fixture(scope="module")
def v1(main_file, index_file):
    return make_app(main_file, SEARCH_DATABASE=str(index_file)).test_client()


def test_isrc_filter_finds_every_track_with_it(v1, oracle):
    isrc, count = oracle.execute(
        "SELECT external_id_isrc, count(*) FROM tracks JOIN albums ON albums.rowid = tracks.album_rowid "
        "WHERE external_id_isrc <> '' GROUP BY external_id_isrc ORDER BY count(*) DESC").fetchone()
    assert count > 1
    page = v1.get(f"/v1/search?q=isrc:{isrc}&type=track&limit=50").get_json()["tracks"]
    assert page["total"] == count
    assert {track["external_ids"]["isrc"] for track in page["items"]} == {isrc}


def album_and_artist(oracle, apostrophe=False):
    row = oracle.execute(
        "SELECT albums.id, albums.name, artists.name FROM albums "
        "JOIN artist_albums ON artist_albums.album_rowid = albums.rowid AND index_in_album = 0 "
        "JOIN artists ON artists.rowid = artist_albums.artist_rowid "
        f"WHERE albums.name <> '' {'AND albums.name LIKE ' + repr('%e%') if apostrophe else ''} "
        "ORDER BY albums.popularity LIMIT 1").fetchone()
    return row


def test_album_and_artist_filters_put_the_exact_album_first(v1, oracle):
    album_id, album, artist = album_and_artist(oracle)
    for q in (f'album:"{album}" artist:"{artist}"', f"album:'{album}' artist:'{artist}'",
              f"album:{album} artist:{artist}"):
        page = v1.get("/v1/search", query_string={"q": q, "type": "album", "limit": 5}).get_json()
        items = page["albums"]["items"]
        assert items and items[0]["id"] in exact_albums(oracle, album, artist), q
        for item in items:
            assert set(folded_words(artist)) <= {w for a in item["artists"] for w in folded_words(a["name"])}


def exact_albums(oracle, album, artist):
    return {row[0] for row in oracle.execute(
        "SELECT albums.id FROM albums JOIN artist_albums ON artist_albums.album_rowid = albums.rowid "
        "JOIN artists ON artists.rowid = artist_albums.artist_rowid "
        "WHERE albums.name = ? AND artists.name = ?",
        (album, artist))}


def test_unbalanced_quotes_around_an_apostrophe(v1, oracle):
    album_id, album, artist = album_and_artist(oracle)
    name = album.split()[0]
    q = f"album:'{name}'s' artist:'{artist}'"
    assert v1.get("/v1/search", query_string={"q": q, "type": "album"}).status_code == 200


def test_free_words_with_year_range_keep_only_those_years(v1, oracle):
    (name,) = oracle.execute("SELECT name FROM tracks WHERE name <> '' ORDER BY popularity DESC").fetchone()
    word = name.split()[0]
    page = v1.get("/v1/search", query_string={
        "q": f"{word} year:1990-2005", "type": "track", "limit": 50}).get_json()["tracks"]
    for track in page["items"]:
        assert 1990 <= int(track["album"]["release_date"][:4]) <= 2005
        assert set(folded_words(word)) <= set(folded_words(track["name"]))
    unfiltered = v1.get("/v1/search", query_string={"q": word, "type": "track"}).get_json()["tracks"]
    assert unfiltered["total"] >= page["total"]


def test_case_and_accents_are_ignored(v1, oracle):
    (name,) = oracle.execute(
        "SELECT name FROM artists WHERE name <> '' ORDER BY followers_total DESC").fetchone()
    shouted = v1.get("/v1/search", query_string={"q": f"artist:{name.upper()}", "type": "artist"}).get_json()
    assert name in [artist["name"] for artist in shouted["artists"]["items"]]


def test_paging_links_and_other_types(v1):
    body = v1.get("/v1/search?q=love&type=track,playlist&limit=2&offset=2").get_json()
    tracks = body["tracks"]
    assert tracks["next"].endswith("/v1/search?q=love&type=track%2Cplaylist&offset=4&limit=2")
    assert tracks["previous"].endswith("offset=0&limit=2")
    assert body["playlists"]["items"] == [] and body["playlists"]["total"] == 0
    last = v1.get("/v1/search?q=love&type=track&limit=50&offset=1000").get_json()["tracks"]
    assert last["next"] is None


@pytest.mark.parametrize("query, message", [
    ("type=track", "No search query"), ("q=x", "Missing parameter type"),
    ("q=x&type=song", "Bad search type field"), ("q=x&type=track&limit=51", None),
    ("q=x&type=track&offset=1001", None),
])
def test_bad_arguments(v1, query, message):
    assert_error(v1.get(f"/v1/search?{query}"), 400, message)


def test_without_an_index_the_scan_finds_names_containing_the_text(client, oracle):
    album_id, album, artist = album_and_artist(oracle)
    page = client.get("/v1/search", query_string={
        "q": f"album:'{album}' artist:'{artist}'", "type": "album"}).get_json()["albums"]
    assert page["items"][0]["id"] in exact_albums(oracle, album, artist)
    word = album.split()[0].lower()
    for item in client.get("/v1/search", query_string={
            "q": word, "type": "album", "limit": 50}).get_json()["albums"]["items"]:
        assert word in item["name"].lower()
