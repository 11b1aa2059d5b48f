"""Which client address the service believes (MUSIC_API_TRUSTED_PROXIES), under real gunicorn."""

import json

from tests.support.servers import running_gunicorn
from tests.support.servers import service_env
from tests.support.traffic import send

LIMIT = 5


def request_lines(server):
    return [json.loads(line) for line in server.log().splitlines() if '"app.requests"' in line]


def test_a_direct_client_cannot_dodge_its_limit_with_x_forwarded_for(main_file, oracle):
    rows = oracle.execute("SELECT id FROM tracks ORDER BY rowid LIMIT ?", (2 * LIMIT,))
    paths = [f"/lookup/track/{row['id']}" for row in rows]
    env = service_env(main_file, RATELIMIT_ENABLED="true", RATELIMIT_DEFAULT=f"{LIMIT} per hour")
    with running_gunicorn(env, workers=1) as server:
        outcomes = [
            send(server.base_url, path, headers={"X-Forwarded-For": f"198.51.100.{number}"})
            for number, path in enumerate(paths)
        ]
        lines = [line for line in request_lines(server) if line["path"] in paths]
    assert [outcome.status == 429 for outcome in outcomes] == [False] * LIMIT + [True] * LIMIT
    assert {line["client_ip"] for line in lines} == {"127.0.0.1"}


def test_one_trusted_proxy_means_the_last_forwarded_address(main_file):
    env = service_env(main_file, TRUSTED_PROXIES=1)
    with running_gunicorn(env, workers=1) as server:
        # What a client behind one proxy looks like: whatever the client
        # claimed, then the address the proxy saw.
        send(
            server.base_url, "/lookup/track/0000000000000000000000",
            headers={"X-Forwarded-For": "198.51.100.7, 192.0.2.44", "X-Request-ID": "proxied-1"},
        )
        lines = [line for line in request_lines(server) if line["request_id"] == "proxied-1"]
    assert [line["client_ip"] for line in lines] == ["192.0.2.44"]
