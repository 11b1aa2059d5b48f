"""GET /search/… with a search index: matches and order against expectations
computed here, in Python, from the generated files; paging; the query
budget; and the scan fallback when no index is configured. Under real
gunicorn: tests/integration/test_search.py."""

import re

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from app.catalog import search as search_sql
from tests.support.expected import fold
from tests.support.inprocess import assert_error
from tests.support.inprocess import counting_statements
from tests.support.inprocess import make_app

# Word characters as unicode61 sees them: letters and digits, not "_".
WORD = re.compile(r"[^\W_]+")

# Per kind: the rows a search can return, best first, and the answer's key.
CANDIDATES = {
    "track": (
        "SELECT tracks.id, tracks.name FROM tracks"
        " JOIN albums ON albums.rowid = tracks.album_rowid"
        " ORDER BY tracks.popularity DESC, tracks.rowid DESC"
    ),
    "album": "SELECT id, name FROM albums ORDER BY popularity DESC, rowid DESC",
    "artist": "SELECT id, name FROM artists ORDER BY followers_total DESC, rowid DESC",
}


def expected_ids(oracle, kind, q):
    """Every match of ``q``, best first: whole words, then the last word as a
    prefix, then every word inside a word (words of 3+ characters), each tier
    by popularity or followers."""
    query = WORD.findall(fold(q))
    tiers = {1: [], 2: [], 3: []}
    for row_id, name in oracle.execute(CANDIDATES[kind]):
        folded = fold(name)
        words = WORD.findall(folded)
        others_whole = all(word in words for word in query[:-1])
        if others_whole and query[-1] in words:
            tiers[1].append(row_id)
        elif others_whole and any(word.startswith(query[-1]) for word in words):
            tiers[2].append(row_id)
        elif all(len(word) >= 3 and word in folded for word in query):
            tiers[3].append(row_id)
    return tiers[1] + tiers[2] + tiers[3]


@pytest.fixture(scope="module")
def indexed_app(main_file, index_file):
    # Behaviour only: a loaded test machine must not turn an answer into a 408.
    return make_app(main_file, SEARCH_DATABASE=str(index_file), SEARCH_TIME_LIMIT_MS=60_000)


@pytest.fixture()
def indexed(indexed_app):
    return indexed_app.test_client()


def found_ids(client, kind, q, **params):
    response = client.get(f"/search/{kind}", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()]


CASES = [
    ("track", "love"),
    ("track", "LOVE you"),
    ("track", "corazon"),
    ("track", "zurich sa"),
    ("track", "ight"),
    ("track", "lo"),
    ("track", "summer ni"),
    ("track", "ove ight"),
    ("album", "night"),
    ("album", "cafe"),
    ("album", "ro"),
    ("artist", "beyonce"),
    ("artist", "celine di"),
    ("artist", "be"),
    ("artist", "ade"),
]


@pytest.mark.parametrize(("kind", "q"), CASES)
def test_matches_and_order(indexed, oracle, kind, q):
    expected = expected_ids(oracle, kind, q)
    assert expected, "the case must match something in the generated catalogue"
    assert found_ids(indexed, kind, q, limit=50) == expected[:50]


@pytest.mark.parametrize(("kind", "q"), [("track", "love"), ("artist", "be"), ("album", "ro")])
def test_pages_follow_each_other_without_overlap(indexed, oracle, kind, q):
    expected = expected_ids(oracle, kind, q)
    pages = [found_ids(indexed, kind, q, limit=7, offset=offset) for offset in range(0, 70, 7)]
    assert sum(pages, []) == expected[:70]


def test_accents_and_case_fold_both_ways(indexed, oracle):
    plain = found_ids(indexed, "artist", "beyonce", limit=50)
    assert plain == found_ids(indexed, "artist", "BEYONCÉ", limit=50)
    names = {name for (name,) in oracle.execute("SELECT name FROM artists WHERE name LIKE 'Beyonc%'")}
    assert "Beyoncé" in names


def test_exact_words_rank_above_prefixes_and_mid_word(indexed):
    names = [
        track["name"]
        for track in indexed.get("/search/track", query_string={"q": "night", "limit": 50}).get_json()
    ]
    words = [WORD.findall(fold(name)) for name in names]
    whole = [i for i, name_words in enumerate(words) if "night" in name_words]
    assert whole and whole == list(range(len(whole)))


