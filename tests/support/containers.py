"""podman for the container tests: base images made from Debian's packages,
the service's image built by ``make image``, containers that are always removed.

No image registry can be reached here, so the images the tests run on are
made locally: ``debootstrap --variant=minbase`` writes a Debian bookworm root
with Python (the base the service's image is built on), and the same root
with nginx and Redis added from Debian's packages stands in for the official
nginx and Redis images of deploy/compose.yaml. Both are kept in podman's
store under fixed names and made again only when missing (a cold machine:
about two minutes). Everything else (the service's image, containers,
networks) is named per test run and removed afterwards, even on failure.
"""

import contextlib
import fcntl
import functools
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.support.servers import free_port

REPO = Path(__file__).resolve().parents[2]
BASE_IMAGE = "localhost/music-metadata-api-test-base:bookworm"
PEERS_IMAGE = "localhost/music-metadata-api-test-peers:bookworm"
IMAGE_LABEL = "org.opencontainers.image.title=music-metadata-api"
DEBIAN_MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")
# The image's Python must match the wheels' (see `make image`): Debian's own.
DEBIAN_PYTHON = "/usr/bin/python3"
# Several test runs (worktrees) may share this machine's podman store.
IMAGES_LOCK = Path(tempfile.gettempdir()) / "music-metadata-api-test-images.lock"
CATALOGUE_FILES = ("main_database.sqlite3", "track_files.sqlite3")
START_TIMEOUT_S = 90
COMMAND_TIMEOUT_S = 900

# What this machine's sandbox allows (see docs/DEPLOYMENT.md, "Containers"):
# rlimits cannot be raised, crun fails on cgroups where runc works, and
# netavark with aardvark-dns gives compose's services their names.
CONTAINERS_CONF = """\
[containers]
default_ulimits = []

[engine]
runtime = "runc"

[network]
network_backend = "netavark"
"""


@functools.cache
def podman_environment():
    """The environment every podman (and podman-compose) command runs with."""
    # One fixed file, rewritten by each run: nothing accumulates.
    conf = Path(tempfile.gettempdir()) / "music-metadata-api-test-containers.conf"
    conf.write_text(CONTAINERS_CONF)
    return dict(os.environ, CONTAINERS_CONF=str(conf))


def podman(*args, check=True, timeout=COMMAND_TIMEOUT_S):
    """Run ``podman ARGS`` and return the completed process (text output)."""
    result = subprocess.run(
        ["podman", *args], env=podman_environment(), capture_output=True,
        text=True, timeout=timeout,
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"podman {' '.join(args)}: exit {result.returncode}\n{result.stderr}")
    return result


def image_exists(name):
    return podman("image", "exists", name, check=False).returncode == 0


def ensure_base_images():
    """Make the base and peers images unless podman's store already has them."""
    with IMAGES_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if image_exists(BASE_IMAGE) and image_exists(PEERS_IMAGE):
            return
        with tempfile.TemporaryDirectory(prefix="music-metadata-api-rootfs-", dir="/var/tmp") as folder:
            rootfs = Path(folder) / "rootfs"
            _run([
                "debootstrap", "--variant=minbase",
                "--include=python3,python3-venv,ca-certificates",
                "bookworm", str(rootfs), DEBIAN_MIRROR,
            ])
            _trim(rootfs)
            _import(rootfs, BASE_IMAGE)
            _add_peers(rootfs)
            _trim(rootfs)
            _import(rootfs, PEERS_IMAGE)


def _add_peers(rootfs):
    # apt runs in the root on the host's network; policy-rc.d keeps the
    # packages' scripts from starting the servers there.
    policy = rootfs / "usr/sbin/policy-rc.d"
    policy.write_text("#!/bin/sh\nexit 101\n")
    policy.chmod(0o755)
    shutil.copy("/etc/resolv.conf", rootfs / "etc/resolv.conf")
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _run(["chroot", str(rootfs), "apt-get", "update", "-qq"], env=environment)
    _run(
        ["chroot", str(rootfs), "apt-get", "install", "-y", "-qq", "--no-install-recommends",
         "nginx-light", "redis-server", "gettext-base"],
        env=environment,
    )
    policy.unlink()
    (rootfs / "etc/resolv.conf").write_text("")
    # As in the official nginx image: conf.d/*.conf is the only site.
    (rootfs / "etc/nginx/sites-enabled/default").unlink(missing_ok=True)


