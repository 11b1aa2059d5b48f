"""The OpenAPI document, generated from the app's routes and the marshmallow
schemas that parse requests and serialise answers.

Operations are declared by endpoint; each path is the template of the
endpoint's rule (:mod:`app.routes`, the spelling the logs and metrics use),
its path parameters are the rule's variables as
:class:`~app.schemas.requests.PathVariables` describes them, and its query
parameters come from the operation's argument schema.
"""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from app import routes
from app.schemas import objects
from app.schemas import requests
from app.schemas import service

ERROR_DESCRIPTIONS = {
    400: "invalid input",
    403: "not served: no audio features database is configured",
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


def _array(schema):
    return {"type": "array", "items": schema}


def _get(summary, ok, *errors, arguments=None):
    # The arguments' schema stands in the parameters until build_spec spells
    # out its fields, after the path's own variables.
    query = [{"in": "query", "schema": arguments}] if arguments else []
    return {
        "get": {
            "summary": summary,
            "parameters": query,
            "responses": {"200": ok, **_errors(*errors)},
        }
    }


# By endpoint, in the document's order.
OPERATIONS = {
    "lookup.isrc_tracks": _get(
        "Tracks with this ISRC, most popular first",
        _ok("tracks, each with its album", _array("Track")), 400,
    ),
    "lookup.track": _get("One track with its album", _ok("the track", "Track"), 400, 404),
    "lookup.artist": _get("One artist", _ok("the artist", "Artist"), 400, 404),
    "lookup.album": _get("One album", _ok("the album", "Album"), 400, 404),
    "lookup.album_tracks": _get(
        "An album's tracks by disc, then track number (without album)",
        _ok("the tracks", _array("Track")), 400, 404,
    ),
    "lookup.upc_albums": _get(
        "Albums with this barcode (UPC/EAN), most popular first",
        _ok("albums", _array("Album")), 400, 408, arguments=requests.UpcArguments,
    ),
    "lookup.artist_albums": _get(
        "An artist's albums: album, single, compilation, appears_on; newest first in each",
        _ok("albums, each with its album_group", _array("DiscographyAlbum")), 400, 404,
        arguments=requests.DiscographyArguments,
    ),
    "lookup.artist_top_tracks": _get(
        "An artist's most popular tracks",
        _ok("tracks, each with its album", _array("Track")), 400, 404,
        arguments=requests.TopTracksArguments,
    ),
    "lookup.track_audio_features": _get(
        "A track's audio features",
        _ok("the audio features", "AudioFeatures"), 400, 403, 404,
    ),
    "search.search_albums": _get(
        "Albums whose name matches q, most popular first",
        _ok("matching albums", _array("Album")), 400, 408, arguments=requests.SearchArguments,
    ),
    "search.search_artists": _get(
        "Artists whose name matches q, most followers first",
        _ok("matching artists", _array("Artist")), 400, 408, arguments=requests.SearchArguments,
    ),
    "search.search_tracks": _get(
        "Tracks whose name matches q, most popular first",
        _ok("matching tracks", _array("Track")), 400, 408, arguments=requests.SearchArguments,
    ),
    "batch.batch_lookup": {
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
    "health.health": {
        "get": {
            "summary": "Whether each database can answer",
            "responses": {
                "200": _ok("every configured database answers", "Health"),
                "503": _ok("a database cannot answer", "Health"),
            },
        }
    },
    "metrics.scrape": {
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
    "DiscographyAlbum": objects.DiscographyAlbumSchema,
    "AudioFeatures": objects.AudioFeaturesSchema,
    "Error": service.ErrorSchema,
    "BatchRequest": requests.BatchRequestSchema,
    "BatchResponse": objects.BatchResponseSchema,
    "Health": service.HealthSchema,
}


def build_spec(app):
    """Return the APISpec describing every route of ``app``, its parameters,
    answers and errors; call it once the blueprints are registered."""
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Music Metadata API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[plugin],
        info={"description": "Read-only lookups over the 2025-07 Spotify metadata snapshot."},
    )
    for name, schema in SCHEMAS.items():
        extra = requests.BATCH_REQUEST_RULES if name == "BatchRequest" else None
        spec.components.schema(name, component=extra, schema=schema)
    path_variables = requests.PathVariables().fields
    for endpoint, operations in OPERATIONS.items():
        (rule,) = app.url_map.iter_rules(endpoint)
        variables = [
            _parameter(plugin, name, "path", path_variables[name])
            for name in routes.variables(rule.rule)
        ]
        spec.path(
            path=routes.template(rule.rule),
            operations={
                method: _spelled_out(plugin, operation, variables)
                for method, operation in operations.items()
            },
        )
    return spec


def _spelled_out(plugin, operation, variables):
    """A copy of ``operation`` whose parameters are the path's ``variables``,
    then one per field of each argument schema it names."""
    parameters = list(variables)
    for arguments in operation.get("parameters", ()):
        parameters += [
            _parameter(plugin, name, arguments["in"], field)
            for name, field in arguments["schema"]().fields.items()
        ]
    spelled_out = dict(operation, parameters=parameters)
    if not parameters:
        del spelled_out["parameters"]
    return spelled_out


def _parameter(plugin, name, location, field):
    """The OpenAPI parameter ``name`` in ``location``, described by ``field``."""
    schema = plugin.converter.field2property(field)
    parameter = {"name": name, "in": location}
    if field.required:
        parameter["required"] = True
    if "description" in schema:
        parameter["description"] = schema.pop("description")
    if "default" in schema:
        # After the bounds, where the document has always had it.
        schema["default"] = schema.pop("default")
    parameter["schema"] = schema
    return parameter
