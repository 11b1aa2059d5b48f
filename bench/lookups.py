"""Suite: the lookups against the HTTP floor, the database floor and Datasette,
on the smallest catalogue, then the service again on the largest."""

import json
import time

from app.config import DEFAULTS
from bench import inprocess
from bench.catalogues import drop_from_page_cache
from bench.catalogues import warm_page_cache
from bench.keys import sample_keys
from bench.load import Request
from bench.report import Section
from bench.report import Table
from tests.support.servers import running_gunicorn

KEYS_PER_KIND = 5000
BATCH_BODIES = 200
BATCH_SIZE = 400
# The share of peak throughput at which single-lookup latency is judged.
PACED_SHARE = 0.8
INPROCESS_SECONDS = 3

ROUTES = {
    "isrc": "ISRC lookup",
    "track": "track lookup",
    "album_tracks": "album with tracks",
    "batch_isrcs": f"batch of {BATCH_SIZE} ISRCs",
    "batch_mixed": f"batch of {BATCH_SIZE} mixed ids",
    "batch_isrcs_one_client": f"batch of {BATCH_SIZE} ISRCs, one client",
    "batch_mixed_one_client": f"batch of {BATCH_SIZE} mixed ids, one client",
}


def service_requests(keys, rng_seed=3):
    """Return {route: [Request, …]} over random real keys."""
    import random

    rng = random.Random(rng_seed)
    quarter = BATCH_SIZE // 4

    def batch(body):
        return Request("POST", "/batch/lookup", json.dumps(body, separators=(",", ":")))

    return {
        "isrc": [Request("GET", f"/lookup/isrc/{isrc}") for isrc in keys["isrcs"]],
        "track": [Request("GET", f"/lookup/track/{track}") for track in keys["tracks"]],
        "album_tracks": [Request("GET", f"/lookup/album/{album}/tracks") for album in keys["albums"]],
        "batch_isrcs": [batch({"isrcs": rng.sample(keys["isrcs"], BATCH_SIZE)}) for _ in range(BATCH_BODIES)],
        "batch_mixed": [
            batch(
                {kind: rng.sample(keys[kind], quarter) for kind in ("tracks", "artists", "albums", "isrcs")}
            )
            for _ in range(BATCH_BODIES)
        ],
    }


def database_keys(keys, rng_seed=3):
    """The same lookups as keys of the in-process calls."""
    import random

    rng = random.Random(rng_seed)
    quarter = BATCH_SIZE // 4
    return {
        "isrc": keys["isrcs"],
        "track": keys["tracks"],
        "album_tracks": keys["albums"],
        "batch_isrcs": [rng.sample(keys["isrcs"], BATCH_SIZE) for _ in range(BATCH_BODIES)],
        "batch_mixed": [
            {kind: rng.sample(keys[kind], quarter) for kind in ("tracks", "albums", "isrcs")}
            for _ in range(BATCH_BODIES)
        ],
    }


def load_row(name, result, memory=None, statements=""):
    memory = memory or {}
    return [
        name,
        round(result.rps),
        round(result.server_cpu_ms, 3),
        round(result.p50_ms, 2),
        round(result.p95_ms, 2),
        round(result.p99_ms, 2),
        result.errors,
        round(memory["rss_mb"]) if memory else "",
        round(memory["anon_mb"]) if memory else "",
        statements,
    ]


LOAD_COLUMNS = [
    "what",
    "req/s",
    "server CPU ms/request",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "errors",
    "worker RSS MB",
    "of which private MB",
    "statements/request",
]


