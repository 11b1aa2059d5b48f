"""A small bounded HTTP load generator: keep-alive connections in threads.

Used by the saturation test and by bench/soak.py, with the same mix of
requests (:func:`mixed_requests`). It sends only to the given loopback URL,
stops at its deadline or request cap, and reports statuses, errors and
latency percentiles.
"""

import http.client
import json
import random
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass
from dataclasses import field


@dataclass
class LoadResult:
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    latencies_ms: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def requests(self):
        return sum(self.statuses.values()) + sum(self.errors.values())

    def percentile(self, fraction):
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else None

    def summary(self):
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 1),
            "per_second": round(self.requests / self.seconds, 1) if self.seconds else 0,
            "statuses": dict(self.statuses),
            "errors": dict(self.errors),
            "p50_ms": round(self.percentile(0.50), 2) if self.latencies_ms else None,
            "p95_ms": round(self.percentile(0.95), 2) if self.latencies_ms else None,
            "p99_ms": round(self.percentile(0.99), 2) if self.latencies_ms else None,
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2) if self.latencies_ms else None,
        }


def run_load(host, port, make_request, *, seconds, connections=8, max_requests=10_000_000, seed=1):
    """Drive ``make_request(rng) -> (method, path, body)`` for ``seconds``.

    Loopback only: ``host`` must be 127.0.0.1 or localhost.
    """
    assert host in ("127.0.0.1", "localhost"), "load tests target loopback only"
    result = LoadResult()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    budget = iter(range(max_requests))

    def worker(index):
        rng = random.Random(seed * 1000 + index)
        connection = http.client.HTTPConnection(host, port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if next(budget, None) is None:
                    break
            method, path, body = make_request(rng)
            headers = {"Content-Type": "application/json"} if body else {}
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                outcome = response.status
            except (OSError, http.client.HTTPException) as error:
                outcome = type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
            elapsed_ms = (time.perf_counter() - started) * 1000
            with lock:
                if isinstance(outcome, int):
                    result.statuses[outcome] += 1
                    result.latencies_ms.append(elapsed_ms)
                else:
                    result.errors[outcome] += 1
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    result.seconds = time.monotonic() - started
    return result


def mixed_requests(keys):
    """A ``make_request`` for :func:`run_load`: lookups of every kind, a
    search and a batch, drawn from ``keys`` ({"tracks", "artists", "albums",
    "isrcs"}: lists of real keys)."""
    words = ["love", "night", "the", "you", "dance", "fire", "zz"]

    def make(rng):
        kind = rng.random()
        if kind < 0.30:
            return "GET", f"/lookup/isrc/{rng.choice(keys['isrcs'])}", None
        if kind < 0.55:
            return "GET", f"/lookup/track/{rng.choice(keys['tracks'])}", None
        if kind < 0.65:
            return "GET", f"/lookup/album/{rng.choice(keys['albums'])}/tracks", None
        if kind < 0.75:
            return "GET", f"/lookup/artist/{rng.choice(keys['artists'])}", None
        if kind < 0.85:
            return "GET", f"/search/track?q={rng.choice(words)}&limit=10", None
        body = {"isrcs": rng.sample(keys["isrcs"], 50), "tracks": rng.sample(keys["tracks"], 50)}
        return "POST", "/batch/lookup", json.dumps(body)

    return make
