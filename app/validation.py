"""Normalising and validating what clients send, with the contract's messages."""

import re

from app.errors import ApiError

# The patterns are ECMA-262 compatible: the OpenAPI document publishes them.
SPOTIFY_ID_REGEX = r"^[0-9A-Za-z]{22}$"
# An ISRC as people type it: 12 letters or digits, with the hyphens and
# spaces of printed ISRCs (us-um7-24-09273) anywhere around or between them.
ISRC_INPUT_REGEX = r"^[- ]*(?:[0-9A-Za-z][- ]*){12}$"
# Whitespace trimmed from a query, and the same set as a regex class, so the
# published pattern says exactly what is accepted: 2 to 200 characters once
# trimmed, and no NUL (SQLite would end the LIKE pattern there, matching all).
QUERY_WHITESPACE = " \t\n\v\f\r"
_SPACE = r"[ \t\n\v\f\r]"
_NOT_SPACE = r"[^ \t\n\v\f\r\u0000]"
_NOT_NUL = r"[^\u0000]"
QUERY_REGEX = rf"^{_SPACE}*{_NOT_SPACE}{_NOT_NUL}{{0,198}}{_NOT_SPACE}{_SPACE}*$"
INTEGER_PATTERN = re.compile(r"-?[0-9]{1,12}")

SPOTIFY_ID_PATTERN = re.compile(SPOTIFY_ID_REGEX)
ISRC_INPUT_PATTERN = re.compile(ISRC_INPUT_REGEX)
ISRC_SEPARATORS = re.compile(r"[- ]")

QUERY_MIN_CHARACTERS = 2
QUERY_MAX_CHARACTERS = 200
LIMIT_RANGE = (1, 50)
DEFAULT_LIMIT = 20
OFFSET_RANGE = (0, 1000)


def normalise_isrc(text):
    """Return the ISRC in canonical form, or None if it cannot be one.

    Surrounding spaces and inner hyphens or spaces go, letters are upper-cased.
    """
    if not ISRC_INPUT_PATTERN.fullmatch(text):
        return None
    return ISRC_SEPARATORS.sub("", text).upper()


def require_spotify_id(value, kind):
    """Return ``value`` if it is a Spotify id.

    :raise ApiError 400: naming ``kind`` (track, artist, album).
    """
    if not SPOTIFY_ID_PATTERN.fullmatch(value):
        raise ApiError(f"invalid {kind} id: must be 22 characters of [0-9A-Za-z]")
    return value


def require_isrc(value):
    """Return the normalised ISRC.

    :raise ApiError 400: when it is not 12 characters of [A-Z0-9] once normalised.
    """
    isrc = normalise_isrc(value)
    if isrc is None:
        raise ApiError("invalid isrc: must be 12 characters of [A-Z0-9]")
    return isrc


def search_query(args):
    """Return the trimmed ``q`` of a search request.

    :raise ApiError 400: when missing, shorter than 2 or longer than 200 characters.
    """
    q = args.get("q")
    if q is None:
        raise ApiError("q parameter required")
    if "\x00" in q:
        raise ApiError("query must not contain NUL characters")
    q = q.strip(QUERY_WHITESPACE)
    if len(q) < QUERY_MIN_CHARACTERS:
        raise ApiError(f"query must be at least {QUERY_MIN_CHARACTERS} characters")
    if len(q) > QUERY_MAX_CHARACTERS:
        raise ApiError(f"query must be at most {QUERY_MAX_CHARACTERS} characters")
    return q


def bounded_int(args, name, default, bounds):
    """Return the integer parameter ``name`` within ``bounds`` (inclusive).

    :raise ApiError 400: when it is not a whole number within the bounds.
    """
    text = args.get(name)
    if text is None:
        return default
    low, high = bounds
    message = f"{name} must be an integer from {low} to {high}"
    if not INTEGER_PATTERN.fullmatch(text):
        raise ApiError(message)
    value = int(text)
    if not low <= value <= high:
        raise ApiError(message)
    return value
