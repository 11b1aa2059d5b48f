"""Rate limits under real gunicorn: the headers, the 429, the exemptions, and
how the count is kept with several workers (memory:// per worker, Redis once)."""

import json
from collections import Counter

import pytest

from tests.support.inprocess import make_app
from tests.support.servers import free_port
from tests.support.servers import running_gunicorn
from tests.support.servers import running_redis
from tests.support.servers import service_env
from tests.support.traffic import send
from tests.support.traffic import stream

LIMIT = 20
REQUESTS = 80
CLIENTS = 8


@pytest.fixture(scope="module")
def distinct_paths(oracle):
    # Distinct URLs, as a real client's would be; each is one request.
    rows = oracle.execute("SELECT id FROM tracks ORDER BY rowid LIMIT ?", (REQUESTS,))
    return [f"/lookup/track/{row['id']}" for row in rows]


def limited_env(main_file, storage_uri="memory://"):
    # Sync workers take one connection at a time, so concurrent clients are
    # spread over both workers rather than queued on one.
    return service_env(
        main_file,
        RATELIMIT_ENABLED="true",
        RATELIMIT_DEFAULT=f"{LIMIT} per hour",
        RATELIMIT_STORAGE_URI=storage_uri,
        GUNICORN_WORKER_CLASS="sync",
    )


def allowed_by_worker(server):
    """{worker pid: requests it let through} from the service's own request lines."""
    lines = [json.loads(line) for line in server.log().splitlines() if '"app.requests"' in line]
    counts = Counter()
    for line in lines:
        if line["path"].startswith("/lookup/"):
            counts[line["pid"]] += line["status"] != 429
    return counts


def test_a_refused_request_gets_429_with_headers_and_json(main_file, distinct_paths):
    with running_gunicorn(limited_env(main_file), workers=1) as server:
        outcomes = [send(server.base_url, path) for path in distinct_paths[: LIMIT + 1]]
        exempt = [send(server.base_url, path) for path in ("/health", "/metrics")]
    first, refused = outcomes[0], outcomes[-1]
    assert first.headers["x-ratelimit-limit"] == str(LIMIT)
    assert first.headers["x-ratelimit-remaining"] == str(LIMIT - 1)
    assert int(first.headers["x-ratelimit-reset"]) > 0
    assert "retry-after" not in first.headers
    assert [outcome.status == 429 for outcome in outcomes] == [False] * LIMIT + [True]
    assert refused.headers["x-ratelimit-remaining"] == "0"
    assert 0 < int(refused.headers["retry-after"]) <= 3600
    body = json.loads(refused.body)
    assert body["error"]["status"] == 429
    assert body["error"]["message"].startswith("rate limit exceeded")
    assert refused.headers["cache-control"] == "no-store"
    assert [outcome.status for outcome in exempt] == [200, 200]
    assert all("x-ratelimit-limit" not in outcome.headers for outcome in exempt)


def test_memory_storage_counts_per_worker(main_file, distinct_paths):
    with running_gunicorn(limited_env(main_file), workers=2) as server:
        outcomes = stream(server.base_url, distinct_paths, clients=CLIENTS)
        per_worker = allowed_by_worker(server)
    allowed = sum(outcome.status != 429 for outcome in outcomes)
    assert len(per_worker) == 2, "one worker answered everything: nothing was tested"
    assert all(count <= LIMIT for count in per_worker.values())
    # Each worker grants the whole limit on its own.
    assert LIMIT < allowed <= 2 * LIMIT


def test_redis_storage_enforces_the_limit_once_across_workers(main_file, distinct_paths):
    with running_redis() as redis_server:
        env = limited_env(main_file, storage_uri=redis_server.url)
        with running_gunicorn(env, workers=2) as server:
            outcomes = stream(server.base_url, distinct_paths, clients=CLIENTS)
            per_worker = allowed_by_worker(server)
        keys = redis_server.client().keys("*")
    assert len(per_worker) == 2, "one worker answered everything: nothing was tested"
    assert sum(outcome.status != 429 for outcome in outcomes) == LIMIT
    assert sum(outcome.status == 429 for outcome in outcomes) == REQUESTS - LIMIT
    assert keys, "the counts were not kept in Redis"


def test_redis_outage_falls_back_to_memory_counts(main_file, distinct_paths):
    with running_redis() as redis_server:
        url = redis_server.url
    # Redis is gone now: every request must still be answered, and limited
    # by each worker's own count.
    with running_gunicorn(limited_env(main_file, storage_uri=url), workers=1) as server:
        outcomes = [send(server.base_url, path) for path in distinct_paths[: LIMIT + 1]]
    assert [outcome.status for outcome in outcomes] == [200] * LIMIT + [429]


def test_redis_is_counted_in_again_once_it_answers(main_file, distinct_paths):
    # In process, with the limiter's clock in the test's hands: the storage
    # is tried again 1, 2, 4 … seconds after it failed, not on every request.
    port = free_port()
    app = make_app(
        main_file,
        RATELIMIT_ENABLED=True,
        RATELIMIT_DEFAULT=f"{LIMIT} per hour",
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}/0",
    )
    client_limit = app.extensions["client_limit"]
    now = [0.0]
    client_limit.clock = lambda: now[0]
    client = app.test_client()

    def remaining(path):
        answer = client.get(path)
        assert answer.status_code == 200
        return int(answer.headers["X-RateLimit-Remaining"])

    # Redis is down: counted in the worker's memory, Redis tried at once again.
    assert [remaining(path) for path in distinct_paths[:2]] == [LIMIT - 1, LIMIT - 2]
    assert client_limit.storage_dead
    with running_redis(port=port) as redis_server:
        now[0] = 0.5  # before the next try: still in memory
        assert remaining(distinct_paths[2]) == LIMIT - 3
        assert not redis_server.client().keys("*")
        now[0] = 1.0
        assert remaining(distinct_paths[3]) == LIMIT - 1  # Redis's own count
        assert not client_limit.storage_dead
        assert redis_server.client().keys("*")
