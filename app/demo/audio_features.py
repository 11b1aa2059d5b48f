"""The audio features file of a generated catalogue, with the real file's quirks.

Written from a finished main file, one row per track in rowid order, from a
random stream of its own: adding or changing this file never changes a row
of the other two. The quirks of the real file (audio_features.sql):

- ``tempo`` in a column declared integer: REAL values (127.969), and whole
  numbers, which the column's affinity stores as INTEGER (92);
- ``null_response`` rows with every feature NULL;
- rows whose track_id is in no row of the main file;
- tracks of the main file without a row.
"""
from __future__ import annotations

import sqlite3
from random import Random

from app.demo.shapes import BASE62
from app.demo.shapes import DIRT_FLOOR
from app.demo.shapes import FETCH_WEEKS
from app.demo.shapes import FIRST_THURSDAY_MS
from app.demo.shapes import WEEK_MS
from app.demo.tables import TableSink
from app.demo.tables import finish_build
from app.demo.tables import open_for_build

TRACKS_IN_ROWID_ORDER = "SELECT id, duration_ms FROM tracks ORDER BY rowid"


class FeatureRates:
    """The real file's rates (255.6M rows), floored so small catalogues hold each quirk."""

    def __init__(self, tracks: int):
        def floor(real: float) -> float:
            return min(max(real, DIRT_FLOOR / max(tracks, 1)), 0.2)

        self.missing = floor((256_039_007 - 255_594_909 + 1_258) / 256e6)
        self.null_response = floor(773_795 / 255.6e6)
        self.foreign_track = floor(1_258 / 255.6e6)
        # Share of tempos that are whole numbers (stored as INTEGER).
        self.whole_tempo = 0.05


class FeatureRows:
    def __init__(self, tracks: int, seed: int):
        self.rng = Random(f"{seed}:audio_features")
        self.rates = FeatureRates(tracks)
        self.rowid = 0

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def rows_for(self, track_id: str, duration_ms: int):
        """The rows written for one track of the main file (none, one, or two)."""
        rates = self.rates
        if not self.chance(rates.missing):
            yield self.row(track_id, duration_ms, null_response=self.chance(rates.null_response))
        if self.chance(rates.foreign_track):
            yield self.row(self.foreign_id(), duration_ms, null_response=False)

    def foreign_id(self) -> str:
        # Drawn at random: 62^22 ids make meeting one of the main file's nil.
        return self.rng.choice(BASE62[:8]) + "".join(self.rng.choice(BASE62) for _ in range(21))

    def row(self, track_id: str, duration_ms: int, *, null_response: bool) -> tuple:
        rng = self.rng
        self.rowid += 1
        fetched_at = FIRST_THURSDAY_MS + rng.randrange(FETCH_WEEKS) * WEEK_MS
        if null_response:
            return (self.rowid, track_id, fetched_at, 1) + (None,) * 13
        whole = self.chance(self.rates.whole_tempo)
        tempo = float(rng.randint(60, 200)) if whole else round(rng.uniform(50, 210), 3)
        return (
            self.rowid, track_id, fetched_at, 0, duration_ms,
            rng.choice((3, 4, 4, 4, 4, 5, 1)), tempo,
            -1 if self.chance(0.02) else rng.randint(0, 11), int(self.chance(0.6)),
            round(rng.random(), 3), round(rng.random(), 3), round(rng.uniform(-35, 0), 3),
            round(rng.random() ** 3, 4), round(rng.random() ** 2, 5), round(rng.random() ** 6, 6),
            round(rng.uniform(0.02, 0.9), 4), round(rng.random(), 3),
        )


def build_audio_features(main_path, features_path, tracks: int, seed: int) -> dict:
    """Write the features of every track of ``main_path`` into ``features_path``.

    :return: {"track_audio_features": rows written}.
    """
    source = sqlite3.connect(f"file:{main_path}?mode=ro", uri=True)
    target, index_statements = open_for_build(features_path, "audio_features.sql")
    try:
        sink = TableSink(target, "track_audio_features")
        rows = FeatureRows(tracks, seed)
        for track_id, duration_ms in source.execute(TRACKS_IN_ROWID_ORDER):
            for row in rows.rows_for(track_id, duration_ms):
                sink.add(row)
        sink.flush()
        finish_build(target, index_statements)
        return {"track_audio_features": sink.count}
    finally:
        target.close()
        source.close()
