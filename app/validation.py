"""Normalising and checking the ids and ISRCs clients send, with the contract's messages.

The limits and messages of query arguments live with their schemas
(:mod:`app.schemas.requests`).
"""

import re

from app.errors import ApiError

# The patterns are ECMA-262 compatible: the OpenAPI document publishes them.
SPOTIFY_ID_REGEX = r"^[0-9A-Za-z]{22}$"
# An ISRC as people type it: 12 letters or digits, with the hyphens and
# spaces of printed ISRCs (us-um7-24-09273) anywhere around or between them.
ISRC_INPUT_REGEX = r"^[- ]*(?:[0-9A-Za-z][- ]*){12}$"

# A barcode as printed: UPC-A (12 digits), EAN-13, GTIN-14 or GTIN-8, with
# spaces or hyphens anywhere between the digits.
UPC_INPUT_REGEX = r"^[- ]*(?:[0-9][- ]*){8,14}$"

SPOTIFY_ID_PATTERN = re.compile(SPOTIFY_ID_REGEX)
UPC_INPUT_PATTERN = re.compile(UPC_INPUT_REGEX)
ISRC_INPUT_PATTERN = re.compile(ISRC_INPUT_REGEX)
ISRC_SEPARATORS = re.compile(r"[- ]")


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


def normalise_upc(text):
    """Return the barcode as the number it is looked up by, or None if it
    cannot be one: its 12-, 13- and 14-digit forms (leading zeros) give the
    same number; spaces and hyphens are ignored."""
    if not UPC_INPUT_PATTERN.fullmatch(text):
        return None
    return int(ISRC_SEPARATORS.sub("", text))


def require_upc(value):
    """Return the barcode's number (:func:`normalise_upc`).

    :raise ApiError 400: when it is not 8 to 14 digits once spaces and hyphens go.
    """
    upc = normalise_upc(value)
    if upc is None:
        raise ApiError("invalid upc: must be 8 to 14 digits")
    return upc
