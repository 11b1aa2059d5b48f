"""One rate limit per client IP across every route, with flask-limiter
(settings: ``RATELIMIT_*``).

The limit is flask-limiter's *application* limit, whose key is the client
alone: per-route default limits would give each route a count of its own,
so a client alternating two routes would get twice the limit.
flask-limiter reads the settings, parses the limit and opens the storage
and strategy; the per-request work is :class:`app.client_limit.ClientLimit`'s,
which counts this one limit without resolving it again on every request.
"""

from flask import request
from flask_limiter import Limiter
from flask_limiter.constants import ConfigVars
from limits.strategies import STRATEGIES

from app.client_limit import ClientLimit
from app.memory_storage import SweepingMemoryStorage
from app.memory_storage import sweep_memory_storage_once_a_second

# Blueprints outside the limit, named by their modules at import time.
_exempt_blueprints = []

# flask-limiter settings that change what happens per request, which the
# one application limit per client does not need: refused at start rather
# than silently ignored.
UNSUPPORTED_SETTINGS = (
    ConfigVars.ON_BREACH,
    ConfigVars.SWALLOW_ERRORS,
    ConfigVars.APPLICATION_LIMITS_PER_METHOD,
    ConfigVars.APPLICATION_LIMITS_EXEMPT_WHEN,
    ConfigVars.APPLICATION_LIMITS_DEDUCT_WHEN,
    ConfigVars.HEADER_LIMIT,
    ConfigVars.HEADER_REMAINING,
    ConfigVars.HEADER_RESET,
    ConfigVars.HEADER_RETRY_AFTER,
    ConfigVars.HEADER_RETRY_AFTER_VALUE,
    ConfigVars.IN_MEMORY_FALLBACK,
    ConfigVars.META_LIMITS,
    ConfigVars.ON_META_BREACH,
)


def init_app(app):
    config = app.config
    unsupported = [name for name in UNSUPPORTED_SETTINGS if config.get(name)]
    if unsupported:
        raise ValueError(f"rate limit settings not supported here: {', '.join(unsupported)}")
    # The setting keeps its documented name, RATELIMIT_DEFAULT, but
    # flask-limiter would apply a default limit to each route apart: it
    # becomes flask-limiter's application limit, one count per client.
    config[ConfigVars.APPLICATION_LIMITS] = config[ConfigVars.DEFAULT_LIMITS]
    config[ConfigVars.DEFAULT_LIMITS] = None
    # One limiter per app: a limiter shared between apps keeps the first
    # app's settings (tests build apps with different limits).
    limiter = Limiter(client_address)
    limiter.init_app(app)
    if not limiter.enabled:
        return
    _remove_hooks_of(limiter, app)
    sweep_memory_storage_once_a_second(limiter.storage)
    application_limits = limiter.limit_manager.application_limits
    if not application_limits:
        return
    fallback = None
    if config.get(ConfigVars.IN_MEMORY_FALLBACK_ENABLED):
        fallback = STRATEGIES[config[ConfigVars.STRATEGY]](SweepingMemoryStorage())
    client_limit = ClientLimit(
        application_limits,
        key_prefix=config.get(ConfigVars.KEY_PREFIX, ""),
        storage=limiter.storage,
        strategy=limiter.limiter,
        fallback=fallback,
        exempt_blueprints=[blueprint.name for blueprint in _exempt_blueprints],
    )
    app.before_request(client_limit.count_request)
    app.after_request(client_limit.add_headers)
    app.extensions["client_limit"] = client_limit


def client_address():
    """The rate limit's key: flask-limiter's get_remote_address, reading the
    request object once rather than through the request proxy."""
    return request._get_current_object().remote_addr or "127.0.0.1"


def _remove_hooks_of(limiter, app):
    # flask-limiter's own request hooks would count every request a second
    # time, with the per-request resolution ClientLimit exists to avoid.
    removed = 0
    for hooks_by_blueprint in (
        app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
    ):
        hooks = hooks_by_blueprint.get(None, [])
        kept = [hook for hook in hooks if not _belongs_to(hook, limiter)]
        removed += len(hooks) - len(kept)
        hooks[:] = kept
    if removed != 3:
        raise RuntimeError(f"flask-limiter registered {removed} request hooks, not 3: see app.limits")


def _belongs_to(hook, limiter):
    # Bound methods of the limiter, or a partial over it (its after_request hook).
    return getattr(hook, "__self__", None) is limiter or limiter in getattr(hook, "args", ())


def exempt(blueprint):
    """Keep ``blueprint`` outside the limit (health checks, metrics, documentation)."""
    _exempt_blueprints.append(blueprint)
    return blueprint
