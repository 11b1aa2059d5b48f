"""The OpenAPI document, generated from the marshmallow schemas that serialise answers."""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from app.schemas import objects
from app.schemas import requests
from app.schemas import service
from app.validation import DEFAULT_LIMIT
from app.validation import LIMIT_RANGE
from app.validation import OFFSET_RANGE
from app.validation import ISRC_INPUT_REGEX
from app.validation import QUERY_REGEX
from app.validation import SPOTIFY_ID_REGEX

SPOTIFY_ID_PARAMETER = {
    "name": "id",
    "in": "path",
    "required": True,
    "description": "Spotify id: 22 characters of [0-9A-Za-z]",
    "schema": {"type": "string", "pattern": SPOTIFY_ID_REGEX},
}

ISRC_PARAMETER = {
    "name": "isrc",
    "in": "path",
    "required": True,
    "description": "ISRC; spaces and hyphens are removed and letters upper-cased "
    "before the lookup (us-um7-24-09273 → USUM72409273)",
    "schema": {"type": "string", "pattern": ISRC_INPUT_REGEX, "example": "USUM72409273"},
}

SEARCH_PARAMETERS = [
    {
        "name": "q",
        "in": "query",
        "required": True,
        "description": "2 to 200 characters once surrounding whitespace is trimmed. "
        "With a search index: every word must match, the "
        "last as a prefix, ignoring case and accents; whole words, then prefixes, "
        "then matches inside a word (words of 3+ characters). Without one (see "
        "/health `search`): names containing q, ASCII case-insensitive",
        "schema": {"type": "string", "pattern": QUERY_REGEX},
    },
    {
        "name": "limit",
        "in": "query",
        "schema": {
            "type": "integer",
            "minimum": LIMIT_RANGE[0],
            "maximum": LIMIT_RANGE[1],
            "default": DEFAULT_LIMIT,
        },
    },
    {
        "name": "offset",
        "in": "query",
        "schema": {
            "type": "integer",
            "minimum": OFFSET_RANGE[0],
            "maximum": OFFSET_RANGE[1],
            "default": 0,
        },
    },
]

ERROR_DESCRIPTIONS = {
    400: "invalid input",
    404: "not found",
    408: "search timeout - try a more specific query",
    413: "request body over 1 MiB",
    429: "rate limit exceeded; see Retry-After",
    503: "a database cannot answer",
}


def _ok(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses):
    return {
        str(status): {
            "description": ERROR_DESCRIPTIONS[status],
            "content": {"application/json": {"schema": "Error"}},
        }
        for status in (*statuses, 429, 503)
    }


def _get(summary, parameters, ok, *errors):
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {"200": ok, **_errors(*errors)},
        }
    }


def _array(schema):
    return {"type": "array", "items": schema}


PATHS = {
    "/lookup/isrc/{isrc}": _get(
        "Tracks with this ISRC, most popular first",
        [ISRC_PARAMETER], _ok("tracks, each with its album", _array("Track")), 400,
    ),
    "/lookup/track/{id}": _get(
        "One track with its album", [SPOTIFY_ID_PARAMETER], _ok("the track", "Track"), 400, 404,
    ),
    "/lookup/artist/{id}": _get(
        "One artist", [SPOTIFY_ID_PARAMETER], _ok("the artist", "Artist"), 400, 404,
    ),
    "/lookup/album/{id}": _get(
        "One album", [SPOTIFY_ID_PARAMETER], _ok("the album", "Album"), 400, 404,
    ),
    "/lookup/album/{id}/tracks": _get(
        "An album's tracks by disc, then track number (without album)",
        [SPOTIFY_ID_PARAMETER], _ok("the tracks", _array("Track")), 400, 404,
    ),
    "/search/album": _get(
        "Albums whose name matches q, most popular first",
        SEARCH_PARAMETERS, _ok("matching albums", _array("Album")), 400, 408,
    ),
    "/search/artist": _get(
        "Artists whose name matches q, most followers first",
        SEARCH_PARAMETERS, _ok("matching artists", _array("Artist")), 400, 408,
    ),
    "/search/track": _get(
        "Tracks whose name matches q, most popular first",
        SEARCH_PARAMETERS, _ok("matching tracks", _array("Track")), 400, 408,
    ),
    "/batch/lookup": {
        "post": {
            "summary": "Look up to 400 tracks, artists, albums and ISRCs at once",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": "BatchRequest"}},
            },
            "responses": {
                "200": _ok("found objects keyed by id or normalised ISRC", "BatchResponse"),
                **_errors(400, 413),
            },
        }
    },
    "/health": {
        "get": {
            "summary": "Whether each database can answer",
            "responses": {
                "200": _ok("every configured database answers", "Health"),
                "503": _ok("a database cannot answer", "Health"),
            },
        }
    },
    "/metrics": {
        "get": {
            "summary": "Prometheus metrics of every worker of this instance (not rate limited)",
            "responses": {
                "200": {
                    "description": "Prometheus text exposition format",
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                }
            },
        }
    },
}

SCHEMAS = {
    "Image": objects.ImageSchema,
    "Artist": objects.ArtistSchema,
    "Album": objects.AlbumSchema,
    "Track": objects.TrackSchema,
    "Error": service.ErrorSchema,
    "BatchRequest": requests.BatchRequestSchema,
    "BatchResponse": objects.BatchResponseSchema,
    "Health": service.HealthSchema,
}


def build_spec():
    """Return the APISpec describing every route, parameter, answer and error."""
    spec = APISpec(
        title="Music Metadata API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Read-only lookups over the 2025-07 Spotify metadata snapshot."},
    )
    for name, schema in SCHEMAS.items():
        extra = requests.BATCH_REQUEST_RULES if name == "BatchRequest" else None
        spec.components.schema(name, component=extra, schema=schema)
    for path, operations in PATHS.items():
        spec.path(path=path, operations=operations)
    return spec
