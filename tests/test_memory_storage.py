"""The limit counted by app/client_limit.py over flask-limiter's storage
(app/memory_storage.py's sweeping memory) still limits each client on every
route, and exempts what flask-limiter exempted."""

from tests.support.inprocess import assert_error
from tests.support.inprocess import make_app


def test_each_client_is_limited_and_exemptions_hold(main_file, oracle):
    app = make_app(main_file, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="3 per minute")
    client = app.test_client()
    artist_id = oracle.execute("SELECT id FROM artists LIMIT 1").fetchone()["id"]
    path = f"/lookup/artist/{artist_id}"
    first = [client.get(path, environ_base={"REMOTE_ADDR": "192.0.2.1"}) for _ in range(4)]
    assert [response.status_code for response in first] == [200, 200, 200, 429]
    assert_error(first[3], 429)
    # Another client has its own count; health and documents are never counted.
    assert client.get(path, environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code == 200
    for _ in range(5):
        assert client.get("/health", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200
        assert client.get("/openapi.json", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200
