"""JSON log lines: one per request, plus the application's own events and errors.

Every line is one JSON object on stderr (python-json-logger). gunicorn uses
the same configuration (:func:`logging_config`, read by app/gunicorn_config.py),
so its own messages come out as JSON lines too, and a log shipper needs one
parser. A request's id comes from a valid incoming ``X-Request-ID`` (nginx
sends its own) or is generated; it is sent back in the answer and added to
every line logged while the request runs.
"""

import logging
import logging.config
import re
import secrets
import time
from datetime import datetime
from datetime import timezone

from flask import g
from flask import has_request_context
from flask import request
from pythonjsonlogger.orjson import OrjsonFormatter

from app.routes import route_template

REQUEST_ID_HEADER = "X-Request-ID"
# The same header as the WSGI environ names it: read there, a header that
# was not sent costs a dict lookup, where request.headers would build its
# headers object and raise and catch a KeyError (werkzeug's EnvironHeaders).
_REQUEST_ID_ENVIRON_KEY = "HTTP_X_REQUEST_ID"

# What an incoming request id may look like: short, no spaces or quotes, so
# it can be copied into a header and a log line as it is.
_request_id_re = re.compile(r"[A-Za-z0-9._:=+/-]{1,128}")

# The handler's name: it marks the handler as ours, so configuring twice
# (gunicorn, then the app factory) never doubles the lines.
HANDLER_NAME = "json"

requests_log = logging.getLogger("app.requests")


class RequestIdFilter(logging.Filter):
    """Add the current request's id to every record logged during a request."""

    def filter(self, record):
        # The request line brings its own (finish_request).
        if "request_id" not in record.__dict__ and has_request_context() and "request_id" in g:
            record.request_id = g.request_id
        return True


# What every line holds, in this order, then its extras and the time.
LINE_FORMAT = {
    "fmt": "%(levelname)s %(name)s %(process)d %(message)s",
    "rename_fields": {"levelname": "level", "name": "logger", "process": "pid"},
    "timestamp": "time",
}


class RequestLine(logging.LogRecord):
    """The record of a request's line: its fields are its message dict and
    its ``request_id``, nothing else is added to it."""

    # The attributes beyond the LogRecord's own, in the order they are written.
    extra_fields = ("request_id",)


class JsonFormatter(OrjsonFormatter):
    """python-json-logger's orjson formatter, told a request line's extras.

    The library finds a record's extras by testing each of its two dozen
    attributes, a third of the line's cost (callgrind). A
    :class:`RequestLine` names its own; its line is the one the library
    writes (tests/test_logs.py compares them). Every other record goes
    through the library as it is.
    """

    def add_fields(self, log_data, record, message_dict):
        if type(record) is not RequestLine:
            super().add_fields(log_data, record, message_dict)
            return
        # The library's add_fields, in its order, with the extras named
        # rather than searched for.
        rename = self.rename_fields.get
        for field, value in self.defaults.items():
            log_data[rename(field, field)] = value
        fields = record.__dict__
        for field in self._required_fields:
            log_data[rename(field, field)] = fields.get(field)
        for data_dict in (self.static_fields, message_dict):
            for key, value in data_dict.items():
                log_data[rename(key, key)] = value
        for field in record.extra_fields:
            log_data[rename(field, field)] = fields[field]
        if self.timestamp:
            key = self.timestamp if isinstance(self.timestamp, str) else "timestamp"
            log_data[rename(key, key)] = datetime.fromtimestamp(record.created, tz=timezone.utc)
        if self.rename_fields_keep_missing:
            for field in self.rename_fields.values():
                log_data.setdefault(field, None)


def json_formatter():
    """The formatter of every line: level, logger, pid, message, time, then extras.

    The library's orjson formatter: one line per request, and the stdlib
    encoder took a tenth of a lookup's CPU writing it.
    """
    return JsonFormatter(**LINE_FORMAT)


def logging_config(level="INFO"):
    """Return the :func:`logging.config.dictConfig` mapping for JSON lines at ``level``."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"json": {"()": json_formatter}},
        "handlers": {
            HANDLER_NAME: {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": log_level(level), "handlers": [HANDLER_NAME]},
        "loggers": {
            # gunicorn's own messages go to the JSON handler through the root;
            # its access log stays off: app.requests writes one line per request.
            "gunicorn.error": {"level": log_level(level), "handlers": [], "propagate": True},
            "gunicorn.access": {"handlers": [], "propagate": False},
        },
    }


def log_level(value):
    """Return a level :mod:`logging` accepts from a setting (``info``, ``WARNING``, 20)."""
    return value if isinstance(value, int) else str(value).upper()


def configure_logging(level):
    """Send JSON lines to stderr at ``level``, unless that is already set up."""
    level = log_level(level)
    root = logging.getLogger()
    if not any(handler.name == HANDLER_NAME for handler in root.handlers):
        logging.config.dictConfig(logging_config(level))
    root.setLevel(level)
    # No line shows a thread or process name (json_formatter): logging need
    # not look them up for every record (the logging HOWTO, "Optimization").
    logging.logThreads = False
    logging.logMultiprocessing = False


def request_id_from(environ):
    """Return the incoming request id when it is valid, else a new one."""
    incoming = environ.get(_REQUEST_ID_ENVIRON_KEY, "")
    if _request_id_re.fullmatch(incoming):
        return incoming
    # 32 hex digits like a UUID's, without building a UUID object (a
    # fifth of the line's cost, measured).
    return secrets.token_hex(16)


def start_request():
    state = g._get_current_object()
    state.request_id = request_id_from(request._get_current_object().environ)
    # The one clock of a request: its log line and its metrics both read it.
    state.request_started = time.perf_counter()


def finish_request(response):
    state = g._get_current_object()
    # Added, not set: only this hook writes it.
    response.headers.add(REQUEST_ID_HEADER, state.request_id)
    # The level first: the line's fields cost more than the check.
    if not requests_log.isEnabledFor(logging.INFO):
        return response
    current = request._get_current_object()
    started = state.request_started
    # The fields as python-json-logger's message dict: its "message" takes
    # the place of the record's own, the rest follow in this order, and the
    # record's attributes are not scanned for them one by one.
    line = {
        "message": "request",
        "method": current.method,
        "path": current.path,
        "route": route_template(),
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
        # Time it waited for a thread before that (app.arrival).
        "queued_ms": round((started - state.get("request_arrived", started)) * 1000, 3),
        "bytes": _body_bytes(current, response),
        "client_ip": current.remote_addr,
        # The header itself, from the environ (as the request id): werkzeug's
        # user_agent would build an object.
        "user_agent": current.environ.get("HTTP_USER_AGENT", ""),
    }
    # Made and handled directly: Logger.info would first walk the stack
    # for the caller's file and line, which the line does not show. A
    # RequestLine, so the formatter knows its extras (JsonFormatter).
    record = RequestLine(requests_log.name, logging.INFO, "(unknown file)", 0, line, (), None)
    # Set here, the handler's filter need not look it up again; it comes
    # last, where the filter puts it on every other line.
    record.request_id = state.request_id
    requests_log.handle(record)
    return response


def _body_bytes(current, response):
    if current.method == "HEAD" or response.status_code in (204, 304):
        return 0
    return response.calculate_content_length() or 0


def init_app(app):
    configure_logging(app.config["LOG_LEVEL"])
    app.before_request(start_request)
    app.after_request(finish_request)
