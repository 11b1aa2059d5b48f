"""The markets part: every market code some available_markets row lists."""

from app.catalog.markets import scanned_market_codes

NAME = "markets"

DDL = ("CREATE TABLE markets (code TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID",)


def build(source, writer):
    """Fill ``markets``; return its row count."""
    codes = scanned_market_codes(source)
    with writer.step("markets", len(codes)) as step:
        count = step.load(
            ((code,) for code in codes),
            lambda connection, batch: connection.executemany(
                "INSERT INTO markets VALUES (?)", batch),
        )
    return {"markets": count}
