"""Normalising and validating what clients send, with the contract's messages."""

import re

from app.errors import ApiError

SPOTIFY_ID_PATTERN = re.compile(r"[0-9A-Za-z]{22}")
ISRC_PATTERN = re.compile(r"[A-Z0-9]{12}")
# Hyphens and spaces people copy from printed ISRCs (US-UM7-24-09273).
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
    isrc = ISRC_SEPARATORS.sub("", text.strip()).upper()
    return isrc if ISRC_PATTERN.fullmatch(isrc) else None


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
    q = q.strip()
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
    text = text.strip()
    if not text.isascii() or not text.lstrip("-").isdigit() or len(text) > 12:
        raise ApiError(message)
    value = int(text)
    if not low <= value <= high:
        raise ApiError(message)
    return value
