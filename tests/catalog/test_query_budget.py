"""The number of SQL statements a request runs does not depend on its answer's size.

Statements are counted with APSW's execution tracer on the worker's own
connection, around real requests: the budget is app/catalog/'s, whichever
route calls it.
"""

import pytest

from tests.support.inprocess import counting_statements
from tests.support.inprocess import make_app


def statement_count(app, client, method, path, **kwargs):
    with counting_statements(app) as statements:
        response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    return len(statements), response.get_json()


def one(oracle, sql):
    row = oracle.execute(sql).fetchone()
    assert row is not None, sql
    return row[0]


def test_isrc_lookup(app, client, oracle):
    small = one(oracle, "SELECT external_id_isrc FROM tracks WHERE external_id_isrc <> '' "
                        "GROUP BY external_id_isrc HAVING count(*) = 1")
    large = one(oracle, "SELECT external_id_isrc FROM tracks WHERE external_id_isrc <> '' "
                        "GROUP BY external_id_isrc ORDER BY count(*) DESC")
    small_count, small_answer = statement_count(app, client, "get", f"/lookup/isrc/{small}")
    large_count, large_answer = statement_count(app, client, "get", f"/lookup/isrc/{large}")
    assert len(small_answer) == 1 and len(large_answer) >= 5
    assert small_count == large_count


def test_album_tracks(app, client, oracle):
    shape = ("SELECT a.id FROM albums a JOIN tracks t ON t.album_rowid = a.rowid "
             "GROUP BY a.rowid HAVING count(*) {} ORDER BY a.rowid")
    small_count, small_answer = statement_count(
        app, client, "get", f"/lookup/album/{one(oracle, shape.format('= 1'))}/tracks")
    large_count, large_answer = statement_count(
        app, client, "get", f"/lookup/album/{one(oracle, shape.format('>= 50'))}/tracks")
    assert len(small_answer) == 1 and len(large_answer) >= 50
    assert small_count == large_count


def test_track_with_one_or_many_artists(app, client, oracle):
    shape = ("SELECT t.id FROM tracks t JOIN track_artists ta ON ta.track_rowid = t.rowid "
             "JOIN albums a ON a.rowid = t.album_rowid GROUP BY t.rowid HAVING count(*) {}")
    counts = [
        statement_count(app, client, "get", f"/lookup/track/{one(oracle, shape.format(having))}")[0]
        for having in ("= 1", ">= 3")
    ]
    assert counts[0] == counts[1]


def most_common_pair(oracle, table):
    """The two letters most names of ``table`` contain."""
    counts = {}
    for (name,) in oracle.execute(f"SELECT name FROM {table}"):
        for pair in {name[i:i + 2].lower() for i in range(len(name) - 1)}:
            if pair.isalpha() and pair.isascii():
                counts[pair] = counts.get(pair, 0) + 1
    return max(counts, key=counts.get)


@pytest.mark.parametrize("route, table", [("/search/track", "tracks"), ("/search/artist", "artists")])
def test_search_page_of_one_and_of_fifty(app, client, oracle, route, table):
    q = most_common_pair(oracle, table)
    small_count, small_answer = statement_count(app, client, "get", f"{route}?q={q}&limit=1")
    large_count, large_answer = statement_count(app, client, "get", f"{route}?q={q}&limit=50")
    assert len(small_answer) == 1 and len(large_answer) == 50
    assert small_count == large_count


def batch_keys(oracle, kind, count):
    sql = {
        "tracks": "SELECT id FROM tracks",
        "artists": "SELECT id FROM artists",
        "albums": "SELECT id FROM albums",
        "isrcs": "SELECT DISTINCT external_id_isrc FROM tracks WHERE external_id_isrc <> ''",
        "audio_features": "SELECT track_id FROM features.track_audio_features WHERE null_response = 0",
    }[kind]
    return [row[0] for row in oracle.execute(f"{sql} LIMIT {count}")]


@pytest.mark.parametrize("kind", ["tracks", "artists", "albums", "isrcs", "audio_features"])
def test_batch_of_one_and_of_four_hundred(app, client, oracle, kind):
    small_count, small_answer = statement_count(
        app, client, "post", "/batch/lookup", json={kind: batch_keys(oracle, kind, 1)})
    large_count, large_answer = statement_count(
        app, client, "post", "/batch/lookup", json={kind: batch_keys(oracle, kind, 400)})
    assert len(small_answer[kind]) == 1 and len(large_answer[kind]) >= 50
    assert small_count == large_count


