"""The application limit counted by app/client_limit.py: several limits in
one setting, settings it does not apply, and counting in memory while the
storage cannot be reached (with a real Redis coming back:
tests/integration/test_limits_across_workers.py)."""

import pytest

from tests.support.inprocess import assert_error
from tests.support.inprocess import make_app
from tests.support.servers import free_port


@pytest.fixture(scope="module")
def artist_path(oracle):
    return f"/lookup/artist/{oracle.execute('SELECT id FROM artists LIMIT 1').fetchone()['id']}"


# The fixed window (the default) keeps the count its hit returns; the others
# ask their strategy for the window.
@pytest.mark.parametrize("strategy", ["fixed-window", "moving-window", "sliding-window-counter"])
def test_the_smallest_window_is_shown_until_a_longer_one_refuses(main_file, artist_path, strategy):
    client = make_app(
        main_file,
        RATELIMIT_ENABLED=True,
        RATELIMIT_DEFAULT="5 per minute;3 per hour",
        RATELIMIT_STRATEGY=strategy,
    ).test_client()
    answers = [client.get(artist_path) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert [answer.headers["X-RateLimit-Limit"] for answer in answers] == ["5", "5", "5", "3"]
    assert [answer.headers["X-RateLimit-Remaining"] for answer in answers] == ["4", "3", "2", "0"]
    error = assert_error(answers[3], 429)
    assert error["message"] == "rate limit exceeded: 3 per 1 hour"
    # The hour's window: about an hour (the sliding window counter's reset
    # is its own estimate within it), never less than a second.
    shortest = 1 if strategy == "sliding-window-counter" else 3500
    assert shortest <= int(answers[3].headers["Retry-After"]) <= 3600
    assert all("Retry-After" not in answer.headers for answer in answers[:3])


def test_unmatched_paths_and_preflights_are_not_counted(main_file, artist_path):
    client = make_app(main_file, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute").test_client()
    missing = client.get("/no/such/route")
    preflight = client.options(artist_path)
    assert missing.status_code == 404 and "X-RateLimit-Limit" not in missing.headers
    assert "X-RateLimit-Limit" not in preflight.headers
    assert client.get(artist_path).headers["X-RateLimit-Remaining"] == "1"


@pytest.mark.parametrize(
    "name, value",
    [
        ("RATELIMIT_HEADER_RETRY_AFTER_VALUE", "http-date"),
        ("RATELIMIT_APPLICATION_PER_METHOD", True),
        ("RATELIMIT_IN_MEMORY_FALLBACK", "10 per second"),
        ("RATELIMIT_SWALLOW_ERRORS", True),
    ],
)
def test_settings_the_limit_does_not_apply_are_refused_at_start(main_file, name, value):
    with pytest.raises(ValueError, match=name):
        make_app(main_file, RATELIMIT_ENABLED=True, **{name: value})


def test_unreachable_storage_counts_in_memory(main_file, artist_path, caplog):
    # Nothing listens on the port: every storage call fails at once.
    app = make_app(
        main_file,
        RATELIMIT_ENABLED=True,
        RATELIMIT_DEFAULT="2 per minute",
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
    )
    client = app.test_client()
    statuses = [client.get(artist_path).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert app.extensions["client_limit"].storage_dead
    assert "falling back to in-memory storage" in caplog.text


def test_without_the_fallback_an_unreachable_storage_fails_the_request(main_file, artist_path):
    app = make_app(
        main_file,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=False,
    )
    assert_error(app.test_client().get(artist_path), 500)
