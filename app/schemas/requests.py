"""What clients send: query arguments and path variables (the batch body:
:mod:`app.schemas.batch_request`).

Each limit and message is declared here once: the views parse with these
schemas, and the OpenAPI document (:mod:`app.openapi`) describes the
arguments from them.
"""

import re

from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate

from app.catalog.discographies import GROUPS as ALBUM_GROUPS
from app.catalog.top_tracks import TOP_TRACKS
from app.errors import ApiError
from app.validation import ISRC_INPUT_REGEX
from app.validation import SPOTIFY_ID_REGEX
from app.validation import UPC_INPUT_REGEX
from app.validation import normalise_isrc
from app.validation import normalise_spotify_id
from app.validation import wrong_kind_message

# Whitespace trimmed from a query, and the same set as a regex class, so the
# published pattern (ECMA-262 compatible) says exactly what is accepted.
QUERY_WHITESPACE = " \t\n\v\f\r"
_SPACE = r"[ \t\n\v\f\r]"
_NOT_SPACE = r"[^ \t\n\v\f\r\u0000]"
_NOT_NUL = r"[^\u0000]"

QUERY_MIN_CHARACTERS = 2
QUERY_MAX_CHARACTERS = 200


class SpotifyId(fields.String):
    """A Spotify id of ``kind`` (track, artist, album), loaded from an id, a
    spotify: URI or an open.spotify.com link (:func:`normalise_spotify_id`).

    The OpenAPI document publishes the id's own pattern, the canonical
    form; the links are accepted as a convenience and said in words.
    """

    default_error_messages = {"invalid_id": "not a Spotify id (22 characters of [0-9A-Za-z])"}

    def __init__(self, kind=None, *, metadata=None, **kwargs):
        self.kind = kind
        super().__init__(metadata={"pattern": SPOTIFY_ID_REGEX, **(metadata or {})}, **kwargs)

    def normalised(self, text):
        """The id in the string ``text``, or None (then :meth:`_deserialize` says why)."""
        return normalise_spotify_id(text, self.kind)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        spotify_id = self.normalised(text)
        if spotify_id is None:
            wrong_kind = wrong_kind_message(text, self.kind)
            raise ValidationError(wrong_kind) if wrong_kind else self.make_error("invalid_id")
        return spotify_id


class Isrc(fields.String):
    """An ISRC as people type it, loaded in canonical form."""

    default_error_messages = {"invalid_isrc": "not an ISRC (12 characters of [A-Z0-9])"}

    def __init__(self, *, metadata=None, **kwargs):
        super().__init__(metadata={"pattern": ISRC_INPUT_REGEX, **(metadata or {})}, **kwargs)

    def normalised(self, text):
        """The ISRC in the string ``text``, or None (then :meth:`_deserialize` says why)."""
        return normalise_isrc(text)

    def _deserialize(self, value, attr, data, **kwargs):
        isrc = self.normalised(super()._deserialize(value, attr, data, **kwargs))
        if isrc is None:
            raise self.make_error("invalid_isrc")
        return isrc


