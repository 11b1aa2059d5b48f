"""A catalogue of hostile input, sent as raw bytes to a real gunicorn.

Each row is answered with its documented 4xx JSON error (or, for input that
is harmless, a normal answer), the worker survives it, and no answer leaks a
traceback. docs/RELIABILITY.md lists the same rows.
"""

import json
from urllib.parse import quote

import pytest

from tests.support.servers import running_gunicorn
from tests.support.traffic import raw_request

ID = "4uLU6hMCjMI75M1A2tKUQC"
BATCH = "/batch/lookup"


@pytest.fixture(scope="module")
def server(main_file):
    environment = {"MUSIC_API_MAIN_DATABASE": main_file, "MUSIC_API_RATELIMIT_ENABLED": "false"}
    with running_gunicorn(environment, workers=2) as running:
        yield running


def json_body(body):
    return json.dumps(body).encode()


# (name, method, target, body, status, message or None for "any message")
HOSTILE = [
    ("malformed JSON", "POST", BATCH, b'{"tracks": [', 400, "invalid request body"),
    ("truncated JSON string", "POST", BATCH, b'{"tracks": ["4uLU6hMC', 400, "invalid request body"),
    ("JSON that is a list", "POST", BATCH, b"[1, 2, 3]", 400, "invalid request body"),
    ("list of numbers", "POST", BATCH, json_body({"tracks": [1, 2]}), 400, "invalid request body"),
    ("object instead of list", "POST", BATCH, json_body({"isrcs": {"a": 1}}), 400, "invalid request body"),
    ("string instead of list", "POST", BATCH, json_body({"albums": ID}), 400, "invalid request body"),
    ("nested lists", "POST", BATCH, json_body({"tracks": [[ID]]}), 400, "invalid request body"),
    ("deeply nested arrays", "POST", BATCH, b"[" * 200_000 + b"]" * 200_000, 400, "invalid request body"),
    (
        "deeply nested in a key",
        "POST",
        BATCH,
        b'{"tracks": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        400,
        "invalid request body",
    ),
    ("body over 1 MiB", "POST", BATCH, b'{"tracks": ["' + b"A" * (1024 * 1024) + b'"]}', 413, None),
    (
        "401 items",
        "POST",
        BATCH,
        json_body({"tracks": [ID] * 201, "isrcs": ["USUM72409273"] * 200}),
        400,
        "maximum 400 total items allowed",
    ),
    ("empty body", "POST", BATCH, b"", 400, "invalid request body"),
    ("whitespace body", "POST", BATCH, b"   \n ", 400, "invalid request body"),
    ("empty strings as ids", "POST", BATCH, json_body({"tracks": [""]}), 400, "invalid request body"),
    ("whitespace ISRC", "POST", BATCH, json_body({"isrcs": ["   "]}), 400, "invalid request body"),
    ("NUL in an id", "POST", BATCH, json_body({"tracks": ["\x00" * 22]}), 400, "invalid request body"),
    ("invalid UTF-8 body", "POST", BATCH, b'{"tracks": ["\xff\xfe"]}', 400, "invalid request body"),
    ("NUL in q", "GET", b"/search/track?q=%00%00", b"", 400, "query must not contain NUL characters"),
    ("whitespace q", "GET", b"/search/track?q=%20%09%20", b"", 400, "query must be at least 2 characters"),
    ("empty q", "GET", b"/search/artist?q=", b"", 400, "query must be at least 2 characters"),
    (
        "q over 200 characters",
        "GET",
        b"/search/track?q=" + b"x" * 201,
        b"",
        400,
        "query must be at most 200 characters",
    ),
    ("invalid UTF-8 in the path", "GET", b"/lookup/track/%FF%FE" + b"A" * 20, b"", 400, None),
    ("invalid UTF-8 in q", "GET", b"/search/track?q=%FF%FE%FD", b"", 200, None),
    ("bad percent-encoding in the path", "GET", b"/lookup/isrc/%ZZUM72409273", b"", 400, None),
    ("bad percent-encoding in q", "GET", b"/search/track?q=%ZZ%", b"", 200, None),
    ("SQL in q", "GET", b"/search/track?q=%27%20OR%201%3D1%20--", b"", 200, None),
    ("LIKE wildcards in q", "GET", b"/search/artist?q=%25%25", b"", 200, None),
    ("backslash in q", "GET", b"/search/track?q=%5C%5C%5C", b"", 200, None),
    ("SQL in an ISRC", "GET", b"/lookup/isrc/US%27%3BDROP%20TABLE", b"", 400, None),
    (
        "Cyrillic lookalike in an id",
        "GET",
        quote("/lookup/track/4uLU6hMCjMI75M1A2tKUQ\u0421").encode(),
        b"",
        400,
        None,
    ),
    ("fullwidth digits in an ISRC", "GET", quote("/lookup/isrc/USUM7240927\uff13").encode(), b"", 400, None),
    (
        "combining characters in q",
        "GET",
        ("/search/track?q=" + quote("e\u0301e\u0301")).encode(),
        b"",
        200,
        None,
    ),
    (
        "huge limit",
        "GET",
        b"/search/track?q=ab&limit=99999999999999999999999",
        b"",
        400,
        "limit must be an integer from 1 to 50",
    ),
    (
        "negative limit",
        "GET",
        b"/search/track?q=ab&limit=-5",
        b"",
        400,
        "limit must be an integer from 1 to 50",
    ),
    (
        "float limit",
        "GET",
        b"/search/track?q=ab&limit=1e3",
        b"",
        400,
        "limit must be an integer from 1 to 50",
    ),
    (
        "huge offset",
        "GET",
        b"/search/track?q=ab&offset=" + b"9" * 40,
        b"",
        400,
        "offset must be an integer from 0 to 1000",
    ),
    ("POST on a lookup", "POST", b"/lookup/track/" + ID.encode(), b"{}", 405, "method not allowed"),
    ("DELETE on the batch", "DELETE", BATCH.encode(), b"", 405, "method not allowed"),
    ("PUT on search", "PUT", b"/search/track?q=ab", b"", 405, "method not allowed"),
    ("unknown path", "GET", b"/lookup/everything", b"", 404, "not found"),
    ("path traversal", "GET", b"/docs/static/../../../etc/passwd", b"", 404, None),
]


