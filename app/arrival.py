"""When the server had the current request ready to read, so that time
limits count a request's wait for a free thread.

Under load a request can wait in a worker's queue until a thread is free;
a limit counted from the moment the application starts would let the client
wait that long on top (measured: with a 1,000 ms search limit, 408s came
after 2.1 s at the median, 4 s at worst; docs/PERFORMANCE.md). The packaged
gunicorn worker (:mod:`app.gunicorn_worker`) notes the moment in the thread
that then handles the request; under any other server (Flask's, the tests'
client) the request's own start is used.
"""

import threading
import time

_noted = threading.local()


def note_ready(moment):
    """Note ``moment`` (a :func:`time.perf_counter` value, or None) for the
    request this thread is about to handle."""
    _noted.moment = moment


def take_ready_moment():
    """Return the moment noted for this thread's request, once, else now."""
    moment = getattr(_noted, "moment", None)
    _noted.moment = None
    return time.perf_counter() if moment is None else moment
