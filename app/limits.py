"""Rate limits per client IP, with flask-limiter (settings: ``RATELIMIT_*``)."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(get_remote_address, headers_enabled=True)


def init_app(app):
    limiter.init_app(app)


def exempt(blueprint):
    """Keep ``blueprint`` outside every limit (health checks, documentation)."""
    limiter.exempt(blueprint)
    return blueprint
