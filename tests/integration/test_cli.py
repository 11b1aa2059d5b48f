"""The README's examples, run with curl against the demo catalogue under real gunicorn."""

import json
import re
import shlex
import subprocess

from tests.support.readme import README_URL
from tests.support.readme import curl_commands
from tests.support.servers import REPO
from tests.support.servers import running_gunicorn


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
