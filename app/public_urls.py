"""Absolute URLs on the service, as its clients must see them.

Spotify's clients fetch a paging object's ``next`` verbatim and follow the
``href`` of objects, so those are absolute URLs on the address the client
used: ``PUBLIC_BASE_URL`` when set, else the request's own scheme, host and
prefix, which behind trusted proxies come from their X-Forwarded-* headers
(:mod:`app.proxies`).
"""

from urllib.parse import urlencode

from flask import current_app
from flask import g
from flask import request


def public_base():
    """The service's base URL without a trailing slash (``https://music.example``)."""
    base = g.get("public_base")
    if base is None:
        base = g.public_base = (
            current_app.config["PUBLIC_BASE_URL"] or request.root_url
        ).rstrip("/")
    return base


def public_url(path, arguments=None):
    """Return the absolute URL of ``path`` (``/v1/tracks/…``) with the query ``arguments``."""
    url = public_base() + path
    if arguments:
        url += "?" + urlencode(arguments)
    return url
