"""gunicorn settings, read from the environment (see README, "Configuration",
and docs/DEPLOYMENT.md for why each default is what it is).

Shipped inside the package, so an installed service needs no checkout:
``music-metadata-api serve`` runs ``gunicorn -c python:app.gunicorn_config
app.wsgi:app``; the checkout's gunicorn.conf.py only imports this module.
"""

import atexit
import fcntl
import os
import re
import shutil
import tempfile
from pathlib import Path

import gunicorn.http.message
import gunicorn.util

from app import collector
from app.config import environment_setting
from app.gunicorn_errors import write_json_error
from app.logs import logging_config

# Requests gunicorn refuses itself (bad request line, oversized headers) get
# the service's JSON error body instead of gunicorn's HTML page.
gunicorn.util.write_error = write_json_error
# gunicorn refuses a request line with raw bytes over 0x7F, which curl sends
# for `?q=beyoncé` and which nginx and Go's net/http accept (RFC 9112 3.2
# allows a server to): accept them, still refusing controls, spaces and DEL.
# The bytes reach the app as latin-1 characters (PEP 3333), and Werkzeug
# reads them back as UTF-8. The pure-Python parser is the one that does
# this check, so it is chosen explicitly (http_parser below).
gunicorn.http.message.RFC9112_TARGET_INVALID = re.compile(r"[^\x21-\x7e\x80-\xff]")
http_parser = "python"


def _available_cores():
    # The cores this process may run on (a container or systemd's CPUAffinity
    # can give fewer than the machine has).
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


bind = environment_setting("BIND")
workers = int(os.environ.get("WEB_CONCURRENCY", _available_cores()))
# Chosen by measurement (docs/DEPLOYMENT.md): SQLite releases the GIL while it
# reads, so a few threads per worker keep a core busy while another thread
# waits on the disk, and a slow search does not hold a whole worker.
_worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# (gunicorn turns a sync worker with more than one thread into gthread.)
threads = int(os.environ.get("GUNICORN_THREADS", 4 if _worker_class == "gthread" else 1))
# gthread, noting when each request arrived so that time limits count its
# wait for a thread (app/arrival.py).
worker_class = "app.gunicorn_worker.ThreadWorker" if _worker_class == "gthread" else _worker_class
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
logconfig_dict = logging_config(environment_setting("LOG_LEVEL"))

# prometheus_client's multiprocess mode must know its folder before the app
# (and prometheus_client) is imported; gunicorn reads this file first. A
# folder of our own, named after the master, unless the operator chose one.
_OWN_METRICS_DIR = Path(tempfile.gettempdir()) / f"music-metadata-api-metrics-{os.getpid()}"
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_OWN_METRICS_DIR))
Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)


def on_starting(server):
    _lock_metrics_dir(Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]))
    # Files left by an earlier run would be added to this run's counts. (This
    # hook runs once per master; a SIGHUP reload keeps the counts.)
    for values_file in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        values_file.unlink(missing_ok=True)


_metrics_dir_lock = []


def _lock_metrics_dir(folder):
    # Two instances sharing one folder would add up each other's metrics,
    # and each one's start would wipe the other's: the master holds a lock on
    # the folder for its life, and a second instance refuses to start.
    lock_file = open(folder / ".instance.lock", "w")  # held until the master exits
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit(
            f"music-metadata-api: PROMETHEUS_MULTIPROC_DIR {folder} is in use by another "
            "running instance: give each instance a folder of its own"
        ) from None
    _metrics_dir_lock.append(lock_file)


def pre_fork(server, worker):
    # In the master, with the app loaded (preload_app): each worker starts
    # with it out of the collector's way (app/collector.py).
    collector.set_for_serving()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def _remove_own_metrics_dir(master_pid=os.getpid()):
    # atexit rather than on_exit, so a master that fails to load the app
    # cleans up too; workers inherit the handler but are not the master.
    if os.getpid() == master_pid and Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]) == _OWN_METRICS_DIR:
        shutil.rmtree(_OWN_METRICS_DIR, ignore_errors=True)


atexit.register(_remove_own_metrics_dir)
