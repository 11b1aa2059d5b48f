"""Slow clients (slowloris: headers trickled a few bytes at a time).

Behind nginx, as documented, nginx reads whole requests before it passes
them on, so trickling clients hold no service thread and others are served.
Straight to gunicorn, each trickling client holds one worker thread for as
long as it trickles: enough of them and nobody else is answered.
"""

import contextlib
import socket
import threading
import time

import pytest
import requests

from tests.support.servers import REPO
from tests.support.servers import free_port
from tests.support.servers import render_template
from tests.support.servers import running_gunicorn
from tests.support.servers import running_nginx
from tests.support.servers import service_env

TRICKLE_INTERVAL_S = 0.3
TRICKLE_LIMIT_S = 30
NORMAL_TIMEOUT_S = 5


@contextlib.contextmanager
def trickling_clients(base_url, count):
    """``count`` connections that send a request's headers a line at a time
    and never finish them; all closed on exit (and after TRICKLE_LIMIT_S)."""
    host, port = base_url.removeprefix("http://").split(":")
    stop = threading.Event()
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((host, int(port)), timeout=5)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        sockets.append(sock)

    def trickle():
        deadline = time.monotonic() + TRICKLE_LIMIT_S
        line = 0
        while not stop.is_set() and time.monotonic() < deadline:
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.sendall(f"X-Slow-{line}: 1\r\n".encode())
            line += 1
            stop.wait(TRICKLE_INTERVAL_S)

    thread = threading.Thread(target=trickle)
    thread.start()
    try:
        time.sleep(1)  # every slow client is inside a request by now
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
        for sock in sockets:
            sock.close()


def normal_requests(base_url, count=10):
    statuses = []
    for _ in range(count):
        try:
            statuses.append(requests.get(base_url + "/health", timeout=NORMAL_TIMEOUT_S).status_code)
        except requests.RequestException as error:
            statuses.append(type(error).__name__)
    return statuses


@pytest.fixture(scope="module")
def one_small_instance(main_file):
    """One worker of two threads: two slow clients are enough to take it all."""
    env = service_env(main_file, WEB_CONCURRENCY="1", GUNICORN_THREADS="2")
    with running_gunicorn(env, workers=1) as server:
        yield server


def test_without_nginx_slow_clients_hold_every_thread(one_small_instance):
    with trickling_clients(one_small_instance.base_url, count=4):
        assert normal_requests(one_small_instance.base_url, count=1) == ["ReadTimeout"]
    # Once they go, everyone is served again.
    assert set(normal_requests(one_small_instance.base_url)) == {200}


def test_behind_nginx_slow_clients_do_not_block_others(one_small_instance, tmp_path):
    port = free_port()
    upstream = one_small_instance.base_url.removeprefix("http://")
    site = render_template(
        REPO / "deploy" / "nginx.conf",
        NGINX_LISTEN=f"127.0.0.1:{port}",
        API_UPSTREAM_1=upstream,
        API_UPSTREAM_2=upstream,
        NGINX_CACHE_DIR=str(tmp_path / "cache"),
    )
    with running_nginx(site, tmp_path / "prefix", port) as nginx:
        with trickling_clients(nginx.base_url, count=40):
            assert set(normal_requests(nginx.base_url)) == {200}
