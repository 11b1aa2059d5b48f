"""What the contract says an answer must be, computed straight from the files.

A second, deliberately naive reading of API.md: one small query per object,
the rules applied in Python. Route tests compare the service's JSON with
these values, so a bug in the service's SQL or schemas cannot hide behind
its own output.
"""

import json
import unicodedata


def _present(value):
    return value not in (None, "", [])


def _put(obj, key, value):
    """Set ``key`` unless the value is empty (the contract's omission rule)."""
    if _present(value):
        obj[key] = value


def images(oracle, table, column, rowid):
    rows = oracle.execute(
        f"SELECT url, width, height FROM {table} WHERE {column} = ?", (rowid,)
    ).fetchall()
    distinct = {(row["url"], row["width"], row["height"]) for row in rows}
    ordered = sorted(distinct, key=lambda image: (-image[1], -image[2], image[0]))
    return [{"url": url, "width": width, "height": height} for url, width, height in ordered]


def artist(oracle, rowid):
    row = oracle.execute("SELECT * FROM artists WHERE rowid = ?", (rowid,)).fetchone()
    if row is None:
        return None
    genres = []
    for (genre,) in oracle.execute(
        "SELECT genre FROM artist_genres WHERE artist_rowid = ? ORDER BY rowid", (rowid,)
    ):
        if genre not in genres:
            genres.append(genre)
    obj = {
        "id": row["id"],
        "name": row["name"],
        "followers": row["followers_total"],
        "popularity": row["popularity"],
    }
    _put(obj, "genres", genres)
    _put(obj, "images", images(oracle, "artist_images", "artist_rowid", rowid))
    return obj


def _credited(oracle, sql, key):
    artists, seen = [], set()
    for (artist_rowid,) in oracle.execute(sql, (key,)):
        if artist_rowid in seen:
            continue
        seen.add(artist_rowid)
        found = artist(oracle, artist_rowid)
        if found is not None:
            artists.append(found)
    return artists


def album(oracle, rowid):
    row = oracle.execute("SELECT * FROM albums WHERE rowid = ?", (rowid,)).fetchone()
    if row is None:
        return None
    obj = {
        "id": row["id"],
        "name": row["name"],
        "type": row["album_type"],
        "label": row["label"],
        "release_date": row["release_date"],
        "release_date_precision": row["release_date_precision"],
    }
    _put(obj, "upc", row["external_id_upc"])
    obj["total_tracks"] = row["total_tracks"]
    _put(obj, "copyright", row["copyright_c"])
    _put(obj, "copyright_p", row["copyright_p"])
    _put(obj, "images", images(oracle, "album_images", "album_rowid", rowid))
    _put(
        obj,
        "artists",
        _credited(
            oracle,
            "SELECT artist_rowid FROM artist_albums WHERE album_rowid = ? "
            "AND index_in_album IS NOT NULL ORDER BY index_in_album, rowid",
            rowid,
        ),
    )
    return obj


def _json_array(text):
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, list) else None


def track(oracle, rowid, *, with_album=True, with_files=True):
    """The Track object of track ``rowid``, or None when it cannot be shown."""
    row = oracle.execute("SELECT * FROM tracks WHERE rowid = ?", (rowid,)).fetchone()
    if row is None:
        return None
    track_album = album(oracle, row["album_rowid"])
    if track_album is None:
        return None
    obj = {"id": row["id"], "name": row["name"]}
    _put(obj, "isrc", row["external_id_isrc"])
    obj.update(
        duration_ms=row["duration_ms"],
        explicit=bool(row["explicit"]),
        track_number=row["track_number"],
        disc_number=row["disc_number"],
        popularity=row["popularity"],
    )
    _put(obj, "preview_url", row["preview_url"])
    if with_album:
        obj["album"] = track_album
    _put(
        obj,
        "artists",
        _credited(
            oracle,
            "SELECT artist_rowid FROM track_artists WHERE track_rowid = ? ORDER BY rowid",
            rowid,
        ),
    )
    if with_files:
        _add_files(oracle, obj, row["id"])
    return obj


def _add_files(oracle, obj, track_id):
    files = oracle.execute(
        "SELECT * FROM files.track_files WHERE track_id = ?", (track_id,)
    ).fetchone()
    if files is None:
        return
    _put(obj, "original_title", files["original_title"])
    _put(obj, "version_title", files["version_title"])
    if files["has_lyrics"] is not None:
        obj["has_lyrics"] = bool(files["has_lyrics"])
    _put(obj, "languages", _json_array(files["language_of_performance"]))
    _put(obj, "artist_roles", _json_array(files["artist_roles"]))


