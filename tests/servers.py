"""Real servers for integration tests: started on free loopback ports, always stopped.

Each helper is a context manager that waits (bounded) until the server
answers, and on exit stops it and every child, even when the test failed.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 30


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str
    log_path: Path

    def log(self):
        return self.log_path.read_text(errors="replace")


def wait_until_answers(url, process, log_path, timeout=START_TIMEOUT_S):
    """Poll ``url`` until it answers, the process dies, or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited {process.returncode}:\n{log_path.read_text()}")
        with contextlib.suppress(requests.ConnectionError):
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
def running_gunicorn(env=None, *, workers=2, health_path="/health"):
    """Run ``gunicorn -c gunicorn.conf.py wsgi:app`` from the repository root.

    ``env`` adds to (or, with a None value, removes from) the environment,
    e.g. ``{"MUSIC_API_MAIN_DATABASE": path}``.
    """
    port = free_port()
    environment = dict(os.environ, MUSIC_API_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(workers))
    for name, value in (env or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = str(value)
    with tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=REPO,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(base_url + health_path, process, log_path)
        yield Server(process=process, base_url=base_url, log_path=log_path)
    finally:
        stop(process)
        log_path.unlink(missing_ok=True)
