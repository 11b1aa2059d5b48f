"""Search under real gunicorn: served from the index configured by environment,
and a stale index refused at start-up."""

import os
import shutil
import sqlite3
import subprocess

import requests

from tests.support.expected import fold
from tests.support.servers import BIN
from tests.support.servers import REPO
from tests.support.servers import running_gunicorn


def test_gunicorn_serves_from_the_index(main_file, index_file):
    env = {"MUSIC_API_MAIN_DATABASE": main_file, "MUSIC_API_SEARCH_DATABASE": index_file}
    with running_gunicorn(env, workers=1) as server:
        health = requests.get(server.base_url + "/health", timeout=10).json()
        assert health["search"] == "index"
        found = requests.get(
            server.base_url + "/search/artist", params={"q": "beyonce"}, timeout=10
        ).json()
        assert found and all(fold(artist["name"]).startswith("beyonce") for artist in found)


def test_gunicorn_refuses_a_stale_index_with_one_line(index_file, catalogue_dir, tmp_path):
    index = index_file
    changed = tmp_path / "main_database.sqlite3"
    shutil.copy(catalogue_dir / "main_database.sqlite3", changed)
    sqlite3.connect(changed).execute("PRAGMA user_version = 7").connection.close()
    environment = dict(os.environ, MUSIC_API_MAIN_DATABASE=str(changed),
                       MUSIC_API_SEARCH_DATABASE=str(index), MUSIC_API_BIND="127.0.0.1:0")
    result = subprocess.run(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=REPO, env=environment, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "stale or foreign search index" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
