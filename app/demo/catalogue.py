"""The catalogue builder: every row of both files, in one deterministic pass."""
from __future__ import annotations

import sqlite3
from random import Random

from app.demo.shapes import FETCH_WEEKS
from app.demo.shapes import FIRST_THURSDAY_MS
from app.demo.shapes import WEEK_MS
from app.demo.shapes import AlbumContext
from app.demo.shapes import Rates
from app.demo.shapes import SharedIsrc
from app.demo.shapes import genre_pool
from app.demo.shapes import spotify_id
from app.demo.tables import TableSink
from app.demo.tracks import TrackRows
from app.demo.vocabulary import ACCENTED_ARTISTS
from app.demo.vocabulary import ACCENTED_WORDS
from app.demo.vocabulary import COMMON_WORDS
from app.demo.vocabulary import COUNTRIES
from app.demo.vocabulary import FIRST_NAMES
from app.demo.vocabulary import SYLLABLES
from app.demo.vocabulary import WILDCARD_ARTISTS

MAIN_TABLES = ("artists", "artist_genres", "artist_images", "artist_albums", "available_markets",
               "albums", "album_images", "tracks", "track_artists")


class CatalogueBuilder(TrackRows):
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
