"""The in-memory rate limit storage, swept by one long-lived thread.

limits' MemoryStorage drops expired counts in a timer thread it starts
whenever the last one has ended, 10 ms after a count: below 100 requests a
second per worker that is a new thread for nearly every request, about
0.5 ms of CPU each (docs/PERFORMANCE.md). Here one thread per worker sweeps
once a second for the worker's life, started by the first count after the
fork; counts past their window are still ignored at once, since the
storage checks the expiry on every read.
"""

import atexit
import threading
import time
import weakref

from limits.storage import MemoryStorage

# How often the in-memory storage drops expired counts, in seconds.
EXPIRY_SWEEP_SECONDS = 1.0


class SweepingMemoryStorage(MemoryStorage):
    """limits' MemoryStorage swept every EXPIRY_SWEEP_SECONDS by one thread."""

    # When the sweeping thread is next looked at (time.monotonic()).
    _next_sweep_check = 0.0

    def _MemoryStorage__schedule_expiry(self):
        # Overrides MemoryStorage's private __schedule_expiry (limits 4–5),
        # called on every count: asking the thread whether it is alive on
        # each would cost more than the clock.
        now = time.monotonic()
        if now < self._next_sweep_check:
            return
        self._next_sweep_check = now + EXPIRY_SWEEP_SECONDS
        # limits keeps its thread as ``timer``; a thread started before a
        # fork (the master's) is not alive in the worker.
        if not self.timer.is_alive():
            self.timer = Sweeper(self._MemoryStorage__expire_events)
            self.timer.start()


class Sweeper(threading.Thread):
    """Calls the bound method ``sweep`` every EXPIRY_SWEEP_SECONDS until the
    process exits or its object is gone.

    One thread for the worker's life rather than a timer thread a second:
    starting a thread cost ≈ 0.5 ms of CPU, waking one costs little. A
    daemon, stopped and joined at exit, so it never runs while the
    interpreter shuts down (limits' timer is not a daemon for that reason).
    The storage is held weakly: a storage dropped (an app a test no longer
    uses) ends its thread.
    """

    def __init__(self, sweep):
        super().__init__(name="rate-limit-sweep", daemon=True)
        self._sweep = weakref.WeakMethod(sweep)
        self.stopped = threading.Event()
        atexit.register(self.stop)

    def run(self):
        try:
            while not self.stopped.wait(EXPIRY_SWEEP_SECONDS):
                sweep = self._sweep()
                if sweep is None:
                    return
                sweep()
                del sweep
        finally:
            atexit.unregister(self.stop)

    def stop(self):
        self.stopped.set()
        if self.is_alive() and self is not threading.current_thread():
            self.join()


# limits wraps each storage method of every subclass to translate its
# errors; MemoryStorage's are wrapped already, so a second wrapper would only
# cost a call per method on every count.
for _name in ("incr", "get", "get_expiry", "check", "reset", "clear"):
    setattr(SweepingMemoryStorage, _name, getattr(MemoryStorage, _name))


def sweep_memory_storage_once_a_second(storage):
    """Make ``storage`` sweep once a second if it is limits' MemoryStorage."""
    if type(storage) is MemoryStorage:
        storage.__class__ = SweepingMemoryStorage
