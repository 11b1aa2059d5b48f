"""The search index builder (app/search_index.py) and the start-up check of
the index. The check under real gunicorn: tests/integration/test_search.py.

Indexes are built over the generated test catalogue; expectations come from
reading the same files with plain sqlite3.
"""

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main as cli
from app.demo import write_catalogue
from app.files import CatalogueFileError
from app.search_index import build_search_index
from tests.support.inprocess import make_app

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent
# Big enough that a build lasts long enough to be killed midway.
KILLABLE_TRACKS = 20_000
KILL_TIMEOUT_S = 60


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
    assert app.extensions["catalogue_files"].search == index
    body = app.test_client().get("/health").get_json()
    assert body["search"] == "index"


def test_without_an_index_the_service_scans(main_file):
    app = make_app(main_file)
    assert app.extensions["catalogue_files"].search is None
    assert app.test_client().get("/health").get_json()["search"] == "scan"


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
    return subprocess.Popen(
        [str(BIN / "music-metadata-api"), "build-search-index",
         "--main-database", str(main_file), "--output", str(index)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _kill_once_writing(process, folder):
    """SIGKILL the build as soon as its temporary file exists; return that file."""
    deadline = time.monotonic() + KILL_TIMEOUT_S
    try:
        while time.monotonic() < deadline and process.poll() is None:
            partials = list(folder.glob(".search.sqlite3.partial-*"))
            if partials:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=KILL_TIMEOUT_S)
                return partials[0]
            time.sleep(0.001)
        raise AssertionError("the build ended before it could be killed")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=KILL_TIMEOUT_S)


def test_killed_build_leaves_no_usable_index(killable_catalogue):
    main_file = killable_catalogue / "main_database.sqlite3"
    index = killable_catalogue / "search.sqlite3"
    partial = _kill_once_writing(_start_build(main_file, index), killable_catalogue)
    assert not index.exists()
    # The default index is absent, so the service scans; naming the partial fails.
    assert make_app(main_file).extensions["catalogue_files"].search is None
    with pytest.raises(CatalogueFileError):
        make_app(main_file, SEARCH_DATABASE=str(partial))
    # The next build cleans up what the killed one left.
    build_search_index(main_file, index)
    assert not partial.exists()
    assert make_app(main_file).extensions["catalogue_files"].search == index


def test_killed_rebuild_keeps_the_previous_index(killable_catalogue):
    main_file = killable_catalogue / "main_database.sqlite3"
    index = killable_catalogue / "search.sqlite3"
    if not index.exists():
        build_search_index(main_file, index)
    before = index.read_bytes()
    _kill_once_writing(_start_build(main_file, index), killable_catalogue)
    assert index.read_bytes() == before
    assert make_app(main_file).extensions["catalogue_files"].search == index


def test_cli_reports_size_time_and_memory(main_file, tmp_path):
    index = tmp_path / "cli.sqlite3"
    result = CliRunner().invoke(
        cli, ["build-search-index", "--main-database", str(main_file), "--output", str(index)]
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {index}" in result.output
    assert " MB in " in result.output and "peak memory" in result.output
    assert make_app(main_file, SEARCH_DATABASE=str(index)).extensions["catalogue_files"].search


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
