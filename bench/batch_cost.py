"""Suite: the 400-ISRC batch, as issue 14 asks for it: server CPU per answered
track object on every catalogue (1M and 10M by default), with p50/p99
latency and answer size, for distinct bodies (albums and artists seldom
seen before) and for the same two bodies again (all of them held).

Two measures per catalogue and kind of body:
- instructions (callgrind, load-independent): bench/gunicorn_instructions.py,
  one gthread worker, W then W + N batches, the difference ÷ N, divided by
  the tracks those N answers hold;
- HTTP (wall clock): one client sending batch after batch on one kept-alive
  connection to the service under the bench's gunicorn settings (no
  queueing), after a warm-up; latency per batch, bytes and tracks per answer,
  and the server's CPU time (master and workers) ÷ tracks answered.
"""

import http.client
import json
import statistics
import time
from urllib.parse import urlsplit

from bench import gunicorn_instructions
from bench.catalogues import warm_page_cache
from bench.keys import sample_keys
from bench.report import Section
from bench.report import Table
from tests.support.servers import REPO

BATCH_SIZE = 400
HTTP_BATCHES = 60
# Enough for each of the two workers to make every object of the repeated
# bodies twice: a worker keeps an object the second time it makes it.
HTTP_WARM_UP = 12
KINDS = {
    "batch_isrcs": "distinct bodies",
    "batch_isrcs_repeated": "the same two bodies again",
}


def bodies(isrcs, kind):
    count = len(isrcs) // BATCH_SIZE if kind == "batch_isrcs" else 2
    return [
        json.dumps({"isrcs": isrcs[index * BATCH_SIZE:][:BATCH_SIZE]}).encode()
        for index in range(count)
    ]


def http_batches(base_url, batch_bodies, batches):
    """One client, ``batches`` batches one after another, cycling through
    ``batch_bodies``: latency, bytes and tracks per answer."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
    sent = [batch_bodies[index % len(batch_bodies)] for index in range(batches)]
    milliseconds, sizes, tracks = [], [], []
    try:
        for body in sent:
            started = time.perf_counter()
            connection.request("POST", "/batch/lookup", body=body,
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            payload = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise RuntimeError(f"batch answered {response.status}: {payload[:300]!r}")
            milliseconds.append(elapsed)
            sizes.append(len(payload))
            tracks.append(sum(len(found) for found in json.loads(payload)["isrcs"].values()))
    finally:
        connection.close()
    cuts = statistics.quantiles(milliseconds, n=100, method="inclusive")
    return {"batches": batches, "p50_ms": cuts[49], "p99_ms": cuts[98],
            "bytes": statistics.fmean(sizes), "tracks": statistics.fmean(tracks),
            "tracks_total": sum(tracks)}


def measure_http(context, catalogue, isrcs, batches):
    results = {}
    warm_page_cache(catalogue)
    for kind in KINDS:
        # A fresh service per kind: the distinct bodies must not find the
        # albums and artists of the repeated ones held, nor the reverse.
        with context.service(catalogue) as server:
            batch_bodies = bodies(isrcs, kind)
            http_batches(server.base_url, batch_bodies[:HTTP_WARM_UP], HTTP_WARM_UP)
            # The distinct bodies go on after the warm-up's: none is sent twice.
            if kind == "batch_isrcs":
                batch_bodies = batch_bodies[HTTP_WARM_UP:]
            cpu_before = server.cpu_seconds()
            result = http_batches(server.base_url, batch_bodies, batches)
            cpu_ms = (server.cpu_seconds() - cpu_before) * 1000
        result["server_cpu_ms_per_batch"] = cpu_ms / batches
        result["server_cpu_us_per_track"] = cpu_ms * 1000 / result["tracks_total"]
        results[kind] = result
    return results


def run(context):
    raw = context.raw.setdefault("batch_cost", {})
    rows = []
    batches = 6 if context.quick else HTTP_BATCHES
    cases = context.cases_of("batch_cost", ("batch_isrcs_repeated",) if context.quick else KINDS)
    for catalogue in context.catalogues:
        keys = sample_keys(catalogue.main, BATCH_SIZE * (HTTP_WARM_UP + batches))
        counted = gunicorn_instructions.measure_cases(
            cases, context.service_tree or REPO, catalogue, keys)
        timed = measure_http(context, catalogue, keys["isrcs"], batches)
        raw[catalogue.tracks] = {"instructions": counted, "http": timed}
        for kind, label in KINDS.items():
            instructions, http = counted.get(kind), timed[kind]
            rows.append([
                catalogue.label, label,
                f"{instructions['per_track'] / 1e6:.3f} M" if instructions else "",
                f"{instructions['per_request'] / 1e6:.1f} M" if instructions else "",
                round(instructions["tracks"]) if instructions else "",
                round(http["server_cpu_us_per_track"]), round(http["server_cpu_ms_per_batch"], 1),
                round(http["p50_ms"], 1), round(http["p99_ms"], 1),
                f"{http['bytes'] / 1000:,.0f} kB", round(http["tracks"]),
            ])
    table = Table(
        ["catalogue", "bodies", "instructions per answered track", "instructions per batch",
         "tracks per answer (callgrind's batches)", "server CPU µs per answered track (HTTP)",
         "server CPU ms per batch", "p50 ms", "p99 ms", "answer size", "tracks per answer (HTTP)"],
        rows, title=f"{BATCH_SIZE} ISRCs per batch",
    )
    intro = (f"bench/batch_cost.py (module docstring). Callgrind: one gthread worker, "
             f"{gunicorn_instructions.CASES['batch_isrcs'][2]} + "
             f"{gunicorn_instructions.CASES['batch_isrcs'][1]} batches. HTTP: one client, "
             f"{HTTP_WARM_UP} batches of warm-up then {batches}, {context.workers} workers.")
    return [Section("batch_cost", "The 400-ISRC batch: cost per answered track", intro, [table])]
