"""Every error is the same JSON object (app/errors.py), with the right status and headers."""

import time

import pytest

from tests.support.inprocess import assert_error
from tests.support.inprocess import make_app


def test_unknown_path_is_json_404(client):
    assert_error(client.get("/no/such/route"), 404, "not found")
    assert_error(client.get("/lookup/track/"), 404)


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("post", "/lookup/track/" + "0" * 22, {"GET", "HEAD", "OPTIONS"}),
        ("delete", "/search/track", {"GET", "HEAD", "OPTIONS"}),
        ("get", "/batch/lookup", {"POST", "OPTIONS"}),
        ("put", "/health", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_wrong_method_is_405_with_allow(client, method, path, allowed):
    response = getattr(client, method)(path)
    assert_error(response, 405, "method not allowed")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == allowed


def test_rate_limit_is_429_with_retry_after(main_file):
    client = make_app(main_file, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="3 per minute").test_client()
    answers = [client.get("/lookup/isrc/ZZ0000000000") for _ in range(4)]
    assert [answer.status_code for answer in answers[:3]] == [200, 200, 200]
    assert answers[0].headers["X-RateLimit-Limit"] == "3"
    assert [int(a.headers["X-RateLimit-Remaining"]) for a in answers[:3]] == [2, 1, 0]
    assert int(answers[0].headers["X-RateLimit-Reset"]) > 0
    error = assert_error(answers[3], 429)
    assert "rate limit" in error["message"]
    assert int(answers[3].headers["Retry-After"]) > 0
    # Health checks are never limited.
    assert client.get("/health").status_code == 200


def test_one_limit_per_client_across_all_routes(main_file, oracle):
    track_id = oracle.execute("SELECT id FROM tracks LIMIT 1").fetchone()["id"]
    client = make_app(main_file, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="4 per minute").test_client()
    paths = ["/lookup/isrc/ZZ0000000000", f"/lookup/track/{track_id}", "/search/artist?q=ab"]
    answers = [client.get(paths[number % len(paths)]) for number in range(6)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429, 429]
    assert [answer.headers["X-RateLimit-Remaining"] for answer in answers[:4]] == ["3", "2", "1", "0"]
    # Health, metrics and the docs stay outside the count.
    for path in ("/health", "/metrics", "/openapi.json"):
        assert client.get(path).status_code == 200, path
    # Another client has a count of its own.
    other = client.get(paths[0], environ_base={"REMOTE_ADDR": "127.0.0.9"})
    assert other.status_code == 200


def test_retry_after_is_at_least_one_second_under_a_per_second_limit(main_file):
    client = make_app(main_file, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per second").test_client()
    # flask-limiter truncates the wait: refused in the last part of a
    # window, a client was told to retry after 0 seconds. Ask until a
    # refusal comes with less than a second left (bounded in count).
    for _ in range(2000):
        sent_at = time.time()
        answer = client.get("/lookup/isrc/ZZ0000000000")
        if answer.status_code == 429:
            assert answer.headers["Retry-After"].isdigit()
            assert int(answer.headers["Retry-After"]) >= 1
            if int(answer.headers["X-RateLimit-Reset"]) - sent_at < 1:
                return
        time.sleep(0.005)
    pytest.fail("no refusal came in the last second of a window: nothing was tested")


def test_unexpected_failure_is_500_without_traceback(main_file, caplog):
    app = make_app(main_file)

    @app.get("/explode")
    def explode():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/explode")
    assert_error(response, 500, "internal server error")
    assert "secret" not in response.get_data(as_text=True)
    assert any("secret internals" in str(record.exc_info[1]) for record in caplog.records if record.exc_info)
