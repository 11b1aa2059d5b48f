"""Faults under real gunicorn: files that are wrong at start-up or go bad while
served, and workers that die in the middle of a request. (The start-up checks
without a server: tests/test_files.py.)"""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
import requests

from tests.support.processes import worker_pids
from tests.support.servers import BIN
from tests.support.servers import REPO
from tests.support.servers import free_port
from tests.support.servers import running_gunicorn

RECOVERY_TIMEOUT_S = 30


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


@pytest.fixture()
def served_copy(tmp_path, main_file, files_file):
    """A copy of the catalogue served by a real gunicorn with 2 workers."""
    for source in (main_file, files_file):
        shutil.copy(source, tmp_path / source.name)
    main = tmp_path / main_file.name
    environment = {"MUSIC_API_MAIN_DATABASE": main, "MUSIC_API_RATELIMIT_ENABLED": "false"}
    with running_gunicorn(environment, workers=2) as server:
        yield server, main


def last_track_id(path):
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return connection.execute(
            "SELECT t.id FROM tracks t JOIN albums a ON a.rowid = t.album_rowid "
            "ORDER BY t.rowid DESC LIMIT 1"
        ).fetchone()[0]


def answers(server, path, count=6):
    """Status codes of ``count`` requests (enough to reach both workers)."""
    return [requests.get(server.base_url + path, timeout=10).status_code for _ in range(count)]


def wait_for(server, path, status):
    deadline = time.monotonic() + RECOVERY_TIMEOUT_S
    while time.monotonic() < deadline:
        if set(answers(server, path)) == {status}:
            return
        time.sleep(0.2)
    raise AssertionError(f"{path} did not settle on {status}")


def test_removed_file_answers_503_then_recovers(served_copy):
    server, main = served_copy
    track = f"/lookup/track/{last_track_id(main)}"
    assert set(answers(server, track)) == {200}
    main.rename(main.with_suffix(".moved"))
    try:
        statuses = answers(server, track)
        assert set(statuses) == {503}
        body = requests.get(server.base_url + track, timeout=10).json()
        assert body == {"error": {"status": 503, "message": "database unavailable"}}
        health = requests.get(server.base_url + "/health", timeout=10)
        assert health.status_code == 503
        assert health.json()["databases"]["main"] == "unavailable"
    finally:
        main.with_suffix(".moved").rename(main)
    wait_for(server, track, 200)
    assert requests.get(server.base_url + "/health", timeout=10).status_code == 200


def test_truncated_file_answers_503_then_recovers(served_copy):
    server, main = served_copy
    track = f"/lookup/track/{last_track_id(main)}"
    backup = main.with_suffix(".backup")
    shutil.copy(main, backup)
    assert set(answers(server, track)) == {200}
    workers = worker_pids(server.process.pid)
    with main.open("r+b") as file:
        file.truncate(main.stat().st_size // 2)
    assert set(answers(server, track)) == {503}
    assert requests.get(server.base_url + "/health", timeout=10).status_code == 503
    # The same workers answered: none died of SIGBUS reading past the new end.
    assert worker_pids(server.process.pid) == workers
    shutil.copyfile(backup, main)
    wait_for(server, track, 200)


def hang_in_a_request(server):
    """Open a POST whose body never fully arrives, so a worker is inside a request."""
    host, port = server.base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=20)
    sock.sendall(b"POST /batch/lookup HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"tracks\"")
    return sock


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGBUS], ids=["SIGKILL", "SIGBUS"])
def test_worker_killed_mid_request(main_file, sig):
    environment = {"MUSIC_API_MAIN_DATABASE": main_file, "MUSIC_API_RATELIMIT_ENABLED": "false"}
    with running_gunicorn(environment, workers=1) as server:
        before = worker_pids(server.process.pid)
        assert len(before) == 1
        sock = hang_in_a_request(server)
        try:
            time.sleep(0.5)
            os.kill(next(iter(before)), sig)
            # The client sees its connection end (an error), never a hang.
            try:
                received = sock.recv(65536)
            except ConnectionResetError:
                received = b""
            assert received == b""
        finally:
            sock.close()
        wait_for(server, "/health", 200)
        assert worker_pids(server.process.pid).isdisjoint(before)
