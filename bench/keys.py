"""Random real keys of a catalogue, so load is spread over the whole file
instead of one hot key. Chosen with a seeded RNG through indexes only."""

import random

from app.db import read_only

# A track is only answered when its album row exists.
VISIBLE_TRACK = """
SELECT tracks.id FROM tracks JOIN albums ON albums.rowid = tracks.album_rowid
WHERE tracks.rowid = ?
"""
ALBUM = "SELECT id FROM albums WHERE rowid = ?"
ARTIST = "SELECT id FROM artists WHERE rowid = ?"
# ISRCs uniformly over distinct recordings (not weighted by how many tracks
# share one): a walk of the tracks_isrc index, which holds nothing else.
DISTINCT_ISRCS = """
SELECT DISTINCT external_id_isrc FROM tracks INDEXED BY tracks_isrc
WHERE external_id_isrc > ''
"""


def sample_keys(main_file, count, seed=42):
    """Return {"tracks", "albums", "artists", "isrcs": [key, …]} of ``count`` keys each."""
    rng = random.Random(seed)
    with read_only(main_file) as connection:
        return {
            "tracks": _by_random_rowid(connection, "tracks", VISIBLE_TRACK, count, rng),
            "albums": _by_random_rowid(connection, "albums", ALBUM, count, rng),
            "artists": _by_random_rowid(connection, "artists", ARTIST, count, rng),
            "isrcs": _reservoir(
                (isrc for (isrc,) in connection.execute(DISTINCT_ISRCS)), count, rng
            ),
        }


def _by_random_rowid(connection, table, sql, count, rng):
    (highest,) = connection.execute(f"SELECT max(rowid) FROM {table}").fetchone()
    keys = []
    for _ in range(count * 20):
        row = connection.execute(sql, (rng.randint(1, highest),)).fetchone()
        if row is not None:
            keys.append(row[0])
            if len(keys) == count:
                break
    return keys


def _reservoir(items, count, rng):
    chosen = []
    for seen, item in enumerate(items):
        if seen < count:
            chosen.append(item)
        else:
            slot = rng.randint(0, seen)
            if slot < count:
                chosen[slot] = item
    rng.shuffle(chosen)
    return chosen
