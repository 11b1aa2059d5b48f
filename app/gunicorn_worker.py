"""gunicorn's gthread worker, noting when each request was ready to read
(before it waited for a free thread) for the time limits (:mod:`app.arrival`).

The packaged configuration uses it wherever gthread is asked for.
"""

import time

from gunicorn.workers.gthread import ThreadWorker as GthreadWorker

from app import arrival


class ThreadWorker(GthreadWorker):
    def enqueue_req(self, conn):
        # Called from the worker's main loop when a connection is accepted or
        # a kept-alive one has its next request: the request's bytes are
        # there, and it now waits for a thread.
        conn.music_api_ready_at = time.perf_counter()
        super().enqueue_req(conn)

    def handle_request(self, req, conn):
        # In the thread that runs the application for this request.
        arrival.note_ready(getattr(conn, "music_api_ready_at", None))
        return super().handle_request(req, conn)
