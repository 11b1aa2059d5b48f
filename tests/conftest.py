"""Shared fixtures: a generated catalogue (real SQLite files built from the
shared schema), the app over it, and an independent reader of the same files
for expected values."""

import contextlib
import sqlite3

import pytest

from app import create_app
from app.demo import write_catalogue

# Big enough to hold every kind of dirt, albums of 50+ tracks and shared
# ISRCs; small enough to build in a few seconds.
TEST_TRACKS = 12_000
TEST_SEED = 7


@pytest.fixture(scope="session")
def catalogue_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("catalogue")
    write_catalogue(
        folder / "main_database.sqlite3",
        folder / "track_files.sqlite3",
        tracks=TEST_TRACKS,
        seed=TEST_SEED,
    )
    return folder


@pytest.fixture(scope="session")
def main_file(catalogue_dir):
    return catalogue_dir / "main_database.sqlite3"


@pytest.fixture(scope="session")
def files_file(catalogue_dir):
    return catalogue_dir / "track_files.sqlite3"


def make_app(main_file, **overrides):
    """Build the app over ``main_file`` with test settings."""
    settings = {
        "TESTING": True,
        "MAIN_DATABASE": str(main_file),
        "RATELIMIT_ENABLED": False,
    }
    settings.update(overrides)
    return create_app(settings)


@pytest.fixture(scope="session")
def app(main_file):
    return make_app(main_file)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def oracle(main_file, files_file):
    """A plain sqlite3 connection over both files, for computing expectations
    independently of the service's own SQL."""
    connection = sqlite3.connect(f"file:{main_file}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    connection.execute("ATTACH DATABASE ? AS files", (f"file:{files_file}?mode=ro",))
    yield connection
    connection.close()


def assert_error(response, status, message=None):
    """Assert the canonical JSON error shape (and message, when given)."""
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if message is not None:
        assert body["error"]["message"] == message
    assert "Traceback" not in response.get_data(as_text=True)
    return body["error"]


@contextlib.contextmanager
def counting_statements(app):
    """Yield a list that receives the SQL text of every statement the app's
    connection (this thread's) runs, through APSW's execution tracer."""
    from app.db import get_db

    with app.app_context():
        connection = get_db()
    statements = []

    def trace(cursor, sql, bindings):
        statements.append(sql)
        return True

    previous = connection.exec_trace
    connection.exec_trace = trace
    try:
        yield statements
    finally:
        connection.exec_trace = previous
