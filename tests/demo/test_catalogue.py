"""Tests of the demo catalogue generator (app.demo) on small real files."""
import json
import re
import sqlite3
import tracemalloc
from collections import Counter
from collections import defaultdict
from pathlib import Path

import pytest

from app import demo
from app.demo import shapes
from app.demo import tables
from app.files import CatalogueFileError
from tests.support.inprocess import make_app
from tests.support.killing import kill_once_writing
from tests.support.killing import start_cli

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGED_SCHEMA = REPO_ROOT / "app" / "ddl"
SHARED_SPEC = REPO_ROOT.parent / "shared" / "spec"
SPOTIFY_ID = re.compile(r"[0-7][0-9A-Za-z]{21}")
# Big enough that a generation lasts long enough to be killed midway.
KILLABLE_TRACKS = 20_000
MAIN_TABLES = ("artists", "artist_genres", "artist_images", "artist_albums", "available_markets",
               "albums", "album_images", "tracks", "track_artists")


def build(folder: Path, tracks: int, seed: int) -> tuple[Path, Path, dict]:
    main, files = folder / "main.sqlite3", folder / "files.sqlite3"
    counts = demo.write_catalogue(main, files, tracks=tracks, seed=seed)
    return main, files, counts


def rows(path: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def scalar(path: Path, sql: str, *params):
    return rows(path, sql, *params)[0][0]


def table_dump(path: Path, table: str) -> list[tuple]:
    return rows(path, f'SELECT * FROM "{table}" ORDER BY rowid')


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """A 2,000-track catalogue: small, yet every kind of dirt must be present."""
    main, files, counts = build(tmp_path_factory.mktemp("catalogue"), 2000, seed=7)
    return {"main": main, "files": files, "counts": counts}


def statements_of(sql_text: str) -> list[str]:
    """Independent of app.demo: drop comment lines, split on ';'."""
    kept = "".join(line for line in sql_text.splitlines(keepends=True) if not line.startswith("--"))
    return [part.strip() for part in kept.split(";") if part.strip()]


# --- schema ------------------------------------------------------------------
@pytest.mark.parametrize("key,schema_file", [("main", "main_database.sql"), ("files", "track_files.sql")])
def test_sqlite_master_holds_the_shared_ddl_text(catalogue, key, schema_file):
    expected = statements_of((PACKAGED_SCHEMA / schema_file).read_text("utf-8"))
    stored = [sql for (sql,) in rows(catalogue[key], "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")]
    assert stored == expected


def test_packaged_schema_copies_match_shared_spec():
    if not SHARED_SPEC.is_dir():
        return  # only checkable where the shared folder sits beside the repo
    for name in ("main_database.sql", "track_files.sql"):
        assert (PACKAGED_SCHEMA / name).read_bytes() == (SHARED_SPEC / name).read_bytes()


def test_returned_counts_match_the_files(catalogue):
    counts = catalogue["counts"]
    for table in MAIN_TABLES:
        assert counts[table] == scalar(catalogue["main"], f'SELECT count(*) FROM "{table}"')
    assert counts["track_files"] == scalar(catalogue["files"], "SELECT count(*) FROM track_files")
    assert counts["tracks"] == 2000
    assert counts["elapsed_seconds"] > 0


# --- determinism -------------------------------------------------------------
def test_same_seed_gives_identical_content_and_other_seed_differs(tmp_path):
    first = build(tmp_path / "a", 1200, seed=3)
    second = build(tmp_path / "b", 1200, seed=3)
    other = build(tmp_path / "c", 1200, seed=4)
    for table in MAIN_TABLES:
        assert table_dump(first[0], table) == table_dump(second[0], table), table
    assert table_dump(first[1], "track_files") == table_dump(second[1], "track_files")
    assert first[0].read_bytes() == second[0].read_bytes()
    assert first[1].read_bytes() == second[1].read_bytes()
    assert table_dump(first[0], "tracks") != table_dump(other[0], "tracks")
    assert table_dump(first[1], "track_files") != table_dump(other[1], "track_files")


# --- identifiers and structure -------------------------------------------------
@pytest.mark.parametrize("table", ["artists", "albums", "tracks"])
def test_ids_are_unique_and_well_formed(catalogue, table):
    ids = [i for (i,) in rows(catalogue["main"], f"SELECT id FROM {table}")]
    assert all(SPOTIFY_ID.fullmatch(i) for i in ids)
    assert len(set(ids)) == len(ids)


def test_fetched_at_is_a_thursday_midnight_in_range(catalogue):
    for table in ("artists", "albums", "tracks"):
        values = {v for (v,) in rows(catalogue["main"], f"SELECT DISTINCT fetched_at FROM {table}")}
        for value in values:
            assert (value - 1741824000000) % (7 * 86_400_000) == 0
            assert 1741824000000 <= value <= 1759363200000  # 2025-03-13 .. 2025-10-02


def test_album_tracks_are_consecutive_and_numbered_from_one(catalogue):
    by_album = defaultdict(list)
    for rowid, album, disc, number in rows(catalogue["main"], "SELECT rowid, album_rowid, disc_number, "
                                           "track_number FROM tracks ORDER BY rowid"):
        by_album[album].append((rowid, disc, number))
    totals = dict(rows(catalogue["main"], "SELECT rowid, total_tracks FROM albums"))
    multi_disc = 0
    for album, tracks in by_album.items():
        rowids = [t[0] for t in tracks]
        assert rowids == list(range(rowids[0], rowids[0] + len(rowids)))
        discs = sorted({t[1] for t in tracks})
        assert discs == list(range(1, len(discs) + 1))
        multi_disc += len(discs) > 1
        for disc in discs:
            numbers = [t[2] for t in tracks if t[1] == disc]
            assert numbers == list(range(1, len(numbers) + 1))
        if album in totals:
            assert totals[album] == len(tracks)
    assert multi_disc >= 1
    assert max(len(t) for a, t in by_album.items() if a in totals) >= 50


def test_release_date_follows_precision(catalogue):
    shapes = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}
    found = Counter()
    for date, precision in rows(catalogue["main"], "SELECT release_date, release_date_precision FROM albums"):
        assert re.fullmatch(shapes[precision], date)
        found[precision] += 1
    assert found["day"] > found["year"] > found["month"] > 0


