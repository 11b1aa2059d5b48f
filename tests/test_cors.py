"""Cross-origin requests (app/cors.py): off by default, preflight for POST /batch/lookup.
The rate limit under real gunicorn: tests/integration/test_cors.py."""

import pytest

from app.cors import allowed_origins
from tests.support.cors import ORIGIN
from tests.support.cors import PREFLIGHT
from tests.support.inprocess import make_app


@pytest.fixture(scope="module")
def cors_client(main_file):
    return make_app(main_file, CORS_ORIGINS=f"{ORIGIN}, https://other.example").test_client()


def test_no_cors_headers_by_default(client):
    assert "Access-Control-Allow-Origin" not in client.options("/batch/lookup", headers=PREFLIGHT).headers
    assert "Access-Control-Allow-Origin" not in client.get("/health", headers={"Origin": ORIGIN}).headers


def test_the_preflight_for_batch_lookup_allows_a_configured_origin(cors_client):
    response = cors_client.options("/batch/lookup", headers=PREFLIGHT)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_the_answer_names_the_origin_and_exposes_the_useful_headers(cors_client, oracle):
    track_id = oracle.execute("SELECT id FROM tracks LIMIT 1").fetchone()["id"]
    response = cors_client.post("/batch/lookup", json={"tracks": [track_id]}, headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    exposed = response.headers["Access-Control-Expose-Headers"].lower()
    assert "x-request-id" in exposed and "retry-after" in exposed and "etag" in exposed
    assert "Origin" in response.headers["Vary"]


def test_an_origin_not_configured_gets_no_permission(cors_client):
    headers = dict(PREFLIGHT, Origin="https://elsewhere.example")
    assert "Access-Control-Allow-Origin" not in cors_client.options("/batch/lookup", headers=headers).headers


@pytest.mark.parametrize(
    "setting, origins",
    [
        ("", []),
        (None, []),
        ("*", ["*"]),
        ("https://a.example, https://b.example,", ["https://a.example", "https://b.example"]),
        (["https://a.example"], ["https://a.example"]),
    ],
)
def test_allowed_origins_reads_a_string_or_a_list(setting, origins):
    assert allowed_origins(setting) == origins
