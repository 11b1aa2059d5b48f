"""Deterministic, streaming generator of fake-but-realistic catalogues.

`write_catalogue` builds the SQLite files the service reads
(main_database, track_files and, when asked, the audio features file) with the exact DDL shipped in app/ddl,
filled with invented rows that follow the shared DATA-NOTES: the real formats, the
real distributions and the real dirt (empty names, '0000' dates, NULL ISRCs,
duplicate link rows, orphans, malformed JSON...). Rare kinds of dirt get a
floor so that even a catalogue of ~2,000 tracks holds each kind a few times.

Rows are produced album by album and written in bounded chunks, so memory
does not depend on the number of tracks; one `random.Random(seed)` drives
everything, so the same seed and size always give the same rows.

From a shell: ``music-metadata-api generate FOLDER --tracks N --seed S``.
"""
from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

from tqdm import tqdm

from app.atomic import atomic_path
from app.demo.audio_features import build_audio_features
from app.demo.catalogue import CatalogueBuilder
from app.demo.tables import finish_build
from app.demo.tables import open_for_build


def write_catalogue(main_path, track_files_path, *, audio_features_path=None, tracks=50_000,
                    seed=1, progress=False) -> dict:
    """Build main_database and track_files SQLite files for `tracks` fake tracks,
    and the audio features file too when `audio_features_path` is given.

    The files appear under their final names only once all are complete,
    the main file last: a failed or killed build leaves no main file the
    service would open (and any earlier set untouched). Returns row counts
    per table plus `elapsed_seconds`.
    """
    if tracks < 1:
        raise ValueError("tracks must be at least 1")
    started = time.perf_counter()
    finals = [Path(main_path), Path(track_files_path)]
    if audio_features_path is not None:
        finals.append(Path(audio_features_path))
    for final in finals:
        final.parent.mkdir(parents=True, exist_ok=True)
    # Leaving the block renames the files in reverse order: the main file last.
    with contextlib.ExitStack() as stack:
        partials = [stack.enter_context(atomic_path(final)) for final in finals]
        counts = build_files(partials[0], partials[1], tracks, seed, progress)
        if audio_features_path is not None:
            counts.update(build_audio_features(partials[0], partials[2], tracks, seed))
    counts["elapsed_seconds"] = round(time.perf_counter() - started, 3)
    return counts


def build_files(main_tmp: Path, files_tmp: Path, tracks: int, seed: int, progress: bool) -> dict:
    """Write both files under the given (partial) paths; return row counts per table."""
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
