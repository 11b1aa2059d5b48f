"""The search index builder (app/index/) and the start-up check of
the index. The check under real gunicorn: tests/integration/test_search.py.

Indexes are built over the generated test catalogue; expectations come from
reading the same files with plain sqlite3.
"""

import json
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main as cli
from app.demo import write_catalogue
from app.files import CatalogueFileError
from app.files import main_fingerprint
from app.index import PARTS
from app.index.builder import build_search_index
from app.index.meta import FORMAT
from tests.support.inprocess import make_app
from tests.support.killing import kill_once_writing
from tests.support.killing import start_cli

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]
# Big enough that a build lasts long enough to be killed midway.
KILLABLE_TRACKS = 20_000


@pytest.fixture(scope="module")
def built(main_file, tmp_path_factory):
    index = tmp_path_factory.mktemp("index") / "search.sqlite3"
    return index, build_search_index(main_file, index)


def test_build_indexes_every_visible_name(built, oracle):
    index, report = built
    expected = {
        "tracks": "SELECT count(*) FROM tracks JOIN albums ON albums.rowid = tracks.album_rowid"
                  " WHERE tracks.name <> ''",
        "albums": "SELECT count(*) FROM albums WHERE name <> ''",
        "artists": "SELECT count(*) FROM artists WHERE name <> ''",
    }
    for kind, sql in expected.items():
        assert report[kind] == oracle.execute(sql).fetchone()[0]
    assert report["bytes"] == index.stat().st_size > 0
    assert 0 < report["peak_rss_bytes"] < 1024**3


def test_ranks_follow_popularity_then_newest_rowid(built, oracle):
    index, _ = built
    connection = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    try:
        ranked = [row[0] for row in connection.execute(
            "SELECT main_rowid FROM track_ranks ORDER BY rank")]
    finally:
        connection.close()
    expected = [row[0] for row in oracle.execute(
        "SELECT tracks.rowid FROM tracks JOIN albums ON albums.rowid = tracks.album_rowid"
        " WHERE tracks.name <> '' ORDER BY tracks.popularity DESC, tracks.rowid DESC")]
    assert ranked == expected


def test_no_temporary_file_is_left(built):
    index, _ = built
    assert [path.name for path in index.parent.iterdir()] == ["search.sqlite3"]


def test_service_serves_a_current_index(built, main_file):
    index, _ = built
    app = make_app(main_file, SEARCH_DATABASE=str(index))
    assert app.extensions["catalogue_files"].get("search") == index
    body = app.test_client().get("/health").get_json()
    assert body["search"] == "index"


def test_without_an_index_the_service_scans(main_file):
    app = make_app(main_file)
    assert app.extensions["catalogue_files"].get("search") is None
    assert app.test_client().get("/health").get_json()["search"] == "scan"


def test_meta_lists_the_parts_and_the_main_file(built, main_file):
    index, report = built
    connection = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    try:
        meta = {key: json.loads(value)
                for key, value in connection.execute("SELECT key, value FROM search_meta")}
    finally:
        connection.close()
    assert meta["format"] == FORMAT
    assert meta["parts"] == [part.NAME for part in PARTS]
    assert meta["rows"]["names"] == {kind: report[kind] for kind in ("tracks", "albums", "artists")}
    assert set(meta["rows"]) == set(meta["parts"])
    assert meta["main_path"] == str(main_file.resolve())
    assert meta["main_fingerprint"] == main_fingerprint(main_file)


def test_health_and_check_name_the_parts_of_the_index(built, main_file):
    index, _ = built
    body = make_app(main_file, SEARCH_DATABASE=str(index)).test_client().get("/health").get_json()
    assert body["search"] == "index"
    assert body["index_parts"] == [part.NAME for part in PARTS]
    result = CliRunner().invoke(cli, ["check"], env={"MUSIC_API_MAIN_DATABASE": str(main_file),
                                                     "MUSIC_API_SEARCH_DATABASE": str(index)})
    assert result.exit_code == 0, result.output
    assert f"search {index} (parts: {', '.join(part.NAME for part in PARTS)})" in result.output


def test_without_an_index_health_and_check_name_no_parts(main_file):
    assert make_app(main_file).test_client().get("/health").get_json()["index_parts"] == []
    result = CliRunner().invoke(cli, ["check"], env={"MUSIC_API_MAIN_DATABASE": str(main_file)})
    assert result.exit_code == 0, result.output
    assert "search not configured" in result.output and "parts" not in result.output


def test_an_index_of_another_format_is_refused(built, main_file, tmp_path):
    index, _ = built
    older = tmp_path / "search.sqlite3"
    shutil.copy(index, older)
    connection = sqlite3.connect(older)
    with connection:
        connection.execute("UPDATE search_meta SET value = ? WHERE key = 'format'",
                           (json.dumps(FORMAT - 1),))
    connection.close()
    with pytest.raises(CatalogueFileError,
                       match=f"search index format {FORMAT - 1}, this version reads format {FORMAT}"):
        make_app(main_file, SEARCH_DATABASE=str(older))


