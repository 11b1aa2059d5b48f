"""The per-request metrics written through their values (app/metrics.py)
hold what prometheus_client's own inc and observe would (as served by
gunicorn's workers: tests/integration/test_metrics.py)."""

from prometheus_client import CollectorRegistry
from prometheus_client import Histogram
from prometheus_client import generate_latest

from app import metrics
from app.metrics import LATENCY_BUCKETS
from app.metrics import SQL_STATEMENT_BUCKETS
from tests.support.inprocess import counting_statements
from tests.support.inprocess import make_app


def _histogram_written(buckets, amounts, write):
    registry = CollectorRegistry()
    histogram = Histogram("written", "A histogram.", ["route"], buckets=buckets, registry=registry)
    series = histogram.labels("/a/{id}")
    for amount in amounts:
        write(series, amount)
    # Every line but the series' creation time.
    return [line for line in generate_latest(registry).splitlines() if b"_created" not in line]


def test_observing_through_the_values_is_the_librarys_observe():
    # Amounts on each bound, between bounds, below the first and past the last.
    for buckets, amounts in [
        (LATENCY_BUCKETS, [0, 0.0005, *LATENCY_BUCKETS, 0.003, 0.7, 11, 1e9]),
        (SQL_STATEMENT_BUCKETS, [0, 1, 2, 3, 5, 8, 9, 64, 65, 1000]),
    ]:
        ours = _histogram_written(buckets, amounts, metrics._observe)
        theirs = _histogram_written(buckets, amounts, lambda series, amount: series.observe(amount))
        assert ours == theirs
        assert b'written_bucket{le="+Inf",route="/a/{id}"} %d.0' % len(amounts) in ours


def test_an_answer_is_counted_timed_and_its_statements_recorded(main_file, oracle):
    track_id = oracle.execute("SELECT id FROM tracks ORDER BY rowid LIMIT 1").fetchone()["id"]
    route = "/lookup/track/{id}"
    # Asked twice: the answer must not come from the answer cache.
    app = make_app(main_file, ANSWER_CACHE_MB=0)
    path = f"/lookup/track/{track_id}"
    # The statements as the exec trace sees them (which pauses the app's own count).
    with counting_statements(app) as statements:
        assert app.test_client().get(path).status_code == 200

    def value(name, **labels):
        return metrics.REGISTRY.get_sample_value(name, {"route": route, **labels}) or 0

    before = (
        value("music_api_requests_total", method="GET", status="200"),
        value("music_api_request_duration_seconds_count"),
        value("music_api_sql_statements_per_request_count"),
        value("music_api_sql_statements_per_request_sum"),
    )
    assert app.test_client().get(path).status_code == 200
    after = (
        value("music_api_requests_total", method="GET", status="200"),
        value("music_api_request_duration_seconds_count"),
        value("music_api_sql_statements_per_request_count"),
        value("music_api_sql_statements_per_request_sum"),
    )
    assert len(statements) > 0
    assert [b - a for a, b in zip(before, after)] == [1, 1, 1, len(statements)]
