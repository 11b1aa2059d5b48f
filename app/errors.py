"""One JSON shape for every error the service answers.

``{"error": {"status": <int>, "message": "<text>"}}``, plus ``"fields"``
where a request body names bad entries. Exceptions carry their own status;
Werkzeug's HTTP errors (404, 405, 413, 429 …) keep their headers (``Allow``,
``Retry-After``) and get the same body; anything unexpected is logged with
its traceback and answered 500 without one.
"""

import logging

import apsw
from flask import jsonify
from werkzeug.exceptions import HTTPException

from app import db
from app.schemas.service import error_schema

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error answer: ``status`` and ``message``, optionally ``fields``."""

    status = 400

    def __init__(self, message, *, status=None, fields=None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.fields = fields


class NotFound(ApiError):
    status = 404


SEARCH_TIMEOUT_MESSAGE = "search timeout - try a more specific query"
REQUEST_TIMEOUT_MESSAGE = "the request ran past the server's time limit"

# Messages for the errors Werkzeug raises itself; others use its description.
HTTP_MESSAGES = {
    404: "not found",
    405: "method not allowed",
    413: "request body too large",
}


def error_body(status, message, fields=None):
    """Return the canonical error object (shared by every error path);
    ``fields`` is left out when empty."""
    return error_schema.dump({"error": {"status": status, "message": message, "fields": fields}})


def error_response(status, message, fields=None, headers=None):
    response = jsonify(error_body(status, message, fields))
    response.status_code = status
    if headers:
        response.headers.extend(headers)
    return response


def handle_api_error(error):
    return error_response(error.status, error.message, error.fields)


def handle_http_exception(error):
    # Keep what Werkzeug and flask-limiter put in the headers (Allow on a 405,
    # Retry-After on a 429) but answer with the JSON body.
    headers = [
        (name, value)
        for name, value in error.get_headers()
        if name.lower() != "content-type"
    ]
    message = HTTP_MESSAGES.get(error.code, error.description or error.name)
    if error.code == 429:
        message = f"rate limit exceeded: {error.description}"
    return error_response(error.code, message, headers=headers)


def handle_query_timeout(error):
    return error_response(408, SEARCH_TIMEOUT_MESSAGE)


def handle_request_timeout(error):
    # Outside a search, a statement interrupted by the request's own budget.
    log.warning("request interrupted at its time limit")
    return error_response(503, REQUEST_TIMEOUT_MESSAGE)


def handle_database_unavailable(error):
    log.error("database unavailable: %s", error, exc_info=error)
    # Drop this worker's connection so the next request reopens the files:
    # a file that was replaced or restored is then served again.
    db.close_db()
    return error_response(503, "database unavailable")


def handle_unexpected(error):
    log.exception("unhandled error", exc_info=error)
    return error_response(500, "internal server error")


def init_app(app):
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(db.QueryTimeout, handle_query_timeout)
    app.register_error_handler(apsw.InterruptError, handle_request_timeout)
    for error_class in db.UNAVAILABLE_ERRORS:
        app.register_error_handler(error_class, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
