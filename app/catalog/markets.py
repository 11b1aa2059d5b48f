"""Markets: the country lists tracks and albums point at (available_markets),
and every market code of the catalogue.

The sidecar index holds the codes (:mod:`app.index.markets`); without it
the 89,501 rows of available_markets are read and split per request.
"""

import json

from app.catalog import each_key
from app.catalog import key_set
from app.db import SEARCH_SCHEMA

PART = "markets"

MARKETS_BY_ROWID = f"""
SELECT available_markets.rowid, available_markets
FROM {each_key("available_markets", "rowid")}
"""
INDEXED_MARKETS = f"SELECT code FROM {SEARCH_SCHEMA}.markets ORDER BY code"
MARKET_LISTS = "SELECT available_markets FROM main.available_markets"

# The snapshot's row for releases sold nowhere; it names no country.
NOWHERE = "unavailable"


def add_markets(connection, objects):
    """Give each track or album row its ``available_markets`` (a list of
    country codes) with one statement; a row naming no stored list gets []."""
    objects = list(objects)
    rowids = {row["available_markets_rowid"] for row in objects}
    markets = {
        rowid: market_codes(text)
        for rowid, text in connection.execute(MARKETS_BY_ROWID, (key_set(rowids),))
    }
    for row in objects:
        row["available_markets"] = markets.get(row["available_markets_rowid"], [])


def market_codes(text):
    """The codes of one available_markets value: comma-separated (a JSON
    array is read too); the "sold nowhere" row names none."""
    text = (text or "").strip()
    if not text or text == NOWHERE:
        return []
    if text.startswith("["):
        try:
            codes = json.loads(text)
        except ValueError:
            return []
        return [code.strip() for code in codes if isinstance(code, str) and code.strip()]
    return [code for code in text.split(",") if code]


def all_market_codes(connection):
    """Return every market code, sorted."""
    if PART in connection.index_parts:
        return [code for (code,) in connection.execute(INDEXED_MARKETS)]
    return scanned_market_codes(connection)


def scanned_market_codes(connection):
    """Every market code, sorted, read from each available_markets row (the
    index's markets part is built this way)."""
    codes = set()
    for (text,) in connection.execute(MARKET_LISTS):
        codes.update(market_codes(text))
    return sorted(codes)
