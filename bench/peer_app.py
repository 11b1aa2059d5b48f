"""The peer: Datasette serving the same main_database.sqlite3 immutable, with
canned queries equivalent to the service's lookups, as an ASGI app for
gunicorn's uvicorn worker (same gunicorn configuration and worker count as
the service). The file comes from BENCH_PEER_DATABASE."""

import os

from datasette.app import Datasette

# One statement per lookup, Datasette's way: the track joined to its album,
# with its credited artists folded into a JSON array. It carries less than
# the service's Track (no genres, images or track_files fields), so the
# ratio against it is conservative.
TRACK_BY_ID = """
SELECT tracks.id, tracks.name, tracks.external_id_isrc AS isrc, tracks.duration_ms,
       tracks.explicit, tracks.track_number, tracks.disc_number, tracks.popularity,
       tracks.preview_url, albums.id AS album_id, albums.name AS album_name,
       albums.album_type, albums.label, albums.release_date,
       albums.release_date_precision, albums.total_tracks,
       (SELECT json_group_array(json_object('id', artists.id, 'name', artists.name,
                                            'followers', artists.followers_total,
                                            'popularity', artists.popularity))
        FROM track_artists JOIN artists ON artists.rowid = track_artists.artist_rowid
        WHERE track_artists.track_rowid = tracks.rowid) AS artists
FROM tracks JOIN albums ON albums.rowid = tracks.album_rowid
WHERE tracks.id = :id
"""
TRACKS_BY_ISRC = TRACK_BY_ID.replace(
    "WHERE tracks.id = :id",
    "WHERE tracks.external_id_isrc = :isrc ORDER BY tracks.popularity DESC, tracks.rowid DESC",
)
CANNED_QUERIES = {"track_by_id": TRACK_BY_ID, "tracks_by_isrc": TRACKS_BY_ISRC}


def build_app(database):
    datasette = Datasette(
        immutables=[database],
        metadata={"databases": {"main_database": {"queries": {
            name: {"sql": sql} for name, sql in CANNED_QUERIES.items()
        }}}},
    )
    return datasette.app()


app = build_app(os.environ["BENCH_PEER_DATABASE"]) if "BENCH_PEER_DATABASE" in os.environ else None
