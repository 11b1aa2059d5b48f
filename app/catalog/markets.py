"""The market codes of the catalogue: every code some available_markets row lists.

The sidecar index holds them (:mod:`app.index.markets`); without it the
89,501 rows of available_markets are read and split per request.
"""

import json

from app.db import SEARCH_SCHEMA

PART = "markets"

INDEXED_MARKETS = f"SELECT code FROM {SEARCH_SCHEMA}.markets ORDER BY code"
MARKET_LISTS = "SELECT available_markets FROM available_markets"


def market_codes(text):
    """The codes of one available_markets value: comma-separated, or a JSON array."""
    text = text.strip()
    if text.startswith("["):
        try:
            codes = json.loads(text)
        except ValueError:
            return []
        return [code.strip() for code in codes if isinstance(code, str) and code.strip()]
    return [code.strip() for code in text.split(",") if code.strip()]


def all_market_codes(connection):
    """Return every market code, sorted."""
    if PART in connection.index_parts:
        return [code for (code,) in connection.execute(INDEXED_MARKETS)]
    codes = set()
    for (text,) in connection.execute(MARKET_LISTS):
        codes.update(market_codes(text))
    return sorted(codes)
