"""Spotify Web API objects (its published OpenAPI): TrackObject,
SimplifiedTrackObject, AlbumObject, SimplifiedAlbumObject, ArtistObject,
SimplifiedArtistObject, ImageObject, AudioFeaturesObject and the paging objects.

They dump the same catalogue rows as :mod:`app.schemas.objects`, shaped the
way Spotify's clients read them: every required field present, the links
(``uri``, ``href``, ``external_urls``) built from the row's id. tekore
validates these shapes strictly and warns on any field it does not know, so
a field is only added here when Spotify's own object has it.
"""

from marshmallow import fields

from app.schemas.dump import RowSchema
from app.schemas.fields import IntegerBoolean
from app.schemas.fields import NestedFromRow
from app.schemas.fields import OptionalIntegerBoolean
from app.schemas.fields import OptionalString
from app.schemas.objects import ImageSchema
from app.schemas.shared import DumpedOnce
from app.schemas.spotify_fields import PRECISIONS
from app.schemas.spotify_fields import AnalysisHref
from app.schemas.spotify_fields import Copyrights
from app.schemas.spotify_fields import CountryCodes
from app.schemas.spotify_fields import ExternalUrls
from app.schemas.spotify_fields import ReleaseDate
from app.schemas.spotify_fields import ReleaseDatePrecision
from app.schemas.spotify_fields import ServiceHref
from app.schemas.spotify_fields import SpotifyUri


class CopyrightSchema(RowSchema):
    text = fields.String(required=True)
    type = fields.String(required=True, metadata={"enum": ["C", "P"]})


def _links(kind):
    """The fields every Spotify object has, derived from its id."""
    return {
        "external_urls": ExternalUrls(kind, required=True),
        "href": ServiceHref(kind, required=True),
        "id": fields.String(required=True),
        "type": fields.Constant(kind, required=True, metadata={"type": "string", "enum": [kind]}),
        "uri": SpotifyUri(kind, required=True),
    }


def _images():
    return fields.List(fields.Nested(ImageSchema), required=True,
                       metadata={"description": "widest first"})


def _markets():
    return CountryCodes(required=True, metadata={
        "description": "ISO 3166-1 alpha-2 codes of the countries it is sold in",
    })


class FollowersSchema(RowSchema):
    href = fields.Constant(None, required=True, metadata={"type": "string", "nullable": True})
    followers_total = fields.Integer(required=True, data_key="total")


SimplifiedArtistSchema = RowSchema.from_dict(
    {**_links("artist"), "name": fields.String(required=True)},
    name="SimplifiedArtistSchema",
)


def _artists():
    return fields.List(DumpedOnce(SimplifiedArtistSchema), required=True,
                       metadata={"description": "credit order"})


class ArtistSchema(SimplifiedArtistSchema):
    followers = NestedFromRow(FollowersSchema, required=True)
    genres = fields.List(fields.String(), required=True)
    images = _images()
    popularity = fields.Integer(required=True)


class SimplifiedAlbumSchema(RowSchema.from_dict(_links("album"))):
    album_type = fields.String(required=True, metadata={
        "enum": ["album", "single", "compilation"]})
    total_tracks = fields.Integer(required=True)
    available_markets = _markets()
    images = _images()
    name = fields.String(required=True)
    release_date = ReleaseDate(required=True, metadata={"example": "1987-08-17"})
    release_date_precision = ReleaseDatePrecision(required=True, metadata={
        "enum": list(PRECISIONS)})
    artists = _artists()


class TrackExternalIdsSchema(RowSchema):
    external_id_isrc = OptionalString(data_key="isrc")


class AlbumExternalIdsSchema(RowSchema):
    external_id_upc = OptionalString(data_key="upc")
    external_id_amgid = OptionalString(data_key="amgid")


class SimplifiedTrackSchema(RowSchema.from_dict(_links("track"))):
    artists = _artists()
    available_markets = _markets()
    disc_number = fields.Integer(required=True)
    duration_ms = fields.Integer(required=True)
    explicit = IntegerBoolean(required=True)
    is_playable = OptionalIntegerBoolean(metadata={
        "description": "only with market=: whether the track is sold there"})
    name = fields.String(required=True)
    preview_url = fields.String(required=True, allow_none=True)
    track_number = fields.Integer(required=True)
    is_local = fields.Constant(False, required=True, metadata={"type": "boolean", "enum": [False]})


class TrackSchema(SimplifiedTrackSchema):
    album = DumpedOnce(SimplifiedAlbumSchema, required=True)
    external_ids = NestedFromRow(TrackExternalIdsSchema, required=True)
    popularity = fields.Integer(required=True)


def paging_schema(item_schema, name):
    """The paging object whose items are ``item_schema`` objects."""
    return RowSchema.from_dict({
        "href": fields.String(required=True),
        "items": fields.List(fields.Nested(item_schema, allow_none=True), required=True),
        "limit": fields.Integer(required=True),
        "next": fields.String(required=True, allow_none=True),
        "offset": fields.Integer(required=True),
        "previous": fields.String(required=True, allow_none=True),
        "total": fields.Integer(required=True),
    }, name=name)


