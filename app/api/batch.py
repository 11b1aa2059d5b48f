"""POST /batch/lookup: up to 400 ids and ISRCs in one request."""

import json

from flask import Blueprint
from flask import jsonify
from flask import request
from marshmallow import ValidationError

from app.catalog import albums
from app.catalog import artists
from app.catalog import tracks
from app.db import get_db
from app.errors import ApiError
from app.schemas.objects import batch_response_schema
from app.schemas.requests import BATCH_MAX_ITEMS
from app.schemas.requests import LOOKUP_KINDS
from app.schemas.requests import batch_request_schema
from app.shared_objects import already_dumped

bp = Blueprint("batch", __name__)


@bp.post("/lookup")
def batch_lookup():
    wanted = _parse_body()
    connection = get_db()
    found = {}
    if "tracks" in wanted:
        found["tracks"] = tracks.tracks_by_id(connection, wanted["tracks"], already_dumped)
    if "artists" in wanted:
        found["artists"] = artists.artists_by_id(connection, wanted["artists"])
    if "albums" in wanted:
        found["albums"] = albums.albums_by_id_whole(connection, wanted["albums"])
    if "isrcs" in wanted:
        found["isrcs"] = tracks.tracks_by_isrc(connection, wanted["isrcs"], already_dumped)
    # One dump for the whole answer, so an album or artist that several
    # entries share is dumped once.
    return jsonify(batch_response_schema.dump(found))


def _json_body():
    """Return the parsed body, or None when it is not JSON.

    Parsed here rather than by ``request.get_json`` so that a body nested
    too deeply for Python's parser (RecursionError) is a 400, not a 500;
    the content type is not required, as curl -d sends a form type.
    """
    try:
        return json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError):
        return None


def _parse_body():
    """Return {kind: [distinct keys]} for each list sent.

    :raise ApiError 400: malformed body, bad entries, no item, or too many.
    """
    body = _json_body()
    if not isinstance(body, dict):
        raise ApiError("invalid request body", fields={"body": ["must be a JSON object"]})
    sent = sum(len(body[kind]) for kind in LOOKUP_KINDS if isinstance(body.get(kind), list))
    if sent > BATCH_MAX_ITEMS:
        raise ApiError(f"maximum {BATCH_MAX_ITEMS} total items allowed")
    try:
        lists = batch_request_schema.load(body)
    except ValidationError as error:
        raise ApiError("invalid request body", fields=error.messages) from error
    wanted = {kind: list(dict.fromkeys(keys)) for kind, keys in lists.items() if keys is not None}
    if not any(wanted.values()):
        raise ApiError("at least one lookup type required")
    return wanted
