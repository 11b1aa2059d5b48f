"""Load over loopback with wrk (Debian's package): fixed concurrency, bounded
time, each request drawn at random from a list of real requests."""

import json
import subprocess
import tempfile
from dataclasses import asdict
from dataclasses import dataclass
from pathlib import Path

LUA_SCRIPT = Path(__file__).with_name("random_requests.lua")
# One wrk thread: wrk is far cheaper per request than the servers, and on a
# 2-core machine every core it does not use is one the servers can.
WRK_THREADS = 1


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str = ""

    def line(self):
        return f"{self.method}\t{self.path}\t{self.body}"


@dataclass
class LoadResult:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    bytes: int
    # Filled in by the caller when it knows the server's processes.
    server_cpu_ms: float = 0.0

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self):
        return dict(asdict(self), rps=round(self.rps, 1))


def run_wrk(base_url, requests, *, connections, seconds, rate=0, timeout_s=10):
    """Drive ``base_url`` with ``requests`` (drawn at random) and return the result.

    :param rate: requests per second for the whole run, paced; 0 means as
        fast as the server answers.
    """
    if not base_url.startswith(("http://127.", "http://localhost")):
        raise ValueError(f"benchmarks only load loopback servers, not {base_url}")
    with tempfile.NamedTemporaryFile("w", suffix=".requests", delete=False) as file:
        file.write("\n".join(request.line() for request in requests) + "\n")
        requests_file = file.name
    try:
        completed = subprocess.run(
            [
                "wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                f"--timeout={timeout_s}s", "-s", str(LUA_SCRIPT), base_url,
                "--", requests_file, str(rate), str(WRK_THREADS),
            ],
            capture_output=True, text=True, timeout=seconds + timeout_s + 30, check=True,
        )
    finally:
        Path(requests_file).unlink(missing_ok=True)
    return _parse(completed.stdout)


def _parse(output):
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            raw = json.loads(line.removeprefix("BENCH_JSON "))
            latency = raw["latency_us"]
            return LoadResult(
                requests=raw["requests"],
                seconds=raw["duration_us"] / 1e6,
                errors=sum(raw["errors"].values()),
                p50_ms=latency["p50"] / 1000,
                p95_ms=latency["p95"] / 1000,
                p99_ms=latency["p99"] / 1000,
                max_ms=latency["max"] / 1000,
                mean_ms=latency["mean"] / 1000,
                bytes=raw["bytes"],
            )
    raise RuntimeError(f"wrk printed no result:\n{output}")
