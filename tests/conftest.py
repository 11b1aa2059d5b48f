"""Shared fixtures: a generated catalogue (real SQLite files built from the
shared schema), the app over it, and an independent reader of the same files
for expected values."""

import sqlite3

import pytest

from app.demo import write_catalogue
from tests.support.catalogue import TEST_SEED
from tests.support.catalogue import TEST_TRACKS
from tests.support.inprocess import make_app


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
