"""The container image as users run it: built by ``make image`` on a Debian
base, run by podman read-only with a generated catalogue mounted at /data."""

import json

import pytest
import requests

from tests.support import containers
from tests.support.containers import running_container

# The image's own user (Containerfile), never root.
IMAGE_UID = 10001
# The demo built into the image always holds this ISRC (README, fixed seed).
DEMO_ISRC = "QZ5324553187"
# Tools that must not be in the image: compilers and build tools.
BUILD_TOOLS = ("gcc", "cc", "c++", "clang", "make", "ld", "as")


@pytest.fixture(scope="module")
def served(image, data_dir):
    """The image serving the generated catalogue, as production runs it."""
    with running_container(image, "--read-only", "--volume", f"{data_dir}:/data:ro") as container:
        yield container


def test_health_says_both_files_answer(served):
    answer = requests.get(served.base_url + "/health", timeout=10)
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ok",
        "databases": {"main": "ok", "track_files": "ok", "audio_features": "not configured"},
        "search": "scan",
        "index_parts": [],
    }


def test_lookup_answers_as_the_service_does_outside_the_container(served, client, oracle):
    track_id = oracle.execute("SELECT id FROM tracks ORDER BY popularity DESC LIMIT 1").fetchone()[0]
    path = f"/lookup/track/{track_id}"
    answer = requests.get(served.base_url + path, timeout=10)
    assert answer.status_code == 200
    assert answer.content == client.get(path).data


def test_serves_as_its_own_user_not_root(served, image):
    assert containers.image_inspect(image)["Config"]["User"] == f"{IMAGE_UID}:{IMAGE_UID}"
    # Every process of the container, gunicorn's master and workers alike.
    processes = served.exec("sh", "-c", "for s in /proc/[0-9]*/status; do grep '^Uid:' $s; done", check=True)
    uids = {line.split()[1] for line in processes.stdout.splitlines()}
    assert uids == {str(IMAGE_UID)}


@pytest.mark.parametrize("path", ["/opt/music-metadata-api/written", "/data/written", "/etc/written"])
def test_root_filesystem_and_catalogue_are_read_only(served, path):
    attempt = served.exec("touch", path)
    assert attempt.returncode != 0
    assert "Read-only file system" in attempt.stderr


def test_logs_are_json_lines_on_stdout(served):
    requests.get(served.base_url + "/lookup/track/0000000000000000000000", timeout=10)
    stdout, stderr = served.logs()
    lines = [json.loads(line) for line in stdout.splitlines()]
    assert stderr == ""
    assert any(line["message"] == "Listening at: http://0.0.0.0:8080 (1)" for line in lines)
    request_lines = [line for line in lines if line["logger"] == "app.requests"]
    assert {"route": "/lookup/track/{id}", "status": 404} in [
        {"route": line["route"], "status": line["status"]} for line in request_lines
    ]


def test_health_check_of_the_image_passes_and_can_fail(served, image):
    healthcheck = containers.image_inspect(image)["Healthcheck"]
    assert healthcheck["Test"][0] == "CMD"
    assert containers.podman("healthcheck", "run", served.name, check=False).returncode == 0
    # The same check against a port nothing listens on fails.
    wrong_port = served.exec("env", "MUSIC_API_BIND=0.0.0.0:9", *healthcheck["Test"][1:])
    assert wrong_port.returncode == 1


def test_exposes_8080_and_binds_all_addresses_inside_only(image):
    config = containers.image_inspect(image)["Config"]
    assert set(config["ExposedPorts"]) == {"8080/tcp"}
    assert "MUSIC_API_BIND=0.0.0.0:8080" in config["Env"]
    assert "MUSIC_API_MAIN_DATABASE=/data/main_database.sqlite3" in config["Env"]


def test_without_files_it_serves_the_demo_built_into_the_image(image):
    with running_container(image, "--read-only") as container:
        health = requests.get(container.base_url + "/health", timeout=10).json()
        tracks = requests.get(container.base_url + f"/lookup/isrc/{DEMO_ISRC}", timeout=10)
        stdout, _ = container.logs()
    assert health["search"] == "index"
    assert tracks.status_code == 200 and tracks.json()
    assert "serving the demo catalogue built into the image" in stdout


def test_a_main_file_chosen_but_missing_stops_start_up(image):
    result = containers.podman(
        "run", "--rm", "--read-only", "--env", "MUSIC_API_MAIN_DATABASE=/data/absent.sqlite3", image,
        check=False, timeout=120,
    )
    assert result.returncode != 0
    assert "/data/absent.sqlite3" in result.stdout + result.stderr


def test_sigterm_stops_gunicorn_gracefully(image, data_dir):
    with running_container(image, "--read-only", "--volume", f"{data_dir}:/data:ro") as container:
        containers.podman("stop", "--time", "30", container.name, timeout=120)
        state = containers.podman(
            "inspect", "--format", "{{.State.ExitCode}} {{.State.OOMKilled}}", container.name
        ).stdout.split()
        stdout, _ = container.logs()
    # Exit 0 from gunicorn itself: podman did not have to SIGKILL it (137).
    assert state == ["0", "false"]
    messages = [json.loads(line)["message"] for line in stdout.splitlines()]
    assert "Handling signal: term" in messages
    assert messages[-1] == "Shutting down: Master"


# Run inside the image: the distributions installed, and those the service
# needs at run time (music-metadata-api[tracing] and what it requires, with
# the image's own Python deciding environment markers).
RUNTIME_CLOSURE = """
import importlib.metadata, json
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

installed = {canonicalize_name(d.metadata["Name"]): d for d in importlib.metadata.distributions()}
needed, todo = set(), [("music-metadata-api", {"tracing"})]
while todo:
    name, extras = todo.pop()
    needed.add(name)
    for text in installed[name].requires or []:
        requirement = Requirement(text)
        wanted = requirement.marker is None or any(
            requirement.marker.evaluate({"extra": extra}) for extra in extras | {""}
        )
        if wanted:
            todo.append((canonicalize_name(requirement.name), set(requirement.extras)))
print(json.dumps({"installed": sorted(installed), "needed": sorted(needed)}))
"""


def test_image_holds_no_compiler_and_nothing_the_service_does_not_need(image):
    for tool in BUILD_TOOLS:
        found = containers.podman(
            "run", "--rm", "--entrypoint", "/bin/sh", image, "-c", f"command -v {tool}", check=False
        )
        assert found.returncode != 0, f"{tool} in the image: {found.stdout}"
    listing = containers.podman(
        "run", "--rm", "--entrypoint", "/opt/music-metadata-api/bin/python", image, "-c", RUNTIME_CLOSURE
    )
    packages = json.loads(listing.stdout)
    # Every distribution is one the service needs: no pip, no setuptools, and
    # none of the test extra (pytest, hypothesis, schemathesis, ...).
    assert packages["installed"] == packages["needed"]
    assert "pytest" not in packages["installed"] and "gunicorn" in packages["installed"]
