"""What the OpenAPI document says of each operation and which schemas it
names, by endpoint, in the document's order (:mod:`app.openapi` builds the
document from this table and the app's routes)."""

from app.schemas import batch_request
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
    "BatchRequest": batch_request.BatchRequestSchema,
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
