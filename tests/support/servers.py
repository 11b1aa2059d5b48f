"""Real servers for integration tests and bench/: started on free loopback
ports, always stopped.

Each helper is a context manager that waits (bounded) until the server
answers, and on exit stops it and every child, even when the test (or the
benchmark) failed.
"""

import contextlib
import grp
import os
import pwd
import random
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import redis
import requests

from tests.support.processes import cpu_seconds
from tests.support.processes import memory_mb
from tests.support.processes import worker_pids

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Bounds for a server that will never come up or go down, not for a slow
# one: bench/ serves catalogues of millions of tracks on a shared machine.
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30


EPHEMERAL_PORTS = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST_FREE_PORT = 10000
FREE_PORT_ATTEMPTS = 200
_handed_out_ports = set()


def free_port():
    """Return a TCP port that nothing is bound to on any IPv4 address right now,
    outside the kernel's ephemeral range and never returned before in this process.

    A port the kernel picks for ``bind(0)`` lies in the ephemeral range, which
    every outgoing connection draws its local port from too: between this call
    and the server's own bind, a client socket could take it (once seen in CI
    as nginx's "Address already in use"). Below that range, only an explicit
    bind can. The check binds every address because nginx and containers
    listen on 0.0.0.0, where a socket on any 127.x address conflicts.
    """
    ephemeral_low, _ = (int(bound) for bound in EPHEMERAL_PORTS.read_text().split())
    below_ephemeral = range(LOWEST_FREE_PORT, ephemeral_low)
    # Bounded: a machine whose ephemeral range starts low, or whose ports
    # below it are all taken, gets an error rather than a loop.
    for port in random.sample(below_ephemeral, min(FREE_PORT_ATTEMPTS, len(below_ephemeral))):
        if port in _handed_out_ports:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("0.0.0.0", port))
            except OSError:
                continue
        _handed_out_ports.add(port)
        return port
    raise RuntimeError(
        f"no free port in {LOWEST_FREE_PORT}..{ephemeral_low - 1}, below the ephemeral range,"
        f" in {FREE_PORT_ATTEMPTS} tries"
    )


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str
    log_path: Path

    def log(self):
        return self.log_path.read_text(errors="replace")

    def worker_pids(self):
        return worker_pids(self.process.pid)

    def cpu_seconds(self):
        """CPU time (user + system) used so far by the master and its workers.

        On a shared machine this is steadier than throughput: a request costs
        about the same CPU however many other processes want the cores.
        """
        # Workers replaced meanwhile (max_requests) are counted through the
        # master's figures for its reaped children.
        return cpu_seconds(self.process.pid, with_reaped_children=True) + sum(
            cpu_seconds(pid) for pid in self.worker_pids()
        )

    def worker_memory(self):
        """The largest worker's {"rss_mb", "anon_mb", "file_mb"} (see
        :func:`tests.support.processes.memory_mb`), or {} without workers."""
        sizes = [memory_mb(pid) for pid in self.worker_pids()]
        sizes = [size for size in sizes if size]
        return max(sizes, key=lambda size: size["rss_mb"]) if sizes else {}


def wait_until_answers(url, process, log_path, timeout=START_TIMEOUT_S):
    """Poll ``url`` until it answers, the process dies, or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited {process.returncode}:\n{log_path.read_text()}")
        # Any answer will do (a 503 is an answer); a busy new worker may
        # take longer than the timeout for its first one.
        with contextlib.suppress(requests.ConnectionError, requests.Timeout):
            requests.get(url, timeout=2)
            return
        time.sleep(0.1)
    raise RuntimeError(f"server did not answer {url} in {timeout} s:\n{log_path.read_text()}")


def stop(process, sig=signal.SIGTERM):
    """Stop ``process`` with ``sig``, then kill it if it has not exited in time."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_S)