def test_a_query_without_words_finds_nothing(indexed):
    assert found_ids(indexed, "track", "%%") == []


def test_beyond_the_last_match_is_empty(indexed, oracle):
    total = len(expected_ids(oracle, "artist", "beyonce"))
    assert total < 1000
    assert found_ids(indexed, "artist", "beyonce", offset=total) == []


def test_album_answers_are_whole_albums(indexed):
    albums = indexed.get("/search/album", query_string={"q": "night", "limit": 5}).get_json()
    assert len(albums) == 5
    for album in albums:
        assert {"id", "name", "type", "label", "release_date", "total_tracks"} <= set(album)
        assert "night" in fold(album["name"])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "q parameter required"),
        ({"q": " a "}, "query must be at least 2 characters"),
        ({"q": "love", "offset": "1001"}, "offset must be an integer from 0 to 1000"),
        ({"q": "love", "limit": "51"}, "limit must be an integer from 1 to 50"),
    ],
)
def test_album_search_validates_like_the_others(indexed, params, message):
    assert_error(indexed.get("/search/album", query_string=params), 400, message)


def count_statements(app, path, params):
    """Run one request and return how many SQL statements it executed."""
    client = app.test_client()
    with counting_statements(app) as statements:
        response = client.get(path, query_string=params)
    assert response.status_code == 200
    return len(statements), len(response.get_json())


@pytest.mark.parametrize(
    ("kind", "q"),
    [
        ("track", "love"), ("track", "ni"), ("track", "ove ight"),
        ("album", "night"), ("album", "ro"), ("album", "igh"),
        ("artist", "be"), ("artist", "ade"), ("artist", "greta"),
    ],
)
def test_a_page_of_50_costs_what_a_page_of_1_costs(indexed_app, kind, q):
    one, one_size = count_statements(indexed_app, f"/search/{kind}", {"q": q, "limit": 1})
    fifty, fifty_size = count_statements(indexed_app, f"/search/{kind}", {"q": q, "limit": 50})
    assert one_size == 1 and fifty_size > 1
    assert one == fifty


def test_scan_fallback_answers_album_search(client, oracle):
    response = client.get("/search/album", query_string={"q": "night", "limit": 50})
    assert response.status_code == 200
    expected = [
        row[0] for row in oracle.execute(
            "SELECT id FROM albums WHERE name LIKE '%night%'"
            " ORDER BY popularity DESC, rowid DESC LIMIT 50")
    ]
    assert [album["id"] for album in response.get_json()] == expected


def two_words_with_a_long_prefix(oracle, table):
    """A query "first secon" built from a name of ``table``: the last word a
    prefix longer than the prefix indexes, so expansion kicks in."""
    for (name,) in oracle.execute(f"SELECT name FROM {table} ORDER BY rowid"):
        words = name.split()
        if len(words) >= 2 and words[0].isalpha() and words[1].isalpha() and len(words[1]) >= 7:
            return f"{words[0]} {words[1][:6]}"
    raise AssertionError(f"no two-word name with a long second word in {table}")


@pytest.mark.parametrize(("kind", "q"), [("track", "corazon"), ("artist", "beyonce"), ("album", None)])
def test_long_prefixes_match_the_same_with_or_without_expansion(indexed, oracle, monkeypatch, kind, q):
    q = q or two_words_with_a_long_prefix(oracle, "albums")
    expanded = found_ids(indexed, kind, q, limit=50)
    monkeypatch.setattr(search_sql, "MAX_COMPLETIONS", 0)
    assert found_ids(indexed, kind, q, limit=50) == expanded
    assert expanded


FTS_SYNTAX = st.lists(
    st.sampled_from(list('ab "*()-+:^{}.,') + ["OR ", "AND ", "NOT ", "NEAR(", "é", "love "]),
    min_size=1, max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(min_size=1, max_size=40) | FTS_SYNTAX, kind=st.sampled_from(["track", "artist", "album"]))
def test_any_query_is_answered_never_500(indexed, q, kind):
    # FTS5 query syntax ("OR", quotes, parentheses, *) in q must stay text.
    response = indexed.get(f"/search/{kind}", query_string={"q": q, "limit": 5})
    assert response.status_code in (200, 400), response.get_data(as_text=True)
