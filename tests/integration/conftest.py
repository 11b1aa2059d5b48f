"""Everything under tests/integration/ talks to real servers over loopback
sockets (gunicorn, nginx, Redis): it is marked ``integration``, so that
``pytest -m "not integration"`` (``make test-fast``) leaves it out."""

import shutil
from pathlib import Path

import pytest

from tests.support.containers import CATALOGUE_FILES
from tests.support.containers import readable_copy
from tests.support.containers import remove_service_image
from tests.support.containers import service_image
from tests.support.servers import running_gunicorn

HERE = Path(__file__).resolve().parent


# First, so the mark is on the items before -m selects among them.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # This hook sees every collected item, not only this folder's.
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def image():
    """The service's image, built once per test run and removed after it."""
    try:
        yield service_image()
    finally:
        remove_service_image()


@pytest.fixture(scope="module")
def data_dir(catalogue_dir):
    """The tests' generated catalogue in a folder the container's user can read."""
    folder = readable_copy(catalogue_dir, CATALOGUE_FILES)
    yield folder
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def spotify_server(main_file, index_file):
    """gunicorn over the test catalogue and its search index, as the Spotify
    clients' tests use it: no rate limit, a search limit no test reaches."""
    with running_gunicorn({
        "MUSIC_API_MAIN_DATABASE": main_file,
        "MUSIC_API_SEARCH_DATABASE": index_file,
        "MUSIC_API_RATELIMIT_ENABLED": "false",
        "MUSIC_API_SEARCH_TIME_LIMIT_MS": "30000",
    }, workers=2) as running:
        yield running
