"""Tracks, always joined to their album: a track whose album row is missing
cannot be shown whole, so the join leaves it out."""

from operator import itemgetter

from app import db
from app.catalog import albums as albums_sql
from app.catalog import artists as artists_sql
from app.catalog import attach_artists
from app.catalog import columns
from app.catalog import each_key
from app.catalog import group_distinct
from app.catalog import key_list
from app.catalog import key_set
from app.catalog import sqlite_order
from app.catalog.rows import joined_row_reader
from app.catalog.rows import keyed_row_reader

TRACK_FIELDS = (
    "rowid", "id", "name", "external_id_isrc", "duration_ms", "explicit", "track_number",
    "disc_number", "popularity", "preview_url", "available_markets_rowid",
)
TRACK_COLUMNS = columns("tracks", TRACK_FIELDS)
ALBUM_JOIN = "JOIN albums ON albums.rowid = tracks.album_rowid"
# Every statement of whole tracks reads a track's columns, then its album's
# (:data:`tracks_and_albums`).
SELECT_TRACK_AND_ALBUM = f"SELECT {TRACK_COLUMNS}, {albums_sql.ALBUM_COLUMNS}"
# Each joined row split into its track and its album (one dict per album).
tracks_and_albums = joined_row_reader(TRACK_FIELDS, "album", albums_sql.ALBUM_FIELDS)

# "Most popular first" everywhere; ties by rowid, newest first, which is the
# order the tracks_popularity index gives for free when walked backwards.
MOST_POPULAR_FIRST = "ORDER BY tracks.popularity DESC, tracks.rowid DESC"
_popularity_and_rowid = itemgetter("popularity", "rowid")

TRACKS_BY_ID = f"""
{SELECT_TRACK_AND_ALBUM}
FROM {each_key("tracks", "id")} {ALBUM_JOIN}
"""

# In the order of the given rowids (a search's ranking).
TRACKS_BY_ROWID = f"""
{SELECT_TRACK_AND_ALBUM}
FROM json_each(?) AS wanted
JOIN tracks ON tracks.rowid = wanted.value {ALBUM_JOIN}
ORDER BY wanted.key
"""

# Sorted most popular first in Python (:func:`_most_popular_first`): SQLite's
# sorter copies every wide row it sorts, which cost four times as much.
TRACKS_BY_ISRC = f"""
{SELECT_TRACK_AND_ALBUM}
FROM {each_key("tracks", "external_id_isrc")} {ALBUM_JOIN}
"""

TRACKS_OF_ALBUM = f"""
{SELECT_TRACK_AND_ALBUM}
FROM tracks {ALBUM_JOIN}
WHERE tracks.album_rowid = ?
ORDER BY tracks.disc_number, tracks.track_number, tracks.rowid
"""

# Pages of several albums' tracks at once (positions first < n <= last, in
# disc and track order), and each album's exact number of tracks.
ALBUM_TRACK_PAGES = f"""
{SELECT_TRACK_AND_ALBUM}
FROM (
    SELECT tracks.rowid AS track_rowid, row_number() OVER (
        PARTITION BY tracks.album_rowid
        ORDER BY tracks.disc_number, tracks.track_number, tracks.rowid
    ) AS position
    FROM {each_key("tracks", "album_rowid")}
) AS numbered
JOIN tracks ON tracks.rowid = numbered.track_rowid {ALBUM_JOIN}
WHERE numbered.position > ? AND numbered.position <= ?
ORDER BY tracks.album_rowid, numbered.position
"""
ALBUM_TRACK_COUNTS = f"""
SELECT tracks.album_rowid, count(*) FROM {each_key("tracks", "album_rowid")}
GROUP BY tracks.album_rowid
"""

# Search without an index: walk tracks from most to least popular and keep
# the names that contain the pattern, so a common word stops early.
SEARCH_BY_NAME = f"""
{SELECT_TRACK_AND_ALBUM}
FROM tracks INDEXED BY tracks_popularity {ALBUM_JOIN}
WHERE tracks.name LIKE ? ESCAPE '\\'
{MOST_POPULAR_FIRST}
LIMIT ? OFFSET ?
"""

# A track's artists in credit order (track_artists rowid order): the order
# of the track_rowid index, whose entries end with the rowid, so no sort.
CREDITS = f"""
SELECT track_artists.track_rowid, artist_rowid FROM {each_key("track_artists", "track_rowid")}
"""

FILE_FIELDS = (
    "original_title", "version_title", "has_lyrics", "language_of_performance", "artist_roles",
)
FILES = f"""
SELECT track_id, {", ".join(FILE_FIELDS)}
FROM {each_key(f"{db.TRACK_FILES_SCHEMA}.track_files", "track_id")}
"""
files_by_track_id = keyed_row_reader(FILE_FIELDS)


