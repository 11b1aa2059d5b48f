"""Start-up checks: a missing or wrong file stops the service with one clear line."""

import sqlite3
import subprocess

import pytest

from app.files import CatalogueFileError
from app.files import ddl_text
from tests.support.inprocess import make_app
from tests.support.servers import BIN
from tests.support.servers import REPO
from tests.support.servers import free_port


def folder_listing(folder):
    return sorted(path.name for path in folder.iterdir())


def bad_files(tmp_path):
    not_sqlite = tmp_path / "text.sqlite3"
    not_sqlite.write_text("hello, I am not a database\n" * 10)
    wrong_schema = tmp_path / "other.sqlite3"
    with sqlite3.connect(wrong_schema) as connection:
        connection.execute("CREATE TABLE tracks (rowid INTEGER PRIMARY KEY, id TEXT)")
    connection.close()
    missing_column = tmp_path / "missing_column.sqlite3"
    with sqlite3.connect(missing_column) as connection:
        connection.executescript(
            ddl_text("main_database.sql").replace("`explicit` integer", "`explicit_flag` integer")
        )
    connection.close()
    return {
        "no such file": tmp_path / "absent.sqlite3",
        "not an SQLite database": not_sqlite,
        "missing table artists": wrong_schema,
        "missing column tracks.explicit": missing_column,
        "not a regular file": tmp_path,
    }


@pytest.mark.parametrize(
    "problem",
    ["no such file", "not an SQLite database", "missing table artists",
     "missing column tracks.explicit", "not a regular file"],
)
def test_bad_main_file_is_refused(tmp_path, main_file, problem):
    path = bad_files(tmp_path)[problem]
    before = folder_listing(tmp_path)
    with pytest.raises(CatalogueFileError) as error:
        make_app(path)
    assert str(path) in str(error.value)
    assert problem.split(" ")[-1] in str(error.value)
    assert folder_listing(tmp_path) == before


def test_bad_track_files_file_is_refused(tmp_path, main_file):
    path = bad_files(tmp_path)["not an SQLite database"]
    with pytest.raises(CatalogueFileError, match="not an SQLite database"):
        make_app(main_file, TRACK_FILES_DATABASE=str(path))


def test_absent_track_files_is_a_warning_and_health_says_so(tmp_path, main_file, caplog):
    lonely = tmp_path / "main_database.sqlite3"
    lonely.symlink_to(main_file)
    client = make_app(lonely).test_client()
    assert any("track_files" in record.getMessage() for record in caplog.records
               if record.levelname == "WARNING")
    body = client.get("/health").get_json()
    assert body["status"] == "ok"
    assert body["databases"] == {"main": "ok", "track_files": "not configured"}


def test_gunicorn_exits_with_one_line_for_a_missing_file(tmp_path):
    missing = tmp_path / "absent.sqlite3"
    result = subprocess.run(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
        env={"MUSIC_API_MAIN_DATABASE": str(missing), "MUSIC_API_BIND": f"127.0.0.1:{free_port()}"},
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == [f"music-metadata-api: {missing}: no such file"]
    assert not missing.exists()
