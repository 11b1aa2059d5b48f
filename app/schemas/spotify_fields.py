"""Field types of the Spotify-shaped objects (:mod:`app.schemas.spotify`):
links built from a row's id, release dates with their precision, the two
copyright columns as one list, country codes dumped as built."""

import re

from marshmallow import fields

from app.public_urls import public_url

OPEN_SPOTIFY = "https://open.spotify.com"
# The release date forms Spotify publishes, by precision.
_RELEASE_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
PRECISIONS = ("year", "month", "day")
UNKNOWN_RELEASE_DATE = "0000"


def release(stored):
    """Return (release_date, release_date_precision) for a stored date.

    The precision is read off the date itself, so the two always agree
    (clients split the date by it); a date in none of Spotify's forms is
    the unknown year ``0000``.
    """
    if not isinstance(stored, str) or not _RELEASE_DATE.fullmatch(stored):
        return UNKNOWN_RELEASE_DATE, "year"
    return stored, PRECISIONS[stored.count("-")]


class FromId(fields.String):
    """A string built from the row's ``id`` (or the id under ``key``: an
    audio features row names its track by ``track_id``); the field has no
    key of its own."""

    _CHECK_ATTRIBUTE = False

    def __init__(self, kind, key="id", **kwargs):
        self.kind = kind
        self.key = key
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return self.build(obj[self.key])


class SpotifyUri(FromId):
    def build(self, spotify_id):
        return f"spotify:{self.kind}:{spotify_id}"


class ServiceHref(FromId):
    """The object's own route on this service (absolute)."""

    def build(self, spotify_id):
        return public_url(f"/v1/{self.kind}s/{spotify_id}")


class AnalysisHref(FromId):
    """Where Spotify's audio analysis of the track would be on this service."""

    def build(self, spotify_id):
        return public_url(f"/v1/audio-analysis/{spotify_id}")


class ExternalUrls(fields.Dict):
    _CHECK_ATTRIBUTE = False

    def __init__(self, kind, **kwargs):
        self.kind = kind
        super().__init__(keys=fields.String(), values=fields.String(), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return {"spotify": f"{OPEN_SPOTIFY}/{self.kind}/{obj['id']}"}


class ReleaseDate(fields.String):
    def _serialize(self, value, attr, obj, **kwargs):
        return release(value)[0]


class ReleaseDatePrecision(fields.String):
    _CHECK_ATTRIBUTE = False

    def _serialize(self, value, attr, obj, **kwargs):
        return release(obj["release_date"])[1]


class Copyrights(fields.List):
    """The two copyright columns as Spotify's list: C, then P, each when present."""

    _CHECK_ATTRIBUTE = False

    def __init__(self, **kwargs):
        super().__init__(fields.Nested("CopyrightSchema"), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        notices = (("C", obj.get("copyright_c")), ("P", obj.get("copyright_p")))
        return [{"text": text, "type": kind} for kind, text in notices if text]


class CountryCodes(fields.List):
    """The list of country codes :mod:`app.catalog.markets` built (strings
    already): dumped as it is, since a track carries up to 185 of them and
    checking each one was most of the cost of a page of tracks."""

    def __init__(self, **kwargs):
        super().__init__(fields.String(), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return value
