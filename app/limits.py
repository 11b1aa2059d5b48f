"""Rate limits per client IP, with flask-limiter (settings: ``RATELIMIT_*``)."""

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from app.limiter_costs import reduce_per_request_work

# Blueprints outside every limit, named by their modules at import time and
# exempted on each app's own limiter.
_exempt_blueprints = []


def is_cors_preflight():
    # A browser sends a preflight before each cross-origin POST; counting it
    # would halve the limit of browser clients.
    return request.method == "OPTIONS"


def init_app(app):
    # One limiter per app: a limiter shared between apps keeps the first
    # app's settings (tests build apps with different limits).
    limiter = Limiter(get_remote_address, headers_enabled=True)
    limiter.request_filter(is_cors_preflight)
    # Registered before the limiter's own hook, so it runs after it (Flask
    # runs after_request hooks last-registered first).
    app.after_request(drop_retry_after_unless_refused)
    limiter.init_app(app)
    for blueprint in _exempt_blueprints:
        limiter.exempt(blueprint)
    reduce_per_request_work(limiter, app)


def drop_retry_after_unless_refused(response):
    # flask-limiter adds Retry-After to every answer; it only means something
    # on a 429 (or a 503), and on a cacheable 200 it would be stored with it.
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def exempt(blueprint):
    """Keep ``blueprint`` outside every limit (health checks, documentation)."""
    _exempt_blueprints.append(blueprint)
    return blueprint
