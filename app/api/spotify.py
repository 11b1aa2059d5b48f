"""GET /v1/…: tracks, albums and artists answered as Spotify's Web API answers.

Spotify's clients (spotipy, tekore, beets' spotify plugin) work against
these routes once their base URL points here. The objects are
:mod:`app.schemas.spotify`'s; the rows and their statements are the native
routes' (:mod:`app.catalog`), plus each object's markets.
"""

from flask import Blueprint
from flask import jsonify
from flask import request

from app import access
from app.catalog import albums as albums_sql
from app.catalog import artists as artists_sql
from app.catalog import markets as markets_sql
from app.catalog import tracks as tracks_sql
from app.db import get_db
from app.errors import ApiError
from app.errors import NotFound
from app.paging import offset_page
from app.schemas import spotify as objects
from app.schemas import spotify_requests as arguments
from app.validation import is_spotify_id

bp = Blueprint("spotify", __name__)
bp.before_request(access.require_token)

# How many tracks an album object embeds, as Spotify's does.
ALBUM_TRACKS_EMBEDDED = 50


def require_id(value):
    """Return ``value`` if it is a Spotify id.

    :raise ApiError 400: ``invalid id``.
    """
    if not is_spotify_id(value):
        raise ApiError(arguments.INVALID_ID)
    return value


def found_or_404(found, key):
    """:raise NotFound 404: ``non existing id`` when ``key`` is not in ``found``."""
    if key not in found:
        raise NotFound("non existing id")
    return found[key]


def add_markets(connection, tracks=(), albums=(), market=None):
    """Give the tracks, their albums and ``albums`` their markets (one
    statement); with a ``market``, say whether each track is playable there."""
    tracks, albums = list(tracks), list(albums)
    owned = [track["album"] for track in tracks if "album" in track]
    markets_sql.add_markets(connection, tracks + albums + owned)
    if market is not None:
        for track in tracks:
            track["is_playable"] = market in track["available_markets"]


def album_tracks_page(album_id, tracks, total, limit, offset, market):
    """The paging object of an album's tracks (its own route's links)."""
    kept = {"market": market} if market else {}
    return offset_page(
        tracks, path=f"/v1/albums/{album_id}/tracks", arguments=kept,
        limit=limit, offset=offset, total=total,
    )


def whole_albums(connection, ids, market):
    """Return {id: album} with the first page of each album's tracks and every market."""
    found = albums_sql.albums_by_id_whole(connection, ids, credits_fallback=True)
    pages, totals = tracks_sql.album_track_pages(
        connection, [album["rowid"] for album in found.values()], ALBUM_TRACKS_EMBEDDED, 0
    )
    page_tracks = [track for page in pages.values() for track in page]
    add_markets(connection, page_tracks, found.values(), market)
    for album in found.values():
        album["tracks"] = album_tracks_page(
            album["id"], pages.get(album["rowid"], []), totals.get(album["rowid"], 0),
            ALBUM_TRACKS_EMBEDDED, 0, market,
        )
    return found


def whole_tracks(connection, ids, market):
    found = tracks_sql.tracks_by_id(connection, ids, credits_fallback=True)
    add_markets(connection, found.values(), market=market)
    return found


@bp.get("/tracks/<id>", strict_slashes=False)
def track(id):
    market = arguments.market_arguments.load(request.args)["market"]
    found = whole_tracks(get_db(), [require_id(id)], market)
    return jsonify(objects.track_schema.dump(found_or_404(found, id)))


@bp.get("/tracks", strict_slashes=False)
def several_tracks():
    wanted = arguments.several_tracks_arguments.load(request.args)
    found = whole_tracks(get_db(), wanted["ids"], wanted["market"])
    tracks = [found.get(track_id) for track_id in wanted["ids"]]
    return jsonify(objects.several_tracks_schema.dump({"tracks": tracks}))


@bp.get("/albums/<id>", strict_slashes=False)
def album(id):
    market = arguments.market_arguments.load(request.args)["market"]
    found = whole_albums(get_db(), [require_id(id)], market)
    return jsonify(objects.album_schema.dump(found_or_404(found, id)))


@bp.get("/albums", strict_slashes=False)
def several_albums():
    wanted = arguments.several_albums_arguments.load(request.args)
    found = whole_albums(get_db(), wanted["ids"], wanted["market"])
    albums = [found.get(album_id) for album_id in wanted["ids"]]
    return jsonify(objects.several_albums_schema.dump({"albums": albums}))


@bp.get("/albums/<id>/tracks", strict_slashes=False)
def album_tracks(id):
    album_id = require_id(id)
    wanted = arguments.album_tracks_arguments.load(request.args)
    limit, offset, market = wanted["limit"], wanted["offset"], wanted["market"]
    connection = get_db()
    album_rowid = albums_sql.album_rowid(connection, album_id)
    if album_rowid is None:
        raise NotFound("non existing id")
    pages, totals = tracks_sql.album_track_pages(connection, [album_rowid], limit, offset)
    tracks = pages.get(album_rowid, [])
    add_markets(connection, tracks, market=market)
    page = album_tracks_page(album_id, tracks, totals.get(album_rowid, 0),
                             limit, offset, market)
    return jsonify(objects.simplified_track_paging_schema.dump(page))


@bp.get("/artists/<id>", strict_slashes=False)
def artist(id):
    found = artists_sql.artists_by_id(get_db(), [require_id(id)])
    return jsonify(objects.artist_schema.dump(found_or_404(found, id)))


@bp.get("/artists", strict_slashes=False)
def several_artists():
    wanted = arguments.several_artists_arguments.load(request.args)
    found = artists_sql.artists_by_id(get_db(), wanted["ids"])
    artists = [found.get(artist_id) for artist_id in wanted["ids"]]
    return jsonify(objects.several_artists_schema.dump({"artists": artists}))
