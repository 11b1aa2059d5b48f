"""A bounded saturation run: a fixed number of mixed requests from 8
keep-alive clients against 2 workers on loopback.

Nothing may fail or answer 5xx; 429s are the limiter doing its job and are
counted apart. How fast the machine answers is not asserted (that is
bench/'s job): the run is bounded by its request count, and by a time
bound only so that a hung server cannot hang the suite. The figures are
printed for docs/RELIABILITY.md.
"""

import json

import pytest

from bench.keys import sample_keys
from tests.support.load import mixed_requests
from tests.support.load import run_load
from tests.support.servers import running_gunicorn

REQUESTS = 5000
# Not a speed requirement: far beyond what the slowest machine needs.
HANG_BOUND_S = 900


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
        result = run_load(
            "127.0.0.1", port, mixed_requests(keys),
            seconds=HANG_BOUND_S, connections=8, max_requests=REQUESTS,
        )
        log = server.log()
    print("\nsaturation:", json.dumps(result.summary()))
    assert result.requests == REQUESTS
    assert result.errors == {}
    assert set(result.statuses) <= {200, 429}
    assert result.statuses[200] > 0
    assert "Traceback" not in log