def test_formats_of_urls_upcs_and_isrcs(catalogue):
    main = catalogue["main"]
    for (url,) in rows(main, "SELECT url FROM album_images UNION SELECT url FROM artist_images"):
        assert re.fullmatch(r"https://i\.scdn\.co/image/ab676(16d0000b273|16d00001e02|16d00004851|"
                            r"1610000e5eb|16100005174|1610000f178)[0-9a-f]{24}", url)
    for (url,) in rows(main, "SELECT preview_url FROM tracks WHERE preview_url IS NOT NULL"):
        assert re.fullmatch(r"https://p\.scdn\.co/mp3-preview/[0-9a-f]{40}\?cid=[0-9a-f]{32}", url)
    upcs = [u for (u,) in rows(main, "SELECT external_id_upc FROM albums WHERE external_id_upc IS NOT NULL")]
    assert all(re.fullmatch(r"\d{12,14}", u) for u in upcs)
    assert any(u.startswith("0") for u in upcs)
    isrcs = [i for (i,) in rows(main, "SELECT external_id_isrc FROM tracks WHERE external_id_isrc != ''")]
    assert all(re.fullmatch(r"[A-Z0-9]{12}", i) for i in isrcs)
    assert any(i.startswith("UK") for i in isrcs)


# --- distributions -------------------------------------------------------------
def test_track_distributions(catalogue):
    main = catalogue["main"]
    low, high, top, explicit, no_preview = rows(main, "SELECT avg(popularity < 10), sum(popularity >= 50), "
                                                "sum(popularity = 100), avg(explicit), "
                                                "avg(preview_url IS NULL) FROM tracks")[0]
    assert 0.92 < low < 0.98 and high >= 3 and top == 1
    assert 0.10 < explicit < 0.17 and 0.10 < no_preview < 0.18
    peaks = scalar(main, "SELECT count(*) FROM tracks WHERE duration_ms IN (120000, 180000, 240000)")
    two_to_four = scalar(main, "SELECT avg(duration_ms BETWEEN 120000 AND 240000) FROM tracks")
    assert peaks >= 20 and two_to_four > 0.8


def test_artist_counts_per_track(catalogue):
    per_track = Counter(n for (n,) in rows(catalogue["main"], "SELECT count(*) FROM track_artists "
                                            "GROUP BY track_rowid"))
    total = sum(per_track.values())
    assert 0.60 < per_track[1] / total < 0.72
    assert 0.18 < per_track[2] / total < 0.28
    assert any(n >= 4 for n in per_track)


