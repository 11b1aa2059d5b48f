"""JSON log lines as real gunicorn writes them: one per request, and the log
level setting obeyed."""

import json

from tests.support.servers import running_gunicorn
from tests.support.servers import service_env
from tests.support.traffic import send


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
    # The fields and their order, as python-json-logger wrote them before
    # app.logs.JsonFormatter was told the line's extras.
    assert list(request_line) == [
        "level", "logger", "pid", "message", "method", "path", "route", "status",
        "duration_ms", "queued_ms", "bytes", "client_ip", "user_agent", "request_id", "time",
    ]
    assert request_line["logger"] == "app.requests"
    assert request_line["method"] == "GET"
    assert request_line["path"] == path
    assert request_line["route"] == "/lookup/track/{id}"
    assert request_line["status"] == outcome.status == 200
    assert request_line["bytes"] == len(outcome.body)
    assert request_line["client_ip"] == "127.0.0.1"
    assert request_line["user_agent"] == "log-test/1.0"
    assert 0 < request_line["duration_ms"] < 30_000
    # The packaged worker notes when the request was ready (app/arrival.py).
    assert request_line["queued_ms"] >= 0
    assert any(line["message"] == "Using worker: app.gunicorn_worker.ThreadWorker" for line in lines)
    assert request_line["time"].startswith("20")
    assert any(line["logger"] == "gunicorn.error" for line in lines)


def test_the_log_level_setting_silences_request_lines(main_file):
    with running_gunicorn(service_env(main_file, LOG_LEVEL="warning"), workers=1) as server:
        send(server.base_url, "/lookup/track/0000000000000000000000")
        log = server.log()
    lines = [json.loads(text) for text in log.splitlines()]
    assert not [line for line in lines if line["logger"] == "app.requests"]
    assert all(line["level"] in ("WARNING", "ERROR", "CRITICAL") for line in lines)
