"""End to end: real gunicorn with 2 workers on a free port, every route over HTTP."""

import pytest
import requests

from tests.support import expected
from tests.support.servers import running_gunicorn


@pytest.fixture(scope="module")
def server(main_file):
    with running_gunicorn({"MUSIC_API_MAIN_DATABASE": main_file}, workers=2) as running:
        yield running


def keys(oracle, sql, count):
    return [row[0] for row in oracle.execute(f"{sql} LIMIT {count}")]


def test_every_lookup_route(server, oracle):
    rowid, track_id, album_id, isrc = oracle.execute(
        "SELECT t.rowid, t.id, a.id, t.external_id_isrc FROM tracks t "
        "JOIN albums a ON a.rowid = t.album_rowid WHERE t.external_id_isrc <> '' LIMIT 1"
    ).fetchone()
    artist_rowid, artist_id = oracle.execute("SELECT rowid, id FROM artists LIMIT 1").fetchone()
    album_rowid = expected.rowid_of(oracle, "albums", album_id)
    get = lambda path: requests.get(server.base_url + path, timeout=10)  # noqa: E731
    assert get(f"/lookup/track/{track_id}").json() == expected.track(oracle, rowid)
    assert get(f"/lookup/artist/{artist_id}").json() == expected.artist(oracle, artist_rowid)
    assert get(f"/lookup/album/{album_id}").json() == expected.album(oracle, album_rowid)
    assert [t["id"] for t in get(f"/lookup/album/{album_id}/tracks").json()] == keys(
        oracle,
        f"SELECT id FROM tracks WHERE album_rowid = {album_rowid} ORDER BY disc_number, track_number, rowid",
        1000,
    )
    assert track_id in {t["id"] for t in get(f"/lookup/isrc/{isrc.lower()}").json()}


def test_search_health_docs_and_errors(server):
    base = server.base_url
    assert requests.get(f"{base}/search/track?q=love&limit=5", timeout=10).status_code == 200
    assert requests.get(f"{base}/search/artist?q=an&limit=5", timeout=10).status_code == 200
    health = requests.get(f"{base}/health", timeout=10)
    assert health.json()["status"] == "ok"
    assert requests.get(f"{base}/openapi.yaml", timeout=10).text.startswith(
        ("openapi", "info", "paths", "components")
    )
    assert "swagger-ui" in requests.get(f"{base}/docs", timeout=10).text
    assert requests.head(f"{base}/health", timeout=10).status_code == 200
    missing = requests.get(f"{base}/nothing/here", timeout=10)
    assert missing.status_code == 404 and missing.json()["error"]["status"] == 404
    wrong = requests.delete(f"{base}/lookup/track/{'0' * 22}", timeout=10)
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]


def test_batch_of_400_mixed_items(server, oracle):
    request = {
        "tracks": keys(oracle, "SELECT id FROM tracks ORDER BY rowid DESC", 100),
        "artists": keys(oracle, "SELECT id FROM artists ORDER BY rowid DESC", 100),
        "albums": keys(oracle, "SELECT id FROM albums ORDER BY rowid DESC", 100),
        "isrcs": keys(
            oracle, "SELECT DISTINCT external_id_isrc FROM tracks WHERE external_id_isrc <> ''", 100
        ),
    }
    response = requests.post(f"{server.base_url}/batch/lookup", json=request, timeout=30)
    assert response.status_code == 200
    answer = response.json()
    for kind in ("artists", "albums"):
        assert set(answer[kind]) == set(request[kind])
    visible = keys(
        oracle,
        "SELECT t.id FROM tracks t JOIN albums a ON a.rowid = t.album_rowid "
        f"WHERE t.id IN ({','.join(repr(k) for k in request['tracks'])})",
        1000,
    )
    assert set(answer["tracks"]) == set(visible)
    assert set(answer["isrcs"]) <= set(request["isrcs"]) and len(answer["isrcs"]) >= 95
    too_many = dict(request, tracks=request["tracks"] + request["tracks"][:1])
    refused = requests.post(f"{server.base_url}/batch/lookup", json=too_many, timeout=30)
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == "maximum 400 total items allowed"
