"""The JSON objects of the contract, declared once.

The same schemas serialise every answer and describe it in the OpenAPI
document. Field order is the contract's order. Fields the contract marks
"omitted when empty" are dropped when NULL, ``''`` or an empty list.
"""

import contextvars
import json

from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import fields
from marshmallow import missing
from marshmallow import validate

from app.validation import ISRC_INPUT_REGEX
from app.validation import SPOTIFY_ID_PATTERN
from app.validation import SPOTIFY_ID_REGEX
from app.validation import normalise_isrc

# What one top-level dump has already made of each shared object:
# {(schema class, id(object)): (object, dumped)}. None outside a dump.
_dumped_once = contextvars.ContextVar("dumped_once", default=None)


class RowSchema(Schema):
    """A schema over the catalogue's rows, which are plain dicts.

    Dumping a row reads each key straight from the dict and hands the value
    to the field's own ``_serialize``, skipping marshmallow's generic
    per-field accessor chain (``serialize`` → ``get_value`` →
    ``get_attribute`` → ``utils.get_value``), which was most of the cost of
    a batch answer. Every dump also opens the memo of :class:`DumpedOnce`.
    """

    def get_attribute(self, obj, attr, default):
        if type(obj) is dict:
            return obj.get(attr, default)
        return super().get_attribute(obj, attr, default)

    def dump(self, obj, *, many=None):
        if _dumped_once.get() is not None:
            return super().dump(obj, many=many)
        token = _dumped_once.set({})
        try:
            return super().dump(obj, many=many)
        finally:
            _dumped_once.reset(token)

    def _serialize(self, obj, *, many=False):
        # The same contract as marshmallow 4's Schema._serialize (pinned <5).
        if many and obj is not None:
            return [self._serialize(item) for item in obj]
        plan = self.__dict__.get("_row_plan")
        if plan is None:
            plan = self._row_plan = _row_plan(self.dump_fields)
        if plan is False or type(obj) is not dict:
            return super()._serialize(obj)
        dumped = {}
        for name, key, field, unchanged_type, omit_when in plan:
            value = obj.get(name, missing)
            if value is missing:
                continue
            if type(value) is not unchanged_type:
                value = field._serialize(value, name, obj)
            if omit_when is not None and value in omit_when:
                continue
            dumped[key] = value
        return dumped


def _row_plan(dump_fields):
    """Return (attribute, key, field, unchanged type, values that omit it) per
    field, or False when a field needs marshmallow's generic path (another
    attribute, a default, or no attribute at all)."""
    plan = []
    for name, field in dump_fields.items():
        if field.attribute is not None or field.dump_default is not missing or not field._CHECK_ATTRIBUTE:
            return False
        key = field.data_key if field.data_key is not None else name
        plan.append((name, key, field, _unchanged_type(field), getattr(field, "omit_when", None)))
    return tuple(plan)


def _unchanged_type(field):
    """The value type a field dumps as itself (``str(s)`` is ``s``, ``int(i)``
    is ``i``), so the call can be skipped; None when every value needs it."""
    serialize = type(field)._serialize
    if serialize is fields.String._serialize:
        return str
    if serialize is fields.Integer._serialize and not field.as_string:
        return int
    return None


class DumpedOnce(fields.Nested):
    """A nested object that many parents share (an album by its tracks, an
    artist by its tracks and albums): dumped once per top-level dump, and the
    result reused by every parent that holds the same object."""

    def _serialize(self, nested_obj, attr, obj, **kwargs):
        memo = _dumped_once.get()
        if memo is None or nested_obj is None:
            return super()._serialize(nested_obj, attr, obj, **kwargs)
        key = (self.nested, id(nested_obj))
        seen = memo.get(key)
        if seen is None:
            # The object is kept with its dump so its id cannot be reused
            # by another object while the memo lives.
            seen = memo[key] = (nested_obj, super()._serialize(nested_obj, attr, obj, **kwargs))
        return seen[1]


class Omitted:
    """Mixin: the field is left out of the object when its dumped value is
    one of ``omit_when``."""

    omit_when = ()

    def serialize(self, attr, obj, accessor=None, **kwargs):
        value = super().serialize(attr, obj, accessor, **kwargs)
        return missing if value in self.omit_when else value


class OmittedWhenEmpty(Omitted):
    """The contract's "omitted when empty": None, ``''`` or ``[]``."""

    # A frozenset cannot hold [], and ``in`` on a tuple compares with ==,
    # so 0 and False stay (0 == '' is false).
    omit_when = (None, "", [])


class OmittedWhenNull(Omitted):
    """Left out when None, kept when false."""

    omit_when = (None,)


class OptionalString(OmittedWhenEmpty, fields.String):
    pass


class OptionalList(OmittedWhenEmpty, fields.List):
    pass


