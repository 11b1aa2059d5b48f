"""Servers under benchmark: gunicorn with the repository's gunicorn.conf.py,
on a free loopback port, always stopped (with every worker) on exit."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str

    def worker_pids(self):
        """The gunicorn workers: the master's children."""
        return [pid for pid in _all_pids() if _parent_pid(pid) == self.process.pid]

    def cpu_seconds(self):
        """CPU time (user + system) used so far by the master and its workers.

        On a shared machine this is steadier than throughput: a request costs
        about the same CPU however many other processes want the cores.
        """
        # Workers replaced meanwhile (max_requests) are counted through the
        # master's figures for its reaped children.
        return _cpu_seconds(self.process.pid, with_reaped_children=True) + sum(
            _cpu_seconds(pid) for pid in self.worker_pids()
        )

    def worker_memory(self):
        """Return the largest worker's {"rss_mb", "anon_mb", "file_mb"}.

        ``anon`` is the worker's own memory (heap, SQLite page cache);
        ``file`` is pages of mapped files (the catalogue through mmap, the
        interpreter's libraries), which live once in the shared page cache
        however many processes map them.
        """
        sizes = [_memory_mb(pid) for pid in self.worker_pids()]
        sizes = [size for size in sizes if size]
        return max(sizes, key=lambda size: size["rss_mb"]) if sizes else {}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app_spec, env=None, *, workers, worker_class=None, ready_path="/", cwd=None):
    """Run ``gunicorn -c gunicorn.conf.py APP_SPEC`` with the production settings
    (from ``cwd``, the repository by default)."""
    port = free_port()
    environment = dict(os.environ, MUSIC_API_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(workers))
    environment.update({name: str(value) for name, value in (env or {}).items()})
    command = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"]
    if worker_class:
        command += ["--worker-class", worker_class]
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
    process = subprocess.Popen(
        command + [app_spec], cwd=cwd or REPO, env=environment,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    server = Server(process, f"http://127.0.0.1:{port}")
    try:
        _wait_until_ready(server, ready_path, workers, Path(log.name))
        yield server
    finally:
        _stop(process)
        log.close()
        Path(log.name).unlink(missing_ok=True)


def _wait_until_ready(server, path, workers, log_path):
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log_path.read_text(errors='replace')}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(server.base_url + path, timeout=5):
                pass
            if len(server.worker_pids()) >= workers:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server not ready in {START_TIMEOUT_S} s:\n{log_path.read_text(errors='replace')}")


def _stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT_S)


def _all_pids():
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _parent_pid(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces; the fields after its ")" do not.
    return int(stat.rsplit(")", 1)[1].split()[1])


def _cpu_seconds(pid, with_reaped_children=False):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    # utime, stime, cutime, cstime: fields 14 to 17 of proc(5), in clock ticks.
    ticks = int(fields[11]) + int(fields[12])
    if with_reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def _memory_mb(pid):
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kib = {}
    for line in status.splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
            kib[name] = int(value.split()[0])
    return {
        "rss_mb": kib.get("VmRSS", 0) / 1024,
        "anon_mb": kib.get("RssAnon", 0) / 1024,
        "file_mb": (kib.get("RssFile", 0) + kib.get("RssShmem", 0)) / 1024,
    }
