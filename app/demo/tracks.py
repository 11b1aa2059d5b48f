"""Rows of one track: the tracks row, its artist links and its track_files row.

A mixin of :class:`app.demo.catalogue.CatalogueBuilder`, whose draws
(``rng``, ``rates``, ``chance``…) and sinks it uses.
"""
from __future__ import annotations

import json

from app.demo.shapes import ISRC_POOL_LIMIT
from app.demo.shapes import AlbumContext
from app.demo.shapes import SharedIsrc
from app.demo.shapes import spotify_id
from app.demo.vocabulary import BAD_LANGUAGE_JSON
from app.demo.vocabulary import ISRC_PREFIXES
from app.demo.vocabulary import LANGUAGES
from app.demo.vocabulary import LITERAL_WILDCARD_WORDS
from app.demo.vocabulary import NON_ARRAY_LANGUAGE_JSON
from app.demo.vocabulary import VERSION_SUFFIXES
from app.demo.vocabulary import VERSION_TITLES


class TrackRows:
    """Tracks and track_files rows, drawn from the builder's one random stream."""

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
