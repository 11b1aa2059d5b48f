"""GET /search/… without an index: the time-limited scan of the core service."""

import time

import pytest

from app import arrival
from tests.support.inprocess import assert_error
from tests.support.inprocess import make_app


def names_containing(oracle, table, text):
    """Names that contain ``text`` the way the contract defines it (ASCII letters
    case-insensitive, everything else literal), computed in Python."""
    needle = text.lower() if text.isascii() else text
    rows = oracle.execute(f"SELECT rowid, name FROM {table}").fetchall()
    return {rowid for rowid, name in rows if needle in "".join(c.lower() if c.isascii() else c for c in name)}


def common_word(oracle):
    """A word many track names contain."""
    for word in ("love", "night", "the", "you"):
        if len(names_containing(oracle, "tracks", word)) > 25:
            return word
    raise AssertionError("the catalogue has no common word in track names")


def test_track_search_finds_names_containing_q_most_popular_first(client, oracle):
    word = common_word(oracle)
    got = client.get(f"/search/track?q={word.upper()}&limit=50").get_json()
    assert len(got) == 50
    matching = names_containing(oracle, "tracks", word)
    ids = {
        row[0]
        for row in oracle.execute("SELECT id FROM tracks WHERE rowid IN (%s)" % ",".join(map(str, matching)))
    }
    assert {track["id"] for track in got} <= ids
    popularity = [track["popularity"] for track in got]
    assert popularity == sorted(popularity, reverse=True)
    # Nothing more popular was left out.
    best_left_out = oracle.execute(
        "SELECT max(t.popularity) FROM tracks t JOIN albums a ON a.rowid = t.album_rowid "
        "WHERE t.id NOT IN (%s) AND t.rowid IN (%s)"
        % (",".join(f"'{track['id']}'" for track in got), ",".join(map(str, matching)))
    ).fetchone()[0]
    assert best_left_out is None or best_left_out <= popularity[-1]
    assert all("album" in track for track in got)


def test_track_search_default_limit_is_20(client, oracle):
    assert len(client.get(f"/search/track?q={common_word(oracle)}").get_json()) == 20


def test_search_pages_do_not_overlap(client, oracle):
    word = common_word(oracle)
    first = client.get(f"/search/track?q={word}&limit=10").get_json()
    second = client.get(f"/search/track?q={word}&limit=10&offset=10").get_json()
    assert first and second
    assert not {t["id"] for t in first} & {t["id"] for t in second}
    assert client.get(f"/search/track?q={word}&limit=10").get_json() == first


def test_artist_search_most_followers_first(client, oracle):
    got = client.get("/search/artist?q=an&limit=50").get_json()
    assert got
    followers = [artist["followers"] for artist in got]
    assert followers == sorted(followers, reverse=True)
    for artist in got:
        assert "an" in artist["name"].lower()


@pytest.mark.parametrize("literal", ["%", "_"])
def test_percent_and_underscore_are_literal(client, oracle, literal):
    names = [row[0] for row in oracle.execute("SELECT name FROM tracks WHERE instr(name, ?) > 1", (literal,))]
    assert names, "the generator writes names with % and _"
    position = names[0].index(literal)
    q = names[0][position - 1 : position + 1]
    got = client.get("/search/track", query_string={"q": q, "limit": 50}).get_json()
    assert got and all(q.lower() in track["name"].lower() for track in got)
    # As a wildcard, "o%e" or "o_e" would match "love", "home", "one" ...
    wild = client.get("/search/track", query_string={"q": f"o{literal}e", "limit": 50}).get_json()
    assert all(f"o{literal}e" in track["name"].lower() for track in wild)


def test_query_is_trimmed_and_counted_in_characters(client):
    assert_error(client.get("/search/track?q=%20%20a%20%20"), 400, "query must be at least 2 characters")
    # Two characters of two bytes each: the Go service counted bytes.
    assert client.get("/search/artist", query_string={"q": "éé"}).status_code == 200


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "q parameter required"),
        ("?q=", "query must be at least 2 characters"),
        ("?q=a", "query must be at least 2 characters"),
        ("?q=" + "x" * 201, "query must be at most 200 characters"),
        ("?q=ab&limit=0", "limit must be an integer from 1 to 50"),
        ("?q=ab&limit=51", "limit must be an integer from 1 to 50"),
        ("?q=ab&limit=abc", "limit must be an integer from 1 to 50"),
        ("?q=ab&limit=2.5", "limit must be an integer from 1 to 50"),
        ("?q=ab&limit=", "limit must be an integer from 1 to 50"),
        ("?q=ab&offset=-1", "offset must be an integer from 0 to 1000"),
        ("?q=ab&offset=1001", "offset must be an integer from 0 to 1000"),
    ],
)
@pytest.mark.parametrize("route", ["/search/track", "/search/artist"])
def test_bad_search_parameters_are_400(client, route, query, message):
    assert_error(client.get(route + query), 400, message)


def test_search_with_exactly_200_characters_is_allowed(client):
    response = client.get("/search/track", query_string={"q": "x" * 200})
    assert response.status_code == 200
    assert response.get_json() == []


@pytest.mark.parametrize("route", ["/search/track", "/search/artist"])
def test_slow_search_is_stopped_and_answered_408(main_file, route):
    # A limit of 0 ms expires before the first progress check, so any
    # statement longer than a few hundred VM steps is interrupted.
    client = make_app(main_file, SEARCH_TIME_LIMIT_MS=0).test_client()
    response = client.get(route, query_string={"q": "no name contains this"})
    assert_error(response, 408, "search timeout - try a more specific query")
    # The connection is usable afterwards, without the limit.
    assert client.get("/health").status_code == 200


def test_the_time_limit_counts_the_wait_for_a_thread(main_file):
    # The server noted this request ready 10 s ago (it waited for a thread,
    # app/arrival.py): its search limit of 5 s has passed before it starts,
    # so it is answered 408 at once instead of keeping the client 5 s more.
    client = make_app(main_file, SEARCH_TIME_LIMIT_MS=5000).test_client()
    assert client.get("/search/track?q=zzqqxxnothere").status_code == 200
    arrival.note_ready(time.perf_counter() - 10)
    response = client.get("/search/track?q=zzqqxxnothere")
    assert_error(response, 408, "search timeout - try a more specific query")
    # The note is taken once: the next request counts from its own start.
    assert client.get("/search/track?q=zzqqxxnothere").status_code == 200
