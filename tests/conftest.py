"""Shared fixtures: a generated catalogue (real SQLite files built from the
shared schema), a search index over it, the app over it, an independent
reader of the same files for expected values, and the demo catalogue as
`make run` builds it.

Fixtures only: what tests and bench/ share as plain code is in tests/support/.
"""

import sqlite3
import subprocess

import pytest
from hypothesis import settings

from app.cli import AUDIO_FEATURES_NAME
from app.demo import write_catalogue
from app.index.builder import build_search_index
from tests.support.catalogue import TEST_SEED
from tests.support.catalogue import TEST_TRACKS
from tests.support.inprocess import make_app
from tests.support.servers import BIN

# No test may depend on the machine's speed: hypothesis' default deadline
# (200 ms per example) failed `make test` on a loaded 2-core machine.
# Speed is measured in bench/, never asserted here.
settings.register_profile("music-metadata-api", deadline=None)
settings.load_profile("music-metadata-api")


@pytest.fixture(scope="session")
def catalogue_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("catalogue")
    write_catalogue(
        folder / "main_database.sqlite3",
        folder / "track_files.sqlite3",
        audio_features_path=folder / AUDIO_FEATURES_NAME,
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
def features_file(catalogue_dir):
    return catalogue_dir / AUDIO_FEATURES_NAME


@pytest.fixture(scope="session")
def index_file(main_file, tmp_path_factory):
    """A search index over the catalogue, built by the real builder."""
    index = tmp_path_factory.mktemp("search") / "search.sqlite3"
    build_search_index(main_file, index)
    return index


@pytest.fixture(scope="session")
def app(main_file):
    return make_app(main_file)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def oracle(main_file, files_file, features_file):
    """A plain sqlite3 connection over the three files, for computing
    expectations independently of the service's own SQL."""
    connection = sqlite3.connect(f"file:{main_file}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    connection.execute("ATTACH DATABASE ? AS files", (f"file:{files_file}?mode=ro",))
    connection.execute("ATTACH DATABASE ? AS features", (f"file:{features_file}?mode=ro",))
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """Run `music-metadata-api demo` as `make run` does; return (folder, output)."""
    folder = tmp_path_factory.mktemp("demo")
    result = subprocess.run(
        [str(BIN / "music-metadata-api"), "demo", str(folder)],
        capture_output=True, text=True, timeout=300, check=True,
        env={"MUSIC_API_BIND": "127.0.0.1:8080", "PATH": str(BIN)},
    )
    return folder, result.stdout