class StoredNumber(float):
    """A non-integer number read from a stored JSON array.

    Written exactly like a float by the stdlib encoder; being a subclass,
    it makes the fast encoder (app.json_provider) hand the answer to the
    stdlib, whose float text (``1e-07``, ``NaN``) is the contract's.
    """


class JsonArray(OmittedWhenEmpty, fields.List):
    """A text column holding a JSON array; anything that is not one is omitted."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        try:
            parsed = json.loads(value, parse_float=StoredNumber, parse_constant=StoredNumber)
        except (TypeError, ValueError):
            return None
        if not isinstance(parsed, list):
            return None
        return super()._serialize(parsed, attr, obj, **kwargs)


class IntegerBoolean(fields.Boolean):
    """SQLite stores booleans as 0/1; marshmallow 4 dumps them unchanged."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else bool(value)


class OptionalIntegerBoolean(OmittedWhenNull, IntegerBoolean):
    pass


class ImageSchema(RowSchema):
    url = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)


def image_list():
    return OptionalList(fields.Nested(ImageSchema), metadata={"description": "widest first"})


def artist_list():
    return OptionalList(DumpedOnce(ArtistSchema), metadata={"description": "credit order"})


class ArtistSchema(RowSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    followers = fields.Integer(required=True)
    popularity = fields.Integer(required=True)
    genres = OptionalList(fields.String())
    images = image_list()


class AlbumSchema(RowSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True, metadata={"example": "album"})
    label = fields.String(required=True)
    release_date = fields.String(required=True, metadata={"example": "1987-08-17"})
    release_date_precision = fields.String(required=True, metadata={"example": "day"})
    upc = OptionalString()
    total_tracks = fields.Integer(required=True)
    copyright = OptionalString()
    copyright_p = OptionalString()
    images = image_list()
    artists = artist_list()


class TrackSchema(RowSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    isrc = OptionalString()
    duration_ms = fields.Integer(required=True)
    explicit = IntegerBoolean(required=True)
    track_number = fields.Integer(required=True)
    disc_number = fields.Integer(required=True)
    popularity = fields.Integer(required=True)
    preview_url = OptionalString()
    album = DumpedOnce(AlbumSchema)
    artists = artist_list()
    original_title = OptionalString()
    version_title = OptionalString()
    has_lyrics = OptionalIntegerBoolean()
    languages = JsonArray(fields.String(), metadata={"example": ["en"]})
    artist_roles = JsonArray(fields.Raw(), metadata={"description": "elements as stored"})


class ErrorDetailSchema(Schema):
    status = fields.Integer(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(
        keys=fields.String(),
        metadata={"description": "each bad field of a request body, and why"},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class SpotifyId(fields.String):
    """A Spotify id, checked with the validators' own pattern (fullmatch: a
    Regexp validator's ``$`` would let a trailing newline through) and
    published in the OpenAPI document with it."""

    default_error_messages = {"invalid_id": "not a Spotify id (22 characters of [0-9A-Za-z])"}

    def __init__(self, **kwargs):
        super().__init__(metadata={"pattern": SPOTIFY_ID_REGEX}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not SPOTIFY_ID_PATTERN.fullmatch(value):
            raise self.make_error("invalid_id")
        return value


class Isrc(fields.String):
    default_error_messages = {"invalid_isrc": "not an ISRC (12 characters of [A-Z0-9])"}

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
    isrcs = _batch_list(Isrc(metadata={"pattern": ISRC_INPUT_REGEX}))


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


class BatchResponseSchema(RowSchema):
    tracks = fields.Dict(keys=fields.String(), values=fields.Nested(TrackSchema))
    artists = fields.Dict(keys=fields.String(), values=DumpedOnce(ArtistSchema))
    albums = fields.Dict(keys=fields.String(), values=DumpedOnce(AlbumSchema))
    isrcs = fields.Dict(
        keys=fields.String(), values=fields.List(fields.Nested(TrackSchema))
    )


class HealthSchema(Schema):
    status = fields.String(
        required=True, validate=validate.OneOf(["ok", "unavailable"])
    )
    databases = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "each file: ok, unavailable or not configured"},
    )
    search = fields.String(
        metadata={"description": "index, or scan when no search index is configured"}
    )
    index_parts = fields.List(
        fields.String(),
        metadata={"description": "the parts the search index holds (names); empty without one"},
    )


track_schema = TrackSchema()
tracks_schema = TrackSchema(many=True)
tracks_without_album_schema = TrackSchema(many=True, exclude=("album",))
artist_schema = ArtistSchema()
artists_schema = ArtistSchema(many=True)
album_schema = AlbumSchema()
albums_schema = AlbumSchema(many=True)
batch_request_schema = BatchRequestSchema()
batch_response_schema = BatchResponseSchema()
