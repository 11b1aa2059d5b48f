"""GET /lookup/artist/{id}/albums and /top-tracks, with and without the index,
compared with the files (tests/support/expected.py)."""

import itertools

import pytest

from app.catalog.discographies import LIGHT_LINKS
from tests.support import expected
from tests.support.inprocess import assert_error
from tests.support.inprocess import make_app


@pytest.fixture(scope="module")
def indexed(main_file, index_file):
    return make_app(main_file, SEARCH_DATABASE=str(index_file)).test_client()


@pytest.fixture(params=["index", "no index"])
def either(request, indexed, client):
    """The same answers must come from the index's order and from sorting."""
    return indexed if request.param == "index" else client


def artists_by_links(oracle, table, *, heavy):
    """Artist ids with the most (heavy) or a middling number of links in ``table``."""
    having = f"> {LIGHT_LINKS}" if heavy else f"BETWEEN 3 AND {LIGHT_LINKS}"
    rows = oracle.execute(
        f"SELECT a.rowid, a.id FROM {table} l JOIN artists a ON a.rowid = l.artist_rowid "
        f"GROUP BY a.rowid HAVING count(*) {having} ORDER BY count(*) DESC LIMIT 3"
    ).fetchall()
    assert len(rows) == 3, f"the catalogue needs artists with {having} rows in {table}"
    return [(row["rowid"], row["id"]) for row in rows]


def whole_discography(client, artist_id, limit, group=None):
    """Every album of the artist, page after page."""
    found, offset = [], 0
    while True:
        params = {"limit": limit, "offset": offset, **({"group": group} if group else {})}
        response = client.get(f"/lookup/artist/{artist_id}/albums", query_string=params)
        assert response.status_code == 200, response.get_data(as_text=True)
        page = response.get_json()
        assert len(page) <= limit
        found += page
        if len(page) < limit:
            return found
        offset += limit


def expected_albums(oracle, artist_rowid, groups=expected.ALBUM_GROUPS):
    return [
        {**expected.album(oracle, rowid), "album_group": group}
        for group, rowid in expected.discography(oracle, artist_rowid, groups)
    ]


@pytest.mark.parametrize("heavy", [True, False], ids=["heavy", "light"])
def test_discography_is_every_album_grouped_newest_first(either, oracle, heavy):
    for rowid, artist_id in artists_by_links(oracle, "artist_albums", heavy=heavy):
        assert whole_discography(either, artist_id, 50) == expected_albums(oracle, rowid)


def test_pages_of_any_size_cross_group_boundaries(either, oracle):
    rowid, artist_id = artists_by_links(oracle, "artist_albums", heavy=True)[0]
    wanted = [album["id"] for album in expected_albums(oracle, rowid)]
    for limit in (1, 7, 13):
        assert [album["id"] for album in whole_discography(either, artist_id, limit)] == wanted


@pytest.mark.parametrize("groups", [
    combination for size in (1, 2, 3) for combination in itertools.combinations(expected.ALBUM_GROUPS, size)
])
def test_group_filter_keeps_the_order(either, oracle, groups):
    rowid, artist_id = artists_by_links(oracle, "artist_albums", heavy=True)[0]
    # Asked in reverse: the answer keeps the contract's order of groups.
    found = whole_discography(either, artist_id, 9, group=",".join(reversed(groups)))
    assert [(album["album_group"], album["id"]) for album in found] == [
        (album["album_group"], album["id"]) for album in expected_albums(oracle, rowid, groups)
    ]


def test_the_heavy_artist_has_albums_in_every_group(oracle):
    rowid, _ = artists_by_links(oracle, "artist_albums", heavy=True)[0]
    assert {group for group, _ in expected.discography(oracle, rowid)} == set(expected.ALBUM_GROUPS)


@pytest.mark.parametrize("heavy", [True, False], ids=["heavy", "light"])
@pytest.mark.parametrize("limit", [None, 1, 50])
def test_top_tracks_most_popular_first(either, oracle, heavy, limit):
    for rowid, artist_id in artists_by_links(oracle, "track_artists", heavy=heavy):
        params = {} if limit is None else {"limit": limit}
        response = either.get(f"/lookup/artist/{artist_id}/top-tracks", query_string=params)
        assert response.status_code == 200
        wanted = expected.top_track_rowids(oracle, rowid, limit or 10)
        assert response.get_json() == [expected.track(oracle, track) for track in wanted]


@pytest.mark.parametrize("route", ["albums", "top-tracks"])
def test_unknown_and_invalid_artists(client, route):
    assert_error(client.get(f"/lookup/artist/{'0' * 22}/{route}"), 404, "artist not found")
    assert_error(client.get(f"/lookup/artist/nope/{route}"), 400)


@pytest.mark.parametrize("query, message", [
    ("group=album,nope", "group must be a comma-separated list of album, single, compilation, appears_on"),
    ("group=", "group must be a comma-separated list of album, single, compilation, appears_on"),
    ("limit=51", "limit must be an integer from 1 to 50"),
    ("offset=-1", "offset must be an integer from 0 to 10000000"),
])
def test_discography_arguments(client, oracle, query, message):
    _, artist_id = artists_by_links(oracle, "artist_albums", heavy=True)[0]
    assert_error(client.get(f"/lookup/artist/{artist_id}/albums?{query}"), 400, message)


def test_top_tracks_limit(client, oracle):
    _, artist_id = artists_by_links(oracle, "track_artists", heavy=True)[0]
    assert_error(client.get(f"/lookup/artist/{artist_id}/top-tracks?limit=51"), 400,
                 "limit must be an integer from 1 to 50")
