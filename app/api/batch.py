"""POST /batch/lookup: up to 400 ids and ISRCs in one request (audio features too)."""

import json

from flask import Blueprint
from flask import jsonify
from flask import request
from marshmallow import ValidationError

from app.api.lookup import require_audio_features
from app.catalog import albums
from app.catalog import artists
from app.catalog import audio_features
from app.catalog import tracks
from app.db import get_db
from app.errors import ApiError
from app.schemas.batch_request import BATCH_MAX_ITEMS
from app.schemas.batch_request import LOOKUP_KINDS
from app.schemas.batch_request import batch_request_schema
from app.schemas.objects import batch_response_schema
from app.shared_objects import already_dumped

bp = Blueprint("batch", __name__)


@bp.post("/lookup")
def batch_lookup():
    wanted = _parse_body()
    connection = get_db()
    if "audio_features" in wanted:
        require_audio_features(connection)
    found = {}
    if "tracks" in wanted:
        found["tracks"] = tracks.tracks_by_id(connection, wanted["tracks"], already_dumped)
    if "artists" in wanted:
        found["artists"] = artists.artists_by_id(connection, wanted["artists"])
    if "albums" in wanted:
        found["albums"] = albums.albums_by_id_whole(connection, wanted["albums"])
    if "isrcs" in wanted:
        found["isrcs"] = tracks.tracks_by_isrc(connection, wanted["isrcs"], already_dumped)
    if "audio_features" in wanted:
        found["audio_features"] = audio_features.features_by_track_id(
            connection, wanted["audio_features"]
        )
    # One dump for the whole answer, so an album or artist that several
    # entries share is dumped once.
    return jsonify(batch_response_schema.dump(found))


def _json_body():
    """Return the parsed body.

    Parsed here rather than by ``request.get_json`` so that a body nested
    too deeply for Python's parser (RecursionError) is a 400, not a 500,
    and the 400 says where the JSON went wrong; the content type is not
    required, as curl -d sends a form type.

    :raise ApiError 400: the body is not valid JSON.
    """
    try:
        return json.loads(request.get_data(cache=False))
    except json.JSONDecodeError as error:
        problem = f"{error.msg[0].lower()}{error.msg[1:]} at line {error.lineno}, column {error.colno}"
    except UnicodeDecodeError:
        problem = "the body is not UTF-8 text"
    except RecursionError:
        problem = "nested too deeply"
    raise ApiError("invalid request body", fields={"body": [f"not valid JSON: {problem}"]})


def _known_keys(body):
    """Return ``body`` with its keys matched to the lookup kinds, ignoring
    case as the Go service did (``"ISRCs"``, ``"Tracks"``), and a map from
    each kind back to the key as sent, for messages.

    :raise ApiError 400: one kind sent under two spellings.
    """
    lists, sent_as = {}, {}
    for key, value in body.items():
        kind = key.lower()
        if kind not in LOOKUP_KINDS:
            continue
        if kind in lists:
            raise ApiError(
                "invalid request body",
                fields={key: [f"{kind} sent twice, as {sent_as[kind]} and as {key}"]},
            )
        lists[kind], sent_as[kind] = value, key
    return lists, sent_as


def _parse_body():
    """Return {kind: [distinct keys]} for each list sent.

    :raise ApiError 400: malformed body, bad entries, no item, or too many.
    """
    body = _json_body()
    if not isinstance(body, dict):
        raise ApiError("invalid request body", fields={"body": ["must be a JSON object"]})
    lists, sent_as = _known_keys(body)
    sent = sum(len(value) for value in lists.values() if isinstance(value, list))
    if sent > BATCH_MAX_ITEMS:
        raise ApiError(f"maximum {BATCH_MAX_ITEMS} total items allowed")
    try:
        loaded = batch_request_schema.load(lists)
    except ValidationError as error:
        fields = {sent_as.get(kind, kind): messages for kind, messages in error.messages.items()}
        raise ApiError("invalid request body", fields=fields) from error
    wanted = {kind: list(dict.fromkeys(keys)) for kind, keys in loaded.items() if keys is not None}
    if not any(wanted.values()):
        unknown = [key for key in body if key not in sent_as.values()]
        valid = ", ".join(LOOKUP_KINDS)
        fields = {key: [f"unknown key: the valid keys are {valid}"] for key in unknown} or None
        raise ApiError("at least one lookup type required", fields=fields)
    return wanted
