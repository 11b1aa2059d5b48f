"""The markets part: every market code some available_markets row lists."""

from app.catalog.markets import market_codes

NAME = "markets"

DDL = ("CREATE TABLE markets (code TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID",)

SOURCE = "SELECT available_markets FROM main.available_markets"


def build(source, writer):
    """Fill ``markets``; return its row count."""
    codes = set()
    for (text,) in source.execute(SOURCE):
        codes.update(market_codes(text))
    with writer.step("markets", len(codes)) as step:
        count = step.load(
            ((code,) for code in sorted(codes)),
            lambda connection, batch: connection.executemany(
                "INSERT INTO markets VALUES (?)", batch),
        )
    return {"markets": count}
