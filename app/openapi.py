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
from app.schemas import objects
from app.schemas import requests
from app.schemas import service
from app.schemas import spotify
from app.schemas import spotify_requests

ERROR_DESCRIPTIONS = {
    400: "invalid input",
    403: "not served: no audio features database is configured",
    404: "not found",
    401: "authentication is on and the Bearer token is missing, invalid or expired",
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
    "spotify.track": _get(
        "Spotify: one track", _ok("TrackObject", "SpotifyTrack"), 400, 401, 404,
        arguments=spotify_requests.MarketArguments,
    ),
    "spotify.several_tracks": _get(
        "Spotify: several tracks (up to 50), null for unknown ids",
        _ok("tracks in the order asked", "SpotifySeveralTracks"), 400, 401,
        arguments=spotify_requests.SeveralTracksArguments,
    ),
    "spotify.album": _get(
        "Spotify: one album with the first 50 of its tracks",
        _ok("AlbumObject", "SpotifyAlbum"), 400, 401, 404,
        arguments=spotify_requests.MarketArguments,
    ),
    "spotify.several_albums": _get(
        "Spotify: several albums (up to 20), null for unknown ids",
        _ok("albums in the order asked", "SpotifySeveralAlbums"), 400, 401,
        arguments=spotify_requests.SeveralAlbumsArguments,
    ),
    "spotify.album_tracks": _get(
        "Spotify: a page of an album's tracks; total is exact",
        _ok("paging object of SimplifiedTrackObject", "SpotifySimplifiedTrackPaging"),
        400, 401, 404, arguments=spotify_requests.AlbumTracksArguments,
    ),
    "spotify.artist": _get(
        "Spotify: one artist", _ok("ArtistObject", "SpotifyArtist"), 400, 401, 404,
    ),
    "spotify.several_artists": _get(
        "Spotify: several artists (up to 50), null for unknown ids",
        _ok("artists in the order asked", "SpotifySeveralArtists"), 400, 401,
        arguments=spotify_requests.SeveralArtistsArguments,
    ),
    "spotify_search.search": _get(
        "Spotify: search tracks, albums and artists with Spotify's field filters. "
        "total counts matches among the first 1,050 in rank order (a bound, not a count "
        "over the catalogue); without a search index names are matched by the bounded scan",
        _ok("one paging object per type asked for", "SpotifySearchResults"),
        400, 401, 408, arguments=spotify_requests.SpotifySearchArguments,
    ),
    "spotify_deeper.audio_features": _get(
        "Spotify: one track's audio features",
        _ok("AudioFeaturesObject", "SpotifyAudioFeatures"), 400, 401, 403, 404,
    ),
    "spotify_deeper.several_audio_features": _get(
        "Spotify: audio features of up to 100 tracks, null for unknown ids and tracks "
        "Spotify had none for",
        _ok("audio features in the order asked", "SpotifySeveralAudioFeatures"), 400, 401, 403,
        arguments=spotify_requests.SeveralAudioFeaturesArguments,
    ),
    "spotify_deeper.artist_albums": _get(
        "Spotify: a page of an artist's albums, by group (album, single, compilation, "
        "appears_on), newest first in each; total is exact",
        _ok("paging object of SimplifiedAlbumObject with album_group", "SpotifyArtistAlbumPaging"),
        400, 401, 404, arguments=spotify_requests.ArtistAlbumsArguments,
    ),
    "spotify_deeper.artist_top_tracks": _get(
        "Spotify: an artist's ten most popular tracks",
        _ok("the tracks", "SpotifyTopTracks"), 400, 401, 404,
        arguments=spotify_requests.ArtistTopTracksArguments,
    ),
    "spotify_deeper.markets": _get(
        "Spotify: every market code of the catalogue", _ok("the codes", "SpotifyMarkets"), 401,
    ),
    "token.token": {
        "post": {
            "summary": "Spotify accounts: client-credentials token (any client while "
            "authentication is off)",
            "requestBody": {
                "required": True,
                "content": {"application/x-www-form-urlencoded": {"schema": {
                    "type": "object",
                    "properties": {"grant_type": {"type": "string", "enum": ["client_credentials"]}},
                    "required": ["grant_type"],
                }}},
            },
            "responses": {
                "200": _ok("the token", "SpotifyToken"),
                "400": {"description": "OAuth error (invalid_request, unsupported_grant_type, "
                        "invalid_client)", "content": {"application/json": {"schema": {
                            "type": "object",
                            "properties": {"error": {"type": "string"},
                                           "error_description": {"type": "string"}},
                        }}}},
                **_errors(413),
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
    # The Spotify Web API family (/v1), named as Spotify's OpenAPI names them.
    "SpotifySimplifiedArtist": spotify.SimplifiedArtistSchema,
    "SpotifyFollowers": spotify.FollowersSchema,
    "SpotifyArtist": spotify.ArtistSchema,
    "SpotifyCopyright": spotify.CopyrightSchema,
    "SpotifyTrackExternalIds": spotify.TrackExternalIdsSchema,
    "SpotifyAlbumExternalIds": spotify.AlbumExternalIdsSchema,
    "SpotifySimplifiedAlbum": spotify.SimplifiedAlbumSchema,
    "SpotifySimplifiedTrack": spotify.SimplifiedTrackSchema,
    "SpotifyTrack": spotify.TrackSchema,
    "SpotifySimplifiedTrackPaging": spotify.SimplifiedTrackPagingSchema,
    "SpotifyTrackPaging": spotify.TrackPagingSchema,
    "SpotifySimplifiedAlbumPaging": spotify.SimplifiedAlbumPagingSchema,
    "SpotifyArtistPaging": spotify.ArtistPagingSchema,
    "SpotifyEmptyPaging": spotify.EmptyPagingSchema,
    "SpotifyAlbum": spotify.AlbumSchema,
    "SpotifySeveralTracks": spotify.SeveralTracksSchema,
    "SpotifySeveralAlbums": spotify.SeveralAlbumsSchema,
    "SpotifySeveralArtists": spotify.SeveralArtistsSchema,
    "SpotifySearchResults": spotify.SearchResultsSchema,
    "SpotifyToken": spotify.TokenSchema,
    "SpotifyAudioFeatures": spotify.AudioFeaturesSchema,
    "SpotifySeveralAudioFeatures": spotify.SeveralAudioFeaturesSchema,
    "SpotifyArtistAlbum": spotify.ArtistAlbumSchema,
    "SpotifyArtistAlbumPaging": spotify.ArtistAlbumPagingSchema,
    "SpotifyTopTracks": spotify.TopTracksSchema,
    "SpotifyMarkets": spotify.MarketsSchema,
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