def _trim(rootfs):
    # Package caches and documentation: a third of a minbase root.
    for pattern in ("var/cache/apt/*", "var/lib/apt/lists/*", "usr/share/doc/*",
                    "usr/share/man/*", "usr/share/info/*", "usr/share/locale/*"):
        for path in rootfs.glob(pattern):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()


def _import(rootfs, name):
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
    try:
        result = subprocess.run(
            ["podman", "import", "-", name], stdin=tar.stdout, env=podman_environment(),
            capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S,
        )
    finally:
        tar.stdout.close()
        tar.wait()
    if result.returncode != 0 or tar.returncode != 0:
        raise RuntimeError(f"importing {name} failed:\n{result.stderr}")


def _run(command, **options):
    result = subprocess.run(command, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, **options)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@functools.cache
def service_image():
    """Build the service's image with ``make image`` on the Debian base, once
    per test run; return its name. :func:`remove_service_image` removes it."""
    ensure_base_images()
    name = f"localhost/music-metadata-api-test:{uuid.uuid4().hex[:12]}"
    result = subprocess.run(
        ["make", "--no-print-directory", "image", f"BASE={BASE_IMAGE}", f"IMAGE={name}",
         f"WHEEL_PYTHON={DEBIAN_PYTHON}"],
        cwd=REPO, env=podman_environment(), capture_output=True, text=True,
        timeout=COMMAND_TIMEOUT_S,
    )
    if result.returncode != 0:
        raise RuntimeError(f"make image failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return name


def remove_service_image():
    if service_image.cache_info().currsize:
        podman("rmi", "--force", service_image(), check=False)
        # The build stage and cached layers left untagged (the Containerfile
        # labels every one of them).
        podman("image", "prune", "--force", "--filter", f"label={IMAGE_LABEL}", check=False)


def image_inspect(name):
    """What podman knows of the image: ``Config`` (Env, User, ExposedPorts),
    ``Healthcheck``, ``Size``."""
    return json.loads(podman("image", "inspect", name).stdout)[0]


def readable_copy(folder, files):
    """Copy ``files`` of ``folder`` into a new folder anyone may read (the
    container's user is not root, and pytest's own folders are private);
    return the new folder. The caller removes it."""
    copy = Path(tempfile.mkdtemp(prefix="music-metadata-api-data-", dir="/var/tmp"))
    copy.chmod(0o755)
    for name in files:
        shutil.copy(Path(folder) / name, copy / name)
        (copy / name).chmod(0o644)
    return copy


@dataclass
class Container:
    name: str
    base_url: str

    def logs(self):
        """What the container wrote to stdout and to stderr, apart."""
        result = podman("logs", self.name)
        return result.stdout, result.stderr

    def exec(self, *command, check=False):
        return podman("exec", self.name, *command, check=check)


@contextlib.contextmanager
def running_container(image, *options):
    """Run ``image`` detached with its port 8080 on a free loopback port,
    wait until /health answers, and always remove the container."""
    name = f"music-metadata-api-test-{uuid.uuid4().hex[:12]}"
    port = free_port()
    podman(
        "run", "--detach", "--name", name, "--publish", f"127.0.0.1:{port}:8080",
        # The health check timer needs systemd, absent here; the tests run
        # the check themselves (`podman healthcheck run`).
        "--health-interval", "disable",
        *options, image,
    )
    container = Container(name=name, base_url=f"http://127.0.0.1:{port}")
    try:
        wait_until_healthy(container.base_url + "/health", lambda: _describe(name))
        yield container
    finally:
        podman("rm", "--force", "--time", "5", name, check=False)


def wait_until_healthy(url, describe, timeout=START_TIMEOUT_S):
    """Poll ``url`` until it answers 200; ``describe()`` explains a failure."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.ConnectionError, requests.Timeout):
            if requests.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer 200 in {timeout} s:\n{describe()}")


def _describe(name):
    state = podman("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name, check=False)
    logs = podman("logs", name, check=False)
    return f"container {state.stdout.strip()}\n{logs.stdout[-3000:]}{logs.stderr[-3000:]}"
