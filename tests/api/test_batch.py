"""POST /batch/lookup: every object exactly as its single lookup returns it."""

import pytest

from tests.support import expected
from tests.support.inprocess import assert_error


def ids(oracle, table, count, where="1"):
    return [
        row[0] for row in oracle.execute(f"SELECT id FROM {table} WHERE {where} ORDER BY rowid LIMIT {count}")
    ]


def shared_isrcs(oracle, count):
    return [
        row[0]
        for row in oracle.execute(
            "SELECT external_id_isrc FROM tracks WHERE external_id_isrc <> '' "
            f"GROUP BY external_id_isrc HAVING count(*) > 1 LIMIT {count}"
        )
    ]


def mixed_request(oracle, count):
    """``count`` keys of each kind; the ISRCs are shared by several tracks."""
    return {
        "tracks": ids(oracle, "tracks", count),
        "artists": ids(oracle, "artists", count),
        "albums": ids(oracle, "albums", count),
        "isrcs": shared_isrcs(oracle, count),
    }


def test_each_object_equals_its_single_lookup(client, oracle):
    request = mixed_request(oracle, 30)
    response = client.post("/batch/lookup", json=request)
    assert response.status_code == 200
    answer = response.get_json()
    assert list(answer) == ["tracks", "artists", "albums", "isrcs"]
    for kind, route in (("tracks", "track"), ("artists", "artist"), ("albums", "album")):
        for key in request[kind]:
            single = client.get(f"/lookup/{route}/{key}")
            if single.status_code == 404:
                assert key not in answer[kind]
            else:
                assert answer[kind][key] == single.get_json()
    for isrc in request["isrcs"]:
        assert answer["isrcs"][isrc] == client.get(f"/lookup/isrc/{isrc}").get_json()


def test_answers_match_the_files(client, oracle):
    rowids = [
        row[0] for row in oracle.execute("SELECT rowid FROM tracks ORDER BY rowid % 97, rowid LIMIT 60")
    ]
    wanted = {rowid: expected.track(oracle, rowid) for rowid in rowids}
    track_ids = [oracle.execute("SELECT id FROM tracks WHERE rowid = ?", (r,)).fetchone()[0] for r in rowids]
    answer = client.post("/batch/lookup", json={"tracks": track_ids}).get_json()
    for rowid, track_id in zip(rowids, track_ids):
        assert answer["tracks"].get(track_id) == wanted[rowid]


def test_isrcs_are_normalised_and_keyed_normalised(client, oracle):
    isrc = shared_isrcs(oracle, 1)[0]
    messy = f" {isrc[:2].lower()}-{isrc[2:]} "
    answer = client.post("/batch/lookup", json={"isrcs": [messy, isrc]}).get_json()
    assert list(answer["isrcs"]) == [isrc]
    assert len(answer["isrcs"][isrc]) > 1


def test_unknown_keys_are_absent_and_lists_sent_are_present(client):
    answer = client.post(
        "/batch/lookup",
        json={"tracks": ["0" * 22], "isrcs": ["ZZ0000000000"], "albums": None, "colour": "blue"},
    ).get_json()
    assert answer == {"tracks": {}, "isrcs": {}}


def test_repeats_are_looked_up_once_but_counted_as_sent(client, oracle):
    track_id = ids(oracle, "tracks", 1)[0]
    answer = client.post("/batch/lookup", json={"tracks": [track_id] * 400}).get_json()
    assert list(answer["tracks"]) == [track_id]
    assert_error(
        client.post("/batch/lookup", json={"tracks": [track_id] * 400, "artists": [track_id]}),
        400,
        "maximum 400 total items allowed",
    )


def test_400_mixed_items(client, oracle):
    request = mixed_request(oracle, 100)
    assert sum(map(len, request.values())) == 400
    answer = client.post("/batch/lookup", json=request).get_json()
    assert len(answer["artists"]) == 100
    assert len(answer["albums"]) == 100
    assert len(answer["isrcs"]) == 100


@pytest.mark.parametrize(
    "body, field",
    [
        ({"tracks": "0" * 22}, "tracks"),
        ({"tracks": [12]}, "tracks"),
        ({"artists": ["short"]}, "artists"),
        ({"albums": [None]}, "albums"),
        ({"isrcs": ["NOT-AN-ISRC!"]}, "isrcs"),
        ({"isrcs": [["USUM72409273"]]}, "isrcs"),
    ],
)
def test_bad_entries_name_their_field(client, body, field):
    error = assert_error(client.post("/batch/lookup", json=body), 400, "invalid request body")
    assert field in error["fields"]


@pytest.mark.parametrize("data", [b"{", b"[1, 2]", b'"tracks"', b"null", b"\xff\xfe", b""])
def test_malformed_bodies_are_invalid(client, data):
    response = client.post("/batch/lookup", data=data, content_type="application/json")
    assert_error(response, 400, "invalid request body")


@pytest.mark.parametrize("body", [{}, {"tracks": []}, {"tracks": None, "isrcs": []}, {"colour": ["x"]}])
def test_no_item_at_all(client, body):
    assert_error(client.post("/batch/lookup", json=body), 400, "at least one lookup type required")


def test_body_without_json_content_type_is_accepted(client, oracle):
    track_id = ids(oracle, "tracks", 1)[0]
    response = client.post("/batch/lookup", data=f'{{"tracks": ["{track_id}"]}}')
    assert response.status_code == 200
    assert list(response.get_json()["tracks"]) == [track_id]


def test_body_over_one_mebibyte_is_413(client):
    response = client.post(
        "/batch/lookup", data=b"[" + b" " * (1024 * 1024) + b"]", content_type="application/json"
    )
    assert_error(response, 413)


