"""GET /lookup/…: one track, artist or album; an album's tracks; an ISRC's
tracks; a barcode's albums; an artist's albums and top tracks; a track's
audio features."""

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request

from app.catalog import albums
from app.catalog import artists
from app.catalog import audio_features
from app.catalog import discographies
from app.catalog import top_tracks
from app.catalog import tracks
from app.catalog import upcs
from app.db import get_db
from app.db import time_limit
from app.errors import ApiError
from app.errors import NotFound
from app.schemas.objects import album_schema
from app.schemas.objects import albums_schema
from app.schemas.objects import artist_schema
from app.schemas.objects import audio_features_schema
from app.schemas.objects import discography_schema
from app.schemas.objects import track_schema
from app.schemas.objects import tracks_schema
from app.schemas.objects import tracks_without_album_schema
from app.schemas.requests import discography_arguments
from app.schemas.requests import top_tracks_arguments
from app.schemas.requests import upc_arguments
from app.shared_objects import already_dumped
from app.validation import require_isrc
from app.validation import require_spotify_id
from app.validation import require_upc

bp = Blueprint("lookup", __name__)


@bp.get("/isrc/<isrc>")
def isrc_tracks(isrc):
    isrc = require_isrc(isrc)
    found = tracks.tracks_by_isrc(get_db(), [isrc], already_dumped)
    return jsonify(tracks_schema.dump(found.get(isrc, [])))


def found_or_404(found, key, kind):
    """Return ``found[key]``.

    :raise NotFound 404: ``<kind> not found`` when the key is absent.
    """
    if key not in found:
        raise NotFound(f"{kind} not found")
    return found[key]


def _sub_route_with_trailing_slash(id, views):
    """Answer ``/lookup/album/{id}/tracks/`` and the like, which the parent's
    ``<path:id>`` rule receives because of the trailing slash; None when
    ``id`` is no such path."""
    parent, _, sub_route = id.rstrip("/").rpartition("/")
    view = views.get(sub_route)
    return view(parent) if view is not None and id.endswith("/") else None


# Path variables are named ``id`` as the contract's templates are
# (/lookup/track/{id}), so Flask, the logs and the OpenAPI paths spell each
# route one way. They take slashes (``path``), so that a pasted share link
# (/lookup/track/https://open.spotify.com/track/…) reaches the view whole.
@bp.get("/track/<path:id>")
def track(id):
    if sub_route := _sub_route_with_trailing_slash(id, {"audio-features": track_audio_features}):
        return sub_route
    track_id = require_spotify_id(id, "track")
    found = tracks.tracks_by_id(get_db(), [track_id], already_dumped)
    return jsonify(track_schema.dump(found_or_404(found, track_id, "track")))


@bp.get("/artist/<path:id>")
def artist(id):
    sub_routes = {"albums": artist_albums, "top-tracks": artist_top_tracks}
    if sub_route := _sub_route_with_trailing_slash(id, sub_routes):
        return sub_route
    artist_id = require_spotify_id(id, "artist")
    found = artists.artists_by_id(get_db(), [artist_id])
    return jsonify(artist_schema.dump(found_or_404(found, artist_id, "artist")))


@bp.get("/album/<path:id>")
def album(id):
    if sub_route := _sub_route_with_trailing_slash(id, {"tracks": album_tracks}):
        return sub_route
    album_id = require_spotify_id(id, "album")
    found = albums.albums_by_id_whole(get_db(), [album_id])
    return jsonify(album_schema.dump(found_or_404(found, album_id, "album")))


@bp.get("/upc/<upc>")
def upc_albums(upc):
    key = require_upc(upc)
    limit = upc_arguments.load(request.args)["limit"]
    connection = get_db()
    # Without the index's upcs part the lookup is a walk of every album.
    with time_limit(connection, current_app.config["SEARCH_TIME_LIMIT_MS"]):
        rowids = upcs.album_rowids_by_upc(connection, key, limit)
    return jsonify(albums_schema.dump(albums.albums_by_rowid_whole(connection, rowids)))


def artist_rowid_or_404(connection, id):
    """Return the rowid of the artist with the id ``id``.

    :raise ApiError 400: not an artist id. :raise NotFound 404: no such artist.
    """
    rowid = artists.artist_rowid(connection, require_spotify_id(id, "artist"))
    if rowid is None:
        raise NotFound("artist not found")
    return rowid


@bp.get("/artist/<path:id>/albums")
def artist_albums(id):
    arguments = discography_arguments.load(request.args)
    connection = get_db()
    artist_rowid = artist_rowid_or_404(connection, id)
    _, page = discographies.discography_page(
        connection, artist_rowid, arguments["group"], arguments["limit"], arguments["offset"]
    )
    found = albums.albums_by_rowid_whole(connection, [rowid for _, rowid in page])
    for album, (group, _) in zip(found, page, strict=True):
        album["album_group"] = group
    return jsonify(discography_schema.dump(found))


@bp.get("/artist/<path:id>/top-tracks")
def artist_top_tracks(id):
    limit = top_tracks_arguments.load(request.args)["limit"]
    connection = get_db()
    artist_rowid = artist_rowid_or_404(connection, id)
    rowids = top_tracks.top_track_rowids(connection, artist_rowid, limit)
    return jsonify(tracks_schema.dump(tracks.tracks_by_rowid(connection, rowids)))


@bp.get("/album/<path:id>/tracks")
def album_tracks(id):
    album_id = require_spotify_id(id, "album")
    connection = get_db()
    album_rowid = albums.album_rowid(connection, album_id)
    if album_rowid is None:
        raise NotFound("album not found")
    found = tracks.tracks_of_album(connection, album_rowid)
    return jsonify(tracks_without_album_schema.dump(found))


AUDIO_FEATURES_NOT_SERVED = "audio features are not served: no audio features database is configured"


def require_audio_features(connection):
    """Both families answer 403 without the file: beets, for one, then turns
    audio features off for the rest of its run instead of failing.

    :raise ApiError 403: when no audio features file is served.
    """
    if not audio_features.served(connection):
        raise ApiError(AUDIO_FEATURES_NOT_SERVED, status=403)


@bp.get("/track/<path:id>/audio-features")
def track_audio_features(id):
    track_id = require_spotify_id(id, "track")
    connection = get_db()
    require_audio_features(connection)
    found = audio_features.features_by_track_id(connection, [track_id])
    return jsonify(audio_features_schema.dump(found_or_404(found, track_id, "audio features")))
