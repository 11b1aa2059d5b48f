"""The OpenAPI document, generated from the app's routes and the marshmallow
schemas that parse requests and serialise answers.

Operations are declared by endpoint; each path is the template of the
endpoint's rule (:mod:`app.routes`, the spelling the logs and metrics use),
its path parameters are the rule's variables as
:class:`~app.schemas.requests.PathVariables` describes them, and its query
parameters come from the operation's argument schema.
"""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from app import routes
from app.catalog.examples import example_keys
from app.openapi_operations import OPERATIONS
from app.openapi_operations import SCHEMAS
from app.schemas import batch_request
from app.schemas import requests


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
        extra = batch_request.BATCH_REQUEST_RULES if name == "BatchRequest" else None
        spec.components.schema(name, component=extra, schema=schema)
    path_variables = requests.PathVariables().fields
    examples = _examples(app.extensions["catalogue_files"].main)
    for endpoint, operations in OPERATIONS.items():
        (rule,) = app.url_map.iter_rules(endpoint)
        variables = [
            _parameter(plugin, name, "path", path_variables[name])
            for name in routes.variables(rule.rule)
        ]
        spec.path(
            path=routes.template(rule.rule),
            operations={
                method: _with_examples(_spelled_out(plugin, operation, variables), examples.get(endpoint))
                for method, operation in operations.items()
            },
        )
    return spec


def _examples(main_file):
    """{endpoint: {parameter or "body": value}}: keys of the served catalogue,
    so that Swagger UI's "Try it out" finds something as it stands."""
    keys = example_keys(main_file)
    if keys is None:
        return {}
    # A word of the example artist's name: found by the index and by the scan.
    words = re.findall(r"[^\W_]{3,}", keys["artist_name"] or "")
    q = {"q": words[0]} if words else {}
    return {
        "lookup.isrc_tracks": {"isrc": keys["isrc"]},
        "lookup.track": {"id": keys["track"]},
        "lookup.artist": {"id": keys["artist"]},
        "lookup.album": {"id": keys["album"]},
        "lookup.album_tracks": {"id": keys["album"]},
        "search.search_artists": q,
        "search.search_albums": {"q": "the"},
        "search.search_tracks": {"q": "the"},
        "batch.batch_lookup": {
            "body": {
                "tracks": [keys["track"]], "artists": [keys["artist"]],
                "albums": [keys["album"]], "isrcs": [keys["isrc"]],
            }
        },
        "spotify.track": {"id": keys["track"]},
        "spotify.several_tracks": {"ids": keys["track"]},
        "spotify.album": {"id": keys["album"]},
        "spotify.several_albums": {"ids": keys["album"]},
        "spotify.album_tracks": {"id": keys["album"]},
        "spotify.artist": {"id": keys["artist"]},
        "spotify.several_artists": {"ids": keys["artist"]},
        "spotify_search.search": {**q, "type": "artist"},
        "token.token": {"body": {"grant_type": "client_credentials"}},
        "lookup.upc_albums": {"upc": keys["upc"]},
        "lookup.artist_albums": {"id": keys["artist"]},
        "lookup.artist_top_tracks": {"id": keys["artist"]},
        "lookup.track_audio_features": {"id": keys["track"]},
        "spotify_deeper.audio_features": {"id": keys["track"]},
        "spotify_deeper.several_audio_features": {"ids": keys["track"]},
        "spotify_deeper.artist_albums": {"id": keys["artist"]},
        "spotify_deeper.artist_top_tracks": {"id": keys["artist"]},
    }


def _with_examples(operation, examples):
    """``operation`` with ``examples`` as its parameters' and body's example values."""
    if not examples:
        return operation
    parameters = [
        dict(parameter, example=examples[parameter["name"]]) if parameter["name"] in examples else parameter
        for parameter in operation.get("parameters", ())
    ]
    operation = dict(operation, **({"parameters": parameters} if parameters else {}))
    if "body" in examples:
        ((media_type, body),) = operation["requestBody"]["content"].items()
        operation["requestBody"] = {
            **operation["requestBody"],
            "content": {media_type: {**body, "example": examples["body"]}},
        }
    return operation


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