def test_isrc_whose_tracks_cannot_be_shown_is_absent(client, oracle):
    # Every track of this ISRC names an album row that does not exist.
    row = oracle.execute(
        "SELECT external_id_isrc FROM tracks WHERE external_id_isrc <> '' "
        "GROUP BY external_id_isrc "
        "HAVING sum(album_rowid IN (SELECT rowid FROM albums)) = 0"
    ).fetchone()
    assert row is not None, "the generator writes tracks whose album is missing"
    isrc = row[0]
    assert client.get(f"/lookup/isrc/{isrc}").get_json() == []
    answer = client.post("/batch/lookup", json={"isrcs": [isrc]}).get_json()
    assert answer == {"isrcs": {}}


@pytest.mark.parametrize("kind", ["tracks", "isrcs"])
def test_a_trailing_newline_is_not_a_valid_key(client, oracle, kind):
    key = ids(oracle, "tracks", 1)[0] if kind == "tracks" else shared_isrcs(oracle, 1)[0]
    error = assert_error(client.post("/batch/lookup", json={kind: [key + "\n"]}), 400, "invalid request body")
    assert kind in error["fields"]


def test_ids_as_people_paste_them_are_read_as_ids(client, oracle):
    track, artist, album = (ids(oracle, table, 1)[0] for table in ("tracks", "artists", "albums"))
    pasted = client.post("/batch/lookup", json={
        "tracks": [f"spotify:track:{track}"],
        "artists": [f"https://open.spotify.com/artist/{artist}?si=0123abcd"],
        "albums": [f"https://open.spotify.com/intl-fr/album/{album}"],
    })
    canonical = client.post("/batch/lookup", json={"tracks": [track], "artists": [artist], "albums": [album]})
    assert pasted.status_code == 200
    assert pasted.get_json() == canonical.get_json()
    assert list(pasted.get_json()["tracks"]) == [track]


def test_a_link_to_another_kind_names_the_entry(client, oracle):
    album = ids(oracle, "albums", 1)[0]
    error = assert_error(client.post("/batch/lookup", json={"tracks": [f"spotify:album:{album}"]}), 400)
    assert error["fields"] == {"tracks": {"0": ["the link names an album, not a track"]}}


@pytest.mark.parametrize(
    "data, where",
    [
        (b'{"tracks": ["a" "b"]}', "expecting ',' delimiter at line 1, column 17"),
        (b'{\n  "tracks": ["x"]\n  "isrcs": []\n}', "expecting ',' delimiter at line 3, column 3"),
        (b"{", "expecting property name enclosed in double quotes at line 1, column 2"),
        (b"", "expecting value at line 1, column 1"),
        (b'{"tracks": ["\xff"]}', "the body is not UTF-8 text"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_a_body_that_is_not_json_says_so_and_where(client, data, where):
    response = client.post("/batch/lookup", data=data, content_type="application/json")
    error = assert_error(response, 400, "invalid request body")
    assert error["fields"] == {"body": [f"not valid JSON: {where}"]}


def test_keys_are_matched_ignoring_case_as_the_go_service_did(client, oracle):
    track = ids(oracle, "tracks", 1)[0]
    isrc = shared_isrcs(oracle, 1)[0]
    sent = client.post("/batch/lookup", json={"Tracks": [track], "ISRCs": [isrc]})
    canonical = client.post("/batch/lookup", json={"tracks": [track], "isrcs": [isrc]})
    assert sent.status_code == 200
    assert sent.get_json() == canonical.get_json()
    error = assert_error(client.post("/batch/lookup", json={"ISRCs": ["bad"]}), 400)
    assert error["fields"] == {"ISRCs": {"0": ["not an ISRC (12 characters of [A-Z0-9])"]}}


def test_one_kind_under_two_spellings_is_refused(client, oracle):
    track = ids(oracle, "tracks", 1)[0]
    error = assert_error(client.post("/batch/lookup", json={"tracks": [track], "Tracks": [track]}), 400)
    assert error["fields"] == {"Tracks": ["tracks sent twice, as tracks and as Tracks"]}


def test_a_misspelled_key_is_named_with_the_valid_keys(client, oracle):
    track = ids(oracle, "tracks", 1)[0]
    response = client.post("/batch/lookup", json={"track": [track]})
    error = assert_error(response, 400, "at least one lookup type required")
    valid = "tracks, artists, albums, isrcs, audio_features"
    assert error["fields"] == {"track": [f"unknown key: the valid keys are {valid}"]}


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"tracks": "0" * 22}, {"tracks": ["not a list of strings"]}),
        ({"tracks": [12]}, {"tracks": {"0": ["not a string"]}}),
        ({"albums": [None]}, {"albums": {"0": ["not a string but null"]}}),
        ({"isrcs": [["USUM72409273"]]}, {"isrcs": {"0": ["not a string"]}}),
    ],
)
def test_entry_messages_follow_one_style(client, body, fields):
    error = assert_error(client.post("/batch/lookup", json=body), 400, "invalid request body")
    assert error["fields"] == fields


def test_only_the_bad_entries_of_a_list_are_named(client, oracle):
    isrc = shared_isrcs(oracle, 1)[0]
    track = ids(oracle, "tracks", 1)[0]
    body = {"isrcs": [isrc, "bad", isrc.lower(), None], "tracks": [track, f"spotify:album:{track}"]}
    error = assert_error(client.post("/batch/lookup", json=body), 400, "invalid request body")
    assert error["fields"] == {
        "isrcs": {"1": ["not an ISRC (12 characters of [A-Z0-9])"], "3": ["not a string but null"]},
        "tracks": {"1": ["the link names an album, not a track"]},
    }
