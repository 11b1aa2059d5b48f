"""gunicorn.conf.py under real gunicorn: settings from the environment, and
SIGHUP, SIGTERM and max_requests under a bounded stream of requests."""

import json
import signal
import socket
import threading
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.processes import worker_pids
from tests.support.servers import running_gunicorn
from tests.support.servers import service_env
from tests.support.traffic import STREAM_TIMEOUT_S
from tests.support.traffic import failures
from tests.support.traffic import send
from tests.support.traffic import stream

# The signal goes once this many requests were answered, so that most of
# the stream comes after it.
STREAM_REQUESTS = 1500
SIGNAL_AFTER_ANSWERS = 100
CLIENTS = 8
WAIT_S = 20


@pytest.fixture(scope="module")
def track_ids(oracle):
    return [row["id"] for row in oracle.execute("SELECT id FROM tracks ORDER BY rowid")]


@pytest.fixture(scope="module")
def lookup_paths(track_ids):
    return [f"/lookup/track/{track_id}" for track_id in track_ids[:STREAM_REQUESTS]]


def log_lines(server):
    return [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]


def signal_once_answered(server, sig, answered=SIGNAL_AFTER_ANSWERS):
    """Send ``sig`` from a thread once the server has logged ``answered``
    requests (not after a fixed time, which a fast machine could outrun);
    return the box that will hold the monotonic time it was sent."""
    sent = {}

    def send_signal():
        wait_for(lambda: server.log().count('"app.requests"') >= answered, timeout=STREAM_TIMEOUT_S)
        sent["at"] = time.monotonic()
        server.process.send_signal(sig)

    thread = threading.Thread(target=send_signal)
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
        sent, thread = signal_once_answered(server, signal.SIGHUP)
        outcomes = stream(server.base_url, lookup_paths, clients=CLIENTS)
        thread.join()
        after_signal = [outcome for outcome in outcomes if outcome.started > sent["at"]]
        replaced = wait_for(lambda: not worker_pids(server.process.pid) & old_workers)
        assert failures(outcomes) == []
        assert len(outcomes) == len(lookup_paths)
        assert after_signal, "the stream ended before SIGHUP: nothing was tested"
        assert replaced
        assert len(worker_pids(server.process.pid)) == 2


def requests_in_flight(server):
    """The in-flight gauge over all workers, the scrape asking for it included."""
    text = send(server.base_url, "/metrics").body.decode()
    for family in text_string_to_metric_families(text):
        if family.name == "music_api_requests_in_flight":
            return sum(sample.value for sample in family.samples)
    return 0


def test_sigterm_finishes_requests_in_flight_then_exits(main_file, track_ids):
    # What gunicorn promises: a request a worker is handling when SIGTERM
    # arrives is finished. No timing decides what is "in flight": the
    # request is held inside the application (reading a body sent in two
    # parts) until the metrics count it and the master has taken the signal.
    body = json.dumps({"tracks": track_ids[:100]}).encode()
    head = (
        "POST /batch/lookup HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with running_gunicorn(service_env(main_file), workers=2) as server:
        port = int(server.base_url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT_S) as sock:
            sock.sendall(head + body[:10])
            assert wait_for(lambda: requests_in_flight(server) >= 2), "the request never reached the app"
            server.process.send_signal(signal.SIGTERM)
            assert wait_for(lambda: "Handling signal: term" in server.log())
            sock.sendall(body[10:])
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        exit_code = server.process.wait(timeout=WAIT_S)
    head_bytes, _, payload = answer.partition(b"\r\n\r\n")
    assert head_bytes.startswith(b"HTTP/1.1 200 ")
    assert set(json.loads(payload)["tracks"]) <= set(track_ids[:100])
    assert len(json.loads(payload)["tracks"]) > 0
    assert exit_code == 0


def test_max_requests_replaces_workers_without_failed_request(main_file, lookup_paths):
    env = service_env(main_file, GUNICORN_MAX_REQUESTS=40, GUNICORN_MAX_REQUESTS_JITTER=10)
    with running_gunicorn(env, workers=2) as server:
        outcomes = stream(server.base_url, lookup_paths[:600], clients=CLIENTS)
        boots = [line for line in log_lines(server) if line["message"].startswith("Booting worker")]
    assert failures(outcomes) == []
    # 600 requests at most 50 per worker life: at least 12 lives, not the first 2.
    assert len(boots) >= 12
