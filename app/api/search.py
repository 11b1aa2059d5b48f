"""GET /search/…: names containing a query, best known first, under a time limit."""

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request

from app.catalog import artists
from app.catalog import like_pattern
from app.catalog import tracks
from app.db import get_db
from app.db import has_track_files
from app.db import time_limit
from app.schemas import artists_schema
from app.schemas import tracks_schema
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


@bp.get("/track")
def search_tracks():
    q, limit, offset = _search_params()
    connection = get_db()
    with time_limit(connection, current_app.config["SEARCH_TIME_LIMIT_MS"]):
        found = tracks.search_tracks_by_scan(
            connection, like_pattern(q), limit, offset, with_files=has_track_files()
        )
    return jsonify(tracks_schema.dump(found))


@bp.get("/artist")
def search_artists():
    q, limit, offset = _search_params()
    connection = get_db()
    with time_limit(connection, current_app.config["SEARCH_TIME_LIMIT_MS"]):
        found = artists.search_artists_by_scan(connection, like_pattern(q), limit, offset)
    return jsonify(artists_schema.dump(found))
