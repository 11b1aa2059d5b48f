"""deploy/nginx.conf as shipped, in front of two real gunicorn instances that
share one real Redis for rate limits."""

import gzip
import json
import signal
import threading
import time

import pytest

from tests.support.servers import REPO
from tests.support.servers import free_port
from tests.support.servers import render_template
from tests.support.servers import running_gunicorn
from tests.support.servers import running_nginx
from tests.support.servers import running_redis
from tests.support.servers import service_env
from tests.support.traffic import failures
from tests.support.traffic import send
from tests.support.traffic import stream

NGINX_TEMPLATE = REPO / "deploy" / "nginx.conf"
LIMIT = 30


@pytest.fixture(scope="module")
def track_ids(oracle):
    return [row["id"] for row in oracle.execute("SELECT id FROM tracks ORDER BY rowid")]


def render_site(port, instances, cache_dir):
    return render_template(
        NGINX_TEMPLATE,
        NGINX_LISTEN=f"127.0.0.1:{port}",
        API_UPSTREAM_1=instances[0].base_url.removeprefix("http://"),
        API_UPSTREAM_2=instances[1].base_url.removeprefix("http://"),
        NGINX_CACHE_DIR=str(cache_dir),
    )


@pytest.fixture(scope="module")
def deployment(main_file, tmp_path_factory):
    """nginx, two service instances (one worker each) and their shared Redis."""
    folder = tmp_path_factory.mktemp("nginx")
    with running_redis() as redis_server:
        env = service_env(
            main_file,
            RATELIMIT_ENABLED="true",
            RATELIMIT_DEFAULT=f"{LIMIT} per hour",
            RATELIMIT_STORAGE_URI=redis_server.url,
            TRUSTED_PROXIES=1,
        )
        with running_gunicorn(env, workers=1) as first, running_gunicorn(env, workers=1) as second:
            port = free_port()
            site = render_site(port, (first, second), folder / "cache")
            with running_nginx(site, folder / "prefix", port) as nginx:
                yield nginx, (first, second)


def service_lines(instances, **match):
    """The request lines both instances logged whose fields equal ``match``."""
    lines = []
    for instance in instances:
        for text in instance.log().splitlines():
            if '"app.requests"' in text:
                line = json.loads(text)
                if all(line.get(name) == value for name, value in match.items()):
                    lines.append(line)
    return lines


def test_answers_arrive_gzipped_when_asked(deployment, track_ids):
    nginx, instances = deployment
    path = f"/lookup/track/{track_ids[0]}"
    proxied = send(nginx.base_url, path, headers={"Accept-Encoding": "gzip"}, source_address="127.0.0.2")
    direct = send(instances[0].base_url, path)
    assert proxied.status == 200
    assert proxied.headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(proxied.body)) == json.loads(direct.body)
    plain = send(nginx.base_url, path, source_address="127.0.0.2")
    assert "content-encoding" not in plain.headers
    assert json.loads(plain.body) == json.loads(direct.body)


def test_the_client_address_and_request_id_reach_the_service(deployment):
    nginx, instances = deployment
    outcome = send(
        nginx.base_url, "/lookup/track/0000000000000000000000",
        headers={"X-Forwarded-For": "198.51.100.9", "X-Request-ID": "edge-test-1"},
        source_address="127.0.0.3",
    )
    assert outcome.status == 404
    assert outcome.headers["x-request-id"] == "edge-test-1"
    lines = service_lines(instances, request_id="edge-test-1")
    # The forged entry is ignored: the service believes only what nginx appended.
    assert [line["client_ip"] for line in lines] == ["127.0.0.3"]


def test_a_second_identical_get_is_served_from_the_cache(deployment, track_ids):
    nginx, instances = deployment
    path = f"/lookup/track/{track_ids[1]}"
    first = send(nginx.base_url, path, source_address="127.0.0.4")
    second = send(nginx.base_url, path, source_address="127.0.0.4")
    assert (first.status, second.status) == (200, 200)
    assert (first.headers["x-cache-status"], second.headers["x-cache-status"]) == ("MISS", "HIT")
    assert second.body == first.body
    assert second.headers["x-request-id"] != first.headers["x-request-id"]
    assert len(service_lines(instances, path=path)) == 1


def test_errors_are_not_cached(deployment):
    nginx, instances = deployment
    path = "/lookup/album/0000000000000000000000"
    outcomes = [send(nginx.base_url, path, source_address="127.0.0.5") for _ in range(2)]
    assert [outcome.status for outcome in outcomes] == [404, 404]
    assert [outcome.headers["x-cache-status"] for outcome in outcomes] == ["MISS", "MISS"]
    assert len(service_lines(instances, path=path)) == 2


def test_one_limit_over_both_instances_and_the_429_passes_through(deployment, track_ids):
    nginx, instances = deployment
    paths = [f"/lookup/track/{track_id}" for track_id in track_ids[100 : 100 + LIMIT + 5]]
    outcomes = [send(nginx.base_url, path, source_address="127.0.0.6") for path in paths]
    answered_by = {
        instance.base_url for instance in instances
        if service_lines([instance], client_ip="127.0.0.6")
    }
    assert len(answered_by) == 2, "one instance answered everything: nothing was tested"
    assert [outcome.status == 429 for outcome in outcomes] == [False] * LIMIT + [True] * 5
    refused = outcomes[-1]
    assert int(refused.headers["retry-after"]) > 0
    assert refused.headers["x-ratelimit-limit"] == str(LIMIT)
    assert refused.headers["x-ratelimit-remaining"] == "0"
    assert json.loads(refused.body)["error"]["status"] == 429
    assert refused.headers["x-cache-status"] == "MISS"
    # Another client behind the same nginx has a limit of its own.
    other = send(nginx.base_url, paths[-1], source_address="127.0.0.7")
    assert other.status == 200


def test_stopping_one_instance_loses_no_request(main_file, track_ids, tmp_path):
    env = service_env(main_file, TRUSTED_PROXIES=1)
    # Distinct URLs, so every request goes past the cache to an instance.
    paths = [f"/lookup/track/{track_id}" for track_id in track_ids[:1200]]
    with running_gunicorn(env, workers=1) as first, running_gunicorn(env, workers=1) as second:
        port = free_port()
        site = render_site(port, (first, second), tmp_path / "cache")
        with running_nginx(site, tmp_path / "prefix", port) as nginx:
            stopped = {}

            def stop_first():
                time.sleep(0.3)
                stopped["at"] = time.monotonic()
                first.process.send_signal(signal.SIGTERM)

            thread = threading.Thread(target=stop_first)
            thread.start()
            outcomes = stream(nginx.base_url, paths, clients=8)
            thread.join()
            first_exit = first.process.wait(timeout=30)
            after_stop = [outcome for outcome in outcomes if outcome.started > stopped["at"]]
    assert after_stop, "the stream ended before the instance stopped: nothing was tested"
    assert failures(outcomes) == []
    assert {outcome.status for outcome in outcomes} <= {200, 404}
    assert first_exit == 0