@contextlib.contextmanager
def running_gunicorn(
    env=None,
    *,
    workers=2,
    health_path="/health",
    app="wsgi:app",
    worker_class=None,
    cwd=REPO,
    start_timeout=START_TIMEOUT_S,
):
    """Run ``gunicorn -c gunicorn.conf.py APP`` (the service by default) with
    the production settings of ``cwd`` (this checkout by default).

    ``env`` adds to (or, with a None value, removes from) the environment,
    e.g. ``{"MUSIC_API_MAIN_DATABASE": path}``. The server is ready when
    ``health_path`` answers and all ``workers`` run. bench/ uses ``app`` for
    its floor and peer servers (``worker_class`` for the peer's ASGI worker)
    and ``cwd`` to serve another checkout.
    """
    port = free_port()
    environment = dict(os.environ, MUSIC_API_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(workers))
    for name, value in (env or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = str(value)
    command = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"]
    if worker_class:
        command += ["--worker-class", worker_class]
    with tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command + [app],
            cwd=cwd,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(base_url + health_path, process, log_path, start_timeout)
        wait_for_workers(process.pid, workers, start_timeout)
        yield Server(process=process, base_url=base_url, log_path=log_path)
    finally:
        stop(process)
        log_path.unlink(missing_ok=True)


def wait_for_workers(master_pid, count, timeout=START_TIMEOUT_S):
    """Wait until the gunicorn master has ``count`` workers, so tests that
    look at worker processes never see one still being forked."""
    deadline = time.monotonic() + timeout
    while len(worker_pids(master_pid)) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not start {count} workers in {timeout} s")
        time.sleep(0.05)


def wait_until_listening(port, process, log_path, timeout=START_TIMEOUT_S):
    """Wait (bounded) until something accepts TCP connections on 127.0.0.1:``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited {process.returncode}:\n{log_path.read_text()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listened on port {port} in {timeout} s:\n{log_path.read_text()}")


def system_binary(name):
    """Return the path of a Debian package's binary, or say how to install it."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if path is None:
        raise RuntimeError(f"{name} is not installed: run `make system-packages`")
    return path


@dataclass
class RedisServer:
    process: subprocess.Popen
    url: str
    log_path: Path

    def client(self):
        return redis.Redis.from_url(self.url)


@contextlib.contextmanager
def running_redis(port=None):
    """Run a throwaway ``redis-server`` on a free loopback port (or ``port``):
    no persistence, no daemon."""
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="redis-") as folder:
        log_path = Path(folder) / "redis.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [
                    system_binary("redis-server"),
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--dir",
                    folder,
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until_listening(port, process, log_path)
            server = RedisServer(process=process, url=f"redis://127.0.0.1:{port}/0", log_path=log_path)
            _wait_until_redis_answers(server)
            yield server
        finally:
            stop(process)


def _wait_until_redis_answers(server, timeout=START_TIMEOUT_S):
    # redis-server accepts connections a moment before it loads and answers.
    deadline = time.monotonic() + timeout
    with server.client() as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.exceptions.BusyLoadingError, redis.ConnectionError):
                if client.ping():
                    return
            time.sleep(0.05)
    raise RuntimeError(f"redis did not answer PING in {timeout} s:\n{server.log_path.read_text()}")


def render_template(path, **values):
    """Fill the ``${NAME}`` placeholders of a shipped config, as ``envsubst`` would.

    nginx's own ``$variables`` are left alone; a placeholder left unfilled is an error.
    """
    text = string.Template(Path(path).read_text()).safe_substitute(values)
    unfilled = [name for name in string.Template(text).get_identifiers() if name.isupper()]
    if unfilled:
        raise ValueError(f"{path}: no value for {', '.join(unfilled)}")
    return text


@dataclass
class NginxServer:
    process: subprocess.Popen
    base_url: str
    prefix: Path

    def access_log(self):
        return (self.prefix / "access.log").read_text(errors="replace")

    def error_log(self):
        return (self.prefix / "error.log").read_text(errors="replace")


# Debian's stock configuration, as `apt-get install nginx` leaves it.
STOCK_NGINX = Path("/etc/nginx")
SITE_FILE_NAME = "music-metadata-api.conf"


