"""GET /lookup/…, compared with what the generator wrote (tests/support/expected.py)."""

import pytest

from tests.support import expected
from tests.support.inprocess import assert_error


def sample(oracle, sql, count=40):
    rows = oracle.execute(sql + f" LIMIT {count}").fetchall()
    assert rows, f"the catalogue has no row for: {sql}"
    return [row[0] for row in rows]


# Tracks chosen for each kind of dirt the contract has a rule for.
TRACK_CASES = {
    "plain": "SELECT rowid FROM tracks ORDER BY rowid",
    "empty name": "SELECT rowid FROM tracks WHERE name = ''",
    "no isrc": "SELECT rowid FROM tracks WHERE external_id_isrc IS NULL OR external_id_isrc = ''",
    "no preview": "SELECT rowid FROM tracks WHERE preview_url IS NULL",
    "zero duration": "SELECT rowid FROM tracks WHERE duration_ms = 0",
    "no track_files row": "SELECT rowid FROM tracks WHERE id NOT IN (SELECT track_id FROM files.track_files)",
    "duplicated credit": (
        "SELECT track_rowid FROM track_artists "
        "GROUP BY track_rowid, artist_rowid HAVING count(*) > 1"
    ),
    "credit to a missing artist": (
        "SELECT track_rowid FROM track_artists "
        "WHERE artist_rowid NOT IN (SELECT rowid FROM artists)"
    ),
    "several artists": "SELECT track_rowid FROM track_artists GROUP BY track_rowid HAVING count(*) >= 3",
    "has_lyrics false": (
        "SELECT t.rowid FROM tracks t "
        "JOIN files.track_files f ON f.track_id = t.id "
        "WHERE f.has_lyrics = 0"
    ),
    "languages not an array": (
        "SELECT t.rowid FROM tracks t "
        "JOIN files.track_files f ON f.track_id = t.id "
        "WHERE f.language_of_performance IS NOT NULL "
        "AND (json_valid(f.language_of_performance) = 0 OR json_type(f.language_of_performance) <> 'array')"
    ),
    "artist roles": (
        "SELECT t.rowid FROM tracks t "
        "JOIN files.track_files f ON f.track_id = t.id "
        "WHERE f.artist_roles IS NOT NULL"
    ),
    "version title": (
        "SELECT t.rowid FROM tracks t "
        "JOIN files.track_files f ON f.track_id = t.id "
        "WHERE f.version_title IS NOT NULL"
    ),
    "album with duplicated images": (
        "SELECT t.rowid FROM tracks t "
        "WHERE t.album_rowid IN (SELECT album_rowid FROM album_images "
        "GROUP BY album_rowid, url HAVING count(*) > 1)"
    ),
    "album of year 0000": (
        "SELECT t.rowid FROM tracks t "
        "JOIN albums a ON a.rowid = t.album_rowid "
        "WHERE a.release_date = '0000'"
    ),
}


@pytest.mark.parametrize("case", TRACK_CASES)
def test_track_matches_the_files(client, oracle, case):
    for rowid in sample(oracle, TRACK_CASES[case]):
        want = expected.track(oracle, rowid)
        track_id = oracle.execute("SELECT id FROM tracks WHERE rowid = ?", (rowid,)).fetchone()[0]
        response = client.get(f"/lookup/track/{track_id}")
        if want is None:
            assert_error(response, 404, "track not found")
        else:
            assert response.status_code == 200
            assert response.get_json() == want


def test_track_fields_come_in_contract_order(client, oracle):
    rowid = sample(oracle, TRACK_CASES["has_lyrics false"], 1)[0]
    track_id = oracle.execute("SELECT id FROM tracks WHERE rowid = ?", (rowid,)).fetchone()[0]
    body = client.get(f"/lookup/track/{track_id}").get_data(as_text=True)
    order = [
        '"id"',
        '"name"',
        '"duration_ms"',
        '"explicit"',
        '"track_number"',
        '"disc_number"',
        '"popularity"',
        '"album"',
        '"has_lyrics"',
    ]
    positions = [body.index(key) for key in order]
    assert positions == sorted(positions)


def test_track_whose_album_is_missing_is_not_found(client, oracle):
    track_ids = sample(oracle, "SELECT id FROM tracks WHERE album_rowid NOT IN (SELECT rowid FROM albums)")
    for track_id in track_ids:
        assert_error(client.get(f"/lookup/track/{track_id}"), 404, "track not found")


