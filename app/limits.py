"""One rate limit per client IP across every route, with flask-limiter
(settings: ``RATELIMIT_*``).

The limit is flask-limiter's *application* limit, whose key is the client
alone: per-route default limits would give each route a count of its own,
so a client alternating two routes would get twice the limit.
"""

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from app.limiter_costs import reduce_per_request_work

# Blueprints outside the limit, named by their modules at import time and
# exempted on each app's own limiter.
_exempt_blueprints = []


def is_cors_preflight():
    # A browser sends a preflight before each cross-origin POST; counting it
    # would halve the limit of browser clients.
    return request.method == "OPTIONS"


def init_app(app):
    # The setting keeps its documented name, RATELIMIT_DEFAULT, but
    # flask-limiter would apply a default limit to each route apart: it
    # becomes flask-limiter's application limit, one count per client.
    app.config["RATELIMIT_APPLICATION"] = app.config["RATELIMIT_DEFAULT"]
    app.config["RATELIMIT_DEFAULT"] = None
    # One limiter per app: a limiter shared between apps keeps the first
    # app's settings (tests build apps with different limits).
    limiter = Limiter(get_remote_address, headers_enabled=True)
    limiter.request_filter(is_cors_preflight)
    # Registered before the limiter's own hook, so it runs after it (Flask
    # runs after_request hooks last-registered first).
    app.after_request(retry_after_only_when_refused)
    limiter.init_app(app)
    for blueprint in _exempt_blueprints:
        limiter.exempt(blueprint)
    reduce_per_request_work(limiter, app)


def retry_after_only_when_refused(response):
    """Keep ``Retry-After`` on a 429 (or 503) only, and never below 1 second.

    flask-limiter adds it to every answer (on a cacheable 200 it would be
    stored with it), and truncates the wait to whole seconds: in the last
    second of a window it says 0, which tells a client to retry at once and
    be refused again.
    """
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    elif "Retry-After" in response.headers:
        wait = response.headers.get("Retry-After", 0, int)
        response.headers["Retry-After"] = str(max(1, wait))
    return response


def exempt(blueprint):
    """Keep ``blueprint`` outside the limit (health checks, metrics, documentation)."""
    _exempt_blueprints.append(blueprint)
    return blueprint
