"""OpenTelemetry tracing (app/tracing.py): off by default; with an OTLP
endpoint set, real gunicorn workers send one span per request to a small
OTLP/HTTP receiver started by the test on a loopback port."""

import contextlib
import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from app.tracing import SQL_STATEMENTS_ATTRIBUTE
from app.tracing import tracing_requested
from tests.support.inprocess import counting_statements
from tests.support.inprocess import make_app
from tests.support.servers import running_gunicorn
from tests.support.servers import service_env
from tests.support.traffic import send

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_SPAN_ID = "00f067aa0ba902b7"
SPANS_TIMEOUT_S = 30


@pytest.mark.parametrize(
    "environ, requested",
    [
        ({}, False),
        ({"OTEL_SERVICE_NAME": "x"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "true"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_TRACES_EXPORTER": "none"}, False),
    ],
)
def test_tracing_is_on_only_when_the_otel_variables_ask(environ, requested):
    assert tracing_requested(environ) is requested


def test_off_by_default(main_file, monkeypatch):
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    app = make_app(main_file)
    assert "tracing" not in app.extensions
    assert not getattr(app, "_is_instrumented_by_opentelemetry", False)


class Receiver(ThreadingHTTPServer):
    """Accepts OTLP/HTTP protobuf exports at /v1/traces and keeps their spans."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _ExportHandler)
        self.lock = threading.Lock()
        self.spans = []  # (resource attributes, span)

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def received(self):
        with self.lock:
            return list(self.spans)


class _ExportHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        if self.path != "/v1/traces":
            self.send_error(404)
            return
        export = ExportTraceServiceRequest.FromString(body)
        with self.server.lock:
            for resource_spans in export.resource_spans:
                resource = attributes_of(resource_spans.resource)
                for scope_spans in resource_spans.scope_spans:
                    self.server.spans.extend((resource, span) for span in scope_spans.spans)
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def attributes_of(message):
    """A span's (or resource's) attributes as a plain dict."""
    values = {}
    for attribute in message.attributes:
        value = attribute.value
        values[attribute.key] = getattr(value, value.WhichOneof("value"))
    return values


@contextlib.contextmanager
def running_receiver():
    receiver = Receiver()
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.shutdown()
        receiver.server_close()
        thread.join(timeout=10)


def wait_for_spans(receiver, count):
    deadline = time.monotonic() + SPANS_TIMEOUT_S
    while len(receiver.received()) < count and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.fixture(scope="module")
def exported(main_file, oracle):
    """Three requests through two traced gunicorn workers, and every span
    the receiver got until gunicorn stopped (workers flush on exit)."""
    track_id = oracle.execute("SELECT id FROM tracks ORDER BY rowid LIMIT 1").fetchone()[0]
    requests_sent = {
        "lookup": ("GET", f"/lookup/track/{track_id}", None),
        "missing": ("GET", "/lookup/track/0000000000000000000000", None),
        "batch": ("POST", "/batch/lookup", json.dumps({"tracks": [track_id]}).encode()),
    }
    with running_receiver() as receiver:
        env = service_env(main_file)
        env.update(
            OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint,
            OTEL_SERVICE_NAME="music-api-test",
            OTEL_BSP_SCHEDULE_DELAY="100",
        )
        with running_gunicorn(env, workers=2) as server:
            answers = {
                name: send(
                    server.base_url,
                    path,
                    method=method,
                    body=body,
                    headers={
                        "Content-Type": "application/json",
                        "traceparent": f"00-{TRACE_ID}-{PARENT_SPAN_ID}-01",
                    }
                    if name == "lookup"
                    else {"Content-Type": "application/json"},
                )
                for name, (method, path, body) in requests_sent.items()
            }
            # Sent while the workers run, in batches, not only at exit.
            wait_for_spans(receiver, len(requests_sent))
            spans_while_running = len(receiver.received())
        spans = receiver.received()
    return {
        "requests": requests_sent,
        "answers": answers,
        "spans": spans,
        "while_running": spans_while_running,
    }


def span_of(exported, request_name):
    """The one span whose name and status are those of the request sent."""
    method, path, _ = exported["requests"][request_name]
    status = exported["answers"][request_name].status
    matches = [
        (resource, span)
        for resource, span in exported["spans"]
        if span.name.startswith(f"{method} ")
        and status_of(span) == status
        and attributes_of(span).get("url.path", attributes_of(span).get("http.target")) == path
    ]
    assert len(matches) == 1, [span.name for _, span in exported["spans"]]
    return matches[0]


def status_of(span):
    attributes = attributes_of(span)
    return attributes.get("http.response.status_code", attributes.get("http.status_code"))


def expected_statements(app, method, path, body):
    with counting_statements(app) as statements:
        app.test_client().open(path, method=method, data=body, content_type="application/json")
    return len(statements)


def test_spans_are_exported_while_serving(exported):
    assert exported["while_running"] >= 3


def test_span_continues_the_callers_w3c_trace(exported):
    _, span = span_of(exported, "lookup")
    assert span.name == "GET /lookup/track/{id}"
    assert span.trace_id.hex() == TRACE_ID
    assert span.parent_span_id.hex() == PARENT_SPAN_ID
    assert span.kind == Span.SpanKind.SPAN_KIND_SERVER


@pytest.mark.parametrize(
    "name, request_name, status",
    [
        ("GET /lookup/track/{id}", "lookup", 200),
        ("POST /batch/lookup", "batch", 200),
    ],
)
def test_span_has_route_template_status_and_sql_statements(exported, app, name, request_name, status):
    assert exported["answers"][request_name].status == status
    resource, span = span_of(exported, request_name)
    attributes = attributes_of(span)
    assert span.name == name
    assert attributes["http.route"] == name.split(" ", 1)[1]
    assert status_of(span) == status
    statements = expected_statements(app, *exported["requests"][request_name])
    assert statements > 0
    assert attributes[SQL_STATEMENTS_ATTRIBUTE] == statements
    assert resource["service.name"] == "music-api-test"


def test_a_request_without_traceparent_starts_its_own_trace(exported):
    _, span = span_of(exported, "missing")
    assert span.parent_span_id == b""
    assert span.trace_id.hex() != TRACE_ID


def test_health_checks_are_not_traced(exported):
    # running_gunicorn polled /health until the workers answered.
    routes = {attributes_of(span).get("http.route") for _, span in exported["spans"]}
    assert "/health" not in routes
    assert len(exported["spans"]) == 3
