"""ETag, Cache-Control and 304 answers (app/http_cache.py)."""

import pytest

from tests.support.inprocess import make_app


@pytest.fixture(scope="module")
def track_path(oracle):
    track_id = oracle.execute(
        "SELECT t.id FROM tracks t JOIN albums a ON a.rowid = t.album_rowid ORDER BY t.rowid LIMIT 1"
    ).fetchone()["id"]
    return f"/lookup/track/{track_id}"


def test_a_successful_get_carries_a_strong_etag_and_a_public_max_age(client, track_path):
    response = client.get(track_path)
    assert response.status_code == 200
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert client.head(track_path).headers["ETag"] == etag
    assert client.get(track_path).headers["ETag"] == etag


def test_different_answers_have_different_tags(client, oracle):
    rows = oracle.execute("SELECT id FROM artists ORDER BY rowid LIMIT 2").fetchall()
    tags = {client.get(f"/lookup/artist/{row['id']}").headers["ETag"] for row in rows}
    assert len(tags) == 2


def test_if_none_match_with_the_current_tag_answers_304_without_body(client, track_path):
    etag = client.get(track_path).headers["ETag"]
    response = client.get(track_path, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    stale = client.get(track_path, headers={"If-None-Match": '"not-the-tag"'})
    assert stale.status_code == 200 and stale.data


def test_max_age_is_configurable(main_file, track_path):
    client = make_app(main_file, CACHE_MAX_AGE=60).test_client()
    assert client.get(track_path).headers["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize(
    "path, status",
    [
        ("/lookup/track/0000000000000000000000", 404),
        ("/lookup/track/short", 400),
        ("/no/such/route", 404),
        ("/search/track?q=a", 400),
    ],
)
def test_errors_are_never_stored(client, path, status):
    response = client.get(path, headers={"If-None-Match": "*"})
    assert response.status_code == status
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_health_and_metrics_are_never_stored(client):
    for path in ("/health", "/metrics"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert "ETag" not in response.headers


def test_post_answers_carry_no_cache_headers(client, oracle):
    track_id = oracle.execute("SELECT id FROM tracks LIMIT 1").fetchone()["id"]
    response = client.post("/batch/lookup", json={"tracks": [track_id]})
    assert response.status_code == 200
    assert "ETag" not in response.headers
    assert "Cache-Control" not in response.headers
