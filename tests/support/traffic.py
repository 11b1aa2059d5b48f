"""Bounded streams of HTTP requests to local servers, for signal, limit and proxy tests.

Every request opens its own connection (so a closed keep-alive connection
can never be mistaken for a lost request) and every stream is bounded in
count and in time. Only loopback addresses are ever contacted.
"""

import http.client
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

REQUEST_TIMEOUT_S = 20
STREAM_TIMEOUT_S = 120


@dataclass
class Outcome:
    path: str
    started: float
    finished: float
    status: int | None = None
    headers: dict | None = None
    body: bytes = b""
    error: str | None = None

    @property
    def ok(self):
        return self.error is None and self.status is not None and self.status < 500


def send(base_url, path, *, method="GET", body=None, headers=None, source_address=None):
    """Send one request on a new connection from ``source_address`` (a 127.x.y.z)."""
    parts = urlsplit(base_url)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        raise ValueError(f"traffic goes to loopback only, not {parts.hostname}")
    source = (source_address, 0) if source_address else None
    outcome = Outcome(path=path, started=time.monotonic(), finished=0.0)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=REQUEST_TIMEOUT_S, source_address=source
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        outcome.body = response.read()
        outcome.status = response.status
        outcome.headers = {name.lower(): value for name, value in response.getheaders()}
    except OSError as error:  # refused, reset, timed out, closed early
        outcome.error = f"{type(error).__name__}: {error}"
    except http.client.HTTPException as error:
        outcome.error = f"{type(error).__name__}: {error}"
    finally:
        connection.close()
        outcome.finished = time.monotonic()
    return outcome


def stream(base_url, paths, *, clients=4, stop=None, timeout=STREAM_TIMEOUT_S, **request_options):
    """Send each of ``paths`` once, from ``clients`` concurrent clients; return the outcomes.

    Bounded by ``len(paths)`` and by ``timeout`` seconds; ``stop`` (a
    :class:`threading.Event`) ends it early. Outcomes are in sending order.
    """
    deadline = time.monotonic() + timeout
    stop = stop or threading.Event()
    lock = threading.Lock()
    pending = iter(enumerate(paths))
    outcomes = [None] * len(paths)

    def client():
        while not stop.is_set() and time.monotonic() < deadline:
            with lock:
                item = next(pending, None)
            if item is None:
                return
            index, path = item
            outcomes[index] = send(base_url, path, **request_options)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(client) for _ in range(clients)]:
            future.result()
    return [outcome for outcome in outcomes if outcome is not None]


def failures(outcomes):
    return [outcome for outcome in outcomes if not outcome.ok]


def raw_request(base_url, method, target, body=b"", headers=()):
    """Send one HTTP/1.1 request as raw bytes; return (status, headers, body)."""
    host, port = base_url.removeprefix("http://").split(":")
    if host not in ("127.0.0.1", "localhost"):
        raise ValueError(f"traffic goes to loopback only, not {host}")
    head = [f"{method} ".encode() + target + b" HTTP/1.1", f"Host: {host}".encode(), b"Connection: close"]
    head += [h.encode() if isinstance(h, str) else h for h in headers]
    if body or method == "POST":
        head.append(f"Content-Length: {len(body)}".encode())
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(b"\r\n".join(head) + b"\r\n\r\n" + body)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    raw = b"".join(chunks)
    head_bytes, _, payload = raw.partition(b"\r\n\r\n")
    lines = head_bytes.split(b"\r\n")
    status = int(lines[0].split()[1])
    response_headers = {}
    for line in lines[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        response_headers[name.strip().lower()] = value.strip()
    return status, response_headers, payload
