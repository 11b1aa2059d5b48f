"""POST /api/token: Spotify's client-credentials flow, open or restricted."""

import base64

from tests.support.inprocess import assert_error
from tests.support.inprocess import make_app


def basic(client_id, secret):
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def token(client, headers, grant_type="client_credentials"):
    return client.post("/api/token", data={"grant_type": grant_type}, headers=headers)


def test_any_client_gets_a_token_while_authentication_is_off(client):
    response = token(client, basic("anyone", "anything"))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert response.headers["Cache-Control"] == "no-store"


def test_other_grants_are_refused(client):
    response = token(client, basic("a", "b"), grant_type="authorization_code")
    assert response.status_code == 400
    assert response.get_json()["error"] == "unsupported_grant_type"


def test_with_authentication_on_only_known_clients_get_tokens_and_v1_needs_one(main_file, oracle):
    client = make_app(main_file, CLIENT_CREDENTIALS="known:s3cret").test_client()
    assert token(client, basic("known", "wrong")).get_json()["error"] == "invalid_client"
    issued = token(client, basic("known", "s3cret")).get_json()["access_token"]
    artist_id = oracle.execute("SELECT id FROM artists LIMIT 1").fetchone()[0]
    assert_error(client.get(f"/v1/artists/{artist_id}"), 401, "No token provided")
    assert_error(client.get(f"/v1/artists/{artist_id}", headers={"Authorization": "Bearer forged"}),
                 401, "Invalid access token")
    answer = client.get(f"/v1/artists/{artist_id}", headers={"Authorization": f"Bearer {issued}"})
    assert answer.status_code == 200
    # The native routes never ask for one.
    assert client.get(f"/lookup/artist/{artist_id}").status_code == 200


def test_answers_kept_in_memory_or_tagged_never_skip_the_token_check(main_file, oracle):
    # The answer cache and ETags known before SQL answer in place of the
    # view; a /v1 answer kept for one client must not reach one without a token.
    client = make_app(main_file, CLIENT_CREDENTIALS="known:s3cret", ANSWER_CACHE_MB=8).test_client()
    issued = token(client, basic("known", "s3cret")).get_json()["access_token"]
    artist_id = oracle.execute("SELECT id FROM artists LIMIT 1").fetchone()[0]
    path = f"/v1/artists/{artist_id}"
    kept = client.get(path, headers={"Authorization": f"Bearer {issued}"})
    assert kept.status_code == 200
    assert client.get(path, headers={"Authorization": f"Bearer {issued}"}).data == kept.data
    assert_error(client.get(path), 401, "No token provided")
    assert_error(client.get(path, headers={"If-None-Match": kept.headers["ETag"]}), 401,
                 "No token provided")