def isrc_tracks(oracle, isrc):
    """The tracks of ``isrc`` that can be shown, most popular first."""
    rows = oracle.execute(
        "SELECT rowid, popularity FROM tracks WHERE external_id_isrc = ?", (isrc,)
    ).fetchall()
    found = [track(oracle, row["rowid"]) for row in rows]
    shown = [item for item in found if item is not None]
    return sorted(shown, key=lambda item: -item["popularity"])


def rowid_of(oracle, table, key):
    row = oracle.execute(f"SELECT rowid FROM {table} WHERE id = ?", (key,)).fetchone()
    return None if row is None else row[0]


def fold(text):
    """Lower-case without accents: what 'beyonce' and 'Beyoncé' share (the
    contract's folding of search queries and names)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# --- deeper catalogue: discographies, top tracks, barcodes, audio features ---

ALBUM_GROUPS = ("album", "single", "compilation", "appears_on")


def _album_group(link, album_type):
    credit = (
        link["index_in_album"] is not None
        and link["is_appears_on"] == 0
        and link["is_implicit_appears_on"] == 0
    )
    if not credit:
        return "appears_on"
    return album_type if album_type in ("single", "compilation") else "album"


def discography(oracle, artist_rowid, groups=ALBUM_GROUPS):
    """[(album_group, album rowid)] of the artist: each album once in its best
    group, groups in the contract's order, newest first, ties by higher rowid."""
    best = {}
    for link in oracle.execute(
        "SELECT * FROM artist_albums WHERE artist_rowid = ?", (artist_rowid,)
    ).fetchall():
        row = oracle.execute(
            "SELECT album_type, release_date FROM albums WHERE rowid = ?", (link["album_rowid"],)
        ).fetchone()
        if row is None:
            continue
        rank = ALBUM_GROUPS.index(_album_group(link, row["album_type"]))
        previous = best.get(link["album_rowid"])
        if previous is None or rank < previous[0]:
            best[link["album_rowid"]] = (rank, row["release_date"])
    ordered = sorted(best.items(), key=lambda item: (item[1][0], _reverse(item[1][1]), -item[0]))
    return [(ALBUM_GROUPS[rank], rowid) for rowid, (rank, _) in ordered
            if ALBUM_GROUPS[rank] in groups]


def _reverse(text):
    """A key that sorts strings in descending order."""
    return [-ord(character) for character in text] + [1]


def top_track_rowids(oracle, artist_rowid, limit):
    """The artist's tracks that can be shown, most popular first (ties: higher rowid)."""
    rows = oracle.execute(
        "SELECT DISTINCT t.rowid, t.popularity FROM track_artists ta "
        "JOIN tracks t ON t.rowid = ta.track_rowid "
        "WHERE ta.artist_rowid = ? AND t.album_rowid IN (SELECT rowid FROM albums)",
        (artist_rowid,),
    ).fetchall()
    ordered = sorted(rows, key=lambda row: (-row["popularity"], -row["rowid"]))
    return [row["rowid"] for row in ordered[:limit]]


def upc_album_rowids(oracle, digits):
    """Rowids of the albums whose barcode, read as a number, is ``digits``'s; most popular first."""
    rows = [
        row for row in oracle.execute(
            "SELECT rowid, external_id_upc, popularity FROM albums WHERE external_id_upc IS NOT NULL"
        )
        if row["external_id_upc"].isdigit() and int(row["external_id_upc"]) == int(digits)
    ]
    return [row["rowid"] for row in sorted(rows, key=lambda row: (-row["popularity"], -row["rowid"]))]


FEATURE_NAMES = (
    "danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
    "instrumentalness", "liveness", "valence", "tempo", "duration_ms", "time_signature",
)


def audio_features(oracle, track_id):
    """The native audio features object of ``track_id``, or None (no row, or a null response)."""
    row = oracle.execute(
        "SELECT * FROM features.track_audio_features WHERE track_id = ?", (track_id,)
    ).fetchone()
    if row is None or row["null_response"]:
        return None
    obj = {"id": track_id}
    for name in FEATURE_NAMES:
        obj[name] = float(row[name]) if name == "tempo" else row[name]
    return obj
