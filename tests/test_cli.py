"""The command line (app/cli.py): the demo catalogue `make run` serves, and the
README's examples. The examples answering on real gunicorn: tests/integration/test_cli.py."""

import importlib.metadata
import shutil
import subprocess

from tests.support.readme import README_URL
from tests.support.readme import curl_commands
from tests.support.servers import BIN
from tests.support.servers import REPO


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


def run_cli(*args, env=None, cwd=None):
    return subprocess.run(
        [str(BIN / "music-metadata-api"), *args],
        capture_output=True, text=True, timeout=300, env={"PATH": str(BIN), **(env or {})}, cwd=cwd,
    )


def test_demo_does_not_claim_to_serve_and_says_how_to(demo):
    folder, output = demo
    assert "Serving" not in output
    assert f"music-metadata-api serve --demo {folder}" in output


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip().endswith(importlib.metadata.version("music-metadata-api"))


def test_build_search_index_into_a_missing_folder_is_one_line(main_file, tmp_path):
    output = tmp_path / "no" / "such" / "folder" / "search.sqlite3"
    result = run_cli("build-search-index", "--main-database", str(main_file), "--output", str(output))
    assert result.returncode == 1
    assert result.stderr == f"music-metadata-api: cannot write {output}: no folder {output.parent}\n"
    assert not output.parent.exists()


def test_check_says_an_absent_optional_file_is_not_configured(main_file, tmp_path):
    alone = tmp_path / "main_database.sqlite3"
    shutil.copyfile(main_file, alone)
    result = run_cli("check", env={"MUSIC_API_MAIN_DATABASE": str(alone)})
    assert result.returncode == 0, result.stderr
    assert "None" not in result.stdout
    assert "track_files not configured" in result.stdout
    assert "search not configured" in result.stdout


def test_every_cli_error_is_one_line(tmp_path):
    result = run_cli("check", env={"MUSIC_API_MAIN_DATABASE": str(tmp_path / "missing.sqlite3")})
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("music-metadata-api: ")