def run(context):
    small, large = context.catalogues[0], context.catalogues[-1]
    raw = context.raw.setdefault("lookups", {})
    keys = {catalogue.tracks: sample_keys(catalogue.main, KEYS_PER_KIND) for catalogue in context.catalogues}
    raw["warm_read_seconds"] = {}
    requests = service_requests(keys[small.tracks])

    statements = inprocess.statements_per_request(
        inprocess.wsgi_app(small), [(route, reqs[0]) for route, reqs in requests.items()]
    )
    raw["statements"] = statements

    side_by_side = Table(
        LOAD_COLUMNS, title=f"{small.label} tracks, {context.connections} connections, warm cache"
    )
    floor = _floor(context)
    side_by_side.rows.append(load_row("HTTP floor: bare Flask route, same gunicorn", *floor))
    peer = _datasette(context, small, keys[small.tracks])
    for name, (result, memory) in peer.items():
        side_by_side.rows.append(load_row(f"Datasette canned query: {name}", result, memory, "1 (canned)"))
    service, service_memory, paced = _service(context, small, requests)
    for route, result in service.items():
        statement_count = statements[route.removesuffix("_one_client")]
        side_by_side.rows.append(
            load_row(f"service: {ROUTES[route]}", result, service_memory, statement_count)
        )
    raw.update(
        floor=floor[0].as_dict(),
        peer={k: v[0].as_dict() for k, v in peer.items()},
        service={k: v.as_dict() for k, v in service.items()},
        service_memory=service_memory,
        paced={k: v.as_dict() for k, v in paced.items()},
    )

    paced_table = Table(
        ["what", "target req/s", "req/s", "p50 ms", "p95 ms", "p99 ms"],
        title=f"Single lookups paced at {PACED_SHARE:.0%} of their peak ({small.label})",
    )
    for route, result in paced.items():
        paced_table.rows.append(
            [
                ROUTES[route],
                round(service[route].rps * PACED_SHARE),
                round(result.rps),
                round(result.p50_ms, 2),
                round(result.p95_ms, 2),
                round(result.p99_ms, 2),
            ]
        )

    database = _database_floor(context, keys)
    raw["database_floor"] = {f"{size}:{route}": result.__dict__ for (size, route), result in database.items()}
    floor_table = Table(
        ["lookup", "catalogue", "calls/s (one core)", "p50 ms", "p95 ms", "p99 ms"],
        title="Database floor: the service's SQL in-process over APSW, no HTTP, no JSON",
    )
    for (size, route), result in database.items():
        floor_table.rows.append(
            [
                ROUTES[route],
                _label(context, size),
                round(result.rps),
                round(result.p50_ms, 3),
                round(result.p95_ms, 3),
                round(result.p99_ms, 3),
            ]
        )

    scale_table = Table(
        ["lookup"]
        + [f"{c.label} req/s" for c in (small, large)]
        + [f"{c.label} p50 ms" for c in (small, large)]
        + [f"{large.label}/{small.label} p50"],
        title="Scaling: the same service, warm cache",
    )
    large_service, large_memory, cold = ({}, {}, {})
    if large is not small:
        large_service, large_memory, _ = _service(
            context,
            large,
            service_requests(keys[large.tracks]),
            routes=("isrc", "track", "album_tracks", "batch_isrcs"),
            paced=False,
        )
        for route, result in large_service.items():
            if route not in service:
                continue
            base = service[route]
            scale_table.rows.append(
                [
                    ROUTES[route],
                    round(base.rps),
                    round(result.rps),
                    round(base.p50_ms, 2),
                    round(result.p50_ms, 2),
                    f"{result.p50_ms / base.p50_ms:.2f}",
                ]
            )
        raw.update(
            large_service={k: v.as_dict() for k, v in large_service.items()}, large_memory=large_memory
        )
    memory_table = Table(
        [
            "catalogue",
            "disk (main + track_files)",
            "build s",
            "worker RSS MB",
            "private (anon) MB",
            "mapped file pages MB",
        ],
        title="Catalogues and worker memory after the runs",
    )
    for catalogue, memory in ((small, service_memory), (large, large_memory)):
        if memory:
            build = catalogue.build_record()
            disk = sum(catalogue.disk_bytes().values())
            memory_table.rows.append(
                [
                    catalogue.label,
                    f"{disk / 2**30:.2f} GiB",
                    build["counts"]["elapsed_seconds"],
                    round(memory["rss_mb"]),
                    round(memory["anon_mb"]),
                    round(memory["file_mb"]),
                ]
            )

    cold_table = Table(
        ["catalogue", "resident before → after drop", "req/s", "p50 ms", "p99 ms", "max ms"],
        title="ISRC lookups right after dropping the catalogue from the page cache",
    )
    for catalogue in context.catalogues:
        cold[catalogue.tracks] = _cold(context, catalogue, service_requests(keys[catalogue.tracks])["isrc"])
        resident, result = cold[catalogue.tracks]
        cold_table.rows.append(
            [
                catalogue.label,
                resident,
                round(result.rps),
                round(result.p50_ms, 2),
                round(result.p99_ms, 2),
                round(result.max_ms, 1),
            ]
        )
    raw["cold"] = {size: (resident, result.as_dict()) for size, (resident, result) in cold.items()}

    targets = _targets(
        floor[0], peer, service, paced, large_service, service_memory, large_memory, small, large
    )
    return [
        Section(
            "lookups",
            "Lookups: service beside the floors and the peer",
            "Produced by `make bench` (`python -m bench`); every figure below comes from that one run.",
            [
                table
                for table in (
                    side_by_side,
                    paced_table,
                    floor_table,
                    scale_table,
                    memory_table,
                    cold_table,
                    targets,
                )
                if table.rows
            ],
        ),
    ]


def _label(context, size):
    return next(c.label for c in context.catalogues if c.tracks == size)


def _floor(context):
    with running_gunicorn(app="bench.floor_app:app", workers=context.workers, health_path="/floor") as server:
        result = context.load(server, [Request("GET", "/floor")])
        return result, server.worker_memory()


