"""gunicorn settings, read from the environment (see README, "Configuration",
and docs/DEPLOYMENT.md for why each default is what it is)."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import gunicorn.util

from app.config import DEFAULTS
from app.gunicorn_errors import write_json_error
from app.logs import logging_config

# Requests gunicorn refuses itself (bad request line, oversized headers) get
# the service's JSON error body instead of gunicorn's HTML page.
gunicorn.util.write_error = write_json_error


def _available_cores():
    # The cores this process may run on (a container or systemd's CPUAffinity
    # can give fewer than the machine has).
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


bind = os.environ.get("MUSIC_API_BIND", DEFAULTS["BIND"])
workers = int(os.environ.get("WEB_CONCURRENCY", _available_cores()))
# Chosen by measurement (docs/DEPLOYMENT.md): SQLite releases the GIL while it
# reads, so a few threads per worker keep a core busy while another thread
# waits on the disk, and a slow search does not hold a whole worker.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# (gunicorn turns a sync worker with more than one thread into gthread.)
threads = int(os.environ.get("GUNICORN_THREADS", 4 if worker_class == "gthread" else 1))
# The app (Flask, schemas, the OpenAPI document) is imported once in the
# master and shared copy-on-write; database connections open in each worker
# after the fork, on first use.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# SIGTERM and SIGHUP let requests in flight finish for up to this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Replace each worker after about this many requests (0: never), the jitter
# spreading the restarts so the workers never all restart at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 2000))
# gunicorn 24+ opens a control socket at one fixed per-user path; several
# instances on one host (two behind nginx, the tests) would fight over it,
# and nothing here uses it.
control_socket_disable = True
logconfig_dict = logging_config(os.environ.get("MUSIC_API_LOG_LEVEL", "INFO"))

# prometheus_client's multiprocess mode must know its folder before the app
# (and prometheus_client) is imported; gunicorn reads this file first. A
# folder of our own, named after the master, unless the operator chose one.
_OWN_METRICS_DIR = Path(tempfile.gettempdir()) / f"music-metadata-api-metrics-{os.getpid()}"
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_OWN_METRICS_DIR))
Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)


def on_starting(server):
    # Files left by an earlier run would be added to this run's counts. (This
    # hook runs once per master; a SIGHUP reload keeps the counts.)
    for values_file in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        values_file.unlink(missing_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def _remove_own_metrics_dir(master_pid=os.getpid()):
    # atexit rather than on_exit, so a master that fails to load the app
    # cleans up too; workers inherit the handler but are not the master.
    if os.getpid() == master_pid and Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]) == _OWN_METRICS_DIR:
        shutil.rmtree(_OWN_METRICS_DIR, ignore_errors=True)


atexit.register(_remove_own_metrics_dir)
