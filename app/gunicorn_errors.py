"""The JSON error shape for requests gunicorn refuses before the application.

A request line of raw non-ASCII bytes, a line over 4,094 bytes, too many or
too large headers never reach Flask: gunicorn answers them itself, by
default with a small HTML page. app/gunicorn_config.py puts :func:`write_json_error`
in the place of ``gunicorn.util.write_error`` (same signature, which the
workers look up on each use) so these answers carry the service's one error
shape too.
"""

import json

from gunicorn import util

from app.errors import error_body


def write_json_error(sock, status_int, reason, mesg):
    """Write a complete ``status_int`` answer with the JSON error body.

    ``mesg`` (gunicorn's detail, which may quote the client's bytes back) is
    left out: the reason phrase says what is wrong without echoing input.
    """
    body = json.dumps(error_body(status_int, reason.lower())).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        "Cache-Control: no-store\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)
