"""Markets: the stored country lists, read into Spotify's available_markets."""

import apsw
import pytest

from app.catalog.markets import add_markets


@pytest.fixture()
def connection():
    connection = apsw.Connection(":memory:")
    connection.execute("CREATE TABLE available_markets (rowid INTEGER PRIMARY KEY, available_markets TEXT)")
    connection.executemany("INSERT INTO available_markets VALUES (?, ?)",
                           [(1, "AD,AE,GB"), (2, "unavailable"), (3, "")])
    yield connection
    connection.close()


def test_each_row_gets_its_list_and_nowhere_is_empty(connection):
    rows = [{"available_markets_rowid": rowid} for rowid in (1, 2, 3, 99, 1)]
    statements = []
    connection.exec_trace = lambda cursor, sql, bindings: statements.append(sql) or True
    add_markets(connection, rows)
    assert [row["available_markets"] for row in rows] == [["AD", "AE", "GB"], [], [], [], ["AD", "AE", "GB"]]
    assert len(statements) == 1
