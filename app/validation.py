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

# Ids as people paste them from Spotify: a URI (spotify:track:ID) or a share
# link (https://open.spotify.com/intl-de/track/ID?si=…), with a trailing
# slash, query or fragment after the id.
SPOTIFY_LINK_PATTERN = re.compile(
    r"""
    (?:spotify:(?P<uri_kind>[a-z]+):
      |(?:https?:/{1,2})?open\.spotify\.com/(?:intl-[A-Za-z-]+/)?(?P<url_kind>[a-z]+)/)
    (?P<id>[0-9A-Za-z]{22})
    (?:[/?#].*)?
    """,
    re.VERBOSE | re.DOTALL,
)
UPC_INPUT_PATTERN = re.compile(UPC_INPUT_REGEX)


def _without_separators(text):
    """``text`` without the hyphens and spaces printed ISRCs and barcodes
    carry (the ``[- ]`` of ISRC_INPUT_REGEX and UPC_INPUT_REGEX)."""
    return text.replace("-", "").replace(" ", "")


def is_spotify_id(text):
    """Whether ``text`` is a Spotify id as SPOTIFY_ID_REGEX publishes it: 22
    ASCII letters or digits. Said without the regular expression, which
    cost more than the rest of checking a batch's 400 ids."""
    return len(text) == 22 and text.isascii() and text.isalnum()


def normalise_isrc(text):
    """Return the ISRC in canonical form, or None if it cannot be one.

    Surrounding spaces and inner hyphens or spaces go, letters are upper-cased.
    """
    # What ISRC_INPUT_REGEX accepts, said without it: once the hyphens and
    # spaces go, exactly 12 ASCII letters or digits. The pattern's repeated
    # group cost more than the rest of parsing a 400-ISRC batch together.
    isrc = _without_separators(text)
    if len(isrc) != 12 or not (isrc.isascii() and isrc.isalnum()):
        return None
    return isrc.upper()


def normalise_spotify_id(text, kind=None):
    """Return the Spotify id in ``text``, or None if it holds none.

    ``text`` is an id, or a URI or open.spotify.com link of ``kind``
    (track, artist, album; any kind when None); a trailing slash is
    ignored. A link to another kind of object is None (see :func:`link_kind`).
    """
    text = text.removesuffix("/")
    if is_spotify_id(text):
        return text
    link = SPOTIFY_LINK_PATTERN.fullmatch(text)
    if link is None or kind is not None and (link["uri_kind"] or link["url_kind"]) != kind:
        return None
    return link["id"]


def link_kind(text):
    """The kind of object (track, album …) a URI or link names, or None."""
    link = SPOTIFY_LINK_PATTERN.fullmatch(text.removesuffix("/"))
    return link and (link["uri_kind"] or link["url_kind"])


def wrong_kind_message(text, kind):
    """Why ``text`` is not a ``kind`` id when it links to another kind, else None."""
    named = link_kind(text)
    if named is None or named == kind:
        return None
    return f"the link names a{'n' if named[0] in 'aeiou' else ''} {named}, not a {kind}"


def require_spotify_id(value, kind):
    """Return the Spotify id ``value`` is or holds (see :func:`normalise_spotify_id`).

    :raise ApiError 400: naming ``kind`` (track, artist, album).
    """
    spotify_id = normalise_spotify_id(value, kind)
    if spotify_id is None:
        reason = wrong_kind_message(value, kind) or "must be 22 characters of [0-9A-Za-z]"
        raise ApiError(f"invalid {kind} id: {reason}")
    return spotify_id


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
    return int(_without_separators(text))


def require_upc(value):
    """Return the barcode's number (:func:`normalise_upc`).

    :raise ApiError 400: when it is not 8 to 14 digits once spaces and hyphens go.
    """
    upc = normalise_upc(value)
    if upc is None:
        raise ApiError("invalid upc: must be 8 to 14 digits")
    return upc
