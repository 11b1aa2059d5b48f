"""Audio features: the optional third file, keyed by track id.

The file is read on its own: a features row is served whether or not its
track is in the main file (about 1,258 are not), since the object names no
album or artist. Rows Spotify answered with nothing (``null_response = 1``,
every feature NULL) count as absent.
"""

from app import db
from app.catalog import columns
from app.catalog import each_key
from app.catalog import key_set
from app.catalog.rows import row_reader

FEATURE_FIELDS = (
    "track_id", "danceability", "energy", "key", "loudness", "mode", "speechiness",
    "acousticness", "instrumentalness", "liveness", "valence", "tempo", "duration_ms",
    "time_signature",
)

feature_rows = row_reader(FEATURE_FIELDS)

# The unique index on track_id makes this one seek per id.
FEATURES = f"{db.AUDIO_FEATURES_SCHEMA}.track_audio_features"
FEATURES_BY_TRACK_ID = f"""
SELECT {columns(FEATURES, FEATURE_FIELDS)}
FROM {each_key(FEATURES, "track_id")}
WHERE {FEATURES}.null_response = 0
"""


def served(connection):
    """Whether the connection attaches an audio features file."""
    return "audio_features" in connection.attached


def features_by_track_id(connection, track_ids):
    """Return {track id: features row} for the ids that have features.

    ``tempo`` comes back as stored, an int or a float (the column is
    declared integer but holds both); the schemas make it a float.
    """
    rows = connection.execute(FEATURES_BY_TRACK_ID, (key_set(track_ids),))
    return {row["track_id"]: row for row in feature_rows(rows)}
