"""gunicorn settings, read from the environment (see README, "Configuration")."""

import os

bind = os.environ.get("MUSIC_API_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
# The app (Flask, schemas, the OpenAPI document) is imported once in the
# master and shared copy-on-write; database connections open in each worker
# after the fork, on first use.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
# gunicorn 24+ opens a control socket at one fixed per-user path; several
# instances on one host (two behind nginx, the tests) would fight over it,
# and nothing here uses it.
control_socket_disable = True
# Threaded workers keep HTTP connections alive between requests, so a client
# sending many (a bulk job, a proxy) does not pay a TCP connect and close per
# request: `make bench` measured about twice the throughput of sync workers;
# 2 threads cost the same CPU per request as sync, 4 cost more (GIL
# hand-offs) (docs/PERFORMANCE.md). Each thread opens its own catalogue
# connection; idle kept-alive connections hold no thread.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# gunicorn silently turns "sync" into gthread when threads > 1.
threads = int(os.environ.get("GUNICORN_THREADS", 2 if worker_class == "gthread" else 1))
