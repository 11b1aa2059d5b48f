"""The contract's objects: Image, Artist, Album, Track, audio features and the batch answer.

Field order is the contract's order. Fields the contract marks "omitted when
empty" are dropped when NULL, ``''`` or an empty list. Attribute names are
the catalogue rows' keys (their columns' names); ``data_key`` gives the
contract's name where it differs.
"""

from marshmallow import fields

from app.schemas.dump import RowSchema
from app.schemas.fields import IntegerBoolean
from app.schemas.fields import JsonArray
from app.schemas.fields import OptionalIntegerBoolean
from app.schemas.fields import OptionalList
from app.schemas.fields import OptionalString
from app.schemas.shared import DumpedOnce


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
    followers_total = fields.Integer(required=True, data_key="followers")
    popularity = fields.Integer(required=True)
    genres = OptionalList(fields.String())
    images = image_list()


class AlbumSchema(RowSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    album_type = fields.String(required=True, data_key="type", metadata={"example": "album"})
    label = fields.String(required=True)
    release_date = fields.String(required=True, metadata={"example": "1987-08-17"})
    release_date_precision = fields.String(required=True, metadata={"example": "day"})
    external_id_upc = OptionalString(data_key="upc")
    total_tracks = fields.Integer(required=True)
    copyright_c = OptionalString(data_key="copyright")
    copyright_p = OptionalString()
    images = image_list()
    artists = artist_list()


class TrackSchema(RowSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    external_id_isrc = OptionalString(data_key="isrc")
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
    language_of_performance = JsonArray(
        fields.String(), data_key="languages", metadata={"example": ["en"]}
    )
    artist_roles = JsonArray(fields.Raw(), metadata={"description": "elements as stored"})


class DiscographyAlbumSchema(AlbumSchema):
    """An album of an artist's discography: the Album, and how the artist is on it."""

    album_group = fields.String(
        required=True,
        metadata={"description": "album, single or compilation (the artist's own "
                  "release, by album type) or appears_on"},
    )


class AudioFeaturesSchema(RowSchema):
    """Spotify's audio features of one track, as the audio features file holds them."""

    track_id = fields.String(required=True, data_key="id")
    danceability = fields.Float(required=True, allow_none=True)
    energy = fields.Float(required=True, allow_none=True)
    key = fields.Integer(
        required=True, allow_none=True, metadata={"description": "pitch class 0..11; -1: none found"}
    )
    loudness = fields.Float(required=True, allow_none=True)
    mode = fields.Integer(required=True, allow_none=True, metadata={"description": "1 major, 0 minor"})
    speechiness = fields.Float(required=True, allow_none=True)
    acousticness = fields.Float(required=True, allow_none=True)
    instrumentalness = fields.Float(required=True, allow_none=True)
    liveness = fields.Float(required=True, allow_none=True)
    valence = fields.Float(required=True, allow_none=True)
    # Stored in a column declared integer, as REAL (127.969) or, for whole
    # numbers, INTEGER (92): always answered as a number with a fraction.
    tempo = fields.Float(required=True, allow_none=True, metadata={"example": 127.969})
    duration_ms = fields.Integer(required=True, allow_none=True)
    time_signature = fields.Integer(required=True, allow_none=True)


class BatchResponseSchema(RowSchema):
    tracks = fields.Dict(keys=fields.String(), values=fields.Nested(TrackSchema))
    artists = fields.Dict(keys=fields.String(), values=DumpedOnce(ArtistSchema))
    albums = fields.Dict(keys=fields.String(), values=DumpedOnce(AlbumSchema))
    isrcs = fields.Dict(
        keys=fields.String(), values=fields.List(fields.Nested(TrackSchema))
    )
    audio_features = fields.Dict(keys=fields.String(), values=fields.Nested(AudioFeaturesSchema))


track_schema = TrackSchema()
tracks_schema = TrackSchema(many=True)
tracks_without_album_schema = TrackSchema(many=True, exclude=("album",))
artist_schema = ArtistSchema()
artists_schema = ArtistSchema(many=True)
album_schema = AlbumSchema()
albums_schema = AlbumSchema(many=True)
discography_schema = DiscographyAlbumSchema(many=True)
audio_features_schema = AudioFeaturesSchema()
batch_response_schema = BatchResponseSchema()
