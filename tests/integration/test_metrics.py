"""GET /metrics under real gunicorn with two workers: the counts of every
worker add up, and survive the workers being replaced."""

import json
import os
import signal
import subprocess
import time
from collections import Counter

from prometheus_client.parser import text_string_to_metric_families

from tests.support.processes import worker_pids
from tests.support.servers import BIN
from tests.support.servers import REPO
from tests.support.servers import free_port
from tests.support.servers import running_gunicorn
from tests.support.servers import service_env
from tests.support.traffic import send
from tests.support.traffic import stream

TRACK_ROUTE = "/lookup/track/{id}"
ALBUM_TRACKS_ROUTE = "/lookup/album/{id}/tracks"


def scrape(server):
    outcome = send(server.base_url, "/metrics")
    assert outcome.status == 200
    assert outcome.headers["content-type"].startswith("text/plain")
    assert outcome.headers["cache-control"] == "no-store"
    samples = {}
    for family in text_string_to_metric_families(outcome.body.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def sample(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0)


def expected_counts(outcomes):
    """{(route, status): requests} from what the clients received."""
    counts = Counter()
    for outcome in outcomes:
        route = ALBUM_TRACKS_ROUTE if outcome.path.endswith("/tracks") else TRACK_ROUTE
        counts[(route, str(outcome.status))] += 1
    return counts


def served_by(server):
    lines = [json.loads(line) for line in server.log().splitlines() if '"app.requests"' in line]
    return {line["pid"] for line in lines if line["path"].startswith("/lookup/")}


def assert_counts_add_up(samples, counts):
    for (route, status), requests in counts.items():
        assert (
            sample(samples, "music_api_requests_total", route=route, method="GET", status=status) == requests
        )
    for route in {route for route, _ in counts}:
        answered = sum(requests for (counted_route, _), requests in counts.items() if counted_route == route)
        assert sample(samples, "music_api_request_duration_seconds_count", route=route) == answered
        assert sample(samples, "music_api_sql_statements_per_request_count", route=route) == answered


def test_counts_from_two_workers_add_up(main_file, oracle):
    tracks = [row["id"] for row in oracle.execute("SELECT id FROM tracks ORDER BY rowid LIMIT 60")]
    albums = [row["id"] for row in oracle.execute("SELECT id FROM albums ORDER BY rowid LIMIT 20")]
    paths = (
        [f"/lookup/track/{track_id}" for track_id in tracks]
        + [f"/lookup/album/{album_id}/tracks" for album_id in albums]
        + ["/lookup/track/not-an-id"] * 10
    )
    # Sync workers spread concurrent clients over both workers.
    env = service_env(main_file, GUNICORN_WORKER_CLASS="sync")
    with running_gunicorn(env, workers=2) as server:
        outcomes = stream(server.base_url, paths, clients=8)
        samples = scrape(server)
        workers = served_by(server)

        server.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 20
        while worker_pids(server.process.pid) & workers and time.monotonic() < deadline:
            time.sleep(0.05)
        replaced = not worker_pids(server.process.pid) & workers
        samples_after_reload = scrape(server)

    counts = expected_counts(outcomes)
    assert len(workers) == 2, "one worker answered everything: nothing was tested"
    assert counts[(TRACK_ROUTE, "400")] == 10
    assert_counts_add_up(samples, counts)
    # The query budget keeps a lookup to a few statements.
    statements = sample(samples, "music_api_sql_statements_per_request_sum", route=TRACK_ROUTE)
    assert 50 <= statements <= 60 * 20
    # Every path was new to the answer cache (the invalid one is never kept).
    assert sample(samples, "music_api_answer_cache_hits_total") == 0
    assert sample(samples, "music_api_answer_cache_misses_total") == len(paths)
    # The scrape itself is the one request in flight.
    assert sample(samples, "music_api_requests_in_flight") == 1
    # Replaced workers' counts stay; their in-flight gauges go.
    assert replaced
    assert_counts_add_up(samples_after_reload, counts)
    assert sample(samples_after_reload, "music_api_requests_in_flight") == 1


def test_two_instances_cannot_share_one_metrics_folder(main_file, tmp_path):
    shared = tmp_path / "metrics"
    env = service_env(main_file, PROMETHEUS_MULTIPROC_DIR=shared)
    with running_gunicorn(env, workers=1) as first:
        second = subprocess.run(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=REPO, capture_output=True, text=True, timeout=60,
            env=dict(os.environ, **env, MUSIC_API_BIND=f"127.0.0.1:{free_port()}"),
        )
        # The first instance's counts are untouched and it still answers.
        assert send(first.base_url, "/health").status == 200
        assert list(shared.glob("*.db"))
    assert second.returncode != 0
    assert f"PROMETHEUS_MULTIPROC_DIR {shared} is in use by another running instance" in second.stderr
