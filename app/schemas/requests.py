"""What clients send: ids and ISRCs in the batch body, with their limits
and messages; the OpenAPI document (:mod:`app.openapi`) describes them
from here.
"""

from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import fields

from app.validation import ISRC_INPUT_REGEX
from app.validation import SPOTIFY_ID_PATTERN
from app.validation import SPOTIFY_ID_REGEX
from app.validation import normalise_isrc

class SpotifyId(fields.String):
    """A Spotify id, checked with the validators' own pattern (fullmatch: a
    Regexp validator's ``$`` would let a trailing newline through) and
    published in the OpenAPI document with it."""

    default_error_messages = {"invalid_id": "not a Spotify id (22 characters of [0-9A-Za-z])"}

    def __init__(self, *, metadata=None, **kwargs):
        super().__init__(metadata={"pattern": SPOTIFY_ID_REGEX, **(metadata or {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not SPOTIFY_ID_PATTERN.fullmatch(value):
            raise self.make_error("invalid_id")
        return value


class Isrc(fields.String):
    """An ISRC as people type it, loaded in canonical form."""

    default_error_messages = {"invalid_isrc": "not an ISRC (12 characters of [A-Z0-9])"}

    def __init__(self, *, metadata=None, **kwargs):
        super().__init__(metadata={"pattern": ISRC_INPUT_REGEX, **(metadata or {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        isrc = normalise_isrc(super()._deserialize(value, attr, data, **kwargs))
        if isrc is None:
            raise self.make_error("invalid_isrc")
        return isrc


BATCH_MAX_ITEMS = 400


def _batch_list(item):
    return fields.List(item, allow_none=True, metadata={"maxItems": BATCH_MAX_ITEMS})


class BatchRequestSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    tracks = _batch_list(SpotifyId())
    artists = _batch_list(SpotifyId())
    albums = _batch_list(SpotifyId())
    isrcs = _batch_list(Isrc())


LOOKUP_KINDS = tuple(BatchRequestSchema().fields)


# What JSON Schema can say of the rules across lists: at least one item in
# some list. The 400-item total is stated in the description.
BATCH_REQUEST_RULES = {
    "description": f"At least one item in all, at most {BATCH_MAX_ITEMS} items in all "
    "(counted as sent, before repeats are merged). null counts as not sent; "
    "unknown keys are ignored.",
    "anyOf": [
        {"required": [kind], "properties": {kind: {"type": "array", "minItems": 1}}}
        for kind in LOOKUP_KINDS
    ],
}

batch_request_schema = BatchRequestSchema()
