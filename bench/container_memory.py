"""Memory of the service's container under load, for sizing Kubernetes resources.

    CONTAINERS_CONF=... python -m bench.container_memory IMAGE CATALOGUE_FOLDER

Runs IMAGE with podman (read-only, the catalogue mounted at /data, 2 workers
of 4 threads), sends a bounded mix of lookups, batches of 400 keys and
searches from loopback, then prints, for the master and each worker, what
/proc/PID/smaps_rollup says (RSS, PSS, private = memory no other process
shares, anonymous = heap), and the container's cgroup memory split into
anonymous and file (page cache) memory. The container is always removed.
"""

import argparse
import json
import random
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.keys import sample_keys

SEARCH_WORDS = ("love", "night", "corazon", "the", "ma", "you", "baby", "dance", "world", "time")
BATCH_SIZE = 400
START_TIMEOUT_S = 60


def podman(*args):
    return subprocess.run(["podman", *args], check=True, capture_output=True, text=True).stdout


def smaps(pid):
    """kB figures of /proc/PID/smaps_rollup (RSS, PSS, private, anonymous)."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":")
        values[name] = int(value.split()[0])
    return {
        "rss_mib": values["Rss"] / 1024,
        "pss_mib": values["Pss"] / 1024,
        "private_mib": (values["Private_Clean"] + values["Private_Dirty"]) / 1024,
        "anonymous_mib": values["Anonymous"] / 1024,
    }


def cgroup_memory(pid):
    """The container's cgroup memory (v2, or v1's memory controller): in use,
    anonymous and file-backed (page cache), in MiB."""
    controllers = dict(
        line.split(":", 2)[1:] for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    )
    if "memory" in controllers:
        folder = Path("/sys/fs/cgroup/memory") / controllers["memory"].lstrip("/")
        stat = dict(line.split() for line in (folder / "memory.stat").read_text().splitlines())
        current, anon, file = int((folder / "memory.usage_in_bytes").read_text()), stat["rss"], stat["cache"]
    else:
        folder = Path("/sys/fs/cgroup") / controllers[""].lstrip("/")
        stat = dict(line.split() for line in (folder / "memory.stat").read_text().splitlines())
        current, anon, file = int((folder / "memory.current").read_text()), stat["anon"], stat["file"]
    return {"current_mib": current / 2**20, "anon_mib": int(anon) / 2**20, "file_mib": int(file) / 2**20}


def requests_to_send(main_file, count, seed):
    keys = sample_keys(main_file, BATCH_SIZE * 4, seed=seed)
    rng = random.Random(seed)
    for _ in range(count):
        kind = rng.choice(("track", "album", "isrc", "search", "batch"))
        if kind == "batch":
            body = {
                name: rng.sample(keys[name], BATCH_SIZE // 4)
                for name in ("tracks", "albums", "artists", "isrcs")
            }
            yield "POST", "/batch/lookup", json.dumps(body).encode()
        elif kind == "search":
            yield (
                "GET",
                f"/search/track?q={rng.choice(SEARCH_WORDS)}&limit=50&offset={rng.choice((0, 50, 500))}",
                None,
            )
        elif kind == "album":
            yield "GET", f"/lookup/album/{rng.choice(keys['albums'])}/tracks", None
        elif kind == "isrc":
            yield "GET", f"/lookup/isrc/{rng.choice(keys['isrcs'])}", None
        else:
            yield "GET", f"/lookup/track/{rng.choice(keys['tracks'])}", None


def send(base_url, request):
    method, path, body = request
    call = urllib.request.Request(
        base_url + path, data=body, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(call, timeout=30) as answer:
            answer.read()
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_healthy(base_url):
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if send(base_url, ("GET", "/health", None)) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base_url}/health did not answer in {START_TIMEOUT_S} s")


def measure(image, catalogue, requests_count, clients, port):
    name = f"music-metadata-api-memory-{uuid.uuid4().hex[:8]}"
    podman(
        "run",
        "--detach",
        "--name",
        name,
        "--read-only",
        "--health-interval",
        "disable",
        "--publish",
        f"127.0.0.1:{port}:8080",
        "--volume",
        f"{catalogue}:/data:ro",
        "--env",
        "WEB_CONCURRENCY=2",
        "--env",
        "MUSIC_API_RATELIMIT_ENABLED=false",
        "--env",
        "MUSIC_API_LOG_LEVEL=WARNING",
        image,
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_healthy(base_url)
        master = int(podman("inspect", "--format", "{{.State.Pid}}", name).strip())
        workers = [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
        before = {pid: smaps(pid) for pid in [master, *workers]}
        work = list(requests_to_send(catalogue / "main_database.sqlite3", requests_count, seed=1))
        started = time.monotonic()
        with ThreadPoolExecutor(clients) as pool:
            statuses = list(pool.map(lambda request: send(base_url, request), work))
        return {
            "requests": len(work),
            "seconds": round(time.monotonic() - started, 1),
            "statuses": {str(status): statuses.count(status) for status in sorted(set(statuses))},
            "idle": before,
            "loaded": {pid: smaps(pid) for pid in [master, *workers]},
            "master": master,
            "cgroup": cgroup_memory(master),
        }
    finally:
        subprocess.run(["podman", "rm", "--force", "--time", "5", name], capture_output=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image")
    parser.add_argument("catalogue", type=Path, help="folder holding main_database.sqlite3")
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=18181)
    options = parser.parse_args(argv)
    result = measure(
        options.image, options.catalogue.resolve(), options.requests, options.clients, options.port
    )
    json.dump(result, sys.stdout, indent=1, default=str)
    print()


if __name__ == "__main__":
    main()
