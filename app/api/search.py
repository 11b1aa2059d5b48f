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
from app.db import has_track_files
from app.db import search_mode
from app.db import time_limit
from app.schemas.objects import albums_schema
from app.schemas.objects import artists_schema
from app.schemas.objects import tracks_schema
from app.validation import DEFAULT_LIMIT
from app.validation import LIMIT_RANGE
from app.validation import OFFSET_RANGE
from app.validation import bounded_int
from app.validation import search_query

bp = Blueprint("search", __name__)


def _search_params():
    q = search_query(request.args)
    limit = bounded_int(request.args, "limit", DEFAULT_LIMIT, LIMIT_RANGE)
    offset = bounded_int(request.args, "offset", 0, OFFSET_RANGE)
    return q, limit, offset


def _search(by_index, by_scan, **options):
    """Run the index search when an index is attached, else the scan, under the time limit."""
    q, limit, offset = _search_params()
    connection = get_db()
    with time_limit(connection, current_app.config["SEARCH_TIME_LIMIT_MS"]):
        if search_mode() == "index":
            return by_index(connection, q, limit, offset, **options)
        return by_scan(connection, like_pattern(q), limit, offset, **options)


@bp.get("/track")
def search_tracks():
    found = _search(
        indexed.search_tracks, tracks.search_tracks_by_scan, with_files=has_track_files()
    )
    return jsonify(tracks_schema.dump(found))


@bp.get("/album")
def search_albums():
    found = _search(indexed.search_albums, albums.search_albums_by_scan)
    return jsonify(albums_schema.dump(found))


@bp.get("/artist")
def search_artists():
    found = _search(indexed.search_artists, artists.search_artists_by_scan)
    return jsonify(artists_schema.dump(found))
