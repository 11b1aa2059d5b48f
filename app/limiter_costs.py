"""flask-limiter's per-request work, cut to the counter it needs.

Measured with callgrind (docs/PERFORMANCE.md), the limiter cost more than an
ISRC lookup's SQL: on every request it re-parses the limit strings ("100 per
second") into new objects and works out again which limits and exemptions
apply to the endpoint, and its in-memory storage starts a new timer thread
for expiry whenever the last one has ended (every 10 ms). With limits given
as strings in the settings all of that is the same for every request to an
endpoint, so it is worked out once per endpoint; the storage's expiry sweep
runs once a second instead (counts past their window are still ignored at
once: the storage checks the expiry on every read).
"""

import threading

from limits.storage import MemoryStorage

# How often the in-memory storage drops expired counts, in seconds.
EXPIRY_SWEEP_SECONDS = 1.0


class SweepingMemoryStorage(MemoryStorage):
    """limits' MemoryStorage whose expiry sweep runs every EXPIRY_SWEEP_SECONDS."""

    def _MemoryStorage__schedule_expiry(self):
        # Overrides MemoryStorage's private __schedule_expiry (limits 4–5).
        if not self.timer.is_alive():
            # Not a daemon, as limits' own: a daemon thread still running
            # while a worker's interpreter shuts down logs a traceback.
            self.timer = threading.Timer(EXPIRY_SWEEP_SECONDS, self._MemoryStorage__expire_events)
            self.timer.start()


def reduce_per_request_work(limiter, app):
    """Memoise ``limiter``'s resolution of limits per endpoint; quieten its storage."""
    for storage in (limiter._storage, getattr(limiter, "_fallback_storage", None)):
        if type(storage) is MemoryStorage:
            storage.__class__ = SweepingMemoryStorage
    if any(callable(value) for name, value in app.config.items() if name.startswith("RATELIMIT_")):
        return  # a limit computed per request: nothing to keep
    manager = limiter.limit_manager
    manager.resolve_limits = _memoised(manager.resolve_limits)
    manager.exemption_scope = _memoised(manager.exemption_scope)


def _memoised(method):
    # Keyed by the arguments after the app (endpoint, blueprint, names and
    # flags): a limiter belongs to one app, and its limits are fixed once
    # the app is built.
    answers = {}

    def memoised(app, *arguments):
        found = answers.get(arguments)
        if found is None:
            found = answers[arguments] = method(app, *arguments)
        return found

    return memoised
