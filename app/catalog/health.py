"""The cheapest statement that proves each file can still be read."""

import apsw

from app import db

PROBES = {
    "main": "SELECT rowid FROM main.tracks ORDER BY rowid DESC LIMIT 1",
    "track_files": f"SELECT rowid FROM {db.TRACK_FILES_SCHEMA}.track_files ORDER BY rowid DESC LIMIT 1",
}


def database_states(connection, *, with_files):
    """Return {database: "ok" | "unavailable" | "not configured"}."""
    states = {"main": _probe(connection, PROBES["main"])}
    states["track_files"] = (
        _probe(connection, PROBES["track_files"]) if with_files else "not configured"
    )
    return states


def _probe(connection, sql):
    try:
        connection.execute(sql).fetchall()
    except apsw.Error:
        return "unavailable"
    return "ok"
