"""Cross-origin requests (app/cors.py): off by default, preflight for POST /batch/lookup."""

import pytest

from app.cors import allowed_origins
from tests.support.inprocess import make_app
from tests.support.servers import running_gunicorn
from tests.support.servers import service_env
from tests.support.traffic import send

ORIGIN = "https://player.example"
PREFLIGHT = {
    "Origin": ORIGIN,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "Content-Type",
}


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


def test_preflights_do_not_use_up_the_rate_limit(main_file):
    # A real gunicorn: one process, one limiter, the limit set at start-up.
    env = service_env(main_file, CORS_ORIGINS=ORIGIN, RATELIMIT_ENABLED="true", RATELIMIT_DEFAULT="2 per hour")
    with running_gunicorn(env, workers=1) as server:
        preflights = [send(server.base_url, "/batch/lookup", method="OPTIONS", headers=PREFLIGHT) for _ in range(5)]
        lookups = [send(server.base_url, "/lookup/track/0000000000000000000000") for _ in range(3)]
    assert [outcome.status for outcome in preflights] == [200] * 5
    assert all(outcome.headers["access-control-allow-origin"] == ORIGIN for outcome in preflights)
    assert [outcome.status for outcome in lookups] == [404, 404, 429]


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