def test_track_without_track_files_database(main_file, oracle, tmp_path):
    from tests.support.inprocess import make_app

    lonely = tmp_path / "main_database.sqlite3"
    lonely.symlink_to(main_file)
    client = make_app(lonely).test_client()
    rowid = sample(oracle, TRACK_CASES["artist roles"], 1)[0]
    want = expected.track(oracle, rowid, with_files=False)
    response = client.get(f"/lookup/track/{want['id']}")
    assert response.get_json() == want
    assert "artist_roles" not in response.get_json()


def test_unknown_track_is_404(client):
    assert_error(client.get("/lookup/track/" + "0" * 22), 404, "track not found")


@pytest.mark.parametrize("route", ["track", "artist", "album", "album/{}/tracks"])
@pytest.mark.parametrize("bad_id", ["short", "0" * 23, "0" * 21 + "-", "0" * 21 + "é", "0" * 21 + "%20"])
def test_invalid_ids_are_400(client, route, bad_id):
    path = route.format(bad_id) if "{}" in route else f"{route}/{bad_id}"
    error = assert_error(client.get(f"/lookup/{path}"), 400)
    assert "id" in error["message"]


ARTIST_CASES = {
    "plain": "SELECT rowid FROM artists ORDER BY rowid",
    "with genres": "SELECT artist_rowid FROM artist_genres",
    "no image": "SELECT rowid FROM artists WHERE rowid NOT IN (SELECT artist_rowid FROM artist_images)",
    "accented name": "SELECT rowid FROM artists WHERE name GLOB '*[^ -~]*'",
}


def test_unknown_artist_is_404(client):
    assert_error(client.get("/lookup/artist/" + "0" * 22), 404, "artist not found")


ALBUM_CASES = {
    "plain": "SELECT rowid FROM albums ORDER BY rowid",
    "empty name": "SELECT rowid FROM albums WHERE name = ''",
    "no upc or copyright": "SELECT rowid FROM albums WHERE external_id_upc IS NULL OR copyright_c IS NULL",
    "duplicated images": "SELECT album_rowid FROM album_images GROUP BY album_rowid, url HAVING count(*) > 1",
    "duplicated credit": (
        "SELECT album_rowid FROM artist_albums "
        "GROUP BY album_rowid, artist_rowid HAVING count(*) > 1"
    ),
    "appears-on rows": "SELECT album_rowid FROM artist_albums WHERE index_in_album IS NULL",
    "credit to a missing artist": (
        "SELECT album_rowid FROM artist_albums "
        "WHERE artist_rowid NOT IN (SELECT rowid FROM artists)"
    ),
}


OBJECT_CASES = [("artist", expected.artist, case, sql) for case, sql in ARTIST_CASES.items()] + [
    ("album", expected.album, case, sql) for case, sql in ALBUM_CASES.items()
]


@pytest.mark.parametrize(
    "route, expect, case, sql", OBJECT_CASES, ids=[f"{row[0]}: {row[2]}" for row in OBJECT_CASES]
)
def test_artist_or_album_matches_the_files(client, oracle, route, expect, case, sql):
    for rowid in sample(oracle, sql):
        want = expect(oracle, rowid)
        response = client.get(f"/lookup/{route}/{want['id']}")
        assert response.status_code == 200
        assert response.get_json() == want


def test_unknown_album_is_404(client):
    assert_error(client.get("/lookup/album/" + "0" * 22), 404, "album not found")
    assert_error(client.get("/lookup/album/" + "0" * 22 + "/tracks"), 404, "album not found")


def test_album_tracks_by_disc_then_number_without_album(client, oracle):
    album_rowids = sample(
        oracle,
        "SELECT album_rowid FROM tracks JOIN albums ON albums.rowid = album_rowid "
        "GROUP BY album_rowid HAVING max(disc_number) > 1 OR count(*) >= 50",
    )
    for album_rowid in album_rowids:
        rows = oracle.execute(
            "SELECT rowid FROM tracks WHERE album_rowid = ? ORDER BY disc_number, track_number, rowid",
            (album_rowid,),
        ).fetchall()
        want = [expected.track(oracle, row[0], with_album=False) for row in rows]
        album_id = oracle.execute("SELECT id FROM albums WHERE rowid = ?", (album_rowid,)).fetchone()[0]
        response = client.get(f"/lookup/album/{album_id}/tracks")
        assert response.status_code == 200
        assert response.get_json() == want