def test_artists_followers_genres_images(catalogue):
    main = catalogue["main"]
    artists = scalar(main, "SELECT count(*) FROM artists")
    assert artists == 120  # 0.06 per track
    followers = sorted(f for (f,) in rows(main, "SELECT followers_total FROM artists"))
    assert followers[len(followers) // 2] < 10_000 and followers[-1] > 100_000_000
    assert scalar(main, "SELECT count(DISTINCT genre) FROM artist_genres") <= 768
    assert len(shapes.genre_pool()) == len(set(shapes.genre_pool())) == 768
    per_artist = Counter(n for (n,) in rows(main, "SELECT count(*) FROM artist_images GROUP BY artist_rowid"))
    assert set(per_artist) == {3} and sum(per_artist.values()) < artists
    widths = {w for (w,) in rows(main, "SELECT DISTINCT width FROM artist_images")}
    assert widths == {640, 320, 160}


def test_album_types_and_credit_kinds(catalogue):
    main = catalogue["main"]
    types = dict(rows(main, "SELECT album_type, count(*) FROM albums GROUP BY 1"))
    assert types["single"] > types["album"] > types["compilation"] > 0
    kinds = {(a, i, idx is None) for a, i, idx in
             rows(main, "SELECT is_appears_on, is_implicit_appears_on, index_in_album FROM artist_albums")}
    assert kinds == {(0, 0, False), (1, 0, True), (0, 1, True)}


# --- dirt ---------------------------------------------------------------------
DIRT_QUERIES = {
    "empty track name": "SELECT count(*) FROM tracks WHERE name = ''",
    "empty album name": "SELECT count(*) FROM albums WHERE name = ''",
    "empty label": "SELECT count(*) FROM albums WHERE label = ''",
    "0000 release date": "SELECT count(*) FROM albums WHERE release_date = '0000'",
    "bogus year": "SELECT count(*) FROM albums WHERE release_date != '0000' "
                  "AND (substr(release_date, 1, 4) < '1900' OR substr(release_date, 1, 4) > '2025')",
    "zero duration": "SELECT count(*) FROM tracks WHERE duration_ms = 0",
    "NULL isrc": "SELECT count(*) FROM tracks WHERE external_id_isrc IS NULL",
    "empty isrc": "SELECT count(*) FROM tracks WHERE external_id_isrc = ''",
    "NULL upc": "SELECT count(*) FROM albums WHERE external_id_upc IS NULL",
    "NULL copyright_c": "SELECT count(*) FROM albums WHERE copyright_c IS NULL",
    "NULL copyright_p": "SELECT count(*) FROM albums WHERE copyright_p IS NULL",
    "duplicated image set": "SELECT count(*) FROM (SELECT 1 FROM album_images GROUP BY album_rowid, url "
                            "HAVING count(*) > 1)",
    "duplicate track_artists": "SELECT count(*) FROM (SELECT 1 FROM track_artists "
                               "GROUP BY track_rowid, artist_rowid HAVING count(*) > 1)",
    "duplicate artist_albums": "SELECT count(*) FROM (SELECT 1 FROM artist_albums GROUP BY artist_rowid, "
                               "album_rowid, is_appears_on, is_implicit_appears_on, index_in_album "
                               "HAVING count(*) > 1)",
    "orphan track album": "SELECT count(*) FROM tracks WHERE album_rowid NOT IN (SELECT rowid FROM albums)",
    "orphan track artist": "SELECT count(*) FROM track_artists WHERE artist_rowid NOT IN "
                           "(SELECT rowid FROM artists)",
    "orphan album artist": "SELECT count(*) FROM artist_albums WHERE artist_rowid NOT IN "
                           "(SELECT rowid FROM artists)",
    "artist name with %": "SELECT count(*) FROM artists WHERE instr(name, '%') > 0",
    "artist name with _": "SELECT count(*) FROM artists WHERE instr(name, '_') > 0",
    "accented artist name": "SELECT count(*) FROM artists WHERE name GLOB '*[éóöüñ]*'",
    "track name with %": "SELECT count(*) FROM tracks WHERE instr(name, '%') > 0",
    "track name with _": "SELECT count(*) FROM tracks WHERE instr(name, '_') > 0",
    "accented track name": "SELECT count(*) FROM tracks WHERE name GLOB '*[éóñüä]*'",
    "artist without genre": "SELECT count(*) FROM artists WHERE rowid NOT IN (SELECT artist_rowid "
                            "FROM artist_genres)",
    "artist without image": "SELECT count(*) FROM artists WHERE rowid NOT IN (SELECT artist_rowid "
                            "FROM artist_images)",
}


@pytest.mark.parametrize("kind", sorted(DIRT_QUERIES))
def test_every_kind_of_main_dirt_is_present(catalogue, kind):
    assert scalar(catalogue["main"], DIRT_QUERIES[kind]) >= 2, kind


def test_common_words_make_searches_find_tracks(catalogue):
    assert scalar(catalogue["main"], "SELECT count(*) FROM tracks WHERE name LIKE '%love%'") >= 5


def test_isrcs_are_shared_across_albums_with_popularity_ties(catalogue):
    groups = defaultdict(list)
    for isrc, album, popularity in rows(catalogue["main"], "SELECT external_id_isrc, album_rowid, popularity "
                                        "FROM tracks WHERE external_id_isrc != ''"):
        groups[isrc].append((album, popularity))
    shared = {isrc: g for isrc, g in groups.items() if len(g) > 1}
    assert sum(len(g) >= 5 for g in shared.values()) >= 3
    assert all(len(g) <= 20 for g in groups.values())
    assert all(len({album for album, _ in g}) == len(g) for g in shared.values())
    assert any(len({p for _, p in g}) < len(g) for g in shared.values())


def test_track_files_rows_and_dirt(catalogue):
    main, files = catalogue["main"], catalogue["files"]
    track_ids = {i for (i,) in rows(main, "SELECT id FROM tracks")}
    file_rows = rows(files, "SELECT track_id, filename, filesize_bytes, status, language_of_performance, "
                            "artist_roles, has_lyrics, original_title, version_title FROM track_files")
    file_ids = {r[0] for r in file_rows}
    assert file_ids <= track_ids and 2 <= len(track_ids - file_ids) <= 60
    column = lambda n: [r[n] for r in file_rows]  # noqa: E731
    for n in (5, 6, 7, 8):  # artist_roles, has_lyrics, original_title, version_title
        assert column(n).count(None) > len(file_rows) / 2
    assert column(1).count(None) > 100 and column(2).count(None) > 100
    assert {"done", "todo_unk"} <= set(column(3))
    assert {0, 1} <= set(column(6))
    assert "" in column(8) and "Remastered 2011" in column(8)
    assert any(json.loads(r)[0]["role"] == "main" for r in column(5) if r)
    assert_language_dirt([v for v in column(4) if v is not None])


def assert_language_dirt(values: list[str]) -> None:
    arrays, invalid, not_arrays = set(), 0, 0
    for value in values:
        try:
            parsed = json.loads(value)
        except ValueError:
            invalid += 1
            continue
        if isinstance(parsed, list):
            arrays.add(value)
        else:
            not_arrays += 1
    assert {'["en"]', '["zxx"]', '["es","en"]'} <= arrays
    assert invalid >= 2 and not_arrays >= 2


# --- atomic output and bounded memory ------------------------------------------
def test_failed_build_leaves_nothing_under_final_names(tmp_path, monkeypatch):
    calls = 0

    def exploding_isrc(self):
        nonlocal calls
        calls += 1
        if calls > 500:
            raise RuntimeError("disk on fire")
        return "USAAA0000001"

    monkeypatch.setattr(demo.CatalogueBuilder, "new_isrc", exploding_isrc)
    folder = tmp_path / "nested" / "out"
    with pytest.raises(RuntimeError, match="disk on fire"):
        demo.write_catalogue(folder / "main.sqlite3", folder / "files.sqlite3", tracks=2000)
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_failed_rebuild_keeps_the_previous_complete_files(tmp_path, monkeypatch):
    main, files, _ = build(tmp_path, 1000, seed=1)
    before = main.read_bytes(), files.read_bytes()
    monkeypatch.setattr(demo, "finish_build", lambda conn, statements: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        demo.write_catalogue(main, files, tracks=1500, seed=2)
    assert (main.read_bytes(), files.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["files.sqlite3", "main.sqlite3"]


def test_killed_generation_leaves_no_main_file(tmp_path):
    main = tmp_path / "main_database.sqlite3"
    generation = start_cli("generate", str(tmp_path), "--tracks", str(KILLABLE_TRACKS))
    kill_once_writing(generation, tmp_path, ".main_database.sqlite3.partial-*")
    assert not main.exists()
    with pytest.raises(CatalogueFileError, match="no such file"):
        make_app(main)
    # The next generation removes what the killed one left.
    demo.write_catalogue(main, tmp_path / "track_files.sqlite3", tracks=1000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["main_database.sqlite3",
                                                         "track_files.sqlite3"]


def test_killed_regeneration_keeps_the_previous_files(tmp_path):
    main, files = tmp_path / "main_database.sqlite3", tmp_path / "track_files.sqlite3"
    demo.write_catalogue(main, files, tracks=1000)
    before = main.read_bytes(), files.read_bytes()
    generation = start_cli("generate", str(tmp_path), "--tracks", str(KILLABLE_TRACKS))
    kill_once_writing(generation, tmp_path, ".main_database.sqlite3.partial-*")
    assert (main.read_bytes(), files.read_bytes()) == before


def test_progress_bar_goes_to_stderr(tmp_path, capsys):
    demo.write_catalogue(tmp_path / "m", tmp_path / "f", tracks=1000, progress=True)
    captured = capsys.readouterr()
    assert "1000/1000" in captured.err and captured.out == ""


def peak_python_memory(folder: Path, tracks: int) -> int:
    tracemalloc.start()
    try:
        demo.write_catalogue(folder / "m", folder / "f", tracks=tracks, seed=5)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_track_count(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "CHUNK_ROWS", 500)  # so both sizes fill their buffers
    small = peak_python_memory(tmp_path / "small", 2_000)
    large = peak_python_memory(tmp_path / "large", 20_000)
    assert large < small * 1.5, (small, large)
