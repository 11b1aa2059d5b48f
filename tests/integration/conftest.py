"""Everything under tests/integration/ talks to real servers over loopback
sockets (gunicorn, nginx, Redis): it is marked ``integration``, so that
``pytest -m "not integration"`` (``make test-fast``) leaves it out."""

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


# First, so the mark is on the items before -m selects among them.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # This hook sees every collected item, not only this folder's.
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.integration)
