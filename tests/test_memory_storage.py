"""The limit counted by app/client_limit.py over flask-limiter's storage
(app/memory_storage.py's sweeping memory) still limits each client on every
route, and exempts what flask-limiter exempted; its expired counts are
swept by one thread."""

import gc
import time

from limits.storage import MemoryStorage

from app import memory_storage
from app.memory_storage import Sweeper
from app.memory_storage import sweep_memory_storage_once_a_second
from tests.support.inprocess import assert_error
from tests.support.inprocess import make_app


def test_each_client_is_limited_and_exemptions_hold(main_file, oracle):
    app = make_app(main_file, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="3 per minute")
    client = app.test_client()
    artist_id = oracle.execute("SELECT id FROM artists LIMIT 1").fetchone()["id"]
    path = f"/lookup/artist/{artist_id}"
    first = [client.get(path, environ_base={"REMOTE_ADDR": "192.0.2.1"}) for _ in range(4)]
    assert [response.status_code for response in first] == [200, 200, 200, 429]
    assert_error(first[3], 429)
    # Another client has its own count; health and documents are never counted.
    assert client.get(path, environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code == 200
    for _ in range(5):
        assert client.get("/health", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200
        assert client.get("/openapi.json", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200


def test_one_thread_sweeps_expired_counts_and_ends_with_its_storage(monkeypatch):
    monkeypatch.setattr(memory_storage, "EXPIRY_SWEEP_SECONDS", 0.01)
    sweeper = _counted_and_swept()
    # Its storage is gone (no app holds it): the thread ends.
    gc.collect()
    sweeper.join(timeout=60)
    assert not sweeper.is_alive()


def _counted_and_swept():
    storage = MemoryStorage()
    sweep_memory_storage_once_a_second(storage)
    # limits' own first timer, 10 ms long (in a worker: the master's, which
    # did not survive the fork).
    storage.timer.join()
    storage.incr("gone", 0.01)
    sweeper = storage.timer
    assert isinstance(sweeper, Sweeper) and sweeper.is_alive()
    # The counts themselves: a read through the storage drops an expired one too.
    _wait_until(lambda: "gone" not in storage.storage)
    storage.incr("kept", 60)
    _wait_until(lambda: time.monotonic() > storage._next_sweep_check)
    storage.incr("kept", 60)
    assert storage.timer is sweeper, "a second thread was started"
    assert storage.storage["kept"] == 2
    return sweeper


def _wait_until(condition):
    # A bound on a busy machine, not a speed requirement.
    for _ in range(6000):
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError("never happened")
