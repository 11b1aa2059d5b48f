"""GET /search/…: names matching a query, best first, under a time limit.

With a search index attached the words of ``q`` are looked up in it (see
:mod:`app.catalog.search`); without one, names containing ``q`` are found by
the bounded scan of the main file.
"""

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request

from app.catalog import albums
from app.catalog import artists
from app.catalog import like_pattern
from app.catalog import search as indexed
from app.catalog import tracks
from app.db import get_db
from app.db import search_mode
from app.db import time_limit
from app.schemas.objects import albums_schema
from app.schemas.objects import artists_schema
from app.schemas.objects import tracks_schema
from app.schemas.requests import search_arguments

bp = Blueprint("search", __name__)


def _search(by_index, by_scan):
    """Run the index search when an index is attached, else the scan, under the time limit.

    :raise ApiError 400: a bad argument, with the message SearchArguments gives it.
    """
    arguments = search_arguments.load(request.args)
    q, limit, offset = arguments["q"], arguments["limit"], arguments["offset"]
    connection = get_db()
    with time_limit(connection, current_app.config["SEARCH_TIME_LIMIT_MS"]):
        if search_mode() == "index":
            return by_index(connection, q, limit, offset)
        return by_scan(connection, like_pattern(q), limit, offset)


@bp.get("/track")
def search_tracks():
    found = _search(indexed.search_tracks, tracks.search_tracks_by_scan)
    return jsonify(tracks_schema.dump(found))


@bp.get("/album")
def search_albums():
    found = _search(indexed.search_albums, albums.search_albums_by_scan)
    return jsonify(albums_schema.dump(found))


@bp.get("/artist")
def search_artists():
    found = _search(indexed.search_artists, artists.search_artists_by_scan)
    return jsonify(artists_schema.dump(found))
