"""deploy/compose.yaml as shipped, started by podman-compose: nginx in front
of two instances of the image, Redis holding their shared rate limit, the
generated catalogue mounted read-only into both."""

import contextlib
import json
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import containers
from tests.support.servers import free_port
from tests.support.traffic import send

COMPOSE_FILE = containers.REPO / "deploy" / "compose.yaml"
PODMAN_COMPOSE = Path(sys.executable).parent / "podman-compose"
LIMIT = 30
REQUESTS = 40
INSTANCES = ("api-1", "api-2")


@dataclass
class Topology:
    project: str
    base_url: str

    def container(self, service):
        # podman-compose's naming: PROJECT_SERVICE_INDEX.
        return f"{self.project}_{service}_1"

    def request_lines(self, service):
        stdout = containers.podman("logs", self.container(service)).stdout
        lines = (json.loads(line) for line in stdout.splitlines() if line.startswith("{"))
        return [line for line in lines if line.get("logger") == "app.requests"]


def compose(project, *args, env):
    command = [str(PODMAN_COMPOSE), "--project-name", project, "--file", str(COMPOSE_FILE), *args]
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=containers.COMMAND_TIMEOUT_S
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@contextlib.contextmanager
def compose_up(settings):
    """Start the file's services under a project name of this run; always take them down."""
    project = f"music-api-test-{uuid.uuid4().hex[:8]}"
    env = dict(containers.podman_environment(), **settings)
    base_url = f"http://{settings['MUSIC_API_PORT']}"
    try:
        compose(project, "up", "--detach", env=env)
        topology = Topology(project=project, base_url=base_url)
        # Each instance ready before any request goes through nginx, which
        # would otherwise mark a starting one failed (max_fails=1) and, with
        # both marked, answer 503 for fail_timeout.
        for service in INSTANCES:
            wait_until_container_healthy(topology.container(service), lambda: _logs(project))
        containers.wait_until_healthy(base_url + "/health", lambda: _logs(project))
        yield topology
    finally:
        compose(project, "down", "--timeout", "10", env=env)


def wait_until_container_healthy(name, describe):
    """Run the image's own HEALTHCHECK in the container until it passes (bounded)."""
    deadline = time.monotonic() + containers.START_TIMEOUT_S
    while containers.podman("healthcheck", "run", name, check=False).returncode != 0:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} not healthy in {containers.START_TIMEOUT_S} s:\n{describe()}")
        time.sleep(0.5)


def _logs(project):
    listing = containers.podman(
        "ps", "--all", "--filter", f"name={project}", "--format", "{{.Names}} {{.Status}}"
    )
    logs = [containers.podman("logs", name.split()[0], check=False) for name in listing.stdout.splitlines()]
    return listing.stdout + "".join(log.stdout[-2000:] + log.stderr[-2000:] for log in logs)


@pytest.fixture(scope="module")
def topology(image, data_dir):
    settings = {
        "MUSIC_API_IMAGE": image,
        # Debian's nginx and Redis stand in for the official images.
        "NGINX_IMAGE": containers.PEERS_IMAGE,
        "REDIS_IMAGE": containers.PEERS_IMAGE,
        "MUSIC_API_DATA": str(data_dir),
        "MUSIC_API_PORT": f"127.0.0.1:{free_port()}",
        "MUSIC_API_RATELIMIT_DEFAULT": f"{LIMIT} per hour",
    }
    with compose_up(settings) as running:
        yield running


@pytest.fixture(scope="module")
def answers(topology, oracle):
    """REQUESTS distinct track lookups through nginx, one after the other."""
    ids = [row[0] for row in oracle.execute("SELECT id FROM tracks ORDER BY rowid LIMIT ?", (REQUESTS,))]
    return {track_id: send(topology.base_url, f"/lookup/track/{track_id}") for track_id in ids}


def test_one_rate_limit_over_both_instances(answers):
    statuses = [answer.status for answer in answers.values()]
    # Redis holds one count: with memory:// each of the 2 x 2 workers would
    # have let up to LIMIT through.
    assert statuses.count(200) == LIMIT
    assert statuses.count(429) == REQUESTS - LIMIT
    refused = next(answer for answer in answers.values() if answer.status == 429)
    assert json.loads(refused.body)["error"]["status"] == 429
    assert int(refused.headers["retry-after"]) > 0


def test_nginx_spreads_requests_over_both_instances(topology, answers):
    lookups = {
        service: [line for line in topology.request_lines(service) if line["route"] == "/lookup/track/{id}"]
        for service in INSTANCES
    }
    assert all(lookups[service] for service in INSTANCES)
    assert sum(len(lines) for lines in lookups.values()) == REQUESTS


def test_answers_are_the_services_own(answers, client):
    track_id, answer = next((key, value) for key, value in answers.items() if value.status == 200)
    assert answer.body == client.get(f"/lookup/track/{track_id}").data
    assert answer.headers["x-cache-status"] == "MISS"


def test_instances_see_the_client_address_not_nginxs(topology, answers):
    nginx_address = containers.podman(
        "inspect",
        "--format",
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
        topology.container("nginx"),
    ).stdout.strip()
    addresses = {line["client_ip"] for service in INSTANCES for line in topology.request_lines(service)}
    assert nginx_address and addresses and nginx_address not in addresses


@pytest.mark.parametrize("service", INSTANCES)
def test_instances_run_read_only_with_the_catalogue_read_only(topology, service):
    details = json.loads(containers.podman("inspect", topology.container(service)).stdout)[0]
    assert details["HostConfig"]["ReadonlyRootfs"] is True
    data = [mount for mount in details["Mounts"] if mount["Destination"] == "/data"]
    assert len(data) == 1 and data[0]["RW"] is False
