"""GET /lookup/…: one track, artist, album, an album's tracks, or an ISRC's tracks."""

from flask import Blueprint
from flask import jsonify

from app.catalog import albums
from app.catalog import artists
from app.catalog import tracks
from app.db import get_db
from app.errors import NotFound
from app.schemas.objects import album_schema
from app.schemas.objects import artist_schema
from app.schemas.objects import track_schema
from app.schemas.objects import tracks_schema
from app.schemas.objects import tracks_without_album_schema
from app.shared_objects import already_dumped
from app.validation import require_isrc
from app.validation import require_spotify_id

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


# Path variables are named ``id`` as the contract's templates are
# (/lookup/track/{id}), so Flask, the logs and the OpenAPI paths spell each
# route one way.
@bp.get("/track/<id>")
def track(id):
    track_id = require_spotify_id(id, "track")
    found = tracks.tracks_by_id(get_db(), [track_id], already_dumped)
    return jsonify(track_schema.dump(found_or_404(found, track_id, "track")))


@bp.get("/artist/<id>")
def artist(id):
    artist_id = require_spotify_id(id, "artist")
    found = artists.artists_by_id(get_db(), [artist_id])
    return jsonify(artist_schema.dump(found_or_404(found, artist_id, "artist")))


@bp.get("/album/<id>")
def album(id):
    album_id = require_spotify_id(id, "album")
    found = albums.albums_by_id_whole(get_db(), [album_id])
    return jsonify(album_schema.dump(found_or_404(found, album_id, "album")))


@bp.get("/album/<id>/tracks")
def album_tracks(id):
    album_id = require_spotify_id(id, "album")
    connection = get_db()
    album_rowid = albums.album_rowid(connection, album_id)
    if album_rowid is None:
        raise NotFound("album not found")
    found = tracks.tracks_of_album(connection, album_rowid)
    return jsonify(tracks_without_album_schema.dump(found))