SimplifiedTrackPagingSchema = paging_schema(SimplifiedTrackSchema, "SimplifiedTrackPagingSchema")
TrackPagingSchema = paging_schema(TrackSchema, "TrackPagingSchema")
SimplifiedAlbumPagingSchema = paging_schema(SimplifiedAlbumSchema, "SimplifiedAlbumPagingSchema")
ArtistPagingSchema = paging_schema(ArtistSchema, "ArtistPagingSchema")
# The types this catalogue does not hold (playlists, shows …): always empty.
EmptyPagingSchema = paging_schema(RowSchema, "EmptyPagingSchema")


class AlbumSchema(SimplifiedAlbumSchema):
    tracks = fields.Nested(SimplifiedTrackPagingSchema, required=True,
                           metadata={"description": "the first page of its tracks"})
    copyrights = Copyrights(required=True)
    external_ids = NestedFromRow(AlbumExternalIdsSchema, required=True)
    genres = fields.Constant([], required=True, metadata={
        "description": "always empty", "type": "array", "items": {"type": "string"}, "maxItems": 0})
    label = fields.String(required=True)
    popularity = fields.Integer(required=True)


class SeveralTracksSchema(RowSchema):
    tracks = fields.List(fields.Nested(TrackSchema, allow_none=True), required=True)


class SeveralAlbumsSchema(RowSchema):
    albums = fields.List(fields.Nested(AlbumSchema, allow_none=True), required=True)


class SeveralArtistsSchema(RowSchema):
    artists = fields.List(fields.Nested(ArtistSchema, allow_none=True), required=True)


class SearchResultsSchema(RowSchema):
    """One paging object per type asked for."""

    tracks = fields.Nested(TrackPagingSchema)
    albums = fields.Nested(SimplifiedAlbumPagingSchema)
    artists = fields.Nested(ArtistPagingSchema)
    playlists = fields.Nested(EmptyPagingSchema)
    shows = fields.Nested(EmptyPagingSchema)
    episodes = fields.Nested(EmptyPagingSchema)
    audiobooks = fields.Nested(EmptyPagingSchema)


class TokenSchema(RowSchema):
    access_token = fields.String(required=True)
    token_type = fields.Constant("Bearer", required=True, metadata={"type": "string"})
    expires_in = fields.Integer(required=True)


track_schema = TrackSchema()
album_schema = AlbumSchema()
artist_schema = ArtistSchema()
several_tracks_schema = SeveralTracksSchema()
several_albums_schema = SeveralAlbumsSchema()
several_artists_schema = SeveralArtistsSchema()
simplified_track_paging_schema = SimplifiedTrackPagingSchema()
search_results_schema = SearchResultsSchema()
token_schema = TokenSchema()


class AudioFeaturesSchema(RowSchema):
    """Spotify's AudioFeaturesObject: its 18 fields, from one audio features row."""

    acousticness = fields.Float(required=True)
    analysis_url = AnalysisHref("track", key="track_id", required=True)
    danceability = fields.Float(required=True)
    duration_ms = fields.Integer(required=True)
    energy = fields.Float(required=True)
    track_id = fields.String(required=True, data_key="id")
    instrumentalness = fields.Float(required=True)
    key = fields.Integer(required=True, metadata={"minimum": -1, "maximum": 11})
    liveness = fields.Float(required=True)
    loudness = fields.Float(required=True)
    mode = fields.Integer(required=True)
    speechiness = fields.Float(required=True)
    # Stored as REAL or, for whole numbers, INTEGER: a float either way.
    tempo = fields.Float(required=True)
    time_signature = fields.Integer(required=True)
    track_href = ServiceHref("track", key="track_id", required=True)
    type = fields.Constant("audio_features", required=True,
                           metadata={"type": "string", "enum": ["audio_features"]})
    uri = SpotifyUri("track", key="track_id", required=True)
    valence = fields.Float(required=True)


class SeveralAudioFeaturesSchema(RowSchema):
    audio_features = fields.List(fields.Nested(AudioFeaturesSchema, allow_none=True), required=True)


class ArtistAlbumSchema(SimplifiedAlbumSchema):
    """An item of /v1/artists/{id}/albums: how the artist is on the album."""

    album_group = fields.String(required=True, metadata={
        "enum": ["album", "single", "compilation", "appears_on"]})


ArtistAlbumPagingSchema = paging_schema(ArtistAlbumSchema, "ArtistAlbumPagingSchema")


class TopTracksSchema(RowSchema):
    tracks = fields.List(fields.Nested(TrackSchema), required=True)


class MarketsSchema(RowSchema):
    markets = fields.List(fields.String(), required=True)


audio_features_schema = AudioFeaturesSchema()
several_audio_features_schema = SeveralAudioFeaturesSchema()
artist_album_paging_schema = ArtistAlbumPagingSchema()
top_tracks_schema = TopTracksSchema()
markets_schema = MarketsSchema()
