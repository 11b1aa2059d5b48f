"""A bounded saturation run: 60 s of mixed traffic against 2 workers on loopback.

Nothing may fail or answer 5xx; 429s are the limiter doing its job and are
counted apart. The figures are printed for docs/RELIABILITY.md.
"""

import json

import pytest

from bench.keys import sample_keys
from tests.support.load import mixed_requests
from tests.support.load import run_load
from tests.support.servers import running_gunicorn

SECONDS = 60


@pytest.fixture(scope="module")
def keys(main_file):
    return sample_keys(main_file, 2000)


def test_saturation_has_no_failures(main_file, keys):
    environment = {
        "MUSIC_API_MAIN_DATABASE": main_file,
        "MUSIC_API_RATELIMIT_DEFAULT": "150 per second",
    }
    with running_gunicorn(environment, workers=2) as server:
        port = int(server.base_url.rsplit(":", 1)[1])
        result = run_load("127.0.0.1", port, mixed_requests(keys), seconds=SECONDS, connections=8)
        log = server.log()
    print("\nsaturation:", json.dumps(result.summary()))
    assert result.requests > 1000
    assert result.errors == {}
    assert set(result.statuses) <= {200, 429}
    assert result.statuses[200] > result.statuses[429]
    assert "Traceback" not in log
