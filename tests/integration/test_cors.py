"""Cross-origin preflights under real gunicorn, where the rate limit is set at start-up."""

from tests.support.cors import ORIGIN
from tests.support.cors import PREFLIGHT
from tests.support.servers import running_gunicorn
from tests.support.servers import service_env
from tests.support.traffic import send


def test_preflights_do_not_use_up_the_rate_limit(main_file):
    # A real gunicorn: one process, one limiter, the limit set at start-up.
    env = service_env(
        main_file, CORS_ORIGINS=ORIGIN, RATELIMIT_ENABLED="true", RATELIMIT_DEFAULT="2 per hour"
    )
    with running_gunicorn(env, workers=1) as server:
        preflights = [
            send(server.base_url, "/batch/lookup", method="OPTIONS", headers=PREFLIGHT) for _ in range(5)
        ]
        lookups = [send(server.base_url, "/lookup/track/0000000000000000000000") for _ in range(3)]
    assert [outcome.status for outcome in preflights] == [200] * 5
    assert all(outcome.headers["access-control-allow-origin"] == ORIGIN for outcome in preflights)
    assert [outcome.status for outcome in lookups] == [404, 404, 429]