@pytest.mark.parametrize(
    "name, method, target, body, status, message", HOSTILE, ids=[row[0] for row in HOSTILE]
)
def test_hostile_input_gets_its_documented_answer(server, name, method, target, body, status, message):
    target = target.encode() if isinstance(target, str) else target
    got_status, headers, payload = raw_request(server.base_url, method, target, body)
    assert got_status == status, payload[:300]
    assert headers["content-type"].startswith("application/json")
    document = json.loads(payload)
    if status >= 400:
        assert document["error"]["status"] == status
        if message is not None:
            assert document["error"]["message"] == message
    assert b"Traceback" not in payload
    if status == 405:
        assert headers["allow"]


# Malformed at the HTTP level: gunicorn refuses these itself, before the
# application; gunicorn.conf.py gives those answers the JSON error shape.
PROTOCOL_LEVEL = [
    ("request line over 4094 bytes", b"/search/track?q=" + b"x" * 10_000, (), 414),
    ("one header over 8190 bytes", b"/health", ("X-Big: " + "y" * 10_000,), 431),
    ("more than 100 headers", b"/health", tuple(f"X-Header-{i}: 1" for i in range(150)), 431),
    ("CR LF injected in X-Request-ID", b"/health", ("X-Request-ID: a\rSet-Cookie: x=1",), 400),
]


@pytest.mark.parametrize(
    "name, target, headers, status", PROTOCOL_LEVEL, ids=[row[0] for row in PROTOCOL_LEVEL]
)
def test_protocol_level_garbage_is_refused_by_gunicorn(server, name, target, headers, status):
    got_status, response_headers, payload = raw_request(server.base_url, "GET", target, headers=headers)
    assert got_status == status
    assert response_headers["content-type"] == "application/json"
    error = json.loads(payload)["error"]
    assert error["status"] == status and error["message"]
    # Nothing of the request is echoed back.
    assert b"Slow" not in payload and b"\xff" not in payload and b"xxxx" not in payload
    assert "set-cookie" not in response_headers


def test_raw_utf8_in_the_query_string_is_read_as_utf8(server):
    # As curl sends `?q=beyoncé`; nginx and the Go service take it too.
    status, _, payload = raw_request(server.base_url, "GET", "/search/artist?q=beyoncé".encode())
    escaped_status, _, escaped = raw_request(server.base_url, "GET", b"/search/artist?q=beyonc%C3%A9")
    assert (status, escaped_status) == (200, 200)
    assert payload == escaped
    assert json.loads(payload), "the demo data has a Beyoncé"


def test_raw_bytes_that_are_not_utf8_get_the_apps_400(server):
    status, headers, payload = raw_request(server.base_url, "GET", b"/lookup/track/\xff\xfe" + b"A" * 20)
    assert status == 400
    assert headers["content-type"] == "application/json"
    assert json.loads(payload)["error"]["message"].startswith("invalid track id")
    assert b"\xff" not in payload


def test_the_server_is_still_healthy_after_the_catalogue(server):
    status, _, payload = raw_request(server.base_url, "GET", b"/health")
    assert status == 200
    assert json.loads(payload)["status"] == "ok"
    assert "Traceback" not in server.log()
