"""deploy/nginx.conf as shipped, in front of two real gunicorn instances that
share one real Redis for rate limits."""

import gzip
import json
import signal
import subprocess
import threading
import time

import pytest

from tests.support.servers import REPO
from tests.support.servers import SITE_FILE_NAME
from tests.support.servers import free_port
from tests.support.servers import install_site
from tests.support.servers import nginx_command
from tests.support.servers import render_template
from tests.support.servers import running_gunicorn
from tests.support.servers import running_nginx
from tests.support.servers import running_redis
from tests.support.servers import service_env
from tests.support.servers import stock_debian_nginx
from tests.support.traffic import failures
from tests.support.traffic import raw_request
from tests.support.traffic import send
from tests.support.traffic import stream

NGINX_TEMPLATE = REPO / "deploy" / "nginx.conf"
LIMIT = 30


@pytest.fixture(scope="module")
def track_ids(oracle):
    return [row["id"] for row in oracle.execute("SELECT id FROM tracks ORDER BY rowid")]


def render_site(port, upstreams, cache_dir):
    """deploy/nginx.conf rendered as docs/DEPLOYMENT.md does, listening on
    ``port`` of every address (as `NGINX_LISTEN=80` does), where the stock
    default site listens too."""
    return render_template(
        NGINX_TEMPLATE,
        NGINX_LISTEN=str(port),
        API_UPSTREAM_1=upstreams[0],
        API_UPSTREAM_2=upstreams[1],
        NGINX_CACHE_DIR=str(cache_dir),
    )


def addresses(instances):
    return [instance.base_url.removeprefix("http://") for instance in instances]


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
            site = render_site(port, addresses((first, second)), folder / "cache")
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
    assert refused.headers["retry-after"].isdigit()
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["x-request-id"]
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
        site = render_site(port, addresses((first, second)), tmp_path / "cache")
        with running_nginx(site, tmp_path / "prefix", port) as nginx:
            stopped = {}

            def stop_first():
                # Once it has answered some of the stream (not after a fixed
                # time, which a fast machine could outrun), bounded.
                deadline = time.monotonic() + 120
                while first.log().count('"app.requests"') < 50 and time.monotonic() < deadline:
                    time.sleep(0.02)
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


def test_the_site_wins_over_debians_default_site_only_once_it_is_disabled(tmp_path):
    # The documented steps disable the stock default site; skipped, nginx
    # refuses the configuration instead of answering with its welcome page.
    port = free_port()
    etc = stock_debian_nginx(tmp_path, port)
    site = render_site(port, ["127.0.0.1:9", "127.0.0.1:9"], tmp_path / "cache")
    (etc / "conf.d" / SITE_FILE_NAME).write_text(site)
    skipped = subprocess.run(nginx_command(tmp_path, etc, "-t"), capture_output=True, text=True, timeout=30)
    assert skipped.returncode != 0
    assert "duplicate default server" in skipped.stderr
    install_site(etc, site)
    followed = subprocess.run(nginx_command(tmp_path, etc, "-t"), capture_output=True, text=True, timeout=30)
    assert followed.returncode == 0, followed.stderr


def test_answers_requests_for_any_host_name(deployment, track_ids):
    nginx, _ = deployment
    path = f"/lookup/track/{track_ids[2]}"
    for host in ("api.example.com", "localhost", "203.0.113.5"):
        outcome = send(nginx.base_url, path, headers={"Host": host}, source_address="127.0.0.8")
        assert outcome.status == 200, host
        assert json.loads(outcome.body)["id"] == track_ids[2]


def test_a_raw_utf8_query_string_is_answered(deployment):
    nginx, instances = deployment
    # As curl sends `?q=beyoncé`: the bytes of é unescaped in the request line.
    status, headers, payload = raw_request(nginx.base_url, "GET", "/search/artist?q=beyoncé".encode())
    escaped = send(instances[0].base_url, "/search/artist?q=beyonc%C3%A9")
    assert status == 200
    assert json.loads(payload) == json.loads(escaped.body)
    assert headers["x-request-id"]


def test_a_body_over_nginx_limit_is_the_json_413_with_the_request_id(deployment):
    nginx, _ = deployment
    outcome = send(
        nginx.base_url, "/batch/lookup", method="POST", body=b"x" * (3 * 1024 * 1024),
        headers={"Content-Type": "application/json", "X-Request-ID": "too-large-1"},
        source_address="127.0.0.9",
    )
    assert outcome.status == 413
    assert outcome.headers["content-type"] == "application/json"
    assert json.loads(outcome.body) == {"error": {"status": 413, "message": "request body too large"}}
    assert outcome.headers["x-request-id"] == "too-large-1"


def test_nginx_own_errors_are_json_with_the_request_id_and_retry_after(tmp_path):
    # No instance listens: every answer is nginx's own.
    port = free_port()
    site = render_site(port, [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"], tmp_path / "cache")
    with running_nginx(site, tmp_path / "prefix", port) as nginx:
        outcomes = [
            send(nginx.base_url, "/lookup/track/0000000000000000000000", headers={"X-Request-ID": "down-1"}),
            send(nginx.base_url, "/batch/lookup", method="POST", body=b"{}"),
        ]
    for outcome in outcomes:
        assert outcome.status == 503
        assert outcome.headers["content-type"] == "application/json"
        assert json.loads(outcome.body) == {"error": {"status": 503, "message": "service unavailable"}}
        assert int(outcome.headers["retry-after"]) >= 1
        assert outcome.headers["x-request-id"]
    assert outcomes[0].headers["x-request-id"] == "down-1"
