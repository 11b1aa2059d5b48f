"""The JSON objects of the contract, declared once.

The same schemas serialise every answer and describe it in the OpenAPI
document. Field order is the contract's order. Fields the contract marks
"omitted when empty" are dropped when NULL, ``''`` or an empty list.
"""

import json

from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import fields
from marshmallow import post_dump
from marshmallow import validate

from app.validation import ISRC_INPUT_REGEX
from app.validation import SPOTIFY_ID_PATTERN
from app.validation import SPOTIFY_ID_REGEX
from app.validation import normalise_isrc

EMPTY_VALUES = (None, "", [])


class JsonArray(fields.List):
    """A text column holding a JSON array; anything that is not one dumps as None."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        try:
            parsed = json.loads(value)
        except (TypeError, ValueError):
            return None
        if not isinstance(parsed, list):
            return None
        return super()._serialize(parsed, attr, obj, **kwargs)


class IntegerBoolean(fields.Boolean):
    """SQLite stores booleans as 0/1; marshmallow 4 dumps them unchanged."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else bool(value)


class OmitEmptySchema(Schema):
    """Drops ``omit_when_empty`` fields holding an empty value, ``omit_when_null``
    fields holding None."""

    omit_when_empty = ()
    omit_when_null = ()

    @post_dump
    def _omit_empty(self, data, **kwargs):
        for name in self.omit_when_empty:
            if name in data and data[name] in EMPTY_VALUES:
                del data[name]
        for name in self.omit_when_null:
            if name in data and data[name] is None:
                del data[name]
        return data


class ImageSchema(Schema):
    url = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)


class ArtistSchema(OmitEmptySchema):
    omit_when_empty = ("genres", "images")

    id = fields.String(required=True)
    name = fields.String(required=True)
    followers = fields.Integer(required=True)
    popularity = fields.Integer(required=True)
    genres = fields.List(fields.String())
    images = fields.List(fields.Nested(ImageSchema), metadata={"description": "widest first"})


class AlbumSchema(OmitEmptySchema):
    omit_when_empty = ("upc", "copyright", "copyright_p", "images", "artists")

    id = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True, metadata={"example": "album"})
    label = fields.String(required=True)
    release_date = fields.String(required=True, metadata={"example": "1987-08-17"})
    release_date_precision = fields.String(required=True, metadata={"example": "day"})
    upc = fields.String()
    total_tracks = fields.Integer(required=True)
    copyright = fields.String()
    copyright_p = fields.String()
    images = fields.List(fields.Nested(ImageSchema), metadata={"description": "widest first"})
    artists = fields.List(fields.Nested(ArtistSchema), metadata={"description": "credit order"})


class TrackSchema(OmitEmptySchema):
    omit_when_empty = (
        "isrc", "preview_url", "artists", "original_title", "version_title",
        "languages", "artist_roles",
    )
    omit_when_null = ("has_lyrics",)

    id = fields.String(required=True)
    name = fields.String(required=True)
    isrc = fields.String()
    duration_ms = fields.Integer(required=True)
    explicit = IntegerBoolean(required=True)
    track_number = fields.Integer(required=True)
    disc_number = fields.Integer(required=True)
    popularity = fields.Integer(required=True)
    preview_url = fields.String()
    album = fields.Nested(AlbumSchema)
    artists = fields.List(fields.Nested(ArtistSchema), metadata={"description": "credit order"})
    original_title = fields.String()
    version_title = fields.String()
    has_lyrics = IntegerBoolean()
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
    default_error_messages = {"invalid_id": "not a Spotify id (22 characters of [0-9A-Za-z])"}

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

    tracks = _batch_list(SpotifyId(metadata={"pattern": SPOTIFY_ID_REGEX}))
    artists = _batch_list(SpotifyId(metadata={"pattern": SPOTIFY_ID_REGEX}))
    albums = _batch_list(SpotifyId(metadata={"pattern": SPOTIFY_ID_REGEX}))
    isrcs = _batch_list(Isrc(metadata={"pattern": ISRC_INPUT_REGEX}))


# What JSON Schema can say of the rules across lists: at least one item in
# some list. The 400-item total is stated in the description.
BATCH_REQUEST_RULES = {
    "description": f"At least one item in all, at most {BATCH_MAX_ITEMS} items in all "
    "(counted as sent, before repeats are merged). null counts as not sent; "
    "unknown keys are ignored.",
    "anyOf": [
        {"required": [kind], "properties": {kind: {"type": "array", "minItems": 1}}}
        for kind in ("tracks", "artists", "albums", "isrcs")
    ],
}


class BatchResponseSchema(Schema):
    tracks = fields.Dict(keys=fields.String(), values=fields.Nested(TrackSchema))
    artists = fields.Dict(keys=fields.String(), values=fields.Nested(ArtistSchema))
    albums = fields.Dict(keys=fields.String(), values=fields.Nested(AlbumSchema))
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


track_schema = TrackSchema()
tracks_schema = TrackSchema(many=True)
tracks_without_album_schema = TrackSchema(many=True, exclude=("album",))
artist_schema = ArtistSchema()
artists_schema = ArtistSchema(many=True)
album_schema = AlbumSchema()
albums_schema = AlbumSchema(many=True)
batch_request_schema = BatchRequestSchema()
