"""gunicorn.conf.py under real gunicorn: settings from the environment, and
SIGHUP, SIGTERM and max_requests under a bounded stream of requests."""

import json
import signal
import threading
import time

import pytest

from tests.support.processes import worker_pids
from tests.support.servers import running_gunicorn
from tests.support.servers import service_env
from tests.support.traffic import failures
from tests.support.traffic import stream

# Long enough that the stream is still running when the signal arrives.
STREAM_REQUESTS = 1500
CLIENTS = 8
SIGNAL_AFTER_S = 0.4
WAIT_S = 20


@pytest.fixture(scope="module")
def track_ids(oracle):
    return [row["id"] for row in oracle.execute("SELECT id FROM tracks ORDER BY rowid")]


@pytest.fixture(scope="module")
def lookup_paths(track_ids):
    return [f"/lookup/track/{track_id}" for track_id in track_ids[:STREAM_REQUESTS]]


def log_lines(server):
    return [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]


def signal_later(process, sig, delay=SIGNAL_AFTER_S):
    """Send ``sig`` after ``delay`` seconds, from a thread; return the box that
    will hold the monotonic time it was sent."""
    sent = {}

    def send():
        time.sleep(delay)
        sent["at"] = time.monotonic()
        process.send_signal(sig)

    thread = threading.Thread(target=send)
    thread.start()
    return sent, thread


def wait_for(predicate, timeout=WAIT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_settings_come_from_the_environment(main_file):
    env = service_env(main_file, GUNICORN_WORKER_CLASS="sync", WEB_CONCURRENCY=3)
    with running_gunicorn(env, workers=3) as server:
        assert wait_for(lambda: server.log().count("Booting worker") >= 3)
        messages = [line["message"] for line in log_lines(server)]
        workers = worker_pids(server.process.pid)
    assert "Using worker: sync" in messages
    assert sum(message.startswith("Booting worker") for message in messages) == 3
    assert len(workers) == 3


def test_sighup_replaces_every_worker_and_fails_no_request(main_file, lookup_paths):
    with running_gunicorn(service_env(main_file), workers=2) as server:
        assert wait_for(lambda: len(worker_pids(server.process.pid)) == 2)
        old_workers = worker_pids(server.process.pid)
        sent, thread = signal_later(server.process, signal.SIGHUP)
        outcomes = stream(server.base_url, lookup_paths, clients=CLIENTS)
        thread.join()
        after_signal = [outcome for outcome in outcomes if outcome.started > sent["at"]]
        replaced = wait_for(lambda: not worker_pids(server.process.pid) & old_workers)
        assert failures(outcomes) == []
        assert len(outcomes) == len(lookup_paths)
        assert after_signal, "the stream ended before SIGHUP: nothing was tested"
        assert replaced
        assert len(worker_pids(server.process.pid)) == 2


def test_sigterm_finishes_requests_in_flight_then_exits(main_file, track_ids):
    # Batches of 100 tracks keep every worker busy, so requests are in
    # flight when the signal arrives.
    body = json.dumps({"tracks": track_ids[:100]})
    paths = ["/batch/lookup"] * 600
    with running_gunicorn(service_env(main_file), workers=2) as server:
        sent, thread = signal_later(server.process, signal.SIGTERM)
        outcomes = stream(
            server.base_url, paths, clients=CLIENTS, method="POST", body=body,
            headers={"Content-Type": "application/json"},
        )
        thread.join()
        exit_code = server.process.wait(timeout=WAIT_S)
    before = [outcome for outcome in outcomes if outcome.started < sent["at"]]
    in_flight = [outcome for outcome in before if outcome.finished > sent["at"]]
    after = [outcome for outcome in outcomes if outcome.started >= sent["at"]]
    assert in_flight, "no request was in flight at SIGTERM: nothing was tested"
    assert failures(before) == []
    assert all(outcome.status == 200 for outcome in before)
    # Later ones are refused once the socket closes; none is answered with an error.
    assert all(outcome.status is None or outcome.status == 200 for outcome in after)
    assert exit_code == 0


def test_max_requests_replaces_workers_without_failed_request(main_file, lookup_paths):
    env = service_env(main_file, GUNICORN_MAX_REQUESTS=40, GUNICORN_MAX_REQUESTS_JITTER=10)
    with running_gunicorn(env, workers=2) as server:
        outcomes = stream(server.base_url, lookup_paths[:600], clients=CLIENTS)
        boots = [line for line in log_lines(server) if line["message"].startswith("Booting worker")]
    assert failures(outcomes) == []
    # 600 requests at most 50 per worker life: at least 12 lives, not the first 2.
    assert len(boots) >= 12
