"""``music-metadata-api serve``: gunicorn with the configuration shipped in
the package, after checking that its address is free."""

import errno
import os
import socket
import sys

GUNICORN_ARGS = ["-c", "python:app.gunicorn_config", "app.wsgi:app"]


class BindError(Exception):
    """The address to listen on cannot be used; the message says which setting changes it."""


def check_bind(bind):
    """Bind ``bind`` (gunicorn's ``host:port`` notation) for a moment.

    :raise BindError: when it is in use or cannot be bound, so that a busy
        port is one line naming MUSIC_API_BIND rather than gunicorn's
        retries and five "Connection in use" lines.
    """
    if bind.startswith(("unix:", "fd://")):
        return
    host, _, port = bind.rpartition(":")
    host = host.strip("[]") or "0.0.0.0"
    try:
        address = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)[0]
    except (ValueError, socket.gaierror) as error:
        raise BindError(f"MUSIC_API_BIND={bind} is not an address to listen on ({error})") from None
    family, kind, protocol, _, sockaddr = address
    with socket.socket(family, kind, protocol) as probe:
        # As gunicorn binds: a port in TIME_WAIT is free, one listened on is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(sockaddr)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise BindError(
                    f"{bind} is already in use (another server?): set MUSIC_API_BIND "
                    f"to a free address, e.g. MUSIC_API_BIND={host}:{int(port) + 1}"
                ) from None
            raise BindError(f"cannot listen on MUSIC_API_BIND={bind}: {error.strerror}") from None


def exec_gunicorn():
    """Replace this process with the gunicorn master (signals from systemd
    or a terminal then reach gunicorn itself)."""
    os.execv(sys.executable, [sys.executable, "-m", "gunicorn", *GUNICORN_ARGS])
