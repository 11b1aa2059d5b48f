"""HTTP caching: the files never change while they are open, so answers can be kept.

Every successful GET (and HEAD) answer carries a strong ``ETag`` (a hash of
its body) and ``Cache-Control: public, max-age=CACHE_MAX_AGE``; a request
whose ``If-None-Match`` holds the current tag is answered 304 with no body.
Errors say ``no-store``: a cached 404 would outlive a restored file and a
cached 429 would throttle other clients behind a shared cache. ``/health``
and ``/metrics`` describe the present moment, so they are never stored either.
"""

from flask import current_app
from flask import request

# Blueprints whose answers change from one moment to the next.
LIVE_BLUEPRINTS = frozenset({"health", "metrics"})
NOT_STORED = "no-store"


def add_cache_headers(response):
    if response.status_code >= 400 or request.blueprint in LIVE_BLUEPRINTS:
        response.headers["Cache-Control"] = NOT_STORED
        return response
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    max_age = int(current_app.config["CACHE_MAX_AGE"])
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    if response.direct_passthrough:
        # A file sent by send_file already has its own tag and answers 304 itself.
        return response
    response.add_etag()
    return response.make_conditional(request)


def init_app(app):
    app.after_request(add_cache_headers)