def test_stale_index_is_refused(built, catalogue_dir, tmp_path):
    index, _ = built
    changed = tmp_path / "main_database.sqlite3"
    shutil.copy(catalogue_dir / "main_database.sqlite3", changed)
    connection = sqlite3.connect(changed)
    with connection:
        connection.execute("UPDATE tracks SET name = name || ' (edited)' WHERE rowid = 1")
    connection.close()
    with pytest.raises(CatalogueFileError, match="stale or foreign search index"):
        make_app(changed, SEARCH_DATABASE=str(index))


def test_foreign_index_is_refused(built, tmp_path):
    index, _ = built
    other = tmp_path / "other"
    write_catalogue(other / "main_database.sqlite3", other / "track_files.sqlite3",
                    tracks=300, seed=99)
    with pytest.raises(CatalogueFileError, match="stale or foreign search index"):
        make_app(other / "main_database.sqlite3", SEARCH_DATABASE=str(index))


@pytest.mark.parametrize("content", ["plain sqlite", "text", "missing"])
def test_a_file_that_is_not_an_index_is_refused(main_file, tmp_path, content):
    path = tmp_path / "search.sqlite3"
    if content == "plain sqlite":
        sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    elif content == "text":
        path.write_text("not a database")
    with pytest.raises(CatalogueFileError, match=str(path)):
        make_app(main_file, SEARCH_DATABASE=str(path))


@pytest.fixture(scope="module")
def killable_catalogue(tmp_path_factory):
    folder = tmp_path_factory.mktemp("killable")
    write_catalogue(folder / "main_database.sqlite3", folder / "track_files.sqlite3",
                    tracks=KILLABLE_TRACKS, seed=3)
    return folder


def _start_build(main_file, index):
    return start_cli("build-search-index", "--main-database", str(main_file), "--output", str(index))


def _kill_once_writing(process, folder):
    """SIGKILL the build as soon as its temporary file exists; return that file."""
    return kill_once_writing(process, folder, ".search.sqlite3.partial-*")


def test_killed_build_leaves_no_usable_index(killable_catalogue):
    main_file = killable_catalogue / "main_database.sqlite3"
    index = killable_catalogue / "search.sqlite3"
    partial = _kill_once_writing(_start_build(main_file, index), killable_catalogue)
    assert not index.exists()
    # The default index is absent, so the service scans; naming the partial fails.
    assert make_app(main_file).extensions["catalogue_files"].get("search") is None
    with pytest.raises(CatalogueFileError):
        make_app(main_file, SEARCH_DATABASE=str(partial))
    # The next build cleans up what the killed one left.
    build_search_index(main_file, index)
    assert not partial.exists()
    assert make_app(main_file).extensions["catalogue_files"].get("search") == index


def test_killed_rebuild_keeps_the_previous_index(killable_catalogue):
    main_file = killable_catalogue / "main_database.sqlite3"
    index = killable_catalogue / "search.sqlite3"
    if not index.exists():
        build_search_index(main_file, index)
    before = index.read_bytes()
    _kill_once_writing(_start_build(main_file, index), killable_catalogue)
    assert index.read_bytes() == before
    assert make_app(main_file).extensions["catalogue_files"].get("search") == index


def test_cli_reports_size_time_and_memory(main_file, tmp_path):
    index = tmp_path / "cli.sqlite3"
    result = CliRunner().invoke(
        cli, ["build-search-index", "--main-database", str(main_file), "--output", str(index)]
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {index}" in result.output
    assert " MB in " in result.output and "peak memory" in result.output
    assert make_app(main_file, SEARCH_DATABASE=str(index)).extensions["catalogue_files"].get("search")


def test_cli_refuses_a_file_that_is_not_a_catalogue(tmp_path):
    not_catalogue = tmp_path / "main_database.sqlite3"
    sqlite3.connect(not_catalogue).execute("CREATE TABLE t (x)").connection.close()
    result = CliRunner().invoke(cli, ["build-search-index", "--main-database", str(not_catalogue)])
    assert result.exit_code == 1
    assert "not the expected schema" in result.output
    assert not (tmp_path / "search.sqlite3").exists()


def test_demo_builds_the_index_once(catalogue_dir, tmp_path):
    for name in ("main_database.sqlite3", "track_files.sqlite3"):
        shutil.copy(catalogue_dir / name, tmp_path / name)
    first = CliRunner().invoke(cli, ["demo", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert "building the search index" in first.output
    assert "/search/track?q=" in first.output
    built_at = (tmp_path / "search.sqlite3").stat().st_mtime_ns
    second = CliRunner().invoke(cli, ["demo", str(tmp_path)])
    assert second.exit_code == 0, second.output
    assert "building the search index" not in second.output
    assert (tmp_path / "search.sqlite3").stat().st_mtime_ns == built_at