def _datasette(context, catalogue, keys):
    env = {"BENCH_PEER_DATABASE": catalogue.main}
    warm_page_cache(catalogue)
    results = {}
    with running_gunicorn(
        env,
        app="bench.peer_app:app",
        workers=context.workers,
        worker_class="uvicorn_worker.UvicornWorker",
        health_path="/-/versions.json",
    ) as server:
        for name, query, param, values in (
            ("track by id", "track_by_id", "id", keys["tracks"]),
            ("tracks by ISRC", "tracks_by_isrc", "isrc", keys["isrcs"]),
        ):
            requests = [
                Request("GET", f"/main_database/{query}.json?{param}={value}&_shape=array")
                for value in values
            ]
            result = context.load(server, requests)
            results[name] = (result, server.worker_memory())
    return results


def _service(context, catalogue, requests, routes=None, paced=True):
    results, paced_results = {}, {}
    routes = routes or tuple(requests)
    warm_page_cache(catalogue)
    with context.service(catalogue) as server:
        for route in routes:
            results[route] = context.load(server, requests[route])
        for route in ("batch_isrcs", "batch_mixed"):
            if route in routes:
                # One client sending batch after batch: latency without queueing.
                results[f"{route}_one_client"] = context.load(server, requests[route], connections=1)
        if paced:
            for route in ("isrc", "track"):
                paced_results[route] = context.load(
                    server, requests[route], rate=results[route].rps * PACED_SHARE
                )
        memory = server.worker_memory()
    return results, memory, paced_results


def _database_floor(context, keys):
    results = {}
    for catalogue in dict.fromkeys((context.catalogues[0], context.catalogues[-1])):
        lookup_keys = database_keys(keys[catalogue.tracks])
        warm_page_cache(catalogue)
        with inprocess.database_calls(catalogue, DEFAULTS) as calls:
            for route, call in calls.items():
                results[(catalogue.tracks, route)] = inprocess.time_calls(
                    call, lookup_keys[route], INPROCESS_SECONDS
                )
    return results


def _cold(context, catalogue, requests):
    before = drop_from_page_cache(catalogue)
    with context.service(catalogue) as server:
        time.sleep(0.1)
        result = context.load(server, requests)
    return before, result


def _targets(floor, peer, service, paced, large_service, memory, large_memory, small, large):
    rows = []

    def add(target, measured, met):
        rows.append([target, measured, "met" if met else "**not met**"])

    def versus(ours, theirs):
        ratio = ours.rps / theirs.rps
        cpu_ratio = theirs.server_cpu_ms / ours.server_cpu_ms if ours.server_cpu_ms else 0
        return ratio, f"{ratio:.2f} × by req/s ({cpu_ratio:.2f} × by server CPU per request)"

    ratio, text = versus(service["isrc"], floor)
    add("ISRC lookup ≥ 0.8 × HTTP floor", text, ratio >= 0.8)
    ratio, text = versus(service["track"], peer["track by id"][0])
    add("track lookup ≥ 4 × Datasette (track by id)", text, ratio >= 4)
    ratio, text = versus(service["isrc"], peer["tracks by ISRC"][0])
    add("ISRC lookup ≥ 4 × Datasette (tracks by ISRC)", text, ratio >= 4)
    batch = service["batch_isrcs_one_client"]
    add("batch of 400 ISRCs p50 ≤ 15 ms (one client)", f"{batch.p50_ms:.1f} ms", batch.p50_ms <= 15)
    add("batch of 400 ISRCs p99 ≤ 30 ms (one client)", f"{batch.p99_ms:.1f} ms", batch.p99_ms <= 30)
    for route, result in paced.items():
        add(
            f"{ROUTES[route]} p99 ≤ 10 ms at {PACED_SHARE:.0%} of peak",
            f"{result.p99_ms:.1f} ms",
            result.p99_ms <= 10,
        )
    for route, result in large_service.items():
        if route in ("isrc", "track"):
            ratio = result.p50_ms / service[route].p50_ms
            add(
                f"{ROUTES[route]} p50 at {large.label} ≤ 1.3 × at {small.label}",
                f"{ratio:.2f} ×",
                ratio <= 1.3,
            )
    # A worker's own memory is its private (anonymous) pages. The RSS that ps
    # shows also counts every resident page of the mapped catalogue, once per
    # map (one per thread's connection): page cache shared by all processes.
    for catalogue, mem in ((small, memory), (large, large_memory)):
        if mem:
            add(
                f"worker memory ≤ 80 MB ({catalogue.label})",
                f"{mem['anon_mb']:.0f} MB private (RSS as ps shows it: {mem['rss_mb']:.0f} MB, "
                f"of which {mem['file_mb']:.0f} MB mapped file pages)",
                mem["anon_mb"] <= 80,
            )
    if memory and large_memory and large is not small:
        growth = large_memory["anon_mb"] / memory["anon_mb"]
        add(f"worker memory flat from {small.label} to {large.label}", f"{growth:.2f} ×", growth <= 1.1)
    return Table(["target", "measured", ""], rows, title="Targets")
