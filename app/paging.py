"""Spotify's paging object: one page of a list, with absolute links to its neighbours."""

from app.public_urls import public_url


def offset_page(items, *, path, arguments, limit, offset, total, last_offset=None):
    """Return ``{href, items, limit, next, offset, previous, total}``.

    :param path: the route that serves the list (``/v1/albums/…/tracks``).
    :param arguments: the request's other query arguments (``q``, ``type``,
        ``market``), kept in every link; ``limit`` and ``offset`` are set here.
    :param total: how many items the list holds (or, for search, its bound).
    :param last_offset: the largest offset the route accepts; no ``next``
        link goes past it.
    """
    def link(page_offset):
        return public_url(path, {**arguments, "offset": page_offset, "limit": limit})

    next_offset = offset + limit
    has_next = limit > 0 and next_offset < total
    if last_offset is not None and next_offset > last_offset:
        has_next = False
    return {
        "href": link(offset),
        "items": items,
        "limit": limit,
        "next": link(next_offset) if has_next else None,
        "offset": offset,
        "previous": link(max(0, offset - limit)) if offset > 0 and limit > 0 else None,
        "total": total,
    }
