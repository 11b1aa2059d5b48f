"""Start-up checks (app/files.py): a missing, wrong or unreadable file stops the
service with one clear line. Under real gunicorn: tests/integration/test_faults.py."""

import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest

from app.files import CatalogueFileError
from app.files import ddl_text
from tests.support.inprocess import make_app
from tests.support.servers import BIN
from tests.support.servers import REPO


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
    assert body["databases"] == {
        "main": "ok", "track_files": "not configured", "audio_features": "not configured"
    }


def test_truncated_file_is_refused_at_start_up(tmp_path, main_file):
    truncated = tmp_path / "main_database.sqlite3"
    shutil.copy(main_file, truncated)
    with truncated.open("r+b") as file:
        file.truncate(truncated.stat().st_size // 2)
    with pytest.raises(CatalogueFileError, match="truncated"):
        make_app(truncated)


def test_unreadable_file_is_refused_with_one_line(main_file):
    folder = Path(tempfile.mkdtemp())
    try:
        folder.chmod(0o755)
        unreadable = folder / "main_database.sqlite3"
        shutil.copy(main_file, unreadable)
        unreadable.chmod(0o000)
        # Root reads anything; without the two DAC capabilities it obeys
        # file modes like any user.
        drop_capabilities = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
                             "--bounding-set=-dac_override,-dac_read_search"]
        result = subprocess.run(
            drop_capabilities + [str(BIN / "music-metadata-api"), "check"],
            cwd=REPO, capture_output=True, text=True, timeout=60,
            env={"MUSIC_API_MAIN_DATABASE": str(unreadable), "HOME": str(folder)},
        )
        assert result.returncode == 1
        assert result.stderr.strip().splitlines() == [
            f"music-metadata-api: {unreadable}: cannot be read (Permission denied)"
        ]
    finally:
        shutil.rmtree(folder)
