"""The command line (app/cli.py): the demo catalogue `make run` serves, and the
README's examples. The examples answering on real gunicorn: tests/integration/test_cli.py."""

from tests.support.readme import README_URL
from tests.support.readme import curl_commands
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
