"""What the generator imitates of the real data: ids, dates, rates of dirt.

Plain values and small records shared by the catalogue and track builders
(:mod:`app.demo.catalogue`, :mod:`app.demo.tracks`).
"""
from __future__ import annotations

from typing import NamedTuple

from app.demo.vocabulary import GENRE_PREFIXES
from app.demo.vocabulary import GENRE_STEMS

ISRC_POOL_LIMIT = 1000       # recent shareable ISRCs kept (bounded memory)
DIRT_FLOOR = 12              # expected minimum occurrences of each rare dirt kind
FIRST_THURSDAY_MS = 1741824000000   # 2025-03-13 00:00 UTC
WEEK_MS = 7 * 86_400_000
FETCH_WEEKS = 30             # Thursdays 2025-03-13 .. 2025-10-02 inclusive

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BASE62_PAIRS = [a + b for a in BASE62 for b in BASE62]
MASK128 = (1 << 128) - 1


def genre_pool() -> list[str]:
    """The 768 genre names (the real data has exactly 768)."""
    return [prefix + stem for prefix in GENRE_PREFIXES for stem in GENRE_STEMS][:768]


def spotify_id(rowid: int, key: int) -> str:
    """22 base62 chars from a bijective 128-bit scramble of rowid: unique without a set.

    Like real ids (base62 of 128 bits) the first character is always 0-7.
    """
    x = ((rowid ^ key) * 0x9E3779B97F4A7C15F39CC0605CEDC835) & MASK128
    x ^= x >> 67
    x = (x * 0xD6E8FEB86659FD93C2B2AE3D27D4EB4F) & MASK128
    x ^= x >> 59
    pairs = []
    for _ in range(11):
        x, digit_pair = divmod(x, 3844)
        pairs.append(BASE62_PAIRS[digit_pair])
    return "".join(reversed(pairs))


class AlbumContext(NamedTuple):
    """What each track of an album needs to know about it."""
    rowid: int
    fetched_at: int
    market_rowid: int
    album_type: str
    main_artist: int
    label: str


class SharedIsrc:
    """A recording whose ISRC further tracks of later albums will reuse."""
    __slots__ = ("isrc", "uses_left", "popularity", "last_album_rowid")

    def __init__(self, isrc: str, uses_left: int, popularity: int, album_rowid: int):
        self.isrc, self.uses_left = isrc, uses_left
        self.popularity, self.last_album_rowid = popularity, album_rowid


class Rates:
    """Probabilities of each rare feature: the real ratio, floored for small catalogues."""

    def __init__(self, tracks: int):
        albums = max(tracks / 4.37, 1)
        artists = max(tracks * 0.06, 1)

        def floor(real: float, population: float) -> float:
            return min(max(real, DIRT_FLOOR / population), 0.2)

        self.empty_track_name = floor(65_032 / 256e6, tracks)
        self.zero_duration = floor(65_954 / 256e6, tracks)
        self.missing_isrc = floor(104_792 / 256e6, tracks)
        self.wildcard_track_name = floor(1e-4, tracks)
        self.high_popularity = floor(210_000 / 256e6, tracks)
        self.orphan_track_artist = floor(2e-6, tracks)
        self.duplicate_track_artist = floor(80 / 256e6, tracks)
        self.missing_track_file = floor(72_000 / 256e6, tracks)
        self.bad_language_json = floor(2e-5, tracks)
        self.empty_album_name = floor(8_609 / 58.6e6, albums)
        self.empty_label = floor(0.01, albums)
        self.zero_release_date = floor(13_177 / 58.6e6, albums)
        self.bogus_year = floor(1e-4, albums)
        self.duplicate_image_set = floor(1e-3, albums)
        self.duplicate_album_credit = floor(66_500 / 58.6e6, albums)
        self.orphan_album_credit = floor(2e-6, albums)
        self.missing_album = floor(1e-6, albums)
        self.big_compilation = min(max(2e-4, 3 / albums), 0.05)  # each holds 50-120 tracks
        self.wildcard_artist = 1e-4   # plus a fixed few, see CatalogueBuilder
        self.accented_artist = floor(0.01, artists)