def stock_debian_nginx(prefix, port):
    """Copy Debian's stock /etc/nginx into ``prefix``, as an operator finds it.

    The default site stays enabled and is moved from port 80 to ``port``, so
    that it competes with the service's site as it would on port 80. Only
    what a test cannot share is changed: the pid file and logs live under
    ``prefix``, and (as root) the workers run as the current user, since
    www-data cannot enter pytest's private folders. Return the copy's folder.
    """
    if not (STOCK_NGINX / "nginx.conf").exists():
        raise RuntimeError(f"no {STOCK_NGINX}/nginx.conf: run `make system-packages`")
    etc = Path(prefix) / "etc-nginx"
    # Links (sites-enabled/default, modules-enabled/*) are copied as files.
    shutil.copytree(STOCK_NGINX, etc)
    for path in etc.rglob("*"):
        if path.is_file() and path.suffix in ("", ".conf"):
            text = path.read_text(errors="surrogateescape")
            text = text.replace(f"{STOCK_NGINX}/", f"{etc}/")
            text = text.replace("/run/nginx.pid", f"{prefix}/nginx.pid")
            text = text.replace("/var/log/nginx/", f"{prefix}/")
            path.write_text(text, errors="surrogateescape")
    main = etc / "nginx.conf"
    user = ""
    if os.geteuid() == 0:
        user = f"user {pwd.getpwuid(os.getuid()).pw_name} {grp.getgrgid(os.getgid()).gr_name};"
    main.write_text(re.sub(r"^user [^;]*;", user, main.read_text(), count=1, flags=re.MULTILINE))
    default_site = etc / "sites-enabled" / "default"
    moved = re.sub(r"listen (\[::\]:)?80 ", rf"listen \g<1>{port} ", default_site.read_text())
    default_site.write_text(moved)
    return etc


def install_site(etc, site_config):
    """docs/DEPLOYMENT.md's nginx steps: the rendered site file into conf.d/,
    Debian's default site disabled."""
    (etc / "conf.d" / SITE_FILE_NAME).write_text(site_config)
    (etc / "sites-enabled" / "default").unlink()


def nginx_command(prefix, etc, *args):
    return [
        system_binary("nginx"), "-p", f"{prefix}/", "-c", str(etc / "nginx.conf"),
        "-e", str(Path(prefix) / "error.log"), *args,
    ]


@contextlib.contextmanager
def running_nginx(site_config, prefix, port):
    """Run nginx in the foreground from Debian's stock configuration with
    ``site_config`` (http-level text, deploy/nginx.conf rendered, listening on
    ``port``) installed as docs/DEPLOYMENT.md says.

    ``prefix`` is a folder of the test's own (a ``tmp_path``): the copied
    configuration, pid and logs all live there.
    """
    prefix = Path(prefix)
    prefix.mkdir(parents=True, exist_ok=True)
    etc = stock_debian_nginx(prefix, port)
    install_site(etc, site_config)
    log_path = prefix / "stderr.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            nginx_command(prefix, etc, "-g", "daemon off;"),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_listening(port, process, log_path)
        yield NginxServer(process=process, base_url=f"http://127.0.0.1:{port}", prefix=prefix)
    finally:
        stop(process)


def service_env(main_file, **settings):
    """Environment for a service instance over ``main_file``: ``LOG_LEVEL="INFO"``
    becomes ``MUSIC_API_LOG_LEVEL=INFO``; names already upper-case with their
    own prefix (``WEB_CONCURRENCY``, ``GUNICORN_THREADS``) pass as they are."""
    env = {"MUSIC_API_MAIN_DATABASE": str(main_file), "MUSIC_API_RATELIMIT_ENABLED": "false"}
    for name, value in settings.items():
        if not name.startswith(("GUNICORN_", "WEB_", "PROMETHEUS_")):
            name = f"MUSIC_API_{name}"
        env[name] = str(value)
    return env
