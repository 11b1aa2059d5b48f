"""JSON log lines and request ids, in the app (app/logs.py). As real gunicorn
writes them: tests/integration/test_logs.py."""

import json
import logging

import pytest
from pythonjsonlogger.orjson import OrjsonFormatter

from app.logs import LINE_FORMAT
from app.logs import RequestIdFilter
from app.logs import RequestLine
from app.logs import json_formatter
from tests.support.inprocess import make_app


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


def test_a_request_line_is_the_line_the_library_writes(main_file, oracle, caplog):
    track_id = oracle.execute("SELECT id FROM tracks ORDER BY rowid LIMIT 1").fetchone()["id"]
    app = make_app(main_file)
    with caplog.at_level(logging.INFO, logger="app.requests"):
        app.test_client().get(
            f"/lookup/track/{track_id}", headers={"X-Request-ID": "line-1", "User-Agent": "t/1"}
        )
    [record] = [record for record in caplog.records if record.name == "app.requests"]
    assert isinstance(record, RequestLine)
    ours = json_formatter().format(record)
    # python-json-logger's own orjson formatter, finding the extras itself.
    assert ours == OrjsonFormatter(**LINE_FORMAT).format(record)
    assert list(json.loads(ours)) == [
        "level", "logger", "pid", "message", "method", "path", "route", "status",
        "duration_ms", "queued_ms", "bytes", "client_ip", "user_agent", "request_id", "time",
    ]


def test_an_extra_on_any_other_line_is_still_found():
    record = logging.LogRecord("app", logging.WARNING, __file__, 1, "slow %s", ("search",), None)
    record.query = "beyoncé"
    fields = json.loads(json_formatter().format(record))
    assert fields["message"] == "slow search"
    assert fields["query"] == "beyoncé"
