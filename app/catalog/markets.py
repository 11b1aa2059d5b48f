"""Markets: the country lists tracks and albums point at (available_markets)."""

from app.catalog import key_list

MARKETS_BY_ROWID = """
SELECT rowid, available_markets FROM available_markets
WHERE rowid IN (SELECT value FROM json_each(?))
"""

# The snapshot's row for releases sold nowhere; it names no country.
NOWHERE = "unavailable"


def add_markets(connection, objects):
    """Give each track or album row its ``available_markets`` (a list of
    country codes) with one statement; a row naming no stored list gets []."""
    objects = list(objects)
    rowids = {row["available_markets_rowid"] for row in objects}
    markets = {
        rowid: _countries(text)
        for rowid, text in connection.execute(MARKETS_BY_ROWID, (key_list(rowids),))
    }
    for row in objects:
        row["available_markets"] = markets.get(row["available_markets_rowid"], [])


def _countries(text):
    if not text or text == NOWHERE:
        return []
    return [code for code in text.split(",") if code]
