"""The in-memory rate limit storage, without a new thread every 10 ms.

limits' MemoryStorage drops expired counts in a timer thread it starts
whenever the last one has ended, 10 ms after a count: below 100 requests a
second per worker that is a new thread for nearly every request, about
0.5 ms of CPU each (docs/PERFORMANCE.md). The sweep here runs once a second
instead; counts past their window are still ignored at once, since the
storage checks the expiry on every read.
"""

import threading
import time

from limits.storage import MemoryStorage

# How often the in-memory storage drops expired counts, in seconds.
EXPIRY_SWEEP_SECONDS = 1.0


class SweepingMemoryStorage(MemoryStorage):
    """limits' MemoryStorage whose expiry sweep runs every EXPIRY_SWEEP_SECONDS."""

    # When the sweep's thread is next looked at (time.monotonic()).
    _next_sweep_check = 0.0

    def _MemoryStorage__schedule_expiry(self):
        # Overrides MemoryStorage's private __schedule_expiry (limits 4–5),
        # called on every count: asking the thread whether it is alive on
        # each would cost more than the clock.
        now = time.monotonic()
        if now < self._next_sweep_check:
            return
        self._next_sweep_check = now + EXPIRY_SWEEP_SECONDS
        if not self.timer.is_alive():
            # Not a daemon, as limits' own: a daemon thread still running
            # while a worker's interpreter shuts down logs a traceback.
            self.timer = threading.Timer(EXPIRY_SWEEP_SECONDS, self._MemoryStorage__expire_events)
            self.timer.start()


# limits wraps each storage method of every subclass to translate its
# errors; MemoryStorage's are wrapped already, so a second wrapper would only
# cost a call per method on every count.
for _name in ("incr", "get", "get_expiry", "check", "reset", "clear"):
    setattr(SweepingMemoryStorage, _name, getattr(MemoryStorage, _name))


def sweep_memory_storage_once_a_second(storage):
    """Make ``storage`` sweep once a second if it is limits' MemoryStorage."""
    if type(storage) is MemoryStorage:
        storage.__class__ = SweepingMemoryStorage
