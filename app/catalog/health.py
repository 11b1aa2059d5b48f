"""The cheapest statements that prove each file can still be read.

Each file is probed on a connection of its own, opened for the probe, so the
answer names the file that is broken even when the worker's shared
connection (which attaches them all) cannot be opened at all.
"""

import apsw

from app.db import read_only

# Reading the highest rowid walks the table's right edge down to its last
# leaf page, so a file cut short fails here rather than reporting "ok".
MAIN_PROBE = "SELECT rowid FROM tracks ORDER BY rowid DESC LIMIT 1"
TRACK_FILES_PROBE = "SELECT rowid FROM track_files ORDER BY rowid DESC LIMIT 1"
AUDIO_FEATURES_PROBE = "SELECT rowid FROM track_audio_features ORDER BY rowid DESC LIMIT 1"


def probe(path, sql, *, immutable):
    """Return "ok" when ``sql`` runs on ``path`` alone, else "unavailable"."""
    try:
        with read_only(path, immutable=immutable) as connection:
            connection.execute(sql).fetchall()
    except apsw.Error:
        return "unavailable"
    return "ok"
