"""Deterministic, streaming generator of fake-but-realistic catalogues.

`write_catalogue` builds the two SQLite files the service reads
(main_database and track_files) with the exact DDL shipped in app/schema,
filled with invented rows that follow the shared DATA-NOTES: the real formats, the
real distributions and the real dirt (empty names, '0000' dates, NULL ISRCs,
duplicate link rows, orphans, malformed JSON...). Rare kinds of dirt get a
floor so that even a catalogue of ~2,000 tracks holds each kind a few times.

Rows are produced album by album and written in bounded chunks, so memory
does not depend on the number of tracks; one `random.Random(seed)` drives
everything, so the same seed and size always give the same rows.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from importlib import resources
from pathlib import Path
from random import Random
from typing import NamedTuple

from tqdm import tqdm

from app.demo_vocabulary import (
    ACCENTED_ARTISTS, ACCENTED_WORDS, BAD_LANGUAGE_JSON, COMMON_WORDS, COUNTRIES, FIRST_NAMES,
    GENRE_PREFIXES, GENRE_STEMS, ISRC_PREFIXES, LANGUAGES, LITERAL_WILDCARD_WORDS,
    NON_ARRAY_LANGUAGE_JSON, SYLLABLES, VERSION_SUFFIXES, VERSION_TITLES, WILDCARD_ARTISTS)

CHUNK_ROWS = 5000            # rows buffered per table before an executemany
ISRC_POOL_LIMIT = 1000       # recent shareable ISRCs kept (bounded memory)
DIRT_FLOOR = 12              # expected minimum occurrences of each rare dirt kind
FIRST_THURSDAY_MS = 1741824000000   # 2025-03-13 00:00 UTC
WEEK_MS = 7 * 86_400_000
FETCH_WEEKS = 30             # Thursdays 2025-03-13 .. 2025-10-02 inclusive
MAIN_TABLES = ("artists", "artist_genres", "artist_images", "artist_albums", "available_markets",
               "albums", "album_images", "tracks", "track_artists")

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


def ddl_statements(schema_file: str) -> list[str]:
    """CREATE statements of a packaged .sql file, each text exactly as written."""
    text = resources.files(__package__).joinpath("schema", schema_file).read_text("utf-8")
    statements, pending = [], ""
    for line in text.splitlines(keepends=True):
        if not pending and (line.startswith("--") or not line.strip()):
            continue  # comments between statements never reach sqlite_master
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip().removesuffix(";"))
            pending = ""
    return statements


class TableSink:
    """Buffers rows of one table and writes them in chunks."""

    def __init__(self, conn: sqlite3.Connection, table: str):
        # Rows are tuples in the DDL's column order, so the schema file stays the only truth.
        columns = len(conn.execute(f'PRAGMA table_info("{table}")').fetchall())
        self.sql = f'INSERT INTO "{table}" VALUES ({",".join("?" * columns)})'
        self.conn, self.rows, self.count = conn, [], 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        self.conn.executemany(self.sql, self.rows)
        self.count += len(self.rows)
        self.rows.clear()


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


class CatalogueBuilder:
    """Generates all rows in one deterministic pass and feeds them to the sinks."""

    def __init__(self, main: sqlite3.Connection, files: sqlite3.Connection, tracks: int, seed: int):
        self.rng = Random(seed)
        self.tracks = tracks
        self.rates = Rates(tracks)
        self.genres = genre_pool()
        self.keys = {table: Random(f"{seed}:{table}").getrandbits(128)
                     for table in ("artists", "albums", "tracks")}
        self.artist_count = max(20, round(tracks * 0.06))
        self.market_count = min(5000, max(30, tracks // 2860))
        self.sinks = {table: TableSink(main, table) for table in MAIN_TABLES}
        self.sinks["track_files"] = TableSink(files, "track_files")
        self.preview_cids = [f"{self.rng.getrandbits(128):032x}" for _ in range(3)]
        self.the_most_popular_track = self.rng.randrange(1, tracks + 1) if tracks >= 1000 else 0
        self.isrc_pool: list[SharedIsrc] = []
        self.track_file_rowid = 0
        # Tests search artist names for literal % and _: a handful always exists.
        self.wildcard_artist_rowids = set(self.rng.sample(range(2, self.artist_count + 1), 10))

    # --- small shared pieces -------------------------------------------------
    def fetched_at(self) -> int:
        return FIRST_THURSDAY_MS + self.rng.randrange(FETCH_WEEKS) * WEEK_MS

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def hex(self, digits: int) -> str:
        return f"{self.rng.getrandbits(digits * 4):0{digits}x}"

    def word(self) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 3))).capitalize()

    def title(self, words: int) -> str:
        rng = self.rng
        vocabulary = ACCENTED_WORDS if rng.random() < 0.15 else COMMON_WORDS
        return " ".join(rng.choice(vocabulary).capitalize() for _ in range(words))

    def random_artist_rowid(self, orphan_rate: float) -> int:
        if self.chance(orphan_rate):
            return self.artist_count + self.rng.randint(1, 1000)   # names no artist row
        # Skewed towards low rowids so some artists own many albums; rowid 1 is
        # "Various Artists", credited only on compilations.
        return 2 + int((self.artist_count - 1) * self.rng.random() ** 2)

    # --- markets and artists -------------------------------------------------
    def write_markets(self) -> None:
        seen = {",".join(COUNTRIES)}
        self.sinks["available_markets"].add((1, ",".join(COUNTRIES)))
        while len(seen) < self.market_count:
            kept = [c for c in COUNTRIES if self.rng.random() < 0.9] if self.chance(0.7) \
                else self.rng.sample(COUNTRIES, self.rng.randint(0, 5))
            text = ",".join(sorted(kept))
            if text not in seen:
                seen.add(text)
                self.sinks["available_markets"].add((len(seen), text))

    def market_rowid(self) -> int:
        return 1 if self.chance(0.6) else self.rng.randint(1, self.market_count)

    def artist_name(self, rowid: int) -> str:
        rng, rates = self.rng, self.rates
        if rowid == 1:
            return "Various Artists"
        if rowid in self.wildcard_artist_rowids or self.chance(rates.wildcard_artist):
            return rng.choice(WILDCARD_ARTISTS)
        if self.chance(rates.accented_artist):
            return rng.choice(ACCENTED_ARTISTS)
        style = rng.random()
        if style < 0.35:
            return f"{rng.choice(FIRST_NAMES)} {self.word()}"
        if style < 0.5:
            return f"The {rng.choice(COMMON_WORDS).capitalize()}s"
        if style < 0.6:
            return f"{rng.choice(('DJ', 'Lil', 'MC'))} {self.word()}"
        return self.word() if style < 0.85 else f"{self.word()} {self.word()}"

    def write_artists(self) -> None:
        rng, sinks = self.rng, self.sinks
        top = self.rng.randint(2, self.artist_count)   # one superstar at ~141M followers
        for rowid in range(1, self.artist_count + 1):
            followers = 141_230_000 if rowid == top else int(10 ** (8.15 * rng.random() ** 3)) - 1
            # Popularity follows the order of magnitude of the followers, with noise.
            popularity = min(100, int(len(str(followers)) * 11 * rng.uniform(0.6, 1.1)))
            sinks["artists"].add((rowid, spotify_id(rowid, self.keys["artists"]), self.fetched_at(),
                                  self.artist_name(rowid), followers, popularity))
            if self.chance(0.06):   # 6% x ~2.3 genres = the real 0.14 genres per artist
                for genre in rng.sample(self.genres, rng.randint(1, 4)):
                    sinks["artist_genres"].add((rowid, genre))
            if self.chance(0.58):   # 58% x 3 images = the real 1.74 per artist
                image = self.hex(24)
                for size, prefix in ((640, "ab6761610000e5eb"), (320, "ab67616100005174"),
                                     (160, "ab6761610000f178")):
                    url = f"https://i.scdn.co/image/{prefix}{image}"
                    sinks["artist_images"].add((rowid, size, size, url))

    # --- albums ----------------------------------------------------------------
    def album_shape(self, album_rowid: int, tracks_left: int) -> tuple[str, list[int]]:
        """Album type and the track count of each disc."""
        rng = self.rng
        forced_big = album_rowid == 2 and self.tracks >= 500   # tests need a 50+ track album
        kind = rng.random()
        if forced_big or self.chance(self.rates.big_compilation):
            album_type, total = "compilation", rng.randint(50, 120)
        elif kind < 0.68:
            album_type, total = "single", 1 if rng.random() < 0.7 else rng.randint(2, 3)
        elif kind < 0.93:
            album_type, total = "album", rng.randint(5, 14)
        else:
            album_type, total = "compilation", rng.randint(8, 20)
        total = min(total, tracks_left)
        discs = rng.randint(2, 3) if total >= 12 and rng.random() < 0.12 else 1
        sizes = [total // discs] * discs
        sizes[0] += total - sum(sizes)
        return album_type, sizes

    def release_date(self) -> tuple[str, str]:
        rng, rates = self.rng, self.rates
        if self.chance(rates.zero_release_date):
            return "0000", "year"
        year = rng.choice((1, 1000, 1111, 2099, 9999)) if self.chance(rates.bogus_year) \
            else 2025 - int(75 * rng.random() ** 2)
        precision = rng.random()
        if precision < 0.8:
            return f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "day"
        if precision < 0.97:
            return f"{year:04d}", "year"
        return f"{year:04d}-{rng.randint(1, 12):02d}", "month"

    def upc(self) -> str | None:
        if self.chance(0.02):
            return None
        digits = self.rng.choice((12, 12, 13, 14))
        prefix = "00" if digits == 14 else ""   # real 14-digit UPCs keep leading zeros
        return prefix + f"{self.rng.randrange(10 ** (digits - len(prefix))):0{digits - len(prefix)}d}"

    def write_album(self, rowid: int, album_type: str, total_tracks: int, label: str) -> None:
        rng, rates = self.rng, self.rates
        date, precision = self.release_date()
        name = "" if self.chance(rates.empty_album_name) else self.title(rng.randint(1, 3))
        year = date[:4]
        copyright_c = None if self.chance(0.03) else f"{year} {label or 'Independent'}"
        copyright_p = None if self.chance(0.03) else f"℗ {year} {label or 'Independent'}"
        amgid = f"P {rng.randint(100000, 999999)}" if self.chance(0.01) else None
        self.sinks["albums"].add((
            rowid, spotify_id(rowid, self.keys["albums"]), self.fetched_at(), name, album_type,
            self.market_rowid(), self.upc(), copyright_c, copyright_p, label,
            int(100 * rng.random() ** 3), date, precision, total_tracks, amgid))
        image = self.hex(24)
        image_rows = [(rowid, size, size, f"https://i.scdn.co/image/{prefix}{image}")
                      for size, prefix in ((640, "ab67616d0000b273"), (300, "ab67616d00001e02"),
                                           (64, "ab67616d00004851"))]
        if self.chance(rates.duplicate_image_set):
            image_rows *= 2
        for row in image_rows:
            self.sinks["album_images"].add(row)

    def write_album_credits(self, album_rowid: int, credited: list[int], featured: set[int]) -> None:
        """Album credits (0,0,index), appears-on (1,0,NULL) and implicit (0,1,NULL) rows."""
        rng = self.rng
        rows = [(artist, album_rowid, 0, 0, index) for index, artist in enumerate(credited)]
        # Capped so the album has ~1.9 artist_albums rows in all, as in the real data.
        guests = sorted(featured.difference(credited))[:rng.choice((0, 1, 1))]
        rows += [(artist, album_rowid, 1, 0, None) for artist in guests]
        if self.chance(0.15):
            rows.append((self.random_artist_rowid(0), album_rowid, 0, 1, None))
        if self.chance(self.rates.duplicate_album_credit):
            rows.append(rng.choice(rows))   # exact duplicate, as in the real data
        for row in rows:
            self.sinks["artist_albums"].add(row)

    def album_artists(self, album_type: str) -> list[int]:
        rng = self.rng
        if album_type == "compilation" and rng.random() < 0.5:
            return [1]   # "Various Artists"
        count = 1 if rng.random() < 0.78 else rng.choice((2, 2, 2, 3, 4))
        return [self.random_artist_rowid(self.rates.orphan_album_credit) for _ in range(count)]

    def write_album_with_tracks(self, album_rowid: int, first_track_rowid: int, tracks_left: int) -> int:
        """One album row, its images, credits and tracks; returns the number of tracks."""
        rng = self.rng
        album_type, disc_sizes = self.album_shape(album_rowid, tracks_left)
        credited = self.album_artists(album_type)
        label = "" if self.chance(self.rates.empty_label) else \
            f"{self.word()} {rng.choice(('Records', 'Music', 'Recordings'))}"
        # A few small albums have no row: their tracks are orphans, as in the real data.
        album_exists = sum(disc_sizes) > 3 or not self.chance(self.rates.missing_album)
        if album_exists:
            self.write_album(album_rowid, album_type, sum(disc_sizes), label)
        album = AlbumContext(album_rowid, self.fetched_at(), self.market_rowid(), album_type,
                             credited[0], label)
        featured: set[int] = set()
        rowid = first_track_rowid
        for disc_number, disc_size in enumerate(disc_sizes, 1):
            for track_number in range(1, disc_size + 1):
                featured.update(self.write_track(rowid, album, disc_number, track_number))
                rowid += 1
        if album_exists:
            self.write_album_credits(album_rowid, credited, featured)
        return rowid - first_track_rowid

    # --- tracks ----------------------------------------------------------------
    def track_popularity(self) -> int:
        r = self.rng.random()
        if r < 0.95:
            return int(10 * self.rng.random() ** 2)
        if r < 0.95 + self.rates.high_popularity:
            return self.rng.randint(50, 99)
        return self.rng.randint(10, 49)

    def duration_ms(self) -> int:
        r = self.rng.random()
        if r < self.rates.zero_duration:
            return 0
        if r < 0.04:
            return self.rng.choice((120_000, 180_000, 240_000))
        if r < 0.88:
            return self.rng.randint(120_000, 240_000)
        return self.rng.randint(30_000, 600_000)

    def new_isrc(self) -> str:
        rng = self.rng
        registrant = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(3))
        return f"{rng.choice(ISRC_PREFIXES)}{registrant}{rng.randint(0, 99):02d}{rng.randrange(100000):05d}"

    def isrc_and_popularity(self, album_rowid: int, popularity: int) -> tuple[str | None, int]:
        """An ISRC, often shared with 2-20 tracks of other albums (same recording)."""
        rng, pool = self.rng, self.isrc_pool
        if self.chance(self.rates.missing_isrc):
            return rng.choice((None, "")), popularity
        if pool and rng.random() < 0.27:
            slot = rng.randrange(len(pool))
            shared = pool[slot]
            if shared.last_album_rowid != album_rowid:   # one recording, different albums
                shared.uses_left -= 1
                shared.last_album_rowid = album_rowid
                if shared.uses_left == 0:
                    pool[slot] = pool[-1]
                    pool.pop()
                # Re-releases often keep the popularity: ties in ISRC answers.
                return shared.isrc, shared.popularity if rng.random() < 0.5 else popularity
        isrc = self.new_isrc()
        if rng.random() < 0.07:
            shared = SharedIsrc(isrc, 1 + int(19 * rng.random() ** 2.5), popularity, album_rowid)
            if len(pool) < ISRC_POOL_LIMIT:
                pool.append(shared)
            else:   # the forgotten recording simply stops being shared
                pool[rng.randrange(len(pool))] = shared
        return isrc, popularity

    def track_name(self) -> str:
        rng, rates = self.rng, self.rates
        r = rng.random()
        if r < rates.empty_track_name:
            return ""
        if r < rates.empty_track_name + rates.wildcard_track_name:
            return f"{self.title(1)} {rng.choice(LITERAL_WILDCARD_WORDS)}"
        name = self.title(rng.choice((1, 2, 2, 3, 3, 4)))
        return name + rng.choice(VERSION_SUFFIXES) if rng.random() < 0.03 else name

    def track_artists(self, album: AlbumContext) -> list[int]:
        rng = self.rng
        main = self.random_artist_rowid(0) if album.album_type == "compilation" else album.main_artist
        r = rng.random()
        count = 1 if r < 0.66 else 2 if r < 0.89 else 3 if r < 0.99 else rng.randint(4, 6)
        orphan_rate = self.rates.orphan_track_artist
        return [main] + [self.random_artist_rowid(orphan_rate) for _ in range(count - 1)]

    def write_track(self, rowid: int, album: AlbumContext, disc_number: int, track_number: int) -> list[int]:
        """Writes the track, its artist links and its track_files row; returns guest artists."""
        rng, sinks = self.rng, self.sinks
        track_id = spotify_id(rowid, self.keys["tracks"])
        isrc, popularity = self.isrc_and_popularity(album.rowid, self.track_popularity())
        popularity = 100 if rowid == self.the_most_popular_track else min(popularity, 99)
        preview = None if rng.random() < 0.14 else \
            f"https://p.scdn.co/mp3-preview/{self.hex(40)}?cid={rng.choice(self.preview_cids)}"
        name, duration = self.track_name(), self.duration_ms()
        sinks["tracks"].add((rowid, track_id, album.fetched_at, name, preview, album.rowid, track_number,
                             isrc, popularity, album.market_rowid, disc_number, duration,
                             int(rng.random() < 0.135)))
        artists = self.track_artists(album)
        for artist in artists:
            sinks["track_artists"].add((rowid, artist))
        if self.chance(self.rates.duplicate_track_artist):
            sinks["track_artists"].add((rowid, artists[-1]))
        if not self.chance(self.rates.missing_track_file):
            self.write_track_file(track_id, popularity, artists, name, duration, album.label)
        return artists[1:]

    # --- track_files -------------------------------------------------------------
    def language_of_performance(self) -> str | None:
        rng = self.rng
        if self.chance(self.rates.bad_language_json):
            return rng.choice(BAD_LANGUAGE_JSON + NON_ARRAY_LANGUAGE_JSON)
        return None if rng.random() < 0.7 else rng.choice(LANGUAGES)

    def artist_roles(self, artists: list[int]) -> str | None:
        if self.rng.random() < 0.85:
            return None
        roles = [{"artist_id": spotify_id(artist, self.keys["artists"]),
                  "role": "main" if index == 0 else self.rng.choice(("featured", "remixer"))}
                 for index, artist in enumerate(artists)]
        return json.dumps(roles, separators=(",", ":"))

    def version_and_original_title(self, name: str) -> tuple[str | None, str | None]:
        rng = self.rng
        r = rng.random()
        version = None if r < 0.9 else "" if r < 0.93 else rng.choice(VERSION_TITLES)
        original = name.upper() if name and rng.random() < 0.04 else None
        return version, original

    def write_track_file(self, track_id: str, popularity: int, artists: list[int], name: str,
                         duration: int, label: str) -> None:
        rng = self.rng
        self.track_file_rowid += 1
        has_file = rng.random() < 0.45
        filename = f"{track_id}.ogg" if has_file else None
        kbit = rng.choice((96, 160)) if has_file else None
        # Some downloaded files are not measured yet: the filesize_todo2 index covers them.
        filesize = duration * kbit // 8 if has_file and rng.random() < 0.85 else None
        status = "done" if has_file else rng.choice(("todo_unk", "todo_unk", "unavailable", "error"))
        file_ids = [self.hex(40) if rng.random() < 0.8 else None for _ in range(5)]
        version, original = self.version_and_original_title(name)
        has_lyrics = None if rng.random() < 0.8 else int(rng.random() < 0.4)
        self.sinks["track_files"].add((
            self.track_file_rowid, track_id, filename, kbit,
            self.fetched_at() if rng.random() < 0.9 else None,
            rng.choice(("US", "DE", "SE", "BR", None)),
            self.hex(64) if has_file else None, self.hex(64) if has_file else None,
            status, int(rng.random() < 0.5), popularity,
            round(rng.random(), 4) if rng.random() < 0.3 else None,
            bytes(rng.getrandbits(8) for _ in range(8)) if rng.random() < 0.01 else None,
            "[]" if rng.random() < 0.05 else None,
            *file_ids[:4], self.language_of_performance(), self.artist_roles(artists),
            has_lyrics, label or None, original, version, file_ids[4],
            '["explicit"]' if rng.random() < 0.02 else None, filesize))

    # --- whole catalogue -------------------------------------------------------
    def write_all(self, progress_bar) -> None:
        self.write_markets()
        self.write_artists()
        album_rowid, track_rowid = 0, 1
        while track_rowid <= self.tracks:
            album_rowid += 1
            written = self.write_album_with_tracks(album_rowid, track_rowid, self.tracks - track_rowid + 1)
            track_rowid += written
            progress_bar.update(written)
        for sink in self.sinks.values():
            sink.flush()

    def counts(self) -> dict[str, int]:
        return {table: sink.count for table, sink in self.sinks.items()}


def open_for_build(path: Path, schema_file: str) -> tuple[sqlite3.Connection, list[str]]:
    """A fresh database with its tables; returns the index statements still to run."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "locking_mode=EXCLUSIVE",
                   "cache_size=-131072"):
        conn.execute(f"PRAGMA {pragma}")
    statements = ddl_statements(schema_file)
    for statement in statements:
        if statement.startswith("CREATE TABLE"):
            conn.execute(statement)
    conn.execute("BEGIN")
    return conn, [s for s in statements if not s.startswith("CREATE TABLE")]


