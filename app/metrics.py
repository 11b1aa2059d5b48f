"""Prometheus metrics at ``GET /metrics``, correct under several gunicorn workers.

With ``PROMETHEUS_MULTIPROC_DIR`` set (app/gunicorn_config.py sets it before the
app is imported), every worker writes its values to files in that folder
and a scrape, answered by any one worker, adds up all of them; gunicorn's
``child_exit`` hook marks a dead worker's files so its in-flight count
disappears while its counters stay. Without it (one process, tests) the
process's own registry is served.
"""

import os
import time
from bisect import bisect_left

from flask import Blueprint
from flask import Response
from flask import g
from flask import request
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client import REGISTRY
from prometheus_client import CollectorRegistry
from prometheus_client import Counter
from prometheus_client import Gauge
from prometheus_client import Histogram
from prometheus_client import generate_latest
from prometheus_client import multiprocess

from app import db
from app.limits import exempt
from app.routes import route_template

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

# Lookups take about a millisecond on a warm cache, a search up to its time
# limit (one second by default): buckets from 1 ms to 10 s.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
# The query budget keeps a request to a handful of statements; more means a bug.
SQL_STATEMENT_BUCKETS = (0, 1, 2, 4, 8, 16, 32, 64)

REQUESTS = Counter(
    "music_api_requests",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "music_api_request_duration_seconds",
    "Time from the start of a request to its answer, by route template.",
    ["route"],
    buckets=LATENCY_BUCKETS,
)
SQL_STATEMENTS = Histogram(
    "music_api_sql_statements_per_request",
    "SQL statements one request ran, by route template.",
    ["route"],
    buckets=SQL_STATEMENT_BUCKETS,
)
ANSWER_CACHE_HITS = Counter(
    "music_api_answer_cache_hits",
    "Requests answered from a worker's answer cache (no SQL, no rendering).",
)
ANSWER_CACHE_MISSES = Counter(
    "music_api_answer_cache_misses",
    "Requests the answer cache could have answered but did not hold.",
)
IN_FLIGHT = Gauge(
    "music_api_requests_in_flight",
    "Requests being answered right now, over all live workers.",
    multiprocess_mode="livesum",
)

bp = exempt(Blueprint("metrics", __name__))


@bp.get("/metrics")
def scrape():
    return Response(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


def _registry():
    if MULTIPROCESS_DIR_VARIABLE not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def start_request():
    IN_FLIGHT.inc()
    g._get_current_object().metrics_in_flight = True


# (route, method, status) -> the series of the three per-request metrics.
# prometheus_client checks and converts label values on every labels()
# call; the routes, methods and statuses met are few, their series
# are made once.
_series_by_answer = {}


def _series(route, method, status):
    series = _series_by_answer.get((route, method, status))
    if series is None:
        series = _series_by_answer[route, method, status] = (
            REQUESTS.labels(route, method, str(status)),
            LATENCY.labels(route),
            SQL_STATEMENTS.labels(route),
        )
    return series


def record_answer(response):
    # The request and g objects once each: an attribute read through their
    # proxies costs several times more than the lookup.
    answered, latency, statements = _series(
        route_template(), request._get_current_object().method, response.status_code
    )
    # The values prometheus_client's inc and observe would write, written
    # directly: their checks (labels given, no negative count, exemplars)
    # and the observe's loop over the buckets in Python cost more than the
    # writes (callgrind); tests/test_metrics.py compares the two ways.
    answered._value.inc(1)
    _observe(latency, time.perf_counter() - g._get_current_object().request_started)
    _observe(statements, db.request_statements())
    return response


def _observe(histogram, amount):
    """Histogram.observe(amount) of a labelled histogram: its sum, then the
    first bucket whose upper bound is at least ``amount``."""
    histogram._sum.inc(amount)
    histogram._buckets[bisect_left(histogram._upper_bounds, amount)].inc(1)


def count_answer_cache(hit):
    (ANSWER_CACHE_HITS if hit else ANSWER_CACHE_MISSES).inc()


def end_request(error=None):
    # Teardown runs even when the answer failed, so the gauge never drifts up.
    if g._get_current_object().pop("metrics_in_flight", False):
        IN_FLIGHT.dec()


def init_app(app):
    app.before_request(start_request)
    app.after_request(record_answer)
    app.teardown_request(end_request)
    app.register_blueprint(bp)