def test_isrc_lookup_most_popular_first(client, oracle):
    isrcs = sample(
        oracle,
        "SELECT external_id_isrc FROM tracks WHERE external_id_isrc <> '' "
        "GROUP BY external_id_isrc HAVING count(*) >= 3",
    )
    for isrc in isrcs:
        got = client.get(f"/lookup/isrc/{isrc}").get_json()
        popularity = [track["popularity"] for track in got]
        assert popularity == sorted(popularity, reverse=True)
        want = expected.isrc_tracks(oracle, isrc)
        assert sorted(got, key=lambda t: t["id"]) == sorted(want, key=lambda t: t["id"])
        assert client.get(f"/lookup/isrc/{isrc}").get_json() == got


def test_isrc_is_normalised(client, oracle):
    isrc = sample(oracle, "SELECT external_id_isrc FROM tracks WHERE external_id_isrc GLOB '[A-Z][A-Z]*'", 1)[
        0
    ]
    messy = f"  {isrc[:2].lower()}-{isrc[2:5]} {isrc[5:7]}-{isrc[7:]} "
    assert client.get(f"/lookup/isrc/{messy}").get_json() == client.get(f"/lookup/isrc/{isrc}").get_json()
    assert client.get(f"/lookup/isrc/{isrc}").get_json() != []


def test_isrc_without_tracks_is_empty_list(client):
    response = client.get("/lookup/isrc/ZZ0000000000")
    assert response.status_code == 200
    assert response.get_json() == []


@pytest.mark.parametrize("bad", ["SHORT", "USUM724092731", "USUM7240927!", "US_UM72409273"])
def test_invalid_isrc_is_400(client, bad):
    error = assert_error(client.get(f"/lookup/isrc/{bad}"), 400)
    assert "isrc" in error["message"]


def test_head_works_like_get(client, oracle):
    track_id = sample(oracle, "SELECT id FROM tracks", 1)[0]
    response = client.head(f"/lookup/track/{track_id}")
    assert response.status_code == 200
    assert response.get_data() == b""


def one_id(oracle, table):
    return oracle.execute(f"SELECT id FROM {table} ORDER BY rowid LIMIT 1").fetchone()[0]


@pytest.mark.parametrize(
    "spelling",
    [
        "{id}",
        "{id}/",
        "spotify:{kind}:{id}",
        "https://open.spotify.com/{kind}/{id}",
        "https://open.spotify.com/{kind}/{id}?si=1a2b3c4d5e6f7a8b",
        "https://open.spotify.com/intl-de/{kind}/{id}?si=1a2b3c4d5e6f7a8b",
        "https%3A%2F%2Fopen.spotify.com%2F{kind}%2F{id}%3Fsi%3D1a2b3c4d",
    ],
)
@pytest.mark.parametrize("kind, table", [("track", "tracks"), ("artist", "artists"), ("album", "albums")])
def test_ids_as_people_paste_them(client, oracle, spelling, kind, table):
    spotify_id = one_id(oracle, table)
    canonical = client.get(f"/lookup/{kind}/{spotify_id}")
    answer = client.get(f"/lookup/{kind}/" + spelling.format(kind=kind, id=spotify_id))
    assert canonical.status_code == 200
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == canonical.get_json()


def test_album_tracks_by_uri_and_with_a_trailing_slash(client, oracle):
    album_id = one_id(oracle, "albums")
    canonical = client.get(f"/lookup/album/{album_id}/tracks").get_json()
    assert client.get(f"/lookup/album/spotify:album:{album_id}/tracks").get_json() == canonical
    assert client.get(f"/lookup/album/{album_id}/tracks/").get_json() == canonical


def test_a_link_to_another_kind_is_refused_saying_so(client, oracle):
    album_id = one_id(oracle, "albums")
    for spelling in (f"spotify:album:{album_id}", f"https://open.spotify.com/album/{album_id}?si=x"):
        message = "invalid track id: the link names an album, not a track"
        assert_error(client.get(f"/lookup/track/{spelling}"), 400, message)


@pytest.mark.parametrize("path", ["/search/track/?q=ab", "/health/", "/lookup/isrc/ZZ0000000000/"])
def test_a_trailing_slash_on_a_route_works(client, path):
    assert client.get(path).status_code == 200
