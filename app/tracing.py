"""Optional OpenTelemetry tracing: one span per request, sent over OTLP/HTTP.

Off unless the standard variables ask for it: an OTLP endpoint
(``OTEL_EXPORTER_OTLP_ENDPOINT`` or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``),
with neither ``OTEL_SDK_DISABLED=true`` nor ``OTEL_TRACES_EXPORTER=none``.
The SDK reads the rest itself (``OTEL_SERVICE_NAME``, ``OTEL_TRACES_SAMPLER``,
``OTEL_EXPORTER_OTLP_HEADERS``, ``OTEL_BSP_*``). Needs the ``tracing`` extra.

Spans come from opentelemetry-instrumentation-flask: a W3C ``traceparent``
on the request makes the span its child. This module names each span after
the route template the logs and metrics use (``GET /lookup/track/{id}``)
and adds the SQL statements the request ran.
"""

import os

from flask import request

from app import db
from app.routes import route_template

SQL_STATEMENTS_ATTRIBUTE = "music_api.sql.statements"
DEFAULT_SERVICE_NAME = "music-metadata-api"
# Probes and scrapes every few seconds would drown the traces of real requests.
DEFAULT_EXCLUDED_URLS = "/health$,/metrics$"


def tracing_requested(environ):
    """Whether the ``OTEL_*`` variables in ``environ`` ask for traces to be sent."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    if environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() == "none":
        return False
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    )


def start_span(span, environ):
    """Name the request's span after its route template."""
    if span.is_recording() and request.url_rule is not None:
        span.update_name(f"{request.method} {route_template()}")


def finish_span(span, status, response_headers):
    """Add the SQL statements run, and the route as logs and metrics write it
    (the instrumentation sets Flask's ``<track_id>`` form after start_span)."""
    statements = db.request_statements()
    if span is None or not span.is_recording() or statements is None:
        return
    span.set_attribute(SQL_STATEMENTS_ATTRIBUTE, statements)
    if request.url_rule is not None:
        span.set_attribute("http.route", route_template())


def tracer_provider():
    """A TracerProvider exporting in batches over OTLP/HTTP, for this process.

    gunicorn builds it in the master (preload); the SDK restarts its export
    thread in each worker after the fork.
    """
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create()
    if resource.attributes.get(SERVICE_NAME, "").startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


def init_app(app):
    if not tracing_requested(os.environ):
        return
    try:
        from opentelemetry.instrumentation.flask import FlaskInstrumentor
    except ImportError as error:
        raise RuntimeError(
            "an OTLP endpoint is configured but tracing is not installed: "
            "pip install 'music-metadata-api[tracing]'"
        ) from error
    provider = tracer_provider()
    FlaskInstrumentor().instrument_app(
        app,
        tracer_provider=provider,
        request_hook=start_span,
        response_hook=finish_span,
        excluded_urls=os.environ.get("OTEL_PYTHON_FLASK_EXCLUDED_URLS", DEFAULT_EXCLUDED_URLS),
        # sqlcommenter is for SQLAlchemy and database drivers; none here.
        enable_commenter=False,
    )
    app.extensions["tracing"] = provider
