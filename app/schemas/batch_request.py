"""What clients send to POST /batch/lookup: up to 400 ids and ISRCs in
lists by kind, loaded by the same id and ISRC fields as single lookups
(:mod:`app.schemas.requests`).

Its limits and messages are declared here once: the view parses with this
schema, and the OpenAPI document (:mod:`app.openapi`) describes the body from it.
"""

from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import fields

from app.schemas.requests import Isrc
from app.schemas.requests import SpotifyId

BATCH_MAX_ITEMS = 400


# The batch body's messages in the service's one style (lower case, no
# full stop), where marshmallow's own would say "Not a valid list."
_ITEM_MESSAGES = {"invalid": "not a string", "null": "not a string but null"}


class _BatchList(fields.List):
    """A batch body's list of strings, each loaded by its item field's
    ``normalised``. A list with anything else in it (or a string that is
    not a key) is loaded by marshmallow's List, entry by entry, for each bad
    entry's message: the same answer, but a valid list of 400 ISRCs loads
    in a fifth of the time."""

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is list:
            normalised = self.inner.normalised
            loaded = [normalised(item) if type(item) is str else None for item in value]
            if None not in loaded:
                return loaded
        return super()._deserialize(value, attr, data, **kwargs)


def _batch_list(item):
    item.error_messages.update(_ITEM_MESSAGES)
    return _BatchList(
        item,
        allow_none=True,
        error_messages={"invalid": "not a list of strings"},
        metadata={"maxItems": BATCH_MAX_ITEMS},
    )


class BatchRequestSchema(Schema):
    """The batch body's lists, once its keys are matched to these names
    ignoring case (:mod:`app.api.batch`)."""

    class Meta:
        unknown = EXCLUDE

    tracks = _batch_list(SpotifyId("track"))
    artists = _batch_list(SpotifyId("artist"))
    albums = _batch_list(SpotifyId("album"))
    isrcs = _batch_list(Isrc())
    audio_features = _batch_list(SpotifyId(metadata={"description": "track ids"}))


LOOKUP_KINDS = tuple(BatchRequestSchema().fields)


# What JSON Schema can say of the rules across lists: at least one item in
# some list. The 400-item total is stated in the description.
BATCH_REQUEST_RULES = {
    "description": f"At least one item in all, at most {BATCH_MAX_ITEMS} items in all "
    "(counted as sent, before repeats are merged). Keys are matched ignoring case "
    "(`ISRCs`, `Tracks`). null counts as not sent; unknown keys are ignored, but named "
    "with the valid keys when no valid one is sent. Ids may also be spotify: URIs or "
    "open.spotify.com links.",
    "anyOf": [
        {"required": [kind], "properties": {kind: {"type": "array", "minItems": 1}}}
        for kind in LOOKUP_KINDS
    ],
}

batch_request_schema = BatchRequestSchema()