class SearchText(fields.String):
    """Text to search for: ``minimum`` to ``maximum`` characters once
    surrounding whitespace is trimmed, and no NUL anywhere (SQLite would end
    the LIKE pattern there, matching all). The published pattern says
    exactly that; it needs ``minimum`` of at least 2 (two non-space ends)."""

    default_error_messages = {
        "nul": "query must not contain NUL characters",
        "too_short": "query must be at least {minimum} characters",
        "too_long": "query must be at most {maximum} characters",
    }

    def __init__(self, minimum, maximum, *, metadata=None, **kwargs):
        self.minimum = minimum
        self.maximum = maximum
        inside = rf"{_NOT_NUL}{{{minimum - 2},{maximum - 2}}}"
        pattern = rf"^{_SPACE}*{_NOT_SPACE}{inside}{_NOT_SPACE}{_SPACE}*$"
        # The pattern sits in an allOf: same meaning to JSON Schema (and to
        # schemathesis), but Swagger UI only checks top-level keywords, so a
        # 1-character q there says "Value must be at least 2 characters"
        # instead of showing this regular expression.
        published = {"minLength": minimum, "allOf": [{"pattern": pattern}]}
        super().__init__(metadata={**published, **(metadata or {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise self.make_error("nul")
        text = text.strip(QUERY_WHITESPACE)
        if len(text) < self.minimum:
            raise self.make_error("too_short", minimum=self.minimum)
        if len(text) > self.maximum:
            raise self.make_error("too_long", maximum=self.maximum)
        return text


class WholeNumber(fields.Integer):
    """A whole number within ``minimum`` and ``maximum`` (inclusive), written
    as ASCII digits with an optional minus sign: ``int()`` alone would also
    take ``" 5"``, ``"5_0"`` or ``"٥"``. Any other text, or a number out of
    range, gets one message naming the argument and its range."""

    default_error_messages = {"invalid": "{name} must be an integer from {minimum} to {maximum}"}

    # Twelve digits at most: no client text becomes an arbitrarily long int.
    _digits_re = re.compile(r"-?[0-9]{1,12}")

    def __init__(self, minimum, maximum, **kwargs):
        # The Range is what the OpenAPI document publishes; _deserialize
        # checks it first so that the message is this field's.
        self.range = validate.Range(minimum, maximum)
        super().__init__(validate=self.range, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        low, high = self.range.min, self.range.max
        whole = isinstance(value, str) and self._digits_re.fullmatch(value)
        if not whole or not low <= int(value) <= high:
            raise self.make_error("invalid", name=attr, minimum=low, maximum=high)
        return int(value)


class QueryArguments(Schema):
    """The arguments of a query string. Unknown ones are ignored; a bad one
    is answered 400 with its message (the first bad one in field order)."""

    class Meta:
        unknown = EXCLUDE

    def handle_error(self, error, data, **kwargs):
        messages = next(iter(error.messages.values()))
        raise ApiError(messages[0]) from error


class SearchArguments(QueryArguments):
    """GET /search/…: what to look for, and which page of the answer."""

    q = SearchText(
        QUERY_MIN_CHARACTERS,
        QUERY_MAX_CHARACTERS,
        required=True,
        error_messages={"required": "q parameter required"},
        metadata={
            "description": f"{QUERY_MIN_CHARACTERS} to {QUERY_MAX_CHARACTERS} characters once "
            "surrounding whitespace is trimmed. With a search index: every word must match, the "
            "last as a prefix, ignoring case and accents; whole words, then prefixes, "
            "then matches inside a word (words of 3+ characters). Without one (see "
            "/health `search`): names containing q, ASCII case-insensitive"
        },
    )
    limit = WholeNumber(1, 50, load_default=20)
    offset = WholeNumber(0, 1000, load_default=0)


class AlbumGroups(fields.String):
    """A comma-separated list of album groups, loaded as a list of names."""

    default_error_messages = {
        "invalid_group": "{name} must be a comma-separated list of {choices}",
    }

    def __init__(self, choices, **kwargs):
        self.choices = tuple(choices)
        pattern = rf"^({'|'.join(self.choices)})(,({'|'.join(self.choices)}))*$"
        super().__init__(metadata={"pattern": pattern, **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        names = [name.strip() for name in super()._deserialize(value, attr, data, **kwargs).split(",")]
        if not all(name in self.choices for name in names):
            raise self.make_error("invalid_group", name=attr, choices=", ".join(self.choices))
        return names


class DiscographyArguments(QueryArguments):
    """GET /lookup/artist/{id}/albums: which groups, and which page."""

    group = AlbumGroups(
        ALBUM_GROUPS,
        load_default=list(ALBUM_GROUPS),
        metadata={"description": "groups to list, in any order; the answer keeps the order "
                  "album, single, compilation, appears_on. Default: all"},
    )
    limit = WholeNumber(1, 50, load_default=20)
    offset = WholeNumber(0, 10_000_000, load_default=0)


class TopTracksArguments(QueryArguments):
    limit = WholeNumber(1, TOP_TRACKS, load_default=10)


class UpcArguments(QueryArguments):
    limit = WholeNumber(1, 50, load_default=20)


def _spotify_id_variable():
    return SpotifyId(
        required=True,
        metadata={
            "description": "Spotify id: 22 characters of [0-9A-Za-z]. A spotify:track: (artist:, "
            "album:) URI or an open.spotify.com link is read as the id it holds"
        },
    )


class PathVariables(Schema):
    """The variables of the routes' paths, by the names the routes give them.

    The OpenAPI document describes each from here; the views check them with
    :mod:`app.validation`, whose messages name the kind of id.
    """

    id = _spotify_id_variable()
    isrc = Isrc(
        required=True,
        metadata={
            "description": "ISRC; spaces and hyphens are removed and letters upper-cased "
            "before the lookup (us-um7-24-09273 → USUM72409273)",
        },
    )
    upc = fields.String(
        required=True,
        metadata={
            "description": "UPC or EAN barcode, 8 to 14 digits (spaces and hyphens ignored); "
            "the 12-, 13- and 14-digit forms of one barcode (leading zeros) find the same albums",
            "pattern": UPC_INPUT_REGEX,
            "example": "00602537292066",
        },
    )


search_arguments = SearchArguments()
discography_arguments = DiscographyArguments()
top_tracks_arguments = TopTracksArguments()
upc_arguments = UpcArguments()
