"""GET /v1/…: audio features, artists' albums and top tracks, and markets,
answered as Spotify's Web API answers (withdrawn from most developers there,
still in the snapshot here).

The rows and statements are the native routes' (:mod:`app.catalog`); the
objects are :mod:`app.schemas.spotify`'s.
"""

from flask import Blueprint
from flask import jsonify
from flask import request

from app import access
from app.api.lookup import require_audio_features
from app.api.spotify import add_markets
from app.api.spotify import found_or_404
from app.api.spotify import require_id
from app.catalog import albums as albums_sql
from app.catalog import artists as artists_sql
from app.catalog import audio_features as features_sql
from app.catalog import discographies
from app.catalog import markets as markets_sql
from app.catalog import top_tracks
from app.catalog import tracks as tracks_sql
from app.db import get_db
from app.errors import NotFound
from app.paging import offset_page
from app.schemas import spotify as objects
from app.schemas import spotify_requests as arguments

bp = Blueprint("spotify_deeper", __name__)
bp.before_request(access.require_token)

# Spotify's top tracks: always ten.
TOP_TRACKS = 10


@bp.get("/audio-features/<id>", strict_slashes=False)
def audio_features(id):
    track_id = require_id(id)
    connection = get_db()
    require_audio_features(connection)
    found = features_sql.features_by_track_id(connection, [track_id])
    return jsonify(objects.audio_features_schema.dump(found_or_404(found, track_id)))


@bp.get("/audio-features", strict_slashes=False)
def several_audio_features():
    ids = arguments.several_audio_features_arguments.load(request.args)["ids"]
    connection = get_db()
    require_audio_features(connection)
    found = features_sql.features_by_track_id(connection, ids)
    listed = [found.get(track_id) for track_id in ids]
    return jsonify(objects.several_audio_features_schema.dump({"audio_features": listed}))


def artist_rowid_or_404(connection, id):
    rowid = artists_sql.artist_rowid(connection, require_id(id))
    if rowid is None:
        raise NotFound("non existing id")
    return rowid


@bp.get("/artists/<id>/albums", strict_slashes=False)
def artist_albums(id):
    wanted = arguments.artist_albums_arguments.load(request.args)
    limit, offset, market = wanted["limit"], wanted["offset"], wanted["market"]
    groups = wanted["include_groups"] or list(discographies.GROUPS)
    connection = get_db()
    total, page = discographies.discography_page(
        connection, artist_rowid_or_404(connection, id), groups, limit, offset
    )
    albums = albums_sql.albums_by_rowid_whole(
        connection, [rowid for _, rowid in page], credits_fallback=True
    )
    for album, (group, _) in zip(albums, page, strict=True):
        album["album_group"] = group
    add_markets(connection, albums=albums)
    kept = {"include_groups": ",".join(wanted["include_groups"])} if wanted["include_groups"] else {}
    if market:
        kept["market"] = market
    paging = offset_page(albums, path=f"/v1/artists/{id}/albums", arguments=kept,
                         limit=limit, offset=offset, total=total)
    return jsonify(objects.artist_album_paging_schema.dump(paging))


@bp.get("/artists/<id>/top-tracks", strict_slashes=False)
def artist_top_tracks(id):
    wanted = arguments.artist_top_tracks_arguments.load(request.args)
    connection = get_db()
    rowids = top_tracks.top_track_rowids(connection, artist_rowid_or_404(connection, id), TOP_TRACKS)
    tracks = tracks_sql.tracks_by_rowid(connection, rowids, credits_fallback=True)
    add_markets(connection, tracks, market=wanted["market"] or wanted["country"])
    return jsonify(objects.top_tracks_schema.dump({"tracks": tracks}))


@bp.get("/markets", strict_slashes=False)
def markets():
    return jsonify(objects.markets_schema.dump({"markets": markets_sql.all_market_codes(get_db())}))
