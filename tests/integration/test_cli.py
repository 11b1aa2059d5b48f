"""The README's examples, run with curl against the demo catalogue under real gunicorn."""

import json
import os
import re
import shlex
import socket
import subprocess

import requests

from tests.support.readme import README_URL
from tests.support.readme import curl_commands
from tests.support.servers import BIN
from tests.support.servers import REPO
from tests.support.servers import free_port
from tests.support.servers import running_gunicorn
from tests.support.servers import stop
from tests.support.servers import wait_until_answers


def test_readme_examples_answer_on_the_demo(demo):
    folder = demo[0]
    readme_commands = curl_commands((REPO / "README.md").read_text())
    examples = [c for c in readme_commands if README_URL in c]
    assert len(examples) >= 3
    with running_gunicorn({"MUSIC_API_MAIN_DATABASE": folder / "main_database.sqlite3"}) as server:
        for command in examples:
            argv = shlex.split(command.replace(README_URL, server.base_url), comments=True)
            result = subprocess.run(
                argv[:1] + ["--silent", "--show-error", "--fail", "--max-time", "30"] + argv[1:],
                capture_output=True, text=True, timeout=60,
            )
            assert result.returncode == 0, (command, result.stderr)
            answer = json.loads(result.stdout)
            assert answer, command
            if isinstance(answer, dict) and re.search(r"/batch/lookup", command):
                assert all(answer[kind] for kind in answer)


def test_serve_runs_the_packaged_configuration_without_a_checkout(main_file, tmp_path):
    port = free_port()
    env = dict(
        os.environ, MUSIC_API_BIND=f"127.0.0.1:{port}", MUSIC_API_MAIN_DATABASE=str(main_file),
        WEB_CONCURRENCY="1",
    )
    log_path = tmp_path / "serve.log"
    # From a folder without gunicorn.conf.py or wsgi.py: what `pip install .` gives.
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [str(BIN / "music-metadata-api"), "serve"], cwd=tmp_path, env=env,
            stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/health", process, log_path)
        answer = requests.get(f"http://127.0.0.1:{port}/lookup/isrc/ZZ0000000000", timeout=10)
        assert answer.status_code == 200
        # The packaged settings: JSON log lines, JSON errors for what gunicorn refuses.
        lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
        assert any(line.get("logger") == "app.requests" for line in lines)
    finally:
        stop(process)
    assert process.returncode == 0


def test_serve_on_a_busy_port_says_so_in_one_line_before_anything_else(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        bind = "127.0.0.1:%d" % busy.getsockname()[1]
        result = subprocess.run(
            [str(BIN / "music-metadata-api"), "serve", "--demo", str(tmp_path / "demo")],
            capture_output=True, text=True, timeout=60,
            env={"PATH": str(BIN), "MUSIC_API_BIND": bind},
        )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"music-metadata-api: {bind} is already in use")
    assert "MUSIC_API_BIND" in result.stderr
    # Nothing was built or announced before the address was checked.
    assert not (tmp_path / "demo").exists()
