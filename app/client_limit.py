"""Each client's count against the application-wide limit, on every request.

flask-limiter reads the settings, parses the limit, opens the storage
(memory, Redis) and picks the strategy; this class does its per-request part
for the one limit the service sets. flask-limiter's own hooks work out afresh
on every request which limits, exemptions and filters apply to the endpoint
and keep what they found in a per-request context: with every production
feature on, that cost more than an ISRC lookup's SQL (docs/PERFORMANCE.md).
Here the limit is resolved once, and a request costs its count in the storage
(with the fixed window, the default: an increment and a read of the window's
end) and the headers, as before:
``X-RateLimit-Limit``, ``-Remaining``, ``-Reset``, and ``Retry-After`` on a
refusal (429) or an unavailable answer (503).

When the storage cannot be reached, counting goes on in the worker's memory
(``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``), as flask-limiter does, and the
storage is tried again after 1, 2, 4 … 32 seconds until it answers.
"""

import functools
import logging
import time

from flask import g
from flask import request
from flask_limiter import RateLimitExceeded
from flask_limiter.constants import MAX_BACKEND_CHECKS
from limits.strategies import FixedWindowRateLimiter

# flask-limiter's logger and messages: operators' alerts may look for them.
log = logging.getLogger("flask-limiter")

# Answers that tell the client when to come back.
RETRY_AFTER_STATUSES = (429, 503)
# Clients whose storage keys are kept ready (ClientLimit._counted_for).
CLIENTS_KEYED = 4096


class ClientLimit:
    """Counts each client against ``limits`` (flask-limiter's parsed
    application limits) outside ``exempt_blueprints`` (their names).

    :param strategy: the limits strategy over the configured storage.
    :param fallback: the same strategy over the worker's memory, or None
        when requests should fail rather than be counted there.
    """

    def __init__(self, limits, *, key_prefix, storage, strategy, fallback, exempt_blueprints):
        # Smallest window first, as flask-limiter orders them: that one goes
        # into the headers unless a longer one refuses the request.
        self.limits = sorted(limits, key=lambda runtime: runtime.limit)
        # An application limit is keyed by the client alone (the limiter's
        # key function) and one scope for every route.
        self.client_key = self.limits[0].key_func
        self.key_prefix = key_prefix
        self.storage = storage
        self.strategy = strategy
        self.fallback = fallback
        self.exempt_blueprints = frozenset(exempt_blueprints)
        self.storage_dead = False
        # When to try the storage again while it is unreachable (tests move it).
        self.clock = time.monotonic
        self._backend_checks = 0
        self._next_backend_check = 0.0
        # A client's keys are the same on each of its requests: built once
        # (limits' key_for joins five strings), for the clients seen last.
        self._counted_for = functools.lru_cache(maxsize=CLIENTS_KEYED)(self._what_to_count)

    def _what_to_count(self, client):
        """(limit item, identifiers, storage key, runtime limit) for each limit."""
        counted = []
        for runtime in self.limits:
            identifiers = (
                (self.key_prefix, client, runtime.scope) if self.key_prefix else (client, runtime.scope)
            )
            counted.append((runtime.limit, identifiers, runtime.limit.key_for(*identifiers), runtime))
        return tuple(counted)

    def count_request(self):
        """before_request: count the request; refuse it (429) past the limit."""
        current = request._get_current_object()
        if (
            current.blueprint in self.exempt_blueprints
            or current.url_rule is None
            # A browser sends a preflight before each cross-origin POST;
            # counting it would halve the limit of browser clients.
            or current.method == "OPTIONS"
        ):
            return
        client = self.client_key()
        if not client:
            return
        if self.storage_dead:
            self._try_storage_again()
        try:
            counted = self._count(self.fallback if self.storage_dead else self.strategy, client)
        except Exception:
            if self.fallback is None or self.storage_dead:
                raise
            log.warning("Rate limit storage unreachable - falling back to in-memory storage")
            self.storage_dead = True
            counted = self._count(self.fallback, client)
        g._get_current_object().rate_limit_window = counted[:3]
        if counted[3] is not None:
            raise RateLimitExceeded(counted[3])

    def _count(self, strategy, client):
        # (amount, remaining, reset time, the limit that refused or None)
        shown = None
        for item, identifiers, key, runtime in self._counted_for(client):
            allowed, window = _hit(strategy, item, identifiers, key, runtime.deduction_amount)
            if shown is None or not allowed:
                shown = (item, window)
            if not allowed:
                log.info("ratelimit %s (%s) exceeded at endpoint: %s", item, client, runtime.scope)
                break
        item, window = shown
        reset, remaining = window()
        return item.amount, remaining, int(reset + 1), None if allowed else runtime

    def _try_storage_again(self):
        now = self.clock()
        if now < self._next_backend_check:
            return
        self._next_backend_check = now + 2**self._backend_checks
        self._backend_checks = min(self._backend_checks + 1, MAX_BACKEND_CHECKS)
        if self.storage.check():
            log.info("Rate limit storage recovered")
            self.storage_dead = False
            self._backend_checks = 0
            self._next_backend_check = 0.0

    def add_headers(self, response):
        """after_request: the client's count, and when to retry if refused."""
        window = g._get_current_object().get("rate_limit_window")
        if window is None:
            return response
        amount, remaining, reset_at = window
        headers = response.headers
        headers.add("X-RateLimit-Limit", str(amount))
        headers.add("X-RateLimit-Remaining", str(remaining))
        headers.add("X-RateLimit-Reset", str(reset_at))
        if response.status_code in RETRY_AFTER_STATUSES:
            # Never 0: in the last second of a window a client told 0 would
            # retry at once and be refused again.
            headers["Retry-After"] = str(max(1, int(reset_at - time.time())))
        return response


def _hit(strategy, item, identifiers, key, cost):
    """Count one request against ``item`` (``key`` is its storage key for
    ``identifiers``): (allowed, a function giving the window's (reset time,
    remaining) for the headers)."""
    if type(strategy) is not FixedWindowRateLimiter:
        allowed = strategy.hit(item, *identifiers, cost=cost)
        return allowed, lambda: strategy.get_window_stats(item, *identifiers)
    # The fixed window's own hit, keeping the count its storage returns: the
    # window's state then costs one more read (its expiry, one round trip to
    # Redis) instead of two, and the key is not built again.
    storage = strategy.storage
    count = storage.incr(key, item.get_expiry(), amount=cost)
    return count <= item.amount, lambda: (storage.get_expiry(key), max(0, item.amount - count))
