"""Audio features: GET /lookup/track/{id}/audio-features and the batch's
audio_features list, compared with the features file, quirks included."""

import pytest

from tests.support import expected
from tests.support.inprocess import assert_error
from tests.support.inprocess import make_app

NOT_SERVED = "audio features are not served: no audio features database is configured"

# Track ids chosen for each quirk of the real file.
CASES = {
    "plain": "SELECT track_id FROM features.track_audio_features WHERE null_response = 0",
    "tempo stored as REAL": (
        "SELECT track_id FROM features.track_audio_features WHERE typeof(tempo) = 'real'"
    ),
    "tempo stored as INTEGER": (
        "SELECT track_id FROM features.track_audio_features WHERE typeof(tempo) = 'integer'"
    ),
    "no key found": "SELECT track_id FROM features.track_audio_features WHERE key = -1",
    "track not in the main file": (
        "SELECT track_id FROM features.track_audio_features "
        "WHERE track_id NOT IN (SELECT id FROM tracks) AND null_response = 0"
    ),
}


def sample(oracle, sql, count=10):
    ids = [row[0] for row in oracle.execute(f"{sql} ORDER BY rowid LIMIT {count}")]
    assert ids, f"the catalogue has no row for: {sql}"
    return ids


@pytest.mark.parametrize("case", CASES)
def test_features_as_stored(client, oracle, case):
    for track_id in sample(oracle, CASES[case]):
        response = client.get(f"/lookup/track/{track_id}/audio-features")
        assert response.status_code == 200
        body = response.get_json()
        assert body == expected.audio_features(oracle, track_id)
        assert type(body["tempo"]) is float and -1 <= body["key"] <= 11


def test_tempo_is_written_as_a_fraction_even_when_stored_whole(client, oracle):
    (track_id,) = sample(oracle, CASES["tempo stored as INTEGER"], 1)
    stored = oracle.execute(
        "SELECT tempo FROM features.track_audio_features WHERE track_id = ?", (track_id,)
    ).fetchone()[0]
    answer = client.get(f"/lookup/track/{track_id}/audio-features").get_data(as_text=True)
    assert f'"tempo":{stored}.0,' in answer


@pytest.mark.parametrize("sql", [
    "SELECT track_id FROM features.track_audio_features WHERE null_response = 1",
    "SELECT id FROM tracks WHERE id NOT IN (SELECT track_id FROM features.track_audio_features)",
], ids=["null response", "no row"])
def test_no_features_is_404(client, oracle, sql):
    for track_id in sample(oracle, sql, 3):
        assert_error(client.get(f"/lookup/track/{track_id}/audio-features"), 404,
                     "audio features not found")


def test_batch_lists_the_features_found(client, oracle):
    found = [track_id for case in CASES.values() for track_id in sample(oracle, case, 3)]
    null = sample(oracle, "SELECT track_id FROM features.track_audio_features WHERE null_response = 1", 2)
    response = client.post("/batch/lookup", json={"audio_features": found + null + found[:2],
                                                  "tracks": found[:1]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["audio_features"] == {
        track_id: expected.audio_features(oracle, track_id) for track_id in found
    }
    assert list(body) == ["tracks", "audio_features"]


def test_batch_counts_audio_features_in_the_400(client):
    response = client.post("/batch/lookup", json={"audio_features": ["0" * 22] * 300,
                                                  "tracks": ["0" * 22] * 101})
    assert_error(response, 400, "maximum 400 total items allowed")
    assert_error(client.post("/batch/lookup", json={"audio_features": ["bad"]}), 400, "invalid request body")


@pytest.fixture(scope="module")
def without_features(tmp_path_factory, main_file):
    """The catalogue served without its audio features file (the setting
    names a track_files file elsewhere, the features default is absent)."""
    folder = tmp_path_factory.mktemp("no-features")
    (folder / "main_database.sqlite3").symlink_to(main_file)
    return make_app(folder / "main_database.sqlite3").test_client()


def test_without_the_file_features_are_403_and_health_says_so(without_features, oracle):
    (track_id,) = sample(oracle, CASES["plain"], 1)
    assert_error(without_features.get(f"/lookup/track/{track_id}/audio-features"), 403, NOT_SERVED)
    assert_error(without_features.post("/batch/lookup", json={"audio_features": [track_id]}),
                 403, NOT_SERVED)
    assert without_features.post("/batch/lookup", json={"tracks": [track_id]}).status_code == 200
    health = without_features.get("/health").get_json()
    assert health["databases"]["audio_features"] == "not configured"


def test_health_probes_the_file(client):
    assert client.get("/health").get_json()["databases"]["audio_features"] == "ok"