def test_batch_of_mixed_items(app, client, oracle):
    small = {kind: batch_keys(oracle, kind, 1) for kind in ("tracks", "artists", "albums", "isrcs")}
    large = {kind: batch_keys(oracle, kind, 100) for kind in small}
    assert statement_count(app, client, "post", "/batch/lookup", json=small)[0] == \
        statement_count(app, client, "post", "/batch/lookup", json=large)[0]


# The /v1 family: the same rule, through the Spotify routes.

@pytest.fixture(scope="module")
def indexed_app(main_file, index_file):
    return make_app(main_file, SEARCH_DATABASE=str(index_file))


@pytest.mark.parametrize("kind, table, most", [
    ("tracks", "tracks JOIN albums ON albums.rowid = tracks.album_rowid", 50),
    ("albums", "albums", 20),
    ("artists", "artists", 50),
])
def test_spotify_several_of_one_and_of_the_most(app, client, oracle, kind, table, most):
    ids = [row[0] for row in oracle.execute(f"SELECT {kind}.id FROM {table} LIMIT {most}")]
    small_count, small = statement_count(app, client, "get", f"/v1/{kind}?ids={ids[0]}")
    large_count, large = statement_count(app, client, "get", f"/v1/{kind}?ids={','.join(ids)}")
    assert len(small[kind]) == 1 and len(large[kind]) == most and all(large[kind])
    assert small_count == large_count


def test_spotify_album_tracks_page_of_one_and_of_fifty(app, client, oracle):
    album_id = one(oracle, "SELECT a.id FROM albums a JOIN tracks t ON t.album_rowid = a.rowid "
                           "GROUP BY a.rowid HAVING count(*) >= 50 ORDER BY a.rowid")
    small_count, small = statement_count(app, client, "get", f"/v1/albums/{album_id}/tracks?limit=1")
    large_count, large = statement_count(app, client, "get", f"/v1/albums/{album_id}/tracks?limit=50")
    assert len(small["items"]) == 1 and len(large["items"]) == 50
    assert small_count == large_count


@pytest.mark.parametrize("q", ["{pair}", "{pair} year:1950-2030", "album:{pair} year:1900-2030"])
def test_spotify_search_page_of_one_and_of_fifty(indexed_app, oracle, q):
    client = indexed_app.test_client()
    q = q.format(pair=most_common_pair(oracle, "tracks"))
    path = f"/v1/search?q={q}&type=track,album,artist"
    small_count, small = statement_count(indexed_app, client, "get", path + "&limit=1")
    large_count, large = statement_count(indexed_app, client, "get", path + "&limit=50")
    assert len(small["tracks"]["items"]) == 1
    assert len(large["tracks"]["items"]) == 50 or large["tracks"]["total"] < 50


def test_a_hundred_audio_features_cost_what_one_costs(app, client, oracle):
    counts = [
        statement_count(app, client, "post", "/batch/lookup",
                        json={"audio_features": batch_keys(oracle, "audio_features", size)})[0]
        for size in (1, 100)
    ]
    assert counts[0] == counts[1] == 1


def heaviest_artist(oracle, table):
    return one(oracle, f"SELECT a.id FROM {table} l JOIN artists a ON a.rowid = l.artist_rowid "
                       "GROUP BY a.rowid ORDER BY count(*) DESC")


@pytest.mark.parametrize("route, table", [
    ("albums", "artist_albums"), ("top-tracks", "track_artists"),
])
def test_discographies_and_top_tracks_of_the_heaviest_artist(indexed_app, oracle, route, table):
    client = indexed_app.test_client()
    artist = heaviest_artist(oracle, table)
    small_count, small_answer = statement_count(
        indexed_app, client, "get", f"/lookup/artist/{artist}/{route}?limit=1")
    large_count, large_answer = statement_count(
        indexed_app, client, "get", f"/lookup/artist/{artist}/{route}?limit=50&offset=0")
    assert len(small_answer) == 1 and len(large_answer) == 50
    assert small_count == large_count


def test_spotify_audio_features_of_one_and_of_a_hundred(app, client, oracle):
    ids = batch_keys(oracle, "audio_features", 100)
    small_count, small = statement_count(app, client, "get", f"/v1/audio-features?ids={ids[0]}")
    large_count, large = statement_count(app, client, "get", f"/v1/audio-features?ids={','.join(ids)}")
    assert len(small["audio_features"]) == 1 and all(large["audio_features"])
    assert small_count == large_count == 1