def tracks_by_id(connection, ids, already_dumped=None, *, credits_fallback=False):
    """Return {id: track} for the ids that exist and whose album exists.

    :param already_dumped: see :func:`_load`.
    :param credits_fallback: see :func:`app.catalog.albums.albums_by_id_whole`.
    """
    rows = connection.execute(TRACKS_BY_ID, (key_set(ids),))
    tracks = _load(
        connection, rows, already_dumped=already_dumped, credits_fallback=credits_fallback
    )
    return {track["id"]: track for track in tracks}


def tracks_by_rowid(connection, rowids, *, credits_fallback=False):
    """Return the tracks with these rowids, in the order given; missing ones are left out."""
    rows = connection.execute(TRACKS_BY_ROWID, (key_list(rowids),))
    return _load(connection, rows, credits_fallback=credits_fallback)


def tracks_by_isrc(connection, isrcs, already_dumped=None):
    """Return {isrc: [track, …]} most popular first; ISRCs with no track are absent.

    :param already_dumped: see :func:`_load`.
    """
    tracks = _load(
        connection, connection.execute(TRACKS_BY_ISRC, (key_set(isrcs),)),
        already_dumped=already_dumped,
    )
    by_isrc = {}
    for track in _most_popular_first(tracks):
        by_isrc.setdefault(track["external_id_isrc"], []).append(track)
    return by_isrc


def _most_popular_first(tracks):
    """``tracks`` sorted as :data:`MOST_POPULAR_FIRST` sorts them."""
    try:
        return sorted(tracks, key=_popularity_and_rowid, reverse=True)
    except TypeError:
        # A popularity of another type than the others' (the column is
        # declared NOT NULL INTEGER, but nothing enforces a type): compared
        # as SQLite compares values of different types.
        return sorted(
            tracks, key=lambda track: (sqlite_order(track["popularity"]), track["rowid"]),
            reverse=True,
        )


def tracks_of_album(connection, album_rowid):
    """Return the album's tracks by disc, then track number."""
    rows = connection.execute(TRACKS_OF_ALBUM, (album_rowid,))
    return _load(connection, rows, with_album=False)


def album_track_pages(connection, album_rowids, limit, offset):
    """Return ({album rowid: [track, …]}, {album rowid: number of tracks}).

    Each list is the page ``offset`` to ``offset + limit`` of the album's
    tracks in disc and track order, without album objects of their own; an
    album without tracks is absent from both.
    """
    keys = key_set(album_rowids)
    rows = connection.execute(ALBUM_TRACK_PAGES, (keys, offset, offset + limit))
    pages = {}
    for track in _load(connection, rows, with_album=False):
        pages.setdefault(track.pop("album")["rowid"], []).append(track)
    totals = dict(connection.execute(ALBUM_TRACK_COUNTS, (keys,)))
    return pages, totals


def search_tracks_by_scan(connection, pattern, limit, offset):
    """Return tracks whose name matches the LIKE ``pattern``, most popular first."""
    rows = connection.execute(SEARCH_BY_NAME, (pattern, limit, offset))
    return _load(connection, rows)


def _load(connection, rows, with_album=True, already_dumped=None, credits_fallback=False):
    """Turn joined track+album rows into whole tracks with a fixed number of statements.

    :param already_dumped: ``already_dumped(kind, rowids)`` returns the
        rowids of the albums or artists (``kind``) whose answer objects the
        caller already holds: those are left as their bare row (album) or
        rowid (artist), and their images, genres and credits not read.
    """
    tracks, albums = tracks_and_albums(rows)
    held_albums = already_dumped("album", albums) if already_dumped and with_album else set()
    albums_to_finish = [album for rowid, album in albums.items() if rowid not in held_albums]
    album_credits = (
        albums_sql.add_images_and_credits(connection, albums_to_finish, credits_fallback)
        if with_album else {}
    )
    track_credits = group_distinct(
        connection.execute(CREDITS, (key_set(track["rowid"] for track in tracks),))
    )
    artist_rowids = {
        rowid for credits in (album_credits, track_credits)
        for rowids in credits.values() for rowid in rowids
    }
    held_artists = already_dumped("artist", artist_rowids) if already_dumped else set()
    artists = artists_sql.artists_by_rowid(connection, artist_rowids - held_artists)
    # A held artist exists (it was loaded from these same files).
    artists.update((rowid, {"rowid": rowid}) for rowid in held_artists)
    attach_artists(albums_to_finish, album_credits, artists)
    attach_artists(tracks, track_credits, artists)
    if "track_files" in connection.attached:
        files = _files_by_track_id(connection, tracks)
        for track in tracks:
            track.update(files.get(track["id"], ()))
    return tracks


def _files_by_track_id(connection, tracks):
    rows = connection.execute(FILES, (key_set(track["id"] for track in tracks),))
    return files_by_track_id(rows)
