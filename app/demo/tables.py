"""The generated files' tables: created from the shared DDL, loaded in chunks, indexed last."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from app.atomic import prepare_bulk_load
from app.files import ddl_text

CHUNK_ROWS = 5000            # rows buffered per table before an executemany
# SQLite page cache of each file being written, in KiB.
BUILD_CACHE_KIB = 128 * 1024


def ddl_statements(schema_file: str) -> list[str]:
    """CREATE statements of a packaged .sql file, each text exactly as written."""
    statements, pending = [], ""
    for line in ddl_text(schema_file).splitlines(keepends=True):
        if not pending and (line.startswith("--") or not line.strip()):
            continue  # comments between statements never reach sqlite_master
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip().removesuffix(";"))
            pending = ""
    return statements


class TableSink:
    """Buffers rows of one table and writes them in chunks."""

    def __init__(self, conn: sqlite3.Connection, table: str):
        # Rows are tuples in the DDL's column order, so the schema file stays the only truth.
        columns = len(conn.execute(f'PRAGMA table_info("{table}")').fetchall())
        self.sql = f'INSERT INTO "{table}" VALUES ({",".join("?" * columns)})'
        self.conn, self.rows, self.count = conn, [], 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        self.conn.executemany(self.sql, self.rows)
        self.count += len(self.rows)
        self.rows.clear()


def open_for_build(path: Path, schema_file: str) -> tuple[sqlite3.Connection, list[str]]:
    """A fresh database with its tables; returns the index statements still to run."""
    conn = sqlite3.connect(path, isolation_level=None)
    prepare_bulk_load(conn, BUILD_CACHE_KIB)
    statements = ddl_statements(schema_file)
    for statement in statements:
        if statement.startswith("CREATE TABLE"):
            conn.execute(statement)
    conn.execute("BEGIN")
    return conn, [s for s in statements if not s.startswith("CREATE TABLE")]


def finish_build(conn: sqlite3.Connection, index_statements: list[str]) -> None:
    # Building indexes once after the load is far cheaper than maintaining them per insert.
    for statement in index_statements:
        conn.execute(statement)
    conn.execute("COMMIT")
