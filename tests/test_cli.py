"""The command line: the demo catalogue `make run` serves, and the README's examples."""

import json
import re
import shlex
import subprocess

import pytest

from tests.support.servers import BIN
from tests.support.servers import REPO
from tests.support.servers import running_gunicorn

README_URL = "http://127.0.0.1:8080"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Run `music-metadata-api demo` as `make run` does; return (folder, output)."""
    folder = tmp_path_factory.mktemp("demo")
    result = subprocess.run(
        [str(BIN / "music-metadata-api"), "demo", str(folder)],
        capture_output=True, text=True, timeout=300, check=True,
        env={"MUSIC_API_BIND": "127.0.0.1:8080", "PATH": str(BIN)},
    )
    return folder, result.stdout


def curl_commands(text):
    return [line.strip() for line in text.splitlines() if line.strip().startswith("curl ")]


def test_demo_prints_docs_url_and_examples(demo):
    folder, output = demo
    assert f"{README_URL}/docs" in output
    assert len(curl_commands(output)) >= 3
    assert (folder / "main_database.sqlite3").exists()
    assert (folder / "track_files.sqlite3").exists()


def test_readme_examples_are_the_ones_the_demo_prints(demo):
    readme = (REPO / "README.md").read_text()
    printed = curl_commands(demo[1])
    assert printed
    for command in printed:
        assert command in readme


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