def finish_build(conn: sqlite3.Connection, index_statements: list[str]) -> None:
    # Building indexes once after the load is far cheaper than maintaining them per insert.
    for statement in index_statements:
        conn.execute(statement)
    conn.execute("COMMIT")


def temporary_path(final: Path) -> Path:
    return final.with_name(f".{final.name}.partial-{os.getpid()}")


def build_files(main_tmp: Path, files_tmp: Path, tracks: int, seed: int, progress: bool) -> dict:
    main, main_indexes = open_for_build(main_tmp, "main_database.sql")
    files, files_indexes = open_for_build(files_tmp, "track_files.sql")
    try:
        builder = CatalogueBuilder(main, files, tracks, seed)
        with tqdm(total=tracks, unit="track", file=sys.stderr, disable=not progress,
                  desc="catalogue") as progress_bar:
            builder.write_all(progress_bar)
        finish_build(main, main_indexes)
        finish_build(files, files_indexes)
        return builder.counts()
    finally:
        main.close()
        files.close()


def write_catalogue(main_path, track_files_path, *, tracks=50_000, seed=1, progress=False) -> dict:
    """Build main_database and track_files SQLite files for `tracks` fake tracks.

    Both files appear under their final names only once complete. Returns row
    counts per table plus `elapsed_seconds`.
    """
    if tracks < 1:
        raise ValueError("tracks must be at least 1")
    started = time.perf_counter()
    finals = [Path(main_path), Path(track_files_path)]
    temporaries = [temporary_path(final) for final in finals]
    for final in finals:
        final.parent.mkdir(parents=True, exist_ok=True)
    try:
        counts = build_files(*temporaries, tracks, seed, progress)
        for temporary, final in zip(temporaries, finals):
            os.replace(temporary, final)
    except BaseException:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        raise
    counts["elapsed_seconds"] = round(time.perf_counter() - started, 3)
    return counts


def main(argv: list[str] | None = None) -> None:
    """`python -m app.demo FOLDER --tracks N`: build a catalogue and print its counts."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--tracks", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    counts = write_catalogue(args.folder / "main_database.sqlite3", args.folder / "track_files.sqlite3",
                             tracks=args.tracks, seed=args.seed, progress=True)
    print(json.dumps(counts, indent=1))


if __name__ == "__main__":
    main()
