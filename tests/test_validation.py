"""Normalisation and validation of what clients send."""

import re

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from app.errors import ApiError
from app.schemas.requests import QUERY_WHITESPACE
from app.schemas.requests import search_arguments
from app.validation import ISRC_INPUT_REGEX
from app.validation import SPOTIFY_ID_REGEX
from app.validation import is_spotify_id
from app.validation import normalise_isrc
from app.validation import require_spotify_id

ISRC_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@pytest.mark.parametrize(
    "text, isrc",
    [
        ("us-um7-24-09273", "USUM72409273"),
        ("  GBAAP0000867 ", "GBAAP0000867"),
        ("gb aap 00 00867", "GBAAP0000867"),
        ("USUM7240927", None),
        ("USUM724092731", None),
        ("USUM7240927_", None),
        ("USUM72409-27é", None),
        ("", None),
    ],
)
def test_normalise_isrc(text, isrc):
    assert normalise_isrc(text) == isrc


@given(st.text(alphabet=ISRC_CHARACTERS, min_size=12, max_size=12), st.data())
def test_any_spelling_of_an_isrc_normalises_to_it(isrc, data):
    spelled = "".join(
        data.draw(st.sampled_from([c, c.lower()])) + data.draw(st.sampled_from(["", "-", " "])) for c in isrc
    )
    assert normalise_isrc(f"  {spelled}  ") == isrc


@given(st.text())
def test_normalised_isrcs_are_always_canonical(text):
    isrc = normalise_isrc(text)
    assert isrc is None or (len(isrc) == 12 and set(isrc) <= set(ISRC_CHARACTERS))


@given(
    # Near-ISRCs: 10 to 14 characters that are mostly letters and digits,
    # with separators and characters that are not ASCII letters or digits
    # yet count as such to str.isalnum (é, ٥, 𝟘).
    st.lists(
        st.sampled_from([*"aZ09aZ09aZ09", *"- _\n\t\u00a0é٥ß", "\U0001d7d8"]), min_size=10, max_size=16
    ).map("".join)
    | st.text(max_size=16)
)
def test_isrcs_are_accepted_exactly_as_the_published_pattern_accepts_them(text):
    # The published pattern (OpenAPI) and the check in code must agree:
    # normalise_isrc no longer runs the pattern.
    if re.fullmatch(ISRC_INPUT_REGEX, text):
        assert normalise_isrc(text) == text.replace("-", "").replace(" ", "").upper()
    else:
        assert normalise_isrc(text) is None


@given(
    # Near-ids: 21 to 23 characters, most of them ASCII letters and digits,
    # some that count as such to str.isalnum but are not ASCII, a few separators.
    st.text(alphabet=[*"aZ09" * 5, "é", "٥", "\U0001d7d8", "-", " "], min_size=21, max_size=23)
    | st.text(max_size=24)
)
def test_spotify_ids_are_accepted_exactly_as_the_published_pattern_accepts_them(text):
    # Every id check (native and /v1) goes through is_spotify_id, not the pattern.
    assert is_spotify_id(text) == bool(re.fullmatch(SPOTIFY_ID_REGEX, text))


@given(
    st.text(
        alphabet=st.sampled_from(list(QUERY_WHITESPACE) + ["a", "é", "\u00a0", "_", "\x00"]), max_size=300
    )
    | st.text(max_size=300)
)
def test_search_query_accepts_exactly_2_to_200_trimmed_characters(text):
    trimmed = text.strip(QUERY_WHITESPACE)
    if 2 <= len(trimmed) <= 200 and "\x00" not in text:
        assert search_arguments.load({"q": text})["q"] == trimmed
    else:
        with pytest.raises(ApiError):
            search_arguments.load({"q": text})


@given(st.text(max_size=20))
def test_limit_accepts_only_whole_numbers_in_range(text):
    try:
        value = search_arguments.load({"q": "ab", "limit": text})["limit"]
    except ApiError as error:
        assert error.message == "limit must be an integer from 1 to 50"
    else:
        assert 1 <= value <= 50 and int(text) == value


@pytest.mark.parametrize(
    "args, message",
    [
        ({"limit": "0"}, "q parameter required"),
        ({"q": "a\x00b", "limit": "x"}, "query must not contain NUL characters"),
        ({"q": " a ", "offset": "x"}, "query must be at least 2 characters"),
        ({"q": "ab", "limit": "51", "offset": "-1"}, "limit must be an integer from 1 to 50"),
        ({"q": "ab", "offset": "1001"}, "offset must be an integer from 0 to 1000"),
        ({"q": "ab", "offset": "+5"}, "offset must be an integer from 0 to 1000"),
    ],
)
def test_the_first_bad_search_argument_is_the_error(args, message):
    with pytest.raises(ApiError) as raised:
        search_arguments.load(args)
    assert raised.value.message == message
    assert raised.value.status == 400


def test_search_arguments_default_and_ignore_unknown_ones():
    loaded = search_arguments.load({"q": " ab ", "offset": "0007", "type": "track"})
    assert loaded == {"q": "ab", "limit": 20, "offset": 7}


@given(st.text(max_size=30) | st.text(alphabet="0123456789abcXYZ", min_size=20, max_size=24))
def test_spotify_ids_are_exactly_22_ascii_letters_or_digits(text):
    valid = len(text) == 22 and text.isascii() and text.isalnum()
    try:
        assert require_spotify_id(text, "track") == text
        assert valid
    except ApiError as error:
        assert not valid
        assert error.message == "invalid track id: must be 22 characters of [0-9A-Za-z]"


def test_no_property_test_has_a_deadline():
    # The project's hypothesis profile (tests/conftest.py): a property test
    # must not fail because a loaded machine ran one example slowly.
    assert settings().deadline is None
