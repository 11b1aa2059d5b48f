"""Spotify's query language: free words and filters, quoted or not."""

import pytest

from app.search_query import any_name_match
from app.search_query import parse
from app.search_query import words_match


@pytest.mark.parametrize("q, free, filters", [
    ("album:'Don't Stop' artist:'Foo Bar'", "", {"album": "Don't Stop", "artist": "Foo Bar"}),
    ('Night Train artist:"Ada Lane"', "Night Train", {"artist": "Ada Lane"}),
    ("track:Night Train ALBUM:Ride year:1990-1999 tag:new",
     "", {"track": "Night Train", "album": "Ride", "year": "1990-1999", "tag": "new"}),
    ('isrc:"USUM72409273', "", {"isrc": "USUM72409273"}),
    ("re:load time:out", "re:load time:out", {}),
])
def test_query_parsing(q, free, filters):
    parsed = parse(q)
    assert (parsed.free, parsed.filters) == (free, filters)


def test_years():
    assert parse("x year:1990-1999").years() == (1990, 1999)
    assert parse("x year:2001").years() == (2001, 2001)
    assert parse("x year:soon").years() is None


@pytest.mark.parametrize("value, name, result", [
    ("Beyonce", "BEYONCÉ", 2), ("night tr", "Night Train Home", 1), ("train night", "Night Train", 1),
    ("night x", "Night Train", 0), ("", "anything", 1),
])
def test_words_match(value, name, result):
    assert words_match(value, name) == result


def test_artists_match_one_or_all_together():
    assert any_name_match("Daft Punk", ["Pharrell", "Daft Punk"]) == 2
    assert any_name_match("Daft Pharrell", ["Pharrell", "Daft Punk"]) == 1
    assert any_name_match("Nobody", ["Pharrell"]) == 0
