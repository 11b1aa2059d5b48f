"""Connections: read-only, tuned, one per thread, interrupted past a time limit."""

import shutil
import threading

import apsw
import flask
import pytest

from app import db
from tests.support.inprocess import assert_error
from tests.support.inprocess import make_app


def connection_of(app):
    with app.app_context():
        return db.get_db()


def test_files_are_opened_read_only(app):
    connection = connection_of(app)
    with pytest.raises((apsw.ReadOnlyError, apsw.SQLError)):
        connection.execute("DELETE FROM tracks")
    with pytest.raises((apsw.ReadOnlyError, apsw.SQLError)):
        connection.execute("DELETE FROM files.track_files")
    assert connection.execute("PRAGMA query_only").fetchone() == (1,)


def test_pragmas_take_effect_on_every_file(main_file):
    app = make_app(main_file, SQLITE_MMAP_SIZE=64 * 1024**2, SQLITE_CACHE_SIZE_KIB=4096)
    connection = connection_of(app)
    for schema in ("main", "files"):
        assert connection.execute(f"PRAGMA {schema}.mmap_size").fetchone() == (64 * 1024**2,)
        assert connection.execute(f"PRAGMA {schema}.cache_size").fetchone() == (-4096,)


def test_immutable_is_a_setting(main_file):
    assert "immutable=1" in db.sqlite_uri(main_file, immutable=True)
    assert "immutable" not in db.sqlite_uri(main_file, immutable=False)
    app = make_app(main_file, SQLITE_IMMUTABLE=False)
    assert connection_of(app).execute("SELECT count(*) FROM albums").fetchone()[0] > 0


def test_one_connection_per_thread(app):
    mine = connection_of(app)
    assert connection_of(app) is mine
    theirs = []
    thread = threading.Thread(target=lambda: theirs.append(connection_of(app)))
    thread.start()
    thread.join(timeout=30)
    assert theirs and theirs[0] is not mine


def test_time_limit_interrupts_and_is_removed(app):
    connection = connection_of(app)
    with pytest.raises(db.QueryTimeout):
        with db.time_limit(connection, 0):
            connection.execute("SELECT count(*) FROM tracks a, tracks b").fetchall()
    # The handler is gone: a long statement now runs to the end.
    assert connection.execute("SELECT count(*) FROM tracks WHERE name LIKE '%zz%'").fetchone()


def test_health_is_503_when_a_file_cannot_answer(tmp_path, main_file, files_file):
    shutil.copy(main_file, tmp_path / "main_database.sqlite3")
    broken = tmp_path / "track_files.sqlite3"
    shutil.copy(files_file, broken)
    app = make_app(tmp_path / "main_database.sqlite3")
    # Cut the file after the start-up check, before the worker opens it.
    with broken.open("r+b") as file:
        file.truncate(broken.stat().st_size // 3)
    response = app.test_client().get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["databases"] == {
        "main": "ok", "track_files": "unavailable", "audio_features": "not configured"
    }


def test_every_request_runs_under_the_request_time_limit(main_file, oracle):
    # A budget of 0 ms has passed before the first statement's first
    # progress check, so any statement of more than a few thousand steps stops.
    app = make_app(main_file, REQUEST_TIME_LIMIT_MS=0)
    isrcs = [row[0] for row in oracle.execute(
        "SELECT DISTINCT external_id_isrc FROM tracks WHERE external_id_isrc > '' LIMIT 400"
    )]
    response = app.test_client().post("/batch/lookup", json={"isrcs": isrcs})
    assert_error(response, 503, "the request ran past the server's time limit")
    # The budget belongs to the request: outside one, statements run to the end.
    connection = connection_of(app)
    assert connection.execute("SELECT count(*) FROM tracks a, tracks b LIMIT 1").fetchone()


def test_search_keeps_its_own_tighter_limit(main_file):
    app = make_app(main_file, SEARCH_TIME_LIMIT_MS=0, REQUEST_TIME_LIMIT_MS=60_000)
    client = app.test_client()
    assert_error(client.get("/search/track?q=zzzzq"), 408, "search timeout - try a more specific query")
    # The request's budget comes back after the search's block.
    with app.test_request_context("/"):
        app.preprocess_request()
        connection = db.get_db()
        with pytest.raises(db.QueryTimeout):
            with db.time_limit(connection, 0):
                connection.execute("SELECT count(*) FROM tracks a, tracks b").fetchall()
        assert connection.deadline == flask.g.sql_deadline
        assert connection.execute("SELECT count(*) FROM tracks").fetchone()


def test_the_connection_knows_which_files_it_attaches(main_file, tmp_path):
    assert connection_of(make_app(main_file)).attached == {"main", "track_files", "audio_features"}
    shutil.copy(main_file, tmp_path / "main_database.sqlite3")
    alone = make_app(tmp_path / "main_database.sqlite3")
    assert connection_of(alone).attached == {"main"}
