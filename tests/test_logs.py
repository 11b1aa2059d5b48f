"""JSON log lines and request ids: in the app, and as real gunicorn writes them."""

import json
import logging

import pytest

from app.logs import RequestIdFilter
from app.logs import json_formatter
from tests.support.inprocess import make_app
from tests.support.servers import running_gunicorn
from tests.support.servers import service_env
from tests.support.traffic import send


@pytest.mark.parametrize(
    "incoming, kept",
    [
        ("3f2a9c1e-0b7d-4e55-9a51-6f1f0c2d8e11", True),
        ("edge.7:abc=/+_", True),
        ("has spaces", False),
        ('quote"injection', False),
        ("x" * 129, False),
        ("", False),
    ],
)
def test_request_id_is_kept_when_valid_else_generated(client, incoming, kept):
    response = client.get("/health", headers={"X-Request-ID": incoming})
    sent_back = response.headers["X-Request-ID"]
    if kept:
        assert sent_back == incoming
    else:
        assert sent_back != incoming
        assert len(sent_back) == 32 and int(sent_back, 16) >= 0


def test_each_request_gets_its_own_generated_id(client):
    ids = {client.get("/health").headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5


def test_an_unexpected_error_is_one_json_line_with_traceback_and_request_id(main_file, caplog):
    app = make_app(main_file)

    @app.get("/explode")
    def explode():
        raise RuntimeError("boom inside a view")

    with caplog.at_level(logging.ERROR, logger="app"):
        response = app.test_client().get("/explode", headers={"X-Request-ID": "err-1"})
    assert response.status_code == 500
    assert "boom" not in response.get_data(as_text=True)
    [record] = [record for record in caplog.records if record.levelno == logging.ERROR]
    RequestIdFilter().filter(record)  # what the handler does; caplog's handler has no filter
    line = json_formatter().format(record)
    assert "\n" not in line
    fields = json.loads(line)
    assert fields["level"] == "ERROR"
    assert fields["logger"] == "app.errors"
    assert "Traceback" in fields["exc_info"] and "RuntimeError: boom inside a view" in fields["exc_info"]
    assert "time" in fields


def test_gunicorn_writes_one_json_line_per_request(main_file, oracle):
    track_id = oracle.execute("SELECT id FROM tracks ORDER BY rowid LIMIT 1").fetchone()["id"]
    path = f"/lookup/track/{track_id}"
    with running_gunicorn(service_env(main_file), workers=1) as server:
        outcome = send(
            server.base_url, path, headers={"X-Request-ID": "log-test-1", "User-Agent": "log-test/1.0"}
        )
        log = server.log()
    lines = [json.loads(text) for text in log.splitlines()]  # every line is JSON
    [request_line] = [line for line in lines if line.get("request_id") == "log-test-1"]
    assert outcome.headers["x-request-id"] == "log-test-1"
    assert request_line["logger"] == "app.requests"
    assert request_line["method"] == "GET"
    assert request_line["path"] == path
    assert request_line["route"] == "/lookup/track/{track_id}"
    assert request_line["status"] == outcome.status == 200
    assert request_line["bytes"] == len(outcome.body)
    assert request_line["client_ip"] == "127.0.0.1"
    assert request_line["user_agent"] == "log-test/1.0"
    assert 0 < request_line["duration_ms"] < 30_000
    assert request_line["time"].startswith("20")
    assert any(line["logger"] == "gunicorn.error" for line in lines)


def test_the_log_level_setting_silences_request_lines(main_file):
    with running_gunicorn(service_env(main_file, LOG_LEVEL="warning"), workers=1) as server:
        send(server.base_url, "/lookup/track/0000000000000000000000")
        log = server.log()
    lines = [json.loads(text) for text in log.splitlines()]
    assert not [line for line in lines if line["logger"] == "app.requests"]
    assert all(line["level"] in ("WARNING", "ERROR", "CRITICAL") for line in lines)
