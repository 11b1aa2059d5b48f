"""What Spotify's clients send to /v1: ids, markets, pages and searches,
with Spotify's limits and messages."""

import re

from marshmallow import fields

from app.catalog.discographies import GROUPS as ALBUM_GROUPS
from app.schemas.requests import QUERY_WHITESPACE
from app.schemas.requests import AlbumGroups
from app.schemas.requests import QueryArguments
from app.schemas.requests import WholeNumber
from app.validation import is_spotify_id

INVALID_ID = "invalid id"
TOO_MANY_IDS = "too many ids requested"
MARKET_REGEX = r"^[A-Za-z]{2}$|^from_token$"
_MARKET_PATTERN = re.compile(MARKET_REGEX)
SEARCH_TYPES = ("album", "artist", "playlist", "track", "show", "episode", "audiobook")
# The types this catalogue holds; any other type asked for gets an empty page.
SEARCHED_TYPES = ("track", "album", "artist")
SEARCH_MAX_OFFSET = 1000
SEARCH_MAX_CHARACTERS = 500


class IdList(fields.String):
    """Comma-separated Spotify ids (raw commas or ``%2C``), at most ``maximum``."""

    default_error_messages = {"invalid_id": INVALID_ID, "too_many": TOO_MANY_IDS}

    def __init__(self, maximum, **kwargs):
        self.maximum = maximum
        super().__init__(metadata={
            "description": f"up to {maximum} comma-separated Spotify ids; unknown ones "
            "give null in their place",
            "pattern": rf"^[0-9A-Za-z]{{22}}(,[0-9A-Za-z]{{22}}){{0,{maximum - 1}}}$",
        }, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        ids = super()._deserialize(value, attr, data, **kwargs).split(",")
        if len(ids) > self.maximum:
            raise self.make_error("too_many")
        if not all(is_spotify_id(spotify_id) for spotify_id in ids):
            raise self.make_error("invalid_id")
        return ids


class Market(fields.String):
    """An ISO 3166-1 alpha-2 country code, or ``from_token`` (no market: tokens
    here belong to no user)."""

    default_error_messages = {"invalid": "Invalid market code"}

    def __init__(self, **kwargs):
        super().__init__(metadata={"pattern": MARKET_REGEX, "example": "GB"}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        market = super()._deserialize(value, attr, data, **kwargs)
        if not _MARKET_PATTERN.fullmatch(market):
            raise self.make_error("invalid")
        return None if market == "from_token" else market.upper()


_ANY_TYPE = "|".join(SEARCH_TYPES)


class SearchTypes(fields.String):
    default_error_messages = {"invalid": "Bad search type field"}

    def __init__(self, **kwargs):
        super().__init__(metadata={
            "description": "comma-separated: " + ", ".join(SEARCH_TYPES)
            + "; only track, album and artist find anything here",
            "example": "track,album",
            "pattern": f"^({_ANY_TYPE})(,({_ANY_TYPE}))*$",
        }, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        types = super()._deserialize(value, attr, data, **kwargs).split(",")
        if not types or not all(kind in SEARCH_TYPES for kind in types):
            raise self.make_error("invalid")
        return list(dict.fromkeys(types))


class SearchQuery(fields.String):
    """Text with something besides whitespace, no NUL, at most 500 characters."""

    default_error_messages = {
        "empty": "No search query",
        "nul": "query must not contain NUL characters",
        "too_long": f"query must be at most {SEARCH_MAX_CHARACTERS} characters",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip(QUERY_WHITESPACE)
        if not text:
            raise self.make_error("empty")
        if "\x00" in text:
            raise self.make_error("nul")
        if len(text) > SEARCH_MAX_CHARACTERS:
            raise self.make_error("too_long")
        return text


def _market():
    return Market(load_default=None)


class MarketArguments(QueryArguments):
    market = _market()


def several_ids_arguments(maximum):
    """The arguments of /v1/{kind}s?ids=: the ids and a market."""
    return QueryArguments.from_dict({
        "ids": IdList(maximum, required=True, error_messages={"required": INVALID_ID}),
        "market": _market(),
    }, name=f"SeveralIds{maximum}Arguments")


SeveralTracksArguments = several_ids_arguments(50)
SeveralAlbumsArguments = several_ids_arguments(20)
SeveralArtistsArguments = several_ids_arguments(50)


class AlbumTracksArguments(QueryArguments):
    limit = WholeNumber(1, 50, load_default=20)
    offset = WholeNumber(0, 100_000, load_default=0)
    market = _market()


class SpotifySearchArguments(QueryArguments):
    q = SearchQuery(required=True, error_messages={"required": "No search query"}, metadata={
        "description": "words matched against names, and Spotify's field filters: "
        "track:, album:, artist:, year: (1999 or 1990-1999), isrc:, genre: (artists); "
        "values unquoted (up to the next filter), 'single' or \"double\" quoted",
        "example": "album:'Discovery' artist:Daft Punk",
        "pattern": r"^[ \t\n\v\f\r]*[^ \t\n\v\f\r\u0000][^\u0000]*$",
        "maxLength": SEARCH_MAX_CHARACTERS,
    })
    type = SearchTypes(required=True, error_messages={"required": "Missing parameter type"})
    limit = WholeNumber(0, 50, load_default=20)
    offset = WholeNumber(0, SEARCH_MAX_OFFSET, load_default=0)
    market = _market()


class SeveralAudioFeaturesArguments(QueryArguments):
    ids = IdList(100, required=True, error_messages={"required": INVALID_ID})


class ArtistAlbumsArguments(QueryArguments):
    include_groups = AlbumGroups(ALBUM_GROUPS, load_default=None, metadata={
        "description": "groups to list (any of album, single, compilation, appears_on); "
        "the answer keeps that order of groups, newest first within each. Default: all"})
    limit = WholeNumber(1, 50, load_default=20)
    offset = WholeNumber(0, 10_000_000, load_default=0)
    market = _market()


class ArtistTopTracksArguments(QueryArguments):
    market = _market()
    # Spotify's older name of market, which some clients still send.
    country = _market()


market_arguments = MarketArguments()
several_audio_features_arguments = SeveralAudioFeaturesArguments()
artist_albums_arguments = ArtistAlbumsArguments()
artist_top_tracks_arguments = ArtistTopTracksArguments()
several_tracks_arguments = SeveralTracksArguments()
several_albums_arguments = SeveralAlbumsArguments()
several_artists_arguments = SeveralArtistsArguments()
album_tracks_arguments = AlbumTracksArguments()
spotify_search_arguments = SpotifySearchArguments()
